package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// dropScenario: state cb writes a unique constant (entry = "chargeback")
// and a weighted reason; states a.buy and b.burst write the same
// constants (entry = burstEntry). cbEntry is cb's entry.
func dropScenario(cbEntry, burstEntry string) string {
	return `
scenario "drop" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-15"
}
entity "u" {
  count = 300
  attributes { id = "u${index}" }
}
flow "a" {
  actor = entity.u
  session {
    arrivals   = arrivals(2)
    max_events = 2
  }
  initial = "buy"
  state "buy" {
    emit "ev" {
      id    = u.id
      ts    = event.time
      entry = "auth"
    }
    next = { cb = 0.3, end = 0.7 }
  }
  state "cb" {
    emit "ev" {
      id     = u.id
      ts     = event.time
      entry  = "` + cbEntry + `"
      reason = weighted({ x = 5, y = 3, z = 2 })
    }
    next = { end = 1 }
  }
}
flow "b" {
  actor = entity.u
  session {
    arrivals   = arrivals(0.1)
    max_events = 1
  }
  initial = "burst"
  state "burst" {
    emit "ev" {
      id       = u.id
      ts       = event.time
      entry    = "` + burstEntry + `"
      is_fraud = true
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

// TestReportCategoricalOfSingledOutEmit: the categorical check of an emit
// that its constant fields single out is made when two other emits write
// the same constants (it used to disappear, though the note said the
// checks use the records whose constants single out one emit), and fails
// on a tampered file. When the emit's own records cannot be told apart,
// the check says why instead of "too few observations (0)".
func TestReportCategoricalOfSingledOutEmit(t *testing.T) {
	cases := []struct {
		name           string
		cbEntry, burst string
		tamper         bool
		pass           bool
		detail         string // prefix of the check's detail
	}{
		{"two other emits alike", "chargeback", "auth", false, true, "n="},
		{"two other emits alike, tampered", "chargeback", "auth", true, false, "n="},
		{"all emits tell apart", "chargeback", "fraud", false, true, "n="},
		{"the emit is alike another", "auth", "auth", false, true,
			`not tested: no record can be told apart from those of state "burst" of flow "b", state "buy" of flow "a" (same constant fields): add a field such as event = state.name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, dropScenario(tc.cbEntry, tc.burst), 2)
			path := filepath.Join(dir, "ev.jsonl")
			if tc.tamper {
				rewriteJSONL(t, path, func(m map[string]any) {
					if _, ok := m["reason"]; ok {
						m["reason"] = "x"
					}
				})
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			c := findCheck(t, r, Categorical, "cb: reason")
			if c.Pass != tc.pass || !strings.HasPrefix(c.Detail, tc.detail) {
				t.Errorf("cb: reason pass=%v %q, want pass=%v %q", c.Pass, c.Detail, tc.pass, tc.detail)
			}
		})
	}
}
