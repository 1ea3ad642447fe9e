package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// review32Src is a small scenario whose parts the review-32 tests replace.
const review32Src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
VARS
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = NEXT
  }
  state "b" {
    emit "e" { x = 2 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestInvalidWeightNoSumWarning: a transition weight that is an error
// (negative, a string) is not followed by the "Weights do not sum to 1"
// warning, whose sum and shares left it out ("sum to 0.005 … add end =
// 0.995"), nor by "the weights sum to zero".
func TestInvalidWeightNoSumWarning(t *testing.T) {
	for _, tc := range []struct{ name, vars, next, want string }{
		{"a negative weight", "", "{ a = -0.5, b = 0.003, end = 0.002 }",
			"error 16:18 Invalid weight: Transition weights must be zero or positive, got -0.5."},
		{"a string weight", "", `{ a = "x", b = 0.003, end = 0.002 }`,
			"error 16:18 Wrong type: a transition weight must be a number, got string."},
		{"a string weight, the others zero", "", `{ a = "x", b = 0 }`,
			"error 16:18 Wrong type: a transition weight must be a number, got string."},
		{"a string in a variable's object", `variable "nx" { default = { a = "x", b = 0.3 } }`, "var.nx",
			`error 16:12 Wrong type: a transition weight must be a number, got string (next's "a").`},
		{"probabilities that do not sum to 1 still warn", "", "{ b = 0.3, end = 0.3 }",
			"warning 16:12 Weights do not sum to 1: The weights are all below 1, like probabilities, but sum to 0.6. They are weights, normalised: b 50.0%, end 50.0%. If they are probabilities, make them sum to 1."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("VARS", tc.vars, "NEXT", tc.next).Replace(review32Src), tc.want)
		})
	}
}

// TestTightRanges: an error about one key or element of a literal object
// or list points at that key or element, not at the whole literal (a
// weekly profile's misspelt day, a group's negative weight, a
// constraint's unknown state, an hour of quiet_hours out of range).
func TestTightRanges(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-09"
}
distribution "wk" {
  weekly = WEEKLY
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
experiment "ab" {
  unit   = user.id
  groups = GROUPS
}
flow "f" {
  actor   = entity.user
  session { arrivals = arrivals(1, [distribution.wk]) }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
constraint "c" {
  flows       = [flow.f]
  STATES
  quiet_hours = QUIET
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	const week = "{ mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 1, sun = 1 }"
	for _, tc := range []struct{ name, weekly, groups, states, quiet, want string }{
		{"a misspelt day", "{ mon = 1, mun = 1, tue = 1 }", "{ a = 1 }", "", `["22:00", "06:00"]`,
			`error 6:23 Invalid profile key: "mun" is not one of mon, tue, wed, thu, fri, sat, sun. Did you mean "mon"?`},
		{"a misspelt quoted day", `{ "mon" = 1, "mun" = 1 }`, "{ a = 1 }", "", `["22:00", "06:00"]`,
			`error 6:25 Invalid profile key: "mun" is not one of mon, tue, wed, thu, fri, sat, sun. Did you mean "mon"?`},
		{"a negative group weight", week, "{ a = 1, b = -1 }", "", `["22:00", "06:00"]`,
			`error 14:25 Invalid weight: The weight of group "b" must be zero or positive.`},
		{"a group named default", week, "{ a = 1, default = 1 }", "", `["22:00", "06:00"]`,
			`error 14:21 Reserved name: "default" cannot be a group name; it names a param's value outside the experiment window.`},
		{"an unknown state", week, "{ a = 1 }", `states = ["a", "b"]`, `["22:00", "06:00"]`,
			`error 27:18 Unknown state: No flow of the constraint (f) has a state "b". Did you mean "a"?`},
		{"a state listed twice", week, "{ a = 1 }", `states = ["a", "a"]`, `["22:00", "06:00"]`,
			`error 27:18 Invalid states: State "a" is listed twice.`},
		{"an hour out of range", week, "{ a = 1 }", "", `["22:00", "25:00"]`,
			`error 28:27 Invalid quiet_hours: quiet_hours is [from, to] in local time, e.g. ["22:00", "07:00"] or [22, 7]; it may wrap past midnight. Got "25:00": a time of day is "HH:MM", 24-hour, from "00:00" to "24:00".`},
		{"an int hour out of range", week, "{ a = 1 }", "", `[30, 6]`,
			`error 28:18 Invalid quiet_hours: quiet_hours is [from, to] in local time, e.g. ["22:00", "07:00"] or [22, 7]; it may wrap past midnight. Got 30: an hour is 0 to 24.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("WEEKLY", tc.weekly, "GROUPS", tc.groups, "STATES", tc.states, "QUIET", tc.quiet).Replace(src), tc.want)
		})
	}
}

// TestUnusedCommonSuggests: a common block for a stream no state of the
// flow emits to names the closest stream they do emit to.
func TestUnusedCommonSuggests(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  common "COMMON" { id = user.id }
  state "a" {
    emit "trips" { x = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "trips"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, common, want string }{
		{"a misspelt stream", "trip", `error 13:10 Unused common fields: No state of flow "f" emits to stream "trip". Did you mean "trips"?`},
		{"another stream", "audit", `error 13:10 Unused common fields: No state of flow "f" emits to stream "audit".`},
		{"the stream", "trips", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.ReplaceAll(src, "COMMON", tc.common), tc.want)
		})
	}
}

// TestParamOperandKinds: an experiment param whose values are of several
// kinds (control = "1.0" beside discount = 0.8) has no static kind, so an
// operator over it was checked only when the run met the value: the run
// of a scenario that validated stopped at "float and string cannot be
// combined with *". Each value is now checked against the operator and
// the other operand's kind while compiling, at the value, as a function's
// argument is.
func TestParamOperandKinds(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes {
    id    = "u${index}"
    price = uniform(1.0, 2.0)
  }
}
experiment "ab" {
  unit   = user.id
  groups = { control = 1, discount = 1 }
  param "f" {
    control  = CONTROL
    discount = 0.8
  }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { x = USE }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, control, use, want string }{
		{"a string times a float", `"1.0"`, "user.price * experiment.ab.f",
			`error 16:16 Invalid operand: experiment.ab.f is "1.0" in group "control", a string, and the field "x" at s.hcl:25:20 takes it through user.price * experiment.ab.f, where float and string cannot be combined with *.`},
		{"a string on the left", `"1.0"`, "experiment.ab.f + 1",
			`error 16:16 Invalid operand: experiment.ab.f is "1.0" in group "control", a string, and the field "x" at s.hcl:25:20 takes it through experiment.ab.f + 1, where string and int cannot be combined with +.`},
		{"arithmetic compared", `"1.0"`, "experiment.ab.f * 2 > user.price",
			`error 16:16 Invalid operand: experiment.ab.f is "1.0" in group "control", a string, and > at s.hcl:25:20 takes it through experiment.ab.f * 2, where string and int cannot be combined with *.`},
		{"a comparison under a guard", "true", `experiment.ab.group == "control" ? 0 : (experiment.ab.f > user.price ? 1 : 2)`, ""},
		{"a bool compared", "true", "experiment.ab.f > user.price",
			`error 16:16 Invalid operands: experiment.ab.f is true in group "control", a bool, which > at s.hcl:25:20 cannot compare with a float (user.price): bool and float cannot be compared with >.`},
		{"numbers", "1", "user.price * experiment.ab.f", ""},
		{"a string in a template", `"1.0"`, `"${experiment.ab.f}"`, ""},
		{"a string compared with ==", `"1.0"`, "experiment.ab.f == 1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("CONTROL", tc.control, "USE", tc.use).Replace(src), tc.want)
		})
	}
}

// TestUnreadVarWarns: a variable that --var sets and no expression reads
// is a warning at its declaration (--var devices=100 changed nothing,
// silently); one read anywhere (an entity count, another variable's
// default, a template, a sink attribute) is not.
func TestUnreadVarWarns(t *testing.T) {
	const src = `variable "n" { default = 5 }
variable "m" { default = 2 }
variable "unused" { default = 3 }
variable "table" { default = "t" }
variable "k" { default = var.m * 2 }
scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = var.n
  attributes { id = "u${index}-${var.k}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"an unread variable set", map[string]string{"unused": "7"},
			`warning 3:10 Variable not read: --var unused sets variable "unused", but no expression reads var.unused: the value changes nothing.`},
		{"an unread variable not set", nil, ""},
		{"a count", map[string]string{"n": "7"}, ""},
		{"read by another default", map[string]string{"m": "7"}, ""},
		{"read in a template", map[string]string{"k": "7"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			_, d := engine.Compile(sc, engine.Options{Vars: tc.vars})
			var got []string
			for _, x := range d {
				sev := "error"
				if x.Severity == hcl.DiagWarning {
					sev = "warning"
				}
				got = append(got, fmt.Sprintf("%s %d:%d %s: %s", sev, x.Subject.Start.Line, x.Subject.Start.Column, x.Summary, x.Detail))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

// TestArrivalRateUnit: the arrival rate is said to be sessions per day
// in every message (a wrong kind said "events per day", the negative one
// "sessions per day"; a session may hold many events).
func TestArrivalRateUnit(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { arrivals = arrivals(RATE) }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ rate, want string }{
		{`"20"`, `error 11:33 Wrong type: the arrival rate (sessions per day) must be a number, got string. "20" is a string: write the number without quotes (20).`},
		{"true", `error 11:33 Wrong type: the arrival rate (sessions per day) must be a number, got bool.`},
		{"-2", `error 11:33 Invalid arrival rate: The arrival rate is a number of sessions per day, zero (no sessions) or more, got -2.`},
	} {
		t.Run(tc.rate, func(t *testing.T) {
			if got := diagsOf(t, strings.ReplaceAll(src, "RATE", tc.rate)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestEmptyWindowLocal: an end not after the start names both times on
// the scenario's clock, as they are written, not the start in UTC.
func TestEmptyWindowLocal(t *testing.T) {
	const src = `scenario "s" {
  timezone = "ZONE"
  start    = "2025-01-01"
  end      = "END"
}
`
	for _, tc := range []struct{ zone, end, want string }{
		{"America/New_York", "2024-04-01", "error 4:14 Empty time window: end (2024-04-01T00:00:00-04:00) must be after start (2025-01-01T00:00:00-05:00)."},
		{"UTC", "2025-01-01", "error 4:14 Empty time window: end (2025-01-01T00:00:00Z) must be after start (2025-01-01T00:00:00Z)."},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			if got := diagsOf(t, strings.NewReplacer("ZONE", tc.zone, "END", tc.end).Replace(src)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestNonNumericWeights: a group weight, a profile weight or a dates
// factor that is not a number is an error that says so, at the value: a
// bool was read as 1 or 0 (groups = { a = true, b = false } validated,
// and every unit went to a), a duration as its milliseconds, and a string
// was "zero or positive … got NaN".
func TestNonNumericWeights(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-09"
}
distribution "p" {
  PROFILE
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
experiment "ab" {
  unit   = user.id
  groups = GROUPS
}
flow "f" {
  actor   = entity.user
  session { arrivals = arrivals(1, [distribution.p]) }
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	const week = "weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 1, sun = 1 }"
	for _, tc := range []struct{ name, profile, groups, want string }{
		{"a bool group weight", week, "{ a = true, b = false }",
			`error 14:18 Invalid weight: The weight of group "a" must be a number, got bool.` + "\n" +
				`error 14:28 Invalid weight: The weight of group "b" must be a number, got bool.`},
		{"a string group weight", week, `{ a = "1", b = 1 }`,
			`error 14:18 Invalid weight: The weight of group "a" must be a number, got string.`},
		{"a bool weekly weight", "weekly = { mon = true, tue = 1, wed = 1, thu = 1, fri = 1, sat = 1, sun = 1 }", "{ a = 1 }",
			`error 6:20 Invalid weight: Profile weights must be numbers, got bool.`},
		{"a string hourly weight", `hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "1"]`, "{ a = 1 }",
			`error 6:82 Invalid weight: Profile weights must be numbers, got string.`},
		{"a duration monthly weight", `monthly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, duration("1h")]`, "{ a = 1 }",
			`error 6:47 Invalid weight: Profile weights must be numbers, got duration.`},
		{"a bool dates factor", `dates = { "2025-01-03" = true }`, "{ a = 1 }",
			`error 6:28 Invalid weight: The factor for "2025-01-03" must be a number, got bool.`},
		{"a string dates factor", `dates = { "2025-01-03" = "2" }`, "{ a = 1 }",
			`error 6:28 Invalid weight: The factor for "2025-01-03" must be a number, got string.`},
		{"a negative dates factor", `dates = { "2025-01-03" = -2 }`, "{ a = 1 }",
			`error 6:28 Invalid weight: The factor for "2025-01-03" must be zero or positive.`},
		{"numbers", week, "{ a = 1, b = 0.5 }", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("PROFILE", tc.profile, "GROUPS", tc.groups).Replace(src), tc.want)
		})
	}
}

// TestParquetCaseColumns: fields of one stream that differ only in
// letter case make a Parquet file that Spark and Hive read as one column
// (scen's own reader, in cat, report and datasets, reads both): a
// warning at a Parquet sink of the stream, none at a CSV or JSON lines
// sink.
func TestParquetCaseColumns(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" {
      FIELDS
    }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "TYPE"
  stream = "e"
  path   = "e.TYPE"
}
`
	for _, tc := range []struct{ name, fields, typ, want string }{
		{"parquet", "id = user.id\n      Id = 1", "parquet",
			`warning 21:1 Columns that differ only in case: Fields "id" and "Id" of stream "e" differ only in letter case: sink "e" writes them as two Parquet columns, which readers that match column names regardless of case (Spark's and Hive's defaults) cannot tell apart (scen's own reader, in scen cat, scen report and dataset blocks, can). Rename one of the fields.`},
		{"csv", "id = user.id\n      Id = 1", "csv", ""},
		{"jsonl", "id = user.id\n      Id = 1", "jsonl", ""},
		{"parquet, distinct names", "id = user.id\n      user_id = 1", "parquet", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("FIELDS", tc.fields, "TYPE", tc.typ).Replace(src), tc.want)
		})
	}
}
