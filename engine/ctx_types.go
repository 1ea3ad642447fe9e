package engine

import (
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// ctxType is what a flow's ctx slot is known to hold: the kind of every
// value its sets give (or null), and, when every set gives a row of one
// dataset or entity table (or null), that row shape, so that ctx.NAME.KEY
// has the column's type and a Parquet or PostgreSQL sink a typed column
// for it rather than JSON text.
type ctxType struct {
	known bool // false: no set's kind is known yet (inference only)
	typ   Kind
	// shape, elems: the rows' shape, as cexpr's; nil when a set gives
	// something else. shapeSet: a set has given a shape or a conflict.
	shape, elems       *rowShape
	shapeSet, elemsSet bool
}

// joinShape merges the row shape of one more set into *cur.
func joinShape(cur **rowShape, set *bool, sh *rowShape, isNull bool) {
	switch {
	case isNull:
		// null fits every shape
	case !*set:
		*cur, *set = sh, true
	case *cur == nil || sh == nil || (*cur).owner != sh.owner || (*cur).dataset != sh.dataset || (*cur).function != sh.function:
		*cur = nil
	}
}

func (t *ctxType) join(x *cexpr) {
	// Null (the constant, or a slot not known yet) fits every shape.
	isNull := x.typ == stdlib.Null
	if !t.known {
		t.known, t.typ = true, stdlib.Null
	}
	t.typ = unify(t.typ, x.typ)
	joinShape(&t.shape, &t.shapeSet, x.shape, isNull)
	joinShape(&t.elems, &t.elemsSet, x.elems, isNull)
}

func (t ctxType) same(u ctxType) bool {
	return t.known == u.known && t.typ == u.typ && t.shape == u.shape && t.elems == u.elems &&
		t.shapeSet == u.shapeSet && t.elemsSet == u.elemsSet
}

// final is the type ctx.NAME compiles to: a slot whose sets give only
// null, or whose kind stayed unknown, is Any.
func (t ctxType) final() ctxType {
	if !t.known || t.typ == stdlib.Null {
		return ctxType{known: true, typ: stdlib.Any}
	}
	return t
}

// ctxProbe notes that an expression compiled while inferring ctx types
// read a slot not known yet.
type ctxProbe struct{ readUnknown bool }

// inferCtxTypes gives every ctx slot of flow f the join of the kinds (and
// row shapes) its sets compile to, to a fixed point: a set may read other
// slots, or its own (n = coalesce(ctx.n, 0) + 1). Sets are compiled on a
// probe scope whose diagnostics are dropped. First, slots not known yet
// read as null-typed (so coalesce(ctx.n, 0) is an int), and a set that
// fails to compile that way, or reads such a slot and is of no known kind
// (ctx.row.col before ctx.row is known), is left out of the round. Then every slot
// still unknown becomes Any, and rounds with no unknown slot go on until
// every set's kind fits its slot's, which is what the flow's real
// compile, with these types, finds too: the first rounds only guess,
// these check the guess (kinds only widen, so they end).
func (c *compiler) inferCtxTypes(s *scope, f *dsl.Flow, ctx map[string]int) []ctxType {
	n := len(ctx)
	if n == 0 {
		return nil
	}
	cur := make([]ctxType, n)
	nd, getters := len(c.diags), c.getters
	defer func() { c.diags, c.getters = c.diags[:nd], getters }()
	round := func(types []ctxType, optimistic bool) []ctxType {
		next := make([]ctxType, n)
		copy(next, types)
		for _, st := range f.States {
			for _, a := range st.Set {
				ps := *s
				ps.ctxShapes = &ctxShapes{}
				ps.ctxTypes = types
				p := &ctxProbe{}
				if optimistic {
					ps.probe = p
				}
				x := ps.compile(a.Expr)
				failed := ps.failedSince(nd)
				c.diags = c.diags[:nd]
				if optimistic && (failed || p.readUnknown && x.typ == stdlib.Any) {
					continue
				}
				next[ctx[a.Name]].join(x)
			}
		}
		return next
	}
	stable := func(a, b []ctxType) bool {
		for i := range a {
			if !a[i].same(b[i]) {
				return false
			}
		}
		return true
	}
	// Rounds with unknown slots: each makes a slot known or stops.
	for i := 0; i <= n; i++ {
		next := round(cur, true)
		if stable(cur, next) {
			break
		}
		cur = next
	}
	for i := range cur {
		cur[i] = cur[i].final()
	}
	// Rounds with every slot known: kinds only widen, so a few suffice.
	for i := 0; i < 4*n+4; i++ {
		next := round(cur, false)
		for j := range next {
			next[j] = next[j].final()
		}
		if stable(cur, next) {
			return cur
		}
		cur = next
	}
	all := make([]ctxType, n)
	for i := range all {
		all[i] = ctxType{known: true, typ: stdlib.Any}
	}
	return all
}
