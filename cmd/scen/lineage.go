package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/spf13/cobra"
)

// runLineage is the lineage side of `scen run`: the per-run directory and
// its latest pointer, the manifest written after a successful run, and
// regeneration from an earlier run's manifest (docs/lineage.md).
type runLineage struct {
	runID        string // --run-id
	noManifest   bool
	checksums    bool
	fromManifest string
	allowChanged bool

	source   *engine.Manifest // the manifest being regenerated
	origin   *engine.ManifestOrigin
	scenario string

	runsDir   string // <out>/<runs>, when the scenario has runs
	runDir    string // <runs>/<run-id>
	createdRD bool
	sharded   bool
	// madeDirs are the directories above the run directory (--out and
	// the runs path) that this run created, deepest first: a run that
	// fails removes them again when they stay empty.
	madeDirs []string

	// The scenario's content and git state, read while the run goes on
	// (two git processes, 20–35 ms): as they were when the scenario was
	// loaded, which is what the run used.
	inputsDone chan struct{}
	content    *engine.ScenarioContent
	contentErr error
	git        *engine.GitInfo
	gitErr     error
}

// readInputs starts reading the scenario's content hash and git state
// for the manifest; finish waits for them.
func (l *runLineage) readInputs(ctx context.Context, plan *engine.Plan) {
	if l.noManifest {
		return
	}
	l.inputsDone = make(chan struct{})
	go func() {
		defer close(l.inputsDone)
		root, err := engine.ScenarioRoot(l.scenario)
		if err != nil {
			l.contentErr = err
			return
		}
		if l.content == nil { // apply has it when regenerating from a manifest
			hash, inputs, err := plan.ContentHash(root)
			if err != nil {
				l.contentErr = err
				return
			}
			l.content = &engine.ScenarioContent{Hash: hash, Inputs: inputs}
		}
		l.git, l.gitErr = engine.ScenarioGit(ctx, l.scenario, root, l.content.Inputs)
	}()
}

// waitInputs waits for what readInputs reads.
func (l *runLineage) waitInputs() {
	if l.inputsDone != nil {
		<-l.inputsDone
	}
}

func (l *runLineage) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&l.runID, "run-id", "", "name of this run (default: UTC time and a random suffix, e.g. 20261201T061500Z-3f9a1c); with runs = \"…\" the run's directory")
	f.BoolVar(&l.noManifest, "no-manifest", false, "do not write manifest.json")
	f.BoolVar(&l.checksums, "checksums", false, "record each written file's SHA-256 in the manifest (reads the files back, about 0.8 GB/s)")
	f.StringVar(&l.fromManifest, "from-manifest", "", "regenerate the run a manifest.json describes (scenario, variables, seed, shard, window)")
	f.BoolVar(&l.allowChanged, "allow-changed", false, "with --from-manifest: run even when the scenario's content hash differs from the manifest's")
}

// manifestFixed are the run flags a manifest fixes.
var manifestFixed = []string{"seed", "var", "shard", "from", "to", "interval", "intervals"}

// prepare returns the scenario to run. With --from-manifest it reads the
// manifest and sets the seed and variables from it; args may still name
// the scenario (when it has moved since).
func (l *runLineage) prepare(cmd *cobra.Command, c *common, args []string) (string, error) {
	if l.fromManifest == "" {
		if len(args) != 1 {
			return "", usageErr("run needs a scenario: scen run FILE|DIR (or scen run --from-manifest FILE)")
		}
		if l.allowChanged {
			return "", usageErr("--allow-changed only applies with --from-manifest")
		}
		l.scenario = args[0]
		return l.scenario, nil
	}
	for _, name := range manifestFixed {
		if cmd.Flags().Changed(name) {
			return "", usageErr("--%s cannot be combined with --from-manifest: the manifest fixes it", name)
		}
	}
	m, err := engine.ReadManifest(l.fromManifest)
	if err != nil {
		return "", &exitError{code: 1, msg: fmt.Sprintf("--from-manifest: %v", err)}
	}
	l.source = m
	abs, err := filepath.Abs(l.fromManifest)
	if err != nil {
		return "", &exitError{code: 1, msg: err.Error()}
	}
	l.origin = &engine.ManifestOrigin{Manifest: abs, RunID: m.RunID, ScenarioHash: m.Scenario.Hash}
	if len(args) == 1 {
		l.scenario = args[0]
	} else {
		tried := []string{filepath.Join(filepath.Dir(abs), filepath.FromSlash(m.Scenario.Path))}
		if m.Scenario.AbsPath != "" && m.Scenario.AbsPath != tried[0] {
			tried = append(tried, m.Scenario.AbsPath)
		}
		for _, p := range tried {
			if _, err := os.Stat(p); err == nil {
				l.scenario = p
				break
			}
		}
		if l.scenario == "" {
			return "", &exitError{code: 1, msg: fmt.Sprintf("--from-manifest: the scenario %q is at neither %s; give its path: scen run PATH --from-manifest %s",
				m.Scenario.Name, strings.Join(tried, " nor "), l.fromManifest)}
		}
	}
	c.seed = strconv.FormatUint(m.Seed, 10)
	c.vars = nil
	for _, v := range m.Variables {
		text, err := v.VarArg()
		if err != nil {
			return "", &exitError{code: 1, msg: fmt.Sprintf("--from-manifest: %v", err)}
		}
		c.vars = append(c.vars, v.Name+"="+text)
	}
	return l.scenario, nil
}

// apply sets the manifest's shard, window and options, and compares the
// scenario's content with the manifest's hash.
func (l *runLineage) apply(cmd *cobra.Command, plan *engine.Plan, ro *engine.RunOptions, stderr io.Writer) error {
	m := l.source
	if m == nil {
		return nil
	}
	ro.Shard, ro.Shards = m.Shard, m.Shards
	ro.From, ro.To = m.Window.FromMs, m.Window.ToMs
	ro.Interval = m.Options.IntervalMs
	ro.Sinks = m.Options.Sinks
	ro.MaxActors = m.Options.MaxActors
	if !cmd.Flags().Changed("workers") && m.Workers > 0 {
		ro.Workers = m.Workers
	}
	root, err := engine.ScenarioRoot(l.scenario)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	hash, inputs, err := plan.ContentHash(root)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	l.content = &engine.ScenarioContent{Hash: hash, Inputs: inputs} // for the new manifest
	if hash != m.Scenario.Hash {
		what := strings.Join(engine.ChangedInputs(m.Scenario.Inputs, inputs), ", ")
		if what == "" {
			what = "the files are the same but their paths moved"
		}
		msg := fmt.Sprintf("the scenario changed since the manifest was written (%s; hash %s, now %s), so the output may differ from the original",
			what, m.Scenario.Hash, hash)
		if !l.allowChanged {
			return &exitError{code: 1, msg: msg + "; pass --allow-changed to regenerate anyway"}
		}
		fmt.Fprintf(stderr, "warning: %s\n", msg)
	}
	if major(m.ScenVersion) != major(version) {
		fmt.Fprintf(stderr, "warning: the manifest was written by scen %s and this is scen %s; output is identical only within one major version\n",
			m.ScenVersion, version)
	}
	return nil
}

func major(v string) string {
	v = strings.TrimPrefix(v, "v")
	m, _, _ := strings.Cut(v, ".")
	return m
}

// validRunID: 1-128 letters, digits, '.', '_' and '-', starting with a
// letter or digit. (As a regexp, ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$,
// compiled at start-up it cost 1 700 allocations and 2 ms of every run.)
func validRunID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// newRunID is the UTC start time to the second and six random hex digits,
// so that two runs started in one second get different directories and
// run ids still sort by time.
func newRunID(t time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// begin names the run and, when the scenario declares runs, creates its
// directory <out>/<runs>/<run-id>/ and points ro.OutDir at it.
func (l *runLineage) begin(plan *engine.Plan, ro *engine.RunOptions, start time.Time) (err error) {
	if l.runID != "" {
		if !validRunID(l.runID) || l.runID == "latest" {
			return usageErr("--run-id %q: use letters, digits, '.', '_' and '-' (at most 128, not starting with '.' or '-', not \"latest\")", l.runID)
		}
		ro.RunID = l.runID
	} else {
		ro.RunID = newRunID(start)
	}
	if plan.Runs == "" {
		return l.manifestDir(plan, ro.OutDir, engine.ManifestName(ro.Shard, ro.Shards))
	}
	l.sharded = ro.Shards > 1
	if l.sharded && l.runID == "" {
		// Each shard would make a run directory of its own under a
		// random id, and move latest to it: N partial runs.
		what := "--shard"
		if l.source != nil {
			what = "the manifest's shard"
		}
		return usageErr("%s %d/%d: the scenario keeps each run in a directory of its own (runs = %q), so the shards of one run need one --run-id: "+
			"give every shard the same --run-id (e.g. the batch job's name)", what, ro.Shard, ro.Shards, plan.Runs)
	}
	l.runsDir = filepath.Join(ro.OutDir, plan.Runs)
	defer func() {
		if err != nil {
			l.fail() // a refused shard leaves no directory it made either
		}
	}()
	l.madeDirs, err = mkdirAllNoting(l.runsDir)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("runs directory: %v", err)}
	}
	for attempt := 0; ; attempt++ {
		l.runDir = filepath.Join(l.runsDir, ro.RunID)
		if l.sharded {
			// The shards of one run share its directory (give them one --run-id).
			_, err := os.Stat(l.runDir)
			l.createdRD = errors.Is(err, fs.ErrNotExist)
			if err := os.MkdirAll(l.runDir, 0o755); err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("run directory: %v", err)}
			}
			if _, err := os.Stat(filepath.Join(l.runDir, engine.ManifestName(ro.Shard, ro.Shards))); err == nil {
				return &exitError{code: 1, msg: fmt.Sprintf("shard %d/%d of run %s already completed (%s exists); give this run another --run-id",
					ro.Shard, ro.Shards, ro.RunID, l.runDir)}
			}
			if other := otherRun(l.runDir, ro.Shards); other != "" {
				return &exitError{code: 1, msg: fmt.Sprintf("run %s is not a run of %d shards (%s has %s): its records and this shard's would overlap; give this run another --run-id",
					ro.RunID, ro.Shards, l.runDir, other)}
			}
			if diff := l.otherShards(plan, *ro); diff != "" {
				return &exitError{code: 1, msg: fmt.Sprintf("shard %d/%d does not belong to run %s: %s; every shard of a run generates from the same scenario, variables, seed and window "+
					"(or give this run another --run-id)", ro.Shard, ro.Shards, ro.RunID, diff)}
			}
			break
		}
		err := os.Mkdir(l.runDir, 0o755)
		if err == nil {
			l.createdRD = true
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return &exitError{code: 1, msg: fmt.Sprintf("run directory: %v", err)}
		}
		if l.runID != "" || attempt >= 3 {
			return &exitError{code: 1, msg: fmt.Sprintf("run directory %s already exists: a run's directory is never reused; give another --run-id", l.runDir)}
		}
		ro.RunID = newRunID(start)
	}
	ro.OutDir = l.runDir
	return nil
}

// manifestDir makes sure, before anything is generated, that the
// manifest can be written into dir (--out) under name, not a directory, which a run whose sinks are
// all brokers, databases or standard output does not otherwise need: a
// load into PostgreSQL used to commit every row and then fail for want of
// its manifest (a read-only working directory, as in a container), and a
// retry loaded the rows again. dir is made if missing (and removed again
// if the run fails and it stays empty). A file sink needs dir too, and
// says so itself when it opens, at its path.
func (l *runLineage) manifestDir(plan *engine.Plan, dir, name string) (err error) {
	if l.noManifest {
		return nil
	}
	// A directory where the manifest goes fails every run into dir:
	// said before anything is generated.
	if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.IsDir() {
		return &exitError{code: 1, msg: fmt.Sprintf("the manifest cannot be written to %s, a directory, so nothing was generated: "+
			"move it away, give another --out, or pass --no-manifest", filepath.Join(dir, name))}
	}
	for _, sp := range plan.Sinks {
		if _, ok := sp.Sink.(sinks.FileOutput); ok {
			return nil
		}
	}
	defer func() {
		if err != nil {
			l.fail()
			err = &exitError{code: 1, msg: fmt.Sprintf("the manifest cannot be written into %s (%v), so nothing was generated: "+
				"give --out a directory this run can write to, or pass --no-manifest", dir, err)}
		}
	}()
	if l.madeDirs, err = mkdirAllNoting(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".manifest.json.tmp-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// otherRun names a manifest in dir written by a run that is not one of
// shards shards (an unsharded run, or shards of another N), or "".
func otherRun(dir string, shards int) string {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if name == engine.ManifestName(0, 1) {
			return name + ", an unsharded run's manifest"
		}
		var i, n int
		if _, err := fmt.Sscanf(name, "manifest.shard-%d-of-%d.json", &i, &n); err == nil && n != shards {
			return name
		}
	}
	return ""
}

// otherShards compares this shard with a shard of the same run that
// completed before it (its manifest): a shard re-run by hand with another
// --var or --seed would make the union of the shards no run at all. It
// returns what differs, or "".
func (l *runLineage) otherShards(plan *engine.Plan, ro engine.RunOptions) string {
	entries, _ := os.ReadDir(l.runDir)
	var done *engine.Manifest
	var name string
	for _, e := range entries {
		var i, n int
		if _, err := fmt.Sscanf(e.Name(), "manifest.shard-%d-of-%d.json", &i, &n); err == nil && n == ro.Shards && i != ro.Shard {
			if m, err := engine.ReadManifest(filepath.Join(l.runDir, e.Name())); err == nil {
				done, name = m, e.Name()
				break
			}
		}
	}
	if done == nil {
		return ""
	}
	// This shard's manifest as it will be written, without the content
	// hash (read while the run goes on).
	me, err := plan.NewManifest(l.runDir, engine.ManifestRun{ScenarioPath: l.scenario, Options: ro, Content: &engine.ScenarioContent{}})
	if err != nil {
		return ""
	}
	// Values compared as the manifest file holds them: the completed
	// shard's was read back from its file, where a list or an object
	// spans lines and <, > and & in strings are written \u003c, \u003e
	// and \u0026; this shard's is as varJSON wrote it. json.Marshal of
	// the raw value compacts and escapes both alike.
	vars := func(m *engine.Manifest) map[string]string {
		out := map[string]string{}
		for _, v := range m.Variables {
			b, err := json.Marshal(v.Value)
			if err != nil {
				b = v.Value
			}
			out[v.Name] = string(b)
		}
		return out
	}
	theirs, ours := vars(done), vars(me)
	switch {
	case done.Scenario.Name != me.Scenario.Name:
		return fmt.Sprintf("%s is of scenario %q, this shard of %q", name, done.Scenario.Name, me.Scenario.Name)
	case done.Seed != me.Seed:
		return fmt.Sprintf("%s has seed %d, this shard %d", name, done.Seed, me.Seed)
	case done.Window.FromMs != me.Window.FromMs || done.Window.ToMs != me.Window.ToMs:
		return fmt.Sprintf("%s has the window [%s, %s), this shard [%s, %s)", name, done.Window.From, done.Window.To, me.Window.From, me.Window.To)
	case done.Options.MaxActors != me.Options.MaxActors:
		return fmt.Sprintf("%s keeps %d actors of each entity, this shard %d", name, done.Options.MaxActors, me.Options.MaxActors)
	}
	for _, k := range slices.Sorted(maps.Keys(ours)) {
		if t, ok := theirs[k]; !ok || t != ours[k] {
			if !ok {
				t = "none"
			}
			return fmt.Sprintf("%s has %s = %s, this shard %s", name, k, t, ours[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(theirs)) {
		if _, ok := ours[k]; !ok {
			return fmt.Sprintf("%s has variable %s, which this scenario does not declare", name, k)
		}
	}
	return ""
}

// fail removes what a failed run left of its directory: all of it when
// the run created it alone, only the empty directory for a shard (other
// shards may be writing beside it). latest is not touched.
func (l *runLineage) fail() {
	l.waitInputs()
	switch {
	case l.runDir == "":
	case !l.sharded && l.createdRD:
		os.RemoveAll(l.runDir)
	case l.createdRD:
		os.Remove(l.runDir)
	}
	for _, d := range l.madeDirs {
		if os.Remove(d) != nil {
			break // not empty (another run's, or a shard's): nor its parents
		}
	}
	l.madeDirs = nil
}

// mkdirAllNoting is os.MkdirAll, returning the directories it created,
// deepest first (those it made before failing too).
func mkdirAllNoting(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	err := os.MkdirAll(dir, 0o755)
	var made []string
	for _, d := range missing {
		if st, serr := os.Stat(d); serr == nil && st.IsDir() {
			made = append(made, d)
		}
	}
	return made, err
}

// finish writes the manifest beside the output and then points latest at
// the run. It returns the manifest's path ("" with --no-manifest).
func (l *runLineage) finish(plan *engine.Plan, ro engine.RunOptions, res *engine.RunResult,
	start, end time.Time, stderr io.Writer) (string, error) {
	var path string
	if !l.noManifest {
		path = filepath.Join(ro.OutDir, engine.ManifestName(ro.Shard, ro.Shards))
		l.waitInputs()
		if l.contentErr != nil {
			return "", l.finishErr(plan, res, "the manifest could not be made", fmt.Errorf("scenario: %w", l.contentErr))
		}
		m, err := plan.NewManifest(ro.OutDir, engine.ManifestRun{ScenarioPath: l.scenario, Options: ro, Result: res,
			Started: start, Finished: end, Version: version, Checksums: l.checksums, Origin: l.origin, Content: l.content})
		if err != nil {
			return "", l.finishErr(plan, res, "the manifest could not be made", err)
		}
		m.Git = l.git
		if l.gitErr != nil {
			fmt.Fprintf(stderr, "warning: the manifest has no git information: %v\n", l.gitErr)
		}
		if l.runDir == "" {
			warnOtherScenario(stderr, path, m)
		}
		if err := m.WriteFile(path); err != nil {
			return "", l.finishErr(plan, res, "the manifest could not be written", err)
		}
	}
	if l.runDir != "" {
		if err := pointLatest(l.runsDir, filepath.Base(l.runDir)); err != nil {
			if path != "" {
				os.Remove(path)
			}
			return "", l.finishErr(plan, res, "latest could not be moved", err)
		}
	}
	return path, nil
}

// warnOtherScenario warns when the manifest at path, which m is about to
// replace, was written by another scenario (another name, or the same
// name at another place): the earlier run's files stay, but nothing lists
// them any more, and `scen report` on them falls back to the defaults.
func warnOtherScenario(stderr io.Writer, path string, m *engine.Manifest) {
	old, err := engine.ReadManifest(path)
	if err != nil {
		return // none, or not one scen reads: nothing to name
	}
	was, now := old.Scenario, m.Scenario
	if was.Name == now.Name && (was.AbsPath == "" || was.AbsPath == now.AbsPath) {
		return
	}
	// Each scenario with its file: two files of one scenario name read
	// as "written by b and now describes b" without them.
	in := func(s engine.ManifestScenario) string {
		if s.AbsPath == "" {
			return strconv.Quote(s.Name)
		}
		return strconv.Quote(s.Name) + " (" + s.AbsPath + ")"
	}
	fmt.Fprintf(stderr, "warning: %s was written by scenario %s and now describes scenario %s: the earlier run's files stay but are no longer listed; "+
		"give each scenario its own output, with runs = \"%s/runs\" in its scenario block or another --out\n",
		path, in(was), in(now), now.Name)
}

// finishErr fails a run whose records were written when what completes it
// (its manifest, latest) fails: the files it published are removed again,
// with its run directory and the directories it made, so that a run that
// fails leaves no file. Brokers, databases and standard output keep what
// they delivered, which the message says.
func (l *runLineage) finishErr(plan *engine.Plan, res *engine.RunResult, what string, err error) error {
	plan.Unpublish()
	msg := fmt.Sprintf("%s: %v; no output file was published", what, err)
	if l.runDir != "" && !l.sharded && l.createdRD {
		msg = fmt.Sprintf("%s could not be completed (%s: %v); the run directory was removed", l.runDir, what, err)
	}
	l.fail()
	for _, sp := range plan.Sinks {
		if _, ok := sp.Sink.(sinks.Unpublisher); ok {
			continue
		}
		for _, r := range res.Sinks {
			if r.Name == sp.Name {
				msg += fmt.Sprintf("; sink %q delivered %d records", r.Name, r.Records)
			}
		}
	}
	return &exitError{code: 1, msg: msg}
}

// pointLatest makes <runs>/latest a symlink to the run directory (a
// relative target, so the tree can move), replacing the old link
// atomically: a new link under a temporary name is renamed over it.
func pointLatest(runsDir, runID string) error {
	latest := filepath.Join(runsDir, "latest")
	if st, err := os.Lstat(latest); err == nil && st.Mode()&fs.ModeSymlink == 0 {
		return fmt.Errorf("%s exists and is not a symlink; move it away", latest)
	}
	var b [6]byte
	rand.Read(b[:])
	tmp := filepath.Join(runsDir, ".latest-"+hex.EncodeToString(b[:]))
	if err := os.Symlink(runID, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, latest); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
