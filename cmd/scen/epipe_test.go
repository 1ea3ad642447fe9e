package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestClosedStdout: scen cat and scen preview piped into a reader that
// stops early (| head) exit 0 without a word when their standard output
// is closed, as cat and seq do; they used to print "error: write |1:
// broken pipe" and exit 1 (or die of SIGPIPE, exit 141, with the real
// standard output). Standard output here is a pipe whose read end is
// closed before anything is written.
func TestClosedStdout(t *testing.T) {
	dir := t.TempDir()
	var lines strings.Builder
	for i := 0; i < 50000; i++ { // more than a pipe and a write buffer hold
		lines.WriteString(`{"id":` + strings.Repeat("1", 1+i%5) + `,"s":"some text to fill the pipe"}` + "\n")
	}
	data := filepath.Join(dir, "big.jsonl")
	if err := os.WriteFile(data, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	scenario := filepath.Join(dir, "s.hcl")
	if err := os.WriteFile(scenario, []byte(`scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-02T00:00:00"
}
entity "user" {
  count = 2000
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 20
  }
  gap     = seconds(uniform(1, 30))
  initial = "e"
  state "e" {
    emit "events" {
      at   = event.time
      n    = index
      text = "some text to fill the pipe"
    }
    next = { e = 1 }
  }
}
sink "out" {
  type   = "stdout"
  stream = "events"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"cat", []string{"cat", data}},
		{"cat --limit", []string{"cat", "--limit", "40000", data}},
		{"preview", []string{"preview", "-n", "30000", scenario}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r.Close() // the reader is gone before the first write
			defer w.Close()
			var stderr bytes.Buffer
			code := run(tc.args, w, &stderr)
			if code != 0 || stderr.Len() > 0 {
				t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr.String())
			}
		})
	}
}

// TestClosedStdoutEveryCommand: every command that writes to standard
// output, run as scen is (a child process whose standard output is a pipe
// whose reader has gone, as with | head), exits with the status it would
// have had anyway and nothing on standard error: 0, or 1 where the status
// says something (diff: the plans differ; validate: a scenario is wrong),
// never 141 (killed by SIGPIPE: plan, diff and docs were) nor "broken
// pipe". A run whose only sink is stdout stops quietly (exit 0); with a
// file sink too it fails and publishes no file, which would be incomplete.
func TestClosedStdoutEveryCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const base = `scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-02T00:00:00"
}
entity "user" {
  count = 200
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 20
  }
  gap     = seconds(uniform(1, 30))
  initial = "e"
  state "e" {
    emit "events" {
      at = event.time
      n  = index
    }
    next = { e = %s }
  }
}
sink "out" {
  type   = "stdout"
  stream = "events"
}
`
	a := write("a.hcl", strings.Replace(base, "%s", "1", 1))
	b := write("b.hcl", strings.Replace(base, "%s", "0.9, end = 0.1", 1))
	withFile := write("file.hcl", strings.Replace(base, "%s", "1", 1)+`sink "file" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`)
	fileOnly := write("fileonly.hcl", strings.Replace(strings.Replace(base, "%s", "1", 1),
		`type   = "stdout"`, `type   = "jsonl"
  path   = "events.jsonl"`, 1))
	bad := write("bad.hcl", strings.Replace(base, "%s", `"1"`, 1)[:40])
	unformatted := write("unformatted.hcl", "scenario \"u\" {\nstart=\"2025-06-01T00:00:00\"\n}\n")
	fileOut := filepath.Join(dir, "fileout")
	data := filepath.Join(dir, "run")
	if code := run([]string{"run", fileOnly, "--out", data, "-q"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("run for report: exit %d", code)
	}
	records := filepath.Join(data, "events.jsonl")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"plan", []string{"plan", a}, 0, ""},
		{"plan --format dot", []string{"plan", "--format", "dot", a}, 0, ""},
		{"plan --sample -1", []string{"plan", "--sample", "-1", a}, 0, ""},
		{"diff, plans differ", []string{"diff", a, b}, 1, ""},
		{"diff, plans equal", []string{"diff", a, a}, 0, ""},
		{"docs reference", []string{"docs", "reference"}, 0, ""},
		{"validate", []string{"validate", a, a}, 0, ""},
		{"validate, an error", []string{"validate", a, bad}, 1, "error: "},
		{"version", []string{"version"}, 0, ""},
		{"--help", []string{"--help"}, 0, ""},
		{"run --help", []string{"run", "--help"}, 0, ""},
		{"fmt --check", []string{"fmt", "--check", unformatted}, 1, "error: 1 file(s) need scen fmt\n"},
		{"report", []string{"report", fileOnly, records, "--html", ""}, 0, ""},
		{"cat", []string{"cat", records}, 0, ""},
		{"cat --schema", []string{"cat", "--schema", records}, 0, ""},
		{"preview", []string{"preview", a}, 0, ""},
		{"run, stdout only, -q", []string{"run", a, "--out", filepath.Join(dir, "o1"), "-q"}, 0, ""},
		{"run, stdout only", []string{"run", a, "--out", filepath.Join(dir, "o2")}, 0,
			"stopped: the program reading standard output closed it\n"},
		{"run, stdout and a file", []string{"run", withFile, "--out", fileOut, "-q"}, 1,
			`error: sink "out": standard output was closed by the program reading it before the run ended (write /dev/stdout: broken pipe) (no output file was published)
  --> ` + withFile + `:24:1
   |
24 | sink "out" {
   | ^^^^^^^^^^

`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r.Close() // the reader is gone before the first write
			defer w.Close()
			cmd := exec.Command(os.Args[0], tc.args...)
			cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
			cmd.Stdout = w // the child's file descriptor 1, as with | head
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err = cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					t.Fatalf("killed by %v (exit %d in a shell), stderr %q", ws.Signal(), 128+int(ws.Signal()), stderr.String())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got := stderr.String()
			if tc.stderr == "error: " {
				got = got[:min(len(got), len(tc.stderr))] // the scenario's diagnostics follow
			}
			if code != tc.code || got != tc.stderr {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.stderr)
			}
		})
	}
	if left := filesUnder(fileOut); len(left) > 0 {
		t.Errorf("the failed run left %v", left)
	}
}
