package stdlib

import (
	"math"
	"testing"

	"github.com/scenhq/scen/internal/stats"
)

// TestExpZig compares 200 k ziggurat draws with the exponential CDF, and
// checks that the test rejects a 3 % wrong rate.
func TestExpZig(t *testing.T) {
	r := NewRand(42)
	xs := make([]float64, 200000)
	for i := range xs {
		xs[i] = r.ExpZig()
	}
	if _, p := stats.KSOneSample(xs, func(x float64) float64 { return 1 - math.Exp(-x) }); p < 1e-4 {
		t.Fatalf("KS p = %.2g", p)
	}
	if _, p := stats.KSOneSample(xs, func(x float64) float64 { return 1 - math.Exp(-1.03*x) }); p > 1e-6 {
		t.Fatalf("the test cannot tell rate 1.03 from 1 (p = %.2g)", p)
	}
	// The tail beyond the ziggurat's base strip is covered too.
	var tail int
	for _, x := range xs {
		if x > zigExpR {
			tail++
		}
	}
	if want := 200000 * math.Exp(-zigExpR); math.Abs(float64(tail)-want) > 5*math.Sqrt(want)+1 {
		t.Fatalf("%d draws beyond %.2f, want about %.1f", tail, zigExpR, want)
	}
}

func BenchmarkExpZig(b *testing.B) {
	r := NewRand(1)
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += r.ExpZig()
	}
	_ = s
}
