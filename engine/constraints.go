package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// ConstraintPlan is a per-actor timing rule over the events (state
// executions) of some flows of one entity. Events are checked when they
// come due, in time order, so "the previous event" is always the actor's
// latest admitted one.
type ConstraintPlan struct {
	Name      string
	Entity    *EntityPlan
	Flows     []*FlowPlan
	MinGap    int64 // ms; 0 = none
	MaxPerDay int64 // 0 = none
	// QuietFrom and QuietTo are minutes of the local day; events in
	// [QuietFrom, QuietTo) (wrapping past midnight) are dropped.
	QuietFrom, QuietTo int
	Quiet              bool
	rebuild            *cexpr // nil: the flow's arrival process after last + min_gap
	slot               int    // index into the actor's constraint states
	Range              hcl.Range
	// States, when set, names the states whose events the constraint
	// checks and counts; inState says it per flow (by the flow's Index,
	// then by state index). Other events are neither checked nor previous.
	States  []string
	inState map[int][]bool
}

// applies tells whether k checks and counts the runner's current event.
func (k *ConstraintPlan) applies(r *runner) bool {
	return k.inState == nil || k.inState[r.flow.Index][r.sess.state]
}

// consState is one actor's bookkeeping for one constraint.
type consState struct {
	last int64 // time of the latest admitted event
	n    int64 // events admitted
	day  int64 // local day of dayN
	dayN int64 // events admitted that day
}

const dayMs = 86400000

func (c *compiler) constraints() {
	byName := map[string]*FlowPlan{}
	for _, f := range c.plan.Flows {
		byName[f.Name] = f
	}
	for _, k := range c.sc.Constraints {
		c.enter(moduleOf(k.Name))
		c.constraint(k, byName)
	}
}

func (c *compiler) constraint(k *dsl.Constraint, flows map[string]*FlowPlan) {
	cp := &ConstraintPlan{Name: k.Name, Range: k.DeclRange}
	items, diags := hcl.ExprList(k.Flows)
	if diags.HasErrors() {
		items = nil
	}
	if len(items) == 0 {
		c.err(k.Flows.Range().Ptr(), "Invalid flows", "flows lists the flows the constraint applies to: flows = [flow.a, flow.b].")
		return
	}
	for _, it := range items {
		t, diags := hcl.AbsTraversalForExpr(it)
		name, named := secondName(t)
		if diags.HasErrors() || !named || t.RootName() != "flow" {
			c.err(it.Range().Ptr(), "Invalid flow reference", "Refer to a flow as flow.NAME.")
			return
		}
		fp, found := flows[name]
		if !found {
			c.err(t[1].SourceRange().Ptr(), "Unknown flow", "There is no flow %q.%s", name, suggest(name, keys(flows)))
			return
		}
		for _, f := range cp.Flows {
			if f == fp {
				c.err(it.Range().Ptr(), "Duplicate flow", "flow.%s is listed twice.", name)
				return
			}
		}
		if cp.Entity != nil && fp.Entity != cp.Entity {
			c.err(it.Range().Ptr(), "Flows of different actors", "A constraint applies to the events of one actor: flow.%s is run by %s, flow.%s by %s.",
				name, fp.Entity.Name, cp.Flows[0].Name, cp.Entity.Name)
			return
		}
		cp.Entity = fp.Entity
		cp.Flows = append(cp.Flows, fp)
	}
	if k.MaxPerDay != nil || k.QuietHours != nil {
		c.sameZones(cp, k)
	}
	n := len(c.diags)
	if k.States != nil {
		c.constraintStates(cp, k.States)
	}
	if k.MinGap != nil {
		if v, ok := c.constDuration(k.MinGap, "min_gap"); ok {
			if v <= 0 {
				c.err(k.MinGap.Range().Ptr(), "Invalid min_gap", "min_gap must be positive, got %s.", stdlib.DurV(v))
			} else if w := c.plan.End - c.plan.Start; c.windowOK && v >= w {
				c.err(k.MinGap.Range().Ptr(), "Impossible constraint", "min_gap %s is not shorter than the scenario window (%s): no actor could have two events.",
					stdlib.DurV(v), stdlib.DurV(w))
			}
			cp.MinGap = v
		}
	}
	if k.Rebuild != nil {
		s := &scope{c: c, where: "a constraint's rebuild gap", entity: cp.Entity, hasIndex: true}
		cp.rebuild = c.typed(s, k.Rebuild, "rebuild", stdlib.Duration)
	}
	if k.MaxPerDay != nil {
		if v, ok := c.constExpr(k.MaxPerDay, "max_per_day", stdlib.Int); ok {
			if v.I < 1 {
				c.err(k.MaxPerDay.Range().Ptr(), "Invalid max_per_day", "max_per_day must be at least 1, got %d.", v.I)
			}
			cp.MaxPerDay = v.I
		}
	}
	if k.QuietHours != nil {
		c.quietHours(cp, k.QuietHours)
	}
	if c.errorsSince(n) {
		return
	}
	if cp.Quiet {
		c.quietCoversProfile(cp, k.QuietHours)
	}
	avail := int64(dayMs)
	if cp.Quiet {
		q := cp.QuietTo - cp.QuietFrom
		if q <= 0 {
			q += 24 * 60
		}
		avail -= int64(q) * 60000
	}
	// perDay is the most events a day can hold under min_gap and quiet hours.
	perDay := int64(-1)
	if cp.MinGap > 0 {
		perDay = (avail-1)/cp.MinGap + 1
	}
	if cp.MaxPerDay > 0 && perDay > 0 && cp.MaxPerDay > perDay {
		c.err(k.MaxPerDay.Range().Ptr(), "Impossible constraint", "max_per_day = %d cannot be reached: with min_gap %s%s at most %d events fit in a day.",
			cp.MaxPerDay, stdlib.DurV(cp.MinGap), quietNote(cp), perDay)
		return
	}
	if cp.MinGap > 0 {
		c.checkRequested(cp, k, perDay)
	}
	c.checkRequested(cp, k, -1)
	if c.errorsSince(n) {
		return
	}
	if cp.MinGap > 0 && cp.inState == nil {
		c.warnSessionEvents(cp, k)
	}
	if cp.Quiet || cp.MaxPerDay > 0 {
		c.warnCountedDrops(cp, k)
	}
	cp.slot = len(cp.Entity.cons)
	cp.Entity.cons = append(cp.Entity.cons, cp)
	for _, f := range cp.Flows {
		f.cons = append(f.cons, cp)
	}
	c.plan.Constraints = append(c.plan.Constraints, cp)
}

// constraintStates reads states = ["a", "b"]: state names, each of at
// least one of the constraint's flows.
func (c *compiler) constraintStates(cp *ConstraintPlan, e hcl.Expression) {
	v, ok := c.constExpr(e, "states", stdlib.List)
	if !ok {
		return
	}
	if len(v.List()) == 0 {
		c.err(e.Range().Ptr(), "Invalid states", `states lists the states whose events the constraint checks, e.g. states = ["request"]; an empty list would check none.`)
		return
	}
	var all []string
	for _, f := range cp.Flows {
		for _, st := range f.States {
			all = append(all, st.Name)
		}
	}
	cp.inState = map[int][]bool{}
	for _, f := range cp.Flows {
		cp.inState[f.Index] = make([]bool, len(f.States))
	}
	for j, x := range v.List() {
		if x.K != stdlib.String {
			c.err(listItemRange(e, j).Ptr(), "Invalid states", `states lists state names as strings, e.g. states = ["request"]; got %s.`, x.K)
			cp.inState = nil
			return
		}
		if slices.Contains(cp.States, x.S) {
			c.err(listItemRange(e, j).Ptr(), "Invalid states", "State %q is listed twice.", x.S)
			cp.inState = nil
			return
		}
		found := false
		for _, f := range cp.Flows {
			for i, st := range f.States {
				if st.Name == x.S {
					cp.inState[f.Index][i], found = true, true
				}
			}
		}
		if !found {
			c.err(listItemRange(e, j).Ptr(), "Unknown state", "No flow of the constraint (%s) has a state %q.%s", flowNames(cp.Flows), x.S, suggest(x.S, all))
			cp.inState = nil
			return
		}
		cp.States = append(cp.States, x.S)
	}
}

// warnSessionEvents warns when min_gap applies to flows whose sessions
// can hold more than one event: it then spaces a session's own events
// too, and moves a session's second event (and the rest of its session)
// to min_gap and more after the first when the flow's gap is shorter
// than min_gap, which is seldom what "no two requests closer than 2m"
// means.
func (c *compiler) warnSessionEvents(cp *ConstraintPlan, k *dsl.Constraint) {
	// A constant time to the next event of min_gap or more moves nothing.
	spaced := func(x *cexpr) bool {
		return x != nil && x.isC && x.val.K == stdlib.Duration && x.val.I >= cp.MinGap
	}
	for _, f := range cp.Flows {
		if f.maxEvents != nil && f.maxEvents.isC && f.maxEvents.val.Num() <= 1 {
			continue
		}
		for _, st := range f.States {
			if spaced(st.delay) || st.delay == nil && spaced(f.gap) {
				continue
			}
			for _, t := range st.Next {
				if t.To == "end" {
					continue
				}
				c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "min_gap spaces the events within a session",
					Detail: fmt.Sprintf("flow.%s's sessions can hold more than one event (state %q goes on to %q), and min_gap %s applies to every event of the listed flows: "+
						"an event of a session closer than that to the previous one is moved later, with the rest of its session. "+
						"To space only some events (a session's first, say), list their states: states = [%q].",
						f.Name, st.Name, t.To, stdlib.DurV(cp.MinGap), f.States[f.Initial].Name),
					Subject: k.MinGap.Range().Ptr()})
				return
			}
		}
	}
}

// multiEvent tells whether a session of f can hold more than one event:
// its max_events is not a constant 1 and some state goes on to another.
func multiEvent(f *FlowPlan) bool {
	if f.maxEvents != nil && f.maxEvents.isC && f.maxEvents.val.Num() <= 1 {
		return false
	}
	for _, st := range f.States {
		for _, t := range st.Next {
			if t.To != "end" {
				return true
			}
		}
	}
	return false
}

// warnCountedDrops warns when quiet_hours or max_per_day apply to a flow
// whose sessions are counted and can be long: a drop ends the session and
// a counted session is not replaced, so the sensor pattern (count = 1,
// max_events = 1000000) falls silent at its first drop for the rest of
// the window.
func (c *compiler) warnCountedDrops(cp *ConstraintPlan, k *dsl.Constraint) {
	var rules []string
	subj := k.DeclRange.Ptr()
	if cp.Quiet {
		rules = append(rules, fmt.Sprintf("in quiet_hours %s-%s", hhmm(cp.QuietFrom), hhmm(cp.QuietTo)))
		subj = k.QuietHours.Range().Ptr()
	}
	if cp.MaxPerDay > 0 {
		rules = append(rules, fmt.Sprintf("beyond max_per_day %d", cp.MaxPerDay))
		if !cp.Quiet {
			subj = k.MaxPerDay.Range().Ptr()
		}
	}
	for _, f := range cp.Flows {
		n := f.sessCount
		if n == nil || n.isC && n.val.K == stdlib.Int && n.val.I == 0 || !multiEvent(f) {
			continue
		}
		count := "a session count"
		if n.isC && n.val.K == stdlib.Int {
			count = fmt.Sprintf("count = %d", n.val.I)
		}
		hourly := `session { every = "1h", max_events = N } without count, N the events of an hour`
		if g := f.gap; g != nil && g.isC && g.val.K == stdlib.Duration && g.val.I > 0 && g.val.I <= 3600000 {
			hourly = fmt.Sprintf(`session { every = "1h", max_events = %d } without count (an hour of events at gap %s)`, 3600000/g.val.I, durationText(g.val.I))
		}
		c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "A drop ends a counted session for good",
			Detail: fmt.Sprintf("flow.%s runs a fixed number of sessions (%s) that can hold many events. An event %s is dropped and ends its session, "+
				"which still counts as one of the flow's sessions: no new session replaces it, so with count = 1 (one session for the whole window) the actor writes nothing after its first drop. "+
				"To keep it going, start sessions on a schedule instead, e.g. %s, "+
				"or leave the constraint out and wait the quiet time out in a state (one reached when the hour is quiet, whose delay lasts to its end).",
				f.Name, count, strings.Join(rules, " or "), hourly),
			Subject: subj})
	}
}

// sure is how many events the constraint checks that every session of f
// is sure to have: with states = [...], 0 when the initial state is not
// listed (a session may never reach a listed one). It follows the
// session's first state and the states it must go on to (a next whose
// only possible outcome is one state), within a constant max_events.
func (k *ConstraintPlan) sure(f *FlowPlan) int64 {
	limit := int64(len(f.States)) // a forced cycle counts once round
	if m := f.maxEvents; m != nil {
		if !m.isC || m.val.K != stdlib.Int {
			limit = 1 // max_events may be 1 for some actor
		} else {
			limit = min(limit, max(m.val.I, 1))
		}
	}
	n := int64(0)
	s := f.Initial
	for i := int64(0); i < limit && s >= 0; i++ {
		if k.inState == nil || k.inState[f.Index][s] {
			n++
		}
		s = forcedNext(f.States[s])
	}
	return n
}

// forcedNext is the state a session must go on to after st, or -1 when
// it may end there or go on to one of several.
func forcedNext(st *StatePlan) int {
	if st.next == nil || st.hasTrans {
		return -1
	}
	to := -1
	for i, t := range st.targets {
		if st.Next[i].Weight <= 0 {
			continue
		}
		if t < 0 || to >= 0 && t != to {
			return -1
		}
		to = t
	}
	return to
}

// eachNote is ", each with an event in states a, b" for a constraint
// with states = [...].
func eachNote(cp *ConstraintPlan) string {
	if cp.States == nil {
		return ""
	}
	return ", each with an event" + statesNote(cp)
}

// statesNote is " in states a, b" for a constraint with states = [...].
func statesNote(cp *ConstraintPlan) string {
	if cp.States == nil {
		return ""
	}
	return " in states " + strings.Join(cp.States, ", ")
}

func quietNote(cp *ConstraintPlan) string {
	if !cp.Quiet {
		return ""
	}
	return fmt.Sprintf(" and quiet hours %s-%s", hhmm(cp.QuietFrom), hhmm(cp.QuietTo))
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// checkRequested rejects flows that ask for more events than the
// constraint can ever admit: a fixed session count whose minimum spacing
// exceeds the window, or arrival rates (summed over the constrained flows,
// for the first actors of the entity) above what min_gap lets into a day.
// perDay < 0 checks only fixed counts.
func (c *compiler) checkRequested(cp *ConstraintPlan, k *dsl.Constraint, perDay int64) {
	if perDay < 0 {
		if cp.MinGap == 0 {
			return
		}
		for i, f := range cp.Flows {
			if f.arrivals != nil || f.sessCount == nil || !f.sessCount.isC || cp.sure(f) == 0 {
				continue
			}
			n := f.sessCount.val.I
			if w := c.plan.End - c.plan.Start; c.windowOK && n > 1 && (n-1)*cp.MinGap >= w {
				c.err(k.MinGap.Range().Ptr(), "Impossible constraint",
					"flow.%s asks for %d sessions per actor%s, but with min_gap %s they need %s and the scenario window is %s.",
					cp.Flows[i].Name, n, eachNote(cp), stdlib.DurV(cp.MinGap), stdlib.DurV((n-1)*cp.MinGap), stdlib.DurV(w))
				return
			}
		}
		return
	}
	// A flow with active days asks for rate / share on an active day; the
	// days active at the smallest share are active at every larger one,
	// so the busiest day asks for the sum of rate / share over the flows.
	var rates, shares []*cexpr
	activeDays := ""
	var per []float64 // the checked events each session of the flow is sure to have
	for _, f := range cp.Flows {
		if f.arrivals != nil && f.arrivals.rate != nil && cp.sure(f) > 0 {
			per = append(per, float64(cp.sure(f)))
			rates = append(rates, f.arrivals.rate)
			shares = append(shares, f.arrivals.active)
			if f.arrivals.active != nil {
				activeDays = " on an active day"
			}
		}
	}
	if len(rates) == 0 {
		return
	}
	ep := cp.Entity
	// The entity's first actors, built as the run builds them: a child
	// entity's within its root actors' trees (counts drawn per parent,
	// streams keyed below the root, its ancestors' attributes bound).
	const checked = 1000
	env := &Env{tf: c.tf}
	worst := 0.0
	n := 0
	c.plan.eachActorOf(env, ep, checked, false, func(a *actor) bool {
		env.bindBuilt(ep, a, env.R)
		sum := 0.0
		for i, r := range rates {
			v := r.eval(env).Num()
			if sh := shares[i]; sh != nil {
				// An invalid share fails the run when it is read.
				if p := sh.eval(env).Num(); p > 0 && p <= 1 {
					v /= p
				}
			}
			sum += v * per[i]
		}
		env.ResetArena()
		if env.fault != nil {
			if env.fault.Where == "" {
				env.fault.Where = "actor " + actorName(ep, a) + "'s arrival rate"
			}
			return false
		}
		worst = max(worst, sum)
		n++
		return n < checked
	})
	if env.fault != nil {
		c.diags = append(c.diags, env.fault.Diagnostic())
		return
	}
	if worst > float64(perDay) {
		c.err(k.MinGap.Range().Ptr(), "Impossible constraint",
			"The flows %s ask for up to %s events%s a day per %s%s, but min_gap %s%s lets at most %d into a day.",
			flowNames(cp.Flows), strconv.FormatFloat(worst, 'g', 4, 64), statesNote(cp), ep.Name, activeDays, stdlib.DurV(cp.MinGap), quietNote(cp), perDay)
	}
}

// sameZones rejects a constraint with local-day rules (quiet_hours,
// max_per_day) over flows whose session zones differ: one actor's day
// would then start at two times.
func (c *compiler) sameZones(cp *ConstraintPlan, k *dsl.Constraint) {
	zone := func(f *FlowPlan) string {
		if f.zone == nil {
			return ""
		}
		return strings.TrimPrefix(strings.TrimPrefix(f.zoneText, "actor."), f.Entity.Name+".")
	}
	first := cp.Flows[0]
	for _, f := range cp.Flows[1:] {
		if zone(f) == zone(first) && (f.zoneLoc == nil) == (first.zoneLoc == nil) {
			continue
		}
		say := func(f *FlowPlan) string {
			if f.zone == nil {
				return fmt.Sprintf("flow.%s is in the scenario's zone", f.Name)
			}
			return fmt.Sprintf("flow.%s in zone = %s", f.Name, f.zoneText)
		}
		c.err(k.DeclRange.Ptr(), "Flows in different zones", "quiet_hours and max_per_day are read on one local clock, but %s and %s. "+
			"Give the flows the same session zone, or split the constraint.", say(first), say(f))
		return
	}
}

func flowNames(fs []*FlowPlan) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func (c *compiler) constDuration(e hcl.Expression, what string) (int64, bool) {
	x := c.typed(c.constScope(what), e, what, stdlib.Duration)
	if x == nil || !x.isC || x.val.K != stdlib.Duration {
		if x != nil && x.typ != stdlib.Duration {
			return 0, false
		}
		c.err(e.Range().Ptr(), "Value not known in advance", "%s must be a constant duration such as \"30m\".", what)
		return 0, false
	}
	return x.val.I, true
}

// quietHours reads ["22:00", "07:00"] (or [22, 7]) as local minutes of day.
func (c *compiler) quietHours(cp *ConstraintPlan, e hcl.Expression) {
	v, ok := c.constExpr(e, "quiet_hours", stdlib.List)
	if !ok {
		return
	}
	at := e.Range() // the element in error, once known
	bad := func(got string) {
		c.err(at.Ptr(), "Invalid quiet_hours", `quiet_hours is [from, to] in local time, e.g. ["22:00", "07:00"] or [22, 7]; it may wrap past midnight. Got %s.`, got)
	}
	if len(v.List()) != 2 {
		n := len(v.List())
		bad(fmt.Sprintf("%d value%s", n, map[bool]string{true: "s"}[n != 1]))
		return
	}
	var m [2]int
	for i, x := range v.List() {
		at = listItemRange(e, i)
		switch x.K {
		case stdlib.Int:
			if x.I < 0 || x.I > 24 {
				bad(fmt.Sprintf("%d: an hour is 0 to 24", x.I))
				return
			}
			m[i] = int(x.I) * 60
		case stdlib.String:
			h, mi, ok := strings.Cut(x.S, ":")
			hv, err1 := strconv.Atoi(h)
			mv, err2 := strconv.Atoi(mi)
			if !ok || err1 != nil || err2 != nil || hv < 0 || hv > 24 || mv < 0 || mv > 59 || (hv == 24 && mv != 0) {
				bad(fmt.Sprintf("%q: a time of day is \"HH:MM\", 24-hour, from \"00:00\" to \"24:00\"", x.S))
				return
			}
			m[i] = hv*60 + mv
		default:
			bad("a " + x.K.String())
			return
		}
	}
	m[0] %= 24 * 60
	m[1] %= 24 * 60
	if m[0] == m[1] {
		c.err(e.Range().Ptr(), "Impossible constraint", "quiet_hours %s-%s cover the whole day: no event could ever happen.", hhmm(m[0]), hhmm(m[1]))
		return
	}
	cp.QuietFrom, cp.QuietTo, cp.Quiet = m[0], m[1], true
}

// quietCoversProfile warns when the quiet hours cover every hour of the
// window in which a listed flow's arrival profile lets a session start:
// the flow would write nothing, and the scenario would still validate.
func (c *compiler) quietCoversProfile(cp *ConstraintPlan, e hcl.Expression) {
	for _, f := range cp.Flows {
		if f.arrivals == nil || f.arrivals.prof == nil {
			continue
		}
		some := func(as *ArrivalSpec) bool {
			for _, w := range as.Hour {
				if w > 0 {
					return true
				}
			}
			return false
		}
		if some(c.plan.arrivalShares(c.plan.Loc, f.arrivals.prof, nil, c.plan.Start, c.plan.End)) && !some(c.plan.arrivalShares(c.plan.Loc, f.arrivals.prof, [][2]int{{cp.QuietFrom, cp.QuietTo}}, c.plan.Start, c.plan.End)) {
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "No session can start",
				Detail: fmt.Sprintf("quiet_hours %s-%s cover every hour in which the arrival profile of flow %s lets a session start: the flow writes nothing.",
					hhmm(cp.QuietFrom), hhmm(cp.QuietTo), f.Name),
				Subject: e.Range().Ptr()})
		}
	}
}

// admission is what a constraint check decided about an event.
type admission int

const (
	admitted admission = iota
	moved              // the event moves to a later time (min_gap)
	dropped            // the event does not happen (quiet hours, max_per_day)
	// droppedState: a constraint over listed states dropped their event;
	// the flow's other states are not limited, so nothing waits.
	droppedState
)

// admit applies the flow's constraints to the runner's event due at now.
// The environment is bound to the runner. A moved event comes with its new
// time; a dropped one with the time its rule stops applying (the end of
// the quiet hours, the next local midnight), before which a new session
// would be dropped again.
func (w *worker) admit(r *runner, now int64) (admission, int64) {
	e := &w.env
	tf := w.zoneOf(r)
	off := tf.Offset(now) * 1000
	local := now + off
	day := floorDiv(local, dayMs)
	for _, k := range r.flow.cons {
		if !k.applies(r) {
			continue
		}
		st := &r.act.x.cons[k.slot]
		if k.Quiet {
			m := int((local - day*dayMs) / 60000)
			in := m >= k.QuietFrom && m < k.QuietTo
			if k.QuietFrom > k.QuietTo {
				in = m >= k.QuietFrom || m < k.QuietTo
			}
			if in {
				if k.inState != nil {
					return droppedState, 0
				}
				end := day*dayMs + int64(k.QuietTo)*60000
				if end <= local {
					end += dayMs
				}
				return dropped, nextLocal(tf, now, end)
			}
		}
		if k.MinGap > 0 && st.n > 0 && now < st.last+k.MinGap {
			// Seed 001's rule: rebuild the time from the actor's latest
			// event plus a random allowed gap.
			from := st.last + k.MinGap
			switch {
			case k.rebuild != nil:
				from = st.last + max(k.rebuild.eval(e).I, k.MinGap)
				e.ResetArena()
			case r.flow.arrivals != nil && r.sess.seq == 0:
				// The random allowed gap comes from the flow's own arrival
				// process restarted at the earliest allowed time, so
				// rebuilt times follow the flow's daily profile. Only a
				// session's first event is an arrival: a later one (a
				// transfer after its login) waits min_gap and a fraction
				// of it, as in a flow without arrivals, rather than the
				// flow's next arrival, which may be weeks away.
				from = r.flow.arrivals.nextAt(e, tf, w.arrivalRate(r), from, w.end)
			default:
				from += int64(r.rng.Float64() * float64(k.MinGap))
			}
			return moved, from
		}
		if k.MaxPerDay > 0 && st.n > 0 && st.day == day && st.dayN >= k.MaxPerDay {
			if k.inState != nil {
				return droppedState, 0
			}
			return dropped, nextLocal(tf, now, (day+1)*dayMs)
		}
	}
	for _, k := range r.flow.cons {
		if !k.applies(r) {
			continue
		}
		st := &r.act.x.cons[k.slot]
		st.last = now
		st.n++
		if st.day != day || st.n == 1 {
			st.day, st.dayN = day, 0
		}
		st.dayN++
	}
	return admitted, 0
}

// nextLocal returns the first instant after now at which the local wall
// clock (tf's zone) reads local, a local time (ms since the epoch, shifted
// by the zone offset) later than now's. Where the clocks skip that time
// (spring forward) it is the first instant after the gap; where they
// repeat it (fall back) its first occurrence after now. The wait is not a
// fixed duration: a day with an offset change is 23 or 25 hours long.
func nextLocal(tf *stdlib.TimeFormatter, now, local int64) int64 {
	t := now
	for {
		u := t + local - (t + tf.Offset(t)*1000)
		z := tf.ZoneEnd(t)
		if u < z {
			return u
		}
		// The offset changes before local is reached: go on from the
		// change, unless the clocks jump past local there.
		if z+tf.Offset(z)*1000 >= local {
			return z
		}
		t = z
	}
}
