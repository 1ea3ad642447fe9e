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

// TestForElementError: a for expression over a constant collection is
// folded while compiling, and an element the body fails on is an error
// then, as the run would meet it for every record. The error names the
// element (a dataset's row by its number in its file, as a dataset
// filter's error does) and the values of the operands whose text does not
// say them.
func TestForElementError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mixed.jsonl"), []byte("{\"a\":1}\n{\"a\":2}\n{\"a\":\"x\"}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "k.csv"), []byte("id,n\n1,5\n2,3\n3,3\n4,6\n"), 0o644)
	head := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "mixed" { path = "mixed.jsonl" }
dataset "k" { path = "k.csv" }
dataset "big" {
  from  = dataset.k
  where = row.id >= 3
}
entity "u" {
  count = 1
  attributes {
    x = `
	for _, tc := range []struct {
		name, expr, want string
	}{
		{"a dataset's row", "[for r in dataset.mixed : r.a * 2]",
			`s.hcl:14:35: Invalid operands; string and int cannot be combined with * (r.a is "x").
While evaluating the for expression: r is row 3 of mixed.jsonl (dataset "mixed").`},
		{"a comparison", "[for r in dataset.mixed : r.a > 1]",
			`s.hcl:14:35: Invalid operands; string and int cannot be compared with > (r.a is "x").
While evaluating the for expression: r is row 3 of mixed.jsonl (dataset "mixed").`},
		{"a filtered dataset's row, by its number in the file", "[for r in dataset.big : 10 / (r.n - 3)]",
			`s.hcl:14:33: Division by zero; (r.n - 3) is 0 in 10 / (r.n - 3).
While evaluating the for expression: r is row 3 of k.csv (dataset "big").`},
		{"a list's element", `[for v in [1, "b"] : v * 2]`,
			`s.hcl:14:30: Invalid operands; string and int cannot be combined with * (v is "b").
While evaluating the for expression: v is element 2 of the list.`},
		{"an object's key", `{for k, v in { a = 1, b = 2 } : k => v + k}`,
			`s.hcl:14:46: Invalid operands; int and string cannot be combined with + (v is 1, k is "a"). To join strings, use a template: "${a}${b}".
While evaluating the for expression: k is key "a" of the object.`},
		{"an object's value", `[for v in { a = 1, b = "c" } : v * 2]`,
			`s.hcl:14:40: Invalid operands; string and int cannot be combined with * (v is "c").
While evaluating the for expression: v is the value of key "b" of the object.`},
		{"nested", `[for r in dataset.mixed : [for n in [1, 2] : r.a * n]]`,
			`s.hcl:14:54: Invalid operands; string and int cannot be combined with * (r.a is "x", n is 1).
While evaluating the for expression: n is element 1 of the list.
While evaluating the for expression: r is row 3 of mixed.jsonl (dataset "mixed").`},
		{"a literal operand is not repeated", `[for v in [1, "b"] : "b" * v]`,
			`s.hcl:14:30: Invalid operands; string and int cannot be combined with * (v is 1).
While evaluating the for expression: v is element 1 of the list.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(head+tc.expr+"\n  }\n}\n"), 0o644)
			sc, diags := dsl.Load(path)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			_, diags = engine.Compile(sc, engine.Options{})
			if !diags.HasErrors() {
				t.Fatal("it compiles")
			}
			d := diags[0]
			got := fmt.Sprintf("%s:%d:%d: %s; %s", filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column, d.Summary,
				strings.ReplaceAll(d.Detail, dir+string(filepath.Separator), ""))
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
