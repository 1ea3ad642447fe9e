package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets a test run scen in a child process (the test binary with
// SCEN_TEST_CHILD=1), under limits the test itself must not be subject to.
func TestMain(m *testing.M) {
	if os.Getenv("SCEN_TEST_CHILD") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// filesUnder lists the files below dir, temporary ones included.
func filesUnder(dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestRunLimits: the memory check, the time limit and an output directory
// that cannot be created each stop `scen run` with exit 1, a message that
// says why, and nothing written.
func TestRunLimits(t *testing.T) {
	const click = "../../scenarios/clickstream.hcl"
	for _, tc := range []struct {
		name  string
		args  []string // after run FILE --out DIR
		code  int
		wants []string
	}{
		{"memory estimate exceeds the machine", []string{"--var", "users=10000000000"}, 1, []string{
			"error: the run would need about ", " TiB of memory, more than the ", " available (",
			`entity "user": 10000000000 actors × `, "--shard i/N", "--force"}},
		{"shards bring it within memory; the time limit stops it", []string{"--var", "users=10000000000", "--shard", "0/200000", "--timeout", "300ms"}, 1, []string{
			"error: the run reached its time limit of 300ms and was stopped after writing ", " records (no output file was published)"}},
		{"time limit", []string{"--var", "users=200000", "--timeout", "200ms"}, 1, []string{
			"the run reached its time limit of 200ms and was stopped", "(no output file was published)"}},
		{"negative time limit", []string{"--timeout", "-1s"}, 2, []string{"--timeout must not be negative"}},
		{"output directory under a regular file", []string{"--var", "users=10", "--out", "FILE/out"}, 1, []string{
			`error: sink "events": mkdir `, "not a directory", "(no output file was published)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			blocker := filepath.Join(dir, "FILE")
			os.WriteFile(blocker, nil, 0o644)
			args := []string{"run", click, "--out", dir, "-q"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "FILE", blocker))
			}
			code, _, stderr := runCLI(args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, stderr)
			}
			for _, w := range tc.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if left := filesUnder(dir); len(left) != 1 || left[0] != "FILE" {
				t.Errorf("the run left %v", left)
			}
		})
	}
	code, out, stderr := runCLI("plan", click, "--var", "users=1000000")
	if code != 0 || !strings.Contains(out, "\nmemory\n  estimated peak ") || !strings.Contains(out, `entity "user": 1000000 actors × `) {
		t.Errorf("plan (exit %d) does not estimate memory:\n%s%s", code, out, stderr)
	}
}

// TestRunFileTooLarge: the kernel refuses to let the file grow (a file
// size limit set with prlimit, which fails writes as a full disk does).
// scen exits 1 naming the sink and the file, and removes what it wrote.
func TestRunFileTooLarge(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) is not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command(prlimit, "--fsize=300000", os.Args[0],
		"run", "../../scenarios/clickstream.hcl", "--var", "users=3000", "--out", dir, "-q")
	cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1:\n%s", err, stderr.String())
	}
	want := `error: sink "events": cannot write ` + filepath.Join(dir, "clickstream", "events.jsonl") + ": file too large"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
	if left := filesUnder(dir); len(left) > 0 {
		t.Errorf("the run left %v", left)
	}
}

// TestDefaultWorkersFollowGOMAXPROCS: without --workers, a run uses as many
// partitions as the process may use CPUs at once (GOMAXPROCS: the
// environment variable, or a container's CPU limit), not one per CPU of
// the machine; the manifest and scen plan's memory estimate say so.
func TestDefaultWorkersFollowGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(procs), func(t *testing.T) {
			runtime.GOMAXPROCS(procs)
			out := t.TempDir()
			code, _, stderr := runCLI("run", "../../scenarios/users.hcl", "--var", "customers=20", "--out", out, "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var m struct{ Workers int }
			b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.Workers != procs {
				t.Errorf("GOMAXPROCS %d: the run used %d workers", procs, m.Workers)
			}
			_, plan, _ := runCLI("plan", "../../scenarios/users.hcl", "--sample", "-1")
			if want := fmt.Sprintf("with %d workers", procs); !strings.Contains(plan, want) {
				t.Errorf("GOMAXPROCS %d: scen plan lacks %q", procs, want)
			}
		})
	}
}
