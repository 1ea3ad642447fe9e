package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// windowScenario: customers in two zones browse on their own clock, with
// hour-of-day and weekday profiles; browse leads back to browse, so a
// session running at --from may show browse first.
const windowScenario = `
scenario "w" {
  seed     = 5
  timezone = "UTC"
  start    = "2025-03-01"
  end      = "2025-03-15"
}
distribution "hod" {
  hourly = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.4, 1.6, 1.4, 1.3, 1.3, 1.4, 1.6, 1.9, 2.2, 2.4, 2.0, 1.2, 0.5]
}
distribution "dow" {
  weekly = { mon = 0.8, tue = 0.8, wed = 0.9, thu = 1.0, fri = 1.1, sat = 1.4, sun = 1.3 }
}
entity "customer" {
  count = 400
  attributes {
    customer_id = "C${index}"
    tz          = weighted({ "UTC" = 1, "Asia/Tokyo" = 1 })
  }
}
flow "shopping" {
  actor = entity.customer
  session {
    arrivals   = arrivals(2, [distribution.hod, distribution.dow])
    zone       = customer.tz
    max_events = 30
  }
  gap     = uniform("30s", "8m")
  initial = "browse"
  state "browse" {
    emit "events" {
      kind        = state.name
      customer_id = customer.customer_id
      tz          = customer.tz
      session_id  = session.id
      timestamp   = event.time
    }
    next = { browse = 0.6, cart = 0.2, end = 0.2 }
  }
  state "cart" {
    emit "events" {
      kind        = state.name
      customer_id = customer.customer_id
      tz          = customer.tz
      session_id  = session.id
      timestamp   = event.time
    }
    next = { browse = 0.5, end = 0.5 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportWindow: a run with --from and --to (a Saturday and a Sunday)
// is checked over the written window: the arrival profiles integrated
// over those two days on each actor's clock (in Tokyo they run from
// Saturday 09:00 to Monday 09:00), sessions already running at --from
// not taken for sessions that start elsewhere, and transitions censored
// at --to. Checked against the whole scenario's window, the weekday
// fails (two days against a week), as it did.
func TestReportWindow(t *testing.T) {
	plan, diags := engine.Compile(mustParse(t, windowScenario), engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	from := time.Date(2025, 3, 8, 0, 0, 0, 0, time.UTC).UnixMilli()
	to := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC).UnixMilli()
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, From: from, To: to}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "events.jsonl")
	spec, err := plan.IntrospectWindow(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if spec.From != from || spec.To != to || spec.Start == from {
		t.Fatalf("window %d..%d, scenario %d..%d", spec.From, spec.To, spec.Start, spec.End)
	}
	r := buildReport(t, plan, spec, path)
	if r.Failed() > 0 {
		var b strings.Builder
		r.WriteText(&b)
		t.Fatalf("a correct windowed run fails:\n%s", b.String())
	}
	for _, kind := range []Kind{HourOfDay, Weekday} {
		if c := findCheck(t, r, kind, "session starts of flow shopping"); c.Untested() || c.N < 1000 {
			t.Errorf("%s: %s", kind, c.Detail)
		}
	}
	// Mon (Tokyo's morning), Sat and Sun: three weekdays can occur.
	if c := findCheck(t, r, Weekday, "session starts"); c.DF != 2 {
		t.Errorf("weekday df %d, want 2 (Sat, Sun, and Monday morning in Tokyo): %s", c.DF, c.Detail)
	}
	if c := findCheck(t, r, Initial, "starts in browse"); !strings.Contains(c.Detail, "began before the window's start") {
		t.Errorf("no session running at --from left out: %s", c.Detail)
	}
	// What follows a record close to --to (a day, or the flow's
	// greatest gap: 8 minutes) may have been cut by it: such records
	// count in no transition.
	recs := readRecords(t, path)
	var early int64
	for _, rc := range recs {
		if rc.ms < to-endMargin(t, spec, "shopping") {
			early++
		}
	}
	n := findCheck(t, r, Transitions, "browse → next").N + findCheck(t, r, Transitions, "cart → next").N
	if n == 0 || n > early {
		t.Errorf("%d transitions counted, %d records before the censoring margin of the window's end", n, early)
	}

	// The whole scenario's window: the weekday fails (the old report).
	whole := buildReport(t, plan, plan.Introspect(), path)
	if c := findCheck(t, whole, Weekday, "session starts"); c.Pass {
		t.Errorf("two days against the whole fortnight pass: %s", c.Detail)
	}
	// Shifted by six hours, the windowed hour of day fails.
	for _, rc := range recs {
		ts, _ := time.Parse(time.RFC3339Nano, str(rc.m, "timestamp"))
		rc.m["timestamp"] = ts.Add(6 * time.Hour).Format("2006-01-02T15:04:05.000Z07:00")
	}
	shifted := filepath.Join(dir, "shifted.jsonl")
	writeRecords(t, shifted, recs)
	if c := findCheck(t, buildReport(t, plan, spec, shifted), HourOfDay, "session starts"); c.Pass {
		t.Errorf("starts six hours late pass: %s", c.Detail)
	}
}
