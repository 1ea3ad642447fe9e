package sinks

import (
	"encoding/binary"
	"math"
	"slices"
	"unsafe"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// jsonNode mirrors a rec.Field tree with keys rendered once.
type jsonNode struct {
	key      []byte // `"name":` (empty in lists)
	ekey     []byte // key escaped for use inside a JSON string: `\"name\":`
	kind     rec.FieldKind
	slot     int
	children []*jsonNode
}

func buildJSON(fields []*rec.Field) []*jsonNode {
	out := make([]*jsonNode, len(fields))
	for i, f := range fields {
		n := &jsonNode{kind: f.Kind, slot: f.Slot, children: buildJSON(f.Children)}
		if f.Name != "" {
			n.key = append(stdlib.AppendJSONString(nil, f.Name), ':')
			q := stdlib.AppendJSONString(nil, string(n.key))
			n.ekey = q[1 : len(q)-1]
		}
		out[i] = n
	}
	return out
}

// JSONEncoder writes one JSON object per record, newline-terminated.
type JSONEncoder struct {
	tf      *stdlib.TimeFormatter
	layouts [][]*jsonNode // by emit ID
	progs   []*jprog      // by emit ID: the layout as a program (jsonprog.go), nil for the tree encoder
	scratch []byte
}

// NewJSONEncoder prepares layouts for every emit of the stream.
func NewJSONEncoder(s *rec.Stream, tf *stdlib.TimeFormatter) *JSONEncoder {
	e := &JSONEncoder{tf: tf, layouts: make([][]*jsonNode, len(s.Emits)), progs: make([]*jprog, len(s.Emits))}
	for _, em := range s.Emits {
		e.layouts[em.ID] = buildJSON(em.Fields)
		e.progs[em.ID] = buildProgram(em.Fields, tf)
	}
	return e
}

// Encode implements Encoder.
func (e *JSONEncoder) Encode(dst []byte, r *rec.Record) []byte {
	if p := e.progs[r.Emit.ID]; p != nil {
		return e.run(dst, p, r.Vals)
	}
	return e.encodeTree(dst, r)
}

// encodeTree is Encode by walking the field tree (layouts needing it,
// and the reference the programs are tested against).
func (e *JSONEncoder) encodeTree(dst []byte, r *rec.Record) []byte {
	dst = e.appendObject(dst, e.layouts[r.Emit.ID], r.Vals)
	return append(dst, '\n')
}

// appendObject writes an object; fields whose value is null are left out,
// so optional fields (an experiment group outside its window) are absent
// rather than null.
func (e *JSONEncoder) appendObject(dst []byte, nodes []*jsonNode, vals []stdlib.Value) []byte {
	dst = append(dst, '{')
	first := true
	for _, n := range nodes {
		if n.kind == rec.Leaf && vals[n.slot].K == stdlib.Null {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, n.key...)
		dst = e.appendNode(dst, n, vals)
	}
	return append(dst, '}')
}

func (e *JSONEncoder) appendNode(dst []byte, n *jsonNode, vals []stdlib.Value) []byte {
	switch n.kind {
	case rec.Leaf:
		return stdlib.AppendJSON(dst, vals[n.slot], e.tf)
	case rec.Object:
		return e.appendObject(dst, n.children, vals)
	case rec.List:
		dst = append(dst, '[')
		for i, c := range n.children {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendNode(dst, c, vals)
		}
		return append(dst, ']')
	case rec.JSON:
		dst = append(dst, '"')
		dst = e.appendEscaped(dst, n.children[0], vals)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}

// appendEscaped writes a node's JSON text already escaped for the inside of
// a JSON string, so a field written as a JSON string (json({...})) costs one
// pass: keys are escaped once at setup, and only leaf values are escaped.
func (e *JSONEncoder) appendEscaped(dst []byte, n *jsonNode, vals []stdlib.Value) []byte {
	switch n.kind {
	case rec.Leaf:
		return e.appendEscapedValue(dst, vals[n.slot])
	case rec.Object:
		dst = append(dst, '{')
		first := true
		for _, c := range n.children {
			if c.kind == rec.Leaf && vals[c.slot].K == stdlib.Null {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, c.ekey...)
			dst = e.appendEscaped(dst, c, vals)
		}
		return append(dst, '}')
	case rec.List:
		dst = append(dst, '[')
		for i, c := range n.children {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendEscaped(dst, c, vals)
		}
		return append(dst, ']')
	case rec.JSON: // a JSON string inside a JSON string (rare: own buffer)
		inner := e.appendNode(nil, n, vals)
		q := len(dst)
		dst = stdlib.AppendJSONString(dst, arenaStr(inner))
		copy(dst[q:], dst[q+1:len(dst)-1])
		return dst[:len(dst)-2]
	}
	return append(dst, "null"...)
}

// plainASCII reports whether s needs no escaping in JSON.
// appendEscapedValue writes v's JSON text escaped for the inside of a JSON
// string. Plain strings, numbers and lists of them (a list of ids is the
// common case) are written directly; anything else is encoded to JSON and
// then escaped.
func (e *JSONEncoder) appendEscapedValue(dst []byte, v stdlib.Value) []byte {
	switch v.K {
	case stdlib.Null, stdlib.Bool, stdlib.Int, stdlib.Float:
		return stdlib.AppendJSON(dst, v, e.tf)
	case stdlib.String:
		if v.I&stdlib.PlainJSON != 0 || plainASCII(v.S) {
			return appendEscapedPlain(dst, v.S)
		}
	case stdlib.List:
		if out, ok := appendEscapedIDs(dst, v.List()); ok {
			return out
		}
		dst = append(dst, '[')
		for i, x := range v.List() {
			if i > 0 {
				dst = append(dst, ',')
			}
			if x.K == stdlib.String && x.I&stdlib.PlainJSON != 0 {
				dst = appendEscapedPlain(dst, x.S) // ids, names: no call per element
				continue
			}
			dst = e.appendEscapedValue(dst, x)
		}
		return append(dst, ']')
	}
	e.scratch = stdlib.AppendJSON(e.scratch[:0], v, e.tf)
	q := len(dst)
	dst = stdlib.AppendJSONString(dst, arenaStr(e.scratch))
	// Drop the quotes AppendJSONString added around the content.
	copy(dst[q:], dst[q+1:len(dst)-1])
	return dst[:len(dst)-2]
}

func plainASCII(s string) bool { return stdlib.SafePrefix(s) == len(s) }

// maxIDList is the longest list appendEscapedIDs tries: it grows dst for
// the longest such list before it knows the elements are ids.
const maxIDList = 64

// appendEscapedIDs appends the escaped JSON list of l's strings
// ([\"a\",\"b\"]) when they are all plain and of 4 to 16 bytes (ids:
// recipe's displayed_recipe_ids) and l has at most maxIDList of them, and
// reports whether it did; otherwise dst is returned as it was. One pass
// that checks each element as it writes it, each string moved as two
// overlapping words, no call per element: a pass to check the list, one
// to size it and one to write it cost 49 instructions an id, this 25.
func appendEscapedIDs(dst []byte, l []stdlib.Value) ([]byte, bool) {
	if len(l) > maxIDList {
		return dst, false
	}
	// Each element takes at most 21 bytes (\"s\", with s of 16), and the
	// moves below may write up to 8 bytes past it.
	n := len(dst)
	if need := 2 + 21*len(l) + 8; cap(dst)-n < need {
		dst = slices.Grow(dst, need)
	}
	// Each element is written as \"s\", (its comma, or the list's
	// closing bracket over the last one).
	d := unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), n)
	*(*byte)(d) = '['
	at := 1
	for i := range l {
		x := &l[i]
		k := len(x.S)
		if x.K != stdlib.String || x.I&stdlib.PlainJSON == 0 || uint(k-4) > 16-4 {
			return dst, false // dst[n:] may hold what was written: not part of dst
		}
		p := unsafe.Pointer(unsafe.StringData(x.S))
		o := unsafe.Add(d, at)
		*(*uint16)(o) = '\\' | '"'<<8
		if k >= 8 {
			*(*uint64)(unsafe.Add(o, 2)) = *(*uint64)(p)
			*(*uint64)(unsafe.Add(o, k-6)) = *(*uint64)(unsafe.Add(p, k-8))
		} else {
			*(*uint32)(unsafe.Add(o, 2)) = *(*uint32)(p)
			*(*uint32)(unsafe.Add(o, k-2)) = *(*uint32)(unsafe.Add(p, k-4))
		}
		// \", and a byte the next element (or the room) overwrites.
		*(*uint32)(unsafe.Add(o, k+2)) = '\\' | '"'<<8 | ','<<16
		at += k + 5
	}
	if len(l) == 0 {
		at++
	}
	*(*byte)(unsafe.Add(d, at-1)) = ']'
	return dst[:n+at], true
}

// appendEscapedPlain appends \"s\" for a string s that needs no escaping,
// sized once; strings of 4 to 16 bytes (ids, names) move as two
// overlapping words, not through memmove.
func appendEscapedPlain(dst []byte, s string) []byte {
	n, k := len(dst), len(s)
	if cap(dst)-n < k+4 {
		dst = slices.Grow(dst, k+4)
	}
	dst = dst[:n+k+4]
	out := dst[n : n+k+4 : n+k+4]
	binary.LittleEndian.PutUint16(out, '\\'|'"'<<8)
	binary.LittleEndian.PutUint16(out[k+2:], '\\'|'"'<<8)
	p := unsafe.Pointer(unsafe.StringData(s))
	d := unsafe.Pointer(&out[2])
	switch {
	case k >= 8 && k <= 16:
		*(*uint64)(d) = *(*uint64)(p)
		*(*uint64)(unsafe.Add(d, k-8)) = *(*uint64)(unsafe.Add(p, k-8))
	case k >= 4 && k < 8:
		*(*uint32)(d) = *(*uint32)(p)
		*(*uint32)(unsafe.Add(d, k-4)) = *(*uint32)(unsafe.Add(p, k-4))
	default:
		copy(out[2:k+2], s)
	}
	return dst
}

// CSVEncoder writes one RFC 4180 row per record over the stream's columns.
// Nested fields are written as JSON text; missing columns are empty.
type CSVEncoder struct {
	json    *JSONEncoder
	tf      *stdlib.TimeFormatter // json's, read in Encode without going through json
	progs   []csvProg             // by emit ID: the row as literal runs and cells
	scratch []byte
}

// NewCSVEncoder prepares column mappings for every emit of the stream.
func NewCSVEncoder(s *rec.Stream, tf *stdlib.TimeFormatter) *CSVEncoder {
	e := &CSVEncoder{json: NewJSONEncoder(s, tf), tf: tf, progs: make([]csvProg, len(s.Emits))}
	for _, em := range s.Emits {
		e.progs[em.ID] = e.program(em, e.columnNodes(em, s), s)
	}
	return e
}

// columnNodes is an emit's node for each stream column (nil where the
// emit lacks the column).
func (e *CSVEncoder) columnNodes(em *rec.Emit, s *rec.Stream) []*jsonNode {
	row := make([]*jsonNode, len(s.Columns))
	for ci, c := range s.Columns {
		for fi, f := range em.Fields {
			if f.Name == c.Name {
				row[ci] = e.json.layouts[em.ID][fi]
			}
		}
	}
	return row
}

// CSVHeader renders the header row.
func CSVHeader(s *rec.Stream) []byte {
	var b []byte
	for i, c := range s.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVCell(b, c.Name)
	}
	return append(b, '\n')
}

// Encode implements Encoder.
//
// An operation whose literal has at most 16 bytes and whose cell is a
// leaf (a bank transaction's but the last), with room in dst for the
// longest such an operation writes without a call (csvRoom), is written
// here: the literal as one 16-byte block, and the cell when it is a
// plain string (ids, names, categories: nine of a bank transaction's
// cells), a float (three), a time (one) or null. Every other cell goes
// through cell, and every other operation through writeOp.
//
// The loop reads values through unsafe.Add from the offsets the program
// holds (every one below the p.slots values vals is cut to, once a row)
// and keeps few values live across its calls (the operations, their
// index, the values' base, e and r): Go saves no register across a call,
// and every value live is reloaded after the calls floats and times
// make.
func (e *CSVEncoder) Encode(dst []byte, r *rec.Record) []byte {
	p := &e.progs[r.Emit.ID]
	vb := unsafe.Pointer(unsafe.SliceData(r.Vals[:p.slots]))
	ops := p.ops
	for i := range ops {
		op := &ops[i]
		n := len(dst)
		if cap(dst)-n < op.room {
			dst = e.writeOp(dst, op, r.Vals)
			continue
		}
		// The literal, padded to 16 bytes, as one block.
		d := unsafe.Pointer(unsafe.SliceData(dst))
		*(*[16]byte)(unsafe.Add(d, n)) = op.block
		n += int(op.litN)
		// Strings first, with one compare (a switch tests kinds by
		// halves): most cells are.
		v := (*stdlib.Value)(unsafe.Add(vb, op.off))
		if v.K == stdlib.String {
			// PlainStr("") carries the flag, but is written "" (cell).
			// Ids, names, categories move as two overlapping words or
			// blocks, not through a call to memmove; nothing past the
			// string is read.
			if k := len(v.S); v.I&stdlib.PlainCSV != 0 && uint(k-1) < 64 {
				m, q, end := unsafe.Add(d, n), unsafe.Pointer(unsafe.StringData(v.S)), n+k
				switch {
				case k >= 8 && k <= 16:
					*(*uint64)(m) = *(*uint64)(q)
					*(*uint64)(unsafe.Add(m, k-8)) = *(*uint64)(unsafe.Add(q, k-8))
				case k > 16:
					// Up to 32 bytes as two 16-byte blocks, up to 64
					// (UUIDs, longer ids) as two pairs of them.
					if k > 32 {
						*(*[16]byte)(m) = *(*[16]byte)(q)
						*(*[16]byte)(unsafe.Add(m, 16)) = *(*[16]byte)(unsafe.Add(q, 16))
						m, q, k = unsafe.Add(m, k-32), unsafe.Add(q, k-32), 32
					}
					*(*[16]byte)(m) = *(*[16]byte)(q)
					*(*[16]byte)(unsafe.Add(m, k-16)) = *(*[16]byte)(unsafe.Add(q, k-16))
				case k >= 4:
					*(*uint32)(m) = *(*uint32)(q)
					*(*uint32)(unsafe.Add(m, k-4)) = *(*uint32)(unsafe.Add(q, k-4))
				default:
					for j := 0; j < k; j++ {
						*(*byte)(unsafe.Add(m, j)) = *(*byte)(unsafe.Add(q, j))
					}
				}
				dst = dst[:end]
				continue
			}
			dst = e.cell(dst[:n], op.n, r.Vals)
			continue
		}
		switch v.K {
		case stdlib.Float:
			// Amounts, coordinates: written at d+n (csvRoom covers
			// the 24 bytes PutJSONFloat needs), with no slice to pass,
			// check and return.
			if l, ok := stdlib.PutJSONFloat(unsafe.Add(d, n), v.Float()); ok {
				dst = dst[:n+l]
				continue
			}
			dst = stdlib.AppendJSONFloat(dst[:n], v.Float())
			continue
		case stdlib.Time:
			dst = e.tf.Append(dst[:n], v.I)
			continue
		case stdlib.Null:
			dst = dst[:n]
			continue
		}
		dst = e.cell(dst[:n], op.n, r.Vals)
	}
	// The row's end: the literal after its last cell, and the newline
	// (p found again: kept, it would be reloaded every operation).
	end := e.progs[r.Emit.ID].end
	if n, k := len(dst), len(end); k <= 16 && cap(dst)-n >= 16 {
		d, l := unsafe.Pointer(unsafe.SliceData(dst)), unsafe.Pointer(unsafe.SliceData(end))
		*(*uint64)(unsafe.Add(d, n)) = *(*uint64)(l)
		*(*uint64)(unsafe.Add(d, n+8)) = *(*uint64)(unsafe.Add(l, 8))
		return dst[:n+k]
	}
	return append(dst, end...)
}

// writeOp writes an operation Encode does not: its literal, then its
// cell. Not inlined: its append's call to grow dst would have Encode keep
// dst's length on the stack at every operation.
//
//go:noinline
func (e *CSVEncoder) writeOp(dst []byte, op *csvOp, vals []stdlib.Value) []byte {
	return e.cell(append(dst, op.lit...), op.n, vals)
}

// csvRoom is the room in dst with which Encode writes an operation's
// literal and a plain string cell: 16 bytes of literal and 64 of string.
const csvRoom = 16 + 64

// csvProg is an emit's row: its operations, then the literal after the
// last of them (constant cells, commas, the newline; padded: padLit).
// slots is one more than the highest slot an operation Encode writes
// itself reads.
type csvProg struct {
	ops   []csvOp
	end   []byte
	slots int
}

// csvOp is a run of literal text (separators, and cells whose value is a
// constant, rendered once) followed by one varying cell. When n is a
// leaf and the literal has at most 16 bytes, Encode writes the operation
// itself (room is then csvRoom, the room it needs, and more than any
// room otherwise): the literal from block (zero-padded), litN bytes
// long, and the value at byte offset off of the record's values (n's
// slot).
type csvOp struct {
	block [16]byte
	litN  uintptr
	off   uintptr
	room  int // csvRoom when Encode writes the operation, else more than any room
	n     *jsonNode
	lit   []byte
}

// program flattens an emit's row: constant cells and the commas around
// them become literal runs, so a row costs a copy per run and a cell
// write per varying column.
func (e *CSVEncoder) program(em *rec.Emit, row []*jsonNode, s *rec.Stream) csvProg {
	var p csvProg
	var cur []byte
	for ci, c := range s.Columns {
		if ci > 0 {
			cur = append(cur, ',')
		}
		n := row[ci]
		if n == nil {
			continue
		}
		var cst *stdlib.Value
		for _, f := range em.Fields {
			if f.Name == c.Name && f.Kind == rec.Leaf {
				cst = f.Const
			}
		}
		if cst != nil {
			vals := make([]stdlib.Value, n.slot+1)
			vals[n.slot] = *cst
			cur = e.cell(cur, n, vals)
			continue
		}
		op := csvOp{litN: uintptr(len(cur)), n: n, lit: cur, room: math.MaxInt}
		if n.kind == rec.Leaf && len(cur) <= 16 {
			op.room = csvRoom
			copy(op.block[:], cur)
			op.off = uintptr(n.slot) * unsafe.Sizeof(stdlib.Value{})
			p.slots = max(p.slots, n.slot+1)
		}
		p.ops = append(p.ops, op)
		cur = nil
	}
	p.end = padLit(append(cur, '\n'))
	return p
}

// padLit is a literal with room for 16 bytes at least, which Encode reads
// whole when the literal is shorter.
func padLit(b []byte) []byte {
	p := make([]byte, len(b), max(len(b), 16))
	copy(p, b)
	return p
}

// cell writes one column's cell.
func (e *CSVEncoder) cell(dst []byte, n *jsonNode, vals []stdlib.Value) []byte {
	if n.kind == rec.Leaf {
		v := vals[n.slot]
		switch v.K {
		case stdlib.Null:
			return dst
		case stdlib.String:
			if v.I&stdlib.PlainCSV != 0 && len(v.S) > 0 { // PlainStr("") carries the flag
				return append(dst, v.S...)
			}
			return appendCSVCell(dst, v.S)
		case stdlib.Time:
			return e.json.tf.Append(dst, v.I)
		case stdlib.Int, stdlib.Float, stdlib.Bool:
			return stdlib.AppendJSON(dst, v, e.json.tf)
		}
	}
	if n.kind == rec.JSON { // a CSV cell holds the JSON text itself
		n = n.children[0]
	}
	e.scratch = e.json.appendNode(e.scratch[:0], n, vals)
	if n.kind == rec.Leaf && vals[n.slot].K == stdlib.Duration {
		e.scratch = unquoteTail(e.scratch)
	}
	return appendCSVCell(dst, arenaStr(e.scratch))
}

// unquoteTail removes the quotes of a JSON string that ends dst and
// contains no escapes (timestamps, durations).
func unquoteTail(dst []byte) []byte {
	i := len(dst) - 2
	for i >= 0 && dst[i] != '"' {
		i--
	}
	if i < 0 {
		return dst
	}
	copy(dst[i:], dst[i+1:len(dst)-1])
	return dst[:len(dst)-2]
}

func appendCSVCell(dst []byte, s string) []byte {
	if stdlib.CSVPlain(s) {
		return append(dst, s...)
	}
	quote := len(s) == 0 // "": an empty string, not a null
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			quote = true
		}
	}
	if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		quote = true
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}
