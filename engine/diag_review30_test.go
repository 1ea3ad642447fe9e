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
