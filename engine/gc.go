package engine

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// The garbage collector's target during a run.
//
// With Go's default (GOGC=100) the heap may grow to twice the live data
// between two collections. A run's live data is mostly built at its
// start (datasets, actors) and allocated little per event, so on a small
// scenario the default collects every few megabytes: recipe, bank and
// clickstream collected two to four times in their first 150 ms, each
// collection marking all of the compiled plan and stopping the world for
// up to 11 ms (GODEBUG=gctrace=1), while one core's worth of marking took
// a worker's place. A run now lets the heap grow by at least gcHeadroom
// between collections: the target is max(100, gcHeadroom/live) percent,
// set again after every collection from the live heap it measured, so a
// run whose live data is under 64 MiB collects rarely (the three
// benchmarked scenarios not once after their start), and one with more
// collects as with the default (a million clickstream users peak at the
// same RSS). EstimateMemory counts the headroom.
const gcHeadroom = 64 << 20

// gcMaxPercent bounds the target: the runtime scales the heap's minimum
// size (4 MiB) with it, so a target of 6 400 % for 1 MiB live would not
// collect before 256 MiB.
const gcMaxPercent = 1600

// gcPercentFor is the target for a live heap of live bytes.
func gcPercentFor(live uint64) int {
	live = max(live, 1<<20)
	return min(gcMaxPercent, max(100, int(gcHeadroom*100/live)))
}

// liveHeap is the heap the last collection found live (0 before any).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// gcMu guards gcGen, the number of the TuneGC holding the target (0:
// none).
var (
	gcMu   sync.Mutex
	gcGen  uint64
	gcRuns uint64 // TuneGCs so far
)

// gcSentinel is garbage from the moment it is made: its finalizer runs
// after the next collection, sets the target again and makes the next
// one, as long as the TuneGC that made the first still holds the target.
// It holds a pointer and is larger than 16 bytes, so it is not combined
// with other small objects (whose finalizers may never run).
type gcSentinel struct {
	gen uint64
	p   *int
	_   [8]byte
}

// gcCollections counts the finalizer's calls (tests).
var gcCollections atomic.Int64

func watchGC(gen uint64) {
	runtime.SetFinalizer(&gcSentinel{gen: gen}, func(s *gcSentinel) {
		gcMu.Lock()
		defer gcMu.Unlock()
		if s.gen != gcGen {
			return
		}
		gcCollections.Add(1)
		debug.SetGCPercent(gcPercentFor(liveHeap()))
		watchGC(gen)
	})
}

// TuneGC sets the collector's target for a run (see gcHeadroom) until
// stop is called, which puts the previous target back (stop is safe to
// call more than once). A GOGC or GOMEMLIMIT set by the user is left
// alone, and so is the target while another TuneGC holds it.
func TuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcGen != 0 {
		return func() {}
	}
	gcRuns++
	gen := gcRuns
	gcGen = gen
	prev := debug.SetGCPercent(gcPercentFor(liveHeap()))
	watchGC(gen)
	var once sync.Once
	return func() {
		once.Do(func() {
			gcMu.Lock()
			defer gcMu.Unlock()
			gcGen = 0
			debug.SetGCPercent(prev)
		})
	}
}
