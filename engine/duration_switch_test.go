package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// TestDurationSwitchBranches: where a duration goes (delay, gap, a
// session's start and every), the string branches of a switch are
// durations, as a lone string is: delay = switch(user.tier, { a = "1d",
// default = "2h" }). A branch that is no duration is an error at the
// branch.
func TestDurationSwitchBranches(t *testing.T) {
	const src = `scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-02-01"
}
entity "user" {
  count = 40
  attributes {
    tier = weighted({ a = 0.5, b = 0.5 })
    id   = index
  }
}
flow "f" {
  actor   = entity.user
  initial = "s"
  session {
    count      = 1
    max_events = 10000
    start = switch(user.tier, { a = "1h", default = switch(user.tier, { b = "2h", default = "0s" }) })
  }
  state "s" {
    delay = DELAY
    emit "events" {
      tier = user.tier
      id   = user.id
      at   = event.time
    }
    next = { s = 1 }
  }
}
sink "f" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
	for _, tc := range []struct {
		name, delay string
		gap         map[string]time.Duration // by tier
		err, at     string
	}{
		{name: "strings", delay: `switch(user.tier, { a = "1d", default = "2h" })`,
			gap: map[string]time.Duration{"a": 24 * time.Hour, "b": 2 * time.Hour}},
		{name: "strings and durations", delay: `switch(user.tier, { a = days(1), b = "30m" })`,
			gap: map[string]time.Duration{"a": 24 * time.Hour, "b": 30 * time.Minute}},
		{name: "a branch in words", delay: `switch(user.tier, { a = "1 day", default = "2h" })`,
			err: `Invalid duration: delay must be a duration: invalid duration "1 day"; write "1d"`, at: "22:37"},
		{name: "a number branch", delay: `switch(user.tier, { a = "1h", default = 5 })`,
			err: `Invalid duration: delay must be a duration: got the number 5; numbers have no unit here`, at: "22:53"},
		{name: "a float branch in a nested switch", delay: `switch(user.tier, { a = "1h", default = switch(user.tier, { b = 1.5 }) })`,
			err: `Invalid duration: delay must be a duration: got the number 1.5; numbers have no unit here`, at: "22:77"},
		{name: "a bool branch", delay: `switch(user.tier, { a = true, default = "2h" })`,
			err: `Invalid duration: delay must be a duration: got the bool true.`, at: "22:37"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			if err := os.WriteFile(path, []byte(strings.Replace(src, "DELAY", tc.delay, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.err != "" {
				_, diags := compileDiags(t, path, engine.Options{})
				wantOneError(t, errorsIn(diags), tc.err, tc.at)
				return
			}
			out := runTo(t, path, 1, nil, engine.RunOptions{})
			last := map[float64]time.Time{}
			gaps := map[string]int{}
			for _, r := range jsonLines(t, filepath.Join(out, "events.jsonl")) {
				tier, id := r["tier"].(string), r["id"].(float64)
				at, err := time.Parse("2006-01-02T15:04:05.000-07:00", r["at"].(string))
				if err != nil {
					t.Fatal(err)
				}
				prev, seen := last[id]
				last[id] = at
				if !seen {
					// The session start's branch: 1h for a, 2h for b.
					want := map[string]time.Duration{"a": time.Hour, "b": 2 * time.Hour}[tier]
					if got := at.Sub(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); got != want {
						t.Fatalf("tier %s starts at +%v, want +%v", tier, got, want)
					}
					continue
				}
				if got := at.Sub(prev); got != tc.gap[tier] {
					t.Fatalf("tier %s: %v between events, want %v", tier, got, tc.gap[tier])
				}
				gaps[tier]++
			}
			if gaps["a"] == 0 || gaps["b"] == 0 {
				t.Fatalf("gaps per tier: %v", gaps)
			}
		})
	}
}
