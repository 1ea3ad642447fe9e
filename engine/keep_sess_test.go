package engine

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/scenhq/scen/stdlib"
)

// TestKeepSessMatchesKeepIn: keepSess (a per-session field kept in the
// session's store) gives what keepIn gives, the same kind, flags and
// text, whatever the value is and wherever it lives; a string it keeps
// lives in the store (so it survives the record arena's reuse, and memory
// copies it out as it does what KeepIn keeps there).
func TestKeepSessMatchesKeepIn(t *testing.T) {
	row := stdlib.Freeze(stdlib.ObjV([]string{"id"}, []Value{stdlib.StrV("r1")}))
	builds := []struct {
		name  string
		build func(e *Env, i int) Value
	}{
		{"arena string", func(e *Env, i int) Value {
			return stdlib.StrV(e.Str([]byte(fmt.Sprintf("session_%08x-%d", i*7919, i))))
		}},
		{"arena string with flags", func(e *Env, i int) Value {
			v := stdlib.StrV(e.Str([]byte(fmt.Sprintf("s%d", i))))
			v.I = stdlib.PlainJSON | stdlib.PlainCSV
			return v
		}},
		{"heap string", func(e *Env, i int) Value { return stdlib.StrV(fmt.Sprint("heap", i)) }},
		{"empty string", func(e *Env, i int) Value { return stdlib.StrV("") }},
		{"int", func(e *Env, i int) Value { return stdlib.IntV(int64(i)) }},
		{"null", func(e *Env, i int) Value { return Value{} }},
		{"frozen row", func(e *Env, i int) Value { return row }},
		{"arena list", func(e *Env, i int) Value {
			l, vals := e.NewList(2)
			vals[0], vals[1] = stdlib.StrV(e.Str([]byte(fmt.Sprint("in", i)))), row
			return l
		}},
	}
	for _, b := range builds {
		for _, x := range []*cexpr{{}, {held: true}} {
			t.Run(fmt.Sprintf("%s/held=%v", b.name, x.held), func(t *testing.T) {
				e := &Env{}
				e.Arena = make([]byte, 0, 64)
				var stA, stB stdlib.Store
				var kept []Value
				var want []string
				for i := 0; i < 200; i++ {
					e.ResetArena()
					v := b.build(e, i)
					a := x.keepIn(e, &stA, v)
					s := x.keepSess(e, &stB, v)
					ja, js := string(stdlib.AppendJSON(nil, a, nil)), string(stdlib.AppendJSON(nil, s, nil))
					if a.K != s.K || a.I != s.I || ja != js {
						t.Fatalf("%d: keepSess gave %v %x %s, keepIn %v %x %s", i, s.K, s.I, js, a.K, a.I, ja)
					}
					if s.K == stdlib.String && len(s.S) > 0 && !x.held {
						if p := unsafe.StringData(s.S); len(e.Arena) > 0 && uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(&e.Arena[:1][0])) && uintptr(unsafe.Pointer(p)) < uintptr(unsafe.Pointer(&e.Arena[:1][0]))+uintptr(cap(e.Arena)) {
							t.Fatalf("%d: keepSess left the string in the record arena", i)
						}
						// Memory copies it out of the store, as KeepIn's.
						if h := e.KeepBeyond(&stB, s); unsafe.StringData(h.S) == unsafe.StringData(s.S) {
							t.Fatalf("%d: KeepBeyond did not see the string in the store", i)
						}
					}
					kept = append(kept, s)
					want = append(want, js)
				}
				if x.held {
					return // held values never live in the arena: shared as they are
				}
				// Reuse the arena: what the store keeps must not change.
				for i := 0; i < 20; i++ {
					e.ResetArena()
					e.Str([]byte("overwritten overwritten overwritten overwritten"))
				}
				for i, v := range kept {
					if got := string(stdlib.AppendJSON(nil, v, nil)); got != want[i] {
						t.Fatalf("%d: after the arena's reuse %s, want %s", i, got, want[i])
					}
				}
			})
		}
	}
}

// TestSessionLeafAttrs: sessionLeaf reads a per-session field that is an
// actor's attribute straight from the actor, without its closure: the
// same value as the general path (evaluate, keep), for every such field
// of the example scenarios and attributes of every kind.
func TestSessionLeafAttrs(t *testing.T) {
	row := stdlib.Freeze(stdlib.ObjV([]string{"id"}, []Value{stdlib.StrV("r1")}))
	vals := []Value{stdlib.StrV("user_1"), stdlib.IntV(7), stdlib.FloatV(2.5), stdlib.BoolV(true), {}, row, stdlib.StrV("")}
	attrs := 0
	for _, s := range []string{"recipe", "bank", "shop", "users", "clickstream"} {
		p := memPlan(t, "../scenarios/"+s+".hcl", nil)
		for _, fp := range p.Flows {
			for _, x := range fp.sessionLeaves {
				if x.from.kind != fromAttr {
					continue
				}
				attrs++
				for k := range vals {
					e := &Env{Attrs: make([]Value, len(fp.Entity.attrs))}
					for i := range e.Attrs {
						e.Attrs[i] = vals[(i+k)%len(vals)]
					}
					var st stdlib.Store
					got, want := sessionLeaf(e, &st, x), evalSessionLeaf(e, &st, x)
					if got.K != want.K || got.I != want.I || string(stdlib.AppendJSON(nil, got, nil)) != string(stdlib.AppendJSON(nil, want, nil)) {
						t.Fatalf("%s, flow %s, %v: sessionLeaf gave %v, the general path %v", s, fp.Name, x.rng, got, want)
					}
				}
			}
		}
	}
	if attrs < 20 {
		t.Fatalf("%d attribute fields among the scenarios' per-session fields, want at least 20", attrs)
	}
}
