package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// SummaryItem is one comparable fact about a compiled scenario, named by a
// path of blocks ("flow browse", "state view_page", "next search_recipe").
// Value is what is compared; Note describes a block when it is added or
// removed as a whole and is not compared.
type SummaryItem struct {
	Path  []string
	Value string
	Note  string
	// Cmp, when set, is compared instead of Value: the expression with
	// what does not change the plan put in one order (see exprKey).
	Cmp string
	// Order is set for an order that changes the output (entities and
	// flows by position, attributes and fields by draw order, …): two
	// orders differ when the names both hold come in another order
	// (names added or removed are changes of their own). Why says what
	// the order decides.
	Order []string
	Why   string
	// Positional: Order holds "name #position" entries, and a name whose
	// position changes has moved even when the relative order is kept.
	Positional bool
}

// Summary lists a plan's facts in a stable order: scenario settings,
// variables, datasets, distributions, entities, experiments, flows,
// constraints, streams, sinks. Two summaries are compared item by item (DiffSummaries).
type Summary struct {
	Items []SummaryItem
}

// Summarize describes a plan together with the scenario it was compiled
// from: numbers come from the plan (counts, weights, groups, resolved
// variables), expressions that draw per record are compared by their
// source text with comments, layout and number spelling normalised.
func Summarize(sc *dsl.Scenario, p *Plan) *Summary {
	s := &summarizer{sc: sc, p: p, seen: map[string]bool{}}
	s.settings()
	s.variables()
	s.modules()
	s.datasets()
	s.distributions()
	s.entities()
	s.experiments()
	s.flows()
	s.constraints()
	s.streams()
	s.sinks()
	return &Summary{Items: s.items}
}

type summarizer struct {
	sc    *dsl.Scenario
	p     *Plan
	items []SummaryItem
	seen  map[string]bool
}

func (s *summarizer) add(value, note string, path ...string) {
	k := strings.Join(path, "\x00")
	if s.seen[k] {
		return // keys are unique; ordinals below keep them so
	}
	s.seen[k] = true
	s.items = append(s.items, SummaryItem{Path: path, Value: value, Note: note})
}

// order adds an order that decides output (see SummaryItem.Order); an
// order of fewer than two names cannot change.
func (s *summarizer) order(names []string, why string, path ...string) {
	if len(names) < 2 {
		return
	}
	k := strings.Join(path, "\x00")
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.items = append(s.items, SummaryItem{Path: path, Value: strings.Join(names, ", "), Order: names, Why: why})
}

// positions adds an order where each name's position counts, not only
// the order of the names both sides hold: names (a subset) are given with
// their positions among all (see orderChange).
func (s *summarizer) positions(names []string, why string, path ...string) {
	if len(names) == 0 {
		return
	}
	k := strings.Join(path, "\x00")
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.items = append(s.items, SummaryItem{Path: path, Value: strings.Join(names, ", "), Order: names, Why: why, Positional: true})
}

// expr adds an expression's normalised text, when the expression is set.
func (s *summarizer) expr(e hcl.Expression, path ...string) {
	if e == nil {
		return
	}
	text := exprText(s.sc, e)
	s.add(text, "", path...)
	if key := exprKey(s.sc, e); key != text && len(s.items) > 0 && slices.Equal(s.items[len(s.items)-1].Path, path) {
		s.items[len(s.items)-1].Cmp = key
	}
}

// cmp is what two items are compared by.
func (it *SummaryItem) cmp() string {
	if it.Cmp != "" {
		return it.Cmp
	}
	return it.Value
}

func num(f float64) string {
	if math.IsNaN(f) {
		return "(per record)"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func (s *summarizer) time(ms int64) string {
	return string(stdlib.NewTimeFormatter(s.p.Loc).Append(nil, ms))
}

func (s *summarizer) settings() {
	p := s.p
	s.add(p.Name, "", "scenario", "name")
	s.add(strconv.FormatUint(p.Seed, 10), "", "scenario", "seed")
	s.add(p.Loc.String(), "", "scenario", "timezone")
	s.add(s.time(p.Start), "", "scenario", "start")
	s.add(s.time(p.End), "", "scenario", "end")
	if p.Runs != "" {
		s.add(p.Runs, "", "scenario", "runs")
	}
}

func (s *summarizer) variables() {
	for _, v := range s.p.Vars {
		s.add(varText(v.Value), "", "variable "+v.Name)
	}
}

// modules adds each module instance's source and inputs (by their
// normalised text; the module's own definitions follow under their
// qualified names).
func (s *summarizer) modules() {
	for _, m := range s.sc.Modules {
		blk := "module " + m.Name
		s.add("", m.Source, blk)
		s.add(m.Source, "", blk, "source")
		for _, in := range m.Inputs {
			s.expr(in.Expr, blk, "input "+in.Name)
		}
	}
}

func (s *summarizer) datasets() {
	decl := map[string]*dsl.Dataset{}
	for _, d := range s.sc.Datasets {
		decl[d.Name] = d
	}
	for _, d := range s.p.Datasets {
		blk := "dataset " + d.Name
		s.add("", fmt.Sprintf("%d rows", d.Rows()), blk)
		if dd := decl[d.Name]; dd != nil && dd.From != nil {
			s.expr(dd.From, blk, "from")
			s.expr(dd.Where, blk, "where")
		} else if dd != nil {
			s.add(filepath.ToSlash(filepath.Clean(d.Given)), "", blk, "path") // ./data/x.csv is data/x.csv
			if sum, err := fileSHA256(d.Path); err == nil {
				s.add(sum[:12], "", blk, "content sha256")
			}
		}
		s.add(strconv.Itoa(d.Rows()), "", blk, "rows")
		cols := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			cols[i] = c + ":" + d.Types[i].String()
		}
		s.add(strings.Join(cols, ", "), "", blk, "columns")
	}
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var profileKeys = map[string][]string{
	"weekly":  {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
	"monthly": {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
}

func (s *summarizer) distributions() {
	for _, d := range s.sc.Distributions {
		blk := "distribution " + d.Name
		s.add("", d.Kind, blk)
		s.add(d.Kind, "", blk, "kind")
		if w := literalProfile(d); w != nil {
			for i, x := range w {
				var key string
				switch d.Kind {
				case "hourly":
					key = fmt.Sprintf("hour %02d", i)
				default:
					key = profileKeys[d.Kind][i]
				}
				s.add(num(x), "", blk, key)
			}
			continue
		}
		s.expr(d.Expr, blk, d.Kind)
	}
}

// literalProfile returns the weights of an hourly, weekly or monthly
// profile written as literals, so that a diff names the hour or day whose
// weight changed; nil when the profile is not a literal.
func literalProfile(d *dsl.Distribution) []float64 {
	if d.Kind != "hourly" && d.Kind != "weekly" && d.Kind != "monthly" {
		return nil
	}
	v, diags := d.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return nil
	}
	var vals []cty.Value
	switch {
	case v.Type().IsTupleType() || v.Type().IsListType():
		vals = v.AsValueSlice()
		if want := map[string]int{"hourly": 24, "monthly": 12, "weekly": 7}[d.Kind]; len(vals) != want {
			return nil
		}
	case v.Type().IsObjectType() || v.Type().IsMapType():
		keys := profileKeys[d.Kind]
		if keys == nil || len(v.AsValueMap()) != len(keys) {
			return nil
		}
		m := v.AsValueMap()
		for _, k := range keys {
			x, ok := m[k]
			if !ok {
				return nil
			}
			vals = append(vals, x)
		}
	default:
		return nil
	}
	out := make([]float64, len(vals))
	for i, x := range vals {
		if x.Type() != cty.Number || x.IsNull() {
			return nil
		}
		out[i], _ = x.AsBigFloat().Float64()
	}
	return out
}

func (s *summarizer) entities() {
	decl := map[string]*dsl.Entity{}
	for _, e := range s.sc.Entities {
		decl[e.Name] = e
	}
	// An entity's position numbers its actors' random streams and orders
	// their simultaneous events: it matters for an entity that draws, runs
	// flows, or has a parent or children (whose streams derive from it).
	var names []string
	for _, e := range s.p.Entities {
		draws := len(e.Flows) > 0 || len(e.Children) > 0 || e.Parent != nil
		for _, x := range e.attrs {
			draws = draws || (x != nil && x.random)
		}
		if draws {
			names = append(names, fmt.Sprintf("%s #%d", e.Name, e.Index+1))
		}
	}
	s.positions(names, "an entity's actors draw from random streams numbered by the entity's position: their attributes and events change", "entity order")
	for _, e := range s.p.Entities {
		blk := "entity " + e.Name
		d := decl[e.Name]
		if e.Parent != nil {
			// A child's count is drawn per parent actor.
			s.add("", fmt.Sprintf("per %s; attributes %s", e.Parent.Name, strings.Join(e.AttrNames, ", ")), blk)
			s.add(e.Parent.Name, "", blk, "parent")
			if d != nil {
				s.expr(d.Count, blk, "count per parent")
			}
		} else {
			actors := fmt.Sprintf("%d actors", e.Count)
			if e.Count == 1 {
				actors = "1 actor"
			}
			s.add("", actors+"; attributes "+strings.Join(e.AttrNames, ", "), blk)
			s.add(strconv.FormatInt(e.Count, 10), "", blk, "count")
		}
		if d != nil {
			for _, a := range d.Attributes {
				s.expr(a.Expr, blk, "attribute "+a.Name)
			}
		}
		// Attributes draw from the actor's stream in evaluation order
		// (dependencies first, otherwise declaration order); the order
		// of those that draw decides their values.
		var draws []string
		for _, i := range e.order {
			if i < len(e.attrs) && e.attrs[i] != nil && e.attrs[i].random {
				draws = append(draws, e.AttrNames[i])
			}
		}
		s.order(draws, "attributes draw from the actor's stream in this order: their values change", blk, "attribute draw order")
	}
}

func (s *summarizer) experiments() {
	decl := map[string]*dsl.Experiment{}
	for _, x := range s.sc.Experiments {
		decl[x.Name] = x
	}
	for _, x := range s.p.Experiments {
		blk := "experiment " + x.Name
		s.add("", "groups "+strings.Join(x.Groups, ", "), blk)
		d := decl[x.Name]
		if d != nil {
			s.expr(d.Unit, blk, "unit")
		}
		during := "always"
		if x.To != 0 {
			during = s.time(x.From) + " .. " + s.time(x.To)
		}
		s.add(during, "", blk, "during")
		if x.Salt != "" {
			s.add(x.Salt, "", blk, "salt")
		}
		for i, g := range x.Groups {
			s.add(num(x.Weights[i]), "", blk, "group "+g)
		}
		s.order(x.Groups, "units are bucketed by cumulative weight in this order: units change group", blk, "group order")
		for _, name := range x.Params {
			pp := x.params[name]
			if pp == nil {
				continue
			}
			pb := "param " + name
			s.add("", "", blk, pb)
			for i, g := range x.Groups {
				if i < len(pp.vals) {
					s.add(pp.vals[i].String(), "", blk, pb, g)
				}
			}
			s.add(pp.def.String(), "", blk, pb, "default")
			var dp *dsl.ExpParam
			if d != nil {
				for _, q := range d.Params {
					if q.Name == name {
						dp = q
					}
				}
			}
			// An override is named by its condition, not its position:
			// moving one is an order change (below), not a change of
			// the overrides it passes.
			oords := ordinals{}
			var names []string
			var whens []hcl.Expression
			for j, o := range pp.overrides {
				var when hcl.Expression
				ob := fmt.Sprintf("override %d", j+1)
				if dp != nil && j < len(dp.Overrides) && dp.Overrides[j].When != nil {
					when = dp.Overrides[j].When
					ob = oords.name("override when " + exprText(s.sc, when))
				}
				names = append(names, strings.TrimPrefix(ob, "override "))
				whens = append(whens, when)
				var sets []string
				for i, g := range x.Groups {
					if i < len(o.vals) && o.vals[i].K != 255 {
						sets = append(sets, g+" "+o.vals[i].String())
					}
				}
				s.add("", strings.Join(sets, ", "), blk, pb, ob)
				for i, g := range x.Groups {
					if i < len(o.vals) {
						s.add(o.vals[i].String(), "", blk, pb, ob, g)
					}
				}
			}
			// Each two overrides whose order can change a value are an
			// order of their own: moving one past those it commutes with
			// changes nothing.
			for i := range names {
				for j := i + 1; j < len(names); j++ {
					if overridesCommute([]overridePlan{pp.overrides[i], pp.overrides[j]}, []hcl.Expression{whens[i], whens[j]}) {
						continue
					}
					pair := []string{names[i], names[j]}
					key := slices.Clone(pair)
					slices.Sort(key)
					s.order(pair, "overrides are tried in this order: an actor that matches both gets the first one's value", blk, pb, "override order ("+strings.Join(key, "; ")+")")
				}
			}
		}
	}
}

// overridesCommute reports whether the order of a parameter's overrides
// cannot change a value: no condition draws, and every two overrides that
// set a group in common have conditions that exclude each other (each
// requires the same field to equal another constant, as
// user.segment == "A" && … and user.segment == "B" && …).
func overridesCommute(os []overridePlan, whens []hcl.Expression) bool {
	for i := range os {
		if whens[i] == nil || (os[i].when != nil && os[i].when.random) {
			return false
		}
	}
	for i := range os {
		for j := i + 1; j < len(os); j++ {
			common := false
			for g := range os[i].vals {
				if g < len(os[j].vals) && os[i].vals[g].K != 255 && os[j].vals[g].K != 255 {
					common = true
				}
			}
			if common && !exclusive(whens[i], whens[j]) {
				return false
			}
		}
	}
	return true
}

// exclusive reports whether two conditions cannot both hold because each
// is a conjunction that requires one traversal to equal a different
// constant.
func exclusive(a, b hcl.Expression) bool {
	ea, eb := equalities(a), equalities(b)
	for k, va := range ea {
		if vb, ok := eb[k]; ok && !va.RawEquals(vb) {
			return true
		}
	}
	return false
}

// equalities collects the `traversal == constant` terms of a chain of &&.
func equalities(e hcl.Expression) map[string]cty.Value {
	out := map[string]cty.Value{}
	var walk func(e hclsyntax.Expression)
	walk = func(e hclsyntax.Expression) {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			walk(x.Expression)
		case *hclsyntax.BinaryOpExpr:
			switch x.Op {
			case hclsyntax.OpLogicalAnd:
				walk(x.LHS)
				walk(x.RHS)
			case hclsyntax.OpEqual:
				t, c := x.LHS, x.RHS
				if _, ok := t.(*hclsyntax.ScopeTraversalExpr); !ok {
					t, c = c, t
				}
				tr, ok := t.(*hclsyntax.ScopeTraversalExpr)
				if !ok || len(c.Variables()) > 0 {
					return
				}
				if v, diags := c.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
					var b strings.Builder
					for _, step := range tr.Traversal {
						switch st := step.(type) {
						case hcl.TraverseRoot:
							b.WriteString(st.Name)
						case hcl.TraverseAttr:
							b.WriteString("." + st.Name)
						default:
							return // an index: not worth telling apart
						}
					}
					out[b.String()] = v
				}
			}
		}
	}
	if x, ok := e.(hclsyntax.Expression); ok {
		walk(x)
	}
	return out
}

// ordinals names repeated keys "k", "k #2", "k #3" in order.
type ordinals map[string]int

func (o ordinals) name(k string) string {
	o[k]++
	if n := o[k]; n > 1 {
		return fmt.Sprintf("%s #%d", k, n)
	}
	return k
}

func (s *summarizer) flows() {
	plans := map[string]*FlowPlan{}
	perEntity := map[*EntityPlan]int{}
	for _, f := range s.p.Flows {
		plans[f.Name] = f
		perEntity[f.Entity]++
	}
	decl := map[string]*dsl.Flow{}
	for _, f := range s.sc.Flows {
		decl[f.Name] = f
	}
	// A flow's position numbers its random stream, and orders an actor's
	// simultaneous events among its flows: it matters for a flow whose
	// draws reach the output, or whose actor has other flows.
	var names []string
	for _, f := range s.p.Flows {
		if perEntity[f.Entity] > 1 || flowDraws(f, decl[f.Name]) {
			names = append(names, fmt.Sprintf("%s #%d", f.Name, f.Index+1))
		}
	}
	s.positions(names, "a flow draws from a random stream numbered by its position, which also orders an actor's simultaneous events: its events change", "flow order")
	jsonKeys := s.jsonStreams()
	for _, f := range s.sc.Flows {
		fp := plans[f.Name]
		if fp == nil {
			continue
		}
		blk := "flow " + f.Name
		states := fmt.Sprintf("%d states", len(fp.States))
		if len(fp.States) == 1 {
			states = "1 state"
		}
		s.add("", "actor "+fp.Entity.Name+", "+states, blk)
		s.add(fp.Entity.Name, "", blk, "actor")
		s.add(fp.States[fp.Initial].Name, "", blk, "initial")
		if ss := f.Session; ss != nil {
			s.expr(ss.Count, blk, "session count")
			s.expr(ss.Start, blk, "session start")
			s.expr(ss.Every, blk, "session every")
			s.expr(ss.Arrivals, blk, "session arrivals")
			s.expr(ss.MaxEvents, blk, "session max_events")
			s.expr(ss.Zone, blk, "session zone")
		}
		s.expr(f.Gap, blk, "gap")
		cords := ordinals{}
		for _, cm := range f.Commons {
			cb := cords.name("common " + cm.Stream)
			s.add("", "", blk, cb)
			for _, a := range cm.Fields {
				s.expr(a.Expr, blk, cb, "field "+a.Name)
			}
		}
		byName := map[string]*StatePlan{}
		for _, sp := range fp.States {
			byName[sp.Name] = sp
		}
		for _, st := range f.States {
			sp := byName[st.Name]
			sb := "state " + st.Name
			var streams []string
			for _, em := range st.Emits {
				streams = append(streams, em.Stream)
			}
			note := "emits nothing"
			if len(streams) > 0 {
				note = "emits " + strings.Join(streams, ", ")
			}
			s.add("", note, blk, sb)
			for _, a := range st.Set {
				s.expr(a.Expr, blk, sb, "set "+a.Name)
			}
			for _, a := range st.Remember {
				s.expr(a.Expr, blk, sb, "remember "+a.Name)
			}
			if sp != nil {
				s.order(drawOrder(st.Set, sp.sets), "set draws from the flow's stream in this order: the values change", blk, sb, "set draw order")
				s.order(drawOrder(st.Remember, sp.remember), "remember draws from the flow's stream in this order: the values change", blk, sb, "remember draw order")
			}
			s.expr(st.Delay, blk, sb, "delay")
			eords := ordinals{}
			var drawing []string
			for i, em := range st.Emits {
				eb := eords.name("emit " + em.Stream)
				s.add("", "", blk, sb, eb)
				for _, a := range em.Fields {
					s.expr(a.Expr, blk, sb, eb, "field "+a.Name)
				}
				if sp == nil || i >= len(sp.Emits) {
					continue
				}
				ep := sp.Emits[i]
				var fields, random []string
				for _, fd := range ep.shape.Fields {
					fields = append(fields, fd.Name)
					if ep.draws(fd) {
						random = append(random, fd.Name)
					}
				}
				if len(random) > 0 {
					drawing = append(drawing, eb)
				}
				if jsonKeys[em.Stream] {
					s.order(fields, "JSON keys follow this order, and fields draw in it", blk, sb, eb, "field order")
				} else {
					s.order(random, "fields draw from the flow's stream in this order: their values change", blk, sb, eb, "field draw order")
				}
			}
			s.order(drawing, "emits draw from the flow's stream in this order: their values change", blk, sb, "emit draw order")
			if sp != nil {
				s.transitions(st, sp, blk, sb)
			}
		}
	}
}

// transitions lists a state's edges: next = { … } weights as "next TO",
// transition blocks as "transition TO" (numbered when a state has several
// to the same target) with their guard, probability or weight.
func (s *summarizer) transitions(st *dsl.State, sp *StatePlan, blk, sb string) {
	nNext := 0
	if obj, ok := st.Next.(*hclsyntax.ObjectConsExpr); ok {
		nNext = len(obj.Items)
	} else if st.Next != nil {
		nNext = len(sp.Next) // a variable's object: next and transition blocks exclude each other
	}
	if nNext > len(sp.Next) {
		nNext = len(sp.Next)
	}
	var next []string
	for _, t := range sp.Next[:nNext] {
		s.add(num(t.Weight), "", blk, sb, "next "+t.To)
		next = append(next, t.To)
	}
	s.order(next, "the next state is drawn by cumulative weight in this order: the same draws go to other states", blk, sb, "next order")
	tords := ordinals{}
	rest := sp.Next[nNext:]
	// Guarded and probabilistic transitions are tried in order; weighted
	// ones are drawn by cumulative weight in order; otherwise comes last.
	var tried, weighted []string
	defer func() {
		s.order(tried, "transitions with when or probability are tried in this order: the first that holds is taken", blk, sb, "transition order")
		s.order(weighted, "weighted transitions are drawn by cumulative weight in this order: the same draws go to other states", blk, sb, "weighted transition order")
	}()
	for i, t := range st.Transitions {
		tb := tords.name("transition " + t.To)
		switch {
		case t.Otherwise:
		case t.Weight != nil:
			weighted = append(weighted, strings.TrimPrefix(tb, "transition "))
		default:
			tried = append(tried, strings.TrimPrefix(tb, "transition "))
		}
		var pt *Transition
		if i < len(rest) && rest[i].To == t.To {
			pt = &rest[i]
		}
		var parts []string
		if t.When != nil {
			parts = append(parts, "when "+exprText(s.sc, t.When))
		}
		switch {
		case t.Otherwise:
			parts = append(parts, "otherwise")
		case t.Weight != nil && pt != nil:
			parts = append(parts, "weight "+num(pt.Weight))
		case t.Probability != nil && pt != nil && !math.IsNaN(pt.Weight):
			parts = append(parts, "probability "+num(pt.Weight))
		case t.Probability != nil:
			parts = append(parts, "probability "+exprText(s.sc, t.Probability))
		}
		s.add("", strings.Join(parts, ", "), blk, sb, tb)
		if t.When != nil {
			s.expr(t.When, blk, sb, tb, "when")
		}
		switch {
		case t.Otherwise:
			s.add("true", "", blk, sb, tb, "otherwise")
		case t.Weight != nil && pt != nil:
			s.add(num(pt.Weight), "", blk, sb, tb, "weight")
		case t.Probability != nil && pt != nil && !math.IsNaN(pt.Weight):
			s.add(num(pt.Weight), "", blk, sb, tb, "probability")
		case t.Probability != nil:
			s.expr(t.Probability, blk, sb, tb, "probability")
		}
	}
}

// constraints lists each constraint's compiled limits (a min_gap set by a
// variable shows its value) and its rebuild expression.
func (s *summarizer) constraints() {
	decl := map[string]*dsl.Constraint{}
	for _, k := range s.sc.Constraints {
		decl[k.Name] = k
	}
	for _, k := range s.p.Constraints {
		blk := "constraint " + k.Name
		var flows []string
		for _, f := range k.Flows {
			flows = append(flows, f.Name)
		}
		// A constraint applies to its flows as a set: their order in
		// flows = [ … ] changes nothing.
		slices.Sort(flows)
		s.add("", "flows "+strings.Join(flows, ", "), blk)
		s.add(strings.Join(flows, ", "), "", blk, "flows")
		if k.MinGap > 0 {
			s.add(durationText(k.MinGap), "", blk, "min_gap")
		}
		if k.MaxPerDay > 0 {
			s.add(strconv.FormatInt(k.MaxPerDay, 10), "", blk, "max_per_day")
		}
		if len(k.States) > 0 {
			st := slices.Clone(k.States)
			slices.Sort(st)
			s.add(strings.Join(st, ", "), "", blk, "states")
		}
		if k.Quiet {
			s.add(fmt.Sprintf("%02d:%02d .. %02d:%02d", k.QuietFrom/60, k.QuietFrom%60, k.QuietTo/60, k.QuietTo%60), "", blk, "quiet_hours")
		}
		if d := decl[k.Name]; d != nil {
			s.expr(d.Rebuild, blk, "rebuild")
		}
	}
}

// durationText writes milliseconds as Go does, without zero trailing
// units: 15m, 1h30m, 2h, 1.5s.
func durationText(ms int64) string {
	t := (time.Duration(ms) * time.Millisecond).String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}

func (s *summarizer) streams() {
	columns := map[string]bool{}
	for _, sk := range s.p.Sinks {
		if !jsonSink(sk) {
			columns[sk.Stream.Name] = true
		}
	}
	for _, st := range s.p.Streams {
		blk := "stream " + st.Name
		s.add("", fmt.Sprintf("%d fields", len(st.Columns)), blk)
		var names []string
		for _, c := range st.Columns {
			t := c.Type.String()
			if c.Type == stdlib.Any {
				t = "any"
			}
			s.add(t, "", blk, "field "+c.Name)
			names = append(names, c.Name)
		}
		if columns[st.Name] {
			s.order(names, "CSV, Parquet and Postgres columns follow this order", blk, "column order")
		}
	}
}

// jsonSink reports whether a sink writes records as JSON objects, whose
// keys follow each emit's field order (the others write the stream's
// columns).
func jsonSink(sk *SinkPlan) bool {
	switch sk.Type {
	case "jsonl", "kafka":
		return true
	case "stdout":
		return !strings.HasPrefix(sk.Sink.Describe(), "csv")
	}
	return false
}

// jsonStreams are the streams that a JSON sink writes.
func (s *summarizer) jsonStreams() map[string]bool {
	out := map[string]bool{}
	for _, sk := range s.p.Sinks {
		if jsonSink(sk) {
			out[sk.Stream.Name] = true
		}
	}
	return out
}

// draws reports whether a field of the emit (any leaf below it) draws
// from the flow's stream.
func (ep *emitPlan) draws(fd *rec.Field) bool {
	if fd.Kind == rec.Leaf {
		return fd.Slot < len(ep.leaves) && ep.leaves[fd.Slot] != nil && ep.leaves[fd.Slot].random
	}
	for _, c := range fd.Children {
		if ep.draws(c) {
			return true
		}
	}
	return false
}

// flowDraws reports whether a flow's random stream can reach the output:
// it has an expression that draws, a probabilistic choice of the next
// state, an arrival process, a constraint (whose rebuild may draw), or
// reads its session (whose id is drawn). When unsure, it says yes.
func flowDraws(fp *FlowPlan, f *dsl.Flow) bool {
	if f == nil {
		return true
	}
	rnd := func(x *cexpr) bool { return x != nil && x.random }
	if rnd(fp.sessCount) || rnd(fp.sessStart) || rnd(fp.sessEvery) || rnd(fp.maxEvents) || rnd(fp.gap) || fp.arrivals != nil || len(fp.cons) > 0 {
		return true
	}
	for _, sp := range fp.States {
		if rnd(sp.delay) || len(sp.weighted) > 0 || len(sp.Next) > 1 {
			return true
		}
		for _, t := range sp.seq {
			if t.prob != nil || rnd(t.when) {
				return true
			}
		}
		for _, st := range [][]setPlan{sp.sets, sp.remember} {
			for _, x := range st {
				if rnd(x.expr) {
					return true
				}
			}
		}
		for _, ep := range sp.Emits {
			for _, l := range ep.leaves {
				if rnd(l) {
					return true
				}
			}
		}
	}
	for _, x := range fp.sessionLeaves {
		if rnd(x) {
			return true
		}
	}
	// session.id (and the session object) comes from the stream.
	var exprs []hcl.Expression
	if ss := f.Session; ss != nil {
		exprs = append(exprs, ss.Count, ss.Start, ss.Every, ss.Arrivals, ss.MaxEvents, ss.Zone)
	}
	exprs = append(exprs, f.Gap)
	emits := append([]*dsl.Emit(nil), f.Commons...)
	for _, st := range f.States {
		exprs = append(exprs, st.Next, st.Delay)
		for _, t := range st.Transitions {
			exprs = append(exprs, t.When, t.Probability, t.Weight)
		}
		for _, a := range append(append([]*dsl.Attr(nil), st.Set...), st.Remember...) {
			exprs = append(exprs, a.Expr)
		}
		emits = append(emits, st.Emits...)
	}
	for _, em := range emits {
		for _, a := range em.Fields {
			exprs = append(exprs, a.Expr)
		}
	}
	for _, e := range exprs {
		if e == nil {
			continue
		}
		for _, t := range e.Variables() {
			if t.RootName() == "session" {
				return true
			}
		}
	}
	return false
}

// drawOrder names the entries of a set or remember that draw, in order.
func drawOrder(attrs []*dsl.Attr, plans []setPlan) []string {
	var out []string
	for i, a := range attrs {
		if i < len(plans) && plans[i].expr != nil && plans[i].expr.random {
			out = append(out, a.Name)
		}
	}
	return out
}

func (s *summarizer) sinks() {
	for _, sk := range s.p.Sinks {
		blk := "sink " + sk.Name
		s.add("", sk.Type+", stream "+sk.Stream.Name, blk)
		s.add(sk.Type, "", blk, "type")
		s.add(sk.Stream.Name, "", blk, "stream")
		s.add(sk.Sink.Describe(), "", blk, "output")
	}
}

// exprText is an expression's source with comments dropped, line breaks
// inside objects turned into commas, number literals without trailing
// zeros after the point, and spacing as `scen fmt` writes it: two
// spellings of one expression give one text.
func exprText(sc *dsl.Scenario, e hcl.Expression) string {
	src, r, ok := exprSource(sc, e)
	if !ok {
		return ""
	}
	return normText(src, r)
}

// exprSource is an expression's source bytes.
func exprSource(sc *dsl.Scenario, e hcl.Expression) ([]byte, hcl.Range, bool) {
	r := e.Range()
	f := sc.Files[r.Filename]
	if f == nil || r.Start.Byte < 0 || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return nil, r, false
	}
	return f.Bytes[r.Start.Byte:r.End.Byte], r, true
}

// exprKey is exprText with what the plan does not depend on put in one
// order: the branches of every switch() (a branch is looked up by its
// key) and the hourly, weekly and monthly profiles of arrivals() (each
// fills its own slot; dates profiles multiply in order and keep it).
// weighted() draws by cumulative weight in order, and object fields are
// written in order: their order stays.
func exprKey(sc *dsl.Scenario, e hcl.Expression) string {
	node, ok := e.(hclsyntax.Node)
	src, r, ok2 := exprSource(sc, e)
	if !ok || !ok2 {
		return exprText(sc, e)
	}
	type part struct {
		rng  hcl.Range
		text func() string
	}
	var parts []part
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok || len(call.Args) < 2 {
			return nil
		}
		var p part
		switch arg := call.Args[1].(type) {
		case *hclsyntax.ObjectConsExpr:
			if call.Name != "switch" || len(call.Args) != 2 {
				return nil
			}
			p = part{arg.Range(), func() string { return switchBranches(sc, arg) }}
		case *hclsyntax.TupleConsExpr:
			// arrivals(rate, [profiles…]) or, with active days,
			// arrivals(rate, [profiles…], share).
			if call.Name != "arrivals" || len(call.Args) > 3 {
				return nil
			}
			p = part{arg.Range(), func() string { return arrivalProfiles(sc, arg) }}
			if len(call.Args) == 3 {
				// The share of active days is part of the part, and a
				// constant 1 (every day) is the call without it: the
				// same process, byte for byte.
				third := call.Args[2]
				p.rng = hcl.RangeBetween(arg.Range(), third.Range())
				p.text = func() string {
					if v, diags := third.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.Number && v.Equals(cty.NumberIntVal(1)).True() {
						return arrivalProfiles(sc, arg)
					}
					return arrivalProfiles(sc, arg) + ", " + exprText(sc, third)
				}
			}
		default:
			return nil
		}
		if p.rng.Filename != r.Filename || p.rng.Start.Byte < r.Start.Byte || p.rng.End.Byte > r.End.Byte {
			return nil
		}
		// Outermost only: what is inside a part is put in order when
		// the part is.
		for _, q := range parts {
			if q.rng.Start.Byte <= p.rng.Start.Byte && p.rng.End.Byte <= q.rng.End.Byte {
				return nil
			}
		}
		parts = append(parts, p)
		return nil
	})
	if len(parts) == 0 {
		return exprText(sc, e)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].rng.Start.Byte < parts[j].rng.Start.Byte })
	// Each part is replaced by a placeholder name, the rest is
	// normalised as exprText does, and the placeholders by the parts in
	// their order.
	var b []byte
	at := r.Start.Byte
	for i, p := range parts {
		b = append(append(b, src[at-r.Start.Byte:p.rng.Start.Byte-r.Start.Byte]...), fmt.Sprintf("scen__part__%d", i)...)
		at = p.rng.End.Byte
	}
	b = append(b, src[at-r.Start.Byte:]...)
	out := normText(b, r)
	for i, p := range parts {
		out = strings.Replace(out, fmt.Sprintf("scen__part__%d", i), p.text(), 1)
	}
	return out
}

// switchBranches is a switch's branches in key order.
func switchBranches(sc *dsl.Scenario, obj *hclsyntax.ObjectConsExpr) string {
	type branch struct{ key, text string }
	var bs []branch
	for _, it := range obj.Items {
		k := hcl.ExprAsKeyword(it.KeyExpr)
		if k == "" {
			if v, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
				k = v.AsString()
			} else {
				k = exprText(sc, it.KeyExpr)
			}
		}
		bs = append(bs, branch{k, strconv.Quote(k) + " = " + exprKey(sc, it.ValueExpr)})
	}
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].key < bs[j].key })
	texts := make([]string, len(bs))
	for j, x := range bs {
		texts[j] = x.text
	}
	return "{ " + strings.Join(texts, ", ") + " }"
}

// arrivalProfiles is an arrivals() profile list with its hourly, weekly
// and monthly profiles sorted, before the others in their order.
func arrivalProfiles(sc *dsl.Scenario, list *hclsyntax.TupleConsExpr) string {
	kinds := map[string]string{}
	for _, d := range sc.Distributions {
		kinds["distribution."+d.Name] = d.Kind
	}
	var slotted, rest []string
	for _, it := range list.Exprs {
		t := exprText(sc, it)
		switch kinds[t] {
		case "hourly", "weekly", "monthly":
			slotted = append(slotted, t)
		default:
			rest = append(rest, t)
		}
	}
	slices.Sort(slotted)
	return "[" + strings.Join(append(slotted, rest...), ", ") + "]"
}

// normText normalises the source of an expression that starts at r.Start.
func normText(src []byte, r hcl.Range) string {
	toks, diags := hclsyntax.LexExpression(src, r.Filename, r.Start)
	if diags.HasErrors() {
		return strings.Join(strings.Fields(string(src)), " ")
	}
	var b strings.Builder
	var stack []hclsyntax.TokenType
	var prev hclsyntax.TokenType
	prevEnd, newline := -1, false
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenEOF:
			continue
		case hclsyntax.TokenNewline:
			newline = true
			continue
		case hclsyntax.TokenComment:
			newline = newline || strings.HasSuffix(string(t.Bytes), "\n")
			continue
		}
		if b.Len() > 0 {
			inObject := len(stack) > 0 && stack[len(stack)-1] == hclsyntax.TokenOBrace
			switch {
			case newline && inObject && prev != hclsyntax.TokenOBrace && prev != hclsyntax.TokenComma &&
				t.Type != hclsyntax.TokenCBrace && t.Type != hclsyntax.TokenComma && !isOperator(prev) && !isOperator(t.Type):
				b.WriteString(", ")
			case newline || t.Range.Start.Byte > prevEnd:
				b.WriteByte(' ')
			}
		}
		text := string(t.Bytes)
		switch t.Type {
		case hclsyntax.TokenNumberLit:
			text = normNumber(text)
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, t.Type)
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		b.WriteString(text)
		prev, prevEnd, newline = t.Type, t.Range.End.Byte, false
	}
	out := b.String()
	// hclwrite spaces tokens the way `scen fmt` does.
	formatted := string(hclwrite.Format([]byte("x = " + out + "\n")))
	if strings.HasPrefix(formatted, "x = ") && strings.Count(formatted, "\n") == 1 {
		out = strings.TrimSuffix(strings.TrimPrefix(formatted, "x = "), "\n")
	}
	return out
}

func isOperator(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent,
		hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
		hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
		hclsyntax.TokenQuestion, hclsyntax.TokenColon, hclsyntax.TokenEqual, hclsyntax.TokenFatArrow, hclsyntax.TokenBang:
		return true
	}
	return false
}

// normNumber drops trailing zeros after a decimal point but keeps one
// digit, so 0.10 and 0.1 read alike while 1.0 (a float) stays unlike 1.
func normNumber(s string) string {
	if strings.ContainsAny(s, "eE") || !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// Change is one difference between two summaries.
type Change struct {
	Op       byte // '+' added, '-' removed, '~' changed
	Path     []string
	Old, New string // values; for added and removed blocks, the block's note
	// Block is set when a whole block is added or removed (Old or New is
	// then its note).
	Block bool
	// Note explains a change of order: what moved and what it changes.
	Note string
}

// DiffSummaries lists what changes from a to b. A block added or removed
// as a whole is one change (its contents are not listed). Changes come in
// b's order, with removals where they stood in a.
func DiffSummaries(a, b *Summary) []Change {
	key := func(p []string) string { return strings.Join(p, "\x00") }
	inA := map[string]*SummaryItem{}
	for i := range a.Items {
		inA[key(a.Items[i].Path)] = &a.Items[i]
	}
	inB := map[string]*SummaryItem{}
	for i := range b.Items {
		inB[key(b.Items[i].Path)] = &b.Items[i]
	}
	// covered: an ancestor block is itself added (or removed).
	covered := func(p []string, other map[string]*SummaryItem) bool {
		for k := 1; k < len(p); k++ {
			if _, ok := other[key(p[:k])]; !ok {
				return true
			}
		}
		return false
	}
	// Removals are emitted after the last item before them that b keeps.
	removedAfter := map[string][]*SummaryItem{}
	anchor := ""
	for i := range a.Items {
		it := &a.Items[i]
		k := key(it.Path)
		if _, ok := inB[k]; ok {
			anchor = k
			continue
		}
		// An order on one side only (fewer than two names on the other,
		// or another sink kind) comes with changes of its own.
		if it.Order == nil && !covered(it.Path, inB) {
			removedAfter[anchor] = append(removedAfter[anchor], it)
		}
	}
	var out []Change
	emitRemoved := func(k string) {
		for _, it := range removedAfter[k] {
			out = append(out, itemChange('-', it))
		}
	}
	emitRemoved("")
	for i := range b.Items {
		it := &b.Items[i]
		k := key(it.Path)
		if old, ok := inA[k]; ok {
			if it.Order != nil || old.Order != nil {
				if c, moved := orderChange(old, it); moved {
					out = append(out, c)
				}
				emitRemoved(k)
				continue
			}
			if old.cmp() != it.cmp() {
				out = append(out, Change{Op: '~', Path: it.Path, Old: old.Value, New: it.Value})
			}
			emitRemoved(k)
			continue
		}
		if it.Order == nil && !covered(it.Path, inA) {
			out = append(out, itemChange('+', it))
		}
	}
	groupChanges(out)
	return out
}

// orderChange compares two orders by the names both hold (a name added
// or removed is a change of its own, reported where it is declared).
func orderChange(a, b *SummaryItem) (Change, bool) {
	if a.Positional || b.Positional {
		return positionChange(a, b)
	}
	inB := map[string]bool{}
	for _, n := range b.Order {
		inB[n] = true
	}
	inA := map[string]bool{}
	var oa, ob []string
	for _, n := range a.Order {
		inA[n] = true
		if inB[n] {
			oa = append(oa, n)
		}
	}
	for _, n := range b.Order {
		if inA[n] {
			ob = append(ob, n)
		}
	}
	var moved []string
	for i := range ob {
		if i < len(oa) && oa[i] != ob[i] {
			moved = append(moved, ob[i])
		}
	}
	if len(moved) == 0 {
		return Change{}, false
	}
	if len(moved) > 2 {
		// One name moved far shifts all between: name those outside the
		// longest run the two orders share.
		moved = outsideLCS(oa, ob)
	}
	slices.Sort(moved)
	return Change{Op: '~', Path: b.Path, Old: strings.Join(oa, ", "), New: strings.Join(ob, ", "),
		Note: strings.Join(moved, ", ") + " moved: " + b.Why}, true
}

// outsideLCS returns the names of b outside a longest common subsequence
// of a and b (two orders of the same names).
func outsideLCS(a, b []string) []string {
	n, m := len(a), len(b)
	l := make([][]int, n+1)
	for i := range l {
		l[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	in := map[string]bool{}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			in[b[j]] = true
			i, j = i+1, j+1
		case l[i+1][j] >= l[i][j+1]:
			i++
		default:
			j++
		}
	}
	var out []string
	for _, x := range b {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// positionChange names the entries of b whose position differs in a.
func positionChange(a, b *SummaryItem) (Change, bool) {
	pos := func(it *SummaryItem) map[string]string {
		m := map[string]string{}
		for _, e := range it.Order {
			name, p, _ := strings.Cut(e, " #")
			m[name] = p
		}
		return m
	}
	if !a.Positional || !b.Positional {
		return Change{}, false
	}
	pa, pb := pos(a), pos(b)
	var moved, olds, news []string
	for _, e := range b.Order {
		name, p, _ := strings.Cut(e, " #")
		if q, ok := pa[name]; ok && q != p {
			moved = append(moved, name)
			news = append(news, e)
		}
	}
	if len(moved) == 0 {
		return Change{}, false
	}
	for _, e := range a.Order {
		name, p, _ := strings.Cut(e, " #")
		if q, ok := pb[name]; ok && q != p {
			olds = append(olds, e)
		}
	}
	slices.Sort(moved)
	return Change{Op: '~', Path: b.Path, Old: strings.Join(olds, ", "), New: strings.Join(news, ", "),
		Note: strings.Join(moved, ", ") + " moved: " + b.Why}, true
}

// sections orders the top-level blocks of a summary.
var sections = []string{"scenario", "variable", "module", "dataset", "distribution", "entity", "experiment", "flow", "constraint", "stream", "sink"}

// groupChanges keeps the changes of one top-level block together, blocks
// in section order and, within a section, in order of first change.
func groupChanges(cs []Change) {
	rank := func(top string) int {
		kind, _, _ := strings.Cut(top, " ")
		for i, s := range sections {
			if s == kind {
				return i
			}
		}
		return len(sections)
	}
	first := map[string]int{}
	for i, c := range cs {
		if _, ok := first[c.Path[0]]; !ok {
			first[c.Path[0]] = i
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i].Path[0], cs[j].Path[0]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return first[a] < first[b]
	})
}

func itemChange(op byte, it *SummaryItem) Change {
	c := Change{Op: op, Path: it.Path}
	v := it.Value
	if v == "" {
		v, c.Block = it.Note, true
	}
	if op == '+' {
		c.New = v
	} else {
		c.Old = v
	}
	return c
}

// String renders a change on one line, like
// "~ flow browse, state view_page: next search_recipe 0.45 → 0.5".
// Long values go on lines of their own (see Lines).
func (c Change) String() string { return strings.Join(c.Lines(), "\n") }

// longValue is the width past which old and new values get lines of their own.
const longValue = 48

// Lines renders a change as one line, or three when the values are long.
func (c Change) Lines() []string {
	n := len(c.Path)
	head := string(c.Op) + " " + c.Path[0]
	if n > 1 {
		head = string(c.Op) + " " + strings.Join(c.Path[:n-1], ", ") + ": " + c.Path[n-1]
	}
	switch c.Op {
	case '~':
		var lines []string
		if len(c.Old) > longValue || len(c.New) > longValue {
			lines = []string{head, "    - " + c.Old, "    + " + c.New}
		} else {
			sep := " "
			if n == 1 {
				sep = ": "
			}
			lines = []string{head + sep + c.Old + " → " + c.New}
		}
		if c.Note != "" {
			lines = append(lines, "    ("+c.Note+")")
		}
		return lines
	case '+', '-':
		v := c.New
		if c.Op == '-' {
			v = c.Old
		}
		switch {
		case v == "":
			return []string{head}
		case c.Block:
			return []string{head + " (" + v + ")"}
		case n == 1:
			return []string{head + ": " + v}
		case len(v) > longValue:
			return []string{head, "    " + v}
		}
		return []string{head + " " + v}
	}
	return []string{head}
}

// pctChange writes a change in percent with one decimal, or with two
// significant digits when it is under 0.05 %, which one decimal would
// show as "-0.0%" for a change that is there.
func pctChange(p float64) string {
	if p != 0 && math.Abs(p) < 0.05 {
		return fmt.Sprintf("%+.2g%%", p)
	}
	return fmt.Sprintf("%+.1f%%", p)
}

// DiffEstimates compares two plans' expected records per stream (see
// Plan.Estimate). Both sides simulate the same first actors with the same
// seed, so a difference comes from the change, not from sampling noise.
func DiffEstimates(a, b *Estimate) []Change {
	count := func(e *Estimate, x float64) string {
		if e.Exact {
			return groupDigits(int64(math.Round(x)))
		}
		return "≈" + siCount(x)
	}
	old := map[string]StreamEstimate{}
	for _, s := range a.Streams {
		old[s.Stream] = s
	}
	var out []Change
	for _, s := range b.Streams {
		path := []string{"stream " + s.Stream}
		o, ok := old[s.Stream]
		delete(old, s.Stream)
		switch {
		case !ok:
			out = append(out, Change{Op: '+', Path: path, New: count(b, s.Records)})
		case o.Records != s.Records:
			n := count(b, s.Records)
			if o.Records > 0 {
				n += " (" + pctChange(100*(s.Records-o.Records)/o.Records) + ")"
			}
			out = append(out, Change{Op: '~', Path: path, Old: count(a, o.Records), New: n})
		}
	}
	for _, s := range a.Streams {
		if o, ok := old[s.Stream]; ok {
			out = append(out, Change{Op: '-', Path: []string{"stream " + s.Stream}, Old: count(a, o.Records)})
		}
	}
	return out
}
