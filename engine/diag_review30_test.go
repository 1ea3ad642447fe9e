package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// diagsOf parses and compiles src and renders its diagnostics as
// "severity line:column summary: detail", one a line.
func diagsOf(t *testing.T, src string) string {
	t.Helper()
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if !diags.HasErrors() {
		_, d := engine.Compile(sc, engine.Options{})
		diags = append(diags, d...)
	}
	var got []string
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		at := "?"
		if d.Subject != nil {
			at = fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column)
		}
		got = append(got, fmt.Sprintf("%s %s %s: %s", sev, at, d.Summary, d.Detail))
	}
	return strings.Join(got, "\n")
}

// TestImpossibleConstraintStates: the compile-time check that a flow asks
// for more events than min_gap admits counts, with states = [...], only
// the events of those states a session is sure to have: a state a session
// may never reach counts for nothing, and a state it must go on to counts
// too, with or without states (review 30 #1).
func TestImpossibleConstraintStates(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "rider" {
  count = 5
  attributes { id = "r${index}" }
}
flow "trip" {
  actor = entity.rider
  session { SESSION }
  gap     = "10s"
  initial = "request"
  state "request" {
    emit "e" { id = rider.id }
    next = NEXT
  }
  state "dropoff" {
    emit "e" { id = rider.id }
  }
}
constraint "cooldown" {
  flows   = [flow.trip]
  min_gap = "2m"
  STATES
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name, session, next, states string
		want                        string // "" for no diagnostic
	}{
		{"a rare state under a high rate", "arrivals = arrivals(1000)", "{ dropoff = 0.01, end = 0.99 }", `states = ["dropoff"]`, ""},
		{"the first state under a high rate", "arrivals = arrivals(1000)", "{ dropoff = 0.01, end = 0.99 }", `states = ["request"]`,
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events in states request a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"both states of a sure second event", "arrivals = arrivals(500)", "{ dropoff = 1 }", `states = ["request", "dropoff"]`,
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events in states request, dropoff a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"every event of a sure second event", "arrivals = arrivals(500)", "{ dropoff = 1 }", "",
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"a second event that may not come", "arrivals = arrivals(500)", "{ dropoff = 0.5, end = 0.5 }", `states = ["request", "dropoff"]`, ""},
		{"a second event max_events cuts", "\n    arrivals   = arrivals(500)\n    max_events = 1\n  ", "{ dropoff = 1 }", `states = ["request", "dropoff"]`, ""},
		{"a fixed count of sessions", "count = 2000", "{ dropoff = 0.01, end = 0.99 }", `states = ["request"]`,
			"error 25:13 Impossible constraint: flow.trip asks for 2000 sessions per actor, each with an event in states request, but with min_gap 2m0s they need 66h38m0s and the scenario window is 48h0m0s."},
		{"a fixed count of sessions, a rare state", "count = 2000", "{ dropoff = 0.01, end = 0.99 }", `states = ["dropoff"]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.NewReplacer("SESSION", tc.session, "NEXT", tc.next, "STATES", tc.states).Replace(src)
			got := diagsOf(t, s)
			if tc.want == "" && got != "" || tc.want != "" && (!strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n")) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestSwitchUnknownBranch: a switch branch key that the switched-on
// value can never equal, when its values are known at compile time (a
// weighted or choice over literals, state.name, an attribute that is
// one, a conditional between such), is an error at the key with the
// closest value; where the values are not known, any key is accepted
// (review 30 #2).
func TestSwitchUnknownBranch(t *testing.T) {
	const src = `
variable "tier" { default = "gold" }
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3
  attributes {
    id     = "u${index}"
    device = weighted({ mobile = 0.6, desktop = 0.4 })
    color  = choice(["red", "green"])
    tier   = var.tier
    score  = uniform(0, 10)
    FIELD
  }
}
flow "f" {
  actor = entity.user
  session { count = 1 }
  initial = "browse"
  state "browse" {
    emit "e" {
      id = user.id
      EMIT
    }
    next = { checkout = 1 }
  }
  state "checkout" {
    emit "e" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name, field, emit string
		want              string // "" for no diagnostic
	}{
		{"a weighted attribute", "", `x = switch(user.device, { mobile = 1, desktp = 2 })`,
			`error 25:45 Unknown branch: switch branch "desktp" matches no value of user.device, which is one of "mobile", "desktop": the branch would never be taken. Did you mean "desktop"?`},
		{"a weighted attribute, every key right", "", `x = switch(user.device, { mobile = 1, desktop = 2, default = 0 })`, ""},
		{"a choice attribute", "", `x = switch(user.color, { red = 1, gren = 2 })`,
			`error 25:41 Unknown branch: switch branch "gren" matches no value of user.color, which is one of "red", "green": the branch would never be taken. Did you mean "green"?`},
		{"state.name", "", `x = switch(state.name, { browse = 1, chekout = 2 })`,
			`error 25:44 Unknown branch: switch branch "chekout" matches no value of state.name, which is one of "browse", "checkout": the branch would never be taken. Did you mean "checkout"?`},
		{"a weighted draw in place", "", `x = switch(weighted({ a = 1, b = 1 }), { a = 1, c = 2 })`,
			`error 25:55 Unknown branch: switch branch "c" matches no value of weighted({ a = 1, b = 1 }), which is one of "a", "b": the branch would never be taken. Did you mean "a"?`},
		{"an attribute that is a conditional of literals", `plan = bernoulli(0.5) ? "pro" : "free"`, `x = switch(user.plan, { pro = 1, fre = 2 })`,
			`error 25:40 Unknown branch: switch branch "fre" matches no value of user.plan, which is one of "pro", "free": the branch would never be taken. Did you mean "free"?`},
		{"an attribute from a variable", "", `x = switch(user.tier, { gold = 1, silver = 2 })`, ""},
		{"a drawn number", "", `x = switch(user.score, { low = 1 })`, ""},
		{"a branch map from a variable", "", `x = switch(user.device, { for k in ["mobile", "tablet"] : k => 1 })`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.NewReplacer("FIELD", tc.field, "EMIT", tc.emit).Replace(src)
			got := diagsOf(t, s)
			if got != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestEmitToMisspeltStream: an emit to a stream no sink writes whose name
// is close to one a sink writes is an error with the name; a stream far
// from every sink's (or a short one) stays a warning, since a stream
// without a sink can be intended (review 30 #3).
func TestEmitToMisspeltStream(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
    next = { b = 1 }
  }
  state "b" {
    emit "STREAM" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ stream, want string }{
		{"evnts", `error 19:10 Stream has no sink: No sink writes stream "evnts", so its records would be generated and thrown away. Did you mean "events"? ` +
			`(A stream without a sink, emitted on purpose, needs a name not this close to one a sink writes; or add a sink with stream = "evnts".)`},
		{"Events", `error 19:10 Stream has no sink: No sink writes stream "Events"`},
		{"audit", `warning 19:10 Stream has no sink: Records emitted to "audit" are generated but not written; add a sink with stream = "audit".`},
		{"ev", `warning 19:10 Stream has no sink: Records emitted to "ev" are generated but not written; add a sink with stream = "ev".`},
		{"events", ""},
	} {
		t.Run(tc.stream, func(t *testing.T) {
			got := diagsOf(t, strings.Replace(src, "STREAM", tc.stream, 1))
			if tc.want == "" && got != "" || tc.want != "" && (!strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n")) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
