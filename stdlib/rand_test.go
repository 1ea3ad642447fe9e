package stdlib

import "testing"

// TestMix3: Mix3 is Mix of three words.
func TestMix3(t *testing.T) {
	r := NewRand(5)
	words := [][3]uint64{{0, 0, 0}, {^uint64(0), 1, 2}, {1 << 63, 0, ^uint64(0)}}
	for range 1000 {
		words = append(words, [3]uint64{r.Uint64(), r.Uint64() >> (r.Uint64() % 64), r.Uint64()})
	}
	for _, w := range words {
		if got, want := Mix3(w[0], w[1], w[2]), Mix(w[0], w[1], w[2]); got != want {
			t.Fatalf("Mix3(%x, %x, %x) = %x, Mix %x", w[0], w[1], w[2], got, want)
		}
	}
}
