package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/stdlib"
)

// localVar is a name a for expression binds in its body: its key or value
// variable. c is what a reference to it compiles to (a read of its slot
// in Env.locals, or, while a for over a constant collection is folded,
// the element's constant), before any steps into it.
type localVar struct {
	name string
	c    *cexpr
}

// local is the compiled reference to a loop variable named root, or nil.
// An inner loop's variable hides an outer one's of the same name.
func (s *scope) local(root string) *cexpr {
	for i := len(s.locals) - 1; i >= 0; i-- {
		if s.locals[i].name == root {
			c := *s.locals[i].c
			return &c
		}
	}
	return nil
}

// fixedRoots are the names expressions refer to by themselves: a loop
// variable may be none of them (nor an entity's name), wherever the for
// expression is, so that moving it elsewhere never changes its meaning.
var fixedRoots = []string{"var", "scenario", "index", "ctx", "each", "session", "event", "state",
	"dataset", "experiment", "memory", "distribution", "entity", "actor", "row"}

// checkLoopVar reports a loop variable that would hide a name the
// scope knows.
func (s *scope) checkLoopVar(name string, r hcl.Range) {
	prefix := "" // inside a module, its entities and modules are named "mod.NAME"
	if s.c.cur != "" {
		prefix = s.c.cur + "."
	}
	shadow := slices.Contains(fixedRoots, name) || s.c.declared(name) || s.c.declared(prefix+name)
	for _, m := range s.c.sc.Modules {
		shadow = shadow || m.Name == name || m.Name == prefix+name
	}
	for pe := s.entity; pe != nil && !shadow; pe = pe.Parent {
		shadow = pe.Name == name
	}
	if shadow {
		s.errf(r, "Invalid loop variable", "%q already names a value in scenarios (a scope root: %s, or an entity or a module); choose another name for the for expression's variable.", name, strings.Join(fixedRoots, ", "))
	}
}

// forVarRanges are the source ranges of x's key variable (zero when it
// has none) and value variable, found by lexing the text between the
// opening bracket and the collection ("for k, v in"); x's range when the
// source is not at hand.
func (s *scope) forVarRanges(x *hclsyntax.ForExpr) (kr, vr hcl.Range) {
	kr, vr = x.SrcRange, x.SrcRange
	f := s.c.sc.Files[x.SrcRange.Filename]
	from, to := x.OpenRange.End.Byte, x.CollExpr.Range().Start.Byte
	if f == nil || from < 0 || to > len(f.Bytes) || from > to {
		return
	}
	toks, diags := hclsyntax.LexExpression(f.Bytes[from:to], x.SrcRange.Filename, x.OpenRange.End)
	if diags.HasErrors() {
		return
	}
	var ids []hcl.Range
	for _, t := range toks {
		if t.Type == hclsyntax.TokenIdent {
			ids = append(ids, t.Range)
		}
	}
	// for, [key,] value, in
	switch {
	case x.KeyVar != "" && len(ids) == 4:
		kr, vr = ids[1], ids[2]
	case x.KeyVar == "" && len(ids) == 3:
		vr = ids[1]
	}
	return
}

// forKinds describes a for expression's loop variables from what its
// collection c is known to be: the key's kind, and the value's kind and
// row shape.
func forKinds(c *cexpr) (key, val Kind, sh *rowShape) {
	switch c.typ {
	case stdlib.List:
		val = elemKind(c)
		if val == stdlib.Any && c.elems != nil {
			val = stdlib.Object
		}
		return stdlib.Int, val, c.elems
	case stdlib.Object:
		if c.isC && c.val.K == stdlib.Object {
			return stdlib.String, stdlib.CommonKind(c.val.Obj().Vals), nil
		}
		return stdlib.String, stdlib.Any, nil
	}
	return stdlib.Any, stdlib.Any, nil
}

// forExpr compiles [for k, v in COLL : V if COND] and
// {for k, v in COLL : K => V if COND} (with V... grouping the values of
// equal keys into lists). Over a constant collection whose body is a
// constant for every element, it is folded; otherwise it iterates at run
// time, its variables in slots of Env.locals.
func (s *scope) forExpr(x *hclsyntax.ForExpr) *cexpr {
	nd := len(s.c.diags)
	placeholder := &cexpr{typ: stdlib.Any, isC: true, rng: x.SrcRange}
	coll := s.compile(x.CollExpr)
	kr, vr := s.forVarRanges(x)
	if x.KeyVar != "" {
		s.checkLoopVar(x.KeyVar, kr)
	}
	s.checkLoopVar(x.ValVar, vr)
	if x.KeyVar != "" && x.KeyVar == x.ValVar {
		s.errf(vr, "Invalid loop variable", "The key and value variables of a for expression need different names (both are %q).", x.ValVar)
	}
	if s.failedSince(nd) {
		return placeholder
	}
	switch coll.typ {
	case stdlib.List, stdlib.Object, stdlib.Any, stdlib.Null:
	default:
		return s.errf(x.CollExpr.Range(), "Invalid for expression", "A for expression iterates a list or an object, got %s.", coll.typ)
	}
	if coll.isC && coll.val.K == stdlib.Null {
		return konst(stdlib.NullV(), x.SrcRange)
	}
	if coll.isC {
		if c, ok := s.foldFor(x, coll); ok {
			return c
		}
	}
	return s.forRun(x, coll)
}

// forBody is a for expression's parts compiled in the scope of its
// variables.
type forBody struct {
	cond, key, val *cexpr
}

// forBody compiles x's condition, key and value in a scope where its
// variables are key and val, checking their kinds.
// When trial (folding), an element its condition drops, a constant
// false, has no key or value compiled (nil): as at run time, they are
// not evaluated for it.
func (s *scope) forBody(x *hclsyntax.ForExpr, key, val *cexpr, trial bool) (b forBody, failed bool) {
	inner := *s
	inner.folding = trial
	inner.locals = slices.Clip(s.locals)
	if x.KeyVar != "" {
		inner.locals = append(inner.locals, localVar{x.KeyVar, key})
	}
	inner.locals = append(inner.locals, localVar{x.ValVar, val})
	nd := len(s.c.diags)
	if x.CondExpr != nil {
		b.cond = inner.compile(x.CondExpr)
		if t := b.cond.typ; t != stdlib.Bool && t != stdlib.Any && (t != stdlib.Null || b.cond.isC) {
			s.errf(x.CondExpr.Range(), "Invalid condition", "A for expression's if condition must be a bool, got %s.", t)
		}
	}
	if trial && b.cond != nil && b.cond.isC && b.cond.val.K == stdlib.Bool && !b.cond.val.Truthy() && !s.failedSince(nd) {
		return b, false
	}
	if x.KeyExpr != nil {
		b.key = inner.compile(x.KeyExpr)
		if t := b.key.typ; t != stdlib.String && t != stdlib.Any && (t != stdlib.Null || b.key.isC) {
			s.errf(x.KeyExpr.Range(), "Invalid key", "The keys a for expression gives an object must be strings, got %s.", t)
		}
	}
	b.val = inner.compile(x.ValExpr)
	return b, s.failedSince(nd)
}

// foldFor folds x over the constant collection coll when, for every
// element, its condition, key and value are constants: it compiles them
// once per element with the variables bound to the element's constants.
// ok is false (and nothing reported) when one is not: the first element
// decides; a later element that is not (a branch taken only for it)
// also gives up. An error for an element whose condition is a constant
// (or that has none) is an error of the constants (1 / x for x = 0),
// reported, as the run would meet it for every record.
func (s *scope) foldFor(x *hclsyntax.ForExpr, coll *cexpr) (*cexpr, bool) {
	nd := len(s.c.diags)
	nu := -1
	if s.ctxShapes != nil {
		nu = len(s.ctxShapes.uses)
	}
	giveUp := func() (*cexpr, bool) {
		s.c.diags = s.c.diags[:nd]
		if nu >= 0 {
			s.ctxShapes.uses = s.ctxShapes.uses[:nu]
		}
		return nil, false
	}
	_, _, sh := forKinds(coll)
	var keys []string
	vals := coll.val.List()
	if coll.val.K == stdlib.Object {
		keys, vals = coll.val.Obj().Keys, coll.val.Obj().Vals
	}
	var out []Value
	var okeys []string
	var groups [][]Value
	var elems *rowShape
	first := true
	for i, v := range vals {
		k := konst(stdlib.IntV(int64(i)), x.SrcRange)
		if keys != nil {
			k = konst(stdlib.StrV(keys[i]), x.SrcRange)
		}
		vc := konst(v, x.SrcRange)
		vc.shape = sh
		b, failed := s.forBody(x, k, vc, true)
		if failed {
			// An error while the condition is a constant (or absent) is
			// one of the constants (x * 2 for x = "a"): the element is
			// evaluated at run time too. With a condition that is not,
			// the body may never run for it: iterate at run time.
			// A null in the element (an empty dataset cell) is a
			// constant null at compile time, where null * 2 is an error;
			// at run time it is null (null in, null out): iterate then.
			if (i == 0 && b.cond != nil && !b.cond.isC) || holdsNull(v) {
				return giveUp()
			}
			// Which element: a dataset's row by its number in its
			// file, as a dataset filter's error says it.
			for _, d := range s.c.diags[nd:] {
				if d.Severity == hcl.DiagError {
					d.Detail += "\n" + s.c.forElement(x, i, keys, v)
				}
			}
			return &cexpr{typ: stdlib.Any, isC: true, rng: x.SrcRange}, true
		}
		if (b.cond != nil && !b.cond.isC) || (b.cond != nil && b.cond.val.K != stdlib.Bool) {
			return giveUp()
		}
		if b.cond != nil && !b.cond.val.Truthy() {
			continue
		}
		if !b.val.isC || (b.key != nil && !b.key.isC) {
			return giveUp()
		}
		if first || elems != b.val.shape {
			if first {
				elems = b.val.shape
			} else {
				elems = nil
			}
		}
		first = false
		if b.key == nil {
			out = append(out, b.val.val)
			continue
		}
		if b.key.val.K != stdlib.String {
			return s.errf(x.KeyExpr.Range(), "Invalid key", "The keys a for expression gives an object must be strings, got %s.", b.key.val.K), true
		}
		j := slices.Index(okeys, b.key.val.S)
		switch {
		case j >= 0 && !x.Group:
			return s.dupKey(x, b.key.val.S), true
		case j >= 0:
			groups[j] = append(groups[j], b.val.val)
		case x.Group:
			okeys, groups = append(okeys, b.key.val.S), append(groups, []Value{b.val.val})
		default:
			okeys, out = append(okeys, b.key.val.S), append(out, b.val.val)
		}
	}
	if x.KeyExpr == nil {
		c := konst(stdlib.ListV(out), x.SrcRange)
		c.elems = elems
		return c, true
	}
	if x.Group {
		out = make([]Value, len(groups))
		for i, g := range groups {
			out[i] = stdlib.ListV(g)
		}
	}
	return konst(stdlib.ObjV(okeys, out), x.SrcRange), true
}

// forElement says for which element of its collection a folded for
// expression failed: "While evaluating the for expression: r is row 3 of
// data/mixed.jsonl (dataset \"mixed\")", "… x is element 2 of the list",
// "… k is key \"b\" of the object" (without a key variable, "v is the
// value of key \"b\" of the object").
func (c *compiler) forElement(x *hclsyntax.ForExpr, i int, keys []string, v Value) string {
	what := fmt.Sprintf("%s is element %d of the list", x.ValVar, i+1)
	if keys != nil {
		what = fmt.Sprintf("%s is the value of key %q of the object", x.ValVar, keys[i])
		if x.KeyVar != "" {
			what = fmt.Sprintf("%s is key %q of the object", x.KeyVar, keys[i])
		}
	} else if t, j := stdlib.TableOf(v); t != nil {
		names := slices.Sorted(maps.Keys(c.datasetsByName))
		if tr, diags := hcl.AbsTraversalForExpr(x.CollExpr); !diags.HasErrors() && tr.RootName() == "dataset" {
			if name, ok := secondName(tr); ok {
				// The dataset named, before another built from the same file.
				names = append([]string{name}, names...)
			}
		}
		for _, name := range names {
			dp, ok := c.datasetsByName[name]
			if !ok {
				continue
			}
			if rows := dp.rows.List(); len(rows) > 0 {
				if t0, _ := stdlib.TableOf(rows[0]); t0 == t {
					// The row's number in its file, counting from 1 after
					// any header (a filtered dataset's rows are some of
					// its file's).
					what = fmt.Sprintf("%s is row %d of %s (dataset %q)", x.ValVar, j+1, dp.Path, name)
					break
				}
			}
		}
	}
	return "While evaluating the for expression: " + what + "."
}

// holdsNull says whether v is null or holds a null at any depth.
func holdsNull(v Value) bool {
	switch v.K {
	case stdlib.Null:
		return true
	case stdlib.List, stdlib.Object:
		return slices.ContainsFunc(v.Obj().Vals, holdsNull)
	}
	return false
}

func (s *scope) dupKey(x *hclsyntax.ForExpr, k string) *cexpr {
	return s.errf(x.KeyExpr.Range(), "Duplicate key", "Two elements give the object the key %q; to collect the values of equal keys into lists, write the value with ... ({for … : K => V...}).", k)
}

// forRun compiles x to iterate coll at run time.
func (s *scope) forRun(x *hclsyntax.ForExpr, coll *cexpr) *cexpr {
	kt, vt, sh := forKinds(coll)
	ks, vs := s.c.nLocals, s.c.nLocals+1
	s.c.nLocals += 2
	top := vs + 1
	keyC := &cexpr{typ: kt, rng: x.SrcRange, fn: func(e *Env) Value { return e.locals[ks] }}
	valC := &cexpr{typ: vt, shape: sh, held: coll.held, rng: x.SrcRange, fn: func(e *Env) Value { return e.locals[vs] }}
	if vt == stdlib.List && coll.isC {
		// A constant list of lists: the elements' own element kind.
		k := Kind(stdlib.Null)
		for _, l := range coll.val.List() {
			if l.K == stdlib.List {
				k = unify(k, stdlib.CommonKind(l.List()))
			}
		}
		if k != stdlib.Any && k != stdlib.Null {
			valC.elemTyp = k
		}
	}
	b, failed := s.forBody(x, keyC, valC, false)
	if failed {
		return &cexpr{typ: stdlib.Any, isC: true, rng: x.SrcRange}
	}
	cond, key, val := b.cond, b.key, b.val
	random := coll.random || val.random || (cond != nil && cond.random) || (key != nil && key.random)
	collR := x.CollExpr.Range()
	var condR, keyR hcl.Range
	if cond != nil {
		condR = x.CondExpr.Range()
	}
	if key != nil {
		keyR = x.KeyExpr.Range()
	}
	hasKey := x.KeyVar != ""
	group := x.Group
	// iterate binds the variables to each element in turn and pushes,
	// for those the condition keeps, the key (objects) and value onto
	// e.stack; false after a run-time error.
	iterate := func(e *Env) (null, ok bool) {
		c := coll.eval(e)
		var ckeys []string
		var elems []Value
		switch c.K {
		case stdlib.Null:
			return true, true
		case stdlib.List:
			elems = c.List()
		case stdlib.Object:
			o := c.Obj()
			ckeys, elems = o.Keys, o.Vals
		default:
			e.fail(collR, "Invalid for expression", fmt.Sprintf("A for expression iterates a list or an object, got %s.", c.K))
			return true, false
		}
		if len(e.locals) < top {
			e.locals = append(e.locals, make([]Value, top-len(e.locals))...)
		}
		for i, v := range elems {
			if hasKey {
				if ckeys != nil {
					e.locals[ks] = stdlib.StrV(ckeys[i])
				} else {
					e.locals[ks] = stdlib.IntV(int64(i))
				}
			}
			e.locals[vs] = v
			if cond != nil {
				cv := cond.eval(e)
				if cv.K != stdlib.Bool {
					e.fail(condR, "Invalid condition", fmt.Sprintf("A for expression's if condition must be a bool, got %s.", describeValue(cv)))
					return true, false
				}
				if cv.I == 0 {
					continue
				}
			}
			if key != nil {
				kv := key.eval(e)
				if kv.K != stdlib.String {
					e.fail(keyR, "Invalid key", fmt.Sprintf("The keys a for expression gives an object must be strings, got %s.", describeValue(kv)))
					return true, false
				}
				e.stack = append(e.stack, kv)
			}
			e.stack = append(e.stack, val.eval(e))
		}
		return false, true
	}
	res := &cexpr{random: random, rng: x.SrcRange}
	if key == nil {
		res.typ, res.elems = stdlib.List, val.shape
		if val.typ != stdlib.Any {
			res.elemTyp = val.typ
		}
		res.fn = func(e *Env) Value {
			base := len(e.stack)
			null, ok := iterate(e)
			if null || !ok {
				e.stack = e.stack[:base]
				return stdlib.NullV()
			}
			// Built in the record arena: no allocation, and whatever
			// keeps the list (a ctx value, an attribute) copies it.
			l, out := e.NewList(len(e.stack) - base)
			copy(out, e.stack[base:])
			clear(e.stack[base:])
			e.stack = e.stack[:base]
			return l
		}
		return res
	}
	res.typ = stdlib.Object
	res.fn = func(e *Env) Value {
		base := len(e.stack)
		null, ok := iterate(e)
		pairs := e.stack[base:]
		defer func() {
			clear(e.stack[base:])
			e.stack = e.stack[:base]
		}()
		if null || !ok {
			return stdlib.NullV()
		}
		// Keys are copied to the heap: a kept object (keepIn) shares its
		// keys, which must not point into an arena or a session's store.
		var okeys []string
		var vals []Value
		var groups [][]Value
		for i := 0; i < len(pairs); i += 2 {
			k, v := pairs[i].S, pairs[i+1]
			j := slices.Index(okeys, k)
			switch {
			case j >= 0 && !group:
				e.fail(keyR, "Duplicate key", fmt.Sprintf("Two elements give the object the key %q; to collect the values of equal keys into lists, write the value with ... ({for … : K => V...}).", k))
				return stdlib.NullV()
			case j >= 0:
				groups[j] = append(groups[j], v)
			case group:
				okeys, groups = append(okeys, strings.Clone(k)), append(groups, []Value{v})
			default:
				okeys, vals = append(okeys, strings.Clone(k)), append(vals, v)
			}
		}
		if group {
			vals = make([]Value, len(groups))
			for i, g := range groups {
				vals[i] = stdlib.ListV(g)
			}
		}
		return stdlib.ObjV(okeys, vals)
	}
	return res
}

// describeValue is a value for a run-time message: its kind, and the
// value when it is short.
func describeValue(v Value) string {
	switch v.K {
	case stdlib.Null:
		return "null"
	case stdlib.List, stdlib.Object:
		return v.K.String()
	}
	t := v.String()
	if v.K == stdlib.String {
		t = fmt.Sprintf("%q", v.S)
	}
	if len(t) > 40 {
		return v.K.String()
	}
	return fmt.Sprintf("%s %s", v.K, t)
}
