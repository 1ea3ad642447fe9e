package stdlib

import (
	"math"
	"testing"
)

// TestMuSigmaMatchesChecks: muSigma's early return for valid parameters
// gives what the two checks give, for valid and invalid ones alike.
func TestMuSigmaMatchesChecks(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name      string
		mu, sigma float64
	}{
		{"valid", 0, 1},
		{"negative mu", -3.5, 0.6},
		{"largest", math.MaxFloat64, math.MaxFloat64},
		{"smallest sigma", -math.MaxFloat64, math.SmallestNonzeroFloat64},
		{"zero sigma", 1, 0},
		{"negative zero sigma", 1, math.Copysign(0, -1)},
		{"negative sigma", 1, -1},
		{"infinite sigma", 1, inf},
		{"NaN sigma", 1, nan},
		{"infinite mu", inf, 1},
		{"negative infinite mu", -inf, 1},
		{"NaN mu", nan, 1},
		{"both bad", nan, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := firstErr(finite(0, "mu", tt.mu), positive(1, "sigma", tt.sigma))
			got := muSigma(dparams{tt.mu, tt.sigma})
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Fatalf("muSigma(%v, %v) = %v, want %v", tt.mu, tt.sigma, got, want)
			}
		})
	}
}
