package engine_test

import (
	"strings"
	"testing"
)

// review32Src is a small scenario whose parts the review-32 tests replace.
const review32Src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
VARS
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = NEXT
  }
  state "b" {
    emit "e" { x = 2 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestInvalidWeightNoSumWarning: a transition weight that is an error
// (negative, a string) is not followed by the "Weights do not sum to 1"
// warning, whose sum and shares left it out ("sum to 0.005 … add end =
// 0.995"), nor by "the weights sum to zero".
func TestInvalidWeightNoSumWarning(t *testing.T) {
	for _, tc := range []struct{ name, vars, next, want string }{
		{"a negative weight", "", "{ a = -0.5, b = 0.003, end = 0.002 }",
			"error 16:18 Invalid weight: Transition weights must be zero or positive, got -0.5."},
		{"a string weight", "", `{ a = "x", b = 0.003, end = 0.002 }`,
			"error 16:18 Wrong type: a transition weight must be int or float, got string."},
		{"a string weight, the others zero", "", `{ a = "x", b = 0 }`,
			"error 16:18 Wrong type: a transition weight must be int or float, got string."},
		{"a string in a variable's object", `variable "nx" { default = { a = "x", b = 0.3 } }`, "var.nx",
			`error 16:12 Wrong type: a transition weight must be int or float, got string (next's "a").`},
		{"probabilities that do not sum to 1 still warn", "", "{ b = 0.3, end = 0.3 }",
			"warning 16:12 Weights do not sum to 1: The weights are all below 1, like probabilities, but sum to 0.6. They are weights, normalised: b 50.0%, end 50.0%. If they are probabilities, make them sum to 1."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diagsOf(t, strings.NewReplacer("VARS", tc.vars, "NEXT", tc.next).Replace(review32Src))
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
