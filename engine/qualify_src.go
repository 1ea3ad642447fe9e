package engine

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Introspection reads expressions back from their source text (see
// Plan.source), as written: inside a module, its own entity is user, its
// experiment experiment.ab, where the plan names them "web.user" and
// "web.ab" (the decoder qualified the parsed references, not the text).
// sourceIn and qualifyText give them the plan's names, for an expression
// written in module scope ("" for the scenario's own files).

// refRoots are the roots whose next step names a definition (the
// decoder's refKinds).
var refRoots = map[string]bool{"distribution": true, "dataset": true, "entity": true, "flow": true, "experiment": true}

// sourceIn is p.source(r) with the references qualified for an
// expression of module scope.
func (p *Plan) sourceIn(r hcl.Range, scope string) hclsyntax.Expression {
	e := p.source(r)
	if e == nil {
		return nil
	}
	bound := map[string]bool{}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if f, ok := n.(*hclsyntax.ForExpr); ok {
			bound[f.KeyVar], bound[f.ValVar] = true, true
		}
		return nil
	})
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		x, ok := n.(*hclsyntax.ScopeTraversalExpr)
		if !ok || bound[x.Traversal.RootName()] {
			return nil
		}
		x.Traversal = p.qualifyTraversal(x.Traversal, scope)
		return nil
	})
	return e
}

// qualifyText is qualifyTraversal for a traversal's text (user.tz).
func (p *Plan) qualifyText(text, scope string) string {
	if text == "" {
		return text
	}
	parts := strings.Split(strings.TrimSpace(text), ".")
	t := hcl.Traversal{hcl.TraverseRoot{Name: parts[0]}}
	for _, s := range parts[1:] {
		t = append(t, hcl.TraverseAttr{Name: s})
	}
	t = p.qualifyTraversal(t, scope)
	if t2, ok := t[0].(hcl.TraverseRoot); ok {
		out := []string{t2.Name}
		for _, s := range t[1:] {
			a, ok := s.(hcl.TraverseAttr)
			if !ok {
				return text
			}
			out = append(out, a.Name)
		}
		return strings.Join(out, ".")
	}
	return text
}

// qualifyTraversal gives t the plan's names as the decoder does: in module
// scope, a definition's name (experiment.ab → experiment."web.ab"); and
// anywhere, an entity's attribute root, its module path included, becomes
// one root (user.id in module web, or web.user.id in the scenario →
// "web.user".id). Other roots (event, session, actor, index…) stay.
func (p *Plan) qualifyTraversal(t hcl.Traversal, scope string) hcl.Traversal {
	root := t.RootName()
	pre := ""
	if scope != "" {
		pre = scope + "."
	}
	if refRoots[root] {
		if pre == "" || len(t) < 2 {
			return t
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			return t
		}
		out := append(hcl.Traversal{t[0], hcl.TraverseAttr{Name: pre + a.Name, SrcRange: a.SrcRange}}, t[2:]...)
		return out
	}
	// The shortest run of steps from the root that names an entity.
	name := pre + root
	for k := 0; ; k++ {
		if p.entityNamed(name) {
			if name == root {
				return t
			}
			r := hcl.TraverseRoot{Name: name, SrcRange: t[0].SourceRange()}
			return append(hcl.Traversal{r}, t[k+1:]...)
		}
		if k+1 >= len(t) || !p.entityPrefix(name+".") {
			return t
		}
		a, ok := t[k+1].(hcl.TraverseAttr)
		if !ok {
			return t
		}
		name += "." + a.Name
	}
}

func (p *Plan) entityNamed(name string) bool {
	for _, e := range p.Entities {
		if e.Name == name {
			return true
		}
	}
	return false
}

func (p *Plan) entityPrefix(prefix string) bool {
	for _, e := range p.Entities {
		if strings.HasPrefix(e.Name, prefix) {
			return true
		}
	}
	return false
}
