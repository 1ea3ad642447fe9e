package engine

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// EvalString compiles and evaluates a standalone expression with a random
// stream seeded from seed, outside any scenario (no actor, no flow). It is
// what the registry's examples and `scen eval` use.
func EvalString(src string, seed uint64, loc *time.Location, reg *stdlib.Registry) (Value, hcl.Diagnostics) {
	ce, env, diags := compileStandalone(src, seed, loc, reg)
	if diags.HasErrors() {
		return Value{}, diags
	}
	v := ce.eval(env).Clone()
	if env.fault != nil {
		return Value{}, hcl.Diagnostics{env.fault.Diagnostic()}
	}
	return v, nil
}

// compileStandalone compiles an expression outside any scenario and returns
// it with an environment whose stream is seeded from seed.
func compileStandalone(src string, seed uint64, loc *time.Location, reg *stdlib.Registry) (*cexpr, *Env, hcl.Diagnostics) {
	if reg == nil {
		reg = stdlib.New()
	}
	if loc == nil {
		loc = time.UTC
	}
	const name = "<expr>"
	x, diags := hclsyntax.ParseExpression([]byte(src), name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	file := &hcl.File{Bytes: []byte(src)}
	c := &compiler{sc: &dsl.Scenario{Files: map[string]*hcl.File{name: file}}, reg: reg,
		cc: &stdlib.CompileCtx{Loc: loc}, plan: &Plan{Loc: loc}, vars: map[string]Value{},
		dists: map[string]*distPlan{}, tf: stdlib.NewTimeFormatter(loc)}
	ce := (&scope{c: c, where: "an expression"}).compile(x)
	if c.diags.HasErrors() {
		return nil, nil, c.diags
	}
	rng := stdlib.NewRand(seed)
	env := &Env{tf: c.tf}
	env.R = &rng
	return ce, env, nil
}
