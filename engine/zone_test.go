package engine_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
)

// zoneScenario: users spread over three zones (index % 3), one session of
// one event per arrival, the hourly profile hod, the window [start, end)
// in the scenario zone scenZone, and the session zone zone (no zone line
// when empty). Line 19 holds the session's zone.
func zoneScenario(scenZone, start, end, hod, zone, arrivals string, users int) string {
	zl := ""
	if zone != "" {
		zl = "zone = " + zone
	}
	return fmt.Sprintf(`scenario "z" {
  seed     = 11
  timezone = %q
  start    = %q
  end      = %q
}
distribution "hod" {
  hourly = [%s]
}
entity "user" {
  count = %d
  attributes {
    uid = "u${index}"
    tz  = ["Asia/Tokyo", "America/New_York", "Europe/Berlin"][index %% 3]
  }
}
flow "f" {
  actor = entity.user
  session {
    %s
    arrivals   = %s
    max_events = 1
  }
  initial = "e"
  state "e" {
    emit "ev" {
      uid = user.uid
      tz  = user.tz
      at  = event.time
    }
  }
}
sink "f" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`, scenZone, start, end, hod, users, zl, arrivals)
}

type zoneRec struct {
	uid, tz string
	at      time.Time
}

func zoneRecords(t *testing.T, src string, workers int) []zoneRec {
	t.Helper()
	var out []zoneRec
	for _, r := range runSource2(t, src, workers) {
		at, err := time.Parse(time.RFC3339Nano, r["at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zoneRec{uid: r["uid"].(string), tz: r["tz"].(string), at: at})
	}
	return out
}

// runSource2 is runSource for the ev.jsonl sink of zoneScenario.
func runSource2(t *testing.T, src string, workers int) []map[string]any {
	t.Helper()
	return jsonLines(t, filepath.Join(runSourceDir(t, src, workers), "ev.jsonl"))
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// expectedLocalHours integrates the (unnormalised) hourly profile over
// [start, end) hour by hour of real time, on the local clock of loc: the
// expected share of arrivals per local hour. The zones used have whole
// hour offsets, so every real hour is one local hour.
func expectedLocalHours(w []float64, loc *time.Location, start, end time.Time) []float64 {
	out := make([]float64, 24)
	total := 0.0
	for t := start; t.Before(end); t = t.Add(time.Hour) {
		h := t.In(loc).Hour()
		out[h] += w[h]
		total += w[h]
	}
	for i := range out {
		out[i] /= total
	}
	return out
}

func profileText(w []float64) string {
	s := make([]string, len(w))
	for i, x := range w {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// TestZoneHourOfDay: with zone = user.tz, the local hour (in each actor's
// own zone) of the events of the actors of each of three zones follows the
// hourly profile (chi-square goodness of fit at a fixed seed); read in the
// scenario's zone (UTC) instead, they are far from it.
func TestZoneHourOfDay(t *testing.T) {
	hod := []float64{1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 5, 4, 4, 4, 4, 5, 8, 10, 10, 8, 4, 2}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC)
	src := zoneScenario("UTC", "2025-01-01T00:00:00", "2025-01-29T00:00:00", profileText(hod), "user.tz", "arrivals(12, [distribution.hod])", 90)
	recs := zoneRecords(t, src, 2)
	for _, zone := range []string{"Asia/Tokyo", "America/New_York", "Europe/Berlin"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustZone(t, zone)
			local, utc := make([]int64, 24), make([]int64, 24)
			n := 0
			for _, r := range recs {
				if r.tz != zone {
					continue
				}
				local[r.at.In(loc).Hour()]++
				utc[r.at.UTC().Hour()]++
				n++
			}
			// 30 actors × 12 a day × 28 days: about 10 000 events.
			if n < 8000 || n > 12000 {
				t.Fatalf("%d events in %s, want about 10 080", n, zone)
			}
			exp := expectedLocalHours(hod, loc, start, end)
			stat, df, p := stats.ChiSquareGOF(local, exp)
			if p < 1e-3 {
				t.Errorf("local hours: chi2 = %.1f (df %d), p = %.2g; counts %v", stat, df, p, local)
			}
			// The same counts by UTC hour do not follow the profile: the
			// test tells zones apart (the profile peaks 3-5 hours wide).
			if _, _, p := stats.ChiSquareGOF(utc, expectedLocalHours(hod, time.UTC, start, end)); p > 1e-12 {
				t.Errorf("UTC hours follow the profile too (p = %.2g): the zone made no difference", p)
			}
		})
	}
}

// TestZoneDST: an actor in America/New_York (the scenario in UTC) gets
// exactly the arrivals the scenario zone America/New_York gives, across
// the spring-forward and fall-back days; on the spring-forward day the
// weight of 02:00 (a local hour that does not exist) is not moved to
// 03:00, and on the fall-back day 01:00 is two real hours at 01:00's
// weight.
func TestZoneDST(t *testing.T) {
	hod := make([]float64, 24)
	for i := range hod {
		hod[i] = 1
	}
	hod[1], hod[2] = 6, 12
	ny := mustZone(t, "America/New_York")
	for _, tc := range []struct {
		name       string
		start, end string
		day        time.Time // the day of the change, local
		// want: expected events per (local hour) on that day, as a
		// multiple of one hour of weight 1.
		want map[int]float64
	}{
		{"spring forward", "2025-03-08T00:00:00", "2025-03-11T00:00:00", time.Date(2025, 3, 9, 0, 0, 0, 0, ny),
			map[int]float64{1: 6, 2: 0, 3: 1}},
		{"fall back", "2025-11-01T00:00:00", "2025-11-04T00:00:00", time.Date(2025, 11, 2, 0, 0, 0, 0, ny),
			map[int]float64{1: 12, 2: 12, 3: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const users = 300
			arr := "arrivals(48, [distribution.hod])"
			// The window is in UTC for the zoned run: give it the same
			// instants as the New York one.
			ls, _ := time.ParseInLocation("2006-01-02T15:04:05", tc.start, ny)
			le, _ := time.ParseInLocation("2006-01-02T15:04:05", tc.end, ny)
			zoned := zoneRecords(t, zoneScenario("UTC", ls.UTC().Format("2006-01-02T15:04:05"), le.UTC().Format("2006-01-02T15:04:05"),
				profileText(hod), `"America/New_York"`, arr, users), 1)
			plain := zoneRecords(t, zoneScenario("America/New_York", tc.start, tc.end, profileText(hod), "", arr, users), 1)
			key := func(rs []zoneRec) []string {
				var k []string
				for _, r := range rs {
					k = append(k, r.uid+" "+r.at.UTC().Format(time.RFC3339Nano))
				}
				slices.Sort(k)
				return k
			}
			if a, b := key(zoned), key(plain); !slices.Equal(a, b) {
				t.Fatalf("zone = \"America/New_York\" gives %d events, the scenario zone %d: not the same", len(a), len(b))
			}
			sum := 0.0
			for _, w := range hod {
				sum += w
			}
			// One real hour of weight 1: users × 48/day / 24 h × 24/sum.
			unit := users * 48.0 / sum
			got := map[int]float64{}
			for _, r := range zoned {
				lt := r.at.In(ny)
				if y, m, d := lt.Date(); y == tc.day.Year() && m == tc.day.Month() && d == tc.day.Day() {
					got[lt.Hour()]++
				}
			}
			for h, mult := range tc.want {
				exp := mult * unit
				if z := (got[h] - exp) / math.Sqrt(math.Max(exp, 1)); math.Abs(z) > 4.5 {
					t.Errorf("local %02d:00 on %s: %v events, want about %.0f (z = %.1f)", h, tc.day.Format("2006-01-02"), got[h], exp, z)
				}
			}
		})
	}
}

// TestZoneActiveDays: active_days are the actor's local days: an active
// day in Tokyo has arrivals from its local midnight to the next, across
// two UTC dates.
func TestZoneActiveDays(t *testing.T) {
	flat := profileText(slices.Repeat([]float64{1}, 24))
	src := zoneScenario("UTC", "2025-01-01T00:00:00", "2025-03-01T00:00:00", flat, `"Asia/Tokyo"`, "arrivals(30, [distribution.hod], 0.3)", 60)
	recs := zoneRecords(t, src, 2)
	tokyo := mustZone(t, "Asia/Tokyo")
	type ud struct {
		uid string
		day string
	}
	early, late := map[ud]bool{}, map[ud]bool{}
	for _, r := range recs {
		lt := r.at.In(tokyo)
		k := ud{r.uid, lt.Format("2006-01-02")}
		if k.day == "2025-01-01" || k.day == "2025-03-01" {
			continue // cut by the window
		}
		if lt.Hour() < 9 { // the previous UTC date
			early[k] = true
		} else {
			late[k] = true
		}
	}
	both, days := 0, 0
	for k := range late {
		days++
		if early[k] {
			both++
		}
	}
	for k := range early {
		if !late[k] {
			days++
		}
	}
	// 60 users × 58 local days × 0.3 ≈ 1 044 active days; 100 arrivals on
	// each: an active day with none in 9 of its hours has p ≈ e^-37. Were
	// days UTC days, only about 18 % would span both parts.
	if n := 60.0 * 58 * 0.3; math.Abs(float64(days)-n) > 4.5*math.Sqrt(n*0.7) {
		t.Errorf("%d active local days, want about %.0f", days, n)
	}
	if both != days {
		t.Errorf("%d of %d active Tokyo days have arrivals on both sides of the UTC date line", both, days)
	}
}

// TestZoneWorkers: 1 and 2 workers give the same multiset of records.
func TestZoneWorkers(t *testing.T) {
	src := zoneScenario("Europe/Paris", "2025-03-20T00:00:00", "2025-04-10T00:00:00", profileText(slices.Repeat([]float64{1, 3}, 12)), "user.tz", "arrivals(6, [distribution.hod], 0.5)", 50)
	read := func(w int) []string {
		b, err := os.ReadFile(filepath.Join(runSourceDir(t, src, w), "ev.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		l := strings.Split(strings.TrimSpace(string(b)), "\n")
		slices.Sort(l)
		return l
	}
	a, b := read(1), read(2)
	if len(a) < 1000 || !slices.Equal(a, b) {
		t.Fatalf("1 worker: %d records, 2 workers: %d, not the same multiset", len(a), len(b))
	}
}

// TestZoneErrors: a zone that reads more than the actor, a misspelt
// constant zone and a constraint over flows in different zones are
// compile errors at their ranges.
func TestZoneErrors(t *testing.T) {
	two := func(zoneA, zoneB, cons string) string {
		return `scenario "z" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 3
  attributes {
    tz = "Asia/Tokyo"
  }
}
flow "a" {
  actor = entity.user
  session {
    ` + zoneA + `
    arrivals = arrivals(5)
  }
  initial = "e"
  state "e" {
    emit "ev" {
      x = 1
    }
  }
}
flow "b" {
  actor = entity.user
  session {
    ` + zoneB + `
    arrivals = arrivals(5)
  }
  initial = "e"
  state "e" {
    emit "ev" {
      x = 2
    }
  }
}
` + cons + `
sink "f" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	}
	cons := func(body string) string {
		return "constraint \"c\" {\n  flows = [flow.a, flow.b]\n  " + body + "\n}"
	}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"zone drawn per session", two(`zone = weighted({ "Asia/Tokyo" = 1, "UTC" = 1 })`, "", ""),
			[]string{`z.hcl:14,12-53: Invalid zone; A session's zone is read once per actor`}},
		{"zone reading the session", two(`zone = "${session.id}"`, "", ""),
			[]string{`z.hcl:14,22-25: Invalid reference; session.* is available in flow states only.`}},
		{"misspelt zone", two(`zone = "Asia/Tokio"`, "", ""),
			[]string{`z.hcl:14,12-24: Unknown time zone; "Asia/Tokio" is not an IANA time zone name`, `Did you mean "Asia/Tokyo"?`}},
		{"lower-case zone", two(`zone = "america/new_york"`, "", ""),
			[]string{`z.hcl:14,12-30: Unknown time zone;`, `Did you mean "America/New_York"?`}},
		{"not a string", two(`zone = 5`, "", ""),
			[]string{`z.hcl:14,12-13: Wrong type; zone (an IANA time zone name) must be a string, got int.`}},
		{"quiet hours over different zones", two(`zone = user.tz`, "", cons(`quiet_hours = ["23:00", "06:00"]`)),
			[]string{`z.hcl:37,1-15: Flows in different zones; quiet_hours and max_per_day are read on one local clock, but flow.a in zone = user.tz and flow.b is in the scenario's zone.`}},
		{"max_per_day over two zone expressions", two(`zone = user.tz`, `zone = "UTC"`, cons(`max_per_day = 3`)),
			[]string{`z.hcl:37,1-15: Flows in different zones; `, `flow.b in zone = "UTC"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("z.hcl", []byte(tc.src))
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			if !diags.HasErrors() {
				t.Fatal("compiled")
			}
			msg := diags.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnostics %q\nlack %q", msg, w)
				}
			}
		})
	}
	// The same expression (user.tz and actor.tz) under one constraint is fine.
	sc, diags := dsl.ParseSource("z.hcl", []byte(two(`zone = user.tz`, `zone = actor.tz`, cons(`max_per_day = 3`))))
	if !diags.HasErrors() {
		_, diags = engine.Compile(sc, engine.Options{})
	}
	if diags.HasErrors() {
		t.Errorf("same zone under one constraint: %s", diags.Error())
	}
}

// TestZonePlan: scen plan shows a flow's zone expression.
func TestZonePlan(t *testing.T) {
	for _, tc := range []struct{ zone, want string }{
		{"user.tz", "  zone user.tz (per actor:"},
		{`"Asia/Tokyo"`, `  zone "Asia/Tokyo" (constant:`},
		{"", ""},
	} {
		src := zoneScenario("UTC", "2025-01-01T00:00:00", "2025-01-02T00:00:00", profileText(slices.Repeat([]float64{1}, 24)), tc.zone, "arrivals(5)", 3)
		var buf bytes.Buffer
		compileSrc(t, "z.hcl", src).Describe(&buf)
		if tc.want == "" {
			if strings.Contains(buf.String(), "  zone ") {
				t.Errorf("plan of a flow without zone shows one:\n%s", buf.String())
			}
		} else if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("plan lacks %q:\n%s", tc.want, buf.String())
		}
	}
}

// TestZoneConstraints: quiet_hours and max_per_day over a flow with a
// zone are read on the actor's clock: no event in the actor's local quiet
// hours, at most max_per_day per actor's local date.
func TestZoneConstraints(t *testing.T) {
	src := zoneScenario("UTC", "2025-01-01T00:00:00", "2025-01-15T00:00:00", profileText(slices.Repeat([]float64{1}, 24)), "user.tz", "arrivals(10, [distribution.hod])", 30) +
		"constraint \"c\" {\n  flows       = [flow.f]\n  quiet_hours = [\"22:00\", \"07:00\"]\n  max_per_day = 4\n}\n"
	recs := zoneRecords(t, src, 2)
	perDay := map[string]int{}
	quietUTC := 0
	for _, r := range recs {
		lt := r.at.In(mustZone(t, r.tz))
		if h := lt.Hour(); h >= 22 || h < 7 {
			t.Errorf("%s at %s local: in the quiet hours", r.uid, lt.Format(time.RFC3339))
		}
		if h := r.at.UTC().Hour(); h >= 22 || h < 7 {
			quietUTC++
		}
		perDay[r.uid+" "+lt.Format("2006-01-02")]++
	}
	for k, n := range perDay {
		if n > 4 {
			t.Errorf("%s: %d events that local day, max_per_day is 4", k, n)
		}
	}
	// Read on UTC, the quiet hours are not respected (the zones' offsets
	// move them): the rule really is on the actors' clocks.
	if quietUTC < len(recs)/10 {
		t.Errorf("only %d of %d events in UTC's 22:00-07:00", quietUTC, len(recs))
	}
}
