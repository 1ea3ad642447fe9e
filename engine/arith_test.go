package engine

import (
	"fmt"
	"math"
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// arithSamples is one value of each kind an operand can have at run time.
func arithSamples() []Value {
	return []Value{
		stdlib.NullV(),
		stdlib.BoolV(true),
		stdlib.IntV(7),
		stdlib.FloatV(2.5),
		stdlib.StrV("x"),
		stdlib.TimeV(1_735_689_600_000), // 2025-01-01
		stdlib.DurV(90 * 60_000),        // 1h30m
		stdlib.ListV([]Value{stdlib.IntV(1)}),
		stdlib.ObjV([]string{"a"}, []Value{stdlib.IntV(1)}),
	}
}

// arithOracle is what a op b is, for the combinations arithType accepts.
func arithOracle(op byte, a, b Value) Value {
	isNum := func(v Value) bool { return v.K == stdlib.Int || v.K == stdlib.Float }
	f := func(x, y float64) float64 {
		switch op {
		case '+':
			return x + y
		case '-':
			return x - y
		case '*':
			return x * y
		case '/':
			return x / y
		}
		return math.Mod(x, y)
	}
	switch {
	case a.K == stdlib.Int && b.K == stdlib.Int && op != '/':
		return stdlib.IntV(int64(f(float64(a.I), float64(b.I))))
	case isNum(a) && isNum(b):
		return stdlib.FloatV(f(a.Num(), b.Num()))
	case a.K == stdlib.Time && b.K == stdlib.Duration:
		return stdlib.TimeV(int64(f(float64(a.I), float64(b.I))))
	case a.K == stdlib.Duration && b.K == stdlib.Time:
		return stdlib.TimeV(a.I + b.I)
	case a.K == stdlib.Time && b.K == stdlib.Time:
		return stdlib.DurV(a.I - b.I)
	case a.K == stdlib.Duration && b.K == stdlib.Duration && op == '/':
		return stdlib.FloatV(float64(a.I) / float64(b.I))
	case a.K == stdlib.Duration && b.K == stdlib.Duration:
		return stdlib.DurV(int64(f(float64(a.I), float64(b.I))))
	case a.K == stdlib.Duration:
		return stdlib.DurV(int64(math.Round(f(float64(a.I), b.Num()))))
	case b.K == stdlib.Duration:
		return stdlib.DurV(int64(math.Round(f(a.Num(), float64(b.I)))))
	}
	panic(fmt.Sprintf("no oracle for %s %c %s", a.K, op, b.K))
}

// TestArithMirrorsArithType: at run time, arith accepts exactly the
// combinations of kinds that arithType accepts at compile time, and
// computes them by op (int + duration is not a product, time + time not
// a difference): accepted, the value has the kind arithType gives and
// the right value; rejected, it is the fault badOperands. A null operand
// gives null without a fault (language.md: a missing key, a lookup
// without a match are null, and null propagates).
func TestArithMirrorsArithType(t *testing.T) {
	for _, op := range []byte{'+', '-', '*', '/', '%'} {
		for _, a := range arithSamples() {
			for _, b := range arithSamples() {
				t.Run(fmt.Sprintf("%s %c %s", a.K, op, b.K), func(t *testing.T) {
					got, f := arith(op, a, b)
					if a.K == stdlib.Null || b.K == stdlib.Null {
						if got.K != stdlib.Null || f != arithOK {
							t.Fatalf("got %v (fault %d), want null without a fault", got, f)
						}
						return
					}
					typ, ok := arithType(op, a.K, b.K)
					if !ok {
						if f != badOperands || got.K != stdlib.Null {
							t.Fatalf("arithType rejects it, arith gives %v (fault %d)", got, f)
						}
						summary, detail := arithMessage(f, string(op), a, b, "l", "r", "w")
						want := fmt.Sprintf("w: %s and %s cannot be combined with %c (l is ", a.K, b.K, op)
						if summary != "Invalid operands" || len(detail) < len(want) || detail[:len(want)] != want {
							t.Fatalf("message %q: %q", summary, detail)
						}
						return
					}
					if f != arithOK {
						t.Fatalf("fault %d", f)
					}
					if got.K != typ {
						t.Fatalf("kind %s, arithType says %s", got.K, typ)
					}
					if want := arithOracle(op, a, b); !stdlib.Equal(got, want) {
						t.Fatalf("got %v, want %v", got, want)
					}
				})
			}
		}
	}
}

// TestCompareMirrorsCmpType: an ordering comparison at run time accepts
// exactly the kinds cmpType accepts at compile time (null is false, no
// fault); the others are a fault, not a silent false.
func TestCompareMirrorsCmpType(t *testing.T) {
	for _, op := range []string{"<", "<=", ">", ">="} {
		for _, a := range arithSamples() {
			for _, b := range arithSamples() {
				_, ok := compare(op, a, b)
				want := cmpType(a.K, b.K) || a.K == stdlib.Null || b.K == stdlib.Null
				if ok != want {
					t.Errorf("%s %s %s: ok %v, want %v", a.K, op, b.K, ok, want)
				}
			}
		}
	}
	for _, tc := range []struct {
		op   string
		a, b Value
		want bool
	}{
		{"<", stdlib.IntV(1), stdlib.FloatV(1.5), true},
		{">=", stdlib.StrV("b"), stdlib.StrV("a"), true},
		{"<", stdlib.DurV(5), stdlib.DurV(4), false},
		{"<=", stdlib.TimeV(5), stdlib.TimeV(5), true},
		{">", stdlib.NullV(), stdlib.IntV(1), false},
	} {
		if got, ok := compare(tc.op, tc.a, tc.b); got != tc.want || !ok {
			t.Errorf("%v %s %v: %v %v", tc.a, tc.op, tc.b, got, ok)
		}
	}
}
