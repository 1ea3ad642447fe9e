package engine

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// ExperimentPlan assigns each actor of an entity to a group by hashing a
// unit value, and gives per-group parameter values while it is active.
//
// Assignment (reproducible by anyone): d = MD5(salt + unit), where unit is
// the unit expression's text form and salt defaults to ""; x = the first 8
// bytes of d as a big-endian unsigned integer; u = x / 2^64 in [0, 1]
// (rounded to a float64, so the top 2^10 values of x give 1). The actor is
// in the first group (in declaration order) whose cumulative normalised
// weight exceeds u, or, when none does (u = 1, or a sum that rounded just
// under 1), in the last group of positive weight.
type ExperimentPlan struct {
	// groupsBad: groups had an error (reported there), so the params'
	// group names are not checked against the groups that remain.
	groupsBad bool
	Name      string
	Index     int
	Entity    *EntityPlan
	Groups    []string
	Weights   []float64 // normalised
	From, To  int64     // active window [From, To); To = 0: always active
	Salt      string
	unit      *cexpr
	cum       []float64
	params    map[string]*paramPlan
	Params    []string
}

type paramPlan struct {
	vals      []Value // per group
	def       Value   // outside the window
	overrides []overridePlan
	typ       Kind // the values' common kind (ints and floats: float), else Any
	// cands are the param's values (groups, default, overrides), each
	// where it is written: a call or a probability that reads the param
	// checks each as it checks a constant.
	cands []candidate
}

// candidate is one value an expression may take, known at compile time,
// with where it is written (an experiment param's group value).
type candidate struct {
	v    Value
	rng  hcl.Range
	what string // `group "treat"`, for messages
	of   string // the expression it is a value of (experiment.x.p), for messages
}

// strayCand is a candidate value that an operator on the way from where
// it is read to a use cannot take: "0.3", a string, in experiment.x.p *
// 0.5. The run would fail there, in that group; a use that needs a
// number (a probability, a number argument) reports it where the value
// is written.
type strayCand struct {
	candidate
	via string // the expression the value goes through (experiment.x.p * 0.5)
	why string // string and float cannot be combined with *
}

// kind is the static kind of the param: that of all its values (groups,
// default and overrides) when they agree, float when they mix ints and
// floats (as a conditional between them is), else Any. So a field that
// writes a param gets a typed Parquet or PostgreSQL column.
// floats converts the param's int values to floats, for a param of
// kind float.
func (pp *paramPlan) floats() {
	conv := func(vs []Value) {
		for i, v := range vs {
			if v.K == stdlib.Int {
				vs[i] = stdlib.FloatV(float64(v.I))
			}
		}
	}
	conv(pp.vals)
	if pp.def.K == stdlib.Int {
		pp.def = stdlib.FloatV(float64(pp.def.I))
	}
	for _, o := range pp.overrides {
		conv(o.vals)
	}
}

func (pp *paramPlan) kind() Kind {
	k := stdlib.Null
	add := func(v Value) {
		if v.K != 255 {
			k = unify(k, v.K)
		}
	}
	for _, v := range pp.vals {
		add(v)
	}
	add(pp.def)
	for _, o := range pp.overrides {
		for _, v := range o.vals {
			add(v)
		}
	}
	if k == stdlib.Null {
		return stdlib.Any
	}
	return k
}

type overridePlan struct {
	when *cexpr
	vals []Value
}

// Assign returns the group index for a unit value.
func (x *ExperimentPlan) Assign(unit string) int {
	d := md5.Sum([]byte(x.Salt + unit))
	return x.bucket(float64(binary.BigEndian.Uint64(d[:8])) / math.Exp2(64))
}

// setWeights normalises the groups' weights (finite, >= 0, with a
// positive sum) and their cumulative sums, which Assign compares u with.
func (x *ExperimentPlan) setWeights(ws []float64) {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	x.Weights, x.cum = make([]float64, len(ws)), make([]float64, len(ws))
	acc := 0.0
	for j, w := range ws {
		x.Weights[j] = w / sum
		acc += x.Weights[j]
		x.cum[j] = acc
	}
}

// bucket is the group of u in [0, 1]. No cumulative weight exceeds a u
// of 1 (the top 2^10 hashes round to it) or one just below a sum that
// rounded under 1: such a u belongs to the last group of positive weight,
// never to a group of weight zero declared after it.
func (x *ExperimentPlan) bucket(u float64) int {
	for i, c := range x.cum {
		if u < c { // never a group of weight zero: its c is its predecessor's
			return i
		}
	}
	for i := len(x.Weights) - 1; i > 0; i-- {
		if x.Weights[i] > 0 {
			return i
		}
	}
	return 0
}

func (x *ExperimentPlan) active(t int64) bool {
	return x.To == 0 || (t >= x.From && t < x.To)
}

// badUnit reports a unit that names no entity's attribute, listing the
// attributes it could be: the string and int attributes of the entities
// that run flows (of every entity when none does).
func (c *compiler) badUnit(e hcl.Expression) {
	actors := map[string]bool{}
	for _, f := range c.sc.Flows {
		if t, diags := hcl.AbsTraversalForExpr(f.Actor); !diags.HasErrors() && t.RootName() == "entity" {
			if n, ok := secondName(t); ok {
				actors[n] = true
			}
		}
	}
	var opts []string
	for pass := 0; pass < 2 && len(opts) == 0; pass++ {
		for _, ep := range c.plan.Entities {
			if pass == 0 && !actors[ep.Name] {
				continue
			}
			for i, a := range ep.AttrNames {
				if k := ep.attrTypes[i]; k == stdlib.String || k == stdlib.Int {
					opts = append(opts, ep.Name+"."+a)
				}
			}
		}
	}
	src := strings.TrimSpace(c.source(e.Range()))
	list := ""
	switch {
	case len(opts) == 0:
		list = " No entity has a string or int attribute to hash."
	case len(opts) <= 12:
		list = " One of: " + strings.Join(opts, ", ") + "."
	default:
		list = " One of: " + strings.Join(opts[:12], ", ") + ", …"
	}
	c.err(e.Range().Ptr(), "Invalid unit", "unit is the attribute of the actors being assigned whose value is hashed to pick their group, written ENTITY.ATTRIBUTE (a string or an int), e.g. unit = user.user_id; %s names no entity's attribute.%s%s",
		src, list, suggest(src, opts))
}

// unitEntity finds the entity an experiment's unit refers to.
func (c *compiler) unitEntity(e hcl.Expression) *EntityPlan {
	for _, t := range hclsyntax.Variables(e.(hclsyntax.Expression)) {
		if ep := c.entityNamed(t.RootName()); ep != nil {
			return ep
		}
	}
	return nil
}

func (c *compiler) experiments() {
	for i, d := range c.sc.Experiments {
		c.enter(moduleOf(d.Name))
		x := &ExperimentPlan{Name: d.Name, Index: i, params: map[string]*paramPlan{}}
		c.plan.Experiments = append(c.plan.Experiments, x)
		x.Entity = c.unitEntity(d.Unit)
		if x.Entity == nil {
			// One error: the experiment's uses in flows are quiet (see
			// experimentRef).
			c.badUnit(d.Unit)
			continue
		}
		x.unit = c.typed(&scope{c: c, where: "an experiment unit", entity: x.Entity, hasIndex: true}, d.Unit, "unit", stdlib.String, stdlib.Int)
		if d.Salt != nil {
			if v, ok := c.constExpr(d.Salt, "salt", stdlib.String); ok {
				x.Salt = v.S
			}
		}
		g, ok := c.constExpr(d.Groups, "groups", stdlib.Object)
		x.groupsBad = !ok
		if ok {
			sum := 0.0
			for j, k := range g.Obj().Keys {
				gv := g.Obj().Vals[j]
				if gv.K != stdlib.Int && gv.K != stdlib.Float {
					// Num would read true as 1 and false as 0.
					c.err(objItemRange(d.Groups, k).Ptr(), "Invalid weight", "The weight of group %q must be a number, got %s.", k, gv.K)
					x.groupsBad = true
					continue
				}
				w := gv.Num()
				if !(w >= 0) || math.IsInf(w, 0) {
					c.err(objItemRange(d.Groups, k).Ptr(), "Invalid weight", "The weight of group %q must be zero or positive.", k)
					x.groupsBad = true
					continue
				}
				if k == "default" {
					c.err(objKeyRange(d.Groups, k).Ptr(), "Reserved name", `"default" cannot be a group name; it names a param's value outside the experiment window.`)
				}
				x.Groups = append(x.Groups, k)
				x.Weights = append(x.Weights, w)
				sum += w
			}
			switch {
			case sum == 0 && x.groupsBad:
				// An invalid weight is reported: the sum is not the
				// author's.
			case sum == 0:
				c.err(d.Groups.Range().Ptr(), "Invalid groups", "An experiment needs at least one group with a positive weight.")
			default:
				x.setWeights(x.Weights)
			}
		}
		if d.During != nil {
			c.window(x, d)
		}
		actorScope := &scope{c: c, where: "an experiment override", entity: x.Entity, hasIndex: true}
		for _, p := range d.Params {
			if p.Name == "group" || p.Name == "active" || p.Name == "name" {
				c.err(p.NameRange.Ptr(), "Reserved param name",
					"experiment.%s.%s is the experiment's own %s, so a param of that name could never be read; give the param another name.", x.Name, p.Name, p.Name)
				continue
			}
			pp := &paramPlan{}
			x.params[p.Name] = pp
			x.Params = append(x.Params, p.Name)
			pp.vals = c.groupValues(x, p.Values, p.NameRange, true, &pp.def, &pp.cands)
			for _, o := range p.Overrides {
				op := overridePlan{when: c.typed(actorScope, o.When, "when", stdlib.Bool)}
				op.vals = c.groupValues(x, o.Values, o.DeclRange, false, nil, &pp.cands)
				pp.overrides = append(pp.overrides, op)
			}
			pp.typ = pp.kind()
			if pp.typ == stdlib.Float {
				// Ints with floats: every value is a float (p = 1 in one
				// group, 0.5 in another, is written 1.0).
				pp.floats()
			}
		}
	}
}

func (c *compiler) window(x *ExperimentPlan, d *dsl.Experiment) {
	v, ok := c.constExpr(d.During, "during", stdlib.List)
	if !ok {
		return
	}
	if len(v.List()) != 2 {
		c.err(d.During.Range().Ptr(), "Invalid window", `during is [start, end): two dates or times, e.g. ["2025-08-08", "2025-08-23"].`)
		return
	}
	var ts [2]int64
	for i, e := range v.List() {
		switch e.K {
		case stdlib.Time:
			ts[i] = e.I
		case stdlib.String:
			t, err := stdlib.ParseTime(e.S, c.plan.Loc)
			if err != nil {
				c.err(d.During.Range().Ptr(), "Invalid time", "%s.", err)
				return
			}
			ts[i] = t
		default:
			c.err(d.During.Range().Ptr(), "Invalid window", "during holds dates or times, got %s.", e.K)
			return
		}
	}
	if ts[1] <= ts[0] {
		c.err(d.During.Range().Ptr(), "Empty time window", "The experiment's end must be after its start.")
		return
	}
	x.From, x.To = ts[0], ts[1]
	if c.windowOK && (x.To <= c.plan.Start || x.From >= c.plan.End) {
		c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Experiment outside the window",
			Detail: fmt.Sprintf("Experiment %q runs during [%s, %s), which does not overlap the scenario's window [%s, %s): "+
				"no record falls in it, so experiment.%s.group is null (the field is left out), .active is false and every param has its default.",
				d.Name, c.localText(x.From), c.localText(x.To), c.localText(c.plan.Start), c.localText(c.plan.End), d.Name),
			Subject: d.During.Range().Ptr()})
	}
}

// localText is a time on the scenario's clock as a date, or as a date and
// time of day when it is not midnight there.
func (c *compiler) localText(ms int64) string {
	t := time.UnixMilli(ms).In(c.plan.Loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05")
}

// groupValues reads `group = value` attributes: every group must have one
// (overrides may leave some out, keeping the base value there).
// Each value read is added to cands.
func (c *compiler) groupValues(x *ExperimentPlan, attrs []*dsl.Attr, r hcl.Range, base bool, def *Value, cands *[]candidate) []Value {
	vals := make([]Value, len(x.Groups))
	have := make([]bool, len(x.Groups))
	for _, a := range attrs {
		v, ok := c.constExpr(a.Expr, "a param value", stdlib.Int, stdlib.Float, stdlib.String, stdlib.Bool)
		if !ok {
			continue
		}
		what := fmt.Sprintf("group %q", a.Name)
		if a.Name == "default" {
			what = "default"
		}
		if !base {
			what = "an override's " + what
		}
		if a.Name != "default" || x.To != 0 { // without during, the default is never read
			*cands = append(*cands, candidate{v: v, rng: a.Expr.Range(), what: what})
		}
		if a.Name == "default" && def != nil {
			*def = v
			continue
		}
		gi := indexOfStr(x.Groups, a.Name)
		if gi < 0 && x.groupsBad {
			continue
		}
		if gi < 0 {
			c.err(a.NameRange.Ptr(), "Unknown group", "Experiment %q has no group %q.%s", x.Name, a.Name, suggest(a.Name, x.Groups))
			continue
		}
		vals[gi], have[gi] = v, true
	}
	if base {
		var missing []string
		for i, h := range have {
			if !h {
				missing = append(missing, x.Groups[i])
			}
		}
		if len(missing) > 0 && !x.groupsBad {
			c.err(r.Ptr(), "Missing group value", "Give a value for every group; missing: %s.", strings.Join(missing, ", "))
		}
		if def != nil && def.K == stdlib.Null && len(vals) > 0 {
			*def = vals[0]
		}
	} else {
		for i, h := range have {
			if !h {
				vals[i] = Value{K: 255} // marker: keep the base value
			}
		}
	}
	return vals
}

func indexOfStr(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}

// experimentRef compiles experiment.NAME.{group, active, PARAM}.
func (s *scope) experimentRef(x *hclsyntax.ScopeTraversalExpr) *cexpr {
	t := x.Traversal
	var names []string
	for _, e := range s.c.plan.Experiments {
		names = append(names, e.Name)
	}
	if len(t) < 3 {
		return s.errf(x.SrcRange, "Invalid reference", "Refer to experiment.NAME.group, experiment.NAME.active or experiment.NAME.PARAM.")
	}
	na, ok1 := t[1].(hcl.TraverseAttr)
	fa, ok2 := t[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 {
		return s.errf(x.SrcRange, "Invalid reference", "Refer to experiment.NAME.group, experiment.NAME.active or experiment.NAME.PARAM.")
	}
	var xp *ExperimentPlan
	for _, e := range s.c.plan.Experiments {
		if e.Name == na.Name {
			xp = e
		}
	}
	if xp == nil {
		return s.errf(na.SrcRange, "Unknown experiment", "There is no experiment %q.%s", na.Name, suggestExperiment(na.Name, names))
	}
	if xp.Entity == nil {
		return s.c.quiet(x.SrcRange) // its unit is in error (reported)
	}
	if !s.session || s.entity != xp.Entity {
		return s.errf(x.SrcRange, "Invalid reference", "experiment.%s is available in the states of flows whose actor is %s.", xp.Name, entityName(xp.Entity))
	}
	idx := xp.Index
	var c *cexpr
	switch fa.Name {
	case "group":
		groups := make([]Value, len(xp.Groups))
		for i, g := range xp.Groups {
			groups[i] = stdlib.ConstStr(g) // with its text flags: encoders copy it without a scan
		}
		c = &cexpr{typ: stdlib.String, fn: func(e *Env) Value {
			if !xp.active(e.Now) {
				return Value{}
			}
			return groups[e.x.exp[idx]]
		}}
	case "active":
		c = &cexpr{typ: stdlib.Bool, fn: func(e *Env) Value { return stdlib.BoolV(xp.active(e.Now)) }}
	case "name":
		return konst(stdlib.ConstStr(xp.Name), x.SrcRange)
	default:
		pp, ok := xp.params[fa.Name]
		if !ok {
			opts := append([]string{"group", "active", "name"}, xp.Params...)
			return s.errf(fa.SrcRange, "Unknown experiment field", "Experiment %q has group, active, name and params %v.%s", xp.Name, xp.Params, suggest(fa.Name, opts))
		}
		c = &cexpr{typ: pp.typ, fn: func(e *Env) Value {
			if !xp.active(e.Now) {
				return pp.def
			}
			g := e.x.exp[idx]
			for _, o := range pp.overrides {
				if v := o.vals[g]; v.K != 255 && o.when.eval(e).Truthy() {
					return v
				}
			}
			return pp.vals[g]
		}}
	}
	c.rng = x.SrcRange
	if len(t) > 3 {
		return s.steps(c, t[3:], x.SrcRange)
	}
	if pp, ok := xp.params[fa.Name]; ok {
		of := fmt.Sprintf("experiment.%s.%s", xp.Name, fa.Name)
		c.cands = make([]candidate, len(pp.cands))
		for i, cd := range pp.cands {
			cd.of = of
			c.cands[i] = cd
		}
	}
	return c
}

func entityName(e *EntityPlan) string {
	if e == nil {
		return "?"
	}
	return e.Name
}

// suggestExperiment is suggest, or when no name is a likely typo the one
// declared name that holds the given one (one_click for
// one_click_checkout), or the declared names, or how to declare one.
func suggestExperiment(name string, names []string) string {
	if h := suggest(name, names); h != "" {
		return h
	}
	var holding []string
	for _, n := range names {
		if len(name) >= 3 && strings.Contains(n, name) {
			holding = append(holding, n)
		}
	}
	switch {
	case len(holding) == 1:
		return fmt.Sprintf(" Did you mean %q?", holding[0])
	case len(names) == 0:
		return fmt.Sprintf(" No experiment is declared (experiment %q { unit = …, groups = { … } } declares one).", name)
	case len(names) <= 12:
		o := slices.Clone(names)
		slices.Sort(o)
		return fmt.Sprintf(" Declared: %s.", strings.Join(o, ", "))
	}
	return ""
}
