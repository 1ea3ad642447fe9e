package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestDurSum: the sum of two durations written out (durSum) gives what
// the general path gives (arith, and its fault): sums in range, at and
// beyond ±MaxDurationMs, negative durations, nulls, and operands that
// wrap int64 when added.
func TestDurSum(t *testing.T) {
	const max = stdlib.MaxDurationMs
	durs := []int64{0, 1, -1, 999, 86_400_000, -86_400_000, max, -max, max - 1, max / 2, max/2 + 1, 1 << 62, -(1 << 62), 9_000_000_000_000_000}
	var vals []Value
	for _, d := range durs {
		vals = append(vals, stdlib.DurV(d))
	}
	vals = append(vals, stdlib.NullV())
	of := func(v Value) *cexpr {
		return &cexpr{typ: stdlib.Duration, fn: func(*Env) Value { return v }}
	}
	for _, a := range vals {
		for _, b := range vals {
			l, r := of(a), of(b)
			general := &cexpr{typ: stdlib.Duration, fn: func(e *Env) Value {
				v, f := arith('+', l.eval(e), r.eval(e))
				if f != arithOK {
					e.arithFault(f, "+", l.rng, a, b, "a", "b", "a + b")
				}
				return v
			}}
			fast := durSum(general, l, r, "a", "b", "a + b")
			var ge, fe Env
			want, got := general.fn(&ge), fast.fn(&fe)
			if got != want || (ge.fault == nil) != (fe.fault == nil) || ge.fault != nil && ge.fault.Summary != fe.fault.Summary {
				t.Fatalf("%v + %v: durSum gave %v (fault %v), arith %v (fault %v)", a, b, got, fe.fault, want, ge.fault)
			}
		}
	}
}
