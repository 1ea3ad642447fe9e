package engine_test

import (
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestWholeFloatArgs: substr's start and length and add_months's n take a
// float holding a whole number (what round gives), as sample_rows's n
// does and as their run-time check says ("a whole number"); a float with
// a fraction is an error at the argument, and a string still one of kind.
func TestWholeFloatArgs(t *testing.T) {
	for _, tc := range []struct{ name, field, want, at string }{
		{"substr start from round", `substr(user.id, round(len(user.id) / 2))`, "", ""},
		{"substr length from round", `substr(user.id, 0, round(1.6))`, "", ""},
		{"add_months n from round", `add_months(event.time, round(event.seq / 2))`, "", ""},
		{"a constant float with a fraction", `substr("abc", 1.5)`,
			`Invalid argument: substr: start must be a whole number, got 1.5.`, "30:25"},
		{"a constant length with a fraction", `substr("abc", 0, 0.5)`,
			`Invalid argument: substr: length must be a whole number, got 0.5.`, "30:28"},
		{"add_months of a fraction", `add_months(scenario.start, 0.5)`,
			`Invalid argument: add_months: n must be a whole number, got 0.5.`, "30:38"},
		{"a string is still no number", `substr("abc", "1")`,
			`Invalid argument: substr: start must be an int, got string.`, "30:25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := compileDiags(t, forScenario(t, "", "", tc.field), engine.Options{})
			errs := errorsIn(diags)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("errors: %v", errs)
				}
				return
			}
			wantOneError(t, errs, tc.want, tc.at)
		})
	}
}
