package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/stdlib"
)

// chain is what one stream's records show of a flow's state machine. A
// lifecycle flow (signup → active → dormant → churned, one session per
// actor) often has states that write no record to the stream (dormant
// only waits; a state may write to another stream only): the record
// after an active one is then the next state that does write, reached
// directly or through them. chain gives, for each declared successor
// distribution, the distribution of the next record's state (or end),
// summed over the paths through the states that write nothing here.
type chain struct {
	flow *engine.FlowSpec
	// emit is the stream's one emit of each state that writes exactly
	// one record here.
	emit map[string]int
	// silent are the states that write no record here, several those
	// that write more than one (their records' order within one event
	// cannot be told), in the flow's order.
	silent, several []string
	// forEach are the states with an emit that has for_each (among
	// several: each run writes one record per element of a list).
	forEach []string
	// through[u], for a silent state u whose successors are declared
	// with fixed probabilities (and so are those of every silent state
	// it leads to): the probability that the next record after u is each
	// emitting state's, or "end". A silent state absent here leads to
	// one whose successor depends on the record (why says which).
	through map[string]map[string]float64
	why     map[string]string
	// maxSilent is the most silent states a session can run in a row
	// (-1: unbounded, a loop through silent states).
	maxSilent int
	// maxRuns bounds a session's state runs by time (-1: no bound): they
	// lie in the scenario's [start, end) and are at least the flow's
	// MinStep apart.
	maxRuns int64
}

// chainOf describes flow f as the stream's records show it.
func (b *builder) chainOf(f *engine.FlowSpec) *chain {
	ch := &chain{flow: f, emit: map[string]int{}, through: map[string]map[string]float64{}, why: map[string]string{}}
	n := map[string]int{}
	for ei, e := range b.ss.Emits {
		if e.Flow == f.Name {
			n[e.State]++
			if e.ForEach {
				// One record per element of a list: several, or none.
				n[e.State]++
				ch.forEach = append(ch.forEach, e.State)
			}
			ch.emit[e.State] = ei
		}
	}
	state := map[string]*engine.StateSpec{}
	for i := range f.States {
		st := &f.States[i]
		state[st.Name] = st
		switch n[st.Name] {
		case 0:
			ch.silent = append(ch.silent, st.Name)
		case 1:
		default:
			ch.several = append(ch.several, st.Name)
			delete(ch.emit, st.Name)
		}
	}
	isSilent := func(s string) bool { return s != "end" && n[s] == 0 }
	// Silent states that lead, through silent states, to one whose
	// successor is not declared with fixed probabilities.
	for _, u := range ch.silent {
		seen := map[string]bool{u: true}
		todo := []string{u}
		for len(todo) > 0 && ch.why[u] == "" {
			v := todo[0]
			todo = todo[1:]
			if state[v].Next == nil {
				ch.why[u] = fmt.Sprintf("%s, which writes no record here, chooses its successor by the record (when, or weights that are not constants)", v)
				break
			}
			for _, t := range state[v].Next {
				if t.Prob > 0 && isSilent(t.To) && !seen[t.To] {
					seen[t.To] = true
					todo = append(todo, t.To)
				}
			}
		}
	}
	// The rest: solve h = r + Q h, with Q the probabilities between
	// silent states and r those from a silent state to an emitting one
	// (or end), by Gauss–Jordan elimination on (I − Q).
	var known []string
	for _, u := range ch.silent {
		if ch.why[u] == "" {
			known = append(known, u)
		}
	}
	idx := map[string]int{}
	for i, u := range known {
		idx[u] = i
	}
	var targets []string // emitting states and end, in the flow's order
	for _, st := range f.States {
		if _, ok := ch.emit[st.Name]; ok || n[st.Name] > 1 {
			targets = append(targets, st.Name)
		}
	}
	targets = append(targets, "end")
	tIdx := map[string]int{}
	for i, t := range targets {
		tIdx[t] = i
	}
	m := len(known)
	a := make([][]float64, m)
	r := make([][]float64, m)
	for i, u := range known {
		a[i] = make([]float64, m)
		a[i][i] = 1
		r[i] = make([]float64, len(targets))
		for _, t := range state[u].Next {
			if j, ok := idx[t.To]; ok {
				a[i][j] -= t.Prob
			} else {
				r[i][tIdx[t.To]] += t.Prob
			}
		}
	}
	solved := true
	for c := 0; c < m && solved; c++ {
		p := c
		for i := c + 1; i < m; i++ {
			if math.Abs(a[i][c]) > math.Abs(a[p][c]) {
				p = i
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			solved = false // silent states that never lead out (max_events ends them)
			break
		}
		a[c], a[p] = a[p], a[c]
		r[c], r[p] = r[p], r[c]
		for i := 0; i < m; i++ {
			if i == c || a[i][c] == 0 {
				continue
			}
			k := a[i][c] / a[c][c]
			for j := c; j < m; j++ {
				a[i][j] -= k * a[c][j]
			}
			for j := range r[i] {
				r[i][j] -= k * r[c][j]
			}
		}
	}
	for i, u := range known {
		if !solved {
			ch.why[u] = fmt.Sprintf("%s writes no record here and may loop among states that write none until the cap (max_events, or the safety cap) ends the session", u)
			continue
		}
		h := map[string]float64{}
		sum := 0.0
		for j, t := range targets {
			if v := r[i][j] / a[i][i]; v > 1e-15 {
				h[t] = v
				sum += v
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			ch.why[u] = fmt.Sprintf("%s writes no record here and may loop among states that write none until the cap (max_events, or the safety cap) ends the session", u)
			continue
		}
		ch.through[u] = h
	}
	ch.maxSilent = longestSilentRun(f, isSilent)
	ch.maxRuns = -1
	if f.MinStep > 0 && b.spec != nil && b.spec.End > b.spec.Start {
		ch.maxRuns = (b.spec.End-b.spec.Start-1)/f.MinStep + 1
	}
	return ch
}

// longestSilentRun is the most silent states a session can run in a
// row, or -1 when a loop through silent states makes it unbounded.
func longestSilentRun(f *engine.FlowSpec, isSilent func(string) bool) int {
	succ := map[string][]string{}
	for _, st := range f.States {
		if !isSilent(st.Name) {
			continue
		}
		next := st.Next
		if next == nil {
			next = st.AfterEdges
		}
		if next == nil {
			// Successors not known: any silent state may follow.
			for _, o := range f.States {
				if isSilent(o.Name) {
					succ[st.Name] = append(succ[st.Name], o.Name)
				}
			}
		}
		for _, t := range next {
			if t.Prob > 0 && isSilent(t.To) {
				succ[st.Name] = append(succ[st.Name], t.To)
			}
		}
		for _, e := range st.ExperimentEdges {
			if isSilent(e.To) {
				succ[st.Name] = append(succ[st.Name], e.To)
			}
		}
	}
	const (
		unseen = iota
		open
		done
	)
	mark := map[string]int{}
	depth := map[string]int{}
	var visit func(u string) bool
	visit = func(u string) bool {
		switch mark[u] {
		case open:
			return false // a loop
		case done:
			return true
		}
		mark[u] = open
		d := 1
		for _, v := range succ[u] {
			if !visit(v) {
				return false
			}
			d = max(d, 1+depth[v])
		}
		mark[u], depth[u] = done, d
		return true
	}
	most := 0
	for _, st := range f.States {
		if isSilent(st.Name) {
			if !visit(st.Name) {
				return -1
			}
			most = max(most, depth[st.Name])
		}
	}
	return most
}

// observed is the distribution of the next record's state (or end) for
// a declared successor distribution: a silent successor's share goes to
// what follows it. via lists the silent states it passes; why says, when
// not known, why.
func (ch *chain) observed(next []engine.NextProb) (labels []string, probs []float64, via []string, why string) {
	// Labels in the declared order, those reached through silent states
	// in the flow's order (end last) after the state that leads there.
	at := map[string]int{}
	add := func(to string, q float64) {
		i, ok := at[to]
		if !ok {
			i = len(labels)
			at[to] = i
			labels, probs = append(labels, to), append(probs, 0)
		}
		probs[i] += q
	}
	for _, t := range next {
		if t.To == "end" || !slices.Contains(ch.silent, t.To) {
			add(t.To, t.Prob)
			continue
		}
		if t.Prob <= 0 {
			continue
		}
		via = append(via, t.To)
		h, ok := ch.through[t.To]
		if !ok {
			return nil, nil, via, "the next record may come through " + ch.why[t.To]
		}
		for _, st := range ch.flow.States {
			if q, ok := h[st.Name]; ok {
				add(st.Name, t.Prob*q)
			}
		}
		if q, ok := h["end"]; ok {
			add("end", t.Prob*q)
		}
	}
	return labels, probs, via, ""
}

// limit is the most state runs a session of the flow may have, and the
// cap's name for notes: the constant max_events or, when the flow sets
// none, the engine's safety cap (engine.SafetyMaxEvents), which ends a
// session as max_events does. 0 when max_events is drawn per session,
// or when no session can reach the cap before the scenario's end (its
// runs are at least MinStep apart).
func (ch *chain) limit() (n int64, name string) {
	f := ch.flow
	switch {
	case f.MaxEventsVaries:
		return 0, "max_events"
	case f.MaxEvents > 0:
		n, name = f.MaxEvents, fmt.Sprintf("max_events = %d", f.MaxEvents)
	default:
		n, name = engine.SafetyMaxEvents, ch.capName()
	}
	if ch.maxRuns >= 0 && ch.maxRuns < n {
		return 0, ""
	}
	return n, name
}

// capName names the cap in a note: max_events, or the safety cap when
// the flow sets none.
func (ch *chain) capName() string {
	if ch.flow.MaxEvents > 0 || ch.flow.MaxEventsVaries {
		return "max_events"
	}
	return fmt.Sprintf("the %d-event safety cap (no max_events)", engine.SafetyMaxEvents)
}

// capMayCut says whether the cap (max_events, or the safety cap without
// it) may have ended a session whose records number n (its last record
// then looks like a session that chose to end): the cap counts state
// runs, silent ones too, and at most maxSilent of them come before,
// between and after the records.
func (ch *chain) capMayCut(n int) bool {
	limit, _ := ch.limit()
	switch {
	case ch.flow.MaxEventsVaries:
		return true
	case limit == 0:
		return false
	case ch.maxSilent < 0:
		return true
	}
	return int64(n)+int64(n+1)*int64(ch.maxSilent) >= limit
}

// capReachable says whether the cap may have ended a session, of
// which only the records from some time on are known, after its record
// at time t: the session began at start or later, and its state runs
// are at least the flow's MinStep apart, so at most (t − start)/MinStep
// + 1 of them ran up to that record, and at most maxSilent more before
// the next record. why says, when it may, which cap and which bound
// was missing, or that the bound reaches the cap.
func (ch *chain) capReachable(t, start int64) (may bool, why string) {
	f := ch.flow
	limit, name := ch.limit()
	switch {
	case f.MaxEventsVaries:
		return true, "max_events is drawn per session, so no session's length is bounded"
	case limit == 0:
		return false, ""
	case ch.maxSilent < 0:
		return true, fmt.Sprintf("states that write no record may run in a loop, and %s counts them", name)
	case f.MinStep <= 0:
		return true, fmt.Sprintf("%s may have been reached before the first record here, as the time between a session's events has no known lower bound (%s)", name, f.MinStepWhy)
	}
	// One more: a time written to the second only may read up to a
	// second early.
	runs := (t-start+1000)/f.MinStep + 1
	if runs+int64(ch.maxSilent) >= limit {
		return true, fmt.Sprintf("%s may have been reached by then (a session began at the scenario start at the earliest, and its events are at least %s apart)", name, stdlib.DurV(f.MinStep).String())
	}
	return false, ""
}

// capUnknown says whether any session's end may be the cap's, whatever
// its length: then the states that may go to end are not checked.
func (ch *chain) capUnknown() bool {
	if ch.flow.MaxEventsVaries {
		return true
	}
	limit, _ := ch.limit()
	return limit > 0 && ch.maxSilent < 0
}

// severalText says which states write several records per run to the
// stream, and why their order cannot be told: several emits write at one
// event time; a for_each emit one record per element of a list, which
// may also be none (the state then leaves no record).
func (ch *chain) severalText(stream string) string {
	var multi, each []string
	for _, st := range ch.several {
		if slices.Contains(ch.forEach, st) {
			each = append(each, st)
		} else {
			multi = append(multi, st)
		}
	}
	var parts []string
	if n := len(multi); n > 0 {
		parts = append(parts, fmt.Sprintf("%s %s %s several records each to %q, whose order within one event cannot be told",
			pick(n, "state", "states"), quoteList(multi), pick(n, "writes", "write"), stream))
	}
	if n := len(each); n > 0 {
		parts = append(parts, fmt.Sprintf("%s %s %s one record to %q per element of a for_each list (several at one time, or none), so a run of %s is not one record",
			pick(n, "state", "states"), quoteList(each), pick(n, "writes", "write"), stream, pick(n, "it", "them")))
	}
	return strings.Join(parts, "; ")
}

// pick is one or many, by n.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
