package sinks

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
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
			if err := p.finish(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("file holds %d bytes, want the %d written", len(got), len(want))
			}
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
