package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportSubsetOfFiles: some of the files a run's manifest lists for
// a sink (one day's partition, one rotated part) are checked as the
// records of their time span, with a note that says how many files the
// manifest lists. Checked over the run's fortnight, one day's partition
// failed the weekday (chi2 in the thousands), and a part cut sessions at
// its edges (initial state, transitions).
func TestReportSubsetOfFiles(t *testing.T) {
	for _, tc := range []struct {
		name, sink string
		report     string // what is reported, under the run's directory
		note       string // "" for no note
		// trans is the transitions check's status. One day's records
		// used to be all in the censored last day (SKIP); the flow's
		// constant gap ("1m") bounds the time to a record's successor,
		// so only its last minute is censored now.
		trans string
	}{
		{"one day's partition", `path = "d={{date}}/events.jsonl"`, "d=2025-03-05",
			`lists 14 files of sink "events", 1 given: checked as a run's records from 2025-03-05T00:`, "PASS"},
		{"two days' partitions", `path = "d={{date}}/events.jsonl"`, "d=2025-03-05 d=2025-03-06",
			`lists 14 files of sink "events", 2 given: checked as a run's records from 2025-03-05T00:`, "PASS"},
		{"every partition", `path = "d={{date}}/events.jsonl"`, ".", "", "PASS"},
		{"the first rotated part", "path = \"events.jsonl\"\n  rows_per_file = 10000", "events-00000.jsonl",
			`files of sink "events", 1 given: checked as a run's records from 2025-03-01T00:`, "PASS"},
		{"a middle rotated part", "path = \"events.jsonl\"\n  rows_per_file = 10000", "events-00001.jsonl",
			`files of sink "events", 1 given: checked as a run's records from 2025-03-0`, "PASS"},
		// Not adjacent: integrated over the whole span, Monday 3 to
		// Monday 10, the weekday expected Wednesday to Sunday too, and
		// failed (chi2 in the thousands).
		{"days a week apart", `path = "d={{date}}/events.jsonl"`, "d=2025-03-03 d=2025-03-04 d=2025-03-10",
			`lists 14 files of sink "events", 3 given: checked as a run's records of 2 parts of its window, 2025-03-03T00:00:00.000+00:00 to 2025-03-05T00:00:00.000+00:00, 2025-03-10T00:00:00.000+00:00 to 2025-03-11T00:00:00.000+00:00 (the given files' time partitions; the files between them are not given)`, "PASS"},
		{"rotated parts apart", "path = \"events.jsonl\"\n  rows_per_file = 5000", "events-00000.jsonl events-00002.jsonl events-00005.jsonl",
			`3 given: checked as a run's records of 3 parts of its window, 2025-03-01T00:`, "PASS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			hcl := filepath.Join(dir, "w.hcl")
			src := strings.Replace(windowCLIScenario, `path   = "events.jsonl"`, tc.sink, 1)
			if err := os.WriteFile(hcl, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
				t.Fatalf("run: exit %d: %s", code, stderr)
			}
			args := []string{"report", hcl}
			for _, f := range strings.Fields(tc.report) {
				args = append(args, filepath.Join(out, f))
			}
			code, stdout, stderr := runCLI(append(args, "--html", "")...)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			for _, want := range []string{"PASS  weekday", "PASS  hour of day", "PASS  initial state", tc.trans + "  transitions"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("no %q in\n%s", want, stdout)
				}
			}
			if tc.note == "" && strings.Contains(stdout, " given: ") || tc.note != "" && !strings.Contains(stdout, tc.note) {
				t.Errorf("want the note %q in\n%s", tc.note, stdout)
			}
		})
	}
}

// monthsScenario: three months partitioned by month, February busier
// (monthly profile), sessions of land then views that may run past
// midnight into the next month's file.
const monthsScenario = `scenario "m" {
  seed     = 4
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-04-01"
}
distribution "dow" {
  weekly = { mon = 0.8, tue = 0.8, wed = 0.9, thu = 1.0, fri = 1.1, sat = 1.4, sun = 1.3 }
}
distribution "mon" {
  monthly = { jan = 1, feb = 3, mar = 1, apr = 1, may = 1, jun = 1, jul = 1, aug = 1, sep = 1, oct = 1, nov = 1, dec = 1 }
}
entity "user" {
  count = 300
  attributes { user_id = "u${index}" }
}
flow "visit" {
  actor = entity.user
  session { arrivals = arrivals(1, [distribution.dow, distribution.mon]) }
  gap     = "10m"
  initial = "land"
  state "land" {
    emit "events" {
      user_id    = user.user_id
      session_id = session.id
      ev         = state.name
      ts         = event.time
    }
    next = { view = 0.5, end = 0.5 }
  }
  state "view" {
    emit "events" {
      user_id    = user.user_id
      session_id = session.id
      ev         = state.name
      ts         = event.time
    }
    next = { view = 0.5, end = 0.5 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "m={{year}}-{{month}}/events.jsonl"
}
`

// TestReportSubsetMonthsApart: January's and March's partitions, not
// February's, are two parts of the window: a session running at March's
// start (its land in February) is not one that started elsewhere (the
// initial state failed: 8 of 15 971 sessions start elsewhere), and the
// profiles are integrated over January and March only.
func TestReportSubsetMonthsApart(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "m.hcl")
	if err := os.WriteFile(hcl, []byte(monthsScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI("report", hcl, filepath.Join(out, "m=2025-01"), filepath.Join(out, "m=2025-03"), "--html", "")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"PASS  weekday", "PASS  hour of day", "PASS  initial state", "PASS  transitions       visit: land",
		"sessions that began before the start of the part of the window holding its first record",
		`lists 3 files of sink "events", 2 given: checked as a run's records of 2 parts of its window, 2025-01-01T00:00:00.000+00:00 to 2025-02-01T00:00:00.000+00:00, 2025-03-01T00:00:00.000+00:00 to 2025-04-01T00:00:00.000+00:00`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
}
