package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlanEstimate(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI("run", "../../scenarios/clickstream.hcl", "--var", "users=50", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "clickstream", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(data, []byte("\n"))
	exact := fmt.Sprintf("expected output (exact: all actors (50 user) simulated)\n  events               %s records, ", groupDigitsTest(n))
	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  string
	}{
		{"exact", []string{"--var", "users=50"}, []string{exact}, ""},
		{"sampled", []string{"--var", "users=5000", "--sample", "60"},
			[]string{"expected output (estimated by simulating 60 of 5 000 user actors over the whole window; ± one standard error)\n  events               ≈"}, ""},
		{"no estimate", []string{"--var", "users=50", "--sample", "-1"}, []string{`flow "visit"`}, "expected output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(append([]string{"plan", "../../scenarios/clickstream.hcl"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("plan output lacks %q:\n%s", w, out)
				}
			}
			if tc.not != "" && strings.Contains(out, tc.not) {
				t.Errorf("plan output has %q:\n%s", tc.not, out)
			}
		})
	}
}

// groupDigitsTest writes 12345 as "12 345", independently of the engine.
func groupDigitsTest(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}
