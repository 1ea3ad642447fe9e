package stats

import (
	"fmt"
	"math"
)

// ChiSquareGOF performs Pearson's chi-square goodness-of-fit test of the
// observed category counts against the expected category probabilities
// probs, which need not sum to one (they are normalised). It returns the
// statistic Σ (O_i - E_i)²/E_i with E_i = N·p_i, the degrees of freedom
// len(probs)-1 (no parameters are estimated), and the upper-tail p-value
// ChiSquareSF(stat, df). If all counts are zero the statistic is 0 and p 1.
//
// It panics on programming errors: lengths that differ, fewer than two
// categories, a probability that is not a positive finite number, or a
// negative count.
func ChiSquareGOF(observed []int64, probs []float64) (stat float64, df int, p float64) {
	if len(observed) != len(probs) {
		panic(fmt.Sprintf("stats: ChiSquareGOF: %d observed counts but %d probabilities", len(observed), len(probs)))
	}
	if len(probs) < 2 {
		panic(fmt.Sprintf("stats: ChiSquareGOF: need at least 2 categories, got %d", len(probs)))
	}
	var total float64
	var n int64
	for i, pr := range probs {
		if !(pr > 0) || math.IsInf(pr, 1) {
			panic(fmt.Sprintf("stats: ChiSquareGOF: probability %d is %v, want > 0 and finite", i, pr))
		}
		if observed[i] < 0 {
			panic(fmt.Sprintf("stats: ChiSquareGOF: observed count %d is negative (%d)", i, observed[i]))
		}
		total += pr
		n += observed[i]
	}
	df = len(probs) - 1
	if n == 0 {
		return 0, df, 1
	}
	fn := float64(n)
	for i, pr := range probs {
		e := fn * (pr / total)
		diff := float64(observed[i]) - e
		stat += diff * diff / e
	}
	return stat, df, ChiSquareSF(stat, df)
}
