package engine_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// canonical is what every sink must agree on for one recipe event. The
// JSON-string fields are compared as JSON values (PostgreSQL stores them as
// jsonb, which normalises key order and spacing).
func canonical(id, name, user string, tsMillis int64, ctx, props string) string {
	return fmt.Sprintf("%s|%s|%s|%d|%s|%s", id, name, user, tsMillis, normJSON(ctx), normJSON(props))
}

func normJSON(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "invalid JSON: " + s
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return string(b)
}

func digest(rows []string) string {
	sort.Strings(rows)
	h := sha256.New()
	for _, r := range rows {
		h.Write([]byte(r))
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func fromJSON(t *testing.T, b []byte) string {
	var e struct {
		ID, Name, User, TS, Ctx, Props string
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	e.ID, e.Name, e.User, e.TS, e.Ctx, e.Props = m["event_id"], m["event_name"], m["user_id"], m["timestamp"], m["context"], m["event_properties"]
	ts, err := time.Parse(time.RFC3339Nano, e.TS)
	if err != nil {
		t.Fatal(err)
	}
	return canonical(e.ID, e.Name, e.User, ts.UnixMilli(), e.Ctx, e.Props)
}

// TestRecipeIntoEverySink runs the recipe scenario once into JSONL,
// Parquet, PostgreSQL and Kafka (kfake) and checks that every sink holds
// the same records: counts and a checksum over each record's content.
func TestRecipeIntoEverySink(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL and kfake")
	}
	ctx := context.Background()
	const dsn = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=5"
	pg, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Skipf("PostgreSQL not reachable: %v", err)
	}
	defer pg.Close(ctx)
	table := fmt.Sprintf("scen_e2e_%d", os.Getpid())
	defer pg.Exec(ctx, "DROP TABLE IF EXISTS "+table)

	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "recipe-events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()

	// A directory scenario: the shipped recipe plus a file of extra sinks.
	dir := t.TempDir()
	src := string(readFile(t, "../scenarios/recipe.hcl"))
	abs, _ := filepath.Abs("../scenarios/data/recipes.csv")
	src = strings.Replace(src, `path = "data/recipes.csv"`, fmt.Sprintf("path = %q", abs), 1)
	os.WriteFile(filepath.Join(dir, "recipe.hcl"), []byte(src), 0o644)
	quoted := make([]string, len(brokers))
	for i, b := range brokers {
		quoted[i] = fmt.Sprintf("%q", b)
	}
	sinksHCL := fmt.Sprintf(`
sink "parquet" {
  type   = "parquet"
  stream = "events"
  path   = "recipe/events.parquet"
}
sink "postgres" {
  type         = "postgres"
  stream       = "events"
  table        = %q
  dsn          = %q
  create_table = true
  truncate     = true
}
sink "kafka" {
  type    = "kafka"
  stream  = "events"
  brokers = [%s]
  topic   = "recipe-events"
  key     = "user_id"
}
`, table, dsn, strings.Join(quoted, ", "))
	os.WriteFile(filepath.Join(dir, "sinks.hcl"), []byte(sinksHCL), 0o644)

	seed := uint64(2)
	plan := compileFile(t, dir, &seed, map[string]string{"users": "40"})
	out := t.TempDir()
	res, err := plan.Run(ctx, engine.RunOptions{OutDir: out, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, s := range res.Sinks {
		counts[s.Name] = s.Records
	}

	var jsonl []string
	for _, line := range bytes.Split(bytes.TrimSpace(readFile(t, filepath.Join(out, "recipe", "events.jsonl"))), []byte("\n")) {
		jsonl = append(jsonl, fromJSON(t, line))
	}
	if len(jsonl) < 1000 {
		t.Fatalf("only %d events", len(jsonl))
	}
	want := digest(jsonl)

	// Parquet, read back with the project's reader (parquet-go's column reader).
	tab, err := data.Load(filepath.Join(out, "recipe", "events.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		i := tab.Col(name)
		if i < 0 {
			t.Fatalf("parquet has no column %s (%v)", name, tab.Columns)
		}
		return i
	}
	var pq []string
	for _, r := range tab.Rows {
		pq = append(pq, canonical(r[col("event_id")].S, r[col("event_name")].S, r[col("user_id")].S,
			r[col("timestamp")].I, r[col("context")].S, r[col("event_properties")].S))
	}

	// PostgreSQL.
	rows, err := pg.Query(ctx, fmt.Sprintf(`SELECT event_id, event_name, user_id,
		(extract(epoch from timestamp) * 1000)::bigint, context, event_properties FROM %s`, table))
	if err != nil {
		t.Fatal(err)
	}
	var pgRows []string
	for rows.Next() {
		var id, name, user, c, p string
		var ms int64
		if err := rows.Scan(&id, &name, &user, &ms, &c, &p); err != nil {
			t.Fatal(err)
		}
		pgRows = append(pgRows, canonical(id, name, user, ms, c, p))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	// Kafka.
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("recipe-events"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var kf []string
	deadline := time.Now().Add(20 * time.Second)
	for len(kf) < len(jsonl) && time.Now().Before(deadline) {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := cl.PollFetches(pctx)
		cancel()
		for _, e := range fs.Errors() {
			if !errors.Is(e.Err, context.DeadlineExceeded) {
				t.Fatal(e.Err)
			}
		}
		for _, r := range fs.Records() {
			kf = append(kf, fromJSON(t, r.Value))
			if u := string(r.Key); !strings.Contains(string(r.Value), `"user_id":"`+u+`"`) {
				t.Fatalf("key %q does not match the record's user_id", u)
			}
		}
	}

	for name, got := range map[string][]string{"parquet": pq, "postgres": pgRows, "kafka": kf} {
		if len(got) != len(jsonl) || counts[name] != int64(len(jsonl)) {
			t.Errorf("%s: %d records read back, %d reported, JSONL has %d", name, len(got), counts[name], len(jsonl))
			continue
		}
		if d := digest(got); d != want {
			t.Errorf("%s: content checksum %s differs from JSONL's %s", name, d[:12], want[:12])
			have := map[string]bool{}
			for _, r := range got {
				have[r] = true
			}
			for _, r := range jsonl {
				if !have[r] {
					t.Logf("first JSONL record missing from %s: %.400s", name, r)
					for _, g := range got {
						if strings.HasPrefix(g, r[:36]) {
							t.Logf("%s has instead:                      %.400s", name, g)
						}
					}
					break
				}
			}
		}
	}
}

// TestInterruptReportsDelivered: an interrupted run flushes a broker sink
// and reports how many records it delivered (they cannot be unsent).
func TestInterruptReportsDelivered(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "ev"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	dir := t.TempDir()
	src := string(readFile(t, "../scenarios/clickstream.hcl"))
	src += fmt.Sprintf("\nsink \"bus\" {\n  type    = \"kafka\"\n  stream  = \"events\"\n  brokers = [%q]\n  topic   = \"ev\"\n}\n", cluster.ListenAddrs()[0])
	path := filepath.Join(dir, "c.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	plan := compileFile(t, path, nil, map[string]string{"users": "2000"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := t.TempDir()
	_, err = plan.Run(ctx, engine.RunOptions{OutDir: out, Workers: 2, Progress: func(n, _ int64) {
		if n > 30000 {
			cancel()
		}
	}})
	if err == nil || !strings.Contains(err.Error(), `sink "bus" delivered `) {
		t.Fatalf("error %v does not report the broker's deliveries", err)
	}
	if _, serr := os.Stat(filepath.Join(out, "clickstream", "events.jsonl")); !os.IsNotExist(serr) {
		t.Fatal("the file sink was published after an interrupt")
	}
}
