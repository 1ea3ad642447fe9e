package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/scenhq/scen/stdlib"
)

// TestEvalLeavesMatchesLoop checks evalLeaves (the session cache's
// copies, the event.time fields, then the leaves walked by pointer from
// the first to the last) against the plain loops it replaces: 0 to 3
// copies, 0 to 2 times and 0 to 6 leaves,
// closures and samplers mixed, the values landing in their slots, every
// leaf evaluated once and in order, the other slots untouched.
func TestEvalLeavesMatchesLoop(t *testing.T) {
	for ncopies := 0; ncopies <= 3; ncopies++ {
		for nevals := 0; nevals <= 6; nevals++ {
			for mix := 0; mix < 4; mix++ {
				nnows := mix % 3
				n := ncopies + nnows + nevals + 2 // two slots nothing writes
				cache := make([]Value, ncopies+1)
				for i := range cache {
					cache[i] = stdlib.StrV(fmt.Sprintf("cached %d", i))
				}
				em := &emitPlan{ncache: len(cache)}
				// Slots in a scattered order: copies and leaves interleaved.
				perm := rand.New(rand.NewPCG(uint64(n), uint64(mix))).Perm(n)
				slot := func(k int) uint32 { return uint32(perm[k]) * valueSize }
				var order []int
				for c := 0; c < ncopies; c++ {
					em.copies = append(em.copies, cacheCopy{to: slot(c), from: uint32(ncopies-c) * valueSize})
				}
				for k := 0; k < nnows; k++ {
					em.nows = append(em.nows, slot(ncopies+nevals+k))
				}
				for k := 0; k < nevals; k++ {
					k := k
					x := evalLeaf{to: slot(ncopies + k), l: &cexpr{fn: func(e *Env) Value {
						order = append(order, k)
						return stdlib.IntV(int64(100 + k))
					}}}
					if (k+mix)%2 == 0 {
						x.sample = func(c *stdlib.Ctx) Value {
							order = append(order, k)
							return stdlib.StrV(fmt.Sprintf("drawn %d", k))
						}
					}
					em.evals = append(em.evals, x)
				}
				// The reference: the loops as they were.
				want := make([]Value, n)
				for i := range want {
					want[i] = stdlib.StrV("untouched")
				}
				wp := unsafe.Pointer(&want[0])
				for _, c := range em.copies {
					*(*Value)(unsafe.Add(wp, c.to)) = cache[c.from/valueSize]
				}
				for _, o := range em.nows {
					*(*Value)(unsafe.Add(wp, o)) = stdlib.TimeV(1234567)
				}
				for k := range em.evals {
					x := &em.evals[k]
					if x.sample != nil {
						*(*Value)(unsafe.Add(wp, x.to)) = stdlib.StrV(fmt.Sprintf("drawn %d", k))
					} else {
						*(*Value)(unsafe.Add(wp, x.to)) = stdlib.IntV(int64(100 + k))
					}
				}
				got := make([]Value, n)
				for i := range got {
					got[i] = stdlib.StrV("untouched")
				}
				for _, o := range em.nows {
					got[o/valueSize] = Value{} // as newVals makes it
				}
				e := &Env{}
				e.Now = 1234567
				evalLeaves(unsafe.Pointer(&got[0]), em, cache, e)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%d copies, %d leaves, mix %d: slot %d = %v, want %v", ncopies, nevals, mix, i, got[i], want[i])
					}
				}
				if len(order) != nevals {
					t.Fatalf("%d copies, %d leaves: %d evaluations", ncopies, nevals, len(order))
				}
				for i, k := range order {
					if i != k {
						t.Fatalf("%d copies, %d leaves: evaluated in order %v", ncopies, nevals, order)
					}
				}
			}
		}
	}
}
