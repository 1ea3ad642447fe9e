package stdlib

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

// TestAppendFloatMatchesSession32: AppendFloat and AppendJSONFloat write
// what session 32's code (kept below as the reference) wrote, byte for
// byte: edge cases (zeros, the sign, every integer length, the limits of
// decimal6 and of the short-decimal loop, 1e21, NaN, the infinities,
// values with more than six decimals) and a large random sample of
// amounts, coordinates, whole numbers and arbitrary bit patterns, into
// buffers with and without room.
func TestAppendFloatMatchesSession32(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1e-6, -1e-6, 5e-7, 1.5e-6, 9.99999e-7,
		0.1 + 0.2, 1 / 3.0, 2.675, 1.005, 4.35, 1234.56, -1234.56, 55.75123, 37.61234, 1031.95, 99.999999,
		999999.999999, 1e6, 1e9 + 0.5, 2251799813.685247, 2251799813.685248, -2251799813.685247,
		2251799813.6852475, 2251799813.685249, 4503599627.370496, 1 << 40, 1<<40 - 0.5, 1<<40 + 0.5,
		1099511627775.5, 1<<51 - 1, 1 << 51, 1 << 52, 1 << 53, 1e15, 1e15 + 0.25, 4503599627370495.5,
		1e20, -1e20, 999999999999999868928, 1e21, -1e21, 1e300, -1e300, math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-7, -2.5e-10, 5e9, -5e9, 5e9 + 0.5,
		math.NaN(), math.Inf(1), math.Inf(-1)}
	for p := 1.0; p < 1e12; p *= 10 {
		for _, x := range []float64{p, p - 1, p + 1, p - 0.5, p + 0.25, p - 0.000001, p + 0.000001, p / 1e7} {
			vals = append(vals, x, -x)
		}
	}
	rng := rand.New(rand.NewPCG(33, 6))
	for i := 0; i < 600000; i++ {
		var f float64
		switch i % 6 {
		case 0: // any bit pattern
			f = math.Float64frombits(rng.Uint64())
		case 1: // amounts: two decimals
			f = math.Round(math.Exp(rng.NormFloat64()*2+5)*100) / 100
		case 2: // coordinates: five or six decimals
			f = math.Round((rng.Float64()*360-180)*1e5) / 1e5
		case 3: // d decimals at any magnitude
			d := math.Pow(10, float64(rng.IntN(9)))
			f = math.Round(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(16)))*d) / d
		case 4: // whole numbers
			f = math.Round(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(24))))
		default: // anything
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(50)-25))
		}
		vals = append(vals, f)
	}
	for _, f := range vals {
		for _, pre := range [][]byte{nil, []byte("x,"), make([]byte, 3, 20), make([]byte, 5, 64)} {
			if got, want := AppendFloat(slices.Clip(slices.Clone(pre)), f), oldAppendFloat(slices.Clone(pre), f); string(got) != string(want) {
				t.Fatalf("AppendFloat(%q, %v) = %q, want %q", pre, f, got, want)
			}
			if got, want := AppendJSONFloat(append(make([]byte, 0, cap(pre)), pre...), f), oldAppendJSONFloat(slices.Clone(pre), f); string(got) != string(want) {
				t.Fatalf("AppendJSONFloat(%q, %v) = %q, want %q", pre, f, got, want)
			}
		}
	}
}

// TestDecimalLen: decimalLen is the length of strconv's digits, around
// every power of ten and at random.
func TestDecimalLen(t *testing.T) {
	xs := []uint64{0, 1, 9, math.MaxUint64}
	for p := uint64(10); ; p *= 10 {
		xs = append(xs, p-1, p, p+1)
		if p > math.MaxUint64/10 {
			break
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100000 {
		xs = append(xs, rng.Uint64()>>rng.IntN(64))
	}
	for _, x := range xs {
		if got, want := decimalLen(x), len(strconv.FormatUint(x, 10)); got != want {
			t.Fatalf("decimalLen(%d) = %d, want %d", x, got, want)
		}
	}
}

// Session 32's float formatting, the reference for
// TestAppendFloatMatchesSession32.

func oldAppendJSONFloat(dst []byte, f float64) []byte {
	if k, ok := oldDecimal6(f); ok {
		return oldAppendDecimal6(dst, k, true)
	}
	dst = oldAppendFloat(dst, f)
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return append(dst, '.', '0')
	}
	return dst
}

func oldAppendFloat(dst []byte, f float64) []byte {
	if k, ok := oldDecimal6(f); ok {
		return oldAppendDecimal6(dst, k, false)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
	if f != 0 && abs < 1<<40 {
		if out, ok := oldAppendShortDecimal(dst, f); ok {
			return out
		}
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

func oldDecimal6(f float64) (float64, bool) {
	const magic = 1.5 * (1 << 52)
	k := f*1e6 + magic - magic
	return k, math.Abs(k) < 1<<51 && k/1e6 == f && k != 0
}

func oldAppendShortDecimal(dst []byte, f float64) ([]byte, bool) {
	k := math.RoundToEven(f * 1e6)
	if math.Abs(k) >= 1<<51 {
		return oldAppendShortDecimalLoop(dst, f)
	}
	if k/1e6 != f {
		return dst, false
	}
	return oldAppendDecimal6(dst, k, false), true
}

func oldAppendDecimal6(dst []byte, k float64, json bool) []byte {
	v := int64(k)
	u, neg := uint64(v), v < 0
	if neg {
		u = uint64(-v)
	}
	var buf [40]byte
	b := unsafe.Pointer(&buf)
	ip := u / 1000000
	end := 24
	if fr := u - ip*1000000; fr != 0 {
		a := fr / 10000
		r := fr - a*10000
		c := r / 100
		d := r - c*100
		w := '.' | uint64(pair(a))<<8 | uint64(pair(c))<<24 | uint64(pair(d))<<40
		z := w ^ 0x0030303030303000
		end += 7 - bits.LeadingZeros64(z<<8)/8
		*(*uint64)(unsafe.Add(b, 24)) = w
	} else if json {
		*(*uint16)(unsafe.Add(b, 24)) = '.' | '0'<<8
		end += 2
	}
	i := 24
	for ip >= 10 {
		q := ip / 100
		i -= 2
		*(*uint16)(unsafe.Add(b, i)) = pair(ip - q*100)
		ip = q
	}
	if ip > 0 || i == 24 {
		i--
		*(*byte)(unsafe.Add(b, i)) = byte('0' + ip)
	}
	if neg {
		i--
		*(*byte)(unsafe.Add(b, i)) = '-'
	}
	n := len(dst)
	dst = slices.Grow(dst, 24)[:n+end-i]
	w := (*[3]uint64)(unsafe.Add(b, i))
	x, y, z := w[0], w[1], w[2]
	out := (*[3]uint64)(unsafe.Pointer(unsafe.SliceData(dst[n:])))
	out[0], out[1], out[2] = x, y, z
	return dst
}

func oldAppendShortDecimalLoop(dst []byte, f float64) ([]byte, bool) {
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
