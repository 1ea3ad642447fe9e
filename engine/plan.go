// Package engine compiles a decoded scenario into an immutable Plan and runs
// it: a discrete-event simulation in parallel partitions of actors whose
// records are merged in (time, actor) order into the sinks.
package engine

import (
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
)

// Plan is a compiled scenario. It is immutable and shared by all workers.
type Plan struct {
	// emits is one more than the greatest emitPlan.id: the size of a
	// worker's table of record buffers (worker.vals).
	emits       int
	Name        string
	Seed        uint64
	Loc         *time.Location
	Start       int64  // ms since epoch, inclusive
	End         int64  // exclusive
	Runs        string // runs directory relative to --out; "" = none
	Vars        []VarValue
	Entities    []*EntityPlan
	Flows       []*FlowPlan
	Streams     []*rec.Stream
	Experiments []*ExperimentPlan
	Datasets    []*DatasetPlan
	Sinks       []*SinkPlan
	Constraints []*ConstraintPlan
	Files       map[string]*hcl.File
	Warnings    hcl.Diagnostics
	mods        *modIndex // places run-time errors inside modules
	// vars are all variables' values, modules' (qualified) included, for
	// what reads expressions after compiling (introspection).
	vars map[string]Value
}

// VarValue is a variable's resolved value and where it came from.
type VarValue struct {
	Name        string
	Value       Value
	FromCLI     bool
	Description string
}

// attrBad reports whether attribute i is on a reference cycle.
func (ep *EntityPlan) attrBad(i int) bool { return i < len(ep.attrFailed) && ep.attrFailed[i] }

// EntityPlan is a population of actors.
type EntityPlan struct {
	Name      string
	Index     int
	Count     int64
	AttrNames []string // declaration order
	attrIdx   map[string]int
	attrTypes []Kind
	// attrFailed: the attribute is on a reference cycle (reported), so
	// it has no value and its uses are follow-ons.
	attrFailed []bool
	failed     bool  // an error in its declaration was reported (see compiler.entity)
	order      []int // evaluation order (dependencies first)
	attrs      []*cexpr
	Flows      []*FlowPlan
	memNames   []string  // actor memory written by remember = { … }
	memElems   []int64   // per memory slot: how many values it may hold (memory estimate)
	memTypes   []ctxType // per memory slot: what it holds (see inferMemTypes)
	memTyped   bool      // memTypes inferred
	memIdx     map[string]int
	exps       []*ExperimentPlan // experiments whose unit is this entity

	// Parent is set for a child entity: every parent actor owns
	// childCount (drawn per parent) actors of this entity.
	Parent     *EntityPlan
	Children   []*EntityPlan // child entities, in declaration order
	childSlot  int           // position in Parent.Children
	childCount *cexpr
	depth      int // 0 for a root entity
	table      Value
	tableState int // 0 not built, 1 building, 2 built
	compiled   bool
	cons       []*ConstraintPlan // constraints over this entity's flows
}

// FlowPlan is a state machine run by every actor of one entity.
type FlowPlan struct {
	Name      string
	Index     int
	Entity    *EntityPlan
	States    []*StatePlan
	Initial   int
	sessCount *cexpr // nil: unlimited
	sessStart *cexpr // nil: scenario start
	sessEvery *cexpr // nil: right after the previous session
	maxEvents *cexpr // nil: no cap besides the safety cap
	// evLeft is what a session's event budget starts at when it is known
	// before the session (SafetyMaxEvents without max_events, else a
	// constant's, bounded as setupSession bounds a drawn one); 0 when
	// max_events is drawn per session.
	evLeft   int32
	arrivals *arrivalPlan // nil: sessions follow start/every
	// arrivalsProfiles is the source text of arrivals' profiles, for plan.
	arrivalsProfiles string
	// zone is the actor's time zone (session zone = …), a string read
	// once per actor; nil: the scenario's. zoneLoc is it when constant;
	// zoneText its source (what plan, lineage and report show).
	zone     *cexpr
	zoneLoc  *time.Location
	zoneText string
	gap      *cexpr
	// gapB: the least and greatest gap, in ms, when its written form
	// shows them (durBounds); nil otherwise.
	gapB     *[2]int64
	ctxNames []string
	// ctxClear: the context slots a session may read before setting
	// them (ctxClears), cleared when a session returns to its pool.
	ctxClear []int32
	// sessionLeaves are emit fields that change at most once per session;
	// they are evaluated at session start into the runner's cache.
	sessionLeaves []*cexpr
	// sessAttrs are the per-session fields that are an actor's attribute
	// (user.user_id: five of recipe's six), copied from Env.Attrs at
	// offsets (the cache's slot, the attribute's, each × a Value's size);
	// sessIDs are those that are the session's id in constant text
	// ("session_${session.id}"), and sessEvals indexes the others,
	// evaluated (evalSessionLeaf). See setSessionLeaves.
	sessAttrs []cacheCopy
	sessIDs   []sessIDLeaf
	sessEvals []int32
	leafOf    map[hcl.Expression]int
	cons      []*ConstraintPlan
}

// splitSessionLeaves fills sessAttrs, sessIDs and sessEvals from
// fp.sessionLeaves.
func (c *compiler) splitSessionLeaves(fp *FlowPlan) {
	fp.sessAttrs, fp.sessIDs, fp.sessEvals = nil, nil, nil
	for i, x := range fp.sessionLeaves {
		if x.from.kind == fromAttr && int(x.from.slot) < len(fp.Entity.attrs) {
			fp.sessAttrs = append(fp.sessAttrs, cacheCopy{to: uint32(i) * valueSize, from: uint32(x.from.slot) * valueSize})
			continue
		}
		if d, ok := c.sessIDs[x]; ok {
			l := sessIDLeaf{to: int32(i), flags: stdlib.PlainJSON | stdlib.PlainCSV}
			if d != nil {
				l.pre, l.post, l.flags = string(d.pre), string(d.post), d.litFlags&l.flags
			}
			fp.sessIDs = append(fp.sessIDs, l)
			continue
		}
		fp.sessEvals = append(fp.sessEvals, int32(i))
	}
}

// sessIDLeaf is a per-session field that is the session's id, with
// constant text before and after it or none.
type sessIDLeaf struct {
	to        int32 // the field's index in the session cache
	pre, post string
	flags     int64
}

// sessLen is how many values a running session holds: the context slots,
// then the per-session fields.
func (fp *FlowPlan) sessLen() int { return len(fp.ctxNames) + len(fp.sessionLeaves) }

// StatePlan is one state of a flow.
type StatePlan struct {
	Name  string
	Emits []*emitPlan
	sets  []setPlan
	// remember writes actor memory that outlives the session.
	remember []setPlan
	// transition blocks: guarded/probabilistic ones in order, then a
	// weighted draw among eligible weighted ones, then otherwise.
	seq       []transPlan
	weighted  []transPlan
	otherwise int
	// wGuards: the positions in weighted of the transitions with a
	// when; wSums: the sum of the eligible weights for each set of those
	// whens that fail (bit j: wGuards[j]'s), as the general draw sums
	// them. nil wSums: the draw sums them itself (weightSums).
	wGuards  []int
	wSums    []float64
	hasTrans bool
	next     *stdlib.Alias // nil: the session ends after this state
	targets  []int         // state index per alias outcome; -1 = end
	Next     []Transition
	delay    *cexpr
	delayB   *[2]int64 // as FlowPlan.gapB
}

// Transition is one weighted edge, for descriptions.
type Transition struct {
	To     string
	Weight float64 // NaN when it depends on the record
	Label  string  // "" for next = { … }; "when", "probability", "weight", "otherwise"
	When   string  // the source text of the transition's when guard, if any
	Prob   string  // the source text of a probability known only per record
}

type transPlan struct {
	target int // -1: end
	when   *cexpr
	prob   *cexpr
	weight float64
}

type setPlan struct {
	slot int
	expr *cexpr
	// inStore: the value is a list, built straight in the session's
	// store (stdlib.Ctx.SwapLists) rather than in the record arena and
	// copied there (recipe's ten rows per list view).
	inStore bool
	// rows: the list is a dataset's rows (sample_rows of a dataset),
	// frozen, so a list built in the store is kept as it is.
	rows bool
	// appended: a remember of append(memory.NAME, …), whose list holds
	// memory's elements, kept already, and one more (keepMem).
	appended bool
}

// keepMem is what the actor's memory keeps of v, remember s's value.
func (s *setPlan) keepMem(e *Env, st *stdlib.Store, v Value) Value {
	if s.appended {
		return e.KeepAppended(st, v)
	}
	return e.KeepBeyond(st, v)
}

type emitPlan struct {
	// each: for_each's list, one record per element; nil: one record.
	each   *cexpr
	shape  *rec.Emit
	leaves []*cexpr // by slot
	cached []int    // by slot: index into the runner's session cache, or -1
	// The same leaves as emit works through them (see finish): the
	// slots copied from the session cache, the slots evaluated (in slot
	// order), the slots read from ctx and those of event.time (after
	// those: a read draws nothing and writes nothing, so its place in
	// the order does not matter), and the slots that may hold a float,
	// checked for non-finite numbers. Constant slots (consts) are
	// written once per worker. ncache is one more than the highest
	// index copied from the session cache (checked once per record: the
	// copies are not).
	copies []cacheCopy
	evals  []evalLeaf
	reads  []ctxRead
	// attrs: the slots that are an attribute of the actor (client_id =
	// client.client_id), copied by emit from Env.Attrs (from: the
	// attribute's offset there) as the leaf's closure would read it;
	// nattrs is one more than the highest attribute copied (checked once
	// per record: the copies are not).
	attrs  []cacheCopy
	nattrs int
	// nreads is len(reads) + len(attrs).
	nreads int
	// nows: the slots (as offsets, as evalLeaf's) of event.time fields,
	// the record's time, written by emit itself.
	nows []uint32
	// floats: the slots (as offsets, as evalLeaf's) that may hold a
	// float, checked for non-finite numbers.
	floats []uint32
	ncache int
	// id numbers the emit among the plan's (a worker's record buffer
	// for it, worker.vals); consts are its constant leaves' slots, written
	// into that buffer once, not per record.
	id     int
	consts []int32
	sinks  []int // indices into Plan.Sinks
	// noNUL: the leaves that may hold a string with a NUL character or
	// bytes that are not UTF-8,
	// checked before encoding when a sink of the stream cannot write one
	// (sinks.NoNUL); nil otherwise.
	noNUL []nulCheck
	// partChecks: the leaves of an untyped value that a sink partitions
	// its path by ({{field:NAME}}), checked before encoding.
	partChecks []partCheck
}

// cacheCopy and evalLeaf hold their slot (and the cache's index) as
// offsets in bytes, index × the size of a Value: emit adds them to the
// slices' starts with no shift and no bounds check (the slots are below
// len(leaves), the indexes below ncache).
type cacheCopy struct{ to, from uint32 }

type evalLeaf struct {
	to uint32
	l  *cexpr
	// sample: l's sampler, called by evalLeaves itself (a field of
	// uuid() or weighted({ … }): clickstream draws 5.6 M a run), without
	// l's closure, a call of about 12 instructions around it; nil for
	// any other leaf.
	sample func(c *stdlib.Ctx) Value
}

// ctxRead is a leaf that reads ctx slot slot (ctx.NAME), or the key name
// of the object there (ctx.NAME.KEY) when id >= 0, the getter's hint
// (see scope.getter0): emit reads it itself (readCtx), as l would.
type ctxRead struct {
	to   uint32
	slot int32
	id   int32
	name string
	l    *cexpr
}

const valueSize = uint32(unsafe.Sizeof(Value{}))

// fuseLeaves: emit reads ctx leaves itself (ctxRead), copies the actor's
// attributes (emitPlan.attrs), writes event.time,
// and calls samplers without their closures (evalLeaf.sample, and a
// template's one varying part: scope.oneDynamic); off, they are evaluated
// as any other leaf (the tests compare the two).
var fuseLeaves = true

// finish sorts the leaves into copies, consts, evals, reads and floats:
// emit's loops without a test per leaf of what it is.
func (ep *emitPlan) finish() {
	for i, l := range ep.leaves {
		switch c := ep.cached[i]; {
		case c >= 0:
			ep.copies = append(ep.copies, cacheCopy{uint32(i) * valueSize, uint32(c) * valueSize})
			ep.ncache = max(ep.ncache, c+1)
		case l.isC:
			ep.consts = append(ep.consts, int32(i))
		case l.from.kind == fromNow && fuseLeaves:
			ep.nows = append(ep.nows, uint32(i)*valueSize)
		case l.from.kind == fromAttr && fuseLeaves:
			ep.attrs = append(ep.attrs, cacheCopy{uint32(i) * valueSize, uint32(l.from.slot) * valueSize})
			ep.nattrs = max(ep.nattrs, int(l.from.slot)+1)
		case l.from.kind == fromCtx && fuseLeaves:
			ep.reads = append(ep.reads, ctxRead{to: uint32(i) * valueSize, slot: l.from.slot, id: -1, l: l})
		case l.get != nil && l.get.from.kind == fromCtx && fuseLeaves:
			ep.reads = append(ep.reads, ctxRead{to: uint32(i) * valueSize, slot: l.get.from.slot, id: l.get.id, name: l.get.name, l: l})
		case l.sample != nil && fuseLeaves:
			ep.evals = append(ep.evals, evalLeaf{to: uint32(i) * valueSize, l: l, sample: l.sample})
		default:
			ep.evals = append(ep.evals, evalLeaf{to: uint32(i) * valueSize, l: l})
		}
		// A value of a string, time, bool, list or object type is never
		// a float; a constant is checked once, here.
		switch {
		case l.isC:
			if l.val.K == stdlib.Float && (math.IsInf(l.val.Float(), 0) || math.IsNaN(l.val.Float())) {
				ep.floats = append(ep.floats, uint32(i)*valueSize)
			}
		case l.typ == stdlib.Float || l.typ == stdlib.Int || l.typ == stdlib.Any:
			ep.floats = append(ep.floats, uint32(i)*valueSize)
		}
	}
	ep.nreads = len(ep.reads) + len(ep.attrs)
}

// nulCheck is a leaf checked for NUL characters: its slot, its field's
// name (a.b, a[0]) and the sink that cannot hold one.
type nulCheck struct {
	slot  int
	field string
	sink  string
	what  string // sinks.NoNUL's: "PostgreSQL"
}

// partCheck is an untyped leaf a sink's path partitions by: its slot,
// its field's name and the sink.
type partCheck struct {
	slot  int
	field string
	sink  string
}

// SinkPlan is a configured sink.
type SinkPlan struct {
	Name   string
	Type   string
	Stream *rec.Stream
	Sink   sinks.Sink
	// At is where the sink's failures point unless the sink says more
	// precisely (sinks.SourceError): a file sink's path, else the block.
	At hcl.Range
}

// fail names the sink in err and pins err to the sink's block.
func (s *SinkPlan) fail(err error) error {
	return fmt.Errorf("sink %q: %w", s.Name, sinks.At(s.At, err))
}

// SafetyMaxEvents bounds a session of a flow without max_events (every
// state has a path to end, but chance can keep a session going: a loop
// taken with probability 0.99999), so a run cannot go on forever at one
// instant when the gaps can be zero. An explicit max_events replaces it.
// It counts state runs as max_events does; the report (scen report)
// takes it for the flow's cap when max_events is unset.
const SafetyMaxEvents = 100000
