package stdlib

import (
	"math"
)

// numArg is argument i as a number: ok false with the call's result
// null, for a null argument (null in, null out) or, with a fault, for
// one that is no number (a value whose kind is only known at run time).
func numArg(c *Ctx, a []Value, i int, name string) (float64, bool) {
	switch v := a[i]; v.K {
	case Int:
		return float64(v.I), true
	case Float:
		return v.Float(), true
	case Null:
		return 0, false
	default:
		c.Fail(argErr(i, "%s must be a number, got %s", name, describeArg(v)))
		return 0, false
	}
}

// wholeArg is argument i as an int: an int, or a float with no fraction
// within the int range. ok is false for null (no fault) and for anything
// else (a fault).
func wholeArg(c *Ctx, a []Value, i int, name string) (int64, bool) {
	switch v := a[i]; v.K {
	case Int:
		return v.I, true
	case Float:
		if f := v.Float(); f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
			return int64(f), true
		}
	case Null:
		return 0, false
	}
	c.Fail(argErr(i, "%s must be a whole number, got %s", name, describeArg(a[i])))
	return 0, false
}

// constWhole is the error of a constant argument i that wholeArg would
// refuse when the call runs (a float with a fraction), checked when the
// scenario compiles even while other arguments vary.
func constWhole(args []Arg, i int, name string) error {
	if i < len(args) && args[i].Const != nil && args[i].Const.K == Float {
		var c Ctx
		if _, ok := wholeArg(&c, []Value{*args[i].Const}, 0, name); !ok {
			return argErr(i, "%s must be a whole number, got %s", name, describeArg(*args[i].Const))
		}
	}
	return nil
}

// unaryMath is a pure function of one number whose result is a float:
// of gives it, or null where the function has no value for x (sqrt of
// a negative number), and fault then says why. Unary is of itself, so
// sqrt(uniform(…)) is one closure.
func unaryMath(name, doc string, ex []Example, of func(x float64) Value, fault func(x float64) error) *Func {
	f := pureArena(name, "math", doc, []Param{{Name: "x", Type: Float}}, Float, ex,
		func(c *Ctx, a []Value) Value {
			x, ok := numArg(c, a, 0, "x")
			if !ok {
				return NullV()
			}
			v := of(x)
			if v.K == Null {
				c.Fail(fault(x))
			}
			return v
		})
	f.Unary = of
	return f
}

// finiteV is FloatV(r), or null when r is not a finite number.
func finiteV(r float64) Value {
	if math.IsInf(r, 0) || r != r {
		return NullV()
	}
	return FloatV(r)
}

// maxExpArg is the largest x whose exp(x) is a finite float.
const maxExpArg = 709.782712893384

func calcMathFuncs() []*Func {
	return []*Func{
		unaryMath("sqrt", "The square root of x; x below 0 is an error.",
			[]Example{{Expr: "sqrt(16)", Want: "4"}, {Expr: "sqrt(2)", Want: "1.4142135623730951"}},
			func(x float64) Value {
				if x < 0 {
					return NullV()
				}
				return FloatV(math.Sqrt(x))
			},
			func(x float64) error { return argErr(0, "x must be zero or more, got %s", FloatV(x).String()) }),
		unaryMath("exp", "e to the power x; an x above about 709.78, whose result is beyond the largest float, is an error.",
			[]Example{{Expr: "exp(0)", Want: "1"}, {Expr: "round(exp(1), 4)", Want: "2.7183"}},
			func(x float64) Value {
				if x != x {
					return FloatV(x) // NaN in (a Parquet cell), NaN out
				}
				return finiteV(math.Exp(x))
			},
			func(x float64) error {
				return argErr(0, "x (%s) is too large: exp(x) is beyond the largest float (x must be at most %v)", FloatV(x).String(), maxExpArg)
			}),
		logFunc(),
		unaryMath("sin", "The sine of x, in radians. With pi() it makes a daily cycle: 1 + 0.3 * sin(2 * pi() * hour(event.time) / 24).",
			[]Example{{Expr: "sin(0)", Want: "0"}, {Expr: "sin(pi() / 2)", Want: "1"}},
			func(x float64) Value { return FloatV(math.Sin(x)) }, nil),
		unaryMath("cos", "The cosine of x, in radians.",
			[]Example{{Expr: "cos(0)", Want: "1"}, {Expr: "round(cos(pi() / 3), 6)", Want: "0.5"}},
			func(x float64) Value { return FloatV(math.Cos(x)) }, nil),
		pure("pi", "math", "The constant π (3.141592653589793), for angles in radians: sin(2 * pi() * x).", nil, Float,
			[]Example{{Expr: "pi()", Want: "3.141592653589793"}},
			func(cc *CompileCtx, a []Value) Value { return FloatV(math.Pi) }),
		pureArena("pow", "math", "x to the power y, as a float; a result that is not a finite number (pow(10, 400), pow(0, -1), pow(-8, 0.5)) is an error.",
			[]Param{{Name: "x", Type: Float}, {Name: "y", Type: Float}}, Float,
			[]Example{{Expr: "pow(2, 10)", Want: "1024"}, {Expr: "pow(9, 0.5)", Want: "3"}, {Expr: "pow(2, -1)", Want: "0.5"}},
			func(c *Ctx, a []Value) Value {
				x, ok := numArg(c, a, 0, "x")
				if !ok {
					return NullV()
				}
				y, ok := numArg(c, a, 1, "y")
				if !ok {
					return NullV()
				}
				v := finiteV(math.Pow(x, y))
				if v.K == Null && x == x && y == y {
					c.Fail(argErr(-1, "pow(%s, %s) is not a finite number", FloatV(x).String(), FloatV(y).String()))
				} else if v.K == Null {
					return FloatV(math.NaN()) // NaN in (a Parquet cell), NaN out
				}
				return v
			}),
	}
}

// logFunc is log(x, [base]): the natural logarithm, or base's. A constant
// base that is no base is an error when the scenario compiles.
func logFunc() *Func {
	badBase := func(b float64) bool { return !(b > 0) || b == 1 || math.IsInf(b, 0) }
	baseErr := func(b float64) error {
		return argErr(1, "base must be more than 0 and not 1, got %s", FloatV(b).String())
	}
	xErr := func(x float64) error { return argErr(0, "x must be more than 0, got %s", FloatV(x).String()) }
	ln := func(x float64) Value {
		if !(x > 0) && x == x {
			return NullV()
		}
		return FloatV(math.Log(x))
	}
	f := pureArena("log", "math", "The natural logarithm of x, or its logarithm to base. x must be more than 0, and base more than 0 and not 1.",
		[]Param{{Name: "x", Type: Float}, {Name: "base", Type: Float, Optional: true}}, Float,
		[]Example{{Expr: "log(1)", Want: "0"}, {Expr: "log(1000, 10)", Want: "3"}, {Expr: "log(8, 2)", Want: "3"}},
		func(c *Ctx, a []Value) Value {
			x, ok := numArg(c, a, 0, "x")
			if !ok {
				return NullV()
			}
			v := ln(x)
			if v.K == Null {
				c.Fail(xErr(x))
				return v
			}
			if len(a) < 2 {
				return v
			}
			b, ok := numArg(c, a, 1, "base")
			if !ok {
				return NullV()
			}
			if badBase(b) {
				c.Fail(baseErr(b))
				return NullV()
			}
			switch b {
			case 10:
				return FloatV(math.Log10(x)) // exact for powers of ten
			case 2:
				return FloatV(math.Log2(x))
			}
			r := v.Float() / math.Log(b)
			if k := math.Round(r); k != r && math.Pow(b, k) == x {
				return FloatV(k) // log(81, 3) is 4, not 4.000000000000001
			}
			return FloatV(r)
		})
	f.Unary = ln
	compile := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		if len(args) == 2 && args[1].Const != nil && isNum(args[1].Const.K) {
			if b := args[1].Const.Num(); badBase(b) {
				return Impl{}, baseErr(b)
			}
		}
		return compile(cc, args)
	}
	return f
}
