package stdlib

import (
	"math"
)

// dparams holds a distribution's numeric parameters. It is passed by value
// so that run-time parameters stay on the stack: a slice passed to the
// spec's funcs would escape and cost an allocation per draw.
type dparams = [4]float64

// numArgs extracts constant numeric arguments, reporting whether all are.
func numArgs(args []Arg) (p dparams, ok bool) {
	for i, a := range args {
		if a.Const == nil || !isNum(a.Const.K) {
			return p, false
		}
		p[i] = a.Const.Num()
	}
	return p, true
}

// distSpec declares a numeric distribution. Exactly one of the float pair
// (prepF, drawF) or the int pair (prepI, drawI) is set. draw takes validated
// run-time parameters and must not allocate; prep, when set, takes validated
// constant parameters and does the setup (tables, constants) once, and must
// consume the stream exactly as draw would unless its doc says otherwise.
// sample, when set, replaces prepF for the hottest distributions: it saves
// the second indirect call.
type distSpec struct {
	name, doc string
	params    []Param
	examples  []Example
	// check validates parameters, returning an *ArgError for the bad one.
	check  func(p dparams) error
	prepF  func(p dparams) func(*Rand) float64
	drawF  func(r *Rand, p dparams) float64
	prepI  func(p dparams) func(*Rand) int64
	drawI  func(r *Rand, p dparams) int64
	sample func(p dparams) func(*Ctx) Value // a faster Sample; drawF must draw the same (Impl.Num calls drawF)
	// fast2, for a distribution of two float parameters, is Fn2 for
	// two numbers a and b: check, then the draw drawF makes, or check's
	// fault (Ctx.Fail) and null. Fn2 calls it without building dparams
	// for check and drawF (bank's lognormal(ctx.cat.mu, ctx.cat.sigma):
	// two calls with 32 bytes of parameters each).
	fast2 func(c *Ctx, a, b float64) Value
}

// dist builds a registry entry from a spec. Constant parameters are
// validated at compile time (an error points at the bad argument); run-time
// ones are validated per draw, and invalid ones are a run-time fault
// (Ctx.Fail) with the message the constant case gives.
//
// dist is not inlined: inlined into distributionFuncs, a function too large
// for Go's usual inlining budget, its closures were compiled as copies in
// which nothing was inlined, so a draw with run-time parameters (bank's
// lognormal(ctx.cat.mu, ctx.cat.sigma)) called isNum, Value.Num and FloatV.
//
//go:noinline
func dist(s distSpec) *Func {
	result := Float
	if s.drawI != nil {
		result = Int
	}
	return &Func{
		Name: s.name, Category: "distribution", Random: true, Result: result, Doc: s.doc,
		Params: s.params, Examples: s.examples,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			for i, a := range args {
				if a.Type != Any && !isNum(a.Type) {
					return Impl{}, argErr(i, "%s must be a number, got %s%s", s.params[i].Name, a.Type, quotedNumber(a))
				}
			}
			if p, ok := numArgs(args); ok {
				if err := s.check(p); err != nil {
					return Impl{}, err
				}
				if s.sample != nil {
					impl := Impl{Result: result, Sample: s.sample(p)}
					if result == Float && s.drawF != nil {
						impl.Num = func(c *Ctx) float64 { return s.drawF(c.R, p) }
					}
					return impl, nil
				}
				if result == Int {
					f := func(r *Rand) int64 { return s.drawI(r, p) }
					if s.prepI != nil {
						f = s.prepI(p)
					}
					return Impl{Result: Int, Sample: func(c *Ctx) Value { return IntV(f(c.R)) },
						Num: func(c *Ctx) float64 { return float64(f(c.R)) }}, nil
				}
				f := func(r *Rand) float64 { return s.drawF(r, p) }
				if s.prepF != nil {
					f = s.prepF(p)
				}
				return Impl{Result: Float, Sample: func(c *Ctx) Value { return FloatV(f(c.R)) },
					Num: func(c *Ctx) float64 { return f(c.R) }}, nil
			}
			n := len(args)
			draw := func(c *Ctx, p dparams) Value {
				if err := s.check(p); err != nil {
					c.Fail(err)
					return NullV()
				}
				if result == Int {
					return IntV(s.drawI(c.R, p))
				}
				return FloatV(s.drawF(c.R, p))
			}
			impl := Impl{Result: result, Fn: func(c *Ctx, v []Value) Value {
				var p dparams
				for i := range n {
					if !isNum(v[i].K) {
						c.Fail(argErr(i, "%s must be a number, got %s", s.params[i].Name, v[i].K))
						return NullV()
					}
					p[i] = v[i].Num()
				}
				return draw(c, p)
			}}
			if n == 2 {
				// lognormal(ctx.cat.mu, ctx.cat.sigma), bank's amounts.
				fn2 := func(c *Ctx, a, b Value) Value {
					if !isNum(a.K) {
						c.Fail(argErr(0, "%s must be a number, got %s", s.params[0].Name, a.K))
						return NullV()
					}
					if !isNum(b.K) {
						c.Fail(argErr(1, "%s must be a number, got %s", s.params[1].Name, b.K))
						return NullV()
					}
					// draw's body, not a call of it (too large to inline).
					p := dparams{a.Num(), b.Num()}
					if err := s.check(p); err != nil {
						c.Fail(err)
						return NullV()
					}
					if result == Int {
						return IntV(s.drawI(c.R, p))
					}
					return FloatV(s.drawF(c.R, p))
				}
				impl.Fn2 = fn2
				if fast := s.fast2; fast != nil && fuseFast2 {
					// Both calls last: nothing is kept across them.
					impl.Fn2 = func(c *Ctx, a, b Value) Value {
						if isNum(a.K) && isNum(b.K) {
							return fast(c, a.Num(), b.Num())
						}
						return fn2(c, a, b)
					}
				}
			}
			return impl, nil
		},
	}
}

// Parameter checks. Each returns nil or an *ArgError for argument i.

func finite(i int, name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return argErr(i, "%s must be a finite number, got %v", name, v)
	}
	return nil
}

func positive(i int, name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return argErr(i, "%s must be positive and finite, got %v", name, v)
	}
	return nil
}

// maxCount bounds integer parameters (and Poisson's mean) so that every
// count up to it is exact in a float64.
const maxCount = 1 << 53

func integer(i int, name string, v, lo float64) error {
	if !(v >= lo && v <= maxCount) || v != math.Trunc(v) {
		return argErr(i, "%s must be an integer between %v and 2^53, got %v", name, lo, v)
	}
	return nil
}

func probability(i int, name string, v float64, zeroOK bool) error {
	if !(v >= 0 && v <= 1) || (!zeroOK && v == 0) {
		lo := "0"
		if !zeroOK {
			lo = "above 0"
		}
		return argErr(i, "%s must be a probability, %s and at most 1, got %v", name, lo, v)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// muSigma is normal's and lognormal's check, run at every draw with
// run-time parameters (bank's amounts): valid parameters return at the
// first test, without firstErr's array of two errors to fill and scan.
func muSigma(p dparams) error {
	if muSigmaOK(p[0], p[1]) {
		return nil
	}
	if err := finite(0, "mu", p[0]); err != nil {
		return err
	}
	return positive(1, "sigma", p[1])
}

// muSigmaOK is muSigma's early return: mu finite (NaN and ±Inf give NaN
// for mu-mu), sigma positive and finite.
func muSigmaOK(mu, sigma float64) bool {
	return mu-mu == 0 && sigma > 0 && sigma <= math.MaxFloat64
}

// fuseFast2: Fn2 of a distribution with fast2 calls it first; off, the
// general Fn2 (the tests compare the two).
var fuseFast2 = true

func distributionFuncs() []*Func {
	num := func(n, doc string) Param { return Param{Name: n, Type: Float, Doc: doc} }
	integ := func(n, doc string) Param { return Param{Name: n, Type: Int, Doc: doc} }
	return []*Func{
		dist(distSpec{
			name: "normal",
			doc: "Normal (Gaussian) distribution with mean mu and standard deviation sigma. " +
				"Support: all reals. Mean mu, variance sigma². Drawn by a 256-layer ziggurat.",
			params:   []Param{num("mu", "the mean"), num("sigma", "the standard deviation, > 0")},
			examples: []Example{{Expr: "normal(100, 15)", Seed: 1, Want: "111.15849556132542"}},
			check:    muSigma,
			sample: func(p dparams) func(*Ctx) Value {
				mu, sigma := p[0], p[1]
				return func(c *Ctx) Value { return FloatV(mu + sigma*c.R.NormFloat64()) }
			},
			drawF: func(r *Rand, p dparams) float64 { return p[0] + p[1]*r.NormFloat64() },
			fast2: func(c *Ctx, mu, sigma float64) Value {
				if !muSigmaOK(mu, sigma) {
					c.Fail(muSigma(dparams{mu, sigma}))
					return NullV()
				}
				return FloatV(mu + sigma*c.R.NormFloat64())
			},
		}),
		dist(distSpec{
			name: "lognormal",
			doc: "Log-normal distribution: exp(X) for X normal with mean mu and standard deviation sigma " +
				"(the parameters of the log, not of the value). Support: x > 0. Mean exp(mu + sigma²/2), median exp(mu).",
			params:   []Param{num("mu", "the mean of the log"), num("sigma", "the standard deviation of the log, > 0")},
			examples: []Example{{Expr: "lognormal(3.2, 0.8)", Seed: 1, Want: "44.48356358358895"}},
			check:    muSigma,
			sample: func(p dparams) func(*Ctx) Value {
				mu, sigma := p[0], p[1]
				return func(c *Ctx) Value { return FloatV(math.Exp(mu + sigma*c.R.NormFloat64())) }
			},
			drawF: func(r *Rand, p dparams) float64 { return math.Exp(p[0] + p[1]*r.NormFloat64()) },
			fast2: func(c *Ctx, mu, sigma float64) Value {
				if !muSigmaOK(mu, sigma) {
					c.Fail(muSigma(dparams{mu, sigma}))
					return NullV()
				}
				return FloatV(math.Exp(mu + sigma*c.R.NormFloat64()))
			},
		}),
		dist(distSpec{
			name: "truncnormal",
			doc: "Truncated normal: a normal with mean mu and standard deviation sigma conditioned on lo <= x <= hi. " +
				"Support: [lo, hi]. Mean mu + sigma·(φ(a)-φ(b))/(Φ(b)-Φ(a)) with a = (lo-mu)/sigma, b = (hi-mu)/sigma. " +
				"Exact for any interval, including far tails (Robert's rejection samplers, chosen per interval).",
			params: []Param{num("mu", "the mean of the untruncated normal"),
				num("sigma", "the standard deviation of the untruncated normal, > 0"),
				num("lo", "the lower bound"), num("hi", "the upper bound, > lo")},
			examples: []Example{
				{Expr: "truncnormal(30, 10, 18, 65)", Seed: 1, Want: "37.43899704088362", Note: "an age-like value"},
				{Expr: "truncnormal(0, 1, 6, 100)", Seed: 1, Want: "6.1969661306622825", Note: "six sigma into the tail"},
			},
			check: func(p dparams) error {
				if err := firstErr(muSigma(p), finite(2, "lo", p[2]), finite(3, "hi", p[3])); err != nil {
					return err
				}
				if !(p[3] > p[2]) {
					return argErr(3, "hi (%v) must be greater than lo (%v)", p[3], p[2])
				}
				a, b := (p[2]-p[0])/p[1], (p[3]-p[0])/p[1]
				if math.IsInf(a, 0) || math.IsInf(b, 0) || !(b > a) {
					return argErr(1, "sigma (%v) is too small for the bounds to be resolved", p[1])
				}
				return nil
			},
			prepF: func(p dparams) func(*Rand) float64 {
				s := newTruncNorm(p[0], p[1], p[2], p[3])
				return s.draw
			},
			drawF: func(r *Rand, p dparams) float64 {
				s := newTruncNorm(p[0], p[1], p[2], p[3])
				return s.draw(r)
			},
		}),
		dist(distSpec{
			name:     "exponential",
			doc:      "Exponential distribution with the given rate (events per unit). Support: x >= 0. Mean 1/rate.",
			params:   []Param{num("rate", "the rate, > 0")},
			examples: []Example{{Expr: "exponential(0.5)", Seed: 1, Want: "2.427519973579979"}},
			check:    func(p dparams) error { return positive(0, "rate", p[0]) },
			drawF:    func(r *Rand, p dparams) float64 { return r.ExpFloat64() / p[0] },
		}),
		dist(distSpec{
			name: "gamma",
			doc: "Gamma distribution with the given shape k and scale θ (density ∝ x^(k-1)·e^(-x/θ)). " +
				"Support: x > 0, but a draw below the least float64 (about 5e-324) is 0: with a shape under about 0.02 " +
				"that is visible (2.4 % of draws at shape 0.005, scale 1). Mean k·θ, variance k·θ². " +
				"Marsaglia–Tsang's method; shape < 1 uses their U^(1/k) boost.",
			params:   []Param{num("shape", "the shape k, > 0"), num("scale", "the scale θ, > 0 (1/rate)")},
			examples: []Example{{Expr: "gamma(2, 3)", Seed: 1, Want: "8.469928352724944"}},
			check: func(p dparams) error {
				return firstErr(positive(0, "shape", p[0]), positive(1, "scale", p[1]))
			},
			prepF: func(p dparams) func(*Rand) float64 {
				g, scale := newGamma(p[0]), p[1]
				return func(r *Rand) float64 { return g.draw(r) * scale }
			},
			drawF: func(r *Rand, p dparams) float64 {
				g := newGamma(p[0])
				return g.draw(r) * p[1]
			},
		}),
		dist(distSpec{
			name: "beta",
			doc: "Beta distribution with shapes a and b (density ∝ x^(a-1)·(1-x)^(b-1)). Support: [0, 1]. " +
				"Mean a/(a+b). Drawn as X/(X+Y) for independent gammas X ~ Gamma(a), Y ~ Gamma(b).",
			params:   []Param{num("a", "the first shape, > 0"), num("b", "the second shape, > 0")},
			examples: []Example{{Expr: "beta(2, 5)", Seed: 1, Want: "0.5711621026048191"}},
			check: func(p dparams) error {
				return firstErr(positive(0, "a", p[0]), positive(1, "b", p[1]))
			},
			prepF: func(p dparams) func(*Rand) float64 {
				s := newBeta(p[0], p[1])
				return s.draw
			},
			drawF: func(r *Rand, p dparams) float64 {
				s := newBeta(p[0], p[1])
				return s.draw(r)
			},
		}),
		dist(distSpec{
			name: "pareto",
			doc: "Pareto (type I) distribution with minimum xm and tail index alpha: P(X > x) = (xm/x)^alpha. " +
				"Support: x >= xm. Mean alpha·xm/(alpha-1) for alpha > 1, infinite otherwise. A draw beyond the " +
				"largest float64 is +Inf (a run-time error in a record): with probability (xm/1.8e308)^alpha, " +
				"visible for alpha below about 0.05.",
			params:   []Param{num("xm", "the minimum (scale), > 0"), num("alpha", "the tail index (shape), > 0")},
			examples: []Example{{Expr: "pareto(10, 2.5)", Seed: 1, Want: "16.249937907800923"}},
			check: func(p dparams) error {
				return firstErr(positive(0, "xm", p[0]), positive(1, "alpha", p[1]))
			},
			drawF: func(r *Rand, p dparams) float64 {
				y := r.ExpFloat64() / p[1]
				if v := p[0] * math.Exp(y); !math.IsInf(v, 1) {
					return v
				}
				// e^y overflowed on its own; a small xm may bring the
				// product back into range.
				return math.Exp(math.Log(p[0]) + y)
			},
		}),
		dist(distSpec{
			name: "poisson",
			doc: "Poisson count with mean lambda: P(k) = lambda^k·e^(-lambda)/k!. Support: 0, 1, 2, …. " +
				"Mean and variance lambda (at most 2^53). Exact: inversion below 30, Hörmann's PTRS above (its acceptance test evaluated so that it stays accurate up to 2^53; from a mean of 2^52 the draws are floats, so above 2^53 only even counts come out).",
			params:   []Param{num("lambda", "the mean, >= 0")},
			examples: []Example{{Expr: "poisson(4)", Seed: 1, Want: "5"}},
			check: func(p dparams) error {
				if !(p[0] >= 0 && p[0] <= maxCount) {
					return argErr(0, "lambda must be between 0 and 2^53, got %v", p[0])
				}
				return nil
			},
			prepI: func(p dparams) func(*Rand) int64 {
				s := newPoisson(p[0]).withTable()
				return s.draw
			},
			drawI: func(r *Rand, p dparams) int64 {
				s := newPoisson(p[0])
				return s.draw(r)
			},
		}),
		dist(distSpec{
			name: "binomial",
			doc: "Binomial count of successes in n independent trials with success probability p. " +
				"Support: 0..n. Mean n·p, variance n·p·(1-p). Exact: inversion when n·p is small, Hörmann's BTRD otherwise.",
			params:   []Param{integ("n", "the number of trials, an integer >= 0"), num("p", "the success probability, 0..1")},
			examples: []Example{{Expr: "binomial(20, 0.3)", Seed: 1, Want: "7"}},
			check: func(p dparams) error {
				return firstErr(integer(0, "n", p[0], 0), probability(1, "p", p[1], true))
			},
			prepI: func(p dparams) func(*Rand) int64 {
				s := newBinomial(int64(p[0]), p[1])
				return s.draw
			},
			drawI: func(r *Rand, p dparams) int64 {
				s := newBinomial(int64(p[0]), p[1])
				return s.draw(r)
			},
		}),
		dist(distSpec{
			name: "geometric",
			doc: "Geometric count of failures before the first success in trials with success probability p: " +
				"P(k) = (1-p)^k·p. Support: 0, 1, 2, … (add 1 for the number of trials). Mean (1-p)/p. " +
				"Counts beyond the int range (possible only for p below about 1e-17) saturate at its maximum.",
			params:   []Param{num("p", "the success probability, above 0 and at most 1")},
			examples: []Example{{Expr: "geometric(0.25)", Seed: 1, Want: "4"}},
			check:    func(p dparams) error { return probability(0, "p", p[0], false) },
			prepI: func(p dparams) func(*Rand) int64 {
				l := -math.Log1p(-p[0])
				return func(r *Rand) int64 { return geometric(r, l) }
			},
			drawI: func(r *Rand, p dparams) int64 { return geometric(r, -math.Log1p(-p[0])) },
		}),
		dist(distSpec{
			name: "zipf",
			doc: "Zipf distribution over ranks 1..n with P(k) ∝ k^-s. Support: 1..n. " +
				"Mean H(n, s-1)/H(n, s) with H the generalised harmonic number. Constant parameters with " +
				"n <= 1,000,000 use a precomputed alias table (O(1) per draw); otherwise Hörmann–Derflinger " +
				"rejection-inversion, also O(1). The two give different values at the same seed.",
			params:   []Param{num("s", "the exponent, > 0"), integ("n", "the number of ranks, an integer >= 1")},
			examples: []Example{{Expr: "zipf(1.1, 1000)", Seed: 1, Want: "6"}},
			check: func(p dparams) error {
				return firstErr(positive(0, "s", p[0]), integer(1, "n", p[1], 1))
			},
			prepI: func(p dparams) func(*Rand) int64 {
				if n := int64(p[1]); n <= zipfAliasMax {
					al := newZipfAlias(p[0], n)
					return func(r *Rand) int64 { return int64(al.Draw(r)) + 1 }
				}
				s := newZipf(p[0], int64(p[1]))
				return s.draw
			},
			drawI: func(r *Rand, p dparams) int64 {
				s := newZipf(p[0], int64(p[1]))
				return s.draw(r)
			},
		}),
		{
			Name: "histogram", Category: "distribution", Random: true, Result: Float,
			Doc: "Empirical distribution from a histogram: bins lists n+1 increasing edges, weights the n bins' " +
				"relative weights (need not sum to 1). A bin is chosen by weight (alias table, O(1)) and the value " +
				"is uniform inside it. Support: [first edge, last edge]. Mean Σ wᵢ·(edgeᵢ+edgeᵢ₊₁)/2 / Σ wᵢ.",
			Params: []Param{
				{Name: "bins", Type: List, Doc: "n+1 strictly increasing bin edges"},
				{Name: "weights", Type: List, Doc: "n non-negative weights, one per bin, with a positive sum"},
			},
			Examples: []Example{{Expr: "histogram([0, 10, 50, 100], [5, 3, 1])", Seed: 1, Want: "30.817464797554276"}},
			Compile:  compileHistogram,
		},
		{
			Name: "constant", Category: "distribution", Result: Any,
			Doc: "A degenerate distribution: always x. Useful where a distribution is expected " +
				"(a switch branch, a variable) but the value is fixed. Not random: it folds at compile time.",
			Params:   []Param{{Name: "x", Type: Any, Doc: "the value"}},
			Examples: []Example{{Expr: "constant(42)", Seed: 1, Want: "42"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				return Impl{Result: args[0].Type, Fn: func(c *Ctx, v []Value) Value { return v[0] }}, nil
			},
		},
	}
}

func compileHistogram(cc *CompileCtx, args []Arg) (Impl, error) {
	nums := func(i int, what string) ([]float64, error) {
		c := args[i].Const
		if c == nil || c.K != List {
			return nil, argErr(i, "histogram needs a constant list of %s", what)
		}
		out := make([]float64, len(c.List()))
		for j, v := range c.List() {
			if !isNum(v.K) {
				return nil, argErr(i, "%s must be numbers; element %d is %s", what, j+1, v.K)
			}
			out[j] = v.Num()
		}
		return out, nil
	}
	edges, err := nums(0, "bin edges")
	if err != nil {
		return Impl{}, err
	}
	ws, err := nums(1, "weights")
	if err != nil {
		return Impl{}, err
	}
	if len(edges) < 2 {
		return Impl{}, argErr(0, "bins needs at least two edges (one bin), got %d", len(edges))
	}
	for j, e := range edges {
		if math.IsInf(e, 0) || math.IsNaN(e) {
			return Impl{}, itemErr(0, j+1, "bin edge %d is not finite", j+1)
		}
		if j > 0 && !(e > edges[j-1]) {
			return Impl{}, itemErr(0, j+1, "bin edges must increase strictly; edge %d (%v) is not above edge %d (%v)", j+1, e, j, edges[j-1])
		}
	}
	if len(ws) != len(edges)-1 {
		return Impl{}, argErr(1, "%d bin edges make %d bins, so %d weights are needed, got %d",
			len(edges), len(edges)-1, len(edges)-1, len(ws))
	}
	sum := 0.0
	for j, w := range ws {
		if !(w >= 0) || math.IsInf(w, 0) {
			return Impl{}, itemErr(1, j+1, "weight %d must be zero or positive and finite, got %v", j+1, w)
		}
		sum += w
	}
	if !(sum > 0) {
		return Impl{}, argErr(1, "the weights sum to zero; at least one must be positive")
	}
	al := NewAlias(ws)
	return Impl{Result: Float, Sample: func(c *Ctx) Value {
		j := al.Draw(c.R)
		lo, hi := edges[j], edges[j+1]
		return FloatV(min(lo+(hi-lo)*c.R.Float64(), hi))
	}}, nil
}
