package engine

import (
	"fmt"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/internal/stats"
	"github.com/scenhq/scen/stdlib"
)

// Seed 002's profiles.
var (
	recipeHourly = []float64{0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
		1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35}
	recipeWeekly = []float64{0.8, 0.9, 0.95, 1.0, 1.1, 1.3, 1.2}
)

func testArrivals(perDay float64) *arrivalPlan {
	p := &profileSet{hourly: normalized(recipeHourly), weekly: normalized(recipeWeekly)}
	p.build()
	a := &arrivalPlan{prof: p}
	a.setRate(konst(stdlib.FloatV(perDay), hclRange()))
	return a
}

// expectedBins integrates the intensity hour by hour over [start, end):
// every UTC hour maps to one local (weekday, hour) because the zones used
// here shift by whole hours.
func expectedBins(p *profileSet, tf *stdlib.TimeFormatter, start, end int64) []float64 {
	exp := make([]float64, 7*24)
	for t := start; t < end; t += 3600000 {
		_, _, _, h, _, wd := tf.Civil(t)
		exp[wd*24+h] += p.factor(tf, t)
	}
	return exp
}

// TestArrivalsFollowProfiles draws 1 M arrivals under seed 002's hourly and
// weekly weights and compares the (weekday, hour) histogram with the exact
// expectation: in Asia/Seoul, and in Europe/Berlin across both DST changes.
func TestArrivalsFollowProfiles(t *testing.T) {
	for _, tc := range []struct {
		zone       string
		start, end string
		actors     int // the arrivals are split over this many actors (rate per actor falls)
	}{
		{"Asia/Seoul", "2025-06-01T00:00:00", "2025-09-01T00:00:00", 1},
		{"Europe/Berlin", "2025-03-01T00:00:00", "2025-11-01T00:00:00", 1},
		{"Europe/Berlin", "2025-03-01T00:00:00", "2025-11-01T00:00:00", 2000}, // rare: thinning
	} {
		t.Run(fmt.Sprintf("%s/%d-actors", tc.zone, tc.actors), func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Skip(err)
			}
			tf := stdlib.NewTimeFormatter(loc)
			start, _ := stdlib.ParseTime(tc.start, loc)
			end, _ := stdlib.ParseTime(tc.end, loc)
			days := float64(end-start) / 86400000
			ap := testArrivals(1_000_000 / days / float64(tc.actors))
			obs := make([]int64, 7*24)
			n := 0
			for actor := 0; actor < tc.actors; actor++ {
				rng := stdlib.NewRand(uint64(2025 + actor))
				env := &Env{tf: tf}
				env.R = &rng
				for at := ap.next(env, start-1, end); at < end; at = ap.next(env, at, end) {
					_, _, _, h, _, wd := tf.Civil(at)
					obs[wd*24+h]++
					n++
					if tc.zone == "Europe/Berlin" {
						lt := time.UnixMilli(at).In(loc)
						if lt.Month() == 3 && lt.Day() == 30 && lt.Hour() == 2 {
							t.Fatalf("arrival at %v, a local time that does not exist", lt)
						}
					}
				}
			}
			if n < 990_000 || n > 1_010_000 {
				t.Fatalf("%d arrivals, want about 1 M", n)
			}
			exp := expectedBins(ap.prof, tf, start, end)
			stat, df, p := stats.ChiSquareGOF(obs, exp)
			if p < 1e-3 {
				t.Fatalf("chi-square %.1f (df %d) p=%.2g: arrivals do not follow the profiles", stat, df, p)
			}
			// Power: the flat hourly profile must be rejected.
			flat := make([]float64, len(exp))
			for i := range flat {
				flat[i] = recipeWeekly[i/24]
			}
			if _, _, p := stats.ChiSquareGOF(obs, flat); p > 1e-9 {
				t.Fatalf("the test cannot tell a flat hourly profile (p=%.2g)", p)
			}
		})
	}
}

func BenchmarkArrival(b *testing.B) {
	loc, _ := time.LoadLocation("Asia/Seoul")
	tf := stdlib.NewTimeFormatter(loc)
	for _, perDay := range []float64{50, 2} { // the hour-by-hour walk's regime, thinning's
		b.Run(fmt.Sprintf("%g-a-day", perDay), func(b *testing.B) {
			ap := testArrivals(perDay)
			rng := stdlib.NewRand(1)
			env := &Env{tf: tf}
			env.R = &rng
			at := int64(1748736000000)
			end := int64(1 << 62)
			for i := 0; i < b.N; i++ {
				at = ap.next(env, at, end)
			}
		})
	}
}

func hclRange() hcl.Range { return hcl.Range{Filename: "<test>"} }

// TestArrivalRateKeptPerActor: a rate that depends only on the actor is
// computed once per runner; one that draws (or could change between
// sessions) is evaluated at every arrival.
func TestArrivalRateKeptPerActor(t *testing.T) {
	src := `
scenario "r" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 3
  attributes {
    rate = 10 + index
  }
}
flow "konst" {
  actor = entity.user
  session { arrivals = arrivals(5) }
  initial = "a"
  state "a" {}
}
flow "actor" {
  actor = entity.user
  session { arrivals = arrivals(user.rate * 2) }
  initial = "a"
  state "a" {}
}
flow "random" {
  actor = entity.user
  session { arrivals = arrivals(uniform(1, 5)) }
  initial = "a"
  state "a" {}
}
`
	sc, diags := dsl.ParseSource("r.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := map[string]bool{"konst": true, "actor": true, "random": false}
	for _, fp := range p.Flows {
		if got := fp.arrivals.perActor; got != want[fp.Name] {
			t.Errorf("flow %s: perActor = %v, want %v", fp.Name, got, want[fp.Name])
		}
	}
}
