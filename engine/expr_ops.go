package engine

import (
	"errors"
	"fmt"
	closest "github.com/scenhq/scen/internal/suggest"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Suggest is " Did you mean "x"?" for the option closest to given, or "".
func Suggest(given string, options []string) string { return suggest(given, options) }

// ZoneHint is " Did you mean …?" for a name that is not a time zone of
// the machine's database (an abbreviation, another letter case, a
// misspelling), or "".
func ZoneHint(name string) string { return zoneHint(name) }

// nameSuggestion returns the closest option within a small edit distance.
func nameSuggestion(given string, options []string) string {
	return closest.Closest(given, options)
}

// fuseUnary: a function of one number applied to a sampler is compiled
// to one closure (tests turn it off to compare).
var fuseUnary = true

func (s *scope) call(x *hclsyntax.FunctionCallExpr) *cexpr {
	f, ok := s.c.reg.Lookup(x.Name)
	if !ok {
		hint := suggest(x.Name, s.c.reg.Names())
		if slices.Contains(timeWords, strings.ToLower(x.Name)) {
			// now() is not pow(): the time scen has is the event's.
			hint = " The time of an event is event.time, on the simulated clock: scen reads no wall clock, so the output depends only on the scenario and the seed."
		}
		return s.errf(x.NameRange, "Unknown function",
			"There is no function named %q.%s See docs/reference.md for the functions and distributions available.",
			x.Name, hint)
	}
	if x.ExpandFinal {
		return s.errf(x.Range(), "Unsupported expression", "Argument expansion (...) is not supported.")
	}
	min, max := f.Arity()
	if len(x.Args) < min || (max >= 0 && len(x.Args) > max) {
		want := fmt.Sprintf("%d", min)
		if max < 0 {
			want = fmt.Sprintf("at least %d", min)
		} else if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		return s.errf(x.Range(), "Wrong number of arguments", "%s takes %s argument(s), got %d. Usage: %s.", x.Name, want, len(x.Args), f.Signature())
	}
	if f.Special {
		switch f.Name {
		case "switch":
			return s.switchExpr(x)
		case "mixture":
			return s.mixtureExpr(x)
		case "arrivals":
			// A session's arrivals = arrivals(…) is read by the flow's
			// compile (engine/arrivals.go); anywhere else it has no value.
			return s.errf(x.Range(), "Invalid use of arrivals",
				"arrivals(…) is a session timing form: it can only be the whole value of a flow's session { arrivals = … }, not part of another expression or another attribute. For a number of sessions write count = …, for the time between sessions every = ….")
		}
		if f.Compile == nil {
			return s.errf(x.Range(), "Invalid use of "+x.Name, "%s(…) cannot be used here.", x.Name)
		}
	}
	args := make([]*cexpr, len(x.Args))
	sargs := make([]stdlib.Arg, len(x.Args))
	allC, random := true, f.Random
	nd := len(s.c.diags)
	for i, a := range x.Args {
		args[i] = s.compile(a)
		sargs[i] = stdlib.Arg{Type: args[i].typ, Varying: args[i].varying}
		if args[i].isC {
			v := args[i].val
			sargs[i].Const = &v
		} else {
			allC = false
		}
		random = random || args[i].random
	}
	if len(s.c.diags) > nd {
		// An argument is in error (reported): checking the call against
		// its placeholder would only add a misleading second error.
		return &cexpr{typ: stdlib.Any, isC: true, rng: x.Range()}
	}
	numKind := Kind(stdlib.Null) // min's, max's, clamp's, coalesce's: the arguments' common kind
	switch f.Name {
	case "min", "max", "clamp", "coalesce":
		for _, a := range args {
			numKind = unify(numKind, a.typ)
		}
		if numKind == stdlib.Float {
			// min(x, 2.5) is a float whichever argument it gives: a
			// constant int argument is converted here, once (one beyond
			// 2^53, which a float does not hold exactly, is left to be
			// compared as it is, and the result converted below).
			for i, a := range args {
				if a.isC && a.val.K == stdlib.Int && a.val.I >= -1<<53 && a.val.I <= 1<<53 {
					args[i] = asFloat(a)
					v := args[i].val
					sargs[i].Type, sargs[i].Const = stdlib.Float, &v
				}
			}
		}
	}
	if f.Name == "append" && len(args) >= 2 && args[0].typ != stdlib.Null && unify(elemKind(args[0]), args[1].typ) == stdlib.Float {
		// append(list of floats, an int): the int is appended as a float;
		// a constant list's int elements are converted here too.
		if args[0].isC && args[0].val.K == stdlib.List && elemKind(args[0]) == stdlib.Int {
			l := slices.Clone(args[0].val.List())
			for i, v := range l {
				if v.K == stdlib.Int {
					l[i] = stdlib.FloatV(float64(v.I))
				}
			}
			args[0] = konst(stdlib.ListV(l), args[0].rng)
			v := args[0].val
			sargs[0].Const = &v
		}
		args[1] = asFloat(args[1])
		if args[1].isC {
			v := args[1].val
			sargs[1].Type, sargs[1].Const = stdlib.Float, &v
		} else {
			sargs[1].Type = args[1].typ
		}
	}
	res := s.call1(x, f, args, sargs, allC, random)
	if f.Name == "coalesce" && !res.isC {
		// One of its arguments' values, or null: of their common kind.
		k := Kind(stdlib.Null)
		var sh, el *rowShape
		var shSet, elSet bool
		for _, a := range args {
			k = unify(k, a.typ)
			isNull := a.typ == stdlib.Null
			joinShape(&sh, &shSet, a.shape, isNull)
			joinShape(&el, &elSet, a.elems, isNull)
		}
		res.typ, res.shape, res.elems = k, sh, el
		if k == stdlib.List {
			e := Kind(stdlib.Null)
			for _, a := range args {
				if a.typ != stdlib.Null {
					e = unify(e, elemKind(a))
				}
			}
			if e != stdlib.Any {
				res.elemTyp = e
			}
		}
	}
	switch f.Name {
	case "choice":
		if !res.isC && res.typ == stdlib.Any {
			res.typ = elemKind(args[0])
		}
		if !res.isC && args[0].isC {
			res.domain = literalDomain(x.Args[0], args[0].val)
		}
	case "weighted":
		if !res.isC && args[0].isC {
			res.domain = literalDomain(x.Args[0], args[0].val)
		}
	case "append":
		// The list's elements and the value: of their common kind (a
		// null list, such as a memory slot not yet remembered, has none).
		if !res.isC && res.typ == stdlib.List {
			k := Kind(stdlib.Null)
			if args[0].typ != stdlib.Null {
				k = elemKind(args[0])
			}
			if k = unify(k, args[1].typ); k != stdlib.Null {
				res.elemTyp = k
			}
			// Rows of one shape (a cart of { sku, qty } lines): the
			// elements keep it, so each.value.qty and l.qty are typed.
			empty := args[0].isC && args[0].val.K == stdlib.List && len(args[0].val.List()) == 0
			if sh := args[1].shape; sh != nil && (args[0].typ == stdlib.Null || empty || args[0].elemsOpen || sameShape(args[0].elems, sh)) {
				res.elems = sh
			}
		}
	case "sum":
		// An int when the list's elements are ints, a float when they
		// are numbers and not all ints.
		if !res.isC {
			if k := elemKind(args[0]); k == stdlib.Int || k == stdlib.Float {
				res.typ = k
			}
		}
	case "values":
		// The values of a row whose shape is known: its columns' common
		// kind (values(dataset row) of numeric columns is a list of
		// numbers).
		if sh := args[0].shape; !res.isC && res.typ == stdlib.List && sh != nil && len(sh.keys) > 0 {
			k := Kind(stdlib.Null)
			for _, key := range sh.keys {
				k = unify(k, sh.kind(key))
			}
			if k != stdlib.Any && k != stdlib.Null {
				res.elemTyp = k
			}
		}
	case "pluck":
		// A column of rows whose shape is known: the column's kind.
		if !res.isC && res.typ == stdlib.List && args[0].elems != nil && args[1].isC && args[1].val.K == stdlib.String {
			if k := args[0].elems.kind(args[1].val.S); k != stdlib.Null {
				res.elemTyp = k
			}
		}
	case "coalesce":
		// One of its arguments' values.
		if !res.isC {
			for _, a := range args {
				res.cands = append(res.cands, a.cands...)
				res.strays = append(res.strays, a.strays...)
			}
		}
	case "min", "max", "abs", "clamp":
		// One of its arguments' values: an int when every argument is
		// one, else a float when every one is a number.
		if !res.isC {
			k := Kind(stdlib.Null)
			for _, a := range args {
				k = unify(k, a.typ)
			}
			if k == stdlib.Int || k == stdlib.Float {
				res.typ = k
			}
		}
	}
	if numKind == stdlib.Float && res.typ != stdlib.Any {
		// An int argument that is not a constant (min(user.age, 2.5)):
		// its value, when it is the result, is converted; so is a
		// constant result of such an int (see above).
		for _, a := range args {
			if a.typ == stdlib.Int {
				res = toFloat(res)
				break
			}
		}
	}
	if f.Fields != nil && !res.isC {
		res.shape = funcShape(f)
	}
	if f.Elem != stdlib.Null && !res.isC && res.typ == stdlib.List {
		res.elemTyp = f.Elem // split's strings
	}
	if len(args) > 0 && args[0].elems != nil {
		// A row, or rows, of a dataset or an entity table.
		switch f.Name {
		case "choice", "lookup", "sample_weighted":
			res.shape = args[0].elems
		case "sample_rows":
			res.elems = args[0].elems
		}
	}
	return res
}

// candidateArgs checks a call's arguments whose values are constants
// written elsewhere (an experiment param's group values) as it checks a
// constant argument, one value at a time: a value the function rejects
// is an error where the value is written (bernoulli(experiment.x.p) with
// p = 30 in a group), not a failure of the run that meets it. It tells
// whether it reported one.
func (s *scope) candidateArgs(x *hclsyntax.FunctionCallExpr, f *stdlib.Func, args []*cexpr, sargs []stdlib.Arg) bool {
	bad := false
	if s.guarded > 0 {
		// A condition above may keep the call from the values it would
		// reject.
		return false
	}
	for i, a := range args {
		if a.isC || (a.cands == nil && a.strays == nil) {
			continue
		}
		try := slices.Clone(sargs)
		var want stdlib.Kind = stdlib.Any
		if ps := f.Params; len(ps) > 0 {
			want = ps[min(i, len(ps)-1)].Type
		}
		if want == stdlib.Float || want == stdlib.Int {
			for _, sc := range a.strays {
				// bernoulli(experiment.x.p / 2) with p = "0.3" in a group.
				s.errf(sc.rng, "Invalid argument", "%s is %s in %s, %s, and %s at %s takes it through %s, where %s: %s is a number. Usage: %s.",
					sc.of, candText(sc.v), sc.what, stdlib.Article(sc.v.K.String()), x.Name, posString(x.Args[i].Range()), sc.via, sc.why,
					f.Params[min(i, len(f.Params)-1)].Name, f.Signature())
				bad = true
			}
		} else if len(a.strays) > 0 {
			// format("%v", experiment.x.p * 2): the operator fails
			// whatever the function would make of its result.
			s.strayErrs(a.strays, fmt.Sprintf("%s at %s", x.Name, posString(x.Args[i].Range())))
			bad = true
		}
		for _, cd := range a.cands {
			v := cd.v
			if (want == stdlib.Float || want == stdlib.Int) && v.K != stdlib.Float && v.K != stdlib.Int && v.K != stdlib.Null {
				// A string or a bool where a number goes: say so, rather
				// than what the function makes of it (p = NaN).
				s.errf(cd.rng, "Invalid argument", "%s is %s in %s, a %s, which %s at %s does not take: %s is a number. Usage: %s.",
					cd.of, candText(v), cd.what, v.K, x.Name, posString(x.Args[i].Range()), f.Params[min(i, len(f.Params)-1)].Name, f.Signature())
				bad = true
				continue
			}
			try[i] = stdlib.Arg{Type: v.K, Const: &v}
			var ae *stdlib.ArgError
			impl, err := f.Compile(s.c.cc, try)
			if err != nil {
				if !errors.As(err, &ae) || ae.Index != i {
					continue
				}
			} else if impl.Fn != nil && !f.Random {
				// Checked when the call runs: run it when the other
				// arguments are constants too.
				vals := make([]Value, len(args))
				allC := true
				for j, b := range args {
					switch {
					case j == i:
						vals[j] = v
					case b.isC:
						vals[j] = b.val
					default:
						allC = false
					}
				}
				if !allC {
					continue
				}
				var fc stdlib.Ctx
				impl.Fn(&fc, vals)
				if ae = fc.Fault; ae == nil || ae.Index != i {
					continue
				}
			} else {
				continue
			}
			s.errf(cd.rng, "Invalid argument", "%s is %s in %s, which %s at %s does not take: %s. Usage: %s.",
				cd.of, candText(v), cd.what, x.Name, posString(x.Args[i].Range()), ae.Msg, f.Signature())
			bad = true
		}
	}
	return bad
}

// strayErrs reports strays that reach use (`the emit field "x" at
// s.hcl:24:21`), whatever the use: the operator they go through cannot
// take them, and the run would fail in their group. None is reported
// within a branch a condition may keep them from (see mayGuard).
func (s *scope) strayErrs(strays []strayCand, use string) {
	if s.guarded > 0 {
		return
	}
	for _, sc := range strays {
		s.errf(sc.rng, "Invalid operand", "%s is %s in %s, %s, and %s takes it through %s, where %s.",
			sc.of, candText(sc.v), sc.what, stdlib.Article(sc.v.K.String()), use, sc.via, sc.why)
	}
}

// textOperandsHint is textColumnHint for x's string operands when the
// other is a number: a dataset column read as text, where numbers were
// meant.
func (s *scope) textOperandsHint(x *hclsyntax.BinaryOpExpr, l, r *cexpr) string {
	num := func(k Kind) bool { return k == stdlib.Int || k == stdlib.Float }
	switch {
	case l.typ == stdlib.String && num(r.typ):
		return s.c.textColumnHint(x.LHS)
	case r.typ == stdlib.String && num(l.typ):
		return s.c.textColumnHint(x.RHS)
	}
	return ""
}

// candText is a candidate value as written: a string quoted.
func candText(v Value) string {
	if v.K == stdlib.String {
		return strconv.Quote(v.S)
	}
	return v.String()
}

// call1 compiles a call of f to the arguments compiled as args.
func (s *scope) call1(x *hclsyntax.FunctionCallExpr, f *stdlib.Func, args []*cexpr, sargs []stdlib.Arg, allC, random bool) *cexpr {
	if f.Name == "pluck" && len(args) == 2 && args[0].elems != nil && args[1].isC && args[1].val.K == stdlib.String && !slices.Contains(args[0].elems.keys, args[1].val.S) {
		return s.unknownKey(args[0].elems, args[1].val.S, args[1].rng)
	}
	impl, err := f.Compile(s.c.cc, sargs)
	if err != nil {
		var ae *stdlib.ArgError
		r, hint := x.Range(), ""
		if errors.As(err, &ae) {
			r = argRange(x, ae)
			hint = argHint(ae) + s.c.untypedArgHint(x, r)
			if strings.Contains(ae.Msg, ", got string") {
				for _, a := range x.Args {
					if a.Range() == r {
						hint += s.c.textColumnHint(a)
					}
				}
			}
		}
		return s.errf(r, "Invalid argument", "%s: %s.%s Usage: %s.", x.Name, err.Error(), hint, f.Signature())
	}
	if s.candidateArgs(x, f, args, sargs) {
		return s.c.quiet(x.Range())
	}
	if allC && impl.Sample != nil {
		sample := impl.Sample
		fn := func(e *Env) Value { return sample(&e.Ctx) }
		var dur *spanDur
		if span, k := impl.Span, impl.Result; span != nil {
			// uniform(a, b) of ints, durations or times (recipe's gap,
			// uniform("5s", "2m"), at every event): drawn here, without
			// the sampler's call; a gap of durations by step itself.
			fn = func(e *Env) Value { return Value{K: k, I: span.Draw(e.Ctx.R)} }
			if k == stdlib.Duration {
				dur = &spanDur{span, 1}
			}
		}
		return &cexpr{typ: impl.Result, random: true, rng: x.Range(), num: impl.Num, ints: impl.Int, span: impl.Span, dur: dur, sample: sample, framed: impl.Framed, fn: fn}
	}
	if fuseUnary && f.Unary != nil && len(args) == 1 && args[0].num != nil && impl.Fn != nil {
		// A function of one number applied to a sampler: one closure.
		of, num := f.Unary, args[0].num
		site, fn := newCallSite(x, f), impl.Fn
		// Out of the result's range (a duration of 1e300 hours): the
		// fault the unfused call reports. A closure of its own, so that
		// what it names is not loaded and spilled at every draw (the
		// gap's seconds(uniform(5, 200)): 20 instructions of 45).
		fault := func(e *Env, n float64) {
			fn(&e.Ctx, []Value{stdlib.FloatV(n)})
			site.fault(e)
		}
		if ints, scale := args[0].ints, f.Scale; ints != nil && scale > 0 {
			// A duration of whole units (the gap, seconds(uniform(5,
			// 200))): the product of the draw, as Unary gives it for
			// a whole n in range (see Func.Scale), without the float
			// and the call; beyond the range, Unary as below.
			lim := stdlib.MaxDurationMs / scale
			if span := args[0].span; span != nil {
				if a, b := span.Bounds(); a >= -lim && b <= lim {
					// Every draw in range (the gap's 5 to 200 s): the
					// range's draw times the unit, one call.
					return &cexpr{typ: impl.Result, random: true, rng: x.Range(), dur: &spanDur{span, scale}, fn: func(e *Env) Value {
						return stdlib.DurV(span.Draw(e.Ctx.R) * scale)
					}}
				}
			}
			return &cexpr{typ: impl.Result, random: true, rng: x.Range(), fn: func(e *Env) Value {
				n := ints(&e.Ctx)
				if n >= -lim && n <= lim {
					return stdlib.DurV(n * scale)
				}
				v := of(float64(n))
				if v.K == stdlib.Null {
					fault(e, float64(n))
				}
				return v
			}}
		}
		return &cexpr{typ: impl.Result, random: true, rng: x.Range(), fn: func(e *Env) Value {
			n := num(&e.Ctx)
			v := of(n)
			if v.K == stdlib.Null {
				fault(e, n)
			}
			return v
		}}
	}
	if impl.Fn == nil {
		return s.errf(x.Range(), "Invalid argument", "%s needs constant arguments here. Usage: %s.", x.Name, f.Signature())
	}
	fn := impl.Fn
	if allC && !random {
		vals := make([]Value, len(args))
		for i, a := range args {
			vals[i] = a.val
		}
		var fc stdlib.Ctx
		v := fn(&fc, vals)
		if ae := fc.Fault; ae != nil {
			r := argRange(x, ae)
			return s.errf(r, "Invalid argument", "%s: %s.%s Usage: %s.", x.Name, ae.Msg, argHint(ae)+s.c.untypedArgHint(x, r), f.Signature())
		}
		if v.K == stdlib.Null && impl.Result != stdlib.Null && impl.Result != stdlib.Any {
			return s.errf(x.Range(), "Invalid argument", "%s is null: %s has no value for these arguments, and a constant that is always null is a mistake. Usage: %s.", s.c.source(x.Range()), x.Name, f.Signature())
		}
		return konst(v, x.Range())
	}
	n := len(args)
	site := newCallSite(x, f)
	if fn1 := impl.Fn1; fn1 != nil && impl.Var < n && constExcept(args, impl.Var) {
		// The other arguments were taken at compile time (round(x, 2),
		// lookup(rows, column, key)): no stack, and no Fn reading them
		// back at every call.
		a := args[impl.Var]
		return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
			v := fn1(&e.Ctx, a.eval(e))
			if e.Ctx.Fault != nil {
				site.fault(e)
			}
			return v
		}}
	}
	// One to three arguments (round(x, 2), lookup(rows, column, key)),
	// the common calls, are evaluated first and pushed with one append:
	// an argument's own evaluation may use the stack above its length
	// (a nested call), so the pushed values wait in the closure's frame
	// until the last is evaluated. What a fault reports sits behind one
	// pointer (site), read only when the function faults: captured as
	// four values, it was loaded and spilled at every call.
	switch n {
	case 1:
		a0 := args[0]
		return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
			v0 := a0.eval(e)
			base := len(e.stack)
			e.stack = append(e.stack, v0)
			v := fn(&e.Ctx, e.stack[base:base+1])
			e.stack = e.stack[:base]
			if e.Ctx.Fault != nil {
				site.fault(e)
			}
			return v
		}}
	case 2:
		a0, a1 := args[0], args[1]
		if fn2 := impl.Fn2; fn2 != nil {
			if g0, g1 := a0.get, a1.get; fuseCtxGet && g0 != nil && g1 != nil && g0.from.kind == fromCtx && g0.from == g1.from {
				return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: ctxCols2(fn2, a0, a1, site)}
			}
			return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
				v0 := a0.eval(e)
				v := fn2(&e.Ctx, v0, a1.eval(e))
				if e.Ctx.Fault != nil {
					site.fault(e)
				}
				return v
			}}
		}
		return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
			v0 := a0.eval(e)
			v1 := a1.eval(e)
			base := len(e.stack)
			e.stack = append(e.stack, v0, v1)
			v := fn(&e.Ctx, e.stack[base:base+2])
			e.stack = e.stack[:base]
			if e.Ctx.Fault != nil {
				site.fault(e)
			}
			return v
		}}
	case 3:
		a0, a1, a2 := args[0], args[1], args[2]
		return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
			v0 := a0.eval(e)
			v1 := a1.eval(e)
			v2 := a2.eval(e)
			base := len(e.stack)
			e.stack = append(e.stack, v0, v1, v2)
			v := fn(&e.Ctx, e.stack[base:base+3])
			e.stack = e.stack[:base]
			if e.Ctx.Fault != nil {
				site.fault(e)
			}
			return v
		}}
	}
	return &cexpr{typ: impl.Result, random: random, rng: x.Range(), fn: func(e *Env) Value {
		base := len(e.stack)
		for _, a := range args {
			e.stack = append(e.stack, a.eval(e))
		}
		v := fn(&e.Ctx, e.stack[base:base+n])
		e.stack = e.stack[:base]
		if e.Ctx.Fault != nil {
			site.fault(e)
		}
		return v
	}}
}

// ctxCols2 is a call of a function of two arguments that are two keys of
// the object in one ctx slot (bank's lognormal(ctx.cat.mu,
// ctx.cat.sigma), 1.05 M calls a run): when the object is a row of the
// table both getters last read, and both keys are columns of values
// (keyHint.col), the arguments are read from the columns here, the slot
// and the row checked once, rather than by two calls of the getters'
// closures. Otherwise the getters are called as the general call does
// (they set the hints). A getter reads, draws nothing and cannot fail, so
// reading both first is the same.
//
// Not inlined: in call1, too large a function to inline into, the
// closure would call Table.RowAt.
//
//go:noinline
func ctxCols2(fn2 func(*stdlib.Ctx, Value, Value) Value, a0, a1 *cexpr, site *callSite) func(e *Env) Value {
	slot, id0, id1 := int(a0.get.from.slot), int(a0.get.id), int(a1.get.id)
	return func(e *Env) Value {
		c := &e.CtxVals[slot]
		if c.K == stdlib.Object && c.I&stdlib.Frozen != 0 && unsafe.StringData(c.S) != nil && id0 < len(e.hints) && id1 < len(e.hints) {
			h0, h1 := &e.hints[id0], &e.hints[id1]
			o := (*stdlib.Obj)(unsafe.Pointer(unsafe.StringData(c.S)))
			if k := int(c.I >> 1); h0.col != nil && h1.col != nil && h0.tab == h1.tab && h0.tab.RowAt(o, k) {
				v := fn2(&e.Ctx, h0.col[k], h1.col[k])
				if e.Ctx.Fault != nil {
					site.fault(e)
				}
				return v
			}
		}
		v0 := a0.eval(e)
		v := fn2(&e.Ctx, v0, a1.eval(e))
		if e.Ctx.Fault != nil {
			site.fault(e)
		}
		return v
	}
}

// constExcept reports whether every one of args but the one at index
// i is a constant.
func constExcept(args []*cexpr, i int) bool {
	for j, a := range args {
		if j != i && !a.isC {
			return false
		}
	}
	return true
}

// callSite is what a call's run-time fault names: the function, its
// usage, and where the call and each argument are written.
type callSite struct {
	name, sig string
	whole     hcl.Range
	args      []hcl.Range
}

func newCallSite(x *hclsyntax.FunctionCallExpr, f *stdlib.Func) *callSite {
	cs := &callSite{name: x.Name, sig: f.Signature(), whole: x.Range(), args: make([]hcl.Range, len(x.Args))}
	for i, a := range x.Args {
		cs.args[i] = a.Range()
	}
	return cs
}

// fault reports the fault the function set in e.Ctx (see Env.callFault).
func (cs *callSite) fault(e *Env) { e.callFault(cs.name, cs.sig, cs.whole, cs.args) }

// argRange is the range of what ae faults in the call x: the argument,
// its element ae.Item, or the value of its item ae.Key (weighted's bad
// weight);
// the whole call when ae names no argument.
func argRange(x *hclsyntax.FunctionCallExpr, ae *stdlib.ArgError) hcl.Range {
	if ae.Index < 0 || ae.Index >= len(x.Args) {
		return x.Range()
	}
	a := x.Args[ae.Index]
	if l, ok := a.(*hclsyntax.TupleConsExpr); ok && ae.Item > 0 && ae.Item <= len(l.Exprs) {
		return l.Exprs[ae.Item-1].Range()
	}
	if obj, ok := a.(*hclsyntax.ObjectConsExpr); ok && ae.Key != "" {
		for _, it := range obj.Items {
			k := hcl.ExprAsKeyword(it.KeyExpr)
			if k == "" {
				if v, ds := it.KeyExpr.Value(nil); !ds.HasErrors() && v.Type() == cty.String {
					k = v.AsString()
				}
			}
			if k == ae.Key {
				return it.ValueExpr.Range()
			}
		}
	}
	return a.Range()
}

// argHint is " Did you mean "x"?" for the name ae says is unknown.
func argHint(ae *stdlib.ArgError) string {
	if ae.Unknown == "" {
		return ""
	}
	return suggest(ae.Unknown, ae.Options)
}

// operandHint says how to write what an author who combined l and r with
// op likely meant: duration("1h") for a string added to a time, one row's
// value for a dataset's column (a list of every row's), or a template to
// join strings.
// foldedOperands names the values of x's constant operands whose text
// does not say them (" (r.a is \"x\")"), while a for expression is folded
// for one element (r.a is a constant there, the element's, but its text
// says nothing of which); "" elsewhere, and when the text says them.
func (s *scope) foldedOperands(x *hclsyntax.BinaryOpExpr, l, r *cexpr) string {
	if !s.folding {
		return ""
	}
	var vals []string
	for _, o := range [...]struct {
		x hcl.Expression
		c *cexpr
	}{{x.LHS, l}, {x.RHS, r}} {
		src := s.c.source(o.x.Range())
		if o.c.isC && src != "" && src != o.c.val.String() && src != operandText(o.c.val) {
			vals = append(vals, src+" is "+operandText(o.c.val))
		}
	}
	if len(vals) == 0 {
		return ""
	}
	return " (" + strings.Join(vals, ", ") + ")"
}

func (s *scope) operandHint(x *hclsyntax.BinaryOpExpr, l, r *cexpr, op string) string {
	for _, p := range [2][2]*cexpr{{l, r}, {r, l}} {
		str, other := p[0], p[1]
		if str.isC && str.typ == stdlib.String && (other.typ == stdlib.Time || other.typ == stdlib.Duration) {
			if _, err := stdlib.ParseDuration(str.val.S); err == nil {
				return fmt.Sprintf(" %q is a string: write duration(%q) for a duration.", str.val.S, str.val.S)
			}
		}
	}
	for _, p := range [2][2]*cexpr{{l, r}, {r, l}} {
		num, other := p[0], p[1]
		if num.isC && (num.typ == stdlib.Int || num.typ == stdlib.Float) && (op == "+" || op == "-") && timeAndNumber(num.typ, other.typ) {
			n := num.val.String()
			return fmt.Sprintf(" %s is a number, not a duration: write minutes(%s) (or seconds, hours, days) for one.", n, n)
		}
	}
	for _, side := range []hcl.Expression{x.LHS, x.RHS} {
		t, ok := side.(*hclsyntax.ScopeTraversalExpr)
		if !ok || t.Traversal.RootName() != "dataset" || len(t.Traversal) != 3 {
			continue
		}
		name, ok1 := t.Traversal[1].(hcl.TraverseAttr)
		col, ok2 := t.Traversal[2].(hcl.TraverseAttr)
		if ok1 && ok2 {
			return fmt.Sprintf(" dataset.%s.%s is a list (the column's value in every row); for one row's value, pick a row first: choice(dataset.%s).%s.", name.Name, col.Name, name.Name, col.Name)
		}
	}
	for i, side := range []*cexpr{l, r} {
		if side.isC && side.typ == stdlib.String {
			if h := s.c.untypedVarHint([]hcl.Expression{x.LHS, x.RHS}[i]); h != "" {
				return h
			}
		}
	}
	if (op == "+" || op == "-") && timeAndNumber(l.typ, r.typ) {
		return " A number is not a duration: write minutes(30), hours(2) or days(1) (or seconds, milliseconds) for one."
	}
	return joinHint(op, l.typ, r.typ)
}

func (s *scope) switchExpr(x *hclsyntax.FunctionCallExpr) *cexpr {
	key := s.compile(x.Args[0])
	type branch struct {
		key  string
		krng hcl.Range
		expr hcl.Expression // a literal's branch, compiled unless a duplicate
		val  *cexpr
	}
	var items []branch
	if obj, ok := x.Args[1].(*hclsyntax.ObjectConsExpr); ok {
		for _, it := range obj.Items {
			k := hcl.ExprAsKeyword(it.KeyExpr)
			if k == "" {
				kc := s.compile(it.KeyExpr)
				if !kc.isC {
					s.errf(it.KeyExpr.Range(), "Invalid branch key", "switch branch keys must be constants.")
					continue
				}
				k = kc.val.String()
			}
			items = append(items, branch{key: k, krng: it.KeyExpr.Range(), expr: it.ValueExpr})
		}
	} else {
		// A constant object (a variable's): its values are the branches.
		n := len(s.c.diags)
		o := s.compile(x.Args[1])
		if len(s.c.diags) > n {
			return s.c.quiet(x.Range())
		}
		if !o.isC || o.val.K != stdlib.Object {
			return s.errf(x.Args[1].Range(), "Invalid argument", "switch's second argument is a map of branches: { A = …, B = …, default = … }, or a variable that holds an object.")
		}
		for i, k := range o.val.Obj().Keys {
			items = append(items, branch{key: k, krng: x.Args[1].Range(), val: konst(o.val.Obj().Vals[i], x.Args[1].Range())})
		}
	}
	branches := map[string]*cexpr{}
	var def *cexpr
	typ := Kind(stdlib.Null)
	first := true
	random := key.random
	for _, it := range items {
		k := it.key
		if _, dup := branches[k]; dup || (k == "default" && def != nil) {
			s.errf(it.krng, "Duplicate branch", "switch already has a branch %q.", k)
			continue
		}
		b := it.val
		if b == nil {
			b = s.compile(it.expr)
		}
		random = random || b.random
		if first {
			typ, first = b.typ, false
		} else {
			typ = unify(typ, b.typ)
		}
		if k == "default" {
			def = b
		} else {
			branches[k] = b
		}
	}
	if def == nil {
		def = konst(stdlib.NullV(), x.Range())
	}
	if dom := key.domain; dom != nil {
		// A branch key the key can never equal is a misspelling (its
		// branch would never be taken): the key's values are known.
		for _, it := range items {
			if it.expr == nil || it.key == "default" || slices.Contains(dom, it.key) {
				continue
			}
			var vals []string
			for _, v := range dom {
				if !slices.Contains(vals, v) {
					vals = append(vals, v)
				}
			}
			q := make([]string, len(vals))
			for i, v := range vals {
				q[i] = strconv.Quote(v)
			}
			s.errf(it.krng, "Unknown branch", "switch branch %q matches no value of %s, which is one of %s: the branch would never be taken.%s",
				it.key, s.c.source(x.Args[0].Range()), strings.Join(q, ", "), suggest(it.key, vals))
		}
	}
	if key.isC {
		if b, ok := branches[key.val.String()]; ok {
			return b
		}
		return def
	}
	if typ == stdlib.Float {
		// Int branches with float ones: each gives a float.
		for k, b := range branches {
			branches[k] = asFloat(b)
		}
		def = asFloat(def)
	}
	return &cexpr{typ: typ, random: random, rng: x.Range(), fn: func(e *Env) Value {
		k := key.eval(e)
		var b *cexpr
		if k.K == stdlib.String {
			b = branches[k.S]
		} else {
			b = branches[k.String()]
		}
		if b == nil {
			b = def
		}
		return b.eval(e)
	}}
}

// asFloat is x, an expression of ints, as one of floats, for a place
// whose kind is the common kind of x and a float (a conditional's
// branch, a list literal's element, min's argument): a constant is
// converted here, once; otherwise each value is converted as it is
// computed (null stays null). x of any other kind is returned as it is,
// so an expression whose kinds agree gets no extra work.
func asFloat(x *cexpr) *cexpr {
	if x.typ != stdlib.Int {
		return x
	}
	return toFloat(x)
}

// toFloat is x with its int values converted to floats, of kind float.
func toFloat(x *cexpr) *cexpr {
	if x.isC {
		if x.val.K != stdlib.Int {
			return x
		}
		c := konst(stdlib.FloatV(float64(x.val.I)), x.rng)
		c.cands, c.strays = x.cands, x.strays
		return c
	}
	fn := x.fn
	return &cexpr{typ: stdlib.Float, random: x.random, rng: x.rng, held: x.held, domain: x.domain, cands: x.cands, strays: x.strays,
		fn: func(e *Env) Value {
			v := fn(e)
			if v.K == stdlib.Int {
				return stdlib.FloatV(float64(v.I))
			}
			return v
		}}
}

func unify(a, b Kind) Kind {
	switch {
	case a == b:
		return a
	case a == stdlib.Null:
		return b
	case b == stdlib.Null:
		return a
	case (a == stdlib.Int && b == stdlib.Float) || (a == stdlib.Float && b == stdlib.Int):
		return stdlib.Float
	}
	return stdlib.Any
}

func (s *scope) conditional(x *hclsyntax.ConditionalExpr) *cexpr {
	cond := s.compile(x.Condition)
	guard := mayGuard(x.Condition)
	if guard {
		// experiment.x.p == "off" ? false : bernoulli(experiment.x.p):
		// a branch may only run in groups where the value suits.
		s.guarded++
	}
	a := s.compile(x.TrueResult)
	b := s.compile(x.FalseResult)
	if guard {
		s.guarded--
	}
	if cond.typ != stdlib.Bool && cond.typ != stdlib.Any {
		return s.errf(x.Condition.Range(), "Invalid condition", "The condition must be a bool, got %s.", cond.typ)
	}
	if cond.isC {
		if cond.val.Truthy() {
			return a
		}
		return b
	}
	var dom []string
	if da, db := domainOf(x.TrueResult, a), domainOf(x.FalseResult, b); da != nil && db != nil {
		dom = append(slices.Clone(da), db...)
	}
	var cands []candidate
	var strays []strayCand
	if !guard {
		// Either branch's values are the conditional's.
		cands = append(slices.Clip(a.cands), b.cands...)
		strays = append(slices.Clip(a.strays), b.strays...)
	}
	typ := unify(a.typ, b.typ)
	if typ == stdlib.Float {
		// c ? 1 : 2.5 is a float either way: the int branch's value is
		// converted (a constant once, here).
		a, b = asFloat(a), asFloat(b)
	}
	fn := func(e *Env) Value {
		if cond.eval(e).Truthy() {
			return a.eval(e)
		}
		return b.eval(e)
	}
	if a.isC && b.isC {
		fn = constBranches(cond.fn, a.val, b.val)
	}
	return &cexpr{typ: typ, random: cond.random || a.random || b.random, rng: x.Range(), domain: dom, cands: cands, strays: strays,
		shape: branchShape(a, b, a.shape, b.shape), elems: branchShape(a, b, a.elems, b.elems), elemTyp: branchElem(a, b), fn: fn}
}

// constBranches is a conditional whose condition is not a constant (cond
// is its closure) and whose branches are the constants a and b: cond
// called without cexpr.eval's test, the branches read through one
// pointer after it (captured by value, all eight words were kept on the
// stack across the call). recipe's `experiment.X.active ? "X" : null`
// (every record) and `ctx.dish_type == null ? "recommended" :
// "search_result"` (every list view), 1.34 M a run, went through three
// evals, about 37 instructions a call besides the condition's. Not
// inlined: a closure cloned into conditional by inlining is compiled
// with nothing inlined into it (Truthy was a call).
//
//go:noinline
func constBranches(cond func(*Env) Value, a, b Value) func(*Env) Value {
	br := &[2]Value{b, a}
	return func(e *Env) Value {
		if cond(e).Truthy() {
			return br[1]
		}
		return br[0]
	}
}

// mayGuard tells whether a conditional's condition may tell an experiment
// param's values apart, so that a branch is taken only in groups where
// its value suits (experiment.x.p == "off" ? 0 : experiment.x.p, or a
// test of the group, or of what ctx, memory or the state holds, which
// may come from one): then a branch's candidate values are not all the
// conditional's, and none is passed on (a param's value is checked only
// where no condition may rule it out).
func mayGuard(cond hclsyntax.Expression) bool {
	for _, t := range hclsyntax.Variables(cond) {
		switch t.RootName() {
		case "experiment", "ctx", "memory", "state":
			return true
		}
	}
	return false
}

// funcShape is the shape of f's fixed-layout object results.
func funcShape(f *stdlib.Func) *rowShape {
	sh := &rowShape{owner: f.Name + "()", function: true}
	for _, fl := range f.Fields {
		sh.keys = append(sh.keys, fl.Name)
		sh.kinds = append(sh.kinds, fl.Type)
	}
	return sh
}

// branchElem is the element kind of a conditional whose branches are a
// and b, lists (or null) whose elements have a kind in common; Null (not
// known) otherwise.
func branchElem(a, b *cexpr) Kind {
	if unify(a.typ, b.typ) != stdlib.List {
		return stdlib.Null
	}
	k := Kind(stdlib.Null)
	for _, x := range []*cexpr{a, b} {
		if x.typ == stdlib.List {
			k = unify(k, elemKind(x))
		}
	}
	if k == stdlib.Any {
		return stdlib.Null
	}
	return k
}

// branchShape is the row shape of a conditional whose branches a and b have
// shapes sa and sb: the rows of one dataset or entity either way (or null
// on one side), so that c ? dataset.d[0] : choice(dataset.d) keeps its
// columns known.
func branchShape(a, b *cexpr, sa, sb *rowShape) *rowShape {
	switch {
	case sa != nil && sb != nil && sameShape(sa, sb):
		return sa
	case sa != nil && b.isC && b.val.K == stdlib.Null:
		return sa
	case sb != nil && a.isC && a.val.K == stdlib.Null:
		return sb
	}
	return nil
}

func (s *scope) unary(x *hclsyntax.UnaryOpExpr) *cexpr {
	if lit, ok := x.Val.(*hclsyntax.LiteralValueExpr); ok && x.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number && !lit.Val.IsNull() {
		// -9223372036854775808 is the smallest int, though its operand
		// alone does not fit.
		n, summary, detail := numberLiteral(lit.Val.AsBigFloat(), s.c.source(lit.SrcRange), true)
		if summary != "" {
			return s.errf(x.Range(), summary, "%s", detail)
		}
		return konst(n, x.Range())
	}
	v := s.compile(x.Val)
	var fn func(Value) Value
	var typ Kind
	switch x.Op {
	case hclsyntax.OpLogicalNot:
		if v.typ != stdlib.Bool && v.typ != stdlib.Any {
			return s.errf(x.Val.Range(), "Invalid operand", "! needs a bool, got %s.", v.typ)
		}
		typ = stdlib.Bool
		fn = func(a Value) Value { return stdlib.BoolV(!a.Truthy()) }
	case hclsyntax.OpNegate:
		switch v.typ {
		case stdlib.Int, stdlib.Float, stdlib.Duration, stdlib.Any:
		default:
			return s.errf(x.Val.Range(), "Invalid operand", "- needs a number or a duration, got %s.", v.typ)
		}
		typ = v.typ
		// -x is 0 - x: an int at the bottom of the range has no negation
		// (arith reports it); a duration's range is symmetric.
		zero := stdlib.IntV(0)
		vs, ws := s.c.source(x.Val.Range()), s.c.source(x.Range())
		neg := func(a Value) (Value, uint8) {
			switch a.K {
			case stdlib.Int:
				return arith('-', zero, a)
			case stdlib.Duration:
				a.I = -a.I
				return a, arithOK
			case stdlib.Float:
				return stdlib.FloatV(-a.Float()), arithOK
			case stdlib.Null:
				return stdlib.NullV(), arithOK
			}
			// What the compile-time check rejects (-"abc").
			return stdlib.NullV(), badOperand
		}
		rng := x.Range()
		if v.isC {
			a, f := neg(v.val)
			if f != arithOK {
				summary, detail := arithMessage(f, "-", zero, v.val, "0", vs, ws)
				return s.errf(rng, summary, "%s", detail)
			}
			return konst(a, rng)
		}
		strays := slices.Clip(v.strays)
		for _, cd := range v.cands {
			switch cd.v.K {
			case stdlib.Int, stdlib.Float, stdlib.Duration, stdlib.Null:
			default:
				strays = append(strays, strayCand{candidate: cd, via: strings.Join(strings.Fields(ws), " "), why: "- needs a number or a duration, got " + cd.v.K.String()})
			}
		}
		return &cexpr{typ: typ, random: v.random, rng: rng, strays: strays, fn: func(e *Env) Value {
			a := v.eval(e)
			r, f := neg(a)
			if f != arithOK {
				e.arithFault(f, "-", rng, zero, a, "0", vs, ws)
			}
			return r
		}}
	default:
		return s.errf(x.Range(), "Unsupported operator", "This operator is not supported.")
	}
	if v.isC {
		return konst(fn(v.val), x.Range())
	}
	return &cexpr{typ: typ, random: v.random, rng: x.Range(), fn: func(e *Env) Value { return fn(v.eval(e)) }}
}

func (s *scope) binary(x *hclsyntax.BinaryOpExpr) *cexpr {
	nd := len(s.c.diags)
	l := s.compile(x.LHS)
	// The right operand of && and || runs only when the left one lets it:
	// experiment.x.p != "off" && bernoulli(experiment.x.p).
	guard := (x.Op == hclsyntax.OpLogicalAnd || x.Op == hclsyntax.OpLogicalOr) && mayGuard(x.LHS)
	if guard {
		s.guarded++
	}
	r := s.compile(x.RHS)
	if guard {
		s.guarded--
	}
	if s.failedSince(nd) {
		// An operand's error is reported: its placeholder (a constant
		// null) would make "int and null cannot be combined" of every
		// operator above it.
		return s.c.quiet(x.Range())
	}
	random := l.random || r.random
	mk := func(typ Kind, fn func(a, b Value) Value) *cexpr {
		if l.isC && r.isC {
			v := fn(l.val, r.val)
			return konst(v, x.Range())
		}
		return &cexpr{typ: typ, random: random, rng: x.Range(), fn: func(e *Env) Value { return fn(l.eval(e), r.eval(e)) }}
	}
	switch x.Op {
	case hclsyntax.OpLogicalAnd, hclsyntax.OpLogicalOr:
		for _, o := range []*cexpr{l, r} {
			if o.typ != stdlib.Bool && o.typ != stdlib.Any {
				return s.errf(o.rng, "Invalid operand", "&& and || need bools, got %s.", o.typ)
			}
		}
		and := x.Op == hclsyntax.OpLogicalAnd
		if l.isC && r.isC {
			if and {
				return konst(stdlib.BoolV(l.val.Truthy() && r.val.Truthy()), x.Range())
			}
			return konst(stdlib.BoolV(l.val.Truthy() || r.val.Truthy()), x.Range())
		}
		return &cexpr{typ: stdlib.Bool, random: random, rng: x.Range(), fn: func(e *Env) Value {
			if and {
				return stdlib.BoolV(l.eval(e).Truthy() && r.eval(e).Truthy())
			}
			return stdlib.BoolV(l.eval(e).Truthy() || r.eval(e).Truthy())
		}}
	}
	if s.candidateOperands(x, l, r) {
		return s.c.quiet(x.Range())
	}
	if op, ok := cmpOps[x.Op]; ok {
		if op == "==" || op == "!=" {
			eq := op == "=="
			if c := eqConst(l, r, eq, random, x.Range()); c != nil {
				return c
			}
			return mk(stdlib.Bool, func(a, b Value) Value { return stdlib.BoolV(stdlib.Equal(a, b) == eq) })
		}
		for _, o := range []*cexpr{l, r} {
			switch o.typ {
			case stdlib.Int, stdlib.Float, stdlib.Time, stdlib.Duration, stdlib.String, stdlib.Any:
			default:
				return s.errf(o.rng, "Invalid operand", "%s compares numbers, times, durations or strings, got %s.", op, o.typ)
			}
		}
		if !cmpType(l.typ, r.typ) {
			hint := ""
			switch {
			case (l.typ == stdlib.Time && r.typ == stdlib.String) || (l.typ == stdlib.String && r.typ == stdlib.Time):
				hint = ` Write the time as time("2025-01-01T09:00:00").`
			case (l.typ == stdlib.Duration && r.typ == stdlib.String) || (l.typ == stdlib.String && r.typ == stdlib.Duration):
				hint = ` Write the duration as duration("90m").`
			}
			hint += s.textOperandsHint(x, l, r)
			return s.errf(x.Range(), "Invalid operands", "%s and %s cannot be compared with %s%s.%s", l.typ, r.typ, op, s.foldedOperands(x, l, r), hint)
		}
		rng := x.Range()
		if l.isC && r.isC {
			c, _ := compare(op, l.val, r.val)
			return konst(stdlib.BoolV(c), rng)
		}
		ls, rs, ws := s.c.source(x.LHS.Range()), s.c.source(x.RHS.Range()), s.c.source(rng)
		if r.isC && r.val.K == stdlib.Int {
			// Against a constant int (len(ctx.listed) > 0): an int on
			// the left is compared here, as compare orders two ints;
			// anything else takes compare with its fault.
			k, kv := r.val.I, r.val
			lt, eq, gt := op == "<" || op == "<=", op == "<=" || op == ">=", op == ">" || op == ">="
			return &cexpr{typ: stdlib.Bool, random: random, rng: rng, fn: func(e *Env) Value {
				a := l.eval(e)
				if a.K == stdlib.Int {
					return stdlib.BoolV(a.I < k && lt || a.I == k && eq || a.I > k && gt)
				}
				c, ok := compare(op, a, kv)
				if !ok {
					e.arithFault(badOperands, op, rng, a, kv, ls, rs, ws)
				}
				return stdlib.BoolV(c)
			}}
		}
		return &cexpr{typ: stdlib.Bool, random: random, rng: rng, fn: func(e *Env) Value {
			a, b := l.eval(e), r.eval(e)
			c, ok := compare(op, a, b)
			if !ok {
				e.arithFault(badOperands, op, rng, a, b, ls, rs, ws)
			}
			return stdlib.BoolV(c)
		}}
	}
	op := arithOps[x.Op]
	typ, ok := arithType(op, l.typ, r.typ)
	if !ok {
		return s.errf(x.Range(), "Invalid operands", "%s and %s cannot be combined with %c%s.%s", l.typ, r.typ, op, s.foldedOperands(x, l, r), s.operandHint(x, l, r, string(op))+s.textOperandsHint(x, l, r))
	}
	ops := string(op)
	ls, rs, ws := s.c.source(x.LHS.Range()), s.c.source(x.RHS.Range()), s.c.source(x.Range())
	rng := x.Range()
	if l.isC && r.isC {
		v, f := arith(op, l.val, r.val)
		if f != arithOK {
			summary, detail := arithMessage(f, ops, l.val, r.val, ls, rs, ws)
			return s.errf(rng, summary, "%s", detail)
		}
		return konst(v, rng)
	}
	general := &cexpr{typ: typ, random: random, rng: rng, strays: arithStrays(op, l, r, ws), fn: func(e *Env) Value {
		a, b := l.eval(e), r.eval(e)
		v, f := arith(op, a, b)
		if f != arithOK {
			e.arithFault(f, ops, rng, a, b, ls, rs, ws)
		}
		return v
	}}
	if op == '+' && l.typ == stdlib.Duration && r.typ == stdlib.Duration {
		return durSum(general, l, r, ls, rs, ws)
	}
	return general
}

// durSum is general, l + r of two durations (clickstream's every =
// days(…) + hours(…) + minutes(…) + seconds(…): three sums a session,
// 800 instructions with the draws), with the sum of two durations in
// range written out: what arith gives them (the sum, rounded as a float:
// exact, as |MaxDurationMs| < 2^53), without its switch and durOf's
// float rounding. Anything else (a null, a sum out of range) takes arith,
// with its fault.
func durSum(general, l, r *cexpr, ls, rs, ws string) *cexpr {
	c := *general
	rng := general.rng
	c.fn = func(e *Env) Value {
		a, b := l.eval(e), r.eval(e)
		if a.K == stdlib.Duration && b.K == stdlib.Duration {
			if z := a.I + b.I; z >= -stdlib.MaxDurationMs && z <= stdlib.MaxDurationMs {
				return stdlib.DurV(z)
			}
		}
		v, f := arith('+', a, b)
		if f != arithOK {
			e.arithFault(f, "+", rng, a, b, ls, rs, ws)
		}
		return v
	}
	return &c
}

// eqConst compiles l == r (eq) or l != r where one side is a constant
// string or null and the other is not a constant (user.activity ==
// "POWER_USER", ctx.dish_type == null: recipe's guards and list type,
// 680 k a run): stdlib.Equal's answer for such a constant written out,
// in one closure, instead of mk's closure calling Equal through another.
// Only the other side is evaluated (a constant's evaluation is its
// value). nil when the operands are not of that form.
func eqConst(l, r *cexpr, eq, random bool, rng hcl.Range) *cexpr {
	o, c := l, r
	if l.isC {
		o, c = r, l
	}
	if o.isC || !c.isC {
		return nil
	}
	switch cv := c.val; cv.K {
	case stdlib.Null:
		// Equal(a, null): a is null (no other kind equals it).
		return &cexpr{typ: stdlib.Bool, random: random, rng: rng, fn: func(e *Env) Value {
			return stdlib.BoolV((o.eval(e).K == stdlib.Null) == eq)
		}}
	case stdlib.String:
		// Equal(a, "s"): a is a string, and its text is s.
		s := cv.S
		return &cexpr{typ: stdlib.Bool, random: random, rng: rng, fn: func(e *Env) Value {
			v := o.eval(e)
			return stdlib.BoolV((v.K == stdlib.String && v.S == s) == eq)
		}}
	}
	return nil
}

// arithStrays are the strays of l op r: its operands', and the values
// of an operand's candidates that op cannot take with the other operand
// (a string, when the param's other values are numbers). ws is the
// expression's source.
func arithStrays(op byte, l, r *cexpr, ws string) []strayCand {
	out := append(slices.Clip(l.strays), r.strays...)
	via := strings.Join(strings.Fields(ws), " ")
	for i, o := range []*cexpr{l, r} {
		other := r
		if i == 1 {
			other = l
		}
		for _, cd := range o.cands {
			a, b := cd.v.K, other.typ
			if i == 1 {
				a, b = b, a
			}
			if a == stdlib.Null || b == stdlib.Null {
				continue // null gives null
			}
			if _, ok := arithType(op, a, b); !ok {
				out = append(out, strayCand{candidate: cd, via: via, why: fmt.Sprintf("%s and %s cannot be combined with %c", a, b, op)})
			}
		}
	}
	return out
}

// candidateOperands checks an operand whose values are constants written
// elsewhere (an experiment param's values, of several kinds, so the
// operand has none) against an ordering comparison and the other
// operand's kind, one value at a time, as candidateArgs checks a
// function's argument: a value the comparison cannot take is an error
// where the value is written (control = true beside discount = 0.8, in
// experiment.x.f > user.price), not a failure of the run that meets it.
// Arithmetic passes such values on as strays, reported where its result
// is used (arithStrays, strayErrs); a comparison, == and !=, && and ||
// use them up, so the strays of their operands are reported here. ==
// and != take any values, and a null is null in, null out. Nothing is
// reported within a branch a condition may keep the values from (see
// mayGuard). It tells whether it reported one.
func (s *scope) candidateOperands(x *hclsyntax.BinaryOpExpr, l, r *cexpr) bool {
	if s.guarded > 0 {
		return false
	}
	cmp, isCmp := cmpOps[x.Op]
	logic := x.Op == hclsyntax.OpLogicalAnd || x.Op == hclsyntax.OpLogicalOr
	if !isCmp && !logic {
		return false // arithmetic: strays
	}
	bad := false
	if strays := append(slices.Clip(l.strays), r.strays...); len(strays) > 0 {
		op := cmp
		if logic {
			op = map[bool]string{true: "&&", false: "||"}[x.Op == hclsyntax.OpLogicalAnd]
		}
		s.strayErrs(strays, fmt.Sprintf("%s at %s", op, posString(x.Range())))
		bad = true
	}
	if logic || cmp == "==" || cmp == "!=" {
		return bad
	}
	for i, a := range []*cexpr{l, r} {
		o, oe := r, x.RHS
		if i == 1 {
			o, oe = l, x.LHS
		}
		if a.isC || a.cands == nil || a.typ != stdlib.Any || o.typ == stdlib.Any {
			continue
		}
		for _, cd := range a.cands {
			k := cd.v.K
			if k == stdlib.Null {
				continue
			}
			lk, rk := k, o.typ
			if i == 1 {
				lk, rk = o.typ, k
			}
			switch k {
			case stdlib.Int, stdlib.Float, stdlib.Time, stdlib.Duration, stdlib.String:
				if cmpType(lk, rk) {
					continue
				}
			}
			s.errf(cd.rng, "Invalid operands", "%s is %s in %s, a %s, which %s at %s cannot compare with %s (%s): %s and %s cannot be compared with %s.",
				cd.of, candText(cd.v), cd.what, k, cmp, posString(x.Range()), stdlib.Article(o.typ.String()), s.c.source(oe.Range()), lk, rk, cmp)
			bad = true
		}
	}
	return bad
}

func arithType(op byte, a, b Kind) (Kind, bool) {
	if a == stdlib.Any || b == stdlib.Any {
		return stdlib.Any, true
	}
	num := func(k Kind) bool { return k == stdlib.Int || k == stdlib.Float }
	switch {
	case num(a) && num(b):
		if a == stdlib.Int && b == stdlib.Int && op != '/' {
			return stdlib.Int, true
		}
		return stdlib.Float, true
	case a == stdlib.Time && b == stdlib.Duration && (op == '+' || op == '-'):
		return stdlib.Time, true
	case a == stdlib.Duration && b == stdlib.Time && op == '+':
		return stdlib.Time, true
	case a == stdlib.Time && b == stdlib.Time && op == '-':
		return stdlib.Duration, true
	case a == stdlib.Duration && b == stdlib.Duration && (op == '+' || op == '-'):
		return stdlib.Duration, true
	case a == stdlib.Duration && b == stdlib.Duration && op == '/':
		return stdlib.Float, true
	case a == stdlib.Duration && num(b) && (op == '*' || op == '/'):
		return stdlib.Duration, true
	case num(a) && b == stdlib.Duration && op == '*':
		return stdlib.Duration, true
	}
	return 0, false
}

// arith applies op at run time, accepting exactly the combinations of
// kinds arithType accepts; any other is the fault badOperands, except
// that a null operand gives null. A division by zero, or a float result
// that is not finite (overflow, or a non-finite operand), is reported as
// the fault: the value is then null.
func arith(op byte, a, b Value) (Value, uint8) {
	switch {
	case a.K == stdlib.Int && b.K == stdlib.Int && op != '/':
		switch op {
		case '+':
			z := a.I + b.I
			if (z > a.I) != (b.I > 0) {
				return stdlib.NullV(), intOverflow
			}
			return stdlib.IntV(z), arithOK
		case '-':
			z := a.I - b.I
			if (z < a.I) != (b.I > 0) {
				return stdlib.NullV(), intOverflow
			}
			return stdlib.IntV(z), arithOK
		case '*':
			hi, lo := bits.Mul64(uint64(a.I), uint64(b.I))
			z := int64(lo)
			// The signed product fits when the high word is the sign
			// extension of the low one (Mul64 is unsigned: correct it).
			if a.I < 0 {
				hi -= uint64(b.I)
			}
			if b.I < 0 {
				hi -= uint64(a.I)
			}
			if hi != uint64(z>>63) {
				return stdlib.NullV(), intOverflow
			}
			return stdlib.IntV(z), arithOK
		case '%':
			if b.I == 0 {
				return stdlib.NullV(), divByZero
			}
			return stdlib.IntV(a.I % b.I), arithOK
		}
	case (a.K == stdlib.Int || a.K == stdlib.Float) && (b.K == stdlib.Int || b.K == stdlib.Float):
		x, y := a.Num(), b.Num()
		var z float64
		switch op {
		case '+':
			z = x + y
		case '-':
			z = x - y
		case '*':
			z = x * y
		case '/':
			if y == 0 {
				return stdlib.NullV(), divByZero
			}
			z = x / y
		case '%':
			if y == 0 {
				return stdlib.NullV(), divByZero
			}
			z = math.Mod(x, y)
		}
		// z-z is 0 for a finite z and NaN for ±Inf and NaN.
		if z-z != 0 {
			return stdlib.NullV(), notFinite
		}
		return stdlib.FloatV(z), arithOK
	case a.K == stdlib.Time && b.K == stdlib.Duration:
		switch op {
		case '+':
			return timeOf(a.I + b.I)
		case '-':
			return timeOf(a.I - b.I)
		}
	case a.K == stdlib.Duration && b.K == stdlib.Time:
		if op == '+' {
			return timeOf(a.I + b.I)
		}
	case a.K == stdlib.Time && b.K == stdlib.Time:
		if op == '-' {
			return durOf(float64(a.I - b.I))
		}
	case a.K == stdlib.Duration && b.K == stdlib.Duration:
		switch op {
		case '+':
			return durOf(float64(a.I + b.I))
		case '-':
			return durOf(float64(a.I - b.I))
		case '/':
			if b.I == 0 {
				return stdlib.NullV(), divByZero
			}
			return stdlib.FloatV(float64(a.I) / float64(b.I)), arithOK
		}
	case a.K == stdlib.Duration && (b.K == stdlib.Int || b.K == stdlib.Float):
		switch op {
		case '*':
			return durOf(float64(a.I) * b.Num())
		case '/':
			if b.Num() == 0 {
				return stdlib.NullV(), divByZero
			}
			return durOf(float64(a.I) / b.Num())
		}
	case (a.K == stdlib.Int || a.K == stdlib.Float) && b.K == stdlib.Duration:
		if op == '*' {
			return durOf(a.Num() * float64(b.I))
		}
	}
	// A null operand (a missing key, lookup without a match) gives null;
	// any other combination is one arithType rejects at compile time.
	if a.K == stdlib.Null || b.K == stdlib.Null {
		return stdlib.NullV(), arithOK
	}
	return stdlib.NullV(), badOperands
}

// durOf rounds ms to a duration; one beyond ±MaxDurationMs is out of
// range, one that is not a number not finite.
func durOf(ms float64) (Value, uint8) {
	ms = math.Round(ms)
	if ms != ms {
		return stdlib.NullV(), notFinite
	}
	if !(ms >= -stdlib.MaxDurationMs && ms <= stdlib.MaxDurationMs) {
		return stdlib.NullV(), outOfRange
	}
	return stdlib.DurV(int64(ms)), arithOK
}

// timeOf is the time ms, when it lies in the years 1-9999 (RFC 3339's).
// Both operands are in range, so ms has not wrapped around.
func timeOf(ms int64) (Value, uint8) {
	if ms < stdlib.MinTimeMs || ms > stdlib.MaxTimeMs {
		return stdlib.NullV(), outOfRange
	}
	return stdlib.TimeV(ms), arithOK
}

// cmpType reports whether values of kinds a and b can be ordered (<, <=,
// >, >=): numbers with numbers, and strings, times or durations with
// their own kind.
func cmpType(a, b Kind) bool {
	if a == stdlib.Any || b == stdlib.Any {
		return true
	}
	num := func(k Kind) bool { return k == stdlib.Int || k == stdlib.Float }
	return (num(a) && num(b)) || (a == b && (a == stdlib.String || a == stdlib.Time || a == stdlib.Duration))
}

// compare orders a and b by op (<, <=, >, >=), accepting exactly the
// kinds cmpType accepts: with a null or NaN operand it is false, with any
// other combination it is false and not ok (the fault badOperands).
func compare(op string, a, b Value) (bool, bool) {
	var c int
	switch {
	case a.K == stdlib.String && b.K == stdlib.String:
		c = strings.Compare(a.S, b.S)
	case (a.K == stdlib.Int || a.K == stdlib.Float) && (b.K == stdlib.Int || b.K == stdlib.Float):
		switch {
		case a.K == stdlib.Int && b.K == stdlib.Int:
			if a.I < b.I {
				c = -1
			} else if a.I > b.I {
				c = 1
			}
		default:
			// By exact value: an int beyond 2^53 is not rounded to a
			// float. NaN is unordered (IEEE 754, as in Go): every
			// ordering with it is false, NaN <= x as NaN < x.
			var ok bool
			if c, ok = stdlib.CompareNumbers(a, b); !ok {
				return false, true
			}
		}
	case a.K == b.K && (a.K == stdlib.Time || a.K == stdlib.Duration):
		switch {
		case a.I < b.I:
			c = -1
		case a.I > b.I:
			c = 1
		}
	default:
		return false, a.K == stdlib.Null || b.K == stdlib.Null
	}
	switch op {
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0, true
	case ">":
		return c > 0, true
	case ">=":
		return c >= 0, true
	}
	return false, true
}

func (s *scope) tuple(x *hclsyntax.TupleConsExpr) *cexpr {
	elems := make([]*cexpr, len(x.Exprs))
	allC, random := true, false
	for i, e := range x.Exprs {
		elems[i] = s.compile(e)
		allC = allC && elems[i].isC
		random = random || elems[i].random
	}
	et := Kind(stdlib.Null)
	for _, c := range elems {
		et = unify(et, c.typ)
	}
	if et == stdlib.Float {
		// [1, 2.5]: a list of floats, whose int elements are converted
		// (constants here), so that l[0] and choice(l), of the
		// elements' kind, give floats.
		for i, c := range elems {
			elems[i] = asFloat(c)
		}
	}
	if allC {
		l := make([]Value, len(elems))
		for i, e := range elems {
			l[i] = e.val
		}
		return konst(stdlib.ListV(l), x.Range())
	}
	if et == stdlib.Null {
		et = stdlib.Any
	}
	return &cexpr{typ: stdlib.List, elemTyp: et, random: random, rng: x.Range(), fn: func(e *Env) Value {
		l := make([]Value, len(elems))
		for i, c := range elems {
			l[i] = c.eval(e)
		}
		return stdlib.ListV(l)
	}}
}

func (s *scope) objectKey(k hcl.Expression) (string, bool) {
	if kw := hcl.ExprAsKeyword(k); kw != "" {
		return kw, true
	}
	kc := s.compile(k)
	if !kc.isC || kc.val.K != stdlib.String {
		s.errf(k.Range(), "Invalid key", "Object keys must be names or constant strings.")
		return "", false
	}
	return kc.val.S, true
}

func (s *scope) object(x *hclsyntax.ObjectConsExpr) *cexpr {
	var ks []string
	var vs []*cexpr
	allC, random := true, false
	varying := ""
	seen := map[string]bool{}
	for _, it := range x.Items {
		k, ok := s.objectKey(it.KeyExpr)
		if !ok {
			continue
		}
		if seen[k] {
			s.errf(it.KeyExpr.Range(), "Duplicate key", "The key %q appears more than once.", k)
			continue
		}
		seen[k] = true
		v := s.compile(it.ValueExpr)
		ks = append(ks, k)
		vs = append(vs, v)
		allC = allC && v.isC
		random = random || v.random
		if !v.isC && varying == "" {
			varying = k
		}
	}
	if allC {
		vals := make([]Value, len(vs))
		for i, v := range vs {
			vals[i] = v.val
		}
		return konst(stdlib.ObjV(ks, vals), x.Range())
	}
	return &cexpr{typ: stdlib.Object, random: random, rng: x.Range(), varying: varying, shape: literalShape(ks, vs), fn: func(e *Env) Value {
		vals := make([]Value, len(vs))
		for i, c := range vs {
			vals[i] = c.eval(e)
		}
		return stdlib.ObjV(ks, vals)
	}}
}

// literalShape is the shape of the objects an object literal with keys
// ks and values vs makes: the values' kinds, and their own shapes, so
// that { sku = ctx.p.sku }.sku is a string and a misspelt key an error.
func literalShape(ks []string, vs []*cexpr) *rowShape {
	sh := &rowShape{keys: ks, owner: "{…}", literal: true, kinds: make([]Kind, len(vs)),
		subs: make([]*rowShape, len(vs)), subEl: make([]*rowShape, len(vs)), subElem: make([]Kind, len(vs))}
	for i, v := range vs {
		sh.kinds[i], sh.subs[i], sh.subEl[i], sh.subElem[i] = v.typ, v.shape, v.elems, elemKind(v)
	}
	return sh
}

// mixtureExpr compiles mixture([w1, w2, …], [c1, c2, …]): a component is
// drawn by weight (alias table), and only that component is evaluated.
func (s *scope) mixtureExpr(x *hclsyntax.FunctionCallExpr) *cexpr {
	cl, ok := x.Args[1].(*hclsyntax.TupleConsExpr)
	if !ok {
		return s.errf(x.Range(), "Invalid argument", "mixture takes a list of weights and a literal list of components: mixture([0.7, 0.3], [normal(0, 1), normal(5, 1)]).")
	}
	// The weights: a literal list (each weight checked where it is
	// written), or a constant list such as a variable's.
	var ws []float64
	sum := 0.0
	weight := func(w *cexpr, r hcl.Range) bool {
		if !w.isC || (w.val.K != stdlib.Int && w.val.K != stdlib.Float) || !(w.val.Num() >= 0) || math.IsInf(w.val.Num(), 0) {
			s.errf(r, "Invalid weight", "mixture weights are constant numbers, zero or positive.")
			return false
		}
		ws = append(ws, w.val.Num())
		sum += w.val.Num()
		return true
	}
	if wl, ok := x.Args[0].(*hclsyntax.TupleConsExpr); ok {
		for _, we := range wl.Exprs {
			if !weight(s.compile(we), we.Range()) {
				return s.c.quiet(x.Range())
			}
		}
	} else {
		n := len(s.c.diags)
		w := s.compile(x.Args[0])
		if len(s.c.diags) > n {
			return s.c.quiet(x.Range())
		}
		if !w.isC || w.val.K != stdlib.List {
			return s.errf(x.Args[0].Range(), "Invalid argument", "mixture's weights are a constant list of numbers: a literal list or a variable that holds one.")
		}
		for _, v := range w.val.List() {
			if !weight(konst(v, x.Args[0].Range()), x.Args[0].Range()) {
				return s.c.quiet(x.Range())
			}
		}
	}
	if len(ws) != len(cl.Exprs) || len(ws) == 0 {
		return s.errf(x.Args[1].Range(), "Invalid argument", "mixture needs as many components as weights (got %d weights, %d components).", len(ws), len(cl.Exprs))
	}
	if sum == 0 {
		return s.errf(x.Args[0].Range(), "Invalid weight", "The mixture weights sum to zero.")
	}
	comps := make([]*cexpr, len(cl.Exprs))
	typ := Kind(stdlib.Null)
	for i, ce := range cl.Exprs {
		comps[i] = s.compile(ce)
		if i == 0 {
			typ = comps[i].typ
		} else {
			typ = unify(typ, comps[i].typ)
		}
	}
	if typ == stdlib.Float {
		for i, c := range comps {
			comps[i] = asFloat(c)
		}
	}
	al := stdlib.NewAlias(ws)
	return &cexpr{typ: typ, random: true, rng: x.Range(), fn: func(e *Env) Value {
		return comps[al.Draw(e.R)].eval(e)
	}}
}
