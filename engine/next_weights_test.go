package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine"
)

// TestNextWeightsWarning: next's weights are normalised, so weights that
// are all below 1 but do not sum to 1 (probabilities with a slip, or with
// "the rest ends the session" left out) get a warning at next, which says
// the shares they make and how to write probabilities; weights of 1 or
// more, or probabilities that sum to 1 (within rounding), get none. A
// single weight is no exception: { b = 0.5 } is b 100%.
func TestNextWeightsWarning(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ next, want string }{
		{"{ b = 0.3, a = 0.3 }", "sum to 0.6. They are weights, normalised: b 50.0%, a 50.0%. If they are probabilities, add end = 0.4 for the rest to end the session."},
		{"{ b = 0.5, end = 0.6 }", "sum to 1.1. They are weights, normalised: b 45.5%, end 54.5%. If they are probabilities, make them sum to 1."},
		{"{ b = 0.2, end = 0.2 }", "If they are probabilities, make them sum to 1."},
		{"{ b = 0.1, end = 0.2, a = 0.7 }", ""},
		{"{ b = 1, end = 1 }", ""},
		{"{ b = 3, end = 0.5 }", ""},
		{"{ b = 0.5 }", "sum to 0.5. They are weights, normalised: b 100.0%. If they are probabilities, add end = 0.5 for the rest to end the session."},
		{"{ b = 1 }", ""},
	} {
		t.Run(tc.next, func(t *testing.T) {
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.u
  session { max_events = 3 }
  initial = "a"
  state "a" {
    emit "ev" { x = 1 }
    next = ` + tc.next + `
  }
  state "b" {
    emit "ev" { x = 2 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			_, diags := compileDiags(t, path, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var warns []*hcl.Diagnostic
			for _, d := range diags {
				if d.Severity == hcl.DiagWarning {
					warns = append(warns, d)
				}
			}
			if tc.want == "" {
				if len(warns) > 0 {
					t.Fatalf("unexpected warning: %s", hcl.Diagnostics(warns).Error())
				}
				return
			}
			if len(warns) != 1 || warns[0].Summary != "Weights do not sum to 1" || !strings.Contains(warns[0].Detail, tc.want) ||
				warns[0].Subject == nil || warns[0].Subject.Start.Line != 15 {
				t.Fatalf("want one warning at line 15 saying %q, got %s", tc.want, hcl.Diagnostics(warns).Error())
			}
		})
	}
}
