package engine

import (
	"math"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/scenhq/scen/stdlib"
)

// TestEqConstMatchesEqual checks == and != with a constant string or
// null on either side (eqConst) against stdlib.Equal, the general path,
// for values of every kind on the other side, and that only the other
// side is evaluated, once.
func TestEqConstMatchesEqual(t *testing.T) {
	consts := []Value{stdlib.NullV(), stdlib.StrV(""), stdlib.StrV("POWER_USER"), stdlib.StrV("POWER_USEr"), stdlib.PlainStr("POWER_USER")}
	vals := append(append([]Value{}, consts...),
		stdlib.StrV("POWER"), stdlib.StrV("POWER_USER "), stdlib.IntV(0), stdlib.IntV(1), stdlib.FloatV(0), stdlib.FloatV(math.NaN()),
		stdlib.BoolV(false), stdlib.BoolV(true), stdlib.TimeV(0), stdlib.DurV(0),
		stdlib.ListV(nil), stdlib.ListV([]Value{stdlib.StrV("POWER_USER")}), stdlib.ObjV([]string{"a"}, []Value{stdlib.NullV()}))
	for _, cv := range consts {
		for _, v := range vals {
			for _, eq := range []bool{true, false} {
				for _, constLeft := range []bool{false, true} {
					evals := 0
					o := &cexpr{typ: stdlib.Any, fn: func(e *Env) Value { evals++; return v }}
					c := konst(cv, hcl.Range{})
					l, r := o, c
					if constLeft {
						l, r = c, o
					}
					x := eqConst(l, r, eq, false, hcl.Range{})
					if x == nil {
						t.Fatalf("%v: not compiled", cv)
					}
					got := x.eval(&Env{})
					if want := stdlib.BoolV(stdlib.Equal(l.eval(&Env{}), r.eval(&Env{})) == eq); got != want || evals != 2 {
						t.Errorf("%v == %v (eq %v, constant left %v): %v, want %v (evaluated %d times, want 1 then 1)", v, cv, eq, constLeft, got, want, evals)
					}
				}
			}
		}
	}
	// Two constants, two variables, or a constant of another kind: not
	// eqConst's (mk folds or calls Equal).
	k, o := konst(stdlib.StrV("a"), hcl.Range{}), &cexpr{fn: func(e *Env) Value { return stdlib.NullV() }}
	for _, p := range [][2]*cexpr{{k, k}, {o, o}, {o, konst(stdlib.IntV(1), hcl.Range{})}, {konst(stdlib.BoolV(true), hcl.Range{}), o}} {
		if eqConst(p[0], p[1], true, false, hcl.Range{}) != nil {
			t.Errorf("%v, %v: compiled by eqConst", p[0].isC, p[1].isC)
		}
	}
}

// TestCmpConstIntMatchesCompare checks an ordering comparison against a
// constant int (ctx.lines > 0: an int on the left compared in the
// closure) against the same comparison mirrored, which takes compare's
// general path (0 < ctx.lines), for ints, floats, NaN, times, strings
// and null on the left: the same answer, and a fault where compare finds
// the operands unordered.
func TestCmpConstIntMatchesCompare(t *testing.T) {
	vals := []Value{stdlib.IntV(-1), stdlib.IntV(0), stdlib.IntV(1), stdlib.IntV(math.MaxInt64), stdlib.IntV(math.MinInt64),
		stdlib.FloatV(-0.5), stdlib.FloatV(0), stdlib.FloatV(0.5), stdlib.FloatV(math.NaN()), stdlib.FloatV(1 << 62),
		stdlib.StrV("1"), stdlib.NullV(), stdlib.TimeV(0), stdlib.BoolV(true)}
	mirror := map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}
	for _, k := range []string{"0", "1", "-1", "9223372036854775807"} {
		for op, mop := range mirror {
			fast := compileWithCtx(t, "ctx.lines "+op+" "+k)
			general := compileWithCtx(t, k+" "+mop+" ctx.lines")
			for _, v := range vals {
				ef := &Env{tf: stdlib.NewTimeFormatter(time.UTC), CtxVals: []Value{v}}
				eg := &Env{tf: stdlib.NewTimeFormatter(time.UTC), CtxVals: []Value{v}}
				got, want := fast.eval(ef), general.eval(eg)
				if got != want || (ef.fault == nil) != (eg.fault == nil) {
					t.Errorf("%v %s %s: %v (fault %v), want %v (fault %v)", v, op, k, got, ef.fault, want, eg.fault)
				}
			}
		}
	}
}
