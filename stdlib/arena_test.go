package stdlib

import (
	"testing"
	"unsafe"
)

// TestArenaLists: lists built with NewList are in the record arena until
// it is reset; Keep copies them (and what they hold from the byte arena),
// and a kept copy survives the arena's reuse.
func TestArenaLists(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(c *Ctx) Value
		want  string
	}{
		{"plain values", func(c *Ctx) Value {
			l, vals := c.NewList(3)
			vals[0], vals[1], vals[2] = IntV(1), StrV("a"), NullV()
			return l
		}, `[1,"a",null]`},
		{"arena strings inside", func(c *Ctx) Value {
			l, vals := c.NewList(2)
			vals[0], vals[1] = StrV(c.Str([]byte("x"))), StrV(c.Str([]byte("yz")))
			return l
		}, `["x","yz"]`},
		{"a list in a list", func(c *Ctx) Value {
			inner, iv := c.NewList(1)
			iv[0] = IntV(7)
			outer := ListV([]Value{inner, IntV(8)}) // heap list holding an arena list
			return outer
		}, `[[7],8]`},
		{"empty", func(c *Ctx) Value { l, _ := c.NewList(0); return l }, `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Ctx{}
			c.Arena = make([]byte, 0, 64)
			v := tc.build(c)
			kept := c.Keep(v)
			if got := string(AppendJSON(nil, kept, nil)); got != tc.want {
				t.Fatalf("kept %s, want %s", got, tc.want)
			}
			if len(v.List()) > 0 && &kept.List()[0] == &v.List()[0] {
				t.Fatal("Keep returned the arena list itself")
			}
			// Reuse the arena: the kept copy must not change.
			for round := 0; round < 3; round++ {
				c.ResetArena()
				for i := 0; i < 50; i++ {
					_, vals := c.NewList(5)
					for j := range vals {
						vals[j] = StrV(c.Str([]byte("overwritten")))
					}
				}
			}
			if got := string(AppendJSON(nil, kept, nil)); got != tc.want {
				t.Errorf("after reuse %s, want %s", got, tc.want)
			}
		})
	}
}

// TestArenaGrowth: a list that does not fit starts a new block; lists in
// the old block stay valid (the old block is never reused) and are no
// longer seen as in the arena.
func TestArenaGrowth(t *testing.T) {
	c := &Ctx{}
	first, fv := c.NewList(1)
	fv[0] = IntV(42)
	for i := 0; i < 100; i++ {
		c.NewList(100) // forces new blocks
	}
	if got := first.List()[0]; got.K != Int || got.I != 42 {
		t.Fatalf("first list changed: %+v", got)
	}
	c.ResetArena()
	for i := 0; i < 100; i++ {
		_, vals := c.NewList(100)
		for j := range vals {
			vals[j] = IntV(-1)
		}
	}
	if got := first.List()[0]; got.K != Int || got.I != 42 {
		t.Fatalf("first list reused after reset: %+v", got)
	}
	if kept := c.Keep(first); kept.Obj() != first.Obj() {
		t.Error("a list in an abandoned block was copied; it is no longer in the arena")
	}
	cur, _ := c.NewList(2)
	if kept := c.Keep(cur); kept.Obj() == cur.Obj() {
		t.Error("a list in the current block was not copied")
	}
}

// TestStoreKeep: KeepIn copies what a value holds from the record arena
// into a store, which survives the arena's reuse; KeepBeyond copies what
// it holds from the store (or the arena) to the heap, which survives the
// store's reuse; values that hold neither are shared, never copied.
func TestStoreKeep(t *testing.T) {
	row := Freeze(ObjV([]string{"id"}, []Value{StrV("r1")}))
	for _, tc := range []struct {
		name   string
		build  func(c *Ctx) Value
		want   string
		shared bool // needs no copy: neither KeepIn nor KeepBeyond copies it
	}{
		{"arena string", func(c *Ctx) Value { return StrV(c.Str([]byte("query"))) }, `"query"`, false},
		{"arena list of rows", func(c *Ctx) Value {
			l, vals := c.NewList(2)
			vals[0], vals[1] = row, row
			return l
		}, `[{"id":"r1"},{"id":"r1"}]`, false},
		{"object with an arena list", func(c *Ctx) Value {
			l, vals := c.NewList(1)
			vals[0] = StrV(c.Str([]byte("in")))
			return ObjV([]string{"l", "n"}, []Value{l, IntV(3)})
		}, `{"l":["in"],"n":3}`, false},
		{"heap string", func(c *Ctx) Value { return StrV("heap") }, `"heap"`, true},
		{"frozen row", func(c *Ctx) Value { return row }, `{"id":"r1"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Ctx{Arena: make([]byte, 0, 64)}
			var st Store
			v := tc.build(c)
			inStore := c.KeepIn(&st, v)
			if got := string(AppendJSON(nil, inStore, nil)); got != tc.want {
				t.Fatalf("KeepIn gave %s, want %s", got, tc.want)
			}
			if tc.shared != sameRef(inStore, v) {
				t.Errorf("KeepIn copied: %v, want %v", !sameRef(inStore, v), !tc.shared)
			}
			// Reuse the arena: the stored copy must not change.
			c.ResetArena()
			for i := 0; i < 20; i++ {
				_, vals := c.NewList(4)
				for j := range vals {
					vals[j] = StrV(c.Str([]byte("overwritten")))
				}
			}
			if got := string(AppendJSON(nil, inStore, nil)); got != tc.want {
				t.Fatalf("after the arena's reuse %s, want %s", got, tc.want)
			}
			beyond := c.KeepBeyond(&st, inStore)
			if tc.shared != sameRef(beyond, inStore) {
				t.Errorf("KeepBeyond copied: %v, want %v", !sameRef(beyond, inStore), !tc.shared)
			}
			// Reuse the store: the heap copy must not change.
			st.Reset()
			for i := 0; i < 20; i++ {
				c.ResetArena()
				l, vals := c.NewList(4)
				for j := range vals {
					vals[j] = StrV(c.Str([]byte("overwritten")))
				}
				c.KeepIn(&st, ObjV([]string{"l"}, []Value{l}))
			}
			if got := string(AppendJSON(nil, beyond, nil)); got != tc.want {
				t.Errorf("after the store's reuse %s, want %s", got, tc.want)
			}
		})
	}
}

// sameRef reports whether a and b share their storage.
func sameRef(a, b Value) bool {
	if a.K == String {
		return unsafe.StringData(a.S) == unsafe.StringData(b.S)
	}
	return a.Obj() == b.Obj()
}

// TestStoreGrowth: values kept before a store block overflowed stay valid
// through later keeps and resets (the old block is never reused).
func TestStoreGrowth(t *testing.T) {
	c := &Ctx{Arena: make([]byte, 0, 64)}
	var st Store
	l, vals := c.NewList(1)
	vals[0] = StrV(c.Str([]byte("first")))
	first := c.KeepIn(&st, l)
	for i := 0; i < 200; i++ {
		c.ResetArena()
		big, bv := c.NewList(50)
		for j := range bv {
			bv[j] = StrV(c.Str([]byte("filler-filler")))
		}
		c.KeepIn(&st, big)
	}
	st.Reset()
	for i := 0; i < 200; i++ {
		c.ResetArena()
		big, bv := c.NewList(50)
		for j := range bv {
			bv[j] = StrV(c.Str([]byte("XXXXXXXXXXXXX")))
		}
		c.KeepIn(&st, big)
	}
	if got := string(AppendJSON(nil, first, nil)); got != `["first"]` {
		t.Fatalf("a value kept in an outgrown block changed: %s", got)
	}
}

// TestMayLiveInArena: a value MayLiveInArena says no arena holds is one
// KeepIn returns as it is (a caller may skip the call: step's sets), and
// every value that holds something of the record arena is one it says may.
func TestMayLiveInArena(t *testing.T) {
	c := &Ctx{Arena: make([]byte, 0, 256)}
	row := Freeze(ObjV([]string{"id"}, []Value{StrV("r1")}))
	arenaList, vals := c.NewList(2)
	vals[0], vals[1] = row, StrV(c.Str([]byte("in")))
	for _, tc := range []struct {
		name    string
		v       Value
		inArena bool
	}{
		{"null", NullV(), false},
		{"int", IntV(7), false},
		{"float", FloatV(2.5), false},
		{"bool", BoolV(true), false},
		{"empty string", StrV(""), false},
		{"heap string", StrV("heap"), false},
		{"arena string", StrV(c.Str([]byte("query"))), true},
		{"frozen row", row, false},
		{"frozen list", Freeze(ListV([]Value{row, IntV(1)})), false},
		{"arena list", arenaList, true},
		{"object with an arena list", ObjV([]string{"l"}, []Value{arenaList}), true},
		{"heap list", ListV([]Value{IntV(1)}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var st Store
			may := MayLiveInArena(tc.v)
			if tc.inArena && !may {
				t.Fatalf("MayLiveInArena false for a value in the arena")
			}
			if may {
				return
			}
			if got := c.KeepIn(&st, tc.v); got.K != tc.v.K || got.I != tc.v.I || !sameRef(got, tc.v) || got.S != tc.v.S {
				t.Errorf("KeepIn changed a value MayLiveInArena says no arena holds: %v, want %v", got, tc.v)
			}
		})
	}
}
