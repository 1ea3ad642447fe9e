package stdlib

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// listOf is f, whose result is a list of elements of kind k.
func listOf(k Kind, f *Func) *Func {
	f.Elem = k
	return f
}

// strArg is argument i as a string: ok is false for null (no fault: null
// in, null out) and for a value that is no string (a fault).
func strArg(c *Ctx, a []Value, i int, name string) (string, bool) {
	switch v := a[i]; v.K {
	case String:
		return v.S, true
	case Null:
		return "", false
	}
	c.Fail(argErr(i, "%s must be a string, got %s", name, Article(a[i].K.String())))
	return "", false
}

// constStr is argument i's constant string value, if it has one.
func constStr(args []Arg, i int) (string, bool) {
	if i < len(args) && args[i].Const != nil && args[i].Const.K == String {
		return args[i].Const.S, true
	}
	return "", false
}

// withCheck runs check on the call's arguments when the scenario
// compiles (for constant arguments a call of varying others cannot fix:
// replace's empty old), after the kinds are checked, then f's own
// compile.
func withCheck(f *Func, check func(args []Arg) error) *Func {
	compile := f.Compile
	f.Compile = func(cc *CompileCtx, args []Arg) (Impl, error) {
		if err := checkArgs(f.Params, args); err != nil {
			return Impl{}, err
		}
		if err := check(args); err != nil {
			return Impl{}, err
		}
		return compile(cc, args)
	}
	return f
}

// str2 is a function of two strings (starts_with).
func str2(name, doc string, p0, p1 string, result Kind, ex []Example, fn func(c *Ctx, s, t string) Value) *Func {
	return pureArena(name, "string", doc, []Param{{Name: p0, Type: String}, {Name: p1, Type: String}}, result, ex,
		func(c *Ctx, a []Value) Value {
			s, ok := strArg(c, a, 0, p0)
			if !ok {
				return NullV()
			}
			t, ok := strArg(c, a, 1, p1)
			if !ok {
				return NullV()
			}
			return fn(c, s, t)
		})
}

func textFuncs() []*Func {
	return []*Func{
		substrFunc(),
		withCheck(pureArena("replace", "string", "s with every occurrence of old replaced by new; old must not be empty.",
			[]Param{{Name: "s", Type: String}, {Name: "old", Type: String}, {Name: "new", Type: String}}, String,
			[]Example{{Expr: `replace("a-b-c", "-", "/")`, Want: "a/b/c"}, {Expr: `replace("+1 555 0100", " ", "")`, Want: "+15550100"}},
			func(c *Ctx, a []Value) Value {
				s, ok := strArg(c, a, 0, "s")
				if !ok {
					return NullV()
				}
				old, ok := strArg(c, a, 1, "old")
				if !ok {
					return NullV()
				}
				nw, ok := strArg(c, a, 2, "new")
				if !ok {
					return NullV()
				}
				if old == "" {
					c.Fail(argErr(1, "old must not be empty"))
					return NullV()
				}
				return StrV(c.replace(s, old, nw))
			}),
			func(args []Arg) error {
				if s, ok := constStr(args, 1); ok && s == "" {
					return argErr(1, "old must not be empty")
				}
				return nil
			}),
		listOf(String, pureArena("split", "string", `The parts of s between the occurrences of sep, as a list of strings: split("a,b", ",") is ["a", "b"]. `+
			`s without sep is one part (split("", ",") is [""]), and an empty sep splits s into its characters (split("", "") is []).`,
			[]Param{{Name: "s", Type: String}, {Name: "sep", Type: String}}, List,
			[]Example{{Expr: `split("a,b,,c", ",")`, Want: `["a","b","","c"]`}, {Expr: `split("héllo", "")`, Want: `["h","é","l","l","o"]`}},
			func(c *Ctx, a []Value) Value {
				s, ok := strArg(c, a, 0, "s")
				if !ok {
					return NullV()
				}
				sep, ok := strArg(c, a, 1, "sep")
				if !ok {
					return NullV()
				}
				if sep == "" {
					l, out := c.NewList(utf8.RuneCountInString(s))
					i := 0
					for len(s) > 0 {
						_, n := utf8.DecodeRuneInString(s)
						out[i] = StrV(s[:n])
						s, i = s[n:], i+1
					}
					return l
				}
				l, out := c.NewList(strings.Count(s, sep) + 1)
				for i := range out[:len(out)-1] {
					k := strings.Index(s, sep)
					out[i] = StrV(s[:k])
					s = s[k+len(sep):]
				}
				out[len(out)-1] = StrV(s)
				return l
			})),
		pureArena("join", "string", "The list's elements joined into one string with sep between them. Strings are written as they are, other values as string() writes them, and a null element as nothing (as a template writes it).",
			[]Param{{Name: "list", Type: List}, {Name: "sep", Type: String}}, String,
			[]Example{{Expr: `join(["a", "b", "c"], ", ")`, Want: "a, b, c"}, {Expr: `join([1, 2.5, true], "/")`, Want: "1/2.5/true"}},
			func(c *Ctx, a []Value) Value {
				if a[0].K == Null {
					return NullV()
				}
				if a[0].K != List {
					c.Fail(argErr(0, "list must be a list, got %s", Article(a[0].K.String())))
					return NullV()
				}
				sep, ok := strArg(c, a, 1, "sep")
				if !ok {
					return NullV()
				}
				l := a[0].List()
				if len(l) == 1 && l[0].K == String {
					return l[0]
				}
				start := len(c.Arena)
				for i, e := range l {
					if i > 0 {
						c.Arena = append(c.Arena, sep...)
					}
					c.Arena = appendText(c.Arena, e)
				}
				return StrV(unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)]))
			}),
		pureArena("trim", "string", "s without the white space (spaces, tabs, line breaks, Unicode spaces) at its start and end.",
			[]Param{{Name: "s", Type: String}}, String,
			[]Example{{Expr: `trim("  a b \n")`, Want: "a b"}},
			func(c *Ctx, a []Value) Value {
				s, ok := strArg(c, a, 0, "s")
				if !ok {
					return NullV()
				}
				return StrV(strings.TrimSpace(s))
			}),
		str2("starts_with", "Whether s begins with prefix (every string begins with \"\").", "s", "prefix", Bool,
			[]Example{{Expr: `starts_with("order-17", "order-")`, Want: "true"}},
			func(c *Ctx, s, t string) Value { return BoolV(strings.HasPrefix(s, t)) }),
		str2("ends_with", "Whether s ends with suffix (every string ends with \"\").", "s", "suffix", Bool,
			[]Example{{Expr: `ends_with("report.pdf", ".pdf")`, Want: "true"}},
			func(c *Ctx, s, t string) Value { return BoolV(strings.HasSuffix(s, t)) }),
	}
}

// appendText appends v as a template writes it: strings as they are,
// null as nothing, the rest as Value.String.
func appendText(b []byte, v Value) []byte {
	switch v.K {
	case Null:
		return b
	case String:
		return append(b, v.S...)
	case Int:
		return strconv.AppendInt(b, v.I, 10)
	case Float:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	case Bool:
		return strconv.AppendBool(b, v.I != 0)
	}
	return append(b, v.String()...)
}

// replace is strings.ReplaceAll built in the record arena (s itself
// when old does not occur in it).
func (c *Ctx) replace(s, old, nw string) string {
	k := strings.Index(s, old)
	if k < 0 {
		return s
	}
	start := len(c.Arena)
	for k >= 0 {
		c.Arena = append(c.Arena, s[:k]...)
		c.Arena = append(c.Arena, nw...)
		s = s[k+len(old):]
		k = strings.Index(s, old)
	}
	c.Arena = append(c.Arena, s...)
	if len(c.Arena) == start {
		return ""
	}
	return unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)])
}

// substrFunc is substr(s, start, [length]), by characters.
func substrFunc() *Func {
	lenErr := func(n int64) error {
		return argErr(2, "length must be zero or more, got %d", n)
	}
	f := pureArena("substr", "string", "The part of s that begins at character start (counting from 0; a negative start counts from the end: -3 is the third character from the end) and is length characters long (to the end of s without length). "+
		"Characters are Unicode characters, not bytes. A part that reaches past either end of s is cut at it (substr(\"abc\", 1, 10) is \"bc\", substr(\"abc\", 5) is \"\"); a negative length is an error.",
		[]Param{{Name: "s", Type: String}, {Name: "start", Type: Int, Whole: true}, {Name: "length", Type: Int, Optional: true, Whole: true}}, String,
		[]Example{{Expr: `substr("héllo", 1, 3)`, Want: "éll"}, {Expr: `substr("order-2025-17", -2)`, Want: "17"}, {Expr: `substr("abc", 1, 10)`, Want: "bc"}},
		func(c *Ctx, a []Value) Value {
			s, ok := strArg(c, a, 0, "s")
			if !ok {
				return NullV()
			}
			start, ok := wholeArg(c, a, 1, "start")
			if !ok {
				return NullV()
			}
			n := int64(-1) // to the end
			if len(a) > 2 {
				if n, ok = wholeArg(c, a, 2, "length"); !ok {
					return NullV()
				}
				if n < 0 {
					c.Fail(lenErr(n))
					return NullV()
				}
			}
			return StrV(substr(s, start, n))
		})
	return withCheck(f, func(args []Arg) error {
		if err := constWhole(args, 1, "start"); err != nil {
			return err
		}
		if err := constWhole(args, 2, "length"); err != nil {
			return err
		}
		if len(args) > 2 && args[2].Const != nil && isNum(args[2].Const.K) {
			var c Ctx
			if n, ok := wholeArg(&c, []Value{*args[2].Const}, 0, "length"); ok && n < 0 {
				return lenErr(n)
			}
		}
		return nil
	})
}

// substr is n characters of s from character start (n < 0: to the end),
// cut at s's ends; a negative start counts from the end.
func substr(s string, start, n int64) string {
	if start < 0 {
		start += int64(utf8.RuneCountInString(s))
		if start < 0 {
			start = 0
		}
	}
	i := runeOffset(s, start)
	s = s[i:]
	if n < 0 {
		return s
	}
	return s[:runeOffset(s, n)]
}

// runeOffset is the byte offset of character k of s (len(s) past its end).
func runeOffset(s string, k int64) int {
	if k <= 0 {
		return 0
	}
	for i := range s {
		if k == 0 {
			return i
		}
		k--
	}
	return len(s)
}

func objectFuncs() []*Func {
	keys := listOf(String, pureArena("keys", "data", "The keys of an object, sorted, as a list of strings (a row's column names).",
		[]Param{{Name: "obj", Type: Object}}, List,
		[]Example{{Expr: `keys({ b = 2, a = 1 })`, Want: `["a","b"]`}},
		func(c *Ctx, a []Value) Value { return keysOrValues(c, a[0], false) }))
	return []*Func{keys,
		pureArena("values", "data", "The values of an object, in the order of its keys sorted (the order keys gives).",
			[]Param{{Name: "obj", Type: Object}}, List,
			[]Example{{Expr: `values({ b = "x", a = 1 })`, Want: `[1,"x"]`}},
			func(c *Ctx, a []Value) Value { return keysOrValues(c, a[0], true) }),
	}
}

// keysOrValues is keys(v) or values(v).
func keysOrValues(c *Ctx, v Value, values bool) Value {
	if v.K == Null {
		return NullV()
	}
	if v.K != Object {
		c.Fail(argErr(0, "obj must be an object, got %s", Article(v.K.String())))
		return NullV()
	}
	o := v.Obj()
	l, out := c.NewList(len(o.Keys))
	if slices.IsSorted(o.Keys) {
		for i, k := range o.Keys {
			if values {
				out[i] = o.Vals[i]
			} else {
				out[i] = StrV(k)
			}
		}
		return l
	}
	// Keys out of order (rare: literals and rows are sorted): each
	// output place takes the next key in order, found by a scan.
	prev, have := "", false
	for i := range out {
		best := -1
		for j, k := range o.Keys {
			if (!have || k > prev) && (best < 0 || k < o.Keys[best]) {
				best = j
			}
		}
		prev, have = o.Keys[best], true
		if values {
			out[i] = o.Vals[best]
		} else {
			out[i] = StrV(o.Keys[best])
		}
	}
	return l
}
