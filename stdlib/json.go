package stdlib

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// AppendJSON appends v as JSON. Times are rendered by tf (UTC when nil),
// durations as strings such as "1m30s", NaN and infinities as null.
func AppendJSON(dst []byte, v Value, tf *TimeFormatter) []byte {
	switch v.K {
	case Null:
		return append(dst, "null"...)
	case Bool:
		if v.I != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Int:
		return strconv.AppendInt(dst, v.I, 10)
	case Float:
		// With room (most calls: a sink's buffer), putFloat directly,
		// without appendFloat's frame around it.
		if n := len(dst); cap(dst)-n >= 24 {
			if l, ok := putFloat(unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), n), v.Float(), true); ok {
				return dst[:n+l]
			}
		}
		return AppendJSONFloat(dst, v.Float())
	case String:
		if v.I&PlainJSON != 0 {
			dst = append(dst, '"')
			dst = append(dst, v.S...)
			return append(dst, '"')
		}
		return AppendJSONString(dst, v.S)
	case Time:
		dst = append(dst, '"')
		dst = tf.Append(dst, v.I)
		return append(dst, '"')
	case Duration:
		return AppendJSONString(dst, v.String())
	case List:
		dst = append(dst, '[')
		for i, e := range v.List() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e, tf)
		}
		return append(dst, ']')
	case Object:
		dst = append(dst, '{')
		for i, k := range v.Obj().Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, k)
			dst = append(dst, ':')
			dst = AppendJSON(dst, v.Obj().Vals[i], tf)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// AppendJSONFloat writes a float value of a record: AppendFloat's text,
// with ".0" after a whole number (12.0, not 12), as Python's json and
// pandas write floats. A field of floats then reads back as floats in
// every file, whatever values a file happens to hold: readers that infer
// a column's type from one file (pandas, DuckDB, BigQuery) would make a
// partition of whole prices an integer column and the next a float one.
//
// Whether to add the point is read from the value, not from the text:
// AppendFloat writes a whole number below 1e21 (-0 included) as plain
// digits, and anything else with a point, an exponent or as null (NaN
// is not whole, infinities are not below 1e21).
//
// AppendJSONFloat and AppendFloat are small enough to be inlined: the
// common case, k/10^6 (decimal6), costs their caller one call, to
// appendFloat, which writes it (and the point of a whole number: it
// knows whether the decimals are all zero).
func AppendJSONFloat(dst []byte, f float64) []byte { return appendFloat(dst, f, true) }

// AppendFloat writes f the way JSON readers expect: shortest round-trip
// representation, integers without exponent up to 1e21, null for NaN/Inf.
func AppendFloat(dst []byte, f float64) []byte { return appendFloat(dst, f, false) }

// appendFloatOther is appendFloat for the values decimal6 does not take:
// NaN, the infinities, zero, anything below 1e-6 or from about 2^51/10^6
// on, and values with more than six decimals.
func appendFloatOther(dst []byte, f float64, json bool) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
	// Below 2^51, f·10^6 rounded is decimal6's k, and f failed its test:
	// f has more than six decimals. Above, decimal6's one-step search
	// does not hold, and appendShortDecimal tries each d in turn.
	short := false
	if f != 0 && abs < 1<<40 && math.Abs(math.RoundToEven(f*1e6)) >= 1<<51 {
		dst, short = appendShortDecimal(dst, f)
	}
	if !short {
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	// JSON: ".0" after a whole number, which the lines above write as
	// plain digits (below 1e21 here, -0 included).
	if json && f == math.Trunc(f) {
		return append(dst, '.', '0')
	}
	return dst
}

// decimal6 is k, f·10^6 rounded to an integer, when f is k/10^6 for an
// integer k with 0 < |k| < 2^51 (what appendFloat writes itself).
//
// Most floats a scenario writes (amounts, coordinates, rounded values)
// have at most six decimals, and their shortest form is then k/10^d for
// the least d at which the nearest such decimal reads back as f: with
// |k| < 2^51 two such decimals lie more than one ulp apart, so it is the
// shortest form, the one strconv finds. The least d is found from d = 6
// alone: if k/10^d reads back as f for some d ≤ 6, then f·10^6 rounds to
// exactly k·10^(6-d) (its error is below one half while that is under
// 2^51), which reads back as f too; and dropping the trailing zeros of
// k6 = round(f·10^6) gives the least such d, since k6/10^6 and
// (k6/10^z)/10^(6-z) are the same real number, rounded the same way. One
// multiplication and one division instead of one of each per candidate d.
// NaN, the infinities, zero and anything below 1e-6 or above 2^51/10^6
// fail the test.
//
// The rounding adds and subtracts 1.5·2^52: for |x| < 2^51 the sum lies
// in [2^52, 2^53), where floats are the integers, so it rounds x to the
// nearest one (ties to even; any rounding to nearest would do, as a tie
// cannot read back as f) and the subtraction is exact: what
// math.RoundToEven gives, in two instructions where RoundToEven is a
// dozen without SSE4.1 (GOAMD64=v1). For |x| ≥ 2^51 both roundings are
// monotonic, so |k| ≥ 2^51 too and the test fails, as for NaN.
func decimal6(f float64) (float64, bool) {
	const magic = 1.5 * (1 << 52)
	k := f*1e6 + magic - magic
	return k, math.Abs(k) < 1<<51 && k/1e6 == f && k != 0
}

var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6}

// appendFloat is AppendFloat, and with json AppendJSONFloat: dst gets
// the 24 bytes of room putFloat needs, and the values putFloat does not
// take go to appendFloatOther.
func appendFloat(dst []byte, f float64, json bool) []byte {
	n := len(dst)
	if cap(dst)-n < 24 {
		dst = slices.Grow(dst, 24)
	}
	if l, ok := putFloat(unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), n), f, json); ok {
		return dst[:n+l]
	}
	return appendFloatOther(dst, f, json)
}

// PutJSONFloat writes at p what AppendJSONFloat appends, when f is a
// decimal6 value (amounts, coordinates), and says how many bytes; for the
// others it writes nothing and returns false. p must have room for 24
// bytes. A loop that keeps that room for a row (the CSV encoder) calls
// it without building and checking a slice.
func PutJSONFloat(p unsafe.Pointer, f float64) (int, bool) { return putFloat(p, f, true) }

// putFloat is PutJSONFloat with json, and without it writes
// AppendFloat's text. A decimal6 value k/10^6 is written in its shortest
// form (decimal6), with ".0" after a whole number when json.
//
// The text goes straight to p, whose room the caller made: the integer
// part right to left from the end its length (decimalLen) gives, two
// digits at a time, then the point and the six decimals as one word, whose
// trailing zeros are cut (always six digits from three pair lookups, the
// pairs from decimalPairs; the
// zero bytes of the word's digits less '0' say where they end). At most
// 19 bytes are stored: a sign, 10 digits (|k|/10^6 < 2^51/10^6 < 10^10)
// and the word of 8. The stores go through unsafe.Add: every index is in
// range by construction (pair's argument is under 100, and the 24 bytes
// of room cover the 19), and bounds checks were a third of the
// instructions; appending from a buffer cost its zeroing and a copy.
func putFloat(p unsafe.Pointer, f float64, json bool) (int, bool) {
	k, ok := decimal6(f)
	if !ok {
		return 0, false
	}
	// Through int64, exact for |k| < 2^51: one conversion (a float to
	// uint64 is converted in two ways, by a branch on 2^63).
	v := int64(k)
	sign := v >> 63 // -1 when negative, else 0
	u := uint64((v ^ sign) - sign)
	// The sign, stored whatever it is: a positive number's first digit
	// goes over it.
	*(*byte)(p) = '-'
	ip := u / 1000000
	fr := u - ip*1000000
	// Coordinates' integer parts have two digits (one or three for some),
	// small amounts one or two: told by a comparison or two, not by
	// decimalLen's bit length and table.
	l := int(-sign)
	switch {
	case ip < 10:
		l++
	case ip < 100:
		l += 2
	default:
		l += decimalLen(ip)
	}
	e := l
	for ip >= 100 {
		q := ip / 100
		e -= 2
		*(*uint16)(unsafe.Add(p, e)) = pair(ip - q*100)
		ip = q
	}
	if ip >= 10 {
		*(*uint16)(unsafe.Add(p, e-2)) = pair(ip)
	} else {
		*(*byte)(unsafe.Add(p, e-1)) = byte('0' + ip)
	}
	if fr != 0 {
		a, c, d := decimalPairs(fr)
		w := '.' | uint64(pair(a))<<8 | uint64(pair(c))<<24 | uint64(pair(d))<<40
		// Byte j of z is decimal j's digit less '0' (j = 1..6), byte 0
		// the point, byte 7 zero: the zero bytes above the last non-zero
		// one are the trailing zeros (at most five, as fr is not 0), and
		// the bytes up to it, the point included, are the ones written
		// (z is never 0: the point's byte is not).
		z := w ^ 0x0030303030303000
		*(*uint64)(unsafe.Add(p, l)) = w
		l += (bits.Len64(z) + 7) / 8
	} else if json {
		*(*uint16)(unsafe.Add(p, l)) = '.' | '0'<<8
		l += 2
	}
	return l, true
}

// decimalPairs splits x < 10^6 into its three pairs of decimal digits,
// x/10^4, x/100%100 and x%100, by fixed point instead of divisions:
// the top 32 bits of x·⌈2^32/10^4⌉ are the first pair, and each
// multiplication of the low 32 bits by 100 brings the next one up (James
// Anhalt's way; the rounding up is exact for every x below 10^6, which
// TestDecimalPairs checks). Three multiplications, where the divisions by
// constants were two 64-bit multiplications, with their fixed registers,
// and two more for the remainders.
func decimalPairs(x uint64) (a, c, d uint64) {
	y := x * 429497 // ⌈2^32/10^4⌉
	a = y >> 32
	y = uint64(uint32(y)) * 100
	c = y >> 32
	y = uint64(uint32(y)) * 100
	return a, c, y >> 32
}

// decimalLen is the number of decimal digits of x (1 for 0): from its
// bit length, log10(2) ≈ 1233/4096 gives the power of ten at or below
// x's or the one above, and one comparison tells which.
func decimalLen(x uint64) int {
	x |= 1 // same length (no power of ten is odd but 1), and 0 has one digit
	t := bits.Len64(x) * 1233 >> 12
	d := t + 1
	if x < pow10u[t&31] {
		d--
	}
	return d
}

// pow10u is 10^i for i up to 19, the largest power below 2^64; decimalLen's
// index is at most 64·1233/4096 = 19, and the table is 32 long so that
// masking the index spares the bounds check.
var pow10u = [32]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// pair is the two digits of x < 100 as they lie in memory, from
// digitPairs without a bounds check.
func pair(x uint64) uint16 {
	return *(*uint16)(unsafe.Add(unsafe.Pointer(unsafe.StringData(digitPairs)), 2*x))
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// appendShortDecimal writes f when its shortest form has at most six
// decimals, for values too large for decimal6's one-step search: each d
// in turn.
func appendShortDecimal(dst []byte, f float64) ([]byte, bool) {
	for d, p := range pow10 {
		k := math.Round(f * p)
		if math.Abs(k) >= 1<<51 {
			return dst, false
		}
		if k/p != f {
			continue
		}
		u := uint64(k)
		if k < 0 {
			dst = append(dst, '-')
			u = uint64(-k)
		}
		dst = strconv.AppendUint(dst, u/uint64(p), 10)
		if d > 0 {
			var frac [6]byte
			r := u % uint64(p)
			for i := d - 1; i >= 0; i-- {
				frac[i] = byte('0' + r%10)
				r /= 10
			}
			dst = append(append(dst, '.'), frac[:d]...)
		}
		return dst, true
	}
	return dst, false
}

const hexDigits = "0123456789abcdef"

// needsEscape[b] is true for bytes that cannot appear raw in a JSON string.
var needsEscape = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	for i := 0x80; i < 0x100; i++ {
		t[i] = true // checked for validity by the slow path
	}
	return
}()

// AppendJSONString appends s as a quoted JSON string. The common case (plain
// ASCII) is a single scan and copy.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i := SafePrefix(s)
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst = append(dst, s[:i]...)
	for i < len(s) {
		// Copy the run of bytes that need no escaping in one go.
		j := i + SafePrefix(s[i:])
		dst = append(dst, s[i:j]...)
		i = j
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// SafePrefix returns the length of s's prefix that needs no JSON escaping,
// testing 8 bytes at a time: no control byte, quote, backslash or non-ASCII.
func SafePrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// binary.LittleEndian compiles to one load where the CPU allows
		// unaligned loads; byte order does not matter (every byte is tested).
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		q := x ^ (lsb * '"')
		b := x ^ (lsb * '\\')
		if ((x-lsb*0x20)|(q-lsb)|(b-lsb)|x)&msb != 0 {
			break
		}
	}
	for i < len(s) && !needsEscape[s[i]] {
		i++
	}
	return i
}
