package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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
