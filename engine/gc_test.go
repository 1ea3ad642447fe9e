package engine

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestGCPercentFor(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 1600},       // before any collection: the cap
		{1 << 20, 1600}, // the cap: the runtime's minimum heap scales with the target
		{4 << 20, 1600},
		{8 << 20, 800}, // 8 + 64 MiB
		{32 << 20, 200},
		{64 << 20, 100},
		{100 << 20, 100}, // the default from 64 MiB of live heap on
		{1 << 40, 100},
	} {
		if got := gcPercentFor(tc.live); got != tc.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tc.live>>20, got, tc.want)
		}
	}
}

// TestTuneGC: the target applies only when the user set neither GOGC nor
// GOMEMLIMIT; it is set again after each collection, from the heap found
// live; stop (twice) puts the previous target back; and a second TuneGC
// while one holds the target leaves it to the first.
func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name, env, val string
		tuned          bool
	}{
		{"default", "", "", true},
		{"GOGC set", "GOGC", "50", false},
		{"GOMEMLIMIT set", "GOMEMLIMIT", "1GiB", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			if tc.env != "" {
				t.Setenv(tc.env, tc.val)
			}
			before := debug.SetGCPercent(77)
			defer debug.SetGCPercent(before)
			stop := TuneGC()
			inner := TuneGC() // held: a no-op
			inner()
			// A collection started by another test's garbage may end
			// between the target's setting and these reads: the live heap
			// then moves at once, and the target when the finalizer runs.
			// So when the two disagree, collect, wait for the finalizer
			// (a while at most) and read them again.
			var got, tuned int
			var live uint64
			for deadline := time.Now().Add(10 * time.Second); ; {
				gcMu.Lock()
				got = debug.SetGCPercent(-1)
				debug.SetGCPercent(got)
				live = liveHeap()
				tuned = gcPercentFor(live)
				gcMu.Unlock()
				if !tc.tuned || got == tuned || time.Now().After(deadline) {
					break
				}
				n := gcCollections.Load()
				runtime.GC()
				for gcCollections.Load() == n && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
			}
			if tc.tuned && got != tuned || !tc.tuned && got != 77 {
				t.Errorf("target %d (tuned: %d for %d bytes live, %d collections seen), want tuned %v", got, tuned, live, gcCollections.Load(), tc.tuned)
			}
			if tc.tuned {
				// A collection with 96 MiB live: the target goes back to
				// the default once the finalizer has run.
				ballast := make([]*[1 << 20]byte, 96)
				for i := range ballast {
					ballast[i] = new([1 << 20]byte)
				}
				n := gcCollections.Load()
				runtime.GC()
				for deadline := time.Now().Add(10 * time.Second); gcCollections.Load() == n && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				gcMu.Lock()
				got = debug.SetGCPercent(-1)
				debug.SetGCPercent(got)
				gcMu.Unlock()
				if gcCollections.Load() == n || got != 100 {
					t.Errorf("after a collection with 96 MiB live: target %d (finalizer ran: %v), want 100", got, gcCollections.Load() != n)
				}
				runtime.KeepAlive(ballast)
			}
			stop()
			stop()
			if got := debug.SetGCPercent(77); got != 77 {
				t.Errorf("after stop the target is %d, want 77", got)
			}
		})
	}
}
