package engine

import (
	"math"
	"testing"
	"time"

	"github.com/scenhq/scen/stdlib"
)

// TestConstBranchesMatchGeneral checks a conditional whose branches are
// both constants (constBranches) against the same conditional with each
// branch made non-constant ([A, ctx.lines][0]: the general closure), for
// conditions of every kind (only a true bool takes the first branch) and
// constant branches of several kinds, null among them.
func TestConstBranchesMatchGeneral(t *testing.T) {
	conds := []Value{stdlib.BoolV(true), stdlib.BoolV(false), stdlib.NullV(), stdlib.IntV(1), stdlib.IntV(0),
		stdlib.FloatV(1), stdlib.FloatV(math.NaN()), stdlib.StrV("true"), stdlib.StrV(""), stdlib.TimeV(1),
		stdlib.ListV([]Value{stdlib.BoolV(true)}), {K: stdlib.Bool, I: 2}}
	branches := [][2]string{{`"X"`, `null`}, {`null`, `"Y"`}, {`"a"`, `"b"`}, {`1`, `2.5`}, {`true`, `false`},
		{`[1, "x"]`, `{ k = "v" }`}, {`"same"`, `"same"`}, {`"a \"quoted\" text"`, `""`}}
	for _, br := range branches {
		fast := compileWithCtx(t, "ctx.lines ? "+br[0]+" : "+br[1])
		general := compileWithCtx(t, "ctx.lines ? ["+br[0]+", ctx.lines][0] : ["+br[1]+", ctx.lines][0]")
		if fast.isC || general.isC {
			t.Fatalf("%v: folded to a constant", br)
		}
		for _, v := range conds {
			ef := &Env{tf: stdlib.NewTimeFormatter(time.UTC), CtxVals: []Value{v}}
			eg := &Env{tf: stdlib.NewTimeFormatter(time.UTC), CtxVals: []Value{v}}
			got, want := fast.eval(ef), general.eval(eg)
			if fast.typ == stdlib.Float && want.K == stdlib.Int {
				// The general form's branches have no kind ([1,
				// ctx.lines][0] is any): its int is the fast form's
				// float, of the branches' common kind.
				want = stdlib.FloatV(float64(want.I))
			}
			if !stdlib.Equal(got, want) || got.K != want.K || got.I != want.I || got.S != want.S || got.String() != want.String() {
				t.Errorf("ctx.lines = %v ? %s : %s: %v, want %v", v, br[0], br[1], got, want)
			}
			if (ef.fault == nil) != (eg.fault == nil) {
				t.Errorf("ctx.lines = %v ? %s : %s: fault %v, want %v", v, br[0], br[1], ef.fault, eg.fault)
			}
		}
	}
}
