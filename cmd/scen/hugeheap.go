package main

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
)

// Transparent huge pages for the heap.
//
// On the virtual machines this project is measured on, a 4 KiB page of
// fresh memory costs about 10 µs to fault in, and a miss in the TLB (the
// cache of page translations) is dear; a run's actors, runners and record
// chunks are read in an order no cache predicts. A 2 MiB huge page is one
// fault and one TLB entry for 512 small pages. Linux gives huge pages to
// the memory a process marks with madvise(MADV_HUGEPAGE) when transparent
// huge pages are set to "madvise" (the common default), and the Go runtime
// marks none of its heap.
//
// So before compiling, scen allocates one large block, which the runtime
// maps fresh and leaves untouched, marks its range MADV_HUGEPAGE, and
// frees it at once, returning it to the runtime as released memory (so the
// background scavenger never cuts a huge page in two giving it back). The
// heap then grows into that range, lowest addresses first, and each 2 MiB
// of it is faulted in as one huge page. Nothing is touched here: memory
// the run never uses costs address space only.
//
// Measured on bank, recipe and clickstream (docs/performance.md, session
// 8): page faults 14 000 → 2 600 on bank, and 5–14 % less wall time; a
// million clickstream actors take 16–20 MB more peak RSS (pages are backed
// 2 MiB at a time).
//
// SCEN_HUGEPAGES=0 (or false, off, no) turns it off; scen run refuses a
// value that is not an on/off switch (checkEnv). It is skipped where it cannot help: the
// kernel gives huge pages to every process ("always") or to none
// ("never"), or the block would be more than a quarter of the memory
// available.

// hugeBlock is the most of the heap's range marked for huge pages.
const hugeBlock = 256 << 20

// hugeHeapSize is the block to allocate given the kernel's transparent
// huge page mode (the content of .../transparent_hugepage/enabled) and the
// memory available (0: unknown), and SCEN_HUGEPAGES read as a switch
// ("off", "on" or ""): 0 when nothing should be done.
func hugeHeapSize(mode []byte, avail int64, env string) int {
	if env == "off" || !bytes.Contains(mode, []byte("[madvise]")) {
		return 0
	}
	n := int64(hugeBlock)
	if avail > 0 {
		n = min(n, avail/4)
	}
	n &^= 2<<20 - 1
	if n < 16<<20 {
		return 0
	}
	return int(n)
}

// hugeHeap marks the range the heap will grow into for huge pages (see
// above), once per process, before compiling. Only the first call can
// work: a second block would reuse the first's pages, which the heap has
// used since, and be zeroed, touching all of it.
func hugeHeap() { hugeOnce.Do(markHugeHeap) }

var hugeOnce sync.Once

func markHugeHeap() {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		return
	}
	avail, _, _ := engine.AvailableMemory()
	env, _ := sinks.EnvSwitch("SCEN_HUGEPAGES") // checked by checkEnv
	n := hugeHeapSize(mode, avail, env)
	if n == 0 {
		return
	}
	// The block is far over the collector's first target (4 MiB), so
	// allocating it started a collection of its own before the one
	// below: the collector is off meanwhile (FreeOSMemory collects all
	// the same).
	prev := debug.SetGCPercent(-1)
	b := make([]byte, n) // fresh from the OS: not zeroed, not touched
	adviseHuge(b)
	runtime.KeepAlive(b)
	b = nil
	debug.FreeOSMemory() // collects b and releases its pages, untouched
	debug.SetGCPercent(prev)
}
