package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// stateConstraintScenario: shoppers browse, check out and pay; a
// constraint allows one payment per shopper and day (states = ["pay"]),
// so a checkout whose payment it dropped ends its session. kindField
// names the field that tells the states apart.
func stateConstraintScenario(kindField string) string {
	return `
scenario "sc" {
  seed     = 3
  timezone = "UTC"
  start    = "2025-03-03"
  end      = "2025-03-10"
}
entity "shopper" {
  count = 150
  attributes { shopper_id = "S${index}" }
}
flow "shop" {
  actor = entity.shopper
  # Sessions on a fixed cadence: a payment the constraint drops
  # suspends an arrival process until midnight (engine), not these.
  session {
    count = 80
    every = "2h"
    start = uniform("0s", "2h")
  }
  gap     = uniform("10s", "2m")
  initial = "browse"
  state "browse" {
    emit "events" {
      ` + kindField + ` = "browse"
      shopper_id = shopper.shopper_id
      session_id = session.id
      timestamp  = event.time
    }
    next = { checkout = 0.7, end = 0.3 }
  }
  state "checkout" {
    emit "events" {
      ` + kindField + ` = "checkout"
      shopper_id = shopper.shopper_id
      session_id = session.id
      timestamp  = event.time
    }
    next = { pay = 0.6, end = 0.4 }
  }
  state "pay" {
    emit "events" {
      ` + kindField + ` = "pay"
      shopper_id = shopper.shopper_id
      session_id = session.id
      timestamp  = event.time
    }
    next = { end = 1 }
  }
}
constraint "one_payment" {
  flows       = [flow.shop]
  max_per_day = 1
  states      = ["pay"]
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportStateConstraint: a constraint over some states (states =
// ["pay"]) is checked on their records, its note (when it cannot be) is
// said once, and the sessions it cut (a checkout whose payment it dropped
// reads as a checkout that ended) count in no transition: the checkout's
// transitions pass, where without that they failed (most payments past
// the first of a day are dropped).
func TestReportStateConstraint(t *testing.T) {
	plan, dir := compileRun(t, stateConstraintScenario("kind"), 2)
	path := filepath.Join(dir, "events.jsonl")
	r := buildReport(t, plan, plan.Introspect(), path)
	var text strings.Builder
	r.WriteText(&text)
	if r.Failed() > 0 {
		t.Fatalf("a correct run fails:\n%s", text.String())
	}
	c := findCheck(t, r, Constraint, "one_payment: at most 1 per shopper_id and local day (events of pay)")
	if c.Untested() || c.N < 100 {
		t.Errorf("the per-day cap of payments: %s", c.Detail)
	}
	if c := findCheck(t, r, Transitions, "checkout → next"); c.Untested() || c.N < 500 {
		t.Errorf("checkout's transitions: %s", c.Detail)
	}
	if strings.Contains(text.String(), "not checked: it applies") {
		t.Errorf("a note says the constraint is not checked:\n%s", text.String())
	}

	// Two payments on one shopper's day: the cap's check fails.
	recs := readRecords(t, path)
	var pays []record
	for _, rc := range recs {
		if str(rc.m, "kind") == "pay" {
			pays = append(pays, rc)
		}
	}
	twice := append(append([]record{}, recs...), pays[0])
	bad := filepath.Join(dir, "twice.jsonl")
	writeRecords(t, bad, twice)
	if c := findCheck(t, buildReport(t, plan, plan.Introspect(), bad), Constraint, "one_payment: at most 1"); c.Pass {
		t.Errorf("a day with two payments passes: %s", c.Detail)
	}

	// Records that do not tell their state (no constant differs between
	// the emits): one note says why the constraint is not checked.
	same := strings.NewReplacer(`kind = "browse"`, `kind = "x"`, `kind = "checkout"`, `kind = "x"`, `kind = "pay"`, `kind = "x"`)
	plan, dir = compileRun(t, same.Replace(stateConstraintScenario("kind")), 2)
	r = buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
	n := 0
	for _, note := range r.Notes {
		if strings.Contains(note, `constraint "one_payment" not checked`) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d notes that the constraint is not checked, want 1: %q", n, r.Notes)
	}
}
