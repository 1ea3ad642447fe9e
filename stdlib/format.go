package stdlib

import (
	"fmt"
	"strconv"
	"strings"
)

// format() takes Go's printf verbs, checked against the values before
// anything is written: a verb that does not fit its value (%d of a
// string), a count of verbs that differs from the count of values, or a
// verb fmt does not know is an error, never Go's "%!d(string=x)" text in
// the output. A null value is written as null whatever the verb.

// fmtVerb is one verb of a format string: its text ("%05d") and letter.
type fmtVerb struct {
	spec string
	verb byte
	// An int verb of the form %d, %Nd or %0Nd (N from 1 to 99): width N
	// (0 for %d), zero padding. intFast false: fmt.Appendf writes it.
	intFast bool
	zero    bool
	width   uint8
}

// intVerb tells whether spec is %d, %Nd or %0Nd with N from 1 to 99
// (fmtVerb.intFast), and its width and zero padding.
func intVerb(spec string) (fast, zero bool, width uint8) {
	if len(spec) < 2 || spec[0] != '%' || spec[len(spec)-1] != 'd' {
		return false, false, 0
	}
	w := spec[1 : len(spec)-1]
	if len(w) > 0 && w[0] == '0' {
		zero, w = true, w[1:]
		if w == "" {
			return false, false, 0 // %0d: left to fmt
		}
	}
	if len(w) > 2 || len(w) > 0 && w[0] == '0' {
		return false, false, 0
	}
	n := 0
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false, false, 0
		}
		n = 10*n + int(w[i]-'0')
	}
	return true, zero, uint8(n)
}

// appendIntVerb writes x as fmt's %d, %Nd or %0Nd does (v's intFast):
// the digits, the sign before them, padded to the width with spaces
// before the sign or zeros after it. Without fmt.Appendf's boxing of x,
// its printer from a pool and its parsing of the verb: recipe's
// format("%03d", n) cost 956 instructions a call through it.
func appendIntVerb(buf []byte, vb *fmtVerb, x int64) []byte {
	var d [24]byte
	digits := strconv.AppendInt(d[:0], x, 10)
	sign := 0
	if x < 0 {
		sign = 1
	}
	pad := int(vb.width) - len(digits)
	if pad <= 0 {
		return append(buf, digits...)
	}
	if !vb.zero {
		for range pad {
			buf = append(buf, ' ')
		}
		return append(buf, digits...)
	}
	buf = append(buf, digits[:sign]...)
	for range pad {
		buf = append(buf, '0')
	}
	return append(buf, digits[sign:]...)
}

// fmtSpec is a parsed format string: lits[i] precedes verbs[i], and the
// last literal follows the last verb (len(lits) == len(verbs)+1).
type fmtSpec struct {
	lits  []string
	verbs []fmtVerb
	// plain: every verb writes a number, hex digits or a bool (digits,
	// letters, signs, points, spaces; null as null) and the literals need
	// no JSON escaping, so neither does the text. csv: the literals have
	// no comma, quote or control byte either, so the text is a plain CSV
	// cell when it is not empty and does not start with a blank.
	plain, csv bool
}

// plainVerbs write no quote, backslash, comma or control byte, whatever
// their value (%c and %q may, %s and %v write the value's text).
const plainVerbs = "dboOxXUeEfFgGt"

const fmtVerbs = "vdboOxXcUqeEfFgGst"

func parseFormat(s string) (fmtSpec, error) {
	var sp fmtSpec
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '%' {
			lit.WriteByte('%')
			i = j
			continue
		}
		for j < len(s) && strings.IndexByte("+-# 0", s[j]) >= 0 {
			j++
		}
		w := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		width, prec := s[w:j], ""
		if j < len(s) && s[j] == '.' {
			j++
			p := j
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			prec = s[p:j]
		}
		if j >= len(s) {
			return sp, fmt.Errorf("the format ends in an incomplete verb %q", s[i:])
		}
		// Go's fmt gives up on a width or precision above a million,
		// writing %!(NOVERB) and the value as EXTRA into the text.
		for _, n := range [2]struct{ what, digits string }{{"width", width}, {"precision", prec}} {
			if fmtNumTooLarge(n.digits) {
				return sp, fmt.Errorf("%q: the %s %s is more than %d, the most a format verb takes", s[i:j+1], n.what, strings.TrimLeft(n.digits, "0"), fmtMaxNum)
			}
		}
		switch c := s[j]; {
		case c == '*' || c == '[':
			return sp, fmt.Errorf("%q: widths from arguments (*) and argument indexes ([n]) are not supported", s[i:j+1])
		case strings.IndexByte(fmtVerbs, c) < 0:
			return sp, fmt.Errorf("%q is not a verb (use %%d for ints, %%f %%e %%g for floats, %%s %%q for text, %%v for any value, %%x, %%t, %%%% for a %%)", s[i:j+1])
		}
		sp.lits = append(sp.lits, lit.String())
		lit.Reset()
		vb := fmtVerb{spec: s[i : j+1], verb: s[j]}
		vb.intFast, vb.zero, vb.width = intVerb(vb.spec)
		sp.verbs = append(sp.verbs, vb)
		i = j
	}
	sp.lits = append(sp.lits, lit.String())
	sp.plain, sp.csv = true, true
	for _, vb := range sp.verbs {
		if strings.IndexByte(plainVerbs, vb.verb) < 0 {
			sp.plain = false
		}
	}
	for _, l := range sp.lits {
		if SafePrefix(l) < len(l) {
			sp.plain = false
		}
		// Spaces are plain inside a cell; only a leading one is not,
		// which flags checks on the text.
		if t := strings.TrimLeft(l, " "); t != "" && !CSVPlain(t) {
			sp.csv = false
		}
	}
	return sp, nil
}

// fmtMaxNum is the largest width or precision format takes: Go's fmt
// refuses numbers above a million (its tooLarge).
const fmtMaxNum = 1_000_000

// fmtNumTooLarge reports whether the decimal digits d (a verb's width or
// precision, leading zeros included) are a number above fmtMaxNum.
func fmtNumTooLarge(d string) bool {
	n := 0
	for i := 0; i < len(d); i++ {
		if n = n*10 + int(d[i]-'0'); n > fmtMaxNum {
			return true
		}
	}
	return false
}

// flags are the PlainJSON and PlainCSV flags of s, a text sp wrote.
func (sp *fmtSpec) flags(s string) int64 {
	if !sp.plain {
		return 0
	}
	if sp.csv && s != "" && s[0] != ' ' && s[0] != '\t' {
		return PlainJSON | PlainCSV
	}
	return PlainJSON
}

// fmtAccepts reports whether a verb can format a value of kind k (Any:
// not known until run time; a whole float fits an int verb then).
func fmtAccepts(verb byte, k Kind) bool {
	if k == Any || k == Null {
		return true
	}
	switch verb {
	case 'd', 'b', 'o', 'O', 'c', 'U':
		return k == Int
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return k == Int || k == Float
	case 'x', 'X':
		return k == Int || k == Float || k == String
	case 't':
		return k == Bool
	}
	return true // s q v: every value has a text form
}

func fmtNeeds(verb byte) string {
	switch verb {
	case 'd', 'b', 'o', 'O', 'c', 'U':
		return "an int"
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return "a number"
	case 'x', 'X':
		return "an int, a float or a string"
	case 't':
		return "a bool"
	}
	return "a value"
}

// fmtArg converts v for verb; ok is false when the verb does not fit.
func fmtArg(verb byte, v Value) (any, bool) {
	switch verb {
	case 'd', 'b', 'o', 'O', 'c', 'U':
		switch v.K {
		case Int:
			return v.I, true
		case Float:
			if f := v.Float(); f == float64(int64(f)) && f >= -(1<<63) && f < 1<<63 {
				return int64(f), true
			}
		}
		return nil, false
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if v.K == Int || v.K == Float {
			return v.Num(), true
		}
		return nil, false
	case 'x', 'X':
		switch v.K {
		case Int:
			return v.I, true
		case Float:
			return v.Float(), true
		case String:
			return v.S, true
		}
		return nil, false
	case 't':
		if v.K == Bool {
			return v.I != 0, true
		}
		return nil, false
	case 'v':
		return goValue(v), true
	}
	if v.K == String {
		return v.S, true
	}
	return v.String(), true
}

// appendFormat writes vals formatted by sp; a value its verb cannot
// format is reported as the error of argument index i+1.
func appendFormat(buf []byte, sp *fmtSpec, vals []Value) ([]byte, error) {
	for i := range sp.verbs {
		vb := &sp.verbs[i]
		buf = append(buf, sp.lits[i]...)
		v := vals[i]
		if v.K == Null {
			buf = append(buf, "null"...)
			continue
		}
		if vb.intFast && v.K == Int {
			buf = appendIntVerb(buf, vb, v.I)
			continue
		}
		x, ok := fmtArg(vb.verb, v)
		if !ok {
			return buf, argErr(i+1, "%s needs %s, got %s %s", vb.spec, fmtNeeds(vb.verb), kindArticle(v.K), quoteShort(v))
		}
		buf = fmt.Appendf(buf, vb.spec, x)
	}
	return append(buf, sp.lits[len(sp.verbs)]...), nil
}

func kindArticle(k Kind) string {
	switch k {
	case Int:
		return "an int"
	case Float:
		return "a float"
	}
	return "a " + k.String()
}

func quoteShort(v Value) string {
	s := v.String()
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	if v.K == String {
		return strconv.Quote(s)
	}
	return s
}

// checkFormat compares a parsed format with the values' static kinds.
func checkFormat(sp *fmtSpec, args []Arg) error {
	if n := len(args) - 1; n != len(sp.verbs) {
		idx := -1
		if n > len(sp.verbs) {
			idx = len(sp.verbs) + 1 // the first value without a verb
		}
		return argErr(idx, "the format has %d verb(s) and the call %d value(s)", len(sp.verbs), n)
	}
	for i, vb := range sp.verbs {
		if k := args[i+1].Type; !fmtAccepts(vb.verb, k) {
			hint := ""
			if k == Float && strings.IndexByte("dboOcU", vb.verb) >= 0 {
				hint = " (round it with int(x), or use %.0f)"
			}
			return argErr(i+1, "%s needs %s, got %s%s", vb.spec, fmtNeeds(vb.verb), kindArticle(k), hint)
		}
	}
	return nil
}

func formatFunc() *Func {
	params := []Param{{Name: "format", Type: String}, {Name: "values", Type: Any, Variadic: true, Optional: true}}
	return &Func{Name: "format", Category: "string",
		Doc: "printf-style formatting with Go's verbs: %d %05d (ints), %x, %f %.2f %e %g (numbers), " +
			"%s %q (text; times in UTC RFC 3339), %v (any value), %t (bools), %% (a %). A verb that does not fit its value, " +
			"a width or precision above 1000000, or verbs and values that do not pair up, is an error; a null value is written as null.",
		Params: params, Result: String,
		Examples: []Example{{Expr: `format("%s-%04d", "ORD", 42)`, Want: "ORD-0042"}, {Expr: `format("%.2f%%", 12.345)`, Want: "12.35%"}},
		Compile: func(cc *CompileCtx, args []Arg) (Impl, error) {
			if err := checkArgs(params, args); err != nil {
				return Impl{}, err
			}
			if c := args[0].Const; c != nil && c.K == String {
				sp, err := parseFormat(c.S)
				if err != nil {
					return Impl{}, argErr(0, "%s", err)
				}
				if err := checkFormat(&sp, args); err != nil {
					return Impl{}, err
				}
				return Impl{Result: String, Fn: func(c *Ctx, a []Value) Value { return runFormat(c, &sp, a[1:]) }}, nil
			}
			return Impl{Result: String, Fn: func(c *Ctx, a []Value) Value {
				if a[0].K != String {
					return NullV()
				}
				sp, err := parseFormat(a[0].S)
				if err == nil && len(sp.verbs) != len(a)-1 {
					err = fmt.Errorf("the format %q has %d verb(s) and the call %d value(s)", a[0].S, len(sp.verbs), len(a)-1)
				}
				if err != nil {
					c.Fail(argErr(0, "%s", err))
					return NullV()
				}
				return runFormat(c, &sp, a[1:])
			}}, nil
		}}
}

// runFormat formats in the record arena: kept values (an actor's ids)
// are then copied next to their neighbours.
func runFormat(c *Ctx, sp *fmtSpec, vals []Value) Value {
	start := len(c.Arena)
	var err error
	c.Arena, err = appendFormat(c.Arena, sp, vals)
	if err != nil {
		c.Arena = c.Arena[:start]
		c.Fail(err)
		return NullV()
	}
	// Flagged when sp can only write plain text (ad_${format("%03d", n)}):
	// encoders then copy it, and templates of it, without scanning.
	s := unsafeString(c.Arena[start:len(c.Arena):len(c.Arena)])
	return Value{K: String, S: s, I: sp.flags(s)}
}
