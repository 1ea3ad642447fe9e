package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStalePartitionsWarning: a run into an --out that holds partition
// files of an earlier run which this run did not write (a value that no
// longer occurs) warns, naming them, and deletes nothing; a run that
// rewrites every partition and a path without placeholders do not warn.
// --quiet prints warnings too (it leaves out progress and the summary).
func TestStalePartitionsWarning(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
variable "tiers" { default = ["free", "paid", "trial"] }
entity "user" {
  count = 30
  attributes { tier = choice(var.tiers) }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "ev" { tier = user.tier }
    next = { end = 1 }
  }
}
sink "lake" {
  type   = "jsonl"
  stream = "ev"
  path   = "lake/tier={{field:tier}}/ev.jsonl"
}
sink "flat" {
  type   = "csv"
  stream = "ev"
  path   = "flat.csv"
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr; "" for no warning
	}{
		{"first run", nil, ""},
		{"the same partitions again", nil, ""},
		{"a tier gone", []string{"--var", `tiers=["free","paid"]`}, "warning: sink lake: 1 file matching its path lake/tier={{field:tier}}/ev.jsonl is not from this run (left by an earlier run?): " + filepath.Join(out, "lake", "tier=trial", "ev.jsonl")},
		{"quiet", []string{"--quiet", "--var", `tiers=["free"]`}, "warning: sink lake: 2 files matching its path lake/tier={{field:tier}}/ev.jsonl are not from this run"},
		{"quiet, the same partitions", []string{"--quiet", "--var", `tiers=["free","paid","trial"]`}, ""},
		{"two gone", []string{"--var", `tiers=["free"]`}, "warning: sink lake: 2 files matching its path lake/tier={{field:tier}}/ev.jsonl are not from this run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append([]string{"run", path, "--out", out, "--no-manifest"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			has := strings.Contains(stderr, "warning: sink")
			if tc.want == "" && has {
				t.Errorf("unexpected warning: %s", stderr)
			}
			if tc.want != "" && !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if strings.Contains(stderr, "warning: sink flat") {
				t.Errorf("a path without placeholders warned: %s", stderr)
			}
		})
	}
	// Nothing was deleted.
	if _, err := os.Stat(filepath.Join(out, "lake", "tier=trial", "ev.jsonl")); err != nil {
		t.Errorf("the earlier run's partition: %v", err)
	}
}

// TestStaleRotatedParts: the parts a rotating sink wrote in an earlier run
// (more records, or rotation since turned off or on) are warned about like
// stale partitions; a file beside them that the path cannot make
// (ev-backup.jsonl, ev-1.jsonl) is not.
func TestStaleRotatedParts(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
variable "n" { default = 30 }
variable "rows" { default = 5 }
entity "user" { count = var.n }
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "ev" { k = "x" }
    next = { end = 1 }
  }
}
sink "rot" {
  type          = "jsonl"
  stream        = "ev"
  path          = "rot/ev.jsonl"
  rows_per_file = var.rows
}
`
	path := filepath.Join(dir, "s.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, "rot"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ev-backup.jsonl", "ev-1.jsonl", "other.jsonl"} {
		if err := os.WriteFile(filepath.Join(out, "rot", name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	part := func(i int) string { return filepath.Join(out, "rot", fmt.Sprintf("ev-%05d.jsonl", i)) }
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr; "" for no warning
	}{
		{"six parts", nil, ""},
		{"the same parts again", nil, ""},
		{"two parts", []string{"--var", "n=8"}, "warning: sink rot: 4 files matching its path rot/ev-{{part}}.jsonl (its parts when it rotates) are not from this run (left by an earlier run?): " + part(2) + ", " + part(3) + ", " + part(4) + ", …"},
		{"one part", []string{"--var", "n=8", "--var", "rows=1000000000"}, "warning: sink rot: 5 files matching its path rot/ev-{{part}}.jsonl (its parts when it rotates)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append([]string{"run", path, "--out", out, "--no-manifest"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			has := strings.Contains(stderr, "warning: sink")
			if tc.want == "" && has {
				t.Errorf("unexpected warning: %s", stderr)
			}
			if tc.want != "" && !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			for _, name := range []string{"ev-backup", "ev-1.jsonl", "other"} {
				if strings.Contains(stderr, name) {
					t.Errorf("warned about %s, which the path cannot make: %s", name, stderr)
				}
			}
		})
	}
}

// TestStaleShardFilesWarning: the .shard-i-of-N files of a sharded run
// stay beside the files of a later run into the same --out that is not
// sharded, or sharded in another N, and a reader of the directory would
// take both: such a run warns, naming them. The other shards of a run of
// the same N are its siblings, not stale, and a path that places the
// shards itself ({{shard}}) is not looked at by a sharded run (the other
// shards' files match it).
func TestStaleShardFilesWarning(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 30
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "ev" { i = index }
    next = { end = 1 }
  }
}
sink "flat" {
  type   = "jsonl"
  stream = "ev"
  path   = "flat/ev.jsonl"
}
sink "parts" {
  type          = "csv"
  stream        = "ev"
  path          = "parts/ev.csv"
  rows_per_file = 10
}
sink "placed" {
  type   = "jsonl"
  stream = "ev"
  path   = "placed/n={{shards}}/s={{shard}}.jsonl"
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	out := filepath.Join(dir, "out")
	f := func(p string) string { return filepath.Join(out, p) }
	for _, tc := range []struct {
		name   string
		shards []string // --shard of each run, "" for none
		want   []string // in the last run's stderr
		not    []string // not in any run's stderr
	}{
		{name: "four shards", shards: []string{"0/4", "1/4", "2/4", "3/4"}, not: []string{"warning"}},
		{name: "the same shards again", shards: []string{"3/4", "0/4"}, not: []string{"warning"}},
		{name: "unsharded after shards", shards: []string{""},
			want: []string{"warning: sink flat: 4 files matching its path flat/ev.jsonl are not from this run", f("flat/ev.shard-0-of-4.jsonl"),
				"warning: sink parts: ", f("parts/ev-00000.shard-0-of-4.csv"),
				"warning: sink placed: 4 files"}}, // (n=4/s=*.jsonl: as before)
		{name: "two shards after both", shards: []string{"0/2", "1/2"},
			want: []string{"warning: sink flat: 5 files matching its path flat/ev.jsonl are not from this run", f("flat/ev.jsonl"), f("flat/ev.shard-0-of-4.jsonl")},
			not:  []string{"of-2.jsonl", "sink placed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr string
			for _, sh := range tc.shards {
				args := []string{"run", path, "--out", out}
				if sh != "" {
					args = append(args, "--shard", sh)
				}
				code, _, e := runCLI(args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, e)
				}
				var warnings []string
				for _, l := range strings.Split(e, "\n") {
					if strings.HasPrefix(l, "warning") {
						warnings = append(warnings, l)
					}
				}
				for _, s := range tc.not {
					if w := strings.Join(warnings, "\n"); strings.Contains(w, s) {
						t.Errorf("--shard %q: a warning has %q:\n%s", sh, s, w)
					}
				}
				stderr = e
			}
			for _, s := range tc.want {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}
