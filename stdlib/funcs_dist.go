package stdlib

import (
	"math"
)

// numArgs extracts constant numeric arguments, reporting which is not.
func numArgs(args []Arg) ([]float64, bool) {
	out := make([]float64, len(args))
	for i, a := range args {
		if a.Const == nil || !isNum(a.Const.K) {
			return nil, false
		}
		out[i] = a.Const.Num()
	}
	return out, true
}

// dist builds a continuous or discrete distribution entry from a sampler
// factory. check validates parameters (returning the bad argument's index);
// sample draws given parameters. Constant parameters are validated at
// compile time; dynamic ones are clamped to a null result when invalid.
func dist(name, doc string, params []Param, result Kind, ex []Example,
	check func(p []float64) (int, string),
	sample func(r *Rand, p []float64) float64) *Func {
	return &Func{
		Name: name, Category: "distribution", Random: true, Result: result, Doc: doc, Params: params, Examples: ex,
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			for i, a := range args {
				if a.Type != Any && !isNum(a.Type) {
					return Impl{}, argErr(i, "%s must be a number, got %s", params[i].Name, a.Type)
				}
			}
			wrap := func(f float64) Value {
				if result == Int {
					return IntV(int64(f))
				}
				return FloatV(f)
			}
			if p, ok := numArgs(args); ok {
				if i, msg := check(p); msg != "" {
					return Impl{}, argErr(i, "%s", msg)
				}
				return Impl{Result: result, Sample: func(c *Ctx) Value { return wrap(sample(c.R, p)) }}, nil
			}
			n := len(args)
			return Impl{Result: result, Fn: func(c *Ctx, v []Value) Value {
				var buf [4]float64
				p := buf[:n]
				for i := range p {
					p[i] = v[i].Num()
				}
				if _, msg := check(p); msg != "" {
					return NullV()
				}
				return wrap(sample(c.R, p))
			}}, nil
		},
	}
}

func pos(i int, name string, v float64) (int, string) {
	if !(v > 0) || math.IsInf(v, 0) {
		return i, name + " must be positive and finite"
	}
	return 0, ""
}

func distributionFuncs() []*Func {
	num := func(n string) Param { return Param{Name: n, Type: Float} }
	return []*Func{
		dist("normal", "Normal (Gaussian) with mean mu and standard deviation sigma.",
			[]Param{num("mu"), num("sigma")}, Float,
			[]Example{{Expr: "normal(100, 15)", Seed: 1, Want: "128.26594157181967"}},
			func(p []float64) (int, string) { return pos(1, "sigma", p[1]) },
			func(r *Rand, p []float64) float64 { return p[0] + p[1]*r.NormFloat64() }),
		dist("lognormal", "Log-normal: exp of a normal with mean mu and standard deviation sigma (of the log).",
			[]Param{num("mu"), num("sigma")}, Float,
			[]Example{{Expr: "lognormal(3.2, 0.8)", Seed: 1, Want: "110.7767465749272"}},
			func(p []float64) (int, string) { return pos(1, "sigma", p[1]) },
			func(r *Rand, p []float64) float64 { return math.Exp(p[0] + p[1]*r.NormFloat64()) }),
		dist("exponential", "Exponential with the given rate (mean 1/rate).",
			[]Param{num("rate")}, Float,
			[]Example{{Expr: "exponential(0.5)", Seed: 1, Want: "2.427519973579979"}},
			func(p []float64) (int, string) { return pos(0, "rate", p[0]) },
			func(r *Rand, p []float64) float64 { return r.ExpFloat64() / p[0] }),
		dist("poisson", "Poisson count with mean lambda.",
			[]Param{num("lambda")}, Int,
			[]Example{{Expr: "poisson(4)", Seed: 1, Want: "5"}},
			func(p []float64) (int, string) { return pos(0, "lambda", p[0]) },
			func(r *Rand, p []float64) float64 { return float64(Poisson(r, p[0])) }),
	}
}

// Poisson draws a Poisson variate: inversion for small means, the PTRS
// transformed-rejection method (Hörmann 1993) for large ones.
func Poisson(r *Rand, lambda float64) int64 {
	if lambda < 30 {
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
	slam := math.Sqrt(lambda)
	loglam := math.Log(lambda)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lambda+k*loglam-lg {
			return int64(k)
		}
	}
}
