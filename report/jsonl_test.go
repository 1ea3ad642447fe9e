package report

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine/data"
)

// TestJSONLFastPath: a JSON lines file read by the report's own passes
// gives the columns, records and values (text at each path, times) that
// its data.Load table gives, whether the file is read in one chunk or
// several; a file the fast path does not take is read by data.Load, with
// its error.
func TestJSONLFastPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		fast bool   // read by the fast path
		err  string // data.Load's error
	}{
		{"kinds", `{"a":"x","b":1,"c":{"d":"e","f":[1,2.5,"z"],"g":null},"t":"2025-06-01T00:01:52.897+09:00"}
{"b":2.5,"a":"y\"q\\\/\n","e":"{\"k\":\"v\",\"n\":{\"m\":7}}","t":1700000000000}
{"b":12345678901234,"c":"{\"d\":\"json text\"}","t":"bad","u":true}
`, true, ""},
		{"big ints", "{\"id\":12345678901234567890,\"t\":5}\n{\"id\":5,\"t\":\"123\"}\n{\"id\":\"99999999999999999999\"}\n", true, ""},
		{"ints and text", "{\"id\":5}\n{\"id\":\"x\"}\n", true, ""},
		{"empty key after an escaped one", "{\"\\u0061\":1,\"\":2,\"b\":3}\n{\"\\u0061\":3,\"\":4,\"b\":5}\n{\"a\":5,\"\":6,\"b\":7}\n", true, ""},
		{"repeated key", `{"a":1,"b":"x","a":"two"}` + "\n", false, `e.jsonl: line 1: the key "a" appears twice in the record`},
		{"repeated key, later", `{"a":1,"b":"x"}` + "\n" + `{"a":1,"b":"x"}` + "\n" + `{"a":1,"b":"x","\u0062":2}` + "\n", false, `e.jsonl: line 3: the key "b" appears twice`},
		{"repeated nested key", `{"a":{"k":1,"k":2}}` + "\n", true, ""},
		{"unicode escapes", `{"a":"caf\u00e9 \ud83d\ude00 \ud800","b\u0041":1,"c":"é"}` + "\n", true, ""},
		{"blank lines, no final newline", "\n  {\"a\":1}  \r\n\n\t\n{\"a\":2, \"b\" : [ ] , \"c\":{ }}\n\n{\"a\":3}", true, ""},
		{"numbers", `{"a":-0.5e+3,"b":0,"c":-12,"d":1E2,"e":{"x":1e-400}}` + "\n", true, ""},
		{"byte order mark", "\xEF\xBB\xBF{\"a\":1}\n", false, ""},
		{"vertical tab", "{\"a\":1}\v\n", false, ""},
		{"invalid", "{\"a\":1}\n{\"a\":}\n", false, "line 2, column 6: invalid JSON"},
		{"not an object", "[1]\n", false, "must be a JSON object"},
		{"out of range", `{"a":{"b":1e999}}` + "\n", false, "out of range"},
		{"control character", "{\"a\":\"x\ty\"}\n", false, "invalid JSON"},
		{"empty", "\n\n", false, "has no rows"},
		{"truncated", "{\"a\":1}\n{\"a\":", false, "truncated"},
		{"not UTF-8", "{\"a\":\"\xff\"}\n", false, "UTF-8"},
	} {
		for _, chunk := range []int64{16 << 20, 8} {
			t.Run(fmt.Sprintf("%s/chunk %d", tc.name, chunk), func(t *testing.T) {
				defer func(was int64) { minChunk = was }(minChunk)
				minChunk = chunk
				path := filepath.Join(t.TempDir(), "e.jsonl")
				if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
					t.Fatal(err)
				}
				table, lerr := data.Load(path)
				got, err := ReadInput([]string{path})
				switch {
				case tc.err != "":
					if lerr == nil || !strings.Contains(lerr.Error(), tc.err) {
						t.Fatalf("data.Load: %v, want an error with %q", lerr, tc.err)
					}
					if err == nil || err.Error() != lerr.Error() {
						t.Fatalf("ReadInput: %v, want %v", err, lerr)
					}
					return
				case lerr != nil || err != nil:
					t.Fatalf("data.Load: %v, ReadInput: %v", lerr, err)
				}
				if fast := got.srcs[0].jsonl != nil; fast != tc.fast {
					t.Fatalf("fast path %v, want %v", fast, tc.fast)
				}
				if tc.fast && chunk == 8 && len(tc.text) > 64 && strings.Count(tc.text, "\n") > 2 && runtime.GOMAXPROCS(0) > 1 && len(got.srcs[0].jsonl.chunks) < 2 {
					t.Errorf("read in %d chunk, want several", len(got.srcs[0].jsonl.chunks))
				}
				want := &Input{Files: []string{path}, tables: []*data.Table{table}, parquet: []bool{false}, n: len(table.Rows)}
				if g, w := got.Columns(), want.Columns(); !slices.Equal(g, w) {
					t.Errorf("columns %q, want %q", g, w)
				}
				if got.Len() != want.Len() || !slices.Equal(got.FileEnds(), want.FileEnds()) {
					t.Errorf("%d records (%v), want %d (%v)", got.Len(), got.FileEnds(), want.Len(), want.FileEnds())
				}
				var paths [][]string
				for _, c := range want.Columns() {
					paths = append(paths, []string{c})
					for _, k := range []string{"d", "f", "g", "k", "n", "x"} {
						paths = append(paths, []string{c, k}, []string{c, k, "m"})
					}
				}
				got.Prefetch(paths, want.Columns())
				for _, p := range paths {
					if g, w := got.Strings(p), want.Strings(p); !slices.Equal(g, w) {
						t.Errorf("%q: %q, want %q", p, g, w)
					}
				}
				for _, c := range want.Columns() {
					gt, gok := got.Times(c)
					wt, wok := want.Times(c)
					if !slices.Equal(gt, wt) || !slices.Equal(gok, wok) {
						t.Errorf("times of %s: %v %v, want %v %v", c, gt, gok, wt, wok)
					}
				}
				if got.passes != 1 {
					t.Errorf("%d passes over the file, want 1 (Prefetch)", got.passes)
				}
				// Read while the file is checked: the same values.
				spec, err := ReadInputFor([]string{path}, func(cols []string) ([][]string, []string) { return paths, want.Columns() })
				if err != nil {
					t.Fatal(err)
				}
				spec.Prefetch(paths, want.Columns()) // as Build does
				sameValues(t, spec, want, paths)
				if spec.passes > 1 {
					t.Errorf("%d passes over the file after checking it, want at most 1 (for unified columns)", spec.passes)
				}
			})
		}
	}
}

// sameValues compares what two inputs read at paths, and the times of
// b's columns.
func sameValues(t *testing.T, a, b *Input, paths [][]string) {
	t.Helper()
	for _, p := range paths {
		if g, w := a.Strings(p), b.Strings(p); !slices.Equal(g, w) {
			t.Errorf("%q: %q, want %q", p, g, w)
		}
	}
	for _, c := range b.Columns() {
		gt, gok := a.Times(c)
		wt, wok := b.Times(c)
		if !slices.Equal(gt, wt) || !slices.Equal(gok, wok) {
			t.Errorf("times of %s: %v %v, want %v %v", c, gt, gok, wt, wok)
		}
	}
}

// TestReadInputForTables: files read with data.Load (CSV here) give the
// same values read while they are loaded as read by a pass afterwards,
// and need no pass when the plan named every field.
func TestReadInputForTables(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for k, text := range []string{"a,b,t\nx,1,2025-06-01T00:00:00Z\ny,2.5,\n", "a,b,t\n\"z,\"\"q\"\"\",7,1700000000000\n"} {
		f := filepath.Join(dir, fmt.Sprintf("e-%d.csv", k))
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	paths := [][]string{{"a"}, {"b"}, {"t"}, {"a", "k"}}
	want, err := ReadInput(files)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadInputFor(files, func(cols []string) ([][]string, []string) { return paths, cols })
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, got, want, paths)
	if got.passes != 0 {
		t.Errorf("%d passes after loading, want 0", got.passes)
	}
}
