package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// telemetryHCL: sensors under sites, each running one session for the
// whole window (count = 1): no field holds session.id, so the report
// groups each sensor's records by its sensor_id.
const telemetryHCL = `scenario "telemetry" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "site" {
  count = 4
  attributes { site_id = "S${index}" }
}
entity "sensor" {
  parent = entity.site
  count  = 5
  attributes { sensor_id = SENSOR_ID }
}
flow "telemetry" {
  actor = entity.sensor
  session {
    count      = 1
    max_events = 1000000
  }
  gap     = uniform("50s", "70s")
  initial = "ok"
  state "ok" {
    emit "readings" {
      sensor_id = sensor.sensor_id
      ts        = event.time
      status    = state.name
    }
    next = { ok = OK_OK, degraded = OK_DEGRADED }
  }
  state "degraded" {
    emit "readings" {
      sensor_id = sensor.sensor_id
      ts        = event.time
      status    = state.name
    }
    next = { ok = 0.3, degraded = 0.7 }
  }
}
sink "readings" {
  type   = "jsonl"
  stream = "readings"
  path   = "readings.jsonl"
}
`

// TestReportSessionsByActor: the transitions of a one-session-per-actor
// flow are tested on the records grouped by the actor's field, and fail
// when the output's probabilities are not the declared ones; a field that
// does not tell the actors apart by its declaration (a child's index
// alone) groups nothing, and the report says why.
func TestReportSessionsByActor(t *testing.T) {
	const unique = `"${site.site_id}-${index}"`
	declared := strings.NewReplacer("SENSOR_ID", unique, "OK_OK", "0.95", "OK_DEGRADED", "0.05").Replace(telemetryHCL)
	for _, tc := range []struct {
		name        string
		sensorID    string
		okOK, okDeg string // the probabilities of the run's output
		pass        bool   // ok → next passes; "" check expected absent when !grouped
		grouped     bool
		note        string
	}{
		{name: "as declared", sensorID: unique, okOK: "0.95", okDeg: "0.05", pass: true, grouped: true,
			note: `sessions told apart by sensor_id: flow "telemetry" runs one session per actor`},
		{name: "other probabilities", sensorID: unique, okOK: "0.9", okDeg: "0.1", pass: false, grouped: true},
		{name: "ids not unique", sensorID: `"X${index}"`, okOK: "0.95", okDeg: "0.05", grouped: false,
			note: "no field identifies the session (session.id): session and transition checks skipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("SENSOR_ID", tc.sensorID, "OK_OK", tc.okOK, "OK_DEGRADED", tc.okDeg).Replace(telemetryHCL)
			_, dir := compileRun(t, src, 2)
			spec := declared
			if !tc.grouped {
				spec = src
			}
			plan, _ := compileRun(t, spec, 1)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "readings.jsonl"))
			if tc.note != "" && !containsNote(r, tc.note) {
				t.Errorf("no note %q in %q", tc.note, r.Notes)
			}
			if !tc.grouped {
				for _, c := range r.Checks {
					if c.Kind == Transitions {
						t.Errorf("a transition check on ungrouped records: %+v", c)
					}
				}
				return
			}
			if r.Sessions != 20 {
				t.Errorf("%d sessions, want 20 (one per sensor)", r.Sessions)
			}
			c := findCheck(t, r, Transitions, "telemetry: ok → next")
			if c.Pass != tc.pass {
				t.Errorf("ok → next: pass %v, want %v (%s)", c.Pass, tc.pass, c.Detail)
			}
			if d := findCheck(t, r, Transitions, "telemetry: degraded → next"); !d.Pass {
				t.Errorf("degraded → next fails: %s", d.Detail)
			}
		})
	}
}

func containsNote(r *Report, s string) bool {
	for _, n := range r.Notes {
		if n == s {
			return true
		}
	}
	return false
}

// TestReportSessionsByActorGuard: an actor field that looks unique by its
// declaration (built from a root entity's index) but is not
// ("D${index % 3}") puts several actors' records in one group; each
// actor's session runs its initial state once, so a group with more of
// them is refused, with a note, instead of testing mixed sequences.
func TestReportSessionsByActorGuard(t *testing.T) {
	const src = `scenario "boot" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "device" {
  count = 9
  attributes { device_id = "D${index % 3}" }
}
flow "life" {
  actor = entity.device
  session {
    count      = 1
    max_events = 1000
  }
  gap     = "5m"
  initial = "boot"
  state "boot" {
    emit "log" {
      device_id = device.device_id
      ts        = event.time
      status    = state.name
    }
    next = { up = 1 }
  }
  state "up" {
    emit "log" {
      device_id = device.device_id
      ts        = event.time
      status    = state.name
    }
    next = { up = 0.99, end = 0.01 }
  }
}
sink "log" {
  type   = "jsonl"
  stream = "log"
  path   = "log.jsonl"
}
`
	plan, dir := compileRun(t, src, 1)
	if ss := plan.Introspect().Streams[0]; !ss.SessionByActor {
		t.Fatalf("the stream's sessions are not grouped by device_id: %+v", ss)
	}
	r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "log.jsonl"))
	found := false
	for _, n := range r.Notes {
		found = found || strings.HasPrefix(n, `device_id does not tell flow "life"'s actors apart (device_id D`) &&
			strings.HasSuffix(n, `has 3 records of the initial state "boot"): session and transition checks skipped`)
	}
	if !found {
		t.Errorf("no note on the groups in %q", r.Notes)
	}
	for _, c := range r.Checks {
		if c.Kind == Transitions {
			t.Errorf("a transition check on mixed groups: %+v", c)
		}
	}
}
