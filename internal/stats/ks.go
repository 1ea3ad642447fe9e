package stats

import (
	"math"
	"slices"
)

// KolmogorovSF returns P(K > x) for the Kolmogorov distribution, the limit
// law of sqrt(n)·D_n:
//
//	P(K > x) = 2 Σ_{j>=1} (-1)^(j-1) exp(-2 j² x²).
//
// For x < 1.18 that alternating series converges slowly, so the equivalent
// Jacobi-theta form P(K <= x) = sqrt(2π)/x Σ_{j>=1} exp(-(2j-1)² π²/(8x²))
// is used instead. It returns 1 for x <= 0 and NaN for NaN.
func KolmogorovSF(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x <= 0:
		return 1
	case math.IsInf(x, 1):
		return 0
	}
	if x < 1.18 {
		t := math.Pi * math.Pi / (8 * x * x)
		sum := 0.0
		for j := 1; j < 100; j++ {
			k := float64(2*j - 1)
			term := math.Exp(-k * k * t)
			sum += term
			if term <= sum*1e-17 {
				break
			}
		}
		// sqrt(2π)/x = (4/sqrt(π)) sqrt(t)
		cdf := 4 / math.SqrtPi * math.Sqrt(t) * sum
		return 1 - cdf
	}
	sum := 0.0
	sign := 1.0
	for j := 1; j < 100; j++ {
		fj := float64(j)
		term := math.Exp(-2 * fj * fj * x * x)
		sum += sign * term
		if term <= math.Abs(sum)*1e-17 {
			break
		}
		sign = -sign
	}
	return 2 * sum
}

// ksPValue returns the asymptotic p-value of a KS statistic d with
// effective sample size n, using Stephens' correction
// (sqrt(n) + 0.12 + 0.11/sqrt(n))·d.
func ksPValue(d, n float64) float64 {
	sn := math.Sqrt(n)
	return KolmogorovSF((sn + 0.12 + 0.11/sn) * d)
}

// KSOneSample returns the Kolmogorov–Smirnov statistic
// D = sup_x |F_n(x) - F(x)| of sample against the continuous CDF cdf, and
// its asymptotic p-value P(K > (sqrt(n) + 0.12 + 0.11/sqrt(n))·D) under the
// Kolmogorov distribution (Stephens' correction). The sample is not
// modified: a sorted copy is used.
//
// It panics if sample is empty, contains NaN, or cdf returns NaN.
func KSOneSample(sample []float64, cdf func(float64) float64) (d, p float64) {
	if len(sample) == 0 {
		panic("stats: KSOneSample: empty sample")
	}
	xs := sortedCopy("KSOneSample", sample)
	n := float64(len(xs))
	for i, x := range xs {
		f := cdf(x)
		if math.IsNaN(f) {
			panic("stats: KSOneSample: cdf returned NaN")
		}
		below := f - float64(i)/n   // F(x) above the ECDF just left of x
		above := float64(i+1)/n - f // ECDF at x above F(x)
		d = max(d, below, above)
	}
	return d, ksPValue(d, n)
}

// KSTwoSample returns the two-sample Kolmogorov–Smirnov statistic
// D = sup_x |F_a(x) - F_b(x)| and its asymptotic p-value using the
// effective size n = |a||b|/(|a|+|b|) with Stephens' correction. Ties, both
// within and across the samples, are handled exactly. The inputs are not
// modified.
//
// It panics if either sample is empty or contains NaN.
func KSTwoSample(a, b []float64) (d, p float64) {
	if len(a) == 0 || len(b) == 0 {
		panic("stats: KSTwoSample: empty sample")
	}
	xa := sortedCopy("KSTwoSample", a)
	xb := sortedCopy("KSTwoSample", b)
	na, nb := float64(len(xa)), float64(len(xb))
	var i, j int
	for i < len(xa) && j < len(xb) {
		va, vb := xa[i], xb[j]
		// Step past every copy of the smaller value (both, if equal), so
		// that the ECDFs are compared only between distinct values.
		if va <= vb {
			for i < len(xa) && xa[i] == va {
				i++
			}
		}
		if vb <= va {
			for j < len(xb) && xb[j] == vb {
				j++
			}
		}
		d = max(d, math.Abs(float64(i)/na-float64(j)/nb))
	}
	return d, ksPValue(d, na*nb/(na+nb))
}

func sortedCopy(fn string, s []float64) []float64 {
	out := slices.Clone(s)
	for _, v := range out {
		if math.IsNaN(v) {
			panic("stats: " + fn + ": NaN in sample")
		}
	}
	slices.Sort(out)
	return out
}
