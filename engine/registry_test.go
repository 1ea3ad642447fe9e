package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestRegistryExamples runs every documented example: the registry is the
// documentation, so its examples must be true.
func TestRegistryExamples(t *testing.T) {
	reg := stdlib.New()
	for _, f := range reg.Funcs() {
		if f.Doc == "" {
			t.Errorf("%s: no description", f.Name)
		}
		if len(f.Examples) == 0 && !f.Special {
			t.Errorf("%s: no examples", f.Name)
		}
		for _, ex := range f.Examples {
			t.Run(f.Name+"/"+ex.Expr, func(t *testing.T) {
				v, diags := EvalString(ex.Expr, ex.Seed, nil, reg)
				if diags.HasErrors() {
					t.Fatalf("%s: %s", ex.Expr, diags.Error())
				}
				if got := v.String(); got != ex.Want {
					t.Errorf("%s = %q, documented as %q", ex.Expr, got, ex.Want)
				}
			})
		}
	}
}
