package engine_test

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// activeDaysScenario: 400 users over 181 days, half active on a quarter of
// the days and half on 80 %, two flows (a and b) with the same share and,
// in flow c, an explicit share of 1; rate is the sessions per day.
func activeDaysScenario(rate, third string) string {
	var flows strings.Builder
	for _, name := range []string{"a", "b"} {
		fmt.Fprintf(&flows, `flow %[1]q {
  actor = entity.user
  session {
    arrivals   = arrivals(%[2]s, [distribution.hod], %[3]s)
    max_events = 1
  }
  initial = "e"
  state "e" {
    emit "ev" {
      uid   = user.uid
      share = user.share
      flow  = %[1]q
      at    = event.time
    }
    next = { end = 1 }
  }
}
`, name, rate, third)
	}
	return `scenario "ad" {
  seed     = 7
  timezone = "Europe/Berlin"
  start    = "2025-01-01T00:00:00"
  end      = "2025-07-01T00:00:00"
}
distribution "hod" {
  hourly = [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 2, 1, 1]
}
entity "user" {
  count = 400
  attributes {
    uid   = "u${index}"
    share = index % 2 == 0 ? 0.25 : 0.8
  }
}
` + flows.String() + `sink "f" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
}

type adRecord struct {
	UID   string  `json:"uid"`
	Share float64 `json:"share"`
	Flow  string  `json:"flow"`
	At    string  `json:"at"`
}

func adRecords(t *testing.T, out string) []adRecord {
	t.Helper()
	var recs []adRecord
	for _, l := range strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(out, "ev.jsonl")))), "\n") {
		var r adRecord
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestActiveDays: arrivals(rate, profiles, share) makes an actor active on
// that share of its local days, independently day by day, with
// rate / share sessions a day on those days, so the mean stays rate. At 2
// sessions a day, an active day with no session has probability
// exp(-2/share): the share of user-days with a session is
// share·(1 − exp(−2/share)), tested per share with a z-test whose σ comes
// from the number of user-days; the sessions per user-day likewise, with
// the variance of a Bernoulli(share) × Poisson(rate/share) count.
func TestActiveDays(t *testing.T) {
	const rate, days, users = 2.0, 181, 400
	path := writeScenario(t, activeDaysScenario("2", "user.share"))
	recs := adRecords(t, runTo(t, path, 7, nil, engine.RunOptions{Workers: 2}))
	for _, flow := range []string{"a", "b"} {
		for _, share := range []float64{0.25, 0.8} {
			dayset := map[string]bool{}
			n := 0
			for _, r := range recs {
				if r.Flow == flow && r.Share == share {
					dayset[r.UID+" "+r.At[:10]] = true
					n++
				}
			}
			userDays := float64(users / 2 * days)
			q := share * (1 - math.Exp(-rate/share))
			got := float64(len(dayset)) / userDays
			if z := (got - q) / math.Sqrt(q*(1-q)/userDays); math.Abs(z) > 4 {
				t.Errorf("flow %s, share %v: %.4f of user-days have a session, want %.4f (z = %.1f)", flow, share, got, q, z)
			}
			mean := float64(n) / userDays
			v := rate + rate*rate*(1-share)/share
			if z := (mean - rate) / math.Sqrt(v/userDays); math.Abs(z) > 4 {
				t.Errorf("flow %s, share %v: %.3f sessions a user-day, want %v (z = %.1f)", flow, share, mean, rate, z)
			}
		}
	}
}

// TestActiveDaysShared: two flows of an actor with the same share are
// active on the same days (at 60 sessions a day, an active day without a
// session has probability e^-75 at share 0.8), and the days do not depend
// on the number of workers.
func TestActiveDaysShared(t *testing.T) {
	src := strings.NewReplacer("count = 400", "count = 40", "2025-07-01", "2025-03-01").Replace(activeDaysScenario("60", "user.share"))
	path := writeScenario(t, src)
	byWorkers := map[int]string{}
	for _, workers := range []int{1, 2} {
		recs := adRecords(t, runTo(t, path, 7, nil, engine.RunOptions{Workers: workers}))
		days := map[string]map[string]bool{"a": {}, "b": {}}
		for _, r := range recs {
			if r.Share == 0.8 {
				days[r.Flow][r.UID+" "+r.At[:10]] = true
			}
		}
		var a, b []string
		for k := range days["a"] {
			a = append(a, k)
		}
		for k := range days["b"] {
			b = append(b, k)
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("flows a and b are active on different days: %d and %d user-days", len(a), len(b))
		}
		byWorkers[workers] = strings.Join(a, ",")
	}
	if byWorkers[1] != byWorkers[2] {
		t.Error("the active days differ between 1 and 2 workers")
	}
}

// TestActiveDaysOfOne: a share of 1 is the process without active days,
// byte for byte.
func TestActiveDaysOfOne(t *testing.T) {
	with := string(readFile(t, filepath.Join(runTo(t, writeScenario(t, activeDaysScenario("3", "1")), 7, nil, engine.RunOptions{Workers: 1}), "ev.jsonl")))
	src := strings.ReplaceAll(activeDaysScenario("3", "1"), ", 1)", ")")
	without := string(readFile(t, filepath.Join(runTo(t, writeScenario(t, src), 7, nil, engine.RunOptions{Workers: 1}), "ev.jsonl")))
	if with != without {
		t.Error("arrivals(3, [profile], 1) differs from arrivals(3, [profile])")
	}
}

// TestActiveDaysErrors: a constant share outside (0, 1], one drawn at
// random or read from the session, are errors at the argument; a share
// read from an attribute is checked when the run reads it.
func TestActiveDaysErrors(t *testing.T) {
	for _, tc := range []struct{ third, want string }{
		{"0", "v.hcl:20,50-51: Invalid active_days; active_days is the share of days on which the actor is active, more than 0 and at most 1, got 0."},
		{"1.5", "v.hcl:20,50-53: Invalid active_days; active_days is the share of days on which the actor is active, more than 0 and at most 1, got 1.5."},
		{"uniform(0.2, 0.5)", "v.hcl:20,50-67: Invalid active_days; active_days must depend only on the actor"},
		{`"half"`, "v.hcl:20,50-56: Wrong type; active_days (the share of days the actor is active) must be a number, got string."},
	} {
		t.Run(tc.third, func(t *testing.T) {
			_, diags := compileDiags(t, writeScenario(t, activeDaysScenario("2", tc.third)), engine.Options{})
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Fatalf("diagnostics %v, want %q", diags, tc.want)
			}
		})
	}
	t.Run("attribute out of range", func(t *testing.T) {
		src := strings.ReplaceAll(activeDaysScenario("2", "user.share"), "0.25 : 0.8", "0.25 : 0")
		plan := compileFile(t, writeScenario(t, src), nil, nil)
		_, err := plan.Run(t.Context(), engine.RunOptions{OutDir: t.TempDir(), Workers: 1})
		if err == nil || !strings.Contains(err.Error(), "Invalid active_days") || !strings.Contains(err.Error(), "v.hcl:20:50: ") || !strings.Contains(err.Error(), "got 0 (actor user 1") {
			t.Fatalf("error %v, want the share's", err)
		}
	})
}

// TestActiveDaysMinGapCheck: a flow with active days asks for rate / share
// sessions on an active day, so min_gap's impossible-constraint check
// compares that, not the mean rate, with what fits in a day (it let a rate
// of 20 at a share of 0.25, 80 on an active day, through a min_gap of 1h).
func TestActiveDaysMinGapCheck(t *testing.T) {
	for _, tc := range []struct {
		name, rate, third, want string
	}{
		{"every day", "20", "1", ""},
		{"constant share", "20", "0.5", "ask for up to 40 events a day per user on an active day, but min_gap 1h0m0s lets at most 24"},
		{"share from an attribute", "7", "user.share", "ask for up to 28 events a day per user on an active day"},
		{"fits on active days", "5", "0.8", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := activeDaysScenario(tc.rate, tc.third) + `
constraint "c" {
  flows   = [flow.a]
  min_gap = "1h"
}
`
			_, diags := compileDiags(t, writeScenario(t, src), engine.Options{})
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatalf("diagnostics %v, want none", diags)
				}
				return
			}
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Fatalf("diagnostics %v, want %q", diags, tc.want)
			}
		})
	}
}
