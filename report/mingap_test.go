package report

import (
	"path/filepath"
	"testing"
)

// shiftScenario: drivers go online at office-like hours and offline after
// delay; constraint is a constraint block over the flow ("" for none).
func shiftScenario(delay, constraint string) string {
	return `
scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-15"
}
distribution "h" {
  hourly = [0.2, 0.1, 0.05, 0.05, 0.2, 0.6, 1.5, 2.0, 1.5, 1.0, 0.8, 0.8,
  0.9, 0.9, 1.0, 1.3, 1.6, 1.6, 1.2, 0.9, 0.7, 0.6, 0.5, 0.3]
}
entity "driver" {
  count = 300
  attributes { driver_id = "D${index}" }
}
flow "shift" {
  actor = entity.driver
  session { arrivals = arrivals(1, [distribution.h]) }
  initial = "online"
  common "events" {
    timestamp = event.time
    kind      = state.name
    shift_id  = session.id
    driver_id = driver.driver_id
  }
  state "online" {
    emit "events" {}
    delay = "` + delay + `"
    next  = { offline = 1 }
  }
  state "offline" {
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

// TestReportArrivalsUnderMinGap: a min_gap constraint moves (rebuild) or
// drops the session starts that come too close to the actor's previous
// event, so the starts of a constrained flow are not the arrival
// profile's: 8-hour shifts kept 30 minutes apart failed the hour of day
// check on a correct run (chi2 in the thousands). Such flows are not
// checked, with a note; the same flow without the constraint still is.
func TestReportArrivalsUnderMinGap(t *testing.T) {
	const rebuild = `
constraint "cooldown" {
  flows   = [flow.shift]
  min_gap = "30m"
  rebuild = uniform("30m", "3h")
}`
	const drop = `
constraint "cooldown" {
  flows   = [flow.shift]
  min_gap = "30m"
}`
	for _, tc := range []struct {
		name, delay, constraint string
		checked                 bool
	}{
		{"short shifts, no constraint", "10m", "", true},
		{"long shifts, min_gap with rebuild", "8h", rebuild, false},
		{"long shifts, min_gap", "8h", drop, false},
		{"short shifts, min_gap", "10m", drop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, shiftScenario(tc.delay, tc.constraint), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
			var kinds []Kind
			for _, c := range r.Checks {
				if c.Kind == HourOfDay || c.Kind == Weekday {
					kinds = append(kinds, c.Kind)
					if !c.Pass {
						t.Errorf("%s fails on a correct run: %s", c.Kind, c.Detail)
					}
				}
				if c.Kind == Constraint && !c.Pass {
					t.Errorf("%s fails: %s", c.Name, c.Detail)
				}
			}
			noted := hasNote(r, `flow "shift": constraint "cooldown" keeps its events 30m apart`)
			if tc.checked && (len(kinds) != 2 || noted) {
				t.Errorf("checks %v, note %v; want hour of day and weekday, no note", kinds, noted)
			}
			if !tc.checked && (len(kinds) != 0 || !noted) {
				t.Errorf("checks %v, note %v; want none, and the note", kinds, noted)
			}
		})
	}
}
