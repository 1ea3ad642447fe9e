package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// drawsScenario has an entity a whose attributes are ATTRS, a child entity,
// two flows of a (f with fields FIELDS) and sinks for each stream.
const drawsScenario = `scenario "d" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "a" {
  count = 5
  attributes {
ATTRS  }
}
entity "c" {
  parent = entity.a
  count  = 2
  attributes { cx = uniform(1, 1000) + a.x }
}
flow "f" {
  actor = entity.a
  session {
    count      = 2
    max_events = 3
  }
  initial = "s"
  state "s" {
    emit "ev" {
      x = a.x
      z = a.z
FIELDS    }
    next = { s = 0.6, end = 0.4 }
  }
}
flow "h" {
  actor = entity.a
  session {
    count      = 1
    max_events = 2
  }
  initial = "s"
  state "s" {
    emit "ev2" { r = uniform(1, 1000) }
    next = { s = 0.5, end = 0.5 }
  }
}
flow "fc" {
  actor = entity.c
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev3" { cx = c.cx }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
sink "ev2" {
  type   = "jsonl"
  stream = "ev2"
  path   = "ev2.jsonl"
}
sink "ev3" {
  type   = "jsonl"
  stream = "ev3"
  path   = "ev3.jsonl"
}
`

// TestAddedDraws pins what determinism.md says about adding draws to a
// scenario: attributes draw from the actor's attribute stream in
// evaluation order (declaration order, dependencies pulled ahead), so an
// added attribute changes the attributes evaluated after it, and only
// those; a random emit field shifts the later draws of its flow, and only
// of that flow. Other flows and child entities have streams of their own.
func TestAddedDraws(t *testing.T) {
	const attrs = "    x = uniform(1, 1000)\n    z = uniform(1, 1000)\n"
	const fields = "      p = uniform(1, 1000)\n"
	type result struct {
		x, z            map[any]bool // the values of a's attributes
		p               map[any]any  // by actor (its x): p of its first event
		flowF           string       // the records of flow f
		flowH, children string
	}
	runWith := func(t *testing.T, attrs, fields string) result {
		dir := t.TempDir()
		path := filepath.Join(dir, "d.hcl")
		src := strings.Replace(strings.Replace(drawsScenario, "ATTRS", attrs, 1), "FIELDS", fields, 1)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out := runTo(t, path, 5, nil, engine.RunOptions{})
		r := result{x: map[any]bool{}, z: map[any]bool{}, p: map[any]any{}}
		for _, rec := range jsonLines(t, filepath.Join(out, "ev.jsonl")) {
			r.x[rec["x"]], r.z[rec["z"]] = true, true
			if _, ok := r.p[rec["x"]]; !ok {
				r.p[rec["x"]] = rec["p"]
			}
		}
		r.flowF = string(readFile(t, filepath.Join(out, "ev.jsonl")))
		r.flowH = string(readFile(t, filepath.Join(out, "ev2.jsonl")))
		r.children = fmt.Sprint(jsonLines(t, filepath.Join(out, "ev3.jsonl")))
		return r
	}
	base := runWith(t, attrs, fields)
	for _, tc := range []struct {
		name          string
		attrs, fields string
		// which values change: a's attributes x and z, the first p of
		// each actor's flow f, f's records, the child entity's attributes
		x, z, p, flowF, children bool
	}{
		{"a random attribute after all others", attrs + "    w = uniform(1, 1000)\n", fields, false, false, false, false, false},
		{"a random attribute between x and z", "    x = uniform(1, 1000)\n    w = uniform(1, 1000)\n    z = uniform(1, 1000)\n", fields, false, true, false, true, false},
		{"a random attribute before x", "    w = uniform(1, 1000)\n" + attrs, fields, true, true, true, true, true},
		{"a constant attribute before x", "    w = 7\n" + attrs, fields, false, false, false, false, false},
		{"an attribute without draws before x that uses z", "    w = a.z * 2\n" + attrs, fields, true, true, true, true, true},
		{"x and z swapped", "    z = uniform(1, 1000)\n    x = uniform(1, 1000)\n", fields, true, true, true, true, true},
		{"a random emit field after p", attrs, fields + "      q = uniform(1, 1000)\n", false, false, false, true, false},
		{"a random emit field before p", attrs, "      q = uniform(1, 1000)\n" + fields, false, false, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runWith(t, tc.attrs, tc.fields)
			for _, c := range []struct {
				what         string
				changed      bool
				wantsChanged bool
			}{
				{"x", !reflect.DeepEqual(got.x, base.x), tc.x},
				{"z", !reflect.DeepEqual(got.z, base.z), tc.z},
				{"first p", !reflect.DeepEqual(got.p, base.p), tc.p},
				{"flow f", got.flowF != base.flowF, tc.flowF},
				{"child entity c", got.children != base.children, tc.children},
				{"flow h", got.flowH != base.flowH, false},
			} {
				if c.changed != c.wantsChanged {
					t.Errorf("%s changed: %v, want %v", c.what, c.changed, c.wantsChanged)
				}
			}
		})
	}
}
