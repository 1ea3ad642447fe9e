package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestDatasetFilter: a dataset's where is evaluated while compiling. A
// random function there is "Value not known in advance" at the where
// (it panicked); an error names the failing row by its number in the
// file (not the count of rows kept); an unknown column is the dataset's;
// other datasets can be used, but not one built from the filtered one.
func TestDatasetFilter(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "k.csv"), []byte("id\n1\n2\n3\n"), 0o644)
	head := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "k.csv" }
dataset "allow" {
  from  = dataset.d
  where = row.id >= 2
}
`
	for _, tc := range []struct {
		name, where string
		want        []string // in the diagnostics; none: it compiles
		rows        int      // q's rows when it compiles
	}{
		{"bernoulli", "bernoulli(0.5)", []string{`s.hcl:12,11-25: Value not known in advance; where draws a random value, which is not known when a dataset filter is decided`}, 0},
		{"uniform in a comparison", "uniform(1, 10) > 5", []string{"s.hcl:12,11-29: Value not known in advance"}, 0},
		{"uuid in an argument", "row.id == len(uuid())", []string{"s.hcl:12,11-32: Value not known in advance"}, 0},
		{"choice of constants", "contains([1], choice([1, 2]))", []string{"Value not known in advance"}, 0},
		{"division by zero", "10 / (row.id - 3) > 0", []string{`s.hcl:12,11-28: Division by zero; (row.id - 3) is 0 in 10 / (row.id - 3).
While filtering dataset "q": row 3 of `}, 0},
		{"division by zero in a filtered source", "10 / (row.id - 3) > 0 || from_allow", []string{`While filtering dataset "q": row 3 of `}, 0},
		{"unknown column", "row.idd > 1", []string{`s.hcl:12,14-18: Unknown column; Dataset "d" has no column "idd" (columns: id). Did you mean "id"?`}, 0},
		{"another dataset", "contains(dataset.allow.id, row.id)", nil, 2},
		{"its source", "contains(dataset.d.id, row.id + 1)", nil, 2},
		{"itself", "contains(dataset.q.id, row.id)", []string{`s.hcl:12,27-29: Dataset not available; Dataset "q" cannot be used in its own where filter.`}, 0},
		{"one built from it", "contains(dataset.q2.id, row.id)", []string{`Dataset "q2" cannot be used in the where filter of dataset "q": it is built from "q", directly or not (a cycle).`}, 0},
		{"unknown dataset", "contains(dataset.alow.id, row.id)", []string{`There is no dataset "alow". Did you mean "allow"?`}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, where := "d", tc.where
			if w, ok := strings.CutSuffix(where, " || from_allow"); ok {
				from, where = "allow", w // row 3 of the file is the filter's second
			}
			src := head + `dataset "q" {
  from  = dataset.` + from + `
  where = ` + where + `
}
dataset "q2" {
  from  = dataset.q
  where = true
}
`
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			sc, diags := dsl.Load(path)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if tc.want == nil {
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				for _, d := range plan.Datasets {
					if d.Name == "q" && d.Rows() != tc.rows {
						t.Fatalf("q has %d rows, want %d", d.Rows(), tc.rows)
					}
				}
				return
			}
			if !diags.HasErrors() {
				t.Fatal("it compiles")
			}
			got := strings.ReplaceAll(diags.Error(), dir+string(filepath.Separator), "")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("want %q in\n%s", w, got)
				}
			}
		})
	}
}
