package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// datasetVarSrc reads dataset "d" from PATH, with variables to build it.
const datasetVarSrc = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
variable "input" { default = "data/a.csv" }
variable "dir"   { default = "data" }
variable "n"     { default = 3 }
dataset "d" { path = PATH }
entity "user" {
  count = 2
  attributes { city = choice(dataset.d.city) }
}
`

// TestDatasetPathFromVariables: a dataset path may be built from var.*
// (a variable, a template over variables), overridden like any variable;
// the manifest's inputs record and hash the file read. Anything else that
// is not written out is an error that says what is allowed.
func TestDatasetPathFromVariables(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	files := map[string]string{"data/a.csv": "city\nSeoul\nBusan\n", "data/b.csv": "city\nLima\n"}
	for name, body := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	for _, tc := range []struct {
		name, path string
		vars       map[string]string
		file       string // the file read, "" when an error is wanted
		err        string
	}{
		{name: "a variable", path: `var.input`, file: "data/a.csv"},
		{name: "a variable set on the command line", path: `var.input`, vars: map[string]string{"input": "data/b.csv"}, file: "data/b.csv"},
		{name: "a template", path: `"${var.dir}/b.csv"`, file: "data/b.csv"},
		{name: "a template, the directory overridden", path: `"${var.dir}/a.csv"`, vars: map[string]string{"dir": "./data"}, file: "data/a.csv"},
		{name: "written out", path: `"data/a.csv"`, file: "data/a.csv"},
		{name: "a missing file", path: `"${var.dir}/c.csv"`, err: "Cannot load dataset: " + filepath.Join(dir, "data/c.csv") + " does not exist"},
		{name: "a number", path: `var.n`, err: "Invalid dataset path: The dataset path must be a file name, a non-empty string; the variables make it a number."},
		{name: "a function call", path: `lower(var.input)`,
			err: `Invalid dataset path: A dataset path is a string written out ("data/products.csv") or built from variables (var.input, "${var.dir}/products.csv"), known before the run starts, so that the plan can read the file and the manifest record and hash it; it cannot use a function call (lower).`},
		{name: "another reference", path: `"${scenario.start}.csv"`, err: "it cannot use scenario (only var.* is known here)."},
		{name: "an unknown variable", path: `var.inptu`, err: `Unknown variable: There is no variable "inptu". Did you mean "input"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(strings.Replace(datasetVarSrc, "PATH", tc.path, 1)), 0o644)
			sc, diags := dsl.Load(path)
			var plan *engine.Plan
			if !diags.HasErrors() {
				plan, diags = engine.Compile(sc, engine.Options{Vars: tc.vars})
			}
			if tc.err != "" {
				errs := errorsIn(diags)
				if len(errs) != 1 || !strings.Contains(errs[0].Summary+": "+errs[0].Detail, tc.err) || errs[0].Subject.Start.Line != 8 || errs[0].Subject.Start.Column != 22 {
					t.Fatalf("want one error at 8:22 with %q, got %s", tc.err, diags.Error())
				}
				t.Log(errs[0].Summary + ": " + errs[0].Detail)
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := plan.Datasets[0].Path; got != filepath.Join(dir, tc.file) {
				t.Errorf("read %s, want %s", got, tc.file)
			}
			_, inputs, err := plan.ContentHash(dir)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(files[tc.file]))
			if len(inputs) != 2 || inputs[0].Path != tc.file || inputs[0].Kind != "dataset" || inputs[0].SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("inputs %+v, want %s hashed first", inputs, tc.file)
			}
		})
	}
}
