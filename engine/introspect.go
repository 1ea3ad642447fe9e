package engine

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Spec is what a plan declares, as plain data, for tools that check a
// run's output against it (scen report). It is read from the compiled plan
// and the scenario source; it never runs anything.
type Spec struct {
	Name       string
	Loc        *time.Location
	Start, End int64 // ms
	// From and To are the written window [From, To) (scen run --from,
	// --to): Start and End unless IntrospectWindow narrows them. Records
	// exist only inside it; the simulation still starts at Start.
	From, To    int64
	Streams     []StreamSpec
	Flows       []FlowSpec
	Experiments []ExperimentSpec
	// Constraints are the per-actor timing rules the plan enforces.
	Constraints []ConstraintSpec
}

// StreamSpec says how to read one stream's records.
type StreamSpec struct {
	Name string
	// Fields are the stream's top-level field names.
	Fields []string
	// JSONText are the top-level fields that columnar sinks (Parquet,
	// Postgres) store as JSON text rather than as typed values: nested
	// objects and lists, json(…) fields, fields whose emits disagree on the
	// type (an int in one emit, a string in another) and fields that are
	// only ever null. A Parquet file holds "x" (quoted) where JSON lines
	// hold the string x.
	JSONText []string
	// StateField is a top-level field whose value tells which emit (state)
	// produced a record: state.name, or any constant that differs between
	// the stream's emits. "" when the stream has one emit, or when its
	// emits cannot be told apart.
	StateField string
	// StateFields, when no one field tells the emits apart, are the
	// constant fields that do together: every two emits write different
	// constants to one of them (event = state.name with channel = "card"
	// in one flow and "wire" in another, whose states share names). nil
	// when StateField is set, or when two emits cannot be told apart:
	// Alike names two such, by index into Emits.
	StateFields []string
	Alike       [2]int
	// SessionField is a top-level field that identifies the session (its
	// expression uses session.id); "" when none. When the stream's records
	// all come from one flow that runs one session per actor (a constant
	// count = 1), the actor's field (ActorField) identifies it, and
	// SessionByActor says so.
	SessionField   string
	SessionByActor bool
	// TimeField is a top-level field holding event.time; "" when none.
	TimeField string
	// ActorField is a top-level field unique per actor (an attribute built
	// from index, e.g. user_id = user.user_id, or a random id such as
	// uuid()); "" when none.
	ActorField string
	Emits      []EmitSpec
	// Experiments lists, per experiment, the fields that carry its unit
	// and its group.
	Experiments []ExperimentFields
	// ActorCategoricals are fields holding an actor attribute declared as a
	// constant weighted({…}): their shares are over actors, not records.
	ActorCategoricals []Categorical
}

// EmitSpec is one emit block writing to the stream.
type EmitSpec struct {
	Flow, State string
	// Tag is the value of StateField in this emit's records ("" when the
	// stream has no StateField).
	Tag string
	// Constants are the emit's top-level fields with a constant value, as
	// text ("" for null): a record whose fields differ cannot come from it.
	Constants   map[string]string
	Categorical []Categorical
	// Drawn are the fields that call weighted but are not a constant
	// weighted({…}) (a switch of weighted, weights read from the record):
	// their distribution is not checked. Expr is the field's source text.
	Drawn []Categorical
	// Fields are the emit's top-level fields: every record it writes
	// holds each (null or not).
	Fields []string
	// Times are the top-level fields that hold event.time (the time the
	// record is written at): another emit of the stream may write the
	// stream's TimeField with another time.
	Times []string
	// Zone is the first top-level field holding the flow's session zone
	// (its expression is the zone expression's: tz = user.tz for
	// zone = user.tz); "" when none or the flow has no zone.
	Zone string
	// Actor is the first top-level field holding an attribute of the
	// emit's actor built from its index ("" when none): the stream's
	// ActorField may name another entity's actors.
	Actor string
	// Session is the first top-level field of this emit whose expression
	// uses session.id ("" when none): flows writing one stream may name
	// it differently (shift_id, trip_id), and the stream's SessionField
	// is the first emit's.
	Session string
	// ForEach: the emit has for_each, so one run of its state writes one
	// record per element of a list here, which may be several or none.
	ForEach bool
	// Sure are the top-level fields whose expression cannot be null, as
	// written: a template with text in it, event.time, session.id,
	// state.name, or a draw of a distribution or fake value of one kind
	// (uniform(…), weighted({…}), email()). Every record of the emit
	// holds a value in each; another field may be null in all of them.
	Sure []string
}

// Categorical is a field whose expression is a constant weighted({…}).
type Categorical struct {
	// Path leads from the record's top level to the field; a step into a
	// json(…) field decodes that string.
	Path     []string
	Outcomes []string
	Probs    []float64 // normalised, by outcome
	Expr     string    // the declaration, for messages
	// Reads (for a stream's ActorCategoricals) is the attribute with
	// those it is computed from (and "index"), nil when it reads more;
	// see FlowSpec.DrawnReads.
	Reads []string
	// Emits (for a stream's ActorCategoricals) are the emits, indexes into
	// the stream's Emits, that write the attribute at Path: another emit
	// may write the same actor field without it (a trip naming its
	// driver, whose vehicle only the driver's own records hold).
	Emits []int
}

// ExperimentFields locates an experiment's unit and group in records.
type ExperimentFields struct {
	Experiment string
	UnitField  string   // top-level field equal to the experiment's unit; "" when none
	GroupPath  []string // path of a field = experiment.NAME.group; nil when none
	// GroupEmits are the emits (indexes into the stream's Emits) that
	// write experiment.NAME.group at GroupPath: the others' records carry
	// no group, whatever the actor's.
	GroupEmits []int
}

// FlowSpec is a flow's state machine as declared.
type FlowSpec struct {
	Name, Entity string
	Initial      string
	States       []StateSpec
	// Arrivals is set when sessions follow arrivals(rate, [profiles]):
	// the shares over the written window on the flow's clock (UTC for a
	// per-actor zone).
	Arrivals *ArrivalSpec
	// ArrivalsIn integrates the same profiles over [from, to) on the clock
	// loc (an actor's zone, for zone = user.tz); nil without arrivals.
	ArrivalsIn func(loc *time.Location, from, to int64) *ArrivalSpec
	// MaxEvents is the constant max_events (0: none or not constant).
	MaxEvents int64
	// MaxEventsVaries: max_events is drawn per session, so a session's
	// last event may have been cut by it whatever its length.
	MaxEventsVaries bool
	// MinStep is a lower bound, in ms, of the time between two
	// consecutive state runs of one session: the least gap or delay
	// after a state that can go on, when each is a constant or a draw
	// whose bounds its written form shows (uniform("5m", "15m"));
	// constraints only move events later. 0 when none is known;
	// MinStepWhy then says which gap or delay has none.
	MinStep    int64
	MinStepWhy string
	// MaxStep is an upper bound, in ms, of that time: the greatest gap
	// or delay after a state that can go on, when each has a known
	// bound and no constraint applies to the flow (it may move an event
	// later); -1 when not known.
	MaxStep int64
	// InitialReentered: a transition leads back to the initial state, so
	// not every execution of it starts a session.
	InitialReentered bool
	// ReachedAlike: every actor's sessions are drawn alike, whatever its
	// attributes and experiment groups (the session count, start and
	// every are constants or absent; the arrivals' rate and active share
	// are constants). Then the actors that wrote a record of the initial
	// state are a random sample of the entity; those that reached a later
	// state (an order, taken with a probability that may read the actor)
	// may not be.
	ReachedAlike bool
	// DrawnPerActor is, when ReachedAlike is false, the session setting
	// that reads the actor, as written (count = user.sessions).
	DrawnPerActor string
	// DrawnReads is, when ReachedAlike is false, what those settings read
	// of the actor: its attributes, with those they are computed from,
	// and "index"; nil when they read more (an experiment group, a
	// parent's attribute, children). An attribute whose own closure (see
	// Categorical.Reads) shares nothing with it is drawn independently of
	// whether the actor has sessions.
	DrawnReads []string
	// Zone is the flow's session zone expression ("" when it has none:
	// the scenario's zone); ZoneName the zone when it is a constant.
	// Arrivals are then shares of the actor's local hours and weekdays.
	Zone, ZoneName string
}

// ArrivalSpec is the expected share of session starts by local hour of
// day and by weekday (Monday first) over the scenario window: the product
// of the arrival profiles integrated over the window's actual hours. The
// per-actor rate only scales the process, so the shares do not depend on it.
type ArrivalSpec struct {
	Hour    [24]float64
	Weekday [7]float64
	// Mass is the profiles' intensity integrated over the window (a
	// relative weight): windows' shares combine weighted by it.
	Mass float64
	// ActiveDays: arrivals(…, active_days) clusters an actor's sessions in
	// its active days, so they are not independent draws of the weekday.
	ActiveDays bool
}

// StateSpec is one state and its declared transitions.
type StateSpec struct {
	Name string
	// Next holds the probability of each successor ("end" included, summed
	// by target) when it is fixed by the declaration: constant next = { … }
	// weights, or transition blocks without when whose probabilities are
	// constant. Nil when the choice depends on the record; NextWhy then
	// says why (a transition guarded by when, or a probability that is not
	// a constant), quoting the source.
	Next    []NextProb
	NextWhy string
	// Targets are the states (or "end") the state's transitions may lead
	// to, one per transition: a target listed twice is reached by two.
	Targets []string
	// ReachedAlike: whether a session reaches the state reads nothing of
	// the actor: every state on the way has fixed transitions (Next), and
	// the gap and the delays on the way read nothing of it. When the
	// flow's sessions are drawn alike for every actor too, the actors that
	// wrote a record of this state are a random sample of the entity.
	// ReachedWhy says why not, when false.
	ReachedAlike bool
	ReachedWhy   string
	// ExperimentEdges are transitions whose probability is an experiment
	// parameter: probability = experiment.NAME.PARAM.
	ExperimentEdges []ExperimentEdge
	// AfterEdges is the declared distribution of the successor when no
	// experiment edge was taken (the weighted transitions that follow
	// them), when it is fixed and names none of the edges' targets.
	AfterEdges []NextProb
}

// NextProb is the declared probability of going to a state (or "end").
type NextProb struct {
	To   string
	Prob float64
}

// ExperimentEdge is a transition taken with an experiment's parameter as
// its probability.
type ExperimentEdge struct {
	To, Experiment, Param string
}

// ExperimentSpec is an experiment's declaration.
type ExperimentSpec struct {
	Name, Entity string
	Groups       []string
	Weights      []float64 // normalised
	From, To     int64     // active window; To == 0: always
	// UnitReads is what the unit is computed from of the actor (see
	// Categorical.Reads): the group is a function of it.
	UnitReads []string
	// Params holds the numeric base values per group (overrides aside) and
	// the value outside the window.
	Params []ParamSpec
}

// ParamSpec is a numeric experiment parameter.
type ParamSpec struct {
	Name      string
	Values    []float64 // per group
	Default   float64
	Overrides bool // per-segment overrides exist (see Plan.ExperimentActors)
}

// ConstraintSpec is a per-actor timing rule over some flows' events.
type ConstraintSpec struct {
	Name      string
	Entity    string
	Flows     []string
	MinGap    int64 // ms between two events of one actor; 0: none
	MaxPerDay int64 // events of one actor per local day; 0: none
	// Quiet hours: no event in [QuietFrom, QuietTo) minutes of the local
	// day (wrapping past midnight) when Quiet.
	QuietFrom, QuietTo int
	Quiet              bool
	States             []string // only these states' events (nil: every event)
}

// Introspect returns what the plan declares.
func (p *Plan) Introspect() *Spec {
	sp, _ := p.IntrospectWindow(0, 0)
	return sp
}

// IntrospectWindow is Introspect for a run that wrote only the records in
// [from, to) (scen run --from, --to; 0: the scenario's start, end): the
// arrival shares are integrated over that window. A window outside the
// scenario's is an error, as for a run.
func (p *Plan) IntrospectWindow(from, to int64) (*Spec, error) {
	if from == 0 {
		from = p.Start
	}
	if to == 0 || to > p.End {
		to = p.End
	}
	if from < p.Start || from >= to {
		return nil, fmt.Errorf("the window %s .. %s is not inside the scenario's %s .. %s",
			stdlib.TimeV(from), stdlib.TimeV(to), stdlib.TimeV(p.Start), stdlib.TimeV(p.End))
	}
	sp := &Spec{Name: p.Name, Loc: p.Loc, Start: p.Start, End: p.End, From: from, To: to}
	for _, st := range p.Streams {
		sp.Streams = append(sp.Streams, p.streamSpec(st))
	}
	for _, f := range p.Flows {
		sp.Flows = append(sp.Flows, p.flowSpec(f, from, to))
	}
	for _, x := range p.Experiments {
		xs := ExperimentSpec{Name: x.Name, Groups: x.Groups, Weights: x.Weights, From: x.From, To: x.To}
		if x.Entity != nil {
			xs.Entity = x.Entity.Name
			if x.unit != nil {
				if e := p.sourceIn(x.unit.rng, moduleOf(x.Name)); e != nil {
					xs.UnitReads, _ = p.actorReads(x.Entity, e)
				}
			}
		}
		for _, name := range x.Params {
			pp := x.params[name]
			ps := ParamSpec{Name: name, Default: pp.def.Num(), Overrides: len(pp.overrides) > 0}
			numeric := pp.def.K == stdlib.Int || pp.def.K == stdlib.Float
			for _, v := range pp.vals {
				numeric = numeric && (v.K == stdlib.Int || v.K == stdlib.Float)
				ps.Values = append(ps.Values, v.Num())
			}
			if numeric {
				xs.Params = append(xs.Params, ps)
			}
		}
		sp.Experiments = append(sp.Experiments, xs)
	}
	for _, k := range p.Constraints {
		cs := ConstraintSpec{Name: k.Name, MinGap: k.MinGap, MaxPerDay: k.MaxPerDay,
			QuietFrom: k.QuietFrom, QuietTo: k.QuietTo, Quiet: k.Quiet, States: k.States}
		if k.Entity != nil {
			cs.Entity = k.Entity.Name
		}
		for _, f := range k.Flows {
			cs.Flows = append(cs.Flows, f.Name)
		}
		sp.Constraints = append(sp.Constraints, cs)
	}
	return sp, nil
}

// source parses the text at r back into an expression.
func (p *Plan) source(r hcl.Range) hclsyntax.Expression {
	f := p.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) || r.Start.Byte >= r.End.Byte {
		return nil
	}
	e, diags := hclsyntax.ParseExpression(f.Bytes[r.Start.Byte:r.End.Byte], r.Filename, r.Start)
	if diags.HasErrors() {
		return nil
	}
	return e
}

// traversalParts are the names of a plain traversal expression's steps
// (a qualified name, "web.ab", is one), else nil.
func traversalParts(e hclsyntax.Expression) []string {
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return nil
	}
	parts := []string{t.Traversal.RootName()}
	for _, s := range t.Traversal[1:] {
		a, ok := s.(hcl.TraverseAttr)
		if !ok {
			return nil
		}
		parts = append(parts, a.Name)
	}
	return parts
}

// traversalText is "a.b.c" for a plain traversal expression, else "".
func traversalText(e hclsyntax.Expression) string {
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	parts := []string{t.Traversal.RootName()}
	for _, s := range t.Traversal[1:] {
		a, ok := s.(hcl.TraverseAttr)
		if !ok {
			return ""
		}
		parts = append(parts, a.Name)
	}
	return strings.Join(parts, ".")
}

// usesSessionID says whether e refers to session.id.
func usesSessionID(e hclsyntax.Expression) bool {
	for _, t := range hclsyntax.Variables(e) {
		if t.RootName() == "session" && len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == "id" {
				return true
			}
		}
	}
	return false
}

// constWeighted reads weighted({ k = w, … }) with literal keys and
// weights, or weighted(var.NAME) of a variable that holds such an object.
func (p *Plan) constWeighted(e hclsyntax.Expression) ([]string, []float64, bool) {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "weighted" || len(call.Args) != 1 {
		return nil, nil, false
	}
	var keys []string
	var ws []float64
	switch arg := call.Args[0].(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, it := range arg.Items {
			k, diags := it.KeyExpr.Value(nil)
			if diags.HasErrors() || !k.IsKnown() || k.IsNull() {
				return nil, nil, false
			}
			var key string
			switch k.Type() {
			case cty.String:
				key = k.AsString()
			case cty.Number:
				key = k.AsBigFloat().Text('g', -1)
			default:
				return nil, nil, false
			}
			v, diags := it.ValueExpr.Value(nil)
			if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.Number {
				return nil, nil, false
			}
			w, _ := v.AsBigFloat().Float64()
			keys = append(keys, key)
			ws = append(ws, w)
		}
	case *hclsyntax.ScopeTraversalExpr:
		t := arg.Traversal
		if len(t) != 2 || t.RootName() != "var" {
			return nil, nil, false
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			return nil, nil, false
		}
		v, ok := p.vars[a.Name]
		if !ok || v.K != stdlib.Object {
			return nil, nil, false
		}
		o := v.Obj()
		for i, k := range o.Keys {
			w := o.Vals[i]
			if w.K != stdlib.Int && w.K != stdlib.Float {
				return nil, nil, false
			}
			keys = append(keys, k)
			ws = append(ws, w.Num())
		}
	default:
		return nil, nil, false
	}
	if len(keys) == 0 {
		return nil, nil, false
	}
	sum := 0.0
	for _, w := range ws {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, nil, false
		}
		sum += w
	}
	if sum <= 0 {
		return nil, nil, false
	}
	for i := range ws {
		ws[i] /= sum
	}
	return keys, ws, true
}

// leafInfo is one leaf field of an emit with its path and expression.
type leafInfo struct {
	path []string
	x    *cexpr
	src  hclsyntax.Expression
}

func (p *Plan) leaves(em *emitPlan, scope string) []leafInfo {
	var out []leafInfo
	var walk func(path []string, f *rec.Field)
	walk = func(path []string, f *rec.Field) {
		if f.Name != "" {
			path = append(append([]string(nil), path...), f.Name)
		}
		switch f.Kind {
		case rec.Leaf:
			x := em.leaves[f.Slot]
			out = append(out, leafInfo{path: path, x: x, src: p.sourceIn(x.rng, scope)})
		case rec.Object, rec.JSON:
			for _, c := range f.Children {
				walk(path, c)
			}
		}
	}
	for _, f := range em.shape.Fields {
		walk(nil, f)
	}
	return out
}

// attrExpr returns the source of an entity attribute named by a traversal
// such as user.activity or actor.activity, with its entity.
func (p *Plan) attrExpr(ep *EntityPlan, text string) hclsyntax.Expression {
	// The entity's name may be qualified by a module (people.user.gender).
	var name string
	switch {
	case strings.HasPrefix(text, ep.Name+"."):
		name = text[len(ep.Name)+1:]
	case strings.HasPrefix(text, "actor."):
		name = text[len("actor."):]
	default:
		return nil
	}
	if strings.Contains(name, ".") {
		return nil
	}
	i, ok := ep.attrIdx[name]
	if !ok {
		return nil
	}
	return p.sourceIn(ep.attrs[i].rng, moduleOf(ep.Name))
}

// uniquePerActor: attribute expression a of entity ep tells ep's actors
// apart, as far as its declaration shows: it uses index, and for a child
// entity (whose index counts within its parent) also an attribute of the
// parent that tells the parent's actors apart
// ("${client.client_id}-D${index + 1}", not "D${index + 1}").
func (p *Plan) uniquePerActor(ep *EntityPlan, a hclsyntax.Expression) bool {
	if randomID(a) {
		return true
	}
	if a == nil || !usesIndex(a) {
		return false
	}
	if ep.Parent == nil {
		return true
	}
	for _, t := range hclsyntax.Variables(a) {
		if len(t) < 2 {
			continue
		}
		at, ok := t[1].(hcl.TraverseAttr)
		if !ok || t.RootName() != ep.Parent.Name {
			continue
		}
		if p.uniquePerActor(ep.Parent, p.attrExpr(ep.Parent, t.RootName()+"."+at.Name)) {
			return true
		}
	}
	return false
}

// randomID: e is an id drawn at random with so many bits that no two
// actors share one (two of 10 M actors with the same 122 random bits of a
// uuid(): about 1e-23): uuid(), hex(n) with n >= 24, or a template that
// holds one ("P-${uuid()}").
func randomID(e hclsyntax.Expression) bool {
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "uuid" && len(x.Args) == 0 {
			return true
		}
		if x.Name == "hex" && len(x.Args) == 1 {
			v, diags := x.Args[0].Value(nil)
			if !diags.HasErrors() && v.Type() == cty.Number && v.IsKnown() && !v.IsNull() {
				n, _ := v.AsBigFloat().Int64()
				return n >= 24
			}
		}
	case *hclsyntax.TemplateExpr:
		for _, part := range x.Parts {
			if randomID(part) {
				return true
			}
		}
	case *hclsyntax.TemplateWrapExpr:
		return randomID(x.Wrapped)
	}
	return false
}

// identifiesActor: attribute expression e tells the actors of its entity
// apart as far as its declaration shows: it is built from index (for a
// child entity, uniquePerActor checks the parent's part too) or is a
// random id.
func identifiesActor(e hclsyntax.Expression) bool { return usesIndex(e) || randomID(e) }

func usesIndex(e hclsyntax.Expression) bool {
	for _, t := range hclsyntax.Variables(e) {
		if t.RootName() == "index" {
			return true
		}
	}
	return false
}

func (p *Plan) streamSpec(st *rec.Stream) StreamSpec {
	ss := StreamSpec{Name: st.Name}
	for _, c := range st.Columns {
		ss.Fields = append(ss.Fields, c.Name)
		if sinks.ColumnKind(c.Type) == stdlib.Any {
			ss.JSONText = append(ss.JSONText, c.Name)
		}
	}
	type emitRef struct {
		flow  *FlowPlan
		state *StatePlan
		em    *emitPlan
	}
	var emits []emitRef
	for _, f := range p.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				if em.shape.Stream == st {
					emits = append(emits, emitRef{f, s, em})
				}
			}
		}
	}
	// Candidate tag fields: top-level constant strings present in every
	// emit, distinct across emits.
	tags := map[string][]string{}
	count := map[string]int{}
	for _, er := range emits {
		for _, l := range p.leaves(er.em, moduleOf(er.flow.Name)) {
			if len(l.path) == 1 && l.x.isC && l.x.val.K == stdlib.String {
				tags[l.path[0]] = append(tags[l.path[0]], l.x.val.S)
				count[l.path[0]]++
			}
		}
	}
	var cands []string
	for name, vs := range tags {
		if count[name] != len(emits) || len(emits) < 2 {
			continue
		}
		seen := map[string]bool{}
		for _, v := range vs {
			seen[v] = true
		}
		if len(seen) == len(vs) {
			cands = append(cands, name)
		}
	}
	sort.Strings(cands)
	for _, c := range st.Columns { // declaration order first
		for _, k := range cands {
			if c.Name == k && ss.StateField == "" {
				ss.StateField = k
			}
		}
	}
	actorCat := map[string]int{} // path → index into ActorCategoricals
	var actorText string         // the attribute ActorField holds (user.user_id)
	for _, er := range emits {
		es := EmitSpec{Flow: er.flow.Name, State: er.state.Name, Constants: map[string]string{}, ForEach: er.em.each != nil}
		for _, f := range er.em.shape.Fields {
			es.Fields = append(es.Fields, f.Name)
		}
		for _, l := range p.leaves(er.em, moduleOf(er.flow.Name)) {
			if len(l.path) == 1 && l.x.isC {
				switch l.x.val.K {
				case stdlib.Null:
					es.Constants[l.path[0]] = ""
				case stdlib.String:
					es.Constants[l.path[0]] = l.x.val.S
				case stdlib.Bool, stdlib.Int:
					es.Constants[l.path[0]] = l.x.val.String()
				}
			}
			if l.src == nil {
				continue
			}
			top := len(l.path) == 1
			tt := traversalText(l.src)
			if top && neverNull(l.src, tt) {
				es.Sure = append(es.Sure, l.path[0])
			}
			switch {
			case top && ss.StateField == l.path[0]:
				es.Tag = l.x.val.S
			case top && tt == "event.time":
				es.Times = append(es.Times, l.path[0])
				if ss.TimeField == "" {
					ss.TimeField = l.path[0]
				}
			case top && usesSessionID(l.src):
				if ss.SessionField == "" {
					ss.SessionField = l.path[0]
				}
				if es.Session == "" {
					es.Session = l.path[0]
				}
			}
			if keys, probs, ok := p.constWeighted(l.src); ok {
				es.Categorical = append(es.Categorical, Categorical{Path: l.path, Outcomes: keys, Probs: probs, Expr: sourceText(p, l.x.rng)})
			} else if callsWeighted(l.src) {
				es.Drawn = append(es.Drawn, Categorical{Path: l.path, Expr: sourceText(p, l.x.rng)})
			}
			if tt == "" {
				continue
			}
			ep := er.flow.Entity
			if fz := er.flow; top && es.Zone == "" && fz.zone != nil && fz.zoneLoc == nil && sameAttr(tt, p.qualifyText(fz.zoneText, moduleOf(fz.Name)), ep) {
				es.Zone = l.path[0]
			}
			if a := p.attrExpr(ep, tt); a != nil {
				if top && ss.ActorField == "" && identifiesActor(a) {
					ss.ActorField, actorText = l.path[0], tt
				}
				if top && es.Actor == "" && identifiesActor(a) {
					es.Actor = l.path[0]
				}
				key := strings.Join(l.path, ".")
				if keys, probs, ok := p.constWeighted(a); ok {
					if _, seen := actorCat[key]; !seen {
						actorCat[key] = len(ss.ActorCategoricals)
						reads, _ := p.actorReads(ep, l.src)
						ss.ActorCategoricals = append(ss.ActorCategoricals, Categorical{Path: l.path, Outcomes: keys, Probs: probs, Expr: tt + " = " + sourceText(p, a.Range()), Reads: reads})
					}
					ac := &ss.ActorCategoricals[actorCat[key]]
					if !slices.Contains(ac.Emits, len(ss.Emits)) {
						ac.Emits = append(ac.Emits, len(ss.Emits))
					}
				}
			}
			for _, x := range p.Experiments {
				ef := ss.experimentFields(x.Name)
				if top && ef.UnitField == "" && x.unit != nil && sameAttr(tt, p.qualifyText(sourceText(p, x.unit.rng), moduleOf(x.Name)), x.Entity) {
					ef.UnitField = l.path[0]
				}
				if tt == "experiment."+x.Name+".group" {
					if ef.GroupPath == nil {
						ef.GroupPath = l.path
					}
					if slices.Equal(ef.GroupPath, l.path) && !slices.Contains(ef.GroupEmits, len(ss.Emits)) {
						ef.GroupEmits = append(ef.GroupEmits, len(ss.Emits))
					}
				}
			}
		}
		ss.Emits = append(ss.Emits, es)
	}
	if ss.SessionField == "" && ss.ActorField != "" && len(emits) > 0 {
		f := emits[0].flow
		one := oneSessionEach(f)
		for _, er := range emits {
			one = one && er.flow == f
		}
		if one && p.uniquePerActor(f.Entity, p.attrExpr(f.Entity, actorText)) {
			ss.SessionField, ss.SessionByActor = ss.ActorField, true
		}
	}
	if len(emits) > 1 && ss.StateField == "" {
		ss.StateFields, ss.Alike = tellApart(ss.Emits)
	}
	// When the stream does not tell every emit apart, the emits' categorical
	// fields are kept: the report checks each on the records whose constant
	// fields single out its emit.
	return ss
}

// Clip shortens s to at most n runes, its line breaks and indents
// folded to one space, ending it with … when cut.
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// callsWeighted says whether the expression calls weighted.
// neverNull tells whether a top-level field's expression e (tt its
// traversal text) cannot be null, by its form: a template with text, a
// time or id of the event, session or state, or a call of a random
// function of one scalar kind (a draw, a fake value).
func neverNull(e hclsyntax.Expression, tt string) bool {
	switch tt {
	case "event.time", "session.id", "state.name":
		return true
	}
	switch x := e.(type) {
	case *hclsyntax.TemplateExpr:
		for _, part := range x.Parts {
			if l, ok := part.(*hclsyntax.LiteralValueExpr); ok && l.Val.Type() == cty.String && l.Val.IsKnown() && !l.Val.IsNull() && l.Val.AsString() != "" {
				return true
			}
		}
	case *hclsyntax.FunctionCallExpr:
		f, ok := builtins().Lookup(x.Name)
		if !ok || !f.Random {
			return false
		}
		switch f.Result {
		case stdlib.Int, stdlib.Float, stdlib.String, stdlib.Bool, stdlib.Time, stdlib.Duration:
			return true
		}
	}
	return false
}

// builtins is the standard function registry, for what a function's
// entry says of its result.
var builtins = sync.OnceValue(stdlib.New)

func callsWeighted(e hclsyntax.Expression) bool {
	found := false
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if c, ok := n.(*hclsyntax.FunctionCallExpr); ok && c.Name == "weighted" {
			found = true
		}
		return nil
	})
	return found
}

// TellsEmits says whether a record's constant fields tell which emit
// wrote it: the stream has one emit, or StateField or StateFields.
func (ss *StreamSpec) TellsEmits() bool {
	return len(ss.Emits) < 2 || ss.StateField != "" || len(ss.StateFields) > 0
}

// tellApart gives the constant fields that tell every two emits apart
// (both write a constant to it, and the constants differ), in name
// order, or else nil and the first two emits that none tells apart.
func tellApart(emits []EmitSpec) (fields []string, alike [2]int) {
	used := map[string]bool{}
	for i := range emits {
		for j := i + 1; j < len(emits); j++ {
			var apart []string
			for f, v := range emits[i].Constants {
				if w, ok := emits[j].Constants[f]; ok && w != v {
					apart = append(apart, f)
				}
			}
			if len(apart) == 0 {
				return nil, [2]int{i, j}
			}
			sort.Strings(apart)
			if !slices.ContainsFunc(apart, func(f string) bool { return used[f] }) {
				used[apart[0]] = true
			}
		}
	}
	return stdlib.SortedKeys(used), alike
}

func (ss *StreamSpec) experimentFields(name string) *ExperimentFields {
	for i := range ss.Experiments {
		if ss.Experiments[i].Experiment == name {
			return &ss.Experiments[i]
		}
	}
	ss.Experiments = append(ss.Experiments, ExperimentFields{Experiment: name})
	return &ss.Experiments[len(ss.Experiments)-1]
}

// sameAttr says whether two traversals name the same attribute of ep
// (user.user_id and actor.user_id are the same).
func sameAttr(a, b string, ep *EntityPlan) bool {
	if ep == nil {
		return false
	}
	norm := func(s string) string {
		s = strings.TrimSpace(s)
		if rest, ok := strings.CutPrefix(s, "actor."); ok {
			return ep.Name + "." + rest
		}
		return s
	}
	return norm(a) == norm(b)
}

// readsNoActor says whether x is a constant, or an expression that
// reads nothing of the actor: no attribute, index or experiment group,
// only constants, variables, distributions, datasets and functions (a
// random draw from the actor's stream is independent of its attributes).
// An expression whose source cannot be read counts as reading the actor.
// The source is read as written, with a module's names not qualified
// (p.source, not p.sourceIn): the test is by the root alone, and
// qualifying never moves a root into or out of the list above (var.h in
// module web is var."web.h", user.x is "web.user".x), so a module's
// expression is judged as the same one in the scenario
// (TestReadsNoActorInModule).
func (p *Plan) readsNoActor(x *cexpr) bool {
	if x.isC {
		return true
	}
	e := p.source(x.rng)
	if e == nil {
		return false
	}
	loopVars := map[string]bool{}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if f, ok := n.(*hclsyntax.ForExpr); ok {
			loopVars[f.KeyVar], loopVars[f.ValVar] = true, true
		}
		return nil
	})
	ok := true
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if t, is := n.(*hclsyntax.ScopeTraversalExpr); is {
			switch t.Traversal.RootName() {
			case "var", "scenario", "distribution", "dataset":
			default:
				ok = ok && loopVars[t.Traversal.RootName()]
			}
		}
		return nil
	})
	return ok
}

// actorReads is what expression e, in a flow or attribute of entity ep's
// actors, reads of the actor: the attributes it names (ep.NAME or
// actor.NAME) with, in turn, those their expressions read, and "index";
// ok is false when it reads anything else of the actor or its session
// (an experiment group, a parent's attribute, children, ctx, memory,
// state, event or session values). Variables, the scenario, datasets,
// distributions and a for expression's variables are not the actor's.
// The result is sorted; it is non-nil when ok.
func (p *Plan) actorReads(ep *EntityPlan, e hclsyntax.Expression) ([]string, bool) {
	seen := map[string]bool{}
	ok := true
	var visit func(e hclsyntax.Expression)
	visit = func(e hclsyntax.Expression) {
		loopVars := map[string]bool{}
		hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
			if f, is := n.(*hclsyntax.ForExpr); is {
				loopVars[f.KeyVar], loopVars[f.ValVar] = true, true
			}
			return nil
		})
		for _, t := range hclsyntax.Variables(e) {
			root := t.RootName()
			switch {
			case root == "var", root == "scenario", root == "distribution", root == "dataset", loopVars[root]:
			case root == "index":
				seen["index"] = true
			case root == ep.Name || root == "actor":
				if len(t) < 2 {
					ok = false
					return
				}
				step, isAttr := t[1].(hcl.TraverseAttr)
				if !isAttr {
					ok = false
					return
				}
				if seen[step.Name] {
					continue
				}
				seen[step.Name] = true
				x := p.attrExpr(ep, ep.Name+"."+step.Name)
				if x == nil {
					ok = false
					return
				}
				visit(x)
			default:
				ok = false
			}
			if !ok {
				return
			}
		}
	}
	visit(e)
	if !ok {
		return nil, false
	}
	out := stdlib.SortedKeys(seen)
	if out == nil {
		out = []string{}
	}
	return out, true
}

func sourceText(p *Plan, r hcl.Range) string {
	f := p.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(f.Bytes[r.Start.Byte:r.End.Byte])
}

// oneSessionEach: every actor runs exactly one session of f (count = 1,
// a constant, and no arrival process).
func oneSessionEach(f *FlowPlan) bool {
	c := f.sessCount
	return f.arrivals == nil && c != nil && c.isC && c.val.K == stdlib.Int && c.val.I == 1
}

func (p *Plan) flowSpec(f *FlowPlan, from, to int64) FlowSpec {
	fs := FlowSpec{Name: f.Name, Entity: f.Entity.Name, Initial: f.States[f.Initial].Name}
	if f.maxEvents != nil && f.maxEvents.isC {
		fs.MaxEvents = f.maxEvents.val.I
	}
	fs.MaxEventsVaries = f.maxEvents != nil && !f.maxEvents.isC
	fs.MinStep, fs.MinStepWhy, fs.MaxStep = p.steps(f)
	if len(f.cons) > 0 {
		fs.MaxStep = -1
	}
	// A setting is alike for every actor when it is a constant or a draw
	// that reads nothing of the actor (start = uniform("0s", "20d")):
	// whether an actor has a session then does not depend on its
	// attributes or groups.
	fs.ReachedAlike = true
	for _, x := range []struct {
		name string
		x    *cexpr
	}{{"count", f.sessCount}, {"start", f.sessStart}, {"every", f.sessEvery}} {
		if x.x != nil && !p.readsNoActor(x.x) {
			fs.ReachedAlike = false
			fs.DrawnPerActor = x.name + " = " + sourceText(p, x.x.rng)
			break
		}
	}
	if a := f.arrivals; fs.ReachedAlike && a != nil {
		switch {
		case a.rate == nil || !p.readsNoActor(a.rate):
			fs.ReachedAlike = false
			fs.DrawnPerActor = "the arrival rate"
			if a.rate != nil {
				fs.DrawnPerActor += " " + sourceText(p, a.rate.rng)
			}
		case a.active != nil && !p.readsNoActor(a.active):
			fs.ReachedAlike = false
			fs.DrawnPerActor = "the active days' share " + sourceText(p, a.active.rng)
		}
	}
	if !fs.ReachedAlike {
		// What every setting that reads the actor reads of it.
		var xs []*cexpr
		xs = append(xs, f.sessCount, f.sessStart, f.sessEvery)
		if a := f.arrivals; a != nil {
			xs = append(xs, a.rate, a.active)
		}
		all := map[string]bool{}
		known := true
		for _, x := range xs {
			if x == nil || p.readsNoActor(x) {
				continue
			}
			e := p.sourceIn(x.rng, moduleOf(f.Name))
			if e == nil {
				known = false
				break
			}
			reads, ok := p.actorReads(f.Entity, e)
			if !ok {
				known = false
				break
			}
			for _, r := range reads {
				all[r] = true
			}
		}
		if known {
			fs.DrawnReads = stdlib.SortedKeys(all)
		}
	}
	loc := p.Loc
	if f.zone != nil {
		fs.Zone = f.zoneText
		// Over whole days of the window, a zone with a whole-hour offset
		// sees every local hour as often as UTC does: the shares for
		// actors of many zones are UTC's (but for daylight saving's hours).
		loc = time.UTC
		if f.zoneLoc != nil {
			fs.ZoneName, loc = f.zoneLoc.String(), f.zoneLoc
		}
	}
	if f.arrivals != nil {
		prof, quiet := f.arrivals.prof, p.quietSpans(f)
		fs.Arrivals = p.arrivalShares(loc, prof, quiet, from, to)
		fs.ArrivalsIn = func(loc *time.Location, from, to int64) *ArrivalSpec {
			return p.arrivalShares(loc, prof, quiet, from, to)
		}
		fs.Arrivals.ActiveDays = f.arrivals.active != nil
	}
	for _, s := range f.States {
		for _, t := range s.Next {
			fs.InitialReentered = fs.InitialReentered || t.To == fs.Initial
		}
	}
	for _, s := range f.States {
		ss := StateSpec{Name: s.Name}
		ss.Next, ss.NextWhy = p.fixedNext(f, s)
		for _, t := range s.edges() {
			ss.Targets = append(ss.Targets, stateName(f, t))
		}
		for _, t := range s.seq {
			if t.prob == nil || t.when != nil {
				continue
			}
			if src := p.sourceIn(t.prob.rng, moduleOf(f.Name)); src != nil {
				parts := traversalParts(src)
				if len(parts) == 3 && parts[0] == "experiment" {
					ss.ExperimentEdges = append(ss.ExperimentEdges, ExperimentEdge{To: stateName(f, t.target), Experiment: parts[1], Param: parts[2]})
				}
			}
		}
		if len(ss.ExperimentEdges) > 0 && len(ss.ExperimentEdges) == len(s.seq) {
			ss.AfterEdges = afterEdges(f, s, ss.ExperimentEdges)
		}
		fs.States = append(fs.States, ss)
	}
	p.reachedAlike(f, &fs)
	return fs
}

// reachedAlike sets the states' ReachedAlike: a state is reached alike
// unless a state whose successor depends on the record, or whose delay
// reads the actor, comes before it, or the gap or max_events reads the
// actor.
func (p *Plan) reachedAlike(f *FlowPlan, fs *FlowSpec) {
	why := make([]string, len(f.States))
	var todo []int
	taint := func(i int, w string) {
		if i >= 0 && why[i] == "" {
			why[i] = w
			todo = append(todo, i)
		}
	}
	for i := range f.States {
		if i == f.Initial {
			continue
		}
		switch {
		case f.gap != nil && !p.readsNoActor(f.gap):
			taint(i, "the gap between events depends on the record ("+Clip(sourceText(p, f.gap.rng), 60)+")")
		case f.maxEvents != nil && !p.readsNoActor(f.maxEvents):
			taint(i, "max_events depends on the record ("+Clip(sourceText(p, f.maxEvents.rng), 60)+")")
		}
	}
	for _, s := range f.States {
		// A state's delay is the time to the next event.
		if s.delay != nil && !p.readsNoActor(s.delay) {
			for _, t := range s.edges() {
				taint(t, fmt.Sprintf("the delay of state %q depends on the record (%s)", s.Name, Clip(sourceText(p, s.delay.rng), 60)))
			}
		}
	}
	for i, s := range f.States {
		if fs.States[i].Next != nil {
			continue
		}
		w := fmt.Sprintf("the transitions of state %q depend on the record", s.Name)
		if fs.States[i].NextWhy != "" {
			w += " (" + fs.States[i].NextWhy + ")"
		}
		for _, t := range s.edges() {
			taint(t, w)
		}
	}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, t := range f.States[i].edges() {
			taint(t, why[i])
		}
	}
	for i := range fs.States {
		fs.States[i].ReachedAlike, fs.States[i].ReachedWhy = why[i] == "", why[i]
	}
}

// afterEdges is the weighted draw that follows a state's experiment edges,
// or nil when it is guarded or shares a target with them.
func afterEdges(f *FlowPlan, s *StatePlan, edges []ExperimentEdge) []NextProb {
	taken := map[string]bool{}
	for _, e := range edges {
		taken[e.To] = true
	}
	var out []NextProb
	sum := 0.0
	for _, t := range s.weighted {
		if t.when != nil || taken[stateName(f, t.target)] {
			return nil
		}
		sum += t.weight
	}
	if sum <= 0 {
		// No weighted transition: the otherwise one, or end.
		if to := stateName(f, s.otherwise); !taken[to] {
			return []NextProb{{To: to, Prob: 1}}
		}
		return nil
	}
	idx := map[string]int{}
	for _, t := range s.weighted {
		to := stateName(f, t.target)
		if i, ok := idx[to]; ok {
			out[i].Prob += t.weight / sum
			continue
		}
		idx[to] = len(out)
		out = append(out, NextProb{To: to, Prob: t.weight / sum})
	}
	return out
}

func stateName(f *FlowPlan, i int) string {
	if i < 0 {
		return "end"
	}
	return f.States[i].Name
}

// fixedNext is the declared distribution of a state's successor, or nil
// and why.
func (p *Plan) fixedNext(f *FlowPlan, s *StatePlan) ([]NextProb, string) {
	src := func(x *cexpr) string { return Clip(sourceText(p, x.rng), 60) }
	probs := map[string]float64{}
	var order []string
	add := func(to string, p float64) {
		if _, ok := probs[to]; !ok {
			order = append(order, to)
		}
		probs[to] += p
	}
	switch {
	case s.next != nil:
		sum := 0.0
		for _, t := range s.Next {
			sum += t.Weight
		}
		for i, t := range s.Next {
			add(stateName(f, s.targets[i]), t.Weight/sum)
		}
	case s.hasTrans:
		rest := 1.0
		for _, t := range s.seq {
			switch {
			case t.when != nil:
				return nil, fmt.Sprintf("transition %q is taken when %s", stateName(f, t.target), src(t.when))
			case t.prob == nil:
				return nil, fmt.Sprintf("transition %q has no probability", stateName(f, t.target))
			case !t.prob.isC:
				return nil, fmt.Sprintf("the probability of transition %q is %s, not a constant", stateName(f, t.target), src(t.prob))
			}
			pr := t.prob.val.Num()
			add(stateName(f, t.target), rest*pr)
			rest *= 1 - pr
		}
		sum := 0.0
		for _, t := range s.weighted {
			if t.when != nil {
				return nil, fmt.Sprintf("transition %q is taken when %s", stateName(f, t.target), src(t.when))
			}
			sum += t.weight
		}
		if sum > 0 {
			for _, t := range s.weighted {
				add(stateName(f, t.target), rest*t.weight/sum)
			}
		} else {
			add(stateName(f, s.otherwise), rest)
		}
	default:
		add("end", 1)
	}
	out := make([]NextProb, 0, len(order))
	for _, to := range order {
		out = append(out, NextProb{To: to, Prob: probs[to]})
	}
	return out, ""
}

// arrivalShares integrates the profiles over [from, to) on the clock loc,
// local hour by local hour (the intensity is constant within one).
//
// quiet holds the quiet hours ([from, to) minutes of the local day,
// wrapping past midnight) of the constraints over the flow: no session
// starts in them (an arrival there is dropped and the process restarts
// at the span's end), so they weigh nothing.
func (p *Plan) arrivalShares(loc *time.Location, prof *profileSet, quiet [][2]int, from, to int64) *ArrivalSpec {
	tf := stdlib.NewTimeFormatter(loc)
	as := &ArrivalSpec{}
	total := 0.0
	for t := from; t < to; {
		local, next := hourSpan(tf, t, to)
		days := floorDiv(local, 86400000)
		w := prof.factor(tf, t) * float64(next-t-quietOverlap(quiet, local-days*86400000, next-t))
		h := (local - days*86400000) / 3600000
		wd := ((days % 7) + 10) % 7 // Monday = 0; 1970-01-01 was a Thursday
		as.Hour[h] += w
		as.Weekday[wd] += w
		total += w
		t = next
	}
	as.Mass = total
	if total > 0 {
		for i := range as.Hour {
			as.Hour[i] /= total
		}
		for i := range as.Weekday {
			as.Weekday[i] /= total
		}
	}
	return as
}

// quietSpans gives the quiet hours of the constraints that list the flow.
func (p *Plan) quietSpans(f *FlowPlan) [][2]int {
	var q [][2]int
	for _, k := range p.Constraints {
		if !k.Quiet {
			continue
		}
		for _, kf := range k.Flows {
			if kf == f {
				q = append(q, [2]int{k.QuietFrom, k.QuietTo})
				break
			}
		}
	}
	return q
}

// quietOverlap is how many of the ms [at, at+n) of a local day (a span
// inside one local hour) fall in any of the quiet spans.
func quietOverlap(quiet [][2]int, at, n int64) int64 {
	if len(quiet) == 0 {
		return 0
	}
	// The ms of the span in quiet hours, counted once when spans overlap:
	// walk the span minute by minute boundary (at most 61 pieces).
	var in int64
	for t, end := at, at+n; t < end; {
		next := min((t/60000+1)*60000, end)
		m := int(t / 60000)
		for _, q := range quiet {
			if q[0] <= q[1] && m >= q[0] && m < q[1] || q[0] > q[1] && (m >= q[0] || m < q[1]) {
				in += next - t
				break
			}
		}
		t = next
	}
	return in
}

// ExperimentActor is one actor's place in an experiment.
type ExperimentActor struct {
	Unit  string  // the unit's text (what is hashed)
	Group int     // index into the experiment's groups
	Param float64 // the parameter's value for this actor while the experiment is active
}

// ExperimentActors computes, for the first n units of the experiment's
// entity (n <= 0: all), the unit, the group and the value of one numeric
// parameter while active, with per-segment overrides applied (param "":
// no parameter, Param is 0). The actors are built by the run's own code
// (buildActor), from the same random streams: a root entity's actors by
// index; a child entity's with their root actor, which is built with its
// whole tree (counts drawn per parent, streams keyed by the position
// below the root), in the order of the root actors and, below each, of
// the children. Only one root actor's tree is held at a time, and root
// actors are built until n units are found.
//
// A unit, or an override of the parameter, that draws at random cannot
// be recomputed (the run drew it from a stream state the report does not
// have): that is an error saying so.
func (p *Plan) ExperimentActors(experiment, param string, n int64) ([]ExperimentActor, error) {
	var x *ExperimentPlan
	for _, e := range p.Experiments {
		if e.Name == experiment {
			x = e
		}
	}
	if x == nil || x.Entity == nil || x.unit == nil {
		return nil, fmt.Errorf("no experiment %q", experiment)
	}
	var pp *paramPlan
	if param != "" {
		var ok bool
		if pp, ok = x.params[param]; !ok {
			return nil, fmt.Errorf("experiment %q has no param %q", experiment, param)
		}
	}
	if x.unit.random {
		return nil, fmt.Errorf("the unit draws at random, so a run's units cannot be recomputed")
	}
	if pp != nil {
		for _, o := range pp.overrides {
			if o.when.random {
				return nil, fmt.Errorf("an override of param %q draws at random in its when, so actors' values cannot be recomputed", param)
			}
		}
	}
	ep := x.Entity
	var out []ExperimentActor
	if ep.Parent == nil {
		if n <= 0 || n > ep.Count {
			n = ep.Count
		}
		out = make([]ExperimentActor, 0, n)
	}
	env := &Env{tf: stdlib.NewTimeFormatter(p.Loc)}
	var unitRng stdlib.Rand
	add := func(a *actor) {
		env.bindBuilt(ep, a, &unitRng)
		unit := strings.Clone(x.unit.eval(env).String())
		g := int(a.x.exp[x.Index])
		var param float64
		if pp != nil {
			v := pp.vals[g]
			for _, o := range pp.overrides {
				if ov := o.vals[g]; ov.K != 255 && o.when.eval(env).Truthy() {
					v = ov
					break
				}
			}
			param = v.Num()
		}
		env.ResetArena()
		if env.fault != nil && env.fault.Where == "" {
			env.fault.Where = "actor " + actorName(ep, a) + "'s experiment " + x.Name
			env.fault.unit = ep.Name
		}
		out = append(out, ExperimentActor{Unit: unit, Group: g, Param: param})
	}
	p.eachActorOf(env, ep, ep.rootCount(), true, func(a *actor) bool {
		add(a)
		return env.fault == nil && (n <= 0 || int64(len(out)) < n)
	})
	if env.fault != nil {
		p.mods.placeFault(env.fault)
		return nil, env.fault
	}
	return out, nil
}

// descends reports whether ep is a descendant of anc.
func (ep *EntityPlan) descends(anc *EntityPlan) bool {
	for pe := ep.Parent; pe != nil; pe = pe.Parent {
		if pe == anc {
			return true
		}
	}
	return false
}

// bindBuilt binds e to actor a of ep, built by buildActor, as a flow of
// a would see it outside a session: its index, attributes, ancestors,
// children, groups and memory; r is the stream bound.
func (e *Env) bindBuilt(ep *EntityPlan, a *actor, r *stdlib.Rand) {
	e.R = r
	e.Index = a.index
	e.Attrs = a.vals(len(ep.attrs))
	e.x, e.Parent = a.x, nil
	if x := a.x; x != nil {
		if x.parent != nil {
			e.Parent = x.parent.vals(len(ep.Parent.attrs))
			e.up = x.parent
		}
	}
}

// steps bounds the time between two consecutive state runs of a session
// of f (FlowSpec.MinStep, MaxStep): after a state that can go on, the
// next run comes its delay, or the flow's gap, later (none: at once; a
// negative value drawn counts as zero). Constants, and the draws whose
// bounds their written form shows (durBounds: uniform("5m", "15m")), give
// bounds; why names the first gap or delay that gives no positive least
// value. A constraint moves an
// event only later: it keeps the lower bound, and the caller drops the
// upper one.
func (p *Plan) steps(f *FlowPlan) (lo int64, why string, hi int64) {
	lo, hi = math.MaxInt64, 0
	for _, st := range f.States {
		// Without described transitions, take it that it goes on.
		goesOn := len(st.Next) == 0 && (st.hasTrans || st.next != nil)
		for _, t := range st.Next {
			if t.To != "end" && (t.Weight > 0 || math.IsNaN(t.Weight)) {
				goesOn = true
			}
		}
		if !goesOn {
			continue
		}
		x, b, what := f.gap, f.gapB, "the flow's gap"
		if st.delay != nil {
			x, b, what = st.delay, st.delayB, fmt.Sprintf("state %q's delay", st.Name)
		}
		var dlo, dhi int64 // a negative value counts as zero
		switch {
		case x == nil:
		case x.isC && x.val.K == stdlib.Duration:
			dlo, dhi = max(x.val.I, 0), max(x.val.I, 0)
		case b != nil:
			dlo, dhi = max(b[0], 0), max(b[1], 0)
		default:
			if why == "" {
				why = fmt.Sprintf("%s (%s) has no lower bound known at compile time", what, Clip(sourceText(p, x.rng), 60))
			}
			hi = -1
			continue
		}
		if dlo <= 0 && why == "" {
			if x == nil {
				why = fmt.Sprintf("state %q has no delay and the flow no gap", st.Name)
			} else {
				why = fmt.Sprintf("%s (%s) may be zero", what, Clip(sourceText(p, x.rng), 60))
			}
		}
		lo = min(lo, dlo)
		if hi >= 0 {
			hi = max(hi, dhi)
		}
	}
	switch {
	case why != "":
		lo = 0
	case lo == math.MaxInt64:
		lo, why = 0, "no state goes on to another"
	}
	return lo, why, hi
}
