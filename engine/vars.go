package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// an is the "n" of "an" before a word that starts with a vowel.
func an(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "n"
	}
	return ""
}

// parseLiteral reads a list or object variable's --var text: literal
// values only (strings, numbers, bools, null, lists and objects), written
// as in a scenario or as JSON. A number is an int unless written with a
// point or an exponent, as a literal in a scenario is.
func parseLiteral(raw string) (Value, error) {
	// A byte that is not UTF-8 would be kept in the value but written
	// \ufffd in the manifest: the run regenerated from it would differ.
	for i, r := range raw {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(raw[i:]); size == 1 {
				line := raw[strings.LastIndexByte(raw[:i], '\n')+1 : i]
				return Value{}, fmt.Errorf("column %d: the byte 0x%02x is not UTF-8 text", utf8.RuneCountInString(line)+1, raw[i])
			}
		}
	}
	src := &litSrc{orig: []byte(raw)}
	text := src.rewriteSurrogates()
	e, diags := hclsyntax.ParseExpression(text, "--var", hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		msg := strings.TrimSuffix(d.Summary, ".")
		if d.Detail != "" {
			msg += ": " + strings.TrimSuffix(strings.ReplaceAll(d.Detail, "this file", "the value"), ".")
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("column %d: %s", src.column(d.Subject.Start), msg)
		}
		return Value{}, errors.New(msg)
	}
	return literalValue(e, src)
}

// litSrc is --var text as written, and where the text HCL parsed differs
// from it: JSON writes a character beyond U+FFFF as a surrogate pair
// (\ud83d\ude00, as Python's json.dumps does by default), which HCL
// refuses (it reads \uXXXX as one character), so each pair in a quoted
// string is given to HCL as \U0001f600, two bytes shorter. Columns and
// source text in messages are those of the text as written.
type litSrc struct {
	orig []byte
	at   []hcl.Pos // the end of each rewritten pair in the parsed text
}

const surrogateShrink = len(`\ud83d\ude00`) - len(`\U0001f600`)

func (l *litSrc) rewriteSurrogates() []byte {
	if !bytes.Contains(l.orig, []byte(`\u`)) {
		return l.orig
	}
	toks, _ := hclsyntax.LexExpression(l.orig, "--var", hcl.InitialPos)
	var out []byte
	from := 0
	for _, tok := range toks {
		if tok.Type != hclsyntax.TokenQuotedLit || !bytes.Contains(tok.Bytes, []byte(`\u`)) {
			continue
		}
		out = append(out, l.orig[from:tok.Range.Start.Byte]...)
		b := tok.Bytes
		for i := 0; i < len(b); {
			if b[i] != '\\' || i+1 == len(b) {
				out = append(out, b[i])
				i++
				continue
			}
			if hi, lo, ok := surrogatePair(b[i:]); ok {
				out = fmt.Appendf(out, `\U%08x`, utf16.DecodeRune(hi, lo))
				l.at = append(l.at, hcl.Pos{Line: tok.Range.Start.Line, Byte: len(out)})
				i += 12
				continue
			}
			out = append(out, b[i], b[i+1]) // an escape: \\ is not the start of \u
			i += 2
		}
		from = tok.Range.End.Byte
	}
	if l.at == nil {
		return l.orig
	}
	return append(out, l.orig[from:]...)
}

// surrogatePair reads \uD8xx\uDCxx at the start of b.
func surrogatePair(b []byte) (hi, lo rune, ok bool) {
	if len(b) < 12 || b[0] != '\\' || b[1] != 'u' || b[6] != '\\' || b[7] != 'u' {
		return 0, 0, false
	}
	h, err1 := strconv.ParseUint(string(b[2:6]), 16, 16)
	l, err2 := strconv.ParseUint(string(b[8:12]), 16, 16)
	if err1 != nil || err2 != nil || h < 0xd800 || h > 0xdbff || l < 0xdc00 || l > 0xdfff {
		return 0, 0, false
	}
	return rune(h), rune(l), true
}

// shift is how many bytes the text as written has before p (a position in
// the parsed text) that the parsed text lacks; on p's line only, when line.
func (l *litSrc) shift(p hcl.Pos, line bool) int {
	n := 0
	for _, a := range l.at {
		if a.Byte <= p.Byte && (!line || a.Line == p.Line) {
			n += surrogateShrink
		}
	}
	return n
}

// column is p's column in the text as written.
func (l *litSrc) column(p hcl.Pos) int { return p.Column + l.shift(p, true) }

// text is the text as written of r, a range of the parsed text.
func (l *litSrc) text(r hcl.Range) string {
	from, to := r.Start.Byte+l.shift(r.Start, false), r.End.Byte+l.shift(r.End, false)
	if from < 0 || to > len(l.orig) || from > to {
		return ""
	}
	return string(l.orig[from:to])
}

func literalValue(e hclsyntax.Expression, src *litSrc) (Value, error) {
	text := src.text
	notLiteral := func(r hcl.Range) error {
		return fmt.Errorf("column %d: %s is not a literal value (a list or object variable takes strings, numbers, bools, null, lists and objects, written as in a scenario or as JSON)", src.column(r.Start), text(r))
	}
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return literalValue(x.Expression, src)
	case *hclsyntax.LiteralValueExpr:
		return numberOrScalar(x.Val, text(x.SrcRange), src.column(x.SrcRange.Start), x.SrcRange, notLiteral)
	case *hclsyntax.UnaryOpExpr:
		if lit, ok := x.Val.(*hclsyntax.LiteralValueExpr); ok && x.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number && !lit.Val.IsNull() {
			// -9223372036854775808 is the smallest int, though its
			// operand alone does not fit.
			n, summary, detail := numberLiteral(lit.Val.AsBigFloat(), text(lit.SrcRange), true)
			if summary != "" {
				return Value{}, fmt.Errorf("column %d: %s", src.column(x.SrcRange.Start), strings.TrimSuffix(detail, "."))
			}
			return n, nil
		}
		if x.Op == hclsyntax.OpNegate {
			v, err := literalValue(x.Val, src)
			if err != nil {
				return v, err
			}
			switch v.K {
			case stdlib.Int:
				return stdlib.IntV(-v.I), nil
			case stdlib.Float:
				return stdlib.FloatV(-v.Float()), nil
			}
		}
		return Value{}, notLiteral(x.SrcRange)
	case *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr:
		// A quoted string: literal text only ($${ and %%{ escape).
		if len(e.Variables()) > 0 {
			return Value{}, notLiteral(e.Range())
		}
		val, diags := e.Value(nil)
		if diags.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
			return Value{}, notLiteral(e.Range())
		}
		return stdlib.ConstStr(val.AsString()), nil
	case *hclsyntax.TupleConsExpr:
		l := make([]Value, len(x.Exprs))
		for i, el := range x.Exprs {
			v, err := literalValue(el, src)
			if err != nil {
				return Value{}, err
			}
			l[i] = v
		}
		if stdlib.CommonKind(l) == stdlib.Float {
			// [1, 2.5] is a list of floats, as in a scenario.
			for i, v := range l {
				if v.K == stdlib.Int {
					l[i] = stdlib.FloatV(float64(v.I))
				}
			}
		}
		return stdlib.Freeze(stdlib.ListV(l)), nil
	case *hclsyntax.ObjectConsExpr:
		var ks []string
		var vs []Value
		seen := map[string]bool{}
		for _, it := range x.Items {
			k := hcl.ExprAsKeyword(it.KeyExpr)
			if k == "" {
				kv, err := literalValue(it.KeyExpr, src)
				if err != nil {
					return Value{}, err
				}
				if kv.K != stdlib.String {
					return Value{}, fmt.Errorf("column %d: the key %s is not a name or a string", src.column(it.KeyExpr.Range().Start), text(it.KeyExpr.Range()))
				}
				k = kv.S
			}
			if seen[k] {
				return Value{}, fmt.Errorf("the key %q appears more than once", k)
			}
			seen[k] = true
			v, err := literalValue(it.ValueExpr, src)
			if err != nil {
				return Value{}, err
			}
			ks = append(ks, k)
			vs = append(vs, v)
		}
		return stdlib.Freeze(stdlib.ObjV(ks, vs)), nil
	case *hclsyntax.ObjectConsKeyExpr:
		return literalValue(x.Wrapped, src)
	}
	return Value{}, notLiteral(e.Range())
}

func numberOrScalar(v cty.Value, src string, col int, r hcl.Range, notLiteral func(hcl.Range) error) (Value, error) {
	switch {
	case v.IsNull():
		return stdlib.NullV(), nil
	case v.Type() == cty.String:
		return stdlib.ConstStr(v.AsString()), nil
	case v.Type() == cty.Bool:
		return stdlib.BoolV(v.True()), nil
	case v.Type() == cty.Number:
		n, summary, detail := numberLiteral(v.AsBigFloat(), src, false)
		if summary != "" {
			return Value{}, fmt.Errorf("column %d: %s", col, strings.TrimSuffix(detail, "."))
		}
		return n, nil
	}
	return Value{}, notLiteral(r)
}

// varJSON is a variable's value as JSON (the manifest's). A list's or an
// object's is also the --var text that gives the value back (VarArg): a
// float keeps a point (1.0) so that it reads back as a float, and a
// string's "${" and "%{" are escaped (\u0024{, \u0025{) so that HCL does
// not read a template.
func varJSON(v Value) ([]byte, error) {
	switch v.K {
	case stdlib.String:
		return json.Marshal(v.S)
	case stdlib.Int, stdlib.Float, stdlib.Bool, stdlib.List, stdlib.Object, stdlib.Null:
		return appendVarJSON(nil, v)
	}
	return nil, fmt.Errorf("a %s cannot be a variable value", v.K)
}

func appendVarJSON(dst []byte, v Value) ([]byte, error) {
	switch v.K {
	case stdlib.Null:
		return append(dst, "null"...), nil
	case stdlib.Int:
		return strconv.AppendInt(dst, v.I, 10), nil
	case stdlib.Float:
		s := strconv.FormatFloat(v.Float(), 'g', -1, 64)
		if strings.ContainsAny(s, "nN") { // NaN, ±Inf
			return nil, fmt.Errorf("%s cannot be written as JSON", s)
		}
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return append(dst, s...), nil
	case stdlib.Bool:
		return strconv.AppendBool(dst, v.I != 0), nil
	case stdlib.String:
		return appendVarString(dst, v.S), nil
	case stdlib.List:
		dst = append(dst, '[')
		for i, e := range v.List() {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendVarJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case stdlib.Object:
		o := v.Obj()
		dst = append(dst, '{')
		for i, k := range o.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendVarString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendVarJSON(dst, o.Vals[i]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("a %s cannot be part of a variable value", v.K)
}

// appendVarString quotes s for both JSON and HCL: the escapes the two
// share (\", \\, \n, \r, \t, \uXXXX), and none that HCL lacks (\b, \f, \/).
func appendVarString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			dst = append(dst, '\\', 'u', '0', '0', '2', hex[r&15])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// varText is a variable's value as plan and summary show it: a string,
// number or bool as --var takes it, a list or an object as JSON (which
// --var also takes).
func varText(v Value) string {
	if v.K != stdlib.List && v.K != stdlib.Object {
		return v.String()
	}
	b, err := appendVarJSON(nil, v)
	if err != nil {
		return v.String()
	}
	return string(b)
}

// varLacksKeys warns when an object given with --var lacks keys of the
// variable's default object (at any depth): the value replaces the
// default whole, so those keys are gone, where the user most likely meant
// to change one key and keep the others. The warning names the missing
// keys and gives the --var text of the default with the given keys
// changed.
func (c *compiler) varLacksKeys(v *dsl.Variable, raw string, def, given Value) {
	if def.K != stdlib.Object || given.K != stdlib.Object {
		return
	}
	missing, merged := objectGaps(def, given, "")
	if len(missing) == 0 {
		return
	}
	quoted := make([]string, len(missing))
	for i, k := range missing {
		quoted[i] = strconv.Quote(k)
	}
	keys := "key " + quoted[0]
	if len(quoted) > 1 {
		keys = "keys " + strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	}
	detail := fmt.Sprintf("--var %s=%s lacks the %s of the variable's default: an object given with --var replaces the default whole, it is not merged into it.",
		v.Name, raw, keys)
	if text, err := varJSON(merged); err == nil {
		detail += fmt.Sprintf(" To change only the keys given and keep the others, pass them too: --var '%s=%s'.", v.Name, strings.ReplaceAll(string(text), "'", `'\''`))
	}
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Object variable lacks keys of its default",
		Detail: detail, Subject: v.DeclRange.Ptr()})
}

// objectGaps lists the keys of the object def that the object given lacks
// (nested ones as outer.inner, under prefix), and the object given with
// them added from def.
func objectGaps(def, given Value, prefix string) (missing []string, merged Value) {
	d, g := def.Obj(), given.Obj()
	ks := slices.Clone(g.Keys)
	vs := slices.Clone(g.Vals)
	for i, k := range d.Keys {
		j := slices.Index(g.Keys, k)
		if j < 0 {
			missing = append(missing, prefix+k)
			ks, vs = append(ks, k), append(vs, d.Vals[i])
			continue
		}
		if d.Vals[i].K == stdlib.Object && g.Vals[j].K == stdlib.Object {
			m, sub := objectGaps(d.Vals[i], g.Vals[j], prefix+k+".")
			missing = append(missing, m...)
			vs[j] = sub
		}
	}
	return missing, stdlib.Freeze(stdlib.ObjV(ks, vs))
}
