package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/scenhq/scen/internal/pgtest"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestSinkFailurePointsAtSource: a sink that cannot be opened or written
// (a table that does not exist or refuses a row, a database or broker that
// cannot be reached, a topic that does not exist, a path that cannot be
// created) exits 1 with the message and, below it, the scenario line the
// failure concerns, as a diagnostic is printed. Before, only the sink's
// name said where to look.
func TestSinkFailurePointsAtSource(t *testing.T) {
	const pgDSN = pgtest.DSN
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "ev"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	broker := cluster.ListenAddrs()[0]
	pg := func(t *testing.T) *pgx.Conn { return pgtest.Connect(t) }
	for _, tc := range []struct {
		name  string
		sink  string // the sink block; line 1 of it is line 24 of the file
		setup func(t *testing.T)
		args  []string
		msg   string // in the error line
		at    string // file:line:col, the file relative to the scenario's directory
		line  string // the source line shown
	}{
		{"postgres table missing", `sink "db" {
  type   = "postgres"
  stream = "events"
  dsn    = "` + pgDSN + `"
  table  = "scen_audit_no_such_table"
}`, func(t *testing.T) {
			pg(t).Exec(context.Background(), "DROP TABLE IF EXISTS scen_audit_no_such_table")
		}, nil, `table "scen_audit_no_such_table" cannot be loaded (create it, or set create_table = true)`,
			"s.hcl:28:12", `  table  = "scen_audit_no_such_table"`},
		{"postgres column type refuses a row", `sink "db" {
  type   = "postgres"
  stream = "events"
  dsn    = "` + pgDSN + `"
  table  = "scen_audit_wrong_type"
}`, func(t *testing.T) {
			c := pg(t)
			c.Exec(context.Background(), "DROP TABLE IF EXISTS scen_audit_wrong_type")
			if _, err := c.Exec(context.Background(), "CREATE TABLE scen_audit_wrong_type (at integer, n bigint)"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Exec(context.Background(), "DROP TABLE IF EXISTS scen_audit_wrong_type") })
		}, nil, `column "at" of table "scen_audit_wrong_type" is integer, which cannot hold field "at" of stream "events" (time)`, "s.hcl:28:12", `  table  = "scen_audit_wrong_type"`},
		{"postgres unreachable", `sink "db" {
  type   = "postgres"
  stream = "events"
  dsn    = "host=127.0.0.1 port=1 dbname=test user=postgres"
  table  = "t"
}`, nil, nil, "postgres sink: cannot connect (connection from dsn)", "s.hcl:27:12",
			`  dsn    = "host=127.0.0.1 port=1 dbname=test user=postgres"`},
		{"postgres password_env unset", `sink "db" {
  type         = "postgres"
  stream       = "events"
  dsn          = "host=127.0.0.1 port=1 dbname=test user=postgres"
  table        = "t"
  password_env = "SCEN_AUDIT_UNSET_PASSWORD"
}`, nil, nil, "password_env names SCEN_AUDIT_UNSET_PASSWORD, which is not set or empty", "s.hcl:29:18",
			`  password_env = "SCEN_AUDIT_UNSET_PASSWORD"`},
		{"kafka unreachable", `sink "bus" {
  type    = "kafka"
  stream  = "events"
  brokers = ["127.0.0.1:1"]
  topic   = "ev"
}`, nil, nil, "kafka sink: cannot reach broker(s) 127.0.0.1:1", "s.hcl:27:13", `  brokers = ["127.0.0.1:1"]`},
		{"kafka topic missing", `sink "bus" {
  type    = "kafka"
  stream  = "events"
  brokers = ["` + broker + `"]
  topic   = "no-such-topic"
}`, nil, nil, `topic "no-such-topic" does not exist; create it or set create_topic = true`, "s.hcl:28:13",
			`  topic   = "no-such-topic"`},
		{"file path cannot be created", `sink "file" {
  type   = "jsonl"
  stream = "events"
  path   = "sub/e.jsonl"
}`, nil, []string{"--out", "BLOCKER/out"}, "not a directory", "s.hcl:27:12", `  path   = "sub/e.jsonl"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			dir := t.TempDir()
			src := `scenario "s" {
  timezone = "Asia/Seoul"
  start    = "2025-06-01T00:00:00"
  end      = "2025-06-01T01:00:00"
}
entity "user" {
  count = 3
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 2
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
` + tc.sink + "\n"
			if n := strings.Count(src[:strings.Index(src, tc.sink)], "\n"); n != 23 {
				t.Fatalf("the sink starts on line %d", n+1)
			}
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			blocker := filepath.Join(dir, "BLOCKER")
			os.WriteFile(blocker, nil, 0o644)
			out := filepath.Join(dir, "out")
			args := []string{"run", path, "--out", out, "-q", "--no-manifest"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "BLOCKER", blocker))
			}
			code, _, stderr := runCLI(args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, stderr)
			}
			lines := strings.Split(stderr, "\n")
			if !strings.HasPrefix(lines[0], "error: sink ") || !strings.Contains(lines[0], tc.msg) ||
				!strings.Contains(stderr, "(no output file was published)") {
				t.Errorf("the message lacks %q:\n%s", tc.msg, stderr)
			}
			wantAt := fmt.Sprintf("  --> %s", filepath.Join(dir, tc.at))
			i := 0
			for i < len(lines) && !strings.HasPrefix(lines[i], "  --> ") {
				i++
			}
			if i == len(lines) || lines[i] != wantAt {
				t.Fatalf("no %q line:\n%s", wantAt, stderr)
			}
			if i+2 >= len(lines) || !strings.HasSuffix(lines[i+2], " | "+tc.line) || !strings.Contains(lines[i+3], "^") {
				t.Errorf("the snippet is not line %q with a mark:\n%s", tc.line, stderr)
			}
			if left := filesUnder(out); len(left) > 0 {
				t.Errorf("the run left %v", left)
			}
		})
	}
}
