package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rideScenario: a rider's payment is written at dropoff only, a state
// reached from request by transitions, after request's delay.
func rideScenario(transitions, delay string) string {
	return `
scenario "a" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "rider" {
  count = 3000
  attributes {
    rid     = "R${index}"
    payment = weighted({ card = 6, wallet = 3, cash = 1 })
  }
}
flow "trip" {
  actor = entity.rider
  session {
    arrivals   = arrivals(1)
    max_events = 3
  }
  gap     = "2m"
  initial = "request"
  state "request" {
    emit "t" {
      rid = rider.rid
      sid = session.id
      ev  = state.name
      ts  = event.time
    }
    ` + transitions + `
    ` + delay + `
  }
  state "dropoff" {
    emit "t" {
      rid     = rider.rid
      sid     = session.id
      ev      = state.name
      ts      = event.time
      payment = rider.payment
    }
    next = { end = 1 }
  }
}
sink "t" {
  type   = "jsonl"
  stream = "t"
  path   = "t.jsonl"
}
`
}

// TestReportActorShareOfLaterState: an attribute written only in a later
// state is checked when nothing on the way to it reads the actor
// (constant transitions, delays and gap): its riders are a random sample
// of the entity. It used to be skipped with a reason claiming that
// probabilities read the attribute. When one does, the reason names it.
func TestReportActorShareOfLaterState(t *testing.T) {
	const fixed = `next = { dropoff = 0.9, end = 0.1 }`
	cases := []struct {
		name, transitions, delay string
		tamper                   bool
		pass                     bool
		skip                     string // the SKIP reason; "": tested
	}{
		{"constant transitions", fixed, "", false, true, ""},
		{"constant transitions, tampered", fixed, "", true, false, ""},
		{"probability reads the actor", `transition "dropoff" { probability = rider.payment == "cash" ? 0.2 : 0.9 }
    transition "end" { otherwise = true }`, "", false, true,
			`not tested: it is written only after the initial state (flow "trip": dropoff), in states reached in a way that may read the attribute: the transitions of state "request" depend on the record (the probability of transition "dropoff" is rider.payment == "cash" ? 0.2 : 0.9, not a constant): the actors seen here may be selected by it`},
		{"delay reads the actor", fixed, `delay = hours(rider.payment == "cash" ? 500 : 0.1)`, false, true,
			`not tested: it is written only after the initial state (flow "trip": dropoff), in states reached in a way that may read the attribute: the delay of state "request" depends on the record (hours(rider.payment == "cash" ? 500 : 0.1)): the actors seen here may be selected by it`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, rideScenario(tc.transitions, tc.delay), 2)
			path := filepath.Join(dir, "t.jsonl")
			if tc.tamper {
				rewriteJSONL(t, path, func(m map[string]any) {
					if m["payment"] == "cash" {
						m["payment"] = "card"
					}
				})
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			c := findCheck(t, r, ActorShare, "payment per rid")
			switch {
			case tc.skip != "":
				if !c.Untested() || c.Detail != tc.skip {
					t.Errorf("%s: %q\nwant SKIP %q", c.Name, c.Detail, tc.skip)
				}
			case c.Untested() || c.Pass != tc.pass || c.N < 2500:
				t.Errorf("%s: pass=%v n=%d %q, want pass=%v over most of the 3000 riders", c.Name, c.Pass, c.N, c.Detail, tc.pass)
			}
		})
	}
}

// rewriteJSONL rewrites each record of the JSON lines file at path with
// edit (a tampered output that a check must fail).
func rewriteJSONL(t *testing.T, path string, edit func(m map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
