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

// NormFloat64 returns a standard normal deviate (Marsaglia polar method
// without caching, so the stream position depends only on the call count).
func (r *Rand) NormFloat64() float64 {
	for {
		u := 2*r.Float64() - 1
		v := 2*r.Float64() - 1
		s := u*u + v*v
		if s > 0 && s < 1 {
			return u * math.Sqrt(-2*math.Log(s)/s)
		}
	}
}

// ExpFloat64 returns an exponential deviate with rate 1.
func (r *Rand) ExpFloat64() float64 {
	return -math.Log1p(-r.Float64())
}
