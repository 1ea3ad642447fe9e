package stdlib

import (
	"math/bits"
	"testing"
)

// drawRef is Draw as it was written before the block test: the column from
// the 128-bit product x·n, and the straddle found by a borrow and a carry.
// Draw must draw what it draws and leave the generator where it leaves it.
func (a *Alias) drawRef(r *Rand) int {
	x := r.Uint64()
	col, lo := bits.Mul64(x, a.n)
	const mask = 1<<53 - 1
	coin := x & mask
	if a.n > 1<<11 {
		coin = r.Uint64() >> 11
	} else if a.n&(a.n-1) != 0 {
		_, carry := bits.Add64(lo, (mask-coin)*a.n, 0)
		if lo < coin*a.n || carry != 0 {
			coin = r.Uint64() >> 11
		}
	}
	e := &a.tab[col]
	i := col
	if coin >= e.prob {
		i = e.alias
	}
	return int(i)
}

// TestAliasDrawBlocks: for every table size up to past 2^11 and every
// 2^53-wide block of draws, Draw's block test (b·n mod 2^11 against lim)
// says "straddles" exactly when drawRef's borrow-or-carry does, at the
// block's first and last value and one inside, and its column is the
// high word of x·n whenever the block does not straddle.
func TestAliasDrawBlocks(t *testing.T) {
	r := NewRand(7)
	const mask = 1<<53 - 1
	for n := uint64(1); n <= 1<<11+2; n++ {
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		a := NewAlias(ones)
		lim := uint64(0)
		if n <= 1<<11 {
			lim = 1<<11 - n + 1
		}
		if a.lim != lim {
			t.Fatalf("n %d: lim %d, want %d", n, a.lim, lim)
		}
		for b := uint64(0); b < 1<<11; b++ {
			for _, x := range []uint64{b << 53, b<<53 | mask, b<<53 | r.Uint64()&mask} {
				col, lo := bits.Mul64(x, n)
				coin := x & mask
				want := n > 1<<11
				if !want && n&(n-1) != 0 {
					_, carry := bits.Add64(lo, (mask-coin)*n, 0)
					want = lo < coin*n || carry != 0
				}
				bn := (x >> 53) * n
				if got := bn&(1<<11-1) >= a.lim; got != want {
					t.Fatalf("n %d, x %#x: straddles %v, want %v", n, x, got, want)
				}
				if !want && bn>>11 != col {
					t.Fatalf("n %d, x %#x: column %d, want %d", n, x, bn>>11, col)
				}
			}
		}
	}
}

// TestAliasDrawMatchesRef: Draw and drawRef over tables of many sizes and
// weights (integer ones like weighted's, skewed, with zeros, and sizes
// around 2^11 where most blocks straddle) give the same indices and leave
// the generator in the same state after every draw.
func TestAliasDrawMatchesRef(t *testing.T) {
	w := NewRand(99)
	var tables [][]float64
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 16, 31, 53, 100, 255, 256, 1000, 2047, 2048, 2049, 3000, 70000} {
		ints := make([]float64, n)
		skew := make([]float64, n)
		zeros := make([]float64, n)
		for i := range ints {
			ints[i] = float64(1 + w.Uint64n(30))
			skew[i] = 1 / float64(i+1) / float64(i+1)
			if i%3 != 1 {
				zeros[i] = w.Float64()
			}
		}
		zeros[0] = 1
		tables = append(tables, ints, skew, zeros)
	}
	tables = append(tables, []float64{30, 10, 5, 2, 5, 1}, []float64{30, 15, 6, 2})
	for ti, ws := range tables {
		a := NewAlias(ws)
		for key := uint64(0); key < 3; key++ {
			r1, r2 := NewRand(key), NewRand(key)
			for i := 0; i < 20000; i++ {
				got, want := a.Draw(&r1), a.drawRef(&r2)
				if got != want || r1 != r2 {
					t.Fatalf("table %d (n %d), key %d, draw %d: %d, want %d (same state: %v)", ti, len(ws), key, i, got, want, r1 == r2)
				}
			}
		}
	}
}
