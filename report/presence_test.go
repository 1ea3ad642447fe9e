package report

import (
	"path/filepath"
	"testing"
)

// presenceScenario: states a and b write one stream with no constant
// field to tell them apart; a writes tier = user.tier, b writes bField
// (extra fields) and goes on by bNext.
func presenceScenario(aNext, bFields string) string {
	return `
scenario "b" {
  seed     = 1
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
entity "user" {
  count = 400
  attributes {
    id   = "u${index}"
    tier = weighted({ gold = 1, silver = 3 })
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(3)
    max_events = 5
  }
  gap     = "30s"
  initial = "a"
  state "a" {
    emit "ev" {
      id   = user.id
      ts   = event.time
      tier = user.tier
    }
    ` + aNext + `
  }
  state "b" {
    delay = "1m"
    emit "ev" {
      id = user.id
      ts = event.time
      ` + bFields + `
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

// TestReportActorShareByFieldPresence: when no constant field tells two
// emits apart, a record holding the attribute comes from the emit that
// writes it, and the actor share is tested on those (it was SKIP "too few
// observations to test (0)"); when that does not tell them apart either,
// the SKIP says why. With no constant field at all, the categorical check
// of constant fields says it has nothing to compare (it printed "()").
func TestReportActorShareByFieldPresence(t *testing.T) {
	const fixed = `next = { b = 0.5, end = 0.5 }`
	const read = `transition "b" { probability = user.tier == "gold" ? 0.9 : 0.1 }
    transition "end" { otherwise = true }`
	cases := []struct {
		name, aNext, bFields string
		tamper               bool
		pass                 bool
		skip                 string // the actor share's SKIP reason; "": tested
	}{
		{"only a writes tier", fixed, "", false, true, ""},
		{"only a writes tier, tampered", fixed, "", true, false, ""},
		{"both write tier, b reached by tier", read, "tier = user.tier", false, true,
			`not tested: no record holding tier can be told to come from an emit that writes the actor's own (their constant fields match several emits of "ev"): add a field such as event = state.name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, presenceScenario(tc.aNext, tc.bFields), 2)
			path := filepath.Join(dir, "ev.jsonl")
			if tc.tamper {
				rewriteJSONL(t, path, func(m map[string]any) {
					if m["tier"] != nil {
						m["tier"] = "gold"
					}
				})
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			cat := findCheck(t, r, Categorical, "constant fields")
			if want := `not tested: no emit of "ev" writes a constant top-level field, so every record matches every emit`; !cat.Untested() || cat.Detail != want {
				t.Errorf("%s: %q\nwant SKIP %q", cat.Name, cat.Detail, want)
			}
			c := findCheck(t, r, ActorShare, "tier per id")
			switch {
			case tc.skip != "":
				if !c.Untested() || c.Detail != tc.skip {
					t.Errorf("%s: %q\nwant SKIP %q", c.Name, c.Detail, tc.skip)
				}
			case c.Untested() || c.Pass != tc.pass || c.N < 390:
				t.Errorf("%s: pass=%v n=%d %q, want pass=%v over the 400 users", c.Name, c.Pass, c.N, c.Detail, tc.pass)
			}
		})
	}
}
