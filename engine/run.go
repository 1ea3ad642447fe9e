package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
)

// RunOptions are the knobs of one run that do not change what is generated.
type RunOptions struct {
	OutDir  string
	Workers int // 0: DefaultWorkers()
	Shard   int // 0-based shard index
	Shards  int // 0 or 1: not sharded
	RunID   string
	// Progress, when set, receives the running record count and the
	// simulated time reached (ms), from the merging goroutine.
	Progress func(records int64, simTime int64)
	// Sinks restricts the run to these sink names (nil: all).
	Sinks []string
	// MaxActors, when positive, keeps only the first MaxActors actors of
	// each entity (smoke tests, previews of very large scenarios).
	MaxActors int64

	// From and To (ms, 0 = the scenario's start and end) restrict the
	// records written to [From, To). The simulation still starts at the
	// scenario start, so a window is exactly the slice of a full run: a
	// stream that follows a backfill continues it record for record.
	From, To int64
	// Speed paces writing against the wall clock: 1 sends each record when
	// real time reaches its timestamp (relative to From), 60 runs a minute
	// per second; 0 writes as fast as possible.
	Speed float64
	// Rate caps the records written per second (0: no cap). A record
	// counts once, however many sinks its stream has.
	Rate float64
	// GiveUp, when closed, stops waiting for brokers to acknowledge what
	// they were sent (scen run closes it on a second interrupt): a run
	// that is ending returns without waiting out the sinks' delivery
	// timeouts, counting unacknowledged records as undelivered.
	GiveUp <-chan struct{}
	// Interval (ms), when set, makes sinks that buffer (Kafka) flush at
	// every interval boundary of event time, so each interval is one batch.
	Interval int64
	// TimeLimit, when positive, stops the run after this much wall-clock
	// time (from when the sinks are open) with a *TimeLimitError.
	TimeLimit time.Duration

	// stepBudget, when positive, stops each worker after about this many
	// steps (Estimate's): the worker ends as at the window's end, having
	// written every record before the time it reached, and the run's
	// cutAt says the earliest time a worker reached.
	stepBudget int
}

// Flusher is implemented by sinks that buffer records and can be asked to
// deliver everything written so far (at interval boundaries).
type Flusher interface {
	Flush() error
}

// SinkResult is what one sink delivered.
type SinkResult struct {
	Name string
	Type string
	// Target names where a sink that writes no file put its records
	// (sinks.Targeter: "topic events", "table events"), else "".
	Target string
	sinks.Result
	// Written counts the records handed to the sink: every record of
	// its stream in the window. Result.Records counts those it kept,
	// fewer for a database that skipped conflicting rows.
	Written int64
}

// RunResult summarises a run.
type RunResult struct {
	Records int64
	Sinks   []SinkResult
	// cut: a worker stopped on RunOptions.stepBudget; cutAt is the
	// earliest time one stopped at. The run wrote every record before it.
	cut   bool
	cutAt int64
}

// entry locates one encoded record in a chunk.
type entry struct {
	ts   int64
	key  uint64 // actor key: entity << 40 | index
	sink uint32
	end  uint32 // end offset in buf; the start is the previous entry's end
}

// chunk is a batch of encoded records from one worker, in (time, actor) order.
type chunk struct {
	ents []entry
	buf  []byte
}

// A worker's chunks go to the merge through a channel of chanDepth: the
// most a worker can run ahead of the others, in chunks, before it waits.
// The workers' simulated clocks drift apart (their actors' events cost
// differently from one stretch of time to the next), and the merge can
// only write up to the slowest one's: with two chunks in flight, the
// worker ahead waited often, and both cores ran colder for it (eight
// against two, alternating runs with two workers: clickstream −10 % wall
// and CPU, recipe −5 %, bank −1 %; six: most of it, clickstream 3 %
// behind eight; session 22). Each chunk in flight is 1.3 MiB more per
// worker at the peak: six keeps a million clickstream actors under
// 256 MB (246–248 MB; eight: up to 255 MB).
const (
	chunkBytes = 1 << 20
	chunkEnts  = 4096
	chanDepth  = 6
)

// SliceOf returns the [lo, hi) range of n actors that part p of parts owns
// (shard p of parts). Every actor belongs to exactly one part; a shard's
// workers then take every W-th actor of its range (worker.run), so
// workers and shards compose. n, p and parts are 0 <= n, 0 <= p < parts.
func SliceOf(n int64, p, parts int) (lo, hi int64) {
	return mulDiv(n, int64(p), int64(parts)), mulDiv(n, int64(p)+1, int64(parts))
}

// mulDiv is n·k/d rounded down, with the product in 128 bits: an entity
// may have 2^40 actors and --shard any N that fits an int, so n·k does
// not fit 64 bits (it wrapped, and shard 33554427/33554432 of 2^40 users
// generated users with negative numbers). For 0 <= k <= d the result is
// at most n.
func mulDiv(n, k, d int64) int64 {
	k = min(k, d)
	hi, lo := bits.Mul64(uint64(n), uint64(k))
	q, _ := bits.Div64(hi, lo, uint64(d)) // hi < d, as n·k/d <= n fits
	return int64(q)
}

// DefaultWorkers is the number of partitions a run uses when not told:
// GOMAXPROCS, the CPUs the process may use at once. That is the machine's
// CPUs, unless the GOMAXPROCS environment variable or a container's CPU
// limit (a cgroup quota, such as a Kubernetes pod's limits.cpu) sets
// fewer: a partition per CPU of the whole node would only add memory
// (each worker's record chunks) and contention.
func DefaultWorkers() int { return runtime.GOMAXPROCS(0) }

// Run generates the plan's records into its sinks. Sinks publish their
// output only when the whole run succeeded; on error everything is discarded.
func (p *Plan) Run(ctx context.Context, ro RunOptions) (*RunResult, error) {
	if ro.Workers <= 0 {
		ro.Workers = DefaultWorkers()
	}
	if ro.Shards <= 0 {
		ro.Shards = 1
	}
	if ro.Shard < 0 || ro.Shard >= ro.Shards {
		return nil, fmt.Errorf("shard %d is outside 0..%d", ro.Shard, ro.Shards-1)
	}
	sinks.EndingRun(false)
	if ro.From == 0 {
		ro.From = p.Start
	}
	if ro.To == 0 || ro.To > p.End {
		ro.To = p.End
	}
	if ro.From < p.Start || ro.From >= ro.To {
		return nil, fmt.Errorf("the window [%s, %s) is empty or outside the scenario [%s, %s)",
			stdlib.TimeV(ro.From), stdlib.TimeV(ro.To), stdlib.TimeV(p.Start), stdlib.TimeV(p.End))
	}
	active := make([]bool, len(p.Sinks))
	for i, s := range p.Sinks {
		active[i] = ro.Sinks == nil || contains(ro.Sinks, s.Name)
	}
	// The run's context, with its time limit, covers opening the sinks:
	// a broker or database that does not answer gives up on an interrupt
	// or at the limit, not only at its own connect timeout.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if ro.TimeLimit > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, ro.TimeLimit, &TimeLimitError{Limit: ro.TimeLimit})
		defer stop()
	}
	giveUp, endGiveUp := giveUpAt(ctx, ro)
	defer endGiveUp()
	ri := sinks.RunInfo{OutDir: ro.OutDir, Shard: ro.Shard, Shards: ro.Shards, RunID: ro.RunID, Ctx: ctx, GiveUp: giveUp, Files: &sinks.FileClaims{}}
	var opened []*SinkPlan
	abort := func() {
		for _, s := range opened {
			s.Sink.Abort()
		}
	}
	for i, s := range p.Sinks {
		if !active[i] {
			continue
		}
		if err := s.Sink.Open(ri); err != nil {
			abort()
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, s.fail(err)
		}
		opened = append(opened, s)
	}
	chans := make([]chan *chunk, ro.Workers)
	free := make(chan *chunk, ro.Workers*(chanDepth+2))
	var wg sync.WaitGroup
	workers := make([]*worker, ro.Workers)
	for w := 0; w < ro.Workers; w++ {
		chans[w] = make(chan *chunk, chanDepth)
		wk := newWorker(p, w, ro, active, chans[w], free)
		workers[w] = wk
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(wk.out)
			if err := wk.run(ctx); err != nil {
				if f, ok := err.(*RuntimeError); ok {
					p.mods.placeFault(f) // once, as the run reports it
				}
				cancel(err)
			}
		}()
	}

	counts := make([]int64, len(p.Sinks))
	failed := -1 // the sink whose Write (or Flush) failed
	lead := leadSinks(p, active)
	pace := newPacer(ro, p, lead)
	writeOne := func(e *entry, b []byte) error {
		if pace != nil {
			if err := pace.wait(ctx, e.ts, e.sink, p, active); err != nil {
				// A sink's Flush at an interval boundary fails the run
				// as its Write does: finish must know which sink it was.
				failed = pace.failed
				return err
			}
		}
		counts[e.sink]++
		if err := p.Sinks[e.sink].Sink.Write(e.ts, b); err != nil {
			failed = int(e.sink)
			return p.Sinks[e.sink].fail(err)
		}
		return nil
	}
	// The sinks that take runs of records in one call (looked up once: a
	// run is often one or two records long with two workers).
	runWriters := make([]sinks.RunWriter, len(p.Sinks))
	for i, s := range p.Sinks {
		if rw, ok := s.Sink.(sinks.RunWriter); ok && pace == nil {
			runWriters[i] = rw
		}
	}
	write := func(run []entry, start uint32, buf []byte) error {
		for len(run) > 0 {
			// The longest prefix of the run bound for one sink: a sink
			// that can take it whole gets it in one call.
			si := run[0].sink
			k := 1
			for k < len(run) && run[k].sink == si {
				k++
			}
			if rw := runWriters[si]; rw != nil {
				end := run[k-1].end
				took, err := rw.WriteRun(run[0].ts, run[k-1].ts, k, buf[start:end])
				if err != nil {
					failed = int(si)
					return p.Sinks[si].fail(err)
				}
				if took {
					counts[si] += int64(k)
					run, start = run[k:], end
					continue
				}
			}
			for i := range run[:k] {
				if err := writeOne(&run[i], buf[start:run[i].end]); err != nil {
					return err
				}
				start = run[i].end
			}
			run = run[k:]
		}
		return nil
	}
	var err error
	if ro.Workers >= 2 {
		o := &directOut{ds: make([]sinks.Direct, len(p.Sinks)), dw: make([]sinks.DirectWriter, len(p.Sinks)), counts: counts,
			fail: func(si uint32, err error) error {
				failed = int(si)
				return p.Sinks[si].fail(err)
			}}
		for i, s := range p.Sinks {
			if dw, ok := s.Sink.(sinks.DirectWriter); ok && active[i] && pace == nil {
				o.dw[i] = dw
			}
		}
		if ro.Workers == 2 {
			err = mergeTwo(ctx, chans, free, write, ro.Progress, lead, o)
		} else {
			err = mergeMany(ctx, chans, free, write, ro.Progress, lead, o)
		}
	} else {
		err = mergeChunks(ctx, chans, free, write, ro.Progress, lead)
	}
	if err != nil {
		cancel(err)
	}
	// Drain so that workers blocked on a send can see the cancellation.
	go func() {
		for _, ch := range chans {
			for range ch {
			}
		}
	}()
	wg.Wait()
	if err == nil {
		err = context.Cause(ctx)
		if errors.Is(err, context.Canceled) && ctx.Err() != nil && context.Cause(ctx) == context.Canceled {
			err = ctx.Err()
		}
	}
	res, err := p.finish(ctx, err, failed, active, counts)
	if res != nil {
		for _, wk := range workers {
			if wk.cut && (!res.cut || wk.cutAt < res.cutAt) {
				res.cut, res.cutAt = true, wk.cutAt
			}
		}
	}
	return res, err
}

// mergeChunks merges the workers' sorted chunk streams by (time, actor).
// It hands write runs of consecutive entries of one chunk that all come
// before every other worker's next entry (with one worker, whole chunks),
// with the chunk's buffer and the offset where the run's first record
// starts; a record ends at its entry's end. Two workers never hold the same
// actor, so their entries never tie and the order is the per-record merge's.
//
// progress receives the records written so far: with lead (leadSinks)
// set, only the entries of lead sinks count, one per record; nil counts
// every entry.
//
// Run uses it for one worker, whose runs are whole chunks; mergeTwo and
// mergeMany, for more, give the same runs to the same sinks more cheaply
// and are tested against it.
func mergeChunks(ctx context.Context, chans []chan *chunk, free chan *chunk,
	write func(run []entry, start uint32, buf []byte) error, progress func(int64, int64), lead []bool) error {
	heads := make([]head, len(chans))
	next := func(w int) bool { return nextChunk(ctx, chans[w], free, &heads[w]) }
	live := 0
	for w := range chans {
		if next(w) {
			live++
		}
	}
	var n int64
	for live > 0 {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		// The first head, and the first of the others (the run's limit).
		best := -1
		var be, lim *entry
		for w := range heads {
			h := &heads[w]
			if h.c == nil {
				continue
			}
			e := &h.c.ents[h.i]
			switch {
			case be == nil:
				best, be = w, e
			case before(e, be):
				best, be, lim = w, e, be
			case lim == nil || before(e, lim):
				lim = e
			}
		}
		h := &heads[best]
		ents := h.c.ents
		j := h.i + 1
		if lim == nil {
			j = len(ents)
		} else {
			for j < len(ents) && before(&ents[j], lim) {
				j++
			}
		}
		if err := write(ents[h.i:j], h.start, h.c.buf); err != nil {
			return err
		}
		if lead == nil {
			n += int64(j - h.i)
		} else {
			for i := h.i; i < j; i++ {
				if lead[ents[i].sink] {
					n++
				}
			}
		}
		h.start = ents[j-1].end
		h.i = j
		if h.i == len(ents) {
			if progress != nil {
				progress(n, ents[j-1].ts)
			}
			recycle(free, h.c)
			if !next(best) {
				live--
			}
		}
	}
	return context.Cause(ctx)
}

// directOut is what mergeTwo and mergeMany write through: the sinks' lent buffers
// (sinks.DirectWriter; dw[i] nil for a sink that lends none), the run's
// record counts per sink, and fail, which reports a sink's failed write as
// the write closure does.
type directOut struct {
	ds     []sinks.Direct
	dw     []sinks.DirectWriter
	counts []int64
	fail   func(si uint32, err error) error
	rows0  []int64 // ds[i].Rows when lent: the records taken since are counted on return

	// The copies of runs into lent buffers wait in q, their room taken,
	// and are made together (flush): a copy made in the merge's loop
	// cost the loop's values spilled and reloaded around memmove.
	q  pieces
	nq int
}

// pieces are copies waiting for flush.
type pieces [32]piece

// piece is a run's n bytes at src, to be copied to dst in a lent buffer.
type piece struct {
	dst, src *byte
	n        int
}

// flush makes the waiting copies. It comes before a buffer is returned and
// before a chunk whose bytes wait is recycled.
func (o *directOut) flush() {
	copyPieces(o.q[:o.nq])
	o.nq = 0
}

// copyPieces is flush's loop, a function of its own: inlined in each of
// flush's callers, it kept their values live around memmove (39
// instructions a piece besides memmove's, clickstream).
//
//go:noinline
func copyPieces(q []piece) {
	for i := range q {
		p := &q[i]
		copy(unsafe.Slice(p.dst, p.n), unsafe.Slice(p.src, p.n))
	}
}

func (o *directOut) lend(si uint32) {
	o.dw[si].Lend(&o.ds[si])
	o.rows0[si] = o.ds[si].Rows
}

func (o *directOut) ret(si uint32) error {
	o.flush()
	o.counts[si] += o.rows0[si] - o.ds[si].Rows
	o.rows0[si] = o.ds[si].Rows
	if err := o.dw[si].Return(&o.ds[si]); err != nil {
		return o.fail(si, err)
	}
	return nil
}

// slow writes a run of one sink's records through write, with the sink's
// buffer given back around it.
func (o *directOut) slow(si uint32, run []entry, start uint32, buf []byte,
	write func(run []entry, start uint32, buf []byte) error) error {
	dw := o.dw[si]
	if dw != nil {
		if err := o.ret(si); err != nil {
			return err
		}
	}
	if err := write(run, start, buf); err != nil {
		return err
	}
	if dw != nil {
		o.lend(si)
	}
	return nil
}

// full gives sink si's full buffer back and takes a new loan.
func (o *directOut) full(si uint32) error {
	if err := o.ret(si); err != nil {
		return err
	}
	o.lend(si)
	return nil
}

// begin lends every sink that lends its buffer (a sink that lends none
// gets a loan that takes nothing); end gives them back, after the copies
// still waiting, and sets *err to the first failed return unless it is
// set already.
func (o *directOut) begin() {
	o.nq = 0
	o.rows0 = make([]int64, len(o.dw))
	for si, dw := range o.dw {
		if dw != nil {
			o.lend(uint32(si))
		} else {
			o.ds[si] = sinks.Direct{Until: math.MinInt64}
		}
	}
}

func (o *directOut) end(err *error) {
	o.flush()
	for si, dw := range o.dw {
		if dw == nil {
			continue
		}
		if rerr := o.ret(uint32(si)); rerr != nil && *err == nil {
			*err = rerr
		}
	}
}

// run writes ents[i:j], whose first record starts at start in buf: each
// stretch of one sink's records into its loan when it fits (a copy
// queued), through write otherwise. It returns where the record after
// ents[j-1] starts.
func (o *directOut) run(ents []entry, i, j int, start uint32, buf []byte,
	write func(run []entry, start uint32, buf []byte) error) (uint32, error) {
	ds := o.ds
	for k := i; k < j; {
		si := ents[k].sink
		m := k + 1
		for m < j && ents[m].sink == si {
			m++
		}
		end := ents[m-1].end
		d := &ds[si]
		nb := int(end - start)
		if ents[m-1].ts < d.Until && int64(m-k) <= d.Rows && int64(nb) <= d.Bytes && nb <= cap(d.Buf)-len(d.Buf) {
			l := len(d.Buf)
			d.Buf = d.Buf[:l+nb]
			d.Rows -= int64(m - k)
			d.Bytes -= int64(nb)
			if nb > 0 {
				o.q[o.nq] = piece{dst: &d.Buf[l], src: &buf[start], n: nb}
				if o.nq++; o.nq == len(o.q) {
					o.flush()
				}
			}
			if len(d.Buf) >= d.Full {
				if err := o.full(si); err != nil {
					return start, err
				}
			}
		} else if err := o.slow(si, ents[k:m], start, buf, write); err != nil {
			return start, err
		}
		start, k = end, m
	}
	return start, nil
}

// mergeCheckEvery is how many records mergeTwo writes between two looks
// at the context (ctx.Err, a call through an interface: 27 instructions,
// had cost each run of one or two records).
const mergeCheckEvery = 256

// head is a worker's chunk in the merge: its next entry is c.ents[i],
// whose record starts at start in c.buf.
type head struct {
	c     *chunk
	i     int
	start uint32
}

// nextChunk makes h the next chunk of ch that has entries, recycling the
// empty ones, and reports whether there was one: a closed channel or a
// cancelled ctx leaves h empty.
func nextChunk(ctx context.Context, ch chan *chunk, free chan *chunk, h *head) bool {
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				*h = head{}
				return false
			}
			if len(c.ents) == 0 {
				recycle(free, c)
				continue
			}
			*h = head{c: c}
			return true
		case <-ctx.Done():
			*h = head{}
			return false
		}
	}
}

// mergeTwo is mergeChunks for two workers, whose runs are one or two
// records long (recipe: 488 000 runs for 1 006 456 records). The head that
// ends a run is the other worker's next entry, so the next run is the
// other head's, with no comparison but at a chunk's start; each run's
// records go straight into their sink's lent buffer (directOut) when they
// fit it, and through write otherwise. The runs, their order and the
// bytes are mergeChunks'. It looks at ctx before every chunk and once
// mergeCheckEvery records have gone since the last look (twoRuns merges up
// to len(pieces) runs in between).
func mergeTwo(ctx context.Context, chans []chan *chunk, free chan *chunk,
	write func(run []entry, start uint32, buf []byte) error, progress func(int64, int64), lead []bool, o *directOut) (err error) {
	o.begin()
	defer o.end(&err)
	var heads [2]head
	next := func(h *head, ch chan *chunk) bool { return nextChunk(ctx, ch, free, h) }
	next(&heads[0], chans[0])
	next(&heads[1], chans[1])
	// cur's next entry comes before oth's (or oth has none).
	cur, oth := &heads[0], &heads[1]
	cch, och := chans[0], chans[1]
	if cur.c == nil || (oth.c != nil && before(&oth.c.ents[0], &cur.c.ents[0])) {
		cur, oth, cch, och = oth, cur, och, cch
	}
	ds := o.ds
	var n int64
	check := 0
	for cur.c != nil {
		if check <= 0 {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			check = mergeCheckEvery
		}
		if oth.c != nil && lead == nil {
			// The common runs, in a loop that calls nothing.
			ci, oi := cur.i, oth.i
			nq, swap := twoRuns(cur, oth, ds, &o.q, o.nq)
			o.nq = nq
			recs := cur.i - ci + oth.i - oi
			n += int64(recs)
			check -= recs
			if swap {
				cur, oth, cch, och = oth, cur, och, cch
			}
			if o.nq == len(o.q) {
				o.flush()
			}
		}
		ents, buf := cur.c.ents, cur.c.buf
		if i := cur.i; i < len(ents) {
			j := len(ents)
			if oth.c != nil {
				lim := oth.c.ents[oth.i]
				j = i + 1
				for j < len(ents) && (ents[j].ts < lim.ts || (ents[j].ts == lim.ts && ents[j].key < lim.key)) {
					j++
				}
			}
			check -= j - i
			start, err := o.run(ents, i, j, cur.start, buf, write)
			if err != nil {
				return err
			}
			if lead == nil {
				n += int64(j - i)
			} else {
				for _, e := range ents[i:j] {
					if lead[e.sink] {
						n++
					}
				}
			}
			cur.start, cur.i = start, j
			if j < len(ents) {
				cur, oth, cch, och = oth, cur, och, cch
				continue
			}
		}
		if progress != nil {
			progress(n, ents[len(ents)-1].ts)
		}
		o.flush()
		recycle(free, cur.c)
		check = 0
		if !next(cur, cch) || (oth.c != nil && before(&oth.c.ents[oth.i], &cur.c.ents[0])) {
			cur, oth, cch, och = oth, cur, och, cch
		}
	}
	return context.Cause(ctx)
}

// mergeMany is mergeTwo for three workers or more: the heads are kept in
// order of their next entries (order[0] first), and each run, the first
// head's entries before the second head's next one, goes into its sinks'
// lent buffers as mergeTwo's do (directOut.run), instead of mergeChunks'
// scan of every head and call of write per run. With n workers a run is
// mostly one record; after it, the head moves down the order past the
// heads whose next entries come first, about n/2 comparisons. The runs,
// their order and the bytes are mergeChunks'. It looks at ctx before every
// chunk and once mergeCheckEvery records have gone since the last look.
func mergeMany(ctx context.Context, chans []chan *chunk, free chan *chunk,
	write func(run []entry, start uint32, buf []byte) error, progress func(int64, int64), lead []bool, o *directOut) (err error) {
	o.begin()
	defer o.end(&err)
	heads := make([]head, len(chans))
	next := func(w int) bool { return nextChunk(ctx, chans[w], free, &heads[w]) }
	first := func(w int) *entry { return &heads[w].c.ents[heads[w].i] }
	// order holds the workers whose chunks have entries left; all but
	// order[0] are in order of their next entries, and settle puts
	// order[0] in its place.
	order := make([]int, 0, len(chans))
	settle := func() {
		x := order[0]
		e := first(x)
		k := 0
		for k+1 < len(order) && before(first(order[k+1]), e) {
			order[k] = order[k+1]
			k++
		}
		order[k] = x
	}
	for w := range chans {
		if next(w) {
			order = append(order, 0)
			copy(order[1:], order)
			order[0] = w
			settle()
		}
	}
	var n int64
	check := 0
	for len(order) > 0 {
		if check <= 0 {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			check = mergeCheckEvery
		}
		if len(order) > 1 && lead == nil {
			// The common runs, in a loop that calls nothing.
			recs, nq := manyRuns(order, heads, o.ds, &o.q, o.nq)
			o.nq = nq
			n += int64(recs)
			check -= recs
			if o.nq == len(o.q) {
				o.flush()
			}
		}
		w := order[0]
		h := &heads[w]
		ents := h.c.ents
		if i := h.i; i < len(ents) {
			j := len(ents)
			if len(order) > 1 {
				lim := first(order[1])
				j = i + 1
				for j < len(ents) && before(&ents[j], lim) {
					j++
				}
			}
			start, err := o.run(ents, i, j, h.start, h.c.buf, write)
			if err != nil {
				return err
			}
			if lead == nil {
				n += int64(j - i)
			} else {
				for _, e := range ents[i:j] {
					if lead[e.sink] {
						n++
					}
				}
			}
			check -= j - i
			h.start, h.i = start, j
			if j < len(ents) {
				settle()
				continue
			}
		}
		if progress != nil {
			progress(n, ents[len(ents)-1].ts)
		}
		o.flush()
		recycle(free, h.c)
		check = 0
		if next(w) {
			settle()
		} else {
			order = order[1:]
		}
	}
	return context.Cause(ctx)
}

// manyRuns is twoRuns for mergeMany: it writes the runs of the first head
// in order (each up to the second head's next entry) into lent buffers and
// moves that head to its place in order after each, in a loop that calls
// nothing. It stops before a run that is not one sink's or does not fit
// its loan strictly below Full, once q is full, or when a chunk has no
// entries left (its head stays first). It returns the records written and
// the pieces now in q.
func manyRuns(order []int, heads []head, ds []sinks.Direct, q *pieces, nq int) (int, int) {
	recs := 0
	for nq < len(q) {
		x := order[0]
		h := &heads[x]
		ents := h.c.ents
		o := &heads[order[1]]
		lim := &o.c.ents[o.i]
		lts, lkey := lim.ts, lim.key
		i := h.i
		j := i + 1
		for j < len(ents) && (ents[j].ts < lts || (ents[j].ts == lts && ents[j].key < lkey)) {
			j++
		}
		si := ents[i].sink
		for k := i + 1; k < j; k++ {
			if ents[k].sink != si {
				si = math.MaxUint32 // several sinks: write's
			}
		}
		if int(si) >= len(ds) {
			break
		}
		d := &ds[si]
		end := ents[j-1].end
		nb := int(end - h.start)
		l := len(d.Buf)
		if ents[j-1].ts >= d.Until || int64(j-i) > d.Rows || int64(nb) > d.Bytes || nb <= 0 || nb > cap(d.Buf)-l || l+nb >= d.Full {
			break
		}
		d.Buf = d.Buf[:l+nb]
		d.Rows -= int64(j - i)
		d.Bytes -= int64(nb)
		q[nq] = piece{dst: &d.Buf[l], src: &h.c.buf[h.start], n: nb}
		nq++
		recs += j - i
		h.i, h.start = j, end
		if j == len(ents) {
			break
		}
		// x's next entry comes after order[1]'s: move it down past
		// every head whose next entry comes before it.
		ts, key := ents[j].ts, ents[j].key
		k := 1
		order[0] = order[1]
		for k+1 < len(order) {
			o := &heads[order[k+1]]
			f := &o.c.ents[o.i]
			if f.ts > ts || (f.ts == ts && f.key > key) {
				break
			}
			order[k] = order[k+1]
			k++
		}
		order[k] = x
	}
	return recs, nq
}

// twoRuns merges the runs of a's and b's chunks, a's first (its next entry
// comes before b's), into lent buffers, in a loop that calls nothing: with
// two workers the runs alternate between the heads, one or two records
// each. It stops before a run that is not one sink's or does not fit its
// loan strictly below Full, once q is full, or when a chunk has no entries
// left. It returns the pieces now in q and whether b is the head to go on
// with (its run is next, or its chunk ended). The loop is written out for a and for b:
// with the heads swapped after each run instead, Go kept them on the
// stack (41 instructions a run at the loop's head; recipe, two workers).
func twoRuns(a, b *head, ds []sinks.Direct, q *pieces, nq int) (int, bool) {
	ea, eb := a.c.ents, b.c.ents
	ba, bb := a.c.buf, b.c.buf
	ia, ib := a.i, b.i
	sa, sb := a.start, b.start
	bNext := false
	for nq < len(q) {
		// a's run, up to b's next entry.
		{
			lts, lkey := eb[ib].ts, eb[ib].key
			j := ia + 1
			for j < len(ea) && (ea[j].ts < lts || (ea[j].ts == lts && ea[j].key < lkey)) {
				j++
			}
			si := ea[ia].sink
			for k := ia + 1; k < j; k++ {
				if ea[k].sink != si {
					si = math.MaxUint32 // several sinks: write's
				}
			}
			if int(si) >= len(ds) {
				break
			}
			d := &ds[si]
			end := ea[j-1].end
			nb := int(end - sa)
			l := len(d.Buf)
			if ea[j-1].ts >= d.Until || int64(j-ia) > d.Rows || int64(nb) > d.Bytes || nb <= 0 || nb > cap(d.Buf)-l || l+nb >= d.Full {
				break
			}
			d.Buf = d.Buf[:l+nb]
			d.Rows -= int64(j - ia)
			d.Bytes -= int64(nb)
			q[nq] = piece{dst: &d.Buf[l], src: &ba[sa], n: nb}
			nq++
			ia, sa = j, end
			if ia == len(ea) {
				break
			}
		}
		bNext = true
		if nq == len(q) {
			break
		}
		// b's run, up to a's next entry.
		{
			lts, lkey := ea[ia].ts, ea[ia].key
			j := ib + 1
			for j < len(eb) && (eb[j].ts < lts || (eb[j].ts == lts && eb[j].key < lkey)) {
				j++
			}
			si := eb[ib].sink
			for k := ib + 1; k < j; k++ {
				if eb[k].sink != si {
					si = math.MaxUint32 // several sinks: write's
				}
			}
			if int(si) >= len(ds) {
				break
			}
			d := &ds[si]
			end := eb[j-1].end
			nb := int(end - sb)
			l := len(d.Buf)
			if eb[j-1].ts >= d.Until || int64(j-ib) > d.Rows || int64(nb) > d.Bytes || nb <= 0 || nb > cap(d.Buf)-l || l+nb >= d.Full {
				break
			}
			d.Buf = d.Buf[:l+nb]
			d.Rows -= int64(j - ib)
			d.Bytes -= int64(nb)
			q[nq] = piece{dst: &d.Buf[l], src: &bb[sb], n: nb}
			nq++
			ib, sb = j, end
			if ib == len(eb) {
				break
			}
		}
		bNext = false
	}
	a.i, a.start, b.i, b.start = ia, sa, ib, sb
	return nq, bNext
}

// before orders entries by (time, actor).
func before(a, b *entry) bool { return a.ts < b.ts || (a.ts == b.ts && a.key < b.key) }

func recycle(free chan *chunk, c *chunk) {
	c.ents = c.ents[:0]
	c.buf = c.buf[:0]
	select {
	case free <- c:
	default:
	}
}

// actor is one member of an entity, shared by its flows' runners. It is
// kept small: a simulation holds every actor of its slice for the whole
// run, so what most actors never use lives in x.
type actor struct {
	index int64 // within the entity, or within the parent for a child
	// attrs is the first of the entity's len(EntityPlan.attrs) attributes
	// (nil when it has none): the count is the entity's, so the actor
	// does not carry a slice header (see vals).
	attrs *Value
	x     *actorExt // nil when none of its fields is needed
	// The attributes usually follow the actor in its block (actorWith):
	// 32 bytes of actor keep each 32-byte value within one cache line.
	_ uint64
}

// vals is the actor's attributes; n is len(ep.attrs) of its entity. A
// slice of an array pointer rather than unsafe.Slice, whose checks of n
// against the address space (a multiply with an overflow test, two
// compares) bind paid at every step.
func (a *actor) vals(n int) []Value {
	if a.attrs == nil {
		return nil
	}
	return (*[1 << 30]Value)(unsafe.Pointer(a.attrs))[:n:n]
}

// rootIndex is the index of the actor's root actor (its own for a root).
func (a *actor) rootIndex() int64 {
	if a.x != nil && a.x.parent != nil {
		return a.x.root
	}
	return a.index
}

// subPos is the actor's position below its root actor, 16 bits per level
// (0 for a root actor).
func (a *actor) subPos() uint64 {
	if a.x != nil && a.x.parent != nil {
		return a.x.sub
	}
	return 0
}

// actorExt holds what only some actors need.
type actorExt struct {
	base      uint64 // a child's random stream root
	root      int64  // a child's root actor index
	sub       uint64 // a child's position below its root actor
	parent    *actor
	mem       []Value // remember = { … }
	exp       []int16 // group per experiment
	kids      []Value // per child entity: the children's attributes as objects
	kidActors [][]*actor
	cons      []consState
}

func (a *actor) ext() *actorExt {
	if a.x == nil {
		a.x = &actorExt{}
	}
	return a.x
}

func (a *actor) parent() *actor {
	if a.x == nil {
		return nil
	}
	return a.x.parent
}

// sessionID is a session's UUID: drawn when the session starts (so the
// actor's stream does not depend on whether it is used), formatted where
// it is used (a per-session field, typically, so once per session).
type sessionID struct{ x, y uint64 }

// runner is one (actor, flow) timeline. It is kept for the whole run, so
// what only a running session needs lives in sess.
type runner struct {
	// The runner's next event time is kept in its heap slot only.
	nextSess int64   // planned start of the next session
	rate     float64 // arrivals per ms, when it depends only on the actor
	flow     *FlowPlan
	act      *actor
	// tf is the actor's zone (session zone = …), shared by the worker's
	// runners in that zone; nil: the scenario's.
	tf *stdlib.TimeFormatter
	// sess is the running session, pooled per flow and worker. It is nil
	// between sessions: the next session is scheduled (its time is in the
	// runner's heap slot) but set up only when its first event comes due
	// (setupSession).
	sess     *session
	rng      stdlib.Rand
	sessLeft int32 // -1: unlimited
	sessIdx  int32
}

// session is a running session's state and values, pooled per flow and
// worker.
type session struct {
	sid    sessionID
	start  int64 // the session's start time (ms)
	state  int32
	seq    int32 // events emitted so far
	evLeft int32
	ctx    []Value // context slots (set = { … })
	cache  []Value // per-session fields (FlowPlan.sessionLeaves)
	// store holds what the context and the per-session fields keep from
	// the record arena (strings, lists such as sample_rows' rows). They
	// live as long as the session, so the store is reused with it rather
	// than allocating on the heap; remember copies out of it.
	store stdlib.Store
	next  *session // the next free session of the pool (bufPool)
}

// key orders runners of the same time: entity << 40 | root actor index.
func (r *runner) key() uint64 { return uint64(r.flow.Entity.Index)<<40 | uint64(r.act.rootIndex()) }

// tie orders runners of the same time and key: the actor's position
// below its root << 16 | flow index.
func (r *runner) tie() uint64 { return r.act.subPos()<<16 | uint64(r.flow.Index) }

// arrivalRate is the runner's arrival rate per ms: kept in the runner
// when it depends only on the actor, evaluated otherwise (env bound).
func (w *worker) arrivalRate(r *runner) float64 {
	if r.flow.arrivals.perActor {
		return r.rate
	}
	return r.flow.arrivals.perMs(&w.env)
}

// zoneOf is the clock the runner's arrivals and constraints read: the
// actor's zone when its flow has one, the scenario's otherwise.
func (w *worker) zoneOf(r *runner) *stdlib.TimeFormatter {
	if r.tf != nil {
		return r.tf
	}
	return w.env.tf
}

// bindZone reads the zone of r's flow for its actor (env bound to r) and
// keeps the worker's formatter for it in r. A name that is not a time
// zone fails the run.
func (w *worker) bindZone(r *runner) {
	fp := r.flow
	if fp.zone == nil {
		return
	}
	loc := fp.zoneLoc
	if loc == nil {
		v := fp.zone.eval(&w.env)
		var err error
		if v.K == stdlib.String {
			loc, err = stdlib.LoadZone(v.S)
		}
		if v.K != stdlib.String || err != nil {
			got, hint := v.String(), ""
			if v.K == stdlib.String {
				got, hint = fmt.Sprintf("%q", v.S), zoneHint(v.S)
			}
			w.env.fail(fp.zone.rng, "Invalid time zone", fmt.Sprintf("The session zone (%s) is an IANA time zone name such as \"Asia/Tokyo\", got %s.%s", fp.zoneText, got, hint))
			return
		}
	}
	if w.zones == nil {
		w.zones = map[*time.Location]*stdlib.TimeFormatter{}
	}
	tf := w.zones[loc]
	if tf == nil {
		tf = stdlib.NewTimeFormatter(loc)
		w.zones[loc] = tf
	}
	r.tf = tf
}

// slot is a heap entry: the runner's next event time, kept in the entry
// so that sifting compares without touching the (cold) runners. Only
// runners due at the same time are ordered by their keys. Sixteen bytes
// keep the heap small (it is read at every level of every sift): four
// slots to a cache line.
type slot struct {
	next int64
	r    *runner
}

// slotIs16 fails to compile unless a slot is 16 bytes, which warm's
// stdlib.PrefetchTargets16 assumes.
var _ [unsafe.Sizeof(slot{}) - 16]byte
var _ [16 - unsafe.Sizeof(slot{})]byte

func less(a, b *slot) bool {
	if a.next != b.next {
		return a.next < b.next
	}
	return tieLess(a.r, b.r)
}

// tieLess orders runners due at the same time (about 1 % of the
// comparisons): their keys are worked out from the runners rather than
// stored, which would cost every runner 16 bytes.
func tieLess(a, b *runner) bool {
	if ka, kb := a.key(), b.key(); ka != kb {
		return ka < kb
	}
	return a.tie() < b.tie()
}

type worker struct {
	end int64 // the scenario's end: nothing at or after it is simulated
	// stop is the end of the window written (--to): the run ends when no
	// runner is due before it. The simulation itself runs to the
	// scenario's end (arrivals, gaps and constraints are bounded by end,
	// not by stop), so that a run cut at stop draws what the whole run
	// draws and writes the same records before stop.
	stop   int64
	p      *Plan
	id     int
	ro     RunOptions
	active []bool
	env    Env
	heap   []slot // the runners due before tl.end, a binary heap
	tl     timeline
	encs   []sinks.Encoder
	out    chan *chunk
	free   chan *chunk
	cur    *chunk
	// vals is a record buffer per emit (by emitPlan.id), which holds its
	// constant fields from the first record on: only the others are
	// written per record (bank's transactions: 5 of 14 fields).
	vals  [][]Value
	rec   rec.Record
	pools []bufPool  // by flow index
	state *StatePlan // the state the current step runs
	// The memory probe's (memory.go): the most each actor's memory
	// slots held, and the steps it may take. Nil and 0 in a run.
	memPeak  map[*actor][]int64
	maxSteps int
	// probeSteps, for a probe simulated on several workers, counts their
	// steps together (by 1024) against maxSteps; steps is the worker's
	// own, once simulate is done.
	probeSteps *atomic.Int64
	steps      int
	// cut: the worker stopped on ro.stepBudget, at cutAt, the time of
	// the first step it did not take.
	cut   bool
	cutAt int64
	// zones: a formatter per actor zone met (session zone = …).
	zones map[*time.Location]*stdlib.TimeFormatter
	// runners is what is left of the worker's current block of runners
	// (newRunner).
	runners []runner
}

// runnerBlock is how many runners newRunner allocates at once: as many as
// fill 8 KiB, one of the allocator's size classes. A runner alone (88
// bytes) took the 96-byte class, 8 MB more for a million actors' flows;
// a block is held while any of its runners is, at most runnerBlock − 1
// finished runners more than alone.
const runnerBlock = 8192 / unsafe.Sizeof(runner{})

// newRunner is a zeroed runner from the worker's current block.
func (w *worker) newRunner() *runner {
	if len(w.runners) == 0 {
		w.runners = make([]runner, runnerBlock)
	}
	r := &w.runners[0]
	w.runners = w.runners[1:]
	return r
}

func newWorker(p *Plan, id int, ro RunOptions, active []bool, out, free chan *chunk) *worker {
	w := &worker{p: p, id: id, ro: ro, active: active, out: out, free: free, end: p.End, stop: ro.To, pools: make([]bufPool, len(p.Flows))}
	tf := stdlib.NewTimeFormatter(p.Loc)
	w.env.tf = tf
	w.encs = make([]sinks.Encoder, len(p.Sinks))
	w.vals = make([][]Value, p.emits)
	for i, s := range p.Sinks {
		if active[i] {
			w.encs[i] = s.Sink.NewEncoder(tf)
		}
	}
	return w
}

// streamKey derives the random stream of (entity, actor, stream).
func (p *Plan) streamKey(entity int, index int64, stream uint64) uint64 {
	return stdlib.Mix(p.Seed, uint64(entity), uint64(index), stream)
}

func (w *worker) run(ctx context.Context) error {
	p := w.p
	for _, ep := range p.Entities {
		if ep.Parent != nil || !ep.hasFlows() {
			continue
		}
		n := ep.Count
		if w.ro.MaxActors > 0 && n > w.ro.MaxActors {
			n = w.ro.MaxActors
		}
		// The shard's actors are dealt to its workers in turn rather than
		// cut into ranges: an entity's rows may be ordered by what makes
		// an actor dear to build (cities by population, and with it the
		// number of merchants under each), and the first worker took the
		// dear ones while the other waited for its first records.
		slo, shi := SliceOf(n, w.ro.Shard, w.ro.Shards)
		first, step := slo+int64(w.id), int64(w.ro.Workers)
		if len(ep.Children) == 0 && first < shi {
			// Size the heap once (append's doubling would leave up to
			// half of it unused for the whole run).
			w.heap = slices.Grow(w.heap, int((shi-first+step-1)/step)*len(ep.Flows))
		}
		for i := first; i < shi; i += step {
			w.addActor(ep, i)
			if w.env.fault != nil {
				return w.env.fault
			}
		}
	}
	return w.simulate(ctx)
}

// simulate runs the started actors' timelines to the end of the run.
func (w *worker) simulate(ctx context.Context) error {
	w.heap = w.tl.init(w.heap, w.p.Start, w.end)
	w.cur = w.newChunk()
	steps := 0
	for w.due() {
		s := &w.heap[0]
		if s.next >= w.stop {
			// The heap's top is the earliest runner of all: the ones in
			// the timeline's later windows are due after it.
			break
		}
		w.warm()
		r, now := s.r, s.next
		next, ok := w.step(r, now)
		if w.env.fault != nil {
			return w.stepFault(r, now)
		}
		w.reschedule(next, ok)
		if len(w.cur.buf) >= chunkBytes || len(w.cur.ents) >= chunkEnts {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
		steps++
		if steps&1023 == 0 {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if w.maxSteps > 0 && steps >= w.maxSteps {
				return errProbeBudget
			}
			if w.probeSteps != nil && w.probeSteps.Add(1024) >= int64(w.maxSteps) {
				return errProbeBudget
			}
			if b := w.ro.stepBudget; b > 0 && steps >= b && w.due() && w.heap[0].next < w.stop {
				// Every step before the heap's top has been taken (and
				// its records encoded); the ones at its time may not all.
				w.cut, w.cutAt = true, w.heap[0].next
				break
			}
		}
	}
	w.steps = steps
	return w.flush(ctx)
}

// timeline holds the runners not due in the current window, in buckets
// of equal length over the run: a runner whose next event falls in a
// later window is added to that window's bucket, and a bucket becomes the
// heap when its window comes. The heap then holds a window's runners (a
// few hundred on the shipped scenarios, in the fastest caches) instead of
// every runner, and the order of events is the heap's: every runner due
// before the window's end is in it.
type timeline struct {
	start, width int64
	end          int64 // end of the current window (the heap's)
	buckets      []bucket
	next         int     // the next bucket to open
	free         *tblock // emptied blocks, for reuse
	// arr is the array the runners were started in, which the buckets'
	// first stretches are cut from, in bucket order: arr[:opened] is the
	// part whose buckets have opened, and arr[carved:opened] what of it no
	// block holds yet. New blocks take their slots from there before
	// allocating: the array lives until its last stretch opens, so
	// runners added back reuse it instead of adding to it (a million
	// clickstream actors: 16 MB less at the peak).
	arr            []slot
	opened, carved int
}

// A bucket is the runners placed in it before the run (a stretch of the
// array they were started in) and those added since, in blocks: order
// within a bucket does not matter, as it becomes a heap. Blocks are
// recycled, so a run's buckets allocate about as much as the runners they
// hold, once.
type bucket struct {
	first []slot
	top   *tblock
}

// tblockSlots is the number of slots in a block (1 KiB).
const tblockSlots = 64

type tblock struct {
	next *tblock
	n    int
	s    []slot // tblockSlots: a stretch of the first array, or its own
}

// timelineBuckets is the number of windows a run is cut into.
const timelineBuckets = 4096

// init spreads the runners of h over the windows of [start, end) and
// returns an empty heap. h is sorted in place by window and each bucket
// keeps its stretch of it: a million runners cost no second array.
func (tl *timeline) init(h []slot, start, end int64) []slot {
	tl.start = start
	tl.width = max((end-start+timelineBuckets-1)/timelineBuckets, 1)
	tl.buckets = make([]bucket, timelineBuckets)
	tl.end = start
	var from, next [timelineBuckets + 1]int
	for _, s := range h {
		from[tl.index(s.next)+1]++
	}
	for i := 1; i <= timelineBuckets; i++ {
		from[i] += from[i-1]
	}
	next = from
	for b := range timelineBuckets {
		for next[b] < from[b+1] {
			s := h[next[b]]
			if t := tl.index(s.next); t != b {
				h[next[b]], h[next[t]] = h[next[t]], s
				next[t]++
				continue
			}
			next[b]++
		}
		tl.buckets[b].first = h[from[b]:from[b+1]:from[b+1]]
	}
	tl.arr, tl.opened, tl.carved = h, 0, 0
	return make([]slot, 0, 2*len(h)/timelineBuckets+16)
}

func (tl *timeline) index(t int64) int {
	return int(min(max((t-tl.start)/tl.width, 0), timelineBuckets-1))
}

// add puts a runner due at or after the current window's end in its
// window's bucket.
func (tl *timeline) add(s slot) {
	b := &tl.buckets[tl.index(s.next)]
	blk := b.top
	if blk == nil || blk.n == len(blk.s) {
		switch {
		case tl.free != nil:
			blk, tl.free = tl.free, tl.free.next
		case tl.opened-tl.carved >= tblockSlots:
			blk = &tblock{s: tl.arr[tl.carved : tl.carved+tblockSlots : tl.carved+tblockSlots]}
			tl.carved += tblockSlots
		default:
			blk = &tblock{s: make([]slot, tblockSlots)}
		}
		blk.next, b.top = b.top, blk
	}
	blk.s[blk.n] = s
	blk.n++
}

// open moves the next non-empty bucket into h (empty, not yet a heap);
// h stays empty at the end of the run.
func (tl *timeline) open(h []slot) []slot {
	h = h[:0]
	for tl.next < len(tl.buckets) && len(h) == 0 {
		b := &tl.buckets[tl.next]
		tl.next++
		tl.end = tl.start + int64(tl.next)*tl.width
		if tl.next == len(tl.buckets) {
			tl.end = math.MaxInt64 // the last bucket takes everything after it
		}
		h = append(h, b.first...)
		clear(b.first) // the array is held until its last stretch opens
		tl.opened += len(b.first)
		b.first = nil
		for blk := b.top; blk != nil; {
			h = append(h, blk.s[:blk.n]...)
			next := blk.next
			clear(blk.s[:blk.n])
			blk.n, blk.next, tl.free = 0, tl.free, blk
			blk = next
		}
		b.top = nil
	}
	return h
}

// due makes the heap's top the runner due next, opening the next window
// when the current one is done; false at the end of the run.
func (w *worker) due() bool {
	if len(w.heap) > 0 {
		return true
	}
	if w.heap = w.tl.open(w.heap); len(w.heap) == 0 {
		return false
	}
	for i := len(w.heap)/2 - 1; i >= 0; i-- {
		w.place(i, w.heap[i])
	}
	return true
}

// reschedule moves the heap's top runner, just stepped, to its next
// event time (ok), or drops it (its flow is over).
func (w *worker) reschedule(next int64, ok bool) {
	if ok && next < w.tl.end {
		w.heap[0].next = next
		w.down(0)
		return
	}
	if ok {
		w.tl.add(slot{next: next, r: w.heap[0].r})
	}
	last := len(w.heap) - 1
	x := w.heap[last]
	w.heap[last] = slot{}
	w.heap = w.heap[:last]
	if last > 0 {
		w.place(0, x)
	}
}

func (w *worker) newChunk() *chunk {
	select {
	case c := <-w.free:
		return c
	default:
		return &chunk{ents: make([]entry, 0, chunkEnts), buf: make([]byte, 0, chunkBytes+chunkBytes/4)}
	}
}

func (w *worker) flush(ctx context.Context) error {
	if len(w.cur.ents) == 0 {
		return nil
	}
	select {
	case w.out <- w.cur:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	w.cur = w.newChunk()
	return nil
}

func (w *worker) down(i int) {
	h := w.heap
	n := uint(len(h))
	u := uint(i)
	x := h[u]
	hole := slotAt(h, u)
	for {
		l := 2*u + 1
		if l >= n {
			break
		}
		c := slotAt(h, l)
		if l+1 < n {
			// Which child is earlier is a coin toss the branch predictor
			// loses half the time: pick it with a conditional move.
			d := slotAt(h, l+1)
			if c.next == d.next {
				*hole = x
				w.downTies(u) // rare: the same time
				return
			}
			l += uint(b2i(d.next < c.next))
			c = slotAt(h, l)
		}
		if c.next >= x.next {
			if c.next == x.next {
				*hole = x
				w.downTies(u)
				return
			}
			break
		}
		*hole, hole, u = *c, c, l
	}
	*hole = x
}

// downTies is down where times may be equal: the runners' keys order
// them. The loops of down and place leave the rare ties (1-2 % of the
// comparisons) here, so that they call nothing and keep their state in
// registers.
//
//go:noinline
func (w *worker) downTies(u uint) {
	h := w.heap
	n := uint(len(h))
	x := h[u]
	for {
		l := 2*u + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(&h[r], &h[l]) {
			m = r
		}
		if !less(&h[m], &x) {
			break
		}
		h[u] = h[m]
		u = m
	}
	h[u] = x
}

// place puts x at i, whose children's subtrees are heaps, by Floyd's
// bottom-up sift: the hole at i goes down to a leaf along the earlier
// children, one comparison a level, and x then climbs back from there.
// A runner taken from the heap's end (pop) or from an unsorted bucket
// (heapify) belongs near the bottom, so it climbs a level or two, where
// sifting it down compares it with a child at every level as well.
func (w *worker) place(i int, x slot) {
	h := w.heap
	n := uint(len(h))
	top := uint(i)
	u := top
	_ = h[u]
	hole := slotAt(h, u)
	for {
		l := 2*u + 1
		if l+1 >= n {
			if l+1 == n { // a last, single child
				c := slotAt(h, l)
				*hole, hole, u = *c, c, l
			}
			break
		}
		c, d := slotAt(h, l), slotAt(h, l+1)
		if c.next == d.next {
			// A tie between the children (rare): x goes where it
			// belongs on the path from top to here, or below here.
			w.placeTies(top, u, x)
			return
		}
		l += uint(b2i(d.next < c.next)) // a conditional move, as in down
		c = slotAt(h, l)
		*hole, hole, u = *c, c, l
	}
	for u > top {
		p := (u - 1) / 2
		up := slotAt(h, p)
		if x.next >= up.next {
			if x.next == up.next {
				w.placeTies(top, u, x)
				return
			}
			break
		}
		*hole, hole, u = *up, up, p
	}
	*hole = x
}

// placeTies ends place where times are equal, with the hole at u: the
// hole goes on down to a leaf along the earlier children, ties settled
// by the runners' keys, and x climbs back towards top while it is before
// the parent (each parent moved into the hole is before everything under
// it). Sifting x down from u instead (downTies) compared it with a child
// at every level as well: at bank's start some 47 k runners (its entity
// rows and every client's flows) are due at the same instant, and each
// one popped then went down 8.7 levels of ties with two calls of less a
// level (55 M instructions a run, 36 M this way).
//
//go:noinline
func (w *worker) placeTies(top, u uint, x slot) {
	h := w.heap
	n := uint(len(h))
	for {
		l := 2*u + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n {
			c, d := &h[l], &h[r]
			if d.next == c.next {
				// tieLess's keys, inlined: its tie is rarely needed.
				if kc, kd := c.r.key(), d.r.key(); kd < kc || kd == kc && tieLess(d.r, c.r) {
					l = r
				}
			} else if d.next < c.next {
				l = r
			}
		}
		h[u] = h[l]
		u = l
	}
	for u > top {
		p := (u - 1) / 2
		if !less(&x, &h[p]) {
			break
		}
		h[u] = h[p]
		u = p
	}
	h[u] = x
}

// slotAt is &h[k] without a bounds check, for the sifts: each index
// they use is below len(h) (a child's by the loop's test, a parent's by
// being one), and the checks Go cannot drop there were a third of their
// instructions.
func slotAt(h []slot, k uint) *slot {
	return (*slot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(h)), k*uint(unsafe.Sizeof(slot{}))))
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// addActor builds a root actor with its descendants and starts the flows
// of every actor in that tree.
func (w *worker) addActor(ep *EntityPlan, index int64) {
	a := w.p.buildActor(&w.env, ep, index, nil, 0, true)
	if w.env.fault != nil {
		return // a is incomplete; the run ends with the fault
	}
	w.startActor(ep, a)
}

func (w *worker) startActor(ep *EntityPlan, a *actor) {
	p := w.p
	e := &w.env
	for _, fp := range ep.Flows {
		var seed uint64
		if a.parent() == nil {
			seed = p.streamKey(ep.Index, a.index, uint64(fp.Index)+1)
		} else {
			seed = stdlib.Mix(a.x.base, uint64(fp.Index)+1)
		}
		r := w.newRunner()
		r.flow, r.act, r.rng, r.sessLeft = fp, a, stdlib.NewRand(seed), -1
		w.bind(r, 0)
		w.bindZone(r)
		if e.fault != nil {
			w.startFault(ep, a, fp)
			return
		}
		if fp.arrivals != nil && fp.arrivals.perActor {
			r.rate = fp.arrivals.perMs(e)
		}
		if fp.sessCount != nil {
			n := fp.sessCount.eval(e)
			if n.K != stdlib.Int || n.I < 0 {
				e.fail(fp.sessCount.rng, "Invalid count", fmt.Sprintf("The session count is a whole number, zero or more, got %s.", n.String()))
			}
			if e.fault != nil {
				w.startFault(ep, a, fp)
				return
			}
			r.sessLeft = int32(min(n.I, math.MaxInt32))
			if r.sessLeft <= 0 {
				continue
			}
		}
		t := p.Start
		if fp.sessStart != nil {
			d := fp.sessStart.eval(e)
			if d.K != stdlib.Duration || d.I < 0 {
				e.fail(fp.sessStart.rng, "Invalid session start", sessStartDetail(d))
			}
			t += max(d.I, 0)
		}
		if fp.arrivals != nil {
			// The process runs from the session start offset (default:
			// the scenario start).
			t = fp.arrivals.nextAt(e, w.zoneOf(r), w.arrivalRate(r), t-1, w.end)
			r.nextSess = t
		}
		if e.fault != nil {
			w.startFault(ep, a, fp)
			return
		}
		if t, ok := w.startSession(r, t); ok {
			w.heap = append(w.heap, slot{next: t, r: r})
		}
	}
	for i, ce := range ep.Children {
		if !ce.hasFlows() {
			continue
		}
		for _, k := range a.x.kidActors[i] {
			w.startActor(ce, k)
			if e.fault != nil {
				return
			}
		}
	}
}

// startFault says where the fault met while starting a's flow fp came from.
func (w *worker) startFault(ep *EntityPlan, a *actor, fp *FlowPlan) {
	if f := w.env.fault; f.Where == "" {
		f.Where = fmt.Sprintf("actor %s, flow %s, starting its sessions", actorName(ep, a), fp.Name)
		f.unit = fp.Name
	}
}

// stepFault completes the fault met in r's step at now with where it
// happened, and returns it: the run ends with it.
func (w *worker) stepFault(r *runner, now int64) error {
	f := w.env.fault
	if f.Where == "" {
		f.Where = fmt.Sprintf("actor %s, flow %s, state %s, at %s", actorName(r.flow.Entity, r.act), r.flow.Name, w.state.Name, w.p.localTime(now))
		f.unit = r.flow.Name
	}
	return f
}

// warm prefetches what the coming steps will read. The runner that runs
// next is, in the common case, one of the root's children, the one after
// it one of their children, and so on (each step sifts only its own
// runner down the heap). The data a step reads first is a chain of
// pointers: runner → actor (with its attributes) → actor extension. Each
// is prefetched one step before it is needed, and its address is read
// from the link before it, which the previous step prefetched: three
// levels of the heap, three links of the chain. Without this every step
// starts with that chain of cache misses, each waiting for memory, as the
// runners and actors are scattered over the heap. An actor gets its
// first three lines: the actor and its first eleven attributes (bank's
// client reads its city, the fourth: −4 % CPU against two lines; no
// change on clickstream, whose actors fit one line). The prefetches go
// out in three calls: an assembly function is never inlined, and the
// fourteen calls of two they were cost more than the prefetches.
func (w *worker) warm() {
	h := w.heap
	if len(h) < 15 {
		return
	}
	stdlib.PrefetchTargets16(uintptr(unsafe.Pointer(&h[7].r))) // h[7].r to h[14].r: 16-byte slots (slotIs16)
	a := func(r *runner) uintptr { return uintptr(unsafe.Pointer(r.act)) }
	stdlib.PrefetchLines(3, a(h[3].r), a(h[4].r), a(h[5].r), a(h[6].r))
	x, y := uintptr(unsafe.Pointer(h[1].r.act.x)), uintptr(unsafe.Pointer(h[2].r.act.x))
	switch {
	case x != 0 && y != 0:
		stdlib.PrefetchLines(2, x, x+128, y, y+128)
	case x != 0:
		stdlib.PrefetchLines(2, x, x+128, x, x+128)
	case y != 0:
		stdlib.PrefetchLines(2, y, y+128, y, y+128)
	}
}

// bind points the environment at a runner's state.
func (w *worker) bind(r *runner, now int64) {
	e := &w.env
	e.R = &r.rng
	e.run = r
	ep := r.flow.Entity
	e.Index = r.act.index
	e.Attrs = r.act.vals(len(ep.attrs))
	if x := r.act.x; x != nil {
		e.x = x
		e.Parent = nil
		if x.parent != nil {
			e.Parent = x.parent.vals(len(ep.Parent.attrs))
			e.up = x.parent
		}
	} else {
		e.x, e.Parent = nil, nil
	}
	e.SessIdx = int64(r.sessIdx)
	e.Now = now
	if s := r.sess; s != nil {
		e.CtxVals = s.ctx
		e.sid = &s.sid
		e.SessStart = s.start
		e.Seq = int64(s.seq) + 1
	} else {
		// Between sessions (an actor's flows being started): only what
		// is the actor's own can be evaluated.
		e.CtxVals = nil
		e.sid = &noSession
		e.SessStart = 0
		e.Seq = 1
	}
}

// noSession is what a runner between sessions binds as its session id.
var noSession sessionID

// startSession schedules the runner's next session at t; false when the
// runner is finished. The session is set up when its first event comes
// due (setupSession), so between sessions a runner holds no context or
// session cache: the simulation keeps every actor for the whole run, and
// most of them are between sessions at any time.
func (w *worker) startSession(r *runner, t int64) (int64, bool) {
	w.release(r)
	if r.sessLeft == 0 || t >= w.end {
		return 0, false
	}
	return t, true
}

// setupSession draws what a session starts with, from the runner's own
// stream and in a fixed order (the id, per-session fields, max_events,
// the next arrival), at the session's start time.
func (w *worker) setupSession(r *runner, t int64) {
	fp := r.flow
	if r.sessLeft > 0 {
		r.sessLeft--
	}
	r.sessIdx++
	ss := w.pools[fp.Index].get(fp)
	r.sess = ss
	ss.start = t
	ss.state = int32(fp.Initial)
	ss.seq = 0
	x := r.rng.Uint64()
	ss.sid = sessionID{x: x, y: r.rng.Uint64()}
	w.bind(r, t)
	if len(fp.sessionLeaves) > 0 {
		// The attributes copied, the others evaluated (two lines here
		// keep the profile's hot calls below at their line offsets).
		setSessionLeaves(&w.env, ss, fp)
		w.env.ResetArena()
	}
	ss.evLeft = fp.evLeft // SafetyMaxEvents or a constant max_events; 0: drawn
	if ss.evLeft == 0 {
		ss.evLeft = int32(min(max(fp.maxEvents.eval(&w.env).I, 1), math.MaxInt32))
	}
	switch {
	case fp.arrivals != nil:
		// The process keeps its own clock: the next arrival follows this
		// session's scheduled arrival, even when the session started late.
		r.nextSess = fp.arrivals.nextAt(&w.env, w.zoneOf(r), w.arrivalRate(r), r.nextSess, w.end)
	case fp.sessEvery != nil:
		d := fp.sessEvery.eval(&w.env)
		if d.K != stdlib.Duration || d.I < 0 {
			w.env.fail(fp.sessEvery.rng, "Invalid session every", sessEveryDetail(d))
		}
		r.nextSess = t + max(d.I, 0)
	default:
		r.nextSess = t
	}
	w.env.ResetArena()
	if f := w.env.fault; f != nil && f.Where == "" {
		f.Where = fmt.Sprintf("actor %s, flow %s, starting session %d at %s", actorName(fp.Entity, r.act), fp.Name, r.sessIdx, w.p.localTime(t))
		f.unit = fp.Name
	}
}

// setSessionLeaves sets the session's per-session fields (env bound to
// it at its start): the attributes copied in a loop of their own, by
// offsets (sessionLeaf's test of each field and the bounds checks, in a
// loop whose counter was spilled around the call of the general path,
// cost about 27 instructions an attribute: 33 M a recipe run), then the
// session's id in its text (sessIDText), then the others evaluated in
// their order. An attribute and the id are read, not drawn, so reading
// them first moves no draw.
func setSessionLeaves(e *Env, ss *session, fp *FlowPlan) {
	if len(fp.sessAttrs) > 0 {
		// Offsets below len(ss.cache) (len(fp.sessionLeaves)) and
		// len(e.Attrs) (len(fp.Entity.attrs)): splitSessionLeaves.
		_ = ss.cache[len(fp.sessionLeaves)-1]
		_ = e.Attrs[len(fp.Entity.attrs)-1]
		cp := unsafe.Pointer(unsafe.SliceData(ss.cache))
		ap := unsafe.Pointer(unsafe.SliceData(e.Attrs))
		for _, c := range fp.sessAttrs {
			*(*Value)(unsafe.Add(cp, c.to)) = *(*Value)(unsafe.Add(ap, c.from))
		}
	}
	for i := range fp.sessIDs {
		l := &fp.sessIDs[i]
		ss.cache[l.to] = sessIDText(&ss.store, l, &ss.sid)
	}
	for _, i := range fp.sessEvals {
		ss.cache[i] = evalSessionLeaf(e, &ss.store, fp.sessionLeaves[i])
	}
}

// sessIDText is the per-session field l, the session's id in constant
// text, written straight into the session's store: what evaluating the
// template (into the record arena) and copying it into the store give,
// without the template's general steps and the copy (about 340
// instructions a session in recipe, 140 now).
func sessIDText(st *stdlib.Store, l *sessIDLeaf, sid *sessionID) Value {
	n := len(l.pre)
	b := st.Bytes(n + 36 + len(l.post))
	copy(b, l.pre)
	stdlib.PutUUIDBits(b[n:], sid.x, sid.y)
	copy(b[n+36:], l.post)
	return Value{K: stdlib.String, S: unsafe.String(&b[0], len(b)), I: l.flags}
}

// release returns a finished session's values to the pool.
func (w *worker) release(r *runner) {
	if r.sess != nil {
		w.pools[r.flow.Index].put(r.sess)
		r.sess = nil
	}
}

// bufPool recycles one flow's sessions, in a list through session.next:
// a slice's append kept six registers spilled around its growslice call,
// about 10 instructions a session more (bank: a session per record).
type bufPool struct {
	free *session
	// clear is the flow's ctxClear: the context slots a session may
	// read before setting them.
	clear []int32
}

func (p *bufPool) get(fp *FlowPlan) *session {
	if s := p.free; s != nil {
		p.free = s.next
		return s
	}
	p.clear = fp.ctxClear
	vals := make([]Value, fp.sessLen())
	n := len(fp.ctxNames)
	return &session{ctx: vals[:n:n], cache: vals[n:]}
}

func (p *bufPool) put(s *session) {
	// The context starts the next session empty where a read may come
	// before the session's own set (coalesce(ctx.ip, …)); the other
	// slots are always set first, so they keep the last session's
	// values (ctxClears: bank clears none of its transactions' slots).
	// Field by field: clear, or a loop storing Value{}, is a call to
	// memclrHasPointers, ~55 instructions for a few slots. The
	// per-session fields are all set again when the session starts
	// (setupSession), so they are not cleared.
	for _, i := range p.clear {
		v := &s.ctx[i]
		v.K, v.I, v.S = stdlib.Null, 0, ""
	}
	s.store.Reset()
	s.next, p.free = p.free, s
}

// step runs the runner's current state at now, its slot's time; it
// returns the runner's next event time, or false when it is finished.
func (w *worker) step(r *runner, now int64) (int64, bool) {
	fp := r.flow
	if r.sess == nil {
		w.setupSession(r, now) // binds r at now
	} else {
		w.bind(r, now)
	}
	ss := r.sess
	st := fp.States[ss.state]
	w.state = st // for a fault's message
	e := &w.env
	if len(fp.cons) > 0 {
		switch v, t := w.admit(r, now); v {
		case moved:
			if ss.seq == 0 {
				// The session now starts later: its per-session fields
				// (session.start, and what depends on it) follow.
				ss.start = t
				w.bind(r, t)
				if len(fp.sessionLeaves) > 0 {
					// No event ran yet: the store holds only these.
					ss.store.Reset()
					// As at the session's start (two lines: the profile's
					// hot calls below keep their line offsets in step).
					setSessionLeaves(e, ss, fp)
				}
			}
			e.ResetArena()
			return t, t < w.end
		case droppedState:
			// A constraint over listed states: their event is dropped
			// and the session ends, as at its end, but the flow's other
			// states are not limited, so its next session comes when
			// planned.
			e.ResetArena()
			return w.startSession(r, max(r.nextSess, now+1))
		case dropped:
			// t is when the rule that dropped the event stops applying
			// (the end of the quiet hours, the next local day). The
			// arrivals planned before then are dropped too, not replayed
			// when the rule lifts: the process restarts at t (as
			// min_gap's rebuild does), so the next session follows the
			// flow's own profile from there. Other flows resume on their
			// schedule, at t at the earliest.
			if fp.arrivals != nil && r.nextSess < t {
				r.nextSess = fp.arrivals.nextAt(e, w.zoneOf(r), w.arrivalRate(r), t, w.end)
			}
			e.ResetArena()
			return w.startSession(r, max(r.nextSess, now+1, t))
		}
	}
	for _, s := range st.sets {
		if s.inStore {
			e.SwapLists(&ss.store)
			v := s.expr.eval(e)
			e.SwapLists(&ss.store)
			if !s.rows {
				v = s.expr.keepIn(e, &ss.store, v)
			}
			e.CtxVals[s.slot] = v
			continue
		}
		// keepIn written out up to its call: most sets hold a row of a
		// dataset or an entity (bank's cat and merchant), frozen, which
		// no arena holds.
		v := s.expr.eval(e)
		if x := s.expr; !x.isC && !x.held && stdlib.MayLiveInArena(v) {
			v = e.KeepIn(&ss.store, v)
		}
		e.CtxVals[s.slot] = v
	}
	for _, s := range st.remember {
		r.act.x.mem[s.slot] = s.keepMem(e, &ss.store, s.expr.eval(e))
		if w.memPeak != nil {
			w.notePeak(r.act, s.slot)
		}
	}
	for _, em := range st.Emits {
		if em.each == nil {
			w.emit(r, em, now)
			continue
		}
		w.emitEach(r, em, now)
	}
	ss.seq++
	ss.evLeft--
	next := -1
	switch {
	case len(st.targets) == 1:
		// One target (clickstream's next = { event = 1 }): the alias
		// draw always picks it, but still takes its one word from the
		// stream, which the draws after it must see.
		r.rng.Uint64()
		next = st.targets[0]
	case st.next != nil:
		next = st.targets[st.next.Draw(&r.rng)]
	case st.hasTrans:
		next = chooseTransition(st, e)
	}
	if next < 0 || ss.evLeft <= 0 {
		e.ResetArena()
		// Sessions of one flow never overlap: the next starts when both
		// its planned start and this session's last event have passed.
		return w.startSession(r, max(r.nextSess, now+1))
	}
	ss.state = int32(next)
	gap := fp.gap
	if st.delay != nil {
		gap = st.delay
	}
	d := int64(0)
	if gap != nil {
		if g := gap.dur; g != nil {
			d = g.span.Draw(e.R) * g.unit // the gap's seconds(uniform(5, 200)), without its closure
		} else {
			d = gap.eval(e).I
		}
		d = max(d, 0)
	}
	e.ResetArena()
	return now + d, now+d < w.end
}

// emitEach writes one record of em per element of its for_each list (none
// for an empty or null list), each with each.value and each.index bound.
func (w *worker) emitEach(r *runner, em *emitPlan, now int64) {
	e := &w.env
	l := em.each.eval(e)
	switch l.K {
	case stdlib.Null:
		return
	case stdlib.List:
	default:
		e.fail(em.each.rng, "Invalid for_each", fmt.Sprintf("for_each takes a list (one record per element), got %s (%s).", stdlib.Article(l.K.String()), operandText(l)))
		return
	}
	for i, v := range l.List() {
		e.EachVal, e.EachIdx = v, int64(i)
		w.emit(r, em, now)
		if e.fault != nil {
			return
		}
	}
}

func (w *worker) emit(r *runner, em *emitPlan, now int64) {
	// Fields are evaluated even when nothing is written (no sink for the
	// stream, a preview of another stream, before --from): what an actor
	// draws must not depend on which records are kept.
	e := &w.env
	vals := w.vals[em.id]
	if vals == nil {
		vals = w.newVals(em)
	}
	// The copies and evaluations write at their slots' offsets from
	// vals' start unchecked: every slot is below len(em.leaves), and
	// every index copied from the session cache below em.ncache, checked
	// here.
	vp := unsafe.Pointer(unsafe.SliceData(vals))
	evalLeaves(vp, em, r.sess.cache, e)
	if em.nreads > 0 {
		// One test for both kinds of reads: an emit with neither
		// (clickstream's, 2.8 M a run) pays no more than before there
		// were attribute reads.
		if len(em.attrs) > 0 {
			// The actor's attributes (bank's client_id =
			// client.client_id, 1.35 M a run), each about 45
			// instructions through evalLeaves and the leaf's closure:
			// a read, so after the evaluations as the ctx reads.
			attrs := e.Attrs
			_ = attrs[em.nattrs-1]
			ap := unsafe.Pointer(unsafe.SliceData(attrs))
			for _, c := range em.attrs {
				*(*Value)(unsafe.Add(vp, c.to)) = *(*Value)(unsafe.Add(ap, c.from))
			}
		}
		if len(em.reads) > 0 {
			readCtx(vp, em.reads, e)
		}
	}
	for _, o := range em.floats {
		// By offset, as the copies: no bounds check and no scaling (bank
		// checks 3.2 M amounts and coordinates a run).
		if p := (*Value)(unsafe.Add(vp, o)); p.K == stdlib.Float && uint64(p.I)>>52&0x7ff == 0x7ff {
			w.nonFinite(em.leaves[o/valueSize], *p)
		}
	}
	if now < w.ro.From || len(em.sinks) == 0 {
		// Before the window: the fields were drawn (so the actor's stream
		// stays where a full run has it) but nothing is written.
		return
	}
	for _, nc := range em.noNUL {
		// Only for a stream a sink such as PostgreSQL's writes (a NUL
		// character, or bytes that are not UTF-8): the record is not
		// encoded, the run stops before it is sent.
		if bt := badText(vals[nc.slot]); bt.found {
			summary, detail := textDetail(nc.field, vals[nc.slot], bt, nc.sink, nc.what)
			w.env.fail(em.leaves[nc.slot].rng, summary, detail)
			return
		}
	}
	for _, pc := range em.partChecks {
		if k := vals[pc.slot].K; k == stdlib.List || k == stdlib.Object {
			w.env.fail(em.leaves[pc.slot].rng, "Value cannot partition the path", fmt.Sprintf(
				"Sink %q partitions its path by {{field:%s}}, and this field holds %s here: a partition directory holds one value, a string, number, bool or time.",
				pc.sink, pc.field, map[stdlib.Kind]string{stdlib.List: "a list", stdlib.Object: "an object"}[k]))
			return
		}
	}
	w.rec.Emit, w.rec.Vals, w.rec.Time = em.shape, vals, now // field by field, as above
	c := w.cur
	key := r.key()
	for _, si := range em.sinks {
		if !w.active[si] {
			continue
		}
		c.buf = w.encs[si].Encode(c.buf, &w.rec)
		c.ents = append(c.ents, entry{ts: now, key: key, sink: uint32(si), end: uint32(len(c.buf))})
	}
}

// newVals makes em's record buffer, its constant fields written.
func (w *worker) newVals(em *emitPlan) []Value {
	vals := make([]Value, len(em.leaves))
	for _, i := range em.consts {
		vals[i] = em.leaves[i].val
	}
	w.vals[em.id] = vals
	return vals
}

// evalLeaves copies em's per-session fields from the session cache,
// writes its event.time fields (a read of e.Now: nothing evaluated
// before or after depends on it, so its place in the order does not
// matter) and evaluates each other leaf, into their slots at their
// offsets from vp. A loop of its own: in emit's body, each call spilled
// and reloaded a dozen of emit's values around it, and the copies' loop
// reloaded five of them at every field (clickstream's user_id and
// session_id).
//
//go:noinline
func evalLeaves(vp unsafe.Pointer, em *emitPlan, cache []Value, e *Env) {
	if len(em.copies) > 0 {
		_ = cache[em.ncache-1]
		cp := unsafe.Pointer(unsafe.SliceData(cache))
		for _, c := range em.copies {
			*(*Value)(unsafe.Add(vp, c.to)) = *(*Value)(unsafe.Add(cp, c.from))
		}
	}
	for _, o := range em.nows {
		// event.time, without a call. Its S is "": the record buffer
		// was made so (newVals), and nothing but this writes the slot.
		p := (*Value)(unsafe.Add(vp, o))
		p.K, p.I = stdlib.Time, e.Now
	}
	evals := em.evals
	if len(evals) == 0 {
		return
	}
	// From the first leaf to the last by pointer: four values live across
	// each call (the leaf, the last, vp and e) instead of six, each
	// reloaded after it.
	x, last := &evals[0], &evals[len(evals)-1]
	for {
		// Field by field: storing a returned Value whole into the heap
		// goes through runtime.wbMove, staged on the stack and read back
		// with 16-byte loads over the call's 8-byte stores, which the CPU
		// cannot forward (14 % of emit's samples).
		var v Value
		if x.sample != nil {
			v = x.sample(&e.Ctx)
		} else {
			v = x.l.fn(e) // not a constant (emitPlan.consts)
		}
		p := (*Value)(unsafe.Add(vp, x.to))
		p.K, p.I, p.S = v.K, v.I, v.S
		if x == last {
			return
		}
		x = (*evalLeaf)(unsafe.Add(unsafe.Pointer(x), unsafe.Sizeof(evalLeaf{})))
	}
}

// readCtx reads each ctx leaf into its slot, at its offset from vp: the
// value of a ctx slot, or the key of the object there as the getter's
// closure reads it (scope.getter0), written out here again without its
// call. Bank's transactions read 5 M such keys (ctx.merchant.city,
// ctx.cat.category): 78 instructions a read through the closure.
//
// The loop calls nothing: a read its hint does not answer (the first of
// each worker, an object of another layout) goes to readCtxSlow, which
// finds the key and goes on with the reads after it, and readCtx
// returns. With a call in the loop, Go's register allocator kept the
// loop's index, the read and the slot's value on the stack at every
// read, found or not (400 M instructions a bank run, about 80 a read).
//
//go:noinline
func readCtx(vp unsafe.Pointer, reads []ctxRead, e *Env) {
	for i := range reads {
		x := &reads[i]
		c := &e.CtxVals[x.slot]
		p := (*Value)(unsafe.Add(vp, x.to))
		if x.id < 0 {
			p.K, p.I, p.S = c.K, c.I, c.S
			continue
		}
		if c.K != stdlib.Object || unsafe.StringData(c.S) == nil {
			p.K, p.I, p.S = stdlib.Null, 0, ""
			continue
		}
		o := (*stdlib.Obj)(unsafe.Pointer(unsafe.StringData(c.S))) // as c.Obj() gives it
		id := int(x.id)
		if id >= len(e.hints) {
			readCtxSlow(vp, reads[i:], e)
			return
		}
		h := &e.hints[id]
		var v Value
		if h.tab == nil {
			ks := o.Keys
			if h.pos >= len(ks) || unsafe.StringData(ks[h.pos]) != h.key || len(ks[h.pos]) != len(x.name) {
				readCtxSlow(vp, reads[i:], e)
				return
			}
			v = o.Vals[h.pos]
		} else {
			k := int(c.I >> 1)
			if c.I&stdlib.Frozen == 0 || !h.tab.RowAt(o, k) {
				readCtxSlow(vp, reads[i:], e)
				return
			}
			switch {
			case h.col != nil:
				v = h.col[k]
			case h.text != nil:
				v = h.text.At(k)
			default:
				v = h.uniq[h.idx[k]]
			}
		}
		p.K, p.I, p.S = v.K, v.I, v.S
	}
}

// readCtxSlow reads reads[0], a key of an object in a ctx slot, by
// searching the object's keys (and remembering where, see Env.hint),
// then the reads after it with readCtx.
//
//go:noinline
func readCtxSlow(vp unsafe.Pointer, reads []ctxRead, e *Env) {
	x := &reads[0]
	v := e.findField(e.CtxVals[x.slot], int(x.id), x.name)
	p := (*Value)(unsafe.Add(vp, x.to))
	p.K, p.I, p.S = v.K, v.I, v.S
	readCtx(vp, reads[1:], e)
}

// nonFinite records that field l drew a float that is not a finite number
// (lognormal(1000, 1) overflows): no sink can write it as one (JSON has no
// infinity; CSV and Parquet would each write something else).
func (w *worker) nonFinite(l *cexpr, v Value) {
	w.env.fail(l.rng, "Invalid number", fmt.Sprintf("%s gives %s, which is not a finite number: a field's value must be one.",
		cexprText(w.p, l), v.String()))
}

// chooseTransition applies a state's transition blocks: the first eligible
// guarded or probabilistic one in order; else a weighted draw among the
// eligible weighted ones; else otherwise (end when absent).
func chooseTransition(st *StatePlan, e *Env) int {
	for i := range st.seq {
		t := &st.seq[i]
		if t.when != nil && !t.when.eval(e).Truthy() {
			continue
		}
		if t.prob == nil {
			return t.target
		}
		p := t.prob.eval(e)
		if pr := p.Num(); p.K != stdlib.Int && p.K != stdlib.Float || !(pr >= 0 && pr <= 1) {
			e.badProbability(t.prob, p)
			continue
		}
		if e.R.Float64() < p.Num() {
			return t.target
		}
	}
	if st.wSums != nil {
		return chooseWeighted(st, e)
	}
	if n := len(st.weighted); n > 0 {
		// Guards are evaluated once each (they may draw).
		var buf [16]float64
		ws := buf[:0]
		if n > len(buf) {
			ws = make([]float64, 0, n)
		}
		sum := 0.0
		for i := range st.weighted {
			t := &st.weighted[i]
			w := 0.0
			if t.when == nil || t.when.eval(e).Truthy() {
				w = t.weight
			}
			ws = append(ws, w)
			sum += w
		}
		if sum > 0 {
			u := e.R.Float64() * sum
			last := -1
			for i, w := range ws {
				if w <= 0 {
					continue
				}
				last = i
				if u < w {
					return st.weighted[i].target
				}
				u -= w
			}
			return st.weighted[last].target // rounding at the top end
		}
	}
	return st.otherwise
}

// chooseWeighted is chooseTransition's weighted draw for a state whose
// sums are known (StatePlan.wSums): only the whens are evaluated, in
// order (they may draw), and the failed ones kept as bits, rather than
// every weight copied into a buffer and summed (recipe's list view and
// click, 125 M Ir in chooseTransition, mostly that loop). The draw and
// its walk are the general one's, so the choice is the same.
func chooseWeighted(st *StatePlan, e *Env) int {
	var failed uint64 // by position in weighted
	m := 0            // by guard, indexing wSums
	for j, i := range st.wGuards {
		if !st.weighted[i].when.eval(e).Truthy() {
			failed |= 1 << uint(i)
			m |= 1 << uint(j)
		}
	}
	sum := st.wSums[m]
	if !(sum > 0) {
		return st.otherwise
	}
	u := e.R.Float64() * sum
	last := -1
	for i := range st.weighted {
		t := &st.weighted[i]
		if t.weight <= 0 || failed&(1<<uint(i)) != 0 {
			continue
		}
		last = i
		if u < t.weight {
			return t.target
		}
		u -= t.weight
	}
	return st.weighted[last].target // rounding at the top end
}

// leadSinks marks, for each sink, whether it is the first active sink of
// some emit: an emit's record is written to each of its active sinks (in
// a run, every sink of its stream), one entry each in ascending sink
// order, so the lead's entry is the record's first and the entries of
// lead sinks count records (--rate, progress) rather than sink writes.
// nil when no emit has two active sinks: every entry is then a record.
func leadSinks(p *Plan, active []bool) []bool {
	lead := make([]bool, len(p.Sinks))
	shared := false
	for _, f := range p.Flows {
		for _, st := range f.States {
			for _, em := range st.Emits {
				first := true
				for _, si := range em.sinks {
					switch {
					case !active[si]:
					case first:
						lead[si], first = true, false
					default:
						shared = true
					}
				}
			}
		}
	}
	if !shared {
		return nil
	}
	return lead
}

// pacer implements --speed, --rate and interval flushes in the merging
// goroutine, where records pass in time order.
type pacer struct {
	speed, rate float64
	from        int64
	start       time.Time
	// n is the records paced so far (--rate): a record counts at its
	// first sink's entry (lead), whatever the number of sinks.
	n        int64
	lead     []bool // leadSinks; nil: every entry is a record
	interval int64
	boundary int64
	// failed is the sink whose Flush or FlushNow failed wait, or -1.
	failed int
	// now and sleep are the wall clock (tests replace them).
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newPacer(ro RunOptions, p *Plan, lead []bool) *pacer {
	if ro.Speed <= 0 && ro.Rate <= 0 && ro.Interval <= 0 {
		return nil // nothing to pace: the merge does not call it
	}
	pc := &pacer{speed: ro.Speed, rate: ro.Rate, from: ro.From, lead: lead, interval: ro.Interval, failed: -1,
		now: time.Now, sleep: sleepCtx}
	pc.start = pc.now()
	if pc.interval > 0 {
		pc.boundary = ro.From + pc.interval
	}
	return pc
}

// sleepCtx waits for d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// flushStreaming flushes the sinks read as they are written (stdout).
func (pc *pacer) flushStreaming(p *Plan, active []bool) error {
	for i, s := range p.Sinks {
		if f, ok := s.Sink.(sinks.Streaming); ok && active[i] {
			if err := f.FlushNow(); err != nil {
				pc.failed = i
				return s.fail(err)
			}
		}
	}
	return nil
}

// TimeLimitGrace is how long a run that reached its time limit waits for
// brokers and databases to confirm what they were sent before it reports
// the rest as undelivered (a broker gone away would hold it for its
// delivery_timeout, a locked table for ever).
var TimeLimitGrace = 5 * time.Second

// giveUpAt is the channel that tells delivering sinks to stop waiting:
// closed when ro.GiveUp is, or TimeLimitGrace after ctx reaches the time
// limit. end releases its goroutine when the run is over.
func giveUpAt(ctx context.Context, ro RunOptions) (<-chan struct{}, func()) {
	if ro.TimeLimit <= 0 {
		return ro.GiveUp, func() {}
	}
	out, done := make(chan struct{}), make(chan struct{})
	graceFor := TimeLimitGrace // read here, where the caller set it
	go func() {
		ctxDone := ctx.Done()
		var grace <-chan time.Time
		for {
			select {
			case <-ro.GiveUp: // nil: never
				close(out)
				return
			case <-ctxDone:
				ctxDone = nil
				var tl *TimeLimitError
				if errors.As(context.Cause(ctx), &tl) {
					grace = time.After(graceFor)
				}
			case <-grace:
				close(out)
				return
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(done) }) }
}

// paceDelay converts a delay in nanoseconds to a Duration, saturating: a
// very slow --speed or --rate (1e-9) asks for more than a Duration holds,
// and converting such a float is undefined (on amd64 it gives the most
// negative Duration, and the record would be written at once).
func paceDelay(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}

// wait holds the entry for sink at time ts back until it is due, and
// flushes at the interval boundaries it passes. Only a record's first
// entry waits: its other sinks' entries follow it at once, so --rate
// counts records, not sink writes.
func (pc *pacer) wait(ctx context.Context, ts int64, sink uint32, p *Plan, active []bool) error {
	if pc.interval > 0 {
		for ts >= pc.boundary {
			for i, s := range p.Sinks {
				if f, ok := s.Sink.(Flusher); ok && active[i] {
					if err := f.Flush(); err != nil {
						pc.failed = i
						return s.fail(err)
					}
				}
			}
			if err := pc.flushStreaming(p, active); err != nil {
				return err
			}
			pc.boundary += pc.interval
		}
	}
	if pc.lead != nil && !pc.lead[sink] {
		return nil // the record's first entry waited for it
	}
	var due time.Time
	if pc.speed > 0 {
		due = pc.start.Add(paceDelay(float64(ts-pc.from) / pc.speed * float64(time.Millisecond)))
	}
	if pc.rate > 0 {
		if d := pc.start.Add(paceDelay(float64(pc.n) / pc.rate * float64(time.Second))); d.After(due) {
			due = d
		}
		pc.n++
	}
	if due.IsZero() {
		return nil
	}
	if d := due.Sub(pc.now()); d > time.Millisecond {
		// What is written so far is due now: a reader at the other end
		// of standard output gets it before the wait, not when the
		// buffer fills.
		if err := pc.flushStreaming(p, active); err != nil {
			return err
		}
		return pc.sleep(ctx, d)
	}
	return nil
}
