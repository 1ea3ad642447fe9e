package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// level says how often an expression's value can change: once per scenario,
// per actor, per session or per event. Emit fields that change at most per
// session are evaluated when the session starts and reused for its events.
type level uint8

const (
	perScenario level = iota
	perActor
	perSession
	perEvent
)

// exprLevel inspects the syntax: references to the actor make it per
// actor, to session.* per session, and to event.*, ctx.*, distributions
// or any random function per event.
func (c *compiler) exprLevel(e hcl.Expression) level {
	lv := perScenario
	raise := func(l level) {
		if l > lv {
			lv = l
		}
	}
	// A for expression's variables are its elements: what they are
	// read from sets the level (checkLoopVar keeps them apart from the
	// names below).
	loopVars := map[string]bool{}
	hclsyntax.VisitAll(e.(hclsyntax.Node), func(n hclsyntax.Node) hcl.Diagnostics {
		if f, ok := n.(*hclsyntax.ForExpr); ok {
			loopVars[f.KeyVar], loopVars[f.ValVar] = true, true
		}
		return nil
	})
	hclsyntax.VisitAll(e.(hclsyntax.Node), func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			if f, ok := c.reg.Lookup(n.Name); !ok || f.Random {
				raise(perEvent)
			}
		case *hclsyntax.ScopeTraversalExpr:
			switch root := n.Traversal.RootName(); {
			case loopVars[root]:
			case root == "var", root == "scenario", root == "dataset", root == "state":
			case root == "session":
				raise(perSession)
			case root == "event", root == "ctx", root == "distribution", root == "experiment", root == "memory", root == "each":
				raise(perEvent)
			default: // index, the actor's entity, actor
				raise(perActor)
			}
		}
		return nil
	})
	return lv
}
