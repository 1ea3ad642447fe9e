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
		trans      string // the transitions check's status: one day's records are all in the censored last day
	}{
		{"one day's partition", `path = "d={{date}}/events.jsonl"`, "d=2025-03-05",
			`lists 14 files of sink "events", 1 given: checked as a run's records from 2025-03-05T00:`, "SKIP"},
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
