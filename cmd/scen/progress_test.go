package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// progressPlan is a plan with a 10-day window in Asia/Seoul.
func progressPlan(t *testing.T) *engine.Plan {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, loc).UnixMilli()
	return &engine.Plan{Name: "p", Loc: loc, Start: start, End: start + 10*86400000}
}

func TestProgressPlainLines(t *testing.T) {
	plan := progressPlan(t)
	for _, tc := range []struct {
		name     string
		quiet    bool
		interval time.Duration
		from, to int64 // relative to the plan's start, ms; 0: the plan's
		updates  [][2]int64
		want     []string
	}{
		{name: "every update", interval: 0,
			updates: [][2]int64{{1500, 86400000}, {2_500_000, 5 * 86400000}},
			want: []string{
				`^1500 records, \d+/s, simulated 2025-06-02 00:00 \(10% of the window\)$`,
				`^2.50M records, [0-9.]+[kM]?/s, simulated 2025-06-06 00:00 \(50% of the window\)$`,
			}},
		{name: "throttled", interval: time.Hour,
			updates: [][2]int64{{10, 1}, {20, 2}}},
		{name: "quiet", quiet: true, interval: 0,
			updates: [][2]int64{{10, 1}, {20, 2}}},
		{name: "window from --from/--to", interval: 0, from: 86400000, to: 3 * 86400000,
			updates: [][2]int64{{12345, 2 * 86400000}, {99, 0}},
			want: []string{
				`^12.3k records, \d+/s, simulated 2025-06-03 00:00 \(50% of the window\)$`,
				`^99 records, \d+/s, simulated 2025-06-01 00:00 \(0% of the window\)$`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newProgressMode(&buf, tc.quiet, false, plan)
			if p.bar != nil {
				t.Fatal("a bar for a non-terminal writer")
			}
			p.interval = tc.interval
			p.start = time.Now().Add(-10 * time.Second)
			if tc.from != 0 {
				p.window(plan.Start+tc.from, plan.Start+tc.to)
			}
			for _, u := range tc.updates {
				p.update(u[0], plan.Start+u[1])
			}
			p.done()
			var lines []string
			if buf.Len() > 0 {
				lines = strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.want), buf.String())
			}
			for i, re := range tc.want {
				if !regexp.MustCompile(re).MatchString(lines[i]) {
					t.Errorf("line %d = %q, want %s", i, lines[i], re)
				}
			}
		})
	}
}

func TestProgressBarRendersIntoBuffer(t *testing.T) {
	old := barThrottle
	barThrottle = 0
	defer func() { barThrottle = old }()
	plan := progressPlan(t)
	var buf bytes.Buffer
	p := newProgressMode(&buf, false, true, plan)
	if p.bar == nil {
		t.Fatal("no bar on a terminal")
	}
	p.update(1000, plan.Start+86400000/2) // 5 %
	first := buf.String()
	for _, want := range []string{"1000 records", "simulated 2025-06-01 12:00", "5%", "[>"} {
		if !strings.Contains(first, want) {
			t.Errorf("first rendering lacks %q: %q", want, first)
		}
	}
	p.update(2_000_000, plan.Start+4*86400000) // 40 %
	second := strings.TrimPrefix(buf.String(), first)
	for _, want := range []string{"2.00M records", "simulated 2025-06-05 00:00", "40%", "[===========>...."} {
		if !strings.Contains(second, want) {
			t.Errorf("second rendering lacks %q: %q", want, second)
		}
	}
	// The ETA: [elapsed:remaining].
	if !regexp.MustCompile(`\[\d+s:\d+(\.\d+)?[a-zµ]*s?\]`).MatchString(second) {
		t.Errorf("no [elapsed:remaining] in %q", second)
	}
	n := buf.Len()
	p.done()
	tail := buf.String()[n:]
	if !regexp.MustCompile(`^\r +\r$`).MatchString(tail) {
		t.Errorf("done wrote %q, want the line blanked", tail)
	}
	p.update(3_000_000, plan.Start+5*86400000)
	if buf.Len() != n+len(tail) {
		t.Errorf("the bar rendered after done: %q", buf.String()[n+len(tail):])
	}
}

func TestRunQuietAndSummary(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "../../scenarios/clickstream.hcl", "--var", "users=30", "--workers", "2"}
	code, stdout, stderr := runCLI(append(args, "--out", filepath.Join(dir, "a"), "--quiet")...)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("--quiet: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(append(args, "--out", filepath.Join(dir, "b"))...)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	data, err := os.ReadFile(filepath.Join(dir, "b", "clickstream", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(data, []byte("\n"))
	want := regexp.MustCompile(`^sink events: (\d+) records, [0-9.]+ [KM]iB → \S+events.jsonl\nmanifest: \S+/manifest.json\ndone: (\d+) records in [0-9.]+s \(\d+ records/s\)\n$`)
	m := want.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr (not a terminal) is not the summary alone:\n%s", stderr)
	}
	if m[1] != m[2] || m[1] != strconv.Itoa(n) {
		t.Errorf("summary counts %s and %s, file has %d records", m[1], m[2], n)
	}
}

// TestRunDoneCountsStreamRecords: the done line counts the streams'
// records, as the manifest's streams do; with two sinks on one stream it
// adds the sink writes, which count each record twice.
func TestRunDoneCountsStreamRecords(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 7
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "events" { id = u.id }
    emit "other" { id = u.id }
    next = { end = 1 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
SINKS`
	for _, tc := range []struct {
		name, sinks, want string
	}{
		{"one sink a stream", `sink "o" {
  type   = "jsonl"
  stream = "other"
  path   = "o.jsonl"
}`, `done: 14 records in [0-9.]+s \(\d+ records/s\)`},
		{"two sinks on one stream", `sink "c" {
  type   = "csv"
  stream = "events"
  path   = "e.csv"
}
sink "o" {
  type   = "jsonl"
  stream = "other"
  path   = "o.jsonl"
}`, `done: 14 records \(21 sink writes\) in [0-9.]+s \(\d+ records/s\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(strings.Replace(src, "SINKS", tc.sinks, 1)), 0o644)
			code, _, stderr := runCLI("run", path, "--out", t.TempDir())
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !regexp.MustCompile(`(?m)^` + tc.want + `$`).MatchString(stderr) {
				t.Errorf("stderr:\n%s\nwant a line %s", stderr, tc.want)
			}
		})
	}
}
