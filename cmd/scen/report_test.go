package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	good := "../../report/testdata/shop/events.jsonl"
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// Swap two device labels: the categorical check must fail.
	swapped := strings.NewReplacer(`"device":"ios"`, `"device":"android"`, `"device":"android"`, `"device":"ios"`).Replace(string(data))
	bad := filepath.Join(dir, "bad", "events.jsonl")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.WriteFile(bad, []byte(swapped), 0o644); err != nil {
		t.Fatal(err)
	}
	// Drop a field from every record: the report names it.
	var kept []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if i := strings.Index(l, `,"session_id":"`); i >= 0 {
			j := strings.Index(l[i+1:], `",`) + i + 2
			l = l[:i] + l[j:]
		}
		kept = append(kept, l)
	}
	dropped := filepath.Join(dir, "dropped", "events.jsonl")
	os.MkdirAll(filepath.Dir(dropped), 0o755)
	if err := os.WriteFile(dropped, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same records, the last one first.
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	shuffled := filepath.Join(dir, "shuffled", "events.jsonl")
	os.MkdirAll(filepath.Dir(shuffled), 0o755)
	if err := os.WriteFile(shuffled, []byte(lines[len(lines)-1]+"\n"+strings.Join(lines[:len(lines)-1], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(foreign, []byte(`{"order_id":"o1","total":3.5}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A run's directory under runs/ and its latest link: one run.
	runs := filepath.Join(dir, "runs")
	os.MkdirAll(filepath.Join(runs, "20250101T000000Z-abc123"), 0o755)
	if err := os.WriteFile(filepath.Join(runs, "20250101T000000Z-abc123", "events.jsonl"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("20250101T000000Z-abc123", filepath.Join(runs, "latest")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		// Read once, not counted twice.
		{"a run and its latest link", []string{runs, filepath.Join(runs, "latest"), "--html", ""}, 0,
			[]string{"1657 records in 1 file", "17 checks: 17 passed, 0 failed"}, ""},
		{"a file given twice", []string{good, "../../report/testdata/shop/./events.jsonl", "--html", ""}, 0,
			[]string{"1657 records in 1 file", "17 checks: 17 passed, 0 failed"}, ""},
		{"passes", []string{good, "--html", filepath.Join(dir, "good.html")}, 0,
			[]string{"PASS  categorical       home: device", "17 checks: 17 passed, 0 failed", "report: " + filepath.Join(dir, "good.html")}, ""},
		{"a directory with one format", []string{filepath.Dir(bad), "--html", ""}, 1,
			[]string{"1657 records in 1 file"}, "1 of 17 checks failed"},
		{"a directory with three formats", []string{filepath.Dir(good), "--html", ""}, 1,
			nil, "holds csv and jsonl and parquet files: name the files of one sink"},
		{"fails", []string{filepath.Dir(bad), "--html", filepath.Join(dir, "bad.html")}, 1,
			[]string{"FAIL  categorical       home: device", "17 checks: 16 passed, 1 failed"}, "1 of 17 checks failed"},
		{"a field dropped", []string{dropped, "--html", ""}, 1,
			[]string{"FAIL  fields            the stream's fields are in the files\n      no file holds session_id, which the scenario writes in 1657 of these records"}, "checks failed"},
		{"reordered", []string{shuffled, "--html", ""}, 1,
			[]string{"FAIL  time order        records in time order in each file (timestamp)\n      1 of 1657 records come before the record above them (first: " + shuffled + ", record 2)"}, "1 of 17 checks failed"},
		{"alpha 0", []string{good, "--alpha", "0", "--html", ""}, 2, nil, "--alpha 0: expected a significance level between 0 and 1"},
		{"alpha NaN", []string{good, "--alpha", "NaN", "--html", ""}, 2, nil, "--alpha NaN"},
		{"html into a missing directory", []string{good, "--html", filepath.Join(dir, "no", "r.html")}, 1, nil, "no such file or directory"},
		{"unknown stream", []string{good, "--stream", "evnts", "--html", ""}, 1, nil, `no stream "evnts" (streams: events). Did you mean "events"?`},
		{"another scenario's records", []string{foreign, "--html", ""}, 1, nil, `the files' fields (order_id, total) are those of no stream of the scenario (streams: events)`},
		{"missing output", []string{filepath.Join(dir, "nope")}, 1, nil, "no such file"},
		{"no output argument", nil, 2, nil, "requires at least 2 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"report", "../../report/testdata/shop.hcl"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
	for _, f := range []string{"good.html", "bad.html"} {
		page, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(page), "<svg") {
			t.Errorf("%s: %v", f, err)
		}
	}
}
