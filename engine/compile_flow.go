package engine

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// flowActor resolves `actor = entity.NAME`.
func (c *compiler) flowActor(f *dsl.Flow) *EntityPlan {
	var names []string
	for _, e := range c.plan.Entities {
		names = append(names, e.Name)
	}
	t, diags := hcl.AbsTraversalForExpr(f.Actor)
	name, named := secondName(t)
	if diags.HasErrors() || !named || t.RootName() != "entity" {
		hint := ""
		if !diags.HasErrors() && len(t) == 1 {
			// actor = user: the entity's name without entity.
			if slices.Contains(names, t.RootName()) {
				hint = fmt.Sprintf(" Did you mean entity.%s?", t.RootName())
			} else if n := nameSuggestion(t.RootName(), names); n != "" {
				hint = fmt.Sprintf(" Did you mean entity.%s?", n)
			}
		}
		c.err(f.Actor.Range().Ptr(), "Invalid actor", "actor names an entity: actor = entity.NAME (one of %v).%s", names, hint)
		return nil
	}
	ep := c.entityNamed(name)
	if ep == nil {
		c.err(t[1].SourceRange().Ptr(), "Unknown entity", "There is no entity %q.%s", name, suggest(name, names))
	}
	return ep
}

// sinkArgHints adds to each "Unsupported argument" of a sink of type t
// that suggests no name the arguments t takes, and the types that take
// that argument when others do (format is a stdout sink's).
func (c *compiler) sinkArgHints(diags hcl.Diagnostics, t *sinks.Type) {
	argNames := func(t *sinks.Type) []string {
		names := []string{"type", "stream"}
		for _, a := range t.Attrs {
			if i := strings.IndexByte(a, ':'); i > 0 {
				names = append(names, a[:i])
			}
		}
		return names
	}
	for _, d := range diags {
		var name string
		if d.Summary != "Unsupported argument" || strings.Contains(d.Detail, "Did you mean") {
			continue
		}
		if _, err := fmt.Sscanf(d.Detail, "An argument named %q", &name); err != nil {
			continue
		}
		d.Detail += fmt.Sprintf("%s %s sink takes %s.", suggest(name, argNames(t)), capital(stdlib.Article(t.Name)), strings.Join(argNames(t), ", "))
		var others []string
		for _, n := range c.sreg.Names() {
			if o, ok := c.sreg.Lookup(n); ok && n != t.Name && slices.Contains(argNames(o), name) {
				others = append(others, n)
			}
		}
		if len(others) > 0 {
			d.Detail += fmt.Sprintf(" %s is an argument of %s sinks.", name, strings.Join(others, " and "))
		}
	}
}

// capital is s with its first letter upper case (ASCII).
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// quotedNumber is stdlib.QuotedNumber's hint as a sentence after a
// message (" "100" is a string: …."), or "".
func quotedNumber(v string) string {
	if h := stdlib.QuotedNumber(v); h != "" {
		return " " + h + "."
	}
	return ""
}

// typed compiles e and checks its static type.
func (c *compiler) typed(s *scope, e hcl.Expression, what string, kinds ...Kind) *cexpr {
	if e == nil {
		return nil
	}
	n := len(c.diags)
	if kinds[0] == stdlib.Duration {
		bad := false
		e = durationBranches(e, func(r hcl.Range, err error) {
			c.err(r.Ptr(), "Invalid duration", "%s must be a duration: %s.", what, err)
			bad = true
		})
		if bad {
			return c.quiet(e.Range())
		}
	}
	x := s.compile(e)
	if c.errorsSince(n) {
		return x
	}
	if x.typ == stdlib.Any {
		return x
	}
	for _, k := range kinds {
		if x.typ == k {
			return x
		}
	}
	hint := ""
	if kinds[0] == stdlib.Duration && (x.typ == stdlib.Int || x.typ == stdlib.Float) {
		hint = ` Numbers have no unit here: write seconds(…), minutes(…) or a duration string such as "30s".`
	}
	if kinds[0] == stdlib.Duration && x.typ == stdlib.String && x.isC {
		ms, err := stdlib.ParseDuration(x.val.S)
		if err == nil {
			return konst(stdlib.DurV(ms), x.rng)
		}
		// A string meant as a duration ("15 minutes"): say why it is not
		// one, and how to write it.
		c.err(e.Range().Ptr(), "Invalid duration", "%s must be a duration: %s.", what, err)
		return x
	}
	if x.typ == stdlib.String && x.isC && (kinds[0] == stdlib.Int || kinds[0] == stdlib.Float) {
		hint = quotedNumber(x.val.S)
		if h := c.untypedVarHint(e); h != "" {
			hint = h
		}
	}
	if x.typ == stdlib.String {
		hint += c.textColumnHint(e)
	}
	c.err(e.Range().Ptr(), "Wrong type", "%s must be %s, got %s.%s", what, kindsWanted(kinds), x.typ, hint)
	return x
}

// durationBranches reads the string branches of a switch where a
// duration is expected as durations, as a lone string is ("1d" for
// delay = "1d"): switch(user.tier, { a = "1d", default = "2h" }) is
// compiled as switch(user.tier, { a = duration("1d"), default =
// duration("2h") }), nested switches included; a branch that is no
// duration goes to bad. Anything else is e.
func durationBranches(e hcl.Expression, bad func(hcl.Range, error)) hcl.Expression {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "switch" || len(call.Args) != 2 || call.ExpandFinal {
		return e
	}
	obj, ok := call.Args[1].(*hclsyntax.ObjectConsExpr)
	if !ok {
		return e
	}
	var items []hclsyntax.ObjectConsItem
	for i, it := range obj.Items {
		v := it.ValueExpr
		if t, ok := v.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
			lit, _ := t.Value(nil)
			if _, err := stdlib.ParseDuration(lit.AsString()); err != nil {
				bad(t.SrcRange, err)
				continue
			}
			v = &hclsyntax.FunctionCallExpr{Name: "duration", Args: []hclsyntax.Expression{t},
				NameRange: t.SrcRange, OpenParenRange: t.SrcRange, CloseParenRange: t.SrcRange}
		} else if l, ok := v.(*hclsyntax.LiteralValueExpr); ok && (l.Val.Type() == cty.Number || l.Val.Type() == cty.Bool) {
			// A number or a bool among duration branches (default = 5)
			// would make the switch of no kind, and fail only at run
			// time.
			if l.Val.Type() == cty.Bool {
				bad(l.SrcRange, fmt.Errorf("got the bool %t", l.Val.True()))
			} else {
				bad(l.SrcRange, fmt.Errorf("got the number %s; numbers have no unit here: write seconds(…), minutes(…) or a duration string such as \"30s\"", l.Val.AsBigFloat().Text('g', -1)))
			}
			continue
		} else if w := durationBranches(v, bad); w != v {
			v = w.(hclsyntax.Expression)
		}
		if v != it.ValueExpr && items == nil {
			items = append(make([]hclsyntax.ObjectConsItem, 0, len(obj.Items)), obj.Items[:i]...)
		}
		if items != nil {
			items = append(items, hclsyntax.ObjectConsItem{KeyExpr: it.KeyExpr, ValueExpr: v})
		}
	}
	if items == nil {
		return e
	}
	o := *obj
	o.Items = items
	c := *call
	c.Args = []hclsyntax.Expression{call.Args[0], &o}
	return &c
}

// nonNegative rejects a constant negative duration. A negative value drawn
// at run time (minutes(normal(1, 5))) counts as zero, as the docs say: a
// distribution's tail must not fail a run.
func (c *compiler) nonNegative(x *cexpr, e hcl.Expression, what string) {
	if x != nil && x.isC && x.typ == stdlib.Duration && x.val.I < 0 {
		c.err(e.Range().Ptr(), "Negative "+what,
			"%s must not be negative, got %s: events of an actor are written in time order. Use \"0s\" for events at the same instant; a negative value drawn at run time counts as zero.", what, x.val.String())
	}
}

// sessStartDetail and sessEveryDetail say why a session start or every
// is invalid: the same words for a constant (at compile time) and for a
// value drawn at run time (run.go).
func sessStartDetail(v Value) string {
	return fmt.Sprintf("The session start is the first session's offset from the scenario start, a duration of zero or more, got %s.", v.String())
}

func sessEveryDetail(v Value) string {
	return fmt.Sprintf("every is the time from a session's start to the next one's, a duration of zero or more, got %s "+
		"(with \"0s\", as without every, each session starts when the previous one has ended).", v.String())
}

func (c *compiler) flow(idx int, f *dsl.Flow) {
	ep := c.flowActor(f)
	if ep == nil {
		// The actor's error is the flow's: its streams' sinks are not
		// reported again as naming no stream.
		if c.skippedStreams == nil {
			c.skippedStreams = map[string]bool{}
		}
		for _, st := range f.States {
			for _, em := range st.Emits {
				c.skippedStreams[em.Stream] = true
			}
		}
		return
	}
	nerr := len(c.diags)
	fp := &FlowPlan{Name: f.Name, Index: idx, Entity: ep, leafOf: map[hcl.Expression]int{}}
	c.plan.Flows = append(c.plan.Flows, fp)
	ep.Flows = append(ep.Flows, fp)

	actorScope := &scope{c: c, where: "a flow's session settings", entity: ep, hasIndex: true}
	s := f.Session
	nc := len(c.diags)
	fp.sessCount = c.typed(actorScope, s.Count, "session count", stdlib.Int)
	if x := fp.sessCount; x != nil && x.isC && x.val.K == stdlib.Int && x.val.I < 0 {
		// The message a count drawn at run time gets (run.go).
		c.err(s.Count.Range().Ptr(), "Invalid count", "The session count is a whole number, zero or more, got %d.", x.val.I)
	} else if x != nil && !x.isC && !c.errorsSince(nc) {
		c.checkDrawnCount(ep, s.Count, "The session count is a whole number, zero or more", 0)
	}
	fp.sessStart = c.typed(actorScope, s.Start, "session start", stdlib.Duration)
	if x := fp.sessStart; x != nil && x.isC && x.typ == stdlib.Duration && x.val.I < 0 {
		c.err(s.Start.Range().Ptr(), "Invalid session start", "%s", sessStartDetail(x.val))
	}
	fp.sessEvery = c.typed(actorScope, s.Every, "session every", stdlib.Duration)
	if x := fp.sessEvery; x != nil && x.isC && x.typ == stdlib.Duration && x.val.I < 0 {
		c.err(s.Every.Range().Ptr(), "Invalid session every", "%s", sessEveryDetail(x.val))
	}
	fp.maxEvents = c.typed(actorScope, s.MaxEvents, "max_events", stdlib.Int)
	if x := fp.maxEvents; x != nil && x.isC && x.typ == stdlib.Int && x.val.I < 1 {
		c.err(s.MaxEvents.Range().Ptr(), "Invalid max_events",
			"max_events must be at least 1, got %d: a session's first event is always written. To stop a flow, remove it or set the session count to 0.", x.val.I)
	}
	if x := fp.maxEvents; x != nil && x.isC && x.typ == stdlib.Int && x.val.I > math.MaxInt32 {
		c.err(s.MaxEvents.Range().Ptr(), "Invalid max_events",
			"max_events is at most %d (events per session), got %d.", math.MaxInt32, x.val.I)
	}
	if s.Arrivals != nil {
		fp.arrivals = c.arrivals(actorScope, s.Arrivals)
		if call, ok := s.Arrivals.(*hclsyntax.FunctionCallExpr); ok && len(call.Args) >= 2 {
			fp.arrivalsProfiles = exprText(c.sc, call.Args[1])
			if t, ok := call.Args[1].(*hclsyntax.TupleConsExpr); ok {
				// Item by item: a list over lines may end with a comma.
				items := make([]string, len(t.Exprs))
				for i, it := range t.Exprs {
					items[i] = exprText(c.sc, it)
				}
				fp.arrivalsProfiles = "[" + strings.Join(items, ", ") + "]"
			}
		}
	}
	if s.Zone != nil {
		c.sessionZone(actorScope, fp, s.Zone)
	}
	if fp.arrivals != nil {
		// After the zone: the profiles are read on the actor's clock.
		c.warnCountCapsArrivals(fp, s)
	}

	// Context slots: every name any state sets.
	ctx, names := ctxSlots(f)
	fp.ctxNames = names
	mem := ep.memIdx
	if mem == nil {
		mem = map[string]int{}
	}
	if !ep.memTyped {
		ep.memTypes, ep.memTyped = c.inferMemTypes(ep), true
	}
	stateScope := &scope{c: c, where: "a flow state", entity: ep, hasIndex: true, session: true, ctx: ctx, memory: mem,
		ctxShapes: &ctxShapes{}, memTypes: ep.memTypes}
	stateScope.ctxTypes = c.inferCtxTypes(stateScope, f, ctx)
	fp.gap = c.typed(stateScope, f.Gap, "gap", stdlib.Duration)
	c.nonNegative(fp.gap, f.Gap, "gap")
	if lo, hi, ok := c.durBounds(ep, f.Gap, 0); ok {
		fp.gapB = &[2]int64{lo, hi}
	}

	stateIdx := map[string]int{}
	var stateNames []string
	for _, cm := range f.Commons {
		used := false
		var streams []string // those the flow's states emit to
		for _, st := range f.States {
			for _, em := range st.Emits {
				used = used || em.Stream == cm.Stream
				if !slices.Contains(streams, em.Stream) {
					streams = append(streams, em.Stream)
				}
			}
		}
		if !used {
			c.err(cm.StreamRange.Ptr(), "Unused common fields", "No state of flow %q emits to stream %q.%s", f.Name, cm.Stream, suggest(cm.Stream, streams))
		}
	}
	for i, st := range f.States {
		stateIdx[st.Name] = i
		stateNames = append(stateNames, st.Name)
	}
	if v, ok := c.constExpr(f.Initial, "initial", stdlib.String); ok {
		if i, found := stateIdx[v.S]; found {
			fp.Initial = i
		} else {
			c.err(f.Initial.Range().Ptr(), "Unknown state", "The flow has no state %q.%s", v.S, suggest(v.S, stateNames))
		}
	}
	for _, st := range f.States {
		sp := &StatePlan{Name: st.Name}
		fp.States = append(fp.States, sp)
		for _, a := range st.Set {
			x := stateScope.compile(a.Expr)
			stateScope.strayErrs(x.strays, fmt.Sprintf("ctx.%s at %s", a.Name, posString(a.Expr.Range())))
			if sl := ctx[a.Name]; sl < len(stateScope.ctxTypes) && stateScope.ctxTypes[sl].typ == stdlib.Float {
				// A slot set to ints in one state and floats in
				// another holds floats.
				x = asFloat(x)
			}
			stateScope.ctxShapes.set(a.Name, x)
			inStore := !x.isC && !x.held && x.typ == stdlib.List
			sp.sets = append(sp.sets, setPlan{slot: ctx[a.Name], expr: x, inStore: inStore,
				rows: inStore && x.elems != nil && x.elems.dataset})
		}
		for _, a := range st.Remember {
			x := stateScope.compile(a.Expr)
			stateScope.strayErrs(x.strays, fmt.Sprintf("memory.%s at %s", a.Name, posString(a.Expr.Range())))
			if sl := mem[a.Name]; sl < len(ep.memTypes) && ep.memTypes[sl].typ == stdlib.Float {
				x = asFloat(x) // as ctx's
			}
			sp.remember = append(sp.remember, setPlan{slot: mem[a.Name], expr: x, appended: appendsMemory(a.Expr)})
		}
		sp.delay = c.typed(stateScope, st.Delay, "delay", stdlib.Duration)
		c.nonNegative(sp.delay, st.Delay, "delay")
		if lo, hi, ok := c.durBounds(ep, st.Delay, 0); ok {
			sp.delayB = &[2]int64{lo, hi}
		}
		ss := *stateScope
		ss.stateName, ss.stateNames = st.Name, stateNames
		for _, em := range st.Emits {
			em := withCommon(em, f.Commons)
			ne := len(c.diags)
			sp.Emits = append(sp.Emits, c.emit(&ss, fp, f.Name+"."+st.Name, em))
			if !c.errorsSince(ne) { // an emit in error is not warned of as well
				c.rememberBeforeEmit(st, em)
			}
		}
		if st.Next != nil {
			c.next(sp, st.Next, stateIdx, stateNames)
		}
		if len(st.Transitions) > 0 {
			c.transitions(stateScope, sp, st.Transitions, stateIdx, stateNames)
		}
	}
	stateScope.ctxShapes.check(stateScope)
	if !c.errorsSince(nerr) {
		c.checkGraph(fp, f)
	}
	fp.ctxClear = ctxClears(fp, f, ctx)
	c.splitSessionLeaves(fp)
	switch x := fp.maxEvents; {
	case x == nil:
		fp.evLeft = SafetyMaxEvents
	case x.isC:
		fp.evLeft = int32(min(max(x.val.I, 1), math.MaxInt32))
	}
}

// edges lists the states a state can go to next (-1 is end).
func (sp *StatePlan) edges() []int {
	switch {
	case sp.next != nil:
		var out []int
		for i, t := range sp.targets {
			if sp.Next[i].Weight > 0 {
				out = append(out, t)
			}
		}
		return out
	case sp.hasTrans:
		var out []int
		fallThrough := len(sp.seq) > 0
		sum := 0.0
		for _, t := range sp.seq {
			out = append(out, t.target)
		}
		for _, t := range sp.weighted {
			if t.weight > 0 {
				out = append(out, t.target)
			}
			if t.when != nil {
				fallThrough = true
			}
			sum += t.weight
		}
		if fallThrough || sum == 0 {
			out = append(out, sp.otherwise)
		}
		return out
	}
	return []int{-1}
}

// checkGraph rejects states no session can reach from the initial state,
// and, in flows without max_events, states from which no path leads to
// end (a session there would only stop at the safety cap).
func (c *compiler) checkGraph(fp *FlowPlan, f *dsl.Flow) {
	n := len(fp.States)
	edges := make([][]int, n)
	for i, sp := range fp.States {
		edges[i] = sp.edges()
	}
	reached := make([]bool, n)
	queue := []int{fp.Initial}
	reached[fp.Initial] = true
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range edges[i] {
			if j >= 0 && !reached[j] {
				reached[j] = true
				queue = append(queue, j)
			}
		}
	}
	for i, st := range f.States {
		if !reached[i] {
			c.err(st.NameRange.Ptr(), "Unreachable state", "No transition leads to state %q from the initial state %q, so it never runs; remove it or add a transition to it.",
				st.Name, fp.States[fp.Initial].Name)
		}
	}
	if fp.maxEvents != nil {
		return
	}
	// States from which end can be reached, by iterating to a fixed point.
	ends := make([]bool, n)
	for changed := true; changed; {
		changed = false
		for i := range fp.States {
			if ends[i] {
				continue
			}
			for _, j := range edges[i] {
				if j < 0 || ends[j] {
					ends[i], changed = true, true
					break
				}
			}
		}
	}
	if !ends[fp.Initial] {
		// No state leads to end (the initial state reaches every state
		// that runs): one error for the flow, not one per state.
		var names []string
		for i, st := range f.States {
			if reached[i] {
				names = append(names, fmt.Sprintf("%q", st.Name))
			}
		}
		c.err(f.NameRange.Ptr(), "Sessions never end", "No state of flow %q (%s) has a transition to end, so every session would run "+
			"until the %d-event safety cap. For an actor that acts for the whole window (a sensor reporting every minute), "+
			"set max_events in the session block to the most events a session may have; otherwise add a transition to end.",
			f.Name, strings.Join(names, ", "), SafetyMaxEvents)
		return
	}
	for i, st := range f.States {
		if reached[i] && !ends[i] {
			c.err(st.NameRange.Ptr(), "State has no way out", "No path from state %q leads to end, so a session that gets there never finishes "+
				"(it would stop only at the %d-event safety cap). Add a transition to end, or set max_events in the flow's session block.", st.Name, SafetyMaxEvents)
		}
	}
}

func (c *compiler) next(sp *StatePlan, e hcl.Expression, stateIdx map[string]int, names []string) {
	// An entry's name and weight, and where each is written: a literal
	// object's keys and values, or (a variable's object) the whole
	// expression.
	type entry struct {
		name, weight hcl.Range
		to           string
		w            Value
		wexpr        hcl.Expression // a literal's weight, compiled once the name is known
	}
	var entries []entry
	// A weight in error leaves the sum without it: neither its
	// "Weights do not sum to 1" nor "sum to zero" is the author's.
	bad := false
	if obj, ok := e.(*hclsyntax.ObjectConsExpr); ok {
		for _, it := range obj.Items {
			name := hcl.ExprAsKeyword(it.KeyExpr)
			if name == "" {
				if v, ok := c.constExpr(it.KeyExpr, "a state name", stdlib.String); ok {
					name = v.S
				} else {
					continue
				}
			}
			entries = append(entries, entry{name: it.KeyExpr.Range(), weight: it.ValueExpr.Range(), to: name, wexpr: it.ValueExpr})
		}
	} else {
		n := len(c.diags)
		x := c.constScope("next").compile(e)
		if c.errorsSince(n) {
			return
		}
		if !x.isC || x.val.K != stdlib.Object {
			c.err(e.Range().Ptr(), "Invalid next", "next maps state names to weights: next = { search = 0.6, end = 0.4 }, or a variable that holds such an object.")
			return
		}
		o := x.val.Obj()
		for i, k := range o.Keys {
			w := o.Vals[i]
			if w.K != stdlib.Int && w.K != stdlib.Float {
				c.err(e.Range().Ptr(), "Wrong type", "a transition weight must be %s, got %s (next's %q).", kindsWanted([]Kind{stdlib.Int, stdlib.Float}), w.K, k)
				w = stdlib.NullV()
				bad = true
			}
			entries = append(entries, entry{name: e.Range(), weight: e.Range(), to: k, w: w})
		}
	}
	var ws []float64
	sum := 0.0
	unknown := false // a weight's state is unknown (reported): the sum is not the user's
	for _, en := range entries {
		target := -1
		if en.to != "end" {
			i, found := stateIdx[en.to]
			if !found {
				c.err(en.name.Ptr(), "Unknown state", "The flow has no state %q (use end to finish the session).%s", en.to, suggest(en.to, append(names, "end")))
				unknown = true
				continue
			}
			target = i
		}
		if en.wexpr != nil {
			w, ok := c.constExpr(en.wexpr, "a transition weight", stdlib.Int, stdlib.Float)
			if !ok {
				bad = true
				continue
			}
			en.w = w
		} else if en.w.K == stdlib.Null {
			continue // reported
		}
		if f := en.w.Num(); !(f >= 0) || math.IsInf(f, 0) {
			c.err(en.weight.Ptr(), "Invalid weight", "Transition weights must be zero or positive, got %v.", f)
			bad = true
			continue
		}
		sp.targets = append(sp.targets, target)
		sp.Next = append(sp.Next, Transition{To: en.to, Weight: en.w.Num()})
		ws = append(ws, en.w.Num())
		sum += en.w.Num()
	}
	if len(ws) == 0 || unknown || bad {
		return
	}
	if sum == 0 {
		c.err(e.Range().Ptr(), "Invalid next", "The transition weights sum to zero; at least one must be positive.")
		return
	}
	if math.Abs(sum-1) > 1e-9 && !slices.ContainsFunc(ws, func(w float64) bool { return w >= 1 }) {
		// { search = 0.3, list = 0.3 } reads as probabilities with
		// the rest ending the session, but weights are normalised.
		var shares []string
		for _, t := range sp.Next {
			shares = append(shares, fmt.Sprintf("%s %.1f%%", t.To, 100*t.Weight/sum))
		}
		hint := "If they are probabilities, make them sum to 1."
		if sum < 1 && !slices.ContainsFunc(sp.Next, func(t Transition) bool { return t.To == "end" }) {
			hint = fmt.Sprintf("If they are probabilities, add end = %g for the rest to end the session.", math.Round((1-sum)*1e9)/1e9)
		}
		c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Weights do not sum to 1",
			Detail: fmt.Sprintf("The weights are all below 1, like probabilities, but sum to %g. They are weights, normalised: %s. %s",
				math.Round(sum*1e9)/1e9, strings.Join(shares, ", "), hint),
			Subject: e.Range().Ptr()})
	}
	sp.next = stdlib.NewAlias(ws)
}

// emit compiles an emit block into a field tree whose leaves are the
// expressions evaluated per record.
func (c *compiler) emit(s *scope, fp *FlowPlan, where string, em *dsl.Emit) *emitPlan {
	ep := &emitPlan{id: c.emits}
	// A session of one event (bank's transactions: max_events = 1) emits
	// each record once: a field that changes at most per session is
	// evaluated with the others, not evaluated at the session's start,
	// kept in its store and copied from there (no draw is moved: such a
	// field draws nothing). A for_each emit keeps the cache: its fields
	// are evaluated once per element.
	oneEvent := fp.maxEvents != nil && fp.maxEvents.isC && fp.maxEvents.typ == stdlib.Int &&
		fp.maxEvents.val.K == stdlib.Int && fp.maxEvents.val.I <= 1 && em.ForEach == nil
	c.emits++
	c.plan.emits = c.emits
	if em.ForEach != nil {
		l := s.compile(em.ForEach)
		if l.typ != stdlib.List && l.typ != stdlib.Any && l.typ != stdlib.Null {
			c.err(em.ForEach.Range().Ptr(), "Invalid for_each", "for_each takes a list (one record per element), got %s.", l.typ)
		}
		ep.each = l
		es := *s
		es.each = l
		s = &es
	}
	shape := &rec.Emit{Where: where}
	var build func(name string, e hcl.Expression) *rec.Field
	build = func(name string, e hcl.Expression) *rec.Field {
		switch x := e.(type) {
		case *hclsyntax.ObjectConsExpr:
			f := &rec.Field{Name: name, Kind: rec.Object}
			seen := map[string]bool{}
			for _, it := range x.Items {
				k, ok := s.objectKey(it.KeyExpr)
				if !ok {
					continue
				}
				if seen[k] {
					c.err(it.KeyExpr.Range().Ptr(), "Duplicate key", "The key %q appears more than once.", k)
					continue
				}
				seen[k] = true
				f.Children = append(f.Children, build(k, it.ValueExpr))
			}
			return f
		case *hclsyntax.TupleConsExpr:
			f := &rec.Field{Name: name, Kind: rec.List}
			for _, el := range x.Exprs {
				f.Children = append(f.Children, build("", el))
			}
			return f
		case *hclsyntax.FunctionCallExpr:
			if x.Name == "json" && len(x.Args) == 1 {
				return &rec.Field{Name: name, Kind: rec.JSON, Children: []*rec.Field{build("", x.Args[0])}}
			}
		}
		x := s.compile(e)
		s.strayErrs(x.strays, fmt.Sprintf("the field %s at %s", strconv.Quote(name), posString(e.Range())))
		f := &rec.Field{Name: name, Kind: rec.Leaf, Slot: len(ep.leaves), Type: x.typ}
		if x.isC {
			v := x.val
			f.Const = &v
		}
		ep.leaves = append(ep.leaves, x)
		cached := -1
		if !x.isC && !oneEvent && c.exprLevel(e) <= perSession {
			// A common field is one expression shared by every state's
			// emit: evaluate it once per session, not once per state.
			if i, ok := fp.leafOf[e]; ok && !refersToState(e) {
				cached = i
			} else {
				cached = len(fp.sessionLeaves)
				fp.sessionLeaves = append(fp.sessionLeaves, x)
				fp.leafOf[e] = cached
			}
		}
		ep.cached = append(ep.cached, cached)
		return f
	}
	seen := map[string]bool{}
	for _, a := range em.Fields {
		seen[a.Name] = true
		shape.Fields = append(shape.Fields, build(a.Name, a.Expr))
	}
	shape.Leaves = len(ep.leaves)
	ep.shape = shape
	ep.finish()
	c.addToStream(em, shape)
	return ep
}

func (c *compiler) addToStream(em *dsl.Emit, shape *rec.Emit) {
	var st *rec.Stream
	for _, s := range c.plan.Streams {
		if s.Name == em.Stream {
			st = s
		}
	}
	if st == nil {
		st = &rec.Stream{Name: em.Stream}
		c.plan.Streams = append(c.plan.Streams, st)
	}
	shape.ID = len(st.Emits)
	shape.Stream = st
	st.Emits = append(st.Emits, shape)
	for _, f := range shape.Fields {
		typ := f.Type
		if f.Kind != rec.Leaf {
			typ = stdlib.Any
		}
		found := false
		for i := range st.Columns {
			if st.Columns[i].Name == f.Name {
				found = true
				if st.Columns[i].Type != typ {
					st.Columns[i].Type = unify(st.Columns[i].Type, typ)
				}
			}
		}
		if !found {
			st.Columns = append(st.Columns, rec.Column{Name: f.Name, Type: typ})
		}
	}
}

func (c *compiler) sinks() {
	var streamNames []string
	for _, s := range c.plan.Streams {
		streamNames = append(streamNames, s.Name)
	}
	used := map[string]bool{}
	paths := map[string]*dsl.Sink{} // cleaned file path → the sink declaring it
	var stdout *dsl.Sink            // the first stdout sink: standard output holds one
	vctx := c.varContext()
	for _, sd := range c.sc.Sinks {
		var st *rec.Stream
		for _, s := range c.plan.Streams {
			if s.Name == sd.Stream {
				st = s
			}
		}
		if st == nil && c.skippedStreams[sd.Stream] {
			used[sd.Stream] = true // its flow's actor is reported
			continue
		}
		if st == nil {
			if em := c.emitMisspells(sd.Stream); em != nil {
				// emit "evnts" and this sink of "events", or emit
				// "events" and a sink of "event": either name may be
				// the misspelt one, so the one error names both.
				used[em.Stream] = true // no second error at the emit
				c.err(sd.StreamRange.Ptr(), "Unknown stream",
					"No state emits to a stream named %q, and no sink writes the stream %q that state %q emits to (%s): one of the two names is misspelt. "+
						"Make them the same: stream = %q here, or emit %q there.",
					sd.Stream, em.Stream, em.State, fmt.Sprintf("%s:%d:%d", em.StreamRange.Filename, em.StreamRange.Start.Line, em.StreamRange.Start.Column),
					em.Stream, sd.Stream)
				continue
			}
			c.err(sd.StreamRange.Ptr(), "Unknown stream", "No state emits to a stream named %q.%s", sd.Stream, suggest(sd.Stream, streamNames))
			continue
		}
		used[st.Name] = true
		t, ok := c.sreg.Lookup(sd.Type)
		if !ok {
			c.err(sd.TypeRange.Ptr(), "Unknown sink type", "There is no sink type %q; available: %v.%s", sd.Type, c.sreg.Names(), suggest(sd.Type, c.sreg.Names()))
			continue
		}
		sk, ds := t.New(sinks.Decl{Name: sd.Name, Type: sd.Type, Stream: st, Body: varBody{sd.Body, vctx}, DeclRange: sd.DeclRange, Loc: c.plan.Loc})
		// An argument the sink type requires is missing: point at the
		// block's header, not at its opening brace.
		ds = dsl.MissingAtHeader(ds, &hcl.Block{Type: "sink", Labels: []string{sd.Name}, DefRange: sd.DeclRange, Body: sd.Body})
		c.sinkArgHints(ds, t)
		c.diags = append(c.diags, ds...)
		if sk == nil || ds.HasErrors() {
			continue
		}
		if sd.Type == "stdout" {
			// Two buffered writers on one standard output interleave
			// their buffers, cutting records in half.
			if stdout != nil {
				c.err(sd.TypeRange.Ptr(), "Second stdout sink",
					"Sinks %q (at %s) and %q both write to standard output, where their records would be cut into each other. "+
						"Keep one stdout sink (a stream of its own can gather what both should print), or write one of them to a file.",
					stdout.Name, posString(stdout.TypeRange), sd.Name)
				continue
			}
			stdout = sd
		}
		if fo, ok := sk.(sinks.FileOutput); ok {
			p := filepath.Clean(fo.OutputPath())
			if prev := paths[p]; prev != nil {
				c.err(sinkPathRange(sd).Ptr(), "Duplicate sink path",
					"Sinks %q (path at %s) and %q both write %q: one would overwrite the other's file. Give each sink its own path.",
					prev.Name, posString(sinkPathRange(prev)), sd.Name, fo.OutputPath())
				continue
			}
			paths[p] = sd
			if m, _ := filepath.Match("manifest*.json", p); m {
				c.err(sinkPathRange(sd).Ptr(), "Reserved file name",
					"Sink %q writes %q, where the run writes its manifest (manifest.json, or manifest.shard-i-of-N.json for a shard), which would replace it. Give the sink another name or a directory of its own.",
					sd.Name, fo.OutputPath())
				continue
			}
		}
		sp := &SinkPlan{Name: sd.Name, Type: sd.Type, Stream: st, Sink: sk, At: sd.DeclRange}
		if _, ok := sk.(sinks.FileOutput); ok {
			sp.At = sinkPathRange(sd)
		}
		c.plan.Sinks = append(c.plan.Sinks, sp)
	}
	// Wire emits to the sinks of their stream.
	for _, f := range c.plan.Flows {
		for _, st := range f.States {
			for _, em := range st.Emits {
				for i, sp := range c.plan.Sinks {
					if sp.Stream == em.shape.Stream {
						em.sinks = append(em.sinks, i)
						if nn, ok := sp.Sink.(sinks.NoNUL); ok && em.noNUL == nil {
							c.noNUL(em, sp.Name, nn.NoNUL())
						}
						if fp, ok := sp.Sink.(sinks.FieldPartitioned); ok {
							em.partChecks = append(em.partChecks, partitionChecks(em, sp.Name, fp.PartitionFields())...)
						}
					}
				}
			}
		}
	}
	// The streams sinks write: an emit to a stream of no sink whose name
	// is close to one of them is a misspelling, whose records would be
	// thrown away.
	written := c.sinkStreams()
	for _, f := range c.sc.Flows {
		for _, st := range f.States {
			for _, em := range st.Emits {
				if used[em.Stream] {
					continue
				}
				used[em.Stream] = true // once per stream
				if m := closeStream(em.Stream, written); m != "" {
					c.err(em.StreamRange.Ptr(), "Stream has no sink",
						"No sink writes stream %q, so its records would be generated and thrown away. Did you mean %q? "+
							"(A stream without a sink, emitted on purpose, needs a name not this close to one a sink writes; or add a sink with stream = %q.)",
						em.Stream, m, em.Stream)
					continue
				}
				c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Stream has no sink",
					Detail:  fmt.Sprintf("Records emitted to %q are generated but not written; add a sink with stream = %q.%s", em.Stream, em.Stream, suggest(em.Stream, written)),
					Subject: em.StreamRange.Ptr()})
			}
		}
	}
}

// sinkStreams are the streams the scenario's sinks name, those no state
// emits to as well (a sink of "events" beside emit "evnts"), so that an
// emit's stream close to one of them is the error (Stream has no sink).
func (c *compiler) sinkStreams() []string {
	var written []string
	for _, sd := range c.sc.Sinks {
		if !slices.Contains(written, sd.Stream) {
			written = append(written, sd.Stream)
		}
	}
	return written
}

// emitMisspells finds an emit whose stream, which no sink writes, is close
// to stream, which a sink names and no state emits to: one of the two is
// misspelt.
func (c *compiler) emitMisspells(stream string) *misspeltEmit {
	written := c.sinkStreams()
	for _, f := range c.sc.Flows {
		for _, st := range f.States {
			for _, em := range st.Emits {
				if !slices.Contains(written, em.Stream) && closeStream(em.Stream, written) == stream {
					return &misspeltEmit{Stream: em.Stream, State: st.Name, StreamRange: em.StreamRange}
				}
			}
		}
	}
	return nil
}

// misspeltEmit is the first emit to a stream that emitMisspells found.
type misspeltEmit struct {
	Stream, State string
	StreamRange   hcl.Range
}

// closeStream is the name among written that stream is a misspelling
// of: the closest within a small edit distance (see suggest), for a name
// of four characters or more ("a" and "b" are near any short name).
func closeStream(stream string, written []string) string {
	if len([]rune(stream)) < 4 {
		return ""
	}
	return nameSuggestion(stream, written)
}

func (c *compiler) transitions(s *scope, sp *StatePlan, ts []*dsl.Transition, stateIdx map[string]int, names []string) {
	sp.hasTrans = true
	sp.otherwise = -1
	seenOtherwise := false
	// Guards across attributes (chooseTransition): a transition's
	// probability is drawn only when its when holds; a transition with a
	// when alone, when that holds, is taken, so the transitions after it
	// (their when and probability) run only where it did not hold, and
	// the weighted ones' whens, read after all of those, only where none
	// did. A guard that may tell an experiment param's values apart
	// (mayGuard) keeps them from those uses, as a conditional's condition
	// keeps them from its branches: they are not checked there.
	whenOnly := func(t *dsl.Transition) bool {
		return t.When != nil && !t.Otherwise && t.Weight == nil && t.Probability == nil
	}
	anyGuard, earlier := false, false
	for _, t := range ts {
		anyGuard = anyGuard || whenOnly(t) && guardsParams(t.When)
	}
	for _, t := range ts {
		guard := earlier || t.Weight != nil && anyGuard && !t.Otherwise
		if guard {
			s.guarded++
		}
		c.transition(s, sp, t, stateIdx, names, &seenOtherwise, t.When != nil && guardsParams(t.When))
		if guard {
			s.guarded--
		}
		earlier = earlier || whenOnly(t) && guardsParams(t.When)
	}
	sp.weightSums()
}

// weightSums fills wGuards and wSums for chooseTransition's weighted
// draw: the sum of the eligible weights for each set of whens that fail,
// added in order as the general draw adds them (a failed one adds 0), so
// the sum, and so the draw, is the same bit for bit. Only for a few
// whens (2^k sums) and at most 64 weighted transitions (a bit each).
func (sp *StatePlan) weightSums() {
	sp.wGuards, sp.wSums = nil, nil
	if len(sp.weighted) == 0 || len(sp.weighted) > 64 {
		return
	}
	for i, t := range sp.weighted {
		if t.when != nil {
			sp.wGuards = append(sp.wGuards, i)
		}
	}
	k := len(sp.wGuards)
	if k > maxWeightGuards {
		sp.wGuards = nil
		return
	}
	sp.wSums = make([]float64, 1<<k)
	for m := range sp.wSums {
		sum := 0.0
		for i, t := range sp.weighted {
			w := 0.0
			if !t.failed(sp.wGuards, m, i) {
				w = t.weight
			}
			sum += w
		}
		sp.wSums[m] = sum
	}
}

// maxWeightGuards is how many weighted transitions of a state may have a
// when for chooseTransition's table of sums (2^k entries).
const maxWeightGuards = 4

// failed: weighted transition i's when is among the failed ones of m, a
// set of bits over guards (positions in weighted).
func (t *transPlan) failed(guards []int, m, i int) bool {
	for j, g := range guards {
		if g == i {
			return m&(1<<j) != 0
		}
	}
	return false
}

// guardsParams: x is a condition that may tell an experiment param's
// values apart (see mayGuard).
func guardsParams(x hcl.Expression) bool {
	e, ok := x.(hclsyntax.Expression)
	return ok && mayGuard(e)
}

// transition compiles one transition block of a state into sp; when its
// when may guard the params its probability reads (whenGuards), the
// probability's values are not checked, as the draw runs only where the
// when holds.
func (c *compiler) transition(s *scope, sp *StatePlan, t *dsl.Transition, stateIdx map[string]int, names []string, seenOtherwise *bool, whenGuards bool) {
	target := -1
	if t.To != "end" {
		i, ok := stateIdx[t.To]
		if !ok {
			c.err(t.ToRange.Ptr(), "Unknown state", "The flow has no state %q (use end to finish the session).%s", t.To, suggest(t.To, append(names, "end")))
			return
		}
		target = i
	}
	tp := transPlan{target: target}
	if t.When != nil {
		tp.when = c.typed(s, t.When, "when", stdlib.Bool)
	}
	sp.Next = append(sp.Next, Transition{To: t.To, Weight: math.NaN()})
	if t.When != nil {
		sp.Next[len(sp.Next)-1].When = c.source(t.When.Range())
	}
	switch {
	case t.Otherwise:
		if *seenOtherwise {
			c.err(t.DeclRange.Ptr(), "Duplicate otherwise", "A state has at most one otherwise transition.")
		}
		*seenOtherwise = true
		sp.otherwise = target
		sp.Next[len(sp.Next)-1].Label = "otherwise"
	case t.Weight != nil:
		w, ok := c.constExpr(t.Weight, "a transition weight", stdlib.Int, stdlib.Float)
		if ok && (!(w.Num() >= 0) || math.IsInf(w.Num(), 0)) {
			c.err(t.Weight.Range().Ptr(), "Invalid weight", "Transition weights must be zero or positive.")
		}
		tp.weight = w.Num()
		sp.weighted = append(sp.weighted, tp)
		sp.Next[len(sp.Next)-1].Weight = w.Num()
		sp.Next[len(sp.Next)-1].Label = "weight"
	case t.Probability != nil:
		if whenGuards {
			s.guarded++
		}
		n := len(c.diags)
		tp.prob = c.typed(s, t.Probability, "probability", stdlib.Float, stdlib.Int)
		typeErr := len(c.diags) == n+1 && c.diags[n].Summary == "Wrong type"
		badKind := false
		cands, strays := tp.prob.cands, tp.prob.strays
		if s.guarded > 0 {
			// A guard may keep the draw from these values.
			cands, strays = nil, nil
		}
		for _, cd := range cands {
			// experiment.x.p: each group's value is a probability.
			if p := cd.v.Num(); (cd.v.K == stdlib.Int || cd.v.K == stdlib.Float) && !(p >= 0 && p <= 1) {
				c.err(cd.rng.Ptr(), "Invalid probability", "%s is %s in %s, and is the probability of the transition at %s: a probability is between 0 and 1.",
					cd.of, cd.v.String(), cd.what, posString(t.Probability.Range()))
			} else if cd.v.K != stdlib.Int && cd.v.K != stdlib.Float {
				// A string or a bool (p = "0.5"): the param's other
				// values being numbers, its kind is none, and only the
				// run would meet it.
				if !badKind && typeErr {
					// Every value is one: said at each value instead
					// of "probability must be a number" at
					// the use.
					c.diags = c.diags[:n]
				}
				badKind = true
				v := cd.v.String()
				if cd.v.K == stdlib.String {
					v = strconv.Quote(v)
				}
				c.err(cd.rng.Ptr(), "Invalid probability", "%s is %s in %s, %s, and is the probability of the transition at %s: a probability is a number between 0 and 1.",
					cd.of, v, cd.what, stdlib.Article(cd.v.K.String()), posString(t.Probability.Range()))
			}
		}
		for _, sc := range strays {
			// experiment.x.p * 0.5 with p = "0.3" in a group.
			c.err(sc.rng.Ptr(), "Invalid probability", "%s is %s in %s, %s, and the probability of the transition at %s takes it through %s, where %s: a probability is a number between 0 and 1.",
				sc.of, candText(sc.v), sc.what, stdlib.Article(sc.v.K.String()), posString(t.Probability.Range()), sc.via, sc.why)
		}
		if tp.prob.isC {
			// An expression that failed to compile (an unknown name) has
			// had its error; its placeholder value is no probability.
			if p := tp.prob.val.Num(); !(p >= 0 && p <= 1) && !c.errorsSince(n) {
				c.err(t.Probability.Range().Ptr(), "Invalid probability", "A probability is between 0 and 1, got %v.", p)
			}
			sp.Next[len(sp.Next)-1].Weight = tp.prob.val.Num()
		} else {
			sp.Next[len(sp.Next)-1].Prob = c.source(t.Probability.Range())
		}
		if whenGuards {
			s.guarded--
		}
		sp.Next[len(sp.Next)-1].Label = "probability"
		sp.seq = append(sp.seq, tp)
	default:
		if t.When == nil {
			c.err(t.DeclRange.Ptr(), "Incomplete transition", "A transition needs when, probability, weight or otherwise = true.")
		}
		sp.Next[len(sp.Next)-1].Label = "when"
		sp.seq = append(sp.seq, tp)
	}
}

// withCommon merges a flow's common fields for the emit's stream: common
// fields first, in their order, each replaced in place by an emit field of
// the same name; then the emit's other fields.
func withCommon(em *dsl.Emit, commons []*dsl.Emit) *dsl.Emit {
	var cm *dsl.Emit
	for _, c := range commons {
		if c.Stream == em.Stream {
			cm = c
		}
	}
	if cm == nil {
		return em
	}
	own := map[string]*dsl.Attr{}
	for _, a := range em.Fields {
		own[a.Name] = a
	}
	out := *em
	out.Fields = nil
	seen := map[string]bool{}
	for _, a := range cm.Fields {
		if o, ok := own[a.Name]; ok {
			out.Fields = append(out.Fields, o)
		} else {
			out.Fields = append(out.Fields, a)
		}
		seen[a.Name] = true
	}
	for _, a := range em.Fields {
		if !seen[a.Name] {
			out.Fields = append(out.Fields, a)
		}
	}
	return &out
}

func refersToState(e hcl.Expression) bool {
	for _, t := range hclsyntax.Variables(e.(hclsyntax.Expression)) {
		if t.RootName() == "state" {
			return true
		}
	}
	return false
}

// sinkPathRange is the range of a sink block's path attribute (the block's
// when it has none).
func sinkPathRange(sd *dsl.Sink) hcl.Range {
	content, _, _ := sd.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "path"}}})
	if a, ok := content.Attributes["path"]; ok {
		return a.Expr.Range()
	}
	return sd.DeclRange
}

// posString is file:line:column of r's start.
func posString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// partitionChecks are the leaves of em that sink partitions its path by
// whose type is known only at run time: a list or an object there stops
// the run (the sink found those typed so at compile time).
func partitionChecks(em *emitPlan, sink string, fields []string) []partCheck {
	var out []partCheck
	for _, name := range fields {
		for _, f := range em.shape.Fields {
			if f.Name == name && f.Kind == rec.Leaf && f.Type == stdlib.Any && !em.leaves[f.Slot].isC &&
				!slices.ContainsFunc(out, func(pc partCheck) bool { return pc.slot == f.Slot }) {
				out = append(out, partCheck{slot: f.Slot, field: name, sink: sink})
			}
		}
	}
	return out
}

// noNUL finds the leaves of em that may hold a string for sink, whose
// text cannot hold a NUL character or bytes that are not UTF-8
// (PostgreSQL's): a constant that holds one is an error now, a leaf whose
// value is known only at run time is checked then (emitPlan.noNUL).
func (c *compiler) noNUL(em *emitPlan, sink, what string) {
	var walk func(fs []*rec.Field, prefix string, in rec.FieldKind)
	walk = func(fs []*rec.Field, prefix string, in rec.FieldKind) {
		for i, f := range fs {
			name := prefix + f.Name
			switch {
			case in == rec.JSON:
				// json(…)'s single child is the field itself: jj.k,
				// not jj[0].k.
				name = prefix
			case f.Name == "":
				name = fmt.Sprintf("%s[%d]", prefix, i)
			case prefix != "":
				name = prefix + "." + f.Name
			}
			// A nested key (a top-level one is a column name, which the
			// sink checks) is written into jsonb: JSON's \u0000 is
			// refused there, and bytes that are not UTF-8 are not text.
			keyBad := prefix != "" && (strings.IndexByte(f.Name, 0) >= 0 || !utf8.ValidString(f.Name))
			if keyBad {
				rng := firstLeaf(em, f)
				if f.Kind == rec.Leaf {
					rng = em.leaves[f.Slot].rng
				}
				summary, detail := keyDetail(f.Name, prefix, sink, what)
				c.err(rng.Ptr(), summary, "%s", detail)
				continue
			}
			if f.Kind != rec.Leaf {
				walk(f.Children, name, f.Kind)
				continue
			}
			l := em.leaves[f.Slot]
			if l.isC {
				if bt := badText(l.val); bt.found {
					summary, detail := textDetail(name, l.val, bt, sink, what)
					c.err(l.rng.Ptr(), summary, "%s", detail)
				}
				continue
			}
			switch l.typ {
			case stdlib.String, stdlib.Any, stdlib.List, stdlib.Object:
				em.noNUL = append(em.noNUL, nulCheck{slot: f.Slot, field: name, sink: sink, what: what})
			}
		}
	}
	walk(em.shape.Fields, "", rec.Object)
	if em.noNUL == nil {
		em.noNUL = []nulCheck{} // checked: none to check at run time
	}
}

// textFault is the first string in a value that PostgreSQL text (or
// jsonb) cannot hold: s holds a NUL character (nul), or is not UTF-8 from
// its byte at.
type textFault struct {
	found, nul bool
	s          string
	at         int
}

// badText finds the first string of v, or of any string (or key) in a
// list or an object (JSON writes NUL as \u0000, which jsonb refuses, and
// would replace a byte that is not UTF-8), that has a NUL character or is
// not UTF-8.
func badText(v Value) textFault {
	switch v.K {
	case stdlib.String:
		return badString(v.S)
	case stdlib.List:
		for _, e := range v.List() {
			if bt := badText(e); bt.found {
				return bt
			}
		}
	case stdlib.Object:
		o := v.Obj()
		if o == nil {
			return textFault{}
		}
		for i, k := range o.Keys {
			if bt := badString(k); bt.found {
				return bt
			}
			if bt := badText(o.Vals[i]); bt.found {
				return bt
			}
		}
	}
	return textFault{}
}

func badString(s string) textFault {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return textFault{found: true, nul: true, s: s, at: i}
	}
	if utf8.ValidString(s) {
		return textFault{}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return textFault{found: true, s: s, at: i}
		}
		i += n
	}
	return textFault{}
}

// textDetail is the summary and detail of an error for field's value v,
// which holds bt, and cannot go to sink.
func textDetail(field string, v Value, bt textFault, sink, what string) (string, string) {
	s := string(stdlib.AppendJSON(nil, v, nil))
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:57], "") + "…"
	}
	if bt.nul {
		return "NUL character for " + what, fmt.Sprintf("Field %q is %s, which holds a NUL character (\\u0000): sink %q writes it to %s, whose text cannot hold one. Leave the character out, or send the stream to another kind of sink.",
			field, s, sink, what)
	}
	where := "is not valid UTF-8"
	if v.K != stdlib.String {
		where = "holds a string that is not valid UTF-8"
	}
	return "Invalid UTF-8 for " + what, fmt.Sprintf("Field %q is %s, which %s (the byte at offset %d%s, 0x%02x, is not UTF-8; it shows as \\ufffd): sink %q writes it to %s, whose text must be UTF-8. Convert the data it comes from (a Parquet string column, say) to UTF-8, or send the stream to another kind of sink.",
		field, s, where, bt.at, ofString(v, bt.s), bt.s[bt.at], sink, what)
}

// ofString names s when it is nested in v, for textDetail.
func ofString(v Value, s string) string {
	if v.K == stdlib.String {
		return ""
	}
	q := string(stdlib.AppendJSON(nil, stdlib.StrV(s), nil))
	if len(q) > 40 {
		q = strings.ToValidUTF8(q[:37], "") + "…"
	}
	return " of " + q
}

// keyDetail is the summary and detail of an error for a nested key that
// cannot go to sink.
func keyDetail(key, prefix, sink, what string) (string, string) {
	k := stdlib.AppendJSON(nil, stdlib.StrV(key), nil)
	if strings.IndexByte(key, 0) >= 0 {
		return "NUL character for " + what, fmt.Sprintf("The key %s of field %q holds a NUL character (\\u0000): sink %q writes it to %s, whose text cannot hold one.", k, prefix, sink, what)
	}
	return "Invalid UTF-8 for " + what, fmt.Sprintf("The key %s of field %q is not valid UTF-8: sink %q writes it to %s, whose text must be UTF-8.", k, prefix, sink, what)
}

// firstLeaf is the source range of f's first leaf (f's if it is one).
func firstLeaf(em *emitPlan, f *rec.Field) hcl.Range {
	for f.Kind != rec.Leaf && len(f.Children) > 0 {
		f = f.Children[0]
	}
	if f.Kind == rec.Leaf {
		return em.leaves[f.Slot].rng
	}
	return hcl.Range{}
}

// sessionZone compiles a flow's session zone: an IANA zone name that
// depends on nothing but the actor (an attribute, a constant), read once
// per actor when its sessions start. A constant one is loaded here.
func (c *compiler) sessionZone(s *scope, fp *FlowPlan, x hcl.Expression) {
	n := len(c.diags)
	ce := c.typed(s, x, "zone (an IANA time zone name)", stdlib.String)
	if ce == nil || len(c.diags) > n {
		return
	}
	if ce.random || c.exprLevel(x) > perActor {
		c.err(x.Range().Ptr(), "Invalid zone", "A session's zone is read once per actor, when its sessions are planned: it may read only the actor "+
			"(its attributes, its index) and constants, such as zone = user.tz. Draw a zone once as an attribute (tz = weighted({ … })) and write user.tz.")
		return
	}
	fp.zoneText = exprText(c.sc, x)
	if ce.isC {
		if ce.val.K != stdlib.String {
			c.err(x.Range().Ptr(), "Invalid zone", "A zone is an IANA time zone name such as \"Asia/Tokyo\", got %s.", ce.val.String())
			return
		}
		loc, err := stdlib.LoadZone(ce.val.S)
		if err != nil {
			c.err(x.Range().Ptr(), "Unknown time zone", "%q is not an IANA time zone name such as \"UTC\", \"Europe/Berlin\" or \"Asia/Seoul\".%s", ce.val.S, zoneHint(ce.val.S))
			return
		}
		fp.zoneLoc = loc
	} else if !c.zoneLeaves(s.entity, fp, x) {
		return
	}
	fp.zone = ce
}

// zoneLeaf is a constant a zone expression may come to: its value and
// where it is written.
type zoneLeaf struct {
	val string
	rng hcl.Range
}

// zoneLeaves checks, at compile time, a session zone that is not one
// constant but takes only constants (zone = user.tz with tz = cond ?
// "America/Chicago" : "Europe/Berlin", a switch or weighted of zone
// names): each is loaded, and one that is no time zone is an error at the
// constant, not at the first run that draws it. It says whether all
// loaded (or the expression is not made of constants only).
func (c *compiler) zoneLeaves(ep *EntityPlan, fp *FlowPlan, x hcl.Expression) bool {
	if ep == nil {
		return true
	}
	var ent *dsl.Entity
	for _, e := range c.sc.Entities {
		if e.Name == ep.Name {
			ent = e
		}
	}
	if ent == nil {
		return true
	}
	leaves, ok := constLeaves(ent, x, 0)
	if !ok {
		return true
	}
	good := true
	if c.zoneChecked == nil {
		c.zoneChecked = map[hcl.Range]bool{}
	}
	for _, l := range leaves {
		if valid, seen := c.zoneChecked[l.rng]; seen {
			good = good && valid // reported for the first flow that reads it
			continue
		}
		_, err := stdlib.LoadZone(l.val)
		c.zoneChecked[l.rng] = err == nil
		if err != nil {
			c.err(l.rng.Ptr(), "Unknown time zone", "%q is not an IANA time zone name such as \"UTC\", \"Europe/Berlin\" or \"Asia/Seoul\".%s "+
				"The session zone of flow %q (zone = %s) may take this value.", l.val, zoneHint(l.val), fp.Name, exprText(c.sc, x))
			good = false
		}
	}
	return good
}

// constLeaves are the constant strings x comes to, following the actor's
// attributes (user.tz) into the entity ent, through conditionals,
// switch, weighted and choice; ok is false when x may come to anything
// else (an attribute of another entity, a function's result, a number).
func constLeaves(ent *dsl.Entity, x hcl.Expression, depth int) (leaves []zoneLeaf, ok bool) {
	if depth > 8 {
		return nil, false
	}
	all := func(xs ...hcl.Expression) ([]zoneLeaf, bool) {
		var out []zoneLeaf
		for _, e := range xs {
			l, ok := constLeaves(ent, e, depth)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, len(out) > 0
	}
	switch e := x.(type) {
	case *hclsyntax.ParenthesesExpr:
		return constLeaves(ent, e.Expression, depth)
	case *hclsyntax.ConditionalExpr:
		return all(e.TrueResult, e.FalseResult)
	case *hclsyntax.FunctionCallExpr:
		switch {
		case e.Name == "switch" && (len(e.Args) == 2 || len(e.Args) == 3):
			obj, isObj := e.Args[1].(*hclsyntax.ObjectConsExpr)
			if !isObj {
				return nil, false
			}
			var xs []hcl.Expression
			for _, it := range obj.Items {
				xs = append(xs, it.ValueExpr)
			}
			if len(e.Args) == 3 {
				xs = append(xs, e.Args[2])
			}
			return all(xs...)
		case e.Name == "weighted" && len(e.Args) == 1:
			obj, isObj := e.Args[0].(*hclsyntax.ObjectConsExpr)
			if !isObj {
				return nil, false
			}
			var xs []hcl.Expression
			for _, it := range obj.Items {
				xs = append(xs, it.KeyExpr)
			}
			return all(xs...)
		case e.Name == "choice" && len(e.Args) == 1:
			tup, isTup := e.Args[0].(*hclsyntax.TupleConsExpr)
			if !isTup {
				return nil, false
			}
			var xs []hcl.Expression
			for _, it := range tup.Exprs {
				xs = append(xs, it)
			}
			return all(xs...)
		}
		return nil, false
	case *hclsyntax.ScopeTraversalExpr:
		t := e.Traversal
		if len(t) != 2 || (t.RootName() != ent.Name && t.RootName() != "actor") {
			return nil, false
		}
		a, isAttr := t[1].(hcl.TraverseAttr)
		if !isAttr {
			return nil, false
		}
		for _, at := range ent.Attributes {
			if at.Name == a.Name {
				return constLeaves(ent, at.Expr, depth+1)
			}
		}
		return nil, false
	case *hclsyntax.ObjectConsKeyExpr:
		if e.ForceNonLiteral {
			return nil, false
		}
		if kw := hcl.ExprAsKeyword(e); kw != "" {
			return []zoneLeaf{{kw, e.Range()}}, true
		}
		return constLeaves(ent, e.Wrapped, depth)
	}
	if len(x.Variables()) > 0 {
		return nil, false
	}
	v, diags := x.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		return nil, false
	}
	return []zoneLeaf{{v.AsString(), x.Range()}}, true
}

// rememberBeforeEmit warns of an emit of state st that reads memory.X
// when st's own remember replaces X: remember runs before the emits, so
// the record gets the value just remembered (null for remember = { X =
// null }), which is rarely what reading memory there meant. A remember
// that updates the slot from itself (n = memory.n + 1, append(memory.l,
// …)) is left alone: the new value is the one meant.
func (c *compiler) rememberBeforeEmit(st *dsl.State, em *dsl.Emit) {
	replaced := map[string]bool{}
	for _, a := range st.Remember {
		self := false
		for _, t := range a.Expr.Variables() {
			self = self || memoryName(t) == a.Name
		}
		if !self {
			replaced[a.Name] = true
		}
	}
	if len(replaced) == 0 {
		return
	}
	exprs := []hcl.Expression{}
	if em.ForEach != nil {
		exprs = append(exprs, em.ForEach)
	}
	for _, f := range em.Fields {
		exprs = append(exprs, f.Expr)
	}
	warned := map[string]bool{}
	for _, e := range exprs {
		for _, t := range e.Variables() {
			name := memoryName(t)
			if !replaced[name] || warned[name] {
				continue
			}
			warned[name] = true
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Emit reads memory remembered in its state",
				Detail: fmt.Sprintf("State %q remembers %s, and remember runs before the emits: the emit sees the value remembered in this state. "+
					"To write the earlier value, read it in set first: set = { prev = memory.%s } and emit ctx.prev.", st.Name, name, name),
				Subject: t.SourceRange().Ptr()})
		}
	}
}

// memoryName is X for a traversal memory.X…, else "".
func memoryName(t hcl.Traversal) string {
	if t.RootName() != "memory" || len(t) < 2 {
		return ""
	}
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// appendsMemory reports whether e is append(memory.NAME, x[, max]): its
// value, when a list, is one append made, holding the elements of an
// actor's memory, which remember kept beyond the session, and x.
func appendsMemory(e hcl.Expression) bool {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "append" || len(call.Args) < 2 || call.ExpandFinal {
		return false
	}
	t, ok := call.Args[0].(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != "memory" {
		return false
	}
	_, ok = t.Traversal[1].(hcl.TraverseAttr)
	return ok
}
