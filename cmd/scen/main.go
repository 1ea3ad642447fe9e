// Command scen generates synthetic event data from declarative scenarios.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
	"github.com/scenhq/scen/stdlib"
	"github.com/spf13/cobra"
)

// baseVersion is scen's semantic version; commit is set at build time
// with -ldflags "-X main.commit=…" (make build: git describe). version,
// what scen version prints and manifests record, is the one plus the
// other as build metadata (0.1.0-dev+b04369a), so that its major version,
// which --from-manifest compares, survives a build from a commit.
var (
	baseVersion = "0.1.0-dev"
	commit      = ""
	version     = withCommit(baseVersion, commit)
)

// withCommit appends commit to v as semver build metadata.
func withCommit(v, commit string) string {
	if commit == "" {
		return v
	}
	return v + "+" + commit
}

// exitError carries an exit code: 1 for scenario and runtime errors, 2 for usage.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

// failed means diagnostics were already printed.
var errFailed = &exitError{code: 1}

func main() {
	// The runtime samples an allocation every 512 KiB for a heap profile
	// nobody asks for unless --memprofile is given (which sets its own
	// rate): each sample is a stack walk, and compiling a scenario makes
	// many large allocations (recipe: 3.6 % of the time before its first
	// event, perf record).
	runtime.MemProfileRate = 0
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	// A reader that stops early (scen plan … | head) closes standard
	// output: with SIGPIPE ignored, writes to it fail with EPIPE rather
	// than killing scen (exit 141, which fails set -o pipefail scripts),
	// and every command stops printing there and exits as it would have
	// (readerStdout). Standard error too may be a closed pipe (2>&1).
	signal.Ignore(syscall.SIGPIPE)
	root := newRoot(&readerStdout{w: stdout}, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "error: %s\n", ee.msg)
		}
		return ee.code
	}
	// cobra's own errors are about flags and arguments.
	fmt.Fprintf(stderr, "error: %s\nRun 'scen --help' for usage.\n", err)
	return 2
}

type common struct {
	seed   string
	vars   []string
	stdout io.Writer
	stderr io.Writer
}

func (c *common) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.seed, "seed", "", "random seed (overrides the scenario's)")
	cmd.Flags().StringArrayVar(&c.vars, "var", nil, "set a variable: --var name=value (repeatable; a list or object as HCL or JSON: --var 'countries=[\"US\",\"DE\"]')")
}

// load parses and compiles a scenario, printing diagnostics.
func (c *common) load(path string) (*engine.Plan, error) {
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	sc, diags := dsl.Load(path)
	return c.compile(sc, diags, opts)
}

// options turns --seed and --var into compile options.
func (c *common) options() (engine.Options, error) {
	opts := engine.Options{Vars: map[string]string{}}
	if c.seed != "" {
		s, err := strconv.ParseUint(c.seed, 10, 64)
		if err != nil {
			return opts, usageErr("--seed %q: expected a non-negative integer", c.seed)
		}
		opts.Seed = &s
	}
	for _, kv := range c.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return opts, usageErr("--var %q: expected name=value", kv)
		}
		for _, part := range []struct{ what, s string }{{"name", k}, {"value", v}} {
			if at := invalidUTF8(part.s); at >= 0 {
				// Kept as bytes, it was written to manifest.json as
				// U+FFFD: the run regenerated from it (--from-manifest)
				// differed.
				return opts, usageErr("--var %q: byte %d of the %s (0x%02x) is not UTF-8 text; scenario values are UTF-8 (convert the text first, e.g. with iconv)", kv, at+1, part.what, part.s[at])
			}
		}
		opts.Vars[k] = v
	}
	return opts, nil
}

// compile compiles a decoded scenario, printing its diagnostics.
func (c *common) compile(sc *dsl.Scenario, diags hcl.Diagnostics, opts engine.Options) (*engine.Plan, error) {
	if diags.HasErrors() {
		renderDiags(c.stderr, diags, filesOf(sc))
		return nil, errFailed
	}
	plan, cdiags := engine.Compile(sc, opts)
	diags = append(diags, cdiags...)
	if len(diags) > 0 {
		renderDiags(c.stderr, diags, filesOf(sc))
	}
	if diags.HasErrors() {
		return nil, errFailed
	}
	return plan, nil
}

// runtimeFailure renders a run-time error of the scenario (an expression
// that failed on the values it met) as a diagnostic with its source line,
// and returns the exit error that follows it, saying what stopped; what
// the run's error adds (what brokers and databases already received) is
// kept. nil when err is not a run-time error of the scenario.
func runtimeFailure(stderr io.Writer, plan *engine.Plan, err error, stopped string) error {
	var rte *engine.RuntimeError
	if !errors.As(err, &rte) {
		return nil
	}
	renderDiags(stderr, hcl.Diagnostics{rte.Diagnostic()}, plan.Files)
	if _, extra, ok := strings.Cut(err.Error(), rte.Error()+"; "); ok {
		stopped += "; " + extra
	}
	return &exitError{code: 1, msg: stopped}
}

// sinkFailure prints a sink's failure with the scenario line it concerns
// (the table that does not exist, the brokers that cannot be reached, the
// path that cannot be written), as diagnostics are printed; false when
// the error does not come from a sink.
func sinkFailure(stderr io.Writer, plan *engine.Plan, err error) bool {
	var se *sinks.SourceError
	if !errors.As(err, &se) {
		return false
	}
	renderDiags(stderr, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: err.Error() + " (no output file was published)",
		Subject: se.Subject.Ptr()}}, plan.Files)
	return true
}

func filesOf(sc *dsl.Scenario) map[string]*hcl.File {
	if sc == nil {
		return nil
	}
	return sc.Files
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "scen",
		Short:         "scen generates realistic synthetic event and transaction data from HCL scenarios",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionText(),
	}
	root.SetVersionTemplate("scen {{.Version}}\n") // scen --version prints what scen version does
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(runCmd(stdout, stderr), validateCmd(stdout, stderr), planCmd(stdout, stderr),
		previewCmd(stdout, stderr), versionCmd(stdout), docsCmd(stdout), fmtCmd(stdout, stderr))
	root.AddCommand(reportCmd(stdout, stderr))
	root.AddCommand(diffCmd(stdout, stderr))
	root.AddCommand(catCmd(stdout, stderr))
	return root
}

func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if ok && err1 == nil && err2 == nil && n >= 1 && i >= n {
		// Slurm and AWS Batch array indexes often start at 1.
		return 0, 0, usageErr("--shard %q: shards are numbered from 0, so the %d shards are 0/%d to %d/%d (from an array index that starts at 1, pass the index minus 1)",
			s, n, n, n-1, n)
	}
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 {
		return 0, 0, usageErr("--shard %q: expected i/N with 0 <= i < N, e.g. --shard 0/4", s)
	}
	return i, n, nil
}

// checkEnv refuses an on/off SCEN_* variable set to a value it does not
// take, as a usage error naming the variable, its value and the values
// accepted (as KAFKA_SASL_MECHANISM is refused): a typo such as
// SCEN_WRITEBEHIND=of must not silently leave the default in place.
func checkEnv() error {
	for _, name := range []string{"SCEN_HUGEPAGES", "SCEN_WRITEBEHIND"} {
		if _, err := sinks.EnvSwitch(name); err != nil {
			return usageErr("%v", err)
		}
	}
	return nil
}

func runCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var out, shard string
	var workers int
	var quiet bool
	var cpuprofile, memprofile string
	var from, to, interval string
	var intervals int
	var speed, rate float64
	lin := &runLineage{}
	lim := &runLimits{}
	cmd := &cobra.Command{
		Use:   "run FILE|DIR",
		Short: "Generate the scenario's records into its sinks",
		Long: `Generate the scenario's records into its sinks.

Environment (docs/robustness.md):
  SCEN_HUGEPAGES=0     do not put the heap in transparent huge pages
  SCEN_WRITEBEHIND=0   never write files behind; =1 from the start (keeps
                       a large output out of the page cache). By default
                       files are written behind once writes into the page
                       cache are found to be slow.
                       Both take 0, false, off, no or 1, true, on, yes;
                       any other value is refused (exit status 2).
  GOGC, GOMEMLIMIT     when set, scen leaves the garbage collector to them`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkEnv(); err != nil {
				return err
			}
			si, sn, err := parseShard(shard)
			if err != nil {
				return err
			}
			if workers < 1 {
				return usageErr("--workers %d: expected at least 1 (the default is the number of CPUs available, %d)", workers, engine.DefaultWorkers())
			}
			if out == "-" {
				// "-" reads as standard output elsewhere; here it would
				// make a directory named "-" and write the files there.
				return usageErr("--out -: --out is the directory that relative sink paths are written under, not an output stream; to write records to standard output, declare a sink of type \"stdout\" (a directory named - is --out ./-)")
			}
			scenario, err := lin.prepare(cmd, c, args)
			if err != nil {
				return err
			}
			// The profile covers compiling too: it is part of every run.
			if cpuprofile != "" {
				f, err := os.Create(cpuprofile)
				if err != nil {
					return usageErr("--cpuprofile: %v", err)
				}
				defer f.Close()
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
			hugeHeap()
			// The collector's target for a run (engine/gc.go), from
			// compiling on: a compiled scenario's heap is small, and
			// with the default target it was collected while compiling
			// and again while the memory check's probe ran.
			restoreGC := engine.TuneGC()
			defer restoreGC()
			if memprofile != "" {
				// From loading on, so that the scenario's compilation and
				// the actors' construction are in the profile too.
				runtime.MemProfileRate = 64 << 10
				defer func() {
					// The profile holds what the last completed collection
					// published, and a run with the collector's headroom
					// may not collect after its start: collect first.
					runtime.GC()
					if f, err := os.Create(memprofile); err == nil {
						pprof.Lookup("allocs").WriteTo(f, 0)
						f.Close()
					}
				}()
			}
			plan, err := c.load(scenario)
			if err != nil {
				return err
			}
			// A reader that closes standard output early (scen run … |
			// head) makes the stdout sink's write fail (SIGPIPE is
			// ignored, run): the run stops and removes its temporary
			// files (quietly when stdout is its only sink, readerGone);
			// SIGPIPE would kill the process and leave them.
			ctx, giveUp, stop := interrupts(stderr, quiet, delivers(plan))
			defer stop()
			start := time.Now()
			prog := newProgress(stderr, quiet, plan)
			ro := engine.RunOptions{OutDir: out, Workers: workers, Shard: si, Shards: sn,
				RunID: start.UTC().Format("20060102T150405Z"), Progress: prog.update, Speed: speed, Rate: rate,
				GiveUp: giveUp}
			if err := windowFlags(plan, &ro, from, to, interval, intervals); err != nil {
				return err
			}
			if err := lin.apply(cmd, plan, &ro, stderr); err != nil {
				return err
			}
			if err := lim.apply(plan, &ro); err != nil {
				return err
			}
			if err := lin.begin(plan, &ro, start); err != nil {
				return err
			}
			prog.window(ro.From, ro.To)
			lin.readInputs(ctx, plan)
			res, err := plan.Run(ctx, ro)
			prog.done()
			if err != nil {
				lin.fail()
				if ctx.Err() != nil {
					msg := "interrupted: the run was stopped and no output file was published"
					if !errors.Is(err, context.Canceled) {
						// A sink failed while the run was ending (it was
						// interrupted while closing the sinks): its whole
						// message, which says what it kept.
						msg += "; " + err.Error()
					} else if _, extra, ok := strings.Cut(err.Error(), "; "); ok {
						msg += "; " + extra // what brokers and databases already received
					}
					return &exitError{code: 1, msg: msg}
				}
				if readerGone(plan, ro, err) {
					// As yes, seq or ripgrep piped into head: the reader
					// has what it wanted. Exit 0, so that a pipeline's
					// status (set -o pipefail) is its reader's.
					if !quiet {
						fmt.Fprintln(stderr, "stopped: the program reading standard output closed it")
					}
					return nil
				}
				if rerr := runtimeFailure(stderr, plan, err, "the run stopped at this error; no output file was published"); rerr != nil {
					return rerr
				}
				if sinkFailure(stderr, plan, err) {
					return errFailed
				}
				return &exitError{code: 1, msg: err.Error() + " (no output file was published)"}
			}
			manifest, err := lin.finish(plan, ro, res, start, time.Now(), stderr)
			if err != nil {
				return err
			}
			if ro.OutDir == out {
				// (A directory per run is new.) A warning, so --quiet
				// prints it too.
				warnStaleFiles(stderr, plan, ro, res)
			}
			if !quiet {
				el := time.Since(start)
				for _, s := range res.Sinks {
					size := humanBytes(s.Bytes)
					if z, ok := compressedSize(s.Files); ok {
						size += fmt.Sprintf(" (%s compressed)", humanBytes(z))
					}
					fmt.Fprintf(stderr, "sink %s: %d records, %s → %s\n", s.Name, s.Records, size, sinkWhere(s))
				}
				if manifest != "" {
					fmt.Fprintf(stderr, "manifest: %s\n", manifest)
				}
				fmt.Fprintln(stderr, doneLine(plan, res, el))
			}
			return nil
		},
	}
	c.addFlags(cmd)
	lin.addFlags(cmd)
	lim.addFlags(cmd)
	cmd.Flags().StringVar(&out, "out", "out", "root directory for relative sink paths")
	cmd.Flags().IntVar(&workers, "workers", engine.DefaultWorkers(), "number of parallel partitions (at least 1; default: the CPUs available, GOMAXPROCS, which follows a container's CPU limit)")
	cmd.Flags().StringVar(&shard, "shard", "", "generate only shard i of N: --shard i/N (0-based)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only warnings and errors: no progress, no summary")
	cmd.Flags().StringVar(&from, "from", "", "write only records at or after this time (scenario zone); the simulation still starts at the scenario start")
	cmd.Flags().StringVar(&to, "to", "", "write only records before this time")
	cmd.Flags().StringVar(&interval, "interval", "", "interval length for replay, e.g. 15m: buffering sinks flush at every boundary")
	cmd.Flags().IntVar(&intervals, "intervals", 0, "number of intervals from --from (sets --to = from + N × interval)")
	cmd.Flags().Float64Var(&speed, "speed", 0, "pace records against the wall clock: 1 = real time, 60 = a minute per second (0 = as fast as possible)")
	cmd.Flags().Float64Var(&rate, "rate", 0, "at most this many records per second (0 = no limit)")
	cmd.Flags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	cmd.Flags().MarkHidden("cpuprofile")
	cmd.Flags().StringVar(&memprofile, "memprofile", "", "write an allocation profile (pprof) to this file")
	cmd.Flags().MarkHidden("memprofile")
	return cmd
}

// readerGone reports whether the run stopped because the program reading
// standard output closed it, and stdout is the run's only sink: nothing
// else was left incomplete, so the run ends quietly, with exit 0. With a
// file, broker or database sink as well, the run fails as before (those
// sinks' output is incomplete: no file is published).
func readerGone(plan *engine.Plan, ro engine.RunOptions, err error) bool {
	var rg *sinks.ReaderGoneError
	if !errors.As(err, &rg) {
		return false
	}
	for _, s := range plan.Sinks {
		if (ro.Sinks == nil || slices.Contains(ro.Sinks, s.Name)) && s.Type != "stdout" {
			return false
		}
	}
	return true
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func validateCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	cmd := &cobra.Command{
		Use:   "validate FILE|DIR...",
		Short: "Check scenarios for errors without generating anything",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			for _, a := range args {
				plan, err := c.load(a)
				if err != nil {
					var ee *exitError
					if errors.As(err, &ee) && ee.code == 2 {
						return err
					}
					failed = true
					continue
				}
				ok := "ok"
				if n := len(plan.Warnings); n > 0 {
					ok += " with " + plural(n, "warning")
				}
				fmt.Fprintf(stdout, "%s: %s (%s, %s, %s, %s)\n", a, ok, plural(len(plan.Entities), "entity"),
					plural(len(plan.Flows), "flow"), plural(len(plan.Streams), "stream"), plural(len(plan.Sinks), "sink"))
			}
			if failed {
				return errFailed
			}
			return nil
		},
	}
	c.addFlags(cmd)
	return cmd
}

func planCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var format string
	var sample int64
	cmd := &cobra.Command{
		Use:   "plan FILE|DIR",
		Short: "Describe what the scenario will generate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sample < -1 {
				return usageErr("--sample %d: expected a number of actors, 0 for the default (%d) or -1 for no estimate", sample, engine.DefaultEstimateSample)
			}
			plan, err := c.load(args[0])
			if err != nil {
				return err
			}
			switch format {
			case "text":
				plan.Describe(stdout)
				// Not when the reader has gone (| head): no one would
				// read the estimate.
				if sample >= 0 && !stdoutGone(stdout) {
					est, err := plan.Estimate(cmd.Context(), sample)
					if err != nil {
						if rerr := runtimeFailure(stderr, plan, err, "the estimate stopped at this error (--sample -1 skips it)"); rerr != nil {
							return rerr
						}
						return &exitError{code: 1, msg: err.Error()}
					}
					est.Describe(stdout)
				}
			case "dot":
				plan.DescribeDot(stdout)
			default:
				return usageErr("--format %q: expected text or dot", format)
			}
			return nil
		},
	}
	c.addFlags(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "text, or dot (each flow's state machine for Graphviz)")
	cmd.Flags().Int64Var(&sample, "sample", engine.DefaultEstimateSample, "actors of each root entity simulated, each with all its child entities' actors, to estimate records and bytes per stream (0: the default, -1: no estimate)")
	return cmd
}

func previewCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var n int
	var stream, where string
	cmd := &cobra.Command{
		Use:   "preview FILE|DIR",
		Short: "Print the first records of a stream (in time order) without writing any sink",
		Long: `Print the first records of a stream, in time order, without writing any sink:
the records a run writes first, as JSON lines whatever format the stream's
sinks write. Records are printed as they are generated, so -n may be large.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 {
				return usageErr("-n must be at least 1")
			}
			plan, err := c.load(args[0])
			if err != nil {
				return err
			}
			st, err := plan.StreamNamed(stream)
			if err != nil {
				// As an unknown --var: a name the scenario does not hold.
				return &exitError{code: 1, msg: err.Error()}
			}
			var keep func([]byte) (bool, error)
			if where != "" {
				if keep, err = whereFilter(where, st.Columns); err != nil {
					return usageErr("%v", err)
				}
			}
			// Records are written as they come: -n may be large, and a
			// reader that has seen enough (| head) ends the preview,
			// quietly, with exit 0 (SIGPIPE is ignored, run: the write
			// fails with EPIPE rather than killing the process, exit 141).
			bw := bufio.NewWriterSize(stdout, 64<<10)
			shown, err := plan.PreviewTo(context.Background(), bw, st.Name, n, keep)
			if ferr := bw.Flush(); err == nil {
				err = ferr
			}
			if pipeClosed(err) {
				return nil
			}
			if err == nil && shown == 0 {
				// Not an error, but an empty output alone says nothing.
				what := "the scenario writes no record to stream " + strconv.Quote(st.Name)
				if where != "" {
					what = "no record of stream " + strconv.Quote(st.Name) + " matches --where"
				}
				fmt.Fprintf(stderr, "note: %s (the whole window was simulated)\n", what)
			}
			if we, ok := isWhereError(err); ok {
				return usageErr("%v", we)
			}
			if err != nil {
				if rerr := runtimeFailure(stderr, plan, err, "the preview stopped at this error"); rerr != nil {
					return rerr
				}
				return &exitError{code: 1, msg: err.Error()}
			}
			return nil
		},
	}
	c.addFlags(cmd)
	cmd.Flags().IntVarP(&n, "n", "n", 20, "number of records")
	cmd.Flags().StringVar(&stream, "stream", "", "stream to show (default: the first one)")
	cmd.Flags().StringVar(&where, "where", "", `show only records matching an expr-lang condition on their fields, e.g. 'event_name == "ad_click"'`)
	return cmd
}

func versionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print scen's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(stdout, "scen %s\n", versionText())
		},
	}
}

func versionText() string {
	return fmt.Sprintf("%s (%s, %s/%s)", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// interrupts handles SIGINT and SIGTERM during a run. The first stops the
// run (ctx is canceled): files are discarded, brokers and databases are
// flushed and report what they kept, which can take up to a sink's
// delivery_timeout when a broker has gone away. The second closes giveUp:
// stop waiting for acknowledgements, count what is unconfirmed as
// undelivered. After that the signals' default action applies again, so
// a third ends the process at once.
func interrupts(stderr io.Writer, quiet bool, delivering []string) (context.Context, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	giveUp := make(chan struct{})
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
		case <-done:
			return
		}
		cancel()
		if len(delivering) > 0 && !quiet {
			// On a terminal, below the ^C and the progress bar; in a
			// log, no blank line.
			lead := ""
			if isTerminal(stderr) {
				lead = "\n"
			}
			fmt.Fprintf(stderr, "%sstopping: waiting for %s to confirm what was sent (interrupt again to stop waiting)\n",
				lead, strings.Join(delivering, ", "))
		}
		select {
		case <-sig:
		case <-done:
			return
		}
		signal.Stop(sig)
		close(giveUp)
	}()
	var once sync.Once
	return ctx, giveUp, func() {
		once.Do(func() {
			signal.Stop(sig)
			close(done)
			cancel()
		})
	}
}

// delivers names the plan's sinks whose records leave the process as
// they are written (brokers, databases), as the messages name sinks.
func delivers(plan *engine.Plan) []string {
	var out []string
	for _, s := range plan.Sinks {
		if d, ok := s.Sink.(sinks.Delivering); ok && d.Delivering() {
			out = append(out, fmt.Sprintf("sink %q", s.Name))
		}
	}
	return out
}

// windowFlags turns --from/--to/--interval/--intervals into run options;
// times are read in the scenario's zone.
func windowFlags(plan *engine.Plan, ro *engine.RunOptions, from, to, interval string, intervals int) error {
	parse := func(flag, v string) (int64, error) {
		ms, err := stdlib.ParseTime(v, plan.Loc)
		if err != nil {
			return 0, usageErr("--%s: %v", flag, err)
		}
		return ms, nil
	}
	var err error
	if from != "" {
		if ro.From, err = parse("from", from); err != nil {
			return err
		}
	}
	if to != "" {
		if ro.To, err = parse("to", to); err != nil {
			return err
		}
	}
	if interval != "" {
		d, err := stdlib.ParseDuration(interval)
		if err != nil || d <= 0 {
			// Record times are whole milliseconds, and so are intervals.
			return usageErr("--interval %q: expected a duration of at least 1ms, such as 15m", interval)
		}
		ro.Interval = d
	}
	if intervals < 0 {
		return usageErr("--intervals must not be negative")
	}
	if intervals > 0 {
		if ro.Interval == 0 || from == "" || to != "" {
			return usageErr("--intervals needs --from and --interval, and replaces --to")
		}
		ro.To = ro.From + int64(intervals)*ro.Interval
	}
	if ro.Speed < 0 || ro.Rate < 0 {
		return usageErr("--speed and --rate must not be negative")
	}
	// NaN and infinities would pace nothing (or everything at once) and
	// then fail the manifest after the files were published.
	for _, f := range []struct {
		name string
		v    float64
	}{{"speed", ro.Speed}, {"rate", ro.Rate}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return usageErr("--%s %v: expected a finite number (0 = no pacing)", f.name, f.v)
		}
	}
	start, end := plan.Start, plan.End
	f, t := ro.From, ro.To
	if f == 0 {
		f = start
	}
	if t == 0 {
		t = end
	}
	if f < start || t > end || f >= t {
		// In the scenario's time zone, which --from and --to are read in.
		loc := plan.Loc
		if loc == nil {
			loc = time.UTC
		}
		at := func(ms int64) string { return time.UnixMilli(ms).In(loc).Format(time.RFC3339) }
		why := "--from must be before --to"
		switch {
		case f < start:
			why = "--from is before the scenario's start"
		case t > end:
			why = "--to is after the scenario's end"
		case ro.To == 0 && f >= end:
			why = "--from is not before the scenario's end"
		case ro.From == 0 && t <= start:
			why = "--to is not after the scenario's start"
		}
		return usageErr("the window --from %s --to %s must be a non-empty part of the scenario's [%s, %s) (times in %s): %s",
			at(f), at(t), at(start), at(end), loc, why)
	}
	return nil
}

// filesSummary names a sink's files for the run summary: all of them when
// there are a few, else their count, the directory they share and the
// first and last (a sink split by rows or partitions writes hundreds).
// compressedSize is the size on disk of the files when they are
// compressed (.gz, .zst), whose text the summary gives first.
func compressedSize(files []string) (int64, bool) {
	var n int64
	for _, f := range files {
		if sinks.Compression(f) == "" {
			return 0, false
		}
		st, err := os.Stat(f)
		if err != nil {
			return 0, false
		}
		n += st.Size()
	}
	return n, len(files) > 0
}

// sinkWhere says where a sink's records went, for the run's summary: its
// files, or for a broker or a database its type and target ("kafka topic
// events", "postgres table events") and what it did not keep.
func sinkWhere(s engine.SinkResult) string {
	if where := filesSummary(s.Files); where != "" {
		return where
	}
	where := s.Type
	if s.Target != "" {
		where += " " + s.Target
	}
	switch {
	case s.Written == 0:
		where += " (nothing written)"
	case s.Records < s.Written:
		where += fmt.Sprintf(" (%d of the %d records sent were skipped as conflicts)", s.Written-s.Records, s.Written)
	}
	return where
}

func filesSummary(files []string) string {
	if len(files) <= 3 {
		return strings.Join(files, ", ")
	}
	dir := filepath.Dir(files[0])
	for _, f := range files[1:] {
		for dir != "." && dir != string(filepath.Separator) && !strings.HasPrefix(f, dir+string(filepath.Separator)) {
			dir = filepath.Dir(dir)
		}
	}
	rel := func(f string) string {
		if r, err := filepath.Rel(dir, f); err == nil {
			return r
		}
		return f
	}
	return fmt.Sprintf("%d files in %s (%s … %s)", len(files), dir, rel(files[0]), rel(files[len(files)-1]))
}

// invalidUTF8 is the offset of the first byte of s that is not part of
// valid UTF-8, or -1.
func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}

// doneLine is run's last line: the records the streams hold (as the
// manifest's streams count them), and, when a stream has more than one
// sink, the sink writes too, in the elapsed time el.
func doneLine(plan *engine.Plan, res *engine.RunResult, el time.Duration) string {
	streamOf := map[string]string{}
	for _, s := range plan.Sinks {
		streamOf[s.Name] = s.Stream.Name
	}
	// Every sink of a stream receives all its records (one that skips
	// some, a database's conflicts, keeps fewer).
	perStream := map[string]int64{}
	for _, s := range res.Sinks {
		perStream[streamOf[s.Name]] = max(perStream[streamOf[s.Name]], s.Written)
	}
	records := int64(0)
	for _, n := range perStream {
		records += n
	}
	writes := ""
	if records != res.Records {
		writes = fmt.Sprintf(" (%d sink writes)", res.Records)
	}
	return fmt.Sprintf("done: %d records%s in %.2fs (%.0f records/s)", records, writes, el.Seconds(), float64(records)/el.Seconds())
}
