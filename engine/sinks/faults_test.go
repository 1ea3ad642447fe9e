package sinks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// fullDisk accepts limit bytes in total, over all the files it wraps, and
// then fails every write with ENOSPC, as a file system does when it fills.
type fullDisk struct {
	mu    sync.Mutex
	limit int64
	files int
}

func (d *fullDisk) wrap(f *os.File) io.Writer {
	d.mu.Lock()
	d.files++
	d.mu.Unlock()
	return &fullDiskFile{d: d, f: f}
}

type fullDiskFile struct {
	d *fullDisk
	f *os.File
}

func (w *fullDiskFile) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	n := int64(len(p))
	if n > w.d.limit {
		n = w.d.limit
	}
	w.d.limit -= n
	w.d.mu.Unlock()
	m, err := w.f.Write(p[:n])
	if err == nil && m < len(p) {
		err = &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	return m, err
}

// withFullDisk makes every file sink file fail after limit bytes.
func withFullDisk(t *testing.T, limit int64) *fullDisk {
	d := &fullDisk{limit: limit}
	saved := fileWriter
	fileWriter = d.wrap
	t.Cleanup(func() { fileWriter = saved })
	return d
}

// leftFiles lists every file under dir (temporary ones included).
func leftFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// bigRecord is a record of testStream with about 1 KB of hex digits that
// compress no better than 2:1, one record per simulated second.
func bigRecord(s *rec.Stream, i int) *rec.Record {
	at := int64(1755216000000) + int64(i)*1000
	var text []byte
	for j := 0; len(text) < 1024; j++ {
		h := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(j)})
		text = hex.AppendEncode(text, h[:])
	}
	return &rec.Record{Emit: s.Emits[0], Time: at, Vals: []stdlib.Value{
		stdlib.StrV(string(text)), stdlib.IntV(int64(i)), stdlib.TimeV(at), stdlib.StrV("main")}}
}

// fileFaultSinks are the file-writing sinks under test, by name.
func fileFaultSinks(t *testing.T) []struct {
	name    string
	sink    func() Sink
	produce func(s Sink, n int) error
} {
	text := func(typ, path string) func() Sink {
		return func() Sink {
			ty := jsonlType()
			if typ == "csv" {
				ty = csvType()
			}
			s, diags := ty.New(Decl{Name: "events", Type: typ, Stream: testStream(), Body: parseBody(t, fmt.Sprintf("path = %q", path)), Loc: seoul})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			return s
		}
	}
	textProduce := func(s Sink, n int) error {
		st := s.(*fileSink).stream
		return produceRecords(s, seoul, 0, n, func(i int) *rec.Record { return bigRecord(st, i) })
	}
	st := pqStream()
	return []struct {
		name    string
		sink    func() Sink
		produce func(s Sink, n int) error
	}{
		{"jsonl", text("jsonl", "e/events.jsonl"), textProduce},
		{"jsonl.gz", text("jsonl", "e/events.jsonl.gz"), textProduce},
		{"csv.zst", text("csv", "e/events.csv.zst"), textProduce},
		{"hourly jsonl", text("jsonl", "e/hour={{hour}}/events.jsonl"), textProduce},
		{"parquet", func() Sink { return newPQSink(t, st, `path = "e/events.parquet"`+"\nrow_group_rows = 2000") },
			func(s Sink, n int) error { return pqProduce(t, s, st, 0, n) }},
		{"partitioned parquet", func() Sink {
			return newPQSink(t, st, "path = \"e/user={{field:user_id}}/events.parquet\"\nrow_group_rows = 300\nrows_per_file = 500")
		}, func(s Sink, n int) error { return pqProduce(t, s, st, 0, n) }},
	}
}

// TestFileSinksOnFullDisk: a disk that fills after some bytes fails the run
// with ENOSPC and the file's final name, from Write or at the latest from
// Close, and leaves no file behind, temporary or final.
func TestFileSinksOnFullDisk(t *testing.T) {
	const records = 8000
	for _, sc := range fileFaultSinks(t) {
		// What the records take on disk, from a run with room enough.
		disk := withFullDisk(t, math.MaxInt64)
		s := sc.sink()
		if err := s.Open(RunInfo{OutDir: t.TempDir(), Shards: 1}); err != nil {
			t.Fatal(err)
		}
		if err := sc.produce(s, records); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		size := math.MaxInt64 - disk.limit
		// Nothing fits; a few buffers fit (the error comes from Write);
		// all but the end fits (it comes from Close).
		for _, limit := range []int64{0, min(64<<10, size/4), size - 1} {
			t.Run(fmt.Sprintf("%s/after %d bytes", sc.name, limit), func(t *testing.T) {
				disk := withFullDisk(t, limit)
				dir := t.TempDir()
				s := sc.sink()
				if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
					t.Fatal(err)
				}
				err := sc.produce(s, records)
				if err == nil {
					_, err = s.Close()
				} else {
					s.Abort() // what the engine does after a Write error
				}
				if err == nil {
					t.Fatalf("no error with a disk full after %d bytes", limit)
				}
				if !errors.Is(err, syscall.ENOSPC) {
					t.Errorf("error %q is not ENOSPC", err)
				}
				if !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), filepath.Join(dir, "e")) {
					t.Errorf("error %q does not say which file could not be written and why", err)
				}
				if strings.Contains(err.Error(), ".tmp-") {
					t.Errorf("error %q names a temporary file", err)
				}
				if disk.files == 0 {
					t.Error("the fault was never injected")
				}
				if left := leftFiles(t, dir); len(left) > 0 {
					t.Errorf("files left behind: %v", left)
				}
			})
		}
	}
}

// TestFileSinksUnwritableDirectory: an output directory that cannot be
// created or written fails Open (or the first Write of a partitioned path)
// and leaves nothing behind. Tests may run as root, which ignores
// permissions, so the portable case is a directory whose parent is a file.
func TestFileSinksUnwritableDirectory(t *testing.T) {
	for _, tc := range []struct {
		name   string
		out    func(t *testing.T, root string) string // the --out directory under root
		want   string
		asRoot bool
	}{
		{"parent is a file", func(t *testing.T, root string) string {
			f := filepath.Join(root, "a-file")
			if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(f, "out")
		}, "not a directory", true},
		{"read-only directory", func(t *testing.T, root string) string {
			if err := os.Chmod(root, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(root, 0o755) })
			return root
		}, "permission denied", false},
	} {
		for _, sc := range fileFaultSinks(t) {
			t.Run(tc.name+"/"+sc.name, func(t *testing.T) {
				if !tc.asRoot && os.Geteuid() == 0 {
					t.Skip("root writes into read-only directories")
				}
				root := t.TempDir()
				out := tc.out(t, root)
				s := sc.sink()
				err := s.Open(RunInfo{OutDir: out, Shards: 1})
				if err == nil {
					err = sc.produce(s, 10)
					if err == nil {
						_, err = s.Close()
					} else {
						s.Abort()
					}
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one saying %q", err, tc.want)
				}
				if left := leftFiles(t, root); len(left) > 1 || (len(left) == 1 && left[0] != "a-file") {
					t.Errorf("files left behind: %v", left)
				}
			})
		}
	}
}

// TestKafkaTimeouts: connect_timeout and delivery_timeout are durations
// within bounds, defaulting to 10s and 30s.
func TestKafkaTimeouts(t *testing.T) {
	for _, tc := range []struct {
		attrs             string
		open, delivery    time.Duration
		summary, mentions string
	}{
		{"", 10 * time.Second, 30 * time.Second, "", ""},
		{`connect_timeout = "2s"` + "\ndelivery_timeout = \"5m\"", 2 * time.Second, 5 * time.Minute, "", ""},
		{`connect_timeout = "10ms"`, 0, 0, "Invalid connect_timeout", `from "1s" to "10m0s"`},
		{`delivery_timeout = "2h"`, 0, 0, "Invalid delivery_timeout", `from "1s" to "1h0m0s"`},
		{`delivery_timeout = 30`, 0, 0, "Invalid delivery_timeout", `a duration such as "10s"`},
		{`connect_timeout = "soon"`, 0, 0, "Invalid connect_timeout", `not "soon"`},
	} {
		t.Run(tc.attrs, func(t *testing.T) {
			s, diags := kafkaType().New(Decl{Name: "events", Type: "kafka", Stream: kafkaStream(),
				Body: parseBody(t, "brokers = [\"localhost:9092\"]\ntopic = \"events\"\n"+tc.attrs)})
			if tc.summary == "" {
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				sp := s.(*kafkaSink).spec
				if sp.openTimeout != tc.open || sp.deliveryTimeout != tc.delivery {
					t.Errorf("timeouts %s, %s; want %s, %s", sp.openTimeout, sp.deliveryTimeout, tc.open, tc.delivery)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.mentions) || diags[0].Subject.Start.Line != 3 {
				t.Errorf("diagnostics %v, want one %q on line 3 mentioning %q", diags, tc.summary, tc.mentions)
			}
		})
	}
}
