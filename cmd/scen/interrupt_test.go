package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/pgtest"
	"github.com/twmb/franz-go/pkg/kfake"
)

// lockedBuffer is a child's stderr, read while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInterruptPacedKafkaRun: interrupting `scen run --speed` that streams
// to Kafka (and a file) stops it promptly, publishes no file and reports
// what the broker kept. When the broker has gone away the first interrupt
// waits for acknowledgements (up to delivery_timeout, 30 s by default);
// a second one stops waiting at once. Before, the second interrupt was
// ignored and the run could only be killed.
func TestInterruptPacedKafkaRun(t *testing.T) {
	for _, tc := range []struct {
		name        string
		brokerDies  bool
		signals     []syscall.Signal
		wants       []string
		allAcked    bool
		withinAfter time.Duration // from the first signal to the exit
	}{
		{"broker up, SIGINT", false, []syscall.Signal{syscall.SIGINT}, []string{
			"error: interrupted: the run was stopped and no output file was published; sink \"bus\" delivered "}, true, 5 * time.Second},
		{"broker up, SIGTERM", false, []syscall.Signal{syscall.SIGTERM}, []string{
			"error: interrupted: the run was stopped and no output file was published; sink \"bus\" delivered "}, true, 5 * time.Second},
		{"broker up, SIGHUP (the terminal closed)", false, []syscall.Signal{syscall.SIGHUP}, []string{
			"error: interrupted: the run was stopped and no output file was published; sink \"bus\" delivered "}, true, 5 * time.Second},
		{"broker gone, SIGINT twice", true, []syscall.Signal{syscall.SIGINT, syscall.SIGINT}, []string{
			`stopping: waiting for sink "bus" to confirm what was sent (interrupt again to stop waiting)`,
			"error: interrupted: the run was stopped and no output file was published; sink \"bus\" delivered ",
			" undelivered) (kafka sink: ", "to acknowledge the records"}, false, 10 * time.Second},
		{"broker gone, SIGTERM twice", true, []syscall.Signal{syscall.SIGTERM, syscall.SIGTERM}, []string{
			"to acknowledge the records"}, false, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "ev"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(fmt.Sprintf(`scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-01T12:00:00"
}
entity "user" {
  count = 200
}
flow "f" {
  actor = entity.user
  session {
    count = 1
    start = minutes(uniform(0, 60))
    max_events = 50
  }
  gap     = seconds(uniform(5, 60))
  initial = "e"
  state "e" {
    emit "events" {
      at = event.time
      n  = index
    }
    next = { e = 1 }
  }
}
sink "file" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
sink "bus" {
  type    = "kafka"
  stream  = "events"
  brokers = [%q]
  topic   = "ev"
  linger  = "0s"
}
`, c.ListenAddrs()[0])), 0o644)
			out := filepath.Join(dir, "out")
			cmd := exec.Command(os.Args[0], "run", path, "--out", out, "--speed", "120", "--no-manifest")
			cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// The run has begun (its file sink's temporary file exists, so
			// the signal handlers are in place), then records flow.
			waitUntil(t, 60*time.Second, "the run's first file", func() bool { return len(filesUnder(out)) > 0 })
			time.Sleep(1500 * time.Millisecond)
			if tc.brokerDies {
				c.Close()
				time.Sleep(500 * time.Millisecond) // records go unacknowledged
			}
			first := time.Now()
			var werr error
		signals:
			for i, sig := range tc.signals {
				if i > 0 {
					// The second interrupt comes once the first is being handled.
					for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stderr.String(), "stopping: "); {
						if time.Now().After(deadline) {
							t.Fatalf("no word of waiting after the first signal:\n%s", stderr.String())
						}
						time.Sleep(10 * time.Millisecond)
					}
				}
				cmd.Process.Signal(sig)
				select {
				case werr = <-exited:
					break signals
				case <-time.After(300 * time.Millisecond):
				}
			}
			if werr == nil {
				select {
				case werr = <-exited:
				case <-time.After(tc.withinAfter):
					cmd.Process.Kill()
					<-exited
					t.Fatalf("still running %v after the first signal:\n%s", tc.withinAfter, stderr.String())
				}
			}
			if took := time.Since(first); took > tc.withinAfter {
				t.Errorf("exited %v after the first signal, want within %v", took, tc.withinAfter)
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit %v, want 1:\n%s", werr, stderr.String())
			}
			got := stderr.String()
			for _, w := range tc.wants {
				if !strings.Contains(got, w) {
					t.Errorf("stderr lacks %q:\n%s", w, got)
				}
			}
			m := regexp.MustCompile(`sink "bus" delivered (\d+) of (\d+) records`).FindStringSubmatch(got)
			if m == nil || m[1] == "0" {
				t.Fatalf("no delivered count, or nothing delivered:\n%s", got)
			}
			if (m[1] == m[2]) != tc.allAcked {
				t.Errorf("delivered %s of %s, want all acknowledged: %v", m[1], m[2], tc.allAcked)
			}
			if left := filesUnder(out); len(left) > 0 {
				t.Errorf("the run left %v", left)
			}
		})
	}
}

// TestInterruptLockedPostgres: a run whose table is locked by another
// session waits for the lock when it commits; the first interrupt says it
// is waiting, the second stops waiting, and the message is the sink's
// whole account (before, the interrupt message cut it at its first "; ",
// dropping the sink's name and the cause).
func TestInterruptLockedPostgres(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx := context.Background()
			lk := pgtest.LockTable(t, "locked")
			table, conn := lk.Name, lk.Conn
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(pgtest.Scenario(table)), 0o644)
			cmd := exec.Command(os.Args[0], "run", path, "--out", filepath.Join(dir, "out"), "--no-manifest")
			cmd.Env = append(os.Environ(), "SCEN_TEST_CHILD=1")
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			lk.WaitForWaiter(t, 60*time.Second) // the records are sent; the load waits for the lock
			cmd.Process.Signal(sig)
			select {
			case err := <-exited:
				t.Fatalf("exited (%v) while the table was locked:\n%s", err, stderr.String())
			case <-time.After(time.Second):
			}
			if !strings.Contains(stderr.String(), `stopping: waiting for sink "db" to confirm what was sent (interrupt again to stop waiting)`) {
				t.Errorf("no word of waiting:\n%s", stderr.String())
			}
			cmd.Process.Signal(sig)
			var err error
			select {
			case err = <-exited:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("still running after the second signal:\n%s", stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit %v, want 1:\n%s", err, stderr.String())
			}
			want := fmt.Sprintf(`error: interrupted: the run was stopped and no output file was published; sink "db": postgres sink: table %q: `+
				`stopped waiting for the database to commit; 0 of the 30 rows written so far were committed in 0 batches`, table)
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}
			lk.Release()
			var n int64
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
				t.Errorf("the table holds %d rows (%v)", n, err)
			}
		})
	}
}

// waitUntil polls cond until it holds, failing t after within.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no sign of %s within %v", what, within)
		}
	}
}

// TestInterruptMessageNoBlankLine: the word that an interrupted run waits
// for its brokers starts a line of its own on a terminal (after ^C and the
// progress bar); written to a log or a pipe, it is not preceded by a blank
// line.
func TestInterruptMessageNoBlankLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    func(t *testing.T) (io.Writer, func() string)
		want string
	}{
		{"buffer", func(t *testing.T) (io.Writer, func() string) {
			var b lockedBuffer
			return &b, b.String
		}, "stopping: waiting for sink \"bus\""},
		{"file", func(t *testing.T) (io.Writer, func() string) {
			f, err := os.Create(filepath.Join(t.TempDir(), "log"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f, func() string { b, _ := os.ReadFile(f.Name()); return string(b) }
		}, "stopping: waiting for sink \"bus\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, read := tc.w(t)
			ctx, _, stop := interrupts(w, false, []string{`sink "bus"`})
			defer stop()
			syscall.Kill(os.Getpid(), syscall.SIGINT)
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the interrupt did not stop the run")
			}
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(read(), "stopping") && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if got := read(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("stderr %q, want it to start with %q", got, tc.want)
			}
		})
	}
}
