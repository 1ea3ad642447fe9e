package engine

import (
	"testing"

	"github.com/scenhq/scen/dsl"
)

// BenchmarkCompile is what a run does before its workers start, on one
// core: parsing a scenario, loading its datasets and compiling it.
//
//	go test ./engine -run XXX -bench Compile -cpuprofile /tmp/compile.prof
func BenchmarkCompile(b *testing.B) {
	for _, name := range []string{"bank", "recipe", "clickstream"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				sc, diags := dsl.Load("../scenarios/" + name + ".hcl")
				if diags.HasErrors() {
					b.Fatal(diags)
				}
				if _, diags := Compile(sc, Options{}); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}
