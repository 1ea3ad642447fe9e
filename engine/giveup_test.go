package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/pgtest"
)

// TestRunStopsWaitingForLockedTable: a table locked by another session
// holds the run's commit. The run still ends: at the time limit plus
// engine.TimeLimitGrace, or when the caller closes RunOptions.GiveUp (scen
// run's second interrupt). Before, a run with --timeout waited for the
// lock for ever.
func TestRunStopsWaitingForLockedTable(t *testing.T) {
	ctx := context.Background()
	defer func(g time.Duration) { engine.TimeLimitGrace = g }(engine.TimeLimitGrace)
	engine.TimeLimitGrace = 300 * time.Millisecond
	for _, tc := range []struct {
		name      string
		limit     time.Duration
		giveUpIn  time.Duration
		wantCause string
	}{
		{"time limit", 500 * time.Millisecond, 0, "time limit"},
		{"the caller gives up", 0, 500 * time.Millisecond, ""},
		{"the caller gives up before the time limit's grace", 300 * time.Millisecond, 400 * time.Millisecond, "time limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lk := pgtest.LockTable(t, "giveup")
			path := filepath.Join(t.TempDir(), "s.hcl")
			os.WriteFile(path, []byte(pgtest.Scenario(lk.Name)), 0o644)
			plan := compileFile(t, path, nil, nil)
			ro := engine.RunOptions{OutDir: t.TempDir(), Workers: 1, TimeLimit: tc.limit}
			if tc.giveUpIn > 0 {
				g := make(chan struct{})
				time.AfterFunc(tc.giveUpIn, func() { close(g) })
				ro.GiveUp = g
			}
			start := time.Now()
			done := make(chan error, 1)
			go func() { _, err := plan.Run(ctx, ro); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				lk.Release() // let the run end
				<-done
				t.Fatal("the run still waited for the lock after 10s")
			}
			t.Logf("ended after %v: %v", time.Since(start).Round(time.Millisecond), err)
			var re *engine.RunError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want a RunError", err)
			}
			if !strings.Contains(err.Error(), "stopped waiting for the database to commit") ||
				!strings.Contains(err.Error(), tc.wantCause) || !strings.Contains(err.Error(), `sink "db"`) {
				t.Errorf("error %q", err)
			}
			for _, o := range re.Sinks {
				if o.Delivered != 0 {
					t.Errorf("sink %s delivered %d", o.Name, o.Delivered)
				}
			}
		})
	}
}
