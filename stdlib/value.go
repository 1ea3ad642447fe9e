// Package stdlib owns the values, random streams and the registry of
// functions and distributions that scenario expressions can call. The
// registry is the documentation: every entry carries its signature,
// description and runnable examples.
package stdlib

import (
	"math"
	"strconv"
	"time"
	"unsafe"
)

// Kind is the runtime type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	Time     // I holds milliseconds since the Unix epoch
	Duration // I holds milliseconds
	List     // L holds the elements
	Object   // O holds keys and values
)

var kindNames = [...]string{"null", "bool", "int", "float", "string", "time", "duration", "list", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is the engine's compact tagged union (32 bytes). It is passed by
// value on the hot path; only lists and objects point to heap data.
//
//   - Bool, Int, Time, Duration: I
//   - Float: I holds the IEEE-754 bits (Float() reads them)
//   - String: S; I may hold the PlainJSON and PlainCSV flags
//   - List: Obj().Vals are the elements, Obj().Keys is nil (List() reads them)
//   - Object: Obj(); for lists and objects I may hold the Frozen flag (and,
//     for a table row, its row number above it)
//
// A list's or object's *Obj is kept in S's data pointer (with length 0):
// Obj() and SetObj() read and write it. That keeps Value at 32 bytes, the
// largest struct the Go compiler keeps in registers: a 40-byte Value was
// returned from every compiled expression through stack temporaries, and
// copied out of them with loads the CPU cannot forward from the call's
// stores (three closure calls storing their results: 38 ns at 40 bytes,
// 7 ns at 32). The garbage collector follows S's pointer like any other,
// so the Obj stays alive.
type Value struct {
	K Kind
	I int64
	S string
}

// Obj is a list's or object's contents (nil for any other kind).
func (v Value) Obj() *Obj {
	if v.K != List && v.K != Object {
		return nil
	}
	return (*Obj)(unsafe.Pointer(unsafe.StringData(v.S)))
}

// SetObj makes o the contents of a list or object value.
func (v *Value) SetObj(o *Obj) { v.S = unsafe.String((*byte)(unsafe.Pointer(o)), 0) }

// objVal is a list or object value of o.
func objVal(k Kind, flags int64, o *Obj) Value {
	return Value{K: k, I: flags, S: unsafe.String((*byte)(unsafe.Pointer(o)), 0)}
}

// ListOf and ObjectOf are objVal for the engine: a list or an object value
// with flags (Frozen, a table row number) in I.
func ListOf(flags int64, o *Obj) Value   { return objVal(List, flags, o) }
func ObjectOf(flags int64, o *Obj) Value { return objVal(Object, flags, o) }

// Float returns a Float value's number.
func (v Value) Float() float64 { return math.Float64frombits(uint64(v.I)) }

// List returns a List value's elements (nil for any other kind).
func (v Value) List() []Value {
	if v.K != List {
		return nil
	}
	if o := v.Obj(); o != nil {
		return o.Vals
	}
	return nil
}

// Frozen, in the I field of a List or Object value, marks it (and all it
// contains) as immutable and never pointing into a per-record arena:
// constants folded at compile time and dataset rows. Storing a frozen value
// costs nothing.
const Frozen = 1

// Freeze marks a list or object value as Frozen.
func Freeze(v Value) Value {
	if v.K == List || v.K == Object {
		v.I |= Frozen
	}
	if v.K == String {
		v = ConstStr(v.S)
	}
	return v
}

// Obj is an object value with keys in declaration order.
type Obj struct {
	Keys []string
	Vals []Value
}

// Get returns the value under key and whether it exists.
func (o *Obj) Get(key string) (Value, bool) {
	for i, k := range o.Keys {
		if k == key {
			return o.Vals[i], true
		}
	}
	return Value{}, false
}

func NullV() Value           { return Value{} }
func BoolV(b bool) Value     { return Value{K: Bool, I: b2i(b)} }
func IntV(i int64) Value     { return Value{K: Int, I: i} }
func FloatV(f float64) Value { return Value{K: Float, I: int64(math.Float64bits(f))} }
func StrV(s string) Value    { return Value{K: String, S: s} }

// PlainStr is a string value whose producer guarantees it needs no JSON
// escaping and no CSV quoting (hex digits, UUIDs, IP addresses): encoders
// copy it as is.
func PlainStr(s string) Value { return Value{K: String, S: s, I: PlainJSON | PlainCSV} }

// ConstStr is a string value built once (a constant, a table cell): it
// records whether the string needs JSON escaping or CSV quoting, so
// encoders skip the scan.
func ConstStr(s string) Value          { return Value{K: String, S: s, I: TextFlags(s)} }
func TimeV(ms int64) Value             { return Value{K: Time, I: ms} }
func DurV(ms int64) Value              { return Value{K: Duration, I: ms} }
func ListV(l []Value) Value            { return objVal(List, 0, &Obj{Vals: l}) }
func ObjV(k []string, v []Value) Value { return objVal(Object, 0, &Obj{Keys: k, Vals: v}) }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Truthy reports the boolean meaning of v (only Bool values are true or false
// in well-typed programs; the compiler enforces that).
func (v Value) Truthy() bool { return v.K == Bool && v.I != 0 }

// Num returns v as a float64 for numeric kinds.
func (v Value) Num() float64 {
	switch v.K {
	case Int, Time, Duration, Bool:
		return float64(v.I)
	case Float:
		return v.Float()
	}
	return math.NaN()
}

// Clone deep-copies strings and containers so the value can outlive the
// per-record arena it may point into.
func (v Value) Clone() Value {
	switch v.K {
	case String:
		v.S = cloneString(v.S)
	case List:
		l := make([]Value, len(v.List()))
		for i, e := range v.List() {
			l[i] = e.Clone()
		}
		v.SetObj(&Obj{Vals: l})
	case Object:
		vals := make([]Value, len(v.Obj().Vals))
		for i, e := range v.Obj().Vals {
			vals[i] = e.Clone()
		}
		v.SetObj(&Obj{Keys: v.Obj().Keys, Vals: vals})
	}
	return v
}

func cloneString(s string) string {
	if s == "" {
		return ""
	}
	b := make([]byte, len(s))
	copy(b, s)
	return string(b)
}

// Equal compares two values structurally.
func Equal(a, b Value) bool {
	if a.K != b.K {
		if isNum(a.K) && isNum(b.K) {
			c, ok := CompareNumbers(a, b)
			return ok && c == 0
		}
		return false
	}
	switch a.K {
	case Null:
		return true
	case Bool, Int, Time, Duration:
		return a.I == b.I
	case Float:
		return a.Float() == b.Float()
	case String:
		return a.S == b.S
	case List:
		al, bl := a.List(), b.List()
		if len(al) != len(bl) {
			return false
		}
		for i := range al {
			if !Equal(al[i], bl[i]) {
				return false
			}
		}
		return true
	case Object:
		if len(a.Obj().Keys) != len(b.Obj().Keys) {
			return false
		}
		for i, k := range a.Obj().Keys {
			bv, ok := b.Obj().Get(k)
			if !ok || !Equal(a.Obj().Vals[i], bv) {
				return false
			}
		}
		return true
	}
	return false
}

func isNum(k Kind) bool { return k == Int || k == Float }

// CompareNumbers orders two numbers (ints or floats) by their exact
// values: -1, 0 or 1. An int and a float are not compared as floats,
// which would round the int beyond 2^53: 9007199254740993 is greater than
// 9007199254740992.0, not equal to it. ok is false when either is NaN
// (or not a number).
func CompareNumbers(a, b Value) (c int, ok bool) {
	switch {
	case a.K == Int && b.K == Int:
		return cmpInts(a.I, b.I), true
	case a.K == Int && b.K == Float:
		return cmpIntFloat(a.I, b.Float())
	case a.K == Float && b.K == Int:
		c, ok := cmpIntFloat(b.I, a.Float())
		return -c, ok
	case a.K == Float && b.K == Float:
		x, y := a.Float(), b.Float()
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		case x == y:
			return 0, true
		}
	}
	return 0, false
}

func cmpInts(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpIntFloat orders i and f exactly.
func cmpIntFloat(i int64, f float64) (int, bool) {
	switch {
	case f != f:
		return 0, false
	case f >= 0x1p63:
		return -1, true
	case f < -0x1p63:
		return 1, true
	}
	t := math.Trunc(f) // in the int range, exactly
	if c := cmpInts(i, int64(t)); c != 0 {
		return c, true
	}
	switch { // i is f's whole part: f's fraction decides
	case f > t:
		return -1, true
	case f < t:
		return 1, true
	}
	return 0, true
}

// String renders v for messages, templates and examples. Times render in UTC
// here; sinks render them in the scenario's zone.
func (v Value) String() string {
	switch v.K {
	case Null:
		return "null"
	case Bool:
		return strconv.FormatBool(v.I != 0)
	case Int:
		return strconv.FormatInt(v.I, 10)
	case Float:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case String:
		return v.S
	case Time:
		return time.UnixMilli(v.I).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case Duration:
		return (time.Duration(v.I) * time.Millisecond).String()
	case List, Object:
		return string(AppendJSON(nil, v, nil))
	}
	return "?"
}
