package stats

import (
	"fmt"
	"math"
)

// WilsonInterval returns the two-sided Wilson score interval for a binomial
// proportion after k successes in n trials, at confidence level conf (for
// example 0.999):
//
//	(k + z²/2 ± z sqrt(k(n-k)/n + z²/4)) / (n + z²),  z = Φ⁻¹((1+conf)/2).
//
// The bounds are clamped to [0, 1], with lo exactly 0 when k == 0 and hi
// exactly 1 when k == n.
//
// It panics unless 0 <= k <= n, n > 0 and 0 < conf < 1.
func WilsonInterval(k, n int64, conf float64) (lo, hi float64) {
	if n <= 0 || k < 0 || k > n {
		panic(fmt.Sprintf("stats: WilsonInterval: invalid k=%d, n=%d", k, n))
	}
	if !(conf > 0 && conf < 1) {
		panic(fmt.Sprintf("stats: WilsonInterval: confidence %v not in (0, 1)", conf))
	}
	z := NormalQuantile(0.5 + 0.5*conf)
	z2 := z * z
	fk, fn := float64(k), float64(n)
	center := (fk + z2/2) / (fn + z2)
	half := z * math.Sqrt(fk*(fn-fk)/fn+z2/4) / (fn + z2)
	lo, hi = max(0, center-half), min(1, center+half)
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}

// BinomialZ returns the z-score (k - np)/sqrt(np(1-p)) of k successes in n
// trials against success probability p. For the degenerate p == 0 or
// p == 1 it returns 0 if k equals the only possible outcome and ±Inf
// otherwise.
//
// It panics unless 0 <= k <= n, n > 0 and 0 <= p <= 1.
func BinomialZ(k, n int64, p float64) float64 {
	if n <= 0 || k < 0 || k > n {
		panic(fmt.Sprintf("stats: BinomialZ: invalid k=%d, n=%d", k, n))
	}
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("stats: BinomialZ: probability %v not in [0, 1]", p))
	}
	fk, fn := float64(k), float64(n)
	diff := fk - fn*p
	sd := math.Sqrt(fn * p * (1 - p))
	if sd == 0 {
		switch {
		case diff > 0:
			return math.Inf(1)
		case diff < 0:
			return math.Inf(-1)
		}
		return 0
	}
	return diff / sd
}
