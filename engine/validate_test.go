package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// auditScenario is a small valid scenario; each case replaces one of its
// settings. Line numbers in the cases refer to this text.
const auditScenario = `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 3
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session {
    count      = 2
    max_events = 5
  }
  gap     = uniform("1m", "5m")
  initial = "s"
  state "s" {
    emit "ev" { id = user.id }
    next = { s = 0.5, end = 0.5 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`

// TestCompileRejectsNonsense: settings that make no sense are errors at
// their value, never a silently odd output.
func TestCompileRejectsNonsense(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replaced in auditScenario
		summary  string // "" : compiles without error
		detail   string
		pos      string // file:line:column of the diagnostic's subject
	}{
		{name: "negative gap", old: `uniform("1m", "5m")`, new: `"-5m"`,
			summary: "Negative gap", detail: "gap must not be negative, got -5m", pos: "s.hcl:15:13"},
		{name: "negative gap from a function", old: `uniform("1m", "5m")`, new: `minutes(-2)`,
			summary: "Negative gap", detail: "counts as zero", pos: "s.hcl:15:13"},
		{name: "negative delay", old: `emit "ev"`, new: "delay = \"-1s\"\n    emit \"ev\"",
			summary: "Negative delay", detail: "delay must not be negative", pos: "s.hcl:18:13"},
		{name: "zero gap", old: `uniform("1m", "5m")`, new: `"0s"`},
		{name: "gap drawn at run time may be negative", old: `uniform("1m", "5m")`, new: `minutes(normal(1, 5))`},
		{name: "max_events zero", old: `max_events = 5`, new: `max_events = 0`,
			summary: "Invalid max_events", detail: "max_events must be at least 1, got 0", pos: "s.hcl:13:18"},
		{name: "max_events negative", old: `max_events = 5`, new: `max_events = -3`,
			summary: "Invalid max_events", detail: "at least 1, got -3", pos: "s.hcl:13:18"},
		{name: "max_events one", old: `max_events = 5`, new: `max_events = 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkCompile(t, strings.Replace(auditScenario, tc.old, tc.new, 1), tc.summary, tc.detail, tc.pos)
		})
	}
}

// checkCompile compiles src as s.hcl and wants exactly one error with the
// summary, a detail containing detail, at pos; or none when summary is "".
func checkCompile(t *testing.T, src, summary, detail, pos string) {
	t.Helper()
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if !diags.HasErrors() {
		_, cd := engine.Compile(sc, engine.Options{})
		diags = append(diags, cd...)
	}
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	if summary == "" {
		if len(errs) > 0 {
			t.Fatal(errs.Error())
		}
		return
	}
	if len(errs) != 1 {
		t.Fatalf("want one error %q, got %d: %v", summary, len(errs), errs)
	}
	d := errs[0]
	if d.Summary != summary || !strings.Contains(d.Detail, detail) {
		t.Errorf("got %q: %q\nwant %q: …%s…", d.Summary, d.Detail, summary, detail)
	}
	if d.Subject == nil {
		t.Fatalf("%q has no source range", d.Summary)
	}
	if got := fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column); got != pos {
		t.Errorf("at %s, want %s", got, pos)
	}
}
