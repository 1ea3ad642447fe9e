package sinks

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/scenhq/scen/stdlib"
)

// TestPreallocWriter: whatever the write sizes, and whether or not the
// file system reserves blocks, the file holds exactly the bytes written,
// and after finish no reserved block is left past its end.
func TestPreallocWriter(t *testing.T) {
	tests := []struct {
		name    string
		sizes   []int
		refuse  bool
		reserve bool // blocks are reserved ahead (on Linux)
	}{
		{"empty", nil, false, false},
		{"one small write", []int{10}, false, true},
		{"across the first steps", []int{700 << 10, 700 << 10, 3 << 20, 1}, false, true},
		{"one write larger than a step", []int{100, 70 << 20}, false, true},
		{"file system refuses", []int{5 << 20, 7}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.refuse {
				old := reserveBlocks
				reserveBlocks = func(*os.File, int64, int64) error { return errors.ErrUnsupported }
				defer func() { reserveBlocks = old }()
			}
			path := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			p := &preallocWriter{f: f}
			var want []byte
			for i, n := range tt.sizes {
				b := bytes.Repeat([]byte{byte('a' + i)}, n)
				if _, err := p.Write(b); err != nil {
					t.Fatal(err)
				}
				want = append(want, b...)
			}
			if tt.reserve && p.alloc < p.off && reserve(f, 0, 1) == nil {
				t.Errorf("reserved %d bytes for %d written", p.alloc, p.off)
			}
			finishAndCompare(t, p, want)
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if sys, ok := st.Sys().(*syscall.Stat_t); ok {
				// Allocated blocks cover the data, plus at most a few
				// blocks of file system overhead: nothing reserved ahead.
				if used := sys.Blocks * 512; used > int64(len(want))+64<<10 {
					t.Errorf("%d bytes allocated for a %d-byte file", used, len(want))
				}
			}
		})
	}
}

// TestFileBufs: a buffer given back is handed out again, empty; one that
// grew for a huge record is dropped; the spare list is bounded.
func TestFileBufs(t *testing.T) {
	for len(fileBufs) > 0 { // other tests' spares
		<-fileBufs
	}
	b := append(getFileBuf(), "abc"...)
	putFileBuf(b)
	if got := getFileBuf(); len(got) != 0 || &got[:1][0] != &b[0] {
		t.Errorf("a spare buffer was not reused empty (len %d)", len(got))
	}
	putFileBuf(make([]byte, 0, 4*fileBuf))
	if len(fileBufs) != 0 {
		t.Error("a buffer grown past twice the size was kept")
	}
	for range cap(fileBufs) + 3 {
		putFileBuf(make([]byte, 0, fileBuf))
	}
	if len(fileBufs) != cap(fileBufs) {
		t.Errorf("%d spares kept, want %d", len(fileBufs), cap(fileBufs))
	}
	for len(fileBufs) > 0 {
		<-fileBufs
	}
}

// TestAtomicFileLargeWrites: writes larger than a buffer (a worker's whole
// chunk of records) are cut at the buffer's capacity, not appended whole:
// the bytes arrive in order, and the buffers never grow, so writing many
// megabytes allocates only a handful of buffers.
func TestAtomicFileLargeWrites(t *testing.T) {
	for len(fileBufs) > 0 {
		<-fileBufs
	}
	for _, size := range []int{1, fileBuf - 1, fileBuf, fileBuf + fileBuf/8 + 1, 1 << 20, 3<<20 + 7} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "out.txt")
			a, err := createAtomic(final)
			if err != nil {
				t.Fatal(err)
			}
			parts := make([][]byte, 24)
			var want []byte
			for i := range parts {
				parts[i] = bytes.Repeat([]byte{byte('a' + i)}, size)
				want = append(want, parts[i]...)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, b := range parts {
				if _, err := a.Write(b); err != nil {
					t.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			if err := a.commit(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(final)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%d bytes read back, want %d (or the bytes differ)", len(got), len(want))
			}
			// At most the buffers in flight (queue, writer, current) and
			// the spares, however much is written.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(8*(fileBuf+fileBuf/8)) {
				t.Errorf("%d bytes allocated to write %d", alloc, len(want))
			}
		})
	}
}

// TestAtomicFileWriteAfterAbort: a write after the file was given up fails
// at once (it must not wait for a writer that is gone).
func TestAtomicFileWriteAfterAbort(t *testing.T) {
	a, err := createAtomic(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a.abort()
	if _, err := a.Write(make([]byte, 3*fileBuf)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after abort: %v, want %v", err, os.ErrClosed)
	}
}

// finishAndCompare finishes and closes p's file and checks that it holds
// exactly want.
func finishAndCompare(t *testing.T, p *preallocWriter, want []byte) {
	t.Helper()
	if err := p.finish(); err != nil {
		t.Fatal(err)
	}
	if err := p.f.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file holds %d bytes, want the %d written", len(got), len(want))
	}
}

// fakeWriteClock makes every write of the test take perWrite.
func fakeWriteClock(t *testing.T, perWrite time.Duration) {
	t.Helper()
	old := now
	base := time.Unix(0, 0)
	calls := 0
	now = func() time.Time {
		calls++
		return base.Add(time.Duration(calls/2) * perWrite)
	}
	reset := func() {
		coldPages.Store(false)
		writeCosts.mu.Lock()
		writeCosts.timed = 0
		writeCosts.mu.Unlock()
	}
	t.Cleanup(func() { now = old; reset() })
	reset()
}

// TestColdPageGroups: write-behind starts only after coldGroup timed
// writes in a row all cost more than coldCost per KiB.
func TestColdPageGroups(t *testing.T) {
	const n = 256 << 10 // a file buffer's write: coldCost ns/KiB is 153.6 µs
	us := func(x int) time.Duration { return time.Duration(x) * time.Microsecond }
	tests := []struct {
		name  string
		costs []time.Duration
		want  []bool // after each write
	}{
		{"warm", []time.Duration{us(30), us(30), us(30), us(30), us(30), us(30), us(30), us(30)},
			[]bool{false, false, false, false, false, false, false, false}},
		{"cold", []time.Duration{us(400), us(400), us(400), us(400), us(400), us(400), us(400), us(400)},
			[]bool{false, false, false, false, false, false, false, true}},
		{"one cheap write in the group", []time.Duration{us(400), us(400), us(400), us(30), us(400), us(400), us(400), us(400)},
			[]bool{false, false, false, false, false, false, false, false}},
		{"just above the line", []time.Duration{us(155), us(155), us(155), us(155), us(155), us(155), us(155), us(155)},
			[]bool{false, false, false, false, false, false, false, true}},
		{"cold in the second group", []time.Duration{us(400), us(30), us(400), us(400), us(400), us(400), us(400), us(400),
			us(400), us(400), us(400), us(400), us(400), us(400), us(400), us(400)},
			[]bool{false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d coldDetector
			for i, c := range tt.costs {
				if got := d.observe(c, n); got != tt.want[i] {
					t.Fatalf("write %d: cold = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

// TestWriteBehind: once writes are found expensive, each full window's
// writeback is started and the window behindLag windows before it is
// dropped; small writes are not timed; the file holds what was written;
// files opened later write behind from their start; where writeback
// cannot be started, the file is written as without.
func TestWriteBehind(t *testing.T) {
	type call struct{ off, n int64 }
	tests := []struct {
		name      string
		perWrite  time.Duration
		size      int // of each write
		total     int
		cold      bool // coldPages set before the file
		refuse    bool // writeback cannot be started
		off       bool // SCEN_WRITEBEHIND=0
		timing    int  // writes already timed (warm) when the file starts
		wantBack  []call
		wantDrops []call
		wantTail  []call
	}{
		{name: "warm", perWrite: 20 * time.Microsecond, size: 256 << 10, total: 40 << 20},
		{name: "turned off", perWrite: time.Millisecond, size: 256 << 10, total: 40 << 20, off: true},
		{name: "small writes are not timed", perWrite: time.Second, size: 32 << 10, total: 20 << 20},
		{name: "cold", perWrite: time.Millisecond, size: 256 << 10, total: 42 << 20,
			wantBack:  []call{{0, 8 << 20}, {8 << 20, 8 << 20}, {16 << 20, 8 << 20}, {24 << 20, 8 << 20}, {32 << 20, 8 << 20}},
			wantDrops: []call{{0, 8 << 20}, {8 << 20, 8 << 20}, {16 << 20, 8 << 20}},
			wantTail:  []call{{24 << 20, 18 << 20}}},
		// Four cheap writes of other files open the group: the first
		// group is not cold, the second (this file's 5th to 12th write) is.
		{name: "cold from the twelfth write", perWrite: time.Millisecond, size: 1 << 20, total: 50 << 20, timing: 4,
			wantBack:  []call{{8 << 20, 8 << 20}, {16 << 20, 8 << 20}, {24 << 20, 8 << 20}, {32 << 20, 8 << 20}, {40 << 20, 8 << 20}},
			wantDrops: []call{{8 << 20, 8 << 20}, {16 << 20, 8 << 20}, {24 << 20, 8 << 20}},
			wantTail:  []call{{32 << 20, 18 << 20}}},
		{name: "cold from an earlier file", perWrite: 0, size: 32 << 10, total: 17 << 20, cold: true,
			wantBack: []call{{0, 8 << 20}, {8 << 20, 8 << 20}},
			wantTail: []call{{0, 17 << 20}}},
		{name: "writeback refused", perWrite: time.Millisecond, size: 256 << 10, total: 30 << 20, refuse: true,
			wantBack: []call{{0, 8 << 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeWriteClock(t, tt.perWrite)
			coldPages.Store(tt.cold)
			oldOff := writeBehindOff
			writeBehindOff = tt.off
			t.Cleanup(func() { writeBehindOff = oldOff })
			writeCosts.mu.Lock()
			writeCosts.timed, writeCosts.cheapest = tt.timing, 0
			writeCosts.mu.Unlock()
			var backs, drops, tails []call
			oldBack, oldDrop, oldTail := writeBack, dropCached, dropTail
			t.Cleanup(func() { writeBack, dropCached, dropTail = oldBack, oldDrop, oldTail })
			dropTail = func(f *os.File, off, n int64) {
				tails = append(tails, call{off, n})
				oldTail(f, off, n)
			}
			writeBack = func(f *os.File, off, n int64) error {
				backs = append(backs, call{off, n})
				if tt.refuse {
					return errors.ErrUnsupported
				}
				return oldBack(f, off, n)
			}
			dropCached = func(f *os.File, off, n int64) error {
				drops = append(drops, call{off, n})
				return oldDrop(f, off, n)
			}
			path := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			p := &preallocWriter{f: f}
			var want []byte
			for i := 0; len(want) < tt.total; i++ {
				b := bytes.Repeat([]byte{byte('a' + i%26)}, tt.size)
				if _, err := p.Write(b); err != nil {
					t.Fatal(err)
				}
				want = append(want, b...)
			}
			finishAndCompare(t, p, want)
			tailsBusy.Wait()
			if !slices.Equal(tails, tt.wantTail) {
				t.Errorf("tail %v left to drop, want %v", tails, tt.wantTail)
			}
			if !slices.Equal(backs, tt.wantBack) {
				t.Errorf("writeback started on %v, want %v", backs, tt.wantBack)
			}
			if !slices.Equal(drops, tt.wantDrops) {
				t.Errorf("dropped %v, want %v", drops, tt.wantDrops)
			}
			if cold := tt.wantBack != nil; coldPages.Load() != cold {
				t.Errorf("coldPages = %v, want %v", coldPages.Load(), cold)
			}
		})
	}
}

// countingFile counts the writes that reach a file.
type countingFile struct {
	f *os.File
	n *int
}

func (c countingFile) Write(p []byte) (int, error) { *c.n++; return c.f.Write(p) }

// TestCompressedWritesGathered: a compressor's small pieces of output reach
// the file in writes of a file buffer each, and the file decompresses to
// what was written.
func TestCompressedWritesGathered(t *testing.T) {
	for _, name := range []string{"out.jsonl.gz", "out.jsonl.zst"} {
		t.Run(name, func(t *testing.T) {
			writes := 0
			saved := fileWriter
			fileWriter = func(f *os.File) io.Writer { return countingFile{f, &writes} }
			t.Cleanup(func() { fileWriter = saved })
			final := filepath.Join(t.TempDir(), name)
			a, err := createAtomic(final)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			r := stdlib.NewRand(1)
			for i := range 200000 { // about 8 MB, compressing to about 1.6
				line := fmt.Sprintf(`{"i":%d,"x":"%016x"}`+"\n", i, r.Uint64())
				want.WriteString(line)
				if _, err := a.Write([]byte(line)); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.commit(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(final)
			if err != nil {
				t.Fatal(err)
			}
			if max := int(st.Size()/fileBuf) + 2; writes > max {
				t.Errorf("%d writes for %d compressed bytes, want at most %d", writes, st.Size(), max)
			}
			got := readAll(t, final)
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("decompressed %d bytes, want the %d written", len(got), want.Len())
			}
		})
	}
}

// readAll reads a file back, decompressing .gz and .zst.
func readAll(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case strings.HasSuffix(path, ".gz"):
		if r, err = gzip.NewReader(f); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(path, ".zst"):
		zr, err := zstd.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEnvSwitch: the spellings of on and off.
func TestEnvSwitch(t *testing.T) {
	for _, tt := range []struct{ val, want string }{
		{"", ""}, {"1", "on"}, {"true", "on"}, {" ON ", "on"}, {"yes", "on"},
		{"0", "off"}, {"False", "off"}, {"off", "off"}, {"no", "off"}, {"maybe", ""}, {"2", ""},
	} {
		t.Setenv("SCEN_TEST_SWITCH", tt.val)
		if got := envSwitch("SCEN_TEST_SWITCH"); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.val, got, tt.want)
		}
	}
}

// TestEnvSwitchErrors: an on/off variable's accepted spellings, and any
// other value an error naming the variable, the value and what is accepted.
func TestEnvSwitchErrors(t *testing.T) {
	for _, c := range []struct {
		val, want, wantErr string
	}{
		{"", "", ""},
		{"0", "off", ""},
		{" False ", "off", ""},
		{"no", "off", ""},
		{"1", "on", ""},
		{"YES", "on", ""},
		{"of", "", `SCEN_TEST_SWITCH="of" in the environment: expected 0, false, off or no (off), 1, true, on or yes (on), or unset`},
		{"2", "", `SCEN_TEST_SWITCH="2"`},
	} {
		t.Setenv("SCEN_TEST_SWITCH", c.val)
		got, err := EnvSwitch("SCEN_TEST_SWITCH")
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.val, got, c.want)
		}
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.val, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want one containing %s", c.val, err, c.wantErr)
		}
	}
}
