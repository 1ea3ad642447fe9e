package stdlib

import (
	"fmt"
	"testing"
	"unsafe"
)

// inBlocks reports whether v, or anything it holds, lives in c's record
// arena or in st.
func inBlocks(c *Ctx, st *Store, v Value) bool {
	var as [2]arenas
	c.arenasInto(&as[0])
	st.arenasInto(&as[1])
	return inArena(v, as[:])
}

// TestKeepInStringMatchesKeepIn: KeepIn's string path (one range test of
// the arena's text) against keepIn's look at all of the arena's
// ranges, for strings in the arena's text (its first and last bytes, with
// flags), on the heap, in a store, empty, in an outgrown arena block, and
// with no arena at all; kept into a store and onto the heap.
func TestKeepInStringMatchesKeepIn(t *testing.T) {
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
						k := c.KeepIn(into, v)
						if k.K != String || k.I != v.I {
							t.Fatalf("KeepIn gave %v (flags %d), want a string (flags %d)", k, k.I, v.I)
						}
						return v, k, c, &st
					}
					return v, c.keepIn(into, v), c, &st
				}
				v, fast, c, st := run(true)
				sv, slow, _, _ := run(false)
				if slow.I != v.I || slow.S != v.S {
					t.Fatalf("keepIn changed the string: %q %d", slow.S, slow.I)
				}
				if fast.S != v.S {
					t.Fatalf("KeepIn gave %q, want %q", fast.S, v.S)
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
					t.Fatalf("copied: KeepIn %v, keepIn %v, want %v", copied, slowCopied, tc.copy)
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

// TestKeepAppendedMatchesKeepBeyond: a remember of append(memory.X, x,
// max) kept by KeepAppended, which looks at x alone, against KeepBeyond,
// which looks at the whole list: x of every kind and place (the arena's
// text, its lists, the session's store, the heap, frozen rows), memories
// of 0 to 60 kept values, with and without max; values append does not
// make (null, a string, lists in the arena or the store, frozen lists)
// take KeepBeyond. The kept list must hold nothing of the arena or the
// store, and keep its text through their reuse.
func TestKeepAppendedMatchesKeepBeyond(t *testing.T) {
	appendFn := func() func(c *Ctx, a []Value) Value {
		f, _ := New().Lookup("append")
		impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Any}, {Type: Any}, {Type: Int}})
		if err != nil {
			t.Fatal(err)
		}
		return impl.Fn
	}()
	row := Freeze(ObjV([]string{"id"}, []Value{StrV("r1")}))
	xs := []struct {
		name string
		x    func(c *Ctx, st *Store) Value
	}{
		{"arena string", func(c *Ctx, st *Store) Value { return StrV(c.Str([]byte("recipe_00042"))) }},
		{"arena string with flags", func(c *Ctx, st *Store) Value {
			v := StrV(c.Str([]byte("id")))
			v.I = PlainJSON
			return v
		}},
		{"store string", func(c *Ctx, st *Store) Value { return StrV(st.String("from the session")) }},
		{"heap string", func(c *Ctx, st *Store) Value { return StrV("recipe_00042") }},
		{"empty string", func(c *Ctx, st *Store) Value { return StrV("") }},
		{"int", func(c *Ctx, st *Store) Value { return IntV(7) }},
		{"null", func(c *Ctx, st *Store) Value { return NullV() }},
		{"frozen row", func(c *Ctx, st *Store) Value { return row }},
		{"arena list", func(c *Ctx, st *Store) Value {
			l, vals := c.NewList(2)
			vals[0], vals[1] = StrV(c.Str([]byte("in"))), row
			return l
		}},
		{"store list", func(c *Ctx, st *Store) Value {
			l, vals := c.NewList(1)
			vals[0] = StrV(c.Str([]byte("kept in the store")))
			return c.KeepIn(st, l)
		}},
		{"object holding an arena list", func(c *Ctx, st *Store) Value {
			l, vals := c.NewList(1)
			vals[0] = StrV(c.Str([]byte("deep")))
			return ObjV([]string{"l"}, []Value{l})
		}},
	}
	for _, x := range xs {
		for _, n := range []int{0, 1, 3, 49, 50, 60} {
			for _, max := range []Value{NullV(), IntV(1), IntV(4), IntV(50)} {
				t.Run(fmt.Sprintf("%s/%d/max %s", x.name, n, max), func(t *testing.T) {
					c := &Ctx{Arena: make([]byte, 0, 256)}
					var st Store
					// The memory: n values kept beyond a session.
					var mem Value
					for i := 0; i < n; i++ {
						v := StrV(c.Str([]byte(fmt.Sprintf("m%d", i))))
						mem = c.KeepBeyond(&st, appendFn(c, []Value{mem, v, NullV()}))
					}
					c.ResetArena()
					st.Reset()
					xv := x.x(c, &st)
					l := appendFn(c, []Value{mem, xv, max})
					want := string(AppendJSON(nil, c.KeepBeyond(&st, l), nil))
					l2 := appendFn(c, []Value{mem, xv, max})
					got := c.KeepAppended(&st, l2)
					if s := string(AppendJSON(nil, got, nil)); s != want {
						t.Fatalf("KeepAppended gave %s, want %s", s, want)
					}
					if inBlocks(c, &st, got) {
						t.Fatal("the kept list holds something of the arena or the store")
					}
					if got.Obj() != l2.Obj() {
						t.Fatal("KeepAppended made a new list of append's own")
					}
					c.ResetArena()
					st.Reset()
					for i := 0; i < 20; i++ {
						ll, vals := c.NewList(4)
						for j := range vals {
							vals[j] = StrV(c.Str([]byte("overwritten")))
						}
						c.KeepIn(&st, ll)
						st.String("overwritten in the store")
					}
					if s := string(AppendJSON(nil, got, nil)); s != want {
						t.Fatalf("after reuse %s, want %s", s, want)
					}
				})
			}
		}
	}
	// Values append does not make: KeepBeyond's answer, as it is.
	for _, tc := range []struct {
		name string
		v    func(c *Ctx, st *Store) Value
	}{
		{"null", func(c *Ctx, st *Store) Value { return NullV() }},
		{"arena string", func(c *Ctx, st *Store) Value { return StrV(c.Str([]byte("abc"))) }},
		{"empty list", func(c *Ctx, st *Store) Value { return ListV(nil) }},
		{"frozen list", func(c *Ctx, st *Store) Value { return Freeze(ListV([]Value{row, StrV("x")})) }},
		{"arena list", func(c *Ctx, st *Store) Value {
			l, vals := c.NewList(2)
			vals[0], vals[1] = StrV(c.Str([]byte("a"))), StrV("heap")
			return l
		}},
		{"store list", func(c *Ctx, st *Store) Value {
			l, vals := c.NewList(2)
			vals[0], vals[1] = StrV("heap"), StrV("heap too")
			return c.KeepIn(st, l)
		}},
	} {
		t.Run("not append's/"+tc.name, func(t *testing.T) {
			c := &Ctx{Arena: make([]byte, 0, 256)}
			var st Store
			v := tc.v(c, &st)
			want := c.KeepBeyond(&st, v)
			got := c.KeepAppended(&st, v)
			if a, b := string(AppendJSON(nil, got, nil)), string(AppendJSON(nil, want, nil)); a != b || got.K != want.K {
				t.Fatalf("KeepAppended gave %s, want %s", a, b)
			}
			if inBlocks(c, &st, got) {
				t.Fatal("the kept value holds something of the arena or the store")
			}
		})
	}
}
