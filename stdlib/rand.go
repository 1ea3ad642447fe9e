package stdlib

import (
	"math"
	"math/bits"
)

// Rand is a xoshiro256** generator. Every actor (and every flow of an actor)
// owns one, derived from (seed, entity, actor index, stream), so what an
// actor does never depends on scheduling or on how many workers run.
type Rand struct {
	s0, s1, s2, s3 uint64
}

// splitmix64 is the recommended seeder for xoshiro; it also serves as a
// mixing function for deriving stream keys.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Mix hashes a sequence of words into one 64-bit key.
func Mix(words ...uint64) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	for _, w := range words {
		x := h ^ w
		h = splitmix64(&x)
	}
	return h
}

// Mix3 is Mix(a, b, c) without the variadic slice and its loop: the words
// stay in registers (an actor's active days: two calls a session in
// recipe, about 15 instructions each fewer).
func Mix3(a, b, c uint64) uint64 {
	x := uint64(0x6a09e667f3bcc908) ^ a
	h := splitmix64(&x)
	x = h ^ b
	h = splitmix64(&x)
	x = h ^ c
	return splitmix64(&x)
}

// NewRand returns a generator for the given stream key (see Mix).
func NewRand(key uint64) Rand {
	var r Rand
	r.Seed(key)
	return r
}

// Seed resets the generator to the stream named by key.
func (r *Rand) Seed(key uint64) {
	x := key
	r.s0 = splitmix64(&x)
	r.s1 = splitmix64(&x)
	r.s2 = splitmix64(&x)
	r.s3 = splitmix64(&x)
}

// Uint64 returns 64 random bits.
func (r *Rand) Uint64() uint64 {
	result := bits.RotateLeft64(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return result
}

// xoshiroNext is Uint64 on a state held in locals: the result and the
// next state. A loop of many draws (drawDistinct) keeps the state in
// registers with it and stores it back once.
func xoshiroNext(s0, s1, s2, s3 uint64) (result, n0, n1, n2, n3 uint64) {
	result = bits.RotateLeft64(s1*5, 7) * 9
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	return result, s0, s1, s2, s3
}

// Step is Uint64 on a generator held by value: the 64 bits and the state
// after them. A loop of many draws (thinning's candidates) copies the
// generator into a local, which Go keeps in registers, and stores it back
// once, instead of loading and storing four words through a pointer at
// every draw.
func (r Rand) Step() (uint64, Rand) {
	// Uint64 on the copy (through xoshiroNext it was over the inlining
	// budget by one).
	result := bits.RotateLeft64(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return result, r
}

// Float64Of is the Float64 that 64 bits u drawn from a stream make.
func Float64Of(u uint64) float64 {
	return float64(u>>11) * (1.0 / (1 << 53))
}

// Float64 returns a uniform float in [0, 1).
func (r *Rand) Float64() float64 {
	return float64(r.Uint64()>>11) * (1.0 / (1 << 53))
}

// Uint64n returns a uniform integer in [0, n) (Lemire's method). n must be > 0.
func (r *Rand) Uint64n(n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// IntRange returns a uniform integer in [a, b] inclusive; a <= b.
func (r *Rand) IntRange(a, b int64) int64 {
	span := uint64(b - a)
	if span == math.MaxUint64 {
		return int64(r.Uint64())
	}
	return a + int64(r.Uint64n(span+1))
}

// IntSpan is IntRange(a, b) for constant a and b, prepared once:
// Uint64n's rejection threshold (2^64 mod n, a division) is known, so
// that a draw is one word, one product and one compare, in one call
// (uniform(5, 200)'s sampler called IntRange, and that Uint64n, about
// 30 instructions a draw).
type IntSpan struct {
	lo int64
	// n is b - a + 1, 0 for the whole int64 range; thresh is 2^64 mod n
	// (a draw whose low word is below it is rejected, as in Uint64n),
	// and the largest uint64 when n is 0, so that every draw goes to
	// the loop, which returns the word itself.
	n, thresh uint64
}

// NewIntSpan prepares IntRange(a, b); a <= b.
func NewIntSpan(a, b int64) IntSpan {
	n := uint64(b-a) + 1
	if n == 0 {
		return IntSpan{lo: a, thresh: math.MaxUint64}
	}
	return IntSpan{lo: a, n: n, thresh: -n % n}
}

// Bounds returns a and b.
func (s *IntSpan) Bounds() (a, b int64) {
	return s.lo, s.lo + int64(s.n-1)
}

// Draw returns what r.IntRange(a, b) returns, taking the same words
// from r. It calls nothing, so that it needs no frame: the rejection
// loop (a share of at most n/2^64 of the draws) is written out here.
func (s *IntSpan) Draw(r *Rand) int64 {
	x, g := r.Step() // on a copy, stored back once (see Step)
	hi, lo := bits.Mul64(x, s.n)
	for lo < s.thresh {
		if s.n == 0 {
			*r = g
			return int64(x) // the whole range, as IntRange gives it
		}
		x, g = g.Step()
		hi, lo = bits.Mul64(x, s.n)
	}
	*r = g
	return s.lo + int64(hi)
}

// NormFloat64 returns a standard normal deviate by Marsaglia and Tsang's
// ziggurat (2000) with 256 layers. One 64-bit draw supplies the layer (low
// 8 bits), the sign (bit 8) and a 53-bit abscissa (top bits), so the layer
// and the abscissa are independent (Doornik 2005); about 98.8% of draws end
// there. The rest fall in a wedge, or in layer 0's tail beyond normZigR, and
// are resolved exactly by rejection (Marsaglia's tail method). Nothing is
// cached between calls, so the stream position depends only on the draws.
func (r *Rand) NormFloat64() float64 {
	for {
		u := r.Uint64()
		i := u & 0xff
		j := u >> 11
		x := float64(j) * normZig.w[i]
		if j < normZig.k[i] {
			if u&0x100 != 0 {
				return -x
			}
			return x
		}
		if x, ok := r.normZigSlow(i, x); ok {
			if u&0x100 != 0 {
				return -x
			}
			return x
		}
	}
}

// normZigSlow settles a draw outside layer i's inner rectangle: layer 0
// continues into the tail, the others test the point against the curve.
func (r *Rand) normZigSlow(i uint64, x float64) (float64, bool) {
	if i == 0 {
		// x > R in the base strip: draw from the tail x > R instead
		// (Marsaglia 1964), which has exactly the strip's remaining mass.
		for {
			x := r.ExpFloat64() / normZigR
			y := r.ExpFloat64()
			if y+y >= x*x {
				return normZigR + x, true
			}
		}
	}
	f0, f1 := normZig.f[i], normZig.f[i+1]
	return x, f0+r.Float64()*(f1-f0) < math.Exp(-0.5*x*x)
}

// normZigR is the start of the normal ziggurat's tail (256 layers). The
// bisection starts from the two floats around R that a bisection from
// [3, 4.5] ends with (TestNormZigBracket): it ran ~50 rounds of 256
// layers, 2 M instructions at every start of the program.
var normZigR, normZig = normZigTables(3.6541528853610084, 3.654152885361009)

type normZigTable struct {
	w [256]float64 // layer i's right edge x[i], divided by 2^53
	k [256]uint64  // x[i+1]/x[i] scaled to 2^53: below it, inside the curve
	f [257]float64 // exp(-x[i]²/2), with f[256] = 1 at the apex
}

// normZigTables builds the layers of f(x) = exp(-x²/2): layer 0 is the base
// strip [0, R]×[0, f(R)] plus the tail beyond R, and layers 1..255 are
// rectangles [0, x[i]]×[f(x[i]), f(x[i+1])], all of area v(R). R is found by
// bisection so that the top layer closes at the apex (x[256] = 0); that
// reproduces Marsaglia and Tsang's R = 3.6541528853610088. R is searched
// for between lo and hi.
func normZigTables(lo, hi float64) (float64, *normZigTable) {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	area := func(r float64) float64 { return r*f(r) + math.Sqrt(math.Pi/2)*math.Erfc(r/math.Sqrt2) }
	// layers returns the edges for R = r, and whether they overshoot the
	// apex (r too small) rather than stop short of it (r too large).
	layers := func(r float64) (x [257]float64, over bool) {
		v := area(r)
		x[0], x[1] = v/f(r), r
		for i := 1; i < 255; i++ {
			y := f(x[i]) + v/x[i]
			if y >= 1 {
				return x, true
			}
			x[i+1] = math.Sqrt(-2 * math.Log(y))
		}
		// The top layer [0, x[255]]×[f(x[255]), 1] must have area v.
		return x, x[255]*(1-f(x[255])) < v
	}
	for range 200 {
		mid := 0.5 * (lo + hi)
		if mid == lo || mid == hi {
			break
		}
		if _, over := layers(mid); over {
			lo = mid
		} else {
			hi = mid
		}
	}
	r := hi
	x, _ := layers(r)
	x[256] = 0
	t := &normZigTable{}
	const scale = 1 << 53
	for i := 0; i < 256; i++ {
		t.w[i] = x[i] / scale
		t.k[i] = uint64(x[i+1] / x[i] * scale)
		t.f[i] = f(x[i])
	}
	t.f[0] = 0 // the base strip's floor; its wedge is the tail, never used
	t.f[256] = 1
	return r, t
}

// ExpFloat64 returns an exponential deviate with rate 1.
func (r *Rand) ExpFloat64() float64 {
	return -math.Log1p(-r.Float64())
}
