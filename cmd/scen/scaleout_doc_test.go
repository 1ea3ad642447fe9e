package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScaleOutJobRecipe: the Kubernetes Indexed Job of docs/scale-out.md
// runs as written. Its shell must exec scen: dash, as process 1, neither
// replaces itself with the command nor passes the pod's SIGTERM on, and
// scen would be killed outright when the grace period ran out (measured
// 2026-12-06 in a PID namespace: without exec, scen ran on after the
// SIGTERM and left its .tmp file when killed; with it, it stopped and
// removed it). The command, with a small user count, the shard index
// filled in and /data a temporary directory, writes shard 3 of 16.
func TestScaleOutJobRecipe(t *testing.T) {
	b, err := os.ReadFile("../../docs/scale-out.md")
	if err != nil {
		t.Fatal(err)
	}
	// The folded "args: - >" scalar: its lines, up to the next key.
	lines := strings.Split(string(b), "\n")
	var cmdline []string
	for i, l := range lines {
		if strings.TrimSpace(l) != "- >" || i == 0 || strings.TrimSpace(lines[i-1]) != "args:" {
			continue
		}
		indent := len(lines[i+1]) - len(strings.TrimLeft(lines[i+1], " "))
		for _, m := range lines[i+1:] {
			if len(m)-len(strings.TrimLeft(m, " ")) < indent || strings.TrimSpace(m) == "" {
				break
			}
			cmdline = append(cmdline, strings.TrimSpace(m))
		}
	}
	args := strings.Fields(strings.Join(cmdline, " "))
	if len(args) < 3 || args[0] != "exec" || args[1] != "scen" || args[2] != "run" {
		t.Fatalf("the Job's shell command is %q; want it to start with \"exec scen run\"", strings.Join(args, " "))
	}
	out := t.TempDir()
	for i, a := range args {
		switch {
		case a == "/scenarios/recipe.hcl":
			args[i] = "../../scenarios/recipe.hcl"
		case strings.HasPrefix(a, "users="):
			args[i] = "users=32"
		case a == "${JOB_COMPLETION_INDEX}/16":
			args[i] = "3/16"
		case a == "/data":
			args[i] = out
		}
	}
	code, _, stderr := runCLI(append(args[2:], "-q")...)
	if code != 0 {
		t.Fatalf("scen %s: exit %d\n%s", strings.Join(args[2:], " "), code, stderr)
	}
	for _, f := range []string{"recipe/events.shard-03-of-16.jsonl", "manifest.shard-03-of-16.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
