package engine

import (
	"testing"

	"github.com/scenhq/scen/internal/stats"
)

// TestMixture: 200 k draws of a two-normal mixture follow its CDF (KS at a
// fixed seed), and a wrong mixing weight is rejected.
func TestMixture(t *testing.T) {
	ce, env, diags := compileStandalone(`mixture([0.7, 0.3], [normal(0, 1), normal(5, 2)])`, 11, nil, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	xs := make([]float64, 200000)
	for i := range xs {
		xs[i] = ce.eval(env).Num()
	}
	cdf := func(w float64) func(float64) float64 {
		return func(x float64) float64 {
			return w*stats.NormalCDF(x) + (1-w)*stats.NormalCDF((x-5)/2)
		}
	}
	if _, p := stats.KSOneSample(xs, cdf(0.7)); p < 1e-4 {
		t.Fatalf("KS p = %.2g", p)
	}
	if _, p := stats.KSOneSample(xs, cdf(0.72)); p > 1e-6 {
		t.Fatalf("a 0.72 mixing weight is not rejected (p = %.2g)", p)
	}
	for _, bad := range []string{`mixture([1], [1, 2])`, `mixture([-1, 2], [1, 2])`, `mixture([0, 0], [1, 2])`, `mixture(1, [1])`} {
		if _, _, diags := compileStandalone(bad, 1, nil, nil); !diags.HasErrors() {
			t.Errorf("%s: no diagnostic", bad)
		}
	}
}
