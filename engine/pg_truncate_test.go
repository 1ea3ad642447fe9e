package engine_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/pgtest"
)

// TestPostgresTruncateAllOrNothing: with truncate = true the TRUNCATE and
// every batch run in one transaction, committed when the run has written
// everything: a run that fails at run time after some rows were sent
// (batches of batch_rows = 100, which a run without truncate commits) leaves the table with its old rows;
// without truncate, the batches before the failure stay; a run that
// succeeds replaces the rows.
func TestPostgresTruncateAllOrNothing(t *testing.T) {
	conn := pgtest.Connect(t)
	ctx := context.Background()
	table := fmt.Sprintf("scen_test_trunc_run_%d", os.Getpid())
	drop := "DROP TABLE IF EXISTS " + pgx.Identifier{table}.Sanitize()
	t.Cleanup(func() { conn.Exec(ctx, drop) })
	for _, tc := range []struct {
		name     string
		truncate bool
		x        string // the emit's x
		wantErr  string // "" for a run that succeeds
		at       string // file:line:col of the run's error
		want     string // the rows left: "old", "new" or "old+some"
	}{
		{"fails with truncate", true, "int(100 / (600 - event.seq))", "Division by zero", "v.hcl:19:17", "old"},
		{"succeeds with truncate", true, "int(100 / (30 + event.seq))", "", "", "new"},
		{"fails without truncate", false, "int(100 / (600 - event.seq))", "Division by zero", "v.hcl:19:17", "old+some"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := conn.Exec(ctx, drop); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (seq bigint, x bigint)"); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Exec(ctx, "INSERT INTO "+table+" SELECT -g, 0 FROM generate_series(1, 50) g"); err != nil {
				t.Fatal(err)
			}
			src := fmt.Sprintf(`scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-07-01T00:00:00"
}
entity "user" {
  count = 12
}
flow "f" {
  actor   = entity.user
  session {
    count      = 1
    max_events = 720
  }
  gap     = "1h"
  initial = "e"
  state "e" {
    emit "events" {
      seq = index * 10 + event.seq
      x   = %s
    }
    next = { e = 1 }
  }
}
sink "db" {
  type       = "postgres"
  stream     = "events"
  dsn        = %q
  table      = %q
  truncate   = %v
  batch_rows = 100
}
`, tc.x, pgtest.DSN, table, tc.truncate)
			path := writeScenario(t, src)
			seed := uint64(1)
			plan := compileFile(t, path, &seed, nil)
			_, err := plan.Run(ctx, engine.RunOptions{OutDir: t.TempDir(), Workers: 1})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				if err == nil {
					t.Fatal("the run succeeded")
				}
				if msg := err.Error(); !strings.Contains(msg, tc.wantErr) || !strings.Contains(msg, tc.at) {
					t.Fatalf("got %v\nwant %q at %s", err, tc.wantErr, tc.at)
				}
			}
			var old, fresh int64
			if err := conn.QueryRow(ctx, "SELECT count(*) FILTER (WHERE seq < 0), count(*) FILTER (WHERE seq >= 0) FROM "+table).Scan(&old, &fresh); err != nil {
				t.Fatal(err)
			}
			switch tc.want {
			case "old":
				if old != 50 || fresh != 0 {
					t.Errorf("%d old rows and %d new ones, want the 50 old ones only", old, fresh)
				}
			case "new":
				if old != 0 || fresh != 8640 {
					t.Errorf("%d old rows and %d new ones, want the 8640 new ones only", old, fresh)
				}
			case "old+some":
				// The batches sent before the failure stay (how many
				// reach the table before the run stops depends on
				// timing: none is possible).
				if old != 50 || fresh >= 8640 {
					t.Errorf("%d old rows and %d new ones, want the 50 old ones and the batches before the failure", old, fresh)
				}
			}
		})
	}
}
