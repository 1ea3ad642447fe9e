package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine/sinks"
)

// TestMergeChunksOrder feeds sorted chunk streams of several workers, with
// ties in time between workers, and checks that the runs mergeChunks hands
// out put every record in (time, actor) order, each run from one chunk.
func TestMergeChunksOrder(t *testing.T) {
	for _, tc := range []struct {
		workers, records, perChunk int
		maxStep                    int64
	}{
		{1, 500, 64, 3},
		{2, 2000, 100, 2},
		{3, 3000, 37, 1},
		{4, 1000, 1, 5},
	} {
		t.Run(fmt.Sprintf("%dw-%d", tc.workers, tc.perChunk), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.workers), uint64(tc.perChunk)))
			type rec struct {
				ts  int64
				key uint64
			}
			var want []rec
			chans := make([]chan *chunk, tc.workers)
			for w := range chans {
				// Worker w owns actors w, w+workers, …: keys never tie.
				var c *chunk
				var chunks []*chunk
				ts, last := int64(0), uint64(0)
				for i := 0; i < tc.records/tc.workers; i++ {
					ts += r.Int64N(tc.maxStep + 1)
					key := uint64(w + tc.workers*r.IntN(50))
					if c == nil || len(c.ents) == tc.perChunk {
						c = &chunk{}
						chunks = append(chunks, c)
					}
					// Within a worker, equal times come in key order.
					if i > 0 && want[len(want)-1].ts == ts && last > key {
						key = last
					}
					last = key
					c.buf = fmt.Appendf(c.buf, "%d/%d\n", ts, key)
					c.ents = append(c.ents, entry{ts: ts, key: key, end: uint32(len(c.buf))})
					want = append(want, rec{ts, key})
				}
				chans[w] = make(chan *chunk, len(chunks))
				for _, c := range chunks {
					chans[w] <- c
				}
				close(chans[w])
			}
			slices.SortStableFunc(want, func(a, b rec) int {
				if a.ts != b.ts {
					return int(a.ts - b.ts)
				}
				return int(a.key) - int(b.key)
			})
			var got []rec
			var lines []string
			free := make(chan *chunk, 1000)
			err := mergeChunks(context.Background(), chans, free, func(run []entry, start uint32, buf []byte) error {
				if len(run) == 0 {
					t.Fatal("empty run")
				}
				for i := range run {
					got = append(got, rec{run[i].ts, run[i].key})
					lines = append(lines, string(buf[start:run[i].end]))
					start = run[i].end
				}
				return nil
			}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d records, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("record %d is %v, want %v", i, got[i], want[i])
				}
				if l := fmt.Sprintf("%d/%d\n", got[i].ts, got[i].key); lines[i] != l {
					t.Fatalf("record %d's bytes are %q, want %q", i, lines[i], l)
				}
			}
		})
	}
}

// TestMergeChunksProgressCountsRecords: with lead sinks, the progress count
// is records (one per lead entry), not sink writes; without, every entry.
func TestMergeChunksProgressCountsRecords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sinks []uint32 // per entry
		lead  []bool
		want  int64
	}{
		{"no lead: entries", []uint32{0, 1, 0, 1, 0, 1}, nil, 6},
		{"two sinks of one stream", []uint32{0, 1, 0, 1, 0, 1}, []bool{true, false}, 3},
		{"two streams, one shared", []uint32{0, 1, 2, 2, 0, 1}, []bool{true, false, true}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := make(chan *chunk, 2)
			for half := range 2 {
				c := &chunk{}
				for i, si := range tc.sinks[half*len(tc.sinks)/2 : (half+1)*len(tc.sinks)/2] {
					c.buf = append(c.buf, 'x')
					c.ents = append(c.ents, entry{ts: int64(half*10 + i), sink: si, end: uint32(len(c.buf))})
				}
				ch <- c
			}
			close(ch)
			var got int64
			err := mergeChunks(context.Background(), []chan *chunk{ch}, make(chan *chunk, 4),
				func([]entry, uint32, []byte) error { return nil },
				func(n, _ int64) { got = n }, tc.lead)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("progress counted %d, want %d", got, tc.want)
			}
		})
	}
}

// directFake is a sink that lends buffers of a few dozen bytes whose loans
// end at a time boundary and after a few records, so that the two-worker
// merge goes back and forth between its lent buffer and write.
type directFake struct {
	out          []byte // everything written, in order
	cur          []byte
	rows, loans  int
	every, limit int64
	big          int // more room in each buffer
}

func (f *directFake) Lend(d *sinks.Direct) {
	f.loans++
	*d = sinks.Direct{Buf: f.cur, Until: math.MinInt64}
	if f.loans%7 == 3 {
		return // no loan now (a sink with no file open)
	}
	if f.cur == nil {
		f.cur = make([]byte, 0, 16+f.loans%48+f.big)
		d.Buf = f.cur
	}
	d.Until = (int64(f.loans)/3 + 1) * f.every
	d.Rows, d.Bytes, d.Full = int64(1+f.loans%4), f.limit, cap(d.Buf)-f.loans%5
	f.rows = int(d.Rows)
}

func (f *directFake) Return(d *sinks.Direct) error {
	if d.Until == math.MinInt64 {
		return nil
	}
	if d.Rows < 0 || d.Bytes < 0 || cap(d.Buf) != cap(f.cur) || len(d.Buf) > 0 && &d.Buf[0] != &f.cur[:1][0] {
		return fmt.Errorf("a loan overrun: %d rows and %d bytes left, capacity %d of %d", d.Rows, d.Bytes, cap(d.Buf), cap(f.cur))
	}
	f.out = append(f.out, d.Buf...)
	f.cur = nil
	*d = sinks.Direct{Until: math.MinInt64}
	return nil
}

// TestMergeTwoMatchesMergeChunks: workers' chunk streams (ties in time,
// empty chunks, several sinks, a worker ending early or having nothing)
// merged by mergeTwo (two workers) and mergeMany (any number), with sinks
// lending buffers under changing limits or not at all, give every sink the
// bytes mergeChunks gives it, the same counts and the same progress.
func TestMergeTwoMatchesMergeChunks(t *testing.T) {
	for _, tc := range []struct {
		name        string
		records     []int
		perChunk    int
		maxStep     int64
		sinks       int
		direct      []bool
		emptyChunks bool
		lead        []bool
		big         int
	}{
		{"one sink, lent", []int{3000, 3000}, 100, 2, 1, []bool{true}, false, nil, 0},
		{"one sink, not lent", []int{3000, 3000}, 100, 2, 1, []bool{false}, false, nil, 0},
		{"three sinks, two lent", []int{2000, 2500}, 37, 1, 3, []bool{true, false, true}, true, nil, 0},
		{"three sinks, lead", []int{2000, 2500}, 64, 3, 3, []bool{true, true, true}, false, []bool{true, false, true}, 0},
		{"worker 1 ends early", []int{3000, 200}, 50, 2, 2, []bool{true, true}, true, nil, 0},
		{"worker 0 ends early", []int{150, 3000}, 50, 2, 2, []bool{true, true}, false, nil, 0},
		{"worker 0 has nothing", []int{0, 1000}, 10, 5, 1, []bool{true}, true, nil, 0},
		{"chunks of one", []int{500, 500}, 1, 4, 2, []bool{true, false}, true, nil, 0},
		{"equal times", []int{2000, 2000}, 100, 0, 2, []bool{true, true}, false, nil, 0},
		{"big buffers", []int{3000, 3000}, 100, 2, 1, []bool{true}, false, nil, 6000},
		{"big buffers, two sinks", []int{3000, 2000}, 64, 3, 2, []bool{true, true}, true, nil, 3000},
		{"three workers", []int{2000, 2500, 1800}, 64, 2, 2, []bool{true, true}, true, nil, 0},
		{"three workers, lead", []int{2000, 2500, 1800}, 37, 3, 3, []bool{true, false, true}, false, []bool{true, false, true}, 0},
		{"four workers, one has nothing", []int{1500, 0, 2500, 900}, 50, 2, 2, []bool{true, false}, true, nil, 0},
		{"five workers, equal times", []int{800, 900, 1000, 700, 600}, 40, 0, 2, []bool{true, true}, false, nil, 0},
		{"eight workers, chunks of one", []int{200, 300, 250, 100, 300, 220, 180, 90}, 1, 6, 1, []bool{true}, true, nil, 0},
		{"eight workers, big buffers", []int{1200, 1300, 1250, 1100, 1300, 1220, 1180, 1090}, 100, 8, 2, []bool{true, true}, false, nil, 4000},
		{"one worker", []int{3000}, 100, 2, 2, []bool{true, false}, true, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			streams := func() []chan *chunk {
				r := rand.New(rand.NewPCG(uint64(tc.perChunk), uint64(tc.records[0])))
				nw := len(tc.records)
				chans := make([]chan *chunk, nw)
				for w := range chans {
					var c *chunk
					var chunks []*chunk
					ts, last := int64(0), uint64(0)
					for i := 0; i < tc.records[w]; i++ {
						step := r.Int64N(tc.maxStep + 1)
						ts += step
						key := uint64(w + nw*r.IntN(50))
						if step == 0 && last > key {
							key = last
						}
						last = key
						if c == nil || len(c.ents) == tc.perChunk {
							if tc.emptyChunks && r.IntN(4) == 0 {
								chunks = append(chunks, &chunk{})
							}
							c = &chunk{}
							chunks = append(chunks, c)
						}
						si := uint32(r.IntN(tc.sinks))
						c.buf = fmt.Appendf(c.buf, "%d/%d/%d%s\n", ts, key, si, strings.Repeat("x", r.IntN(30)))
						c.ents = append(c.ents, entry{ts: ts, key: key, sink: si, end: uint32(len(c.buf))})
					}
					chans[w] = make(chan *chunk, len(chunks))
					for _, c := range chunks {
						chans[w] <- c
					}
					close(chans[w])
				}
				return chans
			}
			// The reference: mergeChunks' runs, cut by sink.
			want := make([][]byte, tc.sinks)
			wantCounts := make([]int64, tc.sinks)
			var wantProgress []int64
			err := mergeChunks(context.Background(), streams(), make(chan *chunk, 1000), func(run []entry, start uint32, buf []byte) error {
				for _, e := range run {
					want[e.sink] = append(want[e.sink], buf[start:e.end]...)
					wantCounts[e.sink]++
					start = e.end
				}
				return nil
			}, func(n, ts int64) { wantProgress = append(wantProgress, n, ts) }, tc.lead)
			if err != nil {
				t.Fatal(err)
			}
			merges := []struct {
				name  string
				merge mergeFunc
			}{{"mergeMany", mergeMany}}
			if len(tc.records) == 2 {
				merges = append(merges, merges[0])
				merges[0].name, merges[0].merge = "mergeTwo", mergeTwo
			}
			for _, m := range merges {
				t.Run(m.name, func(t *testing.T) {
					fakes := make([]*directFake, tc.sinks)
					o := &directOut{ds: make([]sinks.Direct, tc.sinks), dw: make([]sinks.DirectWriter, tc.sinks), counts: make([]int64, tc.sinks),
						fail: func(si uint32, err error) error { return err }}
					for i := range fakes {
						fakes[i] = &directFake{every: 7 + int64(i), limit: int64(40 + 30*i), big: tc.big}
						if tc.big > 0 {
							fakes[i].every, fakes[i].limit = 300, 1<<40
						}
						if tc.direct[i] {
							o.dw[i] = fakes[i]
						}
					}
					// A recycled chunk is a worker's again: it is overwritten, so a
					// copy from it made late shows (and -race sees the race).
					free := make(chan *chunk, 1000)
					scribbled := make(chan struct{})
					go func() {
						defer close(scribbled)
						for c := range free {
							b := c.buf[:cap(c.buf)]
							for i := range b {
								b[i] = '#'
							}
						}
					}()
					var progress []int64
					err := m.merge(context.Background(), streams(), free, func(run []entry, start uint32, buf []byte) error {
						si := run[0].sink
						if o.dw[si] != nil && o.ds[si].Until != math.MinInt64 {
							t.Fatalf("write for sink %d while its buffer is lent", si)
						}
						for _, e := range run {
							if e.sink != si {
								t.Fatalf("a run of sinks %d and %d", si, e.sink)
							}
							fakes[si].out = append(fakes[si].out, buf[start:e.end]...)
							o.counts[si]++
							start = e.end
						}
						return nil
					}, func(n, ts int64) { progress = append(progress, n, ts) }, tc.lead, o)
					close(free)
					<-scribbled
					if err != nil {
						t.Fatal(err)
					}
					for si, f := range fakes {
						if !bytes.Equal(f.out, want[si]) {
							t.Errorf("sink %d: %d bytes, want %d; first difference at %d", si, len(f.out), len(want[si]), firstDiff(f.out, want[si]))
						}
						if o.counts[si] != wantCounts[si] {
							t.Errorf("sink %d: counted %d records, want %d", si, o.counts[si], wantCounts[si])
						}
						if o.dw[si] != nil && o.ds[si].Until != math.MinInt64 {
							t.Errorf("sink %d: its buffer is still lent", si)
						}
					}
					if !slices.Equal(progress, wantProgress) {
						t.Errorf("progress %v, want %v", progress, wantProgress)
					}
				})
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// failingFake lends like directFake but its Return fails after a few.
type failingFake struct {
	directFake
	returns, failAt int
}

func (f *failingFake) Return(d *sinks.Direct) error {
	if d.Until == math.MinInt64 {
		return nil
	}
	f.returns++
	if err := f.directFake.Return(d); err != nil {
		return err
	}
	if f.returns == f.failAt {
		return errors.New("disk full")
	}
	return nil
}

// mergeFunc is mergeTwo's and mergeMany's signature.
type mergeFunc = func(context.Context, []chan *chunk, chan *chunk, func([]entry, uint32, []byte) error, func(int64, int64), []bool, *directOut) error

// TestMergeTwoStops: a cancelled context stops mergeTwo (and mergeMany,
// with three workers) with its cause, and a loan's failed return stops it
// with the sink's error (through fail); either way no buffer stays lent.
func TestMergeTwoStops(t *testing.T) {
	for _, m := range []struct {
		name    string
		workers int
		merge   mergeFunc
	}{{"mergeTwo", 2, mergeTwo}, {"mergeMany", 3, mergeMany}} {
		t.Run(m.name, func(t *testing.T) { testMergeStops(t, m.workers, m.merge) })
	}
}

func testMergeStops(t *testing.T, workers int, merge mergeFunc) {
	stream := func() []chan *chunk {
		chans := make([]chan *chunk, workers)
		for w := range chans {
			chans[w] = make(chan *chunk, 4)
			for c := 0; c < 4; c++ {
				ch := &chunk{}
				for i := 0; i < 4000; i++ {
					ch.buf = append(ch.buf, "record\n"...)
					ch.ents = append(ch.ents, entry{ts: int64(c*4000 + i), key: uint64(w), end: uint32(len(ch.buf))})
				}
				chans[w] <- ch
			}
			close(chans[w])
		}
		return chans
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		stop := errors.New("stop")
		f := &directFake{every: 1 << 40, limit: 1 << 40, big: 4000}
		o := &directOut{ds: make([]sinks.Direct, 1), dw: []sinks.DirectWriter{f}, counts: make([]int64, 1),
			fail: func(si uint32, err error) error { return err }}
		// Cancelled in the middle of the first chunks, by a write (a
		// refused loan's run): the merge stops within mergeCheckEvery
		// records and a few runs, not at the chunk's end.
		var at int64 = -1
		write := func(run []entry, _ uint32, _ []byte) error {
			o.counts[0] += int64(len(run))
			if o.counts[0] >= 1000 && at < 0 {
				at = o.counts[0]
				cancel(stop)
			}
			return nil
		}
		err := merge(ctx, stream(), make(chan *chunk, 1000), write, nil, nil, o)
		if !errors.Is(err, stop) {
			t.Fatalf("err %v, want the cancellation's cause", err)
		}
		if n := o.counts[0]; at < 0 || at > 6000 || n-at > int64(mergeCheckEvery+len(pieces{})+1) {
			t.Errorf("%d records written, cancelled at %d of 32 000 (chunks of 4 000 a worker)", n, at)
		}
		if o.ds[0].Until != math.MinInt64 {
			t.Error("the buffer is still lent")
		}
	})
	t.Run("return fails", func(t *testing.T) {
		f := &failingFake{directFake: directFake{every: 1 << 40, limit: 1 << 40}, failAt: 5}
		var failed uint32 = math.MaxUint32
		o := &directOut{ds: make([]sinks.Direct, 1), dw: []sinks.DirectWriter{f}, counts: make([]int64, 1),
			fail: func(si uint32, err error) error { failed = si; return fmt.Errorf("sink %d: %w", si, err) }}
		write := func([]entry, uint32, []byte) error { return nil }
		err := merge(context.Background(), stream(), make(chan *chunk, 1000), write, nil, nil, o)
		if err == nil || err.Error() != "sink 0: disk full" || failed != 0 {
			t.Fatalf("err %v (sink %d), want sink 0's failure", err, failed)
		}
		if o.ds[0].Until != math.MinInt64 {
			t.Error("the buffer is still lent")
		}
	})
}
