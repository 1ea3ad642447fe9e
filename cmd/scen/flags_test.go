package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBadFlagValues: nonsensical flag values are usage errors (exit 2)
// that name the flag, before anything is written.
func TestBadFlagValues(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "dst.hcl")
	if err := os.WriteFile(dst, []byte(`scenario "t" {
  timezone = "Europe/Berlin"
  start    = "2025-03-29"
  end      = "2025-04-01"
}
entity "user" {
  count = 2
}
flow "f" {
  actor   = entity.user
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "events" { n = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"workers 0", []string{"run", dst, "--workers", "0"}, 2, "--workers 0: expected at least 1"},
		{"workers negative", []string{"run", dst, "--workers", "-1"}, 2, "--workers -1: expected at least 1"},
		{"workers 1", []string{"run", dst, "--workers", "1", "-q"}, 0, ""},
		{"out -", []string{"run", dst, "--out", "-"}, 2, `--out -: --out is the directory that relative sink paths are written under, not an output stream; to write records to standard output, declare a sink of type "stdout"`},
		{"out ./-", []string{"run", dst, "--out", "./-", "-q"}, 0, ""},
		{"sample below -1", []string{"plan", dst, "--sample", "-5"}, 2, "--sample -5: expected a number of actors, 0 for the default (200) or -1 for no estimate"},
		{"sample -1", []string{"plan", dst, "--sample", "-1"}, 0, ""},
		{"sample 0", []string{"plan", dst, "--sample", "0"}, 0, ""},
		{"from in the DST gap", []string{"run", dst, "--from", "2025-03-30T02:30:00"}, 2,
			`--from: "2025-03-30T02:30:00" does not exist in time zone Europe/Berlin`},
		{"to in the DST gap", []string{"run", dst, "--to", "2025-03-30 02:59"}, 2,
			`--to: "2025-03-30 02:59" does not exist in time zone Europe/Berlin`},
		{"from after the gap", []string{"run", dst, "--from", "2025-03-30T03:00:00", "-q"}, 0, ""},
		{"from in the year 0", []string{"run", dst, "--from", "0000-12-31"}, 2, `--from: "0000-12-31" is outside the years 1-9999`},
		{"to carried past 9999", []string{"run", dst, "--to", "9999-12-31T23:30:00-01:00"}, 2, `--to: "9999-12-31T23:30:00-01:00" is outside the years 1-9999`},
		{"from before the start", []string{"run", dst, "--from", "2025-03-28T12:00"}, 2,
			"the window --from 2025-03-28T12:00:00+01:00 --to 2025-04-01T00:00:00+02:00 must be a non-empty part of the scenario's [2025-03-29T00:00:00+01:00, 2025-04-01T00:00:00+02:00) (times in Europe/Berlin): --from is before the scenario's start"},
		{"to after the end", []string{"run", dst, "--to", "2025-04-02"}, 2, "(times in Europe/Berlin): --to is after the scenario's end"},
		{"empty window", []string{"run", dst, "--from", "2025-03-31", "--to", "2025-03-31"}, 2, "--from must be before --to"},
		{"from at the end, no to", []string{"run", dst, "--from", "2025-04-01"}, 2, "(times in Europe/Berlin): --from is not before the scenario's end"},
		{"from after the end, no to", []string{"run", dst, "--from", "2030-01-01"}, 2, "--from is not before the scenario's end"},
		{"to at the start, no from", []string{"run", dst, "--to", "2025-03-29"}, 2, "--to is not after the scenario's start"},
		// NaN and infinities used to run unpaced, publish the files and
		// then fail the manifest (exit 1 with the files in place).
		{"speed NaN", []string{"run", dst, "--speed", "NaN"}, 2, "--speed NaN: expected a finite number"},
		{"speed Inf", []string{"run", dst, "--speed", "Inf"}, 2, "--speed +Inf: expected a finite number"},
		{"rate Inf", []string{"run", dst, "--rate", "+Inf"}, 2, "--rate +Inf: expected a finite number"},
		{"rate NaN", []string{"run", dst, "--rate", "nan"}, 2, "--rate NaN: expected a finite number"},
		{"rate -Inf", []string{"run", dst, "--rate", "-Inf"}, 2, "--speed and --rate must not be negative"},
		{"speed very fast", []string{"run", dst, "--speed", "1e9", "-q"}, 0, ""},
		{"interval below a millisecond", []string{"run", dst, "--interval", "1ns"}, 2,
			`--interval "1ns": expected a duration of at least 1ms, such as 15m`},
		{"interval 1ms", []string{"run", dst, "--interval", "1ms", "-q"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := tc.args
			if args[0] == "run" && !slices.Contains(args, "--out") {
				args = append(args, "--out", out)
			}
			// A relative --out lands in the test's directory, where
			// the check below looks for what was written.
			t.Chdir(out)
			code, _, stderr := runCLI(args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want %d; stderr:\n%s\nwant …%s…", code, tc.code, stderr, tc.want)
			}
			if entries, _ := os.ReadDir(out); code != 0 && len(entries) != 0 {
				t.Errorf("wrote %v", entries)
			}
		})
	}
}

// TestParseShard: --shard i/N is 0-based; anything else is a usage error
// (exit 2) that says what is expected, N/N with a hint for 1-based
// array indexes.
func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		msg  string // "" when valid
	}{
		{"", 0, 1, ""},
		{"0/1", 0, 1, ""},
		{"0/3", 0, 3, ""},
		{"2/3", 2, 3, ""},
		{"3/3", 0, 0, "shards are numbered from 0, so the 3 shards are 0/3 to 2/3 (from an array index that starts at 1, pass the index minus 1)"},
		{"16/16", 0, 0, "the 16 shards are 0/16 to 15/16"},
		{"7/3", 0, 0, "numbered from 0"},
		{"-1/2", 0, 0, "expected i/N with 0 <= i < N"},
		{"a/b", 0, 0, "expected i/N"},
		{"1/0", 0, 0, "expected i/N"},
		{"0/0", 0, 0, "expected i/N"},
		{"0/-2", 0, 0, "expected i/N"},
		{"1", 0, 0, "expected i/N"},
		{"1/2/3", 0, 0, "expected i/N"},
		{" 1/2", 0, 0, "expected i/N"},
		{"0/99999999999999999999", 0, 0, "expected i/N"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			i, n, err := parseShard(tc.in)
			if tc.msg == "" {
				if err != nil || i != tc.i || n != tc.n {
					t.Fatalf("parseShard(%q) = %d, %d, %v; want %d, %d", tc.in, i, n, err, tc.i, tc.n)
				}
				return
			}
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "--shard") {
				t.Fatalf("parseShard(%q): %v, want a usage error with %q", tc.in, err, tc.msg)
			}
		})
	}
}
