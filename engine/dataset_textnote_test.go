package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestDatasetTextColumnNote: a number read from a dataset column that is
// text because of one cell ("zero" among numbers) is a compile-time error
// at the expression, as before, that now names the file, the line and the
// cell that made the column text; a column that is text throughout gets
// no such note.
func TestDatasetTextColumnNote(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "c.csv"), []byte("country,decimals,name\nUS,2,a\nJP,zero,b\nFR,1,c\n"), 0o644)
	const note = `Column "decimals" of c.csv is text because line 3 holds "zero".`
	for _, tc := range []struct {
		name, expr, want string
		col              int // where the error points on line 14
		noNote           bool
	}{
		{"a function's argument, from a row", `round(1.5, choice(dataset.c).decimals)`, `Invalid argument: round: digits must be an int, got string. ` + note + ` Usage:`, 22, false},
		{"from the column's list", `round(1.5, choice(dataset.c.decimals))`, `Invalid argument: round: digits must be an int, got string. ` + note, 22, false},
		{"from an attribute's row", `round(1.5, u.row.decimals)`, `Invalid argument: round: digits must be an int, got string. ` + note, 22, false},
		{"by index", `round(1.5, u.row["decimals"])`, `Invalid argument: round: digits must be an int, got string. ` + note, 22, false},
		{"filtered", `round(1.5, choice(dataset.f).decimals)`, `Invalid argument: round: digits must be an int, got string. ` + note, 22, false},
		{"arithmetic", `u.row.decimals * 2`, `Invalid operands: string and int cannot be combined with *. ` + note, 11, false},
		{"arithmetic's note", `2 + u.row.decimals`, note, 11, false},
		{"a comparison", `u.row.decimals > 1`, `Invalid operands: string and int cannot be compared with >. ` + note, 11, false},
		{"a text column", `round(1.5, u.row.name)`, `Invalid argument: round: digits must be an int, got string. Usage:`, 22, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf(`scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "c" { path = "c.csv" }
dataset "f" {
  from  = dataset.c
  where = row.country != "FR"
}
entity "u" {
  count = 2
  attributes { row = choice(dataset.c) }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "ev" {
      v = %s
    }
  }
}
`, tc.expr)
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			sc, diags := dsl.Load(path)
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			errs := errorsIn(diags)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %s", diags.Error())
			}
			msg := errs[0].Summary + ": " + errs[0].Detail
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "c.csv is text") == tc.noNote {
				t.Fatalf("got %q, want it to hold %q (note: %v)", msg, tc.want, !tc.noNote)
			}
			if s := errs[0].Subject; s.Start.Line != 20 || s.Start.Column != tc.col {
				t.Errorf("at %d:%d, want 20:%d", s.Start.Line, s.Start.Column, tc.col)
			}
		})
	}
}
