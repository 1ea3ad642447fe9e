package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/pgtest"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/writer"
)

type latin1Row struct {
	ID   int64  `parquet:"name=id, type=INT64"`
	Name string `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
}

// latin1Parquet writes a dataset whose string column holds Latin-1 text
// ("café" with é as the byte 0xe9) in row 0 and UTF-8 in row 1. CSV and
// JSON lines files are checked to be UTF-8 when they are loaded (and
// --var values when they are read); a Parquet string column is not, and
// is the way such bytes reach a field.
func latin1Parquet(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "latin1.parquet")
	fw, err := local.NewLocalFileWriter(p)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := writer.NewParquetWriter(fw, new(latin1Row), 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []string{"caf\xe9", "café"} {
		if err := pw.Write(latin1Row{ID: int64(i), Name: s}); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return p
}

// utf8Scenario is nulScenario with the dataset d (latin1Parquet).
func utf8Scenario(t *testing.T, fields, sink, table string) string {
	return writeScenario(t, nulScenario(fields, sink, table)+fmt.Sprintf("dataset \"d\" { path = %q }\n", latin1Parquet(t)))
}

// TestPostgresUTF8Constant: PostgreSQL text must be UTF-8 (COPY failed
// on a string that is not, when the batch was sent, with PostgreSQL's
// error and after the rows before it). A constant that is not, in a
// stream a postgres sink writes, is a compile-time error at the field;
// other sinks write it.
func TestPostgresUTF8Constant(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields string
		sink   string
		want   string // summary: detail, "" for no error
		at     string
	}{
		{name: "a string", sink: "postgres", fields: `      s = dataset.d.name[0]`,
			want: `Invalid UTF-8 for PostgreSQL: Field "s" is "caf\ufffd", which is not valid UTF-8 (the byte at offset 3, 0xe9, is not UTF-8; it shows as \ufffd): sink "db" writes it to PostgreSQL, whose text must be UTF-8.`, at: "14:11"},
		{name: "a nested string", sink: "postgres", fields: "      o = {\n        k = [\"x\", dataset.d.name[0]]\n      }",
			want: `Invalid UTF-8 for PostgreSQL: Field "o.k[1]" is "caf\ufffd", which is not valid UTF-8`, at: "15:19"},
		{name: "in a list", sink: "postgres", fields: `      l = [dataset.d.name]`,
			want: `Invalid UTF-8 for PostgreSQL: Field "l[0]" is ["caf\ufffd","café"], which holds a string that is not valid UTF-8 (the byte at offset 3 of "caf\ufffd", 0xe9, is not UTF-8`, at: "14:12"},
		{name: "a template", sink: "postgres", fields: `      s = "${index}"` + "\n" + `      t = "x${dataset.d.name[0]}"`,
			want: `Invalid UTF-8 for PostgreSQL: Field "t"`, at: "15:11"},
		{name: "UTF-8", sink: "postgres", fields: `      s = dataset.d.name[1]`},
		{name: "to a file", sink: "jsonl", fields: `      s = dataset.d.name[0]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := utf8Scenario(t, tc.fields, tc.sink, "scen_test_utf8")
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

// TestPostgresUTF8AtRunTime: a string drawn at run time that is not
// UTF-8, in a stream a postgres sink writes, stops the run with an error
// at the field that names it, before its record is encoded: nothing is
// committed (the table stays empty), PostgreSQL is not sent the row.
func TestPostgresUTF8AtRunTime(t *testing.T) {
	conn := pgtest.Connect(t)
	for _, tc := range []struct {
		name, fields, want, at string
	}{
		{name: "a string", fields: `      s = index == 2 ? dataset.d.name[0] : "ok"`,
			want: `Invalid UTF-8 for PostgreSQL: Field "s" is "caf\ufffd", which is not valid UTF-8 (the byte at offset 3, 0xe9, is not UTF-8; it shows as \ufffd): sink "db" writes it to PostgreSQL`, at: "14:11"},
		{name: "drawn", fields: `      s = choice(dataset.d.name)`,
			want: `Invalid UTF-8 for PostgreSQL: Field "s" is "caf\ufffd"`, at: "14:11"},
		{name: "in a list", fields: "      n = 1\n      l = [\"a\", index == 3 ? dataset.d.name[0] : \"b\"]",
			want: `Invalid UTF-8 for PostgreSQL: Field "l[1]" is "caf\ufffd"`, at: "15:17"},
		{name: "in an object", fields: `      o = index == 1 ? { a = dataset.d.name[0] } : null`,
			want: `Invalid UTF-8 for PostgreSQL: Field "o" is {"a":"caf\ufffd"}, which holds a string that is not valid UTF-8 (the byte at offset 3 of "caf\ufffd", 0xe9`, at: "14:11"},
		{name: "a row", fields: `      o = index == 1 ? lookup(dataset.d, "id", 0) : null`,
			want: `Invalid UTF-8 for PostgreSQL: Field "o" is {"id":0,"name":"caf\ufffd"}`, at: "14:11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := fmt.Sprintf("scen_test_utf8_%d", os.Getpid())
			wantRowRefused(t, conn, table, func() string { return utf8Scenario(t, tc.fields, "postgres", table) }, tc.want, tc.at)
		})
	}
}

// TestUTF8ToFiles: other sinks are not checked (they pay nothing per
// record); JSON lines write the byte as \ufffd, as before.
func TestUTF8ToFiles(t *testing.T) {
	path := utf8Scenario(t, `      s = choice(dataset.d.name)`, "jsonl", "")
	plan := compileFile(t, path, nil, nil)
	out := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if n := len(jsonLines(t, filepath.Join(out, "e.jsonl"))); n != 4 {
		t.Errorf("%d records, want 4", n)
	}
}
