package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/stdlib"
)

// TestReadCtxMatchesGetters: readCtx, whose loop leaves every read its
// hint does not answer to readCtxSlow (which goes on with the reads after
// it), and ctxGetter's closure, getter0's for an object in a ctx slot,
// give what getter0's general closure gives, read by read: rows of two
// tables (a column of numbers, of text with empty and null cells, of
// few values) under one getter, plain objects of three layouts (one
// without the key), null, a string, a list and whole slots, in records
// where the slow reads fall first, last, in the middle, several in a row
// or none. Each way has an environment of its own, so each keeps its own
// hints.
func TestReadCtxMatchesGetters(t *testing.T) {
	t1rows := make([][]Value, 300) // over 256 distinct ids: a column of its own
	t2rows := make([][]Value, 40)
	for i := range t1rows {
		name := stdlib.StrV(fmt.Sprintf("name-%d", i*7%301))
		switch i % 23 {
		case 3:
			name = stdlib.StrV("")
		case 5:
			name = stdlib.NullV()
		case 7:
			name = stdlib.StrV("a \"quoted\", longer name than sixteen bytes")
		}
		t1rows[i] = []Value{stdlib.IntV(int64(i)), name, stdlib.StrV([]string{"low", "high", "mid"}[i%3]), stdlib.FloatV(float64(i) / 8)}
	}
	for i := range t2rows {
		t2rows[i] = []Value{stdlib.StrV(fmt.Sprintf("t2-%d", i)), stdlib.FloatV(float64(i) * 1.5), stdlib.IntV(int64(100 + i))}
	}
	t1 := stdlib.NewTable([]string{"id", "name", "grade", "mu"}, t1rows)
	t2 := stdlib.NewTable([]string{"name", "mu", "id"}, t2rows)
	layA := []string{"a", "name", "id"}
	layB := []string{"name", "b", "c", "a"}
	layC := []string{"b", "c"} // no "a", no "name"
	values := []func(r *rand.Rand) Value{
		func(r *rand.Rand) Value { return t1.Row(r.IntN(t1.Len())) },
		func(r *rand.Rand) Value { return t1.Row(r.IntN(t1.Len())) },
		func(r *rand.Rand) Value { return t2.Row(r.IntN(t2.Len())) },
		func(r *rand.Rand) Value {
			return stdlib.ObjV(layA, []Value{stdlib.IntV(r.Int64N(9)), stdlib.StrV("plain-a"), stdlib.FloatV(r.Float64())})
		},
		func(r *rand.Rand) Value {
			return stdlib.ObjV(layB, []Value{stdlib.StrV("plain-b"), stdlib.IntV(2), stdlib.NullV(), stdlib.StrV("b's a")})
		},
		func(r *rand.Rand) Value { return stdlib.ObjV(layC, []Value{stdlib.IntV(1), stdlib.IntV(2)}) },
		func(r *rand.Rand) Value { return stdlib.NullV() },
		func(r *rand.Rand) Value { return stdlib.StrV("no object") },
		func(r *rand.Rand) Value { return stdlib.ListV([]Value{stdlib.IntV(1)}) },
	}
	type rd struct {
		slot int
		name string // "": the whole slot
	}
	reads := []rd{{0, "name"}, {0, "id"}, {1, "a"}, {0, ""}, {1, "name"}, {2, "mu"}, {2, "grade"}, {3, "a"}, {1, ""}, {0, "mu"}, {3, "id"}, {2, "name"}}
	const slots = 4
	build := func(fuse bool) []*cexpr {
		old := fuseCtxGet
		fuseCtxGet = fuse
		defer func() { fuseCtxGet = old }()
		s := &scope{c: &compiler{}}
		var gs []*cexpr
		for _, x := range reads {
			if x.name == "" {
				gs = append(gs, nil)
				continue
			}
			slot := x.slot
			coll := &cexpr{typ: stdlib.Any, fn: func(e *Env) Value { return e.CtxVals[slot] }, from: envSlot{fromCtx, int32(slot)}, reads: true}
			gs = append(gs, s.getter0(coll, konst(stdlib.StrV(x.name), hcl.Range{}), hcl.Range{}))
		}
		return gs
	}
	general, fast := build(false), build(true)
	var cr []ctxRead
	for i, x := range reads {
		id := int32(-1)
		if g := fast[i]; g != nil {
			if g.get == nil || general[i].get == nil || g.get.id != general[i].get.id {
				t.Fatalf("read %d: getters without the same fieldGet", i)
			}
			id = g.get.id
		}
		cr = append(cr, ctxRead{to: uint32(i) * valueSize, slot: int32(x.slot), id: id, name: x.name})
	}
	same := func(a, b Value) bool { return a.K == b.K && a.I == b.I && a.S == b.S }
	eGen, eFast, eRead := &Env{CtxVals: make([]Value, slots)}, &Env{CtxVals: make([]Value, slots)}, &Env{CtxVals: make([]Value, slots)}
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]Value, len(reads))
	for rec := range 20000 {
		// Runs of records with the slots' kinds unchanged (the hints
		// answer), then a change (the slow reads).
		if rec%7 == 0 || rec < 50 {
			for s := range slots {
				v := values[r.IntN(len(values))](r)
				eGen.CtxVals[s], eFast.CtxVals[s], eRead.CtxVals[s] = v, v, v
			}
		} else {
			for s := range slots {
				if v := eGen.CtxVals[s]; v.K == stdlib.Object && v.I&stdlib.Frozen != 0 {
					tab := t1
					if r.IntN(5) == 0 {
						tab = t2
					}
					w := tab.Row(r.IntN(tab.Len()))
					eGen.CtxVals[s], eFast.CtxVals[s], eRead.CtxVals[s] = w, w, w
				}
			}
		}
		clear(out)
		readCtx(unsafe.Pointer(&out[0]), cr, eRead)
		for i, x := range reads {
			want := eGen.CtxVals[x.slot]
			got := want
			if general[i] != nil {
				want, got = general[i].fn(eGen), fast[i].fn(eFast)
			}
			if !same(got, want) {
				t.Fatalf("record %d, read %d (ctx slot %d, %q): ctxGetter gives %v (%d %d), the general getter %v (%d %d)", rec, i, x.slot, x.name, got, got.K, got.I, want, want.K, want.I)
			}
			if !same(out[i], want) {
				t.Fatalf("record %d, read %d (ctx slot %d, %q): readCtx gives %v (%d %d), the general getter %v (%d %d)", rec, i, x.slot, x.name, out[i], out[i].K, out[i].I, want, want.K, want.I)
			}
		}
	}
}

// TestCtxCols2MatchesGetters: a call of two keys of one ctx slot
// (ctxCols2) gives what the general call gives (its getters' closures,
// then the function), for rows of three tables (one without the second
// key, so that the getters' hints point at two tables), columns of
// numbers, of text and of few values, plain objects, null and a string,
// with a function that takes any two values. Each way has an environment
// of its own.
func TestCtxCols2MatchesGetters(t *testing.T) {
	mk := func(keys []string, n int, cell func(i, j int) Value) *stdlib.Table {
		rows := make([][]Value, n)
		for i := range rows {
			for j := range keys {
				rows[i] = append(rows[i], cell(i, j))
			}
		}
		return stdlib.NewTable(keys, rows)
	}
	num := func(i, j int) Value { return stdlib.FloatV(float64(i*(j+1)) / 4) }
	t1 := mk([]string{"mu", "sigma", "name", "few"}, 300, func(i, j int) Value {
		switch j {
		case 2:
			return stdlib.StrV(fmt.Sprint("n", i))
		case 3:
			return stdlib.IntV(int64(i % 3))
		}
		return num(i, j)
	})
	t2 := mk([]string{"sigma", "mu"}, 280, num)
	t3 := mk([]string{"mu", "other"}, 270, num) // no sigma
	values := []func(r *rand.Rand) Value{
		func(r *rand.Rand) Value { return t1.Row(r.IntN(t1.Len())) },
		func(r *rand.Rand) Value { return t2.Row(r.IntN(t2.Len())) },
		func(r *rand.Rand) Value { return t3.Row(r.IntN(t3.Len())) },
		func(r *rand.Rand) Value {
			return stdlib.ObjV([]string{"sigma", "mu", "name", "few"}, []Value{stdlib.FloatV(r.Float64()), stdlib.IntV(3), stdlib.StrV("o"), stdlib.NullV()})
		},
		func(r *rand.Rand) Value { return stdlib.NullV() },
		func(r *rand.Rand) Value { return stdlib.StrV("no object") },
	}
	fn2 := func(c *stdlib.Ctx, a, b Value) Value {
		return stdlib.StrV(fmt.Sprintf("%d %d %q | %d %d %q", a.K, a.I, a.S, b.K, b.I, b.S))
	}
	site := &callSite{}
	for _, pair := range [][2]string{{"mu", "sigma"}, {"sigma", "mu"}, {"mu", "name"}, {"few", "mu"}, {"mu", "mu"}} {
		s := &scope{c: &compiler{}}
		get := func(name string) *cexpr {
			coll := &cexpr{typ: stdlib.Any, fn: func(e *Env) Value { return e.CtxVals[1] }, from: envSlot{fromCtx, 1}, reads: true}
			return s.getter0(coll, konst(stdlib.StrV(name), hcl.Range{}), hcl.Range{})
		}
		a0, a1 := get(pair[0]), get(pair[1])
		fast := ctxCols2(fn2, a0, a1, site)
		eFast, eGen := &Env{CtxVals: make([]Value, 2)}, &Env{CtxVals: make([]Value, 2)}
		r := rand.New(rand.NewPCG(3, 4))
		var v Value
		for i := range 5000 {
			if i%5 == 0 {
				v = values[r.IntN(len(values))](r)
			} else if v.K == stdlib.Object && v.I&stdlib.Frozen != 0 {
				v = values[r.IntN(3)](r) // another table row
			}
			eFast.CtxVals[1], eGen.CtxVals[1] = v, v
			got := fast(eFast)
			v0 := a0.eval(eGen)
			want := fn2(&eGen.Ctx, v0, a1.eval(eGen))
			if got.K != want.K || got.S != want.S {
				t.Fatalf("%v, call %d: ctxCols2 gives %s, the general call %s", pair, i, got.S, want.S)
			}
		}
	}
}
