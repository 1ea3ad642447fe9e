package stdlib

import (
	"math"
)

// Alias is Vose's alias table: O(n) to build, O(1) per draw.
type Alias struct {
	tab []aliasEntry
	n   uint64
	// lim is 2^11 - n + 1 for n up to 2^11, else 0: a draw x whose
	// block (see Draw) has (x>>53)·n mod 2^11 at or above lim straddles
	// two columns (always, for n above 2^11).
	lim uint64
}

// aliasEntry keeps a column's threshold and alias together: one cache line
// and one bounds check per draw.
type aliasEntry struct {
	prob  uint64 // acceptance threshold scaled to 2^53
	alias uint64
}

// NewAlias builds a table for finite non-negative weights with a positive
// sum.
func NewAlias(weights []float64) *Alias {
	n := len(weights)
	sum, top := 0.0, 0.0
	for _, w := range weights {
		sum += w
		top = max(top, w)
	}
	// Weights near the float maximum overflow the sum or w·n: divide them
	// by the largest first. (Only then, so that the usual weights give the
	// same table, bit for bit, as they always have.)
	div := 1.0
	if math.IsInf(sum, 0) || math.IsInf(top*float64(n), 0) {
		div, sum = top, 0
		for _, w := range weights {
			sum += w / div
		}
	}
	a := &Alias{tab: make([]aliasEntry, n), n: uint64(n)}
	if n <= 1<<11 {
		a.lim = 1<<11 - uint64(n) + 1
	}
	scaled := make([]float64, n)
	small := make([]int, 0, n)
	large := make([]int, 0, n)
	for i, w := range weights {
		scaled[i] = w / div * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	const one = float64(1 << 53)
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.tab[s] = aliasEntry{prob: uint64(scaled[s] * one), alias: uint64(l)}
		scaled[l] = scaled[l] + scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.tab[i] = aliasEntry{prob: 1 << 53, alias: uint64(i)}
	}
	for _, i := range small { // rounding leftovers
		a.tab[i] = aliasEntry{prob: 1 << 53, alias: uint64(i)}
	}
	return a
}

// Draw returns an index distributed as the weights. One 64-bit draw x
// usually suffices: the column is the high word of x·n (Lemire's multiply),
// the coin for column-versus-alias is x's low 53 bits. The coin is exactly
// uniform and independent of the column unless the 2^53-wide block of x
// values holding x straddles a column boundary (possible only when n is not
// a power of two; in a fraction below n/2^11 of draws): those draws, and
// every draw when the column needs more than the top 11 bits, take the coin
// from a second draw.
//
// The block is b = x>>53, and its x·n span from b·n·2^53 to just below
// (b+1)·n·2^53: it lies in one column, b·n>>11, unless a multiple of 2^11
// falls strictly between b·n and (b+1)·n, that is unless b·n mod 2^11 is
// above 2^11 - n. Small integers, known for the whole block: the column
// needs no 128-bit product, and the test no product of the coin.
func (a *Alias) Draw(r *Rand) int {
	x := r.Uint64()
	const mask = 1<<53 - 1
	bn := (x >> 53) * a.n
	col, coin := bn>>11, x&mask
	if bn&(1<<11-1) >= a.lim {
		col, _ = mul64(x, a.n)
		coin = r.Uint64() >> 11
	}
	// A select rather than a branch: the outcome is random, so a branch
	// would be mispredicted about as often as aliases are taken.
	e := &a.tab[col]
	i, alt := col, e.alias
	if coin >= e.prob {
		i = alt
	}
	return int(i)
}
