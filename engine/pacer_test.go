package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/scenhq/scen/engine/rec"
)

// TestPaceDelay: a pace too slow for a Duration saturates instead of
// wrapping around to a negative delay, which wrote the record at once.
func TestPaceDelay(t *testing.T) {
	for _, tc := range []struct {
		name string
		ns   float64
		want time.Duration
	}{
		{"zero", 0, 0},
		{"one second", 1e9, time.Second},
		{"a century", 1e18, 1e18},
		{"beyond a Duration", 1e30, math.MaxInt64},
		{"infinite", math.Inf(1), math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := paceDelay(tc.ns); got != tc.want {
				t.Fatalf("paceDelay(%g) = %v, want %v", tc.ns, got, tc.want)
			}
		})
	}
}

// TestPacerWaitsForSlowPaces: --speed 1e-9 (a simulated millisecond every
// eleven days) and --rate 1e-12 hold the second record back; before,
// the delay overflowed and the record went out at once.
func TestPacerWaitsForSlowPaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		ro   RunOptions
	}{
		{"speed", RunOptions{Speed: 1e-9, From: 1_000_000}},
		{"rate", RunOptions{Rate: 1e-12, From: 1_000_000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc := newPacer(tc.ro, &Plan{}, nil)
			if err := pc.wait(context.Background(), tc.ro.From, 0, &Plan{}, nil); err != nil {
				t.Fatalf("first record: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := pc.wait(ctx, tc.ro.From+86_400_000, 0, &Plan{}, nil)
			if err == nil {
				t.Fatalf("the second record was not held back (waited %v)", time.Since(start))
			}
		})
	}
}

// fakeClock is a pacer's wall clock that moves only when the pacer
// sleeps; it records the sleeps.
type fakeClock struct {
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) install(pc *pacer) {
	pc.now = func() time.Time { return c.t }
	pc.start = c.t
	pc.sleep = func(_ context.Context, d time.Duration) error {
		c.sleeps = append(c.sleeps, d)
		c.t = c.t.Add(d)
		return nil
	}
}

// TestPacerCountsRecords: --rate counts records, not sink writes (review
// 29 #3: a stream with three sinks ran three times slower than the rate).
// The entries come as the merge hands them over: a record's entries one
// per active sink of its stream, in sink order. The clock is the pacer's
// own (no wall-clock time is measured).
func TestPacerCountsRecords(t *testing.T) {
	j, c, p := &rec.Stream{Name: "j"}, &rec.Stream{Name: "c"}, &rec.Stream{Name: "p"}
	for _, tc := range []struct {
		name    string
		plan    *Plan
		active  []bool
		ro      RunOptions
		entries []uint32 // sink of each entry, in write order
		want    time.Duration
	}{
		// Six records to three sinks of one stream at 2/s: the last is
		// due 2.5 s in (it was 8.5 s, 18 writes at 2/s).
		{"three sinks, one stream", sinksOf(j, j, j), nil, RunOptions{Rate: 2},
			[]uint32{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 2500 * time.Millisecond},
		{"one sink", sinksOf(j), nil, RunOptions{Rate: 2},
			[]uint32{0, 0, 0, 0, 0, 0}, 2500 * time.Millisecond},
		// Two streams, the first with two sinks: 4 records.
		{"two streams", sinksOf(j, j, c), nil, RunOptions{Rate: 2},
			[]uint32{0, 1, 2, 0, 1, 2}, 1500 * time.Millisecond},
		// --sinks leaves out the stream's first sink: the second leads.
		{"first sink inactive", sinksOf(j, j, j), []bool{false, true, true}, RunOptions{Rate: 2},
			[]uint32{1, 2, 1, 2, 1, 2}, 1000 * time.Millisecond},
		// Sinks of different streams interleaved, each its own lead.
		{"streams interleaved", sinksOf(j, c, p), nil, RunOptions{Rate: 4},
			[]uint32{0, 1, 2, 2, 1, 0, 1}, 1500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			active := tc.active
			if active == nil {
				active = make([]bool, len(tc.plan.Sinks))
				for i := range active {
					active[i] = true
				}
			}
			pc := newPacer(tc.ro, tc.plan, leadSinks(tc.plan, active))
			clk := &fakeClock{t: time.Unix(1_000_000, 0)}
			clk.install(pc)
			start := clk.t
			for i, si := range tc.entries {
				if err := pc.wait(context.Background(), tc.ro.From, si, tc.plan, active); err != nil {
					t.Fatalf("entry %d: %v", i, err)
				}
			}
			if got := clk.t.Sub(start); got != tc.want {
				t.Errorf("the last record went out %v in (sleeps %v), want %v", got, clk.sleeps, tc.want)
			}
		})
	}
}

// sinksOf is a plan with a sink per stream given and, per stream, an
// emit wired to its sinks as compile wires them (every sink of the
// stream, in order).
func sinksOf(streams ...*rec.Stream) *Plan {
	pl := &Plan{}
	st := &StatePlan{}
	pl.Flows = []*FlowPlan{{States: []*StatePlan{st}}}
	emits := map[*rec.Stream]*emitPlan{}
	for i, s := range streams {
		pl.Sinks = append(pl.Sinks, &SinkPlan{Name: fmt.Sprint("s", i), Stream: s})
		em := emits[s]
		if em == nil {
			em = &emitPlan{}
			emits[s] = em
			st.Emits = append(st.Emits, em)
		}
		em.sinks = append(em.sinks, i)
	}
	return pl
}

// TestLeadSinks: one lead per emit among its active sinks, and nil when
// no emit has two (every entry is then a record).
func TestLeadSinks(t *testing.T) {
	a, b := &rec.Stream{Name: "a"}, &rec.Stream{Name: "b"}
	for _, tc := range []struct {
		name    string
		streams []*rec.Stream
		active  []bool
		want    []bool
	}{
		{"one sink per stream", []*rec.Stream{a, b}, []bool{true, true}, nil},
		{"two sinks of a", []*rec.Stream{a, b, a}, []bool{true, true, true}, []bool{true, true, false}},
		{"the second of a inactive", []*rec.Stream{a, b, a}, []bool{true, true, false}, nil},
		{"the first of a inactive", []*rec.Stream{a, a, a}, []bool{false, true, true}, []bool{false, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl := sinksOf(tc.streams...)
			if got := leadSinks(pl, tc.active); !slices.Equal(got, tc.want) {
				t.Errorf("leadSinks = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLeadSinksCompiled: the sinks a compiled plan wires to its emits
// (every sink of the stream, in order) give one lead per stream.
func TestLeadSinksCompiled(t *testing.T) {
	p := srcPlan(t, `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" { count = 2 }
flow "f" {
  actor   = entity.u
  initial = "a"
  state "a" {
    emit "e" { n = index }
    emit "g" { n = index }
    next = { end = 1 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
sink "c" {
  type   = "csv"
  stream = "e"
  path   = "e.csv"
}
sink "g" {
  type   = "jsonl"
  stream = "g"
  path   = "g.jsonl"
}
sink "p" {
  type   = "parquet"
  stream = "e"
  path   = "e.parquet"
}
`)
	all := []bool{true, true, true, true}
	if got, want := leadSinks(p, all), []bool{true, false, true, false}; !slices.Equal(got, want) {
		t.Errorf("leadSinks = %v, want %v", got, want)
	}
	if got, want := leadSinks(p, []bool{false, true, true, false}), []bool(nil); !slices.Equal(got, want) {
		t.Errorf("with j and p left out: leadSinks = %v, want %v", got, want)
	}
}
