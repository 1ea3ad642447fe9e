package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestVarBadTime: a --var value that is no time, used as the scenario's
// start or end, is an error at the use (file:line:col) that shows the
// value given, says it came from --var, and lists the accepted formats;
// the default's error says nothing of --var.
func TestVarBadTime(t *testing.T) {
	src := `scenario "s" {
  start = "2025-01-01"
  end   = var.end
}
variable "end" {
  default = "2025-01-0x"
}
entity "u" {
  count = 1
}
`
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"from --var", map[string]string{"end": "tomorrow"},
			`Invalid time: end (given as --var end=tomorrow): invalid time "tomorrow": use RFC 3339 (2025-06-01T00:00:00+09:00) or a local date/time (2025-06-01, 2025-06-01T08:30:00).`},
		{"the default", nil,
			`Invalid time: end: invalid time "2025-01-0x": use RFC 3339`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, src)
			_, diags := compileDiags(t, path, engine.Options{Vars: tc.vars})
			errs := errorsIn(diags)
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			d := errs[0]
			got := d.Summary + ": " + d.Detail
			at := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column)
			if !strings.HasPrefix(got, tc.want) || at != "3:11" || (tc.vars == nil && strings.Contains(got, "--var")) {
				t.Fatalf("got %s at %s\nwant %s at 3:11", got, at, tc.want)
			}
		})
	}
}
