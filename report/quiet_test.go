package report

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// quietScenario is a flow whose sessions follow an hourly profile, under a
// constraint with the given quiet hours ("" for no constraint).
func quietScenario(quiet string) string {
	cons := ""
	if quiet != "" {
		cons = fmt.Sprintf("constraint \"night\" {\n  flows = [flow.visit]\n  quiet_hours = %s\n}\n", quiet)
	}
	return `
scenario "q" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-03-01"
  end      = "2025-03-15"
}
distribution "hourly" {
  hourly = [0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2]
}
entity "user" {
  count = 400
  attributes { user_id = "u${index}" }
}
flow "visit" {
  actor = entity.user
  session {
    arrivals   = arrivals(6, [distribution.hourly])
    max_events = 3
  }
  gap     = "1m"
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      session = session.id
      ts      = event.time
    }
    next = { view = 1 }
  }
}
` + cons + `
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportArrivalsOutsideQuietHours: sessions never start in a
// constraint's quiet hours (their arrivals are dropped), so the hour of
// day check expects none there, and a run that keeps them passes.
func TestReportArrivalsOutsideQuietHours(t *testing.T) {
	hourly := []float64{0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2}
	for _, tc := range []struct {
		name  string
		quiet string
		// the quiet fraction of each local hour
		frac func(h int) float64
	}{
		{"none", "", func(int) float64 { return 0 }},
		{"whole hours", `["02:00", "04:00"]`, func(h int) float64 {
			if h == 2 || h == 3 {
				return 1
			}
			return 0
		}},
		{"wrapping, part hours", `["22:30", "06:15"]`, func(h int) float64 {
			switch {
			case h == 22:
				return 0.5
			case h == 23 || h < 6:
				return 1
			case h == 6:
				return 0.25
			}
			return 0
		}},
		{"inside one hour", `["12:10", "12:40"]`, func(h int) float64 {
			if h == 12 {
				return 0.5
			}
			return 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("q.hcl", []byte(quietScenario(tc.quiet)))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			spec := plan.Introspect()
			// Expected shares, independently: the window holds whole local
			// days of equal length, so an hour's share is its weight times
			// the part of it outside the quiet hours.
			var want [24]float64
			sum := 0.0
			for h := range want {
				want[h] = hourly[h] * (1 - tc.frac(h))
				sum += want[h]
			}
			for h := range want {
				if got := spec.Flows[0].Arrivals.Hour[h]; math.Abs(got-want[h]/sum) > 1e-9 {
					t.Errorf("hour %02d: expected share %.6f, want %.6f", h, got, want[h]/sum)
				}
			}
			dir := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			r := buildReport(t, plan, spec, dir+"/events.jsonl")
			for _, kind := range []Kind{HourOfDay, Weekday} {
				if c := findCheck(t, r, kind, "session starts of flow visit"); !c.Pass || c.N < 10000 {
					t.Errorf("%s: pass %v, n %d: %s", kind, c.Pass, c.N, c.Detail)
				}
			}
			if tc.quiet == "" {
				return
			}
			// Checked against the profile alone, the same records fail: the
			// check can tell.
			bare := plan.Introspect()
			plain, _ := engine.Compile(mustParse(t, quietScenario("")), engine.Options{})
			bare.Flows[0].Arrivals = plain.Introspect().Flows[0].Arrivals
			if c := findCheck(t, buildReport(t, plan, bare, dir+"/events.jsonl"), HourOfDay, "session starts of flow visit"); c.Pass {
				t.Errorf("against the profile without quiet hours: passes (%s)", c.Detail)
			}
		})
	}
}

func mustParse(t *testing.T, src string) *dsl.Scenario {
	t.Helper()
	sc, diags := dsl.ParseSource("q.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return sc
}
