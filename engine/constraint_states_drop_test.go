package engine_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestStateConstraintDropKeepsOtherSessions: a max_per_day or quiet_hours
// over listed states drops those states' events only. The session that
// reached one ends there, but the flow's next sessions come as planned:
// the other states are not limited (they waited for the next local
// midnight, or the end of the quiet hours, and the flow lost 40 % of its
// sessions). Sessions arrive at 6 a day for 200 actors over 31 days, so
// the browse events (one per session) are Poisson with mean 37 200.
func TestStateConstraintDropKeepsOtherSessions(t *testing.T) {
	for _, rule := range []string{"max_per_day = 1", `quiet_hours = ["00:00", "23:00"]`} {
		t.Run(rule, func(t *testing.T) {
			src := `scenario "a" {
  seed  = 5
  start = "2025-01-01T00:00:00"
  end   = "2025-02-01T00:00:00"
}
entity "user" {
  count = 200
  attributes { id = "u${index}" }
}
flow "shop" {
  actor = entity.user
  session { arrivals = arrivals(6) }
  gap     = "1m"
  initial = "browse"
  state "browse" {
    emit "ev" { what = state.name }
    next = { buy = 0.5, end = 0.5 }
  }
  state "buy" {
    emit "ev" { what = state.name }
    next = { end = 1 }
  }
}
constraint "buys" {
  flows  = [flow.shop]
  states = ["buy"]
  ` + rule + `
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			path := filepath.Join(t.TempDir(), "a.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			dir := runTo(t, path, 5, nil, engine.RunOptions{Workers: 2})
			body := string(readFile(t, filepath.Join(dir, "ev.jsonl")))
			browse, buy := strings.Count(body, `"browse"`), strings.Count(body, `"buy"`)
			const mean = 200 * 31 * 6
			z := (float64(browse) - mean) / math.Sqrt(mean)
			t.Logf("%d browse events (mean %d, z = %.2f), %d buys", browse, mean, z, buy)
			if math.Abs(z) > 4 {
				t.Errorf("%d browse events, want about %d (z = %.2f): sessions were held back by a constraint over another state", browse, mean, z)
			}
			if buy == 0 || buy > 200*31 && strings.HasPrefix(rule, "max") {
				t.Errorf("%d buys", buy)
			}
		})
	}
}
