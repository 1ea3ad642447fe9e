package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine"
)

// TestWarningKeepsFlowChecks: a warning in a flow (weights that do not
// sum to 1) does not turn off the checks of the flow's graph that follow
// it: an unreachable state or a state with no way out is still an error,
// reported with the warning, each at its file:line:col.
func TestWarningKeepsFlowChecks(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, session, states string
		want                  []string // "severity summary @ file:line:col"
	}{
		{"unreachable", "session { max_events = 3 }", `
  state "a" {
    emit "ev" { x = 1 }
    next = { a = 0.3, end = 0.3 }
  }
  state "b" {
    emit "ev" { x = 2 }
  }`, []string{
			"warning Weights do not sum to 1 @ s.hcl:15:12",
			"error Unreachable state @ s.hcl:17:9",
		}},
		{"no way out", "", `
  state "a" {
    emit "ev" { x = 1 }
    next = { b = 0.3, end = 0.3 }
  }
  state "b" {
    emit "ev" { x = 2 }
    next = { b = 1 }
  }`, []string{
			"warning Weights do not sum to 1 @ s.hcl:15:12",
			"error State has no way out @ s.hcl:17:9",
		}},
		{"warning alone", "", `
  state "a" {
    emit "ev" { x = 1 }
    next = { b = 0.3, end = 0.3 }
  }
  state "b" {
    emit "ev" { x = 2 }
  }`, []string{
			"warning Weights do not sum to 1 @ s.hcl:15:12",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
  ` + tc.session + `
  initial = "a"` + tc.states + `
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			path := filepath.Join(dir, "s.hcl")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, diags := compileDiags(t, path, engine.Options{})
			var got []string
			for _, d := range diags {
				sev := "error"
				if d.Severity == hcl.DiagWarning {
					sev = "warning"
				}
				at := "?"
				if d.Subject != nil {
					at = fmt.Sprintf("%s:%d:%d", filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column)
				}
				got = append(got, sev+" "+d.Summary+" @ "+at)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
