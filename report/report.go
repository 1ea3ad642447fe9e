// Package report compares a run's output with what its scenario declares:
// categorical shares, the arrival profile (hour of day, weekday), flow
// transition probabilities, experiment assignment and metrics, and timing
// constraints. Every check is a proper statistical test (internal/stats) at
// a stated significance level, or an exact count where the declaration
// leaves no room (a value that was never declared, a record in the wrong
// experiment group, a gap below a constraint's minimum).
package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
	"github.com/scenhq/scen/stdlib"
)

// Options tune a report.
type Options struct {
	Stream string  // stream to check ("": the one whose fields match the files' columns)
	Alpha  float64 // significance level of each test (0: DefaultAlpha)
	// CensorMargin (ms): what follows a record this close to the window's
	// end may have been cut by it, so such records count in no transition
	// (0: one day).
	CensorMargin int64
	// Actors, when set, gives each actor's experiment group and parameter
	// value (engine.Plan.ExperimentActors; param "": the groups alone);
	// without it experiment checks are skipped, with a note.
	Actors func(experiment, param string) ([]engine.ExperimentActor, error)
	// ZoneField names the field that holds each record's time zone (an
	// IANA name) for flows with a per-actor session zone; "": the field
	// whose expression is the zone's (tz = user.tz for zone = user.tz).
	ZoneField string
	// Spans, when set, are the parts of the written window that the
	// records cover, [from, to) in ms, in time order and apart: some of
	// the files of a sink that split its records by time, not adjacent
	// (January's and March's partitions, not February's). Each is
	// checked as a window of its own: a session whose first record lies
	// near a span's start may have begun before it, records near a
	// span's end count in no transition, and the arrival profiles are
	// integrated over the spans only. nil: the written window is one.
	Spans [][2]int64
	// Selected names the top-level fields of which the files hold some
	// values only, as the files were chosen (the partitions country=JP
	// of a sink that partitions by country): field → the values, as
	// text. Their shares are not tested: the choice of files sets them.
	Selected map[string]string
}

// DefaultAlpha is the significance level of each test. It is small because
// a report runs a dozen tests or more at once: with 20 tests at 0.001 a
// correct output fails one with probability about 2 %.
const DefaultAlpha = 0.001

// Kind groups checks.
type Kind string

const (
	Fields      Kind = "fields"
	TimeOrder   Kind = "time order"
	Categorical Kind = "categorical"
	ActorShare  Kind = "actor share"
	HourOfDay   Kind = "hour of day"
	Weekday     Kind = "weekday"
	Transitions Kind = "transitions"
	Initial     Kind = "initial state"
	Assignment  Kind = "assignment"
	SampleRatio Kind = "sample ratio"
	Metric      Kind = "experiment metric"
	Constraint  Kind = "constraint"
)

// Bar is one category of a check: observed and expected shares, with an
// optional confidence interval of the observed share.
type Bar struct {
	Label    string
	Count    int64
	Observed float64 // share
	Expected float64 // share; NaN when nothing is declared
	Lo, Hi   float64 // confidence interval of Observed (0, 0: none)
}

// Check is one comparison of observed with declared.
type Check struct {
	Kind   Kind
	Name   string
	Pass   bool
	N      int64   // observations the test used
	Stat   float64 // chi-square, |z| or a violation count
	DF     int
	P      float64 // p-value (NaN for exact checks)
	Detail string  // a line for people
	Bars   []Bar
	Test   string // the test used, e.g. "chi-square GOF"
}

// Report is the outcome of all checks.
type Report struct {
	Scenario string
	Stream   string
	Files    []string
	Records  int
	Sessions int
	Alpha    float64
	Checks   []Check
	// Notes say what could not be checked and why.
	Notes []string
	// Shares are descriptive, not tests: per experiment, each state's share
	// of the records per group inside the window, with Wilson intervals.
	Shares []StateShares
}

// StateShares describes an experiment's groups by the share of each state
// among their records while the experiment is active. Nothing declares
// these shares, so they are shown, not tested.
type StateShares struct {
	Experiment string
	Groups     []string
	Records    []int64 // per group
	States     []string
	Bars       [][]Bar // per state, per group: Count, Observed, Lo, Hi
}

// Untested reports a check that had too few observations for its test:
// it does not fail the report, and it is not shown as passed either.
func (c *Check) Untested() bool { return c.Test == "none" }

// Untested counts the checks with too few observations to test.
func (r *Report) Untested() int {
	n := 0
	for i := range r.Checks {
		if r.Checks[i].Untested() {
			n++
		}
	}
	return n
}

// Failed counts the failed checks.
func (r *Report) Failed() int {
	n := 0
	for _, c := range r.Checks {
		if !c.Pass {
			n++
		}
	}
	return n
}

// minExpected is the least expected count per category for which the
// chi-square approximation is trusted.
const minExpected = 5

// matchStream picks the stream whose fields best match the files' columns
// (Jaccard similarity; the first stream on a tie).
func matchStream(streams []engine.StreamSpec, cols []string) *engine.StreamSpec {
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	var best *engine.StreamSpec
	bestScore := -1.0
	for i := range streams {
		common := 0
		for _, f := range streams[i].Fields {
			if have[f] {
				common++
			}
		}
		union := len(streams[i].Fields) + len(cols) - common
		score := 0.0
		if union > 0 {
			score = float64(common) / float64(union)
		}
		// Files that share no column with any stream are not its records
		// (files with no column at all hold no record to misread).
		if (common > 0 || len(cols) == 0) && score > bestScore {
			best, bestScore = &streams[i], score
		}
	}
	return best
}

// oneStream refuses files named one by one that hold different streams'
// records (a run's readings.parquet and alerts.csv): read as one, every
// record of the second stream fails the checks of the first. Each file is
// matched on its own columns; a file with none (no record) matches any.
func oneStream(streams []engine.StreamSpec, in *Input) error {
	var first *engine.StreamSpec
	var firstFile string
	for k := 0; k < in.files(); k++ {
		cols := in.columnsOf(k)
		if len(cols) == 0 {
			continue
		}
		ss := matchStream(streams, cols)
		if ss == nil {
			continue // no stream's: said below, for the files together
		}
		if first == nil {
			first, firstFile = ss, in.Files[k]
			continue
		}
		if ss != first {
			return fmt.Errorf("the files hold records of different streams: %s of stream %s, %s of stream %s. Report one stream at a time: name its files only, or pass --stream NAME",
				firstFile, first.Name, in.Files[k], ss.Name)
		}
	}
	return nil
}

// Build runs every check that the declarations and the records allow.
func Build(spec *engine.Spec, in *Input, opts Options) (*Report, error) {
	if opts.Alpha <= 0 {
		opts.Alpha = DefaultAlpha
	}
	if opts.CensorMargin <= 0 {
		opts.CensorMargin = 86400000
	}
	var ss *engine.StreamSpec
	var names []string
	for i := range spec.Streams {
		names = append(names, spec.Streams[i].Name)
		if spec.Streams[i].Name == opts.Stream {
			ss = &spec.Streams[i]
		}
	}
	if opts.Stream == "" {
		if err := oneStream(spec.Streams, in); err != nil {
			return nil, err
		}
		ss = matchStream(spec.Streams, in.Columns())
	}
	if ss == nil && opts.Stream == "" {
		cols := in.Columns()
		if len(cols) > 8 {
			cols = append(cols[:8:8], "…")
		}
		return nil, fmt.Errorf("the files' fields (%s) are those of no stream of the scenario (streams: %s): are they this scenario's output? Pass --stream NAME to read them as one",
			strings.Join(cols, ", "), strings.Join(names, ", "))
	}
	if ss == nil {
		return nil, fmt.Errorf("no stream %q (streams: %s).%s", opts.Stream, strings.Join(names, ", "), engine.Suggest(opts.Stream, names))
	}
	if f := opts.ZoneField; f != "" && !slices.Contains(in.Columns(), f) {
		cols := in.Columns()
		return nil, fmt.Errorf("--zone-field %s: the files have no field %q (fields: %s).%s", f, f, strings.Join(cols, ", "), engine.Suggest(f, cols))
	}
	in.decodeJSONText(ss.JSONText)
	b := &builder{spec: spec, ss: ss, in: in, opts: opts,
		r: &Report{Scenario: spec.Name, Stream: ss.Name, Files: in.Files, Records: in.Len(), Alpha: opts.Alpha}}
	b.prefetch()
	b.zoneFieldUnread()
	b.tag()
	b.fields()
	b.categoricals()
	b.actorShares()
	b.sessions()
	b.timeOrder()
	b.censorConstraintCuts()
	b.arrivals()
	b.transitions()
	b.experiments()
	b.constraints()
	if in.err != nil {
		return nil, in.err
	}
	// An exact check over no record tested nothing: it is not a pass
	// (time order over the 0 records of a file read with a wrong header
	// row passed).
	for i := range b.r.Checks {
		if c := &b.r.Checks[i]; c.Test == "exact" && c.N == 0 && c.Pass {
			c.Test = "none"
			c.Detail += ": nothing to check, not tested"
		}
	}
	return b.r, nil
}

// prefetch names the fields the checks may read, so that one pass over
// the files reads them all (a field missed here is read by a pass of its
// own when asked for: slower, not different).
func (b *builder) prefetch() {
	b.in.Prefetch(wanted(b.ss, b.opts))
}

// ReadFields are the fields the checks read of records with these columns
// (ReadInputFor): those of the stream opts names, or else of the one the
// columns match.
func ReadFields(spec *engine.Spec, opts Options, columns []string) (paths [][]string, times []string) {
	var ss *engine.StreamSpec
	for i := range spec.Streams {
		if spec.Streams[i].Name == opts.Stream {
			ss = &spec.Streams[i]
		}
	}
	if opts.Stream == "" {
		ss = matchStream(spec.Streams, columns)
	}
	if ss == nil {
		return nil, nil
	}
	return wanted(ss, opts)
}

// wanted are the fields the checks of stream ss may read.
func wanted(ss *engine.StreamSpec, opts Options) (paths [][]string, times []string) {
	add := func(f string) {
		if f != "" {
			paths = append(paths, []string{f})
		}
	}
	if len(ss.Emits) > 1 {
		for _, e := range ss.Emits {
			for _, f := range stdlib.SortedKeys(e.Constants) {
				add(f)
			}
		}
		// What the fields check reads of each record: whether it holds
		// the fields that tell emits apart, and those it looks for in
		// each emit's records.
		writers := fieldWriters(ss)
		for _, f := range ss.Fields {
			if k := writers[f]; k > 1 || k < len(ss.Emits) && !ss.TellsEmits() {
				paths = append(paths, PresencePath(f))
			}
		}
	}
	for _, e := range ss.Emits {
		for _, cat := range e.Categorical {
			paths = append(paths, cat.Path)
		}
		add(e.Session)
		add(e.Zone)
		add(e.Actor)
	}
	for _, cat := range ss.ActorCategoricals {
		paths = append(paths, cat.Path)
	}
	add(ss.ActorField)
	add(ss.SessionField)
	add(opts.ZoneField)
	for _, x := range ss.Experiments {
		add(x.UnitField)
		if len(x.GroupPath) > 0 {
			paths = append(paths, x.GroupPath)
		}
	}
	if ss.TimeField != "" {
		times = append(times, ss.TimeField)
	}
	return paths, times
}

type builder struct {
	spec *engine.Spec
	ss   *engine.StreamSpec
	in   *Input
	opts Options
	r    *Report

	emitOf []int   // per record: index into ss.Emits, -1 unknown or ambiguous
	candOf []int   // per record: index into cands
	cands  [][]int // sets of emits a record may come from
	times  []int64
	hasT   []bool
	// sessions, in order of first record; each lists its records in
	// (time, file) order.
	sess [][]int
	// next[i] is the record after i in its session, -1 for the last,
	// -2 when the session was censored after i.
	next []int
	// lead is, per flow, twice the longest gap seen between consecutive
	// records of one of its sessions: a session running at --from writes
	// its first record less than a gap after it.
	lead map[string]int64
	// capWhy, per flow, why the records of its sessions already running
	// at --from (or a partition's start) may have been cut by max_events.
	capWhy map[string]string
}

func (b *builder) note(format string, a ...any) {
	b.r.Notes = append(b.r.Notes, fmt.Sprintf(format, a...))
}

// tag attributes every record to the emits that could have produced it:
// those whose constant top-level fields (state.name among them) the record
// matches. emitOf is that emit when it is the only one.
func (b *builder) tag() {
	n := b.in.Len()
	if len(b.ss.Emits) == 1 {
		b.emitOf = make([]int, n)
		b.candOf = make([]int, n)
		b.cands = [][]int{{0}}
		return // all zeros
	}
	var fields []string
	b.candOf, b.cands, fields = b.match("")
	b.emitOf = make([]int, n)
	var none int64
	for i, c := range b.candOf {
		b.emitOf[i] = -1
		switch len(b.cands[c]) {
		case 0:
			none++
		case 1:
			b.emitOf[i] = b.cands[c][0]
		}
	}
	if !b.ss.TellsEmits() {
		b.note("records of stream %q cannot all be told apart by state: %s: the per-state checks (initial state, transitions, constraints over states) are not made, and the others use the records whose constant fields single out one emit", b.ss.Name, b.alikeText())
	}
	name := "constant fields"
	switch {
	case b.ss.StateField != "":
		name = b.ss.StateField + " and other constant fields"
	case len(b.ss.StateFields) > 0:
		name = strings.Join(b.ss.StateFields, " with ") + " and other constant fields"
	}
	c := Check{Kind: Categorical, Name: name, Pass: none == 0, N: int64(n), Stat: float64(none), P: math.NaN(), Test: "exact",
		Detail: fmt.Sprintf("%d of %d records match no emit of the scenario (%s)", none, n, strings.Join(fields, ", "))}
	if len(fields) == 0 {
		c.Test, c.Stat = "none", 0
		c.Detail = fmt.Sprintf("not tested: no emit of %q writes a constant top-level field, so every record matches every emit", b.ss.Name)
	}
	b.r.Checks = append(b.r.Checks, c)
}

// alikeText says why two emits of the stream cannot be told apart.
func (b *builder) alikeText() string {
	e, f := b.ss.Emits[b.ss.Alike[0]], b.ss.Emits[b.ss.Alike[1]]
	what := fmt.Sprintf("state %q of flow %q", e.State, e.Flow)
	if e.Flow == f.Flow && e.State == f.State {
		what += " has two emits that"
	} else {
		what += fmt.Sprintf(" and state %q of flow %q", f.State, f.Flow)
	}
	var same []string
	for _, k := range stdlib.SortedKeys(e.Constants) {
		if v, ok := f.Constants[k]; ok && v == e.Constants[k] {
			if v == "" {
				same = append(same, k+" = null") // as Constants hold null
			} else {
				same = append(same, fmt.Sprintf("%s = %q", k, v))
			}
		}
	}
	if len(same) == 0 {
		return what + " write no constant field in common"
	}
	return what + " write the same constants (" + strings.Join(same, ", ") + ") and no other constant field in common"
}

// match gives, per record, the set of emits whose constant top-level
// fields it matches (candOf indexes cands), ignoring the field skip, and
// the fields compared.
func (b *builder) match(skip string) (candOf []int, cands [][]int, fields []string) {
	n := b.in.Len()
	candOf = make([]int, n)
	seen := map[string]bool{skip: true}
	for _, e := range b.ss.Emits {
		for _, f := range stdlib.SortedKeys(e.Constants) {
			if !seen[f] {
				seen[f] = true
				fields = append(fields, f)
			}
		}
	}
	sort.Strings(fields)
	cols := make([][]string, len(fields))
	for j, f := range fields {
		cols[j] = b.in.Strings([]string{f})
	}
	byKey := map[string]int{}
	var key []byte
	for i := 0; i < n; i++ {
		key = key[:0]
		for j := range fields {
			key = append(key, cols[j][i]...)
			key = append(key, 0)
		}
		c, ok := byKey[string(key)]
		if !ok {
			var set []int
			for ei, e := range b.ss.Emits {
				match := true
				for j, f := range fields {
					if v, isConst := e.Constants[f]; isConst && v != cols[j][i] {
						match = false
						break
					}
				}
				if match {
					set = append(set, ei)
				}
			}
			c = len(cands)
			cands = append(cands, set)
			byKey[string(key)] = c
		}
		candOf[i] = c
	}
	return candOf, cands, fields
}

// fields checks that the files hold every top-level field of the emits
// their records come from: a column dropped from the output fails here,
// by name, rather than as a distribution that no longer matches. A
// record's emit is the one its constant fields single out or, when no
// constant field tells the stream's emits apart, the one the fields it
// holds do (a record holding page comes from an emit that writes page),
// as for the actor share. Each emit's fields are then looked for in its
// own records: a field that other emits' records hold, but none of its
// own, was dropped from them (the column is there all the same).
func (b *builder) fields() {
	have := map[string]bool{}
	for _, c := range b.in.Columns() {
		have[c] = true
	}
	defer b.in.forgetPresent() // no other check reads it
	emitOf := b.emitOf
	if !b.ss.TellsEmits() {
		emitOf = b.emitsByPresence()
	}
	from := map[int]int64{} // emit → records attributed to it alone
	for _, e := range emitOf {
		if e >= 0 {
			from[e]++
		}
	}
	// A field = experiment.X.group is null outside X's window, and no
	// record holds a null field: when no record of the emits that write
	// it lies in the window, no file holds it, by design.
	unexposed := b.unexposedGroups(have, emitOf)
	missing := map[string]bool{}
	var n int64
	for e, k := range from {
		lacks := false
		for _, f := range b.ss.Emits[e].Fields {
			if !have[f] && !slices.Contains(unexposed[f], e) {
				missing[f], lacks = true, true
			}
		}
		if lacks {
			n += k
		}
	}
	var names []string
	for _, f := range b.ss.Fields { // the stream's column order
		if missing[f] {
			names = append(names, f)
		}
	}
	c := Check{Kind: Fields, Name: "the stream's fields are in the files", Pass: len(names) == 0, N: int64(b.in.Len()), Stat: float64(n), P: math.NaN(), Test: "exact",
		Detail: "every field of the records' emits is present"}
	var null []string
	for _, xf := range b.ss.Experiments {
		if f := xf.GroupPath; len(f) == 1 && unexposed[f[0]] != nil && !slices.Contains(null, f[0]) {
			null = append(null, f[0])
			c.Detail += fmt.Sprintf(" (%s, experiment %s's group, is null in every record: no record of the emits that write it lies in the experiment's window)", f[0], xf.Experiment)
		}
	}
	if len(from) == 0 && b.in.Len() > 0 {
		// No record is any one emit's: nothing tells which fields the
		// files should hold. When none matches an emit at all, they are
		// not this stream's records.
		c.Test, c.Pass = "none", true
		c.Detail = fmt.Sprintf("not tested: no record can be told to come from one emit of %q (their constant fields match several), so the fields they should hold are not known", b.ss.Name)
		if none := b.noEmit(); none > 0 && none < int64(b.in.Len()) {
			c.Detail = fmt.Sprintf("not tested: no record can be told to come from one emit of %q (%d match none, the others several), so the fields they should hold are not known", b.ss.Name, none)
		} else if none > 0 {
			c.Test, c.Pass, c.Stat = "exact", false, float64(none)
			c.Detail = fmt.Sprintf("none of the %d records comes from an emit of stream %q (their constant fields match none): the files are not this scenario's output, or hold another stream (--stream)", none, b.ss.Name)
		}
	}
	if len(names) > 0 {
		c.Detail = fmt.Sprintf("no file holds %s, which the scenario writes in %d of these records: a column was dropped, or the files are not this scenario's output",
			strings.Join(names, ", "), n)
	} else if lack, k := b.emitsLacking(emitOf, from, have); len(lack) > 0 {
		c.Pass, c.Stat = false, float64(k)
		c.Detail = strings.Join(lack, "; ") + ": a field was dropped from some records, or the files are not this scenario's output"
	}
	b.r.Checks = append(b.r.Checks, c)
}

// emitsByPresence attributes to one emit each record whose constant
// fields match several (none tells the stream's emits apart), by the
// fields it holds: only an emit that writes a top-level field can have
// written a value in it (its absence says nothing: a field may be
// null). -1 where the record's fields still match several emits, or
// none (a field no candidate writes: those are not this check's).
func (b *builder) emitsByPresence() []int {
	out := slices.Clone(b.emitOf)
	writers := fieldWriters(b.ss)
	var tell []string // fields some emits write and others do not
	for f, k := range writers {
		if k < len(b.ss.Emits) {
			tell = append(tell, f)
		}
	}
	if len(tell) == 0 {
		return out
	}
	sort.Strings(tell)
	has := b.in.Present(tell) // read with the others in the first pass
	memo := map[string]int{}
	var key []byte
	for i := range out {
		c := b.candOf[i]
		if out[i] >= 0 || len(b.cands[c]) < 2 {
			continue
		}
		key = strconv.AppendInt(key[:0], int64(c), 10)
		for j := range tell {
			if has[j][i] {
				key = append(key, ',')
				key = strconv.AppendInt(key, int64(j), 10)
			}
		}
		e, ok := memo[string(key)]
		if !ok {
			e = -1
			var set []int
			for _, ei := range b.cands[c] {
				fits := true
				for j, f := range tell {
					if has[j][i] && !slices.Contains(b.ss.Emits[ei].Fields, f) {
						fits = false
						break
					}
				}
				if fits {
					set = append(set, ei)
				}
			}
			if len(set) == 1 {
				e = set[0]
			}
			memo[string(key)] = e
		}
		out[i] = e
	}
	return out
}

// fieldWriters counts, per top-level field, the emits of the stream that
// write it.
func fieldWriters(ss *engine.StreamSpec) map[string]int {
	writers := map[string]int{}
	for _, e := range ss.Emits {
		for _, f := range slices.Compact(slices.Sorted(slices.Values(e.Fields))) {
			writers[f]++
		}
	}
	return writers
}

// emitsLacking looks for each emit's fields in its own records (emitOf;
// from counts them): a field that the files hold (have) but none of an
// emit's records does was dropped from them. Only the fields that
// another emit writes too need looking for: a value in a field that one
// emit alone writes is that emit's. Constant fields single out their
// emits' records (they hold them), and a field = experiment.X.group is
// null outside X's window, so neither is looked for. It says, per emit
// lacking a field, which, and counts their records.
func (b *builder) emitsLacking(emitOf []int, from map[int]int64, have map[string]bool) ([]string, int64) {
	if len(b.ss.Emits) < 2 || len(from) == 0 {
		return nil, 0
	}
	writers := fieldWriters(b.ss)
	group := map[string]bool{}
	for _, xf := range b.ss.Experiments {
		if len(xf.GroupPath) == 1 {
			group[xf.GroupPath[0]] = true
		}
	}
	look := func(e int, f string) bool {
		_, isConst := b.ss.Emits[e].Constants[f]
		return have[f] && writers[f] > 1 && !isConst && !group[f]
	}
	var fields []string
	seen := map[string]bool{}
	for e := range from {
		for _, f := range b.ss.Emits[e].Fields {
			if look(e, f) && !seen[f] {
				seen[f] = true
				fields = append(fields, f)
			}
		}
	}
	if len(seen) == 0 {
		return nil, 0
	}
	has := b.in.Present(fields) // read with the others in the first pass
	var out []string
	var n int64
	for e := range b.ss.Emits { // in the stream's order
		if from[e] == 0 {
			continue
		}
		var lacks, maybe []string
		for _, f := range b.ss.Emits[e].Fields {
			if !look(e, f) || slices.Contains(lacks, f) || slices.Contains(maybe, f) {
				continue
			}
			vals := has[slices.Index(fields, f)]
			held := false
			for i, v := range vals {
				if v && emitOf[i] == e {
					held = true
					break
				}
			}
			switch {
			case held:
			case slices.Contains(b.ss.Emits[e].Sure, f):
				lacks = append(lacks, f)
			default:
				// Its expression may be null (ctx.query before any
				// search sets it): absent from every record is no proof.
				maybe = append(maybe, f)
			}
		}
		em := b.ss.Emits[e]
		if len(maybe) > 0 {
			b.note("state %q of flow %q writes %s, which none of its %d records holds (other states' records do): null in all of them, as its expression may be, or dropped from them",
				em.State, em.Flow, strings.Join(maybe, ", "), from[e])
		}
		if len(lacks) > 0 {
			out = append(out, fmt.Sprintf("state %q of flow %q writes %s, which none of its %d records holds (other states' records do)", em.State, em.Flow, strings.Join(lacks, ", "), from[e]))
			n += from[e]
		}
	}
	return out, n
}

// noEmit counts the records that no emit of the stream can produce.
func (b *builder) noEmit() int64 {
	var n int64
	for i := range b.candOf {
		if len(b.cands[b.candOf[i]]) == 0 {
			n++
		}
	}
	return n
}

// unexposedGroups gives, for each top-level field = experiment.X.group
// that the files lack (have), the emits writing it when no record of
// theirs (emitOf, per record) lies in X's window (during): the group is
// null in all of them.
func (b *builder) unexposedGroups(have map[string]bool, emitOf []int) map[string][]int {
	var out map[string][]int
	for _, xf := range b.ss.Experiments {
		if len(xf.GroupPath) != 1 || have[xf.GroupPath[0]] {
			continue
		}
		for _, x := range b.spec.Experiments {
			if x.Name != xf.Experiment || x.To == 0 {
				continue
			}
			writes := func(i int) bool { return emitOf[i] >= 0 && slices.Contains(xf.GroupEmits, emitOf[i]) }
			if b.exposed(x, writes) {
				continue
			}
			if out == nil {
				out = map[string][]int{}
			}
			out[xf.GroupPath[0]] = append(out[xf.GroupPath[0]], xf.GroupEmits...)
		}
	}
	return out
}

// exposed says whether a record that keep selects may lie in experiment
// x's window: the window meets the written one, and, when the records
// tell their time, one of them lies in it.
func (b *builder) exposed(x engine.ExperimentSpec, keep func(i int) bool) bool {
	if x.To == 0 {
		return true
	}
	from, to := b.window()
	if x.To <= from || x.From >= to {
		return false
	}
	times, hasT := b.times, b.hasT
	if times == nil && b.ss.TimeField != "" {
		times, hasT = b.in.Times(b.ss.TimeField)
	}
	if times == nil {
		return true // cannot tell
	}
	for i := range times {
		if hasT[i] && times[i] >= x.From && times[i] < x.To && keep(i) {
			return true
		}
	}
	return false
}

// flowsOf says whether every emit record i may come from is in flows.
func (b *builder) onlyFrom(i int, flows map[string]bool) bool {
	set := b.cands[b.candOf[i]]
	for _, ei := range set {
		if !flows[b.ss.Emits[ei].Flow] {
			return false
		}
	}
	return len(set) > 0
}

// gof runs a chi-square goodness-of-fit test of counts against declared
// probabilities; values outside the declaration fail the check outright.
func (b *builder) gof(kind Kind, name string, labels []string, probs []float64, counts []int64, other int64) Check {
	c := Check{Kind: kind, Name: name, Test: "chi-square GOF"}
	var n int64
	for _, k := range counts {
		n += k
	}
	c.N = n + other
	total := float64(n + other)
	for i, l := range labels {
		obs := 0.0
		if total > 0 {
			obs = float64(counts[i]) / total
		}
		c.Bars = append(c.Bars, Bar{Label: l, Count: counts[i], Observed: obs, Expected: probs[i]})
	}
	if other > 0 {
		c.Bars = append(c.Bars, Bar{Label: "(undeclared)", Count: other, Observed: float64(other) / total})
		c.Pass, c.P, c.Stat = false, math.NaN(), float64(other)
		c.Test = "exact"
		c.Detail = fmt.Sprintf("%d of %d values were never declared", other, n+other)
		return c
	}
	// Categories declared with probability 0 must stay empty.
	var obs []int64
	var ps []float64
	for i, p := range probs {
		if p > 0 {
			obs = append(obs, counts[i])
			ps = append(ps, p)
		} else if counts[i] > 0 {
			c.Pass, c.P, c.Stat, c.Test = false, math.NaN(), float64(counts[i]), "exact"
			c.Detail = fmt.Sprintf("%d records took %s, declared with probability 0", counts[i], labels[i])
			return c
		}
	}
	if len(ps) < 2 {
		// An exact test: every observation took the one outcome declared
		// with a probability above 0 (any other failed above).
		c.Pass, c.P, c.Test = true, math.NaN(), "exact"
		only := "none declared above probability 0"
		for i, p := range probs {
			if p > 0 {
				only = labels[i]
			}
		}
		if n == 0 {
			c.Detail = fmt.Sprintf("n=0, the only possible outcome %s", only)
		} else {
			c.Detail = fmt.Sprintf("n=%d, all %s, the only possible outcome", n, only)
		}
		return c
	}
	obs, ps, pooled := poolSmall(obs, ps, n)
	if len(ps) < 2 {
		c.Pass, c.P, c.Test = true, math.NaN(), "none"
		c.Detail = fmt.Sprintf("too few observations to test (%d)", n)
		return c
	}
	c.Stat, c.DF, c.P = stats.ChiSquareGOF(obs, ps)
	c.Pass = c.P >= b.opts.Alpha
	c.Detail = fmt.Sprintf("n=%d chi2=%.2f df=%d p=%.3g", n, c.Stat, c.DF, c.P)
	if pooled > 0 {
		c.Detail += fmt.Sprintf(" (%d categories expecting fewer than %d pooled into one)", pooled, minExpected)
	}
	return c
}

// poolSmall merges the categories whose expected count n·p is below
// minExpected into one cell, adding the next rarest until that cell
// expects at least minExpected, so that the chi-square approximation
// holds. The pooling depends on the declaration only, never on the counts.
func poolSmall(obs []int64, ps []float64, n int64) ([]int64, []float64, int) {
	sum := 0.0
	for _, p := range ps {
		sum += p
	}
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ps[order[a]] < ps[order[b]] })
	exp := func(p float64) float64 { return float64(n) * p / sum }
	k := 0
	for k < len(order) && exp(ps[order[k]]) < minExpected {
		k++
	}
	if k == 0 {
		return obs, ps, 0
	}
	poolP := 0.0
	for _, i := range order[:k] {
		poolP += ps[i]
	}
	for k < len(order) && (exp(poolP) < minExpected || k == 1) {
		poolP += ps[order[k]]
		k++
	}
	in := map[int]bool{}
	var poolO int64
	for _, i := range order[:k] {
		in[i] = true
		poolO += obs[i]
	}
	var o2 []int64
	var p2 []float64
	for i := range ps {
		if !in[i] {
			o2 = append(o2, obs[i])
			p2 = append(p2, ps[i])
		}
	}
	if exp(poolP) >= minExpected {
		o2 = append(o2, poolO)
		p2 = append(p2, poolP)
	}
	return o2, p2, k
}

// categoricals checks fields declared as a constant weighted({…}).
func (b *builder) categoricals() {
	for _, e := range b.ss.Emits {
		for _, d := range e.Drawn {
			b.note("flow %q, state %q: %s = %s is not checked: it calls weighted inside another expression or with weights that are not literals, so its distribution depends on the record", e.Flow, e.State, strings.Join(d.Path, "."), engine.Clip(d.Expr, 60))
		}
	}
	for ei, e := range b.ss.Emits {
		for _, cat := range e.Categorical {
			name := strings.Join(cat.Path, ".")
			if len(b.ss.Emits) > 1 {
				name = e.State + ": " + name
			}
			if c, ok := b.selected(Categorical, name, cat.Path); ok {
				b.r.Checks = append(b.r.Checks, c)
				continue
			}
			vals := b.in.Strings(cat.Path) // read where emitOf is ei only
			counts, other := b.count(cat.Outcomes, func(i int) (string, bool) {
				return vals[i], b.emitOf[i] == ei
			})
			c := b.gof(Categorical, name, cat.Outcomes, cat.Probs, counts, other)
			if c.N == 0 && !b.ss.TellsEmits() {
				if alike := b.alikeWith(ei); alike != "" {
					c.Detail = "not tested: no record can be told apart from those of " + alike + " (same constant fields): add a field such as event = state.name"
				}
			}
			b.r.Checks = append(b.r.Checks, c)
		}
	}
}

// selected is the check of a field's shares that is not made because the
// files were chosen by the field's values (Options.Selected).
func (b *builder) selected(kind Kind, name string, path []string) (Check, bool) {
	if len(path) != 1 || b.opts.Selected[path[0]] == "" {
		return Check{}, false
	}
	return Check{Kind: kind, Name: name, Pass: true, P: math.NaN(), Test: "none",
		Detail: "not tested: the files given hold the records of " + b.opts.Selected[path[0]] + " only, chosen by the field's value"}, true
}

// alikeWith names the other emits that records which may be emit ei's
// may also be (their constant fields match both), or "" when none is.
func (b *builder) alikeWith(ei int) string {
	others := map[int]bool{}
	seen := make([]bool, len(b.cands))
	for _, c := range b.candOf {
		if seen[c] {
			continue
		}
		seen[c] = true
		if set := b.cands[c]; slices.Contains(set, ei) {
			for _, o := range set {
				others[o] = o != ei
			}
		}
	}
	var names []string
	for o, ok := range others {
		if ok {
			e := b.ss.Emits[o]
			names = append(names, fmt.Sprintf("state %q of flow %q", e.State, e.Flow))
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// count tallies values of the records sel keeps; a missing value (null)
// is counted as other only when the declaration has no such outcome.
func (b *builder) count(outcomes []string, sel func(i int) (string, bool)) ([]int64, int64) {
	idx := map[string]int{}
	for i, o := range outcomes {
		idx[o] = i
	}
	counts := make([]int64, len(outcomes))
	var other int64
	for i := 0; i < b.in.Len(); i++ {
		v, ok := sel(i)
		if !ok {
			continue
		}
		if j, found := idx[v]; found {
			counts[j]++
		} else {
			other++
		}
	}
	return counts, other
}

// actorShares checks actor attributes declared as weighted({…}) over the
// distinct actors seen.
func (b *builder) actorShares() {
	if len(b.ss.ActorCategoricals) == 0 {
		return
	}
	if b.ss.ActorField == "" {
		b.note("attribute shares not checked: no field identifies the actor")
		return
	}
	actors := b.in.Strings([]string{b.ss.ActorField})
	for _, cat := range b.ss.ActorCategoricals {
		name := strings.Join(cat.Path, ".") + " per " + b.ss.ActorField
		if c, ok := b.selected(ActorShare, name, cat.Path); ok {
			b.r.Checks = append(b.r.Checks, c)
			continue
		}
		// The emits that write the attribute with the actor's own field:
		// another emit may write the same field (a trip's driver_id)
		// without it.
		own := func(ei int) bool { return slices.Contains(cat.Emits, ei) && b.ss.Emits[ei].Actor == b.ss.ActorField }
		// Records are told apart by their constant fields. When another
		// emit writes the attribute's field as a constant (a device row
		// with type = "desktop" beside those with type = device.type),
		// the records holding that value cannot be told apart, whatever
		// their other fields: telling them apart by it would keep every
		// other value and none of that one. The records are then told
		// apart without the field, and the values it may hold there are
		// left out of the test (censored), each actor's alike.
		candOf, cands := b.candOf, b.cands
		var censored []string // values another emit writes as a constant
		by := map[string][]string{}
		if len(cat.Path) == 1 {
			for ei, e := range b.ss.Emits {
				if v, ok := e.Constants[cat.Path[0]]; ok && !own(ei) && !slices.Contains(censored, v) {
					censored = append(censored, v)
				}
			}
		}
		if censored != nil {
			// Only the values of emits whose records can be mistaken for
			// the actor's own (their other constant fields match): a
			// state field tells the others apart.
			candOf, cands, _ = b.match(cat.Path[0])
			var mixed []string
			for _, set := range cands {
				if !slices.ContainsFunc(set, own) {
					continue
				}
				for _, ei := range set {
					e := b.ss.Emits[ei]
					v, ok := e.Constants[cat.Path[0]]
					if !ok || own(ei) {
						continue
					}
					if !slices.Contains(mixed, v) {
						mixed = append(mixed, v)
					}
					if at := e.Flow + "." + e.State; !slices.Contains(by[v], at) {
						by[v] = append(by[v], at)
					}
				}
			}
			censored = mixed
			if censored == nil {
				candOf, cands = b.candOf, b.cands
			}
		}
		// A record that holds a value in the field comes from an emit that
		// writes the field: the others are dropped from its candidates
		// (a state's emit that alone writes tier = user.tier beside one
		// that writes no tier, with no constant field to tell them apart).
		if !b.ss.TellsEmits() {
			candOf, cands = b.byPresence(candOf, cands, cat.Path)
		}
		// Each actor's first record among those that can come only from
		// the actor's own emits, or else from emits that write the field
		// as a constant (whose values are left out).
		writes := make([]bool, len(cands))
		for c, set := range cands {
			writes[c] = slices.ContainsFunc(set, own)
			for _, ei := range set {
				if _, isConst := b.ss.Emits[ei].Constants[cat.Path[0]]; !own(ei) && !(censored != nil && isConst) {
					writes[c] = false
				}
			}
		}
		// Actors that reached only a later state, or a flow whose
		// sessions read the actor, are no random sample of the entity.
		// (Records of the emits that write the field as a constant are
		// all left out, whoever they came from.)
		ownSets := cands
		if censored != nil {
			ownSets = make([][]int, len(cands))
			for c, set := range cands {
				for _, ei := range set {
					if own(ei) {
						ownSets[c] = append(ownSets[c], ei)
					}
				}
			}
		}
		sample := b.sampleSets(own, cat.Reads, ownSets)
		if sample == nil {
			b.r.Checks = append(b.r.Checks, Check{Kind: ActorShare, Name: name, Pass: true, P: math.NaN(), Test: "none",
				Detail: "not tested: " + b.notSampled(own, "the attribute") + ": the actors seen here may be selected by it"})
			continue
		}
		for c := range writes {
			writes[c] = writes[c] && sample[c]
		}
		vals := b.in.Strings(cat.Path) // read where writes only
		first := make([]bool, len(actors))
		seen := map[string]bool{}
		for i, a := range actors {
			if a != "" && !seen[a] && writes[candOf[i]] && !slices.Contains(censored, vals[i]) {
				seen[a] = true
				first[i] = true
			}
		}
		counts, other := b.count(cat.Outcomes, func(i int) (string, bool) {
			return vals[i], first[i]
		})
		var left []string // declared values left out, and who writes them
		for _, v := range censored {
			if slices.Contains(cat.Outcomes, v) {
				left = append(left, fmt.Sprintf("%s = %s in %s", cat.Path[0], strconv.Quote(v), strings.Join(by[v], ", ")))
			}
		}
		if len(left) == 0 {
			c := b.gof(ActorShare, name, cat.Outcomes, cat.Probs, counts, other)
			if c.N == 0 && !b.ss.TellsEmits() {
				c.Detail = fmt.Sprintf("not tested: no record holding %s can be told to come from an emit that writes the actor's own (their constant fields match several emits of %q): add a field such as event = state.name", strings.Join(cat.Path, "."), b.ss.Name)
			}
			b.r.Checks = append(b.r.Checks, c)
			continue
		}
		// The shares of the values left, renormalised.
		var outcomes []string
		var probs []float64
		var kept []int64
		for j, o := range cat.Outcomes {
			if slices.Contains(censored, o) {
				continue
			}
			outcomes = append(outcomes, o)
			probs = append(probs, cat.Probs[j])
			kept = append(kept, counts[j])
		}
		sum := 0.0
		for _, p := range probs {
			sum += p
		}
		for j := range probs {
			probs[j] /= sum
		}
		var c Check
		if len(outcomes) == 0 || sum == 0 {
			c = Check{Kind: ActorShare, Name: name, Pass: true, P: math.NaN(), Test: "none", Detail: "not tested"}
		} else {
			c = b.gof(ActorShare, name, outcomes, probs, kept, other)
		}
		c.Detail += fmt.Sprintf(" (records holding a value another emit writes as a constant left out, as they cannot be told from the actor's own: %s; the other values' shares renormalised)", strings.Join(left, "; "))
		b.r.Checks = append(b.r.Checks, c)
	}
}

// byPresence refines the candidate emits of each record holding a value
// in the field at path: only the emits with that top-level field can
// have written it.
func (b *builder) byPresence(candOf []int, cands [][]int, path []string) ([]int, [][]int) {
	vals := b.in.Strings(path)
	out := make([]int, len(candOf))
	var sets [][]int
	type key struct {
		c       int
		present bool
	}
	idx := map[key]int{}
	for i, c := range candOf {
		k := key{c, vals[i] != ""}
		j, ok := idx[k]
		if !ok {
			set := cands[c]
			if k.present {
				set = slices.DeleteFunc(slices.Clone(set), func(ei int) bool { return !slices.Contains(b.ss.Emits[ei].Fields, path[0]) })
			}
			j = len(sets)
			sets = append(sets, set)
			idx[k] = j
		}
		out[i] = j
	}
	return out, sets
}

// sampleRecords says, per set of candidate emits, whether its records
// come only from emits that keep holds and that are in the initial state
// of a flow whose sessions are drawn alike for every actor (ReachedAlike):
// the actors of such records are a random sample of the entity, whatever
// their attributes and groups. Nil when no emit of the stream qualifies.
//
// reads (non-nil) is what the tested value is computed from of the actor
// (engine.Categorical.Reads): a flow whose sessions are drawn per actor
// from other attributes only (FlowSpec.DrawnReads shares nothing with
// reads) samples the actors alike for it too, as an actor's attributes
// are independent draws of its stream (a device drawn beside a segment
// that sets the arrival rate).
func (b *builder) sampleRecords(keep func(ei int) bool, reads []string) []bool {
	return b.sampleSets(keep, reads, b.cands)
}

// sampleSets is sampleRecords for the candidate sets cands.
func (b *builder) sampleSets(keep func(ei int) bool, reads []string, cands [][]int) []bool {
	alike := func(f engine.FlowSpec) bool {
		if f.ReachedAlike {
			return true
		}
		if reads == nil || f.DrawnReads == nil {
			return false
		}
		for _, r := range reads {
			if slices.Contains(f.DrawnReads, r) {
				return false
			}
		}
		return true
	}
	ok := make([]bool, len(b.ss.Emits))
	found := false
	for ei, e := range b.ss.Emits {
		for _, f := range b.spec.Flows {
			if f.Name == e.Flow && (f.Initial == e.State || reachedAlike(f, e)) && alike(f) && keep(ei) {
				ok[ei], found = true, true
			}
		}
	}
	if !found {
		return nil
	}
	out := make([]bool, len(cands))
	for c, set := range cands {
		out[c] = len(set) > 0
		for _, ei := range set {
			out[c] = out[c] && ok[ei]
		}
	}
	return out
}

// reachedAlike says whether every run of emit e's state writes one
// record, in a state whose reaching reads nothing of the actor
// (engine.StateSpec.ReachedAlike).
func reachedAlike(f engine.FlowSpec, e engine.EmitSpec) bool {
	for _, st := range f.States {
		if st.Name == e.State {
			return st.ReachedAlike && !e.ForEach
		}
	}
	return false
}

// notSampled says why no record of the emits keep selects is from the
// initial state of a flow whose sessions are drawn alike for every actor
// (sampleRecords found none): which flows write them in their initial
// state but draw their sessions per actor, and which later states write
// them. by names what the selection may depend on.
func (b *builder) notSampled(keep func(ei int) bool, by string) string {
	var drawn, flows []string
	later := map[string][]string{} // flow → its later states that write it
	for ei, e := range b.ss.Emits {
		if !keep(ei) {
			continue
		}
		for _, f := range b.spec.Flows {
			switch {
			case f.Name != e.Flow:
			case f.Initial == e.State:
				why := fmt.Sprintf("flow %q writes it in its initial state %q but draws its sessions per actor (%s), so whether an actor has a session may depend on %s", f.Name, f.Initial, f.DrawnPerActor, by)
				if !slices.Contains(drawn, why) {
					drawn = append(drawn, why)
				}
			case !slices.Contains(later[f.Name], e.State):
				if later[f.Name] == nil {
					flows = append(flows, f.Name)
				}
				later[f.Name] = append(later[f.Name], e.State)
			}
		}
	}
	if len(drawn) > 0 {
		// Its initial state writes it: the later states are no cause.
		return strings.Join(drawn, "; ")
	}
	if len(flows) == 0 {
		return fmt.Sprintf("no emit of %q writes it with the actor's own field", b.ss.Name)
	}
	var in, whys []string
	for _, f := range flows {
		in = append(in, fmt.Sprintf("flow %q: %s", f, strings.Join(later[f], ", ")))
		for _, fs := range b.spec.Flows {
			if fs.Name != f {
				continue
			}
			for _, st := range fs.States {
				w := st.ReachedWhy
				if w == "" && !fs.ReachedAlike {
					w = fmt.Sprintf("flow %q draws its sessions per actor (%s)", f, fs.DrawnPerActor)
				}
				if slices.Contains(later[f], st.Name) && w != "" && !slices.Contains(whys, w) {
					whys = append(whys, w)
				}
			}
		}
	}
	if len(whys) > 0 {
		return fmt.Sprintf("it is written only after the initial state (%s), in states reached in a way that may read %s: %s", strings.Join(in, "; "), by, strings.Join(whys, "; "))
	}
	return fmt.Sprintf("it is written only after the initial state (%s), in states reached with probabilities that may read %s", strings.Join(in, "; "), by)
}

// timeOrder checks that each file holds its records in time order, as a
// run writes every file: a shuffled or concatenated-out-of-order file
// fails here. A run orders records by event time: when an emit of the
// stream writes the time field with another time (at = session.start),
// only the records that can come only from emits holding event.time
// there are compared.
func (b *builder) timeOrder() {
	if b.times == nil {
		return
	}
	holds := make([]bool, len(b.ss.Emits)) // the emit writes event.time in TimeField
	mixed := false
	for ei, e := range b.ss.Emits {
		holds[ei] = slices.Contains(e.Times, b.ss.TimeField)
		if !holds[ei] && slices.Contains(e.Fields, b.ss.TimeField) {
			mixed = true
		}
	}
	eventTime := make([]bool, len(b.cands)) // records of this set hold event.time
	for c, set := range b.cands {
		eventTime[c] = len(set) > 0
		for _, ei := range set {
			eventTime[c] = eventTime[c] && holds[ei]
		}
	}
	var late, n int64
	var first string
	start := 0
	for f, end := range b.in.FileEnds() {
		prev, have := int64(0), false
		for i := start; i < end; i++ {
			if !b.hasT[i] || mixed && !eventTime[b.candOf[i]] {
				continue
			}
			n++
			if have && b.times[i] < prev {
				if late == 0 {
					first = fmt.Sprintf("%s, record %d", b.in.Files[f], i-start+1)
				}
				late++
			}
			prev, have = b.times[i], true
		}
		start = end
	}
	c := Check{Kind: TimeOrder, Name: "records in time order in each file (" + b.ss.TimeField + ")", Pass: late == 0, N: n, Stat: float64(late), P: math.NaN(), Test: "exact",
		Detail: fmt.Sprintf("%d of %d records come before the record above them", late, n)}
	if late > 0 {
		c.Detail += fmt.Sprintf(" (first: %s): a run writes each file in time order; this one was reordered", first)
	}
	if mixed {
		c.Detail += fmt.Sprintf(" (records of emits that write %s as event.time; others write another time there)", b.ss.TimeField)
	}
	b.r.Checks = append(b.r.Checks, c)
}

// sessions groups records by session, each in (time, file) order.
func (b *builder) sessions() {
	if b.ss.TimeField == "" {
		b.note("no field holds event.time: time and session checks skipped")
		return
	}
	b.times, b.hasT = b.in.Times(b.ss.TimeField)
	if b.ss.SessionField == "" {
		b.note("no field identifies the session (session.id): session and transition checks skipped")
		return
	}
	idOf := b.sessionIDs()
	byID := map[string]map[string]int{} // field → value → session
	var lastF string
	var byV map[string]int
	for i := 0; i < b.in.Len(); i++ {
		id := idOf(i)
		if id.v == "" || !b.hasT[i] {
			continue
		}
		if byV == nil || id.f != lastF {
			lastF, byV = id.f, byID[id.f]
			if byV == nil {
				byV = make(map[string]int, b.in.Len()/4)
				byID[id.f] = byV
			}
		}
		s, ok := byV[id.v]
		if !ok {
			s = len(b.sess)
			byV[id.v] = s
			b.sess = append(b.sess, nil)
		}
		b.sess[s] = append(b.sess[s], i)
	}
	if b.ss.SessionByActor && !b.actorSessions() {
		b.sess = nil
		return
	}
	b.r.Sessions = len(b.sess)
	b.next = make([]int, b.in.Len())
	for i := range b.next {
		b.next[i] = -3 // not in a session
	}
	for _, s := range b.sess {
		slices.SortStableFunc(s, func(x, y int) int { return cmp.Compare(b.times[x], b.times[y]) })
		for k, i := range s {
			b.next[i] = -1
			if k+1 < len(s) {
				b.next[i] = s[k+1]
			}
		}
	}
	// Censoring: what follows a record close to the window's end may
	// have been cut by it, so no record there counts as a transition
	// (dropping only sessions' last records would bias towards
	// continuing). Close is within the margin, or within twice the
	// longest gap seen between consecutive records of a session of the
	// flow: a lifecycle flow's states may wait days, and the next record
	// after one a week before the end may never have been written.
	longest := map[string]int64{} // flow → longest gap; "": any flow
	after := map[int]int64{}      // emit → longest gap after its records
	flowOf := func(s []int) string {
		for _, i := range s {
			if ei := b.emitOf[i]; ei >= 0 {
				return b.ss.Emits[ei].Flow
			}
		}
		return ""
	}
	for _, s := range b.sess {
		f := flowOf(s)
		for k := 1; k < len(s); k++ {
			g := b.times[s[k]] - b.times[s[k-1]]
			longest[f] = max(longest[f], g)
			longest[""] = max(longest[""], g)
			if ei := b.emitOf[s[k-1]]; ei >= 0 {
				after[ei] = max(after[ei], g)
			}
		}
	}
	chains := map[string]*chain{}
	for i := range b.spec.Flows {
		chains[b.spec.Flows[i].Name] = b.chainOf(&b.spec.Flows[i])
	}
	b.lead = map[string]int64{}
	for f, g := range longest {
		b.lead[f] = 2 * g
	}
	for _, s := range b.sess {
		f := flowOf(s)
		// The margin is the state's: what may follow a record is its
		// own state's next record (through the states between that write
		// none), so a state waiting days does not censor the records of
		// one whose next record comes within the hour (a 30-day window
		// whose shipped orders wait up to 20 days for a review read no
		// transition at all, paid → shipped included). A record whose
		// emit is not known takes the flow's longest gap.
		//
		// When the time between a session's runs is bounded above (its
		// gaps and delays are constants and no constraint moves its
		// events), the next record comes at most maxSilent + 1 of those
		// steps later: only the records within that of the end are
		// censored, when that is less than the margin above (a sensor
		// reading every 10 minutes, reported one daily partition at a
		// time, had every record censored by the one-day margin).
		ch := chains[f]
		var step int64 = -1
		if ch != nil && ch.flow.MaxStep >= 0 && ch.maxSilent >= 0 && len(ch.forEach) == 0 {
			// (and a second: a time written to the second only)
			step = int64(ch.maxSilent+1)*ch.flow.MaxStep + 1000
		}
		for _, i := range s {
			g := longest[f]
			if ei := b.emitOf[i]; ei >= 0 {
				g = after[ei]
			}
			margin := max(b.opts.CensorMargin, 2*g)
			if ei := b.emitOf[i]; ei >= 0 && step >= 0 && b.ss.Emits[ei].Flow == f {
				margin = min(margin, step)
			}
			if _, to := b.spanAt(b.times[i]); b.times[i] >= to-margin {
				b.next[i] = -2
			}
		}
		// A run with --from wrote only the records from then on: a
		// session already running then shows its later records only,
		// the first of them less than one of its gaps after --from. Its
		// runs before are unknown, so whether max_events cut it is too.
		// A session whose first record is its initial state's, which no
		// transition leads back to, began here: its runs are known.
		early := b.runningAtFrom(s, f) && !(ch != nil && b.startsSession(s[0], ch.flow))
		// A session that max_events ended was ended by the cap, not by a
		// transition: its last record counts in none. The cap counts
		// state runs, those that write no record here too. A session
		// running at --from may have been cut after any of its records
		// (their places in it are not known): none of them counts.
		// Censoring its last record only would drop the sessions that
		// ended and keep those that went on (an impression followed by
		// a click counted, one that ended the session not): censored by
		// outcome, the rates read high.
		switch {
		case ch == nil:
		case early && ch.capMayCut(math.MaxInt32):
			// Its runs before here are not known, but they are bounded:
			// the session began at the scenario start at the earliest,
			// and its runs are at least the flow's least gap or delay
			// apart (a sensor's one session a week long, a reading every
			// 10 minutes, cannot reach max_events = 1000000). A record
			// after which the cap cannot have been reached counts.
			for _, i := range s {
				if may, why := ch.capReachable(b.times[i], b.spec.Start); may {
					b.next[i] = -2
					if b.capWhy == nil {
						b.capWhy = map[string]string{}
					}
					if _, ok := b.capWhy[f]; !ok && why != "" {
						b.capWhy[f] = why
					}
				}
			}
		case ch.capUnknown():
			// Any session's end may be the cap's: its last record
			// counts in none, and the states that may go to end are
			// not checked (transitions, metric).
			b.next[s[len(s)-1]] = -2
		default:
			// From the first record after which the cap may have cut
			// the session, whether or not it went on: a record's place
			// in its session decides, not what followed it. (With
			// states that write no record, the records after which the
			// cap may have cut a session are not its last one only.)
			for k, i := range s {
				if ch.capMayCut(k + 1) {
					b.next[i] = -2
				}
			}
		}
	}
	for _, f := range slices.Sorted(maps.Keys(b.capWhy)) {
		b.note("flow %q: the records of sessions already running at the start of the files' window count in no transition from where the cap may have cut them: %s", f, b.capWhy[f])
	}
}

// window is the written window [from, to): the run's --from and --to
// (engine.Plan.IntrospectWindow), or the scenario's start and end.
func (b *builder) window() (from, to int64) {
	from, to = b.spec.From, b.spec.To
	if from == 0 {
		from = b.spec.Start
	}
	if to == 0 {
		to = b.spec.End
	}
	return from, to
}

// spanAt is the part of the written window (Options.Spans) that holds
// time t, or the last one before it; the window when it is one.
func (b *builder) spanAt(t int64) (from, to int64) {
	sp := b.spans()[b.spanIndex(t)]
	return sp[0], sp[1]
}

// spanIndex is the index in spans of the part holding time t, or of the
// last one before it (0 before the first).
func (b *builder) spanIndex(t int64) int {
	k := 0
	for j, sp := range b.opts.Spans {
		if sp[0] > t {
			break
		}
		k = j
	}
	return k
}

// spans are the parts of the written window that the records cover
// (Options.Spans), or the window.
func (b *builder) spans() [][2]int64 {
	if len(b.opts.Spans) > 0 {
		return b.opts.Spans
	}
	from, to := b.window()
	return [][2]int64{{from, to}}
}

// runningAtFrom says whether session s (of flow f) may have begun before
// the written window (or the part of it that holds its first record,
// Options.Spans): the run had --from, and its first record lies less
// than twice the flow's longest gap between records after it.
func (b *builder) runningAtFrom(s []int, flow string) bool {
	from, _ := b.spanAt(b.times[s[0]])
	return from > b.spec.Start && b.times[s[0]] < from+b.lead[flow]
}

// startsSession says whether record i, the first of its session here,
// is the session's start: a record of flow f's initial state, which no
// transition leads back to.
func (b *builder) startsSession(i int, f *engine.FlowSpec) bool {
	ei := b.emitOf[i]
	return ei >= 0 && !f.InitialReentered && b.ss.Emits[ei].Flow == f.Name && b.ss.Emits[ei].State == f.Initial
}

// sessionIDs is each record's session (v "" when none): the value of
// the field its emit writes session.id to, with the field's name.
// Flows writing one stream may name that field differently (shift_id in
// one, trip_id in another); a record that may come from several emits
// takes the first of their fields that it holds.
func (b *builder) sessionIDs() func(i int) sessionID {
	fieldOf := func(ei int) string {
		if b.ss.SessionByActor {
			return b.ss.SessionField
		}
		return b.ss.Emits[ei].Session
	}
	cols := map[string][]string{}
	var all []string // every emit's field, the stream's first
	for ei := range b.ss.Emits {
		if f := fieldOf(ei); f != "" && cols[f] == nil {
			cols[f] = b.in.Strings([]string{f})
			all = append(all, f)
		}
	}
	slices.SortStableFunc(all, func(x, y string) int {
		switch b.ss.SessionField {
		case x:
			return -1
		case y:
			return 1
		}
		return 0
	})
	fieldsOf := make([][]string, len(b.cands))
	for c, set := range b.cands {
		for _, ei := range set {
			if f := fieldOf(ei); f != "" && !slices.Contains(fieldsOf[c], f) {
				fieldsOf[c] = append(fieldsOf[c], f)
			}
		}
		if len(set) == 0 {
			fieldsOf[c] = all
		}
	}
	return func(i int) sessionID {
		for _, f := range fieldsOf[b.candOf[i]] {
			if v := cols[f][i]; v != "" {
				return sessionID{f, v}
			}
		}
		return sessionID{}
	}
}

// sessionID is a record's session: the field that names it and its
// value ("" when none).
type sessionID struct{ f, v string }

// actorSessions checks the sessions grouped by the actor's field, for a
// stream whose flow runs one session per actor: the field was found
// unique per actor by its declaration (built from index), which a child
// entity's index (counted within its parent) does not promise. An actor's
// one session runs its initial state once, unless a transition leads back
// to it: a group with more of the initial state's records than its emits
// write holds several actors, and session checks would read their records
// as one session's.
func (b *builder) actorSessions() bool {
	var f *engine.FlowSpec
	for i := range b.spec.Flows {
		if len(b.ss.Emits) > 0 && b.spec.Flows[i].Name == b.ss.Emits[0].Flow {
			f = &b.spec.Flows[i]
		}
	}
	if f == nil {
		return false
	}
	if !f.InitialReentered {
		per := 0 // records one run of the initial state writes
		each := false
		for _, e := range b.ss.Emits {
			if e.State == f.Initial {
				per++
				each = each || e.ForEach
			}
		}
		if each {
			// A for_each emit writes any number of records, all at the
			// run's time: the runs are the distinct times.
			per = 1
		}
		for _, s := range b.sess {
			n := 0
			times := map[int64]bool{}
			for _, i := range s {
				if ei := b.emitOf[i]; ei >= 0 && b.ss.Emits[ei].State == f.Initial {
					if each {
						if times[b.times[i]] {
							continue
						}
						times[b.times[i]] = true
					}
					n++
				}
			}
			if n > per {
				what := "records"
				if each {
					what = "runs (records at distinct times)"
				}
				b.note("%s does not tell flow %q's actors apart (%s %s has %d %s of the initial state %q): session and transition checks skipped",
					b.ss.SessionField, f.Name, b.ss.SessionField, b.in.Strings([]string{b.ss.SessionField})[s[0]], n, what, f.Initial)
				return false
			}
		}
	}
	b.note("sessions told apart by %s: flow %q runs one session per actor", b.ss.SessionField, f.Name)
	return true
}

// censorConstraintCuts keeps sessions that a constraint cut from counting
// as transitions. An event in quiet hours, or past max_per_day, is dropped
// and its session ends there: the record before it looks like a session
// that chose to end. So, for the records of a constraint's flows, what
// follows these does not count (as for records near the window's end):
// every record less than the largest gap seen within a session before
// the quiet hours start (the record before a dropped event, whichever it
// was, lies there), and the last record of an actor's local day that
// reached max_per_day.
func (b *builder) censorConstraintCuts() {
	if b.sess == nil || len(b.spec.Constraints) == 0 {
		return
	}
	var actors []string
	if b.ss.ActorField != "" {
		actors = b.in.Strings([]string{b.ss.ActorField})
	}
	for _, k := range b.spec.Constraints {
		inFlow := map[string]bool{}
		for _, f := range k.Flows {
			inFlow[f] = true
		}
		// A constraint over some states counts and drops their events
		// only: a checkout whose payment it dropped ends its session.
		// listed tells their records (nil: every event of the flows).
		var listed func(i int) bool
		if len(k.States) > 0 {
			l, problem := b.listedStates(k)
			if problem != "" {
				if k.Quiet || k.MaxPerDay > 0 {
					for i := range b.next {
						if b.next[i] != -3 && b.onlyFrom(i, inFlow) {
							b.next[i] = -2
						}
					}
					b.note("constraint %q: its quiet_hours or max_per_day drop events of states %s, and %s, so the sessions it cut cannot be told from those that ended: the transitions of its flows are not checked", k.Name, strings.Join(k.States, ", "), problem)
				}
				continue
			}
			listed = l
		}
		// Local times on the flows' clock: each actor's own zone with a
		// per-actor session zone, as the run applies the constraint. A
		// record whose local time is unknown may be the one before a cut:
		// what follows it does not count.
		clk, problem := b.clockOf(k.Flows)
		if problem != "" && (k.Quiet || k.MaxPerDay > 0) {
			for i := range b.next {
				if b.next[i] != -3 && b.onlyFrom(i, inFlow) {
					b.next[i] = -2
				}
			}
			b.note("constraint %q: the sessions its quiet_hours or max_per_day cut cannot be told from those that ended (%s): the transitions of its flows are not checked", k.Name, problem)
			continue
		}
		if k.Quiet {
			var maxGap int64
			for _, s := range b.sess {
				if !b.onlyFrom(s[0], inFlow) {
					continue
				}
				for j := 1; j < len(s); j++ {
					maxGap = max(maxGap, b.times[s[j]]-b.times[s[j-1]])
				}
			}
			for _, s := range b.sess {
				if !b.onlyFrom(s[0], inFlow) {
					continue
				}
				for _, i := range s {
					lt, known := clk.at(b, i)
					if !known {
						if b.next[i] != -3 {
							b.next[i] = -2
						}
						continue
					}
					m := int64(lt.Hour()*60+lt.Minute())*60000 + int64(lt.Second())*1000 + int64(lt.Nanosecond()/1e6)
					// The time until the quiet hours start, on the local
					// clock (a day ahead when they start earlier today).
					until := (int64(k.QuietFrom)*60000 - m + dayMs) % dayMs
					if until <= maxGap && b.next[i] != -3 {
						b.next[i] = -2
					}
				}
			}
		}
		if k.MaxPerDay > 0 && (actors == nil || listed == nil && !b.oneRecordPerEvent(inFlow)) {
			// max_per_day counts every event of the listed flows, per
			// actor: when the records name no actor, or a state of these
			// flows writes no record to this stream (a flow of another
			// stream, a silent state) or several, a day's count is not
			// known, so any record may be the one after which the cap cut
			// its session. Censoring only the days' last records would
			// drop only ends (and bias the test towards continuing):
			// these transitions are not tested instead.
			for i := range b.next {
				if b.next[i] != -3 && b.onlyFrom(i, inFlow) {
					b.next[i] = -2
				}
			}
			why := "no field identifies the actor"
			if actors != nil {
				why = "the records of this stream are not one per event of flows " + strings.Join(k.Flows, ", ")
			}
			b.note("constraint %q: max_per_day counts each actor's events, but %s, so the sessions its cap cut cannot be told from those that ended: their transitions are not checked", k.Name, why)
			continue
		}
		if k.MaxPerDay > 0 && actors != nil {
			type actorDay struct {
				actor string
				day   int
			}
			recs := map[actorDay][]int{}
			partial := map[actorDay]bool{}
			unknown := map[string]bool{} // actors with a record whose zone is unknown
			for i, a := range actors {
				if a == "" || !b.hasT[i] || !b.onlyFrom(i, inFlow) {
					continue
				}
				if _, known := clk.at(b, i); !known {
					unknown[a] = true
				}
			}
			for i, a := range actors {
				if a == "" || !b.hasT[i] || !b.onlyFrom(i, inFlow) {
					continue
				}
				if unknown[a] {
					// Its local days are not known: any record may be
					// the last of a day that reached the cap.
					if b.next[i] != -3 {
						b.next[i] = -2
					}
					continue
				}
				lt, _ := clk.at(b, i)
				y, mo, d := lt.Date()
				key := actorDay{a, (y*12+int(mo))*31 + d}
				// A day that began before --from (or the start of the
				// part of the window holding the record): its earlier
				// events were not written, so its count is not known.
				from, _ := b.spanAt(b.times[i])
				partial[key] = partial[key] || from > b.spec.Start && time.Date(y, mo, d, 0, 0, 0, 0, lt.Location()).UnixMilli() < from
				recs[key] = append(recs[key], i)
			}
			for key, l := range recs {
				sort.SliceStable(l, func(x, y int) bool { return b.times[l[x]] < b.times[l[y]] })
				// From the event that reached the cap on, the next
				// counted event was dropped and its session ended: what
				// follows these records does not count. Without states
				// every event counts, so that is the day's last record.
				cut := len(l)
				var n int64
				for j, i := range l {
					if listed == nil || listed(i) {
						n++
					}
					if n >= k.MaxPerDay {
						cut = j
						break
					}
				}
				if partial[key] {
					// Any of its records may be the one that reached the
					// cap: none counts. (Censoring the day's last record
					// only, when every event counts, dropped the records
					// that ended their session and kept those that went
					// on: censored by outcome.)
					cut = 0
				}
				for _, i := range l[cut:] {
					if b.next[i] != -3 {
						b.next[i] = -2
					}
				}
			}
		}
	}
}

const dayMs = 86400000

// listedStates tells the records of a constraint's listed states (states =
// ["payment"]): those whose emit is of one of them in one of its flows.
// problem says why they cannot be counted as its events: the records do
// not tell their state, or a listed state writes no record here, or
// several per event (a for_each emit, or several emits).
func (b *builder) listedStates(k engine.ConstraintSpec) (listed func(i int) bool, problem string) {
	if !b.ss.TellsEmits() {
		return nil, fmt.Sprintf("the records of %q do not tell which state wrote them", b.ss.Name)
	}
	is := make([]bool, len(b.ss.Emits))
	for _, f := range k.Flows {
		for _, st := range k.States {
			n, each := 0, false
			for ei, e := range b.ss.Emits {
				if e.Flow == f && e.State == st {
					n++
					each = each || e.ForEach
					is[ei] = true
				}
			}
			switch {
			case n == 0:
				if b.flowHasState(f, st) {
					return nil, fmt.Sprintf("state %q of flow %q writes no record to %q", st, f, b.ss.Name)
				}
			case n > 1 || each:
				return nil, fmt.Sprintf("state %q of flow %q writes %s to %q", st, f, severalWhy(n), b.ss.Name)
			}
		}
	}
	return func(i int) bool { return b.emitOf[i] >= 0 && is[b.emitOf[i]] }, ""
}

// flowHasState says whether the flow has the state.
func (b *builder) flowHasState(flow, state string) bool {
	for _, f := range b.spec.Flows {
		if f.Name == flow {
			for _, st := range f.States {
				if st.Name == state {
					return true
				}
			}
		}
	}
	return false
}

// severalWhy says how a state writes several records per run: n emits,
// or one with for_each.
func severalWhy(n int) string {
	if n > 1 {
		return fmt.Sprintf("%d records per event (one per emit)", n)
	}
	return "one record per element of its emit's for_each list (several, or none)"
}

// severalPerEvent reports whether a state of the flows in inFlow may
// write several records to the stream in one run: several emits into it,
// or one with for_each.
func (b *builder) severalPerEvent(inFlow map[string]bool) bool {
	n := map[[2]string]int{}
	for _, e := range b.ss.Emits {
		if !inFlow[e.Flow] {
			continue
		}
		if e.ForEach {
			return true
		}
		key := [2]string{e.Flow, e.State}
		n[key]++
		if n[key] > 1 {
			return true
		}
	}
	return false
}

// oneRecordPerEvent reports whether every event of the flows in inFlow
// writes exactly one record to the stream: every state of theirs has one
// emit into it. Only then does counting an actor's records count its
// events.
func (b *builder) oneRecordPerEvent(inFlow map[string]bool) bool {
	for name := range inFlow {
		found := false
		for _, f := range b.spec.Flows {
			if f.Name != name {
				continue
			}
			found = true
			for _, st := range f.States {
				n := 0
				for _, e := range b.ss.Emits {
					if e.Flow == f.Name && e.State == st.Name {
						n++
						if e.ForEach {
							return false // a record per element: several, or none
						}
					}
				}
				if n != 1 {
					return false
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// arrivals compares session starts with the flow's arrival profile: the
// first record of each session, or, when records carry no session, every
// record of a flow whose sessions hold one event (max_events = 1) or the
// records of the initial state's one emit when no transition leads back
// to the initial state.
func (b *builder) arrivals() {
	if b.times == nil {
		return
	}
	for _, f := range b.spec.Flows {
		if f.Arrivals == nil {
			continue
		}
		if k := b.minGapOver(f.Name); k != nil {
			if b.writes(f.Name) {
				b.note("flow %q: constraint %q keeps its events %s apart, so a session start that came too close to the actor's previous event was moved later or dropped: session starts follow the events before them as well as the arrival profile, so hour of day and weekday are not checked", f.Name, k.Name, msText(k.MinGap))
			}
			continue
		}
		if k := b.capOverStarts(f); k != nil {
			if b.writes(f.Name) {
				b.note("flow %q: constraint %q drops an actor's %s past %d a local day, so the sessions that would start late on a busy day are missing: session starts lean towards the early hours (and the quieter weekdays) of the arrival profile, so hour of day and weekday are not checked", f.Name, k.Name, capWhat(k), k.MaxPerDay)
			}
			continue
		}
		local, clk, ok := b.flowClock(f)
		if !ok {
			continue
		}
		// The window the starts are compared over: the written one (each
		// part of it, Options.Spans), less its first stretch when a
		// session running at --from may show the initial state first (a
		// transition leads back to it).
		parts := slices.Clone(b.spans())
		for k, p := range parts {
			if b.sess != nil && f.InitialReentered && p[0] > b.spec.Start {
				parts[k][0] = min(p[0]+b.lead[f.Name], p[1])
			}
		}
		var hours [24]int64
		var days [7]int64
		n := 0
		var starts []int
		add := func(i int) {
			if b.times[i] < parts[b.spanIndex(b.times[i])][0] {
				return
			}
			t := local(i)
			h, wd := t.Hour(), (int(t.Weekday())+6)%7
			hours[h]++
			days[wd]++
			n++
			starts = append(starts, i)
		}
		switch {
		case b.sess != nil:
			// A session's first record marks its start only when the
			// initial state writes to this stream: otherwise it was
			// written by a later state, after the delays and gaps in
			// between (a trip's dropoff 90 minutes after the request).
			if !b.initialWrites(f) {
				if b.writes(f.Name) {
					b.note("flow %q: its initial state %q writes no record to %q, so a session's first record here is not its start: hour of day and weekday not checked", f.Name, f.Initial, b.ss.Name)
				}
				continue
			}
			for _, s := range b.sess {
				if ei := b.emitOf[s[0]]; ei >= 0 && b.ss.Emits[ei].Flow == f.Name && b.ss.Emits[ei].State == f.Initial {
					add(s[0])
				}
			}
		case f.MaxEvents == 1:
			only := map[string]bool{f.Name: true}
			starts, why := b.eventStarts(f, func(i int) bool { return b.onlyFrom(i, only) })
			if why != "" {
				b.note("%s", why)
				continue
			}
			for _, i := range starts {
				add(i)
			}
		case !f.InitialReentered && b.initialSeveral(f):
			starts, why := b.eventStarts(f, func(i int) bool {
				ei := b.emitOf[i]
				return ei >= 0 && b.ss.Emits[ei].Flow == f.Name && b.ss.Emits[ei].State == f.Initial
			})
			if why != "" {
				b.note("%s", why)
				continue
			}
			for _, i := range starts {
				add(i)
			}
		case !f.InitialReentered:
			if ei := b.initialEmit(f); ei >= 0 && b.ss.Emits[ei].ForEach {
				b.note("flow %q: its initial state %q writes one record per element of a for_each list, and no field identifies the session, so its records are not one per session start: hour of day and weekday not checked", f.Name, f.Initial)
				continue
			} else if ei >= 0 && b.ss.ActorField == "" {
				b.note("flow %q: no field identifies the actor, so sessions that waited for the previous one to end cannot be told: hour of day and weekday not checked", f.Name)
			} else if ei >= 0 {
				for i := range b.times {
					if b.hasT[i] && b.emitOf[i] == ei {
						add(i)
					}
				}
			}
		}
		if waited, starts := b.postponed(f); starts > 0 && float64(waited) > maxPostponed*float64(starts) {
			b.note("flow %q: %d of %d sessions (%.1f%%) started the moment the actor's previous one ended (an arrival during a session waits for it to end), so session starts follow the sessions' lengths as well as the arrival profile: hour of day and weekday not checked",
				f.Name, waited, starts, 100*float64(waited)/float64(starts))
			continue
		}
		if n == 0 {
			if b.sess == nil && f.MaxEvents == 1 && b.writes(f.Name) {
				b.note("flow %q: its records cannot be told apart from other flows' (same constant fields), so its arrival profile is not checked", f.Name)
			}
			continue
		}
		what := "session starts of flow " + f.Name
		if b.sess == nil && f.MaxEvents == 1 {
			what = "events of flow " + f.Name + " (one per session)"
		} else if b.sess == nil {
			what = "events of flow " + f.Name + " in " + f.Initial + " (one per session)"
		}
		if b.sess == nil && (f.MaxEvents == 1 && b.severalPerEvent(map[string]bool{f.Name: true}) || f.MaxEvents != 1 && b.initialSeveral(f)) {
			what = strings.TrimSuffix(what, ")") + ": the records of one actor at one time are one)"
		}
		hl := make([]string, 24)
		for h := range hl {
			hl[h] = fmt.Sprintf("%02d", h)
		}
		exp := b.expectedArrivals(f, clk, starts, parts)
		c := b.gof(HourOfDay, what, hl, exp.Hour[:], hours[:], 0)
		b.r.Checks = append(b.r.Checks, c)
		actor := b.flowActorField(f.Name)
		if f.Arrivals.ActiveDays && actor == "" {
			b.note("flow %q: its sessions come in active days, and no field identifies the actor to tell them apart: weekday not checked", f.Name)
			continue
		}
		c = b.gof(Weekday, what, []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, exp.Weekday[:], days[:], 0)
		if f.Arrivals.ActiveDays {
			b.clustered(&c, b.actorDays(actor, starts, local), "sessions clustered in actors' active days")
		}
		b.r.Checks = append(b.r.Checks, c)
	}
}

// initialSeveral says whether one run of flow f's initial state may
// write several records to the stream: several emits into it, none of
// them with for_each (a for_each list may also be empty: a run that
// writes no record is not seen, and the starts seen are not the
// arrivals; that case keeps its own note).
func (b *builder) initialSeveral(f engine.FlowSpec) bool {
	n := 0
	for _, e := range b.ss.Emits {
		if e.Flow == f.Name && e.State == f.Initial {
			if e.ForEach {
				return false
			}
			n++
		}
	}
	return n > 1
}

// eventStarts is, for records that carry no session, the session starts
// of flow f among the records that sel picks: one per event. A state that
// writes several records per run (for_each, or several emits into the
// stream) writes them at one time, so the records of one actor at one
// time are one event; counting each as a start weighed every hour and
// weekday by the records per event, clustered, and the chi-square of a
// correct run read several times too large. When no field names the
// actor, the events cannot be told apart: why says so, and no start is
// returned.
func (b *builder) eventStarts(f engine.FlowSpec, sel func(i int) bool) (starts []int, why string) {
	several := b.severalPerEvent(map[string]bool{f.Name: true})
	if f.MaxEvents != 1 {
		several = b.initialSeveral(f)
	}
	if !several {
		for i := range b.times {
			if b.hasT[i] && sel(i) {
				starts = append(starts, i)
			}
		}
		return starts, ""
	}
	per := "several records per event (one per emit into it)"
	for _, e := range b.ss.Emits {
		if e.Flow == f.Name && e.State == f.Initial && e.ForEach {
			per = "one record per element of a for_each list"
		}
	}
	actor := b.flowActorField(f.Name)
	if actor == "" {
		return nil, fmt.Sprintf("flow %q: its state %q writes %s, and no field identifies the session or the actor, so its records cannot be counted as session starts: hour of day and weekday not checked (write session.id, or the actor's id, to a field)", f.Name, f.Initial, per)
	}
	actors := b.in.Strings([]string{actor})
	type event struct {
		actor string
		t     int64
	}
	seen := map[event]bool{}
	for i := range b.times {
		if !b.hasT[i] || !sel(i) || actors[i] == "" {
			continue
		}
		k := event{actors[i], b.times[i]}
		if !seen[k] {
			seen[k] = true
			starts = append(starts, i)
		}
	}
	return starts, ""
}

// expectedArrivals is the expected share of the starts by local hour and
// weekday: the flow's profiles integrated over [from, to) on its clock.
// With a zone per actor (zone = user.tz) each actor's starts follow the
// profiles on its own clock, over the window's local hours there (a
// two-day window is Saturday and Sunday in UTC, but from Saturday 09:00
// to Monday 09:00 in Tokyo): the shares are the mixture of each zone's,
// weighted by the starts seen in it. (Given those counts, the Pearson
// statistic is then, if anything, smaller than chi-square: conservative.)
func (b *builder) expectedArrivals(f engine.FlowSpec, clk *zoneClock, starts []int, parts [][2]int64) *engine.ArrivalSpec {
	wFrom, wTo := b.window()
	if f.ArrivalsIn == nil || clk.loc != nil && len(parts) == 1 && parts[0] == [2]int64{wFrom, wTo} {
		return f.Arrivals // integrated over the written window on this clock
	}
	if clk.loc != nil {
		return arrivalsOver(f, clk.loc, parts)
	}
	n := map[*time.Location]float64{}
	var order []*time.Location
	for _, i := range starts {
		loc := clk.locs[i]
		if loc == nil { // read on the scenario's clock (zoneClock.at)
			loc = b.spec.Loc
			if loc == nil {
				loc = time.UTC
			}
		}
		if _, ok := n[loc]; !ok {
			order = append(order, loc)
		}
		n[loc]++
	}
	out := &engine.ArrivalSpec{ActiveDays: f.Arrivals.ActiveDays}
	for _, loc := range order {
		sh := arrivalsOver(f, loc, parts)
		w := n[loc] / float64(len(starts))
		for h := range out.Hour {
			out.Hour[h] += w * sh.Hour[h]
		}
		for d := range out.Weekday {
			out.Weekday[d] += w * sh.Weekday[d]
		}
	}
	return out
}

// arrivalsOver integrates flow f's arrival profiles over the parts of
// the window, on the clock loc: each part's shares weighted by its
// intensity (the records of January and March, not February's).
func arrivalsOver(f engine.FlowSpec, loc *time.Location, parts [][2]int64) *engine.ArrivalSpec {
	if len(parts) == 1 {
		return f.ArrivalsIn(loc, parts[0][0], parts[0][1])
	}
	out := &engine.ArrivalSpec{ActiveDays: f.Arrivals.ActiveDays}
	for _, p := range parts {
		sh := f.ArrivalsIn(loc, p[0], p[1])
		for h := range out.Hour {
			out.Hour[h] += sh.Mass * sh.Hour[h]
		}
		for d := range out.Weekday {
			out.Weekday[d] += sh.Mass * sh.Weekday[d]
		}
		out.Mass += sh.Mass
	}
	if out.Mass > 0 {
		for h := range out.Hour {
			out.Hour[h] /= out.Mass
		}
		for d := range out.Weekday {
			out.Weekday[d] /= out.Mass
		}
	}
	return out
}

// minGapOver is the first constraint with a min_gap over the flow's
// events, or nil.
func (b *builder) minGapOver(flow string) *engine.ConstraintSpec {
	for i, k := range b.spec.Constraints {
		if k.MinGap > 0 && slices.Contains(k.Flows, flow) {
			return &b.spec.Constraints[i]
		}
	}
	return nil
}

// capOverStarts is the first constraint whose max_per_day drops session
// starts of the flow (every event of its flows counts, or its states list
// the initial state), or nil. The run drops an actor's events past the
// cap, the day's late ones: the starts kept are not the arrival profile's.
// (A cap over later states only ends sessions; their starts are kept.)
func (b *builder) capOverStarts(f engine.FlowSpec) *engine.ConstraintSpec {
	for i, k := range b.spec.Constraints {
		if k.MaxPerDay > 0 && slices.Contains(k.Flows, f.Name) && (len(k.States) == 0 || slices.Contains(k.States, f.Initial)) {
			return &b.spec.Constraints[i]
		}
	}
	return nil
}

// capWhat says what a constraint's max_per_day counts.
func capWhat(k *engine.ConstraintSpec) string {
	if len(k.States) == 0 {
		return "events"
	}
	return quoteList(k.States) + " events"
}

// flowActorField is the field that names the actor of the flow's records:
// the one every emit of the flow writes its actor's index-built attribute
// to ("" when they disagree or have none). The stream's ActorField may be
// another entity's (a merchant flow's merchant_id, null in a user flow's
// records: one cluster per date).
func (b *builder) flowActorField(flow string) string {
	field := ""
	for _, e := range b.ss.Emits {
		if e.Flow != flow {
			continue
		}
		if e.Actor == "" || field != "" && e.Actor != field {
			return ""
		}
		field = e.Actor
	}
	return field
}

// actorDays is the size of each cluster of records that share an actor
// (named by field) and a local date.
func (b *builder) actorDays(field string, recs []int, local func(i int) time.Time) []int64 {
	actors := b.in.Strings([]string{field})
	size := map[string]int64{}
	for _, i := range recs {
		size[actors[i]+"\x00"+local(i).Format("2006-01-02")]++
	}
	out := make([]int64, 0, len(size))
	for _, m := range size {
		out = append(out, m)
	}
	return out
}

// clustered corrects a chi-square check whose records come in clusters
// that share their category (every session of an actor's active day has
// that day's weekday): the first-order Rao–Scott correction divides the
// statistic by the design effect Σm²/Σm of the cluster sizes m, the factor
// by which clustering inflates each cell's variance.
func (b *builder) clustered(c *Check, sizes []int64, why string) {
	if c.Test != "chi-square GOF" || c.DF == 0 {
		return
	}
	var sum, sq float64
	for _, m := range sizes {
		sum += float64(m)
		sq += float64(m) * float64(m)
	}
	if sum == 0 {
		return
	}
	deff := sq / sum
	if deff <= 1 {
		return
	}
	raw := c.Stat
	c.Stat /= deff
	c.P = stats.ChiSquareSF(c.Stat, c.DF)
	c.Pass = c.P >= b.opts.Alpha
	c.Test = "chi-square GOF, Rao–Scott"
	c.Detail = fmt.Sprintf("n=%d chi2=%.2f df=%d p=%.3g (Rao–Scott: chi2 %.2f divided by the design effect %.2f, %s)",
		c.N, c.Stat, c.DF, c.P, raw, deff, why)
}

// initialEmit is the stream's one emit in the flow's initial state, or -1
// (none, or more than one).
func (b *builder) initialEmit(f engine.FlowSpec) int {
	found := -1
	for ei, e := range b.ss.Emits {
		if e.Flow == f.Name && e.State == f.Initial {
			if found >= 0 {
				return -1
			}
			found = ei
		}
	}
	return found
}

// maxPostponed is the share of sessions postponed to the end of the
// previous one above which session starts are not tested against the
// arrival profile. A session starts at its arrival or, when the actor's
// previous session of the flow is still running, 1 ms after its last
// event: such starts are not draws of the arrival process, and the
// arrivals that do start a session are those that met no running session
// (fewer at the peak hours). A few (sessions short against the gaps
// between arrivals) are invisible to the test; many make it fail a
// correct run.
const maxPostponed = 0.05

// postponed counts, over the records' sessions of flow f, those that
// started 1 ms after the last record of the same actor's previous session
// of the flow, and all of them: 0, 0 without an actor field.
//
// Without a session field, for a flow whose sessions start with the
// initial state's one emit (never re-entered), the starts are those
// records, and the previous session's last record is the actor's record
// of the flow before.
func (b *builder) postponed(f engine.FlowSpec) (waited, starts int64) {
	if b.ss.ActorField == "" || b.times == nil {
		return 0, 0
	}
	actors := b.in.Strings([]string{b.ss.ActorField})
	if b.sess == nil {
		ei := b.initialEmit(f)
		several := b.initialSeveral(f)
		if f.MaxEvents == 1 || f.InitialReentered || ei < 0 && !several {
			return 0, 0
		}
		initial := func(i int) bool {
			e := b.emitOf[i]
			if several {
				return e >= 0 && b.ss.Emits[e].Flow == f.Name && b.ss.Emits[e].State == f.Initial
			}
			return e == ei
		}
		only := map[string]bool{f.Name: true}
		byActor := map[string][]int{}
		for i, a := range actors {
			if a != "" && b.hasT[i] && b.onlyFrom(i, only) {
				byActor[a] = append(byActor[a], i)
			}
		}
		for _, l := range byActor {
			sort.SliceStable(l, func(x, y int) bool { return b.times[l[x]] < b.times[l[y]] })
			// The records of one run of the initial state share its
			// time: the run is one start, and the record before it is
			// the last one at an earlier time.
			last := int64(math.MinInt64) // time of the last start counted
			prev := int64(math.MinInt64) // time of the last record before the current time
			cur := int64(math.MinInt64)
			for _, i := range l {
				t := b.times[i]
				if t != cur {
					prev, cur = cur, t
				}
				if !initial(i) || t == last {
					continue
				}
				last = t
				starts++
				if prev != math.MinInt64 && t == prev+1 {
					waited++
				}
			}
		}
		return waited, starts
	}
	type span struct{ first, last int64 }
	byActor := map[string][]span{}
	only := map[string]bool{f.Name: true}
	for _, s := range b.sess {
		if !b.onlyFrom(s[0], only) {
			continue
		}
		sp := span{first: math.MaxInt64, last: math.MinInt64}
		for _, i := range s {
			if b.hasT[i] {
				sp.first = min(sp.first, b.times[i])
				sp.last = max(sp.last, b.times[i])
			}
		}
		if sp.first <= sp.last {
			byActor[actors[s[0]]] = append(byActor[actors[s[0]]], sp)
		}
	}
	for _, l := range byActor {
		sort.Slice(l, func(i, j int) bool { return l[i].first < l[j].first })
		for i := range l {
			starts++
			if i > 0 && l[i].first == l[i-1].last+1 {
				waited++
			}
		}
	}
	return waited, starts
}

// initialWrites says whether the flow's initial state emits to the
// stream: then every session's first event writes a record here.
func (b *builder) initialWrites(f engine.FlowSpec) bool {
	for _, e := range b.ss.Emits {
		if e.Flow == f.Name && e.State == f.Initial {
			return true
		}
	}
	return false
}

// writes says whether a flow emits to the stream.
func (b *builder) writes(flow string) bool {
	for _, e := range b.ss.Emits {
		if e.Flow == flow {
			return true
		}
	}
	return false
}

// zoneFieldUnread notes a --zone-field that no check reads: no flow
// writing the stream has sessions on each actor's clock (zone = user.tz),
// so every time is read in the scenario's or the flow's one zone. The
// option was ignored without a word.
func (b *builder) zoneFieldUnread() {
	if b.opts.ZoneField == "" {
		return
	}
	for _, e := range b.ss.Emits {
		for _, fs := range b.spec.Flows {
			if fs.Name == e.Flow && fs.Zone != "" && fs.ZoneName == "" {
				return
			}
		}
	}
	b.note("--zone-field %s is not read: no flow writing stream %q has sessions on each actor's clock (session { zone = user.tz }), so its records' local times are read in the scenario's zone (or the flow's constant zone)",
		b.opts.ZoneField, b.ss.Name)
}

// zoneClock reads records' times on the clock of a set of flows'
// sessions: the scenario's zone, the flows' constant session zone, or,
// for a zone read per actor (zone = user.tz), the zone each record holds
// in the field Options.ZoneField or else the field its emit writes the
// zone expression to (tz = user.tz).
type zoneClock struct {
	expr  string         // the zone expression ("" for the scenario's zone)
	loc   *time.Location // a fixed zone, or nil: one per record
	locs  []*time.Location
	names []string // per record: the zone text read, for messages
	field []string // per record: the field it was read from ("": none)
}

// at is record i's local time, and whether its zone is known.
func (z *zoneClock) at(b *builder, i int) (time.Time, bool) {
	if z.loc != nil {
		return time.UnixMilli(b.times[i]).In(z.loc), true
	}
	if z.locs[i] == nil {
		return timeIn(b.times[i], b.spec), false
	}
	return time.UnixMilli(b.times[i]).In(z.locs[i]), true
}

// missing says, in words, why record i's zone is unknown.
func (z *zoneClock) missing(b *builder, i int) string {
	where := b.recordName(i)
	switch {
	case z.field[i] == "":
		return fmt.Sprintf("%s comes from an emit that writes no field holding the zone", where)
	case z.names[i] == "":
		return fmt.Sprintf("%s holds no zone in field %q", where, z.field[i])
	}
	return fmt.Sprintf("%s holds %q in %q, which is not a time zone", where, z.names[i], z.field[i])
}

// recordName names record i for messages: its file and line (row).
func (b *builder) recordName(i int) string {
	start := 0
	for f, end := range b.in.FileEnds() {
		if i < end {
			return fmt.Sprintf("record %d of %s", i-start+1, b.in.Files[f])
		}
		start = end
	}
	return fmt.Sprintf("record %d", i+1)
}

// clockOf is the clock of flows' sessions (flows that share a zone
// expression, as a constraint's with quiet_hours or max_per_day must).
// problem says why no record's local time can be read (a constant zone
// that does not load here, or a per-actor zone that no emit of the flows
// writes to this stream and that --zone-field does not name).
func (b *builder) clockOf(flows []string) (z *zoneClock, problem string) {
	var fs *engine.FlowSpec
	for i := range b.spec.Flows {
		if slices.Contains(flows, b.spec.Flows[i].Name) && (fs == nil || fs.Zone == "") {
			fs = &b.spec.Flows[i]
		}
	}
	switch {
	case fs == nil || fs.Zone == "":
		loc := b.spec.Loc
		if loc == nil {
			loc = time.UTC
		}
		return &zoneClock{loc: loc}, ""
	case fs.ZoneName != "":
		loc, err := time.LoadLocation(fs.ZoneName)
		if err != nil {
			return nil, fmt.Sprintf("session zone %s cannot be loaded here (%v)", fs.ZoneName, err)
		}
		return &zoneClock{expr: fs.Zone, loc: loc}, ""
	}
	// The field each emit of the flows writes the zone to.
	fieldOf := make([]string, len(b.ss.Emits))
	found := false
	for ei, e := range b.ss.Emits {
		if !slices.Contains(flows, e.Flow) {
			continue
		}
		fieldOf[ei] = e.Zone
		if b.opts.ZoneField != "" {
			fieldOf[ei] = b.opts.ZoneField
		}
		found = found || fieldOf[ei] != ""
	}
	if !found {
		return nil, fmt.Sprintf("they are on each actor's clock (zone = %s), and no field of %q holds the zone (write it, e.g. tz = %s, or name the field with --zone-field)",
			fs.Zone, b.ss.Name, fs.Zone)
	}
	z = &zoneClock{expr: fs.Zone, locs: make([]*time.Location, b.in.Len()), names: make([]string, b.in.Len()), field: make([]string, b.in.Len())}
	cols := map[string][]string{}
	byName := map[string]*time.Location{}
	for i := range z.locs {
		// The field of the first emit the record may come from that
		// writes one.
		f := ""
		for _, ei := range b.cands[b.candOf[i]] {
			if f = fieldOf[ei]; f != "" {
				break
			}
		}
		if f == "" {
			continue
		}
		col, ok := cols[f]
		if !ok {
			col = b.in.Strings([]string{f})
			cols[f] = col
		}
		name := col[i]
		loc, seen := byName[name]
		if !seen {
			if name != "" {
				if l, err := stdlib.LoadZone(name); err == nil {
					loc = l
				}
			}
			byName[name] = loc
		}
		z.locs[i], z.names[i], z.field[i] = loc, name, f
	}
	return z, ""
}

// flowClock gives the local time of record i on the clock of flow f's
// arrivals (see clockOf). When the zone is not known for every record of
// the flow it says why the flow's hour and weekday checks are skipped and
// returns false.
func (b *builder) flowClock(f engine.FlowSpec) (func(i int) time.Time, *zoneClock, bool) {
	z, problem := b.clockOf([]string{f.Name})
	if problem != "" {
		if b.writes(f.Name) {
			if f.ZoneName != "" {
				b.note("flow %q: its %s: hour of day and weekday not checked", f.Name, problem)
			} else {
				b.note("flow %q: its arrivals are in each actor's zone (zone = %s), and no field of %q holds it (write it, e.g. tz = %s, or name the field with --zone-field): hour of day and weekday not checked",
					f.Name, f.Zone, b.ss.Name, f.Zone)
			}
		}
		return nil, nil, false
	}
	local := func(i int) time.Time { t, _ := z.at(b, i); return t }
	if z.loc != nil {
		return local, z, true
	}
	// Every record of the flow (records of other flows may hold anything)
	// must hold a zone.
	for i := range z.locs {
		if z.locs[i] != nil || !b.hasT[i] {
			continue
		}
		if ei := b.emitOf[i]; ei >= 0 && b.ss.Emits[ei].Flow == f.Name {
			if z.field[i] != "" && z.names[i] != "" {
				b.note("flow %q: field %q of a record holds %q, not a time zone, so its local hour is unknown: hour of day and weekday not checked", f.Name, z.field[i], z.names[i])
			} else {
				b.note("flow %q: its arrivals are in each actor's zone (zone = %s), and %s, so its local hour is unknown: hour of day and weekday not checked", f.Name, f.Zone, z.missing(b, i))
			}
			return nil, nil, false
		}
	}
	return local, z, true
}

// transitions compares each state's observed successors with its declared
// probabilities, for the states that write one record here. The record
// after one of them is the next state that writes here: a successor that
// writes nothing (a lifecycle's dormant state that only waits, or a
// state that writes to another stream only) passes its share on to the
// states it leads to (see chain), so the declared distribution compared
// is that of the next record's state.
func (b *builder) transitions() {
	if b.sess == nil || !b.ss.TellsEmits() {
		return
	}
	for fi := range b.spec.Flows {
		f := &b.spec.Flows[fi]
		ch := b.chainOf(f)
		if len(ch.emit) == 0 && len(ch.several) == 0 {
			continue
		}
		if len(ch.several) > 0 {
			b.note("flow %q: %s, so the next record's state is not known: transitions and the first record's state not checked", f.Name, ch.severalText(b.ss.Name))
			continue
		}
		stateOf := map[int]string{}
		for s, ei := range ch.emit {
			stateOf[ei] = s
		}
		if n := len(ch.silent); n > 0 {
			b.note("flow %q: %s %s %s no record to %q, so %s transitions are not checked; after the other states, the next record's state is compared with the declared chances of reaching each state that writes here (or end), directly or through %s",
				f.Name, pick(n, "state", "states"), quoteList(ch.silent), pick(n, "writes", "write"), b.ss.Name, pick(n, "its", "their"), pick(n, "it", "them"))
		}
		// The first record of every session is the initial state's, or,
		// when it writes nothing here, that of a writing state it leads to.
		firsts := []string{f.Initial}
		name := "flow " + f.Name + " starts in " + f.Initial
		if _, ok := ch.emit[f.Initial]; !ok {
			firsts = nil
			for to, p := range ch.through[f.Initial] {
				if to != "end" && p > 0 {
					firsts = append(firsts, to)
				}
			}
			slices.Sort(firsts)
			name = fmt.Sprintf("flow %s's first record is %s (its initial state %s writes none)", f.Name, strings.Join(firsts, " or "), f.Initial)
			if _, ok := ch.through[f.Initial]; !ok {
				firsts = nil
				b.note("flow %q: its initial state %q writes no record to %q, and %s: the state of a session's first record is not checked", f.Name, f.Initial, b.ss.Name, ch.why[f.Initial])
			}
		}
		// A first record in one of those states may still be a later
		// one of a session begun before --from, when a transition leads
		// back to it (the sensor pattern's ok → ok): counted as a start,
		// it made "0 of 194 sessions start elsewhere" of sessions that
		// all began before the window.
		again := f.InitialReentered || len(firsts) != 1 || firsts[0] != f.Initial
		var wrong, starts, running int64
		for _, s := range b.sess {
			if ei := b.emitOf[s[0]]; ei >= 0 && b.ss.Emits[ei].Flow == f.Name {
				first := slices.Contains(firsts, stateOf[ei])
				if (!first || again) && b.runningAtFrom(s, f.Name) {
					// Begun before --from: its first records
					// were not written.
					running++
					continue
				}
				if !first {
					wrong++
				}
				starts++
			}
		}
		if starts == 0 && running > 0 && firsts != nil {
			b.note("flow %q: each of its %s here may have begun before the window these files cover, so the state of a session's first record is not checked", f.Name, plural(int(running), "session", "sessions"))
		}
		if starts > 0 && firsts != nil {
			c := Check{Kind: Initial, Name: name, N: starts, Stat: float64(wrong), P: math.NaN(), Test: "exact", Pass: wrong == 0}
			c.Detail = fmt.Sprintf("%d of %d sessions start elsewhere", wrong, starts)
			if running > 0 && len(b.opts.Spans) > 1 {
				c.Detail += fmt.Sprintf(" (%s that began before the start of the part of the window holding its first record, whose first records were not written, left out)",
					plural(int(running), "session", "sessions"))
			} else if running > 0 {
				from, _ := b.window()
				c.Detail += fmt.Sprintf(" (%s that began before the window's start %s, whose first records were not written, left out)",
					plural(int(running), "session", "sessions"), timeIn(from, b.spec).Format(time.RFC3339))
			}
			b.r.Checks = append(b.r.Checks, c)
		}
		for _, st := range f.States {
			ei, writes := ch.emit[st.Name]
			if !writes {
				continue
			}
			next, name := st.Next, f.Name+": "+st.Name+" → next"
			skip := map[string]bool{}
			if next == nil && st.AfterEdges != nil {
				// The successor when the experiment edges were not taken.
				next = st.AfterEdges
				var to []string
				for _, e := range st.ExperimentEdges {
					skip[e.To] = true
					to = append(to, e.To)
				}
				name = f.Name + ": " + st.Name + " → next, unless " + strings.Join(to, ", ")
			}
			if next == nil {
				if st.NextWhy != "" && len(st.ExperimentEdges) == 0 {
					b.note("flow %q: the record after %s is not checked: %s, so the chances depend on the record", f.Name, st.Name, st.NextWhy)
				}
				continue
			}
			labels, probs, via, why := ch.observed(next)
			if why != "" {
				b.note("flow %q: the record after %s is not checked: %s", f.Name, st.Name, why)
				continue
			}
			if len(via) > 0 {
				name += " (through " + strings.Join(via, ", ") + ", which " + pick(len(via), "writes", "write") + " no record)"
			}
			leaks := false // an experiment edge's target also reached through silent states
			for _, l := range labels {
				leaks = leaks || skip[l]
			}
			if leaks {
				b.note("flow %q: the record after %s is not checked: its experiment edge's target is also reached through %s, which %s no record here, so whether the edge was taken cannot be told", f.Name, st.Name, strings.Join(via, ", "), pick(len(via), "writes", "write"))
				continue
			}
			ends := slices.Contains(labels, "end")
			if ends && ch.capUnknown() {
				if f.MaxEventsVaries {
					b.note("flow %q: max_events is drawn per session, so a session's end cannot be told from the cap: %s not checked", f.Name, name)
				} else {
					b.note("flow %q: states that write no record to %q may run in a loop, and %s counts them, so a session's end cannot be told from the cap: %s not checked", f.Name, b.ss.Name, ch.capName(), name)
				}
				continue
			}
			var censored int64
			counts, other := b.count(labels, func(i int) (string, bool) {
				if b.emitOf[i] != ei || b.next[i] < -1 {
					if b.emitOf[i] == ei && b.next[i] == -2 {
						censored++
					}
					return "", false
				}
				to := "end"
				if b.next[i] >= 0 {
					to = "?"
					if ne := b.emitOf[b.next[i]]; ne >= 0 {
						to = stateOf[ne]
					}
				}
				return to, !skip[to]
			})
			c := b.gof(Transitions, name, labels, probs, counts, other)
			if c.Untested() && censored > 0 {
				c.Detail += fmt.Sprintf(": %s of %s count in no transition, as what followed them may have been cut (by the window's end, within twice the longest gap seen after %s, or by a cap or a constraint; see Censoring in docs/report.md)",
					plural(int(censored), "record", "records"), st.Name, st.Name)
			}
			b.r.Checks = append(b.r.Checks, c)
		}
	}
}

// experiments checks assignment, sample ratio and parameter-driven rates.
func (b *builder) experiments() {
	for _, x := range b.spec.Experiments {
		var fields *engine.ExperimentFields
		for i := range b.ss.Experiments {
			if b.ss.Experiments[i].Experiment == x.Name {
				fields = &b.ss.Experiments[i]
			}
		}
		if fields == nil || fields.UnitField == "" {
			b.note("experiment %q: no field of %q holds its unit, so records cannot be tied to groups", x.Name, b.ss.Name)
			continue
		}
		if b.opts.Actors == nil {
			b.note("experiment %q: actors' groups unavailable: sample ratio, assignment and metrics not checked", x.Name)
			continue
		}
		b.experiment(x, fields)
	}
}

func (b *builder) experiment(x engine.ExperimentSpec, fields *engine.ExperimentFields) {
	units := b.in.Strings([]string{fields.UnitField})
	active := func(i int) bool {
		return b.hasT != nil && b.hasT[i] && (x.To == 0 || (b.times[i] >= x.From && b.times[i] < x.To))
	}
	// The groups alone (no parameter's values).
	actors, err := b.opts.Actors(x.Name, "")
	if err != nil {
		b.note("experiment %q: %v: sample ratio, assignment and metrics not checked", x.Name, err)
		return
	}
	byUnit := make(map[string]*engine.ExperimentActor, len(actors))
	for i := range actors {
		byUnit[actors[i].Unit] = &actors[i]
	}
	// Sample ratio over the distinct units seen, and unknown units.
	seen := map[string]bool{}
	counts := make([]int64, len(x.Groups))
	var unknown int64
	for _, u := range units {
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		if a, ok := byUnit[u]; ok {
			counts[a.Group]++
		} else {
			unknown++
		}
	}
	// The units seen are a random sample of the actors when every actor
	// was seen, or when they are counted over the records of an initial
	// state of a flow whose sessions are drawn alike for every actor
	// (groups included). A later state (an order after a checkout whose
	// conversion is the experiment's parameter) is reached more often in
	// one group: its units are not.
	unitEmit := func(ei int) bool {
		for _, f := range b.spec.Flows {
			if f.Name == b.ss.Emits[ei].Flow {
				return f.Entity == x.Entity && slices.Contains(b.ss.Emits[ei].Fields, fields.UnitField)
			}
		}
		return false
	}
	sample := b.sampleRecords(unitEmit, x.UnitReads)
	if unknown == 0 && len(seen) < len(actors) && sample != nil {
		clear(seen)
		clear(counts)
		for i, u := range units {
			if u == "" || seen[u] || !sample[b.candOf[i]] {
				continue
			}
			seen[u] = true
			if a, ok := byUnit[u]; ok {
				counts[a.Group]++
			}
		}
	}
	c := b.gof(SampleRatio, x.Name+": units per group", x.Groups, x.Weights, counts, unknown)
	if unknown > 0 {
		c.Detail = fmt.Sprintf("%d units are not actors of this scenario (run with the same --seed and --var values as the run)", unknown)
	} else if len(seen) < len(actors) && sample == nil {
		c = Check{Kind: SampleRatio, Name: c.Name, Pass: true, P: math.NaN(), Test: "none", N: int64(len(seen)),
			Detail: fmt.Sprintf("not tested: %d of %d units appear in %q, and %s: the units seen may be selected by it", len(seen), len(actors), b.ss.Name, b.notSampled(unitEmit, "the group"))}
	} else if !b.exposed(x, func(i int) bool { return units[i] != "" }) {
		// Outside its window an experiment assigns no group: the units'
		// buckets are counted, but none was in a group.
		c = Check{Kind: SampleRatio, Name: c.Name, Pass: true, P: math.NaN(), Test: "none", N: int64(len(seen)),
			Detail: fmt.Sprintf("not tested: no record of a unit lies in the experiment's window (%s to %s), so no unit was in a group", timeIn(x.From, b.spec).Format(time.RFC3339), timeIn(x.To, b.spec).Format(time.RFC3339))}
	}
	b.r.Checks = append(b.r.Checks, c)

	// Assignment: the recorded group is the MD5 bucket while active, and
	// absent outside the window, in the records of the emits that write
	// it (a record that could come from one that does not is skipped).
	if fields.GroupPath != nil {
		groups := b.in.Strings(fields.GroupPath)
		writes := make([]bool, len(b.cands))
		for c, set := range b.cands {
			writes[c] = len(set) > 0
			for _, ei := range set {
				writes[c] = writes[c] && slices.Contains(fields.GroupEmits, ei)
			}
		}
		var wrong, n int64
		for i, u := range units {
			a, ok := byUnit[u]
			if !ok || b.hasT == nil || !b.hasT[i] || !writes[b.candOf[i]] {
				continue
			}
			n++
			want := ""
			if active(i) {
				want = x.Groups[a.Group]
			}
			if groups[i] != want {
				wrong++
			}
		}
		c := Check{Kind: Assignment, Name: x.Name + ": " + strings.Join(fields.GroupPath, ".") + " = MD5 bucket of " + fields.UnitField,
			N: n, Stat: float64(wrong), P: math.NaN(), Test: "exact", Pass: wrong == 0}
		c.Detail = fmt.Sprintf("%d of %d records carry another group than their unit's bucket (or one outside the window)", wrong, n)
		if n == 0 {
			c.Test, c.P = "none", math.NaN()
			switch {
			case b.hasT == nil:
				c.Detail = "no field holds event.time, so whether a record is inside the experiment's window (group written) or outside it (none) cannot be told: nothing to compare"
			case len(seen) == int(unknown):
				c.Detail = "no record's unit is an actor of this scenario: nothing to compare"
			default:
				c.Detail = "no record of an actor of this scenario holds a time and comes only from emits that write the group: nothing to compare"
			}
		}
		b.r.Checks = append(b.r.Checks, c)
	}

	// Rates driven by a parameter: probability = experiment.X.PARAM.
	for _, f := range b.spec.Flows {
		for _, st := range f.States {
			for _, edge := range st.ExperimentEdges {
				if edge.Experiment != x.Name {
					continue
				}
				b.metric(x, f, st.Name, edge, units, active)
			}
		}
	}
	b.stateShares(x, units, byUnit, active)
}

// stateShares tallies each state's share of the records per group while
// the experiment is active.
func (b *builder) stateShares(x engine.ExperimentSpec, units []string, byUnit map[string]*engine.ExperimentActor, active func(int) bool) {
	if len(b.ss.Emits) < 2 {
		return
	}
	ng := len(x.Groups)
	var states []string
	stateIdx := map[string]int{}
	for _, e := range b.ss.Emits {
		if _, ok := stateIdx[e.State]; !ok {
			stateIdx[e.State] = len(states)
			states = append(states, e.State)
		}
	}
	counts := make([][]int64, len(states))
	for i := range counts {
		counts[i] = make([]int64, ng)
	}
	records := make([]int64, ng)
	for i, u := range units {
		a, ok := byUnit[u]
		if !ok || !active(i) {
			continue
		}
		records[a.Group]++
		if ei := b.emitOf[i]; ei >= 0 {
			counts[stateIdx[b.ss.Emits[ei].State]][a.Group]++
		}
	}
	total := int64(0)
	for _, n := range records {
		total += n
	}
	if total == 0 {
		return
	}
	sh := StateShares{Experiment: x.Name, Groups: x.Groups, Records: records, States: states}
	for si := range states {
		row := make([]Bar, ng)
		for g := range ng {
			row[g] = Bar{Label: x.Groups[g], Count: counts[si][g], Expected: math.NaN()}
			if records[g] > 0 {
				row[g].Observed = float64(counts[si][g]) / float64(records[g])
				row[g].Lo, row[g].Hi = stats.WilsonInterval(counts[si][g], records[g], 0.95)
			}
		}
		sh.Bars = append(sh.Bars, row)
	}
	b.r.Shares = append(b.r.Shares, sh)
}

// metric compares, per group, the share of a state's records followed by
// the edge's target with the parameter's values (per actor, overrides
// applied): a z-test of the success count against the sum of the
// per-record probabilities (a Poisson-binomial mean and variance).
func (b *builder) metric(x engine.ExperimentSpec, f engine.FlowSpec, state string, edge engine.ExperimentEdge, units []string, active func(int) bool) {
	if b.sess == nil {
		return
	}
	var ps *engine.ParamSpec
	for i := range x.Params {
		if x.Params[i].Name == edge.Param {
			ps = &x.Params[i]
		}
	}
	if ps == nil {
		return
	}
	actors, err := b.opts.Actors(x.Name, edge.Param)
	if err != nil {
		b.note("experiment %q: %v: P(%s → %s) = %s not checked", x.Name, err, state, edge.To, edge.Param)
		return
	}
	byUnit := make(map[string]*engine.ExperimentActor, len(actors))
	for i := range actors {
		byUnit[actors[i].Unit] = &actors[i]
	}
	src, dst := -1, -1
	for ei, e := range b.ss.Emits {
		if e.Flow == f.Name && e.State == state {
			src = ei
		}
		if e.Flow == f.Name && e.State == edge.To {
			dst = ei
		}
	}
	// A state that writes several records per run (or a for_each list's,
	// perhaps none) leaves the record after src unknown.
	if ch := b.chainOf(&f); src >= 0 && len(ch.several) > 0 {
		b.note("experiment %q: P(%s → %s) = %s not checked: in flow %q, %s", x.Name, state, edge.To, edge.Param, f.Name, ch.severalText(b.ss.Name))
		return
	}
	// With states that write no record here, the record after src tells
	// the edge's target only when the target writes one and no other
	// path reaches it through silent states.
	if ch := b.chainOf(&f); src >= 0 && len(ch.silent) > 0 && !b.edgeRead(ch, state, edge) {
		what := fmt.Sprintf("experiment %q: P(%s → %s) = %s not checked", x.Name, state, edge.To, edge.Param)
		if slices.Contains(ch.silent, edge.To) {
			b.note("%s: %s writes no record to %q, so whether the edge was taken cannot be read from the records", what, edge.To, b.ss.Name)
			return
		}
		var after []engine.NextProb
		for _, st := range f.States {
			if st.Name == state {
				after = st.AfterEdges
			}
		}
		labels, _, via, why := ch.observed(after)
		switch {
		case after == nil:
			b.note("%s: the transitions after the edge are not fixed, and states %s write no record here, so a record of %s after %s may not be the edge's", what, quoteList(ch.silent), edge.To, state)
			return
		case why != "":
			b.note("%s: %s", what, why)
			return
		case slices.Contains(labels, edge.To) && len(via) > 0:
			b.note("%s: %s is also reached through %s, which %s no record here, so whether the edge was taken cannot be told", what, edge.To, strings.Join(via, ", "), pick(len(via), "writes", "write"))
			return
		}
	}
	if src < 0 || (dst < 0 && edge.To != "end") {
		return
	}
	// When any session's end may be the cap's (max_events drawn per
	// session, or a loop through silent states), every session's last
	// record counts in none: of a state that may go to end, that keeps
	// the records that went on and drops those that ended (censored by
	// outcome), as for its transitions.
	if ch := b.chainOf(&f); ch.capUnknown() && b.mayEnd(ch, state, edge) {
		why := "max_events is drawn per session"
		if !f.MaxEventsVaries {
			why = fmt.Sprintf("states that write no record to %q may run in a loop, and %s counts them", b.ss.Name, ch.capName())
		}
		b.note("experiment %q: P(%s → %s) = %s not checked: %s, so a session's end after %s cannot be told from the cap", x.Name, state, edge.To, edge.Param, why, state)
		return
	}
	// Row per group, then one for records outside the window.
	ng := len(x.Groups)
	k := make([]int64, ng+1)
	n := make([]int64, ng+1)
	mean := make([]float64, ng+1)
	vr := make([]float64, ng+1)
	for i := 0; i < b.in.Len(); i++ {
		if b.emitOf[i] != src || b.next[i] < -1 {
			continue
		}
		a, ok := byUnit[units[i]]
		if !ok {
			continue
		}
		g, p := ng, ps.Default
		if active(i) {
			g, p = a.Group, a.Param
		}
		n[g]++
		mean[g] += p
		vr[g] += p * (1 - p)
		hit := false
		if b.next[i] >= 0 {
			hit = b.emitOf[b.next[i]] == dst
		} else {
			hit = edge.To == "end"
		}
		if hit {
			k[g]++
		}
	}
	z := stats.NormalQuantile(1 - b.opts.Alpha/2)
	for g := 0; g <= ng; g++ {
		label := "outside the window"
		declared := ps.Default
		if g < ng {
			label = x.Groups[g]
			declared = ps.Values[g]
		}
		name := fmt.Sprintf("%s: P(%s → %s) = %s, %s", x.Name, state, edge.To, edge.Param, label)
		if n[g] == 0 {
			continue
		}
		c := Check{Kind: Metric, Name: name, N: n[g], Test: "z-test (Poisson binomial)", DF: 0}
		lo, hi := stats.WilsonInterval(k[g], n[g], 0.95)
		exp := mean[g] / float64(n[g])
		c.Bars = []Bar{{Label: label, Count: k[g], Observed: float64(k[g]) / float64(n[g]), Expected: exp, Lo: lo, Hi: hi}}
		if vr[g] < minExpected {
			c.Pass, c.P = true, math.NaN()
			c.Test = "none"
			c.Detail = fmt.Sprintf("%d/%d = %.4f (95%% CI %.4f–%.4f); too few trials to test against %.4f", k[g], n[g], c.Bars[0].Observed, lo, hi, exp)
			b.r.Checks = append(b.r.Checks, c)
			continue
		}
		zz := (float64(k[g]) - mean[g]) / math.Sqrt(vr[g])
		c.Stat = math.Abs(zz)
		c.P = 2 * (1 - stats.NormalCDF(math.Abs(zz)))
		c.Pass = math.Abs(zz) <= z
		over := ""
		if ps.Overrides && g < ng {
			over = fmt.Sprintf(" (declared %g; with per-segment overrides the actors' mean is %.4f)", declared, exp)
		} else {
			over = fmt.Sprintf(" (declared %g)", declared)
		}
		c.Detail = fmt.Sprintf("%d/%d = %.4f, 95%% CI %.4f–%.4f, expected %.4f%s; z=%.2f p=%.3g", k[g], n[g], c.Bars[0].Observed, lo, hi, exp, over, zz, c.P)
		b.r.Checks = append(b.r.Checks, c)
	}
}

// edgeRead says whether the record after one of state's tells whether
// the edge was taken, whatever the states that write no record here: the
// edge's target writes one, no other transition of state leads to it, and
// no silent state that state leads to through silent states does. A
// record of the target then follows state's only when the edge was taken
// (any other way to the target runs through a state that writes a record
// first).
func (b *builder) edgeRead(ch *chain, state string, edge engine.ExperimentEdge) bool {
	if _, writes := ch.emit[edge.To]; !writes {
		return false
	}
	targets := map[string][]string{}
	for _, st := range ch.flow.States {
		targets[st.Name] = st.Targets
	}
	n := 0
	for _, to := range targets[state] {
		if to == edge.To {
			n++
		}
	}
	if n != 1 {
		return false
	}
	seen := map[string]bool{}
	todo := slices.Clone(targets[state])
	for len(todo) > 0 {
		u := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[u] || !slices.Contains(ch.silent, u) {
			continue
		}
		seen[u] = true
		if slices.Contains(targets[u], edge.To) {
			return false
		}
		todo = append(todo, targets[u]...)
	}
	return true
}

// mayEnd says whether the next record after state's may be none: the
// edge or the transitions after it lead to end (directly or through
// silent states), or are not fixed.
func (b *builder) mayEnd(ch *chain, state string, edge engine.ExperimentEdge) bool {
	if edge.To == "end" {
		return true
	}
	for _, st := range ch.flow.States {
		if st.Name != state {
			continue
		}
		if st.AfterEdges == nil {
			return true
		}
		labels, _, _, why := ch.observed(st.AfterEdges)
		return why != "" || slices.Contains(labels, "end")
	}
	return true
}

// constraints checks the per-actor timing rules on the records that can
// only come from the constraint's flows: gaps below min_gap, days above
// max_per_day, events in quiet hours. Each is an exact count.
func (b *builder) constraints() {
	if len(b.spec.Constraints) == 0 {
		return
	}
	if b.ss.ActorField == "" || b.times == nil {
		b.note("constraints not checked: records lack an actor or time field")
		return
	}
	actors := b.in.Strings([]string{b.ss.ActorField})
	for _, k := range b.spec.Constraints {
		// A constraint over some states spaces, counts and silences
		// their events only: it is checked on their records.
		listed := func(int) bool { return true }
		of := ""
		if len(k.States) > 0 {
			l, problem := b.listedStates(k)
			if problem != "" {
				b.note("constraint %q not checked: it applies to the events of states %s only, and %s", k.Name, strings.Join(k.States, ", "), problem)
				continue
			}
			listed, of = l, " (events of "+strings.Join(k.States, ", ")+")"
		}
		inFlow := map[string]bool{}
		for _, f := range k.Flows {
			inFlow[f] = true
		}
		// When a state of these flows writes several records per event,
		// the records at one time are one event's (two events at the
		// same millisecond would be counted once, and not as a gap of 0).
		sameEvent := len(k.States) == 0 && b.severalPerEvent(inFlow)
		per := map[string][]int{}
		for i, a := range actors {
			if a == "" || !b.hasT[i] || !b.onlyFrom(i, inFlow) || !listed(i) {
				continue
			}
			per[a] = append(per[a], i)
		}
		if len(per) == 0 {
			b.note("constraint %q: no record can be told to come from its flows (%s) only", k.Name, strings.Join(k.Flows, ", "))
			continue
		}
		// quiet_hours and max_per_day are read on the flows' clock: each
		// actor's own with a per-actor session zone, as the run applies
		// them. An actor with a record whose zone is unknown is left out
		// of them (its local hours and days are not known).
		local := k.Quiet || k.MaxPerDay > 0
		clk, problem := b.clockOf(k.Flows)
		if local && problem != "" {
			b.note("constraint %q: quiet_hours and max_per_day not checked: %s", k.Name, problem)
			local = false
		}
		var unzoned, unzonedActors int64
		first := -1
		var bad, pairs, events, days, busy, quiet int64
		minSeen, most := int64(math.MaxInt64), int64(0)
		for _, recs := range per {
			sort.SliceStable(recs, func(x, y int) bool { return b.times[recs[x]] < b.times[recs[y]] })
			zoned := local
			if local {
				var n int64
				for _, i := range recs {
					if _, ok := clk.at(b, i); !ok {
						n++
						if first < 0 {
							first = i
						}
					}
				}
				if n > 0 {
					unzoned += n
					unzonedActors++
					zoned = false
				}
			}
			dayN := map[int]int64{}
			for j, i := range recs {
				t := b.times[i]
				if sameEvent && j > 0 && t == b.times[recs[j-1]] {
					// Another record of the same event (another emit's,
					// or for_each's next element): counted once.
					continue
				}
				if zoned {
					events++
					lt, _ := clk.at(b, i)
					y, m, d := lt.Date()
					dayN[(y*12+int(m))*31+d]++
					if k.Quiet && inQuiet(lt.Hour()*60+lt.Minute(), k.QuietFrom, k.QuietTo) {
						quiet++
					}
				}
				if j > 0 {
					pairs++
					gap := t - b.times[recs[j-1]]
					minSeen = min(minSeen, gap)
					if gap < k.MinGap {
						bad++
					}
				}
			}
			for _, c := range dayN {
				days++
				most = max(most, c)
				if k.MaxPerDay > 0 && c > k.MaxPerDay {
					busy++
				}
			}
		}
		if unzoned > 0 {
			b.note("constraint %q: quiet_hours and max_per_day are on each actor's clock (zone = %s), and %s of %s %s no zone (first: %s): %s records are not checked for them",
				k.Name, clk.expr, plural(int(unzoned), "record", "records"), plural(int(unzonedActors), "actor", "actors"), pick(int(unzoned), "holds", "hold"),
				clk.missing(b, first), pick(int(unzonedActors), "that actor's", "those actors'"))
		}
		clock := ""
		if local && clk.loc == nil {
			var fields []string
			for _, recs := range per {
				for _, i := range recs {
					if f := clk.field[i]; f != "" && clk.locs[i] != nil && !slices.Contains(fields, f) {
						fields = append(fields, f)
					}
				}
			}
			sort.Strings(fields)
			clock = fmt.Sprintf(", on each actor's clock (zone = %s, read from %s)", clk.expr, strings.Join(fields, ", "))
		}
		untested := func(c *Check) {
			if local && c.N == 0 && unzoned > 0 {
				c.Test, c.Pass = "none", true
				c.Detail = fmt.Sprintf("not tested: no actor's records all hold a time zone (%d records lack one)", unzoned)
			}
		}
		if k.MinGap > 0 {
			c := Check{Kind: Constraint, Name: fmt.Sprintf("%s: min gap %s per %s%s", k.Name, msText(k.MinGap), b.ss.ActorField, of),
				N: pairs, Stat: float64(bad), P: math.NaN(), Test: "exact", Pass: bad == 0}
			c.Detail = fmt.Sprintf("%d of %d consecutive pairs closer than %s", bad, pairs, msText(k.MinGap))
			if pairs > 0 {
				c.Detail += fmt.Sprintf(" (smallest gap %s)", msText(minSeen))
			}
			b.r.Checks = append(b.r.Checks, c)
		}
		if k.MaxPerDay > 0 && local {
			c := Check{Kind: Constraint, Name: fmt.Sprintf("%s: at most %d per %s and local day%s", k.Name, k.MaxPerDay, b.ss.ActorField, of),
				N: days, Stat: float64(busy), P: math.NaN(), Test: "exact", Pass: busy == 0}
			c.Detail = fmt.Sprintf("%d of %d actor-days above %d (busiest: %d)%s", busy, days, k.MaxPerDay, most, clock)
			untested(&c)
			b.r.Checks = append(b.r.Checks, c)
		}
		if k.Quiet && local {
			c := Check{Kind: Constraint, Name: fmt.Sprintf("%s: quiet %02d:%02d–%02d:%02d%s", k.Name, k.QuietFrom/60, k.QuietFrom%60, k.QuietTo/60, k.QuietTo%60, of),
				N: events, Stat: float64(quiet), P: math.NaN(), Test: "exact", Pass: quiet == 0}
			c.Detail = fmt.Sprintf("%d of %d events in quiet hours%s", quiet, events, clock)
			untested(&c)
			b.r.Checks = append(b.r.Checks, c)
		}
	}
}

// inQuiet says whether minute m of the day is in [from, to), wrapping.
func inQuiet(m, from, to int) bool {
	if from <= to {
		return m >= from && m < to
	}
	return m >= from || m < to
}

func msText(ms int64) string {
	switch {
	case ms%1000 != 0:
		return (time.Duration(ms) * time.Millisecond).String()
	case ms%3600000 == 0 && ms >= 3600000:
		return fmt.Sprintf("%dh", ms/3600000)
	case ms%60000 == 0 && ms >= 60000:
		return fmt.Sprintf("%dm", ms/60000)
	case ms%1000 == 0:
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}
