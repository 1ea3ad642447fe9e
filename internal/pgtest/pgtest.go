// Package pgtest holds the PostgreSQL fixtures tests of several packages
// share: a table another session holds locked, and a scenario loading
// into it.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DSN is the test server (trust authentication, database test).
const DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"

// Locked is a table (at timestamptz, n bigint) that a second session
// holds under a SHARE lock, so a load into it waits at its commit.
type Locked struct {
	Name string
	Conn *pgx.Conn // the test's own session, not the locker
	tx   pgx.Tx
}

// Connect opens a session to the test server, closed when the test ends;
// it skips the test when there is no server.
func Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, DSN)
	if err != nil {
		t.Skipf("no PostgreSQL to test against (%s): %v", DSN, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// LockTable creates the table scen_test_BASE_PID, locks it from a second
// session until Release or the end of the test, and drops it at the end;
// it skips the test when there is no server.
func LockTable(t testing.TB, base string) *Locked {
	t.Helper()
	ctx := context.Background()
	conn := Connect(t)
	name := fmt.Sprintf("scen_test_%s_%d", base, os.Getpid())
	conn.Exec(ctx, "DROP TABLE IF EXISTS "+name)
	if _, err := conn.Exec(ctx, "CREATE TABLE "+name+" (at timestamptz, n bigint)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(ctx, "DROP TABLE IF EXISTS "+name) })
	locker, err := pgx.Connect(ctx, DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locker.Close(ctx) })
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, "LOCK TABLE "+name+" IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	return &Locked{Name: name, Conn: conn, tx: tx}
}

// WaitForWaiter waits until another session waits for the table's lock
// (a load stuck behind it), failing t after within: a test that signals
// the loading process then knows the load has begun, however slowly the
// process started on a loaded machine.
func (l *Locked) WaitForWaiter(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var n int
		err := l.Conn.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_locks WHERE relation = to_regclass($1) AND NOT granted", l.Name).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session waited for the lock on %s within %v", l.Name, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Release ends the lock (the waiting load goes on).
func (l *Locked) Release() { l.tx.Rollback(context.Background()) }

// Scenario is a scenario whose 30 records (10 users × 3 events, columns at
// and n) go to a postgres sink "db" on table.
func Scenario(table string) string {
	return fmt.Sprintf(`scenario "s" {
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
`, DSN, table)
}
