package stdlib

import (
	"math"

	"github.com/scenhq/scen/internal/stats"
)

// Samplers for the registry's distributions. Each has a setup (a struct
// built from validated parameters, done once when they are constant) and a
// draw method; run-time parameters build the struct on the stack per draw,
// so both paths are the same algorithm and allocate nothing per draw.

// float64Pos returns a uniform float in (0, 1], safe to take the log of.
func (r *Rand) float64Pos() float64 {
	return float64(r.Uint64()>>11+1) * (1.0 / (1 << 53))
}

// ---- Poisson ----

// poissonSampler draws by inversion for lambda < 30 and by Hörmann's PTRS
// transformed rejection (1993) above.
type poissonSampler struct {
	lambda float64
	// inversion with a precomputed CDF and guide table (constant lambda)
	cum   []float64
	guide []int32
	// PTRS constants
	loglam, b, a, logInvAlpha, vr float64
}

func newPoisson(lambda float64) poissonSampler {
	s := poissonSampler{lambda: lambda}
	if lambda >= 30 {
		slam := math.Sqrt(lambda)
		s.loglam = math.Log(lambda)
		s.b = 0.931 + 2.53*slam
		s.a = -0.059 + 0.02483*s.b
		s.logInvAlpha = math.Log(1.1239 + 1.1328/(s.b-3.4))
		s.vr = 0.9277 - 3.6224/(s.b-2)
	}
	return s
}

// withTable precomputes the inversion's cumulative sums exactly as
// poissonInvert forms them, so a table lookup returns the same k for the
// same uniform; a guide table (Chen and Asau) makes the search O(1).
func (s poissonSampler) withTable() poissonSampler {
	if s.lambda >= 30 {
		return s
	}
	l := math.Exp(-s.lambda)
	cum := []float64{l}
	term, c := l, l
	for k := 1; ; k++ {
		term *= s.lambda / float64(k)
		c += term
		cum = append(cum, c)
		if c >= 1 || (term < 1e-300 && float64(k) > s.lambda) {
			break
		}
	}
	m := len(cum)
	guide := make([]int32, m)
	k := 0
	for j := range guide {
		for k < m-1 && cum[k] < float64(j)/float64(m) {
			k++
		}
		guide[j] = int32(k)
	}
	s.cum, s.guide = cum, guide
	return s
}

func (s *poissonSampler) draw(r *Rand) int64 {
	if s.lambda >= 30 {
		return s.ptrs(r)
	}
	if s.cum == nil {
		return poissonInvert(r, s.lambda)
	}
	p := r.Float64()
	k := int(s.guide[int(p*float64(len(s.guide)))])
	for k < len(s.cum)-1 && p > s.cum[k] {
		k++
	}
	return int64(k)
}

func poissonInvert(r *Rand, lambda float64) int64 {
	l := math.Exp(-lambda)
	k := int64(0)
	p := r.Float64()
	cum := l
	term := l
	for p > cum {
		k++
		term *= lambda / float64(k)
		cum += term
		if term < 1e-300 && float64(k) > lambda {
			break
		}
	}
	return k
}

func (s *poissonSampler) ptrs(r *Rand) int64 {
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*s.a/us+s.b)*u + s.lambda + 0.43)
		if us >= 0.07 && v <= s.vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		if math.Log(v)+s.logInvAlpha-math.Log(s.a/(us*us)+s.b) <= s.logPMF(k) {
			return int64(k)
		}
	}
}

// poissonStableMin is the mean from which logPMF avoids the textbook
// -λ + k·log λ - log k!: its terms grow like λ·log λ while their sum stays
// near 0, so at λ = 1e15 the rounding error is several units of log
// probability and the acceptance test is noise (the draws' spread was
// visibly wrong). Below it the textbook form is accurate to about 1e-9 and
// is kept, so that draws there do not change.
const poissonStableMin = 1 << 20

// logPMF is log P(k) = -λ + k·log λ - log k!. For large λ it is written
// with Stirling's series, log k! = (k+½)·log(k+1) - (k+1) + ½·log(2π) +
// fcStirling(k), and δ = (λ-k-1)/(k+1), as
// (k+1)·(log(1+δ) - δ) - log(1+δ) - ½·log(2π(k+1)) - fcStirling(k),
// whose terms are all of the size of the result.
func (s *poissonSampler) logPMF(k float64) float64 {
	if s.lambda < poissonStableMin {
		lg, _ := math.Lgamma(k + 1)
		return -s.lambda + k*s.loglam - lg
	}
	k1 := k + 1
	d := (s.lambda - k1) / k1
	return k1*stats.Log1pmx(d) - math.Log1p(d) - 0.5*math.Log(2*math.Pi*k1) - fcStirling(int64(k))
}

// Poisson draws a Poisson variate with mean lambda >= 0: inversion for
// small means, the PTRS transformed-rejection method (Hörmann 1993) for
// large ones.
func Poisson(r *Rand, lambda float64) int64 {
	s := newPoisson(lambda)
	return s.draw(r)
}

// ---- Gamma and beta ----

// gammaSampler is Marsaglia and Tsang's method (2000) for shape >= 1; a
// shape k < 1 draws Gamma(k+1) and multiplies by U^(1/k) (their boost).
type gammaSampler struct {
	d, c, invShape float64
	boost          bool
}

func newGamma(shape float64) gammaSampler {
	s := gammaSampler{}
	if shape < 1 {
		s.boost = true
		s.invShape = 1 / shape
		shape++
	}
	s.d = shape - 1.0/3
	s.c = 1 / math.Sqrt(9*s.d)
	return s
}

func (s *gammaSampler) core(r *Rand) float64 {
	for {
		x := r.NormFloat64()
		v := 1 + s.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.float64Pos()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+s.d*(1-v+math.Log(v)) {
			return s.d * v
		}
	}
}

func (s *gammaSampler) draw(r *Rand) float64 {
	g := s.core(r)
	if s.boost {
		g *= math.Pow(r.float64Pos(), s.invShape)
	}
	return g
}

// logDraw returns the log of a Gamma(shape, 1) draw, which stays finite
// when a small shape's draw would underflow to zero.
func (s *gammaSampler) logDraw(r *Rand) float64 {
	g := math.Log(s.core(r))
	if s.boost {
		g += math.Log(r.float64Pos()) * s.invShape
	}
	return g
}

// betaSampler draws X/(X+Y) for X ~ Gamma(a), Y ~ Gamma(b). With a shape
// below 1 the gammas are combined in log space, since both can underflow.
type betaSampler struct {
	ga, gb gammaSampler
	logs   bool
}

func newBeta(a, b float64) betaSampler {
	return betaSampler{ga: newGamma(a), gb: newGamma(b), logs: a < 1 || b < 1}
}

func (s *betaSampler) draw(r *Rand) float64 {
	if s.logs {
		la := s.ga.logDraw(r)
		lb := s.gb.logDraw(r)
		// 1/(1+exp(lb-la)), evaluated on the side that cannot overflow
		if la >= lb {
			return 1 / (1 + math.Exp(lb-la))
		}
		e := math.Exp(la - lb)
		return e / (1 + e)
	}
	x := s.ga.draw(r)
	y := s.gb.draw(r)
	return x / (x + y)
}

// ---- Truncated normal ----

// truncNormSampler draws N(mu, sigma²) restricted to [lo, hi] exactly, by
// Robert's (1995) rejection samplers on the standardised interval [a, b]:
// plain normal (or half-normal) proposals, a uniform proposal, or a
// translated exponential proposal for tails. The one with the highest
// acceptance rate for [a, b] is chosen at setup, so every interval, however
// far in the tail, has a bounded expected cost.
type truncNormSampler struct {
	mu, sigma, lo, hi float64
	a, b              float64 // standardised, with a >= 0 or a < 0 < b after flip
	flip              bool    // sampled on [-b, -a] and negated
	method            uint8
	lam               float64 // exponential method: rate
}

const (
	tnNormal = iota
	tnHalfNormal
	tnUniform
	tnExp
)

func newTruncNorm(mu, sigma, lo, hi float64) truncNormSampler {
	s := truncNormSampler{mu: mu, sigma: sigma, lo: lo, hi: hi}
	a, b := (lo-mu)/sigma, (hi-mu)/sigma
	if b <= 0 {
		a, b, s.flip = -b, -a, true
	}
	s.a, s.b = a, b
	lnSqrt2Pi := 0.5 * math.Log(2*math.Pi)
	if a < 0 {
		// Acceptance: normal Z, uniform Z·sqrt(2π)/(b-a), Z = Φ(b)-Φ(a).
		if b-a < math.Sqrt(2*math.Pi) {
			s.method = tnUniform
		} else {
			s.method = tnNormal
		}
		return s
	}
	// a >= 0. Acceptance rates, all Z times: half-normal 2; uniform
	// sqrt(2π)·exp(a²/2)/(b-a); exponential sqrt(2π)·λ·exp(λa-λ²/2)
	// with Robert's optimal rate λ. Compared in logs: exp(a²/2) overflows.
	s.lam = 0.5 * (a + math.Sqrt(a*a+4))
	best, lc := uint8(tnHalfNormal), math.Ln2
	if c := lnSqrt2Pi + 0.5*a*a - math.Log(b-a); c > lc {
		best, lc = tnUniform, c
	}
	if c := lnSqrt2Pi + math.Log(s.lam) + s.lam*a - 0.5*s.lam*s.lam; c > lc {
		best = tnExp
	}
	s.method = best
	return s
}

func (s *truncNormSampler) std(r *Rand) float64 {
	a, b := s.a, s.b
	switch s.method {
	case tnNormal:
		for {
			if z := r.NormFloat64(); z >= a && z <= b {
				return z
			}
		}
	case tnHalfNormal:
		for {
			if z := math.Abs(r.NormFloat64()); z >= a && z <= b {
				return z
			}
		}
	case tnUniform:
		w := b - a
		for {
			z := a + w*r.Float64()
			// density ratio exp((ρ² - z²)/2) with ρ the point of [a, b]
			// nearest 0, written as a product to keep precision far out.
			var l float64
			if a >= 0 {
				l = -0.5 * (z - a) * (z + a)
			} else {
				l = -0.5 * z * z
			}
			if math.Log(r.float64Pos()) <= l {
				return z
			}
		}
	default: // tnExp
		for {
			z := a + r.ExpFloat64()/s.lam
			if z > b {
				continue
			}
			d := z - s.lam
			if math.Log(r.float64Pos()) <= -0.5*d*d {
				return z
			}
		}
	}
}

func (s *truncNormSampler) draw(r *Rand) float64 {
	z := s.std(r)
	if s.flip {
		z = -z
	}
	// Rounding in mu+sigma·z may step just outside [lo, hi].
	return min(max(s.mu+s.sigma*z, s.lo), s.hi)
}

// ---- Binomial ----

// binomialSampler is exact: inversion (sequential search from 0) when
// (n+1)·p' < 11, else Hörmann's BTRD transformed rejection with
// decomposition (1993), both on p' = min(p, 1-p) with the result mirrored.
type binomialSampler struct {
	n      int64
	p      float64 // min(p, 1-p)
	mirror bool
	m      int64
	// inversion
	qn, s, a float64
	// BTRD
	r, nr, npq, b, c, alpha, vr, urvr float64
}

func newBinomial(n int64, p float64) binomialSampler {
	s := binomialSampler{n: n, p: p}
	if p > 0.5 {
		s.p, s.mirror = 1-p, true
	}
	p = s.p
	fn := float64(n)
	s.m = int64((fn + 1) * p)
	if s.m < 11 {
		q := 1 - p
		s.qn = math.Pow(q, fn)
		if fn > 1<<32 {
			// q^n = e^(n·log q), but q = 1-p is rounded by up to 2^-54,
			// which n multiplies: at n = 2^53 the exponent was off by
			// up to 0.5 and P(0) by half (a tiny p's mean 1 % low).
			s.qn = math.Exp(fn * math.Log1p(-p))
		}
		s.s = p / q
		s.a = (fn + 1) * s.s
		return s
	}
	s.r = p / (1 - p)
	s.nr = (fn + 1) * s.r
	s.npq = fn * p * (1 - p)
	sq := math.Sqrt(s.npq)
	s.b = 1.15 + 2.53*sq
	s.a = -0.0873 + 0.0248*s.b + 0.01*p
	s.c = fn*p + 0.5
	s.alpha = (2.83 + 5.1/s.b) * sq
	s.vr = 0.92 - 4.2/s.b
	s.urvr = 0.86 * s.vr
	return s
}

func (s *binomialSampler) draw(r *Rand) int64 {
	var k int64
	switch {
	case s.p == 0:
		k = 0
	case s.m < 11:
		k = s.invert(r)
	default:
		k = s.btrd(r)
	}
	if s.mirror {
		return s.n - k
	}
	return k
}

func (s *binomialSampler) invert(r *Rand) int64 {
	u := r.Float64()
	f := s.qn
	var x int64
	for u > f && x < s.n {
		u -= f
		x++
		f *= s.a/float64(x) - s.s
	}
	return x
}

// fcStirling is log(k!) minus its Stirling approximation
// (k+½)·log(k+1) - (k+1) + ½·log(2π).
var fcTable = func() (t [10]float64) {
	for k := range t {
		lg, _ := math.Lgamma(float64(k) + 1)
		kp := float64(k) + 1
		t[k] = lg - (kp-0.5)*math.Log(kp) + kp - 0.5*math.Log(2*math.Pi)
	}
	return
}()

func fcStirling(k int64) float64 {
	if k < 10 {
		return fcTable[k]
	}
	ik := 1 / (float64(k) + 1)
	ik2 := ik * ik
	return (1.0/12 - (1.0/360-(1.0/1260)*ik2)*ik2) * ik
}

func (s *binomialSampler) btrd(r *Rand) int64 {
	fn := float64(s.n)
	for {
		v := r.Float64()
		var u float64
		if v <= s.urvr {
			u = v/s.vr - 0.43
			return int64(math.Floor((2*s.a/(0.5-math.Abs(u))+s.b)*u + s.c))
		}
		if v >= s.vr {
			u = r.Float64() - 0.5
		} else {
			u = v/s.vr - 0.93
			u = math.Copysign(0.5, u) - u
			v = r.Float64() * s.vr
		}
		us := 0.5 - math.Abs(u)
		kf := math.Floor((2*s.a/us+s.b)*u + s.c)
		if kf < 0 || kf > fn {
			continue
		}
		k := int64(kf)
		v = v * s.alpha / (s.a/(us*us) + s.b)
		km := k - s.m
		if km < 0 {
			km = -km
		}
		if km <= 15 {
			// Recursive evaluation of f(k)/f(m).
			f := 1.0
			if s.m < k {
				for i := s.m + 1; i <= k; i++ {
					f *= s.nr/float64(i) - s.r
				}
			} else if s.m > k {
				for i := k + 1; i <= s.m; i++ {
					v *= s.nr/float64(i) - s.r
				}
			}
			if v <= f {
				return k
			}
			continue
		}
		// Squeeze, then the exact log-ratio via Stirling's formula.
		v = math.Log(v)
		fkm := float64(km)
		rho := (fkm / s.npq) * (((fkm/3+0.625)*fkm+1.0/6)/s.npq + 0.5)
		t := -fkm * fkm / (2 * s.npq)
		if v < t-rho {
			return k
		}
		if v > t+rho {
			continue
		}
		nm := float64(s.n - s.m + 1)
		fm := float64(s.m)
		h := (fm+0.5)*math.Log((fm+1)/(s.r*nm)) + fcStirling(s.m) + fcStirling(s.n-s.m)
		nk := float64(s.n - k + 1)
		if v <= h+(fn+1)*math.Log(nm/nk)+(kf+0.5)*math.Log(nk*s.r/(kf+1))-fcStirling(k)-fcStirling(s.n-k) {
			return k
		}
	}
}

// ---- Zipf ----

// zipfAliasMax is the largest n for which constant parameters get an
// alias table (12 bytes per outcome) instead of rejection-inversion.
const zipfAliasMax = 1_000_000

// zipfSampler draws k in 1..n with P(k) ∝ k^-s by Hörmann and Derflinger's
// rejection-inversion (1996), in the form of Apache Commons' sampler, whose
// hat integral H(x) = ((x)^(1-s) - 1)/(1-s) is continuous in s at 1, so
// every s > 0 works. Expected cost is O(1) for all n and s.
type zipfSampler struct {
	n                   int64
	s                   float64
	hx1, hn, squeezeLim float64
}

func newZipf(s float64, n int64) zipfSampler {
	z := zipfSampler{n: n, s: s}
	z.hx1 = z.hIntegral(1.5) - 1
	z.hn = z.hIntegral(float64(n) + 0.5)
	z.squeezeLim = 2 - z.hIntegralInverse(z.hIntegral(2.5)-z.h(2))
	return z
}

func (z *zipfSampler) draw(r *Rand) int64 {
	for {
		// u is uniform in (hx1, hn]
		u := z.hn + r.Float64()*(z.hx1-z.hn)
		x := z.hIntegralInverse(u)
		kf := math.Floor(x + 0.5)
		if kf < 1 {
			kf = 1
		} else if kf > float64(z.n) {
			kf = float64(z.n)
		}
		if kf-x <= z.squeezeLim || u >= z.hIntegral(kf+0.5)-z.h(kf) {
			return int64(kf)
		}
	}
}

func (z *zipfSampler) h(x float64) float64 { return math.Exp(-z.s * math.Log(x)) }

func (z *zipfSampler) hIntegral(x float64) float64 {
	lx := math.Log(x)
	return expm1x((1-z.s)*lx) * lx
}

func (z *zipfSampler) hIntegralInverse(x float64) float64 {
	t := x * (1 - z.s)
	if t < -1 { // rounding; the true value is >= -1
		t = -1
	}
	return math.Exp(log1px(t) * x)
}

// log1px is log(1+x)/x, continuous at 0.
func log1px(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Log1p(x) / x
	}
	return 1 - x*(0.5-x*(1.0/3-0.25*x))
}

// expm1x is (exp(x)-1)/x, continuous at 0.
func expm1x(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Expm1(x) / x
	}
	return 1 + x*0.5*(1+x/3*(1+0.25*x))
}

func newZipfAlias(s float64, n int64) *Alias {
	w := make([]float64, n)
	for k := range w {
		w[k] = math.Pow(float64(k+1), -s)
	}
	return NewAlias(w)
}

// ---- Geometric ----

// geometric returns the number of failures before the first success: the
// floor of an exponential with rate -log(1-p), since
// P(floor(E/λ) >= k) = exp(-λk) = (1-p)^k.
func geometric(r *Rand, negLogQ float64) int64 {
	if negLogQ == math.Inf(1) { // p = 1
		return 0
	}
	x := math.Floor(r.ExpFloat64() / negLogQ)
	if x >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(x)
}
