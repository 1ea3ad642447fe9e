package engine

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
)

// DefaultEstimateSample is the number of actors per entity Estimate
// simulates unless told otherwise.
const DefaultEstimateSample = 200

// estimateSteps bounds the steps an estimate simulates (split between its
// batches and workers), so that `scen plan` answers in seconds whatever
// the scenario: a few actors with millions of sessions each would
// otherwise be simulated whole. When a worker runs out, the estimate is
// made over the part of the window every worker reached and extrapolated
// to the whole window.
var estimateSteps = 1 << 22

// estimateBatches is the number of disjoint batches the sample is run in;
// the spread of their totals gives the estimate's standard error.
const estimateBatches = 8

// EntitySample says how many of a root entity's actors an estimate
// simulated. The actors of its child entities (Children) come with their
// parent actor: all of a sampled actor's children are simulated.
type EntitySample struct {
	Entity   string
	Actors   int64    // the entity's count
	Sampled  int64    // simulated (the first Sampled actors)
	Children []string // descendant entities that act, in declaration order
}

// StreamEstimate is the expected output of one stream over the whole window.
type StreamEstimate struct {
	Stream  string
	Records float64 // expected records
	Bytes   float64 // expected bytes, uncompressed, in Format
	// Format is what Bytes measure: "CSV" when every sink of the stream
	// writes CSV, else "JSONL" (Parquet and Postgres are measured as JSON
	// lines).
	Format string
	// RelErr is the standard error of Records relative to Records (0 when
	// every actor was simulated): the spread between disjoint batches of
	// the sample, scaled to the population, with the finite-population
	// correction.
	RelErr float64
	// SampledRecords is what the sample itself produced.
	SampledRecords int64
}

// Estimate is the expected size of a run.
type Estimate struct {
	Entities []EntitySample
	Streams  []StreamEstimate
	Exact    bool // every actor was simulated: the counts are the run's
	// Partial: simulating the sample over the whole window would take too
	// many steps; it was simulated up to SimulatedTo (ms) and the counts
	// scaled to the whole window, as if the rest went at the same rate.
	Partial     bool
	SimulatedTo int64
	Start, End  int64 // the scenario's window (ms)
	// Unknown: not even the window's first millisecond could be simulated
	// within the budget; Streams hold no counts.
	Unknown bool
	Took    time.Duration
}

// countSink counts the records and JSON bytes of one (stream, entity)
// pair, per batch.
type countSink struct {
	stream  *rec.Stream
	csv     bool // count CSV rows' bytes, not JSON lines'
	batch   int
	records [estimateBatches]int64
	bytes   [estimateBatches]int64
}

func (c *countSink) Describe() string { return "estimate" }
func (c *countSink) NewEncoder(tf *stdlib.TimeFormatter) sinks.Encoder {
	if c.csv {
		return sinks.NewCSVEncoder(c.stream, tf)
	}
	return sinks.NewJSONEncoder(c.stream, tf)
}
func (c *countSink) Open(sinks.RunInfo) error { return nil }
func (c *countSink) Write(ts int64, b []byte) error {
	c.records[c.batch]++
	c.bytes[c.batch] += int64(len(b))
	return nil
}
func (c *countSink) Close() (sinks.Result, error) { return sinks.Result{}, nil }
func (c *countSink) reset()                       { c.records, c.bytes = [estimateBatches]int64{}, [estimateBatches]int64{} }
func (c *countSink) Abort()                       {}

// Estimate predicts the records and bytes per stream of a full run by
// simulating the first `sample` actors of every entity over the whole
// window (no sink is touched) and scaling by the entity's count. Actors
// draw from independent streams, so the first actors are a random sample
// of the population. The sample is run as disjoint batches whose totals
// give the standard error. sample <= 0 means DefaultEstimateSample.
//
// The result is deterministic: it depends on the plan and sample only.
func (p *Plan) Estimate(ctx context.Context, sample int64) (*Estimate, error) {
	start := time.Now()
	if sample <= 0 {
		sample = DefaultEstimateSample
	}
	est := &Estimate{Exact: true, Start: p.Start, End: p.End}
	scale := map[*EntityPlan]float64{}
	fpc := map[*EntityPlan]float64{}
	// Sampling applies to root entities; a child entity's actors come
	// with their root actor, so its records scale like the root's. An
	// entity none of whose actors acts (a table other entities refer to,
	// entity.NAME) is not simulated and does not make the estimate
	// inexact.
	for _, e := range p.Entities {
		if e.Parent != nil || !e.hasFlows() {
			continue
		}
		n := min(e.Count, sample)
		es := EntitySample{Entity: e.Name, Actors: e.Count, Sampled: n}
		for _, d := range p.Entities {
			if d != e && d.hasFlows() && rootOf(d) == e {
				es.Children = append(es.Children, d.Name)
			}
		}
		est.Entities = append(est.Entities, es)
		if n < e.Count {
			est.Exact = false
		}
		if n > 0 {
			scale[e] = float64(e.Count) / float64(n)
			fpc[e] = 1 - float64(n)/float64(e.Count)
		}
	}
	for _, e := range p.Entities {
		root := rootOf(e)
		scale[e], fpc[e] = scale[root], fpc[root]
	}

	// One counting sink per (stream, entity), wired to the emits of that
	// entity's flows, on a copy of the plan.
	q := *p
	q.Sinks = nil
	type key struct {
		stream *rec.Stream
		entity string
	}
	idx := map[key]int{}
	// A stream written only as CSV is measured as CSV.
	csvOnly := map[*rec.Stream]bool{}
	for _, sk := range p.Sinks {
		isCSV := !jsonSink(sk) && (sk.Type == "csv" || sk.Type == "stdout")
		if prev, seen := csvOnly[sk.Stream]; seen {
			csvOnly[sk.Stream] = prev && isCSV
		} else {
			csvOnly[sk.Stream] = isCSV
		}
	}
	var counters []*countSink
	var owners []*EntityPlan
	for _, f := range p.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				k := key{em.shape.Stream, f.Entity.Name}
				if _, ok := idx[k]; !ok {
					idx[k] = len(q.Sinks)
					cs := &countSink{stream: em.shape.Stream, csv: csvOnly[em.shape.Stream]}
					counters = append(counters, cs)
					owners = append(owners, f.Entity)
					q.Sinks = append(q.Sinks, &SinkPlan{Name: fmt.Sprintf("estimate-%d", len(q.Sinks)), Type: "estimate", Stream: em.shape.Stream, Sink: cs})
				}
			}
		}
	}
	r := q.rewire()
	for _, f := range r.Flows {
		for _, s := range f.States {
			for _, em := range s.Emits {
				em.sinks = []int{idx[key{em.shape.Stream, f.Entity.Name}]}
			}
		}
	}
	batches := estimateBatches
	if est.Exact {
		batches = 1
	}
	format := func(st *rec.Stream) string {
		if csvOnly[st] {
			return "CSV"
		}
		return "JSONL"
	}
	workers := runtime.NumCPU()
	// runAll runs every batch up to `to` (0: the end), each worker
	// stopping after `budget` steps (0: none); it says the earliest time a
	// worker stopped at, when one did.
	runAll := func(to int64, budget int) (cut bool, cutAt int64, err error) {
		for _, c := range counters {
			c.reset()
		}
		for b := 0; b < batches; b++ {
			for _, c := range counters {
				c.batch = b
			}
			res, err := r.Run(ctx, RunOptions{Workers: workers, MaxActors: sample, Shard: b, Shards: batches, To: to, stepBudget: budget})
			if err != nil {
				return false, 0, err
			}
			if res.cut && (!cut || res.cutAt < cutAt) {
				cut, cutAt = true, res.cutAt
			}
		}
		return cut, cutAt, nil
	}
	cut, cutAt, err := runAll(0, max(estimateSteps/(batches*workers), 1024))
	if err != nil {
		return nil, err
	}
	stretch := 1.0 // the whole window over the part simulated
	if cut {
		est.Exact = false
		if cutAt <= p.Start {
			est.Unknown = true
			for _, st := range p.Streams {
				est.Streams = append(est.Streams, StreamEstimate{Stream: st.Name, Format: format(st)})
			}
			est.Took = time.Since(start)
			return est, nil
		}
		// Again, to the time every worker of every batch reached within
		// its budget: the counts are then exactly those of [start, cutAt).
		if _, _, err := runAll(cutAt, 0); err != nil {
			return nil, err
		}
		est.Partial, est.SimulatedTo = true, cutAt
		stretch = float64(p.End-p.Start) / float64(cutAt-p.Start)
	}

	for _, st := range p.Streams {
		se := StreamEstimate{Stream: st.Name, Format: format(st)}
		variance := 0.0
		for i, c := range counters {
			if c.stream != st {
				continue
			}
			e := owners[i]
			var recs, bytes int64
			for b := 0; b < batches; b++ {
				recs += c.records[b]
				bytes += c.bytes[b]
			}
			se.SampledRecords += recs
			se.Records += stretch * scale[e] * float64(recs)
			se.Bytes += stretch * scale[e] * float64(bytes)
			if batches > 1 {
				// The population total is the sum of `batches` batch
				// totals, each scaled: its variance is batches × the
				// variance of one scaled batch total, corrected for the
				// finite population.
				var xs [estimateBatches]float64
				for b := 0; b < batches; b++ {
					xs[b] = stretch * scale[e] * float64(c.records[b])
				}
				variance += float64(batches) * sampleVar(xs[:batches]) * fpc[e]
			}
		}
		if se.Records > 0 {
			se.RelErr = math.Sqrt(variance) / se.Records
		}
		est.Streams = append(est.Streams, se)
	}
	est.Took = time.Since(start)
	return est, nil
}

// rootOf is the entity's topmost ancestor (itself for a root entity).
func rootOf(e *EntityPlan) *EntityPlan {
	for e.Parent != nil {
		e = e.Parent
	}
	return e
}

func sampleVar(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return v / float64(len(xs)-1)
}

// Describe writes the estimate in words, saying what it is based on.
func (est *Estimate) Describe(w io.Writer) {
	all := true // every actor simulated (over the whole window, or not)
	for _, e := range est.Entities {
		all = all && e.Sampled == e.Actors
	}
	var basis []string
	for _, e := range est.Entities {
		s := fmt.Sprintf("%s of %s %s actors", groupDigits(e.Sampled), groupDigits(e.Actors), e.Entity)
		if all {
			s = fmt.Sprintf("%s %s", groupDigits(e.Actors), e.Entity)
		}
		if len(e.Children) > 0 {
			// A child entity's actors are not sampled on their own: say
			// they come whole with the sampled parents.
			s += " and all their " + andList(e.Children) + " actors"
		}
		basis = append(basis, s)
	}
	who := strings.Join(basis, ", ")
	switch {
	case len(basis) == 0:
		who = "all actors (no entity has a flow)"
	case all:
		who = "all actors (" + who + ")"
	}
	switch {
	case est.Unknown:
		fmt.Fprintf(w, "\nexpected output: not estimated (simulating %s did not get past the window's start within %s steps)\n",
			who, groupDigits(int64(estimateSteps)))
		return
	case est.Partial:
		err := "; ± one standard error of the sample, not of the extrapolation"
		if all {
			err = ""
		}
		fmt.Fprintf(w, "\nexpected output (estimated by simulating %s over the window's first %s, %s of it, and extrapolating to the whole window at the same rate%s)\n",
			who, spanText(est.SimulatedTo-est.Start), percentText(float64(est.SimulatedTo-est.Start)/float64(est.End-est.Start)), err)
	case est.Exact:
		fmt.Fprintf(w, "\nexpected output (exact: %s simulated)\n", who)
	default:
		fmt.Fprintf(w, "\nexpected output (estimated by simulating %s over the whole window; ± one standard error)\n", who)
	}
	for _, s := range est.Streams {
		per := 0.0
		if s.Records > 0 {
			per = s.Bytes / s.Records
		}
		switch {
		case est.Exact:
			fmt.Fprintf(w, "  %-20s %s records, %s as %s (%.0f B/record)\n", s.Stream,
				groupDigits(int64(s.Records)), siBytes(s.Bytes), s.Format, per)
		case all:
			fmt.Fprintf(w, "  %-20s ≈%s records, ≈%s as %s (%.0f B/record)\n", s.Stream,
				siCount(s.Records), siBytes(s.Bytes), s.Format, per)
		default:
			fmt.Fprintf(w, "  %-20s ≈%s records ± %.1f%%, ≈%s as %s (%.0f B/record)\n", s.Stream,
				siCount(s.Records), 100*s.RelErr, siBytes(s.Bytes), s.Format, per)
		}
	}
}

// andList writes a, b and c.
func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// spanText writes a span of simulated time (ms) in its largest unit that
// reads well: 3.5 days, 5h20m, 12m30s, 850ms.
func spanText(ms int64) string {
	if ms >= 2*24*3600*1000 {
		return strconv.FormatFloat(float64(ms)/(24*3600*1000), 'f', 1, 64) + " days"
	}
	if ms >= 1000 {
		ms -= ms % 1000
	}
	return durationText(ms)
}

// percentText writes a fraction as a percentage with two significant
// digits: 37 %, 4.2 %, 0.0031 %.
func percentText(f float64) string {
	p := 100 * f
	switch {
	case p >= 10:
		return fmt.Sprintf("%.0f %%", p)
	case p <= 0:
		return "0 %"
	}
	return strconv.FormatFloat(p, 'g', 2, 64) + " %"
}

// groupDigits writes 1240000 as "1 240 000".
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// siUnit is one step of siCount's and siBytes's scales: values from
// min up are written divided by div with digits decimals.
type siUnit struct {
	min, div float64
	digits   int
	suffix   string
}

var (
	countUnits = []siUnit{{1e18, 1e18, 2, " E"}, {1e15, 1e15, 2, " P"}, {1e12, 1e12, 2, " T"},
		{1e9, 1e9, 2, " G"}, {1e6, 1e6, 2, " M"}, {1e4, 1e3, 1, " k"}, {0, 1, 0, ""}}
	byteUnits = []siUnit{{1e18, 1e18, 2, " EB"}, {1e15, 1e15, 2, " PB"}, {1e12, 1e12, 2, " TB"},
		{1e9, 1e9, 2, " GB"}, {1e6, 1e6, 0, " MB"}, {1e3, 1e3, 0, " kB"}, {0, 1, 0, " B"}}
)

// siFormat writes x in the largest unit whose min it reaches, moving
// one unit up when the rounded figure would reach that unit (999.996e9
// is 1.00 T, not 1000.00 G); past the exa range, in scientific notation.
func siFormat(x float64, units []siUnit, sci string) string {
	if x >= 1e21 {
		return fmt.Sprintf("%.2e"+sci, x)
	}
	for i, u := range units {
		if x < u.min {
			continue
		}
		v := x / u.div
		p := math.Pow(10, float64(u.digits))
		if i > 0 && math.Round(v*p)/p*u.div >= units[i-1].min {
			u, v = units[i-1], x/units[i-1].div
		}
		return strconv.FormatFloat(v, 'f', u.digits, 64) + u.suffix
	}
	return strconv.FormatFloat(x, 'f', 0, 64) + units[len(units)-1].suffix
}

// siCount writes an estimated count with an SI prefix: 2.02 P rather
// than 2016000.00 G (review 29 #10).
func siCount(x float64) string { return siFormat(x, countUnits, "") }

// siBytes writes an estimated size in decimal units, as siCount.
func siBytes(x float64) string { return siFormat(x, byteUnits, " B") }
