package stdlib

import (
	"slices"
	"testing"
)

// drawDistinctRef is drawDistinct's rejection draw without the seen mask:
// the mask only skips comparisons, so the draws must be the same.
func drawDistinctRef(r *Rand, n, k int) []int {
	var out []int
next:
	for len(out) < k {
		x := int(r.Uint64n(uint64(n)))
		for _, y := range out {
			if y == x {
				continue next
			}
		}
		out = append(out, x)
	}
	return out
}

func TestDrawDistinct(t *testing.T) {
	tests := []struct {
		name string
		n, k int
		ref  bool // small draw from a large set: compared with drawDistinctRef
	}{
		{"ten of ten thousand", 10000, 10, true},
		{"ten of forty", 40, 10, true},
		{"thirty-two of two hundred", 200, 32, true},
		{"ten of sixty-four (every bit of the mask)", 64, 10, true},
		{"ten of 128 (bits shared by two values)", 128, 10, true},
		{"one of one", 1, 1, false},
		{"all of twelve", 12, 12, false},
		{"more than there are", 5, 9, false},
		{"forty of a hundred", 100, 40, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 2000; seed++ {
				r := NewRand(seed)
				got := drawDistinct(&r, tt.n, tt.k, nil)
				if want := min(tt.k, tt.n); len(got) != want {
					t.Fatalf("seed %d: %d picks, want %d", seed, len(got), want)
				}
				seen := map[int]bool{}
				for _, x := range got {
					if x < 0 || x >= tt.n || seen[x] {
						t.Fatalf("seed %d: picks %v: %d out of range or repeated", seed, got, x)
					}
					seen[x] = true
				}
				if tt.ref {
					r2 := NewRand(seed)
					if want := drawDistinctRef(&r2, tt.n, tt.k); !slices.Equal(got, want) {
						t.Fatalf("seed %d: picks %v, want %v", seed, got, want)
					}
					// The state drawDistinct keeps in locals is stored
					// back: the draws after it are Uint64n's too.
					if r != r2 {
						t.Fatalf("seed %d: generator left at %v, want %v", seed, r, r2)
					}
				}
			}
		})
	}
}

// TestXoshiroNext checks the generator step on locals against Uint64.
func TestXoshiroNext(t *testing.T) {
	r := NewRand(7)
	s := r
	for i := 0; i < 1000; i++ {
		var u uint64
		u, s.s0, s.s1, s.s2, s.s3 = xoshiroNext(s.s0, s.s1, s.s2, s.s3)
		if want := r.Uint64(); u != want || s != r {
			t.Fatalf("draw %d: %d, state %v; want %d, %v", i, u, s, want, r)
		}
	}
}

func BenchmarkDrawDistinct(b *testing.B) {
	r := NewRand(1)
	var buf [32]int
	for b.Loop() {
		drawDistinct(&r, 1599, 10, buf[:0])
	}
}
