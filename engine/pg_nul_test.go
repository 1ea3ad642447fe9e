package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/pgtest"
)

// nulScenario is a scenario whose emit has the field lines given, to
// one sink of the type given (from line 14 on: the emit's first field).
func nulScenario(fields, sink, table string) string {
	body := `  path = "e.jsonl"`
	if sink == "postgres" {
		body = fmt.Sprintf("  dsn    = %q\n  table  = %q\n  create_table = true", pgtest.DSN, table)
	}
	return `scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-01T01:00:00"
}
entity "user" {
  count = 4
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
` + fields + `
    }
    next = { end = 1 }
  }
}
sink "db" {
  type   = "` + sink + `"
  stream = "events"
` + body + `
}
`
}

// TestPostgresNULConstant: PostgreSQL text cannot hold a NUL character
// (COPY failed on it when the batch was sent, after the rows before it).
// A constant that holds one, in a stream a postgres sink writes, is a
// compile-time error at the field; other sinks write it.
func TestPostgresNULConstant(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields string
		sink   string
		want   string // summary: detail, "" for no error
		at     string
	}{
		{name: "a string", sink: "postgres", fields: `      s = "a\u0000b"`,
			want: `NUL character for PostgreSQL: Field "s" is "a\u0000b", which holds a NUL character (\u0000): sink "db" writes it to PostgreSQL, whose text cannot hold one.`, at: "14:11"},
		{name: "a nested string", sink: "postgres", fields: "      o = {\n        k = [\"x\", \"\\u0000\"]\n      }",
			want: `NUL character for PostgreSQL: Field "o.k[1]" is "\u0000"`, at: "15:19"},
		{name: "a key", sink: "postgres", fields: `      o = { "a\u0000" = 1 }`,
			want: `NUL character for PostgreSQL: The key "a\u0000" of field "o" holds a NUL character (\u0000): sink "db" writes it to PostgreSQL`, at: "14:25"},
		{name: "a template", sink: "postgres", fields: `      s = "${index}"` + "\n" + `      t = "x${"\u0000"}"`,
			want: `NUL character for PostgreSQL: Field "t"`, at: "15:11"},
		// json(…)'s value is the field itself: jj.k, not jj[0].k.
		{name: "in json()", sink: "postgres", fields: `      jj = json({ k = "a\u0000b" })`,
			want: `NUL character for PostgreSQL: Field "jj.k" is "a\u0000b"`, at: "14:23"},
		{name: "in a list in json()", sink: "postgres", fields: `      jj = json([1, "\u0000"])`,
			want: `NUL character for PostgreSQL: Field "jj[1]" is "\u0000"`, at: "14:21"},
		{name: "no NUL", sink: "postgres", fields: `      s = "a\tb\\"`},
		{name: "to a file", sink: "jsonl", fields: `      s = "a\u0000b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, nulScenario(tc.fields, tc.sink, "scen_test_nul"))
			_, diags := compileDiags(t, path, engine.Options{})
			errs := errorsIn(diags)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatal(errs.Error())
				}
				return
			}
			wantOneError(t, errs, tc.want, tc.at)
		})
	}
}

// TestPostgresNULAtRunTime: a value drawn at run time that holds a NUL
// character, in a stream a postgres sink writes, stops the run with an
// error at the field that names it, before its record is encoded: the
// database is not sent the row it would refuse.
func TestPostgresNULAtRunTime(t *testing.T) {
	conn := pgtest.Connect(t)
	for _, tc := range []struct {
		name, fields, want, at string
	}{
		{name: "a string", fields: `      s = index == 2 ? "a\u0000b" : "ok"`,
			want: `NUL character for PostgreSQL: Field "s" is "a\u0000b", which holds a NUL character (\u0000): sink "db" writes it to PostgreSQL`, at: "14:11"},
		{name: "in a list", fields: "      n = 1\n      l = [\"a\", index == 3 ? \"\\u0000\" : \"b\"]",
			want: `NUL character for PostgreSQL: Field "l[1]" is "\u0000"`, at: "15:17"},
		{name: "in json()", fields: `      jj = json({ k = replace(choice(["aXb", "cXd"]), "X", "\u0000") })`,
			want: `NUL character for PostgreSQL: Field "jj.k" is`, at: "14:23"},
		{name: "in an object", fields: `      o = index == 1 ? { a = "\u0000" } : null`,
			want: `NUL character for PostgreSQL: Field "o" is {"a":"\u0000"}`, at: "14:11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := fmt.Sprintf("scen_test_nul_%d", os.Getpid())
			wantRowRefused(t, conn, table, func() string { return writeScenario(t, nulScenario(tc.fields, "postgres", table)) }, tc.want, tc.at)
		})
	}
}

// TestPostgresNULPreview: a preview (scen plan --preview) writes the
// stream to memory, not to the postgres sink: a NUL character there is
// shown, not an error.
func TestPostgresNULPreview(t *testing.T) {
	path := writeScenario(t, nulScenario(`      s = index == 2 ? "a\u0000b" : "ok"`, "postgres", "scen_test_nul_preview"))
	plan := compileFile(t, path, nil, nil)
	recs, err := plan.Preview(context.Background(), "events", 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Errorf("%d records", len(recs))
	}
}

// wantRowRefused runs the scenario written by write (after the table is
// dropped) with two workers and wants it stopped by a run-time error that
// starts with want, at line:column at, with no row in the table.
func wantRowRefused(t *testing.T, conn *pgx.Conn, table string, write func() string, want, at string) {
	t.Helper()
	ctx := context.Background()
	conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
	defer conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
	plan := compileFile(t, write(), nil, nil)
	_, err := plan.Run(ctx, engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
	var re *engine.RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("want a RuntimeError, got %v", err)
	}
	d := re.Diagnostic()
	if got := d.Summary + ": " + d.Detail; !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s…", got, want)
	}
	if got := fmt.Sprintf("%d:%d", re.Subject.Start.Line, re.Subject.Start.Column); got != at {
		t.Errorf("at %s, want %s", got, at)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err == nil && n != 0 {
		t.Errorf("the table holds %d rows", n)
	}
}
