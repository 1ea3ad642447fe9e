package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/schollz/progressbar/v3"
)

// barSteps is the bar's resolution: the simulated window in permille.
const barSteps = 1000

// barThrottle is the least time between two renderings of the bar.
var barThrottle = 200 * time.Millisecond

// progress reports a running run: on a terminal a live bar driven by the
// share of the simulated window reached (with records, records/s, the
// simulated time and an ETA); elsewhere a plain line every few seconds;
// nothing with --quiet. Its update is called from the engine's merging
// goroutine only, and done after Run has returned.
type progress struct {
	w        io.Writer
	quiet    bool
	loc      *time.Location
	from, to int64 // the window written (ms)
	start    time.Time
	last     time.Time
	interval time.Duration // between plain lines
	bar      *progressbar.ProgressBar
	closed   bool
}

func newProgress(w io.Writer, quiet bool, plan *engine.Plan) *progress {
	return newProgressMode(w, quiet, isTerminal(w), plan)
}

// newProgressMode chooses the live bar (tty) or plain lines explicitly.
func newProgressMode(w io.Writer, quiet, tty bool, plan *engine.Plan) *progress {
	now := time.Now()
	p := &progress{w: w, quiet: quiet, loc: plan.Loc, from: plan.Start, to: plan.End,
		start: now, last: now, interval: 5 * time.Second}
	if tty && !quiet {
		p.bar = progressbar.NewOptions64(barSteps,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(barThrottle),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetTheme(progressbar.ThemeASCII),
		)
	}
	return p
}

// window sets the simulated span the bar measures (--from/--to).
func (p *progress) window(from, to int64) {
	if from != 0 {
		p.from = from
	}
	if to != 0 {
		p.to = to
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// fraction is the share of the window reached at simulated time sim.
func (p *progress) fraction(sim int64) float64 {
	if p.to <= p.from {
		return 1
	}
	return min(1, max(0, float64(sim-p.from)/float64(p.to-p.from)))
}

// status is the text shared by the bar and the plain line.
func (p *progress) status(records int64, sim int64, now time.Time) string {
	rate := 0.0
	if el := now.Sub(p.start).Seconds(); el > 0 {
		rate = float64(records) / el
	}
	return fmt.Sprintf("%s records, %s/s, simulated %s", humanCount(records), humanCount(int64(rate)),
		time.UnixMilli(sim).In(p.loc).Format("2006-01-02 15:04"))
}

func (p *progress) update(records int64, sim int64) {
	if p.quiet || p.closed {
		return
	}
	now := time.Now()
	frac := p.fraction(sim)
	if p.bar != nil {
		p.bar.Set64(int64(frac * barSteps))
		p.bar.Describe(p.status(records, sim, now))
		return
	}
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "%s (%.0f%% of the window)\n", p.status(records, sim, now), 100*frac)
}

// done removes the bar; the summary follows on a clean line.
func (p *progress) done() {
	p.closed = true
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}

// humanCount writes 1234567 as 1.23M.
func humanCount(n int64) string {
	f := float64(n)
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", f/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", f/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", f/1e3)
	}
	return fmt.Sprintf("%d", n)
}
