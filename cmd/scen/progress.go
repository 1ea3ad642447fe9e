package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/scenhq/scen/engine"
)

// progress prints a status line every few seconds while a run is going.
type progress struct {
	w       io.Writer
	quiet   bool
	plan    *engine.Plan
	mu      sync.Mutex
	last    time.Time
	start   time.Time
	tty     bool
	printed bool
}

func newProgress(w io.Writer, quiet bool, plan *engine.Plan) *progress {
	p := &progress{w: w, quiet: quiet, plan: plan, start: time.Now(), last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(records int64, sim int64) {
	if p.quiet {
		return
	}
	now := time.Now()
	interval := 5 * time.Second
	if p.tty {
		interval = 250 * time.Millisecond
	}
	if now.Sub(p.last) < interval {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	frac := float64(sim-p.plan.Start) / float64(p.plan.End-p.plan.Start)
	line := fmt.Sprintf("%d records, %.0f/s, simulated time %s (%.0f%%)", records, float64(records)/el,
		time.UnixMilli(sim).In(p.plan.Loc).Format("2006-01-02 15:04"), 100*frac)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.printed = true
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p.printed {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
