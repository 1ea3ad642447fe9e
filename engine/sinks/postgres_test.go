package sinks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/internal/pgtest"
	"github.com/scenhq/scen/stdlib"
)

// The tests load into the machine's PostgreSQL; they are skipped when it
// cannot be reached.

// pgStream is the Parquet test stream with a unique seq column, so that
// rows can be matched with the records they came from.
func pgStream() *rec.Stream {
	s := pqStream()
	for _, e := range s.Emits {
		e.Fields = append(e.Fields, &rec.Field{Name: "seq", Kind: rec.Leaf, Slot: e.Leaves, Type: stdlib.Int})
		e.Leaves++
	}
	s.Columns = append(s.Columns, rec.Column{Name: "seq", Type: stdlib.Int})
	return s
}

func pgRecord(s *rec.Stream, i int) *rec.Record {
	r := pqRecord(s, i)
	r.Vals = append(r.Vals, stdlib.IntV(int64(i)))
	return r
}

// pgColumnsSQL declares the columns of pgStream as create_table does.
const pgColumnsSQL = `user_id text, n bigint, score double precision, ok boolean, at timestamptz, wait bigint,
	ctx jsonb, mixed jsonb, props jsonb, seq bigint`

// pgTable returns a fresh table name (dropped before and after the test),
// creating the table with cols when cols is not empty.
func pgTable(t testing.TB, conn *pgx.Conn, base, cols string) string {
	t.Helper()
	name := fmt.Sprintf("scen_test_%s_%d", base, os.Getpid())
	drop := "DROP TABLE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(context.Background(), drop); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(context.Background(), drop) })
	if cols != "" {
		if _, err := conn.Exec(context.Background(), fmt.Sprintf("CREATE TABLE %s (%s)", name, cols)); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

func pgCount(t testing.TB, conn *pgx.Conn, table string) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func newPGSink(t testing.TB, st *rec.Stream, src string) *postgresSink {
	t.Helper()
	s, diags := postgresType().New(Decl{Name: "events", Type: "postgres", Stream: st, Body: pqBody(t, src), Loc: seoul})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return s.(*postgresSink)
}

// pgProduce encodes and writes records from..to of pgStream.
func pgProduce(t testing.TB, s Sink, st *rec.Stream, from, to int) error {
	t.Helper()
	return produceRecords(s, seoul, from, to, func(i int) *rec.Record { return pgRecord(st, i) })
}

// pgCompare reads the table ordered by seq and compares every value with
// the record it came from. skipBelow leaves rows with a smaller seq alone.
func pgCompare(t *testing.T, conn *pgx.Conn, table string, st *rec.Stream, seqs []int, skipBelow int) {
	t.Helper()
	rows, err := conn.Query(context.Background(), fmt.Sprintf("SELECT * FROM %s WHERE seq >= %d ORDER BY seq", table, skipBelow))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names := make([]string, len(rows.FieldDescriptions()))
	for i, f := range rows.FieldDescriptions() {
		names[i] = f.Name
	}
	want := make([]string, len(st.Columns))
	for i, c := range st.Columns {
		want[i] = c.Name
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("columns %v, want %v", names, want)
	}
	k, bad := 0, 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		if k >= len(seqs) {
			t.Fatalf("more rows than the %d expected", len(seqs))
		}
		exp := pqWant(t, st, pgRecord(st, seqs[k]))
		for c, w := range exp {
			got := vals[c]
			eq := reflect.DeepEqual(got, w)
			switch w := w.(type) {
			case time.Time:
				g, ok := got.(time.Time)
				eq = ok && g.Equal(w)
			case float64:
				if math.IsNaN(w) {
					g, ok := got.(float64)
					eq = ok && math.IsNaN(g)
				}
			}
			if !eq {
				t.Errorf("seq %d column %s: got %#v, want %#v", seqs[k], names[c], got, w)
				if bad++; bad > 20 {
					t.FailNow()
				}
			}
		}
		k++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if k != len(seqs) {
		t.Fatalf("%d rows, want %d", k, len(seqs))
	}
}

func seqRange(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// TestPostgresEncoder pins the COPY text of a record: escapes, nulls,
// special floats, times with the zone's offset, nested values as JSON.
func TestPostgresEncoder(t *testing.T) {
	st := pgStream()
	s := newPGSink(t, st, `table = "t"`)
	enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
	at := time.Date(2025, 8, 15, 14, 23, 45, 123e6, seoul).UnixMilli()
	r0 := &rec.Record{Emit: st.Emits[0], Vals: []stdlib.Value{
		stdlib.StrV("a\tb\nc\\d\re 世界 \x01"), stdlib.IntV(-42), stdlib.FloatV(math.Inf(-1)), stdlib.BoolV(true),
		stdlib.TimeV(at), stdlib.DurV(90500), stdlib.StrV("p\\q\t"), stdlib.NullV(), stdlib.IntV(7), stdlib.StrV(`"x"`),
		stdlib.StrV("line\nbreak"), stdlib.IntV(1)}}
	r1 := &rec.Record{Emit: st.Emits[1], Vals: []stdlib.Value{
		stdlib.NullV(), stdlib.IntV(3), stdlib.StrV("v"), stdlib.DurV(1500), stdlib.FloatV(math.NaN()), stdlib.TimeV(at), stdlib.IntV(2)}}
	got := string(enc.Encode(enc.Encode(nil, r0), r1))
	want := `a\tb\nc\\d\re 世界 ` + "\x01" + `	-42	-Infinity	t	2025-08-15T14:23:45.123+09:00	90500	{"page":"p\\\\q\\t","tags":[7,"\\"x\\""]}	"line\\nbreak"	\N	1
\N	\N	3	\N	2025-08-15T14:23:45.123+09:00	\N	\N	null	{"a\\tb":"v","w":"1.5s"}	2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for f, want := range map[float64]string{0.1: "0.1", 1e21: "1e+21", -1e-7: "-1e-07", 5e-324: "5e-324",
		math.Inf(1): "Infinity", math.Inf(-1): "-Infinity"} {
		if got := string(appendPGFloat(nil, f)); got != want {
			t.Errorf("%v → %q, want %q", f, got, want)
		}
	}
	if got := string(appendPGFloat(nil, math.NaN())); got != "NaN" {
		t.Errorf("NaN → %q", got)
	}
}

// TestPostgresRoundTrip creates the table, loads 100 000 records in two
// batches and reads every value back.
func TestPostgresRoundTrip(t *testing.T) {
	const n = 100000
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "roundtrip", "")
	st := pgStream()
	s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ncreate_table = true", table, pgtest.DSN))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	if err := pgProduce(t, s, st, 0, n); err != nil {
		t.Fatal(err)
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != n || res.Bytes == 0 {
		t.Errorf("result %+v", res)
	}
	if got := s.batches; got != 2 {
		t.Errorf("%d batches, want 2 of 50 000", got)
	}
	rows, err := conn.Query(context.Background(),
		"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", table)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for rows.Next() {
		var c, typ string
		if err := rows.Scan(&c, &typ); err != nil {
			t.Fatal(err)
		}
		types = append(types, c+" "+typ)
	}
	wantTypes := []string{"user_id text", "n bigint", "score double precision", "ok boolean", "at timestamp with time zone",
		"wait bigint", "ctx jsonb", "mixed jsonb", "props jsonb", "seq bigint"}
	if !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("columns %v, want %v", types, wantTypes)
	}
	pgCompare(t, conn, table, st, seqRange(0, n), 0)
}

// TestPostgresFailureMidRun: row 60 000 violates a CHECK constraint. The
// first batch (rows 1–50 000) stays committed, the second is rolled back,
// and the error says so.
func TestPostgresFailureMidRun(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "check", pgColumnsSQL+", CHECK (seq <> 59999)")
	st := pgStream()
	s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q", table, pgtest.DSN))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	err := pgProduce(t, s, st, 0, 100000)
	if err != nil {
		s.Abort() // as the engine does after a Write error
	} else {
		_, err = s.Close()
	}
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`postgres sink: table "` + table + `": COPY of batch 2 (from row 50001) failed`,
		`violates check constraint`, "SQLSTATE 23514", "at row 60000 of the run",
		"50000 of the ", " rows written so far were committed in 1 batch and stay in the table",
		"(the failed batch was rolled back, and nothing after it was sent)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if got := pgCount(t, conn, table); got != 50000 {
		t.Errorf("%d rows in the table, want the 50 000 of the committed batch", got)
	}
	var maxSeq int64
	conn.QueryRow(context.Background(), "SELECT max(seq) FROM "+table).Scan(&maxSeq)
	if maxSeq != 49999 {
		t.Errorf("max(seq) = %d", maxSeq)
	}
}

func TestPostgresOnConflict(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "conflict", pgColumnsSQL+", PRIMARY KEY (seq)")
	if _, err := conn.Exec(context.Background(),
		fmt.Sprintf("INSERT INTO %s (user_id, seq) SELECT 'pre-existing', g FROM generate_series(0, 999) g", table)); err != nil {
		t.Fatal(err)
	}
	st := pgStream()
	t.Run("skip", func(t *testing.T) {
		s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\non_conflict = \"skip\"\nbatch_rows = 4000", table, pgtest.DSN))
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			t.Fatal(err)
		}
		// Rows 3000–5999 come twice: 4000–4999 twice within the second
		// batch, the others in two batches.
		if err := pgProduce(t, s, st, 0, 6000); err != nil {
			t.Fatal(err)
		}
		if err := pgProduce(t, s, st, 3000, 9000); err != nil {
			t.Fatal(err)
		}
		res, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != 8000 {
			t.Errorf("%d rows inserted, want 8000 (9000 distinct, 1000 already there)", res.Records)
		}
		if got := pgCount(t, conn, table); got != 9000 {
			t.Errorf("%d rows", got)
		}
		var pre int64
		conn.QueryRow(context.Background(), fmt.Sprintf("SELECT count(*) FROM %s WHERE user_id = 'pre-existing'", table)).Scan(&pre)
		if pre != 1000 {
			t.Errorf("%d pre-existing rows left, want 1000", pre)
		}
		pgCompare(t, conn, table, st, seqRange(1000, 9000), 1000)
	})
	t.Run("error", func(t *testing.T) {
		s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\nbatch_rows = 2500", table, pgtest.DSN))
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			t.Fatal(err)
		}
		err := pgProduce(t, s, st, 20000, 22600) // one new batch, then a duplicate in the second
		if err == nil {
			err = pgProduce(t, s, st, 0, 1)
		}
		if err == nil {
			_, err = s.Close()
		} else {
			s.Abort()
		}
		if err == nil || !strings.Contains(err.Error(), "duplicate key value violates unique constraint") ||
			!strings.Contains(err.Error(), "2500 of the 2601 rows written so far were committed in 1 batch") {
			t.Fatalf("got %v", err)
		}
		if got := pgCount(t, conn, table); got != 9000+2500 {
			t.Errorf("%d rows", got)
		}
	})
}

// TestPostgresFlushAndAbort: Flush commits what was written; Abort rolls
// back only the open batch.
func TestPostgresFlushAndAbort(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "abort", "")
	st := pgStream()
	s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ncreate_table = true\nbatch_rows = 1000", table, pgtest.DSN))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	if err := pgProduce(t, s, st, 0, 1500); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := pgCount(t, conn, table); got != 1500 {
		t.Errorf("after Flush: %d rows, want 1500", got)
	}
	if err := s.Flush(); err != nil { // nothing pending
		t.Fatal(err)
	}
	if err := pgProduce(t, s, st, 1500, 2200); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.Abort()
	s.Abort()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Abort took %s", d)
	}
	if got := pgCount(t, conn, table); got != 1500 {
		t.Errorf("after Abort: %d rows, want 1500", got)
	}
	if _, err := s.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
	// The connection is gone: no backend whose last statement touched the
	// test's table is left idle in a transaction (other packages' tests
	// may hold transactions on the same server meanwhile).
	var idle int64
	conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid <> pg_backend_pid() AND strpos(query, $1) > 0", table).Scan(&idle)
	if idle != 0 {
		t.Errorf("%d sessions idle in transaction", idle)
	}
}

func TestPostgresTruncate(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "truncate", pgColumnsSQL)
	conn.Exec(context.Background(), fmt.Sprintf("INSERT INTO %s (seq) SELECT g FROM generate_series(1, 50) g", table))
	st := pgStream()
	for _, rows := range []int{7, 0} {
		s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ntruncate = true\nbatch_rows = 3", table, pgtest.DSN))
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			t.Fatal(err)
		}
		if err := pgProduce(t, s, st, 0, rows); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if got := pgCount(t, conn, table); got != int64(rows) {
			t.Errorf("%d rows after a run of %d with truncate", got, rows)
		}
	}
}

func TestPostgresOpenFailures(t *testing.T) {
	conn := pgtest.Connect(t)
	st := pgStream()
	missing := pgTable(t, conn, "missing", "")
	partial := pgTable(t, conn, "partial", "user_id text, seq bigint")
	for _, tc := range []struct{ name, src, want string }{
		{"no table", fmt.Sprintf("table = %q\ndsn = %q", missing, pgtest.DSN),
			`table "` + missing + `" cannot be loaded (create it, or set create_table = true): ERROR: relation`},
		{"missing column", fmt.Sprintf("table = %q\ndsn = %q", partial, pgtest.DSN),
			`cannot be loaded (the table lacks a column of the stream): ERROR: column "n" does not exist`},
		{"no server", fmt.Sprintf("table = \"t\"\ndsn = %q", "host=127.0.0.1 port=1 dbname=test user=postgres connect_timeout=3"),
			"postgres sink: cannot connect (connection from dsn)"},
		{"bad schema", fmt.Sprintf("table = \"no_such_schema.t\"\ndsn = %q\ncreate_table = true", pgtest.DSN),
			`cannot create table "no_such_schema"."t": ERROR: schema "no_such_schema" does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newPGSink(t, st, tc.src)
			err := s.Open(RunInfo{Shards: 1})
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant …%s…", err, tc.want)
			}
			// pgx tries an address twice with sslmode=prefer: the
			// message says each failure once.
			if strings.Count(err.Error(), "dial error") > 1 {
				t.Errorf("a dial error is repeated: %v", err)
			}
			s.Abort() // harmless after a failed Open
		})
	}
}

// TestPostgresSecretsNeverLeak: passwords from the environment appear in
// no error and no description.
func TestPostgresSecretsNeverLeak(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "secrets", pgColumnsSQL)
	st := pgStream()
	const refused = "host=127.0.0.1 port=1 dbname=test user=postgres connect_timeout=3"
	for _, tc := range []struct {
		name, src string
		env       map[string]string
		secret    string
		want      string
	}{
		{"PGPASSWORD", fmt.Sprintf("table = \"t\"\ndsn = %q", refused),
			map[string]string{"PGPASSWORD": "pgpassword-Secret-1"}, "pgpassword-Secret-1", "cannot connect"},
		{"PGDSN with a password", `table = "t"`,
			map[string]string{"PGDSN": "postgres://postgres:dsn-Secret-2@127.0.0.1:1/test?connect_timeout=3"}, "dsn-Secret-2",
			"cannot connect (connection from $PGDSN)"},
		{"DATABASE_URL that does not parse", `table = "t"`,
			map[string]string{"PGDSN": "", "DATABASE_URL": "postgres://postgres:url-Secret-3@127.0.0.1:notaport/test"}, "url-Secret-3",
			"the connection string from $DATABASE_URL cannot be parsed: invalid port"},
		{"key=value PGDSN that does not parse", `table = "t"`,
			map[string]string{"PGDSN": "host=127.0.0.1 password='kv-Secret-4 port=nope"}, "kv-Secret-4",
			"the connection string from $PGDSN cannot be parsed: failed to parse as keyword/value"},
		{"PGDSN with a bad option after the password", `table = "t"`,
			map[string]string{"PGDSN": "host=127.0.0.1 password=kv-Secret-7 connect_timeout=abc"}, "kv-Secret-7",
			"cannot be parsed: invalid connect_timeout"},
		{"password_env", fmt.Sprintf("table = \"t\"\ndsn = %q\npassword_env = \"SCEN_TEST_PG_PW\"", refused),
			map[string]string{"SCEN_TEST_PG_PW": "env-Secret-5"}, "env-Secret-5", "cannot connect"},
		{"password_env unset", fmt.Sprintf("table = \"t\"\ndsn = %q\npassword_env = \"SCEN_TEST_PG_PW\"", refused),
			map[string]string{"SCEN_TEST_PG_PW": ""}, "", "password_env names SCEN_TEST_PG_PW, which is not set or empty"},
		// Connects (trust authentication ignores the password); any later
		// message that happened to quote PGPASSWORD is scrubbed.
		{"an error quoting PGPASSWORD", fmt.Sprintf("table = %q\ndsn = %q", table, pgtest.DSN),
			map[string]string{"PGPASSWORD": "srv-Secret-6"}, "srv-Secret-6", "(search_path ********)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			s := newPGSink(t, st, tc.src)
			if tc.secret != "" && strings.Contains(s.Describe(), tc.secret) {
				t.Errorf("Describe leaks the secret: %s", s.Describe())
			}
			err := s.Open(RunInfo{Shards: 1})
			if err == nil {
				err = s.scrub(fmt.Errorf("postgres sink: some failure (search_path %s)", os.Getenv("PGPASSWORD")))
				s.Abort()
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error leaks the secret: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant …%s…", err, tc.want)
			}
		})
	}
}

func TestPostgresDecode(t *testing.T) {
	long := strings.Repeat("x", 64)
	for _, tc := range []struct {
		name, src       string
		summary, detail string
		warning         bool
		secret          string
		describe        string
	}{
		{name: "defaults", src: `table = "events"`,
			describe: `postgres table "events" on the connection from PGDSN, DATABASE_URL or the PG* variables, COPY in batches of 50000 rows`},
		{name: "everything", src: `
table        = "analytics.events"
dsn          = "host=db port=6432 dbname=app user=loader sslmode=require"
password_env = "LOADER_PW"
create_table = true
batch_rows   = 1000
on_conflict  = "skip"
truncate     = true`,
			describe: `postgres table "analytics"."events" on db:6432/app, COPY in batches of 1000 rows, created if missing, truncated first, all in one transaction, conflicting rows skipped`},
		{name: "uri without password", src: "table = \"e\"\ndsn = \"postgres://loader@db:5432/app?sslmode=disable\"",
			describe: `postgres table "e" on db:5432/app, COPY in batches of 50000 rows`},
		{name: "odd but valid name", src: `table = "my events-2025"`},
		{name: "capitals", src: `table = "Events"`, summary: "Table name is case-sensitive", detail: `"Events"`, warning: true},
		{name: "missing table", src: `dsn = "host=db"`, summary: "Missing required argument"},
		{name: "empty table", src: `table = ""`, summary: "Invalid table name", detail: `has an empty part`},
		{name: "three parts", src: `table = "a.b.c"`, summary: "Invalid table name", detail: `3 dot-separated parts`},
		{name: "trailing dot", src: `table = "a."`, summary: "Invalid table name", detail: `empty part`},
		{name: "too long", src: fmt.Sprintf("table = %q", long), summary: "Invalid table name", detail: "PostgreSQL would cut it to 63"},
		{name: "control character", src: `table = "ev\nents"`, summary: "Invalid table name", detail: "control character U+000A"},
		{name: "table not a string", src: `table = 3`, summary: "Invalid table", detail: "table must be a string, got the number 3."},
		{name: "table a list", src: `table = ["e"]`, summary: "Invalid table", detail: "table must be a string, got a list."},
		{name: "table null", src: `table = null`, summary: "Invalid table", detail: "table must be a string, got null."},
		{name: "dsn a list, its secret not shown", src: "table = \"e\"\ndsn = [\"postgres://u:Hunter2-list@db/app\"]",
			summary: "Invalid dsn", detail: "dsn must be a string, got a list.", secret: "Hunter2-list"},
		{name: "uri with password", src: "table = \"e\"\ndsn = \"postgres://loader:Hunter2-uri@db/app\"",
			summary: "Invalid dsn", detail: "dsn contains a password (user:password@)", secret: "Hunter2-uri"},
		{name: "uri with password parameter", src: "table = \"e\"\ndsn = \"postgresql://db/app?user=x&password=Hunter2-q\"",
			summary: "Invalid dsn", detail: "the password parameter", secret: "Hunter2-q"},
		{name: "key=value password", src: "table = \"e\"\ndsn = \"host=db password=Hunter2-kv user=x\"",
			summary: "Invalid dsn", detail: "dsn contains a password (the password key)", secret: "Hunter2-kv"},
		{name: "quoted key=value password", src: "table = \"e\"\ndsn = \"host=db password = 'Hunter2 q\\\\'d' user=x\"",
			summary: "Invalid dsn", detail: "the password key", secret: "Hunter2"},
		{name: "sslpassword", src: "table = \"e\"\ndsn = \"host=db sslpassword=Hunter2-ssl\"",
			summary: "Invalid dsn", detail: "the sslpassword key", secret: "Hunter2-ssl"},
		{name: "garbage dsn", src: "table = \"e\"\ndsn = \"host=db Hunter2-junk\"",
			summary: "Invalid dsn", detail: "neither a connection URI", secret: "Hunter2-junk"},
		{name: "bad password_env", src: "table = \"e\"\npassword_env = \"1PW\"", summary: "Invalid password_env", detail: "name of an environment variable"},
		{name: "bad on_conflict", src: "table = \"e\"\non_conflict = \"skp\"", summary: "Invalid on_conflict", detail: `Did you mean "skip"?`},
		{name: "another on_conflict", src: "table = \"e\"\non_conflict = \"ignore\"", summary: "Invalid on_conflict", detail: `on_conflict is one of "error", "skip", not "ignore".`},
		{name: "bad batch_rows", src: "table = \"e\"\nbatch_rows = 0", summary: "Invalid batch_rows", detail: "positive whole number"},
		{name: "fractional batch_rows", src: "table = \"e\"\nbatch_rows = 100.5", summary: "Invalid batch_rows", detail: "positive whole number"},
		{name: "bad truncate", src: "table = \"e\"\ntruncate = \"yes\"", summary: "Invalid truncate", detail: `truncate must be true or false, got the string "yes".`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := postgresType().New(Decl{Name: "e", Type: "postgres", Stream: pgStream(), Body: pqBody(t, tc.src)})
			if tc.summary == "" {
				if len(diags) > 0 {
					t.Fatal(diags)
				}
				if tc.describe != "" && s.Describe() != tc.describe {
					t.Errorf("Describe:\n%s\nwant\n%s", s.Describe(), tc.describe)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.detail) || diags[0].Subject == nil {
				t.Fatalf("got %v, want %s: …%s…", diags, tc.summary, tc.detail)
			}
			if (diags[0].Severity == hcl.DiagWarning) != tc.warning {
				t.Errorf("severity %v", diags[0].Severity)
			}
			if tc.secret != "" && strings.Contains(diags[0].Summary+diags[0].Detail, tc.secret) {
				t.Errorf("the diagnostic repeats the password: %s", diags[0].Detail)
			}
		})
	}
}

func TestPostgresLongColumnName(t *testing.T) {
	st := &rec.Stream{Name: "s"}
	long := strings.Repeat("c", 64)
	st.Emits = []*rec.Emit{{ID: 0, Stream: st, Leaves: 1, Fields: []*rec.Field{{Name: long, Kind: rec.Leaf, Type: stdlib.Int}}}}
	st.Columns = []rec.Column{{Name: long, Type: stdlib.Int}}
	_, diags := postgresType().New(Decl{Name: "e", Type: "postgres", Stream: st, Body: pqBody(t, `table = "t"`)})
	if len(diags) != 1 || diags[0].Summary != "Column name too long" {
		t.Fatalf("got %v", diags)
	}
}

// BenchmarkPostgresSink loads 500 000 pre-encoded records per iteration
// (Open, Write, Close: all committed) and reports rows/s.
func BenchmarkPostgresSink(b *testing.B) {
	const n = 500000
	conn := pgtest.Connect(b)
	for _, bc := range []struct{ name, attrs, cols string }{
		{"error", "", ""},
		// on_conflict = "skip" needs a unique key to skip on: seq is one.
		{"skip", "on_conflict = \"skip\"", "user_id text, event_name text, seq bigint PRIMARY KEY, ts timestamptz, " +
			"price double precision, is_new boolean, ctx jsonb"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			table := pgTable(b, conn, "bench", bc.cols)
			st := pqBenchStream()
			s := newPGSink(b, st, fmt.Sprintf("table = %q\ndsn = %q\ncreate_table = true\ntruncate = true\n%s", table, pgtest.DSN, bc.attrs))
			enc := pqEncodeAll(s.NewEncoder(stdlib.NewTimeFormatter(seoul)), st, n, pqBenchRecord)
			b.SetBytes(int64(len(enc.buf)))
			b.ResetTimer()
			var rows int64
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				if err := s.Open(RunInfo{Shards: 1}); err != nil {
					b.Fatal(err)
				}
				if err := enc.writeAll(s); err != nil {
					b.Fatal(err)
				}
				res, err := s.Close()
				if err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				rows += res.Records
			}
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			if got := pgCount(b, conn, table); got != n {
				b.Errorf("%d rows in the table", got)
			}
		})
	}
	b.Run("encode", func(b *testing.B) {
		st := pqBenchStream()
		s := newPGSink(b, st, `table = "t"`)
		e := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
		recs := make([]*rec.Record, 1000)
		for i := range recs {
			recs[i] = pqBenchRecord(st, i)
		}
		// Each iteration encodes 100 000 rows: make bench runs this with
		// -benchtime 2x (for the sinks above), and two rows would time
		// the first calls' warm-up, not the encoder.
		const rows = 100 * 1000
		var buf []byte
		for b.Loop() {
			for i := 0; i < rows; i++ {
				buf = e.Encode(buf[:0], recs[i%len(recs)])
			}
		}
		b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	})
}

// TestPostgresIntervalColumn: a duration loaded into an existing interval
// column keeps its length (a bare number of milliseconds would be read as
// seconds there); a bigint column still gets the milliseconds.
func TestPostgresIntervalColumn(t *testing.T) {
	const n = 500
	conn := pgtest.Connect(t)
	st := pgStream()
	load := func(base, cols string) string {
		table := pgTable(t, conn, base, cols)
		s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q", table, pgtest.DSN))
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			t.Fatal(err)
		}
		if err := pgProduce(t, s, st, 0, n); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return table
	}
	ms := load("wait_ms", pgColumnsSQL)
	iv := load("wait_interval", strings.Replace(pgColumnsSQL, "wait bigint", "wait interval", 1))
	var differ, nonzero int64
	err := conn.QueryRow(context.Background(), fmt.Sprintf(
		`SELECT count(*) FILTER (WHERE a.wait IS DISTINCT FROM round(extract(epoch FROM b.wait) * 1000)::bigint),
		        count(*) FILTER (WHERE a.wait <> 0)
		 FROM %s a JOIN %s b USING (seq)`, pgx.Identifier{ms}.Sanitize(), pgx.Identifier{iv}.Sanitize())).Scan(&differ, &nonzero)
	if err != nil {
		t.Fatal(err)
	}
	if differ != 0 || nonzero == 0 {
		t.Fatalf("%d of %d rows differ between the bigint and the interval column (%d non-zero)", differ, n, nonzero)
	}
}

// TestPGGiveUp: a table locked by another session holds the batch's COPY;
// Close (the end of a run, or of an interrupted one) and Flush (an
// --interval boundary) wait for it, until RunInfo.GiveUp is closed (a
// second interrupt). Then they return at once, with nothing of the
// batch in the table and a message that says so. Before, nothing but
// killing the process ended the wait.
func TestPGGiveUp(t *testing.T) {
	conn := pgtest.Connect(t)
	for _, tc := range []struct {
		name string
		end  func(s *postgresSink) error
	}{
		{"Close", func(s *postgresSink) error { _, err := s.Close(); return err }},
		{"Flush", func(s *postgresSink) error {
			err := s.Flush()
			s.Close()
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := pgTable(t, conn, "giveup", pgColumnsSQL)
			st := pgStream()
			s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q", table, pgtest.DSN))
			giveUp := make(chan struct{})
			if err := s.Open(RunInfo{Shards: 1, GiveUp: giveUp}); err != nil {
				t.Fatal(err)
			}
			locker, err := pgx.Connect(context.Background(), pgtest.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer locker.Close(context.Background())
			tx, err := locker.Begin(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(context.Background(), "LOCK TABLE "+table+" IN SHARE MODE"); err != nil {
				t.Fatal(err)
			}
			if err := pgProduce(t, s, st, 0, 100); err != nil {
				t.Fatal(err)
			}
			ended := make(chan error, 1)
			go func() { ended <- tc.end(s) }()
			select {
			case err := <-ended:
				t.Fatalf("returned while the table was locked: %v", err)
			case <-time.After(300 * time.Millisecond):
			}
			close(giveUp)
			select {
			case err = <-ended:
			case <-time.After(pgAbortWait):
				t.Fatal("still waiting after giving up")
			}
			want := "stopped waiting for the database to commit; 0 of the 100 rows written so far were committed in 0 batches"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want one with %q", err, want)
			}
			tx.Rollback(context.Background())
			if n := pgCount(t, conn, table); n != 0 {
				t.Errorf("the table holds %d rows", n)
			}
		})
	}
}

// TestPGGiveUpAfterFailure: a batch that failed on its own (here a CHECK
// constraint) before the run gave up is the run's error. Before, giving up
// afterwards replaced it with "stopped waiting for the database to
// commit", hiding what went wrong.
func TestPGGiveUpAfterFailure(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "giveupfail", pgColumnsSQL)
	if _, err := conn.Exec(context.Background(), "ALTER TABLE "+table+" ADD CONSTRAINT never CHECK (seq < 0)"); err != nil {
		t.Fatal(err)
	}
	st := pgStream()
	s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\nbatch_rows = 10", table, pgtest.DSN))
	giveUp := make(chan struct{})
	if err := s.Open(RunInfo{Shards: 1, GiveUp: giveUp}); err != nil {
		t.Fatal(err)
	}
	// One whole batch, handed to the writer with the tenth row: no later
	// Write sees its failure.
	if err := pgProduce(t, s, st, 0, 10); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(s.run.failed) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the batch did not fail")
		}
	}
	close(giveUp)
	time.Sleep(50 * time.Millisecond) // the watcher sees it
	_, err := s.Close()
	if err == nil || !strings.Contains(err.Error(), `violates check constraint "never"`) || strings.Contains(err.Error(), "stopped waiting") {
		t.Fatalf("error %v, want the constraint's", err)
	}
}

// TestPGTruncateWithShards: shards run at the same time, so truncate = true
// would let each shard empty the table of what the others loaded. Open
// refuses it, pointing at the attribute, before anything is sent.
func TestPGTruncateWithShards(t *testing.T) {
	conn := pgtest.Connect(t)
	for _, tc := range []struct {
		name     string
		truncate bool
		shard    int
		shards   int
		wantErr  string
	}{
		{"not sharded", true, 0, 1, ""},
		{"sharded without truncate", false, 1, 4, ""},
		{"sharded with truncate", true, 1, 4, "postgres sink: truncate = true cannot be used with --shard 1/4: every shard would empty table "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := pgTable(t, conn, "shards", pgColumnsSQL)
			st := pgStream()
			s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ntruncate = %v", table, pgtest.DSN, tc.truncate))
			err := s.Open(RunInfo{Shard: tc.shard, Shards: tc.shards})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Close(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Open: %v, want an error with %q", err, tc.wantErr)
			}
			var se *SourceError
			if !errors.As(err, &se) || se.Subject.Start.Line != 3 || se.Subject.Start.Column != 12 {
				t.Errorf("the error points at %v, want the value of truncate (sink.hcl:3:12)", se)
			}
		})
	}
}

// TestPGCreateTableRace: shards started together each run CREATE TABLE IF
// NOT EXISTS; PostgreSQL does not make that atomic, and the sessions that
// lose the race failed with a unique violation on pg_type's index, so a
// sharded job failed at random. Each Open must succeed, and the table be
// created once.
func TestPGCreateTableRace(t *testing.T) {
	conn := pgtest.Connect(t)
	for _, tc := range []struct {
		name     string
		sessions int
		rounds   int
	}{
		{"two shards", 2, 10},
		{"eight shards", 8, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for round := 0; round < tc.rounds; round++ {
				table := pgTable(t, conn, "createrace", "")
				st := pgStream()
				errs := make(chan error, tc.sessions)
				start := make(chan struct{})
				for i := 0; i < tc.sessions; i++ {
					s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ncreate_table = true", table, pgtest.DSN))
					go func(i int) {
						<-start
						err := s.Open(RunInfo{Shard: i, Shards: tc.sessions})
						if err == nil {
							_, err = s.Close()
						}
						errs <- err
					}(i)
				}
				close(start)
				for i := 0; i < tc.sessions; i++ {
					if err := <-errs; err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
			}
		})
	}
}

// TestPostgresSkipNeedsAKey: on_conflict = "skip" on a table without a
// primary key or unique index would skip nothing (every duplicate loaded),
// so Open refuses it, pointing at on_conflict; create_table's own table
// (which has no key) says so; a unique index is enough.
func TestPostgresSkipNeedsAKey(t *testing.T) {
	conn := pgtest.Connect(t)
	st := pgStream()
	for _, tc := range []struct {
		name, cols, extra, want string
	}{
		{"no key", pgColumnsSQL, "", "has no primary key, unique index or exclusion constraint, so every duplicate would be loaded"},
		{"created by create_table", "", "\ncreate_table = true", "has no primary key, unique index or exclusion constraint (create_table makes a table without one)"},
		{"an exclusion constraint", pgColumnsSQL + ", EXCLUDE USING btree (seq WITH =)", "", ""},
		{"a unique index", pgColumnsSQL + ", UNIQUE (user_id, seq)", "", ""},
		{"a primary key", pgColumnsSQL + ", PRIMARY KEY (seq)", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := pgTable(t, conn, "skipkey", tc.cols)
			s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\non_conflict = \"skip\"%s", table, pgtest.DSN, tc.extra))
			err := s.Open(RunInfo{Shards: 1})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Close(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			s.Abort()
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
			var se *SourceError
			if !errors.As(err, &se) || se.Subject.Start.Line != 3 {
				t.Fatalf("error %v is not pinned to on_conflict (line 3): %+v", err, se)
			}
		})
	}
}

// TestPostgresColumnTypes: Open compares the stream's field types with
// the table's column types, so a column that cannot take a field's values
// is an error at the sink's table (sink.hcl:1:9), before any row, and not
// at the first COPY; columns that can (numeric for an int, timestamp for
// a time, text for anything, a type the sink does not know) pass.
func TestPostgresColumnTypes(t *testing.T) {
	conn := pgtest.Connect(t)
	st := pgStream()
	for _, tc := range []struct{ name, cols, want string }{
		{"as created", pgColumnsSQL, ""},
		{"wider types", `user_id varchar(40), n numeric, score numeric, ok text, at timestamp, wait interval,
			ctx text, mixed json, props jsonb, seq integer`, ""},
		{"an enum", strings.Replace(pgColumnsSQL, "user_id text", "user_id scen_test_mood", 1), ""},
		{"bool for an int", strings.Replace(pgColumnsSQL, "n bigint", "n boolean", 1),
			`column "n" of table "scen_test_types_%d" is boolean, which cannot hold field "n" of stream "events" (int): COPY would fail at the first row; make the column bigint (or text), or change the field`},
		{"bigint for a float", strings.Replace(pgColumnsSQL, "score double precision", "score bigint", 1),
			`column "score" of table "scen_test_types_%d" is bigint, which cannot hold field "score" of stream "events" (float): a float with a fraction does not fit an integer column: make the column double precision or numeric, or the field an int (int(x) drops the fraction, int(round(x)) rounds it)`},
		{"jsonb for a time", strings.Replace(pgColumnsSQL, "at timestamptz", "at jsonb", 1),
			`column "at" of table "scen_test_types_%d" is jsonb, which cannot hold field "at" of stream "events" (time): COPY would fail at the first row; make the column timestamptz (or text)`},
		{"uuid for a bool", strings.Replace(pgColumnsSQL, "ok boolean", "ok uuid", 1),
			`column "ok" of table "scen_test_types_%d" is uuid, which cannot hold field "ok" of stream "events" (bool)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn.Exec(context.Background(), "DROP TYPE IF EXISTS scen_test_mood CASCADE")
			if _, err := conn.Exec(context.Background(), "CREATE TYPE scen_test_mood AS ENUM ('a')"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Exec(context.Background(), "DROP TYPE IF EXISTS scen_test_mood CASCADE") })
			table := pgTable(t, conn, "types", tc.cols)
			s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q", table, pgtest.DSN))
			err := s.Open(RunInfo{Shards: 1})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				s.Abort()
				return
			}
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			if want := fmt.Sprintf(tc.want, os.Getpid()); !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v\nwant …%s…", err, want)
			}
			var se *SourceError
			if !errors.As(err, &se) || se.Subject.Filename != "sink.hcl" || se.Subject.Start.Line != 1 || se.Subject.Start.Column != 9 {
				t.Fatalf("error %v is not at the table (sink.hcl:1:9): %+v", err, se)
			}
		})
	}
}

// TestPgTypeMismatchFloatInIntColumn: the advice for a float field and an
// integer column names conversions that give an int: round(x) gives a
// float, which the column cannot take either.
func TestPgTypeMismatchFloatInIntColumn(t *testing.T) {
	for _, tc := range []struct {
		name string
		oid  uint32
	}{{"smallint", pgtype.Int2OID}, {"integer", pgtype.Int4OID}, {"bigint", pgtype.Int8OID}} {
		t.Run(tc.name, func(t *testing.T) {
			got := pgTypeMismatch(stdlib.Float, stdlib.Float, tc.oid)
			want := "a float with a fraction does not fit an integer column: make the column double precision or numeric, or the field an int (int(x) drops the fraction, int(round(x)) rounds it)"
			if got != want {
				t.Fatalf("got %q\nwant %q", got, want)
			}
		})
	}
}

// TestPostgresTruncateOneTransaction: with truncate = true, batches and
// --interval flushes copy rows without committing them: until Close,
// other sessions see the old rows, and Abort (a failed or interrupted
// run) leaves them; Close replaces them all at once.
func TestPostgresTruncateOneTransaction(t *testing.T) {
	conn := pgtest.Connect(t)
	table := pgTable(t, conn, "trunc_tx", pgColumnsSQL)
	st := pgStream()
	for _, tc := range []struct {
		name  string
		abort bool
		want  int64
	}{
		{"aborted", true, 50},
		{"closed", false, 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := conn.Exec(ctx, "TRUNCATE "+table+"; INSERT INTO "+table+" (seq) SELECT -g FROM generate_series(1, 50) g"); err != nil {
				t.Fatal(err)
			}
			s := newPGSink(t, st, fmt.Sprintf("table = %q\ndsn = %q\ntruncate = true\nbatch_rows = 3", table, pgtest.DSN))
			if s.Delivering() {
				t.Error("a truncating sink says it is delivering")
			}
			if err := s.Open(RunInfo{Shards: 1}); err != nil {
				t.Fatal(err)
			}
			if err := pgProduce(t, s, st, 0, 20); err != nil {
				t.Fatal(err)
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := pgProduce(t, s, st, 20, 25); err != nil {
				t.Fatal(err)
			}
			if err := s.Seal(); err != nil {
				t.Fatal(err)
			}
			// The open transaction's TRUNCATE holds the table's lock (so
			// counting its rows would wait): look for the lock instead.
			var n int64
			conn.QueryRow(ctx, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = $1 AND l.mode = 'AccessExclusiveLock'", table).Scan(&n)
			if n == 0 {
				t.Error("no transaction holds the table after Flush and Seal")
			}
			if tc.abort {
				s.Abort()
			} else if res, err := s.Close(); err != nil || res.Records != 25 {
				t.Fatalf("Close: %v, %d records", err, res.Records)
			}
			if got := pgCount(t, conn, table); got != tc.want {
				t.Errorf("%d rows, want %d", got, tc.want)
			}
		})
	}
}
