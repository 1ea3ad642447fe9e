package sinks

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// pqStream has every storage kind: the scalar kinds, a nested object, a
// json(...) field and a field whose emits disagree on its type. The second
// emit lacks some fields, so they are null in its rows.
func pqStream() *rec.Stream {
	s := &rec.Stream{Name: "events"}
	e0 := &rec.Emit{ID: 0, Stream: s, Leaves: 11, Fields: []*rec.Field{
		{Name: "user_id", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "n", Kind: rec.Leaf, Slot: 1, Type: stdlib.Int},
		{Name: "score", Kind: rec.Leaf, Slot: 2, Type: stdlib.Float},
		{Name: "ok", Kind: rec.Leaf, Slot: 3, Type: stdlib.Bool},
		{Name: "at", Kind: rec.Leaf, Slot: 4, Type: stdlib.Time},
		{Name: "wait", Kind: rec.Leaf, Slot: 5, Type: stdlib.Duration},
		{Name: "ctx", Kind: rec.Object, Children: []*rec.Field{
			{Name: "page", Kind: rec.Leaf, Slot: 6, Type: stdlib.String},
			{Name: "seen", Kind: rec.Leaf, Slot: 7, Type: stdlib.Time},
			{Name: "tags", Kind: rec.List, Children: []*rec.Field{
				{Kind: rec.Leaf, Slot: 8, Type: stdlib.Int}, {Kind: rec.Leaf, Slot: 9, Type: stdlib.String}}},
		}},
		{Name: "mixed", Kind: rec.Leaf, Slot: 10, Type: stdlib.Any},
	}}
	e1 := &rec.Emit{ID: 1, Stream: s, Leaves: 6, Fields: []*rec.Field{
		{Name: "user_id", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "score", Kind: rec.Leaf, Slot: 1, Type: stdlib.Int}, // int and float unify to float
		{Name: "props", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Object, Children: []*rec.Field{
			{Name: "a\tb", Kind: rec.Leaf, Slot: 2, Type: stdlib.String},
			{Name: "w", Kind: rec.Leaf, Slot: 3, Type: stdlib.Duration},
		}}}},
		{Name: "mixed", Kind: rec.Leaf, Slot: 4, Type: stdlib.Any},
		{Name: "at", Kind: rec.Leaf, Slot: 5, Type: stdlib.Time},
	}}
	s.Emits = []*rec.Emit{e0, e1}
	s.Columns = []rec.Column{
		{Name: "user_id", Type: stdlib.String}, {Name: "n", Type: stdlib.Int}, {Name: "score", Type: stdlib.Float},
		{Name: "ok", Type: stdlib.Bool}, {Name: "at", Type: stdlib.Time}, {Name: "wait", Type: stdlib.Duration},
		{Name: "ctx", Type: stdlib.Any}, {Name: "mixed", Type: stdlib.Any}, {Name: "props", Type: stdlib.Any},
	}
	return s
}

var pqStrings = []string{"plain", "héllo wörld", "世界 🎉", "tab\there", "line\nbreak", `back\slash "q"`, "", " lead", "\x01ctl", "ü"}

var pqBase = time.Date(2025, 8, 15, 14, 23, 45, 123e6, seoul).UnixMilli()

// pqRecord is record i of the test stream; it is a pure function of i.
func pqRecord(s *rec.Stream, i int) *rec.Record {
	str := func(k int) stdlib.Value { return stdlib.StrV(pqStrings[k%len(pqStrings)]) }
	at := pqBase + int64(i)*1009 - 3_600_000*int64(i%5)
	var mixed stdlib.Value
	switch i % 6 {
	case 0:
		mixed = stdlib.IntV(int64(i))
	case 1:
		mixed = stdlib.StrV(pqStrings[i%len(pqStrings)])
	case 2:
		mixed = stdlib.FloatV(float64(i) / 8)
	case 3:
		mixed = stdlib.TimeV(at)
	case 4:
		mixed = stdlib.ObjV([]string{"k", "l"}, []stdlib.Value{stdlib.BoolV(i%4 == 0), stdlib.ListV([]stdlib.Value{stdlib.IntV(1), stdlib.NullV()})})
	default:
		mixed = stdlib.NullV()
	}
	if i%3 == 2 {
		return &rec.Record{Emit: s.Emits[1], Time: at, Vals: []stdlib.Value{
			str(i), stdlib.IntV(int64(i) - 25000), str(i + 3), stdlib.DurV(int64(i) * 61), mixed, stdlib.TimeV(at)}}
	}
	n := stdlib.IntV(int64(i)*1_000_003 - 7)
	if i%7 == 0 {
		n = stdlib.NullV()
	} else if i%11 == 0 {
		n = stdlib.IntV(math.MinInt64 + int64(i))
	}
	score := stdlib.FloatV(float64(i)*0.25 - 100)
	switch i % 97 {
	case 5:
		score = stdlib.FloatV(math.NaN())
	case 6:
		score = stdlib.FloatV(math.Inf(-1))
	case 7:
		score = stdlib.NullV()
	}
	ok := stdlib.BoolV(i%2 == 0)
	if i%13 == 0 {
		ok = stdlib.NullV()
	}
	user := str(i)
	if i%17 == 0 {
		user = stdlib.NullV()
	}
	return &rec.Record{Emit: s.Emits[0], Time: at, Vals: []stdlib.Value{
		user, n, score, ok, stdlib.TimeV(at), stdlib.DurV(int64(i%5000) * 1500),
		str(i + 1), stdlib.TimeV(at + 500), stdlib.IntV(int64(i)), str(i + 2), mixed}}
}

// pqWant is the expected value of every column of record r, computed
// without the sink's code: nil, int64, float64, bool, string, time.Time
// (for time columns) or, for JSON columns, the decoded JSON.
func pqWant(t testing.TB, s *rec.Stream, r *rec.Record) []any {
	out := make([]any, len(s.Columns))
	for ci, c := range s.Columns {
		var f *rec.Field
		for _, ef := range r.Emit.Fields {
			if ef.Name == c.Name {
				f = ef
			}
		}
		if f == nil {
			continue
		}
		if f.Kind == rec.Leaf && r.Vals[f.Slot].K == stdlib.Null {
			continue
		}
		if c.Type == stdlib.Any {
			if f.Kind == rec.JSON {
				f = f.Children[0]
			}
			out[ci] = pqGoValue(f, r.Vals)
			continue
		}
		v := r.Vals[f.Slot]
		switch c.Type {
		case stdlib.String:
			out[ci] = v.S
		case stdlib.Int, stdlib.Duration:
			out[ci] = v.I
		case stdlib.Float:
			if v.K == stdlib.Int {
				out[ci] = float64(v.I)
			} else {
				out[ci] = v.Float()
			}
		case stdlib.Bool:
			out[ci] = v.I != 0
		case stdlib.Time:
			out[ci] = time.UnixMilli(v.I).UTC()
		}
	}
	return out
}

// pqGoValue renders a field tree as encoding/json would decode its JSON:
// times in the scenario's zone, durations as Go duration strings, objects
// without their null members, NaN and infinities as null.
func pqGoValue(f *rec.Field, vals []stdlib.Value) any {
	switch f.Kind {
	case rec.Object:
		m := map[string]any{}
		for _, c := range f.Children {
			if c.Kind == rec.Leaf && vals[c.Slot].K == stdlib.Null {
				continue
			}
			m[c.Name] = pqGoValue(c, vals)
		}
		return m
	case rec.List:
		l := []any{}
		for _, c := range f.Children {
			l = append(l, pqGoValue(c, vals))
		}
		return l
	case rec.JSON:
		b, _ := json.Marshal(pqGoValue(f.Children[0], vals))
		return string(b)
	}
	return pqGoScalar(vals[f.Slot])
}

func pqGoScalar(v stdlib.Value) any {
	switch v.K {
	case stdlib.Bool:
		return v.I != 0
	case stdlib.Int:
		return float64(v.I)
	case stdlib.Float:
		if math.IsNaN(v.Float()) || math.IsInf(v.Float(), 0) {
			return nil
		}
		return v.Float()
	case stdlib.String:
		return v.S
	case stdlib.Time:
		return time.UnixMilli(v.I).In(seoul).Format("2006-01-02T15:04:05.000-07:00")
	case stdlib.Duration:
		return (time.Duration(v.I) * time.Millisecond).String()
	case stdlib.List:
		l := []any{}
		for _, e := range v.List() {
			l = append(l, pqGoScalar(e))
		}
		return l
	case stdlib.Object:
		m := map[string]any{}
		for i, k := range v.Obj().Keys {
			m[k] = pqGoScalar(v.Obj().Vals[i])
		}
		return m
	}
	return nil
}

func pqBody(t testing.TB, src string) hcl.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "sink.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return f.Body
}

func newPQSink(t testing.TB, st *rec.Stream, src string) *parquetSink {
	t.Helper()
	s, diags := parquetType().New(Decl{Name: "events", Type: "parquet", Stream: st, Body: pqBody(t, src), Loc: seoul})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return s.(*parquetSink)
}

// pqProduce encodes records from..to as the engine does (encoders in a
// worker, Write from one goroutine) and stops at the first error.
func pqProduce(t testing.TB, s Sink, st *rec.Stream, from, to int) error {
	t.Helper()
	return produceRecords(s, seoul, from, to, func(i int) *rec.Record { return pqRecord(st, i) })
}

// pqFileData is what apache/arrow-go's Parquet reader finds in a file.
type pqFileData struct {
	names  []string
	cols   []*schema.Column
	rows   [][]any // decoded as in pqWant, except JSON columns hold their text
	groups []int64 // rows per row group
	codecs map[string]bool
}

// pqRead reads a whole file with arrow-go's low-level column readers,
// checking on the way the column statistics and the page index against
// the values.
func pqRead(t *testing.T, path string) *pqFileData {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("arrow-go cannot open %s: %v", path, err)
	}
	defer r.Close()
	sc := r.MetaData().Schema
	d := &pqFileData{codecs: map[string]bool{}}
	nc := sc.NumColumns()
	for c := 0; c < nc; c++ {
		d.names = append(d.names, sc.Column(c).Name())
		d.cols = append(d.cols, sc.Column(c))
	}
	pix := r.GetPageIndexReader()
	for g := 0; g < r.NumRowGroups(); g++ {
		rg := r.RowGroup(g)
		n := rg.NumRows()
		d.groups = append(d.groups, n)
		base := len(d.rows)
		for i := int64(0); i < n; i++ {
			d.rows = append(d.rows, make([]any, nc))
		}
		rgIdx, err := pix.RowGroup(g)
		if err != nil {
			t.Fatalf("page index of row group %d: %v", g, err)
		}
		for c := 0; c < nc; c++ {
			cr, err := rg.Column(c)
			if err != nil {
				t.Fatal(err)
			}
			defs := make([]int16, n)
			var vals []any
			read := func(f func(k int64, defs []int16) (int64, int, error), get func(i int) any) {
				var lv int64
				var nv int
				for lv < n {
					l, v, err := f(n-lv, defs[lv:])
					if err != nil {
						t.Fatalf("column %s: %v", d.names[c], err)
					}
					if l == 0 {
						t.Fatalf("column %s: %d of %d levels", d.names[c], lv, n)
					}
					for j := 0; j < v; j++ {
						vals = append(vals, get(nv+j))
					}
					lv += l
					nv += v
				}
			}
			switch cr := cr.(type) {
			case *file.Int64ColumnChunkReader:
				buf := make([]int64, n)
				read(func(k int64, defs []int16) (int64, int, error) { return cr.ReadBatch(k, buf[len(vals):], defs, nil) },
					func(i int) any { return buf[i] })
			case *file.Float64ColumnChunkReader:
				buf := make([]float64, n)
				read(func(k int64, defs []int16) (int64, int, error) { return cr.ReadBatch(k, buf[len(vals):], defs, nil) },
					func(i int) any { return buf[i] })
			case *file.BooleanColumnChunkReader:
				buf := make([]bool, n)
				read(func(k int64, defs []int16) (int64, int, error) { return cr.ReadBatch(k, buf[len(vals):], defs, nil) },
					func(i int) any { return buf[i] })
			case *file.ByteArrayColumnChunkReader:
				buf := make([]parquet.ByteArray, n)
				read(func(k int64, defs []int16) (int64, int, error) { return cr.ReadBatch(k, buf[len(vals):], defs, nil) },
					func(i int) any { return string(buf[i]) })
			default:
				t.Fatalf("column %s: unexpected reader %T", d.names[c], cr)
			}
			vi := 0
			var nulls int64
			for i := int64(0); i < n; i++ {
				if defs[i] == 0 {
					nulls++
					continue
				}
				v := vals[vi]
				vi++
				if d.cols[c].ConvertedType() == schema.ConvertedTypes.TimestampMillis {
					v = time.UnixMilli(v.(int64)).UTC()
				}
				d.rows[base+int(i)][c] = v
			}
			md, err := rg.MetaData().ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			d.codecs[md.Compression().String()] = true
			pqCheckStats(t, d.names[c], g, md, d.rows[base:], c, nulls)
			ci, err := rgIdx.GetColumnIndex(c)
			if err != nil {
				t.Fatalf("column index of %s in row group %d: %v", d.names[c], g, err)
			}
			if ci != nil {
				for p, null := range ci.GetNullPages() {
					if null && len(ci.GetMinValues()[p]) != 0 {
						t.Errorf("%s: null page %d has bounds", d.names[c], p)
					}
				}
			}
		}
	}
	return d
}

// pqCheckStats checks a column chunk's statistics against its values:
// the exact null count, and min and max bounding every non-NaN value.
func pqCheckStats(t *testing.T, name string, g int, md *metadata.ColumnChunkMetaData, rows [][]any, c int, nulls int64) {
	t.Helper()
	set, err := md.StatsSet()
	if err != nil || !set {
		t.Errorf("%s, row group %d: no statistics (%v)", name, g, err)
		return
	}
	st, err := md.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	if st.NullCount() != nulls {
		t.Errorf("%s, row group %d: null_count %d, but %d nulls", name, g, st.NullCount(), nulls)
	}
	if !st.HasMinMax() {
		return
	}
	for _, row := range rows {
		var bad bool
		switch s := st.(type) {
		case *metadata.Int64Statistics:
			var x int64
			switch v := row[c].(type) {
			case int64:
				x = v
			case time.Time:
				x = v.UnixMilli()
			default:
				continue
			}
			bad = x < s.Min() || x > s.Max()
		case *metadata.Float64Statistics:
			x, ok := row[c].(float64)
			bad = ok && !math.IsNaN(x) && (x < s.Min() || x > s.Max() || math.IsNaN(s.Min()) || math.IsNaN(s.Max()))
		case *metadata.ByteArrayStatistics:
			x, ok := row[c].(string)
			bad = ok && (x < string(s.Min()) || x > string(s.Max()))
		case *metadata.BooleanStatistics:
			x, ok := row[c].(bool)
			bad = ok && ((!x && s.Min()) || (x && !s.Max()))
		}
		if bad {
			t.Errorf("%s, row group %d: %v is outside the statistics' [min, max]", name, g, row[c])
			return
		}
	}
}

// pqCompare checks every value of every row against the records from..to.
func pqCompare(t *testing.T, st *rec.Stream, d *pqFileData, from, to int) {
	t.Helper()
	if len(d.rows) != to-from {
		t.Fatalf("%d rows, want %d", len(d.rows), to-from)
	}
	bad := 0
	for i, row := range d.rows {
		want := pqWant(t, st, pqRecord(st, from+i))
		for c, w := range want {
			got := row[c]
			if st.Columns[c].Type == stdlib.Any && got != nil {
				var dec any
				if err := json.Unmarshal([]byte(got.(string)), &dec); err != nil {
					t.Errorf("row %d %s: invalid JSON %q: %v", from+i, d.names[c], got, err)
					bad++
					continue
				}
				got = dec
			}
			eq := reflect.DeepEqual(got, w)
			if f, ok := w.(float64); ok && math.IsNaN(f) {
				g, ok := got.(float64)
				eq = ok && math.IsNaN(g)
			}
			if !eq {
				t.Errorf("row %d column %s: got %#v, want %#v", from+i, d.names[c], got, w)
				if bad++; bad > 20 {
					t.FailNow()
				}
			}
		}
	}
}

// pqDirFiles lists every file under dir, temporary ones included.
func pqDirFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestParquetRoundTrip(t *testing.T) {
	const n = 50000
	st := pqStream()
	s := newPQSink(t, st, `path = "out/events.parquet"
row_group_rows = 20000`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	if err := pqProduce(t, s, st, 0, n); err != nil {
		t.Fatal(err)
	}
	if got := pqDirFiles(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], "out/.events.parquet.tmp-") {
		t.Errorf("before Close: %v, want only a temporary file", got)
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dir, "out/events.parquet")
	if res.Records != n || len(res.Files) != 1 || res.Files[0] != final {
		t.Errorf("result %+v", res)
	}
	if fi, err := os.Stat(final); err != nil || fi.Size() != res.Bytes {
		t.Errorf("file: %v, size vs %d bytes reported", err, res.Bytes)
	}
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, []string{"out/events.parquet"}) {
		t.Errorf("files after Close: %v", got)
	}
	d := pqRead(t, final)
	wantNames := []string{"user_id", "n", "score", "ok", "at", "wait", "ctx", "mixed", "props"}
	if !reflect.DeepEqual(d.names, wantNames) {
		t.Errorf("columns %v, want %v", d.names, wantNames)
	}
	if !reflect.DeepEqual(d.groups, []int64{20000, 20000, 10000}) {
		t.Errorf("row groups %v", d.groups)
	}
	if !d.codecs["SNAPPY"] || len(d.codecs) != 1 {
		t.Errorf("codecs %v", d.codecs)
	}
	for i, want := range []struct {
		phys    parquet.Type
		logical string
	}{
		{parquet.Types.ByteArray, "String"}, {parquet.Types.Int64, "Int(bitWidth=64, isSigned=true)"},
		{parquet.Types.Double, "None"}, {parquet.Types.Boolean, "None"},
		{parquet.Types.Int64, "Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds, is_from_converted_type=false, force_set_converted_type=false)"},
		{parquet.Types.Int64, "None"},
		{parquet.Types.ByteArray, "String"}, {parquet.Types.ByteArray, "String"}, {parquet.Types.ByteArray, "String"},
	} {
		c := d.cols[i]
		if c.PhysicalType() != want.phys || c.LogicalType().String() != want.logical {
			t.Errorf("column %s: %s %s, want %s %s", c.Name(), c.PhysicalType(), c.LogicalType(), want.phys, want.logical)
		}
		if c.MaxDefinitionLevel() != 1 || c.MaxRepetitionLevel() != 0 {
			t.Errorf("column %s is not a flat OPTIONAL column", c.Name())
		}
	}
	pqCompare(t, st, d, 0, n)
}

func TestParquetRotation(t *testing.T) {
	const n, per = 50000, 12000
	st := pqStream()
	s := newPQSink(t, st, `path = "out/events.parquet"
rows_per_file = 12000
row_group_rows = 5000
compression = "zstd"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	if err := pqProduce(t, s, st, 0, n); err != nil {
		t.Fatal(err)
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"out/events-00000.parquet", "out/events-00001.parquet", "out/events-00002.parquet",
		"out/events-00003.parquet", "out/events-00004.parquet"}
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	if res.Records != n || len(res.Files) != len(want) {
		t.Errorf("result %+v", res)
	}
	var total int64
	for i, f := range want {
		p := filepath.Join(dir, f)
		if res.Files[i] != p {
			t.Errorf("Files[%d] = %s, want %s", i, res.Files[i], p)
		}
		fi, _ := os.Stat(p)
		total += fi.Size()
		d := pqRead(t, p)
		rows := min(per, n-i*per)
		wantGroups := []int64{5000, 5000, 2000}
		if rows < per {
			wantGroups = []int64{2000}
		}
		if !reflect.DeepEqual(d.groups, wantGroups) {
			t.Errorf("%s: row groups %v, want %v", f, d.groups, wantGroups)
		}
		if !d.codecs["ZSTD"] || len(d.codecs) != 1 {
			t.Errorf("%s: codecs %v", f, d.codecs)
		}
		pqCompare(t, st, d, i*per, i*per+rows)
	}
	if total != res.Bytes {
		t.Errorf("reported %d bytes, files hold %d", res.Bytes, total)
	}
}

func TestParquetCompressions(t *testing.T) {
	for _, tc := range []struct{ attr, codec string }{
		{"", "SNAPPY"}, {`compression = "zstd"`, "ZSTD"}, {`compression = "gzip"`, "GZIP"}, {`compression = "none"`, "UNCOMPRESSED"},
	} {
		t.Run(tc.codec, func(t *testing.T) {
			st := pqStream()
			s := newPQSink(t, st, "path = \"e.parquet\"\n"+tc.attr)
			dir := t.TempDir()
			if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
				t.Fatal(err)
			}
			if err := pqProduce(t, s, st, 0, 3000); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Close(); err != nil {
				t.Fatal(err)
			}
			d := pqRead(t, filepath.Join(dir, "e.parquet"))
			if !d.codecs[tc.codec] || len(d.codecs) != 1 {
				t.Errorf("codecs %v, want %s", d.codecs, tc.codec)
			}
			pqCompare(t, st, d, 0, 3000)
		})
	}
}

func TestParquetEmptyRun(t *testing.T) {
	st := pqStream()
	s := newPQSink(t, st, `path = "e.parquet"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 2, Shard: 1}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 0 || len(res.Files) != 1 {
		t.Errorf("result %+v", res)
	}
	d := pqRead(t, filepath.Join(dir, "e.shard-1-of-2.parquet"))
	if len(d.rows) != 0 || len(d.names) != len(st.Columns) {
		t.Errorf("empty file: %d rows, columns %v", len(d.rows), d.names)
	}
	// The engine may abort every sink after another sink's Close failed;
	// a published file stays.
	s.Abort()
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, []string{"e.shard-1-of-2.parquet"}) {
		t.Errorf("files %v", got)
	}
}

func TestParquetTimePartitions(t *testing.T) {
	st := pqStream()
	s := newPQSink(t, st, `path = "out/day={{day}}/hour={{hour}}/e.parquet"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	// Records in time order, as the engine delivers them.
	enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
	start := time.Date(2025, 8, 15, 22, 0, 0, 0, seoul).UnixMilli()
	for i := 0; i < 6000; i++ {
		r := pqRecord(st, i)
		r.Time = start + int64(i)*1200 // 2 hours
		if err := s.Write(r.Time, enc.Encode(nil, r)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"out/day=15/hour=22/e.parquet", "out/day=15/hour=23/e.parquet"}
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for i, f := range want {
		d := pqRead(t, filepath.Join(dir, f))
		pqCompare(t, st, d, i*3000, (i+1)*3000)
	}
}

// TestParquetDatePartitions: {{date}} in a Parquet path is the event's
// day in the scenario's zone, YYYY-MM-DD, one file per day.
func TestParquetDatePartitions(t *testing.T) {
	st := pqStream()
	s := newPQSink(t, st, `path = "out/date={{date}}/e.parquet"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	enc := s.NewEncoder(stdlib.NewTimeFormatter(seoul))
	start := time.Date(2025, 8, 15, 22, 0, 0, 0, seoul).UnixMilli()
	for i := 0; i < 6000; i++ {
		r := pqRecord(st, i)
		r.Time = start + int64(i)*2400 // 4 hours, across Seoul's midnight
		if err := s.Write(r.Time, enc.Encode(nil, r)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"out/date=2025-08-15/e.parquet", "out/date=2025-08-16/e.parquet"}
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for i, f := range want {
		d := pqRead(t, filepath.Join(dir, f))
		pqCompare(t, st, d, i*3000, (i+1)*3000)
	}
}

func TestParquetAbortLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		rows      int
	}{
		{"single file", `path = "out/e.parquet"`, 40000},
		{"rotated, some parts complete", "path = \"out/e.parquet\"\nrows_per_file = 10000", 35000},
		{"before any row", `path = "out/e.parquet"`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pqStream()
			s := newPQSink(t, st, tc.src)
			dir := t.TempDir()
			if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
				t.Fatal(err)
			}
			if err := pqProduce(t, s, st, 0, tc.rows); err != nil {
				t.Fatal(err)
			}
			s.Abort()
			s.Abort() // idempotent
			if got := pqDirFiles(t, dir); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
		})
	}
}

func TestParquetOpenFailure(t *testing.T) {
	st := pqStream()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out"), []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newPQSink(t, st, `path = "out/e.parquet"`)
	err := s.Open(RunInfo{OutDir: dir, Shards: 1})
	if err == nil || !strings.Contains(err.Error(), "parquet sink") {
		t.Fatalf("Open: %v", err)
	}
	if got := pqDirFiles(t, dir); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("files %v", got)
	}
}

// TestParquetTypeMismatch: a value whose kind does not fit its column
// (a compiler bug, if it ever happens) fails the run instead of being
// written as something else.
func TestParquetTypeMismatch(t *testing.T) {
	st := pqStream()
	s := newPQSink(t, st, `path = "e.parquet"`)
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	enc := s.NewEncoder(nil)
	r := pqRecord(st, 1)
	r.Vals[1] = stdlib.StrV("not an int")
	var err error
	for i := 0; i < pqBatchRows+1 && err == nil; i++ {
		err = s.Write(r.Time, enc.Encode(nil, r))
	}
	if err == nil {
		_, err = s.Close()
	} else {
		s.Abort()
	}
	if err == nil || !strings.Contains(err.Error(), `column "n" is int, but a record has a string value`) {
		t.Fatalf("got %v", err)
	}
	if got := pqDirFiles(t, dir); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

// TestParquetNullAndNaNPages: a page with only nulls is a null page in the
// page index, and NaN stays out of min/max (the statistics of a chunk of
// only NaN have no bounds; its page index bounds are NaN).
func TestParquetNullAndNaNPages(t *testing.T) {
	st := pqBenchStream()
	s := newPQSink(t, st, "path = \"e.parquet\"\nrow_group_rows = 1000")
	dir := t.TempDir()
	if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
		t.Fatal(err)
	}
	enc := s.NewEncoder(nil)
	for i := 0; i < 3000; i++ {
		r := pqBenchRecord(st, i)
		switch {
		case i >= 1000 && i < 2000:
			r.Vals[2] = stdlib.NullV() // seq
		case i >= 2000:
			r.Vals[4] = stdlib.FloatV(math.NaN()) // price
		case i == 5:
			r.Vals[4] = stdlib.FloatV(math.NaN())
		}
		if err := s.Write(r.Time, enc.Encode(nil, r)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "e.parquet")
	pqRead(t, path) // values, exact null counts, bounds
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pix := r.GetPageIndexReader()
	check := func(g, c int, wantNull bool, wantBounds string) {
		t.Helper()
		rg, err := pix.RowGroup(g)
		if err != nil {
			t.Fatal(err)
		}
		ci, err := rg.GetColumnIndex(c)
		if err != nil || ci == nil {
			t.Fatalf("column index of row group %d column %d: %v", g, c, err)
		}
		if got := ci.GetNullPages(); len(got) != 1 || got[0] != wantNull {
			t.Errorf("row group %d column %d: null pages %v", g, c, got)
		}
		md, _ := r.RowGroup(g).MetaData().ColumnChunk(c)
		st, _ := md.Statistics()
		switch wantBounds {
		case "none":
			if st.HasMinMax() {
				t.Errorf("row group %d column %d: chunk has min/max", g, c)
			}
		case "nan":
			if st.HasMinMax() {
				t.Errorf("row group %d column %d: chunk has min/max", g, c)
			}
			if mn := ci.GetMinValues()[0]; len(mn) != 8 || !math.IsNaN(math.Float64frombits(binary.LittleEndian.Uint64(mn))) {
				t.Errorf("row group %d column %d: page min %x, want NaN", g, c, mn)
			}
		case "finite":
			fs := st.(*metadata.Float64Statistics)
			if !fs.HasMinMax() || math.IsNaN(fs.Min()) || math.IsNaN(fs.Max()) || fs.Min() != 0 || fs.Max() != 9.99 {
				t.Errorf("row group %d column %d: min %v max %v", g, c, fs.Min(), fs.Max())
			}
		}
	}
	check(0, 2, false, "")
	check(1, 2, true, "none")
	check(0, 4, false, "finite") // row 5 is NaN
	check(2, 4, false, "nan")
}

func TestParquetDecode(t *testing.T) {
	for _, tc := range []struct {
		name, src, summary, detail string
	}{
		{"ok", "path = \"e.parquet\"\ncompression = \"zstd\"\nrow_group_rows = 1000\nrows_per_file = 5000", "", ""},
		{"bad compression", "path = \"e.parquet\"\ncompression = \"snapy\"", "Invalid compression", `Did you mean "snappy"?`},
		{"compression not a string", "path = \"e.parquet\"\ncompression = 3", "Invalid compression", `"snappy", "zstd", "gzip", "none", got the number 3.`},
		{"zero rows", "path = \"e.parquet\"\nrows_per_file = 0", "Invalid rows_per_file", "positive whole number"},
		{"fraction", "path = \"e.parquet\"\nrow_group_rows = 10.5", "Invalid row_group_rows", "positive whole number"},
		{"gz", `path = "e.parquet.gz"`, "Invalid path", `drop the .gz suffix and set compression = "gzip"`},
		{"absolute", `path = "/tmp/e.parquet"`, "Invalid path", "absolute"},
		{"missing path", `compression = "zstd"`, "Missing required argument", ""},
		{"unknown attribute", "path = \"e.parquet\"\nrow_group_size = 3", "Unsupported argument", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := parquetType().New(Decl{Name: "e", Type: "parquet", Stream: pqStream(), Body: pqBody(t, tc.src)})
			if tc.summary == "" {
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.detail) || diags[0].Subject == nil {
				t.Fatalf("got %v, want %s: …%s…", diags, tc.summary, tc.detail)
			}
		})
	}
}

// pqBenchStream is a typical event stream.
func pqBenchStream() *rec.Stream {
	s := &rec.Stream{Name: "events"}
	e := &rec.Emit{ID: 0, Stream: s, Leaves: 8, Fields: []*rec.Field{
		{Name: "user_id", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "event_name", Kind: rec.Leaf, Slot: 1, Type: stdlib.String},
		{Name: "seq", Kind: rec.Leaf, Slot: 2, Type: stdlib.Int},
		{Name: "ts", Kind: rec.Leaf, Slot: 3, Type: stdlib.Time},
		{Name: "price", Kind: rec.Leaf, Slot: 4, Type: stdlib.Float},
		{Name: "is_new", Kind: rec.Leaf, Slot: 5, Type: stdlib.Bool},
		{Name: "ctx", Kind: rec.Object, Children: []*rec.Field{
			{Name: "page", Kind: rec.Leaf, Slot: 6, Type: stdlib.String},
			{Name: "ab", Kind: rec.Leaf, Slot: 7, Type: stdlib.String}}},
	}}
	s.Emits = []*rec.Emit{e}
	s.Columns = []rec.Column{{Name: "user_id", Type: stdlib.String}, {Name: "event_name", Type: stdlib.String},
		{Name: "seq", Type: stdlib.Int}, {Name: "ts", Type: stdlib.Time}, {Name: "price", Type: stdlib.Float},
		{Name: "is_new", Type: stdlib.Bool}, {Name: "ctx", Type: stdlib.Any}}
	return s
}

var pqEvents = []string{"view_page", "search_recipe", "view_recipe_list", "ad_impression", "ad_click"}

func pqBenchRecord(s *rec.Stream, i int) *rec.Record {
	ts := pqBase + int64(i)*37
	ab := stdlib.StrV("control")
	if i%3 == 0 {
		ab = stdlib.NullV()
	}
	return &rec.Record{Emit: s.Emits[0], Time: ts, Vals: []stdlib.Value{
		stdlib.StrV(fmt.Sprintf("user_%d", i*7919%200000)), stdlib.StrV(pqEvents[i%len(pqEvents)]),
		stdlib.IntV(int64(i)), stdlib.TimeV(ts), stdlib.FloatV(float64(i%10000) / 100), stdlib.BoolV(i%10 == 0),
		stdlib.StrV("main"), ab}}
}

// pqEncoded holds n records encoded as a worker would.
type pqEncoded struct {
	buf  []byte
	ends []int
	ts   []int64
}

func pqEncodeAll(enc Encoder, st *rec.Stream, n int, rec func(*rec.Stream, int) *rec.Record) *pqEncoded {
	e := &pqEncoded{ends: make([]int, n), ts: make([]int64, n)}
	for i := 0; i < n; i++ {
		r := rec(st, i)
		e.buf = enc.Encode(e.buf, r)
		e.ends[i], e.ts[i] = len(e.buf), r.Time
	}
	return e
}

func (e *pqEncoded) writeAll(s Sink) error {
	from := 0
	for i, end := range e.ends {
		if err := s.Write(e.ts[i], e.buf[from:end]); err != nil {
			return err
		}
		from = end
	}
	return nil
}

// BenchmarkParquetSink writes 500 000 pre-encoded records per iteration
// (Open, Write, Close: the file is complete and renamed) and reports rows/s.
// The encoding, which runs in the engine's workers, is measured apart.
func BenchmarkParquetSink(b *testing.B) {
	const n = 500000
	for _, codec := range []string{"snappy", "zstd", "none"} {
		b.Run(codec, func(b *testing.B) {
			st := pqBenchStream()
			s := newPQSink(b, st, fmt.Sprintf("path = \"e.parquet\"\ncompression = %q", codec))
			enc := pqEncodeAll(s.NewEncoder(stdlib.NewTimeFormatter(seoul)), st, n, pqBenchRecord)
			dir := b.TempDir()
			b.SetBytes(int64(len(enc.buf)))
			b.ResetTimer()
			var rows int64
			var elapsed time.Duration
			var size int64
			for b.Loop() {
				start := time.Now()
				if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
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
				size = res.Bytes
			}
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(size)/n, "file-bytes/row")
		})
	}
	b.Run("encode", func(b *testing.B) {
		st := pqBenchStream()
		s := newPQSink(b, st, `path = "e.parquet"`)
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
