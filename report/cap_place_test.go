package report

import (
	"path/filepath"
	"testing"
)

// readerScenario: a reader views pages, waiting between them in a state
// that writes no record (when wait is true), under max_events.
func readerScenario(wait bool, maxEvents string) string {
	next, silent := "{ view = 0.9, end = 0.1 }", ""
	if wait {
		next = "{ wait = 0.9, end = 0.1 }"
		silent = `
  state "wait" {
    delay = "1m"
    next  = { view = 1 }
  }`
	}
	return `
scenario "r" {
  seed  = 8
  start = "2025-01-06"
  end   = "2025-01-20"
}
entity "reader" {
  count = 300
  attributes { reader_id = "R${index}" }
}
flow "read" {
  actor = entity.reader
  session {
    arrivals   = arrivals(4)
    max_events = ` + maxEvents + `
  }
  gap     = "30s"
  initial = "view"
  state "view" {
    emit "events" {
      timestamp = event.time
      reader_id = reader.reader_id
      sid       = session.id
      page      = state.name
    }
    next = ` + next + `
  }` + silent + `
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportCapCensorsByPlace: the cap may have ended a session after
// its record at place p when p records and the silent runs around them
// can make max_events (p + (p+1)·L ≥ max_events, L the most silent states
// in a row). Every record from that place on counts in no transition,
// whether or not the session went on: the report used to censor only a
// session's last record, so at those places it kept the views that went
// on and dropped those that ended, and a correct run's "view → next" read
// too few ends (chi2 = 340 with max_events = 7). Without silent states the place is the
// cap itself, a session's last record, as before.
func TestReportCapCensorsByPlace(t *testing.T) {
	for _, tc := range []struct {
		name      string
		wait      bool
		maxEvents string
	}{
		{"silent wait between views", true, "7"},
		{"silent wait, a larger cap", true, "9"},
		{"no silent state", false, "4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, readerScenario(tc.wait, tc.maxEvents), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
			for _, c := range r.Checks {
				if !c.Pass {
					t.Errorf("%s %s fails a correct run: %s", c.Kind, c.Name, c.Detail)
				}
			}
			if c := findCheck(t, r, Transitions, "read: view → next"); c.Untested() || c.N < 10000 {
				t.Errorf("view → next: n=%d %s", c.N, c.Detail)
			}
		})
	}
}
