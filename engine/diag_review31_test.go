package engine_test

import (
	"strings"
	"testing"
)

// TestUnitKindMessage: a unit of a kind that is not hashed names both
// kinds it may be ("a string or an int"), not only the first; so do the
// other places that take two kinds.
func TestUnitKindMessage(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes {
    id    = "u${index}"
    n     = index
    score = uniform(0.0, 1.0)
    when  = scenario.start
  }
}
experiment "ab" {
  unit   = UNIT
  groups = { a = 1, b = 1 }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "e" { x = 1 }
    transition "end" { probability = PROB }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, unit, prob, want string }{
		{"a float unit", "user.score", "0.5", "error 15:12 Wrong type: unit must be a string or an int, got float."},
		{"a time unit", "user.when", "0.5", "error 15:12 Wrong type: unit must be a string or an int, got time."},
		{"a string unit", "user.id", "0.5", ""},
		{"an int unit", "user.n", "0.5", ""},
		{"a bool probability", "user.id", "user.n > 2", "error 24:38 Wrong type: probability must be a float or an int, got bool."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diagsOf(t, strings.NewReplacer("UNIT", tc.unit, "PROB", tc.prob).Replace(src))
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
