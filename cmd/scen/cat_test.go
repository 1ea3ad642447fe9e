package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

// TestCat: scen cat prints a Parquet, CSV or JSON lines file's records as
// the jsonl sink writes the same records (times, ints, floats, strings,
// null fields left out), a directory's files in path order, --limit and
// --schema; a missing file or a directory without data files is an error.
func TestCat(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed     = 7
  timezone = "UTC"
  start    = "2025-01-01T00:00:00"
  end      = "2025-01-03T00:00:00"
}
entity "user" {
  count = 20
  attributes {
    id   = "u${index}"
    tier = weighted({ free = 3, paid = 1 })
  }
}
flow "f" {
  actor   = entity.user
  session { count = 2 }
  gap     = "10m"
  initial = "e"
  state "e" {
    emit "ev" {
      user  = user.id
      tier  = user.tier
      at    = event.time
      n     = event.seq
      price = round(uniform(1.0, 100.0), 2)
      note  = user.tier == "paid" ? "vip \"quoted\"" : null
    }
    next = { e = 0.5, end = 0.5 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
sink "c" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
sink "p" {
  type   = "parquet"
  stream = "ev"
  path   = "pq/tier={{field:tier}}/ev.parquet"
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", path, "--out", out, "--quiet", "--no-manifest"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(out, "ev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(want), "\n")
	lines = lines[:len(lines)-1] // after the last newline
	if len(lines) < 40 {
		t.Fatalf("only %d records", len(lines))
	}
	// The Parquet files are by tier: their records in path order (free,
	// then paid), each file in time order.
	var free, paid []string
	for _, l := range lines {
		if strings.Contains(l, `"tier":"paid"`) {
			paid = append(paid, l)
		} else {
			free = append(free, l)
		}
	}
	// A Parquet sink's file whose path ends in .jsonl is read as Parquet
	// (its first bytes are PAR1), not as text that is "not UTF-8".
	pq, err := os.ReadFile(filepath.Join(out, "pq", "tier=paid", "ev.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	misnamed := filepath.Join(dir, "parquet.jsonl")
	if err := os.WriteFile(misnamed, pq, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"jsonl", []string{filepath.Join(out, "ev.jsonl")}, string(want)},
		{"a parquet file named .jsonl", []string{misnamed}, strings.Join(paid, "")},
		{"a parquet file named .jsonl, limit", []string{"--limit", "2", misnamed}, strings.Join(paid[:2], "")},
		{"csv", []string{filepath.Join(out, "ev.csv")}, string(want)},
		{"a parquet directory", []string{filepath.Join(out, "pq")}, strings.Join(free, "") + strings.Join(paid, "")},
		{"one parquet file", []string{filepath.Join(out, "pq", "tier=paid", "ev.parquet")}, strings.Join(paid, "")},
		{"limit", []string{"--limit", "3", filepath.Join(out, "ev.csv")}, strings.Join(lines[:3], "")},
		{"limit over files", []string{"--limit", "3", filepath.Join(out, "ev.csv"), filepath.Join(out, "ev.jsonl")}, strings.Join(lines[:3], "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != tc.want {
				t.Errorf("got\n%.600s\nwant\n%.600s", stdout, tc.want)
			}
		})
	}
	code, stdout, _ := runCLI("cat", "--schema", filepath.Join(out, "pq", "tier=free", "ev.parquet"))
	for _, want := range []string{"rows", "user", "string", "at", "time", "n ", "int", "price", "float"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("--schema: exit %d, %q lacks %q", code, stdout, want)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{filepath.Join(dir, "missing.parquet")}, 1, "no such file"},
		{[]string{empty}, 1, "no JSON lines, CSV or Parquet file under this directory"},
		{[]string{"--limit", "-1", empty}, 2, "--limit -1"},
		{[]string{"--zone", "Mars/Base", filepath.Join(out, "ev.csv")}, 2, "not a time zone"},
		// As the scenario's timezone: the closest name, an abbreviation's region.
		{[]string{"--zone", "Europe/Berln", filepath.Join(out, "ev.csv")}, 2, `--zone "Europe/Berln": not a time zone (an IANA name such as Europe/Berlin). Did you mean "Europe/Berlin"?`},
		{[]string{"--zone", "asia/seoul", filepath.Join(out, "ev.csv")}, 2, `Did you mean "Asia/Seoul"?`},
	} {
		code, _, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("cat %v: exit %d, %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestCatLimit: with --limit N, cat reads only the first N records of a
// JSON lines or CSV file (compressed or not): its output is the first N
// lines of the whole file's output, a bad record after them is never
// reached (exit 0), one among them is still an error naming the file and
// line, and a CSV cell's quoted newline does not count as a record.
func TestCatLimit(t *testing.T) {
	dir := t.TempDir()
	var good strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&good, "{\"id\":%d,\"s\":\"r%d\",\"x\":%d.5}\n", i, i, i)
	}
	// Line 8 (3+5) is not JSON; lines 1 to 3 are.
	badLater := strings.Replace(good.String(), `{"id":8,`, `{"id":8`, 1)
	badEarly := strings.Replace(good.String(), `{"id":2,`, `{"id":2`, 1)
	csvText := "id,note\n1,\"a\nb\"\n2,\"x,\"\"y\"\"\"\n3,z\n4,\"unterminated\n"
	files := map[string][]byte{
		"good.jsonl":    []byte(good.String()),
		"good.jsonl.gz": gzipBytes(t, []byte(good.String())),
		"bad.jsonl":     []byte(badLater),
		"bad.jsonl.gz":  gzipBytes(t, []byte(badLater)),
		"bad.jsonl.zst": zstdBytes(t, []byte(badLater)),
		"early.jsonl":   []byte(badEarly),
		"quoted.csv":    []byte(csvText),
		"quoted.csv.gz": gzipBytes(t, []byte(csvText)),
		"good.csv":      []byte("a,b\n1,x\n2,y\n3,z\n"),
		"good.csv.zst":  zstdBytes(t, []byte("a,b\n1,x\n2,y\n3,z\n")),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	// head is the first n lines of cat's output for the whole file.
	head := func(name string, n int) string {
		code, stdout, stderr := runCLI("cat", p(name))
		if code != 0 {
			t.Fatalf("cat %s: exit %d: %s", name, code, stderr)
		}
		return strings.Join(strings.SplitAfter(stdout, "\n")[:n], "")
	}
	first3 := head("good.jsonl", 3)
	quoted2 := `{"id":1,"note":"a\nb"}` + "\n" + `{"id":2,"note":"x,\"y\""}` + "\n"
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // stdout when code is 0, else in stderr
	}{
		{"jsonl", []string{"--limit", "3", p("good.jsonl")}, 0, first3},
		{"jsonl all", []string{"--limit", "20", p("good.jsonl")}, 0, head("good.jsonl", 20)},
		{"jsonl more than it has", []string{"--limit", "50", p("good.jsonl")}, 0, head("good.jsonl", 20)},
		{"jsonl gz", []string{"--limit", "3", p("good.jsonl.gz")}, 0, first3},
		{"csv", []string{"--limit", "2", p("good.csv")}, 0, head("good.csv", 2)},
		{"csv zst", []string{"--limit", "2", p("good.csv.zst")}, 0, head("good.csv", 2)},
		{"bad line after the limit", []string{"--limit", "3", p("bad.jsonl")}, 0, first3},
		{"bad line after the limit, gz", []string{"--limit", "3", p("bad.jsonl.gz")}, 0, first3},
		{"bad line after the limit, zst", []string{"--limit", "3", p("bad.jsonl.zst")}, 0, first3},
		{"csv quoted newline", []string{"--limit", "2", p("quoted.csv")}, 0, quoted2},
		{"csv quoted newline gz", []string{"--limit", "2", p("quoted.csv.gz")}, 0, quoted2},
		{"limit over files", []string{"--limit", "5", p("good.csv"), p("good.jsonl"), p("bad.jsonl")}, 0,
			head("good.csv", 3) + head("good.jsonl", 2)},
		{"bad line without a limit", []string{p("bad.jsonl")}, 1, p("bad.jsonl") + ": line 8"},
		{"bad line reached", []string{"--limit", "8", p("bad.jsonl")}, 1, p("bad.jsonl") + ": line 8"},
		{"bad line within the limit", []string{"--limit", "3", p("early.jsonl")}, 1, p("early.jsonl") + ": line 2"},
		{"csv bad record reached", []string{"--limit", "4", p("quoted.csv")}, 1, p("quoted.csv")},
		{"schema reads the whole file", []string{"--limit", "3", "--schema", p("bad.jsonl")}, 1, p("bad.jsonl") + ": line 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			if code == 0 && stdout != tc.want {
				t.Errorf("got\n%s\nwant\n%s", stdout, tc.want)
			}
			if code != 0 && (!strings.Contains(stderr, tc.want) || stdout != "") {
				t.Errorf("stderr %q lacks %q (stdout %q)", stderr, tc.want, stdout)
			}
		})
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

// TestCatLimitParquet: with --limit N, cat reads only the row groups of
// a Parquet file that hold its first N rows: with the row groups after
// the first overwritten with garbage, the first group's rows print, and
// one row more is an error naming the file. It used to read the whole
// file and cut it.
func TestCatLimitParquet(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 30
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "ev" {
      user = user.id
      at   = event.time
    }
    next = { end = 1 }
  }
}
sink "p" {
  type           = "parquet"
  stream         = "ev"
  path           = "ev.parquet"
  row_group_rows = 10
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", path, "--out", out, "--quiet", "--no-manifest"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	pq := filepath.Join(out, "ev.parquet")
	code, all, stderr := runCLI("cat", pq)
	if code != 0 {
		t.Fatalf("cat: %d %s", code, stderr)
	}
	lines := strings.SplitAfter(all, "\n")
	if len(lines) != 31 {
		t.Fatalf("%d records, want 30", len(lines)-1)
	}
	// Garbage over every column chunk of the row groups after the first.
	fr, err := local.NewLocalFileReader(pq)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := reader.NewParquetColumnReader(fr, 1)
	if err != nil {
		t.Fatal(err)
	}
	groups := pr.Footer.GetRowGroups()
	b, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	for _, rg := range groups[1:] {
		for _, ch := range rg.GetColumns() {
			md := ch.GetMetaData()
			for i := md.GetDataPageOffset(); i < md.GetDataPageOffset()+md.GetTotalCompressedSize(); i++ {
				b[i] = 0xff
			}
		}
	}
	pr.ReadStop()
	fr.Close()
	if len(groups) != 3 {
		t.Fatalf("%d row groups, want 3", len(groups))
	}
	if err := os.WriteFile(pq, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string // stdout when code is 0, else in stderr
	}{
		{[]string{"--limit", "3", pq}, 0, strings.Join(lines[:3], "")},
		{[]string{"--limit", "10", pq}, 0, strings.Join(lines[:10], "")},
		{[]string{"--limit", "11", pq}, 1, pq + ": "},
		{[]string{pq}, 1, pq + ": "},
	} {
		code, stdout, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
		if code != tc.code {
			t.Fatalf("cat %v: exit %d, want %d: %s", tc.args, code, tc.code, stderr)
		}
		if code == 0 && stdout != tc.want {
			t.Errorf("cat %v: got\n%s\nwant\n%s", tc.args, stdout, tc.want)
		}
		if code != 0 && !strings.Contains(stderr, tc.want) {
			t.Errorf("cat %v: stderr %q lacks %q", tc.args, stderr, tc.want)
		}
	}
}
