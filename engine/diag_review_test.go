package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// reviewBase is cascadeBase with profiles and a sink for its stream, so
// that a valid scenario has no diagnostic at all.
const reviewBase = cascadeBase + `
distribution "h" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
distribution "w" {
  weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 2, sun = 2 }
}
sink "out" {
  type   = "stdout"
  stream = "e"
}
`

// reviewDiag is one diagnostic of a case: its severity, summary and
// where it starts.
type reviewDiag struct {
	sev     string // "error" or "warning"
	summary string
	at      string // line:column, or "" for anywhere
	detail  string // in its detail
}

// checkReviewDiags compiles reviewBase with old replaced by new and wants
// exactly the diagnostics want, in order.
func checkReviewDiags(t *testing.T, old, new string, opts engine.Options, want ...reviewDiag) hcl.Diagnostics {
	t.Helper()
	if !strings.Contains(reviewBase, old) {
		t.Fatalf("base has no %q", old)
	}
	src := strings.Replace(reviewBase, old, new, 1)
	sc, diags := dsl.ParseSource("t.hcl", []byte(src))
	if !diags.HasErrors() {
		_, diags = engine.Compile(sc, opts)
	}
	show := func() string {
		var b strings.Builder
		for _, d := range diags {
			fmt.Fprintf(&b, "\n  %v %s: %s (at %v)", d.Severity, d.Summary, d.Detail, d.Subject)
		}
		return b.String()
	}
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:%s", len(diags), len(want), show())
	}
	for i, w := range want {
		d := diags[i]
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		if sev != w.sev || d.Summary != w.summary || !strings.Contains(d.Detail, w.detail) {
			t.Errorf("diagnostic %d: want %s %q with %q:%s", i, w.sev, w.summary, w.detail, show())
		}
		if w.at != "" {
			if got := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); got != w.at {
				t.Errorf("diagnostic %d at %s, want %s", i, got, w.at)
			}
		}
	}
	return diags
}

// TestNoFollowOnDiagnostics: once a reference fails to resolve, what
// depends on it is not reported again (review #12).
func TestNoFollowOnDiagnostics(t *testing.T) {
	t.Run("valid base", func(t *testing.T) {
		checkReviewDiags(t, "", "", engine.Options{})
	})
	t.Run("an unknown actor entity: no stream without sink, no unknown stream", func(t *testing.T) {
		checkReviewDiags(t, "actor = entity.user", "actor = entity.users", engine.Options{},
			reviewDiag{"error", "Unknown entity", "21:17", `There is no entity "users". Did you mean "user"?`})
	})
	t.Run("a sink of a stream no flow emits is still unknown", func(t *testing.T) {
		checkReviewDiags(t, `stream = "e"`, `stream = "ev"`, engine.Options{},
			reviewDiag{"warning", "Stream has no sink", "", `Records emitted to "e"`},
			reviewDiag{"error", "Unknown stream", "", `No state emits to a stream named "ev". Did you mean "e"?`})
	})
	t.Run("next with an unknown state: no weights warning", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { c = 0.5, end = 0.5 }", engine.Options{},
			reviewDiag{"error", "Unknown state", "31:14", `The flow has no state "c"`})
	})
	t.Run("next with an unknown state: no zero-sum error", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { c = 1, end = 0 }", engine.Options{},
			reviewDiag{"error", "Unknown state", "31:14", `The flow has no state "c"`})
	})
	t.Run("next weights below 1 still warn", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { a = 0.2, end = 0.3 }", engine.Options{},
			reviewDiag{"warning", "Weights do not sum to 1", "31:12", "sum to 0.5"})
	})
	t.Run("arrivals with the profiles first", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals([distribution.h], var.rate, [distribution.h, distribution.w])", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:33",
				"arrivals(rate_per_day, [profiles…], active_days). Here: arrivals(var.rate, [distribution.h, distribution.w])."})
	})
	t.Run("arrivals of a profile alone", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals(distribution.w)", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:33", "Here: arrivals(rate_per_day, [distribution.w])."})
	})
	t.Run("arrivals with active_days before the profiles", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals(var.rate, 0.5, distribution.h)", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:48", "Here: arrivals(var.rate, [distribution.h], 0.5)."})
	})
	t.Run("a profile drawn as a value", func(t *testing.T) {
		checkReviewDiags(t, `emit "e" { id = user.id }`, `emit "e" { id = distribution.h }`, engine.Options{},
			reviewDiag{"error", "Not a sampler", "", "distribution.h is an hourly profile;"})
	})
}
