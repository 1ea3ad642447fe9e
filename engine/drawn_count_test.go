package engine_test

import (
	"strings"
	"testing"
)

// TestDrawnCountBounds: a child count or session count drawn per actor
// whose compile-time bounds show it can be below 0 (uniform(-5, 12)) is
// an error at the expression when compiling, not a failed run; a count
// whose bounds the source does not show (normal) is left to the run, and
// one whose bounds are all 0 or more is fine.
func TestDrawnCountBounds(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
variable "lo" { default = -2 }
entity "user" {
  count = 5
  attributes {
    id = "u${index}"
    k  = uniform(-3, 4)
  }
}
entity "dev" {
  parent = entity.user
  count  = KIDS
  attributes { id = "d${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = SESS }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, kids, sess, want string }{
		{"child count uniform(-5, 12)", "uniform(-5, 12)", "1",
			"error 15:12 Invalid count: A child count is between 0 and 65535 per parent; this one can be drawn as low as -5 (its bounds: -5 to 12)."},
		{"child count from a variable bound", "uniform(var.lo, 3)", "1",
			"error 15:12 Invalid count: A child count is between 0 and 65535 per parent; this one can be drawn as low as -2 (its bounds: -2 to 3)."},
		{"child count from a parent attribute", "user.k + 1", "1",
			"error 15:12 Invalid count: A child count is between 0 and 65535 per parent; this one can be drawn as low as -2 (its bounds: -2 to 5)."},
		{"child count above the cap", "uniform(1, 70000)", "1",
			"error 15:12 Invalid count: A child count is between 0 and 65535 per parent; this one can be drawn as high as 70000 (its bounds: 1 to 70000)."},
		{"child count choice", "choice([1, -1, 3])", "1",
			"error 15:12 Invalid count: A child count is between 0 and 65535 per parent; this one can be drawn as low as -1 (its bounds: -1 to 3)."},
		{"session count uniform(-1, 3)", "1", "uniform(-1, 3)",
			"error 20:21 Invalid count: The session count is a whole number, zero or more; this one can be drawn as low as -1 (its bounds: -1 to 3)."},
		{"session count from an attribute", "1", "user.k",
			"error 20:21 Invalid count: The session count is a whole number, zero or more; this one can be drawn as low as -3 (its bounds: -3 to 4)."},
		{"bounds at 0 or more", "uniform(0, 12)", "uniform(0, 3)", ""},
		{"unknown bounds: silent", "int(normal(3, 2))", "int(normal(1, 5))", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("KIDS", tc.kids, "SESS", tc.sess).Replace(src), tc.want)
		})
	}
}
