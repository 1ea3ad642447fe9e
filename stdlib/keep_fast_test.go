package stdlib

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestKeepStrMatchesKeepIn: KeepIn's string path (keepStr, one range
// test of the arena's text) against keepIn's look at all of the arena's
// ranges, for strings in the arena's text (its first and last bytes, with
// flags), on the heap, in a store, empty, in an outgrown arena block, and
// with no arena at all; kept into a store and onto the heap.
func TestKeepStrMatchesKeepIn(t *testing.T) {
	type mk func(c *Ctx, st *Store) Value
	arenaStr := func(s string, flags int64) mk {
		return func(c *Ctx, st *Store) Value { v := StrV(c.Str([]byte(s))); v.I = flags; return v }
	}
	cases := []struct {
		name  string
		v     mk
		arena int // the arena's capacity
		copy  bool
	}{
		{"arena string", arenaStr("query", 0), 64, true},
		{"arena string with flags", arenaStr("an id", PlainJSON|PlainCSV), 64, true},
		{"one byte filling the arena", arenaStr("x", 0), 1, true},
		{"the arena's last bytes", func(c *Ctx, st *Store) Value {
			c.Str([]byte("0123456789012345678901234567890123456789012345678901234567890"))
			return StrV(c.Str([]byte("end")))
		}, 64, true},
		{"heap string", func(c *Ctx, st *Store) Value { return StrV("heap") }, 64, false},
		{"empty string", func(c *Ctx, st *Store) Value { return StrV("") }, 64, false},
		{"empty arena string", arenaStr("", 0), 64, false},
		{"no arena", func(c *Ctx, st *Store) Value { return StrV("heap") }, 0, false},
		{"store string", func(c *Ctx, st *Store) Value { return StrV(st.String("in the store")) }, 64, false},
		{"outgrown arena block", func(c *Ctx, st *Store) Value {
			v := StrV(c.Str([]byte("old block")))
			for i := 0; i < 40; i++ {
				c.Str([]byte("filler filler filler")) // the arena moves to a new block
			}
			return v
		}, 16, false},
	}
	for _, tc := range cases {
		for _, toStore := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/store=%v", tc.name, toStore), func(t *testing.T) {
				run := func(fast bool) (Value, Value, *Ctx, *Store) {
					c := &Ctx{}
					if tc.arena > 0 {
						c.Arena = make([]byte, 0, tc.arena)
					}
					var st Store
					v := tc.v(c, &st)
					var into *Store
					if toStore {
						into = &st
					}
					if fast {
						return v, StrV(c.keepStr(into, v.S)), c, &st
					}
					return v, c.keepIn(into, v), c, &st
				}
				v, fast, c, st := run(true)
				sv, slow, _, _ := run(false)
				if slow.I != v.I || slow.S != v.S {
					t.Fatalf("keepIn changed the string: %q %d", slow.S, slow.I)
				}
				if fast.S != v.S {
					t.Fatalf("keepStr gave %q, want %q", fast.S, v.S)
				}
				if kept := c.KeepIn(func() *Store {
					if toStore {
						return st
					}
					return nil
				}(), v); kept.K != String || kept.I != v.I || kept.S != v.S {
					t.Fatalf("KeepIn gave %v (flags %d), want %q (flags %d)", kept, kept.I, v.S, v.I)
				}
				copied := unsafe.StringData(fast.S) != unsafe.StringData(v.S)
				slowCopied := unsafe.StringData(slow.S) != unsafe.StringData(sv.S)
				if copied != tc.copy || slowCopied != tc.copy {
					t.Fatalf("copied: keepStr %v, keepIn %v, want %v", copied, slowCopied, tc.copy)
				}
				if !copied {
					return
				}
				var arena [1]arenas
				c.arenasInto(&arena[0])
				if inArena(fast, arena[:]) {
					t.Fatal("the copy is in the record arena")
				}
				var store [1]arenas
				st.arenasInto(&store[0])
				if toStore != inArena(fast, store[:]) {
					t.Fatalf("the copy in the store: %v, want %v", !toStore, toStore)
				}
				// The copy outlives the arena's reuse.
				c.ResetArena()
				for i := 0; i < 10; i++ {
					c.Str([]byte("overwritten overwritten"))
				}
				if fast.S != slow.S {
					t.Fatalf("after the arena's reuse %q, want %q", fast.S, slow.S)
				}
			})
		}
	}
}
