package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
)

// ctxClears lists the context slots of flow f (compiled into fp, slots
// by ctx) that a session may read before one of its own sets has
// written them: only those must start a session empty (null), so only
// those are cleared when a session returns to its pool (bufPool.put).
// The other slots keep the last session's values, which no read can
// see: every way through the flow sets them first. Clearing every slot
// at every session cost bank 44 M instructions a run (its transactions
// are sessions of one event) and recipe 25 M.
//
// A state runs its constraints (which read no ctx), then its sets in
// order (each reads, then writes its slot), then its remember, emits
// (common fields included), transitions and delay or the flow's gap,
// all after every set. A slot is set on entry to a state when every way
// from the session's start to it sets it: the intersection over the
// states that lead to it, to a fixed point from the initial state,
// which is entered with nothing set. Reads are found in the source
// (hcl.Expression.Variables: every ctx.NAME, wherever it is nested).
// Any doubt clears: a traversal of ctx that is not ctx.NAME, a name
// that is not a slot, every transition counted as possible whatever
// its weight or guard.
func ctxClears(fp *FlowPlan, f *dsl.Flow, ctx map[string]int) []int32 {
	n := len(ctx)
	if clearEveryCtxSlot || n == 0 || len(fp.States) != len(f.States) || fp.Initial < 0 || fp.Initial >= len(fp.States) {
		return allSlots(n)
	}
	all := false
	// reads marks in rd the slots e reads.
	reads := func(e hcl.Expression, rd []bool) {
		if e == nil {
			return
		}
		for _, t := range e.Variables() {
			if t.RootName() != "ctx" {
				continue
			}
			slot := -1
			if len(t) >= 2 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					if i, found := ctx[a.Name]; found {
						slot = i
					}
				}
			}
			if slot < 0 {
				all = true
				continue
			}
			rd[slot] = true
		}
	}
	type stateReads struct {
		sets    []int    // slot per set, in order
		setRead [][]bool // what each set reads
		after   []bool   // what the state reads after its sets
	}
	srs := make([]stateReads, len(f.States))
	for i, st := range f.States {
		sr := &srs[i]
		for _, a := range st.Set {
			slot, found := ctx[a.Name]
			if !found {
				return allSlots(n)
			}
			rd := make([]bool, n)
			reads(a.Expr, rd)
			sr.sets = append(sr.sets, slot)
			sr.setRead = append(sr.setRead, rd)
		}
		sr.after = make([]bool, n)
		for _, a := range st.Remember {
			reads(a.Expr, sr.after)
		}
		for _, em := range st.Emits {
			reads(em.ForEach, sr.after)
			for _, a := range withCommon(em, f.Commons).Fields {
				reads(a.Expr, sr.after)
			}
		}
		reads(st.Next, sr.after)
		for _, t := range st.Transitions {
			reads(t.When, sr.after)
			reads(t.Probability, sr.after)
			reads(t.Weight, sr.after)
		}
		reads(st.Delay, sr.after)
		if st.Delay == nil {
			reads(f.Gap, sr.after)
		}
	}
	if all {
		return allSlots(n)
	}
	// in[i]: the slots set on every way into state i; nil: not reached.
	// The initial state is entered with nothing set (a session starts
	// there), whatever leads back to it.
	in := make([][]bool, len(fp.States))
	in[fp.Initial] = make([]bool, n)
	for changed := true; changed; {
		changed = false
		for i, sp := range fp.States {
			if in[i] == nil {
				continue
			}
			out := append([]bool(nil), in[i]...)
			for _, s := range srs[i].sets {
				out[s] = true
			}
			for _, j := range sp.successors() {
				if j < 0 || j >= len(in) {
					continue
				}
				if in[j] == nil {
					in[j] = append([]bool(nil), out...)
					changed = true
					continue
				}
				for k := range in[j] {
					if in[j][k] && !out[k] {
						in[j][k] = false
						changed = true
					}
				}
			}
		}
	}
	need := make([]bool, n)
	for i := range fp.States {
		if in[i] == nil {
			continue // never runs
		}
		set := append([]bool(nil), in[i]...)
		sr := &srs[i]
		for k, s := range sr.sets {
			for slot, r := range sr.setRead[k] {
				if r && !set[slot] {
					need[slot] = true
				}
			}
			set[s] = true
		}
		for slot, r := range sr.after {
			if r && !set[slot] {
				need[slot] = true
			}
		}
	}
	var out []int32
	for slot, c := range need {
		if c {
			out = append(out, int32(slot))
		}
	}
	return out
}

// clearEveryCtxSlot: every slot is cleared at every session, as before
// ctxClears (the tests compare the two).
var clearEveryCtxSlot = false

// allSlots is every slot of a context of n.
func allSlots(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// successors lists every state a state's step may go to next (-1: the
// session ends), whatever the weights and guards: a superset of edges'.
func (sp *StatePlan) successors() []int {
	out := append([]int(nil), sp.targets...)
	for _, t := range sp.seq {
		out = append(out, t.target)
	}
	for _, t := range sp.weighted {
		out = append(out, t.target)
	}
	if sp.hasTrans {
		out = append(out, sp.otherwise)
	}
	return out
}
