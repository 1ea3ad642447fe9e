package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoFlowsScenario: drivers' shifts and riders' trips write one stream;
// each flow names its session field differently (shift_id, trip_id), and
// a matched trip writes driver_id, the drivers' actor field, without the
// driver's vehicle.
const twoFlowsScenario = `
scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-15"
}
entity "driver" {
  count = 200
  attributes {
    driver_id = "D${index}"
    vehicle   = weighted({ economy = 0.7, xl = 0.3 })
  }
}
entity "rider" {
  count = 500
  attributes { rider_id = "R${index}" }
}
flow "shift" {
  actor = entity.driver
  session {
    arrivals   = arrivals(1)
    max_events = 1
  }
  initial = "online"
  state "online" {
    emit "events" {
      timestamp = event.time
      kind      = state.name
      shift_id  = session.id
      driver_id = driver.driver_id
      vehicle   = driver.vehicle
    }
  }
}
flow "trip" {
  actor = entity.rider
  session { arrivals = arrivals(1) }
  initial = "request"
  common "events" {
    timestamp = event.time
    kind     = state.name
    trip_id  = session.id
    rider_id = rider.rider_id
  }
  state "request" {
    emit "events" {}
    next = { matched = 0.8, no_driver = 0.2 }
  }
  state "no_driver" {
    emit "events" {}
  }
  state "matched" {
    emit "events" {
      driver_id = choice(entity.driver).driver_id
    }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportTwoFlowsOneStream: the report found only the first field
// holding session.id in a stream, so trips (trip_id) had no session: their
// transitions were not tested (SKIP with 0 observations) and their
// arrival profile not checked. And the actor share took each driver's
// first record, often a trip naming it without its vehicle: "127 of 200
// values were never declared" on a correct run. Each check now runs on
// the records it is about, n counted here from the raw lines.
func TestReportTwoFlowsOneStream(t *testing.T) {
	plan, dir := compileRun(t, twoFlowsScenario, 2)
	path := filepath.Join(dir, "events.jsonl")
	recs := readRecords(t, path)
	drivers := map[string]bool{}
	trips := map[string]bool{}
	var requests, shifts int64
	for _, rc := range recs {
		switch str(rc.m, "kind") {
		case "online":
			drivers[str(rc.m, "driver_id")] = true
			shifts++
		case "request":
			trips[str(rc.m, "trip_id")] = true
			if rc.ms < plan.Introspect().End-endMargin(t, plan.Introspect(), "trip") {
				requests++
			}
		}
	}
	r := buildReport(t, plan, plan.Introspect(), path)
	for _, tc := range []struct {
		kind Kind
		name string
		n    int64
	}{
		{ActorShare, "vehicle per driver_id", int64(len(drivers))},
		{HourOfDay, "session starts of flow shift", shifts},
		{HourOfDay, "session starts of flow trip", int64(len(trips))},
		{Weekday, "session starts of flow trip", int64(len(trips))},
		{Initial, "flow trip starts in request", int64(len(trips))},
		{Transitions, "trip: request → next", requests},
	} {
		t.Run(string(tc.kind)+" "+tc.name, func(t *testing.T) {
			c := findCheck(t, r, tc.kind, tc.name)
			if !c.Pass || c.Untested() || c.N != tc.n {
				t.Errorf("pass %v, tested %v, n %d (want %d): %s", c.Pass, !c.Untested(), c.N, tc.n, c.Detail)
			}
		})
	}
	if r.Sessions != len(trips)+int(shifts) {
		t.Errorf("%d sessions, want %d trips and %d shifts", r.Sessions, len(trips), shifts)
	}
	// Every shift's vehicle xl: the share fails.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "xl.jsonl")
	if err := os.WriteFile(bad, []byte(strings.ReplaceAll(string(data), `"vehicle":"economy"`, `"vehicle":"xl"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := findCheck(t, buildReport(t, plan, plan.Introspect(), bad), ActorShare, "vehicle"); c.Pass {
		t.Errorf("every vehicle xl passes: %s", c.Detail)
	}
}
