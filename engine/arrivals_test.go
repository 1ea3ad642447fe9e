package engine

import (
	"fmt"
	"math"
	"slices"
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

// TestArrivalCounts: the number of arrivals is Poisson with mean the
// integrated intensity, from rare actors (thinning) to a single actor
// arriving a thousand times a second at its peak (where the millisecond
// clock once inflated the rate: by 5 % at 100 a second, 70 % at 1 000).
// The total is z-tested against the integral (|z| < 3.89, p > 1e-4) and
// must reject an integral 2 % higher.
func TestArrivalCounts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		perDay   float64
		profiles bool // seed 002's hourly and weekly profiles, or flat
		actors   int
		hours    int64
	}{
		{"rare, thinning, profiles", 2, true, 2000, 100 * 24},
		{"20 a day, hour-by-hour inversion", 20, false, 200, 100 * 24},
		{"1 a second, profiles", 86400, true, 1, 120},
		{"100 a second, flat", 8.64e6, false, 1, 1},
		{"100 a second, profiles", 8.64e6, true, 1, 2},
		{"1000 a second at most, profiles", 2.5e7, true, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := time.LoadLocation("Asia/Seoul")
			if err != nil {
				t.Skip(err)
			}
			tf := stdlib.NewTimeFormatter(loc)
			start, _ := stdlib.ParseTime("2025-06-02T06:00:00", loc) // a Monday, before the morning rise
			end := start + tc.hours*3600000
			p := &profileSet{}
			if tc.profiles {
				p.hourly, p.weekly = normalized(recipeHourly), normalized(recipeWeekly)
			}
			p.build()
			ap := &arrivalPlan{prof: p}
			ap.setRate(konst(stdlib.FloatV(tc.perDay), hclRange()))
			n := 0
			for actor := 0; actor < tc.actors; actor++ {
				rng := stdlib.NewRand(stdlib.Mix(2025, uint64(actor)))
				env := &Env{tf: tf}
				env.R = &rng
				last := int64(math.MinInt64)
				for at := ap.next(env, start-1, end); at < end; at = ap.next(env, at, end) {
					if at < start || at < last {
						t.Fatalf("arrival at %d: before the start %d or the previous arrival %d", at, start, last)
					}
					last = at
					n++
				}
			}
			mean := 0.0 // the integrated intensity, hour by hour
			for h := start; h < end; h += 3600000 {
				mean += tc.perDay / 24 * p.factor(tf, h) * float64(tc.actors)
			}
			if mean < 50_000 {
				t.Fatalf("expected count %.0f: too few for the power check", mean)
			}
			z := (float64(n) - mean) / math.Sqrt(mean)
			if math.Abs(z) > 3.89 {
				t.Errorf("%d arrivals, integrated intensity %.0f: z = %.2f", n, mean, z)
			}
			if zw := (float64(n) - 1.02*mean) / math.Sqrt(1.02*mean); math.Abs(zw) < 4.89 {
				t.Errorf("the test cannot tell a rate 2 %% higher apart: z = %.2f", zw)
			}
			t.Logf("%d arrivals, expected %.0f, z = %.2f", n, mean, z)
		})
	}
}

// TestThinningSkipsIdleDays: with rare arrivals (thinning) and a small
// share of active days, the candidates restart at the end of an idle day
// instead of being drawn through it, so the random draws an arrival costs
// do not grow as 1/share (they did: about 20 times more at 5 %). The
// draws are counted by stepping a copy of the stream to where the process
// left it.
func TestThinningSkipsIdleDays(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Seoul")
	start, _ := stdlib.ParseTime("2025-01-01T00:00:00", loc)
	end, _ := stdlib.ParseTime("2026-01-01T00:00:00", loc)
	perArrival := map[float64]float64{}
	for _, share := range []float64{1, 0.05} {
		ap := testArrivals(2) // under one an hour: thinning
		tf := stdlib.NewTimeFormatter(loc)
		arrivals, draws := 0, 0
		for actor := uint64(0); actor < 200; actor++ {
			rng := stdlib.NewRand(7 + actor)
			before := rng
			env := &Env{tf: tf}
			env.R = &rng
			act := activity{p: share, key: actor}
			perMs := ap.constPerMs
			for at := ap.thin(env, env.tf, perMs, &act, start-1, end); at < end; at = ap.thin(env, env.tf, perMs, &act, at, end) {
				if !act.active(localDay(at + tf.Offset(at)*1000)) {
					t.Fatalf("share %v: an arrival on an idle day", share)
				}
				arrivals++
			}
			for n := 0; before != rng; n++ {
				if n > 1<<24 {
					t.Fatal("lost the stream")
				}
				before.Uint64()
				draws++
			}
		}
		perArrival[share] = float64(draws) / float64(arrivals)
	}
	if perArrival[0.05] > 1.5*perArrival[1] {
		t.Errorf("%.1f draws per arrival at 5 %% of days active, %.1f with every day active", perArrival[0.05], perArrival[1])
	}
}

// TestResolveDates: the keys of one dates profile apply once per day:
// where they overlap, the narrowest range wins, and of ranges as wide the
// later one; the days between them stay as they were.
func TestResolveDates(t *testing.T) {
	f := func(from, to int64, x float64) dateFactor { return dateFactor{from: from, to: to, factor: x} }
	for _, tc := range []struct {
		name     string
		in, want []dateFactor
	}{
		{"one key", []dateFactor{f(1, 3, 2)}, []dateFactor{f(1, 3, 2)}},
		{"apart", []dateFactor{f(1, 3, 2), f(5, 5, 4)}, []dateFactor{f(1, 3, 2), f(5, 5, 4)}},
		{"a day in a week", []dateFactor{f(10, 16, 1.8), f(14, 14, 4)}, []dateFactor{f(10, 13, 1.8), f(14, 14, 4), f(15, 16, 1.8)}},
		{"the day first", []dateFactor{f(14, 14, 4), f(10, 16, 1.8)}, []dateFactor{f(10, 13, 1.8), f(14, 14, 4), f(15, 16, 1.8)}},
		{"as wide: the later", []dateFactor{f(1, 2, 3), f(2, 3, 5)}, []dateFactor{f(1, 1, 3), f(2, 3, 5)}},
		{"a range's end day", []dateFactor{f(1, 2, 3), f(2, 2, 5)}, []dateFactor{f(1, 1, 3), f(2, 2, 5)}},
		{"touching, same factor", []dateFactor{f(1, 2, 3), f(3, 4, 3)}, []dateFactor{f(1, 4, 3)}},
		{"nested thrice", []dateFactor{f(0, 30, 1.2), f(10, 16, 1.8), f(14, 14, 0)}, []dateFactor{f(0, 9, 1.2), f(10, 13, 1.8), f(14, 14, 0), f(15, 16, 1.8), f(17, 30, 1.2)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveDates(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFactorLocalHourOfWeek: the hour of the week read from the hours
// since the epoch (local times from 1970 on, no monthly or date factors)
// is the one the day and the hour of the day give, for every hour of
// every weekday, before and after the epoch and at hour and day ends.
func TestFactorLocalHourOfWeek(t *testing.T) {
	p := &profileSet{hourly: make([]float64, 24), weekly: make([]float64, 7)}
	for h := range p.hourly {
		p.hourly[h] = float64(h + 1)
	}
	for d := range p.weekly {
		p.weekly[d] = float64(100 * (d + 1))
	}
	p.build()
	want := func(local int64) float64 {
		days := floorDiv(local, 86400000)
		wd := ((days % 7) + 10) % 7 // Monday = 0; 1970-01-01 was a Thursday
		return p.hourly[(local-days*86400000)/3600000] * p.weekly[wd]
	}
	// 2025-06-02 was a Monday.
	mon := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC).UnixMilli()
	if got := p.factorLocal(mon + 5*3600000); got != 6*100 {
		t.Fatalf("Monday 05:00: %v, want 600", got)
	}
	if got := p.factorLocal(mon - 1); got != 24*700 {
		t.Fatalf("Sunday 23:59:59.999: %v, want 16800", got)
	}
	for _, base := range []int64{0, mon, -mon, 4102444800000} {
		for ms := int64(-2 * 86400000); ms < 9*86400000; ms += 3600000 {
			for _, d := range []int64{-1, 0, 1, 1799999} {
				local := base + ms + d
				if got := p.factorLocal(local); got != want(local) {
					t.Fatalf("local %d: %v, want %v", local, got, want(local))
				}
			}
		}
	}
}

// TestFactorWeekOnly: factorLocal takes the week table alone only for
// profiles without monthly or date factors (build says which), and there
// it agrees with the general path; with a month or a date it is the
// general path's product.
func TestFactorWeekOnly(t *testing.T) {
	hourly := make([]float64, 24)
	for h := range hourly {
		hourly[h] = float64(h + 1)
	}
	monthly := make([]float64, 12)
	for m := range monthly {
		monthly[m] = float64(m + 2)
	}
	jun1 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	day := jun1 / 86400000
	for _, tc := range []struct {
		name     string
		p        *profileSet
		weekOnly bool
	}{
		{"hourly", &profileSet{hourly: hourly}, true},
		{"monthly", &profileSet{hourly: hourly, monthly: monthly}, false},
		{"dates", &profileSet{hourly: hourly, dates: []dateFactor{{from: day + 3, to: day + 4, factor: 7}}}, false},
	} {
		tc.p.build()
		if tc.p.weekOnly != tc.weekOnly {
			t.Fatalf("%s: weekOnly %v, want %v", tc.name, tc.p.weekOnly, tc.weekOnly)
		}
		for ms := int64(0); ms < 40*86400000; ms += 3599999 {
			local := jun1 + ms
			want := tc.p.factorDated(local)
			if got := tc.p.factorLocal(local); got != want {
				t.Fatalf("%s, local %d: %v, want %v", tc.name, local, got, want)
			}
			if d := local / 86400000; tc.name == "dates" && (d == day+3 || d == day+4) && want != 7*hourly[(local%86400000)/3600000] {
				t.Fatalf("%s, local %d: %v without the date's factor", tc.name, local, want)
			}
		}
	}
}

// TestThinWeekMatchesThin: nextAt's fast path for actors active every day
// under hourly and weekly profiles only (thinWeek, the generator held in
// registers) returns the arrivals the general thinning loop returns and
// leaves the generator where it leaves it, across zones with daylight
// saving, half-hour offsets, rates up to thinning's limit, a window's end
// and starts before thinWeekFrom.
func TestThinWeekMatchesThin(t *testing.T) {
	hourly := normalized(recipeHourly)
	weekly := normalized(recipeWeekly)
	for _, tc := range []struct {
		name           string
		zone           string
		hourly, weekly []float64
		perDay         float64
		start, end     string
	}{
		{"bank", "Europe/Moscow", hourly, weekly, 0.4, "2025-01-01T00:00:00", "2025-04-01T00:00:00"},
		{"dst", "Europe/Berlin", hourly, weekly, 2, "2025-03-01T00:00:00", "2025-11-01T00:00:00"},
		{"half-hour", "Asia/Kolkata", hourly, nil, 11.9, "2025-01-01T00:00:00", "2025-02-01T00:00:00"},
		{"chatham", "Pacific/Chatham", nil, weekly, 0.05, "2025-01-01T00:00:00", "2027-01-01T00:00:00"},
		{"flat", "America/New_York", nil, nil, 3, "2025-01-01T00:00:00", "2025-12-01T00:00:00"},
		{"short-window", "UTC", hourly, weekly, 0.2, "2025-01-01T00:00:00", "2025-01-03T00:00:00"},
		{"near-epoch", "Asia/Tokyo", hourly, weekly, 4, "1970-01-01T00:00:00", "1970-01-20T00:00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Skip(err)
			}
			p := &profileSet{hourly: tc.hourly, weekly: tc.weekly}
			p.build()
			if !p.weekOnly {
				t.Fatal("not a week-only profile")
			}
			ap := &arrivalPlan{prof: p}
			ap.setRate(konst(stdlib.FloatV(tc.perDay), hclRange()))
			perMs := ap.constPerMs
			start, _ := stdlib.ParseTime(tc.start, loc)
			end, _ := stdlib.ParseTime(tc.end, loc)
			fast, general := 0, 0
			for actor := uint64(0); actor < 50; actor++ {
				r1, r2 := stdlib.NewRand(99+actor), stdlib.NewRand(99+actor)
				e1, e2 := &Env{tf: stdlib.NewTimeFormatter(loc)}, &Env{tf: stdlib.NewTimeFormatter(loc)}
				e1.R, e2.R = &r1, &r2
				for at := start - 1; at < end; {
					if at >= thinWeekFrom {
						fast++
					} else {
						general++
					}
					got := ap.nextAt(e1, e1.tf, perMs, at, end)
					act := activity{p: 1}
					want := ap.thin(e2, e2.tf, perMs, &act, at, end)
					if got != want || r1 != r2 {
						t.Fatalf("actor %d after %d: nextAt %d, thin %d (generators equal: %v)", actor, at, got, want, r1 == r2)
					}
					at = got
				}
			}
			if tc.name != "near-epoch" && fast == 0 {
				t.Fatal("the fast path was not taken")
			}
			if tc.name == "near-epoch" && general == 0 {
				t.Fatal("no start before thinWeekFrom")
			}
		})
	}
}
