package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/report"
	"github.com/scenhq/scen/stdlib"
	"github.com/spf13/cobra"
)

func reportCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var stream, htmlPath, zoneField string
	var alpha float64
	var cpuprofile, memprofile string
	cmd := &cobra.Command{
		Use:   "report SCENARIO OUTPUT...",
		Short: "Compare a run's output with what the scenario declares (exit 1 if a check fails)",
		Long: `report reads the records a run wrote for one stream (JSON lines, CSV or
Parquet files, or directories holding them) and tests them against the
scenario: categorical shares of weighted({…}) fields and attributes, session
starts against the arrival profile (hour of day, weekday), flow transition
probabilities, experiment assignment, sample ratio and parameter-driven rates,
and constraints (min_gap, max_per_day, quiet_hours). The seed and variables are the run's, from the
manifest.json next to its files, unless --seed or --var set them (a value
that differs from the run's is said: the checks that recompute actors
then fail).

It prints PASS or FAIL per check, writes one self-contained HTML page, and
exits 1 when any check fails.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(alpha > 0 && alpha < 1) { // NaN too
				return usageErr("--alpha %v: expected a significance level between 0 and 1, such as %v", alpha, report.DefaultAlpha)
			}
			if cpuprofile != "" {
				f, err := os.Create(cpuprofile)
				if err != nil {
					return usageErr("--cpuprofile: %v", err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return usageErr("--cpuprofile: %v", err)
				}
				defer pprof.StopCPUProfile()
			}
			if memprofile != "" {
				runtime.MemProfileRate = 64 << 10
			}
			// The report's live data is mostly the records' fields it
			// reads, made at its start: collected rarely while they are.
			defer engine.TuneGC()()
			files, pathNotes, err := report.ExpandPaths(args[1:], stream)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			// The run's seed and variables, from its manifest, unless
			// given here; values given here that differ are said.
			manifestNotes, run, err := c.runValues(files)
			if err != nil {
				return err
			}
			plan, err := c.load(args[0])
			if err != nil {
				return err
			}
			if run == nil {
				if note := c.noManifestNote(plan); note != "" {
					manifestNotes = append(manifestNotes, note)
				}
			}
			var window engine.ManifestWindow
			if run != nil {
				window = run.m.Window
				note, err := sameScenario(plan, args[0], run)
				if err != nil {
					return err
				}
				if note != "" {
					manifestNotes = append(manifestNotes, note)
				}
			}
			listed, err := manifestSinks(files)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			headers, headerNotes, err := headerlessCSV(plan, files, listed, stream)
			if err != nil {
				return err
			}
			manifestNotes = append(manifestNotes, headerNotes...)
			spec, err := plan.IntrospectWindow(window.FromMs, window.ToMs)
			if err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("the run's window (%s .. %s, from its manifest.json): %v: is the scenario the run's?", window.From, window.To, err)}
			}
			if spec.From != spec.Start || spec.To != spec.End {
				manifestNotes = append(manifestNotes, fmt.Sprintf("the run wrote the records from %s to %s only (--from/--to, from its manifest.json): arrival profiles are integrated over that window, and sessions already running at its start are not counted as session starts", window.From, window.To))
			}
			opts := report.Options{Stream: stream, Alpha: alpha, ZoneField: zoneField,
				Actors: func(x, param string) ([]engine.ExperimentActor, error) {
					return plan.ExperimentActors(x, param, 0)
				}}
			// The fields the checks read are read as the files are
			// checked (one pass), for the stream the first record's
			// fields match.
			in, err := report.ReadInputWith(files, func(cols []string) ([][]string, []string) {
				return report.ReadFields(spec, opts, cols)
			}, headers)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			// Some of a sink's files (one day's partition, one rotated
			// part): checked as the records of their time span only.
			if sub, spans, note := subsetWindow(plan, spec, in, files, listed); note != "" {
				manifestNotes = append(manifestNotes, note)
				if sub != nil {
					spec, opts.Spans = sub, spans
				}
			}
			// Some of the values of a field a sink partitions by
			// (country=JP of nine countries): that field's share is
			// the files' choice.
			var fieldNotes []string
			opts.Selected, fieldNotes = fieldSubset(plan, files, listed)
			manifestNotes = append(manifestNotes, fieldNotes...)
			rep, err := report.Build(spec, in, opts)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			if memprofile != "" {
				// What the report holds once built (the records' fields
				// it read among them), before they are let go.
				runtime.GC()
				f, err := os.Create(memprofile)
				if err == nil {
					err = pprof.Lookup("heap").WriteTo(f, 0)
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}
				if err != nil {
					return &exitError{code: 1, msg: "--memprofile: " + err.Error()}
				}
				runtime.KeepAlive(in)
			}
			rep.Notes = append(append(pathNotes, manifestNotes...), rep.Notes...)
			rep.WriteText(stdout)
			if htmlPath != "" {
				// Written whole or not at all: a failed write leaves no
				// half page (and an earlier report in place).
				var page bytes.Buffer
				werr := rep.WriteHTML(&page)
				if werr == nil {
					werr = engine.WriteFileAtomic(htmlPath, page.Bytes(), 0o644)
				}
				if werr != nil {
					return &exitError{code: 1, msg: fmt.Sprintf("%s: %v", htmlPath, werr)}
				}
				fmt.Fprintf(stdout, "report: %s\n", htmlPath)
			}
			if n := rep.Failed(); n > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("%d of %d checks failed", n, len(rep.Checks))}
			}
			return nil
		},
	}
	c.addFlags(cmd)
	cmd.Flags().StringVar(&stream, "stream", "", "stream the files hold (default: the stream whose fields match the files' columns)")
	cmd.Flags().StringVar(&htmlPath, "html", "report.html", `write the HTML report here ("" for none)`)
	cmd.Flags().Float64Var(&alpha, "alpha", report.DefaultAlpha, "significance level of each test")
	cmd.Flags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	cmd.Flags().MarkHidden("cpuprofile")
	cmd.Flags().StringVar(&memprofile, "memprofile", "", "write a heap profile (pprof) of the built report to this file")
	cmd.Flags().MarkHidden("memprofile")
	cmd.Flags().StringVar(&zoneField, "zone-field", "", "field holding each record's time zone, for flows with a per-actor session zone: their hour of day, weekday, quiet_hours and max_per_day are checked on it (default: the field written as the zone expression, tz = user.tz)")
	return cmd
}

// runValues takes the seed and the variables a run was made with from the
// manifests that list its files, for those that --seed and --var do not
// set, and says which it took. A value given that differs from the run's
// is kept (the user asked for it) and said: the report recomputes actors'
// attributes and groups with it, so their checks fail.
func (c *common) runValues(files []string) ([]string, *runManifest, error) {
	var none *runManifest // the scenario's window
	paths, err := report.Manifests(files)
	if err != nil {
		return nil, none, &exitError{code: 1, msg: err.Error()}
	}
	if len(paths) == 0 {
		return nil, none, nil // noManifestNote, once the scenario is known
	}
	var m *engine.Manifest
	for _, p := range paths {
		mp, err := engine.ReadManifest(p)
		if err != nil {
			return nil, none, &exitError{code: 1, msg: err.Error()}
		}
		if m == nil {
			m = mp
			continue
		}
		if mp.Seed != m.Seed || !slices.EqualFunc(mp.Variables, m.Variables, func(a, b engine.ManifestVar) bool {
			return a.Name == b.Name && bytes.Equal(a.Value, b.Value)
		}) {
			return nil, none, &exitError{code: 1, msg: fmt.Sprintf("%s and %s describe runs with different seeds or variables: report one run's files", paths[0], p)}
		}
		if mp.Window.FromMs != m.Window.FromMs || mp.Window.ToMs != m.Window.ToMs {
			return nil, none, &exitError{code: 1, msg: fmt.Sprintf("%s and %s describe runs with different windows (%s .. %s, %s .. %s): report one run's files",
				paths[0], p, m.Window.From, m.Window.To, mp.Window.From, mp.Window.To)}
		}
	}
	where := paths[0]
	if len(paths) > 1 {
		where += fmt.Sprintf(" and %d more", len(paths)-1)
	}
	var notes, took []string
	runSeed := strconv.FormatUint(m.Seed, 10)
	switch {
	case c.seed == "":
		c.seed = runSeed
		took = append(took, "--seed "+runSeed)
	case c.seed != runSeed:
		notes = append(notes, fmt.Sprintf("--seed %s differs from the run's seed %s (%s): actors are recomputed with %s, so the checks that need them (actor shares, sample ratio, assignment, metrics) may fail", c.seed, runSeed, where, c.seed))
	}
	given := map[string]string{}
	for _, kv := range c.vars {
		if k, v, ok := strings.Cut(kv, "="); ok {
			given[k] = v
		}
	}
	for _, v := range m.Variables {
		text, err := v.VarArg()
		if err != nil {
			return nil, none, &exitError{code: 1, msg: fmt.Sprintf("%s: %v", where, err)}
		}
		g, set := given[v.Name]
		switch {
		case set && !sameVarText(g, text):
			notes = append(notes, fmt.Sprintf("--var %s=%s differs from the run's %s=%s (%s): the report checks against %s", v.Name, g, v.Name, text, where, g))
		case !set && v.FromCLI:
			// Defaults stay the scenario's: only what the run set.
			c.vars = append(c.vars, v.Name+"="+text)
			took = append(took, "--var "+v.Name+"="+text)
		}
	}
	if len(took) > 0 {
		notes = append([]string{fmt.Sprintf("the run's %s, from %s", strings.Join(took, " "), where)}, notes...)
	}
	return notes, &runManifest{m: m, where: where, path: paths[0]}, nil
}

// noManifestNote says, when no manifest lists the files, which of the
// values a run may set the report takes from the scenario: the seed
// unless --seed is given, and the variables --var does not set. "" when
// --seed is given and the scenario declares no other variable (it used
// to say "the scenario's default seed and variables" whatever was given).
func (c *common) noManifestNote(plan *engine.Plan) string {
	given := map[string]bool{}
	for _, kv := range c.vars {
		if k, _, ok := strings.Cut(kv, "="); ok {
			given[k] = true
		}
	}
	var defaults []string
	for _, v := range plan.Vars {
		if !given[v.Name] {
			defaults = append(defaults, v.Name)
		}
	}
	const head = "no manifest.json lists the files (next to them or in the output directory above): the report uses the scenario's "
	switch {
	case c.seed == "" && len(defaults) > 0:
		return head + "default seed and variables, so pass --seed and --var as the run had them"
	case c.seed == "":
		return head + "default seed, so pass --seed as the run had it"
	case len(defaults) > 0:
		what := "variable"
		if len(defaults) > 1 {
			what = "variables"
		}
		return head + "default " + what + " " + strings.Join(defaults, ", ") + ", so pass --var for those the run set"
	}
	return ""
}

// runManifest is the manifest of the run that wrote the files: where
// names it (the first path, and how many more) for messages.
type runManifest struct {
	m           *engine.Manifest
	where, path string
}

// sameScenario refuses to check a run's files against another scenario
// than the one the run's manifest records (by its name): every check
// would fail, or the run's window not fit the scenario's, without saying
// why. A scenario of the run's name whose content changed since is
// checked as it is now, and a note says what changed.
func sameScenario(plan *engine.Plan, path string, run *runManifest) (string, error) {
	ms := run.m.Scenario
	if ms.Name != "" && ms.Name != plan.Name {
		at := ms.AbsPath
		if at == "" {
			at = ms.Path
		}
		return "", &exitError{code: 1, msg: fmt.Sprintf("these files were generated by scenario %q (%s), not by %q (%s), according to %s: report them against the scenario that wrote them (scen report %s …)",
			ms.Name, at, plan.Name, path, run.path, at)}
	}
	root, err := engine.ScenarioRoot(path)
	if err != nil || ms.Hash == "" {
		return "", nil // the names agree: nothing more to compare
	}
	hash, inputs, err := plan.ContentHash(root)
	if err != nil || hash == ms.Hash {
		return "", nil
	}
	what := strings.Join(engine.ChangedInputs(ms.Inputs, inputs), ", ")
	if what == "" {
		what = "the files are the same but their paths moved"
	}
	return fmt.Sprintf("the scenario changed since the run (%s, according to %s): the files are checked against the scenario as it is now", what, run.where), nil
}

// sameVarText says whether two variable texts are one value: equal, or
// the same number written two ways (10 and 10.0).
func sameVarText(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return errA == nil && errB == nil && x == y
}

// listedSink is a sink of a run's manifest and the files it lists, by
// absolute path.
type listedSink struct {
	name, stream, manifest string
	files                  []string
}

// manifestSinks reads the sinks of the manifests that list the files.
func manifestSinks(files []string) ([]listedSink, error) {
	paths, err := report.Manifests(files)
	if err != nil {
		return nil, err
	}
	var out []listedSink
	for _, p := range paths {
		m, err := engine.ReadManifest(p)
		if err != nil {
			return nil, err
		}
		dir := filepath.Dir(p)
		for _, s := range m.Sinks {
			ls := listedSink{name: s.Name, stream: s.Stream, manifest: p}
			for _, f := range s.Files {
				ls.files = append(ls.files, filepath.Clean(filepath.Join(dir, filepath.FromSlash(f.Path))))
			}
			out = append(out, ls)
		}
	}
	return out, nil
}

// headerlessCSV finds the CSV files written by a sink with header =
// false, and gives each the header row its sink would have written:
// read as plain CSV, their first record was taken for the column names,
// one record lost and the rest read under wrong names (the report said
// the files were not the scenario's output, and failed every check with
// --stream). A file the manifest lists under such a sink takes that
// sink's header; without a manifest, when every CSV sink of the scenario
// writes none, a CSV file takes the columns of its headerless CSV sinks
// (of stream, when given) when they all write the same (sinks of one
// stream do). Sinks that write different columns are not guessed
// between: the file is refused, naming them, so that --stream settles
// it. A CSV file that no rule settles, when some sink writes no header,
// is read as it is.
func headerlessCSV(plan *engine.Plan, files []string, listed []listedSink, stream string) (map[string][]byte, []string, error) {
	header := map[string][]byte{} // sink name → its missing header row
	csvSinks := 0
	var groups []*headerGroup // the headerless CSV sinks, by the columns they write
	streams := map[string]bool{}
	for _, s := range plan.Sinks {
		streams[s.Stream.Name] = true
		if s.Type != "csv" {
			continue
		}
		csvSinks++
		h := sinks.MissingCSVHeader(s.Sink)
		if h == nil {
			continue
		}
		header[s.Name] = h
		i := slices.IndexFunc(groups, func(g *headerGroup) bool { return bytes.Equal(g.header, h) })
		if i < 0 {
			i = len(groups)
			groups = append(groups, &headerGroup{header: h, stream: s.Stream.Name})
		}
		groups[i].sinks = append(groups[i].sinks, s.Name)
	}
	if len(header) == 0 {
		return nil, nil, nil
	}
	// The columns a file no manifest lists is read with: those of the
	// one group of headerless sinks (of stream), or else an error.
	var only *headerGroup
	var unsettled string
	if csvSinks == len(header) {
		var cands []*headerGroup
		for _, g := range groups {
			if stream == "" || g.stream == stream {
				cands = append(cands, g)
			}
		}
		switch {
		case len(cands) == 1:
			only = cands[0]
		case len(cands) > 1:
			unsettled = fmt.Sprintf("the scenario's CSV sinks write no header row (header = false), and no manifest.json says which wrote this file: %s: pass --stream NAME to say which stream it holds", headerGroups(groups))
		case streams[stream]:
			unsettled = fmt.Sprintf("--stream %s: no headerless CSV sink writes stream %q, and no manifest.json says which sink wrote this file: %s", stream, stream, headerGroups(groups))
		}
		// A --stream that names no stream is said by the report, with
		// the streams there are.
	}
	bySink := map[string]string{} // absolute file → sink
	for _, s := range listed {
		for _, f := range s.files {
			bySink[f] = s.name
		}
	}
	out := map[string][]byte{}
	read := map[string]int{} // sinks' label → files read with their header
	cols := map[string][]byte{}
	var order []string
	for _, f := range files {
		lower := strings.ToLower(f)
		for _, ext := range []string{".gz", ".zst"} {
			lower = strings.TrimSuffix(lower, ext)
		}
		if !strings.HasSuffix(lower, ".csv") || data.IsParquet(f) {
			continue
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, nil, &exitError{code: 1, msg: err.Error()}
		}
		var label string
		var h []byte
		if sink, ok := bySink[abs]; ok {
			label, h = fmt.Sprintf("sink %q writes", sink), header[sink]
		} else if len(listed) == 0 {
			switch {
			case unsettled != "":
				return nil, nil, &exitError{code: 1, msg: f + ": " + unsettled}
			case only != nil:
				h = only.header
				label = fmt.Sprintf("sink %q writes", only.sinks[0])
				if len(only.sinks) > 1 {
					label = "sinks " + quotedAnd(only.sinks) + " write"
				}
			}
		}
		if h != nil {
			out[f] = h
			if read[label] == 0 {
				order = append(order, label)
				cols[label] = h
			}
			read[label]++
		}
	}
	var notes []string
	for _, label := range order {
		its := "its"
		if strings.HasPrefix(label, "sinks ") {
			its = "their"
		}
		notes = append(notes, fmt.Sprintf("%s no header row (header = false): %s read with %s columns (%s)", label, plural(read[label], "file"), its, strings.TrimSuffix(string(cols[label]), "\n")))
	}
	return out, notes, nil
}

// headerGroup is the headerless CSV sinks that write one header row's
// columns (those of one stream).
type headerGroup struct {
	header []byte
	stream string
	sinks  []string
}

// headerGroups names the sinks of each group, its stream and its columns,
// the groups in order of their first sink's name: sinks "au" (stream au:
// who,at,what), "ev" and "ev2" (stream ev: uid,sid,st,ts,channel).
func headerGroups(groups []*headerGroup) string {
	gs := slices.Clone(groups)
	for _, g := range gs {
		slices.Sort(g.sinks)
	}
	slices.SortFunc(gs, func(a, b *headerGroup) int { return strings.Compare(a.sinks[0], b.sinks[0]) })
	var parts []string
	n := 0
	for _, g := range gs {
		n += len(g.sinks)
		parts = append(parts, fmt.Sprintf("%s (stream %s: %s)", quotedAnd(g.sinks), g.stream, strings.TrimSuffix(string(g.header), "\n")))
	}
	if n == 1 {
		return "sink " + parts[0]
	}
	return "sinks " + strings.Join(parts, ", ")
}

// quotedAnd lists names quoted: "a", "b" and "c".
func quotedAnd(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// subsetWindow notes files given of a sink whose run's manifest lists
// more (one day's partition, the first rotated part), and returns the
// spec of the window they span, and the parts of it they cover when they
// are not adjacent (report.Options.Spans; nil for one): a session that
// began in a file not given is then taken as running at its part's
// start (not as one that starts elsewhere), one that goes on in a later
// file is censored as at a window's end, and the arrival profiles are
// integrated over the parts (a day's partition holds one weekday;
// January's and March's partitions are not three months). Checked over
// the run's whole window, such files failed the weekday, initial state
// and transition checks of correct data. The spec is nil when the span
// is not known (no field holds event.time).
//
// A part is, for a sink whose path holds a time token ({{date}},
// {{month}}, …) and writes one file per partition, the time partitions
// of the files given (adjacent ones as one); for a sink rotating its
// files (rows_per_file), those of the files given that the manifest
// lists one after another (it lists them in the order they were
// written), from their first record to their last. Files partitioned
// by a field only hold records of every time: they span the window, as
// do time partitions that cover it all, and no note is made then
// (fieldSubset notes which values of the field the files hold).
func subsetWindow(plan *engine.Plan, spec *engine.Spec, in *report.Input, files []string, listed []listedSink) (*engine.Spec, [][2]int64, string) {
	given := absSet(files)
	var parts []string
	timeField := ""
	var subsets []listedSink
	for _, s := range listed {
		m := 0
		for _, f := range s.files {
			if given[f] {
				m++
			}
		}
		if m == 0 || m == len(s.files) {
			continue
		}
		subsets = append(subsets, s)
		parts = append(parts, fmt.Sprintf("%s lists %d files of sink %q, %d given", s.manifest, len(s.files), s.name, m))
		for _, ss := range spec.Streams {
			if ss.Name == s.stream && ss.TimeField != "" {
				timeField = ss.TimeField
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil, ""
	}
	note := strings.Join(parts, "; ")
	// Each given file's first and last record, by absolute path.
	type fileSpan struct{ lo, hi int64 }
	spanOf := map[string]fileSpan{}
	if timeField != "" {
		ts, ok := in.Times(timeField)
		start := 0
		for k, end := range in.FileEnds() {
			fs := fileSpan{math.MaxInt64, math.MinInt64}
			for i := start; i < end; i++ {
				if ok[i] {
					fs.lo, fs.hi = min(fs.lo, ts[i]), max(fs.hi, ts[i])
				}
			}
			start = end
			if abs, err := filepath.Abs(in.Files[k]); err == nil && fs.lo <= fs.hi {
				spanOf[abs] = fs
			}
		}
	}
	if len(spanOf) == 0 {
		return nil, nil, note + ": checks that span files (weekday, initial state, transitions of sessions cut at a file's edge) may fail on correct data; report all of the sink's files to check the whole run"
	}
	var spans [][2]int64
	byPartition := true
	for _, s := range subsets {
		var partition func(int64) (int64, int64)
		rotated, byField := false, true
		for _, ps := range plan.Sinks {
			if ps.Name == s.name {
				partition, rotated, byField, _ = sinks.FileLayout(ps.Sink)
			}
		}
		switch {
		case partition != nil && !rotated:
			for _, f := range s.files {
				if fs, ok := spanOf[f]; ok && given[f] {
					from, _ := partition(fs.lo)
					_, to := partition(fs.hi)
					spans = append(spans, [2]int64{from, to})
				}
			}
		case !byField:
			byPartition = false
			run := [2]int64{math.MaxInt64, math.MinInt64}
			for _, f := range s.files {
				fs, ok := spanOf[f]
				switch {
				case !given[f] && run[0] <= run[1]:
					spans, run = append(spans, run), [2]int64{math.MaxInt64, math.MinInt64}
				case given[f] && ok:
					run = [2]int64{min(run[0], fs.lo), max(run[1], fs.hi+1)}
				}
			}
			if run[0] <= run[1] {
				spans = append(spans, run)
			}
		default:
			// Partitioned by a field only: each file holds records of
			// the whole window (fieldSubset says which values).
			spans = append(spans, [2]int64{spec.From, spec.To})
		}
	}
	spans = mergeSpans(spans, spec.From, spec.To)
	if len(spans) == 0 {
		return nil, nil, note
	}
	if len(spans) == 1 && spans[0] == [2]int64{spec.From, spec.To} {
		// Every time of the window (country=JP's partitions of every
		// month): no part of it is left out.
		return nil, nil, ""
	}
	sub, _ := plan.IntrospectWindow(spans[0][0], spans[len(spans)-1][1])
	if sub == nil {
		return nil, nil, note
	}
	tf := stdlib.NewTimeFormatter(sub.Loc)
	what := "the given files' first and last records"
	if byPartition {
		what = "the given files' time partitions"
	}
	if len(spans) == 1 {
		return sub, nil, note + fmt.Sprintf(": checked as a run's records from %s to %s only (%s): the arrival profiles are integrated over that span, sessions running at its start are not taken as starts, and transitions near its end are censored; report all of the sink's files to check the whole run",
			tf.Append(nil, sub.From), tf.Append(nil, sub.To), what)
	}
	var each []string
	for _, sp := range spans {
		each = append(each, fmt.Sprintf("%s to %s", tf.Append(nil, sp[0]), tf.Append(nil, sp[1])))
	}
	return sub, spans, note + fmt.Sprintf(": checked as a run's records of %d parts of its window, %s (%s; the files between them are not given): the arrival profiles are integrated over those parts only, sessions running at a part's start are not taken as starts, and transitions near a part's end are censored; report all of the sink's files to check the whole run",
		len(spans), strings.Join(each, ", "), what)
}

// fieldSubset finds, for the sinks of which some files are given, the
// fields they partition by ({{field:NAME}} in the path) of which the
// given files hold some values only (country=JP of nine countries), from
// the paths of the files the manifest lists: field → the values given,
// as text, for report.Options.Selected, and a note per sink.
func fieldSubset(plan *engine.Plan, files []string, listed []listedSink) (map[string]string, []string) {
	given := absSet(files)
	var selected map[string]string
	var notes []string
	for _, s := range listed {
		var sink sinks.Sink
		for _, ps := range plan.Sinks {
			if ps.Name == s.name {
				sink = ps.Sink
			}
		}
		if sink == nil {
			continue
		}
		all, in := map[string]map[string]bool{}, map[string]map[string]bool{}
		m := 0
		for _, f := range s.files {
			vals := sinks.PartitionValues(sink, f)
			for field, v := range vals {
				if all[field] == nil {
					all[field], in[field] = map[string]bool{}, map[string]bool{}
				}
				all[field][v] = true
				if given[f] {
					in[field][v] = true
				}
			}
			if given[f] {
				m++
			}
		}
		if m == 0 || m == len(s.files) {
			continue
		}
		for _, field := range slices.Sorted(maps.Keys(all)) {
			if len(in[field]) == 0 || len(in[field]) == len(all[field]) {
				continue
			}
			var vals []string
			for _, v := range slices.Sorted(maps.Keys(in[field])) {
				if u, err := url.PathUnescape(v); err == nil {
					v = u
				}
				vals = append(vals, v)
			}
			text := fmt.Sprintf("%s = %s (%d of the %d values in sink %q's files)", field, strings.Join(vals, ", "), len(vals), len(all[field]), s.name)
			if selected == nil {
				selected = map[string]string{}
			}
			selected[field] = text
			notes = append(notes, fmt.Sprintf("the given files of sink %q hold the records of %s only (it partitions its files by %s): %s's shares are not checked, and the other checks hold for those records",
				s.name, strings.Join(vals, ", "), field, field))
		}
	}
	return selected, notes
}

// absSet is the set of files' absolute paths, as manifests list them.
func absSet(files []string) map[string]bool {
	set := map[string]bool{}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			set[abs] = true
		}
	}
	return set
}

// mergeSpans sorts spans, joins those that meet or overlap, and clips
// them to [from, to), dropping what is left empty.
func mergeSpans(spans [][2]int64, from, to int64) [][2]int64 {
	slices.SortFunc(spans, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	var out [][2]int64
	for _, sp := range spans {
		sp = [2]int64{max(sp[0], from), min(sp[1], to)}
		if sp[0] >= sp[1] {
			continue
		}
		if n := len(out); n > 0 && sp[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}
