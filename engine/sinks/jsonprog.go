package sinks

import (
	"math"
	"slices"
	"unsafe"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// A JSON program is an emit's layout flattened, once per encoder, into a
// list of operations over one block of literal text: braces, keys,
// commas and the text of constant fields, all merged, and between them
// the values that change per record. Encoding a record runs the list
// instead of walking the field tree. The output is the tree encoder's,
// byte for byte (TestJSONProgramMatchesTree).
//
// A member whose value is null is left out, so whether a comma goes
// before a member can depend on the values. The program writes every
// member followed by its comma instead, and an object's close replaces a
// trailing comma with the brace. Where the last member of an object is a
// constant, a key or a nested value, that comma is known when the program
// is built and the close is literal text too; only an object ending with
// a member that may be null closes at run time. So the commas cost no
// state: an operation is a literal and at most one value.
type jop struct {
	kind uint8
	esc  uint8 // 1: the value goes inside a JSON string (json(...)): escaped
	// The operation's text, at off in the program's text: npre bytes
	// written whatever the value, then (opMember) the key up to nkey,
	// then the opening quote of a string value up to nq (\" inside a
	// json(...) string); an opMember's text is followed by the word
	// fastOps writes after a string value (op1).
	npre, nkey, nq uint16
	val            uint32 // where the value is in the record's values, in bytes (its slot × 32)
	off            uint32
}

const (
	opLit     = iota // the text
	opMember         // the text, and when the value is not null the key, the value and a comma
	opValue          // the text and the value, null or not (a list element)
	opClose          // the text, then the object's trailing comma (if any) becomes '}'
	opLongKey        // opMember with more than fastText bytes of text: slowOp's
	opEnd            // the end of the program (its last operation)
)

// slot is the operation's value's slot in the record's values.
func (op *jop) slot() int { return int(op.val / uint32(unsafe.Sizeof(stdlib.Value{}))) }

// jprog is an emit's program.
type jprog struct {
	ops []jop // ending with opEnd
	// text holds the operations' literals, followed by textPad bytes so
	// that any literal can be read as whole 32-byte blocks.
	text []byte
	// nvals is one more than the highest slot an operation reads: the
	// values fastOps may read unchecked.
	nvals int
	// room is the most fastOps writes past a record's start running all
	// the operations (each one's reach, summed): with that much room in
	// dst it checks none.
	room int
}

const textPad = 64

// maxJSONDepth bounds the nesting a program builds; deeper layouts use
// the tree encoder.
const maxJSONDepth = 16

type progBuilder struct {
	tf      *stdlib.TimeFormatter
	ops     []jop
	text    []byte
	pending []byte // literal text not yet given to an operation
	ok      bool
	depth   int
}

// buildProgram returns the program for an emit's fields, or nil when the
// layout needs the tree encoder (a json(...) inside a json(...), deeper
// than maxJSONDepth, or literals too long for the operations' lengths).
func buildProgram(fields []*rec.Field, tf *stdlib.TimeFormatter) *jprog {
	b := &progBuilder{tf: tf, ok: true}
	b.object(fields, false)
	b.lit([]byte("\n"))
	b.op(opLit, 0, false, nil, nil)
	b.ops = append(b.ops, jop{kind: opEnd})
	if !b.ok || len(b.text) > math.MaxUint32-textPad {
		return nil
	}
	p := &jprog{ops: b.ops, text: append(b.text, make([]byte, textPad)...)}
	for i := range p.ops {
		op := &p.ops[i]
		if op.kind == opMember || op.kind == opValue || op.kind == opLongKey {
			p.nvals = max(p.nvals, op.slot()+1)
		}
		p.room += opReach(op)
	}
	return p
}

// opReach is the most fastOps writes past an operation's start (past
// the bytes it appends too: whole blocks and words).
func opReach(op *jop) int {
	switch op.kind {
	case opLit, opClose:
		// The text as 32-byte blocks, and a closing brace after it.
		return max(int(op.npre), 32) + 1
	case opMember:
		// The text up to the opening quote, then at most a 64-byte
		// string and a 4-byte word (the closing quote and comma), or a
		// timestamp's 32-byte block, or an int's digits and comma.
		return max(int(op.nq)+64+4, 32)
	}
	return 0
}

func (b *progBuilder) lit(p []byte) { b.pending = append(b.pending, p...) }

// fastText is the most text fastOps writes for one operation (moveText).
const fastText = 64

// op appends an operation whose text is the pending literal, then key,
// then q. Where that text is longer than fastText, the pending literal
// goes first in literals of up to fastText bytes, which fastOps writes
// (recipe's `","context":"{\"page\":{\"name\":…,\"user_segment\":\"`
// before a member, once per record, took slowOp and a call to memmove).
func (b *progBuilder) op(kind uint8, slot int, esc bool, key, q []byte) {
	if kind == opMember && len(key)+len(q) > fastText {
		kind = opLongKey
	}
	for len(b.pending) > 0 && len(b.pending)+len(key)+len(q) > fastText && (kind != opLit || len(b.pending) > fastText) {
		n := min(len(b.pending), fastText)
		rest := b.pending[n:]
		b.pending = b.pending[:n]
		b.op1(opLit, 0, false, nil, nil)
		b.pending = append(b.pending, rest...)
	}
	b.op1(kind, slot, esc, key, q)
}

func (b *progBuilder) op1(kind uint8, slot int, esc bool, key, q []byte) {
	off := len(b.text)
	b.text = append(b.text, b.pending...)
	npre := len(b.text) - off
	b.text = append(b.text, key...)
	nkey := len(b.text) - off
	b.text = append(b.text, q...)
	nq := len(b.text) - off
	if kind == opMember {
		// After the operation's text, the word fastOps writes after a
		// string: the closing quote (\" in a json(...) string) and the
		// comma. Read from here, not built from op.esc with a variable
		// shift: 19 instructions a string member, of which recipe has 9
		// a record, became 7 (recipe 4 880 → 4 763 M instructions).
		tail := []byte(`",`)
		if esc {
			tail = []byte(`\",`)
		}
		b.text = append(append(b.text, tail...), make([]byte, 4-len(tail))...)
	}
	b.pending = b.pending[:0]
	if nq > math.MaxUint16 || slot > math.MaxUint32/int(unsafe.Sizeof(stdlib.Value{})) {
		b.ok = false
		return
	}
	var e uint8
	if esc {
		e = 1
	}
	b.ops = append(b.ops, jop{kind: kind, esc: e, npre: uint16(npre), nkey: uint16(nkey), nq: uint16(nq),
		val: uint32(slot) * uint32(unsafe.Sizeof(stdlib.Value{})), off: uint32(off)})
}

func (b *progBuilder) object(fields []*rec.Field, esc bool) {
	if b.depth++; b.depth > maxJSONDepth {
		b.ok = false
		return
	}
	b.lit([]byte("{"))
	dynamicLast := false // the last member written may be null
	for _, f := range fields {
		key := append(stdlib.AppendJSONString(nil, f.Name), ':')
		if esc {
			q := stdlib.AppendJSONString(nil, string(key))
			key = q[1 : len(q)-1]
		}
		if f.Kind == rec.Leaf {
			if f.Const != nil {
				if f.Const.K == stdlib.Null {
					continue // always left out
				}
				b.lit(key)
				b.lit(b.value(*f.Const, esc))
				b.lit([]byte(","))
				dynamicLast = false
				continue
			}
			q := []byte(`"`)
			if esc {
				q = []byte(`\"`)
			}
			b.op(opMember, f.Slot, esc, key, q)
			dynamicLast = true
			continue
		}
		b.lit(key)
		b.node(f, esc)
		b.lit([]byte(","))
		dynamicLast = false
	}
	switch n := len(b.pending); {
	case dynamicLast:
		b.op(opClose, 0, esc, nil, nil)
	case n > 0 && b.pending[n-1] == ',': // the last member's comma
		b.pending[n-1] = '}'
	default: // nothing written since the brace
		b.lit([]byte("}"))
	}
	b.depth--
}

// node writes a non-member node: a list element or a member's value.
func (b *progBuilder) node(f *rec.Field, esc bool) {
	switch f.Kind {
	case rec.Leaf:
		if f.Const != nil {
			b.lit(b.value(*f.Const, esc))
			return
		}
		b.op(opValue, f.Slot, esc, nil, nil)
	case rec.Object:
		b.object(f.Children, esc)
	case rec.List:
		b.lit([]byte("["))
		for i, c := range f.Children {
			if i > 0 {
				b.lit([]byte(","))
			}
			b.node(c, esc)
		}
		b.lit([]byte("]"))
	case rec.JSON:
		if esc {
			b.ok = false // a JSON string inside a JSON string: the tree encoder
			return
		}
		b.lit([]byte(`"`))
		b.node(f.Children[0], true)
		b.lit([]byte(`"`))
	default:
		b.lit([]byte("null"))
	}
}

// value renders a constant as the tree encoder would.
func (b *progBuilder) value(v stdlib.Value, esc bool) []byte {
	if esc {
		e := &JSONEncoder{tf: b.tf}
		return e.appendEscapedValue(nil, v)
	}
	return stdlib.AppendJSON(nil, v, b.tf)
}

// copy32 copies 32 bytes as two 16-byte moves, through a vector
// register and not the loop's general ones. Assigning one *[32]byte to
// another compiles to a call to memmove, since the two may overlap.
func copy32(d, s unsafe.Pointer) {
	*(*[16]byte)(d) = *(*[16]byte)(s)
	*(*[16]byte)(unsafe.Add(d, 16)) = *(*[16]byte)(unsafe.Add(s, 16))
}

// moveText copies n (at most 64) bytes of a program's text from t to d as
// one or two overlapping 32-byte blocks: t must be readable, and d
// writable, for max(n, 32) bytes (the text is padded).
func moveText(d, t unsafe.Pointer, n int) {
	copy32(d, t)
	if n > 32 {
		copy32(unsafe.Add(d, n-32), unsafe.Add(t, n-32))
	}
}

// run encodes one record with a program. The operations that need no
// function call (literals, closes, null members, members with a plain
// string of up to 64 bytes, small ints and timestamps in the hour the
// formatter holds: most of a record) run in fastOps, a loop that calls
// nothing and so keeps its state in registers; each of the others runs
// in slowOp, and fastOps goes on after it. (One loop doing both spilled
// and reloaded a dozen values per operation around its calls.) fastOps
// checks neither dst's room nor the values' slots: run makes room for
// all it may write (p.room) before it, and checks once that vals holds
// every slot the program reads.
func (e *JSONEncoder) run(dst []byte, p *jprog, vals []stdlib.Value) []byte {
	if p.nvals > 0 {
		_ = vals[p.nvals-1]
	}
	text := unsafe.Pointer(unsafe.SliceData(p.text))
	vs := unsafe.Pointer(unsafe.SliceData(vals))
	tf := e.tf
	if tf == nil {
		tf = nilFormatter
	}
	op := &p.ops[0]
	for {
		if cap(dst)-len(dst) < p.room {
			dst = slices.Grow(dst, p.room)
		}
		// fastOps writes from dst's end on and returns where it stopped.
		base := unsafe.Pointer(unsafe.SliceData(dst))
		end, stop := fastOps(unsafe.Add(base, len(dst)), op, text, vs, tf)
		dst = dst[:uintptr(end)-uintptr(base)]
		if stop.kind == opEnd {
			return dst
		}
		dst = e.slowOp(dst, stop, text, vals)
		op = nextOp(stop)
	}
}

// nextOp is the operation after op, which is not the program's opEnd.
func nextOp(op *jop) *jop { return (*jop)(unsafe.Add(unsafe.Pointer(op), unsafe.Sizeof(jop{}))) }

// nilFormatter stands for an encoder's nil formatter in fastOps: it is
// never appended with, so it holds no hour and every timestamp goes to
// slowOp (and Append's UTC formatter).
var nilFormatter = stdlib.NewTimeFormatter(nil)

// fastOps runs the operations from op on, writing at d, until one needs
// slowOp or is the program's opEnd, and returns where it stopped writing
// and that operation. d has room for the program's reach (run), vals
// holds every slot it reads, and the text is padded: nothing is checked.
func fastOps(d unsafe.Pointer, op *jop, text, vals unsafe.Pointer, tf *stdlib.TimeFormatter) (unsafe.Pointer, *jop) {
	for ; ; op = nextOp(op) {
		t := unsafe.Add(text, op.off)
		if op.kind == opMember {
			v := (*stdlib.Value)(unsafe.Add(vals, op.val))
			if k := len(v.S); v.K == stdlib.String && v.I&stdlib.PlainJSON != 0 && k <= 64 {
				// The text with the key and opening quote, the string,
				// the closing quote (escaped: \") and the comma.
				nq := int(op.nq)
				moveText(d, t, nq)
				m := unsafe.Add(d, nq)
				// The string as two overlapping words or blocks:
				// nothing past it is read.
				switch p := unsafe.Pointer(unsafe.StringData(v.S)); {
				case k >= 8 && k <= 16:
					*(*uint64)(m) = *(*uint64)(p)
					*(*uint64)(unsafe.Add(m, k-8)) = *(*uint64)(unsafe.Add(p, k-8))
				case k > 16 && k <= 32:
					*(*[16]byte)(m) = *(*[16]byte)(p)
					*(*[16]byte)(unsafe.Add(m, k-16)) = *(*[16]byte)(unsafe.Add(p, k-16))
				case k > 32: // session and event ids
					copy32(m, p)
					copy32(unsafe.Add(m, k-32), unsafe.Add(p, k-32))
				case k >= 4:
					*(*uint32)(m) = *(*uint32)(p)
					*(*uint32)(unsafe.Add(m, k-4)) = *(*uint32)(unsafe.Add(p, k-4))
				default:
					for j := 0; j < k; j++ {
						*(*byte)(unsafe.Add(m, j)) = *(*byte)(unsafe.Add(p, j))
					}
				}
				// The closing quote and comma: the word after the text.
				*(*uint32)(unsafe.Add(m, k)) = *(*uint32)(unsafe.Add(t, nq))
				d = unsafe.Add(m, k+2+int(op.esc))
				continue
			}
			switch v.K {
			case stdlib.Null:
				npre := int(op.npre)
				moveText(d, t, npre)
				d = unsafe.Add(d, npre)
				continue
			case stdlib.Int:
				// An int from 0 to 999 (a rank, a count, minutes),
				// escaped or not: the key's text, the digits, the comma.
				u := uint64(v.I)
				if u >= 1000 {
					return d, op
				}
				nkey := int(op.nkey)
				moveText(d, t, nkey)
				m := (*[4]byte)(unsafe.Add(d, nkey))
				switch {
				case u < 10:
					m[0], m[1] = byte('0'+u), ','
					d = unsafe.Add(d, nkey+2)
				case u < 100:
					m[0], m[1], m[2] = stdlib.DigitPairs[2*u], stdlib.DigitPairs[2*u+1], ','
					d = unsafe.Add(d, nkey+3)
				default:
					h := u / 100
					r := 2 * (u - h*100)
					m[0], m[1], m[2], m[3] = byte('0'+h), stdlib.DigitPairs[r], stdlib.DigitPairs[r+1], ','
					d = unsafe.Add(d, nkey+4)
				}
				continue
			case stdlib.Time:
				// A timestamp in the hour the formatter holds (most of
				// them: records come in time order) is its hour's text,
				// moved as one block, with the minutes, seconds and
				// milliseconds filled in, as TimeFormatter.Append does.
				ht, base, lo, hi := tf.Hour()
				if op.esc != 0 || v.I < lo || v.I >= hi {
					return d, op
				}
				nq := int(op.nq)
				moveText(d, t, nq)
				m := unsafe.Add(d, nq)
				copy32(m, unsafe.Pointer(ht))
				// In 32 bits (r is below 3 600 000: see Hour): a
				// division by a constant is then a multiplication by an
				// immediate and a shift, where in 64 bits it was MULQ
				// with its fixed registers, three moves more each. Each
				// pair of digits is one 16-bit load and store.
				r := uint32(v.I - base)
				s32 := r / 1000
				milli := r - s32*1000
				m32 := s32 / 60
				h := milli / 100
				b := (*[32]byte)(m)
				*(*uint16)(unsafe.Add(m, 14)) = digitPair(uint(m32 % 60))
				*(*uint16)(unsafe.Add(m, 17)) = digitPair(uint(s32 - m32*60))
				b[20] = byte('0' + h)
				*(*uint16)(unsafe.Add(m, 21)) = digitPair(uint(milli - h*100))
				b[29], b[30] = '"', ','
				d = unsafe.Add(m, 31)
				continue
			}
			return d, op
		}
		switch op.kind {
		case opLit:
			npre := int(op.npre)
			moveText(d, t, npre)
			d = unsafe.Add(d, npre)
		case opClose:
			// The object's trailing comma (there is a byte before: at
			// least its opening brace) becomes its closing brace.
			npre := int(op.npre)
			moveText(d, t, npre)
			c := unsafe.Add(d, npre-1)
			if *(*byte)(c) != ',' {
				c = unsafe.Add(c, 1)
			}
			*(*byte)(c) = '}'
			d = unsafe.Add(c, 1)
		default:
			return d, op
		}
	}
}

// digitPair is the two digits of x, below 100, as they lie in memory.
func digitPair(x uint) uint16 {
	return *(*uint16)(unsafe.Add(unsafe.Pointer(unsafe.StringData(stdlib.DigitPairs)), 2*x))
}

// slowOp runs one operation, whatever it needs.
func (e *JSONEncoder) slowOp(dst []byte, op *jop, text unsafe.Pointer, vals []stdlib.Value) []byte {
	t := unsafe.Add(text, op.off)
	switch op.kind {
	case opMember, opLongKey:
		v := &vals[op.slot()]
		switch {
		case v.K == stdlib.Null:
			return appendText(dst, t, int(op.npre))
		case v.K == stdlib.Time && op.esc == 0:
			dst = appendText(dst, t, int(op.nq))
			dst = e.tf.Append(dst, v.I)
			return append(dst, '"', ',')
		}
		dst = appendText(dst, t, int(op.nkey))
		if op.esc != 0 {
			dst = e.appendEscapedValue(dst, *v)
		} else {
			dst = stdlib.AppendJSON(dst, *v, e.tf)
		}
		return append(dst, ',')
	case opValue:
		dst = appendText(dst, t, int(op.npre))
		if op.esc != 0 {
			return e.appendEscapedValue(dst, vals[op.slot()])
		}
		return stdlib.AppendJSON(dst, vals[op.slot()], e.tf)
	case opClose:
		dst = appendText(dst, t, int(op.npre))
		if l := len(dst) - 1; dst[l] == ',' {
			dst[l] = '}'
			return dst
		}
		return append(dst, '}')
	}
	return appendText(dst, t, int(op.npre))
}

// appendText appends the n bytes of a program's text at t: up to 64 of
// them as one or two (overlapping) 32-byte blocks instead of a call to
// memmove (a program's text is padded, so 32 bytes can be read from any
// literal's start).
func appendText(dst []byte, t unsafe.Pointer, n int) []byte {
	l := len(dst)
	if n > 64 || cap(dst)-l < 64 {
		return append(dst, unsafe.Slice((*byte)(t), n)...)
	}
	d := unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), l)
	moveText(d, t, n)
	return dst[:l+n]
}
