package engine

import (
	"math"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/stdlib"
)

// span is a closed range of numbers, lo <= hi.
type span struct{ lo, hi float64 }

// maxSpans bounds how many spans a union keeps: past it the union is
// replaced by its hull (which holds every value it did).
const maxSpans = 16

// drawnSpans is every value expression e, compiled in a flow's session
// settings of entity ep's actors, can take, as a union of spans, when its
// written form shows that at compile time: constants (var.n, 2 * 3), the
// draws whose support is bounded by their arguments (uniform(a, b),
// choice([…]), binomial(n, p) 0..n, zipf(s, n) 1..n, truncnormal(mu,
// sigma, lo, hi)), a conditional's two results, + - * and / of such
// values, floor, ceil and round of one, and an attribute of the actor
// whose own expression is such (per_day = uniform(2, 4)). ok is false
// for anything else (normal, poisson, a dataset's column): its values
// have no bound the source shows.
func (c *compiler) drawnSpans(ep *EntityPlan, e hcl.Expression) ([]span, bool) {
	return c.spansOf(ep, e, 0)
}

func (c *compiler) spansOf(ep *EntityPlan, e hcl.Expression, depth int) ([]span, bool) {
	if depth > 8 || e == nil {
		return nil, false
	}
	if v, ok := c.quietConst(e); ok {
		return []span{{v, v}}, true
	}
	sub := func(e hcl.Expression) ([]span, bool) { return c.spansOf(ep, e, depth+1) }
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return sub(x.Expression)
	case *hclsyntax.ConditionalExpr:
		a, ok := sub(x.TrueResult)
		if !ok {
			return nil, false
		}
		b, ok := sub(x.FalseResult)
		if !ok {
			return nil, false
		}
		return capSpans(append(a, b...)), true
	case *hclsyntax.UnaryOpExpr:
		if x.Op != hclsyntax.OpNegate {
			return nil, false
		}
		a, ok := sub(x.Val)
		if !ok {
			return nil, false
		}
		out := make([]span, len(a))
		for i, s := range a {
			out[i] = span{-s.hi, -s.lo}
		}
		return out, true
	case *hclsyntax.BinaryOpExpr:
		a, ok := sub(x.LHS)
		if !ok {
			return nil, false
		}
		b, ok := sub(x.RHS)
		if !ok {
			return nil, false
		}
		return combine(x.Op, a, b)
	case *hclsyntax.ScopeTraversalExpr:
		return c.attrSpans(ep, x.Traversal, depth)
	case *hclsyntax.FunctionCallExpr:
		return c.callSpans(ep, x, depth)
	}
	return nil, false
}

// quietConst is e's value when it is a constant number, compiled without
// leaving a diagnostic (an expression that is not a constant, or not one
// here, is simply not one).
func (c *compiler) quietConst(e hcl.Expression) (float64, bool) {
	n, owned := len(c.diags), c.owned
	x := c.constScope("a bound").compile(e)
	failed := c.errorsSince(n)
	c.diags, c.owned = c.diags[:n], min(owned, n)
	if failed || x == nil || !x.isC || (x.val.K != stdlib.Int && x.val.K != stdlib.Float) {
		return 0, false
	}
	v := x.val.Num()
	return v, !math.IsNaN(v) && !math.IsInf(v, 0)
}

// attrSpans: an attribute of the actor (ep.NAME or actor.NAME), by its
// own expression.
func (c *compiler) attrSpans(ep *EntityPlan, t hcl.Traversal, depth int) ([]span, bool) {
	if ep == nil || len(t) != 2 || (t.RootName() != ep.Name && t.RootName() != "actor") {
		return nil, false
	}
	a, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return nil, false
	}
	i, ok := ep.attrIdx[a.Name]
	if !ok || ep.attrs[i] == nil || (ep.attrFailed != nil && ep.attrFailed[i]) {
		return nil, false
	}
	if x := ep.attrs[i]; x.isC {
		if x.val.K != stdlib.Int && x.val.K != stdlib.Float {
			return nil, false
		}
		v := x.val.Num()
		return []span{{v, v}}, true
	}
	src := c.plan.sourceIn(ep.attrs[i].rng, moduleOf(ep.Name))
	if src == nil {
		return nil, false
	}
	return c.spansOf(ep, src, depth+1)
}

func (c *compiler) callSpans(ep *EntityPlan, x *hclsyntax.FunctionCallExpr, depth int) ([]span, bool) {
	args := make([][]span, len(x.Args))
	for i, a := range x.Args {
		s, ok := c.spansOf(ep, a, depth+1)
		if !ok && x.Name != "choice" && x.Name != "binomial" && x.Name != "zipf" {
			return nil, false
		}
		args[i] = s
	}
	h := func(i int) span { return hull(args[i]) }
	known := func(i int) bool { return i < len(args) && args[i] != nil }
	switch {
	case x.Name == "uniform" && len(args) == 2:
		a, b := h(0), h(1)
		return []span{{min(a.lo, b.lo), max(a.hi, b.hi)}}, true
	case x.Name == "truncnormal" && len(args) == 4:
		return []span{{h(2).lo, h(3).hi}}, true
	case x.Name == "binomial" && len(args) == 2 && known(0):
		return []span{{0, math.Max(h(0).hi, 0)}}, true
	case x.Name == "zipf" && len(args) == 2 && known(1):
		return []span{{1, math.Max(h(1).hi, 1)}}, true
	case (x.Name == "floor" || x.Name == "ceil" || x.Name == "round") && len(args) == 1:
		out := make([]span, len(args[0]))
		for i, s := range args[0] {
			out[i] = span{math.Floor(s.lo), math.Ceil(s.hi)}
		}
		return out, true
	case x.Name == "choice" && len(args) == 1:
		if known(0) {
			return nil, false // a number is no list
		}
		return c.listSpans(ep, x.Args[0], depth)
	}
	return nil, false
}

// listSpans: the elements of a list written as [ … ], or of a constant
// list of numbers.
func (c *compiler) listSpans(ep *EntityPlan, e hcl.Expression, depth int) ([]span, bool) {
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) > 0 {
		var out []span
		for _, it := range t.Exprs {
			s, ok := c.spansOf(ep, it, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, s...)
		}
		return capSpans(out), true
	}
	n, owned := len(c.diags), c.owned
	x := c.constScope("a bound").compile(e)
	failed := c.errorsSince(n)
	c.diags, c.owned = c.diags[:n], min(owned, n)
	if failed || x == nil || !x.isC || x.val.K != stdlib.List {
		return nil, false
	}
	l := x.val.List()
	if len(l) == 0 {
		return nil, false
	}
	out := make([]span, 0, len(l))
	for _, v := range l {
		if v.K != stdlib.Int && v.K != stdlib.Float {
			return nil, false
		}
		out = append(out, span{v.Num(), v.Num()})
	}
	return capSpans(out), true
}

// combine is a op b, span by span.
func combine(op *hclsyntax.Operation, a, b []span) ([]span, bool) {
	var out []span
	for _, x := range a {
		for _, y := range b {
			var vs [4]float64
			switch op {
			case hclsyntax.OpAdd:
				out = append(out, span{x.lo + y.lo, x.hi + y.hi})
				continue
			case hclsyntax.OpSubtract:
				out = append(out, span{x.lo - y.hi, x.hi - y.lo})
				continue
			case hclsyntax.OpMultiply:
				vs = [4]float64{x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi}
			case hclsyntax.OpDivide:
				if y.lo <= 0 && y.hi >= 0 {
					return nil, false
				}
				vs = [4]float64{x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi}
			default:
				return nil, false
			}
			out = append(out, span{min(vs[0], vs[1], vs[2], vs[3]), max(vs[0], vs[1], vs[2], vs[3])})
		}
	}
	for _, s := range out {
		if math.IsNaN(s.lo) || math.IsNaN(s.hi) || math.IsInf(s.lo, 0) || math.IsInf(s.hi, 0) {
			return nil, false
		}
	}
	return capSpans(out), true
}

func hull(s []span) span {
	h := s[0]
	for _, x := range s[1:] {
		h.lo, h.hi = min(h.lo, x.lo), max(h.hi, x.hi)
	}
	return h
}

func capSpans(s []span) []span {
	if len(s) > maxSpans {
		return []span{hull(s)}
	}
	return s
}

// durUnits are the functions that make a duration of a number, by unit.
var durUnits = map[string]float64{"milliseconds": 1, "seconds": 1000, "minutes": 60000, "hours": 3600000, "days": 86400000}

// durBounds is the least and greatest value, in ms, that a duration
// expression e of a flow of entity ep's actors (a gap or a delay) can
// take, when its written form shows it: a constant ("10m"), uniform(a, b)
// of such, a conditional's two results, and seconds(x), minutes(x), …
// of a number x whose drawnSpans are known (minutes(uniform(5, 15))).
// ok is false for anything else (exponential, a value of the record).
func (c *compiler) durBounds(ep *EntityPlan, e hcl.Expression, depth int) (lo, hi int64, ok bool) {
	if depth > 8 || e == nil {
		return 0, 0, false
	}
	n, owned := len(c.diags), c.owned
	x := c.constScope("a bound").compile(e)
	failed := c.errorsSince(n)
	c.diags, c.owned = c.diags[:n], min(owned, n)
	if !failed && x != nil && x.isC {
		switch x.val.K {
		case stdlib.Duration:
			return x.val.I, x.val.I, true
		case stdlib.String:
			if ms, err := stdlib.ParseDuration(x.val.S); err == nil {
				return ms, ms, true
			}
		}
		return 0, 0, false
	}
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return c.durBounds(ep, x.Expression, depth+1)
	case *hclsyntax.ConditionalExpr:
		alo, ahi, ok := c.durBounds(ep, x.TrueResult, depth+1)
		if !ok {
			return 0, 0, false
		}
		blo, bhi, ok := c.durBounds(ep, x.FalseResult, depth+1)
		return min(alo, blo), max(ahi, bhi), ok
	case *hclsyntax.FunctionCallExpr:
		if u, isUnit := durUnits[x.Name]; isUnit && len(x.Args) == 1 {
			s, ok := c.drawnSpans(ep, x.Args[0])
			if !ok || len(s) == 0 {
				return 0, 0, false
			}
			h := hull(s)
			l, g := math.Floor(h.lo*u), math.Ceil(h.hi*u)
			if !(l >= -stdlib.MaxDurationMs && g <= stdlib.MaxDurationMs) {
				return 0, 0, false
			}
			return int64(l), int64(g), true
		}
		if x.Name == "uniform" && len(x.Args) == 2 {
			alo, ahi, ok := c.durBounds(ep, x.Args[0], depth+1)
			if !ok {
				return 0, 0, false
			}
			blo, bhi, ok := c.durBounds(ep, x.Args[1], depth+1)
			return min(alo, blo), max(ahi, bhi), ok
		}
	}
	return 0, 0, false
}
