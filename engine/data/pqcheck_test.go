package data

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/writer"
)

// pqEncRow has a column in each encoding parquet-go writes.
type pqEncRow struct {
	Dict  string  `parquet:"name=dict, type=BYTE_ARRAY, convertedtype=UTF8, encoding=PLAIN_DICTIONARY"`
	Delta int64   `parquet:"name=delta, type=INT64, encoding=DELTA_BINARY_PACKED"`
	D32   int32   `parquet:"name=d32, type=INT32, encoding=DELTA_BINARY_PACKED"`
	DLen  string  `parquet:"name=dlen, type=BYTE_ARRAY, convertedtype=UTF8, encoding=DELTA_LENGTH_BYTE_ARRAY"`
	DBA   string  `parquet:"name=dba, type=BYTE_ARRAY, convertedtype=UTF8, encoding=DELTA_BYTE_ARRAY"`
	Opt   *string `parquet:"name=opt, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL, encoding=PLAIN_DICTIONARY"`
	OptI  *int64  `parquet:"name=opti, type=INT64, repetitiontype=OPTIONAL, encoding=DELTA_BINARY_PACKED"`
	Split float64 `parquet:"name=split, type=DOUBLE, encoding=BYTE_STREAM_SPLIT"`
	Bool  bool    `parquet:"name=bool, type=BOOLEAN"`
}

func pqEncRows(n int) []pqEncRow {
	rows := make([]pqEncRow, n)
	for i := range rows {
		s := fmt.Sprintf("prefix-%03d", i*7)
		r := pqEncRow{Dict: []string{"a", "bb", "ccc"}[i%3], Delta: int64(i*i) - 50, D32: int32(1000 - 3*i),
			DLen: strings.Repeat("x", i%5), DBA: s, Split: float64(i) / 4, Bool: i%2 == 0}
		if i%4 != 0 {
			r.Opt, r.OptI = &s, &r.Delta
		}
		rows[i] = r
	}
	return rows
}

// writeEncParquet writes pqEncRows(n) compressed with codec.
func writeEncParquet(t *testing.T, n int, codec parquet.CompressionCodec, rowGroup int64) string {
	t.Helper()
	return writeParquetOf(t, "enc.parquet", new(pqEncRow), func(pw *writer.ParquetWriter) {
		pw.CompressionType = codec
		if rowGroup > 0 {
			pw.RowGroupSize = rowGroup
			pw.PageSize = 256
		}
		for _, r := range pqEncRows(n) {
			if err := pw.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestParquetEncodings: the pages checked before parquet-go reads them
// (checkPages) are accepted in every encoding and compression parquet-go
// writes, in one row group or several, and read as written.
func TestParquetEncodings(t *testing.T) {
	for _, codec := range []parquet.CompressionCodec{parquet.CompressionCodec_UNCOMPRESSED, parquet.CompressionCodec_SNAPPY,
		parquet.CompressionCodec_GZIP, parquet.CompressionCodec_ZSTD, parquet.CompressionCodec_LZ4} {
		for _, rg := range []int64{0, 1 << 10} {
			t.Run(fmt.Sprintf("%s/%d", codec, rg), func(t *testing.T) {
				tab, err := Load(writeEncParquet(t, 300, codec, rg))
				if err != nil {
					t.Fatal(err)
				}
				rows := pqEncRows(300)
				if len(tab.Rows) != len(rows) {
					t.Fatalf("%d rows, want %d", len(tab.Rows), len(rows))
				}
				for i, r := range rows {
					got := tab.Rows[i]
					want := []any{r.Dict, r.Delta, int64(r.D32), r.DLen, r.DBA, r.Opt, r.OptI, r.Split, r.Bool}
					for j, w := range want {
						var ws string
						switch x := w.(type) {
						case *string:
							ws = "null"
							if x != nil {
								ws = *x
							}
						case *int64:
							ws = "null"
							if x != nil {
								ws = fmt.Sprint(*x)
							}
						default:
							ws = fmt.Sprint(x)
						}
						if gs := got[j].String(); gs != ws {
							t.Fatalf("row %d, column %s: %s, want %s", i+1, tab.Columns[j], gs, ws)
						}
					}
				}
			})
		}
	}
}

// TestParquetDamageBounded: damaged copies of Parquet files (every 4-byte
// window set to ff ff ff 7f or 00 00 00 80, a random byte at every
// offset, 16 bytes cut, truncations) each load or fail
// with an error naming the file, within 10 s and 64 MiB of allocations
// each; the heap never holds 1 GiB. One 4-byte string length set to
// 0x7fffffff made parquet-go allocate without bound.
func TestParquetDamageBounded(t *testing.T) {
	orders, err := os.ReadFile(filepath.Join("testdata", "orders.parquet")) // scen's parquet sink
	if err != nil {
		t.Fatal(err)
	}
	arrow, err := os.ReadFile(filepath.Join("testdata", "snappy.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := os.ReadFile(writeParquet(t, 12, 300)) // several row groups, optional columns
	if err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile(writeEncParquet(t, 12, parquet.CompressionCodec_UNCOMPRESSED, 0))
	if err != nil {
		t.Fatal(err)
	}
	encZ, err := os.ReadFile(writeEncParquet(t, 12, parquet.CompressionCodec_ZSTD, 0))
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		name   string
		b      []byte
		stride int // damage every stride-th offset
	}{{"orders", orders, 1}, {"arrow", arrow, 2}, {"groups", groups, 3}, {"encodings", enc, 2}, {"encodings-zstd", encZ, 2}}

	// The heap, watched: a case that makes it hold 1 GiB stops the test
	// there (before it can take the machine's memory).
	var current atomic.Value
	current.Store("")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			metrics.Read(s)
			if h := s[0].Value.Uint64(); h > 1<<30 {
				panic(fmt.Sprintf("%s: the heap holds %d bytes", current.Load(), h))
			}
		}
	}()

	dir := t.TempDir()
	p := filepath.Join(dir, "c.parquet")
	cases, loaded := 0, 0
	try := func(label string, b []byte) {
		t.Helper()
		cases++
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		current.Store(label)
		allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
		metrics.Read(allocs)
		before := allocs[0].Value.Uint64()
		type result struct {
			tab *Table
			err error
		}
		done := make(chan result, 1)
		go func() {
			tab, err := Load(p)
			done <- result{tab, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no table and no error after 10 s", label)
		}
		metrics.Read(allocs)
		if a := allocs[0].Value.Uint64() - before; a > 64<<20 {
			t.Errorf("%s: %d bytes allocated", label, a)
		}
		switch {
		case r.err != nil && !strings.HasPrefix(r.err.Error(), "c.parquet"):
			t.Errorf("%s: the error does not name the file: %v", label, r.err)
		case r.err == nil && len(r.tab.Rows) == 0:
			t.Errorf("%s: no error and no rows", label)
		case r.err == nil:
			loaded++
			for i, row := range r.tab.Rows {
				if len(row) != len(r.tab.Columns) {
					t.Fatalf("%s: row %d has %d cells for %d columns", label, i+1, len(row), len(r.tab.Columns))
				}
			}
		}
	}
	rnd := rand.New(rand.NewSource(1))
	for _, f := range files {
		good := f.b
		for i := 0; i+4 <= len(good); i += f.stride {
			for _, w := range [][]byte{{0xff, 0xff, 0xff, 0x7f}, {0x00, 0x00, 0x00, 0x80}} {
				b := append([]byte{}, good...)
				copy(b[i:], w)
				try(fmt.Sprintf("%s: bytes %d to %d set to % x", f.name, i, i+3, w), b)
			}
		}
		for i := 0; i < len(good); i += f.stride {
			b := append([]byte{}, good...)
			b[i] = byte(rnd.Intn(256))
			try(fmt.Sprintf("%s: byte %d set to %#x", f.name, i, b[i]), b)
		}
		for i := 0; i+16 <= len(good); i += 3 * f.stride {
			b := append(append([]byte{}, good[:i]...), good[i+16:]...)
			try(fmt.Sprintf("%s: bytes %d to %d cut", f.name, i, i+15), b)
		}
		for n := 0; n < len(good); n += 7 {
			try(fmt.Sprintf("%s: truncated to %d bytes", f.name, n), good[:n])
		}
	}
	t.Logf("%d damaged files, %d loaded", cases, loaded)
}

// FuzzParquet: any bytes as a Parquet file load or give an error naming
// the file; never a panic or a hang, and a loaded table's rows all have
// its columns. Seeds: the Parquet fixtures.
func FuzzParquet(f *testing.F) {
	for _, name := range []string{"orders.parquet", "snappy.parquet", "case.parquet"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.parquet")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Load(p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.parquet") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		for i, row := range tab.Rows {
			if len(row) != len(tab.Columns) {
				t.Fatalf("row %d has %d cells for %d columns", i+1, len(row), len(tab.Columns))
			}
		}
	})
}

// TestParquetDamageErrors: sizes and counts in a Parquet file that
// parquet-go would have trusted (allocating gigabytes, again and again,
// without end) are checked first, with a message naming what is wrong.
func TestParquetDamageErrors(t *testing.T) {
	orders, err := os.ReadFile(filepath.Join("testdata", "orders.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	ff := []byte{0xff, 0xff, 0xff, 0x7f}
	for _, tc := range []struct {
		name string
		at   int // where ff ff ff 7f is written; -1: nothing
		want string
	}{
		{"intact", -1, ""},
		// A string's length (the reviewer's file: memory grew to 8 GB).
		{"string length", 463, `c.parquet: not a readable Parquet file: column "user_id", row group 1: page at byte 4: PLAIN values: string 153 of 154: 4294901762 bytes where 8 are left`},
		{"page header", 4, `c.parquet: not a readable Parquet file: column "user_id", row group 1: page at byte 4: corrupt page header`},
		{"footer length", len(orders) - 8, `c.parquet: not a readable Parquet file: the footer's length (2147483647 bytes) is more than the file holds`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte{}, orders...)
			if tc.at >= 0 {
				copy(b[tc.at:], ff)
			}
			p := filepath.Join(t.TempDir(), "c.parquet")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := Load(p)
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("no table and no error after 10 s")
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestBitsAt: bitsAt reads w-bit values packed least significant bit
// first, as the slow bit-by-bit reading does, for every width.
func TestBitsAt(t *testing.T) {
	rnd := rand.New(rand.NewSource(2))
	b := make([]byte, 64)
	rnd.Read(b)
	for w := uint64(0); w <= 64; w++ {
		for off := uint64(0); off+w <= uint64(len(b))*8; off += 3 {
			var want uint64
			for j := uint64(0); j < w; j++ {
				bit := off + j
				want |= uint64(b[bit/8]>>(bit%8)&1) << j
			}
			if got := bitsAt(b, off, w); got != want {
				t.Fatalf("width %d, bit %d: %#x, want %#x", w, off, got, want)
			}
		}
	}
}
