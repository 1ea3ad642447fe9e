package stdlib

import (
	"fmt"
	"sort"
	"time"
	"unsafe"
)

// Any is the static type of an expression whose kind is only known at run time.
const Any Kind = 255

// Ctx is what a function sees at run time: the actor's random stream and a
// per-record arena for strings that do not outlive the record.
type Ctx struct {
	R     *Rand
	Arena []byte
	// vals and objs are the record arena's lists (NewList): reused like
	// Arena, after the record is written.
	vals []Value
	objs []Obj
	fake *fakeState // gofakeit faker reading R, created on first use (fake.go)
	// timeTexts are format_time's texts per layout and zone (layoutfmt.go).
	timeTexts []*layoutCache
	// picks is sample_rows' room for its draws, reused from call to call
	// (a [32]int in its frame was cleared at every call, 32 instructions).
	picks []int
	// Fault is the first argument found invalid at run time (a sigma
	// that is negative only for some actors): the function reports it
	// with Fail and returns null, and the engine, which knows the call's
	// source range, turns it into a run-time error. nil while all is well.
	Fault *ArgError
}

// Fail records err (an *ArgError) as the evaluation's fault, unless one
// is already recorded: the first fault is the one reported.
func (c *Ctx) Fail(err error) {
	if c.Fault != nil {
		return
	}
	ae, ok := err.(*ArgError)
	if !ok {
		ae = &ArgError{Index: -1, Msg: err.Error()}
	}
	c.Fault = ae
}

// ResetArena makes the record arena's space reusable: nothing built in it
// since the last reset may be referenced afterwards, except through
// values Keep returned.
func (c *Ctx) ResetArena() {
	c.Arena = c.Arena[:0]
	c.vals = c.vals[:0]
	c.objs = c.objs[:0]
}

// SwapLists exchanges the record arena's list and object blocks with
// st's: called before and after evaluating a value a session keeps (a
// state's set of sample_rows), the lists built in between are built in st
// and need no copy. Strings are still built in the record arena.
func (c *Ctx) SwapLists(st *Store) {
	c.vals, st.vals = st.vals, c.vals
	c.objs, st.objs = st.objs, c.objs
}

// NewList returns a list of n null values built in the record arena, and
// its elements to fill in. Like Str's strings, it is valid until the arena
// is reset; Keep copies it. A list that does not fit starts a new, larger
// arena block: the old one is left to the collector, never reused, so
// what was built in it stays valid.
func (c *Ctx) NewList(n int) (Value, []Value) {
	l, vals := c.newList(n)
	clear(vals)
	return l, vals
}

// newList is NewList for a caller that sets every element before the
// list is read: the elements hold whatever the arena's last use left.
//
// blockObj written out for the record arena, so that a list's taking
// costs no call (recipe's sample_rows and pluck take one each per list
// view: blockObj's call, with its six arguments, was 59 instructions).
func (c *Ctx) newList(n int) (Value, []Value) {
	if len(c.vals)+n > cap(c.vals) || len(c.objs) == cap(c.objs) {
		growBlocks(&c.vals, &c.objs, n, 256, 32)
	}
	k, m := len(c.vals), len(c.objs)
	c.vals = c.vals[:k+n]
	c.objs = c.objs[:m+1]
	o := &c.objs[m]
	o.Keys, o.Vals = nil, c.vals[k:k+n:k+n]
	return objVal(List, 0, o), o.Vals
}

// blockObj takes an object with n values from the blocks vals and objs
// (the record arena's or a store's). A block that is full is replaced by a
// new, larger one (at least minVals values, minObjs objects); the old one
// is left to the collector, never reused, so what was built in it stays
// valid. The values are not cleared. The replacing is growBlocks': with
// its calls here, every call spilled all six arguments to the stack first
// (blockObj cost 77 instructions, a list of recipe's ten rows 104 with
// newList).
func blockObj(vals *[]Value, objs *[]Obj, keys []string, n, minVals, minObjs int) *Obj {
	if len(*vals)+n > cap(*vals) || len(*objs) == cap(*objs) {
		growBlocks(vals, objs, n, minVals, minObjs)
	}
	k, m := len(*vals), len(*objs)
	*vals = (*vals)[:k+n]
	*objs = (*objs)[:m+1]
	o := &(*objs)[m]
	o.Keys, o.Vals = keys, (*vals)[k:k+n:k+n]
	return o
}

// growBlocks replaces a block of vals or objs that cannot take an object
// of n values (blockObj).
//
//go:noinline
func growBlocks(vals *[]Value, objs *[]Obj, n, minVals, minObjs int) {
	if len(*vals)+n > cap(*vals) {
		*vals = make([]Value, 0, max(2*cap(*vals), minVals, n))
	}
	if len(*objs) == cap(*objs) {
		*objs = make([]Obj, 0, max(2*cap(*objs), minObjs))
	}
}

// arenas is the address ranges of a Ctx's record arena.
type arenas struct{ lo, hi, vlo, vhi, olo, ohi uintptr }

// arenasInto sets *a to the ranges of the record arena.
func (c *Ctx) arenasInto(a *arenas) { rangesInto(a, c.Arena, c.vals, c.objs) }

// rangesInto sets *a to the address ranges of a set of blocks (their
// capacity, not only what is used: anything built in them since their
// last reset). It fills *a in place, field by field: returning the struct
// had it copied into the caller's array with 16-byte loads over the
// 8-byte stores just made, which the CPU cannot forward (KeepIn spent
// three quarters of its time on that copy).
func rangesInto(a *arenas, b []byte, vals []Value, objs []Obj) {
	a.lo, a.hi, a.vlo, a.vhi, a.olo, a.ohi = 0, 0, 0, 0, 0, 0
	if cap(b) > 0 {
		a.lo = uintptr(unsafe.Pointer(unsafe.SliceData(b[:1])))
		a.hi = a.lo + uintptr(cap(b))
	}
	if cap(vals) > 0 {
		a.vlo = uintptr(unsafe.Pointer(unsafe.SliceData(vals[:1])))
		a.vhi = a.vlo + uintptr(cap(vals))*unsafe.Sizeof(Value{})
	}
	if cap(objs) > 0 {
		a.olo = uintptr(unsafe.Pointer(unsafe.SliceData(objs[:1])))
		a.ohi = a.olo + uintptr(cap(objs))*unsafe.Sizeof(Obj{})
	}
}

// Str makes a string from b by copying it into the arena. The result is
// valid until the arena is reset (after the record is written); values kept
// longer are cloned by the engine.
func (c *Ctx) Str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	start := len(c.Arena)
	c.Arena = append(c.Arena, b...)
	return unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)])
}

// Param describes one parameter for documentation and arity checks.
type Param struct {
	Name     string
	Type     Kind // Any accepts every kind
	Optional bool
	// Variadic takes the remaining arguments: at least one, or any
	// number (none included) when it is also Optional.
	Variadic bool
	// Whole, for an Int parameter, also takes a float holding a whole
	// number (what round(x) gives), checked when the call runs.
	Whole bool
	// Kinds, when set (with Type Any), are the only kinds the parameter
	// takes (len's string, list, object or null): an argument whose kind
	// is known when the scenario compiles and is none of them is an
	// error there; one known only at run time is the function's to check.
	Kinds []Kind
	Doc   string
}

// Example is a runnable usage: Expr evaluated with a Rand seeded with Seed
// must render as Want (Value.String). Tests run every example.
type Example struct {
	Expr string
	Seed uint64
	Want string
	Note string
}

// Arg is what a function's Compile sees of one call argument.
type Arg struct {
	Type  Kind
	Const *Value // non-nil when the argument folded to a constant
	// Varying, for an object written in the call ({ a = 1, b = user.x })
	// that is not constant, is the first key whose value is not: a
	// function that needs constant values names it (ArgError.Key), and
	// the engine points at that value.
	Varying string
}

// CompileCtx carries scenario-wide settings functions may need.
type CompileCtx struct {
	Loc *time.Location
	// indexes are the row indexes built so far (index): the calls of one
	// scenario look up the same dataset by the same column again and
	// again (bank: nine lookups, two indexes).
	indexes map[indexOf]*rowIndex
	// layouts are format_time's constant layouts, cut (layoutfmt.go).
	layouts map[string]*layoutFmt
	// smallSets are the smallValueSets built so far (smallSet): a
	// choice of a dataset's column is compiled once per round of the
	// context types' inference, each time over the same 10 000 values.
	smallSets map[listKey]smallCol
	// tables are the tableRows found so far (tableRows): sample_rows of
	// a dataset is compiled once per round of the context types'
	// inference, each time reading the same 10 000 rows (recipe: 17
	// compiles, 4 % of a 10-user run's instructions).
	tables map[listKey]rowsOfTable
}

// rowsOfTable is what tableRows found.
type rowsOfTable struct {
	t   *Table
	ids []int32
}

// tableRows is tableRows(rows), found once per compile (rows are a
// constant). The ids are shared: they must not be changed.
func (cc *CompileCtx) tableRows(rows []Value) (*Table, []int32) {
	if cc == nil || len(rows) == 0 {
		return tableRows(rows)
	}
	k := listKey{first: &rows[0], n: len(rows)}
	if r, ok := cc.tables[k]; ok {
		return r.t, r.ids
	}
	t, ids := tableRows(rows)
	if cc.tables == nil {
		cc.tables = map[listKey]rowsOfTable{}
	}
	cc.tables[k] = rowsOfTable{t, ids}
	return t, ids
}

// listKey names a constant list by its first element and length.
type listKey struct {
	first *Value
	n     int
}

// smallSet is smallValueSet(l), built once per compile (l is a constant:
// the set of the same list is the same).
func (cc *CompileCtx) smallSet(l []Value) ([]Value, []uint8) {
	if cc == nil || len(l) == 0 {
		return smallValueSet(l)
	}
	k := listKey{first: &l[0], n: len(l)}
	if s, ok := cc.smallSets[k]; ok {
		return s.uniq, s.idx
	}
	uniq, idx := smallValueSet(l)
	if cc.smallSets == nil {
		cc.smallSets = map[listKey]smallCol{}
	}
	cc.smallSets[k] = smallCol{uniq: uniq, idx: idx}
	return uniq, idx
}

// indexOf names an index: the rows (by their first element and count)
// and the column.
type indexOf struct {
	rows *Value
	n    int
	col  string
}

// index is buildIndex(rows, col), built once per compile (rows are a
// constant: the index of the same rows and column is the same).
func (cc *CompileCtx) index(rows []Value, col string) (*rowIndex, error) {
	if cc == nil || len(rows) == 0 {
		return buildIndex(rows, col)
	}
	k := indexOf{rows: &rows[0], n: len(rows), col: col}
	if idx, ok := cc.indexes[k]; ok {
		return idx, nil
	}
	idx, err := buildIndex(rows, col)
	if err != nil {
		return nil, err
	}
	if cc.indexes == nil {
		cc.indexes = map[indexOf]*rowIndex{}
	}
	cc.indexes[k] = idx
	return idx, nil
}

// Impl is a compiled call.
type Impl struct {
	Result Kind
	// Sample, when set, is used when every argument is constant: the
	// arguments were consumed at compile time (an alias table built, a
	// range precomputed) and the hot path draws without evaluating any.
	Sample func(c *Ctx) Value
	// Num, set beside Sample by samplers of numbers, draws what Sample
	// draws, as Sample(c).Num(): a function of one number (Func.Unary)
	// calls it with no Value in between.
	Num func(c *Ctx) float64
	// Int, set beside Num by samplers of whole numbers (uniform(5, 200)),
	// draws what Sample draws, as Sample(c).I: a duration of it (Func.Scale)
	// is a product, with no float in between.
	Int func(c *Ctx) int64
	// Span, set by uniform of two constant ints, durations or times, is
	// the range Sample's I is drawn from (Sample(c) is Value{K: Result,
	// I: Span.Draw(c.R)}, and Int is Span.Draw): a caller may draw it
	// itself, without a sampler's call.
	Span *IntSpan
	// Framed, set beside Sample by samplers of text that write it at the
	// end of the record arena (hex, uuid), makes a sampler that draws what
	// Sample draws and returns pre, the text and post, written after one
	// another in the arena, with the flags (Value.I) flags & Sample's: a
	// template of one such part ("e-${hex(32)}") then costs one call,
	// with no rendering around it.
	Framed func(pre, post string, flags int64) func(c *Ctx) Value
	// Fn evaluates the call with argument values computed at run time.
	Fn func(c *Ctx, args []Value) Value
	// Fn1, set beside Fn when every argument but the one at index Var
	// is a constant (or absent) consumed at compile time (round(x, 2):
	// the power of ten; lookup(rows, column, key): the index), evaluates
	// the call from that argument's value alone: Fn1(c, x) is what Fn
	// gives for the constants with x in their midst, faults included.
	Fn1 func(c *Ctx, x Value) Value
	Var int
	// Fn2, set beside Fn by a call of two arguments (a distribution's
	// draw with run-time parameters), is Fn(c, [a, b]) without the
	// slice: the engine passes the values it evaluated as they are.
	Fn2 func(c *Ctx, a, b Value) Value
}

// ArgError reports a problem with one argument; the engine turns it into a
// diagnostic at that argument's range.
type ArgError struct {
	Index int // -1 for the call as a whole
	Msg   string
	// Key, when set, is the key of the object argument's item at fault
	// (weighted's { a = 1, b = -2 }: "b"), for the engine to point at it.
	Key string
	// Item, when positive, is the 1-based position of the list
	// argument's element at fault (histogram's weight 3).
	Item int
	// Unknown, when set, is a name the argument gives that is none of
	// Options (a column the rows do not have), for the engine to suggest
	// the closest.
	Unknown string
	Options []string
}

// itemErr is argErr for element item (1-based) of list argument i.
func itemErr(i, item int, format string, a ...any) error {
	return &ArgError{Index: i, Item: item, Msg: fmt.Sprintf(format, a...)}
}

// argAt is err as an *ArgError for argument i (an *ArgError keeps what
// it says besides its index).
func argAt(i int, err error) error {
	if ae, ok := err.(*ArgError); ok {
		c := *ae
		c.Index = i
		return &c
	}
	return argErr(i, "%s", err)
}

func (e *ArgError) Error() string { return e.Msg }

func argErr(i int, format string, a ...any) error {
	return &ArgError{Index: i, Msg: fmt.Sprintf(format, a...)}
}

// Func is one registry entry.
type Func struct {
	Name     string
	Category string // "distribution", "random", "fake", "time", "string", "math", "special"
	Doc      string
	Params   []Param
	Result   Kind
	Examples []Example
	// Random functions draw from the actor's stream and are never folded.
	Random bool
	// Special functions are compiled by the engine itself because they
	// evaluate their arguments lazily (switch) or read scenario objects.
	Special bool
	Compile func(cc *CompileCtx, args []Arg) (Impl, error)
	// Unary, set on pure functions of one number, is the function itself:
	// for an argument v its compiled Fn returns Unary(v.Num()). Applied to
	// a sampler with constant arguments (seconds(uniform(5, 200)), a gap
	// drawn at every event), the engine calls Unary(Impl.Num(c)): one
	// closure instead of a call node evaluating a sampler node.
	Unary func(x float64) Value
	// Scale, set on the duration functions, is the milliseconds in one
	// unit: for a whole n of at most MaxDurationMs/Scale either way,
	// Unary(n) is DurV(n·Scale) (n and the product are exact as floats,
	// so rounding changes nothing).
	Scale int64
	// Fields, for a function whose result is an object of a fixed layout
	// (city_location, device), are its keys and their types: reading a
	// key it lacks is a diagnostic, and a key read has its type.
	Fields []Field
	// Elem, for a function whose result is a list of one kind of
	// element (split's strings), is that kind, so that what reads the
	// elements is checked (Null: not known).
	Elem Kind
}

// Field is one key of a fixed-layout object result, and its type.
type Field struct {
	Name string
	Type Kind
}

// Signature renders "name(a, b, [c], d...)".
func (f *Func) Signature() string {
	s := f.Name + "("
	for i, p := range f.Params {
		if i > 0 {
			s += ", "
		}
		n := p.Name
		if p.Variadic {
			n += "..."
		}
		if p.Optional {
			n = "[" + n + "]"
		}
		s += n
	}
	return s + ")"
}

// Arity returns the minimum and maximum argument counts (max -1 = unbounded).
func (f *Func) Arity() (min, max int) {
	for _, p := range f.Params {
		if p.Variadic {
			if !p.Optional {
				min++
			}
			return min, -1
		}
		if !p.Optional {
			min++
		}
		max++
	}
	return min, max
}

// Registry is an explicit, immutable-after-construction set of functions.
type Registry struct {
	funcs map[string]*Func
}

// Add registers f; a duplicate name is a programming error.
func (r *Registry) Add(f *Func) {
	if _, dup := r.funcs[f.Name]; dup {
		panic("stdlib: duplicate function " + f.Name)
	}
	r.funcs[f.Name] = f
}

// Lookup finds a function by name.
func (r *Registry) Lookup(name string) (*Func, bool) {
	f, ok := r.funcs[name]
	return f, ok
}

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.funcs))
	for n := range r.funcs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Funcs lists the entries sorted by category then name.
func (r *Registry) Funcs() []*Func {
	out := make([]*Func, 0, len(r.funcs))
	for _, f := range r.funcs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// New returns the standard registry.
func New() *Registry {
	r := &Registry{funcs: map[string]*Func{}}
	for _, f := range randomFuncs() {
		r.Add(f)
	}
	for _, f := range distributionFuncs() {
		r.Add(f)
	}
	for _, f := range timeFuncs() {
		r.Add(f)
	}
	for _, f := range stringFuncs() {
		r.Add(f)
	}
	for _, f := range mathFuncs() {
		r.Add(f)
	}
	for _, f := range calcMathFuncs() {
		r.Add(f)
	}
	for _, f := range calendarFuncs() {
		r.Add(f)
	}
	for _, f := range textFuncs() {
		r.Add(f)
	}
	for _, f := range objectFuncs() {
		r.Add(f)
	}
	for _, f := range dataFuncs() {
		r.Add(f)
	}
	for _, f := range specialFuncs() {
		r.Add(f)
	}
	for _, f := range fakeFuncs() {
		r.Add(f)
	}
	return r
}

// InArena reports whether s was built in the record arena (and so is
// overwritten by the next record).
func (c *Ctx) InArena(s string) bool {
	if len(s) == 0 || cap(c.Arena) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(c.Arena[:1])))
	return strIn(s, lo, lo+uintptr(cap(c.Arena)))
}

// Keep returns v safe to store beyond the current record: strings that live
// in the arena (which is reused) are copied, everything else is shared.
// Lists and objects are copied only when something inside them is in the
// arena, so keeping dataset rows or constant lists costs no allocation.
func (c *Ctx) Keep(v Value) Value { return c.KeepIn(nil, v) }

// KeepIn is Keep for a value stored until st is reset (a session's
// context): what lives in the record arena is copied into st's blocks
// rather than onto the heap (onto the heap when st is nil).
func (c *Ctx) KeepIn(st *Store, v Value) Value {
	if v.K == String {
		// Of the record arena's blocks only its text holds strings: one
		// range test instead of keepIn's ranges of all three (recipe's
		// sets of a drawn dish type and a column's keyword, held by the
		// program and the dataset: 124 instructions a call, now 47 with
		// the copies of the strings an arena holds).
		if c.InArena(v.S) {
			v.S = keepString(st, v.S)
		}
		return v
	}
	if !mayLiveInArena(v) {
		return v
	}
	return c.keepIn(st, v)
}

// keepString is s copied into st (onto the heap when st is nil).
func keepString(st *Store, s string) string {
	if st != nil {
		return st.string(s)
	}
	return cloneString(s)
}

// mayLiveInArena is false for values no arena holds: numbers, bools,
// times, null, the empty string, and frozen lists and objects (dataset and
// entity rows, constants), which are most of what a session keeps (the
// rows a state's set draws). They are shared without a look at the
// arenas' ranges.
func mayLiveInArena(v Value) bool {
	return v.K == String && len(v.S) > 0 || (v.K == List || v.K == Object) && v.I&Frozen == 0
}

// MayLiveInArena is mayLiveInArena, for a caller that keeps a value and
// would rather not call KeepIn for one that no arena holds.
func MayLiveInArena(v Value) bool { return mayLiveInArena(v) }

func (c *Ctx) keepIn(st *Store, v Value) Value {
	if cap(c.Arena) == 0 && cap(c.vals) == 0 {
		return v
	}
	var as [1]arenas
	c.arenasInto(&as[0])
	if !inArena(v, as[:]) {
		return v
	}
	return keepCopy(v, as[:], st)
}

// KeepBeyond is Keep for a value that must outlive st too (an actor's
// memory, written from a session whose context lives in st): what lives in
// the record arena or in st is copied to the heap.
func (c *Ctx) KeepBeyond(st *Store, v Value) Value {
	if !mayLiveInArena(v) {
		return v
	}
	var as [2]arenas
	c.arenasInto(&as[0])
	st.arenasInto(&as[1])
	if !inArena(v, as[:]) {
		return v
	}
	return keepCopy(v, as[:], nil)
}

// KeepAppended is KeepBeyond for the value of append(memory.X, x, …)
// in a remember (recipe's bookmarks): a list of its own, made on the
// heap, whose elements but the last come from the actor's memory, which
// holds only what KeepBeyond kept. Only the last element, x, is looked
// at (and copied to the heap, in place, when an arena holds it), where
// KeepBeyond looked at every element of the list (about 1 000
// instructions a bookmark for 50). Any other value, and a list that an
// arena holds, takes KeepBeyond.
func (c *Ctx) KeepAppended(st *Store, v Value) Value {
	if v.K != List || v.I&Frozen != 0 || v.Obj() == nil || len(v.Obj().Vals) == 0 {
		return c.KeepBeyond(st, v)
	}
	var as [2]arenas
	c.arenasInto(&as[0])
	st.arenasInto(&as[1])
	vals := v.Obj().Vals
	o, e := uintptr(unsafe.Pointer(v.Obj())), uintptr(unsafe.Pointer(&vals[0]))
	for i := range as {
		a := &as[i]
		if (o >= a.olo && o < a.ohi) || (e >= a.vlo && e < a.vhi) {
			return c.KeepBeyond(st, v)
		}
	}
	if x := &vals[len(vals)-1]; mayNeedCopy(*x, as[:]) {
		*x = keepCopy(*x, as[:], nil)
	}
	return v
}

// Store holds values kept for longer than a record but a bounded time
// (a session), in blocks reused after Reset instead of on the heap. Like
// the record arena, a block that overflows is abandoned, never reused, so
// values kept in it stay valid; only the current blocks are reused.
type Store struct {
	str  []byte
	vals []Value
	objs []Obj
}

// Reset makes the store's current blocks reusable: nothing kept in it may
// be referenced afterwards.
func (st *Store) Reset() {
	st.str = st.str[:0]
	clear(st.vals)
	st.vals = st.vals[:0]
	clear(st.objs)
	st.objs = st.objs[:0]
}

func (st *Store) arenasInto(a *arenas) { rangesInto(a, st.str, st.vals, st.objs) }

// String is s copied into the store, wherever s lives: for a string just
// made in the record arena, the copy costs less than KeepIn's look at the
// arenas' ranges.
func (st *Store) String(s string) string { return st.string(s) }

// Bytes is n bytes (n > 0) at the end of the store's text, to be
// written before the store is used again: a string made in place (a
// session's id in its per-session field) rather than made elsewhere and
// copied.
func (st *Store) Bytes(n int) []byte {
	if len(st.str)+n > cap(st.str) {
		st.str = make([]byte, 0, max(2*cap(st.str), 1024, n))
	}
	k := len(st.str)
	st.str = st.str[:k+n]
	return st.str[k : k+n : k+n]
}

func (st *Store) string(s string) string {
	if len(st.str)+len(s) > cap(st.str) {
		st.str = make([]byte, 0, max(2*cap(st.str), 1024, len(s)))
	}
	n := len(st.str)
	st.str = append(st.str, s...)
	return unsafeString(st.str[n:len(st.str):len(st.str)])
}

func (st *Store) obj(keys []string, n int) *Obj {
	return blockObj(&st.vals, &st.objs, keys, n, 64, 16)
}

func strIn(s string, lo, hi uintptr) bool {
	if len(s) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= lo && p < hi
}

func strInAny(s string, as []arenas) bool {
	for i := range as {
		if strIn(s, as[i].lo, as[i].hi) {
			return true
		}
	}
	return false
}

// inArena reports whether v, or anything it contains, lives in one of as.
func inArena(v Value, as []arenas) bool {
	switch v.K {
	case String:
		return strInAny(v.S, as)
	case List, Object:
		if v.I&Frozen != 0 || v.Obj() == nil {
			return false
		}
		o := uintptr(unsafe.Pointer(v.Obj()))
		var e uintptr
		if len(v.Obj().Vals) > 0 {
			e = uintptr(unsafe.Pointer(&v.Obj().Vals[0]))
		}
		for i := range as {
			a := &as[i]
			if (o >= a.olo && o < a.ohi) || (e >= a.vlo && e < a.vhi) {
				return true
			}
		}
		for _, e := range v.Obj().Vals {
			if mayNeedCopy(e, as) && (e.K == String || inArena(e, as)) {
				return true
			}
		}
	}
	return false
}

// mayNeedCopy is keepCopy's cheap first look at an element: scalars,
// strings outside as and frozen lists and objects (dataset rows) are
// shared as they are.
func mayNeedCopy(e Value, as []arenas) bool {
	switch e.K {
	case String:
		return strInAny(e.S, as)
	case List, Object:
		return e.I&Frozen == 0 && e.Obj() != nil
	}
	return false
}

// keepCopy copies what of v lives in as: into st, or onto the heap when st
// is nil.
func keepCopy(v Value, as []arenas, st *Store) Value {
	switch v.K {
	case String:
		if strInAny(v.S, as) {
			v.S = keepString(st, v.S)
		}
	case List, Object:
		if inArena(v, as) {
			var keys []string
			if v.K == Object {
				keys = v.Obj().Keys
			}
			src := v.Obj().Vals
			var o *Obj
			if st != nil {
				o = st.obj(keys, len(src))
			} else {
				o = &Obj{Keys: keys, Vals: make([]Value, len(src))}
			}
			for i, e := range src {
				if mayNeedCopy(e, as) {
					e = keepCopy(e, as, st)
				}
				o.Vals[i] = e
			}
			v.SetObj(o)
		}
	}
	return v
}
