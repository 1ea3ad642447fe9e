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
	hclsyntax.VisitAll(e.(hclsyntax.Node), func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			if f, ok := c.reg.Lookup(n.Name); !ok || f.Random {
				raise(perEvent)
			}
		case *hclsyntax.ScopeTraversalExpr:
			switch n.Traversal.RootName() {
			case "var", "scenario", "dataset", "state":
			case "session":
				raise(perSession)
			case "event", "ctx", "distribution", "experiment", "memory", "each":
				raise(perEvent)
			default: // index, the actor's entity, actor
				raise(perActor)
			}
		}
		return nil
	})
	return lv
}
