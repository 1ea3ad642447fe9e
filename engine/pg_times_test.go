package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/pgtest"
)

// TestPostgresTimeColumns: what an existing table's time column holds for
// an event at 2025-06-01T09:30:00 in Asia/Seoul, as docs/reference.md
// says: timestamptz the instant; timestamp (without time zone) the time of
// day in the scenario's zone (PostgreSQL drops the offset); text the
// RFC 3339 text; a duration in bigint milliseconds or as an interval.
func TestPostgresTimeColumns(t *testing.T) {
	ctx := context.Background()
	conn := pgtest.Connect(t)
	if _, err := conn.Exec(ctx, "SET TIME ZONE 'UTC'"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		atType, tookType string
		wantAt, wantTook string // as ::text in a UTC session
	}{
		{"timestamptz", "bigint", "2025-06-01 00:30:00+00", "5400000"},
		{"timestamp", "interval", "2025-06-01 09:30:00", "01:30:00"},
		{"text", "bigint", "2025-06-01T09:30:00.000+09:00", "5400000"},
	} {
		t.Run(tc.atType, func(t *testing.T) {
			table := fmt.Sprintf("scen_test_times_%d", os.Getpid())
			conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (at %s, took %s)", table, tc.atType, tc.tookType)); err != nil {
				t.Fatal(err)
			}
			defer conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(fmt.Sprintf(`scenario "s" {
  timezone = "Asia/Seoul"
  start    = "2025-06-01T09:30:00"
  end      = "2025-06-01T10:00:00"
}
entity "user" {
  count = 1
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 1
  }
  initial = "e"
  state "e" {
    emit "events" {
      at   = event.time
      took = minutes(90)
    }
    next = { end = 1 }
  }
}
sink "db" {
  type   = "postgres"
  stream = "events"
  dsn    = %q
  table  = %q
}
`, pgtest.DSN, table)), 0o644)
			runTo(t, path, 1, nil, engine.RunOptions{Workers: 1})
			var at, took string
			if err := conn.QueryRow(ctx, "SELECT at::text, took::text FROM "+table).Scan(&at, &took); err != nil {
				t.Fatal(err)
			}
			if at != tc.wantAt || took != tc.wantTook {
				t.Errorf("at %q, took %q; want %q, %q", at, took, tc.wantAt, tc.wantTook)
			}
		})
	}
}
