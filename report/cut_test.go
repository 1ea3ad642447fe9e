package report

import (
	"path/filepath"
	"testing"
)

// cutScenario: sessions of up to 6 events a few minutes apart, under a
// constraint (its body).
func cutScenario(constraint string) string {
	return `
scenario "c" {
  seed     = 8
  timezone = "America/Chicago"
  start    = "2025-02-03"
  end      = "2025-02-17"
}
entity "user" {
  count = 300
  attributes { user_id = "u${index}" }
}
flow "visit" {
  actor = entity.user
  session {
    arrivals   = arrivals(10)
    max_events = 6
  }
  gap     = uniform("1m", "40m")
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      session = session.id
      ts      = event.time
    }
    next = { view = 0.8, end = 0.2 }
  }
}
constraint "c" {
  flows = [flow.visit]
  ` + constraint + `
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportTransitionsCutByConstraints: an event dropped by quiet hours
// or max_per_day ends its session, which is no transition to end: the
// records such a cut may follow do not count, and a correct run passes
// (it failed: "values never declared" or a skewed share of end).
func TestReportTransitionsCutByConstraints(t *testing.T) {
	for _, tc := range []struct{ name, constraint string }{
		{"quiet hours", `quiet_hours = ["22:00", "06:00"]`},
		{"quiet hours inside an hour", `quiet_hours = ["12:15", "12:45"]`},
		{"max per day", `max_per_day = 8`},
		{"both", "quiet_hours = [\"23:00\", \"05:00\"]\n  max_per_day = 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, cutScenario(tc.constraint), 2)
			path := filepath.Join(dir, "events.jsonl")
			c := findCheck(t, buildReport(t, plan, plan.Introspect(), path), Transitions, "visit: view → next")
			if !c.Pass || c.N < 10000 {
				t.Errorf("transitions: pass %v, n %d: %s", c.Pass, c.N, c.Detail)
			}
			for _, ch := range buildReport(t, plan, plan.Introspect(), path).Checks {
				if ch.Kind == Constraint && !ch.Pass {
					t.Errorf("%s %s fails: %s", ch.Kind, ch.Name, ch.Detail)
				}
			}
			// Read as if there were no constraint, the cuts are ends.
			bare := plan.Introspect()
			bare.Constraints = nil
			if c := findCheck(t, buildReport(t, plan, bare, path), Transitions, "visit: view → next"); c.Pass {
				t.Errorf("without the constraint the cuts count as ends, yet the check passes: %s", c.Detail)
			}
		})
	}
}
