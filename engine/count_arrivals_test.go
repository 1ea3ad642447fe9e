package engine_test

import (
	"fmt"
	"testing"
)

// TestCountCapsArrivals: a session count with arrivals caps the Poisson
// process at each actor's first count arrivals (a burst, as bank's
// night_spending); when a constant count ends the arrivals in the first
// half of the window and no start is drawn per actor, every actor's
// sessions bunch at the window's start, and validate warns at the count.
func TestCountCapsArrivals(t *testing.T) {
	src := func(session string) string {
		return fmt.Sprintf(`scenario "s" {
  seed     = 1
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
distribution "h" { hourly = [1,1,1,1,1,1,1,1,1,1,1,1,2,2,2,2,2,2,2,2,2,2,2,2] }
entity "user" {
  count = 10
}
flow "f" {
  actor = entity.user
  session {
    %s
    max_events = 5
  }
  initial = "a"
  state "a" {
    emit "ev" { ts = event.time }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`, session)
	}
	for _, tc := range []struct {
		name, session string
		want          string // "" for no diagnostic
	}{
		{"a constant count ends the arrivals on the first day", "count = 3\n arrivals = arrivals(3, distribution.h)",
			`s.hcl:14:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first 3 arrivals: ` +
				`at 3 a day they come on average within 24h of the scenario's start, and the 6.0 days left of the window get none ` +
				`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
				`the same start. To spread them over the window, remove count (the rate sets how many); for a burst of 3 sessions ` +
				`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		{"after a constant start", "count = 2\n start = \"2d\"\n arrivals = arrivals(1)",
			`s.hcl:14:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first 2 arrivals: ` +
				`at 1 a day they come on average within 2.0 days of the session start (48h into the window), and the 3.0 days left of ` +
				`the window get none (without count, the arrivals would start about 5 sessions per actor over the window). Every ` +
				`actor's sessions bunch at the same start. To spread them over the window, remove count (the rate sets how many); ` +
				`for a burst of 2 sessions starting on a day drawn per actor, add start = uniform("0s", "3d").`},
		{"the count is reached late in the window", "count = 15\n arrivals = arrivals(3, distribution.h)", ""},
		{"a start drawn per actor (a burst)", "count = 3\n start = uniform(\"0s\", \"6d\")\n arrivals = arrivals(3)", ""},
		{"a count drawn per actor", "count = uniform(1, 3)\n arrivals = arrivals(3)", ""},
		{"a rate drawn per actor", "count = 3\n arrivals = arrivals(uniform(2, 4))", ""},
		{"no count", "arrivals = arrivals(3)", ""},
		{"count 0", "count = 0\n arrivals = arrivals(3)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileOneWarning(t, src(tc.session), tc.want != "")
			if d == nil {
				return
			}
			if got := fmt.Sprintf("%s:%d:%d: %s: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, d.Summary, d.Detail); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
