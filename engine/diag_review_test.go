package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// reviewBase is cascadeBase with profiles and a sink for its stream, so
// that a valid scenario has no diagnostic at all.
const reviewBase = cascadeBase + `
distribution "h" {
  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
distribution "w" {
  weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 2, sun = 2 }
}
sink "out" {
  type   = "stdout"
  stream = "e"
}
`

// reviewDiag is one diagnostic of a case: its severity, summary and
// where it starts.
type reviewDiag struct {
	sev     string // "error" or "warning"
	summary string
	at      string // line:column, or "" for anywhere
	detail  string // in its detail
}

// checkReviewDiags compiles reviewBase with old replaced by new and wants
// exactly the diagnostics want, in order.
func checkReviewDiags(t *testing.T, old, new string, opts engine.Options, want ...reviewDiag) hcl.Diagnostics {
	t.Helper()
	return checkEdited(t, []string{old, new}, opts, want...)
}

// checkEdited is checkReviewDiags with several edits: old, new, old, new….
func checkEdited(t *testing.T, edits []string, opts engine.Options, want ...reviewDiag) hcl.Diagnostics {
	t.Helper()
	src := reviewBase
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("base has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	sc, diags := dsl.ParseSource("t.hcl", []byte(src))
	if !diags.HasErrors() {
		_, diags = engine.Compile(sc, opts)
	}
	show := func() string {
		var b strings.Builder
		for _, d := range diags {
			fmt.Fprintf(&b, "\n  %v %s: %s (at %v)", d.Severity, d.Summary, d.Detail, d.Subject)
		}
		return b.String()
	}
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:%s", len(diags), len(want), show())
	}
	for i, w := range want {
		d := diags[i]
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		if sev != w.sev || d.Summary != w.summary || !strings.Contains(d.Detail, w.detail) {
			t.Errorf("diagnostic %d: want %s %q with %q:%s", i, w.sev, w.summary, w.detail, show())
		}
		if w.at != "" {
			if got := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); got != w.at {
				t.Errorf("diagnostic %d at %s, want %s", i, got, w.at)
			}
		}
	}
	return diags
}

// TestNoFollowOnDiagnostics: once a reference fails to resolve, what
// depends on it is not reported again (review #12).
func TestNoFollowOnDiagnostics(t *testing.T) {
	t.Run("valid base", func(t *testing.T) {
		checkReviewDiags(t, "", "", engine.Options{})
	})
	t.Run("an unknown actor entity: no stream without sink, no unknown stream", func(t *testing.T) {
		checkReviewDiags(t, "actor = entity.user", "actor = entity.users", engine.Options{},
			reviewDiag{"error", "Unknown entity", "21:17", `There is no entity "users". Did you mean "user"?`})
	})
	t.Run("a sink of a stream no flow emits is still unknown", func(t *testing.T) {
		checkReviewDiags(t, `stream = "e"`, `stream = "ev"`, engine.Options{},
			reviewDiag{"warning", "Stream has no sink", "", `Records emitted to "e"`},
			reviewDiag{"error", "Unknown stream", "", `No state emits to a stream named "ev". Did you mean "e"?`})
	})
	t.Run("next with an unknown state: no weights warning", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { c = 0.5, end = 0.5 }", engine.Options{},
			reviewDiag{"error", "Unknown state", "31:14", `The flow has no state "c"`})
	})
	t.Run("next with an unknown state: no zero-sum error", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { c = 1, end = 0 }", engine.Options{},
			reviewDiag{"error", "Unknown state", "31:14", `The flow has no state "c"`})
	})
	t.Run("next weights below 1 still warn", func(t *testing.T) {
		checkReviewDiags(t, "next = { end = 1 }", "next = { a = 0.2, end = 0.3 }", engine.Options{},
			reviewDiag{"warning", "Weights do not sum to 1", "31:12", "sum to 0.5"})
	})
	t.Run("arrivals with the profiles first", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals([distribution.h], var.rate, [distribution.h, distribution.w])", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:33",
				"arrivals(rate_per_day, [profiles…], active_days). Here: arrivals(var.rate, [distribution.h, distribution.w])."})
	})
	t.Run("arrivals of a profile alone", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals(distribution.w)", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:33", "Here: arrivals(rate_per_day, [distribution.w])."})
	})
	t.Run("arrivals with active_days before the profiles", func(t *testing.T) {
		checkReviewDiags(t, "arrivals(var.rate)", "arrivals(var.rate, 0.5, distribution.h)", engine.Options{},
			reviewDiag{"error", "Arguments out of order", "22:48", "Here: arrivals(var.rate, [distribution.h], 0.5)."})
	})
	t.Run("a profile drawn as a value", func(t *testing.T) {
		checkReviewDiags(t, `emit "e" { id = user.id }`, `emit "e" { id = distribution.h }`, engine.Options{},
			reviewDiag{"error", "Not a sampler", "", "distribution.h is an hourly profile;"})
	})
}

// TestValidateHints: the hints language.md promises, at the place that is
// wrong (review #13).
func TestValidateHints(t *testing.T) {
	const emit = `emit "e" { id = user.id }`
	t.Run("a time plus a constant number", func(t *testing.T) {
		checkReviewDiags(t, emit, `emit "e" { at = event.time + 30 }`, engine.Options{},
			reviewDiag{"error", "Invalid operands", "25:21", "time and int cannot be combined with +. 30 is a number, not a duration: write minutes(30) (or seconds, hours, days) for one."})
	})
	t.Run("a number minus a duration", func(t *testing.T) {
		checkReviewDiags(t, emit, `emit "e" { at = 1.5 - minutes(2) }`, engine.Options{},
			reviewDiag{"error", "Invalid operands", "", "float and duration cannot be combined with -. 1.5 is a number, not a duration: write minutes(1.5)"})
	})
	t.Run("a time plus a number known at run time", func(t *testing.T) {
		checkReviewDiags(t, emit, `emit "e" { at = event.time + event.seq }`, engine.Options{},
			reviewDiag{"error", "Invalid operands", "", "time and int cannot be combined with +. A number is not a duration: write minutes(30), hours(2) or days(1)"})
	})
	t.Run("a time times a number has no duration hint", func(t *testing.T) {
		d := checkReviewDiags(t, emit, `emit "e" { at = event.time * 2 }`, engine.Options{},
			reviewDiag{"error", "Invalid operands", "", "time and int cannot be combined with *."})
		if strings.Contains(d[0].Detail, "minutes(") {
			t.Errorf("hint for *: %s", d[0].Detail)
		}
	})
	t.Run("an experiment named by a part of its name", func(t *testing.T) {
		checkEdited(t, []string{`experiment "x" {`, `experiment "one_click_checkout" {`, "experiment.x.p", "experiment.one_click.p"}, engine.Options{},
			reviewDiag{"error", "Unknown experiment", "26:48", `There is no experiment "one_click". Did you mean "one_click_checkout"?`})
	})
	t.Run("an experiment misspelt", func(t *testing.T) {
		checkEdited(t, []string{`experiment "x" {`, `experiment "checkout" {`, "experiment.x.p", "experiment.chekout.p"}, engine.Options{},
			reviewDiag{"error", "Unknown experiment", "26:48", `There is no experiment "chekout". Did you mean "checkout"?`})
	})
	t.Run("an experiment like none lists the declared ones", func(t *testing.T) {
		checkReviewDiags(t, "experiment.x.p", "experiment.pricing.p", engine.Options{},
			reviewDiag{"error", "Unknown experiment", "26:48", `There is no experiment "pricing". Declared: x.`})
	})
	t.Run("no experiment declared", func(t *testing.T) {
		block := reviewBase[strings.Index(reviewBase, `experiment "x" {`):strings.Index(reviewBase, `flow "f" {`)]
		checkEdited(t, []string{block, "", "probability = experiment.x.p", "probability = experiment.y.p"}, engine.Options{},
			reviewDiag{"error", "Unknown experiment", "", `There is no experiment "y". No experiment is declared (experiment "y" { unit = …, groups = { … } } declares one).`})
	})
	t.Run("a negative hourly weight is underlined alone", func(t *testing.T) {
		checkReviewDiags(t, "hourly = [1, 1, 1,", "hourly = [1, 1, -0.5,", engine.Options{},
			reviewDiag{"error", "Invalid weight", "36:19", "Profile weights must be zero or positive numbers, got -0.5."})
	})
	t.Run("a negative weekly weight is underlined alone", func(t *testing.T) {
		checkReviewDiags(t, "sat = 2", "sat = -2", engine.Options{},
			reviewDiag{"error", "Invalid weight", "39:65", "got -2."})
	})
}

// TestZoneConstantsCheckedAtValidate: a session zone that is not one
// constant but comes only to constants (an attribute's conditional,
// switch, weighted) has each constant checked at compile time, with the
// error at the constant (review #13).
func TestZoneConstantsCheckedAtValidate(t *testing.T) {
	withTz := func(tz string) []string {
		return []string{
			`attributes { id = "u${index}" }`, "attributes {\n    id = \"u${index}\"\n    tz = " + tz + "\n  }",
			"session { arrivals = arrivals(var.rate) }", "session {\n    arrivals = arrivals(var.rate)\n    zone     = user.tz\n  }",
		}
	}
	for _, tc := range []struct {
		name, tz string
		want     []reviewDiag
	}{
		{"a conditional", `index == 0 ? "America/Chicago" : "Europe/Berlim"`,
			[]reviewDiag{{"error", "Unknown time zone", "12:43", `"Europe/Berlim" is not an IANA time zone name such as "UTC", "Europe/Berlin" or "Asia/Seoul". Did you mean "Europe/Berlin"? The session zone of flow "f" (zone = user.tz) may take this value.`}}},
		{"a weighted draw of zone names", `weighted({ "Asia/Tokyo" = 1, "Europe/Berlim" = 2 })`,
			[]reviewDiag{{"error", "Unknown time zone", "12:39", `"Europe/Berlim" is not`}}},
		{"a switch with a trailing space", `switch(index % 2, { "0" = "Asia/Tokyo ", "1" = "UTC" })`,
			[]reviewDiag{{"error", "Unknown time zone", "12:36", `"Asia/Tokyo " is not an IANA time zone name such as "UTC", "Europe/Berlin" or "Asia/Seoul". Did you mean "Asia/Tokyo"?`}}},
		{"through another attribute, in parentheses", `(index > 3 ? "Europe/Paris" : choice(["UTC", "Mars/Base"]))`,
			[]reviewDiag{{"error", "Unknown time zone", "12:55", `"Mars/Base" is not`}}},
		{"every constant a zone", `index == 0 ? "America/Chicago" : weighted({ "Europe/Berlin" = 1, UTC = 1 })`, nil},
		{"a branch known only at run time is left to the run", `index == 0 ? "Europe/Berlim" : upper("utc")`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, withTz(tc.tz), engine.Options{}, tc.want...)
		})
	}
	t.Run("read as actor.tz", func(t *testing.T) {
		edits := withTz(`index == 0 ? "America/Chicago" : "Europe/Berlim"`)
		edits[3] = "session {\n    arrivals = arrivals(var.rate)\n    zone     = actor.tz\n  }"
		checkEdited(t, edits, engine.Options{},
			reviewDiag{"error", "Unknown time zone", "12:43", `"Europe/Berlim" is not`})
	})
	t.Run("two flows reading one bad constant: one error", func(t *testing.T) {
		edits := append(withTz(`index == 0 ? "UTC" : "Europe/Berlim"`), `sink "out" {`,
			"flow \"g\" {\n  actor = entity.user\n  session {\n    count = 1\n    zone  = user.tz\n  }\n  initial = \"a\"\n  state \"a\" {\n    emit \"e\" { id = user.id }\n    next = { end = 1 }\n  }\n}\nsink \"out\" {")
		checkEdited(t, edits, engine.Options{},
			reviewDiag{"error", "Unknown time zone", "12:31", `The session zone of flow "f"`})
	})
}

// TestUntypedVarFromCLI: an untyped variable without a default takes
// --var text as a string; where a number is wanted the hint is the
// variable's missing type, not quotes the user did not write (review #6).
func TestUntypedVarFromCLI(t *testing.T) {
	const hint = `Variable "users" (declared at t.hcl:6:10) has no type and no default, so --var users=3 is read as the string "3": declare it a number, variable "users" { type = number }.`
	untyped := []string{`variable "users" { default = 10 }`, `variable "users" {}`}
	opts := engine.Options{Vars: map[string]string{"users": "3"}}
	t.Run("a count", func(t *testing.T) {
		checkEdited(t, untyped, opts,
			reviewDiag{"error", "Wrong type", "9:11", "an entity's count must be a number, got string. " + hint})
	})
	t.Run("in arithmetic", func(t *testing.T) {
		checkEdited(t, append(untyped, "count = var.users", "count = var.users * 2"), opts,
			reviewDiag{"error", "Invalid operands", "9:11", "string and int cannot be combined with *. " + hint})
	})
	t.Run("a function's argument", func(t *testing.T) {
		checkEdited(t, append(untyped, "count = var.users", "count = round(uniform(var.users, 9))"), opts,
			reviewDiag{"error", "Invalid argument", "9:25", hint})
	})
	t.Run("text that is no number keeps the type error alone", func(t *testing.T) {
		d := checkEdited(t, untyped, engine.Options{Vars: map[string]string{"users": "many"}},
			reviewDiag{"error", "Wrong type", "9:11", "an entity's count must be a number, got string."})
		if strings.Contains(d[0].Detail, "type = number") {
			t.Errorf("hint for text: %s", d[0].Detail)
		}
	})
	t.Run("a typed variable takes the number", func(t *testing.T) {
		checkEdited(t, []string{`variable "users" { default = 10 }`, `variable "users" { type = number }`}, opts)
	})
	t.Run("a quoted number in the scenario keeps its hint", func(t *testing.T) {
		checkReviewDiags(t, "count = var.users", `count = "3"`, engine.Options{},
			reviewDiag{"error", "Wrong type", "9:11", `"3" is a string: write the number without quotes (3).`})
	})
}

// TestRememberBeforeEmitWarning: remember runs before the emits, so an
// emit of the state that remembers memory.X reads the new value; a
// warning says so and how to write the earlier one (review #7).
func TestRememberBeforeEmitWarning(t *testing.T) {
	const stateB = "emit \"e\" { id = user.id }\n    next = { end = 1 }"
	warn := func(at string) reviewDiag {
		return reviewDiag{"warning", "Emit reads memory remembered in its state", at,
			`State "b" remembers last, and remember runs before the emits: the emit sees the value remembered in this state. To write the earlier value, read it in set first: set = { prev = memory.last } and emit ctx.prev.`}
	}
	for _, tc := range []struct {
		name, b string
		edits   []string
		want    []reviewDiag
	}{
		{"cleared, then emitted", "remember = { last = null }\n    emit \"e\" { v = memory.last }", nil, []reviewDiag{warn("31:20")}},
		{"replaced, read inside an expression", "remember = { last = user.id }\n    emit \"e\" { v = upper(\"${memory.last}!\") }", nil, []reviewDiag{warn("31:29")}},
		{"read in for_each", "remember = { last = [user.id] }\n    emit \"e\" {\n      for_each = memory.last\n      v = each.value\n    }", nil, []reviewDiag{warn("32:18")}},
		{"read twice: one warning", "remember = { last = user.id }\n    emit \"e\" {\n      v = memory.last\n      w = memory.last\n    }", nil, []reviewDiag{warn("32:11")}},
		{"read by a common field", "remember = { last = user.id }\n    emit \"e\" { id = user.id }",
			[]string{`  initial = "a"`, "  initial = \"a\"\n  common \"e\" { prev = memory.last }"}, []reviewDiag{warn("24:23")}},
		{"read in set first, emitted from ctx", "set      = { prev = memory.last }\n    remember = { last = user.id }\n    emit \"e\" { v = ctx.prev }", nil, nil},
		{"another state's remember", "emit \"e\" { v = memory.last }",
			[]string{"transition \"b\"   {", "remember = { last = user.id }\n    transition \"b\"   {"}, nil},
		{"a counter updated from itself", "remember = { last = (memory.last == null ? 0 : memory.last) + 1 }\n    emit \"e\" { v = memory.last }", nil, nil},
		{"an emit in error is not warned of as well", "remember = { last = user.id }\n    emit \"e\" { v = memory.last + 1 }", nil,
			[]reviewDiag{{"error", "Invalid operands", "31:20", "string and int cannot be combined with +."}}},
		{"another slot", "remember = { last = user.id }\n    emit \"e\" { v = memory.seen }",
			[]string{"transition \"b\"   {", "remember = { seen = true }\n    transition \"b\"   {"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edits := append([]string{stateB, tc.b + "\n    next = { end = 1 }"}, tc.edits...)
			checkEdited(t, edits, engine.Options{}, tc.want...)
		})
	}
}

// TestDistanceKmDomain: a constant latitude outside -90..90 or longitude
// outside -180..180 is an error at the argument when the scenario
// compiles, with the other arguments known only at run time too
// (review #18; the run-time fault is in TestRuntimeErrors).
func TestDistanceKmDomain(t *testing.T) {
	const emit = `emit "e" { id = user.id }`
	for _, tc := range []struct {
		call string
		want []reviewDiag
	}{
		{"distance_km(1000, 0, 0, 0)", []reviewDiag{{"error", "Invalid argument", "25:32", "distance_km: lat1 is a latitude, -90 to 90 degrees, got 1000. Usage: distance_km(lat1, lon1, lat2, lon2)."}}},
		{"distance_km(event.seq, 0, -90.5, 0)", []reviewDiag{{"error", "Invalid argument", "25:46", "lat2 is a latitude, -90 to 90 degrees, got -90.5."}}},
		{"distance_km(0, 181, event.seq, 0)", []reviewDiag{{"error", "Invalid argument", "25:35", "lon1 is a longitude, -180 to 180 degrees, got 181."}}},
		{"distance_km(0, 0, event.seq, -180.25)", []reviewDiag{{"error", "Invalid argument", "25:49", "lon2 is a longitude, -180 to 180 degrees, got -180.25."}}},
		{"distance_km(90, -180, -90, 180)", nil},
		{"distance_km(event.seq, 0, 0, 0)", nil},
	} {
		t.Run(tc.call, func(t *testing.T) {
			checkReviewDiags(t, emit, `emit "e" { d = `+tc.call+` }`, engine.Options{}, tc.want...)
		})
	}
}

// TestArrivalsOneProfileWithoutList: arrivals(rate, distribution.h), a
// profile not in a list, is arrivals(rate, [distribution.h]), as
// docs/reference.md says: no diagnostic, the same records.
func TestArrivalsOneProfileWithoutList(t *testing.T) {
	out := func(profiles string) []byte {
		src := strings.Replace(reviewBase, "arrivals(var.rate)", "arrivals(var.rate, "+profiles+")", 1)
		src = strings.Replace(src, `type   = "stdout"`, "type   = \"jsonl\"\n  path   = \"e.jsonl\"", 1)
		path := writeScenario(t, src)
		plan, diags := compileDiags(t, path, engine.Options{})
		if len(diags) > 0 {
			t.Fatalf("%s: %s", profiles, diags.Error())
		}
		dir := t.TempDir()
		if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir}); err != nil {
			t.Fatal(err)
		}
		return readFile(t, filepath.Join(dir, "e.jsonl"))
	}
	alone, listed := out("distribution.w"), out("[distribution.w]")
	if len(alone) == 0 || !bytes.Equal(alone, listed) {
		t.Errorf("arrivals with one profile alone wrote %d bytes, in a list %d, or they differ", len(alone), len(listed))
	}
}
