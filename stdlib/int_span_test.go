package stdlib

import (
	"math"
	"testing"
)

// TestIntSpanMatchesIntRange: IntSpan.Draw returns what IntRange returns
// for the same bounds and leaves the generator where IntRange leaves it,
// over small, power-of-two, odd and huge spans (where about half the
// words are rejected), the whole int64 range and spans at its ends; and
// the sampler uniform compiles for two ints draws the same.
func TestIntSpanMatchesIntRange(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	spans := [][2]int64{
		{0, 0}, {5, 5}, {0, 1}, {1, 6}, {5, 200}, {0, 30}, {-5, 5}, {0, 1023},
		{-(1 << 40), 1 << 40}, {0, 1<<62 + 12345},
		{0, maxI},        // n = 2^63: a power of two, nothing rejected
		{-1, maxI},       // n = 2^63 + 1: about half rejected
		{minI, -1},       // n = 2^63
		{minI, 0},        // n = 2^63 + 1
		{minI + 1, maxI}, // n = 2^64 - 1: thresh 1
		{minI, maxI - 1}, // n = 2^64 - 1
		{minI, maxI},     // the whole range: n = 0
		{maxI - 3, maxI}, // at the top
		{minI, minI + 2}, // at the bottom
		{-3037000499, 3037000499},
	}
	for _, sp := range spans {
		a, b := sp[0], sp[1]
		s := NewIntSpan(a, b)
		if lo, hi := s.Bounds(); lo != a || hi != b {
			t.Fatalf("[%d, %d]: Bounds() = %d, %d", a, b, lo, hi)
		}
		for seed := range uint64(4) {
			r1, r2 := NewRand(seed*7919+1), NewRand(seed*7919+1)
			for i := range 20000 {
				want := r1.IntRange(a, b)
				got := s.Draw(&r2)
				if got != want || r1 != r2 {
					t.Fatalf("[%d, %d] seed %d draw %d: Draw %d, IntRange %d (generators equal: %v)", a, b, seed, i, got, want, r1 == r2)
				}
			}
		}
		impl, err := compileUniform(nil, []Arg{{Const: &Value{K: Int, I: a}}, {Const: &Value{K: Int, I: b}}})
		if err != nil {
			t.Fatal(err)
		}
		if impl.Span == nil {
			t.Fatalf("[%d, %d]: uniform set no Span", a, b)
		}
		r1, r2 := NewRand(99), NewRand(99)
		c := &Ctx{R: &r2}
		for i := range 3000 {
			want := r1.IntRange(a, b)
			var got int64
			switch i % 4 {
			case 0:
				got = impl.Sample(c).I
			case 1:
				if f := impl.Num(c); f != float64(want) || r1 != r2 {
					t.Fatalf("[%d, %d] draw %d: Num %v, IntRange %d", a, b, i, f, want)
				}
				continue
			case 2:
				got = impl.Int(c)
			case 3:
				got = impl.Span.Draw(c.R)
			}
			if got != want || r1 != r2 {
				t.Fatalf("[%d, %d] draw %d (%d): %d, IntRange %d", a, b, i, i%4, got, want)
			}
		}
	}
}
