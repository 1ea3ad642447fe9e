package report

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// zonedConstraintScenario: users in three zones (zone = user.tz) visit in
// sessions of a few events, under quiet hours and a daily cap that the
// run applies on each user's clock; tzField is the emit's zone field
// ("" for none).
func zonedConstraintScenario(tzField string) string {
	return `
scenario "zc" {
  seed  = 4
  start = "2025-01-06T00:00:00"
  end   = "2025-01-20T00:00:00"
}
distribution "day" {
  hourly = [1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1]
}
entity "user" {
  count = 300
  attributes {
    user_id = "u${index}"
    tz      = ["Asia/Tokyo", "America/New_York", "Europe/Berlin"][index % 3]
  }
}
flow "visit" {
  actor = entity.user
  session {
    zone       = user.tz
    arrivals   = arrivals(5, [distribution.day])
    max_events = 6
  }
  gap     = uniform("2m", "40m")
  initial = "view"
  state "view" {
    emit "events" {
      timestamp = event.time
      user_id   = user.user_id
      session   = session.id
      ` + tzField + `
    }
    next = { view = 0.8, end = 0.2 }
  }
}
constraint "night" {
  flows       = [flow.visit]
  quiet_hours = ["00:00", "06:00"]
  max_per_day = 8
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// localOf is a record's local time in the zone it holds in tz.
func localOf(t *testing.T, rc record) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(str(rc.m, "tz"))
	if err != nil {
		t.Fatal(err)
	}
	return time.UnixMilli(rc.ms).In(loc)
}

// TestReportZonedConstraints: quiet_hours and max_per_day over flows with
// a per-actor session zone are checked on each record's zone, as the run
// applies them (they were skipped with a note): a correct run passes
// (though read on the scenario's clock many of its events are in the
// quiet hours), an event moved into an actor's local night or days
// pushed above the cap fail, and records that hold no zone are said.
func TestReportZonedConstraints(t *testing.T) {
	plan, dir := compileRun(t, zonedConstraintScenario("tz = user.tz"), 2)
	path := filepath.Join(dir, "events.jsonl")
	recs := readRecords(t, path)
	report := func(t *testing.T, recs []record) *Report {
		t.Helper()
		sort.SliceStable(recs, func(a, b int) bool { return recs[a].ms < recs[b].ms })
		p := filepath.Join(t.TempDir(), "events.jsonl")
		writeRecords(t, p, recs)
		return buildReport(t, plan, plan.Introspect(), p)
	}
	text := func(r *Report) string {
		var b strings.Builder
		r.WriteText(&b)
		return b.String()
	}

	t.Run("the run's output", func(t *testing.T) {
		// On the scenario's clock (UTC) the quiet hours hold many events:
		// a check on that clock would fail.
		var utcQuiet int64
		for _, rc := range recs {
			if time.UnixMilli(rc.ms).UTC().Hour() < 6 {
				utcQuiet++
			}
		}
		if utcQuiet < 100 {
			t.Fatalf("only %d events in 00:00–06:00 UTC: the test cannot tell the clocks apart", utcQuiet)
		}
		r := buildReport(t, plan, plan.Introspect(), path)
		q := findCheck(t, r, Constraint, "night: quiet 00:00–06:00")
		d := findCheck(t, r, Constraint, "night: at most 8 per user_id and local day")
		for _, c := range []Check{q, d} {
			if !c.Pass || c.Untested() || !strings.Contains(c.Detail, "on each actor's clock (zone = user.tz, read from tz)") {
				t.Errorf("%s: pass %v, test %s: %s\n%s", c.Name, c.Pass, c.Test, c.Detail, text(r))
			}
		}
		if q.N != int64(len(recs)) {
			t.Errorf("quiet hours checked %d events, want all %d", q.N, len(recs))
		}
		// (Its cap drops late starts: hour of day and weekday are not
		// checked, a note says, TestReportArrivalsUnderMaxPerDay.)
		if hasNote(r, `constraint "night":`) {
			t.Errorf("a note about the constraint:\n%s", text(r))
		}
	})

	t.Run("an event in an actor's local night", func(t *testing.T) {
		out := append([]record(nil), recs...)
		// A daytime event moved to 03:30 of its actor's local day, an
		// hour that is not night on the scenario's clock for Tokyo.
		moved := false
		for k, rc := range out {
			if str(rc.m, "tz") != "Asia/Tokyo" {
				continue
			}
			l := localOf(t, rc)
			if l.Hour() < 10 || l.Hour() > 16 {
				continue
			}
			at := time.Date(l.Year(), l.Month(), l.Day(), 3, 30, 0, 0, l.Location())
			m := copyMap(rc.m)
			m["timestamp"] = at.UTC().Format(time.RFC3339Nano)
			out[k] = record{m: m, ms: at.UnixMilli()}
			moved = true
			break
		}
		if !moved {
			t.Fatal("no Tokyo daytime event to move")
		}
		r := report(t, out)
		c := findCheck(t, r, Constraint, "night: quiet")
		if c.Pass || c.Stat != 1 {
			t.Errorf("quiet: pass %v, %v violations, want a fail with 1: %s", c.Pass, c.Stat, c.Detail)
		}
	})

	t.Run("an actor's local day above the cap", func(t *testing.T) {
		out := append([]record(nil), recs...)
		var src record
		for _, rc := range recs {
			if l := localOf(t, rc); str(rc.m, "tz") == "America/New_York" && l.Hour() >= 9 && l.Hour() <= 15 {
				src = rc
				break
			}
		}
		if src.m == nil {
			t.Fatal("no New York daytime event")
		}
		// Eight more events a second apart in the same local day: at least
		// nine that day.
		for s := 1; s <= 8; s++ {
			m := copyMap(src.m)
			ms := src.ms + int64(s)*1000
			m["timestamp"] = time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
			out = append(out, record{m: m, ms: ms})
		}
		r := report(t, out)
		c := findCheck(t, r, Constraint, "night: at most 8")
		if c.Pass || c.Stat != 1 {
			t.Errorf("max per day: pass %v, %v busy days, want a fail with 1: %s", c.Pass, c.Stat, c.Detail)
		}
	})

	t.Run("a record without its zone", func(t *testing.T) {
		out := append([]record(nil), recs...)
		m := copyMap(out[10].m)
		delete(m, "tz")
		out[10].m = m
		user := str(m, "user_id")
		var userRecs int64
		for _, rc := range recs {
			if str(rc.m, "user_id") == user {
				userRecs++
			}
		}
		r := report(t, out)
		if !hasNote(r, `constraint "night": quiet_hours and max_per_day are on each actor's clock (zone = user.tz), and 1 record of 1 actor holds no zone (first: record `, `holds no zone in field "tz"): that actor's records are not checked for them`) {
			t.Errorf("no note of the record without a zone:\n%s", text(r))
		}
		c := findCheck(t, r, Constraint, "night: quiet")
		if !c.Pass || c.N != int64(len(recs))-userRecs {
			t.Errorf("quiet: pass %v over %d events, want a pass over the %d of other actors: %s", c.Pass, c.N, int64(len(recs))-userRecs, c.Detail)
		}
	})
}

// TestReportZonedConstraintsZoneField: the zone is read from the field
// --zone-field names (ZoneField) when the emit writes it another way than
// as the zone expression; when no field holds it, quiet_hours and
// max_per_day cannot be read on the actors' clocks: they are not checked,
// with a note that says how to make them checkable, min_gap still is, and
// the transitions (whose cuts cannot be told) are not tested.
func TestReportZonedConstraintsZoneField(t *testing.T) {
	for _, tc := range []struct {
		name, field, zoneField string
		checked                bool
	}{
		{"named by --zone-field", `where = coalesce(user.tz, "UTC")`, "where", true},
		{"written otherwise, not named", `where = coalesce(user.tz, "UTC")`, "", false},
		{"no field", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, zonedConstraintScenario(tc.field), 1)
			in, err := ReadInput([]string{filepath.Join(dir, "events.jsonl")})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Build(plan.Introspect(), in, Options{ZoneField: tc.zoneField})
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			r.WriteText(&text)
			if tc.checked {
				for _, name := range []string{"night: quiet", "night: at most 8"} {
					if c := findCheck(t, r, Constraint, name); !c.Pass || c.Untested() || !strings.Contains(c.Detail, "read from where") {
						t.Errorf("%s: pass %v: %s", c.Name, c.Pass, c.Detail)
					}
				}
				if c := findCheck(t, r, Transitions, "visit: view → next"); !c.Pass || c.N < 5000 {
					t.Errorf("transitions: pass %v, n %d: %s", c.Pass, c.N, c.Detail)
				}
				return
			}
			for _, c := range r.Checks {
				if c.Kind == Constraint || c.Kind == Transitions && !c.Untested() {
					t.Errorf("%s %s checked: %s", c.Kind, c.Name, c.Detail)
				}
			}
			if !hasNote(r, `constraint "night": quiet_hours and max_per_day not checked: they are on each actor's clock (zone = user.tz), and no field of "events" holds the zone (write it, e.g. tz = user.tz, or name the field with --zone-field)`) {
				t.Errorf("notes:\n%s", text.String())
			}
		})
	}
	// min_gap needs no clock: checked whatever the zone.
	plan, dir := compileRun(t, strings.Replace(zonedConstraintScenario(""), "max_per_day = 8", "max_per_day = 8\n  min_gap = \"1s\"", 1), 1)
	r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
	if c := findCheck(t, r, Constraint, "night: min gap 1s"); !c.Pass || c.N == 0 {
		t.Errorf("min gap: pass %v, n %d: %s", c.Pass, c.N, c.Detail)
	}
}

// TestReportTransitionsCutByZonedConstraints: the quiet hours and daily
// cap of a zoned flow cut sessions at each actor's local night and day:
// the records before such a cut are left out of the transitions on that
// clock (they were on the scenario's), so a correct run passes; read on
// the scenario's clock, the cuts count as ends and the check fails.
func TestReportTransitionsCutByZonedConstraints(t *testing.T) {
	plan, dir := compileRun(t, zonedConstraintScenario("tz = user.tz"), 2)
	path := filepath.Join(dir, "events.jsonl")
	c := findCheck(t, buildReport(t, plan, plan.Introspect(), path), Transitions, "visit: view → next")
	if !c.Pass || c.N < 5000 {
		t.Errorf("transitions: pass %v, n %d: %s", c.Pass, c.N, c.Detail)
	}
	utc := plan.Introspect()
	utc.Flows[0].Zone = ""
	if c := findCheck(t, buildReport(t, plan, utc, path), Transitions, "visit: view → next"); c.Pass {
		t.Errorf("censored on the scenario's clock, the cuts count as ends, yet the check passes: %s", c.Detail)
	}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
