package engine_test

import (
	"fmt"
	"strings"
	"testing"

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
		{name: "max_events beyond int32", old: `max_events = 5`, new: `max_events = 3000000000`,
			summary: "Invalid max_events", detail: "max_events is at most 2147483647 (events per session), got 3000000000", pos: "s.hcl:13:18"},
		{name: "max_events above the safety cap", old: `max_events = 5`, new: `max_events = 250000`},
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
	errs := errorsIn(diags)
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

// berlinScenario runs over the spring-forward night in Europe/Berlin
// (the clocks jump from 02:00 to 03:00 on 2025-03-30) and has an
// experiment; each case replaces one of its times.
const berlinScenario = `scenario "t" {
  timezone = "Europe/Berlin"
  start    = "2025-03-29"
  end      = "2025-04-01"
}
distribution "hol" { dates = { "2025-03-30" = 2 } }
entity "user" {
  count = 3
  attributes { id = "u${index}" }
}
experiment "x" {
  unit   = user.id
  during = ["2025-03-29T12:00", "2025-03-31"]
  groups = { a = 0.5, b = 0.5 }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(4, [distribution.hol])
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      id    = user.id
      group = experiment.x.group
    }
    next = { end = 1 }
  }
}
`

// TestCompileRejectsMissingLocalTimes: a local time the clocks skip is an
// error at the value that names it; a repeated one is its first occurrence.
func TestCompileRejectsMissingLocalTimes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		old, new        string
		summary, detail string
		pos             string
	}{
		{name: "start in the gap", old: `start    = "2025-03-29"`, new: `start    = "2025-03-30T02:30:00"`,
			summary: "Invalid time", detail: `start: "2025-03-30T02:30:00" does not exist in time zone Europe/Berlin`, pos: "s.hcl:3:14"},
		{name: "end in the gap", old: `end      = "2025-04-01"`, new: `end      = "2025-03-30 02:00"`,
			summary: "Invalid time", detail: `end: "2025-03-30 02:00" does not exist in time zone Europe/Berlin`, pos: "s.hcl:4:14"},
		{name: "experiment window in the gap", old: `"2025-03-31"]`, new: `"2025-03-30T02:15"]`,
			summary: "Invalid time", detail: `"2025-03-30T02:15" does not exist`, pos: "s.hcl:13:12"},
		{name: "start just after the gap", old: `start    = "2025-03-29"`, new: `start    = "2025-03-30T03:00:00"`},
		{name: "start with an offset", old: `start    = "2025-03-29"`, new: `start    = "2025-03-30T02:30:00+01:00"`},
		{name: "repeated autumn hour", old: `end      = "2025-04-01"`, new: `end      = "2025-10-26T02:30:00"`},
		{name: "a dates profile names days", old: `"2025-03-30" = 2`, new: `"2025-03-30..2025-03-31" = 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkCompile(t, strings.Replace(berlinScenario, tc.old, tc.new, 1), tc.summary, tc.detail, tc.pos)
		})
	}
}

// TestAmbiguousStartIsFirstOccurrence: 02:30 on the night the clocks go
// back is read as CEST, the first time the clocks show it.
func TestAmbiguousStartIsFirstOccurrence(t *testing.T) {
	src := strings.NewReplacer(`start    = "2025-03-29"`, `start    = "2025-10-26T02:30:00"`,
		`end      = "2025-04-01"`, `end      = "2025-10-27"`, `"2025-03-31"]`, `"2025-10-27"]`,
		`"2025-03-29T12:00"`, `"2025-10-26T02:30"`).Replace(berlinScenario)
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got, want := plan.Start, int64(1761438600000); got != want { // 2025-10-26T00:30:00Z
		t.Errorf("start %d, want %d (02:30 CEST)", got, want)
	}
}
