package main

import (
	"errors"
	"testing"
	"time"
)

func run(wall time.Duration, events, rss int64) result {
	return result{row: row{Name: "r", Scenario: "s.hcl", Workers: 2}, counts: counts{Events: events}, Wall: wall, RSS: rss}
}

// TestSummarize: the median run by wall time, the range of rates over all
// runs, the largest RSS; a failed run fails the row.
func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name      string
		runs      []result
		wantWall  time.Duration
		wantRSS   int64
		min, max  float64
		wantError bool
	}{
		{"one run", []result{run(2*time.Second, 1000, 5)}, 2 * time.Second, 5, 500, 500, false},
		{"three runs, median", []result{run(4*time.Second, 1000, 5), run(1*time.Second, 1000, 9), run(2*time.Second, 1000, 7)}, 2 * time.Second, 9, 250, 1000, false},
		{"even count: lower middle", []result{run(4*time.Second, 1000, 1), run(1*time.Second, 1000, 1), run(2*time.Second, 1000, 1), run(5*time.Second, 1000, 1)}, 2 * time.Second, 1, 200, 1000, false},
		{"a failure", []result{run(time.Second, 1000, 1), {row: row{Name: "r"}, Err: errors.New("boom"), RSS: -1}}, 0, -1, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := summarize(tc.runs)
			if (got.Err != nil) != tc.wantError {
				t.Fatalf("error %v, want error %v", got.Err, tc.wantError)
			}
			if tc.wantError {
				return
			}
			if got.Wall != tc.wantWall || got.RSS != tc.wantRSS || got.MinRate != tc.min || got.MaxRate != tc.max || got.Runs != len(tc.runs) {
				t.Errorf("got wall %v rss %d rates %v-%v runs %d; want %v %d %v-%v %d", got.Wall, got.RSS, got.MinRate, got.MaxRate, got.Runs, tc.wantWall, tc.wantRSS, tc.min, tc.max, len(tc.runs))
			}
		})
	}
}

// TestTableCells: the ratio to the baseline and to the same scenario with
// one worker, and the rate range.
func TestTableCells(t *testing.T) {
	base := result{row: row{Name: "baseline", Scenario: baselineScenario, Workers: 1}, counts: counts{Events: 1000, Bytes: 1e6}, Wall: time.Second, Runs: 1}
	two := result{row: row{Name: "x", Scenario: "x.hcl", Workers: 2}, counts: counts{Events: 3000, Bytes: 1e6}, Wall: time.Second, Runs: 3, MinRate: 2500, MaxRate: 3100000}
	one := result{row: row{Name: "x-1w", Scenario: "x.hcl", Workers: 1}, counts: counts{Events: 3000, Bytes: 1e6}, Wall: 2 * time.Second, Runs: 3}
	other := result{row: row{Name: "y", Scenario: "x.hcl", Workers: 2, Args: []string{"--var", "a=1"}}, counts: counts{Events: 10}, Wall: time.Second}
	header, cells := tableCells([]result{base, two, one, other})
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q", name)
		return 0
	}
	for _, tc := range []struct {
		row  int
		col  string
		want string
	}{
		{1, "vs_baseline", "3.00x"},
		{1, "vs_1w", "2.00x"},
		{1, "range", "2k-3.10M"},
		{2, "vs_1w", "-"}, // itself one worker
		{3, "vs_1w", "-"}, // other arguments: no one-worker row
		{0, "range", "-"}, // a single run
		{2, "events/s", "1500"},
	} {
		if got := cells[tc.row][col(tc.col)]; got != tc.want {
			t.Errorf("row %d %s = %q, want %q", tc.row, tc.col, got, tc.want)
		}
	}
}
