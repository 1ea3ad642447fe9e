package engine_test

import (
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestInertDeclarationsWarn: an experiment whose during misses the
// scenario's window and an entity of no actors validate, with a warning
// that says they change nothing (review 29 #5, #13f).
func TestInertDeclarationsWarn(t *testing.T) {
	const groups = "groups = { control"
	during := func(w string) []string { return []string{groups, "during = " + w + "\n  " + groups} }
	for _, tc := range []struct {
		name  string
		edits []string
		want  []reviewDiag
	}{
		{"an experiment after the window", during(`["2026-01-01", "2026-02-01"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12",
			`Experiment "x" runs during [2026-01-01, 2026-02-01), which does not overlap the scenario's window [2025-01-01, 2025-01-03): no record falls in it, so experiment.x.group is null`}}},
		{"an experiment before the window", during(`["2024-12-01", "2024-12-31T12:00"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12",
			"runs during [2024-12-01, 2024-12-31T12:00:00)"}}},
		{"an experiment that ends as the window starts", during(`["2024-12-01", "2025-01-01"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12", ""}}},
		{"an experiment that starts as the window ends", during(`["2025-01-03", "2025-01-04"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12", ""}}},
		{"an experiment on the window's last hour", during(`["2025-01-02T23:00", "2025-01-04"]`), nil},
		{"an experiment that spans the window", during(`["2024-01-01", "2026-01-01"]`), nil},
		{"an experiment in the scenario's zone", append(during(`["2025-01-03", "2025-01-04"]`), `end   = "2025-01-03"`, "end   = \"2025-01-03\"\n  timezone = \"Asia/Seoul\""),
			[]reviewDiag{{"warning", "Experiment outside the window", "15:12", "[2025-01-03, 2025-01-04), which does not overlap the scenario's window [2025-01-01, 2025-01-03)"}}},
		{"an entity of no actors", []string{"count = var.users", "count = 0"}, []reviewDiag{{"warning", "No actors", "9:11",
			`count is 0: entity "user" has no actors, so a flow it acts in writes nothing and entity.user is an empty table.`}}},
		{"an entity of no actors from a variable", []string{`variable "users" { default = 10 }`, `variable "users" { default = 0 }`}, []reviewDiag{{"warning", "No actors", "9:11", "count is 0: entity"}}},
		{"an entity of one actor", []string{"count = var.users", "count = 1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, engine.Options{}, tc.want...)
		})
	}
}
