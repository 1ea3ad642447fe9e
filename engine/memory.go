package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// The memory model. A run holds every actor of its shard from the start
// (each with its attributes, actor memory, children and one runner per
// flow), the datasets, the workers' chunk buffers and the sinks' buffers.
// Sizes come from the structs themselves (unsafe.Sizeof, rounded to Go's
// size classes) and from a sample of actors built as the run builds them,
// so that string attributes and random child counts are measured rather
// than guessed; when their flows remember values across sessions, the
// sample is also run over the window (probeMemory), so that remembered
// lists count for what the window's events put in them, not for their
// cap. The live total is turned into a resident set with two
// constants calibrated against /usr/bin/time on scenarios/clickstream.hcl
// (docs/robustness.md): RSS = memBase + memHeapFactor × live.
const (
	// memBase is the resident set of a run with a single actor: the Go
	// runtime, the binary and the compiled plan (22 MB measured).
	memBase = 24 << 20
	// memHeapFactor covers the garbage collector's headroom (GOGC=100
	// lets the heap grow to twice the live data between collections) and
	// the fragmentation of many small objects. It is the bound for
	// scenarios that allocate per event (recipe's sampled lists): their
	// heap does reach about twice the live data. Scenarios that do not
	// allocate per event stay well under it: clickstream's peak RSS grows
	// by 208 bytes per actor between 250 000 and 1 000 000 actors for 192
	// estimated live bytes (1.08).
	memHeapFactor = 1.8
	// memSample is how many root actors of each entity are built to
	// measure their size.
	memSample = 64
	// memStringGuess is the payload assumed for a string held in a
	// flow's context or session cache, which the sample cannot see.
	memStringGuess = 24
	// memListGuess is the length assumed for a remembered list that
	// append() grows without a max, when probeMemory cannot say.
	memListGuess = 64
	// memListMax caps the length counted for append(…, max), when
	// probeMemory cannot say.
	memListMax = 4096
)

// MemoryPart is one contribution to a run's estimated peak memory.
type MemoryPart struct {
	What  string
	Bytes int64
}

// MemoryEstimate is a run's estimated peak resident memory.
type MemoryEstimate struct {
	Total int64        // what the process is expected to reach
	Parts []MemoryPart // live data and buffers before the heap factor, largest first

	// For the shard count that would fit (MemoryError): the live bytes
	// that do not depend on the shard count, and each root entity's
	// actors of the whole run (after MaxActors) with their bytes each.
	fixed  int64
	actors []actorShare
}

type actorShare struct {
	n   int64
	per float64
}

// withShards is the estimate's Total for a run split into shards shards.
func (m MemoryEstimate) withShards(shards int64) int64 {
	live := m.fixed
	for _, a := range m.actors {
		n := a.n/shards + int64(b2i(a.n%shards != 0))
		live = satAdd(live, satMul(n, a.per))
	}
	return satAdd(memBase, heapBound(live))
}

// fitShards is the least shard count above shards whose largest shard
// fits in avail, or 0 when none does (what does not depend on the
// actors needs more than avail by itself).
func (m MemoryEstimate) fitShards(shards, avail int64) int64 {
	most := int64(1) << 40
	if m.withShards(most) > avail {
		return 0
	}
	lo, hi := max(shards, 1), most // withShards(lo) > avail >= withShards(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if m.withShards(mid) <= avail {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// MemoryUser is implemented by sinks that hold buffers of their own
// (files being compressed, Parquet row groups, unacknowledged Kafka
// records, COPY chunks), so that the estimate can count them.
type MemoryUser = sinks.MemoryUser

// EstimateMemory estimates the peak memory of running the plan with ro
// (its shard, actor cap, workers and sinks matter).
func (p *Plan) EstimateMemory(ro RunOptions) MemoryEstimate {
	workers := ro.Workers
	if workers <= 0 {
		workers = DefaultWorkers()
	}
	shards := max(ro.Shards, 1)
	var parts []MemoryPart
	var actors []actorShare
	actorBytes := int64(0)
	for _, ep := range p.Entities {
		if ep.Parent != nil || !ep.hasFlows() {
			continue
		}
		n := ep.Count
		if ro.MaxActors > 0 && n > ro.MaxActors {
			n = ro.MaxActors
		}
		// The largest shard's share, rounded up (n + shards - 1 would
		// overflow with --shard i/N for N near the largest int).
		whole := n
		n = n/int64(shards) + int64(b2i(n%int64(shards) != 0))
		per := p.bytesPerActor(ep, ro.To)
		parts = append(parts, MemoryPart{
			What:  fmt.Sprintf("entity %q: %d actors × %s", ep.Name, n, humanSize(int64(per))),
			Bytes: satMul(n, per),
		})
		actors = append(actors, actorShare{n: whole, per: per})
		actorBytes = satAdd(actorBytes, satMul(n, per))
	}
	for _, d := range p.Datasets {
		parts = append(parts, MemoryPart{What: fmt.Sprintf("dataset %q: %d rows", d.Name, d.Rows()), Bytes: datasetBytes(d)})
	}
	chunk := int64(chunkEnts)*int64(unsafe.Sizeof(entry{})) + chunkBytes*5/4
	parts = append(parts, MemoryPart{What: fmt.Sprintf("%d workers' record chunks", workers),
		Bytes: int64(workers) * (chanDepth + 2) * chunk})
	for i, s := range p.Sinks {
		if ro.Sinks != nil && !contains(ro.Sinks, s.Name) {
			continue
		}
		if m, ok := s.Sink.(MemoryUser); ok {
			parts = append(parts, MemoryPart{What: fmt.Sprintf("sink %q buffers", p.Sinks[i].Name), Bytes: m.MemoryBytes()})
		}
		if fp, ok := s.Sink.(sinks.FieldPartitioned); ok && len(fp.PartitionFields()) > 0 {
			parts = append(parts, p.partitionFiles(s, fp))
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Bytes > parts[j].Bytes })
	live := int64(0)
	for _, pt := range parts {
		live = satAdd(live, pt.Bytes)
	}
	total := satAdd(memBase, heapBound(live))
	return MemoryEstimate{Total: total, Parts: parts, fixed: live - actorBytes, actors: actors}
}

// heapBound is the most the heap reaches for live bytes of live data:
// the garbage collector lets it grow by at least gcHeadroom between
// collections (TuneGC), and to memHeapFactor times the live data.
func heapBound(live int64) int64 {
	return max(int64(min(float64(live)*memHeapFactor, float64(1<<62))), satAdd(live, gcHeadroom))
}

// bytesPerActor builds the first actors of a root entity, as a worker
// does, and measures them with their descendants and runners. Of an
// actor's children it builds at most memKidSample per child entity and
// counts the others as their average: a city's first 64 actors with all
// their merchants were every merchant of the scenario, built once more
// before the first event.
func (p *Plan) bytesPerActor(ep *EntityPlan, to int64) float64 {
	return p.bytesPerActorKids(ep, memKidSample, to)
}

// bytesPerActorKids is bytesPerActor building at most kidSample children
// per child entity of an actor (0: all of them). When the actors (or
// their children) remember values across sessions, the sample is run
// through its flows up to to (probeMemory), so that what memory holds is
// measured rather than assumed full.
func (p *Plan) bytesPerActorKids(ep *EntityPlan, kidSample int, to int64) float64 {
	if ep.remembers() {
		if m, ok := p.probeMemory(ep, min(ep.Count, memProbeSample), kidSample, to, memProbeSteps); ok {
			return m.perActor()
		}
	}
	return p.bytesBuilt(ep, kidSample)
}

// bytesBuilt measures the first actors of ep as they are built, before
// any event: remembered lists are assumed full (memElem).
func (p *Plan) bytesBuilt(ep *EntityPlan, kidSample int) float64 {
	k := min(ep.Count, memSample)
	if k <= 0 {
		return 0
	}
	var env Env
	env.tf = stdlib.NewTimeFormatter(p.Loc)
	env.kidSample = kidSample
	env.sampled = map[*actor][]int64{}
	sz := actorSizer{sampled: env.sampled}
	total := int64(0)
	for i := int64(0); i < k; i++ {
		a := p.buildActor(&env, ep, i, nil, 0, true)
		if env.fault != nil {
			// The run reports it; the estimate makes do with the actors
			// built before.
			return float64(total) / float64(max(i, 1))
		}
		total += sz.bytes(a, ep)
		env.ResetArena()
	}
	return float64(total) / float64(k)
}

// memKidSample is how many children of each entity bytesPerActor builds
// per actor.
const memKidSample = 16

// memProbe is what probeMemory measured, per actor.
type memProbe struct {
	other float64 // everything but memory
	mem   float64 // memory: the mean of the most each actor held
	se    float64 // the standard error of mem
}

// perActor is the bytes counted per actor: memory with its margins.
func (m memProbe) perActor() float64 {
	return m.other + memProbeMargin*(m.mem+memProbeZ*m.se)
}

// probeMemory measures k actors of ep whose flows remember values: it
// builds them as bytesBuilt does and runs their timelines up to to
// (writing nothing), noting the most each memory slot of each actor held,
// which is counted instead of full lists. A list that append() caps at 50
// holds, over a one-day window, the few values a day's events put in it.
//
// Memory is what varies most between actors (a power user bookmarks ten
// times more than a passive one): perActor counts its mean with a margin
// of memProbeZ standard errors of the sample mean (none when the sample
// is the whole entity), times memProbeMargin. ok is false when the probe
// could not say: the flows failed, or they took more than maxSteps
// events; the estimate then assumes full lists.
func (p *Plan) probeMemory(ep *EntityPlan, k int64, kidSample int, to int64, maxSteps int) (m memProbe, ok bool) {
	if k <= 0 {
		return m, false
	}
	if to <= p.Start || to > p.End {
		to = p.End
	}
	ro := RunOptions{Workers: 1, Shards: 1, From: to, To: to}
	// The sample is simulated on up to memProbeWorkers cores, actor i on
	// worker i mod parts (an actor's timeline does not depend on the
	// others, as a run's output does not depend on --workers): every run
	// waits for the probe before its first event, with its other cores
	// idle (recipe with 10 users: the probe was 13 % of the samples of
	// perf record, as much as the run after it).
	parts := min(int64(runtime.GOMAXPROCS(0)), memProbeWorkers, k)
	ws := make([]*worker, parts)
	actors := make([]*actor, k)
	failed := make([]bool, parts)
	var steps atomic.Int64 // the steps all workers took, by 1024
	var wg sync.WaitGroup
	for j := range ws {
		w := newWorker(p, 0, ro, make([]bool, len(p.Sinks)), make(chan *chunk, 1), nil)
		w.env.kidSample = kidSample
		w.env.sampled = map[*actor][]int64{}
		w.memPeak = map[*actor][]int64{}
		w.maxSteps = maxSteps
		w.probeSteps = &steps
		ws[j] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(j); i < k; i += parts {
				a := p.buildActor(&w.env, ep, i, nil, 0, true)
				if w.env.fault != nil {
					failed[j] = true
					return
				}
				w.startActor(ep, a)
				if w.env.fault != nil {
					failed[j] = true
					return
				}
				actors[i] = a
			}
			failed[j] = w.simulate(context.Background()) != nil
		}()
	}
	wg.Wait()
	taken := int64(0)
	for j, w := range ws {
		if failed[j] {
			return m, false
		}
		taken += int64(w.steps)
	}
	if taken >= int64(maxSteps) && maxSteps > 0 {
		// As many steps as one worker would have stopped at.
		return m, false
	}
	sizers := make([]actorSizer, parts)
	for j, w := range ws {
		sizers[j] = actorSizer{sampled: w.env.sampled, peak: w.memPeak}
	}
	var total, sum, sumSq float64
	for i, a := range actors {
		sz := &sizers[int64(i)%parts]
		sz.mem = 0
		total += float64(sz.bytes(a, ep))
		x := float64(sz.mem)
		sum += x
		sumSq += x * x
	}
	n := float64(k)
	m.other, m.mem = (total-sum)/n, sum/n
	if k > 1 && k < ep.Count {
		variance := max(sumSq-n*m.mem*m.mem, 0) / (n - 1)
		m.se = math.Sqrt(variance/n) * math.Sqrt(1-n/float64(ep.Count))
	}
	return m, true
}

const (
	// memProbeSample is how many actors probeMemory runs: every run pays
	// for it before its first event (recipe, a quarter: 16 actors are
	// about 13 000 events, 1 % of the run's instructions; 64 were 7 %
	// with 400 users), and the margin of memProbeZ standard errors covers
	// the smaller sample.
	memProbeSample = 16
	// memProbeWorkers is how many workers probeMemory simulates its
	// sample on, at most.
	memProbeWorkers = 2
	// memProbeSteps bounds the events probeMemory simulates (an eighth
	// of a second of recipe); a sample that would take more is assumed to
	// fill its lists.
	memProbeSteps = 1 << 18
	// memProbeZ is the margin on remembered memory, in standard errors
	// of the sample's mean: the population's mean exceeds it about once
	// in 700 estimates.
	memProbeZ = 3
	// memProbeMargin multiplies the remembered memory measured. Each
	// remember copies the value to the heap and drops the copy before
	// it, so a run that fills lists allocates per event and its heap
	// reaches the heap factor's bound (recipe over three months: peak
	// RSS 0.90 to 0.94 of the estimate without this margin, 0.77 to 0.79
	// with it).
	memProbeMargin = 1.5
)

var errProbeBudget = errors.New("the memory probe ran out of steps")

// notePeak records what slot i of a's memory holds, when it is the most
// it held so far.
func (w *worker) notePeak(a *actor, i int) {
	pk := w.memPeak[a]
	if pk == nil {
		pk = make([]int64, len(a.x.mem))
		w.memPeak[a] = pk
	}
	pk[i] = max(pk[i], valuePayload(&a.x.mem[i]))
}

// remembers reports whether the flows of ep or of its descendants write
// actor memory.
func (ep *EntityPlan) remembers() bool {
	if len(ep.memNames) > 0 && len(ep.Flows) > 0 {
		return true
	}
	for _, c := range ep.Children {
		if c.remembers() {
			return true
		}
	}
	return false
}

// actorSizer measures actors. sampled holds, for an actor whose children
// were cut to a sample, how many of each child entity it declared; peak,
// when the actors' flows were run (probeMemory), the most each memory
// slot held, and mem adds up what memory was counted for.
type actorSizer struct {
	sampled map[*actor][]int64
	peak    map[*actor][]int64
	mem     int64
}

// bytes is the memory an actor holds with its children and the runners
// of their flows.
func (sz *actorSizer) bytes(a *actor, ep *EntityPlan) int64 {
	valueSize := int64(unsafe.Sizeof(Value{}))
	n := actorBlockBytes(len(ep.attrs)) + payload(a.vals(len(ep.attrs)))
	if x := a.x; x != nil {
		n += extBlockBytes(len(x.cons), len(ep.Children))
		n += class(int64(cap(x.mem)) * valueSize)
		for i := range x.mem {
			var m int64
			switch {
			case sz.peak != nil:
				// Measured: the most the slot held (nothing when no
				// state remembering it ran).
				if pk := sz.peak[a]; i < len(pk) {
					m = pk[i]
				}
			case ep.memElem(i) > 1:
				// A remembered list, assumed full: its elements and its
				// object, each element with a string's worth of payload.
				k := ep.memElem(i)
				m = class(int64(unsafe.Sizeof(stdlib.Obj{}))) + class(k*valueSize) + k*memStringGuess
			default:
				m = memStringGuess
			}
			n += m
			sz.mem += m
		}
		n += class(int64(cap(x.exp)) * 2)
		if len(ep.Children) > 1 || len(x.cons) > 2 {
			n += class(int64(cap(x.kids)) * valueSize) // not in the extension's block
		}
		n += class(int64(cap(x.kidActors)) * int64(unsafe.Sizeof([]*actor{})))
		for ci, kids := range x.kidActors {
			if ci >= len(ep.Children) {
				break
			}
			// The children's rows: a frozen list (one block) of rows, each
			// a block with a copy of the child's attributes (tableRow).
			row := objBlockBytes(len(ep.Children[ci].attrs))
			each, mem0 := int64(0), sz.mem
			for _, kid := range kids {
				each += row + sz.bytes(kid, ep.Children[ci])
			}
			count := int64(len(kids))
			if d := sz.sampled[a]; ci < len(d) && d[ci] > count && count > 0 {
				// The sample's average, for every child.
				each = each * d[ci] / count
				sz.mem = mem0 + (sz.mem-mem0)*d[ci]/count
				count = d[ci]
			}
			n += class(count*8) + objBlockBytes(int(count)) + each
		}
	}
	for _, fp := range ep.Flows {
		n += runnerBytes(fp)
	}
	return n
}

// actorBlockBytes is what newActor allocates for n attributes.
func actorBlockBytes(n int) int64 {
	self := int64(unsafe.Sizeof(actor{}))
	if n <= 2 {
		return class(self + int64(n)*int64(unsafe.Sizeof(Value{})))
	}
	return valuesBlockBytes(self, self, n)
}

// valuesBlockBytes is a block of head bytes followed by room for n values
// (4, 8, 12 or 16), or, for more, an object of alone bytes and its values
// apart: the layouts of newActor and blockObj.
func valuesBlockBytes(head, alone int64, n int) int64 {
	vs := int64(unsafe.Sizeof(Value{}))
	for _, room := range []int{4, 8, 12, 16} {
		if n <= room {
			return class(head + int64(room)*vs)
		}
	}
	return class(alone) + class(int64(n)*vs)
}

// extBlockBytes is what newExt allocates for k constraint states and the
// list of kids child entities (an extension made for neither has none).
func extBlockBytes(k, kids int) int64 {
	self := int64(unsafe.Sizeof(actorExt{}))
	cs := int64(unsafe.Sizeof(consState{}))
	vs := int64(unsafe.Sizeof(Value{}))
	switch {
	case k == 0 && kids == 0:
		return class(self)
	case kids == 1 && k <= 2:
		return class(self + 2*cs + vs)
	case kids == 0 && k <= 2:
		return class(self + 2*cs)
	case kids == 0 && k <= 4:
		return class(self + 4*cs)
	}
	return class(self) + class(int64(k)*cs)
}

// objBlockBytes is what blockObj allocates for n values: the object
// padded to a cache line, then the values.
func objBlockBytes(n int) int64 {
	return valuesBlockBytes(64, int64(unsafe.Sizeof(stdlib.Obj{})), n)
}

// runnerBytes is one (actor, flow) timeline: the runner (its share of a
// block, newRunner) and its slot,
// counted twice: the array the runners start in is held until the last
// window that still has runners from it opens, while the runners it
// scheduled later sit in the timeline's blocks (see timeline). Session
// context and caches are pooled per worker and held only by runners
// inside a session, so they are not counted per actor.
func runnerBytes(fp *FlowPlan) int64 {
	return int64(8192/runnerBlock) + 2*int64(unsafe.Sizeof(slot{}))
}

// payload is what values point to outside themselves. Frozen lists and
// objects are shared (constants, dataset rows) and cost nothing.
func payload(vs []Value) int64 {
	n := int64(0)
	for i := range vs {
		n += valuePayload(&vs[i])
	}
	return n
}

func valuePayload(v *Value) int64 {
	switch v.K {
	case stdlib.String:
		return class(int64(len(v.S)))
	case stdlib.List, stdlib.Object:
		// A list's elements, like an object's values, sit behind O.
		if v.I&stdlib.Frozen != 0 || v.Obj() == nil {
			return 0
		}
		return class(int64(unsafe.Sizeof(stdlib.Obj{}))) + class(int64(len(v.Obj().Vals))*int64(unsafe.Sizeof(Value{}))) + payload(v.Obj().Vals)
	}
	return 0
}

// datasetBytes counts a dataset's rows (objects over a flat value array),
// its per-column copies and its strings.
func datasetBytes(d *DatasetPlan) int64 {
	valueSize := int64(unsafe.Sizeof(Value{}))
	rows, cols := int64(d.Rows()), int64(len(d.Columns))
	n := rows * (valueSize + int64(unsafe.Sizeof(stdlib.Obj{})) + 2*cols*valueSize)
	for _, r := range d.rows.List() {
		if r.Obj() != nil {
			for i := range r.Obj().Vals {
				if r.Obj().Vals[i].K == stdlib.String {
					n += class(int64(len(r.Obj().Vals[i].S)))
				}
			}
		}
	}
	return n
}

// class rounds an allocation up as Go's allocator does, approximately:
// to 16 bytes up to 256, then to an eighth of the power of two above.
func class(n int64) int64 {
	switch {
	case n <= 0:
		return 0
	case n <= 256:
		return (n + 15) &^ 15
	}
	if n > 1<<60 {
		return n // beyond any size class (and safe from overflow below)
	}
	p := int64(256)
	for p < n {
		p <<= 1
	}
	step := p / 8
	return (n + step - 1) / step * step
}

func satMul(n int64, per float64) int64 {
	return int64(min(float64(n)*per, float64(1<<62)))
}

func satAdd(a, b int64) int64 {
	if a > 1<<62-b {
		return 1 << 62
	}
	return a + b
}

// Summary says the estimate in one line.
func (m MemoryEstimate) Summary() string {
	if len(m.Parts) == 0 {
		return humanSize(m.Total)
	}
	var top []string
	for i, pt := range m.Parts {
		if i == 3 || pt.Bytes < m.Parts[0].Bytes/100 {
			break
		}
		top = append(top, fmt.Sprintf("%s (%s)", pt.What, humanSize(pt.Bytes)))
	}
	return fmt.Sprintf("%s, mostly %s", humanSize(m.Total), strings.Join(top, ", "))
}

// describeMemory is the memory block of `scen plan`.
func (p *Plan) describeMemory(w io.Writer) {
	m := p.EstimateMemory(RunOptions{})
	fmt.Fprintf(w, "\nmemory\n  estimated peak %s with %d workers (scen run refuses more than the machine has available)\n",
		humanSize(m.Total), DefaultWorkers())
	live := int64(0)
	for _, pt := range m.Parts {
		fmt.Fprintf(w, "  %-10s %s\n", humanSize(pt.Bytes), pt.What)
		live = satAdd(live, pt.Bytes)
	}
	// The parts alone do not add up to the peak: say how they make it.
	if float64(live)*memHeapFactor >= float64(live+gcHeadroom) {
		fmt.Fprintf(w, "  (peak = %s of the above × %.1f for the garbage collector's headroom + %s for the runtime and the plan)\n",
			humanSize(live), memHeapFactor, humanSize(memBase))
		return
	}
	fmt.Fprintf(w, "  (peak = %s of the above + %s the garbage collector lets the heap grow by + %s for the runtime and the plan)\n",
		humanSize(live), humanSize(gcHeadroom), humanSize(memBase))
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// MemoryError refuses a run whose estimated peak memory exceeds what the
// machine has available.
type MemoryError struct {
	Estimate  MemoryEstimate
	Available int64
	Source    string // where Available was read
	// Shards is the run's shard count (1 when not sharded); FitShards
	// the least that would fit in Available, 0 when no count would.
	Shards, FitShards int64
}

func (e *MemoryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the run would need about %s of memory, more than the %s available (%s)",
		humanSize(e.Estimate.Total), humanSize(e.Available), e.Source)
	for i, pt := range e.Estimate.Parts {
		if i == 3 {
			break
		}
		fmt.Fprintf(&b, "\n  %-10s %s", humanSize(pt.Bytes), pt.What)
	}
	switch {
	case e.FitShards == 0:
		fmt.Fprintf(&b, "\nLower the counts (--var), or run anyway with --force: what does not depend on the actors needs more than the %s available by itself, so shards would not help.",
			humanSize(e.Available))
	case e.Shards > 1:
		fmt.Fprintf(&b, "\nLower the counts (--var), split the run into more shards (this is one of %d; with --shard i/%d or more, each would fit here), or run anyway with --force.",
			e.Shards, e.FitShards)
	default:
		fmt.Fprintf(&b, "\nLower the counts (--var), split the run into shards (--shard i/N, one machine each; N = %d or more would fit here), or run anyway with --force.",
			e.FitShards)
	}
	return b.String()
}

// CheckMemory returns a *MemoryError when the run's estimated peak memory
// exceeds what the machine has available (see AvailableMemory).
func (p *Plan) CheckMemory(ro RunOptions) error {
	avail, src, ok := AvailableMemory()
	if !ok {
		return nil
	}
	return p.checkMemory(ro, avail, src)
}

func (p *Plan) checkMemory(ro RunOptions, avail int64, src string) error {
	m := p.EstimateMemory(ro)
	if m.Total <= avail {
		return nil
	}
	shards := int64(max(ro.Shards, 1))
	return &MemoryError{Estimate: m, Available: avail, Source: src, Shards: shards, FitShards: m.fitShards(shards, avail)}
}

// AvailableMemory is the memory a run may use: MemAvailable from
// /proc/meminfo (MemTotal on kernels without it), or less when a cgroup
// (a container's limit) allows less. ok is false when nothing could be
// read (not Linux).
func AvailableMemory() (bytes int64, source string, ok bool) {
	info := readMeminfo("/proc/meminfo")
	if v, found := info["MemAvailable"]; found {
		bytes, source, ok = v, "MemAvailable in /proc/meminfo", true
	} else if v, found := info["MemTotal"]; found {
		bytes, source, ok = v, "MemTotal in /proc/meminfo", true
	}
	if limit, src, found := cgroupRoom(); found && (!ok || limit < bytes) {
		bytes, source, ok = limit, src, true
	}
	return bytes, source, ok
}

// readMeminfo reads /proc/meminfo's "Name: N kB" lines, in bytes.
func readMeminfo(path string) map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && fields[1] == "kB" {
			v <<= 10
		}
		out[name] = v
	}
	return out
}

// cgroupRoom is the cgroup's memory limit minus its usage (cgroup v2, or
// v1), when there is a limit.
func cgroupRoom() (int64, string, bool) { return cgroupRoomAt("/sys/fs/cgroup") }

// cgroupRoomAt is cgroupRoom for the cgroup file system mounted at root.
// The usage a cgroup reports counts the page cache of the files its
// processes wrote or read, which the kernel reclaims when the cgroup
// needs the memory: a container that wrote 600 MB of output is charged
// for them until then. Its inactive part (inactive_file in memory.stat,
// total_inactive_file in cgroup v1) is not counted as used, as the
// kubelet counts a container's working set; otherwise every run after
// the first in a container would find its limit all but used up.
func cgroupRoomAt(root string) (int64, string, bool) {
	for _, c := range []struct{ limit, usage, stat, inactive string }{
		{"memory.max", "memory.current", "memory.stat", "inactive_file"},
		{"memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "memory/memory.stat", "total_inactive_file"},
	} {
		limitPath := filepath.Join(root, c.limit)
		limit, ok := readInt(limitPath)
		if !ok || limit <= 0 || limit >= 1<<60 {
			continue
		}
		usage, _ := readInt(filepath.Join(root, c.usage))
		if cache, ok := readStat(filepath.Join(root, c.stat), c.inactive); ok && cache > 0 {
			usage -= min(cache, usage)
		}
		return max(limit-usage, 0), "the cgroup limit in " + limitPath, true
	}
	return 0, "", false
}

// readStat reads the value of key in a cgroup's memory.stat ("key N"
// lines).
func readStat(path, key string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}

// memElem is how many values actor memory slot i may hold.
func (ep *EntityPlan) memElem(i int) int64 {
	if i < len(ep.memElems) {
		return ep.memElems[i]
	}
	return 1
}

// partitionFiles is the memory of a field-partitioned sink's open files
// beyond the first (which its MemoryBytes counts): one file per distinct
// combination of the {{field:NAME}} values is open at once, bounded by
// the product of the values each field can take (fieldValues). When a
// field's values are not known in advance (a fake name, a uuid, a
// number drawn from a distribution), the part says so and counts nothing:
// any count would be a guess.
func (p *Plan) partitionFiles(s *SinkPlan, fp sinks.FieldPartitioned) MemoryPart {
	per := fp.OpenFileBytes()
	var names []string
	for _, n := range fp.PartitionFields() {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	k := int64(1)
	for _, name := range names {
		n, ok := p.fieldValues(s.Stream, name)
		if !ok {
			return MemoryPart{What: fmt.Sprintf("sink %q: %s per open {{field:%s}} partition file, how many not known in advance (not counted)",
				s.Name, humanSize(per), name)}
		}
		k = satMul(k, float64(n))
	}
	tokens := "{{field:" + strings.Join(names, "}}/{{field:") + "}}"
	return MemoryPart{What: fmt.Sprintf("sink %q: up to %d open %s partition files × %s", s.Name, k, tokens, humanSize(per)),
		Bytes: satMul(max(k-1, 0), float64(per))}
}

// fieldValues bounds the distinct values the top-level field name of
// stream st takes, summed over the expressions that write it: an
// expression several emits share (a field of the flow's common block,
// merged into each emit) counts once, and so does the null of the emits
// without the field. ok is false when an emit's expression for it is not
// one exprValues can bound.
func (p *Plan) fieldValues(st *rec.Stream, name string) (int64, bool) {
	type source struct {
		ep   *EntityPlan
		rng  hcl.Range
		text string // for an expression of the actor alone: its text, rng zero
	}
	seen := map[source]bool{}
	total, null := int64(0), false
	for _, f := range p.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				if em.shape.Stream != st {
					continue
				}
				var field *rec.Field
				for _, fl := range em.shape.Fields {
					if fl.Name == name {
						field = fl
					}
				}
				if field == nil {
					null = true
					continue
				}
				if field.Kind != rec.Leaf {
					return 0, false
				}
				x := em.leaves[field.Slot]
				// In a module, the source's names are the module's (user,
				// dataset.places): read with the plan's (web.user …).
				src := p.sourceIn(x.rng, moduleOf(f.Name))
				k := source{ep: f.Entity, rng: x.rng}
				if actorOnly(f.Entity, src) {
					// The same text takes the same values in every emit
					// (country = customer.country in several).
					k = source{ep: f.Entity, text: normText(p.Files[x.rng.Filename].Bytes[x.rng.Start.Byte:x.rng.End.Byte], x.rng)}
				}
				if seen[k] {
					continue
				}
				seen[k] = true
				n, ok := p.exprValues(f.Entity, x, src, 0)
				if !ok {
					return 0, false
				}
				total = satAdd(total, n)
			}
		}
	}
	if null {
		total = satAdd(total, 1)
	}
	return max(total, 1), true
}

// actorOnly tells whether e reads nothing but the actor (its attributes,
// index) and constants: its values do not depend on the state, the
// session or the event that evaluates it.
func actorOnly(ep *EntityPlan, e hclsyntax.Expression) bool {
	if e == nil {
		return false
	}
	for _, t := range hclsyntax.Variables(e) {
		if r := t.RootName(); r != ep.Name && r != "actor" && r != "index" {
			return false
		}
	}
	return true
}

// exprValues bounds the distinct values of an expression (x compiled,
// src its source; either may be nil): a constant has one, a bool three
// (null included); weighted({…}) and choice([…]) with literal arguments
// as many as their keys or elements; uniform(a, b) of two literal ints
// b-a+1; a conditional the sum of its branches'; an actor attribute its
// expression's. ok is false otherwise.
func (p *Plan) exprValues(ep *EntityPlan, x *cexpr, src hclsyntax.Expression, depth int) (int64, bool) {
	if x != nil && x.isC {
		return 1, true
	}
	if x != nil && x.typ == stdlib.Bool {
		return 3, true
	}
	if src == nil || depth > 8 {
		return 0, false
	}
	switch e := src.(type) {
	case *hclsyntax.LiteralValueExpr:
		return 1, true
	case *hclsyntax.TemplateExpr:
		for _, part := range e.Parts {
			if _, ok := part.(*hclsyntax.LiteralValueExpr); !ok {
				return 0, false
			}
		}
		return 1, true
	case *hclsyntax.TemplateWrapExpr:
		return p.exprValues(ep, nil, e.Wrapped, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return p.exprValues(ep, nil, e.Expression, depth+1)
	case *hclsyntax.ConditionalExpr:
		a, ok := p.exprValues(ep, nil, e.TrueResult, depth+1)
		if !ok {
			return 0, false
		}
		b, ok := p.exprValues(ep, nil, e.FalseResult, depth+1)
		return satAdd(a, b), ok
	case *hclsyntax.FunctionCallExpr:
		if keys, _, ok := p.constWeighted(e); ok {
			return int64(len(keys)), true
		}
		switch {
		case e.Name == "choice" && len(e.Args) == 1:
			if t, ok := e.Args[0].(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) > 0 {
				return int64(len(t.Exprs)), true
			}
			// choice(dataset.NAME.COLUMN): the column's distinct values.
			if text := traversalText(e.Args[0]); strings.HasPrefix(text, "dataset.") {
				if i := strings.LastIndexByte(text, '.'); i > len("dataset") {
					return p.columnValues(text[len("dataset."):i], text[i+1:])
				}
			}
		case e.Name == "uniform" && len(e.Args) == 2:
			lo, ok1 := literalInt(e.Args[0])
			hi, ok2 := literalInt(e.Args[1])
			// uniform(0.0, 1.0) draws floats: its literals are whole
			// numbers, but written as floats.
			float := p.floatText(e.Args[0]) || p.floatText(e.Args[1])
			if ok1 && ok2 && !float && hi >= lo && hi-lo < 1<<40 {
				return hi - lo + 1, true
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		if ep == nil {
			break
		}
		// An attribute is drawn once per actor and index is the actor's:
		// neither takes more values than there are actors (a customer id
		// made from the index, a uuid attribute), however it is written.
		actors, counted := ep.Count, ep.Parent == nil && ep.Count > 0
		text := traversalText(e)
		if i := strings.LastIndexByte(text, '.'); i > 0 {
			// A column of a dataset row the actor holds: an attribute
			// home = sample_weighted(dataset.countries, "share") makes
			// user.home.country take at most the column's distinct values.
			if a := p.attrExpr(ep, text[:i]); a != nil {
				if ds := rowDataset(a); ds != "" {
					if n, ok := p.columnValues(ds, text[i+1:]); ok {
						if counted && actors < n {
							return actors, true
						}
						return n, true
					}
				}
			}
		}
		if text == "index" && counted {
			return actors, true
		} else if a := p.attrExpr(ep, text); a != nil {
			n, ok := p.exprValues(ep, nil, a, depth+1)
			if counted && (!ok || actors < n) {
				return actors, true
			}
			return n, ok
		}
	}
	return 0, false
}

// rowDataset is the dataset whose rows expression e draws
// (choice(dataset.NAME), sample_weighted(dataset.NAME, …),
// lookup(dataset.NAME, …)), or "".
func rowDataset(e hclsyntax.Expression) string {
	for {
		p, ok := e.(*hclsyntax.ParenthesesExpr)
		if !ok {
			break
		}
		e = p.Expression
	}
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || len(call.Args) == 0 {
		return ""
	}
	switch call.Name {
	case "choice", "sample_weighted", "lookup":
	default:
		return ""
	}
	if text := traversalText(call.Args[0]); strings.HasPrefix(text, "dataset.") {
		return text[len("dataset."):]
	}
	return ""
}

// columnValues is the number of distinct values (null included) of a
// dataset's column.
func (p *Plan) columnValues(dataset, column string) (int64, bool) {
	for _, d := range p.Datasets {
		if d.Name != dataset {
			continue
		}
		col, ok := d.column(column)
		if !ok {
			return 0, false
		}
		seen := map[string]bool{}
		for _, v := range col.List() {
			seen[v.K.String()+"\x00"+v.String()] = true
		}
		return max(int64(len(seen)), 1), true
	}
	return 0, false
}

// literalInt is the value of an integer literal (a negative one too).
// floatText tells whether the source of number literal e is written as a
// float (1.0, 1e3).
func (p *Plan) floatText(e hclsyntax.Expression) bool {
	r := e.Range()
	f := p.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return false
	}
	return strings.ContainsAny(string(f.Bytes[r.Start.Byte:r.End.Byte]), ".eE")
}

func literalInt(e hclsyntax.Expression) (int64, bool) {
	neg := false
	if u, ok := e.(*hclsyntax.UnaryOpExpr); ok && u.Op == hclsyntax.OpNegate {
		neg, e = true, u.Val
	}
	l, ok := e.(*hclsyntax.LiteralValueExpr)
	if !ok || l.Val.Type() != cty.Number || !l.Val.IsKnown() || l.Val.IsNull() {
		return 0, false
	}
	bf := l.Val.AsBigFloat()
	if !bf.IsInt() {
		return 0, false
	}
	i, acc := bf.Int64()
	if acc != big.Exact {
		return 0, false
	}
	if neg {
		i = -i
	}
	return i, true
}
