package engine_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestCommonNumericKindWritten: min, max, clamp, coalesce, a conditional,
// a switch, a mixture, a list literal's elements (through an index or
// choice) and an experiment param have the common kind of their
// arguments, branches or values: ints with floats make a float. Where
// that kind is float, the value is one whichever argument it came from,
// so JSON lines and CSV write it with a point (0.0, 3.0), as scen plan
// says and as Parquet and PostgreSQL write it. The value was the int
// argument itself, written 0 and 3. All-int ones stay ints.
func TestCommonNumericKindWritten(t *testing.T) {
	// a is the actor's index: 0, 1, 2, 3 (an int that is no constant).
	for _, tc := range []struct {
		name, expr, kind string
		want             [4]string // per actor, as JSON and CSV write it
	}{
		{"min", "min(u.a, 2.5)", "float", [4]string{"0.0", "1.0", "2.0", "2.5"}},
		{"max", "max(u.a, 0.5)", "float", [4]string{"0.5", "1.0", "2.0", "3.0"}},
		{"max of three", "max(u.a, 0.5, 1)", "float", [4]string{"1.0", "1.0", "2.0", "3.0"}},
		{"clamp", "clamp(u.a, 0.0, 1.5)", "float", [4]string{"0.0", "1.0", "1.5", "1.5"}},
		{"clamp to int bounds", "clamp(u.a * 0.5, 0, 1)", "float", [4]string{"0.0", "0.5", "1.0", "1.0"}},
		{"coalesce", "coalesce(null, u.a, 2.5)", "float", [4]string{"0.0", "1.0", "2.0", "3.0"}},
		{"min of constants", "min(1, 2.5)", "float", [4]string{"1.0", "1.0", "1.0", "1.0"}},
		{"max of constants", "max(3, 2.5)", "float", [4]string{"3.0", "3.0", "3.0", "3.0"}},
		{"clamp of constants", "clamp(1, 0, 1.5)", "float", [4]string{"1.0", "1.0", "1.0", "1.0"}},
		{"coalesce of constants", "coalesce(null, 1, 2.5)", "float", [4]string{"1.0", "1.0", "1.0", "1.0"}},
		{"index of a constant list", "[1, 2.5][0]", "float", [4]string{"1.0", "1.0", "1.0", "1.0"}},
		{"varying index", "[1, 2.5][u.a % 2]", "float", [4]string{"1.0", "2.5", "1.0", "2.5"}},
		{"index of a varying list", "[u.a, 2.5][0]", "float", [4]string{"0.0", "1.0", "2.0", "3.0"}},
		{"choice", "choice([1, 1.0])", "float", [4]string{"1.0", "1.0", "1.0", "1.0"}},
		{"conditional", "u.a > 1 ? 1 : 2.5", "float", [4]string{"2.5", "2.5", "1.0", "1.0"}},
		{"conditional of a varying int", "u.a > 1 ? u.a : 2.5", "float", [4]string{"2.5", "2.5", "2.0", "3.0"}},
		{"switch", `switch(u.a, { "0" = 1, "1" = u.a, default = 2.5 })`, "float", [4]string{"1.0", "1.0", "2.5", "2.5"}},
		{"mixture", "mixture([1, 0], [u.a, 2.5])", "float", [4]string{"0.0", "1.0", "2.0", "3.0"}},
		{"param", "experiment.x.p", "float", [4]string{"5.0", "5.0", "5.0", "5.0"}},
		// Ints only: ints.
		{"min of ints", "min(u.a, 2)", "int", [4]string{"0", "1", "2", "2"}},
		{"max of ints", "max(u.a, 1)", "int", [4]string{"1", "1", "2", "3"}},
		{"clamp of ints", "clamp(u.a, 1, 2)", "int", [4]string{"1", "1", "2", "2"}},
		{"coalesce of ints", "coalesce(null, u.a, 7)", "int", [4]string{"0", "1", "2", "3"}},
		{"min of int constants", "min(1, 2)", "int", [4]string{"1", "1", "1", "1"}},
		{"index of ints", "[1, 2][0]", "int", [4]string{"1", "1", "1", "1"}},
		{"conditional of ints", "u.a > 1 ? 1 : 2", "int", [4]string{"2", "2", "1", "1"}},
		{"abs", "abs(u.a - 1)", "int", [4]string{"1", "0", "1", "2"}},
		// A constant condition picks its branch: of that branch's kind.
		{"constant condition", "true ? 1 : 2.5", "int", [4]string{"1", "1", "1", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf(`scenario "s" {
  seed  = 1
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "u" {
  count = 4
  attributes {
    a = index
  }
}
experiment "x" {
  unit   = u.a
  groups = { control = 0.5, cheap = 0.5 }
  param "p" {
    control = 5
    cheap   = 5
    default = 0.5
  }
}
flow "f" {
  actor = entity.u
  session {
    count = 1
    start = "1h"
  }
  initial = "s"
  state "s" {
    emit "e" {
      a = u.a
      v = %s
    }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
sink "c" {
  type   = "csv"
  stream = "e"
  path   = "e.csv"
}
`, tc.expr)
			path := writeScenario(t, src)
			plan := compileFile(t, path, nil, nil)
			col := plan.Streams[0].Columns[1]
			if col.Name != "v" || col.Type.String() != tc.kind {
				t.Fatalf("scen plan: %s is %s, want %s", col.Name, col.Type, tc.kind)
			}
			out := runTo(t, path, 1, nil, engine.RunOptions{Workers: 1})
			var got [4]string
			sc := bufio.NewScanner(bytes.NewReader(readFile(t, filepath.Join(out, "e.jsonl"))))
			for sc.Scan() {
				var r map[string]json.RawMessage
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					t.Fatal(err)
				}
				var a int
				if err := json.Unmarshal(r["a"], &a); err != nil {
					t.Fatal(err)
				}
				got[a] = string(r["v"])
			}
			if got != tc.want {
				t.Errorf("JSON lines: v = %q, want %q", got, tc.want)
			}
			rows, err := csv.NewReader(strings.NewReader(string(readFile(t, filepath.Join(out, "e.csv"))))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got = [4]string{}
			for _, row := range rows[1:] {
				var a int
				fmt.Sscan(row[0], &a)
				got[a] = row[1]
			}
			if got != tc.want {
				t.Errorf("CSV: v = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCommonNumericKindSlots: a ctx or memory slot set to an int in one
// state and a float in another, append of an int to a list of floats (or
// of a float to a constant list of ints), and a list variable of ints and
// floats, in the scenario or from --var, hold floats: every value of
// those fields, of kind float, is written with a point.
func TestCommonNumericKindSlots(t *testing.T) {
	src := `scenario "s" {
  seed  = 1
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
variable "l" {
  default = [1, 2.5]
}
entity "u" {
  count = 16
  attributes {
    a = index
  }
}
flow "f" {
  actor = entity.u
  session {
    count = 1
    start = "1h"
  }
  initial = "s"
  state "s" {
    set      = { x = 1 }
    remember = { m = 2 }
    next     = { w = 0.5, t = 0.5 }
  }
  state "w" {
    set      = { x = 2.5 }
    remember = { m = 0.5 }
    next     = { t = 1 }
  }
  state "t" {
    emit "e" {
      a   = u.a
      cx  = ctx.x
      mm  = memory.m
      ap  = append([2.5], u.a)[1]
      ap1 = append([1], 2.5)[0]
      vl  = var.l[u.a % 2]
    }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name string
		vars map[string]string
	}{
		{"variable's default", nil},
		{"--var", map[string]string{"l": "[3, 0.5]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, src)
			plan := compileFile(t, path, nil, tc.vars)
			for _, col := range plan.Streams[0].Columns[1:] {
				if col.Type.String() != "float" {
					t.Errorf("scen plan: %s is %s, want float", col.Name, col.Type)
				}
			}
			out := runTo(t, path, 1, tc.vars, engine.RunOptions{Workers: 1})
			sc := bufio.NewScanner(bytes.NewReader(readFile(t, filepath.Join(out, "e.jsonl"))))
			n := 0
			for sc.Scan() {
				var r map[string]json.RawMessage
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"cx", "mm", "ap", "ap1", "vl"} {
					if !strings.Contains(string(r[k]), ".") {
						t.Errorf("%s = %s in %s, want a float", k, r[k], sc.Bytes())
					}
				}
				n++
			}
			if n != 16 {
				t.Fatalf("%d records, want 16", n)
			}
		})
	}
}
