package stdlib

// Alias is Vose's alias table: O(n) to build, O(1) per draw.
type Alias struct {
	prob  []uint64 // acceptance threshold scaled to 2^53
	alias []uint32
	n     uint64
}

// NewAlias builds a table for non-negative weights with a positive sum.
func NewAlias(weights []float64) *Alias {
	n := len(weights)
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	a := &Alias{prob: make([]uint64, n), alias: make([]uint32, n), n: uint64(n)}
	scaled := make([]float64, n)
	small := make([]int, 0, n)
	large := make([]int, 0, n)
	for i, w := range weights {
		scaled[i] = w * float64(n) / sum
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
		a.prob[s] = uint64(scaled[s] * one)
		a.alias[s] = uint32(l)
		scaled[l] = scaled[l] + scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1 << 53
		a.alias[i] = uint32(i)
	}
	for _, i := range small { // rounding leftovers
		a.prob[i] = 1 << 53
		a.alias[i] = uint32(i)
	}
	return a
}

// Draw returns an index distributed as the weights. One 64-bit draw: the
// high bits pick the column, the low 53 bits decide between it and its alias.
func (a *Alias) Draw(r *Rand) int {
	x := r.Uint64()
	col, _ := mul64(x, a.n)
	coin := x & (1<<53 - 1)
	if a.n > 1<<11 {
		// The column would use more than the top 11 bits, which overlap
		// the coin's; draw the coin separately.
		coin = r.Uint64() >> 11
	}
	if coin < a.prob[col] {
		return int(col)
	}
	return int(a.alias[col])
}
