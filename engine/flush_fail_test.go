package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
)

// flakyBroker is a delivering sink whose Flush at an --interval boundary
// fails: at once, or (hang) when the run gives up waiting for it, as the
// kafka sink's does. Its Close reports what it kept, with an error.
type flakyBroker struct {
	sinks.Sink // the declared sink: its encoder
	hang       bool
	giveUp     <-chan struct{}
	written    int64
}

const (
	flushErrText = "flush: the broker went away"
	closeErrText = "close: records were not acknowledged"
)

func (f *flakyBroker) Open(ri sinks.RunInfo) error    { f.giveUp = ri.GiveUp; return nil }
func (f *flakyBroker) Write(ts int64, b []byte) error { f.written++; return nil }
func (f *flakyBroker) Delivering() bool               { return true }
func (f *flakyBroker) Abort()                         {}
func (f *flakyBroker) Close() (sinks.Result, error) {
	return sinks.Result{Records: 1}, errors.New(closeErrText)
}
func (f *flakyBroker) WriteRun(int64, int64, int, []byte) (bool, error) { return false, nil }
func (f *flakyBroker) Flush() error {
	if f.hang {
		<-f.giveUp
	}
	return errors.New(flushErrText)
}

// TestIntervalFlushFailureNamesTheSink: a sink whose Flush fails at an
// --interval boundary is the sink that failed the run, as one whose Write
// fails is. Before, the run did not record which sink failed: the sink
// was closed again and its Close error reported next to the Flush error,
// and a Flush given up on at the time limit was reported as the cause
// instead of the time limit.
func TestIntervalFlushFailureNamesTheSink(t *testing.T) {
	defer func(g time.Duration) { engine.TimeLimitGrace = g }(engine.TimeLimitGrace)
	engine.TimeLimitGrace = 50 * time.Millisecond
	src := `scenario "s" {
  seed  = 1
  start = "2025-06-01T00:00:00"
  end   = "2025-06-02T00:00:00"
}
entity "user" {
  count = 20
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    start      = uniform("0s", "23h")
    max_events = 3
  }
  initial = "e"
  state "e" {
    emit "events" {
      at = event.time
      n  = index
    }
    next = { e = 1 }
  }
}
sink "k" {
  type   = "jsonl"
  stream = "events"
  path   = "k.jsonl"
}
`
	for _, tc := range []struct {
		name      string
		hang      bool
		limit     time.Duration
		wantLimit bool
	}{
		{"flush fails", false, 0, false},
		{"flush given up on at the time limit", true, 200 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := compileSrc(t, "s.hcl", src)
			fb := &flakyBroker{Sink: plan.Sinks[0].Sink, hang: tc.hang}
			plan.Sinks[0].Sink = fb
			ro := engine.RunOptions{OutDir: t.TempDir(), Workers: 1, Interval: 3600_000, TimeLimit: tc.limit}
			done := make(chan error, 1)
			go func() { _, err := plan.Run(context.Background(), ro); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the run did not end")
			}
			var re *engine.RunError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want a RunError", err)
			}
			msg := err.Error()
			if strings.Count(msg, flushErrText) != 1 || strings.Contains(msg, closeErrText) {
				t.Errorf("error %q: want the flush error once and not the Close error of the sink that failed", msg)
			}
			var tl *engine.TimeLimitError
			if got := errors.As(re.Cause, &tl); got != tc.wantLimit {
				t.Errorf("cause %v: time limit %v, want %v", re.Cause, got, tc.wantLimit)
			}
			if len(re.Sinks) != 1 || !re.Sinks[0].Delivering || re.Sinks[0].Delivered != 1 {
				t.Errorf("outcomes %+v", re.Sinks)
			}
		})
	}
}
