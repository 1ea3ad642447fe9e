package stdlib

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestAppendFloatMatchesStrconv: the short-decimal path writes exactly
// what strconv's shortest 'f' formatting writes.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	ref := func(f float64) string {
		abs := math.Abs(f)
		if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
			return strconv.FormatFloat(f, 'e', -1, 64)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 0.1 + 0.2, 1e-6, 1.5e-6, 123.45, -123.45,
		55.75583, 37.61730, 1 << 40, 1<<40 - 0.5, 1<<51 - 1, 1e15, 1e15 + 0.25, 999999.999999, 0.000001,
		2.675, 1.005, 100, 1e20, 4.35, 8.2, 1234567.891, 3.141592653589793, 1 / 3.0, 2.0 / 3.0,
		// around the one-step search's limit, |f·10^6| < 2^51
		2251799813.685247, 2251799813.685248, -2251799813.685247, 2251799.813685, 1e9 + 0.5, 123456789.123456,
		-0.000001, 0.5, 10, 100.25, 1000000, 0.000010, 99.999999,
		// integer parts of every length, with an odd and an even number of decimals
		1200, 1200.5, 1200.25, 7, 7.125, 42, 42.1, 0.05, 0.25, 0.125, 5e-6, 1099511627775.5, 1099511627775.25,
		-9.5, -10.75, 3, 12, 123, 1234, 12345, 123456, 1234567, 12345678, 123456789, 1234567891}
	r := NewRand(7)
	for i := 0; i < 200000; i++ {
		d := int(r.Uint64n(9))                        // 0..8 decimals
		mag := math.Pow(10, float64(r.Uint64n(14))-2) // 0.01 .. 1e11
		x := (r.Float64()*2 - 1) * mag
		p := math.Pow(10, float64(d))
		vals = append(vals, math.Round(x*p)/p, x)
	}
	for _, f := range vals {
		if got, want := string(AppendFloat(nil, f)), ref(f); got != want {
			t.Fatalf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
		// after other bytes, into a buffer with and without room
		for _, dst := range [][]byte{[]byte("x,"), make([]byte, 3, 64)} {
			pre := string(dst)
			if got, want := string(AppendFloat(dst, f)), pre+ref(f); got != want {
				t.Fatalf("AppendFloat(%q, %v) = %s, want %s", pre, f, got, want)
			}
		}
	}
}

func BenchmarkAppendFloat(b *testing.B) {
	buf := make([]byte, 0, 64)
	for i := 0; i < b.N; i++ {
		buf = AppendFloat(buf[:0], 1234.56+float64(i%100)/100)
	}
}

func BenchmarkAppendFloatCoord(b *testing.B) {
	buf := make([]byte, 0, 64)
	for i := 0; i < b.N; i++ {
		buf = AppendFloat(buf[:0], 55.75583+float64(i%100)/1e5)
	}
}

// TestAppendDecimal6Digits: appendFloat's word of decimals ends at its
// last non-zero digit, in every position, for integer parts of every
// length and both signs (strconv's shortest form as the reference).
func TestAppendDecimal6Digits(t *testing.T) {
	fracs := []uint64{0, 1, 10, 100, 1000, 10000, 100000, 500000, 120000, 103000, 100400, 100050, 100006, 999999, 909090, 10101}
	ints := []uint64{0, 1, 9, 10, 99, 100, 999, 1000, 12345, 999999, 1000000, 98765432, 2251799812}
	for _, ip := range ints {
		for _, fr := range fracs {
			for _, sign := range []float64{1, -1} {
				k := sign * float64(ip*1000000+fr)
				if k == 0 {
					continue // not a decimal6 value
				}
				if _, ok := decimal6(k / 1e6); !ok {
					t.Fatalf("decimal6(%v) fails", k/1e6)
				}
				got := string(appendFloat([]byte("x"), k/1e6, false))
				if want := "x" + strconv.FormatFloat(k/1e6, 'f', -1, 64); got != want {
					t.Errorf("appendFloat(%v) = %s, want %s", k/1e6, got, want)
				}
			}
		}
	}
}

// TestDecimal6MatchesRoundToEven: decimal6's rounding by adding and
// subtracting 1.5·2^52 accepts exactly the values, and gives exactly the
// k, that math.RoundToEven would: ties, both signs, around 2^51/10^6 and
// beyond, NaN and the infinities.
func TestDecimal6MatchesRoundToEven(t *testing.T) {
	ref := func(f float64) (float64, bool) {
		k := math.RoundToEven(f * 1e6)
		return k, math.Abs(k) < 1<<51 && k/1e6 == f && k != 0
	}
	vals := []float64{0, math.Copysign(0, -1), 1e-6, 0.5e-6, 1.5e-6, 2.5e-6, -2.5e-6, 1e-7, 123.45, -123.45,
		0.1 + 0.2, 2251799813.685247, 2251799813.685248, -2251799813.685248, 2251799813.6852475, 1 << 51, 1 << 52,
		1.5 * (1 << 52) / 1e6, -1.5 * (1 << 52) / 1e6, 1e15, 1e300, -1e300, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1), math.NaN()}
	r := NewRand(3)
	for range 200000 {
		mag := math.Pow(10, float64(r.Uint64n(20))-8)
		x := (r.Float64()*2 - 1) * mag
		vals = append(vals, x, math.Round(x*1e6)/1e6, math.Round(x*1e6+0.5)/1e6)
	}
	for _, f := range vals {
		k, ok := decimal6(f)
		wk, wok := ref(f)
		if ok != wok || ok && k != wk {
			t.Fatalf("decimal6(%v) = %v, %v; want %v, %v", f, k, ok, wk, wok)
		}
		if ok {
			got := string(appendFloat(nil, f, true))
			want := strconv.FormatFloat(f, 'f', -1, 64)
			if f == math.Trunc(f) {
				want += ".0"
			}
			if got != want {
				t.Fatalf("appendFloat(%v, json) = %s, want %s", f, got, want)
			}
		}
	}
}

// TestPutJSONFloat: PutJSONFloat writes what AppendJSONFloat appends for
// every decimal6 value and says so, and for any other value writes
// nothing and says false (AppendJSONFloat's other path writes those);
// never past its 24 bytes of room. AppendJSON, which calls it when dst
// has that room, writes the same with and without.
func TestPutJSONFloat(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 3, -3, 1234.56, 55.71538, 37.62188, -0.5, 0.1 + 0.2,
		2251799813.685247, 2251799813.685248, -2251799813.685247, 1e15, 1e21, 1e300, math.Inf(1), math.Inf(-1), math.NaN()}
	r := NewRand(4)
	for range 100000 {
		mag := math.Pow(10, float64(r.Uint64n(20))-8)
		x := (r.Float64()*2 - 1) * mag
		vals = append(vals, x, math.Round(x*1e6)/1e6, math.Round(x*100)/100)
	}
	var buf [40]byte
	for _, f := range vals {
		for i := range buf {
			buf[i] = 0xff
		}
		n, ok := PutJSONFloat(unsafe.Pointer(&buf[8]), f)
		_, d6 := decimal6(f)
		if ok != d6 {
			t.Fatalf("PutJSONFloat(%v): ok %v, decimal6 says %v", f, ok, d6)
		}
		want := string(AppendJSONFloat(nil, f))
		if ok && string(buf[8:8+n]) != want {
			t.Fatalf("PutJSONFloat(%v) = %s, want %s", f, buf[8:8+n], want)
		}
		// AppendJSON calls it when dst has the room.
		for _, room := range []int{0, 23, 24, 40} {
			if got := string(AppendJSON(append(make([]byte, 0, 1+room), 'x'), FloatV(f), nil)); got != "x"+want {
				t.Fatalf("AppendJSON(%v) with room %d = %s, want x%s", f, room, got, want)
			}
		}
		for i, b := range buf {
			if inRoom := i >= 8 && i < 8+24; b != 0xff && (!ok || !inRoom) {
				t.Fatalf("PutJSONFloat(%v) (ok %v) wrote byte %d, outside its room or when it says it wrote nothing", f, ok, i)
			}
		}
	}
}

// TestDecimalPairs: decimalPairs' fixed point gives the three pairs of
// decimal digits that divisions give, for every value below 10^6 (the
// rounding of 2^32/10^4 up is exact only so far), and putFloat writes
// every six-decimal fraction as strconv does, after integer parts of one
// and of several digits.
func TestDecimalPairs(t *testing.T) {
	for x := uint64(0); x < 1000000; x++ {
		a, c, d := decimalPairs(x)
		if a != x/10000 || c != x/100%100 || d != x%100 {
			t.Fatalf("decimalPairs(%d) = %d, %d, %d, want %d, %d, %d", x, a, c, d, x/10000, x/100%100, x%100)
		}
	}
	var buf [24]byte
	for _, ip := range []float64{0, 7, 55, 1234} {
		for x := 0; x < 1000000; x++ {
			if ip > 0 && x%5 != 0 {
				continue // every fraction after 0, a fifth of them after the others
			}
			f := (ip*1e6 + float64(x)) / 1e6 // the double nearest the decimal
			for _, v := range []float64{f, -f} {
				n, ok := PutJSONFloat(unsafe.Pointer(&buf[0]), v)
				want := strconv.FormatFloat(v, 'f', -1, 64)
				if !strings.Contains(want, ".") {
					want += ".0"
				}
				if v == 0 {
					continue // not a decimal6 value (PutJSONFloat leaves 0 to AppendJSONFloat)
				}
				if !ok || string(buf[:n]) != want {
					t.Fatalf("PutJSONFloat(%v) = %q (ok %v), want %q", v, buf[:n], ok, want)
				}
			}
		}
	}
}
