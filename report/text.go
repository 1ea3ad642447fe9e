package report

import (
	"fmt"
	"io"
	"time"

	"github.com/scenhq/scen/engine"
)

func timeIn(ms int64, spec *engine.Spec) time.Time {
	loc := spec.Loc
	if loc == nil {
		loc = time.UTC
	}
	return time.UnixMilli(ms).In(loc)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// WriteText writes the summary: one line per check with PASS or FAIL.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "scenario %s, stream %s: %s in %s", r.Scenario, r.Stream, plural(r.Records, "record", "records"), plural(len(r.Files), "file", "files"))
	if r.Sessions > 0 {
		fmt.Fprintf(w, ", %s", plural(r.Sessions, "session", "sessions"))
	}
	fmt.Fprintf(w, "; each test at α = %g\n", r.Alpha)
	for _, c := range r.Checks {
		status := "PASS"
		if !c.Pass {
			status = "FAIL"
		} else if c.Untested() {
			status = "SKIP"
		}
		fmt.Fprintf(w, "%s  %-17s %s\n      %s\n", status, c.Kind, c.Name, c.Detail)
	}
	for _, sh := range r.Shares {
		fmt.Fprintf(w, "info  state shares while %s is active (not tested; 95%% Wilson intervals):\n", sh.Experiment)
		for si, st := range sh.States {
			fmt.Fprintf(w, "      %-20s", st)
			for g, b := range sh.Bars[si] {
				fmt.Fprintf(w, "  %s %.4f [%.4f, %.4f]", sh.Groups[g], b.Observed, b.Lo, b.Hi)
			}
			fmt.Fprintln(w)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	untested := ""
	if u := r.Untested(); u > 0 {
		untested = fmt.Sprintf(", %d not tested (SKIP: each says why)", u)
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed%s\n", plural(len(r.Checks), "check", "checks"), len(r.Checks)-r.Failed()-r.Untested(), r.Failed(), untested)
}
