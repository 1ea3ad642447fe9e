package sinks

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestDropPages: pages written back are dropped from the page cache;
// startWriteback accepts a regular file's range.
func TestDropPages(t *testing.T) {
	const size = 16 << 20
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := startWriteback(f, 0, size); err != nil {
		t.Fatalf("startWriteback: %v", err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	before := resident(t, f, size)
	if err := dropPages(f, 0, size); err != nil {
		t.Fatalf("dropPages: %v", err)
	}
	after := resident(t, f, size)
	if pages := size / os.Getpagesize(); before < pages/2 || after > pages/10 {
		t.Errorf("%d of %d pages cached before dropping, %d after", before, pages, after)
	}
}

// TestDropWritten: the end of a file handed over at its close is written
// and dropped in the background, through its own descriptor; not while
// the run is ending (the process would wait for the disk to exit).
func TestDropWritten(t *testing.T) {
	const size = 16 << 20
	for _, ending := range []bool{false, true} {
		t.Run(fmt.Sprint("ending=", ending), func(t *testing.T) {
			EndingRun(ending)
			defer EndingRun(false)
			path := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(make([]byte, size)); err != nil {
				t.Fatal(err)
			}
			dropWritten(f, 0, size)
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			tailsBusy.Wait()
			g, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			k, pages := resident(t, g, size), size/os.Getpagesize()
			if !ending && k > pages/10 {
				t.Errorf("%d of %d pages still cached", k, pages)
			}
			if ending && k < pages/2 {
				t.Errorf("%d of %d pages cached: the end of the run's last file was dropped", k, pages)
			}
		})
	}
}

// resident counts f's first n bytes' pages in the page cache.
func resident(t *testing.T, f *os.File, n int) int {
	t.Helper()
	m, err := unix.Mmap(int(f.Fd()), 0, n, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (n+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(n), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	k := 0
	for _, v := range vec {
		k += int(v & 1)
	}
	return k
}
