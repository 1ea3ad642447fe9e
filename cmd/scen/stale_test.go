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
// rewrites every partition, a --quiet run, and a path without
// placeholders do not warn.
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
		{"quiet", []string{"--quiet", "--var", `tiers=["free"]`}, ""},
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
