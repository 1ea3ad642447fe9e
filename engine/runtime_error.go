package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/stdlib"
)

// RuntimeError is an expression that failed while the scenario ran: a
// value known only at run time made it invalid (a division by zero, a
// negative sigma drawn for one actor). The run stops at the first one and
// publishes nothing. It carries the expression's source range, like a
// compile-time diagnostic, and says which actor and time hit it.
type RuntimeError struct {
	Subject hcl.Range
	Summary string
	Detail  string // a sentence, ending with a period
	Where   string // "actor user 3, flow f, state s, at 2025-01-02T10:00:00+01:00"
	// notes say, for an error moved to a module input, where the module
	// used the input (see modIndex.placeFault).
	notes  []string
	unit   string // the flow or entity whose expression failed, qualified: which module instance
	placed bool
}

func (e *RuntimeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s: %s", e.Subject.Filename, e.Subject.Start.Line, e.Subject.Start.Column,
		e.Summary, strings.TrimSuffix(e.Detail, "."))
	for _, n := range e.notes {
		fmt.Fprintf(&b, "; %s", strings.TrimSuffix(n, "."))
	}
	if e.Where != "" {
		fmt.Fprintf(&b, " (%s)", e.Where)
	}
	return b.String()
}

// Diagnostic is the error as the CLI renders compile-time ones: with the
// source line and the range marked.
func (e *RuntimeError) Diagnostic() *hcl.Diagnostic {
	d := e.Detail
	for _, n := range e.notes {
		d += "\n" + n
	}
	if e.Where != "" {
		d += "\nAt run time: " + e.Where + "."
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: e.Summary, Detail: d, Subject: e.Subject.Ptr()}
}

// fail records a run-time error at r, unless one is recorded already:
// the first is the one reported. Evaluation goes on (the failed
// expression gives null) until the worker checks, once per step.
func (e *Env) fail(r hcl.Range, summary, detail string) {
	if e.fault == nil {
		e.fault = &RuntimeError{Subject: r, Summary: summary, Detail: detail}
	}
}

// callFault turns the fault a function reported (stdlib.Ctx.Fault) into
// a run-time error at the bad argument, worded as the compile-time
// diagnostic for constant arguments is.
func (e *Env) callFault(name, sig string, whole hcl.Range, args []hcl.Range) {
	ae := e.Ctx.Fault
	if e.fault != nil || ae == nil {
		return
	}
	r := whole
	if ae.Index >= 0 && ae.Index < len(args) {
		r = args[ae.Index]
	}
	e.fail(r, "Invalid argument", fmt.Sprintf("%s: %s. Usage: %s.", name, ae.Msg, sig))
}

// badProbability reports a transition probability that is not a number
// in [0, 1] for this record (a constant one is a compile-time error).
func (e *Env) badProbability(x *cexpr, v Value) {
	if e.fault != nil {
		return
	}
	got := v.String()
	if v.K == stdlib.String {
		got = strconv.Quote(v.S)
	}
	e.fail(x.rng, "Invalid probability", fmt.Sprintf("A probability is between 0 and 1, got %s; where a computed chance may leave that range, bound it: min(1, max(0, …)).", got))
}

// actorName names an actor for messages: "user 3", or "device 1 of user 3".
func actorName(ep *EntityPlan, a *actor) string {
	s := fmt.Sprintf("%s %d", ep.Name, a.index)
	if p := a.parent(); p != nil && ep.Parent != nil {
		s += " of " + actorName(ep.Parent, p)
	}
	return s
}

// localTime renders a simulated time in the scenario's zone.
func (p *Plan) localTime(ms int64) string {
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	return time.UnixMilli(ms).In(loc).Format(time.RFC3339)
}

// arithmetic faults (arith's second result)
const (
	arithOK = iota
	divByZero
	notFinite
	outOfRange // a duration beyond ±292 years, or a time outside the years 1-9999
	intOverflow
	badOperands // kinds arithType rejects (int + duration), or that cannot be compared
	badOperand  // a unary minus of something not a number or a duration
)

// arithFault reports what arith (or compare) found wrong with a op b; ls,
// rs and ws are the operands' and the whole expression's source text.
func (e *Env) arithFault(f uint8, op string, r hcl.Range, a, b Value, ls, rs, ws string) {
	if e.fault != nil {
		return
	}
	summary, detail := arithMessage(f, op, a, b, ls, rs, ws)
	e.fail(r, summary, detail)
}

// operandText is a value as an operand's message shows it: strings quoted.
func operandText(v Value) string {
	if v.K == stdlib.String {
		return strconv.Quote(v.S)
	}
	return v.String()
}

func arithMessage(f uint8, op string, a, b Value, ls, rs, ws string) (string, string) {
	if f == divByZero {
		if rs == b.String() {
			return "Division by zero", fmt.Sprintf("%s divides by zero.", ws)
		}
		return "Division by zero", fmt.Sprintf("%s is %s in %s.", rs, b.String(), ws)
	}
	// The operands' values, where the text does not already say them.
	var vals []string
	for _, o := range [...]struct {
		src string
		v   Value
	}{{ls, a}, {rs, b}} {
		if o.src != o.v.String() && o.src != operandText(o.v) {
			vals = append(vals, o.src+" is "+operandText(o.v))
		}
	}
	with := ""
	if len(vals) > 0 {
		with = " (" + strings.Join(vals, ", ") + ")"
	}
	switch f {
	case badOperands:
		if _, cmp := cmpOpSet[op]; cmp {
			return "Invalid operands", fmt.Sprintf("%s: %s and %s cannot be compared with %s%s.", ws, a.K, b.K, op, with)
		}
		return "Invalid operands", fmt.Sprintf("%s: %s and %s cannot be combined with %s%s.%s", ws, a.K, b.K, op, with, joinHint(op, a.K, b.K))
	case badOperand:
		return "Invalid operand", fmt.Sprintf("%s: %s needs a number or a duration, got %s%s.", ws, op, b.K, with)
	}
	if f == intOverflow {
		return "Value out of range", fmt.Sprintf("%s is outside the int range%s: ints are 64-bit, %d to %d; use floats (1e19, float(x)) for larger numbers.",
			ws, with, int64(math.MinInt64), int64(math.MaxInt64))
	}
	if f == outOfRange {
		return "Value out of range", fmt.Sprintf("%s is out of range%s: a duration is at most %s either way, a time between the years 1 and 9999.",
			ws, with, stdlib.DurV(stdlib.MaxDurationMs).String())
	}
	return "Invalid number", fmt.Sprintf("%s gives a number that is not finite%s; arithmetic must stay within the range of float64.", ws, with)
}

// cmpOpSet is the ordering comparisons, whose bad operands are worded
// "cannot be compared".
var cmpOpSet = map[string]struct{}{"<": {}, "<=": {}, ">": {}, ">=": {}}

// joinHint is the hint for + on strings: templates join them.
func joinHint(op string, a, b Kind) string {
	if op == "+" && (a == stdlib.String || b == stdlib.String) {
		return ` To join strings, use a template: "${a}${b}".`
	}
	return ""
}

// timeAndNumber: one kind is a time or a duration and the other a number
// (time + 30), which + and - do not combine.
func timeAndNumber(a, b Kind) bool {
	isT := func(k Kind) bool { return k == stdlib.Time || k == stdlib.Duration }
	isN := func(k Kind) bool { return k == stdlib.Int || k == stdlib.Float }
	return isT(a) && isN(b) || isN(a) && isT(b)
}
