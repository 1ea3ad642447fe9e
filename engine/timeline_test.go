package engine

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestTimelineOrder: the timeline's buckets and the heap of the current
// window hand out events in exactly the order of (time, actor, flow) over
// the whole run, as one heap of every runner did. Runners carry scripted
// event times: clustered in one window, spread over the run, tied with
// other runners' times, before the start and after the end (the first and
// last buckets take those), with runs of events inside one window and
// jumps over many, and events exactly at a window's end.
func TestTimelineOrder(t *testing.T) {
	const start, end = int64(1_000_000), int64(1_000_000 + 4096*100)
	for _, tc := range []struct {
		name    string
		runners int
		gen     func(r *stdlib.Rand, i int) []int64
	}{
		{"spread", 3000, func(r *stdlib.Rand, i int) []int64 {
			t := start + int64(r.Uint64n(uint64(end-start)))
			var ts []int64
			for t < end && len(ts) < 40 {
				ts = append(ts, t)
				t += int64(r.Uint64n(30_000))
			}
			return ts
		}},
		{"ties", 500, func(r *stdlib.Rand, i int) []int64 {
			var ts []int64
			for t := start + int64(i%7)*1000; t < end; t += 100_000 {
				ts = append(ts, t) // many runners due at the same instants
			}
			return ts
		}},
		{"window ends", 60, func(r *stdlib.Rand, i int) []int64 {
			// Pairs due at once at a window's end (base+200): the first
			// (the smaller key) was put in that window's bucket two
			// windows before; the second is rescheduled to it from the
			// window just before, and must wait in the bucket too.
			b := start + 300*int64(i/2)
			if i%2 == 0 {
				return []int64{b + 50, b + 200}
			}
			return []int64{b + 150, b + 200}
		}},
		{"one window", 400, func(r *stdlib.Rand, i int) []int64 {
			t := start + 5*100 + int64(r.Uint64n(100))
			return []int64{t, t, t + 1, t + 50}
		}},
		{"outside", 300, func(r *stdlib.Rand, i int) []int64 {
			return []int64{start - 500 + int64(i), start + int64(r.Uint64n(200)), end - 1, end + int64(i), end + 10_000}
		}},
		{"single", 1, func(r *stdlib.Rand, i int) []int64 { return []int64{start, start + 1, end - 1} }},
		{"none", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := stdlib.NewRand(7)
			flows := []*FlowPlan{{Entity: &EntityPlan{Index: 1}, Index: 0}, {Entity: &EntityPlan{Index: 1}, Index: 1}}
			type ev struct {
				t   int64
				run *runner
			}
			script := map[*runner][]int64{}
			var want []ev
			w := &worker{}
			for i := range tc.runners {
				ru := &runner{flow: flows[i%2], act: &actor{index: int64(i / 2)}}
				ts := tc.gen(&r, i)
				if len(ts) == 0 {
					continue
				}
				script[ru] = ts[1:]
				for _, x := range ts {
					want = append(want, ev{x, ru})
				}
				w.heap = append(w.heap, slot{next: ts[0], r: ru})
			}
			slices.SortStableFunc(want, func(a, b ev) int {
				if c := cmp.Compare(a.t, b.t); c != 0 {
					return c
				}
				if tieLess(a.run, b.run) {
					return -1
				}
				if tieLess(b.run, a.run) {
					return 1
				}
				return 0
			})
			// The worker's loop (run), with the script in place of step.
			w.heap = w.tl.init(w.heap, start, end)
			var got []ev
			for w.due() {
				s := &w.heap[0]
				got = append(got, ev{s.next, s.r})
				rest := script[s.r]
				if len(rest) == 0 {
					w.reschedule(0, false)
					continue
				}
				script[s.r] = rest[1:]
				w.reschedule(rest[0], true)
			}
			if len(got) != len(want) {
				t.Fatalf("%d events handed out, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("event %d: %s, want %s", i, desc(got[i].t, got[i].run), desc(want[i].t, want[i].run))
				}
			}
		})
	}
}

func desc(t int64, r *runner) string {
	return fmt.Sprintf("t=%d actor %d flow %d", t, r.act.index, r.flow.Index)
}

// TestHeapSifts: the heap's two sifts (place for a runner taken from the
// heap's end or from a bucket, down for the top moved later) keep every
// parent before its children, and hand runners out in (time, key) order,
// at every size from one runner to a few levels, with times drawn from a
// few values so that most comparisons are ties, and from many.
func TestHeapSifts(t *testing.T) {
	flows := []*FlowPlan{{Entity: &EntityPlan{Index: 1}, Index: 0}, {Entity: &EntityPlan{Index: 1}, Index: 1}}
	check := func(t *testing.T, w *worker, what string) {
		t.Helper()
		for i := 1; i < len(w.heap); i++ {
			if p := (i - 1) / 2; less(&w.heap[i], &w.heap[p]) {
				t.Fatalf("%s: slot %d (%s) before its parent %d (%s)", what, i, desc(w.heap[i].next, w.heap[i].r), p, desc(w.heap[p].next, w.heap[p].r))
			}
		}
	}
	// spread 0: most runners are due at one time and the rest spread (a
	// run's start, when every actor's flows are due at once), so that
	// placeTies goes down through many levels of ties.
	sizes := make([]int, 0, 75)
	for n := 1; n <= 70; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 200, 511, 512, 1000, 3000)
	for _, spread := range []uint64{3, 1 << 40, 0} {
		for _, n := range sizes {
			if n > 70 && spread != 0 {
				continue
			}
			t.Run(fmt.Sprintf("spread %d, %d runners", spread, n), func(t *testing.T) {
				r := stdlib.NewRand(uint64(n))
				w := &worker{}
				w.tl.end = math.MaxInt64
				for i := range n {
					ru := &runner{flow: flows[i%2], act: &actor{index: int64(r.Uint64n(uint64(n)))}}
					next := int64(r.Uint64n(max(spread, 1<<20)))
					if spread == 0 && r.Uint64n(8) != 0 {
						next = 1 << 19
					}
					w.heap = append(w.heap, slot{next: next, r: ru})
				}
				for i := len(w.heap)/2 - 1; i >= 0; i-- {
					w.place(i, w.heap[i])
				}
				check(t, w, "heapified")
				// Move the top later a few times, then empty the heap.
				for range 3 * n {
					w.reschedule(w.heap[0].next+int64(r.Uint64n(max(spread, 3))), true)
					check(t, w, "moved")
				}
				prev := w.heap[0]
				for len(w.heap) > 0 {
					if s := w.heap[0]; less(&s, &prev) {
						t.Fatalf("%s handed out after %s", desc(s.next, s.r), desc(prev.next, prev.r))
					}
					prev = w.heap[0]
					w.reschedule(0, false)
					check(t, w, "popped")
				}
			})
		}
	}
}
