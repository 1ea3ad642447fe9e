package engine_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCountedDropWarning: quiet_hours or max_per_day over a flow whose
// sessions are counted and long (the sensor pattern count = 1,
// max_events = 1000000) warns at the constraint, naming the flow: a drop
// ends the session and nothing replaces it. Flows that start sessions on
// a schedule, or whose sessions hold one event, get no warning.
func TestCountedDropWarning(t *testing.T) {
	src := func(session, rule string) string {
		return fmt.Sprintf(`
scenario "s" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "device" {
  count = 3
  attributes { id = "d${index}" }
}
flow "telemetry" {
  actor = entity.device
  session {
    %s
  }
  gap     = "1m"
  initial = "ok"
  state "ok" {
    emit "r" {
      id = device.id
      ts = event.time
    }
    next = { ok = 1 }
  }
}
constraint "maintenance" {
  flows = [flow.telemetry]
  %s
}
sink "r" {
  type   = "jsonl"
  stream = "r"
  path   = "r.jsonl"
}
`, session, rule)
	}
	const quiet = `quiet_hours = ["02:00", "03:00"]`
	for _, tc := range []struct {
		name, session, rule string
		want                string // "" for no diagnostic
		at                  string // line:column
	}{
		{"count 1, quiet hours", "count = 1\n max_events = 1000000", quiet,
			`A drop ends a counted session for good: flow.telemetry runs a fixed number of sessions (count = 1) that can hold many events. An event in quiet_hours 02:00-03:00 is dropped`, "29:17"},
		{"count 1, max_per_day", "count = 1\n max_events = 1000000", "max_per_day = 100",
			`An event beyond max_per_day 100 is dropped`, "29:17"},
		{"both rules", "count = 1\n max_events = 1000000", quiet + "\n max_per_day = 100",
			`An event in quiet_hours 02:00-03:00 or beyond max_per_day 100 is dropped`, "29:17"},
		{"the fix is named", "count = 1\n max_events = 1000000", quiet,
			`e.g. session { every = "1h", max_events = 60 } without count (an hour of events at gap 1m)`, ""},
		{"a drawn count", "count = uniform(1, 3)\n max_events = 1000000", quiet,
			`(a session count)`, ""},
		{"every, no count", `every = "1h"` + "\n max_events = 60", quiet, "", ""},
		{"one event per session", "count = 1000\n max_events = 1", quiet, "", ""},
		{"count 0", "count = 0\n max_events = 10", quiet, "", ""},
		{"min_gap only", "count = 1\n max_events = 1000000", `min_gap = "30s"`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileOneWarning(t, src(tc.session, tc.rule), tc.want != "")
			if d == nil {
				return
			}
			if got := d.Summary + ": " + d.Detail; !strings.Contains(got, tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if got := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); tc.at != "" && got != tc.at {
				t.Errorf("at %s, want %s", got, tc.at)
			}
		})
	}
}
