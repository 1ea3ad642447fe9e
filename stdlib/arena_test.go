package stdlib

import "testing"

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
	if kept := c.Keep(first); kept.O != first.O {
		t.Error("a list in an abandoned block was copied; it is no longer in the arena")
	}
	cur, _ := c.NewList(2)
	if kept := c.Keep(cur); kept.O == cur.O {
		t.Error("a list in the current block was not copied")
	}
}
