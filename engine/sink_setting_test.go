package engine_test

import (
	"strings"
	"testing"
)

// TestSinkSettingGot: a sink setting of the wrong type says what it got
// and what it needs, at the value's file:line:column, also when the
// value comes from a variable (table = var.t holding a number said
// "table must be a literal string", which var.t holding a string is
// not either, and works).
func TestSinkSettingGot(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
variable "t" { default = VALUE }
entity "user" {
  count = 3
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "TYPE"
  stream = "e"
  SETTING
}
`
	for _, tc := range []struct{ name, value, typ, setting, want string }{
		{"postgres table from a number variable", "3", "postgres", "table = var.t",
			"error 22:11 Invalid table: table must be a string, got the number 3."},
		{"postgres table from a bool variable", "true", "postgres", "table = var.t",
			"error 22:11 Invalid table: table must be a string, got the bool true."},
		{"postgres table from a string variable", `"events"`, "postgres", "table = var.t", ""},
		{"postgres table from an actor", "1", "postgres", "table = user.id",
			"error 22:11 Invalid table: table must be a string, got an expression whose value is not known before the run (a sink's settings are literals or variables, var.NAME)."},
		{"file path from a number variable", "3", "jsonl", "path = var.t",
			"error 22:10 Invalid path: path must be a string, relative to the output directory (--out), got the number 3."},
		{"csv header from a string variable", `"yes"`, "csv", "path = \"e.csv\"\n  header = var.t",
			`error 23:12 Invalid header: header must be true or false, got the string "yes".`},
		{"parquet rows_per_file from a string variable", `"10"`, "parquet", "path = \"e.parquet\"\n  rows_per_file = var.t",
			`error 23:19 Invalid rows_per_file: rows_per_file must be a positive whole number, got the string "10".`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("VALUE", tc.value, "TYPE", tc.typ, "SETTING", tc.setting).Replace(src), tc.want)
		})
	}
}
