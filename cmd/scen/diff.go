package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/gitx"
	"github.com/spf13/cobra"
)

// diffSide is one of the two scenarios `scen diff` compares: a file or
// directory in the working tree, or one at a git revision.
type diffSide struct {
	path string
	rev  string // "" = the working tree
}

func (s diffSide) String() string {
	if s.rev == "" {
		return s.path
	}
	return s.path + "@" + s.rev
}

// parseSide reads PATH or PATH@REV. An existing path wins, so a file name
// that contains @ still works.
func parseSide(arg string) diffSide {
	if _, err := os.Stat(arg); err == nil {
		return diffSide{path: arg}
	}
	if i := strings.LastIndex(arg, "@"); i > 0 && i < len(arg)-1 {
		return diffSide{path: arg[:i], rev: arg[i+1:]}
	}
	return diffSide{path: arg}
}

func diffCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var rev string
	var sample int64
	cmd := &cobra.Command{
		Use:   "diff A B | diff --git REV PATH",
		Short: "Show what changes in the compiled plan between two versions of a scenario",
		Long: `Compare two scenarios as compiled plans and say what changes, in words:
settings, variables, datasets, distributions, entities and counts, attributes,
experiments, flows (states, transition weights and probabilities, emitted
fields), streams and sinks. Layout, comments and number spelling are ignored;
declaration order is compared where it changes the output (entity and flow
order, the draw order of attributes, set, remember, emits and fields, JSON key
and column order, next and transition order, experiment group order, the
order of two overrides an actor may match both of), and not where it cannot
(switch branches, a constraint's flows, the profiles of arrivals).
When the plans differ, the expected records per stream of both are estimated
as scen plan does (--sample) and compared.

A and B are files or directories; PATH@REV reads PATH at a git revision
(scen diff scenarios/recipe.hcl@HEAD~1 scenarios/recipe.hcl), and
--git REV PATH compares PATH at REV with the working tree.

Exit status: 0 when the plans are equal, 1 when they differ, 2 on error.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var a, b diffSide
			switch {
			case rev != "" && len(args) == 1:
				a, b = diffSide{path: args[0], rev: rev}, diffSide{path: args[0]}
			case rev != "":
				return usageErr("--git REV takes one PATH (compared at REV and in the working tree)")
			case len(args) == 2:
				a, b = parseSide(args[0]), parseSide(args[1])
			default:
				return usageErr("diff needs two scenarios (A B), or --git REV PATH")
			}
			opts, err := c.options()
			if err != nil {
				return err
			}
			ctx := context.Background()
			sa, err := c.loadSide(ctx, a, opts)
			if err != nil {
				return asDiffError(err)
			}
			defer sa.cleanup()
			sb, err := c.loadSide(ctx, b, opts)
			if err != nil {
				return asDiffError(err)
			}
			defer sb.cleanup()
			changes := engine.DiffSummaries(engine.Summarize(sa.sc, sa.plan), engine.Summarize(sb.sc, sb.plan))
			fmt.Fprintf(stdout, "scen diff %s → %s\n", sa.label, sb.label)
			if len(changes) == 0 {
				fmt.Fprintln(stdout, "\nNo changes: the plans are equal.")
				return nil
			}
			fmt.Fprintln(stdout)
			var add, del, mod int
			for _, ch := range changes {
				for _, l := range ch.Lines() {
					fmt.Fprintln(stdout, "  "+l)
				}
				switch ch.Op {
				case '+':
					add++
				case '-':
					del++
				default:
					mod++
				}
			}
			fmt.Fprintf(stdout, "\n%s: %d added, %d removed, %d changed.\n", plural(len(changes), "change"), add, del, mod)
			// The plans differ (exit 1) whether or not the reader has
			// gone (| head); if it has, no one would read the estimates.
			if sample >= 0 && !stdoutGone(stdout) {
				if err := diffEstimates(ctx, stdout, sa.plan, sb.plan, sample); err != nil {
					return asDiffError(err)
				}
			}
			return &exitError{code: 1}
		},
	}
	c.addFlags(cmd)
	cmd.Flags().StringVar(&rev, "git", "", "compare PATH at this git revision with the working tree")
	cmd.Flags().Int64Var(&sample, "sample", engine.DefaultEstimateSample, "actors of each root entity simulated, each with all its child entities' actors, to compare expected records per stream (0: the default, -1: no estimate)")
	return cmd
}

// diffEstimates prints how the expected records per stream change.
func diffEstimates(ctx context.Context, w io.Writer, a, b *engine.Plan, sample int64) error {
	ea, err := a.Estimate(ctx, sample)
	if err != nil {
		return err
	}
	eb, err := b.Estimate(ctx, sample)
	if err != nil {
		return err
	}
	if ea.Unknown || eb.Unknown {
		fmt.Fprintf(w, "\nExpected records per stream: not compared (a side's sample did not get past the window's start within the estimate's step budget; scen plan says which).\n")
		return nil
	}
	all := func(e *engine.Estimate) bool {
		for _, s := range e.Entities {
			if s.Sampled < s.Actors {
				return false
			}
		}
		return true
	}
	how := "exact: every actor simulated"
	if !all(ea) || !all(eb) {
		if sample == 0 {
			sample = engine.DefaultEstimateSample
		}
		how = fmt.Sprintf("estimated from the first %d actors of each entity, on both sides", sample)
	} else if ea.Partial || eb.Partial {
		how = "every actor simulated"
	}
	if ea.Partial || eb.Partial {
		how += "; extrapolated from the part of the window the estimate's step budget reached (scen plan says how much)"
	}
	changes := engine.DiffEstimates(ea, eb)
	if len(changes) == 0 {
		fmt.Fprintf(w, "\nExpected records per stream do not change (%s).\n", how)
		return nil
	}
	fmt.Fprintf(w, "\nExpected records per stream (%s):\n", how)
	for _, ch := range changes {
		fmt.Fprintln(w, "  "+ch.String())
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// asDiffError maps failures to exit status 2: for diff, 1 means "differs".
func asDiffError(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{code: 2, msg: ee.msg}
	}
	return &exitError{code: 2, msg: err.Error()}
}

type loadedSide struct {
	label   string
	sc      *dsl.Scenario
	plan    *engine.Plan
	display func(string) string // names the side's files in messages
	cleanup func()
}

func (c *common) loadSide(ctx context.Context, s diffSide, opts engine.Options) (*loadedSide, error) {
	ls := &loadedSide{label: s.String(), display: func(s string) string { return s }, cleanup: func() {}}
	if s.rev == "" {
		sc, diags := dsl.Load(s.path)
		plan, err := c.compile(sc, diags, opts)
		if err != nil {
			return nil, err
		}
		ls.sc, ls.plan = sc, plan
		return ls, nil
	}
	tmp, err := os.MkdirTemp("", "scen-diff-")
	if err != nil {
		return nil, err
	}
	ls.cleanup = func() { os.RemoveAll(tmp) }
	// What is said about this side names its files as the revision has
	// them (REV:PATH), not by their copies under tmp.
	var msgs bytes.Buffer
	cc := *c
	cc.stderr = &msgs
	sc, label, err := cc.scenarioAtRev(ctx, s, tmp, &ls.display)
	var plan *engine.Plan
	if err == nil {
		plan, err = cc.compile(sc, nil, opts)
	}
	io.WriteString(c.stderr, ls.display(msgs.String()))
	if err != nil {
		ls.cleanup()
		var ee *exitError
		if errors.As(err, &ee) {
			return nil, &exitError{code: ee.code, msg: ls.display(ee.msg)}
		}
		return nil, errors.New(ls.display(err.Error()))
	}
	ls.label, ls.sc, ls.plan = label, sc, plan
	return ls, nil
}

// scenarioAtRev reads a scenario as it was at a git revision: its .hcl
// files, the modules they include (files and directories, transitively)
// and the dataset files of both, from git into tmp (see revFiles). It sets
// *display once it knows where the files go.
func (c *common) scenarioAtRev(ctx context.Context, s diffSide, tmp string, display *func(string) string) (*dsl.Scenario, string, error) {
	if !gitx.Available() {
		return nil, "", fmt.Errorf("%s: reading a revision needs git, which is not installed", s)
	}
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return nil, "", err
	}
	// The path may be gone from the working tree; find the repository
	// from its nearest existing ancestor.
	dir := abs
	for {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, "", fmt.Errorf("%s: no existing directory on the path", s)
		}
		dir = parent
	}
	top, err := gitx.TopLevel(ctx, dir)
	if errors.Is(err, gitx.ErrNotRepo) {
		return nil, "", fmt.Errorf("%s: %s is not in a git work tree", s, dir)
	}
	if err != nil {
		return nil, "", err
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, "", err
	}
	rest, _ := filepath.Rel(dir, abs)
	repoRel, err := filepath.Rel(top, filepath.Join(realDir, rest))
	if err != nil || strings.HasPrefix(repoRel, "..") {
		return nil, "", fmt.Errorf("%s: the path is outside the repository at %s", s, top)
	}
	repoRel = filepath.ToSlash(repoRel)
	if repoRel == "." {
		repoRel = ""
	}
	out, err := gitx.Run(ctx, top, "rev-parse", "--verify", "--quiet", "--end-of-options", s.rev+"^{commit}")
	if err != nil {
		return nil, "", fmt.Errorf("%s: %q is not a revision of the repository at %s", s, s.rev, top)
	}
	files := &revFiles{ctx: ctx, side: s, top: top, commit: strings.TrimSpace(string(out)), mirror: tmp,
		notes: c.stderr, noted: map[string]bool{}}
	*display = files.display
	e, err := files.strictStat(repoRel)
	if err != nil {
		return nil, "", err
	}
	var names []string
	srcs := map[string][]byte{}
	add := func(rp string) error {
		n := files.local(filepath.Join(top, filepath.FromSlash(rp)))
		b, err := files.ReadFile(n)
		if err != nil {
			return err
		}
		names = append(names, n)
		srcs[n] = b
		return nil
	}
	if !e.dir {
		if err := add(repoRel); err != nil {
			return nil, "", err
		}
	} else {
		ls, err := gitx.Run(ctx, top, "ls-tree", "-l", "-z", files.object(repoRel))
		if err != nil {
			return nil, "", err
		}
		for _, line := range strings.Split(string(ls), "\x00") {
			if e, ok := entry(line); ok && !e.dir && e.mode.IsRegular() && strings.HasSuffix(e.name, ".hcl") {
				if err := add(pathJoin(repoRel, e.name)); err != nil {
					return nil, "", err
				}
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, "", fmt.Errorf("%s: the directory holds no .hcl files at %s", s, s.rev)
		}
	}
	sc, diags := dsl.ParseFS(files, names, srcs)
	if diags.HasErrors() {
		fmt.Fprintf(c.stderr, "in %s:\n", s)
		renderDiags(c.stderr, diags, filesOf(sc))
		return nil, "", errFailed
	}
	// The engine reads datasets from disk: put the revision's copies (a
	// module's too) where it looks for them.
	for _, d := range sc.Datasets {
		if d.Path == "" || filepath.IsAbs(d.Path) {
			continue
		}
		full := filepath.Join(d.Dir, d.Path)
		if rel, err := filepath.Rel(tmp, full); err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		if _, err := files.ReadFile(full); err != nil {
			continue // the compiler reports the missing dataset at its range
		}
	}
	short := files.commit
	if len(short) > 12 {
		short = short[:12]
	}
	return sc, fmt.Sprintf("%s (%s)", s, short), nil
}

func pathJoin(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}
