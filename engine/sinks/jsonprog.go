package sinks

import (
	"slices"
	"unsafe"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// A JSON program is an emit's layout flattened, once per encoder, into a
// list of operations: runs of literal bytes (braces, keys, commas, the
// text of constant fields, all merged) and the values that change per
// record. Encoding a record runs the list instead of walking the field
// tree, so a record costs one copy per literal run and one append per
// varying value. The output is the tree encoder's, byte for byte
// (TestJSONProgramMatchesTree): a member whose value is null is left out,
// and so the comma before the next member is known only at run time
// after such a member; it is fixed at build time wherever it can be.
type jop struct {
	kind uint8
	esc  bool // the value goes inside a JSON string (json(...)): escaped
	slot int32
	// lit: opLit the bytes; opMember, opMemberLit and opKey the text with
	// its leading comma (",\"key\":…"), written without it for an object's
	// first member.
	lit []byte
	// litq: opMember's lit and the opening quote of a string value (\"
	// inside a json(...) string), for plain strings. lit and litq have
	// room for 33 bytes (padded), so up to 32 of them, from index 0 or 1,
	// are copied as one fixed-size block.
	litq []byte
}

const (
	opLit       = iota // append lit
	opMember           // an object member with a varying value: left out when null
	opMemberLit        // an object member with a constant value (lit holds both)
	opKey              // the key of an object, list or json member (never null)
	opValue            // a list element: written even when null
	opEnter            // an object starts: its first member has no comma
	opLeave            // it ends: back to the enclosing object's state
	opNotFirst         // a member was written as a literal: later commas are needed
)

// maxJSONDepth bounds the nesting a program tracks; deeper layouts use
// the tree encoder.
const maxJSONDepth = 16

// firstState is what the builder knows about the current object: whether
// its next member is the first one written.
type firstState uint8

const (
	isFirst  firstState = iota // nothing written yet
	notFirst                   // something written
	unknown                    // depends on nulls at run time
)

type progBuilder struct {
	tf    *stdlib.TimeFormatter
	ops   []jop
	first firstState
	// stale: a member was written as a literal since the run-time state
	// last changed, so the run-time "first" flag still says true.
	stale bool
	ok    bool
	depth int
}

// buildProgram returns the program for an emit's fields, or nil when the
// layout needs the tree encoder (a json(...) inside a json(...), or deeper
// than maxJSONDepth).
func buildProgram(fields []*rec.Field, tf *stdlib.TimeFormatter) []jop {
	b := &progBuilder{tf: tf, ok: true}
	b.object(fields, false)
	b.lit([]byte("\n"))
	if !b.ok {
		return nil
	}
	for i := range b.ops {
		b.ops[i].lit = padded(b.ops[i].lit)
		b.ops[i].litq = padded(b.ops[i].litq)
	}
	return b.ops
}

// padded returns p in an array with room for at least 33 bytes, so that
// p and p[1:] can be read as 32-byte blocks (see appendLit).
func padded(p []byte) []byte {
	if p == nil {
		return nil
	}
	return append(make([]byte, 0, max(33, len(p))), p...)
}

// appendLit appends a padded literal: one 32-byte block copy when it is
// that short and dst has room, instead of a call to memmove.
func appendLit(dst, l []byte) []byte {
	n := len(dst)
	if len(l) > 32 || cap(dst)-n < 32 {
		return append(dst, l...)
	}
	copy32(unsafe.Pointer(unsafe.SliceData(dst[n:n+32])), unsafe.Pointer(unsafe.SliceData(l[:32])))
	return dst[:n+len(l)]
}

// copy32 copies 32 bytes through registers: a struct of four words is
// loaded whole before it is stored. Assigning one *[32]byte to another
// compiles to a call to memmove, since the two may overlap (5 M calls in a
// 1 M-record recipe run).
func copy32(d, s unsafe.Pointer) {
	w := *(*words4)(s)
	*(*words4)(d) = w
}

type words4 struct{ a, b, c, d uint64 }

func (b *progBuilder) lit(p []byte) {
	if n := len(b.ops); n > 0 && b.ops[n-1].kind == opLit {
		b.ops[n-1].lit = append(b.ops[n-1].lit, p...)
		return
	}
	b.ops = append(b.ops, jop{kind: opLit, lit: append([]byte(nil), p...)})
}

// member writes a member's key (with its value text, for a constant)
// where the comma is known, or a run-time operation where it is not.
func (b *progBuilder) member(kind uint8, text []byte, slot int, esc bool) {
	switch {
	case kind == opMember:
		if b.stale {
			b.ops = append(b.ops, jop{kind: opNotFirst})
			b.stale = false
		}
		lit := append([]byte{','}, text...)
		q := `"`
		if esc {
			q = `\"`
		}
		b.ops = append(b.ops, jop{kind: opMember, slot: int32(slot), esc: esc, lit: lit, litq: append(lit[:len(lit):len(lit)], q...)})
		if b.first != notFirst {
			b.first = unknown
		}
		return
	case b.first == isFirst:
		b.lit(text)
		b.stale = true
	case b.first == notFirst:
		b.lit(append([]byte{','}, text...))
	default: // unknown: never stale, as only opMember makes it unknown
		b.ops = append(b.ops, jop{kind: kind, lit: append([]byte{','}, text...)})
	}
	b.first = notFirst
}

func (b *progBuilder) object(fields []*rec.Field, esc bool) {
	if b.depth++; b.depth > maxJSONDepth {
		b.ok = false
		return
	}
	b.lit([]byte("{"))
	outer, outerStale := b.first, b.stale
	b.first, b.stale = isFirst, false
	b.ops = append(b.ops, jop{kind: opEnter})
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
				b.member(opMemberLit, b.value(key, *f.Const, esc), 0, esc)
				continue
			}
			b.member(opMember, key, f.Slot, esc)
			continue
		}
		b.member(opKey, key, 0, esc)
		b.node(f, esc)
	}
	b.ops = append(b.ops, jop{kind: opLeave})
	b.first, b.stale = outer, outerStale
	b.lit([]byte("}"))
	b.depth--
}

// node writes a non-member node: a list element or a member's value.
func (b *progBuilder) node(f *rec.Field, esc bool) {
	switch f.Kind {
	case rec.Leaf:
		if f.Const != nil {
			b.lit(b.value(nil, *f.Const, esc))
			return
		}
		b.ops = append(b.ops, jop{kind: opValue, slot: int32(f.Slot), esc: esc})
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

// value renders a constant as the tree encoder would, after dst.
func (b *progBuilder) value(dst []byte, v stdlib.Value, esc bool) []byte {
	if esc {
		e := &JSONEncoder{tf: b.tf}
		return e.appendEscapedValue(dst, v)
	}
	return stdlib.AppendJSON(dst, v, b.tf)
}

// run encodes one record with a program.
func (e *JSONEncoder) run(dst []byte, prog []jop, vals []stdlib.Value) []byte {
	var stack [maxJSONDepth + 1]bool
	depth := 0
	first := true
	for i := range prog {
		op := &prog[i]
		switch op.kind {
		case opLit:
			dst = appendLit(dst, op.lit)
		case opMember:
			v := &vals[op.slot]
			if v.K == stdlib.Null {
				continue
			}
			skip := 0
			if first {
				skip = 1
			}
			first = false
			if v.K == stdlib.String && v.I&stdlib.PlainJSON != 0 {
				// The member's text and opening quote, the string, and
				// the closing quote, sized once.
				n := len(dst)
				l := op.litq[skip:]
				if need := max(32, len(l)) + len(v.S) + 2; cap(dst)-n < need {
					dst = slices.Grow(dst, need)
				}
				m := n + len(l)
				if len(l) <= 32 {
					copy32(unsafe.Pointer(unsafe.SliceData(dst[n:n+32])), unsafe.Pointer(unsafe.SliceData(l[:32])))
				} else {
					copy(dst[n:cap(dst)], l)
				}
				// Strings of 8 to 64 bytes (ids, names, categories) move as
				// two overlapping words, 16-byte or 32-byte blocks.
				str := v.S
				switch k := len(str); {
				case k >= 8 && k <= 16:
					p := unsafe.Pointer(unsafe.StringData(str))
					d := unsafe.Pointer(unsafe.SliceData(dst[m : m+k]))
					*(*uint64)(d) = *(*uint64)(p)
					*(*uint64)(unsafe.Add(d, k-8)) = *(*uint64)(unsafe.Add(p, k-8))
					m += k
				case k > 16 && k <= 32:
					p := unsafe.Pointer(unsafe.StringData(str))
					d := unsafe.Pointer(unsafe.SliceData(dst[m : m+k]))
					*(*[16]byte)(d) = *(*[16]byte)(p)
					*(*[16]byte)(unsafe.Add(d, k-16)) = *(*[16]byte)(unsafe.Add(p, k-16))
					m += k
				case k > 32 && k <= 64: // session and event ids
					p := unsafe.Pointer(unsafe.StringData(str))
					d := unsafe.Pointer(unsafe.SliceData(dst[m : m+k]))
					copy32(d, p)
					copy32(unsafe.Add(d, k-32), unsafe.Add(p, k-32))
					m += k
				default:
					m += copy(dst[m:cap(dst)], str)
				}
				if op.esc {
					dst = append(dst[:m], '\\', '"')
				} else {
					dst = dst[:m+1]
					dst[m] = '"'
				}
				continue
			}
			dst = appendLit(dst, op.lit[skip:])
			if op.esc {
				dst = e.appendEscapedValue(dst, *v)
			} else {
				dst = stdlib.AppendJSON(dst, *v, e.tf)
			}
		case opMemberLit, opKey:
			if first {
				dst = appendLit(dst, op.lit[1:])
			} else {
				dst = appendLit(dst, op.lit)
			}
			first = false
		case opValue:
			if op.esc {
				dst = e.appendEscapedValue(dst, vals[op.slot])
			} else {
				dst = stdlib.AppendJSON(dst, vals[op.slot], e.tf)
			}
		case opEnter:
			stack[depth] = first
			depth++
			first = true
		case opLeave:
			depth--
			first = stack[depth]
		case opNotFirst:
			first = false
		}
	}
	return dst
}
