package engine_test

import (
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestBinaryOperandErrorFollowOn: an error inside an operand is the only
// error reported; the operators above it do not add "int and null cannot
// be combined" (the failed operand's placeholder is a constant null).
func TestBinaryOperandErrorFollowOn(t *testing.T) {
	for _, tc := range []struct{ name, field, want, at string }{
		{"an operand of an operand", `1 + pi() * day(ctx.nope)`,
			`Unknown context value: No state sets ctx.nope.`, "30:29"},
		{"inside a function inside arithmetic", `3 * (1 + 0.5 * sin(2 * pi() * day(ctx.nope) / 30))`,
			`Unknown context value: No state sets ctx.nope.`, "30:48"},
		{"both sides of a comparison", `ctx.nope * 2 > 1 - len(ctx.nope)`,
			`Unknown context value: No state sets ctx.nope.`, "30:14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := compileDiags(t, forScenario(t, "", "", tc.field), engine.Options{})
			errs := errorsIn(diags)
			// The same error at two places is one message each.
			if strings.Count(tc.field, "ctx.nope") == 2 && len(errs) == 2 {
				errs = errs[:1]
			}
			wantOneError(t, errs, tc.want, tc.at)
		})
	}
}
