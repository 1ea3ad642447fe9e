package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// zoneReportScenario: actors in three zones (zone = user.tz) with an
// evening-heavy hourly profile; fields are the emit's extra fields.
func zoneReportScenario(zone, fields string) string {
	return fmt.Sprintf(`scenario "z" {
  seed  = 3
  start = "2025-01-01T00:00:00"
  end   = "2025-01-22T00:00:00"
}
distribution "evening" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 8, 8, 1, 1]
}
entity "user" {
  count = 60
  attributes {
    uid = "u${index}"
    tz  = ["Asia/Tokyo", "America/New_York", "Europe/Berlin"][index %% 3]
  }
}
flow "visit" {
  actor = entity.user
  session {
    zone       = %s
    arrivals   = arrivals(6, [distribution.evening])
    max_events = 1
  }
  initial = "open"
  state "open" {
    emit "events" {
      at  = event.time
      uid = user.uid
      %s
    }
  }
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`, zone, fields)
}

// TestReportZones: for a flow whose sessions are in each actor's zone,
// the report reads each record's zone from the field written as the zone
// expression (or named by ZoneField) and checks hour of day and weekday on
// the actor's clock; without such a field it skips them, with a note,
// rather than failing them on the scenario's clock.
func TestReportZones(t *testing.T) {
	for _, tc := range []struct {
		name, zone, fields, zoneField string
		checked                       bool
		note                          string
	}{
		{"field written as the zone", "user.tz", "tz = user.tz", "", true, ""},
		{"field written as actor.tz", "user.tz", "where = actor.tz", "", true, ""},
		{"field named by the option", "user.tz", `where = "${user.tz}"`, "where", true, ""},
		{"no field holds the zone", "user.tz", "", "", false,
			`flow "visit": its arrivals are in each actor's zone (zone = user.tz), and no field of "events" holds it (write it, e.g. tz = user.tz, or name the field with --zone-field): hour of day and weekday not checked`},
		{"a field that holds no zone", "user.tz", "where = user.uid", "where", false,
			`flow "visit": field "where" of a record holds "u`},
		{"constant zone", `"Asia/Tokyo"`, "", "", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, zoneReportScenario(tc.zone, tc.fields), 2)
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
				for _, k := range []Kind{HourOfDay, Weekday} {
					if c := findCheck(t, r, k, "flow visit"); !c.Pass {
						t.Errorf("%s failed:\n%s", k, text.String())
					}
				}
				return
			}
			for _, c := range r.Checks {
				if c.Kind == HourOfDay || c.Kind == Weekday {
					t.Errorf("%s checked though the zone is unknown:\n%s", c.Kind, text.String())
				}
			}
			if !strings.Contains(strings.Join(r.Notes, "\n"), tc.note) {
				t.Errorf("notes lack %q:\n%s", tc.note, text.String())
			}
		})
	}
}

// TestReportZoneFieldUnknown: a --zone-field the files do not have (a
// misspelling) is an error that lists the fields, not a note that every
// record holds "" as its zone.
func TestReportZoneFieldUnknown(t *testing.T) {
	for _, tc := range []struct{ zoneField, want string }{
		{"tzz", `--zone-field tzz: the files have no field "tzz" (fields: `},
		{"tzz", `Did you mean "tz"?`},
		{"nothing_like_it", `--zone-field nothing_like_it: the files have no field "nothing_like_it"`},
	} {
		t.Run(tc.zoneField, func(t *testing.T) {
			plan, dir := compileRun(t, zoneReportScenario("user.tz", "tz = user.tz"), 1)
			in, err := ReadInput([]string{filepath.Join(dir, "events.jsonl")})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(plan.Introspect(), in, Options{ZoneField: tc.zoneField})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
