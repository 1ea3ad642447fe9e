package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
)

// Describe writes the plan in words.
func (p *Plan) Describe(w io.Writer) {
	tf := stdlib.NewTimeFormatter(p.Loc)
	fmt.Fprintf(w, "scenario %q\n", p.Name)
	fmt.Fprintf(w, "  seed      %d\n", p.Seed)
	fmt.Fprintf(w, "  timezone  %s\n", p.Loc)
	fmt.Fprintf(w, "  window    %s .. %s\n", tf.Append(nil, p.Start), tf.Append(nil, p.End))
	if len(p.Vars) > 0 {
		fmt.Fprintln(w, "\nvariables")
		for _, v := range p.Vars {
			src := "default"
			if v.FromCLI {
				src = "--var"
			}
			fmt.Fprintf(w, "  %-20s = %-12s (%s)\n", v.Name, varText(v.Value), src)
		}
	}
	fmt.Fprintln(w, "\nentities")
	for _, e := range p.Entities {
		count := fmt.Sprintf("%d actors", e.Count)
		if e.Parent != nil {
			count = "per " + e.Parent.Name + ": "
			if e.childCount != nil {
				count += cexprText(p, e.childCount)
			}
		}
		fmt.Fprintf(w, "  %-20s %s, attributes: %s\n", e.Name, count, strings.Join(e.AttrNames, ", "))
	}
	if len(p.Constraints) > 0 {
		fmt.Fprintln(w, "\nconstraints")
		for _, k := range p.Constraints {
			var rules []string
			if k.MinGap > 0 {
				r := "min_gap " + stdlib.DurV(k.MinGap).String()
				if k.rebuild != nil {
					r += " (rebuild " + cexprText(p, k.rebuild) + ")"
				} else {
					r += " (" + rebuiltHow(k.Flows) + ")"
				}
				rules = append(rules, r)
			}
			if k.MaxPerDay > 0 {
				rules = append(rules, fmt.Sprintf("max_per_day %d", k.MaxPerDay))
			}
			if k.Quiet {
				rules = append(rules, "quiet "+hhmm(k.QuietFrom)+"-"+hhmm(k.QuietTo))
			}
			over := flowNames(k.Flows)
			if len(k.States) > 0 {
				over += " (states " + strings.Join(k.States, ", ") + ")"
			}
			fmt.Fprintf(w, "  %-20s %s over %s: %s\n", k.Name, k.Entity.Name, over, strings.Join(rules, ", "))
		}
	}
	if len(p.Experiments) > 0 {
		fmt.Fprintln(w, "\nexperiments")
		for _, x := range p.Experiments {
			window := "always"
			if x.To != 0 {
				window = string(tf.Append(nil, x.From)) + " .. " + string(tf.Append(nil, x.To))
			}
			var groups []string
			for i, g := range x.Groups {
				groups = append(groups, fmt.Sprintf("%s %.1f%%", g, 100*x.Weights[i]))
			}
			fmt.Fprintf(w, "  %-20s unit %s = %s, groups: %s; active %s\n", x.Name, x.Entity.Name, cexprText(p, x.unit), strings.Join(groups, ", "), window)
			for _, name := range x.Params {
				pp := x.params[name]
				var vals []string
				for i, g := range x.Groups {
					vals = append(vals, g+" "+pp.vals[i].String())
				}
				line := fmt.Sprintf("    param %-14s %s; outside the window %s", name, strings.Join(vals, ", "), pp.def.String())
				if n := len(pp.overrides); n > 0 {
					line += fmt.Sprintf("; %d override(s)", n)
				}
				fmt.Fprintln(w, line)
			}
		}
	}
	for _, f := range p.Flows {
		fmt.Fprintf(w, "\nflow %q (actor %s, initial %s)\n", f.Name, f.Entity.Name, f.States[f.Initial].Name)
		fmt.Fprintln(w, "  session "+sessionText(p, f))
		if f.zone != nil {
			how := "per actor"
			if f.zoneLoc != nil {
				how = "constant"
			}
			fmt.Fprintf(w, "  zone %s (%s: arrival profiles, dates, active days, quiet_hours and max_per_day in this zone)\n", f.zoneText, how)
		}
		for _, s := range f.States {
			var emits []string
			for _, em := range s.Emits {
				name := em.shape.Stream.Name
				if em.each != nil {
					name += " (one per element of for_each)"
				}
				emits = append(emits, name)
			}
			fmt.Fprintf(w, "  state %-18s emits [%s]\n", s.Name, strings.Join(emits, ", "))
			edges, note := nextEdges(s.Next)
			for _, e := range edges {
				fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("    -> %-18s %s", e.To, e.Text), " "))
			}
			if note != "" {
				fmt.Fprintln(w, "       "+note)
			}
		}
	}
	fmt.Fprintln(w, "\nstreams")
	for _, s := range p.Streams {
		var cols []string
		for _, c := range s.Columns {
			t := c.Type.String()
			if c.Type == stdlib.Any {
				t = "any"
			}
			cols = append(cols, c.Name+":"+t)
		}
		fmt.Fprintf(w, "  %-20s %d emit(s); fields %s\n", s.Name, len(s.Emits), strings.Join(cols, ", "))
	}
	fmt.Fprintln(w, "\nsinks")
	for _, s := range p.Sinks {
		fmt.Fprintf(w, "  %-20s stream %s → %s\n", s.Name, s.Stream.Name, s.Sink.Describe())
	}
	p.describeMemory(w)
}

var errEnough = errors.New("preview complete")

// memSink collects JSON lines in memory up to a limit, or hands each to
// out as it comes (then it keeps none).
type memSink struct {
	stream *rec.Stream
	limit  int
	keep   func(record []byte) (bool, error)
	out    func(record []byte) error
	n      int
	recs   [][]byte
}

func (m *memSink) Describe() string { return "memory" }
func (m *memSink) NewEncoder(tf *stdlib.TimeFormatter) sinks.Encoder {
	return sinks.NewJSONEncoder(m.stream, tf)
}
func (m *memSink) Open(sinks.RunInfo) error { return nil }
func (m *memSink) Write(ts int64, b []byte) error {
	if m.keep != nil {
		ok, err := m.keep(b)
		if err != nil || !ok {
			return err
		}
	}
	m.n++
	if m.out != nil {
		if err := m.out(b); err != nil {
			return err
		}
	} else {
		m.recs = append(m.recs, append([]byte(nil), b...))
	}
	if m.n >= m.limit {
		return errEnough
	}
	return nil
}
func (m *memSink) Close() (sinks.Result, error) {
	return sinks.Result{Records: int64(m.n)}, nil
}
func (m *memSink) Abort() {}

// Preview returns the first n records of a stream (the first stream when
// name is empty) as JSON lines, in time order, without touching any sink.
//
// keep, when set, filters records (it sees each JSON line); the run goes on
// until n records are kept or the scenario ends.
func (p *Plan) Preview(ctx context.Context, name string, n int, keep func(record []byte) (bool, error)) ([][]byte, error) {
	ms, err := p.preview(ctx, name, n, keep, nil)
	if err != nil {
		return nil, err
	}
	return ms.recs, nil
}

// PreviewTo is Preview writing each record to w as it is generated, so
// that a large n holds no more in memory than a run does; it returns the
// number of records written. A failure after some records leaves them
// written.
func (p *Plan) PreviewTo(ctx context.Context, w io.Writer, name string, n int, keep func(record []byte) (bool, error)) (int, error) {
	ms, err := p.preview(ctx, name, n, keep, func(b []byte) error {
		_, err := w.Write(b)
		return err
	})
	if ms == nil {
		return 0, err
	}
	return ms.n, err
}

// ErrNoStreams: the scenario declares no stream (it emits nothing).
var ErrNoStreams = errors.New("the scenario emits no records")

// StreamNamed returns the stream called name, or the first stream when
// name is empty. The error for a name the plan lacks lists the streams
// and suggests the closest; ErrNoStreams when there is none at all.
func (p *Plan) StreamNamed(name string) (*rec.Stream, error) {
	var names []string
	for _, s := range p.Streams {
		if s.Name == name || name == "" {
			return s, nil
		}
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return nil, ErrNoStreams
	}
	return nil, fmt.Errorf("no stream named %q (streams: %s).%s", name, strings.Join(names, ", "), suggest(name, names))
}

func (p *Plan) preview(ctx context.Context, name string, n int, keep func(record []byte) (bool, error), out func([]byte) error) (*memSink, error) {
	st, err := p.StreamNamed(name)
	if err != nil {
		return nil, err
	}
	ms := &memSink{stream: st, limit: n, keep: keep, out: out}
	q := *p
	q.Sinks = []*SinkPlan{{Name: "preview", Type: "memory", Stream: st, Sink: ms}}
	rewired := q.rewire()
	_, err = rewired.Run(ctx, RunOptions{Workers: 1})
	if err != nil && !errors.Is(err, errEnough) {
		return ms, err
	}
	return ms, nil
}

// rewire returns a copy of the plan whose emits point at q.Sinks.
func (p *Plan) rewire() *Plan {
	q := *p
	q.Flows = nil
	ents := map[*EntityPlan]*EntityPlan{}
	for _, e := range p.Entities {
		ec := *e
		ec.Flows = nil
		ents[e] = &ec
	}
	q.Entities = nil
	for _, e := range p.Entities {
		ec := ents[e]
		// Child entities' flows run from their root actors: point the
		// copies at each other, so that every flow is a rewired one.
		if e.Parent != nil {
			ec.Parent = ents[e.Parent]
		}
		ec.Children = nil
		for _, c := range e.Children {
			ec.Children = append(ec.Children, ents[c])
		}
		q.Entities = append(q.Entities, ec)
	}
	for _, f := range p.Flows {
		fc := *f
		fc.Entity = ents[f.Entity]
		fc.States = nil
		for _, s := range f.States {
			sc := *s
			sc.Emits = nil
			for _, em := range s.Emits {
				ec := *em
				ec.sinks, ec.noNUL, ec.partChecks = nil, nil, nil
				for i, sp := range q.Sinks {
					if sp.Stream == em.shape.Stream {
						ec.sinks = append(ec.sinks, i)
						if _, ok := sp.Sink.(sinks.NoNUL); ok {
							ec.noNUL = em.noNUL // a sink of the plan's own
						}
						if _, ok := sp.Sink.(sinks.FieldPartitioned); ok {
							ec.partChecks = em.partChecks // likewise
						}
					}
				}
				sc.Emits = append(sc.Emits, &ec)
			}
			fc.States = append(fc.States, &sc)
		}
		q.Flows = append(q.Flows, &fc)
		fc.Entity.Flows = append(fc.Entity.Flows, &fc)
	}
	return &q
}

// DescribeDot writes each flow's state machine as a Graphviz digraph.
func (p *Plan) DescribeDot(w io.Writer) {
	fmt.Fprintf(w, "digraph %q {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n", p.Name)
	for _, f := range p.Flows {
		id := func(s string) string { return fmt.Sprintf("%q", f.Name+"."+s) }
		fmt.Fprintf(w, "  subgraph %q {\n    label=%q;\n", "cluster_"+f.Name, "flow "+f.Name+" ("+f.Entity.Name+")")
		// The entry point is no state's node: a state may be named start.
		entry := fmt.Sprintf("%q", f.Name+" (entry)")
		fmt.Fprintf(w, "    %s [shape=point];\n    %s [label=\"end\", shape=doublecircle];\n", entry, id("end"))
		fmt.Fprintf(w, "    %s -> %s;\n", entry, id(f.States[f.Initial].Name))
		for _, s := range f.States {
			fmt.Fprintf(w, "    %s [label=%q];\n", id(s.Name), s.Name)
			edges, _ := nextEdges(s.Next)
			for _, e := range edges {
				if e.Dot == "" {
					fmt.Fprintf(w, "    %s -> %s;\n", id(s.Name), id(e.To))
				} else {
					fmt.Fprintf(w, "    %s -> %s [label=%q];\n", id(s.Name), id(e.To), e.Dot)
				}
			}
		}
		fmt.Fprintln(w, "  }")
	}
	fmt.Fprintln(w, "}")
}

// sessionText is a flow's session settings and gap, for scen plan, in
// the order of the session block: count, start, every or arrivals,
// max_events, then the flow's gap. What is left out is said in words
// where it matters: without count the sessions go on until the window
// ends; without every or arrivals each starts right after the previous
// one (unless there is only one).
func sessionText(p *Plan, f *FlowPlan) string {
	var parts []string
	if f.sessCount != nil {
		parts = append(parts, "count "+cexprLine(p, f.sessCount))
	}
	if f.sessStart != nil {
		parts = append(parts, "start "+cexprLine(p, f.sessStart))
	}
	switch {
	case f.arrivals != nil:
		a := "arrivals(" + cexprLine(p, f.arrivals.rate)
		if f.arrivalsProfiles != "" {
			a += ", " + f.arrivalsProfiles
		}
		if f.arrivals.active != nil {
			a += ", " + cexprLine(p, f.arrivals.active)
		}
		parts = append(parts, a+")")
	case f.sessEvery != nil:
		parts = append(parts, "every "+cexprLine(p, f.sessEvery))
	case f.sessCount != nil && f.sessCount.isC && f.sessCount.val.I <= 1:
		// One session (or none): no next one to start.
	default:
		parts = append(parts, "each right after the previous one")
	}
	if f.sessCount == nil {
		parts = append(parts, "until the window ends")
	}
	if f.maxEvents != nil {
		parts = append(parts, "max_events "+cexprLine(p, f.maxEvents))
	}
	text := strings.Join(parts, ", ")
	if f.gap != nil {
		text += "; gap " + cexprLine(p, f.gap)
	}
	return text
}

// cexprLine is cexprText on one line, spaced as scen fmt writes it.
func cexprLine(p *Plan, x *cexpr) string {
	if x.isC {
		return x.val.String()
	}
	t := cexprText(p, x)
	if f := p.Files[x.rng.Filename]; f != nil && t != "(expression)" {
		return normText([]byte(t), x.rng)
	}
	return t
}

// cexprText is a compiled expression's source text, for descriptions.
func cexprText(p *Plan, x *cexpr) string {
	if x.isC {
		return x.val.String()
	}
	f := p.Files[x.rng.Filename]
	if f == nil || x.rng.End.Byte > len(f.Bytes) || x.rng.Start.Byte >= x.rng.End.Byte {
		return "(expression)"
	}
	return string(f.Bytes[x.rng.Start.Byte:x.rng.End.Byte])
}

// nextEdge is one line of a state's transitions in a description: its
// target, its text for scen plan and its label for the dot graph.
type nextEdge struct {
	To, Text, Dot string
}

// nextEdges describes a state's transitions. Transition blocks are listed
// in the order they are evaluated (chooseTransition): those with a
// probability or a when guard in order, the first that fires winning;
// then the weighted draw among the rest; then otherwise, or end. A
// transition that is reached only when the earlier ones are not taken
// says so, with its overall probability when the earlier ones' are
// known, so that the plan shows the real split (p=0.3 then p=0.5 is 30 %
// and 35 %, not 30 % and 50 %). note, when set, explains guarded weights.
func nextEdges(next []Transition) (edges []nextEdge, note string) {
	add := func(to, text, dot string) { edges = append(edges, nextEdge{to, text, dot}) }
	if len(next) == 0 {
		add("end", fmt.Sprintf("%5.1f%%", 100.0), "")
		return edges, ""
	}
	var seq, weighted []Transition
	var otherwise *Transition
	sum, _ := weightSum(next)
	for i, t := range next {
		switch t.Label {
		case "":
			// next = { … }: one weighted draw.
			add(t.To, fmt.Sprintf("%5.1f%%", 100*t.Weight/sum), fmt.Sprintf("%.0f%%", 100*t.Weight/sum))
		case "weight":
			weighted = append(weighted, t)
		case "otherwise":
			otherwise = &next[i]
		default: // "when", "probability"
			seq = append(seq, t)
		}
	}
	if len(seq) == 0 && len(weighted) == 0 && otherwise == nil {
		return edges, ""
	}
	// rest is the probability that none of the transitions so far is
	// taken, when known is set.
	rest, known := 1.0, true
	for i, t := range seq {
		when := ""
		if t.When != "" {
			when = " when " + t.When
		}
		var text, dot string
		overall := math.NaN()
		switch {
		case t.Label == "when":
			text, dot = "(when "+t.When+")", "when "+t.When
			known = false
		case !math.IsNaN(t.Weight):
			text = fmt.Sprintf("p=%g%s", t.Weight, when)
			dot = text
			if t.When == "" && known {
				overall = rest * t.Weight
				rest *= 1 - t.Weight
			} else {
				known = false
			}
		default:
			text, dot = fmt.Sprintf("(p = %s)%s", t.Prob, when), fmt.Sprintf("p = %s%s", t.Prob, when)
			known = false
		}
		if i > 0 {
			text += " if the earlier ones are not taken"
			if math.IsNaN(overall) {
				dot += " if the earlier ones are not taken"
			} else {
				text += " → " + overallText(overall) + " overall"
				dot += " (" + overallText(overall) + " overall)"
			}
		}
		add(t.To, text, dot)
	}
	sum, guarded := weightSum(weighted)
	for _, t := range weighted {
		share := fmt.Sprintf("%5.1f%% weight", 100*t.Weight/sum)
		dshare := fmt.Sprintf("%.0f%%", 100*t.Weight/sum)
		switch {
		case guarded:
			text := fmt.Sprintf("weight %g", t.Weight)
			if t.When != "" {
				text += " when " + t.When
			}
			add(t.To, text, strings.Replace(text, "weight ", "w=", 1))
		case len(seq) == 0:
			add(t.To, share, dshare)
		case known:
			o := overallText(rest * t.Weight / sum)
			add(t.To, share+" of the rest → "+o+" overall", dshare+" of the rest ("+o+" overall)")
		default:
			add(t.To, share+" of the rest", dshare+" of the rest")
		}
	}
	sure := 0.0 // the weights of the weighted transitions without a guard
	for _, t := range weighted {
		if t.When == "" {
			sure += t.Weight
		}
	}
	switch {
	case sure > 0:
		rest, known = 0, true // the draw always picks one
	case guarded:
		known = false
	}
	// What is left goes to otherwise, or ends the session.
	to, text, dot := "end", "(when none is taken)", "none taken"
	if otherwise != nil {
		to, text, dot = otherwise.To, "(otherwise)", "otherwise"
	}
	switch {
	case len(seq) == 0 && len(weighted) == 0:
		add(to, text, dot)
	case known && rest == 0:
		if otherwise != nil {
			add(to, text+" never taken", dot+" (never taken)")
		}
	case known:
		add(to, text+" → "+overallText(rest)+" overall", dot+" ("+overallText(rest)+" overall)")
	default:
		add(to, text, dot)
	}
	if guarded {
		note = "(weights of the transitions whose when holds are shared out)"
		if len(seq) > 0 {
			note = "(weights of the transitions whose when holds are shared out, when the earlier ones are not taken)"
		}
	}
	return edges, note
}

// overallText writes a probability as a percentage: 35.0%, 0.012%.
func overallText(p float64) string {
	if x := 100 * p; x > 0 && x < 0.1 {
		return strconv.FormatFloat(x, 'g', 2, 64) + "%"
	}
	return fmt.Sprintf("%.1f%%", 100*p)
}

// weightSum is the sum of a state's transition weights, and whether any
// weighted transition has a when guard: then which weights are shared out
// depends on the record, and no share can be given.
func weightSum(next []Transition) (sum float64, guarded bool) {
	for _, t := range next {
		if t.Label == "" || t.Label == "weight" {
			sum += t.Weight
			guarded = guarded || t.When != ""
		}
	}
	return sum, guarded
}

// rebuiltHow says how min_gap moves an event that came too close, without
// rebuild: by the flow's arrival process, or else by min_gap plus up to
// as much again.
func rebuiltHow(flows []*FlowPlan) string {
	var arr, other []*FlowPlan
	for _, f := range flows {
		if f.arrivals != nil {
			arr = append(arr, f)
		} else {
			other = append(other, f)
		}
	}
	const plus = "moved to min_gap plus up to as much again"
	switch {
	case len(other) == 0:
		return "rebuilt from the flow's arrivals"
	case len(arr) == 0:
		return plus
	}
	return "rebuilt from the arrivals of " + flowNames(arr) + "; " + flowNames(other) + ": " + plus
}
