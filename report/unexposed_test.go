package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// duringScenario: viewers see ads and click some, under an experiment
// active during the given window ("" for always), with the constraint
// block quiet ("" for none).
func duringScenario(during, quiet string) string {
	if during != "" {
		during = "  during = " + during + "\n"
	}
	return `
scenario "d" {
  seed     = 4
  timezone = "UTC"
  start    = "2026-02-02"
  end      = "2026-02-09"
}
entity "viewer" {
  count = 300
  attributes { viewer_id = "V${index}" }
}
experiment "bid" {
  unit   = viewer.viewer_id
  groups = { a = 0.5, b = 0.5 }
` + during + `  param "ctr" {
    a = 0.1
    b = 0.2
  }
}
flow "ad" {
  actor = entity.viewer
  session {
    arrivals   = arrivals(3)
    max_events = 2
  }
  initial = "impression"
  common "events" {
    viewer_id = viewer.viewer_id
    timestamp = event.time
    event     = state.name
    sid       = session.id
    arm       = experiment.bid.group
  }
  state "impression" {
    emit "events" {}
    transition "click" { probability = experiment.bid.ctr }
    transition "end"   { otherwise = true }
  }
  state "click" {
    emit "events" {}
  }
}
` + quiet + `
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportUnexposedExperiment: an experiment none of whose records lies
// in its window (during after the scenario's end, or in hours when no
// event happens) assigns no group: its group field is null in every
// record, and no file holds it. The fields check used to fail, blaming a
// dropped column, and the sample ratio passed over units that were in no
// group. Now the fields check knows the field is null by design, and the
// sample ratio is not tested. A column of an experiment that did run is
// still missed when dropped.
func TestReportUnexposedExperiment(t *testing.T) {
	const night = `
constraint "night" {
  flows       = [flow.ad]
  quiet_hours = ["01:00", "05:00"]
}`
	for _, tc := range []struct {
		name, during, quiet string
		exposed             bool
	}{
		{"always", "", "", true},
		{"inside the window", `["2026-02-04", "2026-02-06"]`, "", true},
		{"after the window", `["2027-01-01", "2027-02-01"]`, "", false},
		{"in quiet hours only", `["2026-02-04T02:00:00Z", "2026-02-04T04:00:00Z"]`, night, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, duringScenario(tc.during, tc.quiet), 2)
			path := filepath.Join(dir, "events.jsonl")
			recs := readRecords(t, path)
			armed := 0
			for _, rc := range recs {
				if _, ok := rc.m["arm"]; ok {
					armed++
				}
			}
			if tc.exposed != (armed > 0) {
				t.Fatalf("%d of %d records carry a group", armed, len(recs))
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			for _, c := range r.Checks {
				if !c.Pass {
					t.Errorf("%s %s fails a correct run: %s", c.Kind, c.Name, c.Detail)
				}
			}
			fields := findCheck(t, r, Fields, "fields")
			if null := strings.Contains(fields.Detail, "arm, experiment bid's group, is null in every record"); null == tc.exposed {
				t.Errorf("fields: %s", fields.Detail)
			}
			sr := findCheck(t, r, SampleRatio, "bid: units per group")
			if sr.Untested() == tc.exposed || !tc.exposed && !strings.Contains(sr.Detail, "no record of a unit lies in the experiment's window") {
				t.Errorf("sample ratio untested %v: %s", sr.Untested(), sr.Detail)
			}
			if !tc.exposed {
				return
			}
			// The group column dropped from an experiment that ran fails.
			for _, rc := range recs {
				delete(rc.m, "arm")
			}
			dropped := filepath.Join(dir, "dropped.jsonl")
			writeRecords(t, dropped, recs)
			if c := findCheck(t, buildReport(t, plan, plan.Introspect(), dropped), Fields, "fields"); c.Pass || !strings.Contains(c.Detail, "no file holds arm") {
				t.Errorf("arm dropped: %s", c.Detail)
			}
		})
	}
}

// TestReportFieldsOfNoEmit: records that no emit of the scenario writes
// (another scenario's file, whose constant fields match none) used to
// pass the fields check ("every field of the records' emits is present":
// of none). They fail it, by name; records that match several emits each
// (no constant field tells them apart) are not tested.
func TestReportFieldsOfNoEmit(t *testing.T) {
	same := func(s string) string { return s }
	for _, tc := range []struct {
		name  string
		src   func(string) string
		edit  func(m map[string]any)
		pass  bool
		test  string
		words string
	}{
		{"this scenario's", same, func(map[string]any) {}, true, "exact", "every field of the records' emits is present"},
		{"another scenario's", same, func(m map[string]any) { m["event"] = "reading" }, false, "exact", `none of the 1000 records comes from an emit of stream "events"`},
		{"no field tells the states apart", func(s string) string { return strings.Replace(s, "    event     = state.name\n", "", 1) }, func(map[string]any) {}, true, "none",
			`not tested: no record can be told to come from one emit of "events" (their constant fields match several)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, tc.src(duringScenario("", "")), 1)
			recs := readRecords(t, filepath.Join(dir, "events.jsonl"))
			for _, rc := range recs {
				tc.edit(rc.m)
			}
			path := filepath.Join(dir, "edited.jsonl")
			writeRecords(t, path, recs[:1000])
			c := findCheck(t, buildReport(t, plan, plan.Introspect(), path), Fields, "fields")
			if c.Pass != tc.pass || c.Test != tc.test || !strings.Contains(c.Detail, tc.words) {
				t.Errorf("pass %v, test %s: %s; want pass %v, test %s, %q", c.Pass, c.Test, c.Detail, tc.pass, tc.test, tc.words)
			}
		})
	}
}
