package sinks

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/klauspost/compress/zstd"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// testStream has two emits with different fields, one nested.
func testStream() *rec.Stream {
	s := &rec.Stream{Name: "events"}
	e0 := &rec.Emit{ID: 0, Stream: s, Leaves: 4, Fields: []*rec.Field{
		{Name: "name", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "n", Kind: rec.Leaf, Slot: 1, Type: stdlib.Int},
		{Name: "at", Kind: rec.Leaf, Slot: 2, Type: stdlib.Time},
		{Name: "ctx", Kind: rec.Object, Children: []*rec.Field{{Name: "page", Kind: rec.Leaf, Slot: 3}}},
	}}
	e1 := &rec.Emit{ID: 1, Stream: s, Leaves: 2, Fields: []*rec.Field{
		{Name: "name", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "props", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.List, Children: []*rec.Field{{Kind: rec.Leaf, Slot: 1}}}}},
	}}
	s.Emits = []*rec.Emit{e0, e1}
	s.Columns = []rec.Column{{Name: "name"}, {Name: "n"}, {Name: "at"}, {Name: "ctx"}, {Name: "props"}}
	return s
}

var seoul, _ = time.LoadLocation("Asia/Seoul")

func records(s *rec.Stream) []*rec.Record {
	at := time.Date(2025, 8, 15, 14, 23, 45, 123e6, seoul).UnixMilli()
	return []*rec.Record{
		{Emit: s.Emits[0], Vals: []stdlib.Value{stdlib.StrV(`say "hi", ok`), stdlib.IntV(42), stdlib.TimeV(at), stdlib.StrV("main")}},
		{Emit: s.Emits[1], Vals: []stdlib.Value{stdlib.StrV("line\nbreak"), stdlib.FloatV(1.5)}},
		{Emit: s.Emits[0], Vals: []stdlib.Value{stdlib.StrV(" lead"), stdlib.NullV(), stdlib.TimeV(at), stdlib.StrV("ü")}},
	}
}

func TestJSONEncoder(t *testing.T) {
	s := testStream()
	enc := NewJSONEncoder(s, stdlib.NewTimeFormatter(seoul))
	var got []byte
	for _, r := range records(s) {
		got = enc.Encode(got, r)
	}
	want := `{"name":"say \"hi\", ok","n":42,"at":"2025-08-15T14:23:45.123+09:00","ctx":{"page":"main"}}
{"name":"line\nbreak","props":"[1.5]"}
{"name":" lead","at":"2025-08-15T14:23:45.123+09:00","ctx":{"page":"ü"}}
`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(got), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("invalid JSON: %s", line)
		}
	}
}

// TestCSVEncoderRoundTrip: what we write, encoding/csv reads back exactly.
func TestCSVEncoderRoundTrip(t *testing.T) {
	s := testStream()
	enc := NewCSVEncoder(s, stdlib.NewTimeFormatter(seoul))
	out := CSVHeader(s)
	for _, r := range records(s) {
		out = enc.Encode(out, r)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := [][]string{
		{"name", "n", "at", "ctx", "props"},
		{`say "hi", ok`, "42", "2025-08-15T14:23:45.123+09:00", `{"page":"main"}`, ""},
		{"line\nbreak", "", "", "", "[1.5]"},
		{" lead", "", "2025-08-15T14:23:45.123+09:00", `{"page":"ü"}`, ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %q", len(rows), rows)
	}
	for i := range want {
		for j := range want[i] {
			if rows[i][j] != want[i][j] {
				t.Errorf("row %d col %d: got %q want %q", i, j, rows[i][j], want[i][j])
			}
		}
	}
}

func TestFileSinkCompressionAndAtomicity(t *testing.T) {
	for _, tc := range []struct {
		path string
		read func(io.Reader) (io.Reader, error)
	}{
		{"a/e.jsonl", func(r io.Reader) (io.Reader, error) { return r, nil }},
		{"b/e.jsonl.gz", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"c/e.jsonl.zst", func(r io.Reader) (io.Reader, error) { return zstd.NewReader(r) }},
	} {
		t.Run(tc.path, func(t *testing.T) {
			dir := t.TempDir()
			s := &fileSink{typ: "jsonl", path: tc.path}
			if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
				t.Fatal(err)
			}
			final := filepath.Join(dir, tc.path)
			var want []byte
			line := bytes.Repeat([]byte("x"), 999)
			line = append(line, '\n')
			for i := 0; i < 3000; i++ { // several buffers' worth
				want = append(want, line...)
				if err := s.Write(0, line); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(final); !os.IsNotExist(err) {
				t.Fatal("the final file exists before Close")
			}
			res, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != 3000 || res.Bytes != int64(len(want)) {
				t.Errorf("result %+v", res)
			}
			f, err := os.Open(final)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := tc.read(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("content differs (%d vs %d bytes, %v)", len(got), len(want), err)
			}
			entries, _ := os.ReadDir(filepath.Dir(final))
			if len(entries) != 1 {
				t.Errorf("leftovers beside the output: %v", entries)
			}
		})
	}
}

func TestFileSinkAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s := &fileSink{typ: "jsonl", path: "x/e.jsonl"}
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	s.Write(0, []byte("{}\n"))
	s.Abort()
	entries, _ := os.ReadDir(filepath.Join(dir, "x"))
	if len(entries) != 0 {
		t.Fatalf("abort left %v", entries)
	}
}

func TestPaths(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"events.jsonl", true}, {"a/b/c.csv.gz", true}, {"./x.jsonl", true},
		{"../x.jsonl", false}, {"a/../../x", false}, {"/etc/x", false}, {"", false}, {"dir/", false},
		{".", false}, {"sub/..", false}, {"a/.", false}, {"a/../b.jsonl", true},
	} {
		if got := checkRelPath(tc.path) == ""; got != tc.ok {
			t.Errorf("checkRelPath(%q) ok=%v, want %v", tc.path, got, tc.ok)
		}
	}
	for _, tc := range []struct {
		path  string
		ri    RunInfo
		wants string
	}{
		{"e.jsonl", RunInfo{Shards: 1}, "e.jsonl"},
		{"out/e.jsonl.gz", RunInfo{Shard: 2, Shards: 12}, "out/e.shard-02-of-12.jsonl.gz"},
		{"part-{{shard}}.csv", RunInfo{Shard: 3, Shards: 4}, "part-3.csv"},
		// {{shards}} is N: shards of runs with different N written to
		// one place no longer mix.
		{"part-{{shard}}-of-{{shards}}.csv", RunInfo{Shard: 3, Shards: 4}, "part-3-of-4.csv"},
		{"n={{shards}}/i={{shard}}/e.csv", RunInfo{Shard: 11, Shards: 16}, "n=16/i=11/e.csv"},
		{"{{shard}}/{{shard}}-{{shards}}.csv", RunInfo{Shard: 1, Shards: 2}, "1/1-2.csv"},
		// Without --shard: shard 0 of 1 (RunInfo's zero Shards too).
		{"part-{{shard}}-of-{{shards}}.csv", RunInfo{Shards: 1}, "part-0-of-1.csv"},
		{"part-{{shard}}-of-{{shards}}.csv", RunInfo{}, "part-0-of-1.csv"},
		{"e-{{shards}}.csv", RunInfo{Shards: 1}, "e-1.csv"},
		// {{shards}} alone does not tell the shards apart: the suffix
		// still does.
		{"n={{shards}}/e.csv", RunInfo{Shard: 2, Shards: 3}, "n=3/e.shard-2-of-3.csv"},
		{"events", RunInfo{Shard: 0, Shards: 2}, "events.shard-0-of-2"},
		{"a.b/events", RunInfo{Shard: 1, Shards: 2}, "a.b/events.shard-1-of-2"},
		{"lake/v1.2/e.csv", RunInfo{Shard: 1, Shards: 2}, "lake/v1.2/e.shard-1-of-2.csv"},
		// A hidden file's leading dot is not its extension: the shard's
		// name used to end in the suffix (.e.jsonl.gz.shard-1-of-2).
		{".e.jsonl.gz", RunInfo{Shard: 1, Shards: 2}, ".e.shard-1-of-2.jsonl.gz"},
		{"out/..e.csv", RunInfo{Shard: 0, Shards: 3}, "out/..e.shard-0-of-3.csv"},
		{".e", RunInfo{Shard: 0, Shards: 2}, ".e.shard-0-of-2"},
	} {
		if got := shardPath(tc.path, tc.ri); got != tc.wants {
			t.Errorf("shardPath(%q) = %q, want %q", tc.path, got, tc.wants)
		}
	}
	// Rolled files number their parts the same way.
	for _, tc := range [][2]string{
		{"e.jsonl.zst", "e-{{part}}.jsonl.zst"},
		{"d/.e.parquet", "d/.e-{{part}}.parquet"},
		{"e", "e-{{part}}"},
	} {
		if got := beforeExt(tc[0], "-{{part}}"); got != tc[1] {
			t.Errorf("beforeExt(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

// TestJSONStringFields: a json({...}) field decodes twice to the values.
func TestJSONStringFields(t *testing.T) {
	s := &rec.Stream{Name: "s"}
	inner := &rec.Field{Kind: rec.Object, Children: []*rec.Field{
		{Name: "plain", Kind: rec.Leaf, Slot: 0}, {Name: "tricky", Kind: rec.Leaf, Slot: 1},
		{Name: "n", Kind: rec.Leaf, Slot: 2}, {Name: "gone", Kind: rec.Leaf, Slot: 3},
		{Name: "list", Kind: rec.List, Children: []*rec.Field{{Kind: rec.Leaf, Slot: 4}}},
		{Name: "nested", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Object, Children: []*rec.Field{{Name: "q", Kind: rec.Leaf, Slot: 1}}}}},
	}}
	em := &rec.Emit{ID: 0, Stream: s, Leaves: 5, Fields: []*rec.Field{{Name: "props", Kind: rec.JSON, Children: []*rec.Field{inner}}}}
	s.Emits = []*rec.Emit{em}
	enc := NewJSONEncoder(s, stdlib.NewTimeFormatter(nil))
	tricky := "say \"hi\"\n\\ ü \u2028 <tab>\t"
	out := enc.Encode(nil, &rec.Record{Emit: em, Vals: []stdlib.Value{stdlib.StrV("ok"), stdlib.StrV(tricky), stdlib.FloatV(0.25),
		stdlib.NullV(), stdlib.ListV([]stdlib.Value{stdlib.StrV("x"), stdlib.IntV(2)})}})
	var outer struct{ Props string }
	if err := json.Unmarshal(out, &outer); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(outer.Props), &got); err != nil {
		t.Fatalf("%v: %s", err, outer.Props)
	}
	if got["plain"] != "ok" || got["tricky"] != tricky || got["n"] != 0.25 {
		t.Fatalf("decoded %v", got)
	}
	if _, ok := got["gone"]; ok {
		t.Fatal("null field was written")
	}
	var nested map[string]any
	if err := json.Unmarshal([]byte(got["nested"].(string)), &nested); err != nil || nested["q"] != tricky {
		t.Fatalf("nested %v %v", nested, err)
	}
	if !reflect.DeepEqual(got["list"], []any{[]any{"x", float64(2)}}) {
		t.Fatalf("list %#v", got["list"])
	}
}

// produce encodes records from..to as the engine does (an encoder per
// worker, Write from one goroutine) and stops at the first error.
func produceRecords(s Sink, loc *time.Location, from, to int, record func(i int) *rec.Record) error {
	enc := s.NewEncoder(stdlib.NewTimeFormatter(loc))
	var buf []byte
	for i := from; i < to; i++ {
		r := record(i)
		buf = enc.Encode(buf[:0], r)
		if err := s.Write(r.Time, buf); err != nil {
			return err
		}
	}
	return nil
}

// TestCSVCell: the eight-bytes-at-a-time check quotes exactly the cells
// the byte-by-byte rule quotes, wherever the special byte sits.
func TestCSVCell(t *testing.T) {
	exact := func(s string) string {
		quote := len(s) == 0 || s[0] == ' ' || s[0] == '\t' // "" is quoted: null is the empty cell
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case ',', '"', '\n', '\r':
				quote = true
			}
		}
		if !quote {
			return s
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	cases := []string{"", "a", "plain ascii text", "Seoul|groceries", "ü and 한국", " lead", "\tlead", "tab\tinside", "x\x01y"}
	for _, special := range []string{",", `"`, "\n", "\r", "\x7f", "\xff"} {
		for n := 0; n < 20; n++ {
			cases = append(cases, strings.Repeat("a", n)+special+strings.Repeat("b", 19-n))
		}
	}
	for _, s := range cases {
		if got, want := string(appendCSVCell(nil, s)), exact(s); got != want {
			t.Errorf("appendCSVCell(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestAt: a failure is pinned once, to the most precise range a sink
// gives; nil errors and sinks built without a source are left alone.
func TestAt(t *testing.T) {
	table := hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Line: 5, Column: 11}, End: hcl.Pos{Line: 5, Column: 19}}
	block := hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Line: 1, Column: 1}, End: hcl.Pos{Line: 1, Column: 10}}
	cause := errors.New("relation does not exist")
	for _, tc := range []struct {
		name string
		err  error
		r    hcl.Range
		want *hcl.Range // nil: not pinned
	}{
		{"nil", nil, table, nil},
		{"no source", cause, hcl.Range{}, nil},
		{"pinned", cause, table, &table},
		{"pinned already: the sink's range stays", At(table, cause), block, &table},
		{"pinned below a wrapper", fmt.Errorf("sink %q: %w", "db", At(table, cause)), block, &table},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := At(tc.r, tc.err)
			if tc.err == nil {
				if got != nil {
					t.Fatalf("At(nil) = %v", got)
				}
				return
			}
			if got.Error() != tc.err.Error() {
				t.Errorf("the text changed: %q, want %q", got, tc.err)
			}
			if !errors.Is(got, cause) {
				t.Errorf("%v no longer wraps the cause", got)
			}
			var se *SourceError
			switch {
			case tc.want == nil && errors.As(got, &se):
				t.Errorf("pinned to %v", se.Subject)
			case tc.want != nil && (!errors.As(got, &se) || se.Subject != *tc.want):
				t.Errorf("pinned to %v, want %v", se, *tc.want)
			}
		})
	}
}
