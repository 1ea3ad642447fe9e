package stdlib

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Table is a reference dataset laid out for random access by row number.
// Each row is an object value (Row); each column's strings sit in one byte
// arena, and a column read as a whole gets its own contiguous array
// (Column), so that reading one column of a few random rows (pluck over
// sampled rows, the common case) touches a small, dense region instead of
// one scattered row object per access.
//
// A row value carries its row number in I (above the Frozen bit), which is
// how Table.Of and RowIndex find their way back from a row to its columns.
type Table struct {
	Keys   []string
	cols   []atomic.Pointer[[]Value] // by column, then row; built on first use
	small  []atomic.Pointer[smallCol]
	texts  []atomic.Pointer[TextCol]
	arenas [][]byte // each column's text
	objs   []Obj
}

// TextCol is a column of text (and nulls) laid out densely: each row's
// text as its place in the column's arena, with its flags, in 8 bytes
// where a Value takes 32. Reading a few random rows of a 10 000-row
// column (recipe's displayed recipe ids) then touches 80 KB of entries
// and the text's own 60 KB, which stay in the core's cache, instead of
// 320 KB of values that did not.
type TextCol struct {
	base unsafe.Pointer // the column's arena
	ents []textEnt
}

// textEnt is a row's entry, packed in one word so that a read of it is
// one load and shifts (pluckText): the text's offset in the arena (bits
// 0-31), its length (32-47), its flags (PlainJSON, PlainCSV: 48-55), and
// bit 56 set for a null.
type textEnt uint64

const textNull textEnt = 1 << 56

func newTextEnt(off uint32, n uint16, flags uint8) textEnt {
	return textEnt(off) | textEnt(n)<<32 | textEnt(flags)<<48
}

func (e textEnt) off() uint32  { return uint32(e) }
func (e textEnt) n() int       { return int(uint16(e >> 32)) }
func (e textEnt) flags() int64 { return int64(uint8(e >> 48)) }

// At is row k's value, as Column(j)[k] is.
func (c *TextCol) At(k int) Value {
	e := c.ents[k]
	switch {
	case e&textNull != 0:
		return Value{}
	case e.n() == 0:
		return Value{K: String, I: e.flags()}
	}
	return Value{K: String, I: e.flags(), S: unsafe.String((*byte)(unsafe.Add(c.base, e.off())), e.n())}
}

// Text is column j as a TextCol, when all its values are text or null,
// each text under 64 KiB (nil otherwise). Built on first use; safe for
// concurrent use.
func (t *Table) Text(j int) *TextCol {
	if p := t.texts[j].Load(); p != nil {
		if p.ents == nil {
			return nil
		}
		return p
	}
	c := t.textCol(j)
	if c == nil {
		c = &TextCol{}
	}
	t.texts[j].CompareAndSwap(nil, c)
	return t.Text(j)
}

func (t *Table) textCol(j int) *TextCol {
	a := t.arenas[j]
	if len(t.objs) == 0 || cap(a) == 0 || cap(a) > math.MaxUint32 {
		return nil
	}
	base := unsafe.Pointer(unsafe.SliceData(a))
	c := &TextCol{base: base, ents: make([]textEnt, len(t.objs))}
	for i := range t.objs {
		v := t.objs[i].Vals[j]
		switch {
		case v.K == Null:
			c.ents[i] = textNull
		case v.K != String || v.I&^(PlainJSON|PlainCSV) != 0 || len(v.S) > math.MaxUint16:
			return nil
		case len(v.S) > 0:
			off := uintptr(unsafe.Pointer(unsafe.StringData(v.S))) - uintptr(base)
			if off >= uintptr(cap(a)) || off+uintptr(len(v.S)) > uintptr(cap(a)) {
				return nil // not in the arena
			}
			c.ents[i] = newTextEnt(uint32(off), uint16(len(v.S)), uint8(v.I))
		default:
			c.ents[i] = newTextEnt(0, 0, uint8(v.I))
		}
	}
	return c
}

// smallCol is a column of at most 256 distinct scalars as the distinct
// values and each row's index among them (nil idx: the column is not).
type smallCol struct {
	uniq []Value
	idx  []uint8
}

// PlainJSON and PlainCSV, in the I field of a String value, record that
// the string needs no escaping in JSON (ASCII, no control byte, quote or
// backslash), and none in a CSV cell (no control byte, comma or quote, no
// leading blank). Only strings whose content is known when they are built
// carry them (dataset cells, actors' attributes, hex and uuid, templates of
// such parts); the flags are an optimisation and their absence means
// "unknown".
const (
	PlainJSON = 1
	PlainCSV  = 2
)

// TextFlags is the PlainJSON and PlainCSV flags s deserves.
func TextFlags(s string) int64 {
	var f int64
	if SafePrefix(s) == len(s) {
		f |= PlainJSON
	}
	if CSVPlain(s) {
		f |= PlainCSV
	}
	return f
}

// CSVPlain reports, eight bytes at a time, that s has no comma, quote or
// control byte and does not start with a blank: such a CSV cell is written
// as is. (false only means the exact check must be made.)
func CSVPlain(s string) bool {
	// An empty string is written "" so that it reads back as a string, not
	// as the empty cell of a null.
	if len(s) == 0 || s[0] == ' ' || s[0] == '\t' {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		c := x ^ (lsb * ',')
		q := x ^ (lsb * '"')
		if ((x-lsb*0x20)|(c-lsb)|(q-lsb))&^x&msb != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == ',' || b == '"' {
			return false
		}
	}
	return true
}

// tables maps a table's key slice (by the address of its first key) to the
// table, so that a row found in any list leads back to its columns.
var tables sync.Map // unsafe.Pointer → *Table

// NewTable lays out rows (each with one value per key) as a table. The
// table takes the rows over: their values become its row objects' values,
// with their strings moved into one arena per column.
//
// A column's own array (Column) is built on first use, not here: a
// dataset is usually read a column or two at a time, and every array built
// is memory touched for the first time before the first event (on this
// project's virtual machines, 2.8 ms per MB).
func NewTable(keys []string, rows [][]Value) *Table {
	nc := len(keys)
	arenas := make([][]byte, nc)
	for j := range arenas {
		size := 0
		for _, r := range rows {
			if r[j].K == String {
				size += len(r[j].S)
			}
		}
		arenas[j] = make([]byte, size)
	}
	ends := make([]int, nc)
	for _, r := range rows {
		r = r[:nc:nc]
		for j := range r {
			if v := r[j].S; r[j].K == String && len(v) > 0 {
				start := ends[j]
				ends[j] += copy(arenas[j][start:], v)
				r[j].S = unsafe.String(&arenas[j][start], len(v))
			}
		}
	}
	// Once the arenas are full (ArenaFlags reads ahead).
	flags := make([]ArenaFlags, nc)
	for j := range flags {
		flags[j] = NewArenaFlags(arenas[j])
	}
	for _, r := range rows {
		r = r[:nc:nc]
		for j := range r {
			if r[j].K == String {
				r[j].I = flags[j].Flags(r[j].S)
			}
		}
	}
	return NewTableIn(keys, rows, arenas)
}

// NewTableIn is NewTable for rows whose strings already sit in arenas, one
// per column, in row order (a CSV file's cells as data.Load reads them),
// with their TextFlags (which ArenaFlags gives at little cost): the table
// takes the arenas over as they are, instead of copying every string once
// more. A string outside its column's arena (or out of order) is allowed,
// and is only read less densely (Text is nil for its column).
func NewTableIn(keys []string, rows [][]Value, arenas [][]byte) *Table {
	nc := len(keys)
	t := &Table{Keys: keys, cols: make([]atomic.Pointer[[]Value], nc), small: make([]atomic.Pointer[smallCol], nc),
		texts: make([]atomic.Pointer[TextCol], nc), objs: make([]Obj, len(rows)), arenas: arenas}
	for i, r := range rows {
		t.objs[i] = Obj{Keys: keys, Vals: r[:nc:nc]}
	}
	if len(keys) > 0 {
		tables.Store(unsafe.Pointer(unsafe.SliceData(keys)), t)
	}
	return t
}

// ArenaFlags gives the TextFlags of strings cut, in order, from one arena
// (a table column's text). Most columns are plain ASCII text, and many
// have no comma, quote or control byte either: a pass over the arena,
// eight bytes at a time, finds the next byte that needs escaping in JSON
// (nextDirty), another the next byte that needs quoting in CSV, and a
// string that ends before them is plain in that format. Recipe's 70 000
// cells took 14 M instructions string by string (two scans each, of 10 to
// 30 bytes, mostly in their byte-by-byte tails), and take 4 M so.
type ArenaFlags struct {
	arena []byte
	// next is the end of the last string read in the arena; dj and dc,
	// the first bytes at or after the start of an earlier string (or of
	// that one) that are dirty in JSON and in CSV, so the first at or
	// after any string that starts at next or later (-1: not scanned).
	next   uintptr
	dj, dc int
}

// NewArenaFlags is an ArenaFlags for strings cut from arena, which must
// not change while it is used.
func NewArenaFlags(arena []byte) ArenaFlags { return ArenaFlags{arena: arena, dj: -1, dc: -1} }

// Flags is TextFlags(s), for any s; when s lies in the arena after the
// strings asked about before, it takes no pass over s of its own.
func (a *ArenaFlags) Flags(s string) int64 {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(a.arena)))
	off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - base
	if len(s) == 0 || base == 0 || off >= uintptr(len(a.arena)) || off+uintptr(len(s)) > uintptr(len(a.arena)) || off < a.next {
		return TextFlags(s) // empty, not in the arena, or out of order
	}
	i := int(off)
	a.next = off + uintptr(len(s))
	if a.dj < i {
		a.dj = nextDirty(a.arena, i, &jsonDirty)
	}
	if a.dc < i {
		a.dc = nextDirty(a.arena, i, &csvDirty)
	}
	f := int64(0)
	if uintptr(a.dj) >= a.next {
		f = PlainJSON
	}
	if uintptr(a.dc) >= a.next && s[0] != ' ' { // ('\t' is dirty)
		f |= PlainCSV
	}
	return f
}

// nextDirty is the index of the first byte of b at or after i that dirty
// holds (jsonDirty or csvDirty); len(b) when there is none.
//
// Eight bytes at a time: each test below sets the high bit of the bytes
// it holds for, and may set it in later bytes too (a borrow), but never
// in an earlier one, so the lowest bit set is the first dirty byte.
func nextDirty(b []byte, i int, dirty *[256]bool) int {
	p := unsafe.Pointer(unsafe.SliceData(b))
	word := func(i int) uint64 { return *(*uint64)(unsafe.Add(p, i)) } // i+8 <= len(b); x86 and arm64 load unaligned words
	if dirty == &csvDirty {
		for ; i+8 <= len(b); i += 8 {
			x := word(i)
			q, c := x^(lsb*'"'), x^(lsb*',')
			if m := ((x - lsb*0x20) | (q - lsb) | (c - lsb)) &^ x & msb; m != 0 {
				return i + bits.TrailingZeros64(m)/8
			}
		}
	} else {
		for ; i+8 <= len(b); i += 8 {
			x := word(i)
			q, bs := x^(lsb*'"'), x^(lsb*'\\')
			if m := (((x-lsb*0x20)|(q-lsb)|(bs-lsb))&^x | x) & msb; m != 0 {
				return i + bits.TrailingZeros64(m)/8
			}
		}
	}
	for ; i < len(b); i++ {
		if dirty[b[i]] {
			return i
		}
	}
	return len(b)
}

// jsonDirty and csvDirty are the bytes that make a string need escaping
// in JSON (SafePrefix) and quoting in CSV (CSVPlain, but for a blank
// first byte).
var (
	jsonDirty = needsEscape
	csvDirty  = func() (t [256]bool) {
		for i := 0; i < 0x20; i++ {
			t[i] = true
		}
		t[','], t['"'] = true, true
		return
	}()
)

// Column is column j's values, one per row, in an array of their own (so
// that reading one column of a few random rows touches a small, dense
// region). It is built on first use; safe for concurrent use.
func (t *Table) Column(j int) []Value {
	if p := t.cols[j].Load(); p != nil {
		return *p
	}
	col := make([]Value, len(t.objs))
	for i := range t.objs {
		col[i] = t.objs[i].Vals[j]
	}
	t.cols[j].CompareAndSwap(nil, &col)
	return *t.cols[j].Load()
}

// Small is column j as its distinct values and each row's index among
// them (a byte), when it has at most 256 distinct scalars and 64 rows or
// more (a categorical column: a dish type, a difficulty, a city); nil, nil
// otherwise. Reading a row's value then touches a byte array and a few
// values, which stay in the fastest caches. Built on first use; safe for
// concurrent use.
func (t *Table) Small(j int) ([]Value, []uint8) {
	if p := t.small[j].Load(); p != nil {
		return p.uniq, p.idx
	}
	col := make([]Value, len(t.objs))
	for i := range t.objs {
		col[i] = t.objs[i].Vals[j]
	}
	uniq, idx := smallValueSet(col)
	t.small[j].CompareAndSwap(nil, &smallCol{uniq: uniq, idx: idx})
	p := t.small[j].Load()
	return p.uniq, p.idx
}

// RowAt reports whether o is row i's object: whether a Value with o and
// the row flags (Frozen, i) is this table's row i. It reads nothing of o.
func (t *Table) RowAt(o *Obj, i int) bool {
	return uint(i) < uint(len(t.objs)) && &t.objs[i] == o
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.objs) }

// Row is row i as a frozen object value.
func (t *Table) Row(i int) Value {
	return objVal(Object, Frozen|int64(i)<<1, &t.objs[i])
}

// Rows is every row, in order.
func (t *Table) Rows() []Value {
	out := make([]Value, len(t.objs))
	for i := range out {
		out[i] = t.Row(i)
	}
	return out
}

// Col is the index of a column, or -1.
func (t *Table) Col(name string) int {
	for j, k := range t.Keys {
		if k == name {
			return j
		}
	}
	return -1
}

// lastTable is the table TableOf found last: rows passed one after another
// (pluck over a sample of rows) usually belong to the same table, and
// checking that the row's object is one of its rows takes no memory read
// of the row itself (a row of a large table is usually a cache miss).
var lastTable atomic.Pointer[Table]

// TableOf returns the table a row value belongs to and its row number, or
// nil when v is not a table row.
func TableOf(v Value) (*Table, int) {
	if v.K != Object || v.Obj() == nil || v.I&Frozen == 0 {
		return nil, 0
	}
	i := int(v.I >> 1)
	if t := lastTable.Load(); t != nil && i < len(t.objs) && &t.objs[i] == v.Obj() {
		return t, i
	}
	if len(v.Obj().Keys) == 0 {
		return nil, 0
	}
	x, ok := tables.Load(unsafe.Pointer(unsafe.SliceData(v.Obj().Keys)))
	if !ok {
		return nil, 0
	}
	t := x.(*Table)
	if i >= len(t.objs) || &t.objs[i] != v.Obj() {
		return nil, 0
	}
	lastTable.Store(t)
	return t, i
}
