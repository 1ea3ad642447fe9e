package stdlib

import (
	"encoding/hex"
	"testing"
)

// uuidRef is the byte-wise formatting AppendUUIDBits must match.
func uuidRef(x, y uint64) string {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(x >> (56 - 8*i))
		b[8+i] = byte(y >> (56 - 8*i))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// TestAppendUUIDBits: the word-at-a-time formatting writes the same UUID
// as formatting byte by byte, for edge words and a million random ones.
func TestAppendUUIDBits(t *testing.T) {
	words := [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210},
		{0xa0a0a0a0a0a0a0a0, 0x0909090909090909}}
	r := NewRand(1)
	for range 1_000_000 {
		words = append(words, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, w := range words {
		if got, want := string(AppendUUIDBits([]byte("id:"), w[0], w[1])), "id:"+uuidRef(w[0], w[1]); got != want {
			t.Fatalf("AppendUUIDBits(%#x, %#x) = %s, want %s", w[0], w[1], got, want)
		}
	}
}

func BenchmarkAppendUUID(b *testing.B) {
	r := NewRand(1)
	buf := make([]byte, 0, 64)
	for i := 0; i < b.N; i++ {
		buf = AppendUUID(buf[:0], &r)
	}
}

// TestAppendHex: n digits are the top nibbles of successive words, first
// digit first, for lengths around the word size.
func TestAppendHex(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 100} {
		r1, r2 := NewRand(uint64(n)), NewRand(uint64(n))
		got := string(AppendHex([]byte("h:"), &r1, n))
		want := "h:"
		for len(want)-2 < n {
			x := r2.Uint64()
			for i := 0; i < 16 && len(want)-2 < n; i++ {
				want += string(hexDigits[x>>60])
				x <<= 4
			}
		}
		if got != want {
			t.Errorf("AppendHex(%d) = %s, want %s", n, got, want)
		}
	}
}
