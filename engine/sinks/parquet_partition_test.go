package sinks

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// pqUserDirs is the directory each user_id of pqStrings names, escaped as
// the jsonl and csv sinks escape a {{field:NAME}} value (%XX as Hive and
// Spark write it); null and "" both go to Hive's default partition.
var pqUserDirs = map[string]string{
	"plain":          "plain",
	"héllo wörld":    "héllo wörld",
	"世界 🎉":           "世界 🎉",
	"tab\there":      "tab%09here",
	"line\nbreak":    "line%0Abreak",
	`back\slash "q"`: "back%5Cslash %22q%22",
	"":               "__HIVE_DEFAULT_PARTITION__",
	" lead":          " lead",
	"\x01ctl":        "%01ctl",
	"ü":              "ü",
}

// pqUserDir is the partition directory of record i of pqStream.
func pqUserDir(st *rec.Stream, i int) string {
	v := pqRecord(st, i).Vals[0]
	if v.K == stdlib.Null {
		return "__HIVE_DEFAULT_PARTITION__"
	}
	return pqUserDirs[v.S]
}

// pqCompareRows checks every value of every row against the records idx.
func pqCompareRows(t *testing.T, name string, st *rec.Stream, d *pqFileData, idx []int) {
	t.Helper()
	if len(d.rows) != len(idx) {
		t.Fatalf("%s: %d rows, want %d", name, len(d.rows), len(idx))
	}
	for k, row := range d.rows {
		want := pqWant(t, st, pqRecord(st, idx[k]))
		for c, w := range want {
			got := row[c]
			if st.Columns[c].Type == stdlib.Any && got != nil {
				var dec any
				if err := json.Unmarshal([]byte(got.(string)), &dec); err != nil {
					t.Fatalf("%s: row %d %s: invalid JSON %q: %v", name, k, d.names[c], got, err)
				}
				got = dec
			}
			eq := reflect.DeepEqual(got, w)
			if f, ok := w.(float64); ok && math.IsNaN(f) {
				g, ok := got.(float64)
				eq = ok && math.IsNaN(g)
			}
			if !eq {
				t.Fatalf("%s: row %d (record %d) column %s: got %#v, want %#v", name, k, idx[k], d.names[c], got, w)
			}
		}
	}
}

// withPQBudget sets the bytes of unfinished row groups a Parquet sink may
// hold for the rest of the test.
func withPQBudget(t *testing.T, n int64) {
	saved := pqBudget
	pqBudget = n
	t.Cleanup(func() { pqBudget = saved })
}

// pqWriteChecked writes records from..to, checking after each that the
// sink's unfinished row groups stay within its budget; it returns the
// bytes of the rows (as the budget counts them).
func pqWriteChecked(t *testing.T, s *parquetSink, st *rec.Stream, from, to int) int64 {
	t.Helper()
	enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
	rows := newRowEncoder(st, stdlib.NewTimeFormatter(seoul))
	total := int64(0)
	var buf []byte
	for i := from; i < to; i++ {
		r := pqRecord(st, i)
		buf = enc.Encode(buf[:0], r)
		if err := s.Write(r.Time, buf); err != nil {
			t.Fatal(err)
		}
		total += int64(len(rows.Encode(buf[:0], r)))
		sum := int64(0)
		for _, p := range s.open {
			sum += p.bytes
		}
		if sum != s.buffered || s.buffered > s.budget {
			t.Fatalf("after record %d: %d bytes buffered (the files say %d), budget %d", i, s.buffered, sum, s.budget)
		}
	}
	return total
}

// TestParquetFieldPartitions: {{field:NAME}} in a Parquet sink's path
// writes one file per distinct value, named as the jsonl and csv sinks
// name theirs (values escaped %XX, null and "" in
// __HIVE_DEFAULT_PARTITION__), combined with time partitions and
// rotation; every file holds exactly its partition's records, in order,
// and the directory decodes back to the file's values. The same records
// give the same bytes with the default budget and any row group size.
func TestParquetFieldPartitions(t *testing.T) {
	const n = 12000
	for _, tc := range []struct {
		name, src string
		groups    func(rows int) []int64 // row groups of a file of rows rows
		perFile   int
	}{
		{name: "by field", src: `path = "out/user={{field:user_id}}/e.parquet"`,
			groups: func(rows int) []int64 { return []int64{int64(rows)} }},
		{name: "row groups and parts", src: "path = \"out/user={{field:user_id}}/e.parquet\"\nrow_group_rows = 300\nrows_per_file = 700",
			groups: func(rows int) []int64 {
				var g []int64
				for ; rows > 0; rows -= 300 {
					g = append(g, int64(min(rows, 300)))
				}
				return g
			}, perFile: 700},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pqStream()
			s := newPQSink(t, st, tc.src)
			dir := t.TempDir()
			if err := s.Open(RunInfo{OutDir: dir, Shards: 1, Files: &FileClaims{}}); err != nil {
				t.Fatal(err)
			}
			if got := pqDirFiles(t, dir); len(got) != 0 {
				t.Fatalf("files before the first record: %v", got)
			}
			pqWriteChecked(t, s, st, 0, n)
			for _, f := range pqDirFiles(t, dir) {
				if !strings.Contains(filepath.Base(f), ".tmp-") {
					t.Fatalf("%s is published before Close", f)
				}
			}
			res, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			// The records of each partition, in order, cut into files.
			want := map[string][]int{}
			for i := 0; i < n; i++ {
				d := pqUserDir(st, i)
				want[d] = append(want[d], i)
			}
			files := map[string][]int{}
			for d, idx := range want {
				if tc.perFile == 0 {
					files["out/user="+d+"/e.parquet"] = idx
					continue
				}
				for part := 0; part*tc.perFile < len(idx); part++ {
					name := "out/user=" + d + "/e-" + []string{"00000", "00001", "00002", "00003", "00004", "00005"}[part] + ".parquet"
					files[name] = idx[part*tc.perFile : min(len(idx), (part+1)*tc.perFile)]
				}
			}
			var names []string
			for f := range files {
				names = append(names, f)
			}
			sort.Strings(names)
			if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, names) {
				t.Fatalf("files\n%q\nwant\n%q", got, names)
			}
			if len(want) != 10 { // 9 distinct values besides "", which shares null's
				t.Fatalf("%d partitions", len(want))
			}
			if res.Records != n || len(res.Files) != len(names) {
				t.Errorf("result: %d records, %d files", res.Records, len(res.Files))
			}
			var total int64
			for _, f := range names {
				p := filepath.Join(dir, f)
				fi, _ := os.Stat(p)
				total += fi.Size()
				d := pqRead(t, p)
				if g := tc.groups(len(files[f])); !reflect.DeepEqual(d.groups, g) {
					t.Errorf("%s: row groups %v, want %v", f, d.groups, g)
				}
				pqCompareRows(t, f, st, d, files[f])
				// The directory decodes (as Spark, Trino and pyarrow
				// decode it) to the file's user_id.
				seg := strings.TrimPrefix(strings.Split(f, "/")[1], "user=")
				val, err := url.PathUnescape(seg)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				for _, row := range d.rows {
					u, _ := row[0].(string)
					if val == "__HIVE_DEFAULT_PARTITION__" && u == "" || u == val {
						continue
					}
					t.Fatalf("%s holds user_id %q", f, u)
				}
			}
			if total != res.Bytes {
				t.Errorf("reported %d bytes, files hold %d", res.Bytes, total)
			}
		})
	}
}

// TestParquetFieldAndTimePartitions: with {{day}} and {{field:NAME}} the
// files of a day end when the day does, and a partition that recurs (a
// path with {{day}} but no {{month}}) becomes another part, as in the
// jsonl sink.
func TestParquetFieldAndTimePartitions(t *testing.T) {
	st := pqStream()
	s := newPQSink(t, st, `path = "out/d={{day}}/ok={{field:ok}}/e.parquet"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
	// 15 August, 15 September, 15 August again a year on (day=15 each
	// time): 100 records each.
	days := []int64{pqBase, pqBase + 31*86400000, pqBase + 365*86400000}
	ok := func(i int) string {
		v := pqRecord(st, i)
		if v.Emit.ID == 1 || v.Vals[3].K == stdlib.Null {
			return "__HIVE_DEFAULT_PARTITION__"
		}
		return map[bool]string{true: "true", false: "false"}[v.Vals[3].I != 0]
	}
	want := map[string]int{}
	for i := 0; i < 300; i++ {
		r := pqRecord(st, i)
		r.Time = days[i/100] + int64(i)
		if err := s.Write(r.Time, enc.Encode(nil, r)); err != nil {
			t.Fatal(err)
		}
		part := []string{"e.parquet", "e-00001.parquet", "e-00002.parquet"}[i/100]
		want["out/d=15/ok="+ok(i)+"/"+part]++
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range pqDirFiles(t, dir) {
		got[f] = len(pqRead(t, filepath.Join(dir, f)).rows)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows per file %v, want %v", got, want)
	}
}

// TestParquetBudget: the open files' unfinished row groups stay within the
// budget: when they pass it, the file holding the most ends its row group
// early. Where row groups end depends on the records only: the same
// records give the same bytes. With the default budget the same files have
// one row group each.
func TestParquetBudget(t *testing.T) {
	const n = 20000
	st := pqStream()
	var total int64
	run := func(budget int64, src string) (map[string][]byte, map[string][]int64) {
		withPQBudget(t, budget)
		s := newPQSink(t, st, src)
		dir := t.TempDir()
		if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
			t.Fatal(err)
		}
		total = pqWriteChecked(t, s, st, 0, n)
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		body, groups := map[string][]byte{}, map[string][]int64{}
		for _, f := range pqDirFiles(t, dir) {
			p := filepath.Join(dir, f)
			body[f], _ = os.ReadFile(p)
			groups[f] = pqRead(t, p).groups
		}
		return body, groups
	}
	const parts = `path = "out/user={{field:user_id}}/e.parquet"`
	_, wide := run(pqBudget, parts)
	for f, g := range wide {
		if len(g) != 1 {
			t.Errorf("default budget: %s has row groups %v", f, g)
		}
	}
	const budget = 256 << 10
	small, groups := run(budget, parts)
	again, _ := run(budget, parts)
	// A group the budget ends holds at most the budget: total bytes
	// need at least total/budget groups.
	count := 0
	for f, g := range groups {
		count += len(g)
		if len(g) < 2 {
			t.Errorf("budget %d: %s has row groups %v", budget, f, g)
		}
		if !bytes.Equal(small[f], again[f]) {
			t.Errorf("%s differs between two runs of the same records", f)
		}
	}
	if int64(count) < total/budget || total < 4*budget {
		t.Errorf("%d row groups in all for %d bytes", count, total)
	}
	t.Logf("%d bytes of rows, %d files, %d row groups", total, len(groups), count)
	// One file: its row groups end at the budget too.
	_, one := run(budget, `path = "out/e.parquet"`)
	if g := one["out/e.parquet"]; int64(len(g)) < total/budget {
		t.Errorf("one file with budget %d: row groups %v", budget, g)
	}
}

// TestParquetPartitionCollision: a field value whose file is another
// sink's fails the run at that record, naming the file; no file is
// overwritten, and aborting leaves none.
func TestParquetPartitionCollision(t *testing.T) {
	st := pqStream()
	dir := t.TempDir()
	ri := RunInfo{OutDir: dir, Shards: 1, Files: &FileClaims{}}
	other := newPQSink(t, st, `path = "out/plain.parquet"`)
	if err := other.Open(ri); err != nil {
		t.Fatal(err)
	}
	s := newPQSink(t, st, `path = "out/{{field:user_id}}.parquet"`)
	if err := s.Open(ri); err != nil {
		t.Fatal(err)
	}
	err := pqProduce(t, s, st, 1, 100) // record 10 is the first "plain"
	want := "parquet sink: another sink of this run writes " + filepath.Join(dir, "out/plain.parquet") + " too"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
	s.Abort()
	other.Abort()
	if left := pqDirFiles(t, dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestParquetPartitionRollback: a run that fails (Abort) or that another
// sink's publish fails after this one's (Unpublish) leaves no file of a
// partitioned Parquet sink, the files already finished (earlier parts,
// earlier days) included, and no directory it made.
func TestParquetPartitionRollback(t *testing.T) {
	for _, unpublish := range []bool{false, true} {
		st := pqStream()
		s := newPQSink(t, st, "path = \"out/d={{day}}/user={{field:user_id}}/e.parquet\"\nrows_per_file = 50")
		dir := t.TempDir()
		if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
			t.Fatal(err)
		}
		enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
		for i := 0; i < 3000; i++ {
			r := pqRecord(st, i)
			r.Time = pqBase + int64(i)*60000 // two days
			if err := s.Write(r.Time, enc.Encode(nil, r)); err != nil {
				t.Fatal(err)
			}
		}
		if unpublish {
			res, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) < 60 || len(pqDirFiles(t, dir)) != len(res.Files) {
				t.Fatalf("%d files published of %d", len(pqDirFiles(t, dir)), len(res.Files))
			}
			s.Unpublish()
		} else {
			if len(s.res.Files) < 60 {
				t.Fatalf("%d files", len(s.res.Files))
			}
			s.Abort()
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("unpublish %v: left behind %v", unpublish, pqDirFiles(t, dir))
		}
	}
}
