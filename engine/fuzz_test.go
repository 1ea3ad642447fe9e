package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// addScenarioSeeds seeds f with every file in scenarios/ and in the
// invalid corpus.
func addScenarioSeeds(f *testing.F) {
	for _, pat := range []string{"../scenarios/*.hcl", "../testdata/invalid/*.hcl"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzCompile: parsing, decoding and compiling any input returns a plan or
// diagnostics, never a panic. Seeded from the shipped scenarios and the
// invalid corpus. Run: go test ./engine -run '^$' -fuzz FuzzCompile -fuzztime 10m
func FuzzCompile(f *testing.F) {
	addScenarioSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		// Datasets resolve relative to the file; place it where the shipped
		// scenarios live so their data is found.
		sc, diags := dsl.ParseSource("../scenarios/fuzz.hcl", src)
		if diags.HasErrors() {
			return
		}
		plan, diags := engine.Compile(sc, engine.Options{})
		if diags.HasErrors() != (plan == nil) {
			t.Fatalf("plan %v with diagnostics %v", plan != nil, diags)
		}
	})
}

// FuzzRun: a scenario that compiles runs to its end, or stops with an
// error, never with a panic: the first two actors of each entity over the
// window's first day, into files only (a fuzzed broker or database sink
// is left out), at most two seconds each. Seeded as FuzzCompile. Run:
// go test ./engine -run '^$' -fuzz FuzzRun -fuzztime 10m
func FuzzRun(f *testing.F) {
	addScenarioSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, diags := dsl.ParseSource("../scenarios/fuzz.hcl", src)
		if diags.HasErrors() {
			return
		}
		plan, diags := engine.Compile(sc, engine.Options{})
		if diags.HasErrors() {
			return
		}
		files := []string{}
		for _, s := range plan.Sinks {
			switch s.Type {
			case "jsonl", "csv", "parquet":
				files = append(files, s.Name)
			}
		}
		if len(files) == 0 {
			return
		}
		plan.Run(context.Background(), engine.RunOptions{Workers: 1, MaxActors: 2, OutDir: t.TempDir(),
			Sinks: files, To: min(plan.End, plan.Start+24*3600*1000), TimeLimit: 2 * time.Second})
	})
}

// FuzzExpression: any expression text compiles to a value or diagnostics.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{`uniform(1, 6)`, `"a-${hex(4)}"`, `weighted({ a = 1, b = 2 })`,
		`switch("x", { x = 1, default = 2 })`, `days(2) + hours(3)`, `[1, 2][5]`, `{ a = 1 }.b`,
		`time("2025-01-01") - time("2024-01-01")`, `1 / 0`, `-"x"`, `format("%d", "x")`, `lookup([], "a", 1)`,
		`format("%-8.3f|%+05d|%x|%q|%%", 1.5, 2, "h", "q")`, `9223372036854775807 + 1`, `-(-9223372036854775807 - 1) * 2`,
		`abs(-9223372036854775807)`, `append([1], 2, 1)`, `email("Dr. Jane Doe")`, `string(1)`,
		`city_location("JP").lat + 1`, `(uniform(0, 1) < 0.5 ? city_location() : null).city`, `device().os`, `[city_location()][0].lon`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		engine.EvalString(src, 1, nil, nil)
	})
}
