package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/internal/pgtest"
)

// TestManifestDirCheckedFirst: a run whose sinks write no file (here a
// PostgreSQL table) still writes its manifest under --out. When it cannot
// (--out under a regular file, as a read-only working directory in a
// container), the run used to load every row, commit them and only then
// fail (exit 1), so that a retry loaded them again; it now fails before
// anything is generated, leaves no directory, and says how to run
// (another --out, or --no-manifest).
func TestManifestDirCheckedFirst(t *testing.T) {
	conn := pgtest.Connect(t)
	ctx := context.Background()
	table := fmt.Sprintf("scen_test_mdir_%d", os.Getpid())
	t.Cleanup(func() { conn.Exec(ctx, "DROP TABLE IF EXISTS "+table) })
	for _, tc := range []struct {
		name     string
		out      string // under the test's directory; FILE is a regular file
		args     []string
		code     int
		rows     int
		msg      string
		manifest bool
		noTable  bool // the load fails: the directories made for the manifest go again
	}{
		{name: "out under a file", out: "FILE/out", code: 1, rows: 0,
			msg: "the manifest cannot be written into %s/FILE/out (mkdir %[1]s/FILE: not a directory), so nothing was generated: give --out a directory this run can write to, or pass --no-manifest"},
		{name: "out under a file, no manifest", out: "FILE/out", args: []string{"--no-manifest"}, code: 0, rows: 30},
		{name: "fresh out", out: "a/b/out", code: 0, rows: 30, manifest: true},
		{name: "fresh out, the load fails", out: "a/b/out", code: 1, noTable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
			if !tc.noTable {
				if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (at timestamptz, n bigint)"); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "FILE"), []byte("x"), 0o644)
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(pgtest.Scenario(table)), 0o644)
			out := filepath.Join(dir, tc.out)
			code, _, stderr := runCLI(append([]string{"run", path, "--out", out, "-q"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if tc.noTable {
				if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
					t.Errorf("the failed run left %s", filepath.Join(dir, "a"))
				}
				return
			}
			if tc.msg != "" && !strings.Contains(stderr, fmt.Sprintf(tc.msg, dir)) {
				t.Errorf("stderr lacks %q:\n%s", fmt.Sprintf(tc.msg, dir), stderr)
			}
			var rows int
			conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&rows)
			if rows != tc.rows {
				t.Errorf("the table holds %d rows, want %d", rows, tc.rows)
			}
			_, err := os.Stat(filepath.Join(out, "manifest.json"))
			if (err == nil) != tc.manifest {
				t.Errorf("manifest: %v, want one: %v", err, tc.manifest)
			}
		})
	}
}

// TestSkippedConflictsCounted: a shard run again into a table that holds
// its rows (on_conflict = "skip") inserts none. The manifest's stream
// count still says how many records the stream had (it said 0, so the
// shards' manifests no longer added up to the run), the sink's count how
// many rows were inserted, and the summary says what was skipped rather
// than "done: 0 records".
func TestSkippedConflictsCounted(t *testing.T) {
	conn := pgtest.Connect(t)
	ctx := context.Background()
	table := fmt.Sprintf("scen_test_skip_%d", os.Getpid())
	t.Cleanup(func() { conn.Exec(ctx, "DROP TABLE IF EXISTS "+table) })
	conn.Exec(ctx, "DROP TABLE IF EXISTS "+table)
	if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (at timestamptz, n bigint, id text PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "s.hcl")
	src := strings.Replace(pgtest.Scenario(table), "  table  = ", "  on_conflict = \"skip\"\n  table  = ", 1)
	src = strings.Replace(src, "n  = index", "n  = index\n      id = uuid()", 1)
	os.WriteFile(path, []byte(src), 0o644)
	for _, tc := range []struct {
		name         string
		stream, sink int64
		summary      []string
	}{
		{"first load", 30, 30, []string{"sink db: 30 records, ", "done: 30 records in "}},
		{"again", 30, 0, []string{"sink db: 0 records, ", "→ postgres table " + table + " (30 of the 30 records sent were skipped as conflicts)", "done: 30 records in "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out")
			code, _, stderr := runCLI("run", path, "--out", out)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			for _, s := range tc.summary {
				if !strings.Contains(stderr, s) {
					t.Errorf("summary lacks %q:\n%s", s, stderr)
				}
			}
			var m struct {
				Streams []struct{ Records int64 }
				Sinks   []struct{ Records int64 }
			}
			b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Streams) != 1 || m.Streams[0].Records != tc.stream || len(m.Sinks) != 1 || m.Sinks[0].Records != tc.sink {
				t.Errorf("manifest streams %+v sinks %+v, want %d and %d", m.Streams, m.Sinks, tc.stream, tc.sink)
			}
		})
	}
}
