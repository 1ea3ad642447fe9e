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
		{"a bool probability", "user.id", "user.n > 2", "error 24:38 Wrong type: probability must be a number, got bool."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("UNIT", tc.unit, "PROB", tc.prob).Replace(src), tc.want)
		})
	}
}

// TestParamProbabilityKind: an experiment param used as a transition's
// probability whose values are not all numbers (a string "0.5", a bool)
// is an error at each such value while compiling, like a number outside
// [0, 1]; the run met it only when an actor of that group took the
// transition. A param of strings only is said at its values too, not as
// "probability must be a number" at the use.
func TestParamProbabilityKind(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
experiment "ab" {
  unit   = user.id
  groups = { a = 1, b = 1 }
  DURING
  param "p" {
    a = GA
    b = GB
    DEFAULT
    override {
      when = user.id == "u1"
      b    = OVER
    }
  }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "e" { x = 1 }
    transition "end" { probability = experiment.ab.p }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	const tail = `, and is the probability of the transition at s.hcl:29:38: a probability is a number between 0 and 1.`
	for _, tc := range []struct {
		name, a, b, over, def, during string
		want                          string
	}{
		{name: "numbers", a: "0.5", b: "1", over: "0", want: ""},
		{name: "a string among numbers", a: "0.5", b: `"x"`, over: "0.2",
			want: `error 15:9 Invalid probability: experiment.ab.p is "x" in group "b", a string` + tail},
		{name: "strings only", a: `"0.5"`, b: `"0.2"`, over: `"0.1"`,
			want: `error 14:9 Invalid probability: experiment.ab.p is "0.5" in group "a", a string` + tail + "\n" +
				`error 15:9 Invalid probability: experiment.ab.p is "0.2" in group "b", a string` + tail + "\n" +
				`error 19:14 Invalid probability: experiment.ab.p is "0.1" in an override's group "b", a string` + tail},
		{name: "a bool", a: "true", b: "0.5", over: "0.2",
			want: `error 14:9 Invalid probability: experiment.ab.p is true in group "a", a bool` + tail},
		{name: "a string in an override", a: "0.5", b: "0.5", over: `"high"`,
			want: `error 19:14 Invalid probability: experiment.ab.p is "high" in an override's group "b", a string` + tail},
		{name: "a string default read outside during", a: "0.5", b: "0.5", over: "0.2", def: `default = "none"`, during: `during = ["2025-01-01T06:00", "2025-01-01T12:00"]`,
			want: `error 16:15 Invalid probability: experiment.ab.p is "none" in default, a string` + tail},
		{name: "a string default never read", a: "0.5", b: "0.5", over: "0.2", def: `default = "none"`, want: ""},
		{name: "a string and a number out of range", a: "2", b: `"x"`, over: "0.2",
			want: `error 14:9 Invalid probability: experiment.ab.p is 2 in group "a", and is the probability of the transition at s.hcl:29:38: a probability is between 0 and 1.` + "\n" +
				`error 15:9 Invalid probability: experiment.ab.p is "x" in group "b", a string` + tail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.NewReplacer("GA", tc.a, "GB", tc.b, "OVER", tc.over, "DEFAULT", tc.def, "DURING", tc.during).Replace(src)
			if got := diagsOf(t, s); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
