package report

import (
	"path/filepath"
	"testing"
)

// capScenario: viewers see ads at evening-heavy hours, about six
// sessions a day, some clicked; constraint is a constraint block over the
// flow ("" for none).
func capScenario(constraint string) string {
	return `
scenario "c" {
  seed     = 11
  timezone = "America/New_York"
  start    = "2026-02-02"
  end      = "2026-02-16"
}
distribution "h" {
  hourly = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 1.2, 1.1, 1.0, 1.1, 1.3, 1.2, 1.0, 1.0, 1.1, 1.3, 1.6, 1.9, 2.0, 1.7, 1.0, 0.5]
}
entity "viewer" {
  count = 400
  attributes { viewer_id = "V${index}" }
}
flow "ad" {
  actor = entity.viewer
  session {
    arrivals   = arrivals(6, [distribution.h])
    max_events = 2
  }
  gap     = uniform("2s", "30s")
  initial = "impression"
  common "events" {
    viewer_id = viewer.viewer_id
    ts        = event.time
    event     = state.name
    sid       = session.id
  }
  state "impression" {
    emit "events" {}
    next = { click = 0.1, end = 0.9 }
  }
  state "click" {
    emit "events" {}
  }
}
` + constraint + `
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportArrivalsUnderMaxPerDay: a max_per_day constraint drops an
// actor's events past the cap, the late ones of a busy day, so the
// session starts kept lean towards the early hours: a correct run failed
// the hour of day check (chi2 in the thousands). A flow whose starts the
// cap counts (every event of it, or its initial state among the listed
// states) is not checked for hour of day and weekday, with a note; a cap
// over a later state only ends sessions, keeps every start, and the flow
// is checked.
func TestReportArrivalsUnderMaxPerDay(t *testing.T) {
	capped := func(states string) string {
		return "constraint \"freq\" {\n  flows       = [flow.ad]\n" + states + "  max_per_day = 3\n}"
	}
	for _, tc := range []struct {
		name, constraint string
		checked          bool
	}{
		{"no constraint", "", true},
		{"every event", capped(""), false},
		{"the initial state", capped("  states      = [\"impression\"]\n"), false},
		{"a later state only", capped("  states      = [\"click\"]\n"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, capScenario(tc.constraint), 2)
			path := filepath.Join(dir, "events.jsonl")
			spec := plan.Introspect()
			r := buildReport(t, plan, spec, path)
			var kinds []Kind
			for _, c := range r.Checks {
				if c.Kind == HourOfDay || c.Kind == Weekday {
					kinds = append(kinds, c.Kind)
				}
				if !c.Pass {
					t.Errorf("%s %s fails a correct run: %s", c.Kind, c.Name, c.Detail)
				}
			}
			noted := hasNote(r, `flow "ad": constraint "freq" drops an actor's`, "past 3 a local day", "hour of day and weekday are not checked")
			if tc.checked && (len(kinds) != 2 || noted) {
				t.Errorf("checks %v, note %v; want hour of day and weekday, no note", kinds, noted)
			}
			if tc.checked {
				return
			}
			if len(kinds) != 0 || !noted {
				t.Errorf("checks %v, note %v; want none, and the note", kinds, noted)
			}
			// The cap's starts are not the profile's: checked as if no
			// constraint applied, the same records fail.
			bare := plan.Introspect()
			bare.Constraints = nil
			if c := findCheck(t, buildReport(t, plan, bare, path), HourOfDay, "session starts of flow ad"); c.Pass {
				t.Errorf("the capped starts pass against the arrival profile (%s): the cap does not bite, and the test shows nothing", c.Detail)
			}
		})
	}
}
