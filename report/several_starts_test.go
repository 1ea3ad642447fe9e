package report

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// severalScenario: a checkout that writes several records per event (two
// emits into one stream, or one per order line with for_each), with no
// session.id field. actor is the emits' actor field ("" for none), more
// is what follows the checkout ("" for max_events = 1), hourly the
// arrival profile's distribution ("" for a flat one).
func severalScenario(seed, emits, actor, more, hourly string) string {
	session, next, review := "max_events = 1", "{ end = 1 }", ""
	if more != "" {
		session, next = "", "{ review = 0.5, end = 0.5 }"
		review = `state "review" {
    emit "ev" {
      ` + actor + `
      ts   = event.time
      kind = "review"
    }
  }`
	}
	profile, dist := "", ""
	if hourly != "" {
		profile = ", [distribution.h]"
		dist = "distribution \"h\" {\n  hourly = [" + hourly + "]\n}"
	}
	return `
scenario "several" {
  seed  = ` + seed + `
  start = "2025-01-01"
  end   = "2025-01-10"
}
` + dist + `
entity "c" {
  count = 3000
  attributes { cid = "C${index}" }
}
flow "order" {
  actor = entity.c
  session {
    arrivals = arrivals(1` + profile + `)
    ` + session + `
  }
  gap     = "10m"
  initial = "checkout"
  state "checkout" {
    set = { lines = [for i in [1, 2, 3, 4, 5, 6, 7, 8] : i if i <= uniform(1, 8)] }
    ` + strings.ReplaceAll(emits, "ACTOR", actor) + `
    next = ` + next + `
  }
  ` + review + `
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
}

const (
	twoEmits = `emit "ev" {
      ACTOR
      ts   = event.time
      kind = "order"
    }
    emit "ev" {
      ACTOR
      ts   = event.time
      kind = "payment"
    }`
	forEachEmit = `emit "ev" {
      for_each = ctx.lines
      ACTOR
      ts   = event.time
      kind = "line"
      line = each.value
    }`
	peaked = "0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 2, 1.5, 1, 1, 1, 1, 1, 1.5, 2, 2, 1.5, 1, 0.8, 0.5, 0.3, 0.2"
)

// linesHolding counts the records of a JSON lines file whose text holds s.
func linesHolding(t *testing.T, path, s string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := int64(0)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			n++
		}
	}
	return n
}

// TestReportSeveralRecordsPerStart: without a session field, a state
// that writes several records per event (two emits into one stream, or
// for_each) has them counted as one session start per actor and time.
// Each record used to count as a start: the hours and weekdays were
// weighed by the records per event, and a correct run failed "hour of
// day" (seed 11: chi2 = 62.2 on 23 df, n = 53 992 for 26 996 sessions).
// Without the actor's field the events cannot be counted: not checked,
// with a note. A profile that is not the declared one still fails.
func TestReportSeveralRecordsPerStart(t *testing.T) {
	const actor = "cid  = c.cid"
	for _, tc := range []struct {
		name, seed, emits, actor, more, runWith string
		startsOf                                string // the text in each start's record ("" for no check)
		pass                                    bool
		note                                    string
	}{
		{name: "two emits, max_events = 1", seed: "11", emits: twoEmits, actor: actor, startsOf: `"order"`, pass: true},
		{name: "two emits, then more events", seed: "12", emits: twoEmits, actor: actor, more: "yes", startsOf: `"order"`, pass: true},
		{name: "for_each, max_events = 1", seed: "11", emits: forEachEmit, actor: actor, startsOf: `"line":1}`, pass: true},
		{name: "for_each without the actor", seed: "11", emits: forEachEmit,
			note: `flow "order": its state "checkout" writes one record per element of a for_each list, and no field identifies the session or the actor`},
		{name: "two emits without the actor", seed: "11", emits: twoEmits,
			note: `flow "order": its state "checkout" writes several records per event (one per emit into it), and no field identifies the session or the actor`},
		{name: "two emits, another profile", seed: "11", emits: twoEmits, actor: actor, runWith: peaked, startsOf: `"order"`},
		{name: "for_each, another profile", seed: "11", emits: forEachEmit, actor: actor, runWith: peaked, startsOf: `"line":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			declared := severalScenario(tc.seed, tc.emits, tc.actor, tc.more, "")
			run := declared
			if tc.runWith != "" {
				run = severalScenario(tc.seed, tc.emits, tc.actor, tc.more, tc.runWith)
			}
			plan, dir := compileRun(t, run, 2)
			spec := plan.Introspect()
			if tc.runWith != "" {
				p, _ := compileRun(t, declared, 1)
				spec = p.Introspect()
			}
			file := filepath.Join(dir, "ev.jsonl")
			r := buildReport(t, plan, spec, file)
			var text strings.Builder
			r.WriteText(&text)
			var got []Check
			for _, c := range r.Checks {
				if c.Kind == HourOfDay || c.Kind == Weekday {
					got = append(got, c)
				}
			}
			if tc.note != "" {
				if len(got) != 0 || !hasNote(r, tc.note) {
					t.Fatalf("want no arrival check and the note %q:\n%s", tc.note, text.String())
				}
				return
			}
			if len(got) != 2 {
				t.Fatalf("want hour of day and weekday:\n%s", text.String())
			}
			// One start per event: the first line of an order, or its
			// order record (a for_each list always holds 1).
			want := linesHolding(t, file, tc.startsOf)
			for _, c := range got {
				if c.N != want {
					t.Errorf("%s: n=%d, want one per event (%d)", c.Kind, c.N, want)
				}
			}
			if hour := got[0]; hour.Pass != tc.pass {
				t.Errorf("hour of day pass = %v, want %v:\n%s", hour.Pass, tc.pass, text.String())
			}
			if tc.pass && !got[1].Pass {
				t.Errorf("weekday fails on a correct run:\n%s", text.String())
			}
		})
	}
}
