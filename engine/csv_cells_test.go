package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
)

// TestCSVCells: what a CSV cell holds for each kind of value. An empty
// string is written "" and a null is the empty cell, as PostgreSQL's COPY
// … CSV, DuckDB and Spark read them; before, both were the empty cell and
// an empty string loaded as NULL.
func TestCSVCells(t *testing.T) {
	cases := []struct {
		field, expr, want string
	}{
		{"empty_const", `""`, `""`},
		{"empty_attr", `user.empty`, `""`},
		{"empty_template", `"${user.empty}"`, `""`},
		{"empty_ctx", `ctx.empty`, `""`},
		{"null", `null`, ``},
		{"null_attr", `user.nothing`, ``},
		{"plain", `"abc"`, `abc`},
		{"comma", `"a,b"`, `"a,b"`},
		{"quote", `"say \"hi\""`, `"say ""hi"""`},
		{"lead_blank", `" x"`, `" x"`},
		{"newline", `"a\nb"`, "\"a\nb\""},
		{"carriage_return", `"a\rb"`, "\"a\rb\""},
		{"unicode", `"김민수 Zoë"`, `김민수 Zoë`},
		{"nested", `{ s = "", n = null, q = "a,\"b\"" }`, `"{""s"":"""",""q"":""a,\""b\""""}"`},
		{"list", `["", "x"]`, `"["""",""x""]"`},
		{"number", `1.5`, `1.5`},
		{"bool", `false`, `false`},
		{"duration", `minutes(90)`, `1h30m0s`},
		{"time", `time("2025-06-01T09:30:00")`, `2025-06-01T09:30:00.000+09:00`},
	}
	var fields, header, row []string
	for _, c := range cases {
		fields = append(fields, fmt.Sprintf("      %s = %s", c.field, c.expr))
		header = append(header, c.field)
		row = append(row, c.want)
	}
	src := fmt.Sprintf(`scenario "csv" {
  timezone = "Asia/Seoul"
  start    = "2025-06-01T00:00:00"
  end      = "2025-06-02T00:00:00"
}
entity "user" {
  count = 1
  attributes {
    empty   = weighted({ "" = 1 })
    nothing = null
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 1
  }
  initial = "e"
  state "e" {
    set = { empty = "" }
    emit "events" {
%s
    }
    next = { end = 1 }
  }
}
sink "file" {
  type   = "csv"
  stream = "events"
  path   = "e.csv"
}
`, strings.Join(fields, "\n"))
	dir := t.TempDir()
	path := filepath.Join(dir, "csv.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runTo(t, path, 1, nil, engine.RunOptions{Workers: 1})
	got := readFile(t, filepath.Join(out, "e.csv"))
	golden(t, "csv_cells.csv", got)
	lines := strings.SplitN(string(got), "\n", 2)
	if lines[0] != strings.Join(header, ",") {
		t.Fatalf("header %q", lines[0])
	}
	rest := strings.TrimSuffix(lines[1], "\n")
	for i, c := range cases {
		want := c.want
		if i < len(cases)-1 {
			want += ","
		}
		if !strings.HasPrefix(rest, want) {
			t.Fatalf("%s (%s): the cell is %.40q…, want %q", c.field, c.expr, rest, c.want)
		}
		rest = rest[len(want):]
	}
	// A dataset read from the file keeps them apart too.
	tab, err := data.Load(filepath.Join(out, "e.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for j, col := range tab.Columns {
		v := tab.Rows[0][j]
		switch col {
		case "empty_const", "empty_attr", "empty_template", "empty_ctx":
			if v.K != stdlib.String || v.S != "" {
				t.Errorf("%s reads back as %v, want the empty string", col, v)
			}
		case "null", "null_attr":
			if v.K != stdlib.Null {
				t.Errorf("%s reads back as %v, want null", col, v)
			}
		case "lead_blank", "newline", "comma":
			if want := map[string]string{"lead_blank": " x", "newline": "a\nb", "comma": "a,b"}[col]; v.S != want {
				t.Errorf("%s reads back as %q, want %q", col, v.S, want)
			}
		}
	}
}
