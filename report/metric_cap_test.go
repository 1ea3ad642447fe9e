package report

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReportMetricUnderDrawnCap: with max_events drawn per session, any
// session's end may be the cap's, so every session's last record counts
// in no transition; the states that may go to end are not checked for
// their transitions, and now not for an experiment metric either: an
// impression that ended its session was dropped, one followed by a click
// kept, and a correct run's click-through rates read high (failed). A
// fixed cap is told from the records and the metric is checked.
func TestReportMetricUnderDrawnCap(t *testing.T) {
	for _, tc := range []struct {
		name, maxEvents string
		checked         bool
	}{
		{"fixed", "max_events = 3", true},
		{"drawn per session", "max_events = uniform(1, 4)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, strings.Replace(adScenario(""), "max_events = 3", tc.maxEvents, 1), 2)
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "events.jsonl"))
			metrics := 0
			for _, c := range r.Checks {
				if !c.Pass {
					t.Errorf("%s %s fails a correct run: %s", c.Kind, c.Name, c.Detail)
				}
				if c.Kind == Metric {
					metrics++
				}
			}
			noted := hasNote(r, `experiment "bid": P(impression → click) = ctr not checked: max_events is drawn per session, so a session's end after impression cannot be told from the cap`)
			if tc.checked && (metrics != 2 || noted) {
				t.Errorf("%d metrics, note %v; want 2, no note", metrics, noted)
			}
			if !tc.checked && (metrics != 0 || !noted) {
				t.Errorf("%d metrics, note %v; want none, and the note (notes %q)", metrics, noted, r.Notes)
			}
		})
	}
}
