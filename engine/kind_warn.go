package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// typedSinks are the sink types that give each field a column of one
// type (a field whose emits disagree becomes a text column of JSON text).
var typedSinks = map[string]string{"parquet": "Parquet", "postgres": "PostgreSQL"}

// warnMixedKinds warns when the emits of a stream that a typed sink
// writes give one top-level field values of different kinds (a float in
// one emit, a string in another): the sink then writes the field as a
// text column of JSON text ("18.09"), which the scenario validates
// without saying. Ints mixed with floats are a float column, nulls take
// any column, and a field one emit writes as a value known only at run
// time (stdlib.Any) or as a nested one is not compared.
func (c *compiler) warnMixedKinds() {
	if c.errorsSince(0) {
		return
	}
	seen := map[*rec.Stream]bool{}
	for _, sp := range c.plan.Sinks {
		if typedSinks[sp.Type] == "" || seen[sp.Stream] {
			continue
		}
		seen[sp.Stream] = true
		var by []string // the typed sinks of the stream
		for _, o := range c.plan.Sinks {
			if o.Stream == sp.Stream && typedSinks[o.Type] != "" {
				by = append(by, fmt.Sprintf("%q (%s)", o.Name, typedSinks[o.Type]))
			}
		}
		for _, col := range sp.Stream.Columns {
			if col.Type == stdlib.Any {
				c.warnMixedField(sp.Stream, col.Name, by)
			}
		}
	}
}

// warnMixedField warns about field name of st when its emits write
// scalars of different kinds, naming the first emit of each kind.
func (c *compiler) warnMixedField(st *rec.Stream, name string, by []string) {
	type use struct {
		group, kind string // group: ints and floats are one
		where       string
		at          hcl.Range
	}
	var uses []use
	groupOf := func(k stdlib.Kind) string {
		switch k {
		case stdlib.Int, stdlib.Float:
			return "number"
		case stdlib.String, stdlib.Bool, stdlib.Time, stdlib.Duration:
			return k.String()
		}
		return ""
	}
	for _, f := range c.plan.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				if em.shape.Stream != st {
					continue
				}
				for _, fl := range em.shape.Fields {
					if fl.Name != name {
						continue
					}
					if fl.Kind != rec.Leaf {
						return // nested somewhere: JSON text by its nature
					}
					g := groupOf(fl.Type)
					if g == "" {
						if fl.Type != stdlib.Null {
							return // known at run time: not compared
						}
						continue
					}
					if !slices.ContainsFunc(uses, func(u use) bool { return u.group == g }) {
						uses = append(uses, use{g, stdlib.Article(fl.Type.String()), em.shape.Where, em.leaves[fl.Slot].rng})
					}
				}
			}
		}
	}
	if len(uses) < 2 {
		return
	}
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = fmt.Sprintf("%s in %s (at %s)", u.kind, u.where, posString(u.at))
	}
	sinkWord := "sink"
	if len(by) > 1 {
		sinkWord = "sinks"
	}
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Field of mixed kinds",
		Detail: fmt.Sprintf("Field %q of stream %q is %s, so %s %s write%s it as a text column holding each value's JSON text (the number 18.09 as the text \"18.09\"), not as a typed column. "+
			"Write one kind in every emit: null for a missing value, or the text in a field of another name.",
			name, st.Name, joinAnd(parts), sinkWord, joinAnd(by), map[bool]string{true: "", false: "s"}[len(by) > 1]),
		Subject: uses[1].at.Ptr()})
}

// joinAnd joins a, b and c as "a, b and c".
func joinAnd(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}
