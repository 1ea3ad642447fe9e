package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// sensorScenario: always-on devices in one session each (count = 1 and a
// max_events, the sensor pattern of docs/language.md), a reading every
// gap, states ok, degraded and failed.
func sensorScenario(gap, maxEvents string, extra ...string) string {
	return `
scenario "sensor" {
  seed  = 11
  start = "2025-03-03T00:00:00Z"
  end   = "2025-03-10T00:00:00Z"
}
entity "device" {
  count = 300
  attributes { device_id = format("D%04d", index + 1) }
}
flow "telemetry" {
  actor = entity.device
  session {
    count      = 1
    max_events = ` + maxEvents + `
  }
  gap     = ` + gap + `
  initial = "ok"
  common "readings" {
    device_id = device.device_id
    sid       = session.id
    state     = state.name
    timestamp = event.time
  }
  state "ok" {
    emit "readings" {}
    next = { ok = 0.9, degraded = 0.1 }
  }
  state "degraded" {
    emit "readings" {}
    next = { ok = 0.3, degraded = 0.5, failed = 0.2 }
  }
  state "failed" {
    emit "readings" {}
    next = { ok = 1 }
  }
}
` + strings.Join(extra, "\n") + `
sink "readings" {
  type   = "jsonl"
  stream = "readings"
  path   = "readings.jsonl"
}
`
}

// TestReportSensorFrom: a session running at --from may have been cut by
// max_events before the first record written, but not when the cap
// cannot have been reached: the session began at the scenario start at
// the earliest and its events are at least the flow's least constant gap
// apart. The report used to censor every record of such a session, so a
// --from/--to run of the sensor pattern (max_events = 1000000) had no
// transition checked. A cap that may have been reached, or a gap with no
// constant lower bound, still censors, and a note says why.
func TestReportSensorFrom(t *testing.T) {
	at := func(day int) int64 { return time.Date(2025, 3, day, 0, 0, 0, 0, time.UTC).UnixMilli() }
	for _, tc := range []struct {
		name, gap, max string
		tested         bool   // the transitions of ok are tested
		note           string // a note holds this ("": no note on the cap)
	}{
		{"sensor, cap out of reach", `"10m"`, "1000000", true, ""},
		{"cap reached within the window", `"10m"`, "600", true, "max_events = 600 may have been reached by then"},
		{"gap drawn between bounds", `uniform("5m", "15m")`, "1000000", true, ""},
		{"gap in minutes drawn between bounds", `minutes(uniform(5, 15))`, "1000000", true, ""},
		{"gap with no lower bound", `minutes(exponential(0.1))`, "1000000", false, `max_events = 1000000 may have been reached before the first record here, as the time between a session's events has no known lower bound (the flow's gap (minutes(exponential(0.1))) has no lower bound known at compile time)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, diags := engine.Compile(mustParse(t, sensorScenario(tc.gap, tc.max)), engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			from, to := at(6), at(9)
			dir := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, From: from, To: to}); err != nil {
				t.Fatal(err)
			}
			spec, err := plan.IntrospectWindow(from, to)
			if err != nil {
				t.Fatal(err)
			}
			r := buildReport(t, plan, spec, filepath.Join(dir, "readings.jsonl"))
			for _, name := range []string{"telemetry: ok → next", "telemetry: degraded → next"} {
				c := findCheck(t, r, Transitions, name)
				if !c.Pass {
					t.Errorf("%s fails a correct run: %s", name, c.Detail)
				}
				if c.Untested() == tc.tested {
					t.Errorf("%s: untested %v, want %v: n=%d %s", name, c.Untested(), !tc.tested, c.N, c.Detail)
				}
			}
			// Where the cap may have been reached (its 600th run, ten
			// minutes apart from the scenario start at the earliest), no
			// record counts.
			if tc.max == "600" {
				var before int64
				for _, rc := range readRecords(t, filepath.Join(dir, "readings.jsonl")) {
					if rc.ms < at(3)+599*600000 {
						before++
					}
				}
				var n int64
				for _, name := range []string{"telemetry: ok → next", "telemetry: degraded → next", "telemetry: failed → next"} {
					n += findCheck(t, r, Transitions, name).N
				}
				if n == 0 || n > before {
					t.Errorf("%d records counted, %d lie before the cap may have been reached", n, before)
				}
			}
			// Every device's one session began at the scenario's start,
			// before the window: none starts here, though its first
			// record here is often ok, the initial state (review 33: "0
			// of 194 sessions start elsewhere").
			for _, c := range r.Checks {
				if c.Kind == Initial {
					t.Errorf("%s: %s, but every session began before the window", c.Name, c.Detail)
				}
			}
			notes := strings.Join(r.Notes, "\n")
			if want := `flow "telemetry": each of its 300 sessions here may have begun before the window these files cover`; !strings.Contains(notes, want) {
				t.Errorf("no note holds %q:\n%s", want, notes)
			}
			if tc.note == "" && strings.Contains(notes, "max_events") {
				t.Errorf("a note on the cap, which cannot have been reached:\n%s", notes)
			}
			if tc.note != "" && !strings.Contains(notes, tc.note) {
				t.Errorf("no note holds %q:\n%s", tc.note, notes)
			}
		})
	}
}

// TestReportSensorPartition: one daily partition of a sensor's run. Its
// records were all within the one-day margin of the partition's end, so
// none counted in a transition; when the time between a session's events
// is bounded above (constant gaps and delays, no constraint over the
// flow), only those within that bound of the end are censored. A gap
// drawn at run time, or a constraint that may move events later, keeps
// the one-day margin.
func TestReportSensorPartition(t *testing.T) {
	day := func(d int) int64 { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC).UnixMilli() }
	const spacing = `
constraint "spacing" {
  flows   = [flow.telemetry]
  min_gap = "5m"
}`
	for _, tc := range []struct {
		name, gap, extra string
		tested           bool
		tamper           bool // a tenth of ok records read degraded: fails
	}{
		{"constant gap", `"10m"`, "", true, false},
		{"constant gap, tampered", `"10m"`, "", true, true},
		{"gap drawn between bounds", `uniform("5m", "15m")`, "", true, false},
		{"gap with no upper bound", `minutes(exponential(0.1))`, "", false, false},
		{"a constraint over the flow", `"10m"`, spacing, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, sensorScenario(tc.gap, "1000000", tc.extra), 2)
			var part []record
			for _, rc := range readRecords(t, filepath.Join(dir, "readings.jsonl")) {
				if rc.ms >= day(6) && rc.ms < day(7) {
					if tc.tamper && rc.m["state"] == "ok" && len(part)%10 == 0 {
						rc.m["state"] = "degraded"
					}
					part = append(part, rc)
				}
			}
			path := filepath.Join(t.TempDir(), "day.jsonl")
			writeRecords(t, path, part)
			in, err := ReadInput([]string{path})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Build(plan.Introspect(), in, Options{Spans: [][2]int64{{day(6), day(7)}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"telemetry: ok → next", "telemetry: degraded → next"} {
				c := findCheck(t, r, Transitions, name)
				if !c.Pass && !tc.tamper {
					t.Errorf("%s fails a correct run: %s", name, c.Detail)
				}
				if c.Untested() == tc.tested {
					t.Errorf("%s: untested %v, want %v: n=%d %s", name, c.Untested(), !tc.tested, c.N, c.Detail)
				}
			}
			if tc.tamper {
				if c := findCheck(t, r, Transitions, "telemetry: degraded → next"); c.Pass {
					t.Errorf("tampered records pass: %s", c.Detail)
				}
				return
			}
			if tc.tested {
				// The records of the partition's last 10 minutes (15
				// for a drawn gap) count in none: at most one per
				// device (three for a gap of 5 to 15 minutes).
				per := int64(1)
				if tc.gap != `"10m"` {
					per = 3
				}
				var n int64
				for _, name := range []string{"telemetry: ok → next", "telemetry: degraded → next", "telemetry: failed → next"} {
					n += findCheck(t, r, Transitions, name).N
				}
				if n > int64(len(part)) || n < int64(len(part))-300*per {
					t.Errorf("%d of %d records counted, want all but the last %d of each of 300 devices", n, len(part), per)
				}
			}
		})
	}
}

// endMargin is how close to the window's end a record of flow f counts
// in no transition (docs/report.md, Censoring), for a flow with no
// states that write nothing to the stream, whose records are less than
// half a day apart: a day, or the flow's greatest step between events
// and a second, when that is known and shorter.
func endMargin(t *testing.T, spec *engine.Spec, f string) int64 {
	t.Helper()
	for _, fs := range spec.Flows {
		if fs.Name == f {
			if fs.MaxStep >= 0 {
				return min(86400000, fs.MaxStep+1000)
			}
			return 86400000
		}
	}
	t.Fatalf("no flow %q", f)
	return 0
}
