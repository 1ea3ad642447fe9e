package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

const (
	// maxChildDepth bounds parent chains (client → card → token …): a
	// child's place among its ancestors is packed 16 bits per level.
	maxChildDepth = 3
	// maxChildren is the most children one parent can own per child entity.
	maxChildren = 1<<16 - 1
	// maxTable is the most actors entity.NAME materialises as a table.
	maxTable = 5_000_000
)

// entityParent compiles parent = entity.NAME and the per-parent count.
func (c *compiler) entityParent(ep *EntityPlan, e *dsl.Entity) {
	t, diags := hcl.AbsTraversalForExpr(e.Parent)
	name, named := secondName(t)
	if diags.HasErrors() || !named || t.RootName() != "entity" {
		c.err(e.Parent.Range().Ptr(), "Invalid parent", "parent names an entity declared before this one: parent = entity.NAME.")
		return
	}
	pe := c.entityNamed(name)
	if pe == nil || pe == ep || !pe.compiled {
		var before []string
		for _, x := range c.plan.Entities {
			if x.compiled {
				before = append(before, x.Name)
			}
		}
		c.err(t[1].SourceRange().Ptr(), "Unknown parent", "There is no entity %q declared before %q; a parent is declared before its children.%s",
			name, ep.Name, suggest(name, before))
		return
	}
	if pe.depth+1 > maxChildDepth {
		c.err(e.Parent.Range().Ptr(), "Too deeply nested", "Entities nest at most %d levels below a root entity.", maxChildDepth)
		return
	}
	ep.Parent = pe
	ep.depth = pe.depth + 1
	ep.childSlot = len(pe.Children)
	pe.Children = append(pe.Children, ep)
	if e.Count == nil {
		return
	}
	s := &scope{c: c, where: "a child entity's count (per " + pe.Name + ")", entity: pe, hasIndex: true}
	n := len(c.diags)
	x := c.typed(s, e.Count, "count", stdlib.Int)
	if c.errorsSince(n) || x == nil {
		return
	}
	if x.isC && (x.val.I < 0 || x.val.I > maxChildren) {
		c.err(e.Count.Range().Ptr(), "Invalid count", "A child count is between 0 and %d per parent, got %d.", maxChildren, x.val.I)
		return
	}
	if !x.isC {
		c.checkDrawnCount(pe, e.Count, fmt.Sprintf("A child count is between 0 and %d per parent", maxChildren), maxChildren)
	}
	ep.childCount = x
}

// checkDrawnCount: a count drawn per actor (uniform(-5, 12)) whose
// compile-time bounds (drawnSpans, with ep's attributes) show it can be
// below 0, or above most when most > 0, is an error at its expression,
// which would otherwise fail the run when an actor draws such a value.
// what begins the detail ("A child count is between 0 and 65535 per
// parent"). A count whose bounds the source does not show (normal(3,
// 2), a dataset's column) is left to the run.
func (c *compiler) checkDrawnCount(ep *EntityPlan, e hcl.Expression, what string, most int64) {
	spans, ok := c.drawnSpans(ep, e)
	if !ok || len(spans) == 0 {
		return
	}
	h := hull(spans)
	switch {
	case h.lo < 0:
		c.err(e.Range().Ptr(), "Invalid count", "%s; this one can be drawn as low as %s (its bounds: %s to %s).",
			what, fmtBound(h.lo), fmtBound(h.lo), fmtBound(h.hi))
	case most > 0 && h.hi > float64(most):
		c.err(e.Range().Ptr(), "Invalid count", "%s; this one can be drawn as high as %s (its bounds: %s to %s).",
			what, fmtBound(h.hi), fmtBound(h.lo), fmtBound(h.hi))
	}
}

// fmtBound writes a bound as the shortest number that reads back.
func fmtBound(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ancestor is the entity named name among ep's ancestors (its parent,
// the parent's parent …) and how many levels up it is (1: the parent);
// nil when there is none (or ep is nil).
func (ep *EntityPlan) ancestor(name string) (*EntityPlan, int) {
	if ep == nil {
		return nil, 0
	}
	depth := 0
	for pe := ep.Parent; pe != nil; pe = pe.Parent {
		depth++
		if pe.Name == name {
			return pe, depth
		}
	}
	return nil, 0
}

// ancestorAttr reads attribute i (of n) of the bound actor's ancestor
// depth levels up. The parent's attributes are bound (Env.Parent); those
// further up are reached through the parent actor, so binding a child
// actor costs one pointer more whatever the depth.
func ancestorAttr(depth, i, n int) func(e *Env) Value {
	switch depth {
	case 1:
		return func(e *Env) Value { return e.Parent[i] }
	case 2:
		return func(e *Env) Value { return e.up.x.parent.vals(n)[i] }
	}
	return func(e *Env) Value {
		a := e.up
		for range depth - 1 {
			a = a.x.parent
		}
		return a.vals(n)[i]
	}
}

// notReachable explains why the entity named name cannot be referred to
// by its name in s: only the scope's entity and its ancestors can.
func (s *scope) notReachable(name string) string {
	ep := s.entity
	var b strings.Builder
	fmt.Fprintf(&b, "In %s, entity names refer to %s's attributes (%s.NAME, or actor.NAME)", s.where, ep.Name, ep.Name)
	if ep.Parent != nil {
		var anc []string
		for pe := ep.Parent; pe != nil; pe = pe.Parent {
			anc = append(anc, pe.Name+".NAME")
		}
		fmt.Fprintf(&b, " and to its ancestors' (%s)", strings.Join(anc, ", "))
	}
	b.WriteString("; ")
	target := s.c.entityNamed(name)
	later := target == nil || !target.compiled
	child := !later && target.Parent == ep
	if later {
		child = s.c.declaredParent(name) == ep.Name
	}
	switch {
	case child && s.attrOK != nil:
		fmt.Fprintf(&b, "%q is a child entity of %s, whose %s actors are created after its attributes: use entity.%s in %s's flows.",
			name, ep.Name, name, name, ep.Name)
	case child:
		fmt.Fprintf(&b, "%q is a child entity of %s: the actor's own %s actors are entity.%s, a list of attribute objects (choice(entity.%s).NAME, len(entity.%s)).",
			name, ep.Name, name, name, name, name)
	case later:
		fmt.Fprintf(&b, "%q is another entity, declared after this point: an entity can refer to the actors of entities declared before it, as tables (entity.NAME).", name)
	default:
		fmt.Fprintf(&b, "%q is another entity, whose actors are a table: entity.%s (choice(entity.%s).NAME, lookup(entity.%s, \"key\", value)).",
			name, name, name, name)
	}
	return b.String()
}

// declared reports whether the scenario declares an entity named name
// (compiled yet or not).
func (c *compiler) declared(name string) bool {
	for _, e := range c.sc.Entities {
		if e.Name == name {
			return true
		}
	}
	return false
}

// declaredParent is the name of the parent the scenario declares for the
// entity named name ("" for a root entity or none).
func (c *compiler) declaredParent(name string) string {
	for _, e := range c.sc.Entities {
		if e.Name == name && e.Parent != nil {
			t, diags := hcl.AbsTraversalForExpr(e.Parent)
			if p, ok := secondName(t); ok && !diags.HasErrors() && t.RootName() == "entity" {
				return p
			}
		}
	}
	return ""
}

// entityRef compiles entity.NAME: inside the flows of NAME's parent, the
// actor's own children (a list of attribute objects); anywhere else, every
// actor of NAME as a constant table, so choice, lookup, sample_weighted and
// sample_rows pick referenced actors exactly as they pick dataset rows.
func (s *scope) entityRef(name string, r, whole hcl.Range) *cexpr {
	c := s.c
	ep := c.entityNamed(name)
	if ep == nil || !ep.compiled {
		var names []string
		for _, e := range c.sc.Entities {
			names = append(names, e.Name)
		}
		if contains(names, name) {
			return s.errf(r, "Entity not available yet", "Entity %q is declared after this point (or is the entity being declared); "+
				"an entity's attributes can refer to entities declared before it. Flows can refer to any entity.", name)
		}
		return s.errf(r, "Unknown entity", "There is no entity %q.%s", name, suggest(name, names))
	}
	if ep.failed {
		return c.quiet(whole)
	}
	if ep.Parent != nil && s.entity == ep.Parent && !s.constOnly {
		if s.attrOK != nil {
			return s.errf(r, "Children not available yet", "%s's %s actors are created after its attributes; use entity.%s in %s's flows.",
				ep.Parent.Name, ep.Name, ep.Name, ep.Parent.Name)
		}
		slot := ep.childSlot
		return &cexpr{typ: stdlib.List, rng: whole, fn: func(e *Env) Value { return e.x.kids[slot] }, elems: ep.rowShape()}
	}
	if !c.materialize(ep, r) {
		// Reported (a cycle, or the entity's own error): its uses are
		// follow-ons.
		return c.quiet(whole)
	}
	t := konst(ep.table, whole)
	t.elems = ep.rowShape()
	return t
}

// materialize builds the table of every actor of ep (at compile time,
// from the same random streams as a run, so a referenced actor's
// attributes equal the ones its own flows see).
func (c *compiler) materialize(ep *EntityPlan, r hcl.Range) bool {
	switch ep.tableState {
	case 2:
		return true
	case 1:
		c.err(r.Ptr(), "Reference cycle", "Entity %q refers to its own actors while they are being built.", ep.Name)
		return false
	}
	root := ep
	for root.Parent != nil {
		root = root.Parent
	}
	if root.Count > maxTable {
		c.err(r.Ptr(), "Entity too large to reference", "entity.%s would materialise %d %s actors as a table; at most %d can be referenced. "+
			"Use a dataset for large reference tables.", ep.Name, root.Count, root.Name, maxTable)
		return false
	}
	ep.tableState = 1
	var rows []Value
	var collect func(a *actor, e *EntityPlan)
	collect = func(a *actor, e *EntityPlan) {
		if e == ep {
			rows = append(rows, a.tableRow(ep))
			return
		}
		if a.x == nil {
			return
		}
		for i, ce := range e.Children {
			if ce == ep {
				// The rows of the parent's list of children are this
				// entity's rows: share them.
				if l := a.x.kids[i]; l.K == stdlib.List {
					rows = append(rows, l.Obj().Vals...)
				}
				continue
			}
			for _, k := range a.x.kidActors[i] {
				collect(k, ce)
			}
		}
	}
	tree, ok := c.rootActors(root)
	if !ok {
		ep.tableState = 0
		return false
	}
	for _, a := range tree {
		collect(a, root)
		if len(rows) > maxTable {
			c.err(r.Ptr(), "Entity too large to reference", "entity.%s has more than %d actors; at most %d can be referenced.", ep.Name, maxTable, maxTable)
			ep.tableState = 0
			return false
		}
	}
	ep.table = stdlib.Freeze(stdlib.ListV(rows))
	ep.tableState = 2
	return true
}

// rootActors builds a root entity's actors, with their children, for the
// tables of the entities of its tree. Two tables of one tree (a city
// table and its merchants) share one build when no entity of the tree was
// compiled in between (a child compiled since is missing from the older
// build). The builds are dropped when compiling ends.
func (c *compiler) rootActors(root *EntityPlan) ([]*actor, bool) {
	sig := root.compiledInTree()
	if b, ok := c.trees[root]; ok && b.sig == sig {
		return b.actors, true
	}
	if onRootBuild != nil {
		onRootBuild(root)
	}
	env := &Env{tf: c.tf}
	actors := make([]*actor, root.Count)
	for i := range actors {
		actors[i] = c.plan.buildActor(env, root, int64(i), nil, 0, false)
		if env.fault != nil {
			// A value that is invalid for this actor: the table cannot be
			// built, and the scenario does not compile.
			c.diags = append(c.diags, env.fault.Diagnostic())
			return nil, false
		}
	}
	if c.trees == nil {
		c.trees = map[*EntityPlan]treeBuild{}
	}
	c.trees[root] = treeBuild{actors: actors, sig: sig}
	return actors, true
}

// onRootBuild, when set (by tests), sees every compile-time build.
var onRootBuild func(root *EntityPlan)

// treeBuild is a root entity's actors built at compile time, and how many
// entities of its tree were compiled then.
type treeBuild struct {
	actors []*actor
	sig    int
}

// compiledInTree counts the entities of ep's tree that buildActor would
// build now (compiled, with their count compiled for children).
func (ep *EntityPlan) compiledInTree() int {
	n := 0
	if ep.compiled {
		n++
	}
	for _, ce := range ep.Children {
		if ce.childCount != nil && ce.compiled {
			n += 1 + ce.compiledInTree()
		}
	}
	return n
}

// attrShape is the row shape of attribute i's values when it holds a row
// of a dataset or an entity table (home = choice(dataset.cities)); nil
// otherwise or before it is compiled.
func (ep *EntityPlan) attrShape(i int) *rowShape {
	if i < len(ep.attrs) && ep.attrs[i] != nil {
		return ep.attrs[i].shape
	}
	return nil
}

// attrDomain is the values attribute i can take, when known (see
// cexpr.domain); nil for a constant attribute (var.tier may be given
// another value with --var).
func (ep *EntityPlan) attrDomain(i int) []string {
	if i < len(ep.attrs) && ep.attrs[i] != nil && !ep.attrs[i].isC {
		return ep.attrs[i].domain
	}
	return nil
}

// rowShape is the keys of ep's table rows (tableRow).
func (ep *EntityPlan) rowShape() *rowShape {
	return &rowShape{keys: ep.AttrNames, ent: ep, owner: ep.Name}
}

// tableRow is the actor's attributes as a frozen object of its entity's
// table (entity.NAME) or of its parent's list of children, built in a
// block of its own: the object and a copy of the attributes together. A
// row found by lookup or choice is read object first, then values; in one
// block they share cache lines and a page, where pointing at the actor's
// attributes cost a second miss per row (and kept the whole compile-time
// actor alive).
func (a *actor) tableRow(ep *EntityPlan) Value {
	return stdlib.ObjectOf(stdlib.Frozen, blockObj(ep.AttrNames, a.vals(len(ep.attrs))))
}

// blockObj is an object (a list when keys is nil) of a copy of vals, in
// one block with them for the usual small sizes.
func blockObj(keys []string, vals []Value) *stdlib.Obj {
	switch n := len(vals); {
	case n <= 4:
		return rowWith[[4]Value](keys, vals)
	case n <= 8:
		return rowWith[[8]Value](keys, vals)
	case n <= 12:
		return rowWith[[12]Value](keys, vals)
	case n <= 16:
		return rowWith[[16]Value](keys, vals)
	}
	return &stdlib.Obj{Keys: keys, Vals: slices.Clone(vals)}
}

// rowWith allocates an object followed by an array A holding a copy of
// vals (len(vals) ≤ len(A)).
func rowWith[A any](keys []string, vals []Value) *stdlib.Obj {
	b := new(struct {
		o stdlib.Obj
		_ [16]byte // values start a cache line and never straddle one
		v A
	})
	v := unsafe.Slice((*Value)(unsafe.Pointer(&b.v)), len(vals))
	copy(v, vals)
	b.o = stdlib.Obj{Keys: keys, Vals: v}
	return &b.o
}

// newActor allocates an actor with room for n attributes in the same
// block for the usual small n: one allocation, and the attributes sit in
// the cache lines the actor is read from.
func newActor(n int) *actor {
	switch {
	case n == 0:
		return &actor{}
	case n == 1:
		return actorWith[[1]Value]()
	case n == 2:
		return actorWith[[2]Value]()
	case n <= 4:
		return actorWith[[4]Value]()
	case n <= 8:
		return actorWith[[8]Value]()
	case n <= 12:
		return actorWith[[12]Value]()
	case n <= 16:
		return actorWith[[16]Value]()
	}
	return &actor{attrs: &make([]Value, n)[0]}
}

// actorWith allocates an actor followed by an array A of values, of which
// the first n are its attributes.
func actorWith[A any]() *actor {
	b := new(struct {
		a actor
		v A
	})
	b.a.attrs = (*Value)(unsafe.Pointer(&b.v))
	return &b.a
}

// newExt allocates an actor extension with its k constraint states in the
// same block for small k: a step reads them together (admit).
// An entity with one child entity gets its list of children in the same
// block too: a flow that picks a child (choice(entity.device)) reads it
// right after the extension, which the run prefetches.
func newExt(k, kids int) *actorExt {
	switch {
	case kids == 1 && k <= 2:
		return extWith[[2]consState, [1]Value](k, 1)
	case kids == 0 && k <= 2:
		return extWith[[2]consState, [0]Value](k, 0)
	case kids == 0 && k <= 4:
		return extWith[[4]consState, [0]Value](k, 0)
	}
	return &actorExt{cons: make([]consState, k), kids: make([]Value, kids)}
}

func extWith[C, K any](k, kids int) *actorExt {
	b := new(struct {
		x    actorExt
		c    C
		kids K
	})
	b.x.cons = unsafe.Slice((*consState)(unsafe.Pointer(&b.c)), k)
	if kids > 0 {
		b.x.kids = unsafe.Slice((*Value)(unsafe.Pointer(&b.kids)), kids)
	}
	return &b.x
}

// eachActorOf builds the root actors of ep's tree in order, at most roots
// of them, as the run builds them (a child entity's actors within their
// root's tree: counts drawn per parent, streams keyed below the root), and
// calls visit for each actor of ep in each tree, in order, until visit
// returns false or a fault stops it (left in env.fault). Only one tree is
// held at a time: its attributes' blocks are reused for the next, so what
// visit keeps must be copied.
func (p *Plan) eachActorOf(env *Env, ep *EntityPlan, roots int64, exps bool, visit func(a *actor) bool) {
	root := ep
	for root.Parent != nil {
		root = root.Parent
	}
	var walk func(a *actor, e *EntityPlan) bool
	walk = func(a *actor, e *EntityPlan) bool {
		if e == ep {
			return visit(a)
		}
		for ci, ce := range e.Children {
			if ce != ep && !ep.descends(ce) {
				continue
			}
			for _, k := range a.x.kidActors[ci] {
				if !walk(k, ce) {
					return false
				}
			}
		}
		return true
	}
	for i := int64(0); i < min(root.Count, roots); i++ {
		for _, st := range env.cols {
			for k := range st {
				st[k].Reset()
			}
		}
		a := p.buildActor(env, root, i, nil, 0, exps)
		if env.fault != nil || !walk(a, root) {
			return
		}
	}
}

// rootCount is the count of the root entity of ep's tree.
func (ep *EntityPlan) rootCount() int64 {
	for ep.Parent != nil {
		ep = ep.Parent
	}
	return ep.Count
}

// buildActor computes an actor's attributes, then its children (their
// counts drawn from the actor's attribute stream, after the attributes,
// so adding a child entity never changes the parent), then its experiment
// groups. sub packs the actor's position below its root actor, 16 bits
// per level; it is 0 for a root actor.
func (p *Plan) buildActor(e *Env, ep *EntityPlan, index int64, parent *actor, sub uint64, exps bool) *actor {
	a := newActor(len(ep.attrs))
	a.index = index
	if k := len(ep.cons); k > 0 || len(ep.Children) > 0 {
		a.x = newExt(k, len(ep.Children))
	}
	attrs := a.vals(len(ep.attrs))
	var base uint64
	if parent == nil {
		base = p.streamKey(ep.Index, index, 0)
	} else {
		root := parent.rootIndex()
		base = stdlib.Mix(p.Seed, uint64(ep.Index), uint64(root), 1<<63|sub)
		x := a.ext()
		x.parent, x.base, x.root, x.sub = parent, base, root, sub
	}
	// The stream of this level of nesting (Env.buildRngs): a child's
	// sub has one more 16-bit group than its parent's.
	rng := &e.buildRngs[(bits.Len64(sub)+15)/16]
	*rng = stdlib.NewRand(base)
	bindActor := func() {
		e.R = rng
		e.Index = index
		e.Attrs = attrs
		e.Parent = nil
		if parent != nil {
			e.Parent = parent.vals(len(ep.Parent.attrs))
			e.up = parent
		}
		// Its children (and memory and groups) are read through its
		// extension, which may be made after this (a.ext()): bound
		// again before each use.
		e.x = a.x
	}
	bindActor()
	for _, i := range ep.order {
		v := e.KeepIn(e.colStore(ep, i), ep.attrs[i].eval(e))
		if v.K == stdlib.String {
			// Read by many records: what the encoders need to know of
			// the text is worked out once.
			v.I = stdlib.TextFlags(v.S)
		}
		attrs[i] = v
		e.ResetArena()
	}
	if e.fault != nil {
		e.buildFault(ep, a)
		return a
	}
	if len(ep.memNames) > 0 {
		a.ext().mem = make([]Value, len(ep.memNames))
	}
	if len(ep.Children) > 0 {
		x := a.ext()
		x.kidActors = make([][]*actor, len(ep.Children))
		for ci, ce := range ep.Children {
			if ce.childCount == nil || !ce.compiled {
				// Declared later, or being compiled (a child's attribute
				// refers to its own root's table): only while compiling,
				// and a root's rows never depend on its children.
				continue
			}
			bindActor()
			nv := ce.childCount.eval(e)
			e.ResetArena()
			if nv.K != stdlib.Int || nv.I < 0 || nv.I > maxChildren {
				e.fail(ce.childCount.rng, "Invalid count", fmt.Sprintf("A child count is between 0 and %d per parent, got %s.", maxChildren, nv.String()))
			}
			if e.fault != nil {
				e.buildFault(ep, a)
				return a
			}
			n := nv.I
			if e.kidSample > 0 && n > int64(e.kidSample) {
				if e.sampled[a] == nil {
					e.sampled[a] = make([]int64, len(ep.Children))
				}
				e.sampled[a][ci] = n
				n = int64(e.kidSample)
			}
			kids := make([]*actor, n)
			rows := make([]Value, n)
			for k := range kids {
				kids[k] = p.buildActor(e, ce, int64(k), a, sub<<16|uint64(k+1), exps)
				if e.fault != nil {
					return a
				}
				rows[k] = kids[k].tableRow(ce)
			}
			x.kidActors[ci] = kids
			x.kids[ci] = stdlib.ListOf(stdlib.Frozen, blockObj(nil, rows))
		}
		bindActor()
	}
	if exps && len(ep.exps) > 0 {
		x := a.ext()
		x.exp = make([]int16, len(p.Experiments))
		for _, xp := range ep.exps {
			x.exp[xp.Index] = int16(xp.Assign(xp.unit.eval(e).String()))
		}
		e.ResetArena()
		if e.fault != nil {
			e.buildFault(ep, a)
		}
	}
	return a
}

// buildFault says where a fault met while building a came from.
func (e *Env) buildFault(ep *EntityPlan, a *actor) {
	if f := e.fault; f.Where == "" {
		f.Where = "building actor " + actorName(ep, a)
		f.unit = ep.Name
	}
}

// hasFlows reports whether ep or one of its descendants runs a flow.
func (ep *EntityPlan) hasFlows() bool {
	if len(ep.Flows) > 0 {
		return true
	}
	for _, c := range ep.Children {
		if c.hasFlows() {
			return true
		}
	}
	return false
}
