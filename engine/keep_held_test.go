package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestSessionKeepsWhatItHolds: values a session keeps for all its events
// (per-session fields, a state's set) are kept as they are when they are
// an actor's attributes or what those hold (held, no copy), and copied out
// of the record arena when they were built in it (templates, format, a
// list). Each pair of fields below is the same value, once kept for the
// session and once evaluated at every event (event.seq makes it so);
// after hundreds of events, whose arena is reused at each, every pair
// must still agree.
func TestSessionKeepsWhatItHolds(t *testing.T) {
	for _, tc := range []struct{ name, kept, fresh string }{
		{"an attribute", `user.name`, `event.seq >= 0 ? user.name : ""`},
		{"a nested attribute", `user.home.city`, `event.seq >= 0 ? user.home.city : ""`},
		{"a list attribute's element", `user.tags[1]`, `event.seq >= 0 ? user.tags[1] : ""`},
		{"a template of attributes", `"${user.name}/${user.home.city}"`, `event.seq >= 0 ? "${user.name}/${user.home.city}" : ""`},
		{"format", `format("%s-%05d", user.name, user.n)`, `event.seq >= 0 ? format("%s-%05d", user.name, user.n) : ""`},
		{"a set from an attribute", `ctx.a`, `event.seq >= 0 ? user.name : ""`},
		{"a set built in the arena", `ctx.b`, `event.seq >= 0 ? "${hex(4)}" == "" ? "" : "${user.name}!" : ""`},
		{"a set list", `ctx.l[2]`, `event.seq >= 0 ? "x${user.n}" : ""`},
		// A list a set builds is built in the session's store (SwapLists);
		// the strings in it are still copied out of the arena.
		{"a set list of lists", `ctx.m[1][0]`, `event.seq >= 0 ? "x${user.n}" : ""`},
		{"a set list of objects", `ctx.o[1].c`, `event.seq >= 0 ? user.home.city : ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, varsHead+`entity "user" {
  count = 7
  attributes {
    n    = index
    name = "user-${hex(6)}"
    home = { city = choice(["Oslo", "Lima", "Pune"]), zip = hex(5) }
    tags = [hex(3), "tag-${index}", hex(8)]
  }
}
flow "f" {
  actor = entity.user
  session { every = "1h" }
  initial = "s"
  gap = "1m"
  # Set once, at the session's first event; read at every later one.
  state "s" {
    set = {
      a = user.name
      b = "${user.name}!"
      l = ["a", "b", "x${user.n}", hex(16)]
      m = [[hex(2)], ["x${user.n}", hex(9)]]
      o = [{ c = "${hex(3)}" }, { c = user.home.city, d = "${user.name}" }]
    }
    next = { e = 1 }
  }
  state "e" {
    emit "events" {
      kept  = `+tc.kept+`
      fresh = `+tc.fresh+`
      noise = "${hex(32)}-${uuid()}"
    }
    next = { e = 0.9, end = 0.1 }
  }
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`)
			plan := compileFile(t, path, nil, nil)
			out := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			rows := jsonLines(t, filepath.Join(out, "e.jsonl"))
			if len(rows) < 500 {
				t.Fatalf("%d records, want hundreds", len(rows))
			}
			for i, r := range rows {
				if fmt.Sprint(r["kept"]) != fmt.Sprint(r["fresh"]) || r["kept"] == "" {
					t.Fatalf("record %d: kept %q, fresh %q", i, r["kept"], r["fresh"])
				}
			}
		})
	}
}

// TestSessionKeepsSampledRows: a list of dataset rows a state's set draws
// (built in the session's store, kept without a copy) reads the same at
// every later event of the session, while other lists and strings are
// built in the record arena at every event.
func TestSessionKeepsSampledRows(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,kind\n")
	for i := range 40 {
		fmt.Fprintf(&csv, "R%03d,%s\n", i, []string{"a", "b"}[i%2])
	}
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.hcl")
	src := varsHead + `dataset "d" {
  path = "d.csv"
}
entity "user" {
  count = 5
}
flow "f" {
  actor = entity.user
  session { every = "1h" }
  initial = "s"
  gap = "1m"
  state "s" {
    set = {
      listed = sample_rows(dataset.d, 4, "kind", "a")
      other  = sample_rows(dataset.d, 3)
    }
    emit "events" {
      sid = session.id
      ids = json(pluck(ctx.listed, "id"))
    }
    next = { e = 1 }
  }
  state "e" {
    emit "events" {
      sid   = session.id
      ids   = json(pluck(ctx.listed, "id"))
      noise = json([hex(8), pluck(sample_rows(dataset.d, 5), "id"), ctx.other[0].id])
    }
    next = { e = 0.9, end = 0.1 }
  }
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := compileFile(t, path, nil, nil)
	out := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	first := map[string]string{}
	rows := jsonLines(t, filepath.Join(out, "e.jsonl"))
	if len(rows) < 300 {
		t.Fatalf("%d records, want hundreds", len(rows))
	}
	for i, r := range rows {
		sid, ids := r["sid"].(string), r["ids"].(string)
		if f, ok := first[sid]; !ok {
			first[sid] = ids
		} else if ids != f {
			t.Fatalf("record %d, session %s: ids %s, at its first event %s", i, sid, ids, f)
		}
		if strings.Count(ids, `"R0`) != 4 {
			t.Fatalf("record %d: %s, want four ids", i, ids)
		}
	}
}
