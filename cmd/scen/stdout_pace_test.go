package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPacedStdoutIsLive: a paced run to standard output (scen run --speed
// 1 | kcat …) hands each record to the reader when it is due. Before,
// records sat in a 256 KiB buffer until it filled or the run ended, so a
// reader saw nothing for minutes and then a burst.
func TestPacedStdoutIsLive(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		flags        []string
	}{
		{"jsonl, speed", "jsonl", []string{"--speed", "60"}},
		{"csv, speed", "csv", []string{"--speed", "60"}},
		{"jsonl, rate", "jsonl", []string{"--rate", "20"}},
		{"csv, interval and speed", "csv", []string{"--speed", "30", "--interval", "1m"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(fmt.Sprintf(`scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-01T06:00:00"
}
entity "user" {
  count = 50
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    start      = minutes(uniform(0, 5))
    max_events = 20
  }
  gap     = seconds(uniform(1, 30))
  initial = "e"
  state "e" {
    emit "events" {
      at = event.time
      n  = index
    }
    next = { e = 1 }
  }
}
sink "out" {
  type   = "stdout"
  stream = "events"
  format = %q
}
`, tc.format)), 0o644)
			cmd := exec.Command(os.Args[0], append([]string{"run", path, "--out", filepath.Join(dir, "out"), "-q", "--no-manifest"}, tc.flags...)...)
			cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Kill()
				cmd.Wait()
			}()
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			start := time.Now()
			var got []string
			// Long before the run's end (minutes away), however slowly the
			// process starts on a loaded machine.
			deadline := time.After(30 * time.Second)
		read:
			for len(got) < 4 {
				select {
				case l, ok := <-lines:
					if !ok {
						break read
					}
					got = append(got, l)
				case <-deadline:
					break read
				}
			}
			if len(got) < 4 {
				t.Fatalf("%d lines within %v of a run that takes minutes: %q", len(got), time.Since(start).Round(time.Millisecond), got)
			}
			first := got[0]
			if tc.format == "csv" {
				if first != "at,n" {
					t.Errorf("header %q", first)
				}
				first = got[1]
			}
			if !strings.Contains(first, "2025-06-01T00:0") {
				t.Errorf("first record %q", first)
			}
		})
	}
}

// TestStdoutClosedEarly: `scen run … | head -1` closes standard output
// while the run goes on. With stdout its only sink, the run stops
// quietly with exit 0, as yes or seq piped into head do (review 29 #13e:
// exit 1 broke `set -o pipefail` scripts), and publishes nothing (no
// manifest). With a file sink as well, whose file would be incomplete,
// the run fails as with any sink that cannot be written: exit 1, a
// message that says what happened, and no file left, temporary ones
// included. Before, SIGPIPE killed the process (exit 141) and left the
// file sinks' temporary files behind.
func TestStdoutClosedEarly(t *testing.T) {
	const failed = `error: sink "out": standard output was closed by the program reading it before the run ended (write /dev/stdout: broken pipe) (no output file was published)`
	for _, tc := range []struct {
		name     string
		withFile bool
		flags    []string
		exit     int
		stderr   string // "": nothing at all
	}{
		{"stdout only, quiet", false, []string{"-q"}, 0, ""},
		{"stdout only", false, nil, 0, "stopped: the program reading standard output closed it\n"},
		{"stdout and a file sink", true, []string{"-q", "--no-manifest"}, 1, failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			src := `scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-02T00:00:00"
}
entity "user" {
  count = 5000
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
    next = { e = 1 }
  }
}
sink "out" {
  type   = "stdout"
  stream = "events"
}
`
			if tc.withFile {
				src += "sink \"file\" {\n  type   = \"jsonl\"\n  stream = \"events\"\n  path   = \"e.jsonl\"\n}\n"
			}
			os.WriteFile(path, []byte(src), 0o644)
			out := filepath.Join(dir, "out")
			cmd := exec.Command(os.Args[0], append([]string{"run", path, "--out", out}, tc.flags...)...)
			cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, `{"at":`) {
				t.Fatalf("first line %q, %v", line, err)
			}
			stdout.Close() // as head does
			err = cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exit {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.exit, stderr.String())
			}
			got := stderr.String()
			if tc.stderr == "" && got != "" || !strings.Contains(got, tc.stderr) ||
				tc.exit == 0 && strings.Contains(got, "error") {
				t.Errorf("stderr %q, want %q", got, tc.stderr)
			}
			if left := filesUnder(out); len(left) > 0 {
				t.Errorf("the run left %v", left)
			}
		})
	}
}
