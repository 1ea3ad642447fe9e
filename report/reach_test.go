package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// reachScenario: every customer checks out once; vips order with
// probability 0.9, the others with the experiment's conversion (0.2 in
// control, 0.4 in treatment), so the customers who order are selected by
// their segment and their group. session is the flow's session block.
func reachScenario(session string) string {
	return `
scenario "srm" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "customer" {
  count = 4000
  attributes {
    customer_id = "C${index}"
    segment     = weighted({ new = 0.5, vip = 0.5 })
    device      = weighted({ mobile = 0.6, desktop = 0.4 })
  }
}
experiment "checkout" {
  unit   = customer.customer_id
  groups = { control = 0.5, treatment = 0.5 }
  param "conversion" {
    control   = 0.2
    treatment = 0.4
  }
}
flow "shop" {
  actor = entity.customer
  session {
    ` + session + `
  }
  initial = "checkout"
  state "checkout" {
    emit "events" {
      customer_id = customer.customer_id
      segment     = customer.segment
      device      = customer.device
      ab_group    = experiment.checkout.group
      ts          = event.time
    }
    transition "order" { probability = customer.segment == "vip" ? 0.9 : experiment.checkout.conversion }
    transition "end" { otherwise = true }
  }
  state "order" {
    emit "orders" {
      order_id    = uuid()
      customer_id = customer.customer_id
      segment     = customer.segment
      device      = customer.device
      ab_group    = experiment.checkout.group
      ts          = event.time
    }
  }
}
sink "orders" {
  type   = "jsonl"
  stream = "orders"
  path   = "orders.jsonl"
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportSelectedActors: the actor share and the sample ratio treat
// the actors seen in a stream as a random sample of the entity. On
// orders, reached with a probability that reads the segment and the
// group, both failed a correct run (p = 1.9e-126 and 0.00078). They are
// tested only where the actors seen are such a sample (the initial
// state's records of a flow whose sessions are drawn alike for every
// actor, or every actor seen) and otherwise not tested, with the reason.
func TestReportSelectedActors(t *testing.T) {
	// The checks: the segment's and the device's shares over the actors,
	// the sample ratio of the experiment (its unit is customer_id, made
	// from index).
	checks := []struct {
		kind Kind
		name string
	}{{ActorShare, "segment per customer_id"}, {ActorShare, "device per customer_id"}, {SampleRatio, "checkout: units per group"}}
	for _, tc := range []struct {
		name, session, file string
		tested              [3]bool // per check above
		why                 string  // in the reason of an untested check
	}{
		{"checkouts, one session each", "count = 1", "events.jsonl", [3]bool{true, true, true}, ""},
		{"checkouts, arrivals at a constant rate", "arrivals = arrivals(0.5)", "events.jsonl", [3]bool{true, true, true}, ""},
		// A draw that reads nothing of the customer selects no one.
		{"checkouts, one session at a random start", "count = 1\n    start = uniform(\"0s\", \"12h\")", "events.jsonl", [3]bool{true, true, true}, ""},
		{"orders, reached by segment and group", "count = 1", "orders.jsonl", [3]bool{false, false, false},
			`it is written only after the initial state (flow "shop": order), in states reached in a way that may read the `},
		// Sessions drawn from the segment: who has one depends on it,
		// not on the device or the id (independent draws of the
		// customer's stream), so those are tested.
		{"checkouts, a count that reads the segment", `count = customer.segment == "vip" ? 1 : 0`, "events.jsonl", [3]bool{false, true, true},
			`flow "shop" writes it in its initial state "checkout" but draws its sessions per actor (count = customer.segment == "vip" ? 1 : 0), so whether an actor has a session may depend on the `},
		// Drawn from the index, of which the unit is made.
		{"checkouts, a count that reads the index", `count = index % 3 == 0 ? 0 : 1`, "events.jsonl", [3]bool{true, true, false},
			`draws its sessions per actor (count = index % 3 == 0 ? 0 : 1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, reachScenario(tc.session), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, tc.file))
			for i, k := range checks {
				c := findCheck(t, r, k.kind, k.name)
				if c.Untested() == tc.tested[i] || !c.Pass {
					t.Errorf("%s %s: tested %v (want %v), pass %v: %s", k.kind, k.name, !c.Untested(), tc.tested[i], c.Pass, c.Detail)
				}
				if !tc.tested[i] && (!strings.Contains(c.Detail, "not tested: ") || !strings.Contains(c.Detail, tc.why)) {
					t.Errorf("%s %s: no reason given, or not %q: %s", k.kind, k.name, tc.why, c.Detail)
				}
			}
		})
	}
}
