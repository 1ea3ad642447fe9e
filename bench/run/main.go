// Command run is the scen benchmark harness behind `make bench`.
//
// It reads a TSV config (name, scenario file, workers, extra args), runs
// `scen run` once per row into a temporary directory, counts the events and
// bytes it wrote, and prints one table with throughput, peak RSS and the
// ratio to the plain encoding/json baseline (bench/baseline).
//
// Usage (from the repository root, after building bin/scen and bin/baseline):
//
//	go run ./bench/run [-scen ./bin/scen] [-baseline ./bin/baseline] [-config bench/bench.tsv] [-o results.md]
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// baselineScenario is the scenario value that selects the baseline binary.
const baselineScenario = "@baseline"

// row is one line of the config file.
type row struct {
	Name     string
	Scenario string
	Workers  int
	Args     []string // extra args, passed to scen verbatim
	Line     int
}

func (r row) isBaseline() bool {
	return strings.HasPrefix(r.Name, "baseline") || r.Scenario == baselineScenario
}

// result is the outcome of running one row (of its median run, once
// summarized).
type result struct {
	row
	counts
	Wall   time.Duration
	RSS    int64 // peak RSS in bytes, -1 if unknown
	Err    error
	Output string // the child's stderr and stdout (tail), kept for failures
	// Over all runs of the row (summarize): the slowest and fastest rate
	// and how many runs there were.
	MinRate, MaxRate float64
	Runs             int
}

// summarize reduces a row's runs to the one with the median wall time
// (the lower middle one for an even count), with the range of rates over
// all runs and the largest peak RSS. A failed run fails the row.
func summarize(runs []result) result {
	for _, r := range runs {
		if r.Err != nil {
			r.Runs = len(runs)
			return r
		}
	}
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b result) int { return cmp.Compare(a.Wall, b.Wall) })
	med := sorted[(len(sorted)-1)/2]
	med.Runs = len(runs)
	med.MinRate, med.MaxRate = sorted[len(sorted)-1].eventsPerSec(), sorted[0].eventsPerSec()
	for _, r := range runs {
		med.RSS = max(med.RSS, r.RSS)
	}
	return med
}

func (r result) eventsPerSec() float64 {
	if r.Err != nil || r.Wall <= 0 {
		return 0
	}
	return float64(r.Events) / r.Wall.Seconds()
}

func main() {
	os.Exit(realMain())
}

func realMain() int {
	scenBin := flag.String("scen", "./bin/scen", "path to the scen binary")
	baseBin := flag.String("baseline", "./bin/baseline", "path to the baseline binary")
	config := flag.String("config", "bench/bench.tsv", "benchmark config (TSV: name, scenario, workers, extra args)")
	mdOut := flag.String("o", "", "also write the table as markdown to this file")
	only := flag.String("only", "", "comma-separated row names to run (default: all rows)")
	timeout := flag.Duration("timeout", 0, "per-run time limit (0 = none)")
	verbose := flag.Bool("v", false, "print progress to stderr")
	runs := flag.Int("runs", 3, "runs per row, in rounds over all rows; the table shows the run with the median wall time and the range of events/s")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected arguments: %q\n", flag.Args())
		return 2
	}

	rows, err := parseConfigFile(*config)
	if err == nil && *only != "" {
		rows, err = filterRows(rows, *only)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	if len(rows) == 0 {
		fmt.Fprintf(os.Stderr, "bench: %s: no benchmark rows\n", *config)
		return 2
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "bench: -runs must be at least 1")
		return 2
	}

	// Baseline rows run first, whatever their position; the table keeps
	// the config order.
	results := make([]result, len(rows))
	var order []int
	for i, r := range rows {
		if r.isBaseline() {
			order = append(order, i)
		}
	}
	for i, r := range rows {
		if !r.isBaseline() {
			order = append(order, i)
		}
	}
	// Rounds over all rows rather than one row N times: the host's speed
	// drifts, and a round spreads the drift over every row alike.
	all := make([][]result, len(rows))
	for round := 1; round <= *runs; round++ {
		for _, i := range order {
			r := rows[i]
			if *verbose {
				fmt.Fprintf(os.Stderr, "bench: running %s (%d/%d) ...\n", r.Name, round, *runs)
			}
			res := runRow(r, *scenBin, *baseBin, *timeout)
			all[i] = append(all[i], res)
			if *verbose {
				if res.Err != nil {
					fmt.Fprintf(os.Stderr, "bench: %s failed: %v\n", r.Name, res.Err)
				} else {
					fmt.Fprintf(os.Stderr, "bench: %s: %d events in %.2fs\n", r.Name, res.Events, res.Wall.Seconds())
				}
			}
		}
	}
	for i := range rows {
		results[i] = summarize(all[i])
	}

	header, cells := tableCells(results)
	writeAligned(os.Stdout, header, cells)

	status := 0
	if *mdOut != "" {
		if err := writeMarkdownFile(*mdOut, header, cells); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			status = 1
		}
	}
	for _, res := range results {
		if res.Err == nil {
			continue
		}
		status = 1
		fmt.Fprintf(os.Stderr, "\nbench: %s (%s:%d) failed: %v\n", res.Name, *config, res.Line, res.Err)
		if out := strings.TrimSpace(res.Output); out != "" {
			fmt.Fprintln(os.Stderr, out)
		}
	}
	return status
}

// parseConfigFile reads the benchmark config.
func parseConfigFile(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := parseConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// parseConfig parses tab-separated rows: name, scenario, workers and
// optional space-separated extra args. Blank lines and lines starting with
// '#' are skipped.
func parseConfig(r io.Reader) ([]row, error) {
	var rows []row
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if trimmed := strings.TrimSpace(line); trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 || len(cols) > 4 {
			return nil, fmt.Errorf("line %d: want 3 or 4 tab-separated columns (name, scenario, workers, extra args), got %d", n, len(cols))
		}
		r := row{
			Name:     strings.TrimSpace(cols[0]),
			Scenario: strings.TrimSpace(cols[1]),
			Line:     n,
		}
		if r.Name == "" || r.Scenario == "" {
			return nil, fmt.Errorf("line %d: empty name or scenario", n)
		}
		if prev, dup := seen[r.Name]; dup {
			return nil, fmt.Errorf("line %d: duplicate row name %q (first on line %d)", n, r.Name, prev)
		}
		seen[r.Name] = n
		w, err := strconv.Atoi(strings.TrimSpace(cols[2]))
		if err != nil || w < 1 {
			return nil, fmt.Errorf("line %d: workers must be a positive integer, got %q", n, cols[2])
		}
		r.Workers = w
		if len(cols) == 4 {
			r.Args = strings.Fields(cols[3])
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// filterRows keeps the rows named in the comma-separated list.
func filterRows(rows []row, names string) ([]row, error) {
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var out []row
	for _, r := range rows {
		if want[r.Name] {
			out = append(out, r)
			delete(want, r.Name)
		}
	}
	for n := range want {
		return nil, fmt.Errorf("-only: no row named %q", n)
	}
	return out, nil
}

// varValue returns the value of `--var name=value` (or `--var=name=value`,
// `-var ...`) in args.
func varValue(args []string, name string) (string, bool) {
	prefix := name + "="
	for i, a := range args {
		var kv string
		switch {
		case a == "--var" || a == "-var":
			if i+1 < len(args) {
				kv = args[i+1]
			}
		case strings.HasPrefix(a, "--var="):
			kv = strings.TrimPrefix(a, "--var=")
		case strings.HasPrefix(a, "-var="):
			kv = strings.TrimPrefix(a, "-var=")
		}
		if v, ok := strings.CutPrefix(kv, prefix); ok {
			return v, true
		}
	}
	return "", false
}

// command builds the child command line for a row writing into dir.
func command(r row, scenBin, baseBin, dir string) ([]string, error) {
	if !r.isBaseline() {
		args := []string{scenBin, "run", r.Scenario, "--out", dir, "--workers", strconv.Itoa(r.Workers), "--quiet"}
		return append(args, r.Args...), nil
	}
	args := []string{baseBin}
	if v, ok := varValue(r.Args, "users"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("baseline: bad --var users=%s", v)
		}
		args = append(args, "-users", strconv.Itoa(n))
	}
	return append(args, "-out", filepath.Join(dir, "events.jsonl")), nil
}

// runRow runs one row in a fresh temporary directory and measures it.
func runRow(r row, scenBin, baseBin string, timeout time.Duration) (res result) {
	res = result{row: r, RSS: -1}
	dir, err := os.MkdirTemp("", "scen-bench-")
	if err != nil {
		res.Err = err
		return res
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil && res.Err == nil {
			res.Err = fmt.Errorf("removing %s: %w", dir, err)
		}
	}()

	argv, err := command(r, scenBin, baseBin, dir)
	if err != nil {
		res.Err = err
		return res
	}
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = 5 * time.Second
	out := &tailBuffer{max: 16 << 10}
	cmd.Stdout = out
	cmd.Stderr = out

	start := time.Now()
	err = cmd.Run()
	if cmd.ProcessState != nil { // the child started
		res.Wall = time.Since(start)
	}
	res.RSS = peakRSS(cmd.ProcessState)
	res.Output = out.String()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %v: %w", timeout, err)
		}
		res.Err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
		return res
	}

	c, err := countDir(dir)
	if err != nil {
		res.Err = fmt.Errorf("counting output: %w", err)
		return res
	}
	res.counts = c
	if c.Events == 0 {
		res.Err = fmt.Errorf("%s: no events found in .jsonl/.ndjson/.csv(.gz) files under the output directory", strings.Join(argv, " "))
	}
	return res
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
		t.truncated = true
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	if t.truncated {
		return "[... output truncated ...]\n" + t.buf.String()
	}
	return t.buf.String()
}

var tableHeader = []string{"scenario", "events", "workers", "wall_s", "events/s", "range", "MB/s", "peak_RSS_MB", "vs_1w", "vs_baseline"}

// tableCells formats the results; the reference is the first successful
// baseline row in config order. vs_1w is a row's rate over that of the row
// running the same scenario and arguments with one worker, if there is one.
func tableCells(results []result) ([]string, [][]string) {
	var ref float64
	for _, r := range results {
		if r.isBaseline() && r.Err == nil {
			ref = r.eventsPerSec()
			break
		}
	}
	oneWorker := func(r result) float64 {
		for _, o := range results {
			if o.Err == nil && o.Workers == 1 && !o.isBaseline() && o.Scenario == r.Scenario && slices.Equal(o.Args, r.Args) {
				return o.eventsPerSec()
			}
		}
		return 0
	}
	cells := make([][]string, 0, len(results))
	for _, r := range results {
		if r.Err != nil {
			cells = append(cells, []string{r.Name, "FAILED", strconv.Itoa(r.Workers), fmtSeconds(r), "-", "-", "-", fmtRSS(r.RSS), "-", "-"})
			continue
		}
		secs := r.Wall.Seconds()
		rate := r.eventsPerSec()
		ratio := "-"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2fx", rate/ref)
		}
		vs1 := "-"
		if one := oneWorker(r); r.Workers > 1 && one > 0 {
			vs1 = fmt.Sprintf("%.2fx", rate/one)
		}
		rng := "-"
		if r.Runs > 1 {
			rng = fmt.Sprintf("%s-%s", fmtRate(r.MinRate), fmtRate(r.MaxRate))
		}
		cells = append(cells, []string{
			r.Name,
			strconv.FormatInt(r.Events, 10),
			strconv.Itoa(r.Workers),
			fmtSeconds(r),
			fmt.Sprintf("%.0f", rate),
			rng,
			fmt.Sprintf("%.1f", float64(r.Bytes)/1e6/secs),
			fmtRSS(r.RSS),
			vs1,
			ratio,
		})
	}
	return tableHeader, cells
}

// fmtRate writes a rate in whole thousands (k) or in millions with two
// decimals (M).
func fmtRate(x float64) string {
	switch {
	case x >= 1e6:
		return strconv.FormatFloat(x/1e6, 'f', 2, 64) + "M"
	case x >= 1e3:
		return strconv.FormatFloat(x/1e3, 'f', 0, 64) + "k"
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

func fmtSeconds(r result) string {
	if r.Wall <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", r.Wall.Seconds())
}

func fmtRSS(b int64) string {
	if b < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(b)/1e6)
}

// writeAligned prints a plain-text table: first column left-aligned, the
// numeric columns right-aligned, two spaces between columns.
func writeAligned(w io.Writer, header []string, cells [][]string) {
	widths := make([]int, len(header))
	for _, line := range append([][]string{header}, cells...) {
		for i, c := range line {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, line := range append([][]string{header}, cells...) {
		var b strings.Builder
		for i, c := range line {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len(c))
			if i == 0 {
				b.WriteString(c)
				if i < len(line)-1 {
					b.WriteString(pad)
				}
			} else {
				b.WriteString(pad)
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// writeMarkdownFile writes the table as a GitHub markdown table, preceded
// by a line describing the machine.
func writeMarkdownFile(path string, header []string, cells [][]string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Benchmark run %s on %s/%s, %d CPUs, %s.\n\n",
		time.Now().UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|")
	for i := range header {
		if i == 0 {
			b.WriteString(" --- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteString("\n")
	for _, line := range cells {
		b.WriteString("| " + strings.Join(line, " | ") + " |\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	return nil
}
