package engine_test

import (
	"github.com/hashicorp/hcl/v2"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// dstConstraint: sessions of several events across the March DST change
// in Berlin, under a min gap, a daily maximum and quiet hours.
const dstConstraint = `
scenario "c" {
  seed     = 3
  timezone = "Europe/Berlin"
  start    = "2025-03-25T00:00:00"
  end      = "2025-04-05T00:00:00"
}
entity "user" {
  count = 300
  attributes {
    id = "u${index}"
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(12)
    max_events = uniform(1, 3)
  }
  gap     = uniform("1m", "20m")
  initial = "a"
  state "a" {
    emit "events" {
      id = user.id
      t  = event.time
    }
    next = { a = 1 }
  }
}
flow "g" {
  actor = entity.user
  session {
    arrivals   = arrivals(4)
    max_events = 1
  }
  initial = "b"
  state "b" {
    emit "events" {
      id = user.id
      t  = event.time
    }
  }
}
constraint "spacing" {
  flows       = [flow.f, flow.g]
  min_gap     = "10m"
  max_per_day = 5
  quiet_hours = ["01:00", "05:00"]
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

func runConstraint(t *testing.T, workers int) []byte {
	t.Helper()
	return readFile(t, filepath.Join(runSourceDir(t, dstConstraint, workers), "events.jsonl"))
}

// TestConstraintAcrossDST: every event of the two constrained flows (one
// with multi-event sessions) respects min_gap against the actor's previous
// event, at most max_per_day fall on one local calendar day (including the
// 23-hour day of the DST change), none in the quiet hours, and the bytes do
// not depend on the number of workers.
func TestConstraintAcrossDST(t *testing.T) {
	out := runConstraint(t, 2)
	if string(out) != string(runConstraint(t, 1)) {
		t.Fatal("output differs between 1 and 2 workers")
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	last := map[string]time.Time{}
	perDay := map[string]int{}
	n, dstDay := 0, 0
	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range jsonLines(t, path) {
		id := r["id"].(string)
		ts, err := time.Parse(time.RFC3339Nano, r["t"].(string))
		if err != nil {
			t.Fatal(err)
		}
		local := ts.In(berlin)
		n++
		if p, ok := last[id]; ok && ts.Sub(p) < 10*time.Minute {
			t.Fatalf("%s: events %s apart (%s, %s)", id, ts.Sub(p), p, ts)
		}
		last[id] = ts
		day := local.Format("2006-01-02")
		if day == "2025-03-30" {
			dstDay++
		}
		if perDay[id+day]++; perDay[id+day] > 5 {
			t.Fatalf("%s: %d events on %s", id, perDay[id+day], day)
		}
		if h := local.Hour(); h >= 1 && h < 5 {
			t.Fatalf("%s: event at %s, inside quiet hours", id, local)
		}
	}
	// 300 users × 11 days × (12 + 4 arrivals a day, fewer after the rules).
	if n < 300*11*3 || dstDay == 0 {
		t.Fatalf("only %d events (%d on the DST day)", n, dstDay)
	}
	// The daily maximum binds: with 16 arrivals a day most users reach it.
	full := 0
	for _, c := range perDay {
		if c == 5 {
			full++
		}
	}
	if full < len(perDay)/2 {
		t.Errorf("only %d of %d user-days reached max_per_day", full, len(perDay))
	}
}

// runSourceDir compiles an in-memory scenario and runs it into a new
// directory, which it returns.
func runSourceDir(t *testing.T, src string, workers int) string {
	t.Helper()
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: workers}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runSource runs a scenario whose records go to e.jsonl and reads them.
func runSource(t *testing.T, src string, workers int) []map[string]any {
	t.Helper()
	return jsonLines(t, filepath.Join(runSourceDir(t, src, workers), "e.jsonl"))
}

// TestConstraintEdgeCases: a session whose first event the min gap moves
// starts when that event happens (session.start follows it); back-to-back
// sessions dropped by max_per_day or quiet hours resume when the rule
// stops applying (the run does not walk the rest of the day a millisecond
// at a time); a child entity's attribute may refer to its root's table.
func TestConstraintEdgeCases(t *testing.T) {
	const head = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-04"
}
entity "user" {
  count = 10
  attributes {
    id = "u${index}"
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	t.Run("moved first event", func(t *testing.T) {
		recs := runSource(t, head+`
flow "f" {
  actor = entity.user
  session {
    every      = "10m"
    max_events = 2
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "e" {
      id    = user.id
      seq   = event.seq
      t     = event.time
      start = session.start
    }
    next = { a = 1 }
  }
}
constraint "c" {
  flows   = [flow.f]
  min_gap = "30m"
}`, 2)
		moved := 0
		for _, r := range recs {
			if r["seq"].(float64) == 1 && r["start"] != r["t"] {
				t.Fatalf("a session's first event at %v, but session.start is %v", r["t"], r["start"])
			}
			if r["seq"].(float64) == 2 {
				moved++
			}
		}
		if moved == 0 || len(recs) < 10*3*24 {
			t.Fatalf("%d records, %d second events", len(recs), moved)
		}
	})
	t.Run("moved first event, no session values", func(t *testing.T) {
		// No set = { … } and no per-session field: the session holds
		// nothing, and moving its first event must not need it.
		recs := runSource(t, head+`
flow "f" {
  actor = entity.user
  session {
    every      = "10m"
    max_events = 2
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "e" {
      seq = event.seq
      t   = event.time
    }
    next = { a = 1 }
  }
}
constraint "c" {
  flows   = [flow.f]
  min_gap = "30m"
}`, 2)
		if len(recs) < 10*3*24 {
			t.Fatalf("%d records", len(recs))
		}
	})
	t.Run("negative session count", func(t *testing.T) {
		// Once wrapped to a huge int32, then read as zero sessions: now an
		// error, at compile time for a constant (run-time ones:
		// TestRuntimeErrors).
		sc, diags := dsl.ParseSource("s.hcl", []byte(head+`
flow "f" {
  actor = entity.user
  session {
    count      = -4294967295
    max_events = 1
  }
  initial = "a"
  state "a" {
    emit "e" {
      t = event.time
    }
  }
}`))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		_, diags = engine.Compile(sc, engine.Options{})
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "s.hcl:21,18-29: Invalid count") {
			t.Fatalf("want an Invalid count error at the count, got %v", diags)
		}
	})
	t.Run("drops resume later", func(t *testing.T) {
		recs := runSource(t, head+`
flow "f" {
  actor = entity.user
  session {
    max_events = 1
  }
  initial = "a"
  state "a" {
    emit "e" {
      id = user.id
      t  = event.time
    }
  }
}
constraint "c" {
  flows       = [flow.f]
  max_per_day = 5
  quiet_hours = ["01:00", "02:00"]
}`, 2)
		if len(recs) != 10*3*5 {
			t.Fatalf("%d records, want 10 users × 3 days × 5", len(recs))
		}
	})
	t.Run("child refers to its root", func(t *testing.T) {
		src := head + `
entity "device" {
  parent = entity.user
  count  = 2
  attributes {
    peer = choice(entity.user).id
  }
}
flow "d" {
  actor = entity.device
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "e" {
      peer  = device.peer
      owner = user.id
    }
  }
}`
		recs := runSource(t, src, 2)
		if len(recs) != 20 || recs[0]["peer"] == nil {
			t.Fatalf("%d records: %v", len(recs), recs)
		}
	})
}

// TestConstraintRateChildEntities: the compile-time check of arrival
// rates against min_gap covers child and grandchild entities, their
// actors built as the run builds them (counts per parent, attributes drawn
// from their own streams, their ancestors' attributes), and still lets a
// feasible rate through.
func TestConstraintRateChildEntities(t *testing.T) {
	const head = `
scenario "t" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "owner" {
  count = 50
  attributes {
    id   = "o${index}"
    busy = index % 10 == 7
  }
}
entity "card" {
  parent = entity.owner
  count  = uniform(0, 3)
  attributes {
    id   = "${owner.id}-c${index}"
    rate = choice([2, 4, 6, 8, 30])
  }
}
entity "use" {
  parent = entity.card
  count  = 2
  attributes {
    id = "${card.id}-u${index}"
  }
}
`
	flow := func(actor, rate string) string {
		return fmt.Sprintf(`
flow "f" {
  actor = entity.%s
  session {
    arrivals   = arrivals(%s)
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "e" { t = event.time }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
constraint "c" {
  flows   = [flow.f]
  min_gap = "1h"
}
`, actor, rate)
	}
	cases := []struct {
		name, actor, rate string
		want              string // "" when it compiles
	}{
		{"child, constant rate too high", "card", "1000", "ask for up to 1000 events a day per card, but min_gap 1h0m0s lets at most 24"},
		{"child, constant rate feasible", "card", "20", ""},
		{"child, its own attribute drawn per card", "card", "card.rate", "ask for up to 30 events a day per card"},
		{"child, its own attribute within the limit", "card", "min(card.rate, 24)", ""},
		{"child, its parent's attribute", "card", "owner.busy ? 100 : 5", "ask for up to 100 events a day per card"},
		{"grandchild, constant rate too high", "use", "48", "ask for up to 48 events a day per use"},
		{"grandchild, its grandparent's attribute", "use", "owner.busy ? 25 : 1", "ask for up to 25 events a day per use"},
		{"grandchild, feasible", "use", "24", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("s.hcl", []byte(head+flow(tc.actor, tc.rate)))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			_, diags = engine.Compile(sc, engine.Options{})
			var errs []string
			for _, d := range diags {
				errs = append(errs, d.Summary+": "+d.Detail)
			}
			got := strings.Join(errs, "\n")
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Fatalf("want no diagnostic, got %s", got)
			case tc.want != "" && (len(errs) != 1 || !strings.Contains(got, "Impossible constraint") || !strings.Contains(got, tc.want)):
				t.Fatalf("want one Impossible constraint error saying %q, got %s", tc.want, got)
			}
		})
	}
}

// TestConstraintStates: with states = [...], a constraint checks and
// counts only the events of those states: a rider's requests are at
// least min_gap apart, and each trip's dropoff still follows its request
// by the flow's gap (without states, min_gap would move the dropoffs).
// Without states, min_gap on sessions of several events closer than it
// is a warning; names that are no state of the flows are errors.
func TestConstraintStates(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "rider" {
  count = 20
  attributes { id = "r${index}" }
}
flow "trip" {
  actor = entity.rider
  session { arrivals = arrivals(300) }
  gap     = GAP
  initial = "request"
  state "request" {
    emit "e" {
      id   = rider.id
      t    = event.time
      kind = state.name
      sid  = session.id
    }
    next = { dropoff = 1 }
  }
  state "dropoff" {
    emit "e" {
      id   = rider.id
      t    = event.time
      kind = state.name
      sid  = session.id
    }
  }
}
constraint "cooldown" {
  flows   = [flow.trip]
  min_gap = "2m"
  STATES
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	scen := func(gap, states string) string {
		return strings.NewReplacer("GAP", gap, "STATES", states).Replace(src)
	}
	t.Run("requests spaced, dropoffs kept", func(t *testing.T) {
		recs := runSource(t, scen(`"10s"`, `states = ["request"]`), 2)
		last := map[string]time.Time{} // rider → last request
		req := map[string]time.Time{}  // session → its request
		closeGaps, trips := 0, 0
		for _, r := range recs {
			ts, _ := time.Parse(time.RFC3339Nano, r["t"].(string))
			id, sid := r["id"].(string), r["sid"].(string)
			switch r["kind"] {
			case "request":
				if p, ok := last[id]; ok && ts.Sub(p) < 2*time.Minute {
					t.Fatalf("%s: requests %v apart", id, ts.Sub(p))
				}
				if p, ok := last[id]; ok && ts.Sub(p) < 3*time.Minute {
					closeGaps++
				}
				last[id], req[sid] = ts, ts
			case "dropoff":
				if d := ts.Sub(req[sid]); d != 10*time.Second {
					t.Fatalf("session %s: dropoff %v after its request, want 10s", sid, d)
				}
				trips++
			}
		}
		// 300 sessions a day: a Poisson gap below 2m has probability
		// 1-exp(-300·2/1440) ≈ 34 %, so spaced requests are common.
		if trips < 20*2*150 || closeGaps == 0 {
			t.Fatalf("%d trips, %d requests within 3m of the previous", trips, closeGaps)
		}
	})
	for _, tc := range []struct {
		name, gap, states string
		want              string // a diagnostic's text; "" for none
	}{
		{"every event, gap below min_gap", `"10s"`, "", `warning: min_gap spaces the events within a session`},
		{"every event, gap above min_gap", `"5m"`, "", ""},
		{"a drawn gap", `uniform("1m", "5m")`, "", `To space only some events (a session's first, say), list their states: states = ["request"].`},
		{"states named", `"10s"`, `states = ["request"]`, ""},
		{"both states", `"10s"`, `states = ["request", "dropoff"]`, ""},
		{"a misspelt state", `"10s"`, `states = ["requst"]`, `No flow of the constraint (trip) has a state "requst". Did you mean "request"?`},
		{"no state", `"10s"`, `states = []`, `an empty list would check none`},
		{"a state twice", `"10s"`, `states = ["request", "request"]`, `State "request" is listed twice.`},
		{"a flow reference", `"10s"`, `states = [flow.trip]`, `"flow" is not defined here`},
		{"a number", `"10s"`, `states = [1]`, `states lists state names as strings`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("s.hcl", []byte(scen(tc.gap, tc.states)))
			if !diags.HasErrors() {
				_, d := engine.Compile(sc, engine.Options{})
				diags = append(diags, d...)
			}
			var got []string
			for _, d := range diags {
				sev := "error"
				if d.Severity == hcl.DiagWarning {
					sev = "warning"
				}
				got = append(got, sev+": "+d.Summary+": "+d.Detail)
			}
			all := strings.Join(got, "\n")
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("want no diagnostic, got:\n%s", all)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(all, tc.want)):
				t.Fatalf("want one diagnostic with %q, got:\n%s", tc.want, all)
			}
		})
	}
}

// TestArrivalExtremes: arrival processes that ask for absurd numbers of
// sessions end (a step of the process below the time's float resolution
// used to stop it advancing: a run that no signal could stop) or are
// errors: a date's factor above 10 000, a rate above one a millisecond.
func TestArrivalExtremes(t *testing.T) {
	const head = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-04"
}
entity "user" {
  count = 5
  attributes {
    id = "u${index}"
    r  = RATE
  }
}
DIST
flow "f" {
  actor = entity.user
  session { arrivals = ARRIVALS }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name, rate, dist, arrivals string
		want                       string // an error; "" runs
	}{
		{"a rare actor's active day", "0.5", "", "arrivals(user.r, [], 0.000000001)", ""},
		{"a busy date", "5", `distribution "d" { dates = { "2025-01-03" = 10000 } }`, "arrivals(user.r, [distribution.d])", ""},
		{"a date too busy", "5", `distribution "d" { dates = { "2025-01-03" = 1e15 } }`, "arrivals(user.r, [distribution.d])", `a date's factor is at most 10000`},
		{"a constant rate too high", "5", "", "arrivals(1e12)", "at most 86400000 (one a millisecond), got 1e+12"},
		{"an actor's rate too high", "1e12", "", "arrivals(user.r)", "at most 86400000 (one a millisecond), got 1e+12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("RATE", tc.rate, "DIST", tc.dist, "ARRIVALS", tc.arrivals).Replace(head)
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			var err error
			if diags.HasErrors() {
				err = diags
			} else {
				_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestSessionContextStartsEmpty: a session's context slots start null,
// whatever the session before it (a pooled session, reused) held: a
// counter kept in ctx counts the events of its own session only, with one
// worker and two.
func TestSessionContextStartsEmpty(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 20
  attributes {
    id = "u${index}"
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
flow "f" {
  actor = entity.user
  session {
    every      = "1h"
    max_events = 3
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    set = {
      n    = coalesce(ctx.n, 0) + 1
      name = coalesce(ctx.name, "s-${user.id}-${event.seq}")
    }
    emit "e" {
      id   = user.id
      seq  = event.seq
      n    = ctx.n
      name = ctx.name
    }
    next = { a = 1 }
  }
}`
	for _, workers := range []int{1, 2} {
		recs := runSource(t, src, workers)
		if len(recs) != 20*24*3 {
			t.Fatalf("%d workers: %d records, want %d", workers, len(recs), 20*24*3)
		}
		for _, r := range recs {
			if r["n"] != r["seq"] || r["name"] != fmt.Sprintf("s-%s-1", r["id"]) {
				t.Fatalf("%d workers: %v: the context did not start empty", workers, r)
			}
		}
	}
}
