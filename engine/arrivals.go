package engine

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// dateFactor multiplies the arrival rate on local dates [from, to].
type dateFactor struct {
	from, to int64 // local days since 1970-01-01, inclusive
	factor   float64
}

// profileSet is the product of the time profiles of one arrival process.
// Each profile is scaled to mean 1, so the base rate stays the average
// daily count over a uniform week.
type profileSet struct {
	hourly, weekly, monthly []float64
	dates                   []dateFactor
	week                    [7 * 24]float64 // hourly × weekly by hour of week
	max                     float64         // an upper bound of factor()
	// weekOnly: no monthly or date factors (set by build), so that
	// factor is the week table's entry for the hour.
	weekOnly bool
}

func normalized(ws []float64) []float64 {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	out := make([]float64, len(ws))
	for i, w := range ws {
		out[i] = w * float64(len(ws)) / sum
	}
	return out
}

func maxOf(ws []float64) float64 {
	m := 0.0
	for _, w := range ws {
		m = math.Max(m, w)
	}
	return m
}

// factor is the rate multiplier at instant t (local time in tf's zone).
func (p *profileSet) factor(tf *stdlib.TimeFormatter, t int64) float64 {
	return p.factorLocal(t + tf.Offset(t)*1000)
}

// factorLocal is factor at a local time (ms since the epoch, shifted by
// the zone offset).
func (p *profileSet) factorLocal(local int64) float64 {
	if p.weekOnly && local >= 0 {
		// Only the hour of the week: the hours since the epoch, a
		// Thursday (Monday's hour 72), by unsigned divisions, which
		// are a multiplication each (thinning asks three times per
		// arrival). Small enough to be inlined where it is asked.
		return p.week[(uint64(local)/3600000+72)%(7*24)]
	}
	return p.factorDated(local)
}

// factorDated is factorLocal with monthly or date factors, or before 1970.
func (p *profileSet) factorDated(local int64) float64 {
	days := local / 86400000
	if local < 0 && local%86400000 != 0 {
		days--
	}
	// 1970-01-01 was a Thursday; Monday = 0.
	f := p.week[((days%7+10)%7)*24+(local-days*86400000)/3600000]
	if p.monthly != nil {
		_, mo, _ := civil(days)
		f *= p.monthly[mo-1]
	}
	for _, d := range p.dates {
		if days >= d.from && days <= d.to {
			f *= d.factor
		}
	}
	return f
}

// flat: no profile, so the arrivals' rate is the same on every clock.
func (p *profileSet) flat() bool {
	return p.hourly == nil && p.weekly == nil && p.monthly == nil && len(p.dates) == 0
}

// build precomputes the hour-of-week table and the bound of factor().
func (p *profileSet) build() {
	p.weekOnly = p.monthly == nil && len(p.dates) == 0
	p.max = 1
	for wd := 0; wd < 7; wd++ {
		for h := 0; h < 24; h++ {
			f := 1.0
			if p.hourly != nil {
				f *= p.hourly[h]
			}
			if p.weekly != nil {
				f *= p.weekly[wd]
			}
			p.week[wd*24+h] = f
		}
	}
	for _, pr := range [][]float64{p.hourly, p.weekly, p.monthly} {
		if pr != nil {
			p.max *= maxOf(pr)
		}
	}
	// Overlapping date ranges multiply; bound by the product of those above 1.
	for _, d := range p.dates {
		p.max *= math.Max(d.factor, 1)
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civil converts days since the epoch to (year, month, day).
// civilText writes a day number (days since 1970-01-01) as a date.
func civilText(days int64) string {
	y, m, d := civil(days)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return
}

// arrivalPlan is a non-homogeneous Poisson process: a per-actor base rate
// (events per day) shaped by time profiles, sampled by thinning.
type arrivalPlan struct {
	rate       *cexpr
	constPerMs float64 // ratePerMs of a constant rate
	// perActor: the rate depends on nothing but the actor (its attributes,
	// its index), so each runner computes it once.
	perActor bool
	prof     *profileSet
	// active is the share of local days on which the actor is active
	// (arrivals' third argument; nil: every day). On an active day the
	// rate is rate / share, so the mean over all days stays rate; on the
	// others there are no arrivals. Which days are active is drawn per
	// actor and day from seed, not from the actor's stream: the draws do
	// not depend on when or how often the process asks, and two flows of
	// one actor with the same share are active on the same days (with
	// shares p < q, every day active at p is active at q).
	active *cexpr
	seed   uint64
}

// activeDaysTag separates the active-day draws from every other stream.
const activeDaysTag = 0x61637469_76654461 // "activeDa"

// activity is an actor's active days for one call of nextAt: p is the
// share (1: every day), key identifies the actor.
type activity struct {
	p   float64
	key uint64
	// day and on cache the last day asked about.
	day int64
	on  bool
	set bool
}

// active reports whether the actor is active on local day d.
func (a *activity) active(d int64) bool {
	if a.p >= 1 {
		return true
	}
	if a.set && d == a.day {
		return a.on
	}
	return a.draw(d)
}

// draw works out whether the actor is active on day d, and remembers it.
func (a *activity) draw(d int64) bool {
	u := float64(stdlib.Mix3(a.key, activeDaysTag, uint64(d))>>11) * 0x1p-53
	a.day, a.on, a.set = d, u < a.p, true
	return a.on
}

// activityOf evaluates the share of active days for the bound actor; ok is
// false when the share is invalid (the run then fails: no arrivals).
func (a *arrivalPlan) activityOf(e *Env) (act activity, ok bool) {
	act.p = 1
	if a.active == nil {
		return act, true
	}
	var v Value
	if x := a.active; x.from.kind == fromAttr {
		// An attribute (recipe's user.active_share), read where the
		// environment holds it, without a call to its closure.
		v = e.Attrs[x.from.slot]
	} else {
		v = x.eval(e)
	}
	p := v.Num()
	if !(p > 0 && p <= 1) {
		e.fail(a.active.rng, "Invalid active_days", activeDetail(v))
		return act, false
	}
	act.p = p
	if r := e.run; r != nil {
		act.key = stdlib.Mix3(a.seed, r.key(), r.act.subPos())
	}
	return act, true
}

// activeDetail says why a share of active days is invalid.
func activeDetail(v Value) string {
	return fmt.Sprintf("active_days is the share of days on which the actor is active, more than 0 and at most 1, got %s.", v.String())
}

// localDay is the local day (days since 1970-01-01) of a local time.
func localDay(local int64) int64 { return floorDiv(local, 86400000) }

func (a *arrivalPlan) setRate(r *cexpr) {
	a.rate = r
	if r != nil && r.isC {
		a.constPerMs = ratePerMs(r.val.Num())
	}
}

// ratePerMs converts a rate per day to per millisecond; 0 when there are
// no arrivals (a rate that is not positive and finite).
func ratePerMs(perDay float64) float64 {
	if !(perDay > 0) || perDay > maxRatePerDay {
		return 0
	}
	return perDay / 86400000
}

// next returns the first arrival after t (or a time >= end when none).
//
// The intensity is constant within each local hour (hourly, weekly, monthly
// and date profiles all change on local hour boundaries), so when arrivals
// are frequent the process is inverted exactly, hour segment by hour
// segment, with one exponential draw; when they are rare (less than one
// every two hours on average) thinning against the profile maximum is
// cheaper because it does not walk empty hours.
func (a *arrivalPlan) next(e *Env, t, end int64) int64 {
	return a.nextAt(e, e.tf, a.perMs(e), t, end)
}

// perMs is the rate per millisecond for the bound actor.
func (a *arrivalPlan) perMs(e *Env) float64 {
	if a.rate.isC {
		return a.constPerMs // the same for every actor: converted once
	}
	v := a.rate.eval(e)
	perDay := v.Num()
	if perDay > 0 && perDay <= maxRatePerDay {
		return perDay / 86400000
	}
	if perDay != 0 {
		// Negative, infinite, or not a number (Num is NaN for null).
		e.fail(a.rate.rng, "Invalid arrival rate", rateDetail(v))
	}
	return 0 // no arrivals
}

// rateDetail says why an arrival rate is invalid: the same words for a
// constant and for a value drawn at run time.
func rateDetail(v Value) string {
	if n := v.Num(); n > maxRatePerDay && !math.IsInf(n, 1) {
		return fmt.Sprintf("The arrival rate is a number of sessions per day, at most %d (one a millisecond), got %s.", maxRatePerDay, v.String())
	}
	return fmt.Sprintf("The arrival rate is a number of sessions per day, zero (no sessions) or more, got %s.", v.String())
}

// nextAt is next with the rate already known (runners keep a rate that
// depends only on the actor: see worker.arrivalRate), in the zone of tf:
// the scenario's, or the actor's (session zone = …). Profiles, dates and
// active days are read on tf's local clock; a local hour the clocks skip
// (spring forward) has no arrivals, and one they repeat (fall back) is
// two real hours at that hour's weight, as for the scenario's zone.
func (a *arrivalPlan) nextAt(e *Env, tf *stdlib.TimeFormatter, perMs float64, t, end int64) int64 {
	if perMs == 0 {
		return end
	}
	if a.active == nil && a.prof.weekOnly && t >= thinWeekFrom && perMs*3600000 < 0.5 && perMs*a.prof.max < maxThinPerMs {
		// thin's case for an actor active every day (act.p is 1: the
		// bound perMs / 1 * max is perMs * max, bit for bit), under
		// hourly and weekly profiles only.
		return a.prof.thinWeek(e.R, tf, perMs*a.prof.max, float64(t), end)
	}
	act, ok := a.activityOf(e)
	if !ok {
		return end
	}
	if perMs*3600000 < 0.5 && perMs/act.p*a.prof.max < maxThinPerMs {
		return a.thin(e, tf, perMs, &act, t, end)
	}
	perMs /= act.p       // the rate on an active day
	need := e.R.ExpZig() // integrated intensity to the next arrival
	ft := float64(t)
	if perMs*a.prof.max > fastArrivalsPerMs {
		// t is usually the previous arrival, truncated to the
		// millisecond: restarting there would make every gap the floor
		// of an exponential, short by half a millisecond on average, and
		// the rate too high by about 0.5/(mean gap in ms) — 5 % at 100
		// arrivals a second, 70 % at 1 000. Restarting at a uniform
		// point of t's millisecond makes the gap floor(U + E) - with
		// U + E's fractional part uniform, its mean is exactly E's, at
		// any rate.
		ft += e.R.Float64()
	}
	for ft < float64(end) {
		cur := int64(ft)
		local := cur + tf.Offset(cur)*1000
		segEnd := cur + 3600000 - ((local%3600000)+3600000)%3600000
		if !act.active(localDay(local)) {
			// An idle day: on to the next local midnight.
			segEnd = cur + 86400000 - ((local%86400000)+86400000)%86400000
		}
		if z := tf.ZoneEnd(cur); z < segEnd {
			segEnd = z
		}
		lam := perMs * a.prof.factorLocal(local)
		if !act.active(localDay(local)) {
			lam = 0
		}
		if lam > 0 {
			if at := ft + need/lam; at < float64(segEnd) {
				if at >= float64(end) {
					return end
				}
				return int64(at)
			}
			need -= lam * (float64(segEnd) - ft)
		}
		ft = float64(segEnd)
	}
	return end
}

// fastArrivalsPerMs is the peak rate (per ms) from which nextAt restarts
// the process mid-millisecond. Below it (at least a second between
// arrivals at the peak) restarting at the truncated time biases the rate
// by at most 0.05 %, and draws stay as they always were.
const fastArrivalsPerMs = 1e-3

// maxDateFactor bounds a dates profile's factor; maxRatePerDay an arrival
// rate: one session a millisecond. Beyond them the process asks for more
// sessions than any run writes, and its steps fall below a float's
// resolution of the time, where it would stop advancing.
const (
	// maxThinPerMs: thinning draws candidates at the bound's rate; above
	// one a millisecond (a rare actor's active day, a busy date) exact
	// inversion, hour by hour, is the way.
	maxThinPerMs  = 1
	maxDateFactor = 10000
	maxRatePerDay = 86400000
)

// thin samples the next arrival by thinning (Lewis and Shedler).
// On an active day the intensity is perMs / act.p times the profile, on
// an idle one 0: both under the bound lmax.
func (a *arrivalPlan) thin(e *Env, tf *stdlib.TimeFormatter, perMs float64, act *activity, t, end int64) int64 {
	lmax := perMs / act.p * a.prof.max
	ft := float64(t)
	for {
		ft += e.R.ExpZig() / lmax
		if ft >= float64(end) {
			return end
		}
		cand := int64(ft)
		local := cand + tf.Offset(cand)*1000
		if act.p < 1 {
			if !act.active(localDay(local)) {
				// An idle day has no arrivals: the candidates restart at
				// its end (the next local midnight, or the zone's next
				// change of offset, after which the day is looked at
				// again) instead of being drawn through it and rejected,
				// which cost 1/active_days draws per arrival. A Poisson
				// process restarted at a time fixed by its past is still
				// one.
				next := cand + 86400000 - ((local%86400000)+86400000)%86400000
				if z := tf.ZoneEnd(cand); z < next {
					next = z
				}
				ft = float64(next)
				continue
			}
		}
		if e.R.Float64()*a.prof.max < a.prof.factorLocal(local) {
			return cand
		}
	}
}

// thinWeekFrom is the earliest time thinWeek starts from: two days after
// the epoch, so that a local time, within a day of it, is never before 1970.
const thinWeekFrom = 2 * 86400000

// thinWeek is thin's loop for an actor active every day under hourly and
// weekly profiles only (bank's legit flows: 2.8 candidates an arrival),
// with the generator's state in registers (stdlib.Rand.Step) and the
// ziggurat's common case inlined: the same draws, in the same order, as
// the general loop, without a call to ExpZig and eight loads and stores
// of the state per candidate. lmax is the bound's rate, ft the time the
// candidates start from.
//
// The candidates start at thinWeekFrom or later, so their local times are
// after 1970 and the factor is the week table's entry; the zone's offset
// is read once, for the period it holds in, and a candidate past that
// period ends the loop (thinOn goes on). So the loop calls nothing but
// ExpZigFrom, around which it stores the state itself: with a call to
// factorDated (through factorLocal) or to the formatter's refresh in it,
// the register allocator spilled the state at every candidate.
func (p *profileSet) thinWeek(r *stdlib.Rand, tf *stdlib.TimeFormatter, lmax, ft float64, end int64) int64 {
	t := int64(ft)
	off := tf.Offset(t) * 1000
	zoneEnd := float64(tf.ZoneEnd(t)) // off holds until then
	s := *r
	for {
		u, next := s.Step()
		s = next
		x, ok := stdlib.ExpZigFast(u)
		if !ok {
			// The ziggurat's rare case (about 1 % of draws) may draw
			// more: finished on the generator itself.
			*r = s
			x = r.ExpZigFrom(u)
			s = *r
		}
		ft += x / lmax
		if ft >= float64(end) {
			*r = s
			return end
		}
		if ft >= zoneEnd {
			// The offset changes (daylight saving): this arrival's
			// candidates go on in the general loop. ft >= zoneEnd is
			// int64(ft) >= ZoneEnd, the times being whole and positive.
			*r = s
			return p.thinOn(r, tf, lmax, ft, end)
		}
		cand := int64(ft)
		local := cand + off
		u, s = s.Step()
		if stdlib.Float64Of(u)*p.max < p.week[(uint64(local)/3600000+72)%(7*24)] {
			*r = s
			return cand
		}
	}
}

// thinOn is thin's loop for an actor active every day from a candidate
// at ft, whose exponential has been drawn: thinWeek's way on past a
// change of the zone's offset.
func (p *profileSet) thinOn(r *stdlib.Rand, tf *stdlib.TimeFormatter, lmax, ft float64, end int64) int64 {
	for {
		cand := int64(ft)
		local := cand + tf.Offset(cand)*1000
		if r.Float64()*p.max < p.factorLocal(local) {
			return cand
		}
		ft += r.ExpZig() / lmax
		if ft >= float64(end) {
			return end
		}
	}
}

func (c *compiler) dateFactors(d *dsl.Distribution) []dateFactor {
	v, ok := c.constExpr(d.Expr, "a dates profile", stdlib.Object)
	if !ok {
		return nil
	}
	// keyRange is where key k is written, when the profile is a literal.
	keyRange := func(k string) *hcl.Range {
		if obj, ok := d.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range obj.Items {
				if kv, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && kv.Type() == cty.String && kv.AsString() == k {
					r := it.KeyExpr.Range()
					return &r
				}
			}
		}
		return d.Expr.Range().Ptr()
	}
	var out []dateFactor
	for i, k := range v.Obj().Keys {
		from, to, ok1 := strings.Cut(k, "..")
		if !ok1 {
			to = from
		}
		a, err1 := stdlib.ParseTime(strings.TrimSpace(from), c.plan.Loc)
		b, err2 := stdlib.ParseTime(strings.TrimSpace(to), c.plan.Loc)
		f := v.Obj().Vals[i].Num()
		if err := cmp.Or(err1, err2); err != nil && len(strings.TrimSpace(from)) == 10 && len(strings.TrimSpace(to)) == 10 {
			if _, syntax := err.(*stdlib.TimeSyntaxError); !syntax {
				// A date that does not exist or cannot be written
				// ("0000-01-01"): said as such.
				c.err(keyRange(k), "Invalid date range", "%q: %s.", k, err)
				continue
			}
		}
		if err1 != nil || err2 != nil || len(strings.TrimSpace(from)) != 10 || len(strings.TrimSpace(to)) != 10 {
			c.err(keyRange(k), "Invalid date range", "%q: keys are dates or inclusive date ranges, like \"2025-12-25\" or \"2025-08-08..2025-08-22\".", k)
			continue
		}
		if fv := v.Obj().Vals[i]; fv.K != stdlib.Int && fv.K != stdlib.Float {
			// Num would read a bool as 1 or 0.
			c.err(objItemRange(d.Expr, k).Ptr(), "Invalid weight", "The factor for %q must be a number, got %s.", k, fv.K)
			continue
		}
		if !(f >= 0) || math.IsInf(f, 0) {
			c.err(objItemRange(d.Expr, k).Ptr(), "Invalid weight", "The factor for %q must be zero or positive.", k)
			continue
		}
		if f > maxDateFactor {
			c.err(objItemRange(d.Expr, k).Ptr(), "Invalid weight", "The factor for %q is %s; a date's factor is at most %d (a day %d times as busy as the others).", k, strconv.FormatFloat(f, 'g', -1, 64), maxDateFactor, maxDateFactor)
			continue
		}
		day := func(ms int64) int64 { return floorDiv(ms+c.tf.Offset(ms)*1000, 86400000) }
		if day(b) < day(a) {
			c.err(keyRange(k), "Invalid date range", "%q ends before it starts.", k)
			continue
		}
		out = append(out, dateFactor{from: day(a), to: day(b), factor: f})
	}
	if len(out) > 0 && c.windowOK {
		day := func(ms int64) int64 { return floorDiv(ms+c.tf.Offset(ms)*1000, 86400000) }
		first, last := day(c.plan.Start), day(c.plan.End-1)
		if !slices.ContainsFunc(out, func(f dateFactor) bool { return f.to >= first && f.from <= last }) {
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Dates outside the window",
				Detail:  fmt.Sprintf("No date of distribution %q falls in the scenario's window (%s to %s): it changes nothing.", d.Name, civilText(first), civilText(last)),
				Subject: d.Expr.Range().Ptr()})
		}
	}
	return resolveDates(out)
}

// resolveDates makes the factors of one dates profile apply once per day:
// where keys overlap, the narrowest range wins (a day inside a week), and
// of ranges as wide the one written later, so that { "2025-11-24..2025-11-30"
// = 1.8, "2025-11-28" = 4 } is 4 on the 28th, not 7.2. (Factors of
// different dates profiles in one arrivals multiply, as profiles do.)
func resolveDates(in []dateFactor) []dateFactor {
	if len(in) < 2 {
		return in
	}
	var cuts []int64
	for _, f := range in {
		cuts = append(cuts, f.from, f.to+1)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []dateFactor
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]-1
		best := -1
		for j, f := range in {
			if f.from > a || f.to < b {
				continue
			}
			if best < 0 || f.to-f.from <= in[best].to-in[best].from {
				best = j
			}
		}
		if best < 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].to == a-1 && out[n-1].factor == in[best].factor {
			out[n-1].to = b
			continue
		}
		out = append(out, dateFactor{from: a, to: b, factor: in[best].factor})
	}
	return out
}

// arrivals compiles `arrivals(rate_per_day, [profiles…])`.
func (c *compiler) arrivals(s *scope, e hcl.Expression) *arrivalPlan {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "arrivals" || len(call.Args) < 1 || len(call.Args) > 3 {
		c.err(e.Range().Ptr(), "Invalid arrivals", "Write arrivals(rate_per_day), arrivals(rate_per_day, [distribution.hourly_profile, …]) "+
			"or arrivals(rate_per_day, [profiles…], active_days).")
		return nil
	}
	if c.arrivalsOrder(call) {
		return nil
	}
	ap := &arrivalPlan{prof: &profileSet{}, seed: c.plan.Seed}
	if len(call.Args) == 3 {
		ap.active = c.activeDays(s, call.Args[2])
	}
	ap.setRate(c.typed(s, call.Args[0], "the arrival rate (sessions per day)", stdlib.Float, stdlib.Int))
	if x := ap.rate; x != nil && x.isC && (x.typ == stdlib.Float || x.typ == stdlib.Int) {
		if r := x.val.Num(); !(r >= 0) || r > maxRatePerDay {
			c.err(call.Args[0].Range().Ptr(), "Invalid arrival rate", "%s", rateDetail(x.val))
		}
	}
	ap.perActor = ap.rate != nil && !ap.rate.random && c.exprLevel(call.Args[0]) <= perActor
	if len(call.Args) >= 2 {
		var items []hclsyntax.Expression
		if t, ok := call.Args[1].(*hclsyntax.TupleConsExpr); ok {
			items = t.Exprs
		} else {
			items = []hclsyntax.Expression{call.Args[1].(hclsyntax.Expression)}
		}
		for _, it := range items {
			tr, diags := hcl.AbsTraversalForExpr(it)
			name, named := secondName(tr)
			if diags.HasErrors() || !named || tr.RootName() != "distribution" {
				c.err(it.Range().Ptr(), "Invalid profile", "Profiles are referred to as distribution.NAME (an hourly, weekly, monthly or dates distribution).")
				continue
			}
			d, found := c.dists[name]
			if !found {
				c.err(tr[1].SourceRange().Ptr(), "Unknown distribution", "There is no distribution %q.%s", name, suggest(name, keys(c.dists)))
				continue
			}
			var slot *[]float64
			switch d.kind {
			case "hourly":
				slot = &ap.prof.hourly
			case "weekly":
				slot = &ap.prof.weekly
			case "monthly":
				slot = &ap.prof.monthly
			case "dates":
				ap.prof.dates = append(ap.prof.dates, d.dates...)
				continue
			default:
				c.err(it.Range().Ptr(), "Not a profile", "distribution.%s is a value sampler; arrivals take hourly, weekly, monthly or dates profiles.", name)
				continue
			}
			if *slot != nil {
				c.err(it.Range().Ptr(), "Duplicate profile", "arrivals already has a %s profile.", d.kind)
				continue
			}
			if d.prof != nil {
				*slot = normalized(d.prof)
			}
		}
	}
	ap.prof.build()
	return ap
}

// activeDays compiles arrivals' third argument: a share of days in (0, 1]
// that depends on nothing but the actor (it is read again at every
// arrival, and must be the same each time).
func (c *compiler) activeDays(s *scope, x hcl.Expression) *cexpr {
	ce := c.typed(s, x, "active_days (the share of days the actor is active)", stdlib.Float, stdlib.Int)
	if ce == nil {
		return nil
	}
	if ce.isC {
		if p := ce.val.Num(); !(p > 0 && p <= 1) {
			c.err(x.Range().Ptr(), "Invalid active_days", "%s", activeDetail(ce.val))
			return nil
		}
		if ce.val.Num() == 1 {
			return nil // every day: the process as without it
		}
	}
	if ce.random || c.exprLevel(x) > perActor {
		c.err(x.Range().Ptr(), "Invalid active_days", "active_days must depend only on the actor (its attributes, a constant): "+
			"it is read at every arrival and must be the same each time. Draw it once as an attribute (active = uniform(0.3, 0.7)) and write user.active.")
		return nil
	}
	return ce
}

// profileNames are the names of the profiles arg lists (a profile, or a
// list of them), and whether it is that: every item names a declared
// hourly, weekly, monthly or dates distribution.
func (c *compiler) profileNames(arg hcl.Expression) ([]string, bool) {
	items := []hclsyntax.Expression{}
	if t, ok := arg.(*hclsyntax.TupleConsExpr); ok {
		items = t.Exprs
	} else if x, ok := arg.(hclsyntax.Expression); ok {
		items = append(items, x)
	}
	if len(items) == 0 {
		return nil, false
	}
	var names []string
	for _, it := range items {
		tr, diags := hcl.AbsTraversalForExpr(it)
		name, named := secondName(tr)
		if diags.HasErrors() || !named || tr.RootName() != "distribution" || len(tr) != 2 {
			return nil, false
		}
		d, found := c.dists[name]
		if !found || d.value != nil {
			return nil, false
		}
		names = append(names, name)
	}
	return names, true
}

// arrivalsOrder reports arrivals' arguments written out of order (the
// profiles first or last: arrivals([distribution.hod], rate)) as one
// error that shows the call in order, instead of each argument's
// complaint about what it is not. It says whether it did.
func (c *compiler) arrivalsOrder(call *hclsyntax.FunctionCallExpr) bool {
	_, first := c.profileNames(call.Args[0])
	last := false
	if len(call.Args) == 3 {
		_, last = c.profileNames(call.Args[2])
	}
	if !first && !last {
		return false
	}
	var profiles, others []string
	seen := map[string]bool{}
	for _, a := range call.Args {
		names, ok := c.profileNames(a)
		if !ok {
			t := exprText(c.sc, a)
			if t == "" {
				t = "rate_per_day"
			}
			others = append(others, t)
			continue
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				profiles = append(profiles, "distribution."+n)
			}
		}
	}
	args := []string{"rate_per_day"}
	if len(others) > 0 {
		args[0] = others[0]
	}
	args = append(args, "["+strings.Join(profiles, ", ")+"]")
	if len(others) > 1 {
		args = append(args, others[1])
	}
	at := call.Args[0]
	if !first {
		at = call.Args[2]
	}
	c.err(at.Range().Ptr(), "Arguments out of order", "arrivals takes the rate (events per day) first, then the list of profiles, then active_days: "+
		"arrivals(rate_per_day, [profiles…], active_days). Here: arrivals(%s).", strings.Join(args, ", "))
	return true
}

// warnCountCapsArrivals: with arrivals, the session count caps the
// Poisson process at each actor's first count arrivals (bank's
// night_spending: 3 to 8 purchases from a day drawn per actor). With no
// start offset drawn per actor, every actor's capped arrivals start at the
// same time: when the count-th arrival is expected in the first half of
// what is left of the window, the actors' sessions all bunch at its start
// and the rest of it is empty, which is rarely meant. The profiles are
// integrated on the clock a run reads them on (nextAt): the flow's
// session zone, else the scenario's. A zone read per actor (zone =
// user.tz) is judged, like a drawn count, by the zone whose actors'
// arrivals last longest, among the zone names it can take
// (constLeaves); when those are not known, there is no warning, unless
// no profile makes the clock matter.
//
// A count or rate drawn per actor (count = uniform(2, 4), a rate read
// from an attribute per_day = uniform(1, 3)) is judged by its bounds, when
// its expression shows them (drawnSpans): the largest count at the lowest
// rate, the actor whose sessions last longest. Its mean would warn about
// flows where many actors' sessions do reach into the second half; the
// bounds warn only when none do. Actors drawing a count or rate of 0 have
// no sessions, so they are left out; a rate that can come arbitrarily
// close to 0 (uniform(0.0, 2.0)) has no bound, and no warning.
func (c *compiler) warnCountCapsArrivals(fp *FlowPlan, s *dsl.Session) {
	n, ap := fp.sessCount, fp.arrivals
	if n == nil || ap == nil || ap.rate == nil {
		return
	}
	var most int64 // the largest count an actor can have
	if n.isC {
		if n.val.K != stdlib.Int || n.val.I < 1 {
			return
		}
		most = n.val.I
	} else {
		spans, ok := c.drawnSpans(fp.Entity, s.Count)
		if !ok {
			return
		}
		hi := math.Inf(-1)
		for _, sp := range spans {
			hi = max(hi, sp.hi)
		}
		if !(hi >= 1) || hi > math.MaxInt32 {
			return
		}
		most = int64(math.Floor(hi))
	}
	rate := 0.0 // the lowest rate an actor with sessions can have
	if x := ap.rate; x.isC {
		if ap.constPerMs == 0 {
			return
		}
		rate = x.val.Num()
	} else {
		call, ok := s.Arrivals.(*hclsyntax.FunctionCallExpr)
		if !ok || len(call.Args) < 1 {
			return
		}
		spans, ok := c.drawnSpans(fp.Entity, call.Args[0])
		if !ok {
			return
		}
		rate = math.Inf(1)
		for _, sp := range spans {
			switch {
			case sp.lo == 0 && sp.hi == 0:
				// No arrivals: no sessions to bunch.
			case sp.lo <= 0:
				return // no bound above 0
			default:
				rate = min(rate, sp.lo)
			}
		}
		if math.IsInf(rate, 1) || ratePerMs(rate) == 0 {
			return
		}
	}
	perDayMs := ratePerMs(rate)
	begin, end := c.plan.Start, c.plan.End
	if x := fp.sessStart; x != nil {
		if !x.isC || x.typ != stdlib.Duration {
			return // each actor's sessions start on its own day
		}
		begin += x.val.I
	}
	if begin >= end {
		return
	}
	zones, ok := c.arrivalZones(fp, s)
	if !ok && !ap.prof.flat() {
		return
	}
	if ap.prof.flat() {
		zones = []*time.Location{c.plan.Loc} // any clock reads alike
	}
	want := float64(most)
	expected, at, latest := 0.0, int64(-1), ""
	for _, loc := range zones {
		inZone, atZone := countArrivalsAt(ap.prof, stdlib.NewTimeFormatter(loc), perDayMs, begin, end, want)
		if atZone < 0 || atZone-begin >= (end-begin)/2 {
			return // this zone's actors have sessions into the second half
		}
		if atZone > at {
			expected, at, latest = inZone, atZone, loc.String()
		}
	}
	// A zone per actor: the figures are those of the zone whose actors'
	// arrivals last longest.
	perZone := ""
	if fp.zoneLoc == nil && fp.zone != nil && !ap.prof.flat() {
		perZone = fmt.Sprintf(" The profiles follow each actor's zone (zone = %s): these are the figures in %s, where they come latest of the %d zones it can take.", fp.zoneText, latest, len(zones))
	}
	from := "the scenario's start"
	if fp.sessStart != nil {
		from = "the session start (" + durationText(fp.sessStart.val.I) + " into the window)"
	}
	spread := max((end-at)/86400000, 1)
	rateText := strconv.FormatFloat(rate, 'g', -1, 64)
	if n.isC && ap.rate.isC {
		c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "The session count ends the arrivals early",
			Detail: fmt.Sprintf("With arrivals, count caps each actor's sessions at its first %s: at %s a day %s on average "+
				"within %s of %s, and the %s left of the window get none (without count, the arrivals would start about %s per "+
				"actor over the window).%s Every actor's sessions bunch at the same start. To spread them over the window, remove count "+
				"(the rate sets how many); for %s starting on a day drawn per actor, add start = uniform(\"0s\", \"%dd\").",
				firstArrivals(most), rateText, map[bool]string{true: "it comes", false: "they come"}[most == 1],
				spanText((at-begin)/60000*60000), from, spanText((end-at)/60000*60000),
				nounsOf(roundedAsPrinted(expected), "session"), perZone, map[bool]string{true: "a session", false: "a burst of " + nounsOf(most, "session")}[most == 1], spread),
			Subject: s.Count.Range().Ptr()})
		return
	}
	countText := firstArrivals(most)
	sessions := nounsOf(most, "session")
	if !n.isC {
		countText = exprText(c.sc, s.Count) + " arrivals"
		sessions = "the most sessions count can draw (" + strconv.FormatInt(most, 10) + ")"
	}
	at1 := rateText + " a day"
	if !ap.rate.isC {
		at1 = "the lowest rate " + exprText(c.sc, s.Arrivals.(*hclsyntax.FunctionCallExpr).Args[0]) + " can take (" + rateText + " a day)"
	}
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "The session count ends the arrivals early",
		Detail: fmt.Sprintf("With arrivals, count caps each actor's sessions at its first %s: even an actor with %s at %s "+
			"has %s on average within %s of %s, and the %s left of the window get none (without count, the arrivals would start "+
			"about %s per actor over the window at that rate).%s That is the largest count at the lowest rate, not their "+
			"means: every actor's sessions bunch at the same start, not only a typical one's. To spread them over the window, remove "+
			"count (the rate sets how many); for a burst starting on a day drawn per actor, add start = uniform(\"0s\", \"%dd\").",
			countText, sessions, at1, map[bool]string{true: "it", false: "them"}[most == 1 && n.isC], spanText((at-begin)/60000*60000), from,
			spanText((end-at)/60000*60000), nounsOf(roundedAsPrinted(expected), "session"), perZone, spread),
		Subject: s.Count.Range().Ptr()})
}

// hourSpan is t's local time on the clock tf and the end of the span from
// t over which the profiles' factors hold: the next local hour, the next
// change of the zone's offset, or end, whichever is first.
func hourSpan(tf *stdlib.TimeFormatter, t, end int64) (local, next int64) {
	local = t + tf.Offset(t)*1000
	next = t + 3600000 - ((local%3600000)+3600000)%3600000
	if z := tf.ZoneEnd(t); z < next {
		next = z
	}
	return local, min(next, end)
}

// countArrivalsAt integrates the arrivals' profiles at perDayMs (a rate
// per ms before the profiles) over [begin, end) on the clock tf: the
// arrivals expected in all, and when want of them are expected (-1: not
// before end).
func countArrivalsAt(prof *profileSet, tf *stdlib.TimeFormatter, perDayMs float64, begin, end int64, want float64) (expected float64, at int64) {
	at = -1
	for t := begin; t < end; {
		// The profiles change on local hours (arrivalShares).
		_, next := hourSpan(tf, t, end)
		perMs := prof.factor(tf, t) * perDayMs
		if w := perMs * float64(next-t); at < 0 && expected+w >= want {
			at = t + int64(math.Round((want-expected)/perMs))
		}
		expected += perMs * float64(next-t)
		t = next
	}
	return expected, at
}

// arrivalZones are the zones a flow's arrivals may be read in: the
// scenario's, the flow's constant session zone, or each zone name a zone
// read per actor can take. ok is false when those are not known (an
// invalid zone, or one that may come to a name not written in the
// scenario).
func (c *compiler) arrivalZones(fp *FlowPlan, s *dsl.Session) (zones []*time.Location, ok bool) {
	switch {
	case s.Zone == nil:
		return []*time.Location{c.plan.Loc}, true
	case fp.zoneLoc != nil:
		return []*time.Location{fp.zoneLoc}, true
	case fp.zone == nil || fp.Entity == nil:
		return nil, false
	}
	var ent *dsl.Entity
	for _, e := range c.sc.Entities {
		if e.Name == fp.Entity.Name {
			ent = e
		}
	}
	if ent == nil {
		return nil, false
	}
	leaves, ok := constLeaves(ent, s.Zone, 0)
	if !ok {
		return nil, false
	}
	seen := map[string]bool{}
	for _, l := range leaves {
		if seen[l.val] {
			continue
		}
		seen[l.val] = true
		loc, err := stdlib.LoadZone(l.val)
		if err != nil {
			return nil, false
		}
		zones = append(zones, loc)
	}
	return zones, len(zones) > 0
}

// firstArrivals is what "its first …" says of n arrivals: "arrival"
// for 1, "3 arrivals".
func firstArrivals(n int64) string {
	if n == 1 {
		return "arrival"
	}
	return nounsOf(n, "arrival")
}

// roundedAsPrinted is x rounded as %.0f prints it (half to even), which
// the warnings printed before they said "1 session".
func roundedAsPrinted(x float64) int64 {
	n, _ := strconv.ParseInt(strconv.FormatFloat(x, 'f', 0, 64), 10, 64)
	return n
}

// nounsOf is n and noun, plural unless n is 1: "1 session", "3 sessions".
func nounsOf(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}
