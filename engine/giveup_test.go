package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scenhq/scen/engine"
)

// TestRunStopsWaitingForLockedTable: a table locked by another session
// holds the run's commit. The run still ends: at the time limit plus
// engine.TimeLimitGrace, or when the caller closes RunOptions.GiveUp (scen
// run's second interrupt). Before, a run with --timeout waited for the
// lock for ever.
func TestRunStopsWaitingForLockedTable(t *testing.T) {
	const dsn = "host=127.0.0.1 port=5432 dbname=test user=postgres"
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Skipf("no PostgreSQL to test against (%s): %v", dsn, err)
	}
	defer conn.Close(ctx)
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
			table := fmt.Sprintf("scen_test_giveup_%d", os.Getpid())
			conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (at timestamptz, n bigint)"); err != nil {
				t.Fatal(err)
			}
			defer conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			locker, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer locker.Close(ctx)
			tx, err := locker.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, "LOCK TABLE "+table+" IN SHARE MODE"); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(fmt.Sprintf(`scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-01T01:00:00"
}
entity "user" {
  count = 10
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
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
sink "db" {
  type   = "postgres"
  stream = "events"
  dsn    = %q
  table  = %q
}
`, dsn, table)), 0o644)
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
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				tx.Rollback(ctx) // let the run end
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
