package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
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
