package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestArgErrorsPointAtTheFault: an argument's error points at the part of
// the argument at fault (weighted's bad weight, histogram's bad element,
// not the whole map or list), and a column the rows do not have suggests
// the closest one.
func TestArgErrorsPointAtTheFault(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.csv"), []byte("id,name,price,category\n1,a,2.5,x\n2,b,3,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, expr, want, at string }{
		{"negative weight", `weighted({ retail = 0.7, premium = -0.2 })`,
			`Invalid argument: weighted: the weight of "premium" must be zero or positive, got -0.2.`, "9:44"},
		{"string weight", `weighted({ retail = 0.7, "pre mium" = "x" })`,
			`Invalid argument: weighted: the weight of "pre mium" must be a number, got the string "x".`, "9:47"},
		{"weight that is not a constant", `weighted({ retail = 1, premium = c.n, gold = uniform(1, 2) })`,
			`Invalid argument: weighted: the weight of "premium" is not a constant; weighted's weights are, like { a = 3, b = 1 }: for weights that depend on the actor or record, pick among weighted draws with switch(key, { … }) or write bernoulli(p) ? "a" : "b". Usage:`, "9:42"},
		{"null weight", `weighted({ retail = null, premium = 1 })`,
			`Invalid argument: weighted: the weight of "retail" must be a number, got null.`, "9:29"},
		{"histogram weight", `histogram([0, 10, 20], [1, -2])`,
			`Invalid argument: histogram: weight 2 must be zero or positive and finite, got -2.`, "9:36"},
		{"histogram edge", `histogram([0, 10, 5], [1, 2])`,
			`Invalid argument: histogram: bin edges must increase strictly; edge 3 (5)`, "9:27"},
		{"lookup column", `lookup(dataset.p, "categry", "x").id`,
			`Invalid argument: lookup: rows have no column "categry" (columns: id, name, price, category). Did you mean "category"?`, "9:27"},
		{"sample_rows column", `len(sample_rows(dataset.p, 2, "nme", "a"))`,
			`Invalid argument: sample_rows: rows have no column "nme" (columns: id, name, price, category). Did you mean "name"?`, "9:39"},
		{"sample_rows column, indexed", `sample_rows(dataset.p, 2, "nme", "a")[0].name`,
			`Invalid argument: sample_rows: rows have no column "nme"`, "9:35"},
		{"sample_weighted column", `sample_weighted(dataset.p, "prce").id`,
			`Invalid argument: sample_weighted: rows have no column "prce" (columns: id, name, price, category). Did you mean "price"?`, "9:36"},
		{"number in quotes, generic check", `round("3.5")`,
			`Invalid argument: round: x must be a number, got string. "3.5" is a string: write the number without quotes (3.5). Usage:`, "9:15"},
		{"number in quotes, distribution", `normal(35, "10")`,
			`Invalid argument: normal: sigma must be a number, got string. "10" is a string: write the number without quotes (10). Usage:`, "9:20"},
		{"a string that is no number", `normal(35, "x")`,
			`Invalid argument: normal: sigma must be a number, got string. Usage:`, "9:20"},
		{"a column nothing is close to", `lookup(dataset.p, "zzzzzz", 1).id`,
			`Invalid argument: lookup: rows have no column "zzzzzz" (columns: id, name, price, category). Usage:`, "9:27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
dataset "p" { path = "p.csv" }
entity "c" {
  count = 5
  attributes {
    a = ` + tc.expr + `
    n = 2
  }
}
`
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".hcl")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, diags := dsl.Load(path)
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			wantOneError(t, errorsIn(diags), tc.want, tc.at)
		})
	}
}

// TestSinkMissingArgumentAtHeader: an argument a sink type requires (a
// csv sink's path, a kafka sink's topic) is reported at the sink's header.
func TestSinkMissingArgumentAtHeader(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"csv path", `type = "csv"`, `Missing required argument: sink "out" has no path = …, which it requires.`},
		{"kafka topic", "type = \"kafka\"\n  brokers = [\"localhost:9092\"]", `Missing required argument: sink "out" has no topic = …, which it requires.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(cascadeBase, `variable "users"`, "sink \"out\" {\n  stream = \"e\"\n  "+tc.body+"\n}\nvariable \"users\"", 1)
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			wantOneError(t, errorsIn(diags), tc.want, "6:1")
		})
	}
}

// TestSinkUnsupportedArgument: an argument a sink type does not take says
// which it takes, and which sink types take that one.
func TestSinkUnsupportedArgument(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"another type's", "type = \"jsonl\"\n  path = \"e.jsonl\"\n  format = \"json\"",
			`Unsupported argument: An argument named "format" is not expected here. A jsonl sink takes type, stream, path, rows_per_file, bytes_per_file. format is an argument of stdout sinks.`},
		{"two other types'", "type = \"csv\"\n  path = \"e.csv\"\n  compression = \"gzip\"",
			`Unsupported argument: An argument named "compression" is not expected here. A csv sink takes type, stream, path, header, rows_per_file, bytes_per_file. compression is an argument of kafka and parquet sinks.`},
		{"a typo", "type = \"kafka\"\n  brokers = [\"b:9092\"]\n  topic = \"t\"\n  acs = \"all\"",
			`Unsupported argument: An argument named "acs" is not expected here. Did you mean "acks"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(cascadeBase, `variable "users"`, "sink \"out\" {\n  stream = \"e\"\n  "+tc.body+"\n}\nvariable \"users\"", 1)
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			wantOneError(t, errorsIn(diags), tc.want, "")
		})
	}
}
