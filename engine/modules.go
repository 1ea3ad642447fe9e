package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// modules gives every module instance's variables their values: the
// module block's input, or else the variable's default. The decoder
// qualified var.NAME inside the module to var."MODULE.NAME", so these
// sit beside the scenario's own variables. Inputs are constants, like
// variables (literals, var.*, scenario.*, pure functions), and may be
// lists or objects; an including module comes before those it includes,
// so nested inputs can use the including module's variables. It is false
// when an input has no valid value.
func (c *compiler) modules() bool {
	n := len(c.diags)
	for _, m := range c.sc.Modules {
		c.enter(m.Name)
		inputs := map[string]hcl.Expression{}
		for _, a := range m.Inputs {
			inputs[a.Name] = a.Expr
		}
		// An input uses the including scenario's variables; a default
		// may use the module's own, in any order (see varOrder).
		exprs := make([]hcl.Expression, len(m.Variables))
		for i, v := range m.Variables {
			c.badVars[m.Name+"."+v.Name] = true
			if e, given := inputs[v.Name]; given {
				exprs[i] = e
			} else {
				exprs[i] = v.Default
			}
		}
		order := c.varOrder(m.Variables, exprs, m.Name+".", func(v *dsl.Variable) string { return "var." + v.Name })
		for _, i := range order {
			v := m.Variables[i]
			name := m.Name + "." + v.Name
			// A variable without a valid value is reported once: its uses
			// (the inputs of modules this one includes) are follow-ons.
			c.badVars[name] = true
			e, given := inputs[v.Name]
			what := fmt.Sprintf("input %q of module %q", v.Name, m.Name)
			if !given {
				if e = v.Default; e == nil {
					continue // reported by the decoder at the module block
				}
				what = fmt.Sprintf("the default of variable %q of module %q", v.Name, m.Name)
			}
			val, ok := c.constExpr(e, what, stdlib.Int, stdlib.Float, stdlib.String, stdlib.Bool,
				stdlib.Time, stdlib.Duration, stdlib.List, stdlib.Object, stdlib.Null)
			if !ok {
				continue
			}
			if want := c.inputType(v.Type, v.Default, given); want != "" && !typeMatches(want, val.K) {
				c.err(e.Range().Ptr(), "Wrong input type", "Variable %q of module %q (%s) takes a%s %s; got a%s %s.",
					v.Name, m.Name, m.Source, an(want), want, an(val.K.String()), val.K)
				continue
			}
			delete(c.badVars, name)
			c.vars[name] = val
		}
	}
	return !c.errorsSince(n)
}

// inputType is the type an input must have: the variable's declared type,
// or else that of its default (string, number, bool, list or object).
func (c *compiler) inputType(declared string, def hcl.Expression, given bool) string {
	if declared != "" || def == nil || !given {
		return declared
	}
	n := len(c.diags)
	x := c.constScope("a module variable's default").compile(def)
	c.diags = c.diags[:n] // reported when the default itself is used
	if !x.isC {
		return ""
	}
	return typeOf(x.val.K)
}
