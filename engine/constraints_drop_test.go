package engine_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// dropCase is a flow under quiet hours or a daily maximum, run with and
// without the constraint at the same seed.
type dropCase struct {
	name       string
	zone       string
	start, end string // local dates
	actors     int
	rate       float64   // arrivals per day; 0: the every flow below
	hourly     []float64 // the arrival process's hourly profile, nil: flat
	quiet      [2]int    // local minutes of day [from, to), when maxPerDay is 0
	maxPerDay  int
}

func (tc dropCase) source(constrained bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `
scenario "d" {
  seed     = 11
  timezone = %q
  start    = %q
  end      = %q
}
entity "u" {
  count = %d
  attributes { id = "u${index}" }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`, tc.zone, tc.start, tc.end, tc.actors)
	session := `count = 100
    every = "30m"`
	if tc.rate > 0 {
		prof := ""
		if tc.hourly != nil {
			var ws []string
			for _, w := range tc.hourly {
				ws = append(ws, fmt.Sprint(w))
			}
			fmt.Fprintf(&b, "distribution \"h\" { hourly = [%s] }\n", strings.Join(ws, ", "))
			prof = ", [distribution.h]"
		}
		session = fmt.Sprintf("arrivals = arrivals(%g%s)", tc.rate, prof)
	}
	fmt.Fprintf(&b, `
flow "a" {
  actor = entity.u
  session {
    %s
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "e" {
      u = u.id
      t = event.time
    }
  }
}
`, session)
	if constrained {
		b.WriteString("constraint \"c\" {\n  flows = [flow.a]\n")
		if tc.maxPerDay > 0 {
			fmt.Fprintf(&b, "  max_per_day = %d\n", tc.maxPerDay)
		} else {
			fmt.Fprintf(&b, "  quiet_hours = [%q, %q]\n", hhmmT(tc.quiet[0]), hhmmT(tc.quiet[1]))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func hhmmT(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// inQuiet: local time lt is in the quiet span.
func (tc dropCase) inQuiet(lt time.Time) bool {
	if tc.maxPerDay > 0 {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	if tc.quiet[0] > tc.quiet[1] {
		return m >= tc.quiet[0] || m < tc.quiet[1]
	}
	return m >= tc.quiet[0] && m < tc.quiet[1]
}

// factor is the arrival profile's multiplier in local hour h.
func (tc dropCase) factor(h int) float64 {
	if tc.hourly == nil {
		return 1
	}
	sum := 0.0
	for _, w := range tc.hourly {
		sum += w
	}
	return tc.hourly[h] * 24 / sum
}

type dropEvent struct {
	u  string
	at time.Time // local
}

func dropEvents(t *testing.T, src string, loc *time.Location) []dropEvent {
	t.Helper()
	var out []dropEvent
	for _, r := range runSource(t, src, 2) {
		ts, err := time.Parse(time.RFC3339Nano, r["t"].(string))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, dropEvent{u: r["u"].(string), at: ts.In(loc)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// TestConstraintDropsArrivals: under quiet hours or max_per_day, the
// arrivals of an arrivals(…) flow that fall in the span (or after the
// day's limit) are dropped, not replayed when the span ends; the process
// goes on from the span's end with its own profile. A Poisson process
// restarted at the span's end is, from there, the same process (its
// increments are independent), so the constrained run is, in law, the
// unconstrained run with the events in the span (beyond the day's first
// max_per_day) removed. At the same seed the two share their draws only
// up to an actor's first drop, so they are compared in law:
//
//   - no event in the span, none above the limit;
//   - no burst: the events in the first second after each span end are a
//     Poisson count with mean actors × rate × profile × 1 s (upper tail);
//   - the hourly histogram equals the unconstrained run's restricted to
//     what the rule lets through (chi-square test of homogeneity; the
//     runs share draws, which only makes them more alike);
//   - the number of events: the restricted unconstrained count has mean
//     and variance known exactly (Poisson over the allowed time; per
//     actor-day min(Poisson, max_per_day)); each run is within z·σ of the
//     mean and the two are within z·σ·√2 of each other.
//
// A flow driven by count/every keeps its schedule: sessions every 30 m,
// the one at 22:00 dropped (it counts as one of the 100), the next at
// 07:00, so each actor gets 30+30+30 events on the first three days (32,
// 31 and 31 sessions) and 6 more from 07:00 on the fourth: 96.
func TestConstraintDropsArrivals(t *testing.T) {
	const alpha = 1e-3
	z := stats.NormalQuantile(1 - alpha/2)
	cases := []dropCase{
		{name: "quiet hours, arrivals, Berlin spring forward", zone: "Europe/Berlin", start: "2025-03-25", end: "2025-04-05",
			actors: 200, rate: 10, quiet: [2]int{22 * 60, 7 * 60}},
		{name: "quiet hours, arrivals with hourly profile, New York spring forward", zone: "America/New_York", start: "2025-03-04", end: "2025-03-14",
			actors: 200, rate: 12, quiet: [2]int{23*60 + 30, 6*60 + 15},
			hourly: []float64{1, 1, 1, 1, 1, 1, 3, 4, 4, 3, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 2, 2, 1, 1}},
		{name: "quiet hours not wrapping midnight, arrivals, UTC", zone: "UTC", start: "2025-01-01", end: "2025-01-11",
			actors: 200, rate: 20, quiet: [2]int{12 * 60, 14 * 60}},
		{name: "max_per_day, arrivals, Berlin spring forward", zone: "Europe/Berlin", start: "2025-03-25", end: "2025-04-05",
			actors: 200, rate: 10, maxPerDay: 3},
		{name: "max_per_day, arrivals, New York fall back", zone: "America/New_York", start: "2025-10-28", end: "2025-11-07",
			actors: 200, rate: 4, maxPerDay: 3},
		{name: "quiet hours, count and every", zone: "Europe/Berlin", start: "2025-03-25", end: "2025-04-05",
			actors: 3, quiet: [2]int{22 * 60, 7 * 60}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			got := dropEvents(t, tc.source(true), loc)
			// (a) Nothing in the span, nothing above the limit.
			perDay := map[string]int{}
			for _, ev := range got {
				if tc.inQuiet(ev.at) {
					t.Fatalf("%s: event at %s, in the quiet hours", ev.u, ev.at)
				}
				if k := ev.u + ev.at.Format("2006-01-02"); tc.maxPerDay > 0 {
					if perDay[k]++; perDay[k] > tc.maxPerDay {
						t.Fatalf("%s: %d events on %s", ev.u, perDay[k], ev.at.Format("2006-01-02"))
					}
				}
			}
			// The span ends (the end of the quiet hours, local
			// midnights) inside the window.
			first, _ := time.ParseInLocation("2006-01-02", tc.start, loc)
			last, _ := time.ParseInLocation("2006-01-02", tc.end, loc)
			var ends []time.Time
			for d := first; d.Before(last); d = d.AddDate(0, 0, 1) {
				if tc.maxPerDay > 0 {
					if d.After(first) {
						ends = append(ends, d)
					}
					continue
				}
				ends = append(ends, time.Date(d.Year(), d.Month(), d.Day(), tc.quiet[1]/60, tc.quiet[1]%60, 0, 0, loc))
			}
			inFirstSecond := func(evs []dropEvent) (n int) {
				for _, ev := range evs {
					i := sort.Search(len(ends), func(i int) bool { return ends[i].After(ev.at) })
					if i > 0 && ev.at.Sub(ends[i-1]) < time.Second {
						n++
					}
				}
				return n
			}
			if tc.rate == 0 {
				// count/every: the schedule resumes at the span's end,
				// one event per actor there, 96 per actor in all.
				n := map[string]int{}
				for _, ev := range got {
					n[ev.u]++
				}
				for u, k := range n {
					if k != 96 {
						t.Errorf("%s: %d events, want 96", u, k)
					}
				}
				if len(n) != tc.actors {
					t.Errorf("%d actors with events, want %d", len(n), tc.actors)
				}
				if k, want := inFirstSecond(got), 4*tc.actors; k != want {
					t.Errorf("%d events in the first second after the quiet hours, want %d (one per actor on each of the four mornings)", k, want)
				}
				return
			}
			// Expected counts over the window, by minute (offsets here are
			// whole hours, so local minutes are UTC minutes).
			perMinute := tc.rate / 1440
			lambda := 0.0           // quiet hours: mean count outside the span
			var dayLambda []float64 // max_per_day: arrivals' mean per local day
			for m := first; m.Before(last); m = m.Add(time.Minute) {
				mu := perMinute * tc.factor(m.Hour()) * float64(tc.actors)
				if !tc.inQuiet(m) {
					lambda += mu
				}
				if m.Hour() == 0 && m.Minute() == 0 {
					dayLambda = append(dayLambda, 0)
				}
				dayLambda[len(dayLambda)-1] += mu / float64(tc.actors)
			}
			mean, variance := lambda, lambda
			if tc.maxPerDay > 0 {
				mean, variance = 0, 0
				for _, l := range dayLambda {
					m, v := truncatedPoisson(l, tc.maxPerDay)
					mean += m * float64(tc.actors)
					variance += v * float64(tc.actors)
				}
			}
			// (b) No burst after the span.
			mu := 0.0
			for _, e := range ends {
				mu += tc.rate / 86400 * tc.factor(e.Hour()) * float64(tc.actors)
			}
			if k := inFirstSecond(got); k > 0 {
				if p := 1 - stats.RegIncGammaQ(float64(k), mu); p < alpha {
					t.Errorf("%d events in the first second after the span (%d spans), expected %.3g: P(X ≥ %d) = %.2g", k, len(ends), mu, k, p)
				}
			}
			// The unconstrained run, restricted to what the rule lets
			// through.
			var want []dropEvent
			n := map[string]int{}
			for _, ev := range dropEvents(t, tc.source(false), loc) {
				if tc.inQuiet(ev.at) {
					continue
				}
				if k := ev.u + ev.at.Format("2006-01-02"); tc.maxPerDay > 0 {
					if n[k]++; n[k] > tc.maxPerDay {
						continue
					}
				}
				want = append(want, ev)
			}
			// (b) The hourly histograms agree.
			var hg, hw [24]int64
			for _, ev := range got {
				hg[ev.at.Hour()]++
			}
			for _, ev := range want {
				hw[ev.at.Hour()]++
			}
			if stat, df, p := homogeneity(hg[:], hw[:]); p < alpha {
				t.Errorf("hourly histograms differ: chi-square %.1f (df %d), p = %.2g\nconstrained   %v\nunconstrained %v", stat, df, p, hg, hw)
			}
			// (c) The number of events.
			sd := math.Sqrt(variance)
			for _, c := range []struct {
				what string
				n    int
			}{{"constrained", len(got)}, {"unconstrained, restricted", len(want)}} {
				if d := math.Abs(float64(c.n) - mean); d > z*sd {
					t.Errorf("%s run: %d events, expected %.1f ± %.1f (z = %.2f)", c.what, c.n, mean, sd, d/sd)
				}
			}
			if d := math.Abs(float64(len(got) - len(want))); d > z*sd*math.Sqrt2 {
				t.Errorf("%d events against %d without the constraint (outside the span): the difference is above %.1f", len(got), len(want), z*sd*math.Sqrt2)
			}
		})
	}
}

// truncatedPoisson returns the mean and variance of min(X, k) for X
// Poisson with mean l.
func truncatedPoisson(l float64, k int) (mean, variance float64) {
	p := math.Exp(-l)
	below := 0.0
	m2 := 0.0
	for i := 0; i < k; i++ {
		mean += float64(i) * p
		m2 += float64(i*i) * p
		below += p
		p *= l / float64(i+1)
	}
	mean += float64(k) * (1 - below)
	m2 += float64(k*k) * (1 - below)
	return mean, m2 - mean*mean
}

// homogeneity is the chi-square test that two histograms over the same
// bins come from one distribution (bins empty in both are left out).
func homogeneity(a, b []int64) (stat float64, df int, p float64) {
	var na, nb int64
	for i := range a {
		na += a[i]
		nb += b[i]
	}
	n := float64(na + nb)
	for i := range a {
		col := float64(a[i] + b[i])
		if col == 0 {
			continue
		}
		df++
		for _, c := range []struct {
			obs int64
			row int64
		}{{a[i], na}, {b[i], nb}} {
			e := col * float64(c.row) / n
			stat += (float64(c.obs) - e) * (float64(c.obs) - e) / e
		}
	}
	df--
	return stat, df, stats.ChiSquareSF(stat, df)
}

// TestConstraintSpanEndsAcrossDST: a flow every 10 minutes under quiet
// hours (or max_per_day) resumes exactly when the span ends on the local
// clock (07:00 or 06:15; local midnight), on the days the clocks spring
// forward or fall back too, in Berlin and New York: the end of the span is
// a local wall time, not a fixed wait (which came an hour late on
// spring-forward days).
func TestConstraintSpanEndsAcrossDST(t *testing.T) {
	cases := []struct {
		zone, start, end string
		rule             string
		resume           [2]int // local hour and minute of the first event of a day
	}{
		{"Europe/Berlin", "2025-03-28", "2025-04-02", `quiet_hours = ["22:00", "07:00"]`, [2]int{7, 0}},
		{"Europe/Berlin", "2025-10-24", "2025-10-29", `quiet_hours = ["22:00", "07:00"]`, [2]int{7, 0}},
		{"Europe/Berlin", "2025-03-28", "2025-04-02", `max_per_day = 3`, [2]int{0, 0}},
		{"Europe/Berlin", "2025-10-24", "2025-10-29", `max_per_day = 3`, [2]int{0, 0}},
		{"America/New_York", "2025-03-07", "2025-03-12", `quiet_hours = ["23:30", "06:15"]`, [2]int{6, 15}},
		{"America/New_York", "2025-10-31", "2025-11-05", `quiet_hours = ["23:30", "06:15"]`, [2]int{6, 15}},
		{"America/New_York", "2025-03-07", "2025-03-12", `max_per_day = 3`, [2]int{0, 0}},
		{"America/New_York", "2025-10-31", "2025-11-05", `max_per_day = 3`, [2]int{0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.zone+" "+tc.start+" "+tc.rule, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			src := fmt.Sprintf(`
scenario "d" {
  timezone = %q
  start    = %q
  end      = %q
}
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
flow "a" {
  actor = entity.u
  session {
    every      = "10m"
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "e" {
      u = u.id
      t = event.time
    }
  }
}
constraint "c" {
  flows = [flow.a]
  %s
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`, tc.zone, tc.start, tc.end, tc.rule)
			firstOfDay := map[string]time.Time{}
			for _, ev := range dropEvents(t, src, loc) {
				k := ev.u + " " + ev.at.Format("2006-01-02")
				if _, ok := firstOfDay[k]; !ok {
					firstOfDay[k] = ev.at
				}
			}
			first, _ := time.ParseInLocation("2006-01-02", tc.start, loc)
			last, _ := time.ParseInLocation("2006-01-02", tc.end, loc)
			for d := first; d.Before(last); d = d.AddDate(0, 0, 1) {
				want := time.Date(d.Year(), d.Month(), d.Day(), tc.resume[0], tc.resume[1], 0, 0, loc)
				for _, u := range []string{"u0", "u1"} {
					got, ok := firstOfDay[u+" "+d.Format("2006-01-02")]
					if !ok || !got.Equal(want) {
						t.Errorf("%s: first event of %s at %s, want %s", u, d.Format("2006-01-02"), got.Format(time.RFC3339Nano), want.Format(time.RFC3339))
					}
				}
			}
		})
	}
}
