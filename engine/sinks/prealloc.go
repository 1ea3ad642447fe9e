package sinks

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// preallocWriter writes a file while reserving its disk blocks ahead of
// the writes, in steps that double from 1 MiB to 64 MiB. On ext4 a write
// into reserved blocks skips the per-page work of delayed allocation: 590
// MB written in 256 KiB pieces cost 140-150 ms of system time, 70-95 ms
// with the blocks reserved first (the reservations included; measured on
// the reference machine). The reservation does not change the file's size,
// and finish gives back what was reserved past the end. Where the file
// system cannot reserve (or the disk is too full to reserve ahead), the
// file is written as it would be without.
//
// It also writes behind, when fresh page cache is found to be expensive.
// A write into the page cache takes pages the kernel has free. On a
// virtual machine whose host has taken back the memory behind them (this
// project's machines report free pages to the host, and reclaim page
// cache unused for a minute), each page faults in the host on first
// touch: 590 MB written into such pages cost 1.06-1.10 s of system time,
// against 0.10 s into pages just freed (`dd`, 2026-12-02). The writers
// time their writes (all files together); when eight in a row cost more
// than coldCost per KiB, every file starts the writeback of each 8 MiB
// window as soon as the window is full (without waiting for it) and asks
// the kernel to drop the window two before it from the page cache. What
// is written by then is dropped, and its pages are reused for the next
// windows: the same 590 MB cost 0.10-0.15 s. When a file is closed, what
// is left of it in the page cache is written and dropped in the
// background, for the next file. Where the disk is slower than the writes, the windows are
// not written when their turn to be dropped comes, nothing is dropped and
// the run does not wait for them (starting a writeback can wait for room
// in the device's queue, as any write does once dirty pages are
// throttled): the file is written as it would be without. When pages
// are cheap it does nothing, as writing back during the run would only
// move work the kernel does later into the run (+4-15 % wall time in
// alternating runs of clickstream and recipe on warm pages).
// SCEN_WRITEBEHIND=0 in the environment turns it off, =1 on from the
// start.
type preallocWriter struct {
	f          *os.File
	off, alloc int64 // bytes written; bytes reserved from 0
	failed     bool  // reservation failed once: not tried again

	behind   bool  // writing behind
	from     int64 // where writing behind began (a window's start)
	started  int64 // bytes before which writeback was started
	noBehind bool  // writeback could not be started: not tried again
}

// reserveBlocks is reserve; tests replace it with one that fails.
var reserveBlocks = reserve

// writeBack, dropCached and dropTail are startWriteback, dropPages and
// dropWritten; tests wrap them.
var (
	writeBack  = startWriteback
	dropCached = dropPages
	dropTail   = dropWritten
)

// now is time.Now; tests replace it.
var now = time.Now

// writeBehindOff is SCEN_WRITEBEHIND=0 (or false, off, no).
var writeBehindOff = envSwitch("SCEN_WRITEBEHIND") == "off"

// envSwitch reads an on/off environment variable: "on" for 1, true, on
// or yes, "off" for 0, false, off or no (any case), "" otherwise (scen
// run refuses other values before this is used, see EnvSwitch).
func envSwitch(name string) string {
	v, _ := EnvSwitch(name)
	return v
}

// EnvSwitch reads the on/off environment variable name: "on" for 1,
// true, on or yes, "off" for 0, false, off or no (any case, spaces
// around ignored), "" when unset or empty, and an error naming the
// variable, its value and the values accepted otherwise.
func EnvSwitch(name string) (string, error) {
	raw := os.Getenv(name)
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "1", "true", "on", "yes":
		return "on", nil
	case "0", "false", "off", "no":
		return "off", nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("%s=%q in the environment: expected 0, false, off or no (off), 1, true, on or yes (on), or unset", name, raw)
}

// coldPages is set once writes were found expensive, or from the start
// with SCEN_WRITEBEHIND=1: every file writes behind from then on.
var coldPages atomic.Bool

func init() {
	if envSwitch("SCEN_WRITEBEHIND") == "on" {
		coldPages.Store(true)
	}
}

// writeCosts times the writes of all files together, so that a run
// writing many small files (one per day, say) finds out as well.
var writeCosts coldDetector

const (
	preallocMin = 1 << 20
	preallocMax = 64 << 20

	// behindWindow is the unit of writing behind, and behindLag the
	// number of windows left in the page cache behind the one whose
	// writeback was just started.
	behindWindow = 8 << 20
	behindLag    = 2
	// coldCost is the least cost per KiB of eight writes in a row above
	// which fresh page cache counts as expensive. Writes into warm pages
	// cost 100-230 ns per KiB here, into pages the host took back
	// 1 400-2 400 (2026-12-02). Writes under timedMin are not timed.
	coldCost  = 600
	coldGroup = 8
	timedMin  = 64 << 10
)

func (p *preallocWriter) Write(b []byte) (int, error) {
	if !p.failed && p.off+int64(len(b)) > p.alloc {
		step := min(max(p.alloc, preallocMin), preallocMax)
		for p.alloc < p.off+int64(len(b)) {
			step = max(step, p.off+int64(len(b))-p.alloc)
			if reserveBlocks(p.f, p.alloc, step) != nil {
				p.failed = true
				break
			}
			p.alloc += step
		}
	}
	if !p.behind && !writeBehindOff && coldPages.Load() {
		p.startBehind()
	}
	var start time.Time
	timed := !p.behind && !writeBehindOff && len(b) >= timedMin
	if timed {
		start = now()
	}
	n, err := p.f.Write(b)
	p.off += int64(n)
	if timed && n == len(b) && writeCosts.observe(now().Sub(start), n) {
		coldPages.Store(true)
		p.startBehind()
	}
	for p.behind && !p.noBehind && p.off-p.started >= behindWindow {
		if writeBack(p.f, p.started, behindWindow) != nil {
			p.noBehind = true
			break
		}
		p.started += behindWindow
		if old := p.started - (behindLag+1)*behindWindow; old >= p.from {
			dropCached(p.f, old, behindWindow)
		}
	}
	return n, err
}

// coldDetector finds groups of coldGroup writes in a row that all cost
// more than coldCost per KiB.
type coldDetector struct {
	mu       sync.Mutex
	cheapest int64 // least cost in this group, ns per KiB
	timed    int   // writes timed in this group
}

// observe counts a write of n bytes that took d, and reports whether it
// ended a group of expensive writes.
func (c *coldDetector) observe(d time.Duration, n int) bool {
	cost := d.Nanoseconds() << 10 / int64(n)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timed == 0 || cost < c.cheapest {
		c.cheapest = cost
	}
	if c.timed++; c.timed < coldGroup {
		return false
	}
	c.timed = 0
	return c.cheapest > coldCost
}

// startBehind starts writing behind from the window being written: the
// windows before it stay in the page cache, dirty, for the kernel.
func (p *preallocWriter) startBehind() {
	p.behind = true
	p.from = p.off / behindWindow * behindWindow
	p.started = p.from
}

// finish gives back the blocks reserved past the end of what was written
// and, when writing behind, has what is left of the file in the page
// cache written and dropped in the background (the next file reuses its
// pages: without it a file under three windows was never dropped).
func (p *preallocWriter) finish() error {
	if p.behind && !p.noBehind {
		if rest := max(p.from, p.started-behindLag*behindWindow); rest < p.off {
			dropTail(p.f, rest, p.off-rest)
		}
	}
	if p.alloc <= p.off {
		return nil
	}
	return p.f.Truncate(p.off)
}

// tails are the ends of files sealed while writing behind, flushed and
// dropped one at a time by one goroutine; tailsBusy counts those queued
// and not done.
var (
	tails     = make(chan tailJob, 64)
	tailsOnce sync.Once
	tailsBusy sync.WaitGroup
)

type tailJob struct {
	f      *os.File // a duplicate of the file's descriptor
	off, n int64
}

// runEnding is set while a run closes its sinks: see EndingRun.
var runEnding atomic.Bool

// EndingRun tells the file sinks whether the run is closing its sinks. A
// file sealed then is the run's last: its end is left to the kernel, as
// writing it out for a next file would only make the process wait for
// the disk before it can exit (a thread waiting on writeback cannot be
// interrupted). Queued ends not yet written are dropped from the queue.
func EndingRun(ending bool) { runEnding.Store(ending) }

// dropWritten queues n bytes of f at off to be written and dropped from
// the page cache, through a duplicate of f's descriptor (f is closed
// right after). When the queue is full, or the run is ending, the bytes
// are left to the kernel.
func dropWritten(f *os.File, off, n int64) {
	if runEnding.Load() {
		return
	}
	d, err := dupFile(f)
	if err != nil {
		return
	}
	tailsOnce.Do(func() {
		go func() {
			for j := range tails {
				if !runEnding.Load() && flushPages(j.f, j.off, j.n) == nil {
					dropPages(j.f, j.off, j.n)
				}
				j.f.Close()
				tailsBusy.Done()
			}
		}()
	})
	tailsBusy.Add(1)
	select {
	case tails <- tailJob{d, off, n}:
	default:
		d.Close()
		tailsBusy.Done()
	}
}
