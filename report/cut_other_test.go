package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCapCountsUnseenEvents: max_per_day counts every event of the
// flows it lists, per actor. When the stream's records are not one per
// such event (another flow of the constraint writes to another stream, a
// state writes two records) or name no actor, the report cannot tell
// which sessions the cap cut: it must not test their transitions (a
// correct run failed with p ≈ 1e-224), and says so.
func TestReportCapCountsUnseenEvents(t *testing.T) {
	ping := `
flow "ping" {
  actor = entity.user
  session {
    arrivals   = arrivals(6)
    max_events = 1
  }
  initial = "p"
  state "p" {
    emit "pings" {
      user_id = user.user_id
      ts      = event.time
    }
  }
}
sink "pings" {
  type   = "jsonl"
  stream = "pings"
  path   = "pings.jsonl"
}
`
	for _, tc := range []struct {
		name string
		edit func(string) string
	}{
		{"another flow's events on another stream", func(s string) string {
			return strings.Replace(s, "flows = [flow.visit]", "flows = [flow.visit, flow.ping]", 1) + ping
		}},
		{"two records per event", func(s string) string {
			return strings.Replace(s, "    next = { view = 0.8, end = 0.2 }", `    emit "events" {
      user_id = user.user_id
      session = session.id
      ts      = event.time
      copy    = true
    }
    next = { view = 0.8, end = 0.2 }`, 1)
		}},
		{"no actor field", func(s string) string {
			return strings.Replace(s, "      user_id = user.user_id\n", "", 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, tc.edit(cutScenario("max_per_day = 8")), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
			for _, c := range r.Checks {
				if c.Kind == Transitions && strings.Contains(c.Name, "visit: view") && !c.Pass {
					t.Errorf("%s fails a correct run: n %d: %s", c.Name, c.N, c.Detail)
				}
			}
			noted := false
			for _, n := range r.Notes {
				noted = noted || strings.Contains(n, "max_per_day")
			}
			if !noted {
				t.Errorf("no note says why the transitions are not checked: %q", r.Notes)
			}
		})
	}
}
