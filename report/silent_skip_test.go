package report

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// silentSkipScenario: land's transition to buy is given by transition
// (a when guard or a probability read from the actor), and its channel
// field by field (a switch of weighted, or a constant weighted).
func silentSkipScenario(transition, field string) string {
	return `
scenario "silent" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "user" {
  count = 300
  attributes {
    uid  = "u${index}"
    tier = weighted({ gold = 1, silver = 3 })
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(2)
    max_events = 10
  }
  initial = "land"
  state "land" {
    emit "ev" {
      uid     = user.uid
      sid     = session.id
      st      = state.name
      ts      = event.time
      channel = ` + field + `
    }
    transition "buy" { ` + transition + ` }
    transition "end" { otherwise = true }
  }
  state "buy" {
    emit "ev" {
      uid = user.uid
      sid = session.id
      st  = state.name
      ts  = event.time
    }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
}

// TestReportNotesSkippedTransitionsAndFields: a state whose transitions
// depend on the record (when, or a probability read from the actor), and
// a field drawn with weighted inside a switch, are not checked, and a note
// says so for each, as docs/report.md promises (they used to be skipped
// without a word: a file with no purchase and one channel passed clean).
func TestReportNotesSkippedTransitionsAndFields(t *testing.T) {
	const sw = `switch(user.tier, { gold = weighted({ app = 8, web = 2 }), default = weighted({ app = 3, web = 7 }) })`
	cases := []struct {
		name, transition, field string
		notes                   []string
	}{
		{"probability reads the actor", `probability = user.tier == "gold" ? 0.3 : 0.1`, sw, []string{
			`flow "f", state "land": channel = switch(user.tier, { gold = weighted({ app = 8, web = 2 }), … is not checked: it calls weighted inside another expression or with weights that are not literals, so its distribution depends on the record`,
			`flow "f": the record after land is not checked: the probability of transition "buy" is user.tier == "gold" ? 0.3 : 0.1, not a constant, so the chances depend on the record`,
		}},
		{"when", `when = user.tier == "gold"`, `weighted({ app = 8, web = 2 })`, []string{
			`flow "f": the record after land is not checked: transition "buy" is taken when user.tier == "gold", so the chances depend on the record`,
		}},
		{"constant", `probability = 0.2`, `weighted({ app = 8, web = 2 })`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, silentSkipScenario(tc.transition, tc.field), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "ev.jsonl"))
			var got []string
			for _, n := range r.Notes {
				if strings.Contains(n, "not checked") {
					got = append(got, n)
				}
			}
			if !slices.Equal(got, tc.notes) {
				t.Errorf("notes\n%q\nwant\n%q", got, tc.notes)
			}
		})
	}
}
