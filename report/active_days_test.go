package report

import (
	"context"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// activeScenario: sessions in active days (a quarter or 80 % of days),
// under an hourly and a weekly profile.
const activeScenario = `
scenario "a" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-01-01"
  end      = "2025-04-01"
}
distribution "hourly" {
  hourly = [0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2]
}
distribution "weekly" {
  weekly = { mon = 0.8, tue = 0.9, wed = 1, thu = 1, fri = 1.2, sat = 1.4, sun = 1.3 }
}
entity "user" {
  count = 1500
  attributes {
    user_id = "u${index}"
    share   = index % 2 == 0 ? 0.25 : 0.8
  }
}
flow "visit" {
  actor = entity.user
  session {
    arrivals   = arrivals(6, [distribution.hourly, distribution.weekly], user.share)
    max_events = 1
  }
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      ts      = event.time
    }
    next = { end = 1 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportActiveDays: a user's sessions on an active day share its
// weekday, so the weekday counts vary far more than independent draws'
// (here the raw chi-square fails); divided by the design effect of those
// clusters (Rao–Scott) the check passes, as the hour of day's does
// without a correction. Without a field naming the actor the weekday is
// not checked, with a note.
func TestReportActiveDays(t *testing.T) {
	plan, diags := engine.Compile(mustParse(t, activeScenario), engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	spec := plan.Introspect()
	if !spec.Flows[0].Arrivals.ActiveDays {
		t.Fatal("the spec does not say the flow has active days")
	}
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	const what = "events of flow visit (one per session)"
	r := buildReport(t, plan, spec, dir+"/events.jsonl")
	if c := findCheck(t, r, HourOfDay, what); !c.Pass || c.Test != "chi-square GOF" {
		t.Errorf("hour of day: pass %v, %s: %s", c.Pass, c.Test, c.Detail)
	}
	c := findCheck(t, r, Weekday, what)
	if !c.Pass || c.Test != "chi-square GOF, Rao–Scott" || !strings.Contains(c.Detail, "design effect") {
		t.Errorf("weekday: pass %v, %s: %s", c.Pass, c.Test, c.Detail)
	}
	// The same records as independent draws: the raw statistic fails.
	bare := plan.Introspect()
	bare.Flows[0].Arrivals.ActiveDays = false
	if c := findCheck(t, buildReport(t, plan, bare, dir+"/events.jsonl"), Weekday, what); c.Pass {
		t.Errorf("weekday without the correction passes (%s): the test cannot tell", c.Detail)
	}
}

// TestReportActiveDaysNoActor: with no field naming the actor, the active
// days cannot be told apart: the weekday is not checked, and a note says
// why; the hour of day still is.
func TestReportActiveDaysNoActor(t *testing.T) {
	plan, dir := compileRun(t, strings.Replace(activeScenario, "user_id = user.user_id\n", "", 1), 1)
	r := buildReport(t, plan, plan.Introspect(), dir+"/events.jsonl")
	findCheck(t, r, HourOfDay, "flow visit")
	for _, c := range r.Checks {
		if c.Kind == Weekday {
			t.Errorf("a weekday check: %s", c.Detail)
		}
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "its sessions come in active days, and no field identifies the actor") {
		t.Errorf("notes %q", r.Notes)
	}
}

// twoEntityScenario: a merchant flow written first to the stream (so the
// stream's actor field is merchant_id) and a user flow with active days.
const twoEntityScenario = `scenario "t" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-01-01"
  end      = "2025-04-01"
}
distribution "weekly" {
  weekly = { mon = 0.8, tue = 0.9, wed = 1, thu = 1, fri = 1.2, sat = 1.4, sun = 1.3 }
}
entity "merchant" {
  count = 20
  attributes {
    merchant_id = "m${index}"
  }
}
entity "user" {
  count = 500
  attributes {
    user_id = "u${index}"
  }
}
flow "payout" {
  actor = entity.merchant
  session {
    arrivals   = arrivals(1)
    max_events = 1
  }
  initial = "p"
  state "p" {
    emit "events" {
      kind        = "payout"
      merchant_id = merchant.merchant_id
      ts          = event.time
    }
    next = { end = 1 }
  }
}
flow "visit" {
  actor = entity.user
  session {
    arrivals   = arrivals(6, [distribution.weekly], 0.25)
    max_events = 1
  }
  initial = "view"
  state "view" {
    emit "events" {
      kind    = "view"
      user_id = user.user_id
      ts      = event.time
    }
    next = { end = 1 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportActiveDaysOtherEntity: the weekday check of a flow with active
// days clusters its sessions by the field naming its own actor. The
// stream's actor field was used, here the merchants' merchant_id, null in
// the users' records: all of a date's sessions were one cluster, the
// design effect was thousands and the check passed whatever the weekdays.
func TestReportActiveDaysOtherEntity(t *testing.T) {
	_, dir := compileRun(t, twoEntityScenario, 2)
	for _, tc := range []struct {
		name, weekly string
		pass         bool
	}{
		{"as run", "mon = 0.8, tue = 0.9, wed = 1, thu = 1, fri = 1.2, sat = 1.4, sun = 1.3", true},
		{"other weekdays", "mon = 1.4, tue = 1.2, wed = 1, thu = 1, fri = 0.9, sat = 0.8, sun = 0.8", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(twoEntityScenario, "mon = 0.8, tue = 0.9, wed = 1, thu = 1, fri = 1.2, sat = 1.4, sun = 1.3", tc.weekly, 1)
			plan, diags := engine.Compile(mustParse(t, src), engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			spec := plan.Introspect()
			if spec.Streams[0].ActorField != "merchant_id" {
				t.Fatalf("the stream's actor field is %q, want merchant_id", spec.Streams[0].ActorField)
			}
			r := buildReport(t, plan, spec, dir+"/events.jsonl")
			c := findCheck(t, r, Weekday, "events of flow visit")
			if c.Pass != tc.pass || c.Test != "chi-square GOF, Rao–Scott" {
				t.Errorf("weekday: pass %v (want %v), %s: %s", c.Pass, tc.pass, c.Test, c.Detail)
			}
		})
	}
}
