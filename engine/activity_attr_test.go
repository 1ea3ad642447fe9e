package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestActivityOfAttr: activityOf reads an arrival process's active_days
// that is an actor's attribute (recipe's user.active_share) straight from
// the actor: the same share, key and faults as its closure gives (the
// general path, with the attribute's closure in place of the read), for
// shares inside and outside (0, 1] and values that are no number.
func TestActivityOfAttr(t *testing.T) {
	p := memPlan(t, "../scenarios/recipe.hcl", nil)
	a := p.Flows[0].arrivals
	if a == nil || a.active == nil || a.active.from.kind != fromAttr {
		t.Fatal("recipe's active_days is no longer an attribute")
	}
	general := *a
	x := *a.active
	x.from = envSlot{} // the closure, as any other expression
	general.active = &x
	slot := int(a.active.from.slot)
	n := len(p.Flows[0].Entity.attrs)
	r := &runner{flow: p.Flows[0], act: &actor{index: 7}}
	for _, v := range []Value{stdlib.FloatV(0.25), stdlib.FloatV(1), stdlib.IntV(1), stdlib.FloatV(1e-9), stdlib.FloatV(0), stdlib.FloatV(1.5), stdlib.FloatV(-1), {}, stdlib.StrV("x")} {
		for _, withRun := range []bool{false, true} {
			envs := [2]*Env{}
			for i := range envs {
				e := &Env{Attrs: make([]Value, n)}
				e.Attrs[slot] = v
				if withRun {
					e.run = r
				}
				envs[i] = e
			}
			got, gotOK := a.activityOf(envs[0])
			want, wantOK := general.activityOf(envs[1])
			if got != want || gotOK != wantOK || (envs[0].fault == nil) != (envs[1].fault == nil) {
				t.Fatalf("%v: activityOf gave %+v %v (fault %v), the closure %+v %v (fault %v)", v, got, gotOK, envs[0].fault, want, wantOK, envs[1].fault)
			}
		}
	}
}
