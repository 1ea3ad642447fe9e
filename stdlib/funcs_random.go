package stdlib

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"unsafe"
)

func randomFuncs() []*Func {
	return []*Func{
		{
			Name: "uniform", Category: "random", Random: true, Result: Any,
			Doc: "A uniform draw between a and b inclusive. Two ints give an int, two numbers a float, " +
				"two durations (\"5s\", \"2m\") a duration with millisecond resolution, two times a time.",
			Params: []Param{{Name: "a", Type: Any}, {Name: "b", Type: Any}},
			Examples: []Example{
				{Expr: `uniform(1, 6)`, Seed: 1, Want: "5"},
				{Expr: `uniform(0.5, 1.5)`, Seed: 1, Want: "1.2029218331588505"},
				{Expr: `uniform("5s", "2m")`, Seed: 1, Want: "1m25.836s"},
			},
			Compile: compileUniform,
		},
		{
			Name: "weighted", Category: "random", Random: true, Result: Any,
			Doc: "A categorical draw: the keys of the map are the outcomes, the values their relative weights " +
				"(need not sum to 1). The weights are constants (literals, variables), drawn from an alias table: O(1) per draw; " +
				"for weights that depend on the actor, pick among weighted draws with switch(…) or use bernoulli(p) ? a : b.",
			Params:   []Param{{Name: "weights", Type: Object}},
			Examples: []Example{{Expr: `weighted({ a = 3, b = 1 })`, Seed: 1, Want: "a"}},
			Compile:  compileWeighted,
		},
		{
			Name: "choice", Category: "random", Random: true, Result: Any,
			Doc:      "One element of the list, each equally likely. A list that is empty or null at run time gives null (an actor without children); a constant empty list, or an argument of another kind, is an error.",
			Params:   choiceParams,
			Examples: []Example{{Expr: `choice(["red", "green", "blue"])`, Seed: 1, Want: "blue"}},
			Compile:  compileChoice,
		},
		{
			Name: "bernoulli", Category: "random", Random: true, Result: Bool,
			Doc:      "true with probability p.",
			Params:   []Param{{Name: "p", Type: Float}},
			Examples: []Example{{Expr: `bernoulli(0.3)`, Seed: 1, Want: "false"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				if c := args[0].Const; c != nil {
					p := c.Num()
					if !(p >= 0 && p <= 1) {
						return Impl{}, argErr(0, "p must be between 0 and 1, got %v", p)
					}
					return Impl{Result: Bool, Sample: func(c *Ctx) Value { return BoolV(c.R.Float64() < p) }}, nil
				}
				return Impl{Result: Bool, Fn: func(c *Ctx, a []Value) Value {
					p := a[0].Num()
					if !isNum(a[0].K) || !(p >= 0 && p <= 1) {
						c.Fail(argErr(0, "p must be between 0 and 1, got %s", a[0].String()))
						return NullV()
					}
					return BoolV(c.R.Float64() < p)
				}}, nil
			},
		},
		{
			Name: "uuid", Category: "random", Random: true, Result: String,
			Doc:      "A random (version 4) UUID string drawn from the actor's stream, so it is reproducible.",
			Examples: []Example{{Expr: `uuid()`, Seed: 1, Want: "b3f2af6d-0fc7-40c5-853b-559647364cea"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				// Formatted straight into the record arena, as hex() is: a
				// [36]byte copied in with Ctx.Str was a call to memmove
				// per UUID (recipe and bank draw one per record).
				return Impl{Result: String, Sample: sampleUUID, Framed: func(pre, post string, flags int64) func(c *Ctx) Value {
					return framedAppend(pre, post, flags, AppendUUID)
				}}, nil
			},
		},
		{
			Name: "hex", Category: "random", Random: true, Result: String,
			Doc:      "n random lowercase hexadecimal characters.",
			Params:   []Param{{Name: "n", Type: Int}},
			Examples: []Example{{Expr: `hex(8)`, Seed: 1, Want: "b3f2af6d"}},
			Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
				c0 := args[0].Const
				if c0 == nil {
					return Impl{}, argErr(0, "hex needs a constant length")
				}
				n := c0.I
				if c0.K != Int || n < 1 || n > 1024 {
					return Impl{}, argErr(0, "n must be an integer between 1 and 1024, got %s", c0.String())
				}
				if n == 32 {
					// hex(32), the usual id: AppendHex's loops, with n
					// unknown to them, kept a dozen values on the stack
					// around its draws (clickstream's event_id).
					return Impl{Result: String, Sample: func(c *Ctx) Value {
						start := len(c.Arena)
						c.Arena = appendHex32(c.Arena, c.R)
						return PlainStr(unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)]))
					}, Framed: framedHex32}, nil
				}
				return Impl{Result: String, Sample: func(c *Ctx) Value {
					start := len(c.Arena)
					c.Arena = AppendHex(c.Arena, c.R, int(n))
					return PlainStr(unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)]))
				}, Framed: func(pre, post string, flags int64) func(c *Ctx) Value {
					return framedAppend(pre, post, flags, func(dst []byte, r *Rand) []byte { return AppendHex(dst, r, int(n)) })
				}}, nil
			},
		},
	}
}

// framedAppend is Impl.Framed for a sampler whose text is what body
// appends (a PlainStr): pre, body's text and post appended in turn.
func framedAppend(pre, post string, flags int64, body func(dst []byte, r *Rand) []byte) func(c *Ctx) Value {
	flags &= PlainJSON | PlainCSV
	return func(c *Ctx) Value {
		start := len(c.Arena)
		a := append(c.Arena, pre...)
		a = body(a, c.R)
		a = append(a, post...)
		c.Arena = a
		return Value{K: String, I: flags, S: unsafeString(a[start:len(a):len(a)])}
	}
}

// framedHex32 is hex(32)'s Impl.Framed. Text of up to eight bytes on
// either side ("e-${hex(32)}") is stored as one word each, with room
// made once for the three: in clickstream's event ids, the template's
// rendering around its part (oneDyn) and the sampler's closure cost about
// 140 instructions a record, this about 50.
func framedHex32(pre, post string, flags int64) func(c *Ctx) Value {
	if len(pre) > 8 || len(post) > 8 {
		return framedAppend(pre, post, flags, appendHex32)
	}
	flags &= PlainJSON | PlainCSV
	var b [8]byte
	copy(b[:], pre)
	pw := binary.LittleEndian.Uint64(b[:])
	b = [8]byte{}
	copy(b[:], post)
	tw := binary.LittleEndian.Uint64(b[:])
	np := len(pre)
	n := np + 32 + len(post)
	return func(c *Ctx) Value {
		a := c.Arena
		start := len(a)
		if cap(a)-start < n+8 {
			// Room for the text and for post's whole word past it.
			a = slices.Grow(a, n+8)
		}
		p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(a)), start)
		c.Arena = a[:start+n]
		// The words around the digits first, so that little is kept
		// across the shuffles' call: the digits overwrite pre's word
		// past its text, post's word lies past them.
		*(*uint64)(p) = pw
		*(*uint64)(unsafe.Add(p, np+32)) = tw
		x, s := c.R.Step()
		y, s := s.Step()
		*c.R = s
		// The shuffles called from here: with the test, a function of
		// its own was over the inlining budget (16 instructions a call).
		if q := (*byte)(unsafe.Add(p, np)); hasSSSE3 {
			hex32SSSE3(q, x, y)
		} else {
			hex32Go(unsafe.Slice(q, 32), x, y)
		}
		return Value{K: String, I: flags, S: unsafe.String((*byte)(p), n)}
	}
}

// sampleUUID is uuid()'s sampler: AppendUUID(c.Arena, c.R) as a string
// in the arena, with the room made once, both words drawn on a copy of
// the generator held in registers (Rand.Step) and the shuffles called
// from here. Through AppendUUID (two draws through c.R, slices.Grow,
// AppendUUIDBits and uuidHex, each a call) it cost about 155
// instructions a UUID, one a record in recipe and bank.
func sampleUUID(c *Ctx) Value {
	a := c.Arena
	start := len(a)
	if cap(a)-start < 36 {
		a = slices.Grow(a, 36)
	}
	c.Arena = a[:start+36]
	p := (*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(a)), start))
	x, s := c.R.Step()
	y, s := s.Step()
	*c.R = s
	x = x&^(0xf0<<8) | 0x40<<8   // version 4, as AppendUUIDBits sets it
	y = y&^(0xc0<<56) | 0x80<<56 // variant 10
	if hasSSSE3 {
		uuidHexSSSE3(p, x, y)
	} else {
		uuidHexGo(unsafe.Slice(p, 36), x, y)
	}
	return Value{K: String, I: PlainJSON | PlainCSV, S: unsafe.String(p, 36)}
}

// AppendUUID appends a version 4 UUID in canonical form.
func AppendUUID(dst []byte, r *Rand) []byte {
	x := r.Uint64()
	return AppendUUIDBits(dst, x, r.Uint64())
}

// AppendUUIDBits appends the version-4 UUID made of the random words x and
// y (what AppendUUID draws), so a caller can draw now and format later.
func AppendUUIDBits(dst []byte, x, y uint64) []byte {
	x = x&^(0xf0<<8) | 0x40<<8   // version 4 (the high nibble of byte 6)
	y = y&^(0xc0<<56) | 0x80<<56 // variant 10 (the top bits of byte 8)
	n := len(dst)
	dst = slices.Grow(dst, 36)[:n+36]
	uuidHex(dst[n:n+36:n+36], x, y) // in place: a [36]byte copied out is a call to memmove
	return dst
}

// PutUUIDBits writes the UUID AppendUUIDBits appends to out[:36].
func PutUUIDBits(out []byte, x, y uint64) {
	x = x&^(0xf0<<8) | 0x40<<8   // version 4 (the high nibble of byte 6)
	y = y&^(0xc0<<56) | 0x80<<56 // variant 10 (the top bits of byte 8)
	uuidHex(out[:36:36], x, y)
}

// uuidHexGo writes the UUID of x and y (bytes x then y, big-endian) to
// out[0:36], eight digits at a time (hex8).
func uuidHexGo(out []byte, x, y uint64) {
	out = out[:36:36]
	h := hex8(uint32(x >> 32))
	binary.LittleEndian.PutUint64(out[0:], h)
	out[8] = '-'
	h = hex8(uint32(x))
	binary.LittleEndian.PutUint32(out[9:], uint32(h))
	out[13] = '-'
	binary.LittleEndian.PutUint32(out[14:], uint32(h>>32))
	out[18] = '-'
	h = hex8(uint32(y >> 32))
	binary.LittleEndian.PutUint32(out[19:], uint32(h))
	out[23] = '-'
	binary.LittleEndian.PutUint32(out[24:], uint32(h>>32))
	binary.LittleEndian.PutUint64(out[28:], hex8(uint32(y)))
}

// hex8 is the eight lowercase hex digits of x, the first in the lowest
// byte (as they are stored with a little-endian write): each nibble is
// spread to a byte, then turned into its digit, all eight at once.
func hex8(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f // nibble i from the low end in byte i
	v = bits.ReverseBytes64(v)
	letters := ((v + 0x0606060606060606) >> 4) & 0x0101010101010101 // 1 where the nibble is ≥ 10
	return v + 0x3030303030303030 + letters*('a'-'0'-10)
}

// AppendHex appends n random lowercase hex digits, 16 from each word
// drawn. Whole words are written in place (appending a [16]byte is a call
// to memmove), two at a time with byte shuffles where the CPU has them
// (hex32); a last partial word goes through a buffer.
func AppendHex(dst []byte, r *Rand, n int) []byte {
	if n <= 0 {
		return dst
	}
	m := len(dst)
	dst = slices.Grow(dst, n)[:m+n]
	for ; n >= 32; n -= 32 {
		x := r.Uint64()
		hex32(dst[m:m+32:m+32], x, r.Uint64())
		m += 32
	}
	for ; n >= 16; n -= 16 {
		x := r.Uint64()
		out := dst[m : m+16 : m+16]
		binary.LittleEndian.PutUint64(out[0:], hex8(uint32(x>>32)))
		binary.LittleEndian.PutUint64(out[8:], hex8(uint32(x)))
		m += 16
	}
	if n > 0 {
		x := r.Uint64()
		var b [16]byte
		binary.LittleEndian.PutUint64(b[0:], hex8(uint32(x>>32)))
		binary.LittleEndian.PutUint64(b[8:], hex8(uint32(x)))
		copy(dst[m:], b[:n])
	}
	return dst
}

func compileUniform(cc *CompileCtx, args []Arg) (Impl, error) {
	a, b := args[0], args[1]
	if a.Const != nil && b.Const != nil {
		x, y := *a.Const, *b.Const
		if x.K == String || y.K == String {
			var err error
			if x, err = coerceTimeLike(x, y, cc); err != nil {
				return Impl{}, argErr(0, "%s", err)
			}
			if y, err = coerceTimeLike(y, x, cc); err != nil {
				return Impl{}, argErr(1, "%s", err)
			}
		}
		switch {
		case x.K == Int && y.K == Int:
			lo, hi := x.I, y.I
			if lo > hi {
				return Impl{}, argErr(1, "b (%d) must not be less than a (%d)", hi, lo)
			}
			sp := NewIntSpan(lo, hi)
			return Impl{Result: Int, Sample: func(c *Ctx) Value { return IntV(sp.Draw(c.R)) },
				Num:  func(c *Ctx) float64 { return float64(sp.Draw(c.R)) },
				Int:  func(c *Ctx) int64 { return sp.Draw(c.R) },
				Span: &sp}, nil
		case isNum(x.K) && isNum(y.K):
			lo, hi := x.Num(), y.Num()
			if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
				return Impl{}, argErr(1, "b (%v) must not be less than a (%v)", hi, lo)
			}
			w := hi - lo
			return Impl{Result: Float, Sample: func(c *Ctx) Value { return FloatV(lo + w*c.R.Float64()) },
				Num: func(c *Ctx) float64 { return lo + w*c.R.Float64() }}, nil
		case (x.K == Duration || x.K == Time) && y.K == x.K:
			lo, hi, k := x.I, y.I, x.K
			if lo > hi {
				return Impl{}, argErr(1, "b (%s) must not be before a (%s)", y.String(), x.String())
			}
			sp := NewIntSpan(lo, hi)
			return Impl{Result: k, Sample: func(c *Ctx) Value { return Value{K: k, I: sp.Draw(c.R)} }, Span: &sp}, nil
		}
		return Impl{}, argErr(-1, "uniform takes two ints, two numbers, two durations or two times; got %s and %s", x.K, y.K)
	}
	res := Any
	switch {
	case a.Type == Int && b.Type == Int:
		res = Int
	case isNum(a.Type) && isNum(b.Type):
		res = Float
	case a.Type == b.Type && (a.Type == Duration || a.Type == Time):
		res = a.Type
	case a.Type != Any && b.Type != Any:
		return Impl{}, argErr(-1, "uniform takes two ints, two numbers, two durations or two times; got %s and %s", a.Type, b.Type)
	}
	// Run-time arguments are checked as constant ones are: the same
	// messages, reported as a run-time fault.
	return Impl{Result: res, Fn: func(c *Ctx, v []Value) Value {
		x, y := v[0], v[1]
		switch {
		case x.K == Int && y.K == Int:
			if x.I > y.I {
				c.Fail(argErr(1, "b (%d) must not be less than a (%d)", y.I, x.I))
				return NullV()
			}
			return IntV(c.R.IntRange(x.I, y.I))
		case (x.K == Duration || x.K == Time) && y.K == x.K:
			if x.I > y.I {
				c.Fail(argErr(1, "b (%s) must not be before a (%s)", y.String(), x.String()))
				return NullV()
			}
			return Value{K: x.K, I: c.R.IntRange(x.I, y.I)}
		case isNum(x.K) && isNum(y.K):
			lo, hi := x.Num(), y.Num()
			if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
				c.Fail(argErr(1, "b (%v) must not be less than a (%v)", hi, lo))
				return NullV()
			}
			return FloatV(lo + (hi-lo)*c.R.Float64())
		}
		c.Fail(argErr(-1, "uniform takes two ints, two numbers, two durations or two times; got %s and %s", x.K, y.K))
		return NullV()
	}}, nil
}

// coerceTimeLike turns a string constant into a duration or time, guided
// by the other argument.
func coerceTimeLike(v, other Value, cc *CompileCtx) (Value, error) {
	if v.K != String {
		return v, nil
	}
	if other.K == Time || (other.K == String && !LooksLikeDuration(other.S) && !LooksLikeDuration(v.S)) {
		ms, err := ParseTime(v.S, cc.Loc)
		if err != nil {
			return v, err
		}
		return TimeV(ms), nil
	}
	ms, err := ParseDuration(v.S)
	if err != nil {
		return v, err
	}
	return DurV(ms), nil
}

func compileWeighted(cc *CompileCtx, args []Arg) (Impl, error) {
	c := args[0].Const
	if k := args[0].Varying; c == nil && k != "" {
		return Impl{}, &ArgError{Index: 0, Key: k, Msg: fmt.Sprintf("the weight of %q is not a constant; "+
			"weighted's weights are, like { a = 3, b = 1 }: for weights that depend on the actor or record, pick among weighted draws "+
			"with switch(key, { … }) or write bernoulli(p) ? \"a\" : \"b\"", k)}
	}
	if c == nil || c.K != Object {
		return Impl{}, argErr(0, "weighted needs a map of outcomes to constant weights, like { a = 3, b = 1 }; for weights that depend on the actor or record, pick among weighted draws with switch(key, { … }) or write bernoulli(p) ? \"a\" : \"b\"")
	}
	keys := c.Obj().Keys
	if len(keys) == 0 {
		return Impl{}, argErr(0, "weighted needs at least one outcome")
	}
	ws := make([]float64, len(keys))
	sum := 0.0
	for i, k := range keys {
		w := c.Obj().Vals[i]
		if w.K != Int && w.K != Float {
			return Impl{}, &ArgError{Index: 0, Key: k, Msg: fmt.Sprintf("the weight of %q must be a number, got %s", k, describeArg(w))}
		}
		if f := w.Num(); !(f >= 0) || math.IsInf(f, 0) {
			return Impl{}, &ArgError{Index: 0, Key: k, Msg: fmt.Sprintf("the weight of %q must be zero or positive, got %v", k, f)}
		}
		ws[i] = w.Num()
		sum += ws[i]
	}
	if !(sum > 0) {
		return Impl{}, argErr(0, "the weights sum to zero; at least one must be positive")
	}
	vals := make([]Value, len(keys))
	for i, k := range keys {
		vals[i] = ConstStr(k)
	}
	al := NewAlias(ws)
	return Impl{Result: String, Sample: func(c *Ctx) Value { return vals[al.Draw(c.R)] }}, nil
}

var choiceParams = []Param{{Name: "list", Type: Any, Kinds: listOrNull}}

func compileChoice(cc *CompileCtx, args []Arg) (Impl, error) {
	if err := checkArgs(choiceParams, args); err != nil {
		return Impl{}, err
	}
	if c := args[0].Const; c != nil {
		if c.K != List || len(c.List()) == 0 {
			return Impl{}, argErr(0, "choice needs a non-empty list")
		}
		l := c.List()
		n := uint64(len(l))
		res := CommonKind(l)
		if span := rowSpan(l); span > 0 {
			return Impl{Result: res, Sample: func(c *Ctx) Value {
				row := l[c.R.Uint64n(n)]
				prefetchRow(row, span)
				return row
			}}, nil
		}
		if uniq, idx := cc.smallSet(l); idx != nil {
			return Impl{Result: res, Sample: func(c *Ctx) Value { return uniq[idx[c.R.Uint64n(n)]] }}, nil
		}
		return Impl{Result: res, Sample: func(c *Ctx) Value { return l[c.R.Uint64n(n)] }}, nil
	}
	return Impl{Result: Any, Fn: func(c *Ctx, v []Value) Value {
		l := v[0].List()
		if v[0].K != List || len(l) == 0 {
			if v[0].K != List && v[0].K != Null {
				c.Fail(argErr(0, "list must be a list or null, got %s", Article(v[0].K.String())))
			}
			return NullV()
		}
		// A list that varies is usually an actor's children (entity.NAME
		// in a parent's flow): the first lines of the picked row.
		row := l[c.R.Uint64n(uint64(len(l)))]
		prefetchRow(row, 4*64)
		return row
	}}, nil
}

// smallValueSet, for a long list of scalars with at most 256 distinct
// values (a dataset's categorical column: choice(dataset.recipes.dish_type)
// draws from 10 000 values, ten of them distinct), returns the distinct
// values and each element's index among them; nil otherwise. A draw then
// reads a byte of a small array and one of a few values, which stay in
// the fastest caches, instead of a 32-byte value at a random place in the
// list and its text (2 % of recipe's time waiting for them). The values
// drawn are the same.
func smallValueSet(l []Value) ([]Value, []uint8) {
	if len(l) < 64 {
		return nil, nil
	}
	// An open-addressed table of 512 slots (at most half full), holding
	// an index into uniq plus one: a Go map keyed by the 32-byte Value
	// hashed every cell with its string (4 ms of recipe's start for its
	// dataset's columns, perf record).
	var slots [512]uint16
	var uniq []Value
	idx := make([]uint8, len(l))
	for i, v := range l {
		if v.K >= List {
			return nil, nil
		}
		if i > 0 && v == l[i-1] { // runs of one value (a sorted column)
			idx[i] = idx[i-1]
			continue
		}
		h := valueHash(v) & 511
		for {
			j := slots[h]
			if j == 0 {
				if len(uniq) == 256 {
					return nil, nil
				}
				uniq = append(uniq, v)
				slots[h] = uint16(len(uniq))
				idx[i] = uint8(len(uniq) - 1)
				break
			}
			if uniq[j-1] == v {
				idx[i] = uint8(j - 1)
				break
			}
			h = (h + 1) & 511
		}
	}
	return uniq, idx
}

// valueHash is a cheap hash of a scalar value for smallValueSet: its
// kind, number and length, and up to 16 bytes of its text (the first
// eight and the last eight). Equal values hash alike; values that share
// it are told apart by ==.
func valueHash(v Value) uint64 {
	x := uint64(v.K)<<56 ^ uint64(v.I) ^ uint64(len(v.S))*0x9e3779b97f4a7c15
	if n := len(v.S); n > 0 {
		p := unsafe.StringData(v.S)
		var a, b uint64
		if n >= 8 {
			a = *(*uint64)(unsafe.Pointer(p))
			b = *(*uint64)(unsafe.Add(unsafe.Pointer(p), n-8))
		} else {
			for k := 0; k < n; k++ {
				a = a<<8 | uint64(*(*byte)(unsafe.Add(unsafe.Pointer(p), k)))
			}
		}
		x ^= a*0xff51afd7ed558ccd ^ b*0xc4ceb9fe1a85ec53
	}
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	return x ^ x>>32
}

// SortedKeys is a helper for deterministic iteration in messages.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var _ = fmt.Sprint

// hex32Go writes the 32 hex digits of x then y (big-endian) to out[0:32].
func hex32Go(out []byte, x, y uint64) {
	out = out[:32:32]
	binary.LittleEndian.PutUint64(out[0:], hex8(uint32(x>>32)))
	binary.LittleEndian.PutUint64(out[8:], hex8(uint32(x)))
	binary.LittleEndian.PutUint64(out[16:], hex8(uint32(y>>32)))
	binary.LittleEndian.PutUint64(out[24:], hex8(uint32(y)))
}

// CommonKind is the kind of every value of l that is not null: ints and
// floats together are floats (a float column takes both); values of
// other different kinds, or only nulls, are Any.
func CommonKind(l []Value) Kind {
	res := Null
	for _, e := range l {
		switch {
		case e.K == Null || e.K == res:
		case res == Null:
			res = e.K
		case (res == Int && e.K == Float) || (res == Float && e.K == Int):
			res = Float
		default:
			return Any
		}
	}
	if res == Null {
		return Any
	}
	return res
}
