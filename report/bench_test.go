package report

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// BenchmarkReportRecipe reports a full run of scenarios/recipe.hcl (a
// million records, 590 MB of JSON lines) as scen report does: the files
// are checked and the fields the checks read are read in one pass, then
// the checks run. The run is written once, outside the timing.
//
//	go test -run '^$' -bench ReportRecipe -benchtime 3x -benchmem ./report/
func BenchmarkReportRecipe(b *testing.B) {
	sc, diags := dsl.Load("../scenarios/recipe.hcl")
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	dir := b.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir}); err != nil {
		b.Fatal(err)
	}
	files, _, err := ExpandPaths([]string{filepath.Join(dir, "recipe")}, "")
	if err != nil {
		b.Fatal(err)
	}
	spec := plan.Introspect()
	opts := Options{Actors: func(x, p string) ([]engine.ExperimentActor, error) {
		return plan.ExperimentActors(x, p, 0)
	}}
	b.ResetTimer()
	for range b.N {
		in, err := ReadInputFor(files, func(cols []string) ([][]string, []string) { return ReadFields(spec, opts, cols) })
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Build(spec, in, opts); err != nil {
			b.Fatal(err)
		}
	}
}
