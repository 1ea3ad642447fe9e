package engine

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// A sink decodes its own block body with plain HCL evaluation. varBody
// hands it the body with var.* (the scenario's resolved variables) in
// scope, so `rows_per_file = var.rows_per_file` or `topic = var.topic`
// work in every sink without any sink knowing about variables.
type varBody struct {
	hcl.Body
	ctx *hcl.EvalContext
}

type varExpr struct {
	hcl.Expression
	ctx *hcl.EvalContext
}

func (e varExpr) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if ctx == nil {
		ctx = e.ctx
	}
	return e.Expression.Value(ctx)
}

// UnwrapExpression lets hcl.ExprList and friends see the real expression.
func (e varExpr) UnwrapExpression() hcl.Expression { return e.Expression }

func (b varBody) wrapAttrs(attrs hcl.Attributes) hcl.Attributes {
	out := make(hcl.Attributes, len(attrs))
	for k, a := range attrs {
		na := *a
		na.Expr = varExpr{a.Expr, b.ctx}
		out[k] = &na
	}
	return out
}

func (b varBody) wrapContent(c *hcl.BodyContent) *hcl.BodyContent {
	if c == nil {
		return nil
	}
	nc := *c
	nc.Attributes = b.wrapAttrs(c.Attributes)
	nc.Blocks = make(hcl.Blocks, len(c.Blocks))
	for i, blk := range c.Blocks {
		nb := *blk
		nb.Body = varBody{blk.Body, b.ctx}
		nc.Blocks[i] = &nb
	}
	return &nc
}

func (b varBody) Content(s *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	c, d := b.Body.Content(s)
	return b.wrapContent(c), d
}

func (b varBody) PartialContent(s *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	c, rest, d := b.Body.PartialContent(s)
	return b.wrapContent(c), varBody{rest, b.ctx}, d
}

func (b varBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) {
	a, d := b.Body.JustAttributes()
	return b.wrapAttrs(a), d
}

// varContext is var.* as cty values.
func (c *compiler) varContext() *hcl.EvalContext {
	vals := map[string]cty.Value{}
	for name, v := range c.vars {
		vals[name] = toCty(v)
	}
	return &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vals)}}
}

func toCty(v Value) cty.Value {
	switch v.K {
	case stdlib.Int:
		return cty.NumberIntVal(v.I)
	case stdlib.Float:
		f := v.Float()
		if f != f {
			// cty has no NaN (big.Float panics on one): a NaN, which
			// equals nothing, is null here, as JSON writes it.
			return cty.NullVal(cty.Number)
		}
		return cty.NumberVal(big.NewFloat(f))
	case stdlib.Bool:
		return cty.BoolVal(v.I != 0)
	case stdlib.String:
		return cty.StringVal(v.S)
	case stdlib.List:
		l := v.List()
		if len(l) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(l))
		for i, e := range l {
			vals[i] = toCty(e)
		}
		return cty.TupleVal(vals)
	case stdlib.Object:
		o := v.Obj()
		attrs := make(map[string]cty.Value, len(o.Keys))
		for i, k := range o.Keys {
			attrs[k] = toCty(o.Vals[i])
		}
		return cty.ObjectVal(attrs)
	case stdlib.Null:
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return cty.StringVal(v.String())
}
