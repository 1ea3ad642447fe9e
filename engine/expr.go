package engine

import (
	"fmt"
	closest "github.com/scenhq/scen/internal/suggest"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Value and Kind are the engine's runtime values (defined in stdlib so that
// functions can produce them).
type (
	Value = stdlib.Value
	Kind  = stdlib.Kind
)

// Env is a worker's evaluation context. Exactly one goroutine uses an Env.
type Env struct {
	stdlib.Ctx
	Index   int64   // actor index within its entity
	Attrs   []Value // the actor's attributes
	CtxVals []Value // session context (set = { … })
	// EachVal and EachIdx are the element an emit with for_each is
	// writing a record for, and its position.
	EachVal Value
	EachIdx int64
	// x is the bound actor's extension (nil when it has none): its
	// memory (remember = { … }), its group per experiment and its
	// children, a list per child entity, read through it. One pointer
	// to bind per step, where the three slices were nine words and three
	// write-barrier checks (bank: 23 M instructions a run).
	x      *actorExt
	Parent []Value // the parent actor's attributes (child entities)
	// up is the parent actor (child entities; stale otherwise): the
	// attributes of the parent's ancestors are read through it (ancestor).
	up        *actor
	sid       *sessionID
	SessIdx   int64
	SessStart int64
	Now       int64 // event time
	Seq       int64 // event number within the session, from 1
	stack     []Value
	// locals are the variables of for expressions, by slot (a
	// compiler-wide number per variable, see forRun).
	locals []Value
	tf     *stdlib.TimeFormatter
	// cols keeps actors' attributes (what of them was built in the record
	// arena) by entity and attribute, never reset: an attribute's strings
	// across actors sit together (client ids in one run of bytes), where
	// one heap allocation each scattered them over the heap and reading a
	// field cost a trip to memory.
	cols [][]stdlib.Store
	// kidSample > 0 cuts each actor's children of one entity to that many,
	// noting in sampled how many it declared (memory estimates only).
	kidSample int
	sampled   map[*actor][]int64
	// hints holds, per getter of a constant name (scope.getter), where
	// the name was found in the last object it read.
	hints []keyHint
	// fault is the first run-time error (nil while all is well): set by
	// a failing expression, which then gives null, and checked by the
	// worker once per step, which ends the run with it.
	fault *RuntimeError
	// run is the runner bound (worker.bind): whose active days an
	// arrival process with active_days draws.
	run *runner
	// buildRngs are the attribute streams of the actors buildActor is
	// building, one per level of nesting (a root actor, its child, …):
	// a stream made per actor escaped to the heap through R, 32 bytes of
	// garbage per actor that the collector, which rarely runs during a
	// run's start, left in the peak (a million clickstream users: 32 MB
	// of 258 MB).
	buildRngs [maxChildDepth + 1]stdlib.Rand
}

// keyHint is where a getter last found its name: the position and the
// key string's bytes, and when the object was a row of a dataset's table,
// the table and its column of that name.
type keyHint struct {
	key  *byte
	pos  int
	tab  *stdlib.Table
	col  []Value         // the column, or nil when it is text or a small set:
	text *stdlib.TextCol // the column of text
	uniq []Value         // its distinct values
	idx  []uint8         // and each row's index among them
}

// hint records that getter id found its name at position pos, as key, in
// c's object. When c is a row of a dataset's table, the getter reads the
// next rows of that table from the column's own array: a row's object and
// its values are two reads from memory before the value (the rows a flow
// picks are random, and scattered over the table), the column one.
// Recipe's ctx.recipe.recipe_id and friends spent 6 % of the run's time
// waiting for those. A column of few distinct values (Table.Small) is
// read as a byte and one of those values, a column of text through its
// dense TextCol.
func (e *Env) hint(id, pos int, key string, c Value) {
	if id >= len(e.hints) {
		e.hints = append(e.hints, make([]keyHint, id+1-len(e.hints))...)
	}
	h := keyHint{key: unsafe.StringData(key), pos: pos}
	if t, _ := stdlib.TableOf(c); t != nil {
		h.tab = t
		if h.uniq, h.idx = t.Small(pos); h.idx == nil {
			if h.text = t.Text(pos); h.text == nil {
				h.col = t.Column(pos)
			}
		}
	}
	e.hints[id] = h
}

// colStore is the store of attribute i of entity ep's actors.
func (e *Env) colStore(ep *EntityPlan, i int) *stdlib.Store {
	if len(e.cols) <= ep.Index {
		e.cols = append(e.cols, make([][]stdlib.Store, ep.Index+1-len(e.cols))...)
	}
	if e.cols[ep.Index] == nil {
		e.cols[ep.Index] = make([]stdlib.Store, len(ep.attrs))
	}
	return &e.cols[ep.Index][i]
}

// cexpr is a compiled expression: a constant, or a closure over Env. It is
// built once per scenario; evaluation never touches cty or the HCL AST.
type cexpr struct {
	typ    Kind
	isC    bool
	val    Value
	fn     func(e *Env) Value
	num    func(c *stdlib.Ctx) float64 // a sampler of numbers with constant arguments: its draw as a float64
	ints   func(c *stdlib.Ctx) int64   // a sampler of whole numbers with constant arguments: its draw as an int64
	span   *stdlib.IntSpan             // for ints of uniform(a, b): the range it draws from (stdlib.Impl.Span)
	dur    *spanDur                    // for a duration of such a range, every draw in range: what fn computes
	sample func(c *stdlib.Ctx) Value   // a sampler with constant arguments (uuid(), weighted({ … })): what fn calls
	// framed: the sampler's Impl.Framed (hex, uuid), for a template of
	// it as its one varying part (oneDynamic).
	framed func(pre, post string, flags int64) func(c *stdlib.Ctx) Value
	random bool // draws from the actor's stream (never folded)
	rng    hcl.Range
	// held: the values are held outside the record arena (an actor's
	// attributes, and what they hold), so a session keeps them as they
	// are, without looking at the arenas (see keepIn).
	held bool
	// shape: the value is a row of a dataset or an entity table (or
	// null), whose keys are known; elems: a list of such rows. A constant
	// name that is not a key is then a diagnostic, not a silent null.
	shape, elems *rowShape
	// elemsOpen: a ctx or memory slot of lists whose elements' shape no
	// set has said yet (while types are inferred): append may give it one.
	elemsOpen bool
	// from: where the value is read, when it is read straight from the
	// environment (ctx.NAME, an actor attribute): a step into it by a
	// constant name then reads it there itself, without a call.
	from envSlot
	// get: for a getter of a constant name straight from the environment
	// (ctx.NAME.KEY, actor.NAME.KEY), what it reads (emit reads such a
	// field of ctx itself: readCtx); nil otherwise.
	get *fieldGet
	// reads: evaluating it only reads what the environment holds
	// (ctx.NAME, an attribute, a member of one by a constant name): it
	// writes nothing to the record arena, draws nothing and cannot fail,
	// so a template renders it where it stands (see template).
	reads bool
	// varying: for an object written as { … } whose value is not a
	// constant, the first key whose value is not (stdlib.Arg.Varying).
	varying string
	// elemTyp: for a list written as [ … ] whose value is not a
	// constant, its elements' common kind (Null: not known).
	elemTyp Kind
	// domain: every value the expression can take, as switch matches
	// them (see domainKey), when known at compile time (a weighted or
	// choice over constants, state.name, an attribute that is one);
	// nil when not known.
	domain []string
	// cands: values the expression can take, each where it is written,
	// when they are constants written elsewhere (an experiment param's
	// group values, also through a conditional or coalesce).
	cands []candidate
	// strays: such values that an operator inside the expression cannot
	// take (see strayCand).
	strays []strayCand
}

// domainKey is v as switch looks up its branch: a string's text, any
// other value's String().
func domainKey(v Value) string {
	if v.K == stdlib.String {
		return v.S
	}
	return v.String()
}

// domainOf is the values x, compiled from e, can take: a literal's
// value, or x's domain (nil when not known). A constant that is no
// literal (var.tier) is not known: --var may give it another value.
func domainOf(e hcl.Expression, x *cexpr) []string {
	if x.isC {
		if isLiteral(e) {
			return []string{domainKey(x.val)}
		}
		return nil
	}
	return x.domain
}

// isLiteral tells whether e is a literal: 5, true, "gold", or a bare
// object key (gold = …).
func isLiteral(e hcl.Expression) bool {
	switch l := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.TemplateExpr:
		return l.IsStringLiteral()
	case *hclsyntax.ObjectConsKeyExpr:
		return hcl.ExprAsKeyword(l) != "" || isLiteral(l.Wrapped)
	}
	return false
}

// literalDomain is the values of a literal list of literals (choice's
// [ "a", "b" ]) or the keys of a literal object whose keys are literals
// (weighted's { a = 3, b = 1 }); nil for anything else.
func literalDomain(e hcl.Expression, v Value) []string {
	var dom []string
	switch l := e.(type) {
	case *hclsyntax.TupleConsExpr:
		if v.K != stdlib.List || len(v.List()) != len(l.Exprs) {
			return nil
		}
		for i, x := range l.Exprs {
			if !isLiteral(x) {
				return nil
			}
			dom = append(dom, domainKey(v.List()[i]))
		}
	case *hclsyntax.ObjectConsExpr:
		if v.K != stdlib.Object {
			return nil
		}
		for _, it := range l.Items {
			if !isLiteral(it.KeyExpr) {
				return nil
			}
		}
		dom = slices.Clone(v.Obj().Keys)
	}
	return dom
}

// elemKind is the kind of x's elements when x is a list whose elements
// share one (see stdlib.CommonKind), else Any.
func elemKind(x *cexpr) Kind {
	switch {
	case x.typ != stdlib.List:
		return stdlib.Any
	case x.isC && x.val.K == stdlib.List:
		return stdlib.CommonKind(x.val.List())
	case x.elemTyp != stdlib.Null:
		return x.elemTyp
	}
	return stdlib.Any
}

// envSlot names a value the environment holds: ctx.NAME (ctx) or an
// attribute of the actor (attr), at slot; the zero value names none.
type envSlot struct {
	kind uint8
	slot int32
}

const (
	fromNone uint8 = iota
	fromCtx
	fromAttr
	fromNow // event.time (slot unused)
)

// rowShape is the keys of a dataset's rows (its columns) or of an entity
// table's (its attributes).
type rowShape struct {
	keys    []string
	kinds   []Kind      // a dataset's column types, by key (nil for an entity)
	ent     *EntityPlan // an entity's table: its attributes' types, once compiled
	owner   string      // the dataset or entity name, or "f()" for a function's results
	dataset bool
	// function: the objects a stdlib function with Fields returns
	// (city_location(), device()).
	function bool
	// literal: the objects an object literal { … } makes; subs are its
	// values' own shapes and elems (rows, or lists of rows), by key.
	literal     bool
	subs, subEl []*rowShape
	subElem     []Kind // list values' element kinds
}

// kind is the type of key name's values, when all rows agree on one
// (null cells aside); Any otherwise. A dataset column of mixed kinds is
// Any, and so is an entirely empty one; an entity attribute has its
// expression's type once compiled.
func (sh *rowShape) kind(name string) Kind {
	i := slices.Index(sh.keys, name)
	kinds := sh.kinds
	if sh.ent != nil {
		kinds = sh.ent.attrTypes
	}
	if i < 0 || i >= len(kinds) || kinds[i] == stdlib.Null {
		return stdlib.Any
	}
	return kinds[i]
}

// attrHint is the "Did you mean …?" of an attribute name that entity
// looked (the scope's entity or one of its ancestors) lacks: the form
// that reaches it when another of those entities has it (account.country
// is user.country when country is the parent user's attribute, and
// user.iban is account.iban when iban is the actor's own), else the
// closest of looked's attribute names.
func (s *scope) attrHint(name string, looked *EntityPlan) string {
	for e := s.entity; e != nil; e = e.Parent {
		if e == looked {
			continue
		}
		if _, ok := e.attrIdx[name]; !ok {
			continue
		}
		var whose string
		switch {
		case e == s.entity:
			whose = fmt.Sprintf("the actor's own entity %q", e.Name)
		case e == s.entity.Parent:
			whose = fmt.Sprintf("%q, the parent entity of %q", e.Name, s.entity.Name)
		default:
			whose = fmt.Sprintf("%q, an ancestor of %q", e.Name, s.entity.Name)
		}
		return fmt.Sprintf(" Did you mean %s.%s? (%s is an attribute of %s.)", e.Name, name, name, whose)
	}
	return suggest(name, looked.AttrNames)
}

// unknownKey is the diagnostic for a name that is not one of sh's keys,
// worded as dataset.NAME.COLUMN's and ENTITY.NAME's (or for a function's
// objects).
func (s *scope) unknownKey(sh *rowShape, name string, r hcl.Range) *cexpr {
	if sh.dataset {
		return s.errf(r, "Unknown column", "Dataset %q has no column %q (columns: %s).%s", sh.owner, name, strings.Join(sh.keys, ", "), suggest(name, sh.keys))
	}
	if sh.function {
		return s.errf(r, "Unknown key", "The objects %s returns have no key %q (keys: %s).%s", sh.owner, name, strings.Join(sh.keys, ", "), suggest(name, sh.keys))
	}
	if sh.literal {
		return s.errf(r, "Unknown key", "The object has no key %q (keys: %s).%s", name, strings.Join(sh.keys, ", "), suggest(name, sh.keys))
	}
	return s.errf(r, "Unknown attribute", "Entity %q has no attribute %q.%s", sh.owner, name, suggest(name, sh.keys))
}

// spanDur is a duration of whole units drawn from a range whose every
// draw is within the longest duration (clickstream's gap, seconds(uniform(5,
// 200)); recipe's, uniform("5s", "2m"), in units of 1 ms): its value is
// DurV(span.Draw(R) * unit), which a caller may compute itself, without
// the expression's closure.
type spanDur struct {
	span *stdlib.IntSpan
	unit int64
}

func (c *cexpr) eval(e *Env) Value {
	if c.isC {
		return c.val
	}
	return c.fn(e)
}

// keepIn is what a session keeps of v, a value of c: v itself when c's
// values never live in the record arena (constants, attributes), else
// what Ctx.KeepIn copies into the session's store.
func (c *cexpr) keepIn(e *Env, st *stdlib.Store, v Value) Value {
	if c.isC || c.held {
		return v
	}
	return e.KeepIn(st, v)
}

// keepSess is keepIn for a per-session field (FlowPlan.sessionLeaves),
// evaluated just now: a string (a template of session.id, formatted in
// the record arena) is copied into the session's store as it is, without
// KeepIn's look at where it lives (~230 instructions per session in
// recipe, where the copy is a few dozen). A copy of a string that no
// arena holds is as good, and the store is reset with the session.
func (c *cexpr) keepSess(e *Env, st *stdlib.Store, v Value) Value {
	if c.isC || c.held {
		return v
	}
	return keepSessCopy(e, st, v)
}

// evalSessionLeaf is what a session keeps of its per-session field x (env
// bound to the session at its start), when x is not an actor's attribute
// (those are copied: setSessionLeaves).
func evalSessionLeaf(e *Env, st *stdlib.Store, x *cexpr) Value {
	return x.keepSess(e, st, x.eval(e))
}

func keepSessCopy(e *Env, st *stdlib.Store, v Value) Value {
	if v.K == stdlib.String {
		if len(v.S) > 0 {
			v.S = st.String(v.S)
		}
		return v
	}
	return e.KeepIn(st, v)
}

func konst(v Value, r hcl.Range) *cexpr {
	return &cexpr{typ: v.K, isC: true, val: stdlib.Freeze(v), rng: r}
}

// scope says which names an expression may use and how they resolve.
type scope struct {
	c          *compiler
	where      string           // "an entity attribute", "an emit field" … for messages
	entity     *EntityPlan      // attributes reachable as <entity>.x / actor.x
	attrOK     func(i int) bool // which attributes are visible (entity attrs see earlier ones)
	ctx        map[string]int   // ctx.* slots
	memory     map[string]int   // memory.* slots
	stateName  string           // state.name, inside a state
	stateNames []string         // the names of the flow's states, inside a state
	session    bool             // session.* and event.* available
	hasIndex   bool             // index available
	constOnly  bool             // only constants allowed (counts, settings)
	ctxShapes  *ctxShapes       // a flow's: what its ctx slots are set to, and ctx.NAME.KEY uses to check against it
	ctxTypes   []ctxType        // a flow's: what its ctx slots hold, by slot (see inferCtxTypes)
	probe      *ctxProbe        // inferring ctxTypes: slots not known yet are typed null, and their reads noted
	memGuess   bool             // guessing memory types: memory slots not known yet are typed null (slotType)
	each       *cexpr           // the fields of an emit with for_each: its list (each.value, each.index)
	memTypes   []ctxType        // the actor's: what its memory slots hold, by slot (see inferMemTypes)
	rowsOf     *DatasetPlan     // a dataset filter's: the dataset whose rows are row.COLUMN (entity is their pseudo entity "row")
	filtering  string           // a dataset filter's: the dataset being built
	locals     []localVar       // the variables of the for expressions the expression is in, innermost last
	folding    bool             // compiling a for expression's body for one element of a constant collection (foldFor): a wrong operand's message says its value
	guarded    int              // compiling within a branch that a condition may keep from some experiment group's values (see mayGuard): no candidate value is checked there
}

var cmpOps = map[*hclsyntax.Operation]string{
	hclsyntax.OpEqual: "==", hclsyntax.OpNotEqual: "!=", hclsyntax.OpGreaterThan: ">",
	hclsyntax.OpGreaterThanOrEqual: ">=", hclsyntax.OpLessThan: "<", hclsyntax.OpLessThanOrEqual: "<=",
}

var arithOps = map[*hclsyntax.Operation]byte{
	hclsyntax.OpAdd: '+', hclsyntax.OpSubtract: '-', hclsyntax.OpMultiply: '*', hclsyntax.OpDivide: '/', hclsyntax.OpModulo: '%',
}

func (s *scope) errf(r hcl.Range, summary, format string, a ...any) *cexpr {
	s.c.diags = append(s.c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary,
		Detail: fmt.Sprintf(format, a...), Subject: r.Ptr()})
	return &cexpr{typ: stdlib.Any, isC: true, rng: r}
}

// compile turns an HCL expression into a cexpr, folding constants.
func (s *scope) compile(x hcl.Expression) *cexpr {
	switch x := x.(type) {
	case *hclsyntax.LiteralValueExpr:
		return s.literal(x)
	case *hclsyntax.TemplateWrapExpr:
		return s.compile(x.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		return s.compile(x.Expression)
	case *hclsyntax.TemplateExpr:
		return s.template(x)
	case *hclsyntax.ScopeTraversalExpr:
		return s.traversal(x)
	case *hclsyntax.RelativeTraversalExpr:
		nd := len(s.c.diags)
		src := s.compile(x.Source)
		if s.failedSince(nd) {
			// The source is in error (reported): a step into its
			// placeholder would only add a misleading second error.
			return &cexpr{typ: stdlib.Any, isC: true, rng: x.SrcRange}
		}
		return s.steps(src, x.Traversal, x.SrcRange)
	case *hclsyntax.IndexExpr:
		return s.index(x)
	case *hclsyntax.FunctionCallExpr:
		return s.call(x)
	case *hclsyntax.BinaryOpExpr:
		return s.binary(x)
	case *hclsyntax.UnaryOpExpr:
		return s.unary(x)
	case *hclsyntax.ConditionalExpr:
		return s.conditional(x)
	case *hclsyntax.TupleConsExpr:
		return s.tuple(x)
	case *hclsyntax.ObjectConsExpr:
		return s.object(x)
	case *hclsyntax.ObjectConsKeyExpr:
		if k := hcl.ExprAsKeyword(x); k != "" {
			return konst(stdlib.StrV(k), x.Range())
		}
		return s.compile(x.Wrapped)
	case *hclsyntax.ForExpr:
		return s.forExpr(x)
	case *hclsyntax.SplatExpr:
		return s.errf(x.Range(), "Unsupported expression", "Splat expressions ([*]) are not supported in scenarios.")
	case *hclsyntax.TemplateJoinExpr:
		return s.errf(x.Range(), "Unsupported expression", "%%{for} template directives are not supported in scenarios.")
	}
	return s.errf(x.Range(), "Unsupported expression", "This kind of expression is not supported here.")
}

func (s *scope) literal(x *hclsyntax.LiteralValueExpr) *cexpr {
	v := x.Val
	r := x.SrcRange
	switch {
	case v.IsNull():
		return konst(stdlib.NullV(), r)
	case v.Type() == cty.String:
		return konst(stdlib.StrV(v.AsString()), r)
	case v.Type() == cty.Bool:
		return konst(stdlib.BoolV(v.True()), r)
	case v.Type() == cty.Number:
		n, summary, detail := numberLiteral(v.AsBigFloat(), s.c.source(r), false)
		if summary != "" {
			return s.errf(r, summary, "%s", detail)
		}
		return konst(n, r)
	}
	return s.errf(r, "Unsupported value", "Only strings, numbers, booleans and null are literal values.")
}

// numberLiteral is the value of a number literal bf written src (negated
// when neg: the operand of a unary minus, so that -9223372036854775808 is
// an int). Written without a point or an exponent it is an int, which must
// fit 64 bits: 99999999999999999999 is an error, not a float that rounds
// it. Written with one (1.5, 1e20) it is a float, which must be finite.
// On error summary and detail say why.
func numberLiteral(bf *big.Float, src string, neg bool) (v Value, summary, detail string) {
	if neg {
		bf = new(big.Float).Neg(bf)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if !strings.ContainsAny(src, ".eE") {
		if i, acc := bf.Int64(); acc == big.Exact {
			return stdlib.IntV(i), "", ""
		}
		if bf.IsInt() && src != "" {
			return Value{}, "Integer out of range", fmt.Sprintf("%s%s does not fit in a 64-bit integer (%d to %d); for a float, which keeps about 16 significant digits, write it with a point (%s%s.0).",
				sign, src, int64(math.MinInt64), int64(math.MaxInt64), sign, src)
		}
	}
	f, _ := bf.Float64()
	if math.IsInf(f, 0) {
		return Value{}, "Number out of range", fmt.Sprintf("%s%s is beyond the range of a float (about ±1.8e308).", sign, src)
	}
	return stdlib.FloatV(f), "", ""
}

// appendText writes v as template text.
func appendText(dst []byte, v Value, tf *stdlib.TimeFormatter) []byte {
	switch v.K {
	case stdlib.String:
		return append(dst, v.S...)
	case stdlib.Int:
		return strconv.AppendInt(dst, v.I, 10)
	case stdlib.Float:
		return stdlib.AppendFloat(dst, v.Float())
	case stdlib.Time:
		return tf.Append(dst, v.I)
	case stdlib.Null:
		return dst
	}
	return append(dst, v.String()...)
}

// textFlags is what is known of v's text (appendText): the PlainJSON and
// PlainCSV flags of a string; numbers, times and nothing need neither
// escaping nor quoting.
func textFlags(v Value) int64 {
	switch v.K {
	case stdlib.String:
		return v.I & (stdlib.PlainJSON | stdlib.PlainCSV)
	case stdlib.Int, stdlib.Float, stdlib.Time, stdlib.Null:
		return stdlib.PlainJSON | stdlib.PlainCSV
	}
	return 0
}

func (s *scope) template(x *hclsyntax.TemplateExpr) *cexpr {
	parts := make([]*cexpr, 0, len(x.Parts))
	allC := true
	random := false
	for _, p := range x.Parts {
		if _, ok := p.(*hclsyntax.TemplateJoinExpr); ok {
			return s.errf(p.Range(), "Unsupported expression", "%%{for} template directives are not supported in scenarios.")
		}
		c := s.compile(p)
		// "p=${experiment.x.p * 2}": the text takes the value, not the
		// strays the operator could not.
		s.strayErrs(c.strays, "the template at "+posString(x.SrcRange))
		if c.typ == stdlib.List || c.typ == stdlib.Object {
			s.errf(p.Range(), "Invalid template interpolation", "A %s cannot be interpolated into a string; use json(…) to encode it.", c.typ)
		}
		allC = allC && c.isC
		random = random || c.random
		parts = append(parts, c)
	}
	if allC {
		var b []byte
		for _, p := range parts {
			b = appendText(b, p.val, s.c.tf)
		}
		return konst(stdlib.StrV(string(b)), x.SrcRange)
	}
	if t := s.oneDynamic(parts, x.SrcRange); t != nil {
		return t
	}
	// Constant parts are rendered once, here (adjacent ones together,
	// as one string whose flags are theirs); parts that only read the
	// environment (bank's lookup key "${client.city}|${ctx.cat.category}":
	// both) are evaluated as they are rendered. Any other part may itself
	// write to the arena (hex(32)), and the result must be contiguous:
	// those are evaluated first, onto the stack, and rendered from there.
	var segs []tmplSeg
	var early []*cexpr
	for _, p := range parts {
		switch {
		case p.isC:
			text, flags := appendText(nil, p.val, s.c.tf), textFlags(p.val)
			if n := len(segs); n > 0 && segs[n-1].x == nil && !segs[n-1].early {
				lit := &segs[n-1].lit
				text, flags = append([]byte(lit.S), text...), flags&lit.I
				segs = segs[:n-1]
			}
			lit := stdlib.StrV(string(text))
			lit.I = flags
			segs = append(segs, tmplSeg{lit: lit})
		case p.reads:
			segs = append(segs, tmplSeg{x: p})
		default:
			segs = append(segs, tmplSeg{early: true})
			early = append(early, p)
		}
	}
	general := func(e *Env) Value {
		base := len(e.stack)
		for _, p := range early {
			e.stack = append(e.stack, p.eval(e))
		}
		start := len(e.Arena)
		// Plain parts make a plain whole: none starts with a blank, so
		// neither does their concatenation.
		flags, k := int64(stdlib.PlainJSON|stdlib.PlainCSV), base
		for i := range segs {
			sg := &segs[i]
			v := sg.lit
			switch {
			case sg.x != nil:
				v = sg.x.fn(e)
			case sg.early:
				v = e.stack[k]
				k++
			}
			if v.K == stdlib.String { // most parts (bank's lookup keys: all), without a call
				// Up to 16 bytes (a city, the "|", a category) as two
				// overlapping words or byte by byte, not a call to
				// memmove; nothing past the string is read.
				if n, k := len(e.Arena), len(v.S); k <= 16 && cap(e.Arena)-n >= 16 {
					d, src := unsafe.Add(unsafe.Pointer(unsafe.SliceData(e.Arena)), n), unsafe.Pointer(unsafe.StringData(v.S))
					switch {
					case k >= 8:
						*(*uint64)(d) = *(*uint64)(src)
						*(*uint64)(unsafe.Add(d, k-8)) = *(*uint64)(unsafe.Add(src, k-8))
					case k >= 4:
						*(*uint32)(d) = *(*uint32)(src)
						*(*uint32)(unsafe.Add(d, k-4)) = *(*uint32)(unsafe.Add(src, k-4))
					default:
						for j := range k {
							*(*byte)(unsafe.Add(d, j)) = *(*byte)(unsafe.Add(src, j))
						}
					}
					e.Arena = e.Arena[:n+k]
				} else {
					e.Arena = append(e.Arena, v.S...)
				}
				flags &= v.I & (stdlib.PlainJSON | stdlib.PlainCSV)
				continue
			}
			e.Arena = appendText(e.Arena, v, e.tf)
			flags &= textFlags(v)
		}
		e.stack = e.stack[:base]
		v := stdlib.StrV(arenaString(e.Arena[start:]))
		v.I = flags
		return v
	}
	if fn := twoReads(segs, general); fn != nil && len(early) == 0 && fuseLeaves {
		return &cexpr{typ: stdlib.String, random: random, rng: x.SrcRange, fn: fn}
	}
	return &cexpr{typ: stdlib.String, random: random, rng: x.SrcRange, fn: general}
}

// twoReads renders a template of two parts that only read the
// environment, between constant texts (bank's lookup key
// "${client.city}|${ctx.cat.category}", 750 k a run): both parts are
// evaluated first (they write nothing, draw nothing and cannot fail, so
// the order does not matter), then the five pieces are copied, with no
// call between: in template's loop each part's call spilled and
// reloaded the loop's state. A part that is not a string takes the
// general rendering (general), which evaluates the parts again. nil for
// any other template.
func twoReads(segs []tmplSeg, general func(e *Env) Value) func(e *Env) Value {
	var xs []*cexpr
	var lits [3]Value // before, between and after the parts
	for i := range lits {
		lits[i] = stdlib.StrV("")
		lits[i].I = stdlib.PlainJSON | stdlib.PlainCSV
	}
	for _, sg := range segs {
		switch {
		case sg.early:
			return nil
		case sg.x != nil:
			if len(xs) == 2 {
				return nil
			}
			xs = append(xs, sg.x)
		default:
			lits[len(xs)] = sg.lit // adjacent constant parts are one
		}
	}
	if len(xs) != 2 {
		return nil
	}
	pre, mid, post := lits[0], lits[1], lits[2]
	t := &twoRead{a: xs[0], b: xs[1], pre: pre.S, mid: mid.S, post: post.S, general: general,
		litFlags: pre.I & mid.I & post.I & (stdlib.PlainJSON | stdlib.PlainCSV),
		n0:       len(pre.S) + len(mid.S) + len(post.S)}
	// One pointer captured: a closure copies its captured values into
	// its frame at every call, and the three texts, parts, flags and
	// length, captured one by one, cost 27 instructions a call. (A
	// method value, t.eval, is a wrapper's call more.)
	return func(e *Env) Value {
		va := t.a.fn(e)
		vb := t.b.fn(e)
		if va.K != stdlib.String || vb.K != stdlib.String {
			return t.general(e)
		}
		start := len(e.Arena)
		n := t.n0 + len(va.S) + len(vb.S)
		// One byte of room beyond the text, so that every pointer
		// putText makes, the one just past the text included, points
		// into the arena: one past its end is not a valid pointer (the
		// race detector's checkptr stops the program on it).
		if start+n >= cap(e.Arena) {
			e.Arena = slices.Grow(e.Arena, n+1)
		}
		e.Arena = e.Arena[:start+n]
		d := unsafe.Add(unsafe.Pointer(unsafe.SliceData(e.Arena)), start)
		if len(t.pre) > 0 {
			d = putText(d, t.pre)
		}
		d = putText(putText(d, va.S), t.mid)
		if d = putText(d, vb.S); len(t.post) > 0 {
			putText(d, t.post)
		}
		v := stdlib.StrV(arenaString(e.Arena[start:]))
		v.I = t.litFlags & va.I & vb.I
		return v
	}
}

// twoRead is what a template of two reads (twoReads) renders with.
type twoRead struct {
	a, b           *cexpr
	pre, mid, post string
	general        func(e *Env) Value
	litFlags       int64
	n0             int
}

// putText copies s to d, which has room for it, and returns the byte
// after: up to 16 bytes (a city, a category) as two overlapping words,
// one (the "|" between them) as a byte, not a call to memmove; nothing
// past s is read or written.
func putText(d unsafe.Pointer, s string) unsafe.Pointer {
	k, src := len(s), unsafe.Pointer(unsafe.StringData(s))
	switch {
	case uint(k-8) <= 8: // 8 to 16
		*(*uint64)(d) = *(*uint64)(src)
		*(*uint64)(unsafe.Add(d, k-8)) = *(*uint64)(unsafe.Add(src, k-8))
	case k&^3 == 4: // 4 to 7
		*(*uint32)(d) = *(*uint32)(src)
		*(*uint32)(unsafe.Add(d, k-4)) = *(*uint32)(unsafe.Add(src, k-4))
	case k == 1: // bank's "|"
		*(*byte)(d) = *(*byte)(src)
	default:
		copy(unsafe.Slice((*byte)(d), k), s)
	}
	return unsafe.Add(d, k)
}

// tmplSeg is a piece of a template of several varying parts: constant
// text (lit, a string with the flags of the parts it renders), a part
// that reads the environment (x), or a part evaluated before the template
// is rendered (early).
type tmplSeg struct {
	lit   Value
	x     *cexpr
	early bool
}

// oneDynamic compiles a template with exactly one part that is not
// constant ("e-${hex(32)}", "UID-${index + 1}"): the constant text around
// it is rendered once, and the part is evaluated after the prefix is in
// the arena, so that a part that writes its text at the end of the arena
// (hex, uuid, an inner template) is already where the result needs it and
// is not copied. nil for any other template.
func (s *scope) oneDynamic(parts []*cexpr, r hcl.Range) *cexpr {
	k := -1
	for i, p := range parts {
		if !p.isC {
			if k >= 0 {
				return nil
			}
			k = i
		}
	}
	if k < 0 {
		return nil
	}
	var pre, post []byte
	for _, p := range parts[:k] {
		pre = appendText(pre, p.val, s.c.tf)
	}
	for _, p := range parts[k+1:] {
		post = appendText(post, p.val, s.c.tf)
	}
	x := parts[k]
	litFlags := stdlib.TextFlags(string(pre)) & stdlib.TextFlags(string(post))
	if x.framed != nil && fuseLeaves {
		// A sampler that writes its text in the arena, and the text
		// around it, in one call: a sampler itself, which evalLeaves
		// calls without a closure (clickstream's "e-${hex(32)}").
		f := x.framed(string(pre), string(post), litFlags)
		return &cexpr{typ: stdlib.String, random: x.random, rng: r, sample: f, fn: func(e *Env) Value { return f(&e.Ctx) }}
	}
	d := &oneDyn{pre: pre, post: post, x: x, sample: x.sample} // a sampler ("e-${hex(32)}"): called without its closure
	if !fuseLeaves {
		d.sample = nil
	}
	d.litFlags = litFlags
	copy(d.pre8[:], pre)
	copy(d.post8[:], post)
	t := &cexpr{typ: stdlib.String, random: x.random, rng: r, fn: d.eval}
	if _, ok := s.c.sessIDs[x]; ok && d.sample == nil {
		s.c.noteSessID(t, d)
	}
	return t
}

// noteSessID records x as session.id (d nil) or a template of it (d).
func (c *compiler) noteSessID(x *cexpr, d *oneDyn) {
	if c.sessIDs == nil {
		c.sessIDs = map[*cexpr]*oneDyn{}
	}
	c.sessIDs[x] = d
}

// oneDyn is a template of one dynamic part (scope.oneDynamic). Its
// evaluation is a method reading what it needs through one pointer: a
// closure copies every captured value into its frame at entry, and a
// dozen of them were loaded and spilled at every call, most of them used
// only when the part does not write its text where it is wanted.
type oneDyn struct {
	pre, post   []byte
	pre8, post8 [8]byte
	x           *cexpr
	sample      func(c *stdlib.Ctx) Value
	litFlags    int64
}

func (d *oneDyn) eval(e *Env) Value {
	start := len(e.Arena)
	e.Arena = short(e.Arena, d.pre, &d.pre8)
	mark := len(e.Arena)
	var v Value
	if d.sample != nil {
		v = d.sample(&e.Ctx)
	} else {
		v = d.x.eval(e)
	}
	switch {
	case len(e.Arena) == mark:
		// The part wrote nothing: its text goes right after the prefix.
		e.Arena = appendText(e.Arena, v, e.tf)
	case v.K == stdlib.String && len(e.Arena) == mark+len(v.S) && unsafe.StringData(v.S) == &e.Arena[mark]:
		// The part wrote exactly its text, right after the prefix.
	default:
		// Its text is elsewhere: render the prefix again after it.
		start = len(e.Arena)
		e.Arena = append(e.Arena, d.pre...)
		e.Arena = appendText(e.Arena, v, e.tf)
	}
	if len(d.post) > 0 {
		e.Arena = short(e.Arena, d.post, &d.post8)
	}
	out := stdlib.StrV(arenaString(e.Arena[start:]))
	out.I = d.litFlags & textFlags(v)
	return out
}

// short appends p, whose first (up to) eight bytes are w, to dst: the
// text around a template's one dynamic part ("e-${hex(32)}" has two bytes
// before and none after) is usually short, and is then stored as one
// word instead of a call to memmove (the two calls were a third of the
// template's cost, 2.8 M times in a clickstream run).
func short(dst, p []byte, w *[8]byte) []byte {
	n := len(dst)
	if len(p) > 8 || cap(dst)-n < 8 {
		return append(dst, p...)
	}
	*(*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), n)) = *w
	return dst[:n+len(p)]
}

func arenaString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func suggest(name string, options []string) string { return closest.DidYouMean(name, options) }

// scenarioVars are the names of the scenario's own variables, declared
// above or below the use (a module's are qualified, "mod.name", and out of
// the scenario's reach).
func (c *compiler) scenarioVars() []string {
	names := make([]string, len(c.sc.Variables))
	for i, v := range c.sc.Variables {
		names[i] = v.Name
	}
	return names
}

// suggestOrList is suggest, or when no name is close, the names there
// are (a few) or that there are none: `variable "NAME" { … }` declares one.
func suggestOrList(name string, options []string, what string) string {
	if s := suggest(name, options); s != "" {
		return s
	}
	switch {
	case len(options) == 0:
		return fmt.Sprintf(" No %s is declared (%s \"%s\" { default = … } declares one).", what, what, name)
	case len(options) <= 12:
		o := append([]string(nil), options...)
		sort.Strings(o)
		return fmt.Sprintf(" Declared: %s.", strings.Join(o, ", "))
	}
	return ""
}

func (s *scope) traversal(x *hclsyntax.ScopeTraversalExpr) *cexpr {
	t := x.Traversal
	root := t.RootName()
	rootR := t[0].SourceRange()
	attrStep := func() (string, hcl.Range, bool) {
		if len(t) < 2 {
			return "", rootR, false
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			return a.Name, a.SrcRange, true
		}
		return "", t[1].SourceRange(), false
	}
	rest := func(c *cexpr, from int) *cexpr {
		if from < len(t) {
			// A step into a held value (user.home.name) reads what
			// the value holds: held too.
			r := s.steps(c, t[from:], x.SrcRange)
			if c.held && !r.isC {
				r.held = true
			}
			return r
		}
		return c
	}
	if c := s.local(root); c != nil {
		c.rng = x.SrcRange
		return rest(c, 1)
	}
	dynamic := func(what string) *cexpr {
		if s.constOnly {
			return s.errf(x.SrcRange, "Value not known in advance", "%s is not known when %s is decided; only constants and variables can be used here.", what, s.where)
		}
		return nil
	}
	switch root {
	case "var":
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to a variable as var.NAME.")
		}
		v, found := s.c.vars[name]
		if !found && s.c.badVars[name] {
			// Declared, and its missing or invalid value is reported at
			// the declaration.
			return s.c.quiet(x.SrcRange)
		}
		if !found {
			return s.errf(r, "Unknown variable", "There is no variable %q.%s", name, suggestOrList(name, s.c.scenarioVars(), "variable"))
		}
		return rest(konst(v, x.SrcRange), 2)
	case "scenario":
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to scenario settings as scenario.start, scenario.end, scenario.seed or scenario.name.")
		}
		var v Value
		switch name {
		case "start":
			v = stdlib.TimeV(s.c.plan.Start)
		case "end":
			v = stdlib.TimeV(s.c.plan.End)
		case "seed":
			v = stdlib.IntV(int64(s.c.plan.Seed))
		case "name":
			v = stdlib.StrV(s.c.plan.Name)
			if s.c.sc.Settings != nil {
				v = stdlib.StrV(s.c.sc.Settings.Name) // the block's label, known before the block
			}
		default:
			return s.errf(r, "Unknown scenario setting", "scenario has start, end, seed and name.%s", suggest(name, []string{"start", "end", "seed", "name"}))
		}
		if s.c.inDefaults && name != "name" {
			return s.errf(x.SrcRange, "Value not known in advance", "%s is not known when the variables' defaults are computed: the scenario block, which may use variables, comes after them. "+
				"Write the value itself, or put it in a variable the scenario block uses too (start = var.start).", "scenario."+name)
		}
		return rest(konst(v, x.SrcRange), 2)
	case "index":
		if e := dynamic("index"); e != nil {
			return e
		}
		if !s.hasIndex {
			return s.errf(rootR, "Invalid reference", "index (the actor's number, from 0) is not available in %s.", s.where)
		}
		return rest(&cexpr{typ: stdlib.Int, rng: x.SrcRange, fn: func(e *Env) Value { return stdlib.IntV(e.Index) }}, 1)
	case "ctx":
		if e := dynamic("ctx"); e != nil {
			return e
		}
		name, r, ok := attrStep()
		if !ok || s.ctx == nil {
			return s.errf(r, "Invalid reference", "ctx.NAME refers to session context set by a state's set = { … }, inside a flow.")
		}
		slot, found := s.ctx[name]
		if !found {
			hint := suggest(name, keys(s.ctx))
			if hint == "" {
				hint = fmt.Sprintf(" A state's set = { %s = … } sets it, for the rest of the session.", name)
			}
			return s.errf(r, "Unknown context value", "No state sets ctx.%s.%s", name, hint)
		}
		ct := s.slotType(s.ctxTypes, slot, false)
		if len(t) > 2 && s.ctxShapes != nil && ct.shape == nil {
			// With a shape, the step checks the key itself.
			if a, ok := t[2].(hcl.TraverseAttr); ok {
				s.ctxShapes.uses = append(s.ctxShapes.uses, ctxKeyUse{slot: name, key: a.Name, rng: a.SrcRange})
			}
		}
		return rest(&cexpr{typ: ct.typ, shape: ct.shape, elems: ct.elems, elemsOpen: ct.elemsOpen(), elemTyp: ct.elemTyp(), rng: x.SrcRange, fn: func(e *Env) Value { return e.CtxVals[slot] }, from: envSlot{fromCtx, int32(slot)}, reads: true}, 2)
	case "each":
		if s.each == nil {
			break
		}
		name, r, ok := attrStep()
		switch {
		case ok && name == "value":
			l := s.each
			c := &cexpr{typ: elemKind(l), shape: l.elems, rng: x.SrcRange, fn: func(e *Env) Value { return e.EachVal }}
			if c.typ == stdlib.Any && l.typ == stdlib.List && l.elems != nil {
				c.typ = stdlib.Object
			}
			return rest(c, 2)
		case ok && name == "index":
			return rest(&cexpr{typ: stdlib.Int, rng: x.SrcRange, fn: func(e *Env) Value { return stdlib.IntV(e.EachIdx) }}, 2)
		}
		return s.errf(r, "Invalid reference", "In an emit with for_each, each.value is the element the record is written for and each.index its position (from 0).")
	case "session", "event":
		if e := dynamic(root); e != nil {
			return e
		}
		name, r, ok := attrStep()
		if !s.session {
			return s.errf(r, "Invalid reference", "%s.* is available in flow states only.", root)
		}
		if !ok {
			return s.errf(r, "Invalid reference", "%s is not a value; use session.id, session.index or session.start, event.time or event.seq.", root)
		}
		var c *cexpr
		switch root + "." + name {
		case "session.id":
			c = &cexpr{typ: stdlib.String, fn: func(e *Env) Value {
				// Formatted into the record arena: kept only where a
				// value outlives the record.
				n := len(e.Arena)
				e.Arena = stdlib.AppendUUIDBits(e.Arena, e.sid.x, e.sid.y)
				b := e.Arena[n:len(e.Arena):len(e.Arena)]
				return stdlib.Value{K: stdlib.String, S: unsafe.String(&b[0], len(b)), I: stdlib.PlainJSON | stdlib.PlainCSV}
			}}
			s.c.noteSessID(c, nil)
		case "session.index":
			c = &cexpr{typ: stdlib.Int, fn: func(e *Env) Value { return stdlib.IntV(e.SessIdx) }}
		case "session.start":
			c = &cexpr{typ: stdlib.Time, fn: func(e *Env) Value { return stdlib.TimeV(e.SessStart) }}
		case "event.time":
			c = &cexpr{typ: stdlib.Time, fn: func(e *Env) Value { return stdlib.TimeV(e.Now) }, from: envSlot{kind: fromNow}}
		case "event.seq":
			c = &cexpr{typ: stdlib.Int, fn: func(e *Env) Value { return stdlib.IntV(e.Seq) }}
		default:
			opts := []string{"id", "index", "start"}
			if root == "event" {
				opts = []string{"time", "seq"}
			}
			hint := suggest(name, opts)
			if hint == "" {
				// What other tools call them: event.timestamp, session.number.
				synonyms := map[string]string{"timestamp": "time", "ts": "time", "at": "time", "date": "time", "datetime": "time",
					"time": "start", "number": "index", "num": "index", "n": "index", "sequence": "seq", "uuid": "id"}
				if m, ok := synonyms[strings.ToLower(name)]; ok && slices.Contains(opts, m) {
					hint = fmt.Sprintf(" Did you mean %s.%s?", root, m)
				}
			}
			return s.errf(r, "Unknown "+root+" field", "%s has %s.%s", root, strings.Join(opts, ", "), hint)
		}
		c.rng = x.SrcRange
		return rest(c, 2)
	case "state":
		name, r, ok := attrStep()
		if !ok || name != "name" || s.stateName == "" {
			return s.errf(r, "Invalid reference", "state.name (the current state's name) is available in a state's emit fields.")
		}
		c := konst(stdlib.StrV(s.stateName), x.SrcRange)
		if len(t) == 2 {
			c.domain = s.stateNames
		}
		return rest(c, 2)
	case "dataset":
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to a dataset as dataset.NAME or dataset.NAME.COLUMN.")
		}
		return s.datasetRef(name, r, t[2:], x.SrcRange)
	case "experiment":
		if e := dynamic("experiment"); e != nil {
			return e
		}
		return s.experimentRef(x)
	case "memory":
		if e := dynamic("memory"); e != nil {
			return e
		}
		name, r, ok := attrStep()
		if !ok || s.memory == nil {
			return s.errf(r, "Invalid reference", "memory.NAME refers to actor memory written by a state's remember = { … }, inside a flow.")
		}
		slot, found := s.memory[name]
		if !found {
			hint := suggest(name, keys(s.memory))
			if hint == "" {
				hint = fmt.Sprintf(" A state's remember = { %s = … } sets it, for the actor's later events and sessions.", name)
			}
			return s.errf(r, "Unknown memory value", "No state remembers memory.%s.%s", name, hint)
		}
		mt := s.slotType(s.memTypes, slot, true)
		return rest(&cexpr{typ: mt.typ, shape: mt.shape, elems: mt.elems, elemsOpen: mt.elemsOpen(), elemTyp: mt.elemTyp(), rng: x.SrcRange, fn: func(e *Env) Value { return e.x.mem[slot] }}, 2)
	case "distribution":
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to a distribution as distribution.NAME.")
		}
		d, found := s.c.dists[name]
		if !found {
			return s.errf(r, "Unknown distribution", "There is no distribution %q.%s", name, suggest(name, keys(s.c.dists)))
		}
		if d.value == nil {
			return s.errf(r, "Not a sampler", "distribution.%s is %s profile; profiles shape arrival times and cannot be drawn as values.", name, stdlib.Article(d.kind))
		}
		if d.value.random && s.constOnly {
			return dynamic("a random draw")
		}
		return rest(d.value, 2)
	case "entity":
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to an entity's actors as entity.NAME.")
		}
		return rest(s.entityRef(name, r, x.SrcRange), 2)
	}
	if pe, depth := s.entity.ancestor(root); pe != nil {
		if e := dynamic("an attribute of " + root); e != nil {
			return e
		}
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to an attribute of %s as %s.NAME.", root, root)
		}
		i, found := pe.attrIdx[name]
		if !found {
			return s.errf(r, "Unknown attribute", "Entity %q has no attribute %q.%s", pe.Name, name, s.attrHint(name, pe))
		}
		if pe.attrBad(i) {
			return s.c.quiet(x.SrcRange)
		}
		return rest(&cexpr{typ: pe.attrTypes[i], rng: x.SrcRange, fn: ancestorAttr(depth, i, len(pe.attrs)), shape: pe.attrShape(i), held: true, domain: pe.attrDomain(i)}, 2)
	}
	switch {
	case s.entity != nil && (root == s.entity.Name || root == "actor"):
		if e := dynamic("an actor attribute"); e != nil {
			return e
		}
		name, r, ok := attrStep()
		if !ok {
			return s.errf(r, "Invalid reference", "Refer to an attribute as %s.NAME.", root)
		}
		i, found := s.entity.attrIdx[name]
		if !found && s.rowsOf != nil {
			d := s.rowsOf
			return s.errf(r, "Unknown column", "Dataset %q has no column %q (columns: %s).%s", d.Name, name, strings.Join(d.Columns, ", "), suggest(name, d.Columns))
		}
		if found && s.entity.attrBad(i) {
			return s.c.quiet(x.SrcRange)
		}
		if !found || (s.attrOK != nil && !s.attrOK(i)) {
			return s.errf(r, "Unknown attribute", "Entity %q has no attribute %q.%s", s.entity.Name, name, s.attrHint(name, s.entity))
		}
		typ := s.entity.attrTypes[i]
		return rest(&cexpr{typ: typ, rng: x.SrcRange, fn: func(e *Env) Value { return e.Attrs[i] }, shape: s.entity.attrShape(i), held: true, from: envSlot{fromAttr, int32(i)}, reads: true, domain: s.entity.attrDomain(i)}, 2)
	}
	roots := []string{"var", "scenario", "distribution", "dataset", "entity"}
	if !s.constOnly {
		if s.hasIndex {
			roots = append(roots, "index")
		}
		if s.entity != nil {
			roots = append(roots, s.entity.Name, "actor")
			for pe := s.entity.Parent; pe != nil; pe = pe.Parent {
				roots = append(roots, pe.Name)
			}
		}
		if s.session {
			roots = append(roots, "session", "event")
		}
		if s.ctx != nil {
			roots = append(roots, "ctx", "memory", "experiment")
		}
		if s.each != nil {
			roots = append(roots, "each")
		}
	}
	if s.entity != nil && s.c.declared(root) {
		return s.errf(rootR, "Invalid reference", "%s", s.notReachable(root))
	}
	if s.entity == nil && s.c.declared(root) && s.where != "a transition weight" {
		// An entity's name where no actor is in scope (a constraint's
		// min_gap, a sink attribute, a variable's default): "Did you
		// mean var.clients?" for client.x, by spelling, misled. (A
		// transition weight has its own hint, below.)
		return s.errf(rootR, "Unknown name", "%q is not defined here; %s can use %s: it is one value for the whole scenario, the same for every actor, so it cannot read an attribute of %s (entity.%s is the table of every %s, for choice, lookup and the like).",
			root, s.where, strings.Join(roots, ", "), root, root, root)
	}
	hint := s.actorAttrHint(root, t)
	if hint == "" && s.session && slices.Contains(timeWords, strings.ToLower(root)) {
		hint = " Did you mean event.time (the event's simulated time)?"
	}
	if hint == "" {
		hint = s.qualifiedHint(root, true)
	}
	if hint == "" {
		hint = suggest(root, roots)
	}
	if hint == "" {
		hint = s.qualifiedHint(root, false)
	}
	if root == "each" && s.session {
		hint = " each.value and each.index are the fields' element in an emit with for_each = LIST (one record per element)."
	}
	if s.where == "a transition weight" && (s.c.declared(root) || slices.Contains([]string{"actor", "ctx", "memory", "event", "session", "experiment"}, root)) {
		// The actor's or the record's values are not constants.
		hint = " Transition weights are constants (drawn from one alias table); for a chance that depends on the actor or the record, use probability = …, e.g. transition \"b\" { probability = " + root + ".x == \"vip\" ? 0.9 : 0.1 }, which is taken before the weighted draw."
	}
	return s.errf(rootR, "Unknown name", "%q is not defined here; %s can use %s.%s", root, s.where, strings.Join(roots, ", "), hint)
}

// qualifiedHint is " Did you mean customer.segment?" for a bare name that
// is (exact), or is close to, the last part of a name reachable here (an actor's
// attribute, a ctx or memory value, a variable, a dataset, a
// distribution), or "".
// timeWords are names a user writes for the event's time.
var timeWords = []string{"now", "timestamp", "time", "ts", "event_time", "eventtime", "current_time", "datetime", "today"}

// actorAttrHint is "Did you mean user.user_id?" for users.user_id: a root
// spelt close to the actor's entity (or an ancestor's) whose next step is
// one of its attributes. It comes before a variable of that exact name
// (var.users, a count), which the attribute step rules out.
func (s *scope) actorAttrHint(root string, t hcl.Traversal) string {
	if s.constOnly || s.entity == nil || len(t) < 2 {
		return ""
	}
	a, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return ""
	}
	for pe := s.entity; pe != nil; pe = pe.Parent {
		if _, found := pe.attrIdx[a.Name]; found && suggest(root, []string{pe.Name}) != "" {
			return fmt.Sprintf(" Did you mean %s.%s?", pe.Name, a.Name)
		}
	}
	return ""
}

func (s *scope) qualifiedHint(root string, exact bool) string {
	var full, last []string
	add := func(prefix string, names []string) {
		for _, n := range names {
			full, last = append(full, prefix+"."+n), append(last, n)
		}
	}
	if !s.constOnly {
		if s.entity != nil && s.rowsOf == nil {
			add(s.entity.Name, s.entity.AttrNames)
			for pe := s.entity.Parent; pe != nil; pe = pe.Parent {
				add(pe.Name, pe.AttrNames)
			}
		}
		if s.ctx != nil {
			add("ctx", keys(s.ctx))
			add("memory", keys(s.memory))
		}
	}
	if s.rowsOf != nil {
		add("row", s.rowsOf.Columns)
	}
	add("var", s.c.scenarioVars())
	add("dataset", keys(s.c.datasetsByName))
	add("distribution", keys(s.c.dists))
	best := root
	if !exact {
		best = nameSuggestion(root, last)
	}
	for i, n := range last {
		if n == best {
			return fmt.Sprintf(" Did you mean %s?", full[i])
		}
	}
	return ""
}

// steps applies attribute and index steps to a value at run time.
func (s *scope) steps(base *cexpr, t hcl.Traversal, r hcl.Range) *cexpr {
	cur := base
	for _, st := range t {
		switch st := st.(type) {
		case hcl.TraverseAttr:
			cur = s.getter(cur, konst(stdlib.StrV(st.Name), st.SrcRange), r)
		case hcl.TraverseIndex:
			cur = s.getter(cur, s.ctyConst(st.Key, st.SrcRange), r)
		default:
			return s.errf(st.SourceRange(), "Unsupported traversal", "Only .name and [index] steps are supported.")
		}
	}
	return cur
}

func (s *scope) ctyConst(v cty.Value, r hcl.Range) *cexpr {
	switch {
	case v.Type() == cty.String:
		return konst(stdlib.StrV(v.AsString()), r)
	case v.Type() == cty.Number:
		// As x[KEY] is: an integer indexes a list, any other number
		// finds nothing (xs[1.5] is null, not xs[1]).
		if i, acc := v.AsBigFloat().Int64(); acc == big.Exact {
			return konst(stdlib.IntV(i), r)
		}
		f, _ := v.AsBigFloat().Float64()
		return konst(stdlib.FloatV(f), r)
	}
	return s.errf(r, "Invalid index", "An index is a number or a string.")
}

func (s *scope) index(x *hclsyntax.IndexExpr) *cexpr {
	nd := len(s.c.diags)
	coll, key := s.compile(x.Collection), s.compile(x.Key)
	if s.failedSince(nd) {
		return &cexpr{typ: stdlib.Any, isC: true, rng: x.SrcRange}
	}
	if !key.isC {
		if bad := s.drawnKeyMissing(coll, x.Key); bad != nil {
			return bad
		}
	}
	return s.getter(coll, key, x.SrcRange)
}

// drawnKeyMissing checks an index whose key is not a constant but comes
// to one of known constant strings (weighted({ a = 1, b = 2 }), choice([…]),
// a conditional or switch of strings) into an object whose keys are known
// (a constant object, a dataset row, an entity): a string it may draw that
// is not a key would read null silently, so it is a compile error, as the
// same key written as a constant is.
func (s *scope) drawnKeyMissing(coll *cexpr, keyX hcl.Expression) *cexpr {
	var keys []string
	switch {
	case coll.isC && coll.val.K == stdlib.Object:
		keys = coll.val.Obj().Keys
	case coll.shape != nil:
		keys = coll.shape.keys
	default:
		return nil
	}
	leaves, ok := constLeaves(&dsl.Entity{}, keyX, 0)
	if !ok {
		return nil
	}
	for _, l := range leaves {
		if slices.Contains(keys, l.val) {
			continue
		}
		if coll.shape != nil && !(coll.isC && coll.val.K == stdlib.Object) {
			return s.unknownKey(coll.shape, l.val, l.rng)
		}
		return s.errf(l.rng, "Unknown key", "The key %s may come to %q, and the object it indexes has no such key (keys: %s).%s",
			exprText(s.c.sc, keyX), l.val, strings.Join(keys, ", "), suggest(l.val, keys))
	}
	return nil
}

// failedSince reports whether an error was added to the diagnostics
// after the first nd.
func (s *scope) failedSince(nd int) bool { return s.c.errorsSince(nd) }

// errorsSince reports whether an error (not a warning: a warning must not
// turn off the checks that follow it) was added to the diagnostics after
// the first nd.
func (c *compiler) errorsSince(nd int) bool {
	for _, d := range c.diags[nd:] {
		if d.Severity == hcl.DiagError {
			return true
		}
	}
	return false
}

func getValue(coll, key Value) Value {
	switch coll.K {
	case stdlib.List:
		if key.K == stdlib.Int && key.I >= 0 && key.I < int64(len(coll.List())) {
			return coll.List()[key.I]
		}
	case stdlib.Object:
		if key.K == stdlib.String {
			v, _ := coll.Obj().Get(key.S)
			return v
		}
	}
	return stdlib.NullV()
}

func (s *scope) getter(coll, key *cexpr, r hcl.Range) *cexpr {
	if sh := coll.shape; sh != nil && key.isC && key.val.K == stdlib.String && !slices.Contains(sh.keys, key.val.S) {
		return s.unknownKey(sh, key.val.S, key.rng)
	}
	g := s.getter0(coll, key, r)
	if sh := coll.shape; sh != nil && !g.isC && key.isC && key.val.K == stdlib.String {
		// row.COLUMN: typed as the column, so that scen validate checks
		// what it is combined with and sinks write it as its own type
		// (not as JSON text). A row that is null gives null.
		g.typ = sh.kind(key.val.S)
		if sh.literal {
			if i := slices.Index(sh.keys, key.val.S); i >= 0 {
				g.shape, g.elems = sh.subs[i], sh.subEl[i]
				if g.typ == stdlib.List && sh.subElem[i] != stdlib.Any {
					g.elemTyp = sh.subElem[i]
				}
			}
		}
		if ep := sh.ent; ep != nil {
			// An entity row's attribute that is itself a row, or rows,
			// or a list (home.row.city, where home is a city actor's row
			// and the city's row one of a dataset's).
			if i := slices.Index(sh.keys, key.val.S); i >= 0 && i < len(ep.attrs) && ep.attrs[i] != nil {
				a := ep.attrs[i]
				g.shape, g.elems = a.shape, a.elems
				if g.typ == stdlib.List {
					g.elemTyp = a.elemTyp
				}
			}
		}
	}
	if coll.elems != nil && (key.typ == stdlib.Int || key.typ == stdlib.Any) {
		g.shape = coll.elems // dataset.d[0], dataset.d[index], sample_rows(…)[0]
	}
	return g
}

// findField searches o for name and remembers where it was found (out of
// line, so that field inlines).
//
//go:noinline
func (e *Env) findField(c Value, id int, name string) Value {
	o := c.Obj()
	for i, k := range o.Keys {
		if k == name {
			e.hint(id, i, k, c)
			return o.Vals[i]
		}
	}
	return stdlib.NullV()
}

// fieldGet is a getter of a constant name whose object the environment
// holds (ctx.NAME.KEY, actor.NAME.KEY): an emit field that is one of ctx
// is read by emit itself (readCtx), without the closure's call (the
// closure's body written out there again: too large to inline).
type fieldGet struct {
	from envSlot
	id   int32
	name string
}

func (s *scope) getter0(coll, key *cexpr, r hcl.Range) *cexpr {
	if coll.typ != stdlib.Any && coll.typ != stdlib.List && coll.typ != stdlib.Object {
		return s.errf(r, "Invalid index", "A %s value has no elements or attributes.", coll.typ)
	}
	if coll.isC && key.isC {
		if coll.val.K == stdlib.Object && key.val.K == stdlib.String {
			if _, ok := coll.val.Obj().Get(key.val.S); !ok {
				return s.errf(key.rng, "Unknown key", "The object has no key %q.%s", key.val.S, suggest(key.val.S, coll.val.Obj().Keys))
			}
		}
		return konst(getValue(coll.val, key.val), r)
	}
	if key.isC && key.val.K == stdlib.String {
		// A constant name (x.name, x["name"]): objects reached the same way
		// usually share a layout, so each worker remembers, per getter,
		// the position where the name was last found and the key string
		// there. Objects of one layout share their key strings, so the
		// check is a comparison of pointers, not of the name's bytes with
		// a column name's (a call per field: 2.5 M calls in a 325 k-record
		// bank run); any other layout takes the search and is remembered.
		name := key.val.S
		id := s.c.getters
		s.c.getters++
		// ctx.x.name and actor.x.name read x where the environment holds
		// it: one call per field, not two (2.5 M reads in a 325 k-record
		// bank run).
		kind, slot := coll.from.kind, int(coll.from.slot)
		if kind == fromCtx && fuseCtxGet {
			g := &cexpr{typ: stdlib.Any, random: coll.random, rng: r, fn: ctxGetter(slot, id, name), reads: true}
			g.get = &fieldGet{from: coll.from, id: int32(id), name: name}
			return g
		}
		fn := func(e *Env) Value {
			var c Value
			switch kind {
			case fromCtx:
				c = e.CtxVals[slot]
			case fromAttr:
				c = e.Attrs[slot]
			default:
				c = coll.eval(e)
			}
			o := c.Obj()
			if c.K != stdlib.Object || o == nil {
				return stdlib.NullV()
			}
			if id < len(e.hints) {
				h := &e.hints[id]
				if h.tab != nil {
					if k := int(c.I >> 1); c.I&stdlib.Frozen != 0 && h.tab.RowAt(o, k) {
						switch {
						case h.col != nil:
							return h.col[k]
						case h.text != nil:
							return h.text.At(k)
						}
						return h.uniq[h.idx[k]]
					}
				} else if ks := o.Keys; h.pos < len(ks) && unsafe.StringData(ks[h.pos]) == h.key && len(ks[h.pos]) == len(name) {
					return o.Vals[h.pos]
				}
			}
			return e.findField(c, id, name)
		}
		g := &cexpr{typ: stdlib.Any, random: coll.random, rng: r, fn: fn, reads: kind != fromNone || coll.reads}
		if kind == fromCtx || kind == fromAttr {
			g.get = &fieldGet{from: coll.from, id: int32(id), name: name}
		}
		return g
	}
	if key.isC && key.val.K == stdlib.Int {
		i := key.val.I
		return &cexpr{typ: elemKind(coll), random: coll.random, rng: r, fn: func(e *Env) Value {
			c := coll.eval(e)
			if c.K == stdlib.List && i >= 0 && i < int64(len(c.List())) {
				return c.List()[i]
			}
			return stdlib.NullV()
		}}
	}
	return &cexpr{typ: elemKind(coll), random: coll.random || key.random, rng: r, fn: func(e *Env) Value {
		return getValue(coll.eval(e), key.eval(e))
	}}
}

// fuseCtxGet: a getter of a constant name of an object in a ctx slot
// (ctx.cat.mu) is ctxGetter's closure; off, getter0's general one (the
// tests compare the two).
var fuseCtxGet = true

// ctxGetter is the closure of a getter of a constant name of the object
// in ctx slot slot (ctx.cat.mu, ctx.merchant.city): getter0's for
// fromCtx, without the switch on where the object is, reading only the
// slot's kind, flags and pointer rather than copying its value, with a
// dataset's row first (bank's lognormal(ctx.cat.mu, ctx.cat.sigma) and
// lookup key, 3.2 M reads a run, all of table rows). Not inlined: in
// getter0, a function over Go's size for inlining into, the closure
// would call Table.RowAt and TextCol.At rather than inline them.
//
//go:noinline
func ctxGetter(slot, id int, name string) func(e *Env) Value {
	return func(e *Env) Value {
		c := &e.CtxVals[slot]
		if c.K != stdlib.Object || unsafe.StringData(c.S) == nil {
			return stdlib.NullV()
		}
		o := (*stdlib.Obj)(unsafe.Pointer(unsafe.StringData(c.S))) // as c.Obj() gives it
		if id < len(e.hints) {
			h := &e.hints[id]
			if h.tab != nil {
				if k := int(c.I >> 1); c.I&stdlib.Frozen != 0 && h.tab.RowAt(o, k) {
					switch {
					case h.col != nil:
						return h.col[k]
					case h.text != nil:
						return h.text.At(k)
					}
					return h.uniq[h.idx[k]]
				}
			} else if ks := o.Keys; h.pos < len(ks) && unsafe.StringData(ks[h.pos]) == h.key && len(ks[h.pos]) == len(name) {
				return o.Vals[h.pos]
			}
		}
		return e.findField(*c, id, name)
	}
}

func keys[V any](m map[string]V) []string { return stdlib.SortedKeys(m) }

// ctxShapes checks ctx.NAME.KEY in a flow whose every set of ctx.NAME is
// a row of a dataset or an entity table (set = { row = choice(dataset.d) }):
// a KEY none of those rows has is a diagnostic, as on the row itself.
// The uses are checked once every state's set is compiled.
type ctxShapes struct {
	sets map[string][]*rowShape // by slot name; nil: a value of unknown shape
	uses []ctxKeyUse
}

type ctxKeyUse struct {
	slot, key string
	rng       hcl.Range
}

func (cs *ctxShapes) set(name string, x *cexpr) {
	if cs.sets == nil {
		cs.sets = map[string][]*rowShape{}
	}
	cs.sets[name] = append(cs.sets[name], x.shape)
}

// check reports the uses of keys no row set to their slot has.
func (cs *ctxShapes) check(s *scope) {
	for _, u := range cs.uses {
		shapes := cs.sets[u.slot]
		if len(shapes) == 0 || slices.Contains(shapes, nil) {
			continue
		}
		known := false
		for _, sh := range shapes {
			known = known || slices.Contains(sh.keys, u.key)
		}
		if !known {
			s.unknownKey(shapes[0], u.key, u.rng)
		}
	}
}
