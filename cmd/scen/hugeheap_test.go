package main

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/scenhq/scen/engine/sinks"
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
		{"turned off", madvise, 24 << 30, "off", 0},
		{"unreadable mode", nil, 24 << 30, "", 0},
	} {
		if got := hugeHeapSize(c.mode, c.avail, c.env); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestHugeHeap: after hugeHeap, heap memory is backed by huge pages
// (where the kernel gives them on request): the mapping that holds a new
// 16 MiB buffer (64 or 256 MiB on a retry) has some. Measured on that mapping, not the process: a
// test run before this one may have left the heap grown already, and the
// buffer then reuses memory that was backed before it was allocated.
//
// It runs in a process of its own, as scen runs: in the test binary's
// process the package's earlier tests have grown the heap and given
// parts of it back in small pieces, and a buffer there may land in
// memory faulted in small pages whatever was marked (it failed so under
// the whole suite).
func TestHugeHeap(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skip("transparent huge pages are not in madvise mode here")
	}
	if env, _ := sinks.EnvSwitch("SCEN_HUGEPAGES"); env == "off" {
		t.Skip("SCEN_HUGEPAGES=0 turns huge pages off")
	}
	if os.Getenv("SCEN_HUGEHEAP_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHugeHeap$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "SCEN_HUGEHEAP_CHILD=1")
		out, err := cmd.CombinedOutput()
		switch {
		case err != nil:
			t.Fatalf("in a process of its own: %v\n%s", err, out)
		case bytes.Contains(out, []byte("--- SKIP")):
			t.Skipf("in a process of its own:\n%s", out)
		case !bytes.Contains(out, []byte("--- PASS: TestHugeHeap")):
			t.Fatalf("in a process of its own, no pass:\n%s", out)
		}
		return
	}
	hugeHeap() // may have run already, in another test's run: the range stays marked
	// Three tries, each larger: under memory pressure (the other
	// packages' tests beside this one) a fault may find no free 2 MiB
	// page at that moment and fall back to small pages, as the control
	// mapping below may; and a buffer may reuse heap the package's
	// earlier tests faulted in small pages, which a larger one is less
	// likely to (it grows the heap into memory not touched yet).
	var got int64
	for try := 0; try < 3 && got < 4<<20; try++ {
		b := make([]byte, 16<<20<<(2*try))
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		got = mappingHuge(t, uintptr(unsafe.Pointer(&b[len(b)/2])))
		runtime.KeepAlive(b)
	}
	if got < 4<<20 {
		if ctl := kernelHugeBytes(t); ctl < 4<<20 {
			t.Skipf("the kernel gives no huge pages now (a marked 16 MiB mapping got %d bytes): nothing to test", ctl)
		}
		t.Errorf("the mapping holding a 16, 64 or 256 MiB buffer has %d bytes of AnonHugePages", got)
	}
}

// mappingHuge is the AnonHugePages of the mapping that contains addr.
func mappingHuge(t *testing.T, addr uintptr) int64 {
	t.Helper()
	s, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	in := false
	for _, line := range strings.Split(string(s), "\n") {
		if lo, hi, ok := vmaRange(line); ok {
			in = addr >= lo && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "AnonHugePages:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n << 10
		}
	}
	t.Skip("no mapping with AnonHugePages holds the buffer")
	return 0
}

// vmaRange parses a mapping's header line ("7f12a000-7f12c000 rw-p …").
func vmaRange(line string) (lo, hi uintptr, ok bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, 0, false
	}
	a, b, found := strings.Cut(f[0], "-")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.ParseUint(a, 16, 64)
	y, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(x), uintptr(y), true
}
