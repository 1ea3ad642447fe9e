package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/scenhq/scen/dsl"
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

// TestSessionLeafAttrs: setSessionLeaves copies a per-session field that
// is an actor's attribute straight from the actor, without its closure:
// the same value as the general path (evaluate, keep), for every such
// field of the example scenarios and attributes of every kind; every
// other field is evaluated, each field set once.
func TestSessionLeafAttrs(t *testing.T) {
	row := stdlib.Freeze(stdlib.ObjV([]string{"id"}, []Value{stdlib.StrV("r1")}))
	vals := []Value{stdlib.StrV("user_1"), stdlib.IntV(7), stdlib.FloatV(2.5), stdlib.BoolV(true), {}, row, stdlib.StrV("")}
	attrs := 0
	for _, s := range []string{"recipe", "bank", "shop", "users", "clickstream"} {
		p := memPlan(t, "../scenarios/"+s+".hcl", nil)
		for _, fp := range p.Flows {
			// Every field once, the attributes among the copies.
			seen := make([]int, len(fp.sessionLeaves))
			for _, c := range fp.sessAttrs {
				i := int(c.to / valueSize)
				if x := fp.sessionLeaves[i]; x.from.kind != fromAttr || uint32(x.from.slot)*valueSize != c.from {
					t.Fatalf("%s, flow %s: field %d copied from offset %d, but it is %v", s, fp.Name, i, c.from, x.from)
				}
				seen[i]++
			}
			for _, l := range fp.sessIDs {
				seen[l.to]++
			}
			for _, i := range fp.sessEvals {
				if fp.sessionLeaves[i].from.kind == fromAttr {
					t.Fatalf("%s, flow %s: the attribute field %d is evaluated", s, fp.Name, i)
				}
				seen[i]++
			}
			for i, n := range seen {
				if n != 1 {
					t.Fatalf("%s, flow %s: field %d set %d times", s, fp.Name, i, n)
				}
			}
			// The copies against the general path; the evaluated fields
			// need a session (session.id), left to the runs.
			attrsOnly := *fp
			attrsOnly.sessIDs, attrsOnly.sessEvals = nil, nil
			for k := range vals {
				e := &Env{Attrs: make([]Value, len(fp.Entity.attrs))}
				for i := range e.Attrs {
					e.Attrs[i] = vals[(i+k)%len(vals)]
				}
				ss := &session{cache: make([]Value, len(fp.sessionLeaves))}
				setSessionLeaves(e, ss, &attrsOnly)
				for _, c := range fp.sessAttrs {
					i := int(c.to / valueSize)
					x := fp.sessionLeaves[i]
					attrs++
					var st stdlib.Store
					got, want := ss.cache[i], evalSessionLeaf(e, &st, x)
					if got.K != want.K || got.I != want.I || string(stdlib.AppendJSON(nil, got, nil)) != string(stdlib.AppendJSON(nil, want, nil)) {
						t.Fatalf("%s, flow %s, %v: setSessionLeaves gave %v, the general path %v", s, fp.Name, x.rng, got, want)
					}
				}
			}
		}
	}
	if attrs < 20*7 {
		t.Fatalf("%d attribute fields checked among the scenarios' per-session fields, want at least %d", attrs, 20*7)
	}
}

// TestSessIDText: a per-session field that is the session's id in
// constant text is written into the session's store (sessIDText) as the
// template evaluates it and the session keeps it (evalSessionLeaf): the
// same text and flags, for recipe's and clickstream's session_id and
// templates with text of every length around the id, none, text that
// needs escaping and text that is not ASCII. Fields of session.id among
// other parts, or of a sampler, are not taken for it.
func TestSessIDText(t *testing.T) {
	fields := []string{
		`session.id`, `"${session.id}"`, `"s-${session.id}"`, `"${session.id}-x"`,
		`"session_${session.id}"`, `"a longer prefix than eight bytes/${session.id}/and a long suffix too"`,
		`"q\"${session.id}\\"`, `"é-${session.id}-ü"`, `"tab\t${session.id}"`,
	}
	notID := []string{`"${session.id}-${user.uid}"`, `"${session.index}-x"`, `"${user.uid}"`}
	src := `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 2
  attributes {
    uid = "u${index}"
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
flow "f" {
  actor = entity.user
  session {
    every      = "1h"
    max_events = 3
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "e" {
FIELDS
    }
    next = { a = 1 }
  }
}
`
	var b strings.Builder
	for i, f := range append(append([]string(nil), fields...), notID...) {
		fmt.Fprintf(&b, "      f%d = %s\n", i, f)
	}
	sc, diags := dsl.ParseSource("t.hcl", []byte(strings.Replace(src, "FIELDS", b.String(), 1)))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	p, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	flows := []*FlowPlan{p.Flows[0]}
	if n := len(p.Flows[0].sessIDs); n != len(fields) {
		t.Fatalf("%d of the fields written straight into the store, want %d", n, len(fields))
	}
	for _, s := range []string{"recipe", "clickstream"} {
		fp := memPlan(t, "../scenarios/"+s+".hcl", nil).Flows[0]
		if len(fp.sessIDs) != 1 {
			t.Fatalf("%s: %d session ids written straight into the store, want 1", s, len(fp.sessIDs))
		}
		flows = append(flows, fp)
	}
	r := stdlib.NewRand(7)
	for _, fp := range flows {
		for _, l := range fp.sessIDs {
			for range 50 {
				sid := sessionID{x: r.Uint64(), y: r.Uint64()}
				e := &Env{sid: &sid}
				e.tf = stdlib.NewTimeFormatter(time.UTC)
				var st, gst stdlib.Store
				got := sessIDText(&st, &l, &sid)
				want := evalSessionLeaf(e, &gst, fp.sessionLeaves[l.to])
				if got.K != want.K || got.I != want.I || got.S != want.S {
					t.Fatalf("%v: sessIDText gave %q (flags %x), the general path %q (flags %x)", fp.sessionLeaves[l.to].rng, got.S, got.I, want.S, want.I)
				}
			}
		}
	}
}
