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
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

const faultPGDSN = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=5"

// faultPlan compiles the clickstream scenario with extra blocks appended
// (more sinks), for 2000 users: about 275 000 records.
func faultPlan(t *testing.T, extra string) *engine.Plan {
	t.Helper()
	return faultPlanUsers(t, extra, 2000)
}

func faultPlanUsers(t *testing.T, extra string, users int) *engine.Plan {
	t.Helper()
	src := string(readFile(t, "../scenarios/clickstream.hcl")) + "\n" + extra
	path := filepath.Join(t.TempDir(), "c.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return compileFile(t, path, nil, map[string]string{"users": fmt.Sprint(users)})
}

// when runs f once, from the progress callback, the first time ready
// reports true after at least n records were merged (faults are injected
// only once the sink has provably delivered something, so the test does
// not depend on how fast this machine is).
func when(n int64, ready func() bool, f func()) func(int64, int64) {
	var done bool
	return func(records, _ int64) {
		if done || records < n || !ready() {
			return
		}
		done = true
		f()
	}
}

// topicRecords counts the records a topic holds (the sum of its
// partitions' end offsets).
func topicRecords(t *testing.T, addrs []string, topic string) int64 {
	t.Helper()
	n, err := countTopic(addrs, topic)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// countTopic is topicRecords without a *testing.T, for callbacks that run
// outside the test's goroutine.
func countTopic(addrs []string, topic string) (int64, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offs, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return 0, err
	}
	var n int64
	offs.Each(func(o kadm.ListedOffset) {
		if o.Err != nil && err == nil {
			err = o.Err
		}
		n += o.Offset
	})
	return n, err
}

func pgFaultConn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), faultPGDSN)
	if err != nil {
		t.Skipf("PostgreSQL not reachable: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestRuntimeFaults: a sink that cannot be opened or fails during the run
// fails it with an error that names the sink block; brokers and databases
// report how many records they delivered, which is exactly what they hold;
// no file is published and no temporary file is left.
func TestRuntimeFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("needs kfake and PostgreSQL")
	}
	type setup struct {
		plan     *engine.Plan
		out      string
		progress func(int64, int64)
		// delivered checks what a delivering sink reported against what
		// its broker or database holds.
		delivered func(t *testing.T, reported int64)
		leave     []string // files allowed in out (put there by the test)
	}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T) setup
		wants   []string
		quickly time.Duration // the run must fail within this time
	}{
		{"output directory under a regular file", func(t *testing.T) setup {
			out := t.TempDir()
			os.WriteFile(filepath.Join(out, "file"), nil, 0o644)
			return setup{plan: faultPlan(t, ""), out: filepath.Join(out, "file", "out"), leave: []string{"file"}}
		}, []string{`sink "events": mkdir `, "not a directory"}, 10 * time.Second},

		{"partition directory blocked mid-run, broker delivering", func(t *testing.T) setup {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "ev"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			out := t.TempDir()
			// April's directory cannot be created: a file has its name.
			os.MkdirAll(filepath.Join(out, "p"), 0o755)
			os.WriteFile(filepath.Join(out, "p", "month=04"), nil, 0o644)
			plan := faultPlan(t, fmt.Sprintf(`
sink "monthly" {
  type   = "jsonl"
  stream = "events"
  path   = "p/month={{month}}/events.jsonl"
}
sink "bus" {
  type    = "kafka"
  stream  = "events"
  brokers = [%q]
  topic   = "ev"
}`, c.ListenAddrs()[0]))
			return setup{plan: plan, out: out, leave: []string{"p/month=04"}, delivered: func(t *testing.T, n int64) {
				if got := topicRecords(t, c.ListenAddrs(), "ev"); got != n || n == 0 {
					t.Errorf("the topic holds %d records, the run reported %d delivered", got, n)
				}
			}}
		}, []string{`sink "monthly": mkdir `, "month=04: not a directory", `sink "bus" delivered `}, 30 * time.Second},

		{"kafka unreachable", func(t *testing.T) setup {
			return setup{plan: faultPlan(t, `
sink "bus" {
  type            = "kafka"
  stream          = "events"
  brokers         = ["127.0.0.1:1"]
  topic           = "ev"
  connect_timeout = "1s"
}`), out: t.TempDir()}
		}, []string{`sink "bus": kafka sink: cannot reach broker(s) 127.0.0.1:1 (connection refused; not retried)`}, 5 * time.Second},

		{"kafka broker drops mid-run", func(t *testing.T) setup {
			dir := t.TempDir()
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "ev"), kfake.DataDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			addr := c.ListenAddrs()[0]
			plan := faultPlan(t, fmt.Sprintf(`
sink "bus" {
  type             = "kafka"
  stream           = "events"
  brokers          = [%q]
  topic            = "ev"
  delivery_timeout = "2s"
}`, addr))
			acked := func() bool { n, err := countTopic(c.ListenAddrs(), "ev"); return err == nil && n > 0 }
			return setup{plan: plan, out: t.TempDir(), progress: when(40000, acked, c.Close), delivered: func(t *testing.T, n int64) {
				// The broker's log survives it: restarted, it holds
				// exactly what was reported delivered.
				c2, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(dir))
				if err != nil {
					t.Fatal(err)
				}
				defer c2.Close()
				if got := topicRecords(t, c2.ListenAddrs(), "ev"); got != n || n == 0 {
					t.Errorf("the restarted broker holds %d records, the run reported %d delivered", got, n)
				}
			}}
		}, []string{`sink "bus": kafka sink: `, `no record was acknowledged by broker(s) `, `(delivery_timeout)`,
			`sink "bus" delivered `, ` undelivered)`}, 30 * time.Second},

		{"postgres refuses connections", func(t *testing.T) setup {
			return setup{plan: faultPlan(t, `
sink "db" {
  type   = "postgres"
  stream = "events"
  table  = "never_created"
  dsn    = "host=127.0.0.1 port=1 dbname=test user=postgres connect_timeout=2"
}`), out: t.TempDir()}
		}, []string{`sink "db": postgres sink: cannot connect (connection from dsn)`, "connection refused"}, 10 * time.Second},

		{"postgres connection terminated mid-COPY", func(t *testing.T) setup {
			conn := pgFaultConn(t)
			app := fmt.Sprintf("scen_fault_%d", os.Getpid())
			table := app
			ctx := context.Background()
			conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			t.Cleanup(func() { conn.Exec(ctx, "DROP TABLE IF EXISTS "+table) })
			plan := faultPlan(t, fmt.Sprintf(`
sink "db" {
  type         = "postgres"
  stream       = "events"
  table        = %q
  dsn          = "%s application_name=%s"
  create_table = true
  batch_rows   = 5000
}`, table, faultPGDSN, app))
			kill := func() {
				var n int
				err := conn.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n)
				if err != nil || n != 1 {
					t.Errorf("terminated %d backends: %v", n, err)
				}
			}
			committed := func() bool {
				var got int64
				return conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&got) == nil && got > 0
			}
			return setup{plan: plan, out: t.TempDir(), progress: when(10000, committed, kill), delivered: func(t *testing.T, n int64) {
				var got int64
				if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != n || n == 0 || n%5000 != 0 {
					t.Errorf("the table holds %d rows, the run reported %d delivered (whole batches of 5000)", got, n)
				}
			}}
		}, []string{`sink "db": postgres sink: table "scen_fault_`, "were committed", `sink "db" delivered `, ` undelivered)`}, 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.setup(t)
			start := time.Now()
			res, err := s.plan.Run(context.Background(), engine.RunOptions{OutDir: s.out, Workers: 2, Progress: s.progress})
			took := time.Since(start)
			if err == nil {
				t.Fatalf("the run succeeded: %+v", res)
			}
			t.Logf("after %s: %v", took.Round(time.Millisecond), err)
			if took > tc.quickly {
				t.Errorf("the run took %s to fail", took)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q", w)
				}
			}
			var re *engine.RunError
			if errors.As(err, &re) && s.delivered != nil {
				for _, o := range re.Sinks {
					if o.Delivering {
						s.delivered(t, o.Delivered)
					}
				}
			}
			root := s.out
			if len(s.leave) > 0 && s.leave[0] == "file" {
				root = filepath.Dir(filepath.Dir(s.out))
			}
			for _, f := range walkFiles(root) {
				if !contains(s.leave, f) {
					t.Errorf("left behind: %s", f)
				}
			}
		})
	}
}

func walkFiles(dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestTimeLimit: a run that reaches its time limit stops with a
// *TimeLimitError, says how many records it had written and what brokers
// received, and publishes no file.
func TestTimeLimit(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "ev"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// 30 000 users (4.2 M events): no run can finish within the limit,
	// and the actors are built well before it, even under -race.
	plan := faultPlanUsers(t, fmt.Sprintf(`
sink "bus" {
  type    = "kafka"
  stream  = "events"
  brokers = [%q]
  topic   = "ev"
}`, c.ListenAddrs()[0]), 30000)
	for _, tc := range []struct {
		name  string
		limit time.Duration
		rate  float64
	}{
		{"while generating", time.Second, 0},
		{"while pacing", time.Second, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			before := topicRecords(t, c.ListenAddrs(), "ev")
			start := time.Now()
			_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2, TimeLimit: tc.limit, Rate: tc.rate})
			took := time.Since(start)
			var tl *engine.TimeLimitError
			var re *engine.RunError
			if !errors.As(err, &tl) || !errors.As(err, &re) || tl.Limit != tc.limit {
				t.Fatalf("error %v is not the time limit", err)
			}
			if took > tc.limit+5*time.Second {
				t.Errorf("stopped after %s", took)
			}
			var bus engine.SinkOutcome
			for _, o := range re.Sinks {
				if o.Name == "bus" {
					bus = o
				}
			}
			if bus.Written == 0 || bus.Delivered != bus.Written {
				t.Errorf("the broker, which is up, was handed %d records and delivered %d", bus.Written, bus.Delivered)
			}
			for _, w := range []string{
				fmt.Sprintf("the run reached its time limit of %s and was stopped after writing %d records; ", tc.limit, re.Records),
				fmt.Sprintf("sink \"bus\" delivered %d of %d records", bus.Delivered, bus.Written),
			} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if got := topicRecords(t, c.ListenAddrs(), "ev") - before; got != bus.Delivered {
				t.Errorf("the topic received %d records, the run reported %d", got, bus.Delivered)
			}
			if left := walkFiles(out); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}
