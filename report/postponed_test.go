package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// longSessions: office-hours arrivals, sessions of events gap apart,
// stay the chance of another.
func longSessions(stay, gap string) string {
	return `
scenario "l" {
  seed  = 4
  start = "2025-05-05"
  end   = "2025-05-19"
}
distribution "office" {
  hourly = [0, 0, 0, 0, 0, 0, 0.1, 0.5, 1, 1, 1, 0.8, 0.6, 1, 1, 1, 0.9, 0.7, 0.4, 0.2, 0.1, 0.05, 0, 0]
}
entity "user" {
  count = 200
  attributes { user_id = "u${index}" }
}
flow "work" {
  actor = entity.user
  session { arrivals = arrivals(8, [distribution.office]) }
  gap     = ` + gap + `
  initial = "login"
  state "login" {
    emit "events" {
      event   = state.name
      user_id = user.user_id
      session = session.id
      ts      = event.time
    }
    next = { act = 1 }
  }
  state "act" {
    emit "events" {
      event   = state.name
      user_id = user.user_id
      session = session.id
      ts      = event.time
    }
    next = { act = ` + stay + `, end = 1 - ` + stay + ` }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportPostponedSessions: when many sessions start the moment the
// previous one ended (arrivals waited for a running session), session
// starts do not follow the arrival profile (hours the profile excludes
// get some): a correct run failed the hour of day check. It is now not
// checked, with a note; runs with short sessions are still checked.
func TestReportPostponedSessions(t *testing.T) {
	for _, tc := range []struct {
		stay, gap string
		checked   bool
		noSession bool // records without session.id: starts are the initial state's
	}{
		{"0.9", `uniform("5m", "20m")`, false, false}, // ~11 events, ~2 hours: most arrivals meet a session
		{"0.1", `uniform("10s", "60s")`, true, false}, // ~2 events, a minute
		{"0.9", `uniform("5m", "20m")`, false, true},
		{"0.1", `uniform("10s", "60s")`, true, true},
	} {
		t.Run(fmt.Sprintf("%s no session %v", tc.stay, tc.noSession), func(t *testing.T) {
			src := longSessions(tc.stay, tc.gap)
			if tc.noSession {
				src = strings.ReplaceAll(src, "      session = session.id\n", "")
			}
			plan, dir := compileRun(t, src, 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
			var checks []string
			for _, c := range r.Checks {
				if c.Kind == HourOfDay || c.Kind == Weekday {
					checks = append(checks, string(c.Kind))
					if !c.Pass {
						t.Errorf("%s fails: %s", c.Kind, c.Detail)
					}
				}
			}
			noted := false
			for _, n := range r.Notes {
				noted = noted || strings.Contains(n, `flow "work": `) && strings.Contains(n, "started the moment the actor's previous one ended")
			}
			if tc.checked && (len(checks) != 2 || noted) {
				t.Errorf("short sessions: checks %v, note %v; want hour of day and weekday checked", checks, noted)
			}
			if !tc.checked && (len(checks) != 0 || !noted) {
				t.Errorf("long sessions: checks %v, note %v; want none, and the note", checks, noted)
			}
		})
	}
}
