package engine_test

import (
	"strings"
	"testing"
)

// review33WindowSrc has a dates profile, a constraint's min_gap and a
// fixed session count under it: each is measured against the window.
const review33WindowSrc = `scenario "s" {
  start = "2025-01-01"
  end   = END
}
distribution "hol" { dates = { "2025-01-01" = 2 } }
experiment "x" {
  unit   = user.id
  during = ["2025-01-01", "2025-01-02"]
  groups = { a = 1, b = 1 }
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 3 }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
flow "g" {
  actor   = entity.user
  session { arrivals = arrivals(1, [distribution.hol]) }
  initial = "a"
  state "a" {
    emit "e" { x = experiment.x.group }
    next = { end = 1 }
  }
}
constraint "c" {
  flows   = [flow.f]
  min_gap = GAP
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestNoWindowChecksWithoutWindow: a scenario whose end is not after its
// start, or does not parse, gets that one error; the checks that measure
// the window (a min_gap "not shorter than the scenario window (-744h0m0s)",
// a session count that does not fit, a dates profile "outside the window
// (2025-01-01 to 1969-12-31)") said more about a window that is not there.
func TestNoWindowChecksWithoutWindow(t *testing.T) {
	for _, tc := range []struct{ name, start, end, gap, day, want string }{
		{"end equal to start", `"2025-01-01"`, `"2025-01-01"`, `"1h"`, "2025-01-01",
			"error 3:11 Empty time window: end (2025-01-01T00:00:00Z) must be after start (2025-01-01T00:00:00Z)."},
		{"end before start", `"2025-01-01"`, `"2024-12-01"`, `"1h"`, "2025-01-01",
			"error 3:11 Empty time window: end (2024-12-01T00:00:00Z) must be after start (2025-01-01T00:00:00Z)."},
		{"an end that is no date", `"2025-01-01"`, `"2025-01-32"`, `"1h"`, "2025-01-01",
			`error 3:11 Invalid time: end: invalid time "2025-01-32": use RFC 3339 (2025-06-01T00:00:00+09:00) or a local date/time (2025-06-01, 2025-06-01T08:30:00).`},
		{"a start that is no date", `"2025-13-01"`, `"2025-01-02"`, `"1h"`, "2025-01-01",
			`error 2:11 Invalid time: start: invalid time "2025-13-01": use RFC 3339 (2025-06-01T00:00:00+09:00) or a local date/time (2025-06-01, 2025-06-01T08:30:00).`},
		// The checks still measure a window that exists.
		{"min_gap longer than the window", `"2025-01-01"`, `"2025-01-01T00:30:00"`, `"1h"`, "2025-01-01",
			"error 35:13 Impossible constraint: min_gap 1h0m0s is not shorter than the scenario window (30m0s): no actor could have two events."},
		{"sessions that do not fit", `"2025-01-01"`, `"2025-01-02"`, `"13h"`, "2025-01-01",
			"error 35:13 Impossible constraint: flow.f asks for 3 sessions per actor, but with min_gap 13h0m0s they need 26h0m0s and the scenario window is 24h0m0s."},
		{"dates outside the window", `"2025-01-01"`, `"2025-01-03"`, `"1h"`, "2025-02-01",
			`warning 5:30 Dates outside the window: No date of distribution "hol" falls in the scenario's window (2025-01-01 to 2025-01-02): it changes nothing.`},
		{"all well", `"2025-01-01"`, `"2025-01-03"`, `"1h"`, "2025-01-01", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer(`start = "2025-01-01"`, "start = "+tc.start, "END", tc.end, "GAP", tc.gap,
				`"2025-01-01" = 2`, `"`+tc.day+`" = 2`).Replace(review33WindowSrc), tc.want)
		})
	}
}

// TestQuietHoursCount: quiet_hours with other than two values says how
// many it got, in English ("Got 1 values." before).
func TestQuietHoursCount(t *testing.T) {
	const head = `["22:00", "07:00"] or [22, 7]; it may wrap past midnight. `
	for _, tc := range []struct{ name, quiet, want string }{
		{"one", `["01:00"]`, "Got 1 value."},
		{"three", `["01:00", "02:00", "03:00"]`, "Got 3 values."},
		{"none", `[]`, "Got 0 values."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("END", `"2025-01-03"`,
				`min_gap = GAP`, "quiet_hours = "+tc.quiet).Replace(review33WindowSrc)
			wantDiags(t, src, "error 35:17 Invalid quiet_hours: quiet_hours is [from, to] in local time, e.g. "+head+tc.want)
		})
	}
}

// TestEntityWhereNoActor: an entity's attribute where no actor is in
// scope (a constraint's min_gap, a variable's default, a profile, an
// experiment's groups) says that the setting is one value for every
// actor; the closest name by spelling, "Did you mean var.users?", misled.
func TestEntityWhereNoActor(t *testing.T) {
	const tail = ": it is one value for the whole scenario, the same for every actor, so it cannot read an attribute of user (entity.user is the table of every user, for choice, lookup and the like)."
	for _, tc := range []struct{ name, from, to, want string }{
		{"min_gap", `min_gap = GAP`, `min_gap = minutes(user.n)`,
			`error 35:21 Unknown name: "user" is not defined here; min_gap can use var, scenario, distribution, dataset, entity` + tail},
		{"a variable's default", `distribution "hol"`, "variable \"users\" { default = user.n }\ndistribution \"hol\"",
			`error 5:30 Unknown name: "user" is not defined here; the default of variable "users" can use var, scenario, distribution, dataset, entity` + tail},
		{"an experiment's groups", `groups = { a = 1, b = 1 }`, `groups = { a = user.n, b = 1 }`,
			`error 9:18 Unknown name: "user" is not defined here; groups can use var, scenario, distribution, dataset, entity` + tail},
		// A name that is no entity still gets the closest one.
		{"a misspelt variable", `min_gap = GAP`, `min_gap = minutes(vr.n)`,
			`error 35:21 Unknown name: "vr" is not defined here; min_gap can use var, scenario, distribution, dataset, entity. Did you mean "var"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("END", `"2025-01-03"`, "GAP", `"1h"`).Replace(strings.Replace(review33WindowSrc, tc.from, tc.to, 1))
			wantDiags(t, src, tc.want)
		})
	}
}

// TestNameHints: the hint of an unknown name or function is the name
// meant, not the closest by spelling: users.id (beside a variable
// "users") is user.id, not var.users; now() is event.time, not pow().
func TestNameHints(t *testing.T) {
	const roots = ` is not defined here; a flow state can use var, scenario, distribution, dataset, entity, index, user, actor, session, event, ctx, memory, experiment.`
	for _, tc := range []struct{ name, field, vars, want string }{
		{"an entity's name misspelt before its attribute", "users.id", "variable \"users\" { default = 5 }\n",
			`error 30:20 Unknown name: "users"` + roots + ` Did you mean user.id?`},
		{"an attribute it does not have", "usr.idd", "",
			`error 29:20 Unknown name: "usr"` + roots + ` Did you mean "user"?`},
		{"now()", "now()", "",
			`error 29:20 Unknown function: There is no function named "now". The time of an event is event.time, on the simulated clock: scen reads no wall clock, so the output depends only on the scenario and the seed. See docs/reference.md for the functions and distributions available.`},
		{"timestamp", "timestamp", "",
			`error 29:20 Unknown name: "timestamp"` + roots + ` Did you mean event.time (the event's simulated time)?`},
		{"a misspelt function still gets the closest", "uniferm(1, 2)", "",
			`error 29:20 Unknown function: There is no function named "uniferm". Did you mean "uniform"? See docs/reference.md for the functions and distributions available.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("END", `"2025-01-03"`, "GAP", `"1h"`, "x = experiment.x.group", "x = "+tc.field).Replace(review33WindowSrc)
			wantDiags(t, tc.vars+src, tc.want)
		})
	}
}
