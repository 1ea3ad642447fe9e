package engine

import (
	"fmt"
	"math"
	"testing"

	"github.com/scenhq/scen/internal/stats"
)

// TestExperimentAssignProportions: MD5 bucketing of distinct units gives
// each group its weight's share (chi-square at a fixed set of units, with
// a power check against shares 15 % off), groups of weight 0
// get no unit, and a salt re-draws the buckets independently of the
// unsalted ones (a 2x2 contingency of the two assignments is independent).
func TestExperimentAssignProportions(t *testing.T) {
	const units = 200_000
	for _, tc := range []struct {
		name    string
		weights []float64
		salt    string
	}{
		{"50/50", []float64{0.5, 0.5}, ""},
		{"20/30/50, weights not summing to 1", []float64{2, 3, 5}, ""},
		{"1% holdout", []float64{0.01, 0.99}, ""},
		{"zero-weight groups first, between and last", []float64{0, 1, 0, 3, 0}, ""},
		{"salted 50/50", []float64{1, 1}, "exp2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &ExperimentPlan{Salt: tc.salt}
			x.setWeights(tc.weights)
			plain := &ExperimentPlan{}
			plain.setWeights([]float64{1, 1})
			counts := make([]int64, len(tc.weights))
			var cross [2][2]int64 // salted: 50/50 assignment vs the plain one
			for i := range units {
				unit := fmt.Sprintf("user_%d", i+1)
				g := x.Assign(unit)
				counts[g]++
				if len(tc.weights) == 2 {
					cross[g][plain.Assign(unit)]++
				}
			}
			var obs []int64
			var probs, wrong []float64
			for g, w := range x.Weights {
				if w == 0 {
					if counts[g] != 0 {
						t.Errorf("group %d has weight 0 but %d units", g, counts[g])
					}
					continue
				}
				obs, probs = append(obs, counts[g]), append(probs, w)
				// 15 % off, alternately down and up
				wrong = append(wrong, w*(1+0.15*float64(len(wrong)%2*2-1)))
			}
			if len(obs) < 2 {
				t.Fatalf("one group of positive weight: nothing to test (counts %v)", counts)
			}
			stat, df, p := stats.ChiSquareGOF(obs, probs)
			if p <= 1e-4 {
				t.Errorf("units per group %v against weights %v: chi-square %.4g on %d df, p = %.3g", counts, x.Weights, stat, df, p)
			}
			if _, _, p2 := stats.ChiSquareGOF(obs, wrong); p2 >= 1e-6 {
				t.Errorf("the test cannot tell shares 15 %% off apart: p = %.3g", p2)
			}
			if tc.salt != "" {
				// Independence of the salted and unsalted assignments:
				// each cell against the product of its margins.
				row := [2]float64{float64(cross[0][0] + cross[0][1]), float64(cross[1][0] + cross[1][1])}
				col := [2]float64{float64(cross[0][0] + cross[1][0]), float64(cross[0][1] + cross[1][1])}
				obs := []int64{cross[0][0], cross[0][1], cross[1][0], cross[1][1]}
				exp := []float64{row[0] * col[0], row[0] * col[1], row[1] * col[0], row[1] * col[1]}
				// 2x2 independence: 1 df; ChiSquareGOF gives 3, so compute the statistic and use 1.
				st, _, _ := stats.ChiSquareGOF(obs, exp)
				if p := stats.ChiSquareSF(st, 1); p <= 1e-4 {
					t.Errorf("salted and unsalted assignments are not independent: %v, chi-square %.4g, p = %.3g", cross, st, p)
				}
			}
		})
	}
}

// TestExperimentBucketEdges: a u that no cumulative weight exceeds (u = 1,
// which the top 2^10 hashes round to, or a u in the gap left by a sum that
// rounded just under 1) goes to the last group of positive weight, never
// to a trailing group of weight 0; u = 0 never goes to a leading one.
func TestExperimentBucketEdges(t *testing.T) {
	below1 := math.Nextafter(1, 0)
	for _, tc := range []struct {
		name    string
		weights []float64
		u       float64
		want    int
	}{
		{"u = 1, trailing zero", []float64{1, 0}, 1, 0},
		{"u = 1, three trailing zeros", []float64{1, 2, 0, 0, 0}, 1, 1},
		{"u = 1, no zero", []float64{1, 1}, 1, 1},
		{"u just under 1, trailing zero", []float64{1, 2, 0}, below1, 1},
		{"u = 0, leading zero", []float64{0, 0, 1}, 0, 2},
		{"u = 0.5 at a boundary", []float64{1, 1}, 0.5, 1},
		{"u just under a boundary", []float64{1, 1}, math.Nextafter(0.5, 0), 0},
		{"sum rounding under 1", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0}, below1, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &ExperimentPlan{}
			x.setWeights(tc.weights)
			if got := x.bucket(tc.u); got != tc.want {
				t.Errorf("bucket(%v) with weights %v (cumulative %v) = %d, want %d", tc.u, tc.weights, x.cum, got, tc.want)
			}
		})
	}
}
