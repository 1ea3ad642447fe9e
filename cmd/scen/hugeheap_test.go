package main

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

func TestHugeHeapSize(t *testing.T) {
	madvise := []byte("always [madvise] never\n")
	for _, c := range []struct {
		name  string
		mode  []byte
		avail int64
		env   string
		want  int
	}{
		{"madvise, plenty of memory", madvise, 24 << 30, "", hugeBlock},
		{"madvise, memory unknown", madvise, 0, "", hugeBlock},
		{"a quarter of what is available, in whole huge pages", madvise, 401 << 20, "", 100 << 20},
		{"too little memory to bother", madvise, 40 << 20, "", 0},
		{"always: every process has them already", []byte("[always] madvise never\n"), 24 << 30, "", 0},
		{"never", []byte("always madvise [never]\n"), 24 << 30, "", 0},
		{"turned off", madvise, 24 << 30, "0", 0},
		{"unreadable mode", nil, 24 << 30, "", 0},
	} {
		if got := hugeHeapSize(c.mode, c.avail, c.env); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestHugeHeap: after hugeHeap, memory the heap grows into is backed by
// huge pages (where the kernel gives them on request).
func TestHugeHeap(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skip("transparent huge pages are not in madvise mode here")
	}
	before := anonHuge(t)
	hugeHeap() // may have run already, in another test's run: the range stays marked
	b := make([]byte, 16<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	after := anonHuge(t)
	runtime.KeepAlive(b)
	if after-before < 4<<20 {
		t.Errorf("AnonHugePages %d → %d bytes after touching 16 MiB of new heap", before, after)
	}
}

func anonHuge(t *testing.T) int64 {
	t.Helper()
	s, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Skip(err)
	}
	m := regexp.MustCompile(`AnonHugePages:\s+(\d+) kB`).FindSubmatch(s)
	if m == nil {
		t.Skip("no AnonHugePages in smaps_rollup")
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n << 10
}
