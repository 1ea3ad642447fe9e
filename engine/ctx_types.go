package engine

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
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
	// elem: when every set gives a list (or null), the lists' elements'
	// common kind (Null: none known yet; Any: they differ or are not
	// known), so that choice(ctx.opts) or ctx.visits[0] is typed.
	elem Kind
}

// joinShape merges the row shape of one more set into *cur.
func joinShape(cur **rowShape, set *bool, sh *rowShape, isNull bool) {
	switch {
	case isNull:
		// null fits every shape
	case !*set:
		*cur, *set = sh, true
	case !sameShape(*cur, sh):
		*cur = nil
	}
}

// sameShape tells whether a and b are the shape of the same rows: of one
// dataset, entity table or function, or of object literals with the same
// keys, kinds and nested shapes. Shapes are made afresh each time an
// expression compiles, so they are compared by what they say.
func sameShape(a, b *rowShape) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.owner != b.owner || a.dataset != b.dataset || a.function != b.function || a.literal != b.literal {
		return false
	}
	if !a.literal {
		return true
	}
	if !slices.Equal(a.keys, b.keys) || !slices.Equal(a.kinds, b.kinds) || !slices.Equal(a.subElem, b.subElem) {
		return false
	}
	for i := range a.subs {
		if !sameShape(a.subs[i], b.subs[i]) || !sameShape(a.subEl[i], b.subEl[i]) {
			return false
		}
	}
	return true
}

// join adds the kind of one more set, x. guess: x read a slot not known
// yet, so a list's elements of no known kind may yet get one (the
// slot's element kind is left for a later round).
func (t *ctxType) join(x *cexpr, guess bool) {
	// Null (the constant, or a slot not known yet) fits every shape.
	isNull := x.typ == stdlib.Null
	if !t.known {
		t.known, t.typ = true, stdlib.Null
	}
	t.typ = unify(t.typ, x.typ)
	joinShape(&t.shape, &t.shapeSet, x.shape, isNull)
	// A list read from slots not known yet (append(ctx.cart, ctx.line)
	// before ctx.line is) has no element shape yet: it may get one.
	// So has an empty list written as [] (set = { cart = [] } before
	// lines are appended to it).
	empty := x.isC && x.val.K == stdlib.List && len(x.val.List()) == 0
	joinShape(&t.elems, &t.elemsSet, x.elems, isNull || empty || guess && x.typ == stdlib.List && x.elems == nil)
	switch {
	case isNull:
	case x.typ == stdlib.List:
		if k := elemKind(x); k != stdlib.Any || !guess {
			t.elem = unify(t.elem, k)
		}
	default:
		t.elem = stdlib.Any
	}
}

func (t ctxType) same(u ctxType) bool {
	return t.known == u.known && t.typ == u.typ && sameShape(t.shape, u.shape) && sameShape(t.elems, u.elems) && t.elem == u.elem &&
		t.shapeSet == u.shapeSet && t.elemsSet == u.elemsSet
}

// elemTyp is the elements' kind for a cexpr reading the slot: Null
// (not known) unless the slot holds lists of a known common kind.
func (t ctxType) elemTyp() Kind {
	if t.typ != stdlib.List || t.elem == stdlib.Any {
		return stdlib.Null
	}
	return t.elem
}

// elemsOpen: the slot holds lists whose elements' row shape no set has
// given, or taken away, yet.
func (t ctxType) elemsOpen() bool { return t.typ == stdlib.List && !t.elemsSet }

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
	nd, getters := len(c.diags), c.getters
	defer func() { c.diags, c.getters = c.diags[:nd], getters }()
	defer c.cacheProbes()()
	round := func(types []ctxType, optimistic bool) []ctxType {
		next := make([]ctxType, n)
		copy(next, types)
		for _, st := range f.States {
			for _, a := range st.Set {
				ps := *s
				ps.ctxTypes = types
				if x, guess := ps.probeCompile(a.Expr, optimistic, nd); x != nil {
					next[ctx[a.Name]].join(x, guess)
				}
			}
		}
		return next
	}
	return fixedPoint(n, round)
}

// fixedPoint runs inference rounds over n slots: first optimistic ones
// (slots not known yet read as null) until nothing changes, then, with
// every slot known (Any when still unknown or only null), rounds that
// check the guess until every slot's kind fits what its writes give;
// when they do not settle, every slot is Any.
func fixedPoint(n int, round func(types []ctxType, optimistic bool) []ctxType) []ctxType {
	cur := make([]ctxType, n)
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

// slotType is what a ctx or memory slot reads as: its inferred type, Any
// when none was inferred, and while inferring (with a probe) null for a
// slot not known yet, which joins as nothing (coalesce(ctx.n, 0) is an
// int).
//
// mem: the slot is a memory slot. While memory types are guessed (the
// first rounds of inferMemTypes), a memory slot not known yet reads as
// null in every round of the ctx inference under it, the rounds that
// check ctx's guess included, so that a ctx slot set from memory or from
// something else (coalesce(memory.last, choice(entity.driver))) is not
// made Any by a memory slot that is only not known yet.
func (s *scope) slotType(types []ctxType, slot int, mem bool) ctxType {
	ct := ctxType{typ: stdlib.Any}
	if slot < len(types) {
		switch {
		case types[slot].known:
			ct = types[slot]
		case s.probe != nil:
			ct.typ = stdlib.Null
			s.probe.readUnknown = true
		case mem && s.memGuess:
			ct.typ = stdlib.Null
		}
	}
	return ct
}

// ctxSlots numbers the names a flow's states set, in order.
func ctxSlots(f *dsl.Flow) (map[string]int, []string) {
	ctx := map[string]int{}
	var names []string
	for _, st := range f.States {
		for _, a := range st.Set {
			if _, ok := ctx[a.Name]; !ok {
				ctx[a.Name] = len(names)
				names = append(names, a.Name)
			}
		}
	}
	return ctx, names
}

// inferMemTypes gives every memory slot of entity ep the join of the
// kinds (and row shapes) of the remember = { … } that write it, in every
// flow of the entity, to a fixed point as inferCtxTypes does: a remember
// may read memory (n = coalesce(memory.n, 0) + 1) and its flow's ctx,
// whose types may in turn read memory. Each round infers every flow's
// ctx types with the memory types so far, then compiles the remembers.
func (c *compiler) inferMemTypes(ep *EntityPlan) []ctxType {
	n := len(ep.memNames)
	if n == 0 {
		return nil
	}
	type flowCtx struct {
		f   *dsl.Flow
		ctx map[string]int
	}
	var flows []flowCtx
	for _, f := range c.sc.Flows {
		t, diags := hcl.AbsTraversalForExpr(f.Actor)
		name, named := secondName(t)
		if diags.HasErrors() || !named || c.entityNamed(name) != ep {
			continue
		}
		ctx, _ := ctxSlots(f)
		flows = append(flows, flowCtx{f, ctx})
	}
	nd, getters := len(c.diags), c.getters
	defer func() { c.diags, c.getters = c.diags[:nd], getters }()
	defer c.cacheProbes()()
	round := func(types []ctxType, optimistic bool) []ctxType {
		next := make([]ctxType, n)
		copy(next, types)
		for _, fc := range flows {
			s := &scope{c: c, where: "a flow state", entity: ep, hasIndex: true, session: true,
				ctx: fc.ctx, memory: ep.memIdx, ctxShapes: &ctxShapes{}, memTypes: types, memGuess: optimistic}
			s.ctxTypes = c.inferCtxTypes(s, fc.f, fc.ctx)
			for _, st := range fc.f.States {
				for _, a := range st.Remember {
					ps := *s
					if x, guess := ps.probeCompile(a.Expr, optimistic, nd); x != nil {
						next[ep.memIdx[a.Name]].join(x, guess)
					}
				}
			}
		}
		return next
	}
	return fixedPoint(n, round)
}

// probeCompile compiles e for a round of inference on the scope s (a copy
// it may change), dropping the diagnostics (those past nd). In an
// optimistic round it is nil when e fails to compile, or reads a slot not
// known yet and is of no known kind: the round leaves it out; guess
// tells that it read such a slot.
func (s *scope) probeCompile(e hcl.Expression, optimistic bool, nd int) (x *cexpr, guess bool) {
	pc := s.c.probes
	if pc != nil && pc.slotFree(e) {
		k := probeKey{e, optimistic}
		if r, ok := pc.done[k]; ok {
			return r.x, r.guess
		}
		defer func() { pc.done[k] = probeResult{x, guess} }()
	}
	s.ctxShapes = &ctxShapes{}
	p := &ctxProbe{}
	if optimistic {
		s.probe = p
	}
	x = s.compile(e)
	failed := s.failedSince(nd)
	s.c.diags = s.c.diags[:nd]
	if optimistic && (failed || p.readUnknown && x.typ == stdlib.Any) {
		return nil, false
	}
	return x, p.readUnknown
}

// probeCache keeps, while an inference runs (inferMemTypes, or
// inferCtxTypes by itself), what probeCompile gave for each expression
// that reads no ctx or memory slot: its kind does not depend on the
// slots' types, so every round and every ctx inference under a memory
// round would compile it again to the same result. Each expression is
// compiled in one scope (its flow's and state's, the same in every
// round), so the expression and the round's kind (optimistic) are the
// key. Recipe's flows compiled their sets and remembers some 20 times
// each while their types were inferred (probeCompile was 11 % of a
// 10-user run's instructions); those that read no slot (a dish type's
// weighted switch, a keyword choice) now compile twice.
type probeCache struct {
	free map[hcl.Expression]bool // reads no ctx or memory slot
	done map[probeKey]probeResult
}

type probeKey struct {
	e          hcl.Expression
	optimistic bool
}

type probeResult struct {
	x     *cexpr
	guess bool
}

// cacheProbes starts a probeCache for an inference unless one runs (an
// inferCtxTypes under inferMemTypes uses its cache); the function it
// returns ends it.
func (c *compiler) cacheProbes() (end func()) {
	if c.probes != nil {
		return func() {}
	}
	c.probes = &probeCache{free: map[hcl.Expression]bool{}, done: map[probeKey]probeResult{}}
	return func() { c.probes = nil }
}

// slotFree reports whether e reads no ctx or memory slot.
func (pc *probeCache) slotFree(e hcl.Expression) bool {
	free, ok := pc.free[e]
	if !ok {
		free = true
		for _, t := range e.Variables() {
			if r := t.RootName(); r == "ctx" || r == "memory" {
				free = false
				break
			}
		}
		pc.free[e] = free
	}
	return free
}
