// Command ab compares two scen binaries on one scenario by running them
// alternately, each run in a fresh output directory, and reports the
// median and the minimum of their wall time, user and system CPU time.
//
// On a shared host whose speed drifts by tens of percent within minutes,
// two binaries run one after the other measure the drift; run in
// alternation (A B, B A, A B, …), the drift falls on both alike. This is
// how the changes in docs/performance.md were measured.
//
// Usage (from the repository root):
//
//	go run ./bench/ab -a /tmp/scen-old -b bin/scen -runs 10 -- scenarios/clickstream.hcl --workers 1
//
// Everything after -- is passed to `scen run`, followed by --out (a fresh
// temporary directory), --quiet and --no-manifest (-manifest leaves the
// manifest on: make bench writes it, as a user's run does).
//
// Each run's output is deleted as soon as it ends, so the next run gets
// the page cache it freed, still warm. -pause 15s waits before each run
// instead, long enough for a guest that reports free memory to its host
// to have handed those pages back: each run then writes into page cache
// that faults in the host, as a run on a machine that has been idle does.
// -keep keeps every run's output until all runs are done, as a user keeps
// what they generate: each run then writes into pages no run freed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

func realMain(argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := fs.String("a", "", "the first scen binary (the reference)")
	b := fs.String("b", "", "the second scen binary")
	runs := fs.Int("runs", 10, "runs of each binary")
	pause := fs.Duration("pause", 0, "wait this long before each run (cold page cache)")
	keep := fs.Bool("keep", false, "keep each run's output until all runs are done")
	manifest := fs.Bool("manifest", false, "write each run's manifest.json (with its git lineage), as make bench and a user's run do")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	args := fs.Args()
	if *a == "" || *b == "" || len(args) == 0 || *runs < 1 {
		fmt.Fprintln(stderr, "usage: ab -a BIN -b BIN [-runs N] [-pause D] [-keep] -- SCENARIO [scen run flags]")
		return 2
	}
	bins := []string{*a, *b}
	defer func() {
		for _, d := range kept {
			os.RemoveAll(d)
		}
		kept = nil
	}()
	samples := make([][]sample, 2)
	for round := 0; round < *runs; round++ {
		for k := range 2 {
			i := k
			if round%2 == 1 { // B A in odd rounds: neither always runs first
				i = 1 - k
			}
			time.Sleep(*pause)
			s, err := runOnce(bins[i], args, *keep, *manifest)
			if err != nil {
				fmt.Fprintf(stderr, "ab: %s: %v\n", bins[i], err)
				return 1
			}
			samples[i] = append(samples[i], s)
		}
	}
	fmt.Fprint(stdout, report(bins, samples))
	return 0
}

// sample is one run's times.
type sample struct {
	wall, user, sys time.Duration
}

// kept are the output directories of -keep, removed by realMain.
var kept []string

func runOnce(bin string, args []string, keep, manifest bool) (sample, error) {
	dir, err := os.MkdirTemp("", "scen-ab-")
	if err != nil {
		return sample{}, err
	}
	if keep {
		kept = append(kept, dir)
	} else {
		defer os.RemoveAll(dir)
	}
	args = append(append([]string{"run"}, args...), "--out", dir, "--quiet")
	if !manifest {
		args = append(args, "--no-manifest")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, err
	}
	s := sample{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.user = time.Duration(ru.Utime.Nano())
		s.sys = time.Duration(ru.Stime.Nano())
	}
	return s, nil
}

// stats is the median and minimum of one measure.
type stats struct{ med, min time.Duration }

func summarize(xs []time.Duration) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return stats{med: med, min: s[0]}
}

// report prints, per binary, the median and minimum of each measure in
// milliseconds, and B's median against A's.
func report(bins []string, samples [][]sample) string {
	type row struct{ wall, user, cpu stats }
	rows := make([]row, len(bins))
	for i, ss := range samples {
		var w, u, c []time.Duration
		for _, s := range ss {
			w, u, c = append(w, s.wall), append(u, s.user), append(c, s.user+s.sys)
		}
		rows[i] = row{summarize(w), summarize(u), summarize(c)}
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	out := fmt.Sprintf("%-4s %10s %10s %10s %10s %10s %10s  %s\n", "", "wall med", "wall min", "user med", "user min", "cpu med", "cpu min", "binary")
	for i, r := range rows {
		out += fmt.Sprintf("%-4s %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f  %s\n", string(rune('A'+i)),
			ms(r.wall.med), ms(r.wall.min), ms(r.user.med), ms(r.user.min), ms(r.cpu.med), ms(r.cpu.min), bins[i])
	}
	change := func(a, b time.Duration) string {
		if a <= 0 {
			return "-"
		}
		return fmt.Sprintf("%+.1f %%", 100*(float64(b)/float64(a)-1))
	}
	out += fmt.Sprintf("B against A (medians): wall %s, cpu %s (%d runs each, in milliseconds; cpu is user + system)\n",
		change(rows[0].wall.med, rows[1].wall.med), change(rows[0].cpu.med, rows[1].cpu.med), len(samples[0]))
	return out
}
