package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDrawnReads: a flow whose sessions are drawn per actor says what its
// settings read of the actor, attributes closed over what they are
// computed from, and "index" (nil when they read more); an actor
// categorical says the same of its attribute. The report tests an
// attribute's shares over the actors seen when the two share nothing.
func TestDrawnReads(t *testing.T) {
	for _, tc := range []struct {
		session string
		want    string // FlowSpec.DrawnReads, or "alike"
	}{
		{"count = 1", "alike"},
		{"count = u.n", "[n tier]"},
		{"arrivals = arrivals(u.rate)", "[n rate tier]"},
		{"arrivals = arrivals(1, [], u.share)", "[share]"},
		{"count = index % 2", "[index]"},
		{"count = u.id == \"u1\" ? 1 : 2", "[id index]"},
		{"count = [for x in [1, 2] : x * u.n][0]", "[n tier]"},
		{"count = var.k * u.n", "[n tier]"},
		{"count = len(entity.u) > 1 ? 1 : 0", "alike"}, // a constant: the table is built when compiling
	} {
		t.Run(tc.session, func(t *testing.T) {
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "k" { default = 1 }
entity "u" {
  count = 4
  attributes {
    id     = "u${index}"
    tier   = weighted({ a = 1, b = 1 })
    n      = u.tier == "a" ? 1 : 2
    rate   = u.n * 0.5
    share  = uniform(0.2, 0.9)
    device = weighted({ mobile = 1, desktop = 1 })
  }
}
flow "f" {
  actor = entity.u
  session {
    ` + tc.session + `
  }
  initial = "s"
  state "s" {
    emit "ev" {
      id     = u.id
      device = u.device
      tier   = u.tier
    }
    next = { end = 1 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			path := filepath.Join(t.TempDir(), "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			spec := compileFile(t, path, nil, nil).Introspect()
			f := spec.Flows[0]
			got := fmt.Sprint(f.DrawnReads)
			if f.ReachedAlike {
				got = "alike"
			} else if f.DrawnReads == nil {
				got = "[]"
			}
			if got != tc.want {
				t.Errorf("DrawnReads %s, want %s (drawn per actor: %s)", got, tc.want, f.DrawnPerActor)
			}
			reads := map[string]string{}
			for _, c := range spec.Streams[0].ActorCategoricals {
				reads[c.Path[0]] = fmt.Sprint(c.Reads)
			}
			if reads["device"] != "[device]" || reads["tier"] != "[tier]" {
				t.Errorf("categoricals' reads %v", reads)
			}
		})
	}
}
