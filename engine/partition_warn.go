package engine

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
)

// manyPartitions is the count of {{field:NAME}} values past which a
// partitioned sink is warned about: each value keeps a file open until
// the run ends, and a shell's default limit on open files is 1024.
const manyPartitions = 1000

// warnPartitions warns at a sink's path when a {{field:NAME}} it
// partitions by takes a value per record or per actor: a time, a float,
// a uuid() or hex() drawn per record, an id built from index, or any
// field whose values fieldValues bounds above manyPartitions. Each value
// is a file held open to the end of the run, so such a run stops late
// with "too many open files", or uses memory the plan does not count.
func (c *compiler) warnPartitions() {
	if c.errorsSince(0) {
		return
	}
	for _, sp := range c.plan.Sinks {
		fp, ok := sp.Sink.(sinks.FieldPartitioned)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for _, name := range fp.PartitionFields() {
			if seen[name] {
				continue
			}
			seen[name] = true
			why := c.manyValues(sp.Stream, name)
			if why == "" {
				continue
			}
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Partitioning by a field with many values",
				Detail: fmt.Sprintf("Sink %q partitions its path by {{field:%s}}, and %s: one partition file per value, each held open until the run ends, "+
					"so the run may stop with \"too many open files\" and use far more memory than `scen plan` counts. "+
					"Partition by a field with few values (a country, a plan, a status); to split by time, use {{year}}, {{month}}, {{day}} or {{hour}} in the path.",
					sp.Name, name, why),
				Subject: sp.At.Ptr()})
		}
	}
}

// manyValues says why field name of stream st takes many values ("" when
// it does not, or when that is not known).
func (c *compiler) manyValues(st *rec.Stream, name string) string {
	p := c.plan
	var index string // an emit's expression built from index, its entity's actors
	for _, f := range p.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				if em.shape.Stream != st {
					continue
				}
				for _, fl := range em.shape.Fields {
					if fl.Name != name || fl.Kind != rec.Leaf {
						continue
					}
					x := em.leaves[fl.Slot]
					if x == nil || x.isC {
						continue
					}
					text := strings.Join(strings.Fields(c.source(x.rng)), " ")
					src := p.sourceIn(x.rng, moduleOf(f.Name)) // a module's names qualified
					if _, bounded := p.exprValues(f.Entity, x, src, 0); bounded {
						continue // fieldValues below counts it (an attribute: per actor)
					}
					switch x.typ {
					case stdlib.Time:
						return fmt.Sprintf("%s holds a time (%s at %s), which differs from record to record", name, text, posString(x.rng))
					case stdlib.Float:
						return fmt.Sprintf("%s holds a float (%s at %s), which takes a new value almost every time", name, text, posString(x.rng))
					}
					if fn := callsRandomID(src); fn != "" {
						return fmt.Sprintf("%s draws %s() for each record (%s at %s)", name, fn, text, posString(x.rng))
					}
					if index == "" && src != nil && usesIndex(src) {
						if ep := f.Entity; ep.Parent != nil || ep.Count > manyPartitions {
							index = fmt.Sprintf("%s is built from index (%s at %s): one value per %s", name, text, posString(x.rng), ep.Name)
							if ep.Parent == nil {
								index += fmt.Sprintf(", %d of them", ep.Count)
							}
						}
					}
				}
			}
		}
	}
	if n, ok := p.fieldValues(st, name); ok && n > manyPartitions {
		return fmt.Sprintf("%s takes up to %d values", name, n)
	}
	return index
}

// callsRandomID is "uuid" or "hex" when e calls one of them, else "".
func callsRandomID(e hclsyntax.Expression) string {
	found := ""
	if e == nil {
		return ""
	}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && found == "" && (call.Name == "uuid" || call.Name == "hex") {
			found = call.Name
		}
		return nil
	})
	return found
}
