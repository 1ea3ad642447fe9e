package stdlib

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"
)

// rowIndex maps a column's values to the rows holding them, so that a
// value finds exactly the rows whose cell equals it by scen's == (Equal):
// kinds apart (the string "1" is not the int 1, a null cell matches no
// value), except that an int and a float of the same value are equal.
// Strings and ints, nearly every key, have maps of their own: a lookup by
// a string or an int key takes the runtime's fast path for such maps (a
// struct key is hashed and compared field by field, 2.5 times the cost).
// A nil *rowIndex stands for all the rows.
type rowIndex struct {
	strs  map[string][]int32
	ints  map[int64][]int32
	other map[indexKey][]int32
	// few is strs as a table without collisions, when the column has few
	// distinct strings (nil otherwise).
	few *fewStrs
	// many is strs as an open-addressing table, when few is nil and
	// there are string keys.
	many *manyStrs
}

// fewStrs finds the rows of a string key among a few (a category, a dish
// type) in one probe: each key has a slot of its own, found from its
// length and three of its bytes, and a lookup compares the one key there.
// A map lookup by string hashed the whole key and cost 130 instructions
// (recipe's sample_rows by dish type, bank's lookup by category); this
// costs 30.
type fewStrs struct {
	mul   uint32
	shift uint32
	keys  []string // by slot; a slot without a key holds "", never looked up
	lists [][]int32
}

// maxFewStrs is the most keys a fewStrs holds.
const maxFewStrs = 64

// fewSig is what fewStrs hashes of a non-empty key: its length and its
// first, middle and last bytes.
func fewSig(s string) uint32 {
	n := len(s)
	return uint32(n) ^ uint32(s[0])<<8 ^ uint32(s[n>>1])<<16 ^ uint32(s[n-1])<<24
}

func (f *fewStrs) slot(s string) uint32 { return (fewSig(s) * f.mul) >> f.shift }

// get is the rows of key s (not empty), and whether s is a key.
func (f *fewStrs) get(s string) ([]int32, bool) {
	i := f.slot(s)
	if f.keys[i] == s {
		return f.lists[i], true
	}
	return nil, false
}

// newFewStrs returns a fewStrs for strs' keys, or nil when there are too
// many, one is empty, or no multiplier tried spreads them without a
// collision (keys of the same length and bytes in those places).
func newFewStrs(strs map[string][]int32) *fewStrs {
	if len(strs) == 0 || len(strs) > maxFewStrs {
		return nil
	}
	keys := make([]string, 0, len(strs))
	for k := range strs {
		if k == "" {
			return nil
		}
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same table whatever the map's order
	for bits := uint32(1); bits <= 8; bits++ {
		if 1<<bits < 2*len(keys) {
			continue // at most half full
		}
		x := uint64(0x853c49e6748fea9b)
		for try := 0; try < 64; try++ {
			f := &fewStrs{mul: uint32(splitmix64(&x)) | 1, shift: 32 - bits,
				keys: make([]string, 1<<bits), lists: make([][]int32, 1<<bits)}
			used := make([]bool, 1<<bits)
			ok := true
			for _, k := range keys {
				i := f.slot(k)
				if used[i] {
					ok = false
					break
				}
				used[i] = true
				f.keys[i], f.lists[i] = k, strs[k]
			}
			if ok {
				return f
			}
		}
	}
	return nil
}

// manyStrs finds the rows of a string key among many (bank's merchants
// by "city|category", some 700 keys) by a hash of the key's 8-byte words
// and a linear probe, hash and comparison written out word by word: the
// runtime's map, which hashes with AES, probes groups and compares with
// a call to memequal, took 155 instructions a lookup. The table is built
// once per index; which slot a key lands in changes how fast it is
// found, never which rows are.
type manyStrs struct {
	shift uint32
	mask  uint32
	slots []manyEnt // at most half full
}

// manyEnt is a slot of manyStrs: a key and its rows; an empty slot has
// neither (nil rows).
type manyEnt struct {
	key  string
	list []int32
}

// word64 and word32 read the 8 and 4 bytes at p+i.
func word64(p unsafe.Pointer, i int) uint64 { return *(*uint64)(unsafe.Add(p, i)) }
func word32(p unsafe.Pointer, i int) uint32 { return *(*uint32)(unsafe.Add(p, i)) }

// strHash hashes the n bytes at p by their 8-byte words (the last one
// overlapping the one before), or by their bytes when fewer than 8; the
// slot is taken from the top bits, which depend on every bit of the key.
func strHash(p unsafe.Pointer, n int) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := uint64(n) * m
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			h = (h ^ word64(p, i)) * m
		}
		h = (h ^ word64(p, n-8)) * m
	case n >= 4:
		h = (h ^ uint64(word32(p, 0))<<32 ^ uint64(word32(p, n-4))) * m
	case n > 0:
		h = (h ^ uint64(*(*byte)(p)) ^ uint64(*(*byte)(unsafe.Add(p, n>>1)))<<8 ^ uint64(*(*byte)(unsafe.Add(p, n-1)))<<16) * m
	}
	return (h ^ h>>32) * m
}

// sameBytes reports whether the n bytes at p and q are equal, by words
// as strHash reads them.
func sameBytes(p, q unsafe.Pointer, n int) bool {
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			if word64(p, i) != word64(q, i) {
				return false
			}
		}
		return word64(p, n-8) == word64(q, n-8)
	case n >= 4:
		return word32(p, 0) == word32(q, 0) && word32(p, n-4) == word32(q, n-4)
	}
	for i := range n {
		if *(*byte)(unsafe.Add(p, i)) != *(*byte)(unsafe.Add(q, i)) {
			return false
		}
	}
	return true
}

// get is the rows of key s (nil when s is not a key). An empty slot ends
// the probe: its key is "" and its rows nil, so it is also the answer
// when s is "" and not a key. Keys of 8 bytes or more (bank's) are
// hashed and compared here, as strHash and sameBytes do it, without
// their calls (112 instructions a lookup with them, 60 without).
func (t *manyStrs) get(s string) []int32 {
	n := len(s)
	p := unsafe.Pointer(unsafe.StringData(s))
	var h uint64
	if n >= 8 {
		const m = 0x9e3779b97f4a7c15 // strHash's
		h = uint64(n) * m
		for i := 0; i < n-8; i += 8 {
			h = (h ^ word64(p, i)) * m
		}
		h = (h ^ word64(p, n-8)) * m
		h = (h ^ h>>32) * m
	} else {
		h = strHash(p, n)
	}
	base := unsafe.Pointer(unsafe.SliceData(t.slots))
	for i := uint32(h >> t.shift); ; i = (i + 1) & t.mask {
		e := (*manyEnt)(unsafe.Add(base, uintptr(i)*unsafe.Sizeof(manyEnt{}))) // i <= mask < len(slots)
		if len(e.key) == n {
			q := unsafe.Pointer(unsafe.StringData(e.key))
			if n < 8 {
				if sameBytes(p, q, n) {
					return e.list
				}
			} else if word64(p, n-8) == word64(q, n-8) {
				j := 0
				for j < n-8 && word64(p, j) == word64(q, j) {
					j += 8
				}
				if j >= n-8 {
					return e.list
				}
			}
		}
		if e.list == nil {
			return nil
		}
	}
}

// newManyStrs returns a manyStrs for strs' keys (every key has rows),
// its table at most half full, keys placed in sorted order (the same
// table whatever the map's order).
func newManyStrs(strs map[string][]int32) *manyStrs {
	keys := make([]string, 0, len(strs))
	for k := range strs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bits := uint32(1)
	for 1<<bits < 2*len(keys) {
		bits++
	}
	t := &manyStrs{shift: 64 - bits, mask: 1<<bits - 1, slots: make([]manyEnt, 1<<bits)}
	for _, k := range keys {
		i := uint32(strHash(unsafe.Pointer(unsafe.StringData(k)), len(k)) >> t.shift)
		for t.slots[i].list != nil {
			i = (i + 1) & t.mask
		}
		t.slots[i] = manyEnt{key: k, list: strs[k]}
	}
	return t
}

// indexKey is a value as the index compares it: ints, and floats with a
// whole value in the int range, share the key of the int; other floats
// key by their bits (NaN, equal to nothing, never matches); strings by
// their text; times, durations and bools by I; lists and objects (rare as
// keys) by their canonical text. Ints and floats beyond 2^53 match only
// when their exact values are equal, as Equal compares them
// (CompareNumbers): never because the int rounds to the float.
type indexKey struct {
	k Kind
	n int64
	s string
}

// keyOf is v's index key; ok is false for a value that equals nothing
// (NaN).
func keyOf(v Value) (indexKey, bool) {
	switch v.K {
	case Int:
		return indexKey{k: Int, n: v.I}, true
	case Float:
		f := v.Float()
		if f != f {
			return indexKey{}, false
		}
		if i, ok := wholeInt(f); ok {
			return indexKey{k: Int, n: i}, true
		}
		return indexKey{k: Float, n: int64(math.Float64bits(f))}, true
	case String:
		return indexKey{k: String, s: v.S}, true
	case Bool, Time, Duration:
		return indexKey{k: v.K, n: v.I}, true
	case Null:
		return indexKey{k: Null}, true
	}
	return indexKey{k: v.K, s: string(AppendJSON(nil, canonical(v), nil))}, true
}

// wholeInt is f as an int64 when it is a whole number in the int range
// (an int and a float of the same value are equal keys).
func wholeInt(f float64) (int64, bool) {
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f), true
	}
	return 0, false
}

// canonical is v with its objects' keys sorted and its whole floats as
// ints, so that values Equal compares equal (keys in any order, 1 and
// 1.0) have one text.
func canonical(v Value) Value {
	switch v.K {
	case Float:
		if i, ok := wholeInt(v.Float()); ok {
			return IntV(i)
		}
	case List:
		l := make([]Value, len(v.List()))
		for i, e := range v.List() {
			l[i] = canonical(e)
		}
		return ListV(l)
	case Object:
		o := v.Obj()
		keys := append([]string(nil), o.Keys...)
		sort.Strings(keys)
		vals := make([]Value, len(keys))
		for i, k := range keys {
			e, _ := o.Get(k)
			vals[i] = canonical(e)
		}
		return ObjV(keys, vals)
	}
	return v
}

func buildIndex(rows []Value, col string) (*rowIndex, error) {
	// Each row's key gets the number of its group (-1: no key), groups
	// numbered in the order their keys first appear; the groups' rows are
	// then laid out in one array, each group's in row order. One map
	// access per row, and no list per key (a unique key column has as
	// many keys as rows).
	group := make([]int32, len(rows))
	var (
		order  []indexKey
		counts []int32
		strs   = map[string]int32{}
		ints   = map[int64]int32{}
		other  = map[indexKey]int32{}
	)
	for i, r := range rows {
		group[i] = -1
		if r.K != Object {
			return nil, fmt.Errorf("element %d is a %s, not a row object", i, r.K)
		}
		v, ok := r.Obj().Get(col)
		if !ok {
			return nil, &ArgError{Index: -1, Msg: fmt.Sprintf("rows have no column %q (columns: %s)", col, strings.Join(r.Obj().Keys, ", ")),
				Unknown: col, Options: r.Obj().Keys}
		}
		if v.K == Null {
			continue // a null cell equals no value (a null key means all rows)
		}
		k, ok := keyOf(v)
		if !ok {
			continue // NaN
		}
		var g int32
		switch k.k {
		case String:
			if g, ok = strs[k.s]; !ok {
				g = int32(len(order))
				strs[k.s] = g
			}
		case Int:
			if g, ok = ints[k.n]; !ok {
				g = int32(len(order))
				ints[k.n] = g
			}
		default:
			if g, ok = other[k]; !ok {
				g = int32(len(order))
				other[k] = g
			}
		}
		if !ok {
			order = append(order, k)
			counts = append(counts, 0)
		}
		group[i] = g
		counts[g]++
	}
	// The index is read at every lookup: its row lists are packed into
	// one array, in maps sized once, so that a lookup touches a few
	// cache lines rather than lists allocated apart from everything else.
	next := make([]int32, len(order)) // where each group's next row goes
	n := int32(0)
	for g, c := range counts {
		next[g] = n
		n += c
	}
	all := make([]int32, n)
	for i, g := range group {
		if g >= 0 {
			all[next[g]] = int32(i)
			next[g]++
		}
	}
	idx := &rowIndex{strs: make(map[string][]int32, len(strs)), ints: make(map[int64][]int32, len(ints)),
		other: make(map[indexKey][]int32, len(other))}
	for g, k := range order {
		end := next[g] // after the fill: the group's end
		l := all[end-counts[g] : end : end]
		switch k.k {
		case String:
			idx.strs[k.s] = l
		case Int:
			idx.ints[k.n] = l
		default:
			idx.other[k] = l
		}
	}
	idx.few = newFewStrs(idx.strs)
	if idx.few == nil && len(idx.strs) > 0 {
		idx.many = newManyStrs(idx.strs)
	}
	return idx, nil
}

// candidates returns the row numbers matching key (all rows when the
// index is nil or the key is null).
func candidates(idx *rowIndex, n int, key Value) ([]int32, bool) {
	if idx == nil || key.K == Null {
		return nil, true
	}
	var l []int32
	switch key.K {
	case String:
		switch {
		case idx.few != nil && key.S != "":
			l, _ = idx.few.get(key.S)
		case idx.many != nil:
			l = idx.many.get(key.S)
		default:
			l = idx.strs[key.S]
		}
	case Int:
		l = idx.ints[key.I]
	default:
		k, ok := keyOf(key)
		if !ok {
			return nil, false
		}
		if k.k == Int {
			l = idx.ints[k.n]
		} else {
			l = idx.other[k]
		}
	}
	return l, len(l) > 0
}

// pickedRows sets out[i] to the row that pick i names: its position among
// the candidates l (all rows when nil), read from the table tab when rows
// are its rows (ids: each row's number there; nil when rows are the whole
// table in order, a dataset's rows, so a position is the row number). A
// function of its own, in loops of their own: in sample_rows' closure,
// which holds a dozen other values, the loop reloaded its state from the
// stack at every row.
//
//go:noinline
func pickedRows(out []Value, picks []int, l []int32, tab *Table, ids []int32, rows []Value) {
	out = out[:len(picks)]
	if tab != nil && ids == nil {
		// One pass from the pick to the row value, without the detour
		// through picks and ids (recipe's 10 of 10 000: a third of the
		// cost).
		objs := tab.objs
		if l != nil {
			for i, p := range picks {
				j := l[p]
				out[i] = objVal(Object, Frozen|int64(j)<<1, &objs[j])
			}
			return
		}
		for i, p := range picks {
			out[i] = objVal(Object, Frozen|int64(p)<<1, &objs[p])
		}
		return
	}
	if l != nil {
		for i, p := range picks {
			picks[i] = int(l[p])
		}
	}
	if tab == nil {
		for i, p := range picks {
			out[i] = rows[p]
		}
		return
	}
	for i, p := range picks {
		out[i] = tab.Row(int(ids[p]))
	}
}

// drawDistinct picks k distinct positions out of n. Small draws from
// large sets use rejection (no allocation); otherwise a partial
// Fisher-Yates over a sparse map, O(k) whatever n is. Not inlined, for
// pickedRows' reason: inlined into sample_rows, its loop kept its state
// on the stack.
//
//go:noinline
func drawDistinct(r *Rand, n, k int, out []int) []int {
	if k > n {
		k = n
	}
	if k <= 32 && n >= 4*k {
		// seen has bit x%64 set for each x drawn: a draw whose bit is
		// clear is new without comparing it with the others (ten draws
		// of ten thousand rows made 45 comparisons, a third of the cost).
		// The draws are stored by index into out's room for k (one
		// append per draw cost a length and capacity check each).
		//
		// Each draw is r.Uint64n(n) written out, with the generator's
		// state in locals and stored back once: the same draws, but the
		// call per draw and its four loads and stores of the state cost
		// as much as the rest of the loop.
		var seen uint64
		start := len(out)
		out = slices.Grow(out, k)[:start+k]
		picks := out[start:]
		un := uint64(n)
		s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	next:
		for i := 0; i < len(picks); {
			var u uint64
			u, s0, s1, s2, s3 = xoshiroNext(s0, s1, s2, s3)
			hi, lo := bits.Mul64(u, un)
			if lo < un { // Uint64n's rejection (n/2^64 of draws)
				for thresh := -un % un; lo < thresh; {
					u, s0, s1, s2, s3 = xoshiroNext(s0, s1, s2, s3)
					hi, lo = bits.Mul64(u, un)
				}
			}
			x := int(hi)
			if bit := uint64(1) << (uint(x) & 63); seen&bit == 0 {
				seen |= bit
			} else {
				for _, y := range picks[:i] {
					if y == x {
						continue next
					}
				}
			}
			picks[i] = x
			i++
		}
		r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
		return out
	}
	swapped := make(map[int]int, k)
	for i := 0; i < k; i++ {
		j := i + int(r.Uint64n(uint64(n-i)))
		vj, ok := swapped[j]
		if !ok {
			vj = j
		}
		vi, ok := swapped[i]
		if !ok {
			vi = i
		}
		swapped[j] = vi
		out = append(out, vj)
	}
	return out
}

func constRows(a Arg, what string) ([]Value, error) {
	if a.Const == nil || a.Const.K != List || len(a.Const.List()) == 0 {
		return nil, argErr(0, "%s needs a dataset (dataset.NAME) or a constant non-empty list of rows", what)
	}
	return a.Const.List(), nil
}

// tableRows returns the table that every row belongs to and each row's
// number in it, or nil when the rows are not (all) rows of one table. A
// function that picks rows by position then builds the picked row from its
// number instead of reading the row list. When rows are the whole table in
// order (dataset.NAME), the numbers are the positions: ids is nil.
func tableRows(rows []Value) (*Table, []int32) {
	if len(rows) == 0 {
		return nil, nil
	}
	t, _ := TableOf(rows[0])
	if t == nil {
		return nil, nil
	}
	ids := make([]int32, len(rows))
	for i, r := range rows {
		u, j := TableOf(r)
		if u != t {
			return nil, nil
		}
		ids[i] = int32(j)
	}
	if len(rows) == t.Len() {
		identity := true
		for i, j := range ids {
			identity = identity && int(j) == i
		}
		if identity {
			return t, nil
		}
	}
	return t, ids
}

// firstObject is the first object of a list (null when there is none).
func firstObject(l []Value) Value {
	for _, v := range l {
		if v.K == Object {
			return v
		}
	}
	return Value{}
}

// countArg reads a count of at least least: an int, or a float with a whole
// value (round() gives floats). Counts beyond the int range are capped,
// as no list is that long. Anything else (a fraction, a smaller number,
// NaN, another kind) is not a count.
func countArg(v Value, least int) (int, bool) {
	switch v.K {
	case Int:
		if v.I >= int64(least) {
			return int(min(v.I, math.MaxInt32)), true
		}
	case Float:
		if f := v.Float(); f >= float64(least) && f == math.Trunc(f) && !math.IsInf(f, 0) {
			return int(min(f, math.MaxInt32)), true
		}
	}
	return 0, false
}

// describeArg shows an argument in a message: its value, and its kind
// unless the value shows it.
func describeArg(v Value) string {
	switch v.K {
	case Int, Float, Null:
		return v.String()
	case String:
		return fmt.Sprintf("the string %q", v.S)
	}
	return v.K.String()
}

func constCol(args []Arg, i int) (string, error) {
	if i >= len(args) {
		return "", nil
	}
	if args[i].Const == nil || args[i].Const.K != String {
		return "", argErr(i, "the column must be a constant string")
	}
	return args[i].Const.S, nil
}

func dataFuncs() []*Func {
	return []*Func{
		{
			Name: "lookup", Category: "data", Random: true, Result: Object,
			Doc: "A random row of the dataset whose column equals value (an index is built once, so a lookup is O(1)). " +
				"null when no row matches. With a unique key column this is a plain lookup by key. Equals is ==: a string " +
				"never matches a number, an int matches a float of exactly the same value (2 matches 2.0, but " +
				"9007199254740993 does not match 9007199254740992.0: beyond 2^53 an int is never rounded to a float to " +
				"compare), a null cell and NaN match nothing.",
			Params: []Param{{Name: "rows", Type: List, Doc: "dataset.NAME"}, {Name: "column", Type: String},
				{Name: "value", Type: Any}},
			Examples: []Example{{Expr: `lookup([{ id = 1, c = "x" }, { id = 2, c = "y" }], "c", "y").id`, Seed: 1, Want: "2"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				rows, err := constRows(args[0], "lookup")
				if err != nil {
					return Impl{}, err
				}
				col, err := constCol(args, 1)
				if err != nil {
					return Impl{}, err
				}
				idx, err := cc.index(rows, col)
				if err != nil {
					return Impl{}, argAt(1, err)
				}
				span := rowSpan(rows)
				// rows and column are constants: the call is a
				// function of the value (Fn1).
				fn1 := func(c *Ctx, key Value) Value {
					l, ok := candidates(idx, len(rows), key)
					if !ok || l == nil {
						return NullV()
					}
					row := rows[l[c.R.Uint64n(uint64(len(l)))]]
					prefetchRow(row, span)
					return row
				}
				return Impl{Result: Object, Fn: func(c *Ctx, v []Value) Value { return fn1(c, v[2]) }, Fn1: fn1, Var: 2}, nil
			},
		},
		{
			Name: "sample_rows", Category: "data", Random: true, Result: List,
			Doc: "n distinct random rows of the dataset, optionally only those whose column equals value " +
				"(fewer when fewer match; all rows when value is null). n is a whole number, 1 or more (an int, or a float " +
				"such as round(x) gives). Order is the draw order, so the position in the list can serve as a rank.",
			Params: []Param{{Name: "rows", Type: List, Doc: "dataset.NAME"}, {Name: "n", Type: Int},
				{Name: "column", Type: String, Optional: true}, {Name: "value", Type: Any, Optional: true}},
			Examples: []Example{{Expr: `len(sample_rows([{ c = "x" }, { c = "y" }, { c = "x" }], 5, "c", "x"))`, Seed: 1, Want: "2"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				rows, err := constRows(args[0], "sample_rows")
				if err != nil {
					return Impl{}, err
				}
				if len(args) == 3 {
					return Impl{}, argErr(-1, "give both column and value, or neither")
				}
				col, err := constCol(args, 2)
				if err != nil {
					return Impl{}, err
				}
				var idx *rowIndex
				if col != "" {
					if idx, err = cc.index(rows, col); err != nil {
						return Impl{}, argAt(2, err)
					}
				}
				if c := args[1].Const; c != nil {
					if _, ok := countArg(*c, 1); !ok {
						return Impl{}, argErr(1, "n must be a positive integer, got %s", describeArg(*c))
					}
				} else if t := args[1].Type; t != Int && t != Float && t != Any {
					return Impl{}, argErr(1, "n must be a positive integer, got %s", t)
				}
				tab, ids := cc.tableRows(rows)
				sample := func(c *Ctx, n int, key Value) Value {
					l, ok := candidates(idx, len(rows), key)
					if !ok {
						return ListV(nil)
					}
					total := len(rows)
					if l != nil {
						total = len(l)
					}
					picks := drawDistinct(c.R, total, n, c.picks[:0])
					c.picks = picks
					// In the record arena: kept in a session's context
					// (set = { … }), it is copied into the session's store.
					// Every element is set below: not cleared first.
					list, out := c.newList(len(picks))
					pickedRows(out, picks, l, tab, ids, rows)
					return list
				}
				impl := Impl{Result: List, Fn: func(c *Ctx, v []Value) Value {
					n, ok := countArg(v[1], 1)
					if !ok {
						// As the constant n is checked: the same message,
						// as a run-time fault.
						c.Fail(argErr(1, "n must be a positive integer, got %s", describeArg(v[1])))
						return NullV()
					}
					key := NullV()
					if len(v) > 3 {
						key = v[3]
					}
					return sample(c, n, key)
				}}
				if k := args[1].Const; k != nil && len(args) == 4 {
					// sample_rows(dataset.NAME, 10, "column", ctx.value),
					// recipe's: a function of the value alone (Fn1).
					n, _ := countArg(*k, 1)
					impl.Fn1, impl.Var = func(c *Ctx, key Value) Value { return sample(c, n, key) }, 3
				}
				return impl, nil
			},
		},
		{
			Name: "sample_weighted", Category: "data", Random: true, Result: Object,
			Doc:      "A random row of the dataset, each row weighted by its numeric column (alias table: O(1) per draw).",
			Params:   []Param{{Name: "rows", Type: List, Doc: "dataset.NAME"}, {Name: "column", Type: String}},
			Examples: []Example{{Expr: `sample_weighted([{ id = "a", w = 0 }, { id = "b", w = 2 }], "w").id`, Seed: 1, Want: "b"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				rows, err := constRows(args[0], "sample_weighted")
				if err != nil {
					return Impl{}, err
				}
				col, err := constCol(args, 1)
				if err != nil {
					return Impl{}, err
				}
				ws := make([]float64, len(rows))
				sum := 0.0
				for i, r := range rows {
					if r.K != Object {
						return Impl{}, argErr(0, "element %d is not a row", i)
					}
					v, ok := r.Obj().Get(col)
					if !ok {
						ae := &ArgError{Index: 1, Msg: fmt.Sprintf("row %d has no column %q (columns: %s)", i+1, col, strings.Join(r.Obj().Keys, ", ")),
							Unknown: col, Options: r.Obj().Keys}
						if i == 0 {
							ae.Msg = fmt.Sprintf("rows have no column %q (columns: %s)", col, strings.Join(r.Obj().Keys, ", "))
						}
						return Impl{}, ae
					}
					if v.K != Int && v.K != Float && v.K != Null {
						// A text column of numbers: point at the cell that
						// made it text ("nan", "n/a"), not at its first row.
						bad := i
						for j := i; j < len(rows) && v.K == String; j++ {
							if w, ok := rows[j].Obj().Get(col); ok && w.K == String {
								if f, err := strconv.ParseFloat(strings.TrimSpace(w.S), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
									bad = j
									break
								}
							}
						}
						w, _ := rows[bad].Obj().Get(col)
						return Impl{}, argErr(1, "column %q of row %d is %s, not a number; weights are finite numbers, zero or more", col, bad+1, describeArg(w))
					}
					if v.K != Null {
						ws[i] = v.Num()
					}
					if w := ws[i]; !(w >= 0) || math.IsInf(w, 0) {
						return Impl{}, argErr(1, "row %d has the weight %s in %q; weights are finite numbers, zero or more", i+1, FloatV(w).String(), col)
					}
					sum += ws[i]
				}
				if !(sum > 0) {
					return Impl{}, argErr(1, "the weights in %q sum to zero", col)
				}
				al := NewAlias(ws)
				return Impl{Result: Object, Sample: func(c *Ctx) Value { return rows[al.Draw(c.R)] }}, nil
			},
		},
		pureArena("append", "data", "The list with value added at the end; with max, only the last max elements are kept. A null list is taken as empty (a memory slot not yet remembered); a list argument that is neither a list nor null is an error.",
			[]Param{{Name: "list", Type: Any, Kinds: listOrNull}, {Name: "value", Type: Any}, {Name: "max", Type: Int, Optional: true}}, List,
			[]Example{{Expr: `append([1, 2], 3, 2)`, Want: "[2,3]"}},
			func(c *Ctx, a []Value) Value {
				var l []Value
				if a[0].K == List {
					l = a[0].List()
				} else if a[0].K != Null {
					c.Fail(argErr(0, "list must be a list or null, got %s", Article(a[0].K.String())))
					return NullV()
				}
				keep := -1 // no max
				if len(a) > 2 && a[2].K != Null {
					n, ok := countArg(a[2], 1)
					if !ok {
						c.Fail(argErr(2, "max must be at least 1, got %s", describeArg(a[2])))
						return NullV()
					}
					keep = n
				}
				out := make([]Value, 0, len(l)+1)
				out = append(append(out, l...), a[1])
				if keep >= 0 && len(out) > keep {
					out = out[len(out)-keep:]
				}
				return ListV(out)
			}),
		{
			Name: "pluck", Category: "data", Result: List,
			Doc:      "The value of one key from each object of a list (a column of rows). A null list gives an empty list; a list argument that is neither a list nor null, or a key that is not a string, is an error.",
			Params:   pluckParams,
			Examples: []Example{{Expr: `pluck([{ id = "a" }, { id = "b" }], "id")`, Want: `["a","b"]`}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				if err := checkArgs(pluckParams, args); err != nil {
					return Impl{}, err
				}
				impl := Impl{Result: List, Fn: func(c *Ctx, a []Value) Value {
					if a[1].K != String {
						c.Fail(argErr(1, "key must be a string, got %s", Article(a[1].K.String())))
						return NullV()
					}
					return pluck(c, a[0], a[1].S, nil)
				}}
				if k := args[1].Const; k != nil && k.K == String {
					// pluck(ctx.rows, "id"), recipe's: a function of the
					// list alone (Fn1).
					key, site := k.S, new(atomic.Pointer[pluckCol])
					impl.Fn1, impl.Var = func(c *Ctx, list Value) Value { return pluck(c, list, key, site) }, 0
				}
				return impl, nil
			},
		},
		withCheck(pureArena("contains", "data", "Whether the list contains value, compared as == compares (an int and a float by exact value); NaN equals nothing, so no list contains it. "+
			"Of a string, whether value, a string, occurs in it (contains(user.email, \"gmail\"); every string contains \"\"). "+
			"A null list, or a null value with a string, gives false; a list argument that is none of a list, a string and null, or a value that is not a string with a string, is an error.",
			[]Param{{Name: "list", Type: Any, Kinds: []Kind{List, String, Null}}, {Name: "value", Type: Any}}, Bool,
			[]Example{{Expr: `contains(["a", "b"], "b")`, Want: "true"}, {Expr: `contains("ann@gmail.com", "gmail")`, Want: "true"}},
			func(c *Ctx, a []Value) Value {
				switch a[0].K {
				case List:
					for _, v := range a[0].List() {
						if Equal(v, a[1]) {
							return BoolV(true)
						}
					}
				case String:
					if a[1].K == String {
						return BoolV(strings.Contains(a[0].S, a[1].S))
					}
					if a[1].K != Null {
						c.Fail(argErr(1, "value must be a string when list is a string (a substring test), got %s", Article(a[1].K.String())))
						return NullV()
					}
				case Null:
				default:
					c.Fail(argErr(0, "list must be a list, string or null, got %s", Article(a[0].K.String())))
					return NullV()
				}
				return BoolV(false)
			}),
			func(args []Arg) error {
				// A substring test: the value is a string too.
				if args[0].Type == String && args[1].Type != Any && args[1].Type != String && args[1].Type != Null {
					return argErr(1, "value must be a string when list is a string (a substring test), got %s%s", args[1].Type, quotedNumber(args[1]))
				}
				return nil
			}),
	}
}

// listOrNull is the kinds of a list argument that also takes null.
var listOrNull = []Kind{List, Null}

var pluckParams = []Param{{Name: "list", Type: Any, Kinds: listOrNull}, {Name: "key", Type: String}}

// pluckCol is a call site's column of the table it last read: with a
// constant key (recipe's pluck(ctx.listed, "recipe_id")), every call reads
// the same table's same column, which is then found without comparing
// the key with the table's column names and loading the column (60
// instructions a call). Shared by the workers; set once per table.
type pluckCol struct {
	t  *Table
	j  int
	tc *TextCol
}

// pluck is pluck(list, key): the list built in the record arena. site,
// when not nil, is the call site's pluckCol (key is the same at every
// call).
func pluck(c *Ctx, list Value, key string, site *atomic.Pointer[pluckCol]) Value {
	if list.K != List {
		if list.K != Null {
			c.Fail(argErr(0, "list must be a list or null, got %s", Article(list.K.String())))
			return NullV()
		}
		return ListV(nil)
	}
	rows := list.List()
	// Not cleared: each path below sets every element, or
	// clears what it may leave unset.
	res, out := c.newList(len(rows))
	// Rows of a dataset table: read the column's own array by
	// row number, without touching the row objects.
	if t, _ := TableOf(firstObject(rows)); t != nil {
		var j int
		var tc *TextCol
		var pc *pluckCol
		if site != nil {
			pc = site.Load()
		}
		if pc != nil && pc.t == t {
			j, tc = pc.j, pc.tc
		} else {
			if j = t.Col(key); j >= 0 {
				tc = t.Text(j)
			}
			if site != nil {
				site.Store(&pluckCol{t: t, j: j, tc: tc})
			}
		}
		if j >= 0 {
			if tc != nil {
				i := pluckText(out, rows, t.objs, tc)
				clear(out[i:])
				for ; i < len(rows); i++ {
					if r := rows[i]; r.K == Object {
						if k := int(r.I >> 1); k >= 0 && k < len(t.objs) && &t.objs[k] == r.Obj() {
							out[i] = tc.At(k)
						} else {
							out[i], _ = r.Obj().Get(key)
						}
					}
				}
				return res
			}
			clear(out)
			col := t.Column(j)
			for i, r := range rows {
				if k := int(r.I >> 1); r.K == Object && k < len(t.objs) && &t.objs[k] == r.Obj() {
					out[i] = col[k]
				} else if r.K == Object {
					out[i], _ = r.Obj().Get(key)
				}
			}
			return res
		}
	}
	clear(out)
	// Rows of one shape share their key slice: find the
	// column once and index directly.
	var keys []string
	col := -1
	for i, r := range rows {
		if r.K != Object {
			continue
		}
		if col < 0 || len(r.Obj().Keys) == 0 || len(keys) == 0 || &r.Obj().Keys[0] != &keys[0] {
			keys, col = r.Obj().Keys, -1
			for j, k := range keys {
				if k == key {
					col = j
				}
			}
			if col < 0 {
				continue
			}
		}
		out[i] = r.Obj().Vals[col]
	}
	return res
}

// pluckText sets out[i] to text column c's cell of rows[i], for rows[i]
// a row of the table whose row objects are objs, and returns how many it
// set: it stops at the first element that is not such a row. TextCol.At
// written out, in a loop of its own with the column's entries and the
// table's rows in registers (pluck's loop over recipe's ten displayed
// rows spent 60 instructions a row calling At and reloading them).
//
//go:noinline
func pluckText(out, rows []Value, objs []Obj, c *TextCol) int {
	out = out[:len(rows)]
	ents := c.ents[:len(objs)]
	base := c.base
	for i := range rows {
		r := &rows[i]
		k := uint64(r.I) >> 1 // the row number (above the Frozen bit)
		if r.K != Object || k >= uint64(len(objs)) || unsafe.Pointer(unsafe.StringData(r.S)) != unsafe.Pointer(&objs[k]) {
			return i
		}
		// A text of one byte or more first, one test (a null's entry
		// has length 0), its string's words written as they are: the
		// text lies in the column's arena, so unsafe.String's check of
		// the length against the address space cannot fail (38 → 32
		// instructions a row with the loop).
		o := &out[i]
		if e := ents[k]; e.n() != 0 {
			o.K, o.I = String, e.flags()
			*(*textStr)(unsafe.Pointer(&o.S)) = textStr{unsafe.Add(base, e.off()), e.n()}
		} else if e&textNull != 0 {
			*o = Value{}
		} else {
			*o = Value{K: String, I: e.flags()}
		}
	}
	return len(rows)
}

// textStr is a string's two words, as pluckText writes them.
type textStr struct {
	p unsafe.Pointer
	n int
}

// rowSpan is the number of bytes from a row's object to the end of its
// values when the rows are laid out as blocks (the object followed by its
// values, as entity tables are), else the object alone.
func rowSpan(rows []Value) uintptr {
	if len(rows) == 0 || rows[0].K != Object {
		return 0
	}
	o := rows[0].Obj()
	if len(o.Vals) == 0 {
		return unsafe.Sizeof(Obj{})
	}
	end := uintptr(unsafe.Pointer(unsafe.SliceData(o.Vals))) + uintptr(len(o.Vals))*unsafe.Sizeof(Value{})
	if start := uintptr(unsafe.Pointer(o)); end > start && end-start <= 1024 {
		return end - start
	}
	return unsafe.Sizeof(Obj{})
}

// prefetchRow starts loading a row that was just picked: its fields are
// read next (an emit right after the set that picked it), and a table
// larger than the caches costs a round trip to memory per row otherwise.
func prefetchRow(v Value, span uintptr) {
	if o := v.Obj(); o != nil && span > 0 {
		PrefetchSpan(uintptr(unsafe.Pointer(o)), span)
	}
}
