package stats

import "math"

const (
	// gammaEps is the relative convergence tolerance of the series and
	// continued fraction below.
	gammaEps = 1e-16
	// gammaTiny guards the modified Lentz algorithm against division by zero.
	gammaTiny = 1e-300
)

// ChiSquareSF returns the upper-tail probability P(X >= x) of a chi-square
// random variable X with df degrees of freedom, that is Q(df/2, x/2).
//
// It returns 1 for x <= 0 and NaN if df <= 0 or x is NaN.
func ChiSquareSF(x float64, df int) float64 {
	if df <= 0 || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	return RegIncGammaQ(0.5*float64(df), 0.5*x)
}

// RegIncGammaQ returns the regularised upper incomplete gamma function
//
//	Q(a, x) = Γ(a, x)/Γ(a) = 1/Γ(a) ∫_x^∞ t^(a-1) e^(-t) dt
//
// for a > 0 and x >= 0. It returns NaN if a <= 0, x < 0 or either argument
// is NaN; Q(a, 0) = 1 and Q(a, +Inf) = 0.
//
// For x < a+1 the power series for P = 1-Q is summed; otherwise the
// Legendre continued fraction for Q is evaluated with the modified Lentz
// algorithm (Numerical Recipes §6.2). The common prefactor x^a e^(-x)/Γ(a)
// is formed so as to avoid the cancellation that the naive
// exp(a ln x - x - lnΓ(a)) suffers for large a.
func RegIncGammaQ(a, x float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(x) || a <= 0 || x < 0:
		return math.NaN()
	case x == 0:
		return 1
	case math.IsInf(x, 1):
		if math.IsInf(a, 1) {
			return math.NaN()
		}
		return 0
	case math.IsInf(a, 1):
		return 1
	}
	if x < a+1 {
		return 1 - gammaPrefix(a, x)*gammaSeries(a, x)
	}
	return gammaPrefix(a, x) * gammaContinuedFraction(a, x)
}

// gammaMaxIter bounds the iterations of the series and continued fraction.
// Both need O(sqrt(a)) terms when x is close to a.
func gammaMaxIter(a float64) int {
	return 1000 + int(50*math.Sqrt(a))
}

// gammaSeries returns Σ_{n>=0} x^n / (a (a+1) ... (a+n)), so that
// P(a, x) = gammaPrefix(a, x) * gammaSeries(a, x).
func gammaSeries(a, x float64) float64 {
	ap := a
	del := 1 / a
	sum := del
	for i, n := 0, gammaMaxIter(a); i < n; i++ {
		ap++
		del *= x / ap
		sum += del
		if math.Abs(del) < math.Abs(sum)*gammaEps {
			break
		}
	}
	return sum
}

// gammaContinuedFraction evaluates
//
//	1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...)))
//
// so that Q(a, x) = gammaPrefix(a, x) * gammaContinuedFraction(a, x).
func gammaContinuedFraction(a, x float64) float64 {
	b := x + 1 - a
	c := 1 / gammaTiny
	d := 1 / b
	h := d
	for i, n := 1, gammaMaxIter(a); i <= n; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < gammaTiny {
			d = gammaTiny
		}
		c = b + an/c
		if math.Abs(c) < gammaTiny {
			c = gammaTiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < gammaEps {
			break
		}
	}
	return h
}

// gammaPrefix returns x^a e^(-x) / Γ(a).
//
// For a >= 10 it uses Stirling's formula with an explicit correction term,
//
//	x^a e^(-x)/Γ(a) = sqrt(a/2π) exp(a (ln(1+d) - d) - c(a)),  d = (x-a)/a,
//
// which keeps the exponent small where the result is not negligible.
func gammaPrefix(a, x float64) float64 {
	if a < 10 {
		return math.Exp(a*math.Log(x) - x - lgamma(a))
	}
	d := (x - a) / a
	return math.Sqrt(a/(2*math.Pi)) * math.Exp(a*Log1pmx(d)-stirlingCorrection(a))
}

// lgamma returns ln|Γ(x)|.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// Log1pmx returns ln(1+d) - d for d >= -1, accurately also for small |d|
// (the samplers in stdlib use it too).
func Log1pmx(d float64) float64 {
	if math.Abs(d) >= 0.25 {
		return math.Log1p(d) - d
	}
	// ln(1+d) - d = Σ_{k>=2} (-1)^(k+1) d^k / k
	pow := d * d
	sum := -pow / 2
	for k := 3; k < 200; k++ {
		pow *= -d
		term := pow / float64(k)
		sum -= term
		if math.Abs(term) <= math.Abs(sum)*1e-17 {
			break
		}
	}
	return sum
}

// stirlingCorrection returns lnΓ(a) - ((a-0.5) ln a - a + ln(2π)/2) for
// a >= 10 from its asymptotic series; the truncation error is below 1e-16.
func stirlingCorrection(a float64) float64 {
	r := 1 / a
	r2 := r * r
	return r * (1.0/12 + r2*(-1.0/360+r2*(1.0/1260+r2*(-1.0/1680+r2*(1.0/1188+r2*(-691.0/360360+r2*(1.0/156)))))))
}
