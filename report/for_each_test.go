package report

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// forEachScenario: shoppers browse and order; an order writes one record
// per line (for_each), none for an empty order. A constraint over the flow
// keeps its events 5 s apart and at most 8 a day: the lines of one order
// are one event, at one time.
const forEachScenario = `
scenario "fe" {
  seed     = 9
  timezone = "UTC"
  start    = "2025-03-03"
  end      = "2025-03-10"
}
entity "shopper" {
  count = 100
  attributes { shopper_id = "S${index}" }
}
flow "shop" {
  actor = entity.shopper
  session {
    count = 40
    every = "4h"
    start = uniform("0s", "4h")
  }
  gap     = uniform("10s", "2m")
  initial = "browse"
  state "browse" {
    emit "events" {
      kind       = "browse"
      line       = null
      shopper_id = shopper.shopper_id
      session_id = session.id
      timestamp  = event.time
    }
    next = { browse = 0.3, order = 0.4, end = 0.3 }
  }
  state "order" {
    set = { lines = uniform(0, 1) < 0.3 ? [] : ["a", "b", "c"] }
    emit "events" {
      for_each   = ctx.lines
      kind       = "line"
      line       = each.value
      shopper_id = shopper.shopper_id
      session_id = session.id
      timestamp  = event.time
    }
    next = { browse = 0.5, end = 0.5 }
  }
}
constraint "spacing" {
  flows       = [flow.shop]
  min_gap     = "5s"
  max_per_day = 8
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportForEach: a state whose emit has for_each writes one record
// per element of a list (several at one time, or none), not one per run:
// the transitions of its flow are not checked, with a note that says so
// (read as one record per run, the record after a line is mostly the
// next line, declared nowhere), the session checks read the session as
// before, and the constraint counts the records of one event once (its
// lines are 0 ms apart, and an order of three lines is one event of the
// day's eight).
func TestReportForEach(t *testing.T) {
	plan, dir := compileRun(t, forEachScenario, 2)
	path := filepath.Join(dir, "events.jsonl")
	r := buildReport(t, plan, plan.Introspect(), path)
	var text strings.Builder
	r.WriteText(&text)
	if r.Failed() > 0 {
		t.Fatalf("a correct run fails:\n%s", text.String())
	}
	for _, c := range r.Checks {
		if c.Kind == Transitions || c.Kind == Initial {
			t.Errorf("%s checked: %s %s", c.Kind, c.Name, c.Detail)
		}
	}
	if !strings.Contains(text.String(), `state "order" writes one record to "events" per element of a for_each list (several at one time, or none)`) {
		t.Errorf("no note on for_each:\n%s", text.String())
	}
	gap := findCheck(t, r, Constraint, "spacing: min gap 5s")
	day := findCheck(t, r, Constraint, "spacing: at most 8")
	if gap.N < 1000 || day.N < 100 {
		t.Errorf("constraint checks on too few: %s; %s", gap.Detail, day.Detail)
	}
	// A line 1 s after the one before it (another event): the gap check
	// fails.
	recs := readRecords(t, path)
	moved := false
	for j := 1; j < len(recs) && !moved; j++ {
		if str(recs[j].m, "kind") == "line" && str(recs[j-1].m, "kind") == "line" && recs[j].ms == recs[j-1].ms {
			ts, _ := time.Parse(time.RFC3339Nano, str(recs[j].m, "timestamp"))
			recs[j].m["timestamp"] = ts.Add(time.Second).Format("2006-01-02T15:04:05.000Z07:00")
			moved = true
		}
	}
	bad := filepath.Join(dir, "moved.jsonl")
	writeRecords(t, bad, recs)
	if c := findCheck(t, buildReport(t, plan, plan.Introspect(), bad), Constraint, "spacing: min gap 5s"); !moved || c.Pass {
		t.Errorf("a line 1 s after another passes (moved %v): %s", moved, c.Detail)
	}
}

// TestReportForEachSessionByActor: a flow of one session per actor (no
// session field: the actor's tells the session) whose initial state
// writes one record per element of a list: the initial state's runs are
// its distinct times, so three lines of the first event are one run, not
// three actors.
func TestReportForEachSessionByActor(t *testing.T) {
	src := `
scenario "fa" {
  seed  = 2
  start = "2025-03-03"
  end   = "2025-03-05"
}
entity "device" {
  count = 200
  attributes { device_id = "D${index}" }
}
flow "life" {
  actor = entity.device
  session { count = 1 }
  gap     = "1h"
  initial = "boot"
  state "boot" {
    emit "events" {
      for_each  = ["cpu", "disk", "net"]
      kind      = "boot"
      part      = each.value
      device_id = device.device_id
      ts        = event.time
    }
    next = { ping = 1 }
  }
  state "ping" {
    emit "events" {
      kind      = "ping"
      part      = null
      device_id = device.device_id
      ts        = event.time
    }
    next = { ping = 0.8, end = 0.2 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
	plan, dir := compileRun(t, src, 2)
	r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
	var text strings.Builder
	r.WriteText(&text)
	if r.Sessions != 200 || !strings.Contains(text.String(), `sessions told apart by device_id`) {
		t.Errorf("%d sessions, want 200 told apart by device_id:\n%s", r.Sessions, text.String())
	}
	if r.Failed() > 0 {
		t.Errorf("a correct run fails:\n%s", text.String())
	}
}
