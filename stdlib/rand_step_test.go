package stdlib

import "testing"

// TestStepMatchesUint64: Rand.Step on a copy draws what Uint64 draws and
// leaves the copy where Uint64 leaves the generator; Float64Of of the
// bits is Float64.
func TestStepMatchesUint64(t *testing.T) {
	for _, key := range []uint64{0, 1, 42, 1 << 63, ^uint64(0)} {
		r := NewRand(key)
		s := r
		for i := 0; i < 1000; i++ {
			want := r
			wf := want.Float64()
			u, next := s.Step()
			if w := r.Uint64(); u != w || next != r {
				t.Fatalf("key %d draw %d: Step %x, Uint64 %x", key, i, u, w)
			}
			if Float64Of(u) != wf {
				t.Fatalf("key %d draw %d: Float64Of %v, Float64 %v", key, i, Float64Of(u), wf)
			}
			s = next
		}
	}
}

// TestExpZigFastFrom: ExpZigFast on ExpZig's first draw, finished by
// ExpZigFrom when it is not the common case, is ExpZig: the same deviate,
// the generator left in the same place, the rare cases (the tail, the
// wedges) included.
func TestExpZigFastFrom(t *testing.T) {
	slow := 0
	for key := uint64(0); key < 20; key++ {
		r1, r2 := NewRand(key), NewRand(key)
		for i := 0; i < 50000; i++ {
			want := r1.ExpZig()
			u := r2.Uint64()
			got, ok := ExpZigFast(u)
			if !ok {
				got = r2.ExpZigFrom(u)
				slow++
			}
			if got != want || r1 != r2 {
				t.Fatalf("key %d draw %d: %v, ExpZig %v (generators equal: %v)", key, i, got, want, r1 == r2)
			}
		}
	}
	if slow == 0 {
		t.Fatal("no draw took ExpZigFrom")
	}
}
