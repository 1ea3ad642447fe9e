package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportAssignmentSkipSaysWhy: an assignment check with nothing to
// compare said "no record's unit is an actor of this scenario" when the
// real cause was that no field holds event.time (the window cannot be
// told). Each cause now gets its own reason.
func TestReportAssignmentSkipSaysWhy(t *testing.T) {
	both := map[string]bool{"view": true, "click": true}
	for _, tc := range []struct {
		name   string
		src    func(string) string // edits the scenario
		data   func(string) string // edits the output
		tested bool
		why    string
	}{
		{"time and actors", func(s string) string { return s }, func(s string) string { return s }, true, ""},
		{"no time field", func(s string) string { return strings.ReplaceAll(s, "      ts      = event.time\n", "") },
			func(s string) string { return s }, false, "no field holds event.time"},
		{"units of no actor", func(s string) string { return s },
			func(s string) string { return strings.ReplaceAll(s, `"user_id":"u`, `"user_id":"someone-`) }, false, "no record's unit is an actor of this scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, tc.src(assignmentScenario(both)), 2)
			path := filepath.Join(dir, "events.jsonl")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			edited := filepath.Join(dir, "edited.jsonl")
			if err := os.WriteFile(edited, []byte(tc.data(string(data))), 0o644); err != nil {
				t.Fatal(err)
			}
			c := findCheck(t, buildReport(t, plan, plan.Introspect(), edited), Assignment, "x: group")
			if c.Untested() == tc.tested || !strings.Contains(c.Detail, tc.why) {
				t.Errorf("tested %v (want %v): %q, want the reason %q", !c.Untested(), tc.tested, c.Detail, tc.why)
			}
			if tc.tested && (!c.Pass || c.N == 0) {
				t.Errorf("a correct run: %s", c.Detail)
			}
		})
	}
}
