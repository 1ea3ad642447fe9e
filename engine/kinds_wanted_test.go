package engine_test

import (
	"strings"
	"testing"
)

// TestWrongTypeWording: "must be …" messages name kinds one way, with
// their article, and an int or a float as "a number" (as stdlib's
// argument errors do): "seed must be an int", not "seed must be int",
// "an entity's count must be a number", not "int or float" or "a float
// or an int".
func TestWrongTypeWording(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
  SCEN
}
entity "user" {
  count = COUNT
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session {
    count    = 1
    SESSION
  }
  initial = INITIAL
  state "a" {
    emit "e" { id = user.id }
    next = NEXT
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, scen, count, session, initial, next, want string }{
		{"seed, an int", `seed = "x"`, "3", "", `"a"`, "{ end = 1 }",
			"error 4:10 Wrong type: seed must be an int, got string."},
		{"timezone, a string", "timezone = 3", "3", "", `"a"`, "{ end = 1 }",
			"error 4:14 Wrong type: timezone must be a string, got int."},
		{"an entity's count, a number", "", `"x"`, "", `"a"`, "{ end = 1 }",
			"error 7:11 Wrong type: an entity's count must be a number, got string."},
		{"initial, a string", "", "3", "", "1", "{ end = 1 }",
			"error 16:13 Wrong type: initial must be a string, got int."},
		{"a transition weight, a number", "", "3", "", `"a"`, `{ end = "x" }`,
			"error 19:20 Wrong type: a transition weight must be a number, got string."},
		{"an arrival rate, a number", "", "3", "arrivals = arrivals(true)", `"a"`, "{ end = 1 }",
			"error 14:25 Wrong type: the arrival rate (sessions per day) must be a number, got bool."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("SCEN", tc.scen, "COUNT", tc.count, "SESSION", tc.session, "INITIAL", tc.initial, "NEXT", tc.next).Replace(src), tc.want)
		})
	}
}
