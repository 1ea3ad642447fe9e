package main

import (
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
