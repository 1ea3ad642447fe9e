package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
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
			if sub, note := subsetWindow(plan, spec, in, files, listed); note != "" {
				manifestNotes = append(manifestNotes, note)
				if sub != nil {
					spec = sub
				}
			}
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
// sink's header; without a manifest, a CSV file takes the header of the
// scenario's one CSV sink without a header (of stream, when given) when
// every CSV sink of the scenario writes none. A CSV file that no rule
// settles, when some sink writes no header, is read as it is.
func headerlessCSV(plan *engine.Plan, files []string, listed []listedSink, stream string) (map[string][]byte, []string, error) {
	header := map[string][]byte{} // sink name → its missing header row
	csvSinks := 0
	var only []string // the headerless CSV sinks (of stream, when given)
	for _, s := range plan.Sinks {
		if s.Type != "csv" {
			continue
		}
		csvSinks++
		if h := sinks.MissingCSVHeader(s.Sink); h != nil {
			header[s.Name] = h
			if stream == "" || s.Stream.Name == stream {
				only = append(only, s.Name)
			}
		}
	}
	if len(header) == 0 {
		return nil, nil, nil
	}
	bySink := map[string]string{} // absolute file → sink
	for _, s := range listed {
		for _, f := range s.files {
			bySink[f] = s.name
		}
	}
	out := map[string][]byte{}
	read := map[string]int{} // sink → files read with its header
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
		sink, ok := bySink[abs]
		switch {
		case ok:
		case len(listed) == 0 && csvSinks == len(header) && len(only) == 1:
			sink = only[0]
		case len(listed) == 0 && csvSinks == len(header):
			return nil, nil, &exitError{code: 1, msg: fmt.Sprintf("%s: the scenario's CSV sinks (%s) write no header row (header = false), and no manifest.json says which wrote this file: pass --stream NAME to say which stream it holds", f, strings.Join(only, ", "))}
		}
		if h := header[sink]; h != nil {
			out[f] = h
			if read[sink] == 0 {
				order = append(order, sink)
			}
			read[sink]++
		}
	}
	var notes []string
	for _, sink := range order {
		cols := strings.TrimSuffix(string(header[sink]), "\n")
		notes = append(notes, fmt.Sprintf("sink %q writes no header row (header = false): %s read with its columns (%s)", sink, plural(read[sink], "file"), cols))
	}
	return out, notes, nil
}

// subsetWindow notes files given of a sink whose run's manifest lists
// more (one day's partition, the first rotated part), and returns the
// spec of the window they span, from their first record to their last:
// a session that began in a file not given is then taken as running at
// the window's start (not as one that starts elsewhere), one that goes
// on in a later file is censored as at a window's end, and the arrival
// profiles are integrated over the span (a day's partition holds one
// weekday). Checked over the run's whole window, such files failed the
// weekday, initial state and transition checks of correct data. The spec
// is nil when the span is not known (no field holds event.time).
func subsetWindow(plan *engine.Plan, spec *engine.Spec, in *report.Input, files []string, listed []listedSink) (*engine.Spec, string) {
	given := map[string]bool{}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			given[abs] = true
		}
	}
	var parts []string
	timeField := ""
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
		parts = append(parts, fmt.Sprintf("%s lists %d files of sink %q, %d given", s.manifest, len(s.files), s.name, m))
		for _, ss := range spec.Streams {
			if ss.Name == s.stream && ss.TimeField != "" {
				timeField = ss.TimeField
			}
		}
	}
	if len(parts) == 0 {
		return nil, ""
	}
	note := strings.Join(parts, "; ")
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	if timeField != "" {
		ts, ok := in.Times(timeField)
		for i, t := range ts {
			if ok[i] {
				lo, hi = min(lo, t), max(hi, t)
			}
		}
	}
	var sub *engine.Spec
	if lo <= hi {
		sub, _ = plan.IntrospectWindow(max(lo, spec.From), min(hi+1, spec.To))
	}
	if sub == nil {
		return nil, note + ": checks that span files (weekday, initial state, transitions of sessions cut at a file's edge) may fail on correct data; report all of the sink's files to check the run"
	}
	return sub, note + fmt.Sprintf(": checked as a run's records from %s to %s only (the given files' first and last records): the arrival profiles are integrated over that span, sessions running at its start are not taken as starts, and transitions near its end are censored; report all of the sink's files to check the whole run",
		stdlib.NewTimeFormatter(sub.Loc).Append(nil, sub.From), stdlib.NewTimeFormatter(sub.Loc).Append(nil, sub.To))
}
