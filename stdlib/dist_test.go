package stdlib

import (
	"errors"
	"hash/fnv"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// The distribution tests draw distSamples values at a fixed seed through the
// compiled registry entry and compare them with the exact CDF (KS) or pmf
// (chi-square). A fixed seed cannot flake, so the acceptance threshold is a
// plain p > 1e-4. Each case also names a clearly different parameterisation
// that the same test must reject with p < 1e-6: that proves the test has the
// power to see a wrong sampler, rather than passing anything.
const (
	distSamples = 200_000
	distSeed    = 20250601
	passP       = 1e-4
	powerP      = 1e-6
)

func num(f float64) Value { return FloatV(f) }
func nums(fs ...float64) Value {
	l := make([]Value, len(fs))
	for i, f := range fs {
		l[i] = FloatV(f)
	}
	return Freeze(ListV(l))
}

// compileArgs compiles a registry entry; with dynamic set, arguments are
// passed as run-time values (the Fn path) instead of constants (Sample).
func compileArgs(tb testing.TB, name string, dynamic bool, args ...Value) Impl {
	tb.Helper()
	f, ok := New().Lookup(name)
	if !ok {
		tb.Fatalf("no function %s", name)
	}
	sargs := make([]Arg, len(args))
	for i := range args {
		sargs[i] = Arg{Type: args[i].K}
		if !dynamic {
			v := args[i]
			sargs[i].Const = &v
		}
	}
	impl, err := f.Compile(&CompileCtx{Loc: time.UTC}, sargs)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if dynamic && impl.Fn == nil || !dynamic && impl.Sample == nil {
		tb.Fatalf("%s: dynamic=%v compiled to Sample=%v Fn=%v", name, dynamic, impl.Sample != nil, impl.Fn != nil)
	}
	return impl
}

// draws returns n values of name(args...) from a stream seeded from
// distSeed and the test's name: fixed, yet different for each case, so
// cases that transform the same uniforms (exponential, pareto) do not share
// their samples.
func draws(tb testing.TB, name string, dynamic bool, n int, args ...Value) []Value {
	impl := compileArgs(tb, name, dynamic, args...)
	h := fnv.New64a()
	h.Write([]byte(tb.Name()))
	r := NewRand(Mix(distSeed, h.Sum64()))
	c := &Ctx{R: &r}
	out := make([]Value, n)
	for i := range out {
		if dynamic {
			out[i] = impl.Fn(c, args)
		} else {
			out[i] = impl.Sample(c)
		}
	}
	return out
}

type contCase struct {
	name    string
	fn      string
	args    []Value
	dynamic bool
	cdf     func(x float64) float64
	wrong   func(x float64) float64 // CDF of a clearly different parameterisation
	lo, hi  float64                 // support, checked for every draw
}

func normCDF(mu, sigma float64) func(float64) float64 {
	return func(x float64) float64 { return stats.NormalCDF((x - mu) / sigma) }
}

func lognormCDF(mu, sigma float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return stats.NormalCDF((math.Log(x) - mu) / sigma)
	}
}

// truncNormCDF works with upper-tail probabilities when the interval lies
// above the mean (and lower ones below), keeping precision far out.
func truncNormCDF(mu, sigma, lo, hi float64) func(float64) float64 {
	a, b := (lo-mu)/sigma, (hi-mu)/sigma
	upper := func(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
	return func(x float64) float64 {
		z := (x - mu) / sigma
		switch {
		case z <= a:
			return 0
		case z >= b:
			return 1
		case a > 0:
			return (upper(a) - upper(z)) / (upper(a) - upper(b))
		default:
			return (stats.NormalCDF(z) - stats.NormalCDF(a)) / (stats.NormalCDF(b) - stats.NormalCDF(a))
		}
	}
}

func expCDF(rate float64) func(float64) float64 {
	return func(x float64) float64 { return -math.Expm1(-rate * math.Max(x, 0)) }
}

func gammaCDF(shape, scale float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return 1 - stats.RegIncGammaQ(shape, x/scale)
	}
}

func betaCDF(a, b float64) func(float64) float64 {
	return func(x float64) float64 { return regIncBeta(a, b, x) }
}

func paretoCDF(xm, alpha float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= xm {
			return 0
		}
		return -math.Expm1(alpha * (math.Log(xm) - math.Log(x))) // xm/x may underflow
	}
}

func uniformCDF(a, b float64) func(float64) float64 {
	return func(x float64) float64 { return math.Min(1, math.Max(0, (x-a)/(b-a))) }
}

func histCDF(edges, ws []float64) func(float64) float64 {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	return func(x float64) float64 {
		c := 0.0
		for j, w := range ws {
			lo, hi := edges[j], edges[j+1]
			switch {
			case x >= hi:
				c += w
			case x > lo:
				c += w * (x - lo) / (hi - lo)
			}
		}
		return c / sum
	}
}

// regIncBeta is the regularised incomplete beta function I_x(a, b), by the
// continued fraction of Numerical Recipes §6.4 (modified Lentz). It is
// checked against closed forms in TestRegIncBeta.
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	bt := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return bt * betaCF(a, b, x) / a
	}
	return 1 - bt*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m < 10000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}

func TestRegIncBeta(t *testing.T) {
	for _, x := range []float64{1e-6, 0.01, 0.2, 0.5, 0.73, 0.99, 1 - 1e-9} {
		check := func(name string, got, want float64) {
			if math.Abs(got-want) > 1e-10 {
				t.Errorf("%s at %v: %v, want %v", name, x, got, want)
			}
		}
		check("I(0.3, 1)", regIncBeta(0.3, 1, x), math.Pow(x, 0.3))
		check("I(1, 0.2)", regIncBeta(1, 0.2, x), 1-math.Pow(1-x, 0.2))
		check("I(1/2, 1/2)", regIncBeta(0.5, 0.5, x), 2/math.Pi*math.Asin(math.Sqrt(x)))
		// Integer shapes: I_x(a, b) = P(Binomial(a+b-1, x) >= a).
		want := 0.0
		for j := 2; j <= 6; j++ {
			want += binomPMF(6, x)(int64(j))
		}
		check("I(2, 5)", regIncBeta(2, 5, x), want)
	}
}

func TestContinuousDistributions(t *testing.T) {
	inf := math.Inf(1)
	cases := []contCase{
		{name: "uniform float", fn: "uniform", args: []Value{num(0.5), num(1.5)},
			cdf: uniformCDF(0.5, 1.5), wrong: uniformCDF(0.5, 1.51), lo: 0.5, hi: 1.5},
		{name: "normal", fn: "normal", args: []Value{num(100), num(15)},
			cdf: normCDF(100, 15), wrong: normCDF(100, 15*1.1), lo: -inf, hi: inf},
		{name: "normal run-time params", fn: "normal", args: []Value{num(-3), num(0.5)}, dynamic: true,
			cdf: normCDF(-3, 0.5), wrong: normCDF(-3, 0.5*1.05), lo: -inf, hi: inf},
		{name: "lognormal", fn: "lognormal", args: []Value{num(3.2), num(0.8)},
			cdf: lognormCDF(3.2, 0.8), wrong: lognormCDF(3.2, 0.8*1.1), lo: 0, hi: inf},
		{name: "exponential", fn: "exponential", args: []Value{num(0.5)},
			cdf: expCDF(0.5), wrong: expCDF(0.5 * 1.05), lo: 0, hi: inf},
		{name: "truncnormal central", fn: "truncnormal", args: []Value{num(30), num(10), num(18), num(65)},
			cdf: truncNormCDF(30, 10, 18, 65), wrong: truncNormCDF(30, 11, 18, 65), lo: 18, hi: 65},
		{name: "truncnormal wide (normal rejection)", fn: "truncnormal", args: []Value{num(0), num(1), num(-3), num(2)},
			cdf: truncNormCDF(0, 1, -3, 2), wrong: truncNormCDF(0, 1.1, -3, 2), lo: -3, hi: 2},
		{name: "truncnormal narrow around mean (uniform)", fn: "truncnormal", args: []Value{num(0), num(1), num(-0.1), num(0.2)},
			cdf: truncNormCDF(0, 1, -0.1, 0.2), wrong: truncNormCDF(0, 1, -0.1, 0.21), lo: -0.1, hi: 0.2},
		{name: "truncnormal right of mean (half-normal)", fn: "truncnormal", args: []Value{num(0), num(1), num(0.1), num(3)},
			cdf: truncNormCDF(0, 1, 0.1, 3), wrong: truncNormCDF(0, 1.1, 0.1, 3), lo: 0.1, hi: 3},
		{name: "truncnormal tail (exponential)", fn: "truncnormal", args: []Value{num(0), num(1), num(4), num(10)},
			cdf: truncNormCDF(0, 1, 4, 10), wrong: truncNormCDF(0, 1.1, 4, 10), lo: 4, hi: 10},
		{name: "truncnormal far tail", fn: "truncnormal", args: []Value{num(5), num(2), num(5 + 2*9), num(1000)},
			cdf: truncNormCDF(5, 2, 23, 1000), wrong: truncNormCDF(5, 2.2, 23, 1000), lo: 23, hi: 1000},
		{name: "truncnormal far left tail", fn: "truncnormal", args: []Value{num(0), num(1), num(-50), num(-8)},
			cdf: truncNormCDF(0, 1, -50, -8), wrong: truncNormCDF(0, 1.1, -50, -8), lo: -50, hi: -8},
		{name: "truncnormal narrow in tail (uniform)", fn: "truncnormal", args: []Value{num(0), num(1), num(3), num(3.2)},
			cdf: truncNormCDF(0, 1, 3, 3.2), wrong: truncNormCDF(0, 1, 3, 3.21), lo: 3, hi: 3.2},
		{name: "truncnormal run-time params", fn: "truncnormal", args: []Value{num(0), num(1), num(2.5), num(4)}, dynamic: true,
			cdf: truncNormCDF(0, 1, 2.5, 4), wrong: truncNormCDF(0, 1.1, 2.5, 4), lo: 2.5, hi: 4},
		{name: "gamma shape 2", fn: "gamma", args: []Value{num(2), num(3)},
			cdf: gammaCDF(2, 3), wrong: gammaCDF(2, 3*1.05), lo: 0, hi: inf},
		{name: "gamma shape 1", fn: "gamma", args: []Value{num(1), num(1)},
			cdf: gammaCDF(1, 1), wrong: gammaCDF(1.05, 1), lo: 0, hi: inf},
		{name: "gamma shape 0.3 (boost)", fn: "gamma", args: []Value{num(0.3), num(1)},
			cdf: gammaCDF(0.3, 1), wrong: gammaCDF(0.3*1.05, 1), lo: 0, hi: inf},
		{name: "gamma shape 0.05", fn: "gamma", args: []Value{num(0.05), num(2)},
			cdf: gammaCDF(0.05, 2), wrong: gammaCDF(0.05*1.1, 2), lo: 0, hi: inf},
		{name: "gamma shape 50", fn: "gamma", args: []Value{num(50), num(0.1)},
			cdf: gammaCDF(50, 0.1), wrong: gammaCDF(50, 0.1*1.02), lo: 0, hi: inf},
		{name: "gamma run-time params", fn: "gamma", args: []Value{num(0.7), num(2)}, dynamic: true,
			cdf: gammaCDF(0.7, 2), wrong: gammaCDF(0.7, 2*1.05), lo: 0, hi: inf},
		{name: "beta(2, 5)", fn: "beta", args: []Value{num(2), num(5)},
			cdf: betaCDF(2, 5), wrong: betaCDF(2*1.05, 5), lo: 0, hi: 1},
		{name: "beta(0.5, 0.5)", fn: "beta", args: []Value{num(0.5), num(0.5)},
			cdf: betaCDF(0.5, 0.5), wrong: betaCDF(0.5*1.05, 0.5), lo: 0, hi: 1},
		{name: "beta(0.3, 1)", fn: "beta", args: []Value{num(0.3), num(1)},
			cdf: betaCDF(0.3, 1), wrong: betaCDF(0.3*1.05, 1), lo: 0, hi: 1},
		{name: "beta(0.1, 0.2)", fn: "beta", args: []Value{num(0.1), num(0.2)},
			cdf: betaCDF(0.1, 0.2), wrong: betaCDF(0.1*1.1, 0.2), lo: 0, hi: 1},
		{name: "beta(40, 60)", fn: "beta", args: []Value{num(40), num(60)},
			cdf: betaCDF(40, 60), wrong: betaCDF(40*1.02, 60), lo: 0, hi: 1},
		{name: "pareto", fn: "pareto", args: []Value{num(10), num(2.5)},
			cdf: paretoCDF(10, 2.5), wrong: paretoCDF(10, 2.5*1.05), lo: 10, hi: inf},
		{name: "pareto heavy", fn: "pareto", args: []Value{num(1), num(0.5)},
			cdf: paretoCDF(1, 0.5), wrong: paretoCDF(1, 0.5*1.05), lo: 1, hi: inf},
		{name: "histogram", fn: "histogram", args: []Value{nums(0, 10, 50, 100), nums(5, 3, 1)},
			cdf: histCDF([]float64{0, 10, 50, 100}, []float64{5, 3, 1}), wrong: histCDF([]float64{0, 10, 50, 100}, []float64{5, 3, 1.1}), lo: 0, hi: 100},
		// Edge parameters: extreme scales and rates, a run-time lognormal,
		// a one-bin histogram.
		{name: "normal tiny sigma", fn: "normal", args: []Value{num(0), num(1e-300)},
			cdf: normCDF(0, 1e-300), wrong: normCDF(0, 1.05e-300), lo: -inf, hi: inf},
		{name: "normal huge sigma", fn: "normal", args: []Value{num(1e300), num(1e306)},
			cdf: normCDF(1e300, 1e306), wrong: normCDF(1e300, 1.05e306), lo: -inf, hi: inf},
		{name: "lognormal run-time params", fn: "lognormal", args: []Value{num(-1), num(2)}, dynamic: true,
			cdf: lognormCDF(-1, 2), wrong: lognormCDF(-1, 2*1.05), lo: 0, hi: inf},
		{name: "lognormal wide sigma", fn: "lognormal", args: []Value{num(0), num(20)},
			cdf: lognormCDF(0, 20), wrong: lognormCDF(0, 21), lo: 0, hi: inf},
		{name: "exponential huge rate", fn: "exponential", args: []Value{num(1e12)},
			cdf: expCDF(1e12), wrong: expCDF(1.05e12), lo: 0, hi: inf},
		{name: "exponential tiny rate run-time", fn: "exponential", args: []Value{num(1e-12)}, dynamic: true,
			cdf: expCDF(1e-12), wrong: expCDF(1.05e-12), lo: 0, hi: inf},
		{name: "pareto tiny scale, steep tail", fn: "pareto", args: []Value{num(1e-9), num(40)},
			cdf: paretoCDF(1e-9, 40), wrong: paretoCDF(1e-9, 42), lo: 1e-9, hi: inf},
		{name: "gamma tiny scale", fn: "gamma", args: []Value{num(3), num(1e-200)},
			cdf: gammaCDF(3, 1e-200), wrong: gammaCDF(3, 1.05e-200), lo: 0, hi: inf},
		{name: "histogram one bin", fn: "histogram", args: []Value{nums(2, 2.5), nums(7)},
			cdf: uniformCDF(2, 2.5), wrong: uniformCDF(2, 2.51), lo: 2, hi: 2.5},
		{name: "histogram with empty bin", fn: "histogram", args: []Value{nums(-1, 0, 0.5, 2, 7), nums(1, 0, 2, 0.5)},
			cdf: histCDF([]float64{-1, 0, 0.5, 2, 7}, []float64{1, 0, 2, 0.5}), wrong: histCDF([]float64{-1, 0, 0.5, 2, 7}, []float64{1, 0.05, 2, 0.5}), lo: -1, hi: 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vs := draws(t, tc.fn, tc.dynamic, distSamples, tc.args...)
			xs := make([]float64, len(vs))
			for i, v := range vs {
				if v.K != Float {
					t.Fatalf("draw %d is %s (%s), want a float", i, v.K, v)
				}
				if !(v.Float() >= tc.lo && v.Float() <= tc.hi) {
					t.Fatalf("draw %d = %v outside the support [%v, %v]", i, v.Float(), tc.lo, tc.hi)
				}
				xs[i] = v.Float()
			}
			d, p := stats.KSOneSample(xs, tc.cdf)
			if p <= passP {
				t.Errorf("KS against the exact CDF: D = %.4g, p = %.3g", d, p)
			}
			d2, p2 := stats.KSOneSample(xs, tc.wrong)
			if p2 >= powerP {
				t.Errorf("KS cannot tell the wrong parameterisation apart: D = %.4g, p = %.3g", d2, p2)
			}
			t.Logf("%s: p = %.3g; wrong parameterisation p = %.3g", tc.name, p, p2)
		})
	}
}

type discCase struct {
	name    string
	fn      string
	args    []Value
	dynamic bool
	lo, hi  int64 // support (hi = MaxInt64 for unbounded)
	pmf     func(k int64) float64
	wrong   func(k int64) float64
	key     func(Value) int64 // outcome to integer; default the Int value
}

func binomPMF(n int64, p float64) func(int64) float64 {
	lgn, _ := math.Lgamma(float64(n) + 1)
	return func(k int64) float64 {
		if k < 0 || k > n {
			return 0
		}
		lk, _ := math.Lgamma(float64(k) + 1)
		lnk, _ := math.Lgamma(float64(n-k) + 1)
		return math.Exp(lgn - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
}

func poissonPMF(l float64) func(int64) float64 {
	return func(k int64) float64 {
		lk, _ := math.Lgamma(float64(k) + 1)
		return math.Exp(float64(k)*math.Log(l) - l - lk)
	}
}

func geomPMF(p float64) func(int64) float64 {
	return func(k int64) float64 { return math.Exp(float64(k)*math.Log1p(-p)) * p }
}

func zipfPMF(s float64, n int64) func(int64) float64 {
	h := 0.0
	for k := n; k >= 1; k-- {
		h += math.Pow(float64(k), -s)
	}
	return func(k int64) float64 {
		if k < 1 || k > n {
			return 0
		}
		return math.Pow(float64(k), -s) / h
	}
}

func catPMF(ws ...float64) func(int64) float64 {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	return func(k int64) float64 {
		if k < 0 || k >= int64(len(ws)) {
			return 0
		}
		return ws[k] / sum
	}
}

// poolBins splits the support into consecutive bins [starts[i],
// starts[i+1]) — the last one open-ended — each with an expected count of
// at least 5 under pmf, which chi-square needs.
func poolBins(pmf func(int64) float64, lo, hi int64, n float64) []int64 {
	starts := []int64{lo}
	cur, cum := 0.0, 0.0
	for k := lo; ; k++ {
		pk := pmf(k)
		cur += pk
		cum += pk
		if k == hi || n*(1-cum) < 5 {
			break
		}
		if n*cur >= 5 {
			starts = append(starts, k+1)
			cur = 0
		}
	}
	// The last bin holds what is left, which may be too little: merge it.
	if len(starts) > 1 && n*(cur+math.Max(0, 1-cum)) < 5 {
		starts = starts[:len(starts)-1]
	}
	return starts
}

// binProbs is pmf's mass in each bin; the open-ended last bin gets the rest.
func binProbs(pmf func(int64) float64, starts []int64) []float64 {
	out := make([]float64, len(starts))
	total := 0.0
	for i := 0; i < len(starts)-1; i++ {
		for k := starts[i]; k < starts[i+1]; k++ {
			out[i] += pmf(k)
		}
		total += out[i]
	}
	out[len(out)-1] = math.Max(1-total, 1e-300)
	for i := range out {
		out[i] = math.Max(out[i], 1e-300) // an impossible bin must still be positive
	}
	return out
}

func TestDiscreteDistributions(t *testing.T) {
	const maxI = math.MaxInt64
	strKey := func(outcomes ...string) func(Value) int64 {
		return func(v Value) int64 {
			for i, o := range outcomes {
				if v.K == String && v.S == o {
					return int64(i)
				}
			}
			return -1
		}
	}
	letters := []string{"a", "b", "c", "d", "e", "f"}
	wobj := func(ws ...float64) Value {
		vals := make([]Value, len(ws))
		for i, w := range ws {
			vals[i] = FloatV(w)
		}
		return Freeze(ObjV(letters[:len(ws)], vals))
	}
	strList := func(ss ...string) Value {
		l := make([]Value, len(ss))
		for i, s := range ss {
			l[i] = StrV(s)
		}
		return Freeze(ListV(l))
	}
	cases := []discCase{
		{name: "uniform int", fn: "uniform", args: []Value{IntV(1), IntV(6)}, lo: 1, hi: 6,
			pmf:   func(k int64) float64 { return 1.0 / 6 },
			wrong: catPMF(0, 1, 1, 1, 1, 1, 1.05)}, // a six 5% more likely
		{name: "uniform int wide", fn: "uniform", args: []Value{IntV(-1000), IntV(1000)}, lo: -1000, hi: 1000,
			pmf:   func(k int64) float64 { return 1.0 / 2001 },
			wrong: func(k int64) float64 { return 1.0 / 2051 }}, // b = 1050
		{name: "weighted", fn: "weighted", args: []Value{wobj(1, 2, 3, 4, 5, 6)}, lo: 0, hi: 5,
			key: strKey(letters...), pmf: catPMF(1, 2, 3, 4, 5, 6), wrong: catPMF(1, 2, 3, 4, 5, 6*1.05)},
		{name: "weighted, 3 outcomes", fn: "weighted", args: []Value{wobj(0.5, 0.25, 0.25)}, lo: 0, hi: 2,
			key: strKey(letters...), pmf: catPMF(0.5, 0.25, 0.25), wrong: catPMF(0.5, 0.25, 0.25*1.05)},
		{name: "choice", fn: "choice", args: []Value{strList("a", "b", "c", "d", "e")}, lo: 0, hi: 4,
			key: strKey(letters...), pmf: catPMF(1, 1, 1, 1, 1), wrong: catPMF(1.05, 1, 1, 1, 1)},
		{name: "bernoulli", fn: "bernoulli", args: []Value{num(0.3)}, lo: 0, hi: 1,
			key: func(v Value) int64 { return v.I }, pmf: catPMF(0.7, 0.3), wrong: catPMF(0.69, 0.31)},
		{name: "poisson 4 (inversion table)", fn: "poisson", args: []Value{num(4)}, lo: 0, hi: maxI,
			pmf: poissonPMF(4), wrong: poissonPMF(4 * 1.05)},
		{name: "poisson 0.01", fn: "poisson", args: []Value{num(0.01)}, lo: 0, hi: maxI,
			pmf: poissonPMF(0.01), wrong: poissonPMF(0.01 * 1.2)},
		{name: "poisson 29.5 run-time (inversion)", fn: "poisson", args: []Value{num(29.5)}, dynamic: true, lo: 0, hi: maxI,
			pmf: poissonPMF(29.5), wrong: poissonPMF(29.5 * 1.02)},
		{name: "poisson 30 (PTRS)", fn: "poisson", args: []Value{num(30)}, lo: 0, hi: maxI,
			pmf: poissonPMF(30), wrong: poissonPMF(30 * 1.02)},
		{name: "poisson 1000", fn: "poisson", args: []Value{num(1000)}, lo: 0, hi: maxI,
			pmf: poissonPMF(1000), wrong: poissonPMF(1000 * 1.01)},
		{name: "binomial 20, 0.3 (inversion)", fn: "binomial", args: []Value{IntV(20), num(0.3)}, lo: 0, hi: 20,
			pmf: binomPMF(20, 0.3), wrong: binomPMF(20, 0.3*1.05)},
		{name: "binomial 20, 0.9 (mirrored inversion)", fn: "binomial", args: []Value{IntV(20), num(0.9)}, lo: 0, hi: 20,
			pmf: binomPMF(20, 0.9), wrong: binomPMF(20, 0.9*0.99)},
		{name: "binomial 100000, 1e-4 (inversion, large n)", fn: "binomial", args: []Value{IntV(100000), num(1e-4)}, lo: 0, hi: 100000,
			pmf: binomPMF(100000, 1e-4), wrong: binomPMF(100000, 1e-4*1.05)},
		{name: "binomial 40, 0.3 (BTRD near threshold)", fn: "binomial", args: []Value{IntV(40), num(0.3)}, lo: 0, hi: 40,
			pmf: binomPMF(40, 0.3), wrong: binomPMF(40, 0.3*1.05)},
		{name: "binomial 1000, 0.4 (BTRD)", fn: "binomial", args: []Value{IntV(1000), num(0.4)}, lo: 0, hi: 1000,
			pmf: binomPMF(1000, 0.4), wrong: binomPMF(1000, 0.4*1.02)},
		{name: "binomial 1000, 0.7 (mirrored BTRD)", fn: "binomial", args: []Value{IntV(1000), num(0.7)}, lo: 0, hi: 1000,
			pmf: binomPMF(1000, 0.7), wrong: binomPMF(1000, 0.7*1.01)},
		{name: "binomial 1e6, 0.5 run-time (BTRD)", fn: "binomial", args: []Value{IntV(1_000_000), num(0.5)}, dynamic: true, lo: 0, hi: 1_000_000,
			pmf: binomPMF(1_000_000, 0.5), wrong: binomPMF(1_000_000, 0.5*1.001)},
		{name: "geometric 0.25", fn: "geometric", args: []Value{num(0.25)}, lo: 0, hi: maxI,
			pmf: geomPMF(0.25), wrong: geomPMF(0.25 * 1.05)},
		{name: "geometric 0.002", fn: "geometric", args: []Value{num(0.002)}, lo: 0, hi: maxI,
			pmf: geomPMF(0.002), wrong: geomPMF(0.002 * 1.05)},
		{name: "geometric 0.9 run-time", fn: "geometric", args: []Value{num(0.9)}, dynamic: true, lo: 0, hi: maxI,
			pmf: geomPMF(0.9), wrong: geomPMF(0.9 * 0.99)},
		{name: "zipf 1.1, 1000 (alias)", fn: "zipf", args: []Value{num(1.1), IntV(1000)}, lo: 1, hi: 1000,
			pmf: zipfPMF(1.1, 1000), wrong: zipfPMF(1.1*1.05, 1000)},
		{name: "zipf 2, 10 (alias)", fn: "zipf", args: []Value{num(2), IntV(10)}, lo: 1, hi: 10,
			pmf: zipfPMF(2, 10), wrong: zipfPMF(2*1.05, 10)},
		{name: "zipf 1.1, 1000 run-time (rejection-inversion)", fn: "zipf", args: []Value{num(1.1), IntV(1000)}, dynamic: true, lo: 1, hi: 1000,
			pmf: zipfPMF(1.1, 1000), wrong: zipfPMF(1.1*1.05, 1000)},
		{name: "zipf 1, 500 run-time (rejection-inversion at s = 1)", fn: "zipf", args: []Value{num(1), IntV(500)}, dynamic: true, lo: 1, hi: 500,
			pmf: zipfPMF(1, 500), wrong: zipfPMF(1.05, 500)},
		{name: "zipf 0.5, 50 run-time (rejection-inversion, s < 1)", fn: "zipf", args: []Value{num(0.5), IntV(50)}, dynamic: true, lo: 1, hi: 50,
			pmf: zipfPMF(0.5, 50), wrong: zipfPMF(0.5*1.05, 50)},
		{name: "zipf 1.2, 5000 (alias wider than 2^11)", fn: "zipf", args: []Value{num(1.2), IntV(5000)}, lo: 1, hi: 5000,
			pmf: zipfPMF(1.2, 5000), wrong: zipfPMF(1.2*1.02, 5000)},
		{name: "poisson 1e-4 (almost always 0)", fn: "poisson", args: []Value{num(1e-4)}, lo: 0, hi: maxI,
			pmf: poissonPMF(1e-4), wrong: poissonPMF(1e-3)},
		{name: "geometric 1e-6 run-time", fn: "geometric", args: []Value{num(1e-6)}, dynamic: true, lo: 0, hi: maxI,
			pmf: geomPMF(1e-6), wrong: geomPMF(1.1e-6)},
		{name: "zipf 3, 1e6+1 (rejection-inversion)", fn: "zipf", args: []Value{num(3), IntV(zipfAliasMax + 1)}, lo: 1, hi: zipfAliasMax + 1,
			pmf: zipfPMF(3, zipfAliasMax+1), wrong: zipfPMF(3*1.02, zipfAliasMax+1)},
		{name: "zipf 1.1, 1e7 (rejection-inversion)", fn: "zipf", args: []Value{num(1.1), IntV(10_000_000)}, lo: 1, hi: 10_000_000,
			pmf: zipfPMF(1.1, 10_000_000), wrong: zipfPMF(1.1*1.02, 10_000_000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vs := draws(t, tc.fn, tc.dynamic, distSamples, tc.args...)
			key := tc.key
			if key == nil {
				key = func(v Value) int64 {
					if v.K != Int {
						t.Fatalf("draw is %s (%s), want an int", v.K, v)
					}
					return v.I
				}
			}
			starts := poolBins(tc.pmf, tc.lo, tc.hi, distSamples)
			if len(starts) < 2 {
				t.Fatalf("support pools into %d bin(s)", len(starts))
			}
			obs := make([]int64, len(starts))
			for i, v := range vs {
				k := key(v)
				if k < tc.lo || k > tc.hi {
					t.Fatalf("draw %d = %s outside the support [%d, %d]", i, v, tc.lo, tc.hi)
				}
				obs[sort.Search(len(starts), func(j int) bool { return starts[j] > k })-1]++
			}
			stat, df, p := stats.ChiSquareGOF(obs, binProbs(tc.pmf, starts))
			if p <= passP {
				t.Errorf("chi-square against the exact pmf: %.4g on %d df, p = %.3g", stat, df, p)
			}
			stat2, _, p2 := stats.ChiSquareGOF(obs, binProbs(tc.wrong, starts))
			if p2 >= powerP {
				t.Errorf("chi-square cannot tell the wrong parameterisation apart: %.4g on %d df, p = %.3g", stat2, df, p2)
			}
			t.Logf("%s: %d bins, p = %.3g; wrong parameterisation p = %.3g", tc.name, len(starts), p, p2)
		})
	}
}

// TestNormalTail checks the ziggurat's slow paths, which the overall KS
// test barely reaches: the mass beyond its base strip (|z| > R) and the
// shape of the distribution there.
func TestNormalTail(t *testing.T) {
	r := NewRand(distSeed)
	const n = 4_000_000
	var tail []float64
	for range n {
		if z := r.NormFloat64(); math.Abs(z) > 2.5 {
			tail = append(tail, math.Abs(z))
		}
	}
	beyondR := 0
	for _, z := range tail {
		if z > normZigR {
			beyondR++
		}
	}
	want := n * math.Erfc(normZigR/math.Sqrt2)
	if math.Abs(float64(beyondR)-want) > 4*math.Sqrt(want) {
		t.Errorf("%d draws beyond ±%.3f, want %.0f ± %.0f", beyondR, normZigR, want, math.Sqrt(want))
	}
	// |z| given |z| > 2.5 against its exact CDF, and against a 3% wider normal.
	cdf := func(s float64) func(float64) float64 {
		return func(x float64) float64 {
			q := math.Erfc(2.5 / s / math.Sqrt2)
			return (q - math.Erfc(x/s/math.Sqrt2)) / q
		}
	}
	if _, p := stats.KSOneSample(tail, cdf(1)); p <= passP {
		t.Errorf("KS of the |z| > 2.5 tail (%d draws): p = %.3g", len(tail), p)
	}
	if _, p := stats.KSOneSample(tail, cdf(1.03)); p >= powerP {
		t.Errorf("the tail KS cannot tell sigma 1.03 apart: p = %.3g", p)
	}
}

func TestDistArgErrors(t *testing.T) {
	cases := []struct {
		call  string
		fn    string
		args  []Value
		index int
	}{
		{"normal(0, -1)", "normal", []Value{num(0), num(-1)}, 1},
		{"normal(0, 0)", "normal", []Value{num(0), num(0)}, 1},
		{`normal("x", 1)`, "normal", []Value{StrV("x"), num(1)}, 0},
		{"lognormal(1, -0.5)", "lognormal", []Value{num(1), num(-0.5)}, 1},
		{"truncnormal(0, -1, 0, 1)", "truncnormal", []Value{num(0), num(-1), num(0), num(1)}, 1},
		{"truncnormal(0, 1, 2, 1)", "truncnormal", []Value{num(0), num(1), num(2), num(1)}, 3},
		{"truncnormal(0, 1, 1, 1)", "truncnormal", []Value{num(0), num(1), num(1), num(1)}, 3},
		{"exponential(0)", "exponential", []Value{num(0)}, 0},
		{"exponential(-2)", "exponential", []Value{num(-2)}, 0},
		{"gamma(0, 1)", "gamma", []Value{num(0), num(1)}, 0},
		{"gamma(1, -1)", "gamma", []Value{num(1), num(-1)}, 1},
		{"beta(-1, 1)", "beta", []Value{num(-1), num(1)}, 0},
		{"beta(1, 0)", "beta", []Value{num(1), num(0)}, 1},
		{"pareto(0, 1)", "pareto", []Value{num(0), num(1)}, 0},
		{"pareto(1, -3)", "pareto", []Value{num(1), num(-3)}, 1},
		{"poisson(-1)", "poisson", []Value{num(-1)}, 0},
		{"poisson(1e300)", "poisson", []Value{num(1e300)}, 0},
		{"binomial(10.5, 0.5)", "binomial", []Value{num(10.5), num(0.5)}, 0},
		{"binomial(-1, 0.5)", "binomial", []Value{IntV(-1), num(0.5)}, 0},
		{"binomial(10, 1.5)", "binomial", []Value{IntV(10), num(1.5)}, 1},
		{"binomial(10, -0.1)", "binomial", []Value{IntV(10), num(-0.1)}, 1},
		{"geometric(0)", "geometric", []Value{num(0)}, 0},
		{"geometric(1.2)", "geometric", []Value{num(1.2)}, 0},
		{"zipf(0, 10)", "zipf", []Value{num(0), IntV(10)}, 0},
		{"zipf(1, 0)", "zipf", []Value{num(1), IntV(0)}, 1},
		{"zipf(1, 2.5)", "zipf", []Value{num(1), num(2.5)}, 1},
		{"histogram([0, 1], [1, 2])", "histogram", []Value{nums(0, 1), nums(1, 2)}, 1},
		{"histogram([0, 0, 1], [1, 1])", "histogram", []Value{nums(0, 0, 1), nums(1, 1)}, 0},
		{"histogram([1], [])", "histogram", []Value{nums(1), nums()}, 0},
		{"histogram([0, 1, 2], [0, 0])", "histogram", []Value{nums(0, 1, 2), nums(0, 0)}, 1},
		{"histogram([0, 1], [-1])", "histogram", []Value{nums(0, 1), nums(-1)}, 1},
		{`histogram(["a", "b"], [1])`, "histogram", []Value{Freeze(ListV([]Value{StrV("a"), StrV("b")})), nums(1)}, 0},
		{"histogram(5, [1])", "histogram", []Value{num(5), nums(1)}, 0},
		{"uniform(5, 1)", "uniform", []Value{IntV(5), IntV(1)}, 1},
		{"bernoulli(1.5)", "bernoulli", []Value{num(1.5)}, 0},
		{"weighted({})", "weighted", []Value{Freeze(ObjV(nil, nil))}, 0},
		{"choice([])", "choice", []Value{Freeze(ListV(nil))}, 0},
	}
	reg := New()
	for _, tc := range cases {
		t.Run(tc.call, func(t *testing.T) {
			f, _ := reg.Lookup(tc.fn)
			args := make([]Arg, len(tc.args))
			for i := range tc.args {
				args[i] = Arg{Type: tc.args[i].K, Const: &tc.args[i]}
			}
			_, err := f.Compile(&CompileCtx{Loc: time.UTC}, args)
			var ae *ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *ArgError", err)
			}
			if ae.Index != tc.index {
				t.Errorf("error %q points at argument %d, want %d", ae.Msg, ae.Index, tc.index)
			}
		})
	}
}

// Invalid run-time parameters cannot be reported at compile time; the draw
// is null instead of a wrong number.
func TestDistRuntimeInvalidIsNull(t *testing.T) {
	cases := []struct {
		fn   string
		args []Value
	}{
		{"normal", []Value{num(0), num(-1)}},
		{"truncnormal", []Value{num(0), num(1), num(3), num(2)}},
		{"gamma", []Value{num(-1), num(1)}},
		{"poisson", []Value{num(-3)}},
		{"binomial", []Value{num(3.5), num(0.5)}},
		{"geometric", []Value{num(0)}},
		{"zipf", []Value{num(1), IntV(0)}},
	}
	for _, tc := range cases {
		impl := compileArgs(t, tc.fn, true, tc.args...)
		r := NewRand(1)
		if v := impl.Fn(&Ctx{R: &r}, tc.args); v.K != Null {
			t.Errorf("%s%v = %s, want null", tc.fn, tc.args, v)
		}
	}
}

// Edge parameters that are valid give the degenerate answer.
func TestDistEdgeParams(t *testing.T) {
	cases := []struct {
		fn   string
		args []Value
		want string
	}{
		{"binomial", []Value{IntV(0), num(0.4)}, "0"},
		{"binomial", []Value{IntV(17), num(1)}, "17"},
		{"binomial", []Value{IntV(17), num(0)}, "0"},
		{"geometric", []Value{num(1)}, "0"},
		{"poisson", []Value{num(0)}, "0"},
		{"zipf", []Value{num(2), IntV(1)}, "1"},
	}
	for _, tc := range cases {
		for _, dyn := range []bool{false, true} {
			for i, v := range draws(t, tc.fn, dyn, 100, tc.args...) {
				if v.String() != tc.want {
					t.Fatalf("%s%v (dynamic %v) draw %d = %s, want %s", tc.fn, tc.args, dyn, i, v, tc.want)
				}
			}
		}
	}
}

// Constant and run-time parameters run the same algorithm (zipf's alias
// table aside), so a scenario's values do not change when a parameter
// stops being constant.
func TestDistConstantMatchesRuntime(t *testing.T) {
	cases := []struct {
		fn   string
		args []Value
	}{
		{"normal", []Value{num(1), num(2)}},
		{"truncnormal", []Value{num(0), num(1), num(4), num(9)}},
		{"gamma", []Value{num(0.4), num(2)}},
		{"beta", []Value{num(0.4), num(3)}},
		{"poisson", []Value{num(7)}},
		{"poisson", []Value{num(300)}},
		{"binomial", []Value{IntV(500), num(0.3)}},
		{"geometric", []Value{num(0.1)}},
		{"zipf", []Value{num(1.2), IntV(zipfAliasMax + 5)}},
	}
	for _, tc := range cases {
		a := draws(t, tc.fn, false, 10000, tc.args...)
		b := draws(t, tc.fn, true, 10000, tc.args...)
		for i := range a {
			if !Equal(a[i], b[i]) {
				t.Fatalf("%s%v: draw %d is %s with constant parameters, %s with run-time ones", tc.fn, tc.args, i, a[i], b[i])
			}
		}
	}
}

func TestConstantFolds(t *testing.T) {
	f, _ := New().Lookup("constant")
	if f.Random {
		t.Fatal("constant must not be random, or it would not fold")
	}
	v := StrV("x")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: String, Const: &v}})
	if err != nil || impl.Fn == nil || impl.Sample != nil || impl.Result != String {
		t.Fatalf("compile: %v %+v", err, impl)
	}
	if got := impl.Fn(&Ctx{}, []Value{v}); got.S != "x" {
		t.Fatalf("constant(\"x\") = %s", got)
	}
}

// TestNormZigBracket: the normal ziggurat's tables, bisected from the two
// floats around R the program starts with, are those of the bisection
// over [3, 4.5] (normal draws stay the same), and R is Marsaglia and
// Tsang's.
func TestNormZigBracket(t *testing.T) {
	r, tab := normZigTables(3.0, 4.5)
	if r != normZigR || *tab != *normZig {
		t.Fatalf("bisection over [3, 4.5]: R = %v, the start's R = %v (tables equal: %v)", r, normZigR, *tab == *normZig)
	}
	if math.Abs(r-3.6541528853610088) > 1e-15 {
		t.Fatalf("R = %v", r)
	}
}
