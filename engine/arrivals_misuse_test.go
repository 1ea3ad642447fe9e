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

// TestArrivalsOutsideSession: arrivals(…) anywhere but as the whole value
// of a session's arrivals is an error at the call (it panicked the
// compiler: the form has no value of its own).
func TestArrivalsOutsideSession(t *testing.T) {
	for _, tc := range []struct {
		name string
		// Substituted into the scenario below: an attribute, the
		// session's line, the emit's field, the gap.
		attr, session, field, gap string
	}{
		{name: "an attribute", attr: "arrivals(2)"},
		{name: "a session count", session: "count = arrivals(2)"},
		{name: "a session every", session: "every = arrivals(2)"},
		{name: "max_events", session: "max_events = arrivals(2)"},
		{name: "an emit field", field: "arrivals(2)"},
		{name: "a gap", gap: "arrivals(2)"},
		{name: "inside a switch", field: `switch(user.id, { a = arrivals(1), default = 1 })`},
		{name: "inside json", field: "json(arrivals(1))"},
		{name: "inside a for expression", field: "[for x in [1, 2] : arrivals(x)]"},
		{name: "inside a conditional", field: "true ? arrivals(2) : 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := func(s, d string) string {
				if s == "" {
					return d
				}
				return s
			}
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 2
  attributes {
    id = "u${index}"
    a = ` + def(tc.attr, "1") + `
  }
}
experiment "x" {
  unit = user.id
  groups = { a = 1, b = 1 }
}
flow "f" {
  actor = entity.user
  session {
    ` + def(tc.session, "max_events = 2") + `
  }
  gap     = ` + def(tc.gap, `"1m"`) + `
  initial = "s"
  state "s" {
    emit "ev" {
      f = ` + def(tc.field, "1") + `
    }
    next = { end = 1 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			// The error is at the (innermost) arrivals call.
			at := ""
			for i, line := range strings.Split(src, "\n") {
				if j := strings.LastIndex(line, "arrivals("); j >= 0 {
					at = fmt.Sprintf("%d:%d", i+1, j+1)
				}
			}
			path := filepath.Join(t.TempDir(), "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			_, diags := compileDiags(t, path, engine.Options{})
			errs := errorsIn(diags)
			var mine int
			for _, d := range errs {
				if d.Summary == "Invalid use of arrivals" {
					mine++
					wantOneError(t, hcl.Diagnostics{d}, "Invalid use of arrivals: arrivals(…) is a session timing form", at)
				}
			}
			if mine != 1 {
				t.Fatalf("want one 'Invalid use of arrivals' error, got: %s", errs.Error())
			}
			if !strings.Contains(diags.Error(), "session { arrivals = … }") {
				t.Errorf("the error does not say where arrivals belongs: %s", diags.Error())
			}
		})
	}
}
