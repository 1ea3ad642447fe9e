package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// timeOrderScenario: sessions of two events ten minutes apart; the open
// event writes at = event.time, the close event at = CLOSE_AT.
const timeOrderScenario = `
scenario "t" {
  seed     = 1
  timezone = "UTC"
  start    = "2025-01-01T00:00:00"
  end      = "2025-01-03T00:00:00"
}
entity "user" {
  count = 50
  attributes {
    uid = "u${index}"
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals = arrivals(10)
  }
  gap     = duration("10m")
  initial = "open"
  state "open" {
    emit "ev" {
      kind = "open"
      uid  = user.uid
      at   = event.time
    }
    next = { close = 1 }
  }
  state "close" {
    emit "ev" {
      kind = "close"
      uid  = user.uid
      at   = CLOSE_AT
    }
    next = { end = 1 }
  }
}
sink "f" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`

// TestReportTimeOrderOtherTimes: a run writes records in event time order;
// an emit that writes the time field with another time (the session's
// start) made the time order check fail a correct run. Only records that
// hold event.time there are compared, and a reordered file still fails.
func TestReportTimeOrderOtherTimes(t *testing.T) {
	for _, tc := range []struct {
		name, closeAt string
		reverse       bool // write the records last first
		pass          bool
		detail        string
	}{
		{"every emit event.time", "event.time", false, true, "0 of 2011 records"},
		{"every emit event.time, reversed", "event.time", true, false, "2010 of 2011 records"},
		{"close at session start", "session.start", false, true, "0 of 1007 records"},
		{"close at session start, reversed", "session.start", true, false, "1006 of 1007 records"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, strings.Replace(timeOrderScenario, "CLOSE_AT", tc.closeAt, 1), 2)
			path := filepath.Join(dir, "ev.jsonl")
			if tc.reverse {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(string(data), "\n")
				slices.Reverse(lines)
				if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			c := findCheck(t, r, TimeOrder, "records in time order")
			if c.Pass != tc.pass || !strings.Contains(c.Detail, tc.detail) {
				t.Errorf("pass %v (want %v): %s, want %q", c.Pass, tc.pass, c.Detail, tc.detail)
			}
		})
	}
}

// TestReportExactCheckOverNoRecord: an exact check with nothing to check
// is SKIP, not PASS. Time order used to pass "0 of 0 records" (the CSV
// of a sink with header = false, read with its first record as the
// header): here, a file of the close records only, which hold no
// event.time.
func TestReportExactCheckOverNoRecord(t *testing.T) {
	const others = " (records of emits that write at as event.time; others write another time there)"
	for _, tc := range []struct {
		name     string
		keep     string // the records kept: those holding it
		untested bool
		detail   string
	}{
		{"open and close records", `"kind"`, false, "0 of 1007 records come before the record above them" + others},
		{"close records only", `"kind":"close"`, true, "0 of 0 records come before the record above them" + others + ": nothing to check, not tested"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, strings.Replace(timeOrderScenario, "CLOSE_AT", "session.start", 1), 2)
			path := filepath.Join(dir, "ev.jsonl")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, l := range strings.SplitAfter(string(data), "\n") {
				if strings.Contains(l, tc.keep) {
					kept = append(kept, l)
				}
			}
			if err := os.WriteFile(path, []byte(strings.Join(kept, "")), 0o644); err != nil {
				t.Fatal(err)
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			c := findCheck(t, r, TimeOrder, "records in time order")
			if c.Untested() != tc.untested || !c.Pass || c.Detail != tc.detail {
				t.Errorf("untested %v (want %v), pass %v: %q, want %q", c.Untested(), tc.untested, c.Pass, c.Detail, tc.detail)
			}
		})
	}
}
