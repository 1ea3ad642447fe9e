package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// WriteHTML writes the report as one self-contained page: inline CSS and
// SVG bar charts, no script, nothing fetched.
func (r *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	e := html.EscapeString
	status := "all checks passed"
	if n := r.Failed(); n > 0 {
		status = fmt.Sprintf("%d of %d checks failed", n, len(r.Checks))
	}
	p(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scen report: %s / %s</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1080px;padding:0 16px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
.meta{color:#5b6474;margin:0 0 12px}.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.ok{background:#e5f5ea;color:#11612c}.bad{background:#fde8e8;color:#9b1c1c}
table{border-collapse:collapse;width:100%%;margin:6px 0 14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff4;vertical-align:top}
th{font-weight:600;color:#5b6474;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.tag{display:inline-block;min-width:38px;text-align:center;border-radius:4px;font-size:12px;font-weight:700;padding:1px 6px}
.tag.ok{background:#1f8a46;color:#fff}.tag.skip{background:#8a94a6;color:#fff}.tag.bad{background:#c53030;color:#fff}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.check{border:1px solid #e1e5ec;border-radius:8px;padding:10px 14px;overflow-x:auto}.check.wide{grid-column:1/-1}
.check h3{font-size:15px;margin:0 0 4px}.detail{color:#3c4657;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.legend{font-size:12px;color:#5b6474}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
svg{display:block;margin-top:6px}svg text{font:11px system-ui,Helvetica,Arial,sans-serif;fill:#3c4657}
ul.notes{color:#5b6474}
</style></head><body>
<h1>scen report: scenario %s, stream %s</h1>
<p class="meta">%s in %s`, e(r.Scenario), e(r.Stream), e(r.Scenario), e(r.Stream),
		plural(r.Records, "record", "records"), plural(len(r.Files), "file", "files"))
	if r.Sessions > 0 {
		p(", %s", plural(r.Sessions, "session", "sessions"))
	}
	p("; each test at α = %g.</p>\n", r.Alpha)
	cls := "ok"
	if r.Failed() > 0 {
		cls = "bad"
	}
	p("<div class=\"banner %s\">%s</div>\n", cls, e(status))
	p("<table><thead><tr><th></th><th>check</th><th>kind</th><th>test</th><th>n</th><th>p</th></tr></thead><tbody>\n")
	for i, c := range r.Checks {
		p("<tr><td>%s</td><td><a href=\"#c%d\">%s</a></td><td>%s</td><td>%s</td><td>%d</td><td>%s</td></tr>\n",
			tag(c), i, e(c.Name), e(string(c.Kind)), e(c.Test), c.N, pCell(c))
	}
	p("</tbody></table>\n")
	p(`<p class="legend">bars: <span style="background:#3b6fd8"></span>observed share <span style="background:#f0a531"></span>declared (expected) share; whiskers: 95 %% Wilson interval</p>` + "\n")
	// One section per kind, in the order the kinds first appear: the
	// checks' order (the table's) may come back to a kind after another
	// (the constant fields, then the fields check, then the categorical
	// shares), and a second heading of the same kind reads as a mistake.
	var kinds []Kind
	byKind := map[Kind][]int{}
	for i, c := range r.Checks {
		if _, ok := byKind[c.Kind]; !ok {
			kinds = append(kinds, c.Kind)
		}
		byKind[c.Kind] = append(byKind[c.Kind], i)
	}
	for _, kind := range kinds {
		p("<h2>%s</h2>\n<div class=\"grid\">\n", e(strings.ToUpper(string(kind[:1]))+string(kind[1:])))
		for _, i := range byKind[kind] {
			c := r.Checks[i]
			cls := "check"
			if len(c.Bars) > 6 {
				cls += " wide"
			}
			p("<div class=\"%s\" id=\"c%d\"><h3>%s %s</h3>\n<div class=\"detail\">%s</div>\n", cls, i, tag(c), e(c.Name), e(c.Detail))
			if len(c.Bars) > 0 {
				barChart(bw, c.Bars)
			}
			p("</div>\n")
		}
		p("</div>\n")
	}
	for _, sh := range r.Shares {
		p("<h2>State shares while %s is active</h2>\n<p class=\"meta\">Descriptive, not tested: nothing declares these shares. 95 %% Wilson intervals.</p>\n", e(sh.Experiment))
		p("<table><thead><tr><th>state</th>")
		for g, name := range sh.Groups {
			p("<th>%s (%d records)</th>", e(name), sh.Records[g])
		}
		p("</tr></thead><tbody>\n")
		for si, st := range sh.States {
			p("<tr><td>%s</td>", e(st))
			for _, b := range sh.Bars[si] {
				p("<td>%.4f <span class=\"meta\">[%.4f, %.4f]</span></td>", b.Observed, b.Lo, b.Hi)
			}
			p("</tr>\n")
		}
		p("</tbody></table>\n")
	}
	if len(r.Notes) > 0 {
		p("<h2>Not checked</h2>\n<ul class=\"notes\">\n")
		for _, n := range r.Notes {
			p("<li>%s</li>\n", e(n))
		}
		p("</ul>\n")
	}
	p("<p class=\"meta\">Files: %s</p>\n</body></html>\n", e(strings.Join(r.Files, ", ")))
	return bw.Flush()
}

func tag(c Check) string {
	if c.Pass && c.Untested() {
		return `<span class="tag skip">SKIP</span>`
	}
	if c.Pass {
		return `<span class="tag ok">PASS</span>`
	}
	return `<span class="tag bad">FAIL</span>`
}

// pCell is the table's p column: a skipped check has no p at all (its
// NaN would otherwise read as "exact", what an exact check's NaN means).
func pCell(c Check) string {
	if c.Pass && c.Untested() {
		return "—"
	}
	return pText(c.P)
}

func pText(p float64) string {
	if math.IsNaN(p) {
		return "exact"
	}
	return fmt.Sprintf("%.3g", p)
}

// barChart draws observed and expected shares side by side per category.
func barChart(w io.Writer, bars []Bar) {
	const (
		height = 190
		top    = 12
		bottom = 62
		left   = 64
	)
	slot := 52.0
	switch {
	case len(bars) > 12:
		slot = 38
	case len(bars) > 4:
		slot = 44
	}
	width := left + int(slot*float64(len(bars))) + 10
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, math.Max(b.Observed, b.Hi))
		if !math.IsNaN(b.Expected) {
			maxV = math.Max(maxV, b.Expected)
		}
	}
	step := niceStep(maxV / 4)
	maxV = step * math.Ceil(maxV/step)
	if maxV <= 0 {
		maxV, step = 1, 0.25
	}
	plotH := float64(height - top - bottom)
	y := func(v float64) float64 { return float64(top) + plotH*(1-v/maxV) }
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", width, height, width, height)
	for v := 0.0; v <= maxV+step/2; v += step {
		fmt.Fprintf(w, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e6e9ef"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n",
			left, width-10, y(v), y(v), left-4, y(v)+4, shareText(v, step))
	}
	bw := slot * 0.36
	for i, b := range bars {
		x0 := float64(left) + slot*float64(i) + slot*0.14
		fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#3b6fd8"><title>%s: observed %.4f (%d)</title></rect>`+"\n",
			x0, y(b.Observed), bw, y(0)-y(b.Observed), html.EscapeString(b.Label), b.Observed, b.Count)
		if !math.IsNaN(b.Expected) {
			fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f0a531"><title>%s: declared %.4f</title></rect>`+"\n",
				x0+bw, y(b.Expected), bw, y(0)-y(b.Expected), html.EscapeString(b.Label), b.Expected)
		}
		if b.Hi > 0 {
			cx := x0 + bw/2
			fmt.Fprintf(w, `<path d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f" stroke="#1d2430" stroke-width="1.2" fill="none"/>`+"\n",
				cx, y(b.Lo), y(b.Hi), cx-4, y(b.Lo), cx+4, cx-4, y(b.Hi), cx+4)
		}
		label := []rune(b.Label)
		if len(label) > 12 {
			label = append(label[:11], '…')
		}
		lx, ly := x0+bw+4, height-bottom+12
		rot := -35
		if len(bars) > 12 {
			rot = 0
			lx = x0 + bw
		}
		anchor := "end"
		if rot == 0 {
			anchor = "middle"
		}
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="%s" transform="rotate(%d %.1f %d)"><title>%s</title>%s</text>`+"\n",
			lx, ly, anchor, rot, lx, ly, html.EscapeString(b.Label), html.EscapeString(string(label)))
	}
	fmt.Fprintf(w, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#8a93a3"/>`+"\n</svg>\n", left, width-10, y(0), y(0))
}

// niceStep rounds x up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// shareText writes a share as a percentage with the digits the step needs.
func shareText(v, step float64) string {
	d := 0
	for s := 100 * step; s < 1 && d < 4; s *= 10 {
		d++
	}
	if d == 0 && math.Abs(100*step-math.Round(100*step)) > 1e-9 {
		d = 1
	}
	return fmt.Sprintf("%.*f%%", d, 100*v)
}
