package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// sharedStateScenario: two payment flows whose states share names
// (checkout, paid) write one stream; event = state.name repeats across
// them, and the channel field (card's and wire's, given) tells the flows
// apart.
func sharedStateScenario(card, wire string) string {
	emit := func(channel string) string {
		return `
    emit "payments" {
      event      = state.name
      channel    = "` + channel + `"
      user_id    = user.user_id
      session_id = session.id
      time       = event.time
    }`
	}
	return `
scenario "pay" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "user" {
  count = 100
  attributes { user_id = "u${index}" }
}
flow "card" {
  actor   = entity.user
  session { arrivals = arrivals(3) }
  gap     = uniform("10s", "1m")
  initial = "checkout"
  state "checkout" {` + emit(card) + `
    next = { paid = 0.7, end = 0.3 }
  }
  state "paid" {` + emit(card) + `
    next = { refund = 0.1, end = 0.9 }
  }
  state "refund" {` + emit(card) + `
    next = { end = 1 }
  }
}
flow "wire" {
  actor   = entity.user
  session { arrivals = arrivals(2) }
  gap     = uniform("10s", "1m")
  initial = "checkout"
  state "checkout" {` + emit(wire) + `
    next = { paid = 0.5, end = 0.5 }
  }
  state "paid" {` + emit(wire) + `
    next = { end = 1 }
  }
}
sink "p" {
  type   = "jsonl"
  stream = "payments"
  path   = "payments.jsonl"
}
`
}

// TestReportSharedStateNames: when no one field tells the emits apart
// (event = state.name repeats across flows, channel across states) but
// two do together, the records are attributed to their states and the
// initial state and transition checks run; they used to be dropped, with
// a note that no field held state.name. When nothing tells two emits
// apart, the note names them and the constants they share.
func TestReportSharedStateNames(t *testing.T) {
	cases := []struct {
		name       string
		card, wire string
		checks     []string // transition and initial-state checks made
		note       string   // the note on telling the states apart ("": none)
	}{
		{"channel tells the flows apart", "card", "wire",
			[]string{"card: checkout → next", "card: paid → next", "wire: checkout → next", "flow card starts in checkout", "flow wire starts in checkout"}, ""},
		{"nothing tells the flows apart", "web", "web", nil,
			`records of stream "payments" cannot all be told apart by state: state "checkout" of flow "card" and state "checkout" of flow "wire" write the same constants (channel = "web", event = "checkout") and no other constant field in common: the per-state checks (initial state, transitions, constraints over states) are not made, and the others use the records whose constant fields single out one emit`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, sharedStateScenario(tc.card, tc.wire), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "payments.jsonl"))
			var text strings.Builder
			r.WriteText(&text)
			if r.Failed() > 0 {
				t.Fatalf("a correct run fails:\n%s", text.String())
			}
			var made []string
			for _, c := range r.Checks {
				if c.Kind == Transitions || c.Kind == Initial {
					made = append(made, c.Name)
					if c.Untested() && c.Kind == Transitions && !strings.HasSuffix(c.Name, "refund → next") && !strings.HasPrefix(c.Name, "wire: paid") {
						t.Errorf("%s not tested: %s", c.Name, c.Detail)
					}
				}
			}
			for _, want := range tc.checks {
				found := false
				for _, m := range made {
					found = found || strings.Contains(m, want)
				}
				if !found {
					t.Errorf("no check %q in\n%s", want, text.String())
				}
			}
			if tc.checks == nil && len(made) > 0 {
				t.Errorf("per-state checks made on records that do not tell their state: %q", made)
			}
			var notes []string
			for _, n := range r.Notes {
				if strings.Contains(n, "told apart by state") {
					notes = append(notes, n)
				}
			}
			switch {
			case tc.note == "" && len(notes) > 0:
				t.Errorf("unexpected note %q", notes)
			case tc.note != "" && (len(notes) != 1 || notes[0] != tc.note):
				t.Errorf("notes %q\nwant %q", notes, tc.note)
			}
		})
	}
}
