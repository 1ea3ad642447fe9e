package engine

import (
	"testing"
	"unsafe"
)

// TestActorVals: vals gives the slice unsafe.Slice gives, the same
// start, length and capacity, for attribute blocks of every size from
// none to many, and nil for an actor without attributes.
func TestActorVals(t *testing.T) {
	if v := (&actor{}).vals(0); v != nil {
		t.Fatalf("an actor without attributes: %v, want nil", v)
	}
	for n := 1; n <= 70; n++ {
		a := newActor(n)
		got, want := a.vals(n), unsafe.Slice(a.attrs, n)
		if unsafe.SliceData(got) != unsafe.SliceData(want) || len(got) != len(want) || cap(got) != cap(want) {
			t.Fatalf("%d attributes: vals gave %p len %d cap %d, unsafe.Slice %p len %d cap %d", n, unsafe.SliceData(got), len(got), cap(got), unsafe.SliceData(want), len(want), cap(want))
		}
		for i := range got {
			got[i].I = int64(i)
		}
		for i := range want {
			if want[i].I != int64(i) {
				t.Fatalf("%d attributes: slot %d not shared", n, i)
			}
		}
	}
}
