package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// rtScenario is a small scenario with the attributes attrs, the session
// block's extra settings sess, the emit field x = field, and children of
// user counted by kids (none when empty). Lines: the emit field is on
// line 27, a session setting on line 17, the child count on line 39.
func rtScenario(attrs, sess, field, kids string) string {
	s := fmt.Sprintf(`scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 20
  attributes {
    id = "u${index}"
    %s
  }
}
flow "f" {
  actor = entity.user
  session {
    max_events = 3
    %s
  }
  gap     = uniform("1m", "5m")
  initial = "s"
  state "s" {
    emit "ev" {
      id = user.id
      t  = event.time
      n  = event.seq

      x = %s
    }
    next = { s = 0.5, end = 0.5 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`, attrs, sess, field)
	if kids != "" {
		s += fmt.Sprintf(`entity "dev" {
  parent = entity.user
  count  = %s
  attributes {
    did = "${user.id}-${index}"
  }
}
`, kids)
	}
	return s
}

func compileRT(t *testing.T, src string) (*engine.Plan, error) {
	t.Helper()
	sc, diags := dsl.ParseSource("rt.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		return nil, diags
	}
	return plan, nil
}

// TestRuntimeErrors: a value that makes an expression invalid only at run
// time (a division by zero, a negative sigma drawn for an actor, a count
// out of range) ends the run with an error at the expression's range that
// says what was wrong and where (actor, time), whatever the number of
// workers; nothing is published. The same expression with constant
// operands is a compile-time diagnostic with the same wording.
func TestRuntimeErrors(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		attrs, sess, field, kids string
		wants                    []string
	}{
		{"division by zero", "z = uniform(0, 0)", "", "10 / user.z", "",
			[]string{"rt.hcl:27:11: Division by zero: user.z is 0 in 10 / user.z (actor user "}},
		{"division by zero under int and format", "z = index - index", "", `format("%v", int(10 / user.z))`, "",
			[]string{"rt.hcl:27:28: Division by zero: user.z is 0 in 10 / user.z"}},
		{"modulo by zero", "z = index - index", "", "event.seq % user.z", "",
			[]string{"rt.hcl:27:11: Division by zero: user.z is 0 in event.seq % user.z", ", flow f, state s, at 2025-01-01T"}},
		{"float modulo by zero", "z = 0.0 * index", "", "2.5 % user.z", "",
			[]string{"rt.hcl:27:11: Division by zero: user.z is 0 in 2.5 % user.z"}},
		{"non-finite draw", "", "", "lognormal(1000, 1)", "",
			[]string{"rt.hcl:27:11: Invalid number: lognormal(1000, 1) gives +Inf, which is not a finite number"}},
		{"non-finite attribute written", "x = lognormal(1000, 1)", "", "user.x", "",
			[]string{"rt.hcl:27:11: Invalid number: user.x gives +Inf"}},
		{"non-finite value of no known type, written", `o = { v = lognormal(1000, 1) }`, "", "user.o.v", "",
			[]string{"rt.hcl:27:11: Invalid number: user.o.v gives +Inf"}},
		{"non-finite value chosen per record", `o = { v = lognormal(1000, 1) }`, "", "event.seq > 0 ? user.o.v : 1.5", "",
			[]string{"rt.hcl:27:11: Invalid number: event.seq > 0 ? user.o.v : 1.5 gives +Inf"}},
		{"duration beyond its range", "", "", "hours(event.seq * 1e300)", "",
			[]string{"rt.hcl:27:17: Invalid argument: hours: n (1e+300) hours is beyond the longest duration, 2562047h47m16.854s"}},
		{"duration of a draw beyond its range", "", "", "hours(uniform(1e300, 2e300))", "",
			[]string{"rt.hcl:27:17: Invalid argument: hours: n (1", "e+300) hours is beyond the longest duration, 2562047h47m16.854s"}},
		{"duration product beyond its range", "n = 1e7 + index", "", "days(1) * user.n", "",
			[]string{"rt.hcl:27:11: Value out of range: days(1) * user.n is out of range (days(1) is 24h0m0s, user.n is "}},
		{"time beyond 9999", "n = 5000 + index", "", `time("9990-01-01") + days(user.n)`, "",
			[]string{`rt.hcl:27:11: Value out of range: time("9990-01-01") + days(user.n) is out of range`, "a time between the years 1 and 9999"}},
		{"duration divided by zero", "z = index - index", "", `seconds(5) / user.z`, "",
			[]string{"rt.hcl:27:11: Division by zero: user.z is 0 in seconds(5) / user.z"}},
		{"overflow", "big = 1e300 * (index + 1)", "", "user.big * user.big", "",
			[]string{"rt.hcl:27:11: Invalid number: user.big * user.big gives a number that is not finite (user.big is ", "e+30"}}, // which actor fails first depends on the workers
		{"zero over zero", "z = 0.0 * index", "", "user.z / user.z", "",
			[]string{"rt.hcl:27:11: Division by zero: user.z is 0 in user.z / user.z"}},
		{"negative sigma", "s = uniform(-2.0, -1.0)", "", "lognormal(0.0, user.s)", "",
			[]string{"rt.hcl:27:26: Invalid argument: lognormal: sigma must be positive and finite, got -1.", "Usage: lognormal(mu, sigma) (actor user "}},
		{"negative sd", "s = 0 - 1 - index", "", "normal(0, user.s)", "",
			[]string{"rt.hcl:27:21: Invalid argument: normal: sigma must be positive and finite, got -"}},
		{"poisson negative mean", "m = -1.5", "", "poisson(user.m + event.seq)", "",
			[]string{"rt.hcl:27:19: Invalid argument: poisson: lambda must be between 0 and 2^53, got -0.5"}},
		{"reversed uniform", "z = uniform(5, 5)", "", "uniform(user.z, 1)", "",
			[]string{"rt.hcl:27:27: Invalid argument: uniform: b (1) must not be less than a (5)"}},
		{"reversed float uniform", "z = 5.5", "", "uniform(user.z + event.seq, 1.0)", "",
			[]string{"rt.hcl:27:39: Invalid argument: uniform: b (1) must not be less than a (6.5)"}},
		{"bernoulli out of range", "p = 1.5", "", "bernoulli(user.p + 0 * event.seq)", "",
			[]string{"rt.hcl:27:21: Invalid argument: bernoulli: p must be between 0 and 1, got 1.5"}},
		{"latitude out of range", "lat = 45 + 50 * (index % 2)", "", "distance_km(user.lat, 0, 0, 0)", "",
			[]string{"rt.hcl:27:23: Invalid argument: distance_km: lat1 is a latitude, -90 to 90 degrees, got 95. Usage: distance_km(lat1, lon1, lat2, lon2) (actor user "}},
		{"longitude out of range", "lon = 170 + 20 * (index % 2)", "", "distance_km(0, 0, 0, user.lon)", "",
			[]string{"rt.hcl:27:32: Invalid argument: distance_km: lon2 is a longitude, -180 to 180 degrees, got 190."}},
		{"int out of range", "big = 1e300", "", "int(user.big * event.seq)", "",
			[]string{"rt.hcl:27:15: Invalid argument: int: x (1e+300) is outside the int range"}},
		{"int sum beyond the int range", "big = 9223372036854775000 + index", "", "user.big + event.seq * 1000", "",
			[]string{"rt.hcl:27:11: Value out of range: user.big + event.seq * 1000 is outside the int range (user.big is 92233720368547750", "ints are 64-bit"}},
		{"int difference beyond the int range", "small = -9223372036854775000 - index", "", "user.small - event.seq * 1000", "",
			[]string{"rt.hcl:27:11: Value out of range: user.small - event.seq * 1000 is outside the int range"}},
		{"int product beyond the int range", "big = 4611686018427387904 + index", "", "user.big * (event.seq + 1)", "",
			[]string{"rt.hcl:27:11: Value out of range: user.big * (event.seq + 1) is outside the int range"}},
		{"negation of the lowest int", "low = -9223372036854775807 - 1 + 0 * index", "", "-user.low", "",
			[]string{"rt.hcl:27:11: Value out of range: -user.low is outside the int range (user.low is -9223372036854775808)"}},
		{"abs of the lowest int", "low = -9223372036854775807 - 1 + 0 * index", "", "abs(user.low)", "",
			[]string{"rt.hcl:27:15: Invalid argument: abs: abs(-9223372036854775808) is outside the int range"}},
		{"format verb of a run-time value", `v = index > -1 ? "x" : 1`, "", `format("%05d", user.v)`, "",
			[]string{`rt.hcl:27:26: Invalid argument: format: %05d needs an int, got a string "x". Usage: format(format, [values...])`}},
		{"format of a run-time format string", "", "", `format(user.id, 1)`, "",
			[]string{`rt.hcl:27:18: Invalid argument: format: the format "u`, `has 0 verb(s) and the call 1 value(s)`}},
		{"append keeping fewer than one", "m = index - index", "", `append([1], 2, user.m)`, "",
			[]string{"rt.hcl:27:26: Invalid argument: append: max must be at least 1, got 0"}},
		{"sample_rows of a fraction", "m = 2.5 + 0 * index", "", `len(sample_rows([{ a = 1 }, { a = 2 }], user.m))`, "",
			[]string{"rt.hcl:27:51: Invalid argument: sample_rows: n must be a positive integer, got 2.5"}},
		{"sample_rows of none", "m = index - index", "", `len(sample_rows([{ a = 1 }, { a = 2 }], user.m))`, "",
			[]string{"rt.hcl:27:51: Invalid argument: sample_rows: n must be a positive integer, got 0"}},
		{"iban of a country drawn at run time", `cc = weighted({ XX = 1 })`, "", "iban(user.cc)", "",
			[]string{`rt.hcl:27:16: Invalid argument: iban: no IBAN format for country "XX"; supported: `, "Usage: iban([country]) (actor user "}},
		{"city_location of a country drawn at run time", `cc = weighted({ XX = 1 })`, "", "city_location(user.cc).city", "",
			[]string{`rt.hcl:27:25: Invalid argument: city_location: no cities for country "XX"`}},
		{"card_number of a brand drawn at run time", `b = weighted({ diners = 1 })`, "", "card_number(user.b)", "",
			[]string{`rt.hcl:27:23: Invalid argument: card_number: unknown card brand "diners"; use visa, mastercard or amex`}},
		{"email of a domain drawn at run time", `d = weighted({ "not a domain" = 1 })`, "", `email("Ann", user.d)`, "",
			[]string{`rt.hcl:27:24: Invalid argument: email: "not a domain" is not a domain name like "example.com"`}},
		{"sentence of a length drawn at run time", "n = uniform(300, 400)", "", "sentence(user.n)", "",
			[]string{`rt.hcl:27:20: Invalid argument: sentence: n must be an integer between 1 and 200, got 3`}},
		{"sqrt of a negative number", "v = uniform(-3, -1)", "", "sqrt(user.v)", "",
			[]string{"rt.hcl:27:16: Invalid argument: sqrt: x must be zero or more, got -", "Usage: sqrt(x) (actor user "}},
		{"sqrt of a negative draw", "", "", "sqrt(uniform(-3.0, -1.0))", "",
			[]string{"rt.hcl:27:16: Invalid argument: sqrt: x must be zero or more, got -"}},
		{"log of zero", "v = index - index", "", "log(user.v, 10)", "",
			[]string{"rt.hcl:27:15: Invalid argument: log: x must be more than 0, got 0. Usage: log(x, [base]) (actor user "}},
		{"log to base one", "b = 1 + 0 * index", "", "log(10, user.b)", "",
			[]string{"rt.hcl:27:19: Invalid argument: log: base must be more than 0 and not 1, got 1"}},
		{"pow beyond the largest float", "y = 400 + index", "", "pow(10, user.y)", "",
			[]string{"rt.hcl:27:11: Invalid argument: pow: pow(10, 4", ") is not a finite number. Usage: pow(x, y) (actor user "}},
		{"exp beyond the largest float", "x = 1000.0 + index", "", "exp(user.x)", "",
			[]string{"rt.hcl:27:15: Invalid argument: exp: x (1", ") is too large: exp(x) is beyond the largest float"}},
		{"add_months past 9999", `t = time("9999-06-01") + days(index)`, "", "add_months(user.t, 12)", "",
			[]string{"rt.hcl:27:11: Invalid argument: add_months: 9999-", "plus 12 months is outside the years 1-9999. Usage: add_months(t, n, [zone]) (actor user "}},
		{"add_months of a fraction", `o = { n = 1.5 }`, "", "add_months(event.time, user.o.n)", "",
			[]string{"rt.hcl:27:34: Invalid argument: add_months: n must be a whole number, got 1.5"}},
		{"month in a zone drawn at run time", `z = weighted({ "Mars/Olympus" = 1 })`, "", "month(event.time, user.z)", "",
			[]string{`rt.hcl:27:29: Invalid argument: month: unknown time zone "Mars/Olympus"`}},
		{"replace of an empty string", `old = weighted({ "" = 1 })`, "", `replace(user.id, user.old, "x")`, "",
			[]string{"rt.hcl:27:28: Invalid argument: replace: old must not be empty. Usage: replace(s, old, new) (actor user "}},
		{"substr of a negative length", "n = index - 30", "", "substr(user.id, 0, user.n)", "",
			[]string{"rt.hcl:27:30: Invalid argument: substr: length must be zero or more, got -"}},
		{"keys of a list", `o = index >= 0 ? [1] : { a = 1 }`, "", "keys(user.o)", "",
			[]string{"rt.hcl:27:16: Invalid argument: keys: obj must be an object, got a list"}},
		// index - 10: bounds the compile-time check (drawnSpans) does not see.
		{"negative session count", "c = index - 10", "count = user.c", "1", "",
			[]string{"rt.hcl:17:13: Invalid count: The session count is a whole number, zero or more, got -", "flow f, starting its sessions"}},
		{"session zone that is not a zone", `tz = ["Asia/Tokyo", "Mars/Olympus"][index == 5 ? 1 : 0]`, "zone = user.tz", "1", "",
			[]string{`rt.hcl:17:12: Invalid time zone: The session zone (user.tz) is an IANA time zone name such as "Asia/Tokyo", got "Mars/Olympus" (actor user 5, flow f, starting its sessions)`}},
		{"session zone that is no zone's misspelling", `tz = ["Asia/Tokyo", "u1"][index == 5 ? 1 : 0]`, "zone = user.tz", "1", "",
			[]string{`rt.hcl:17:12: Invalid time zone: The session zone (user.tz) is an IANA time zone name such as "Asia/Tokyo", got "u1" (actor user 5, flow f, starting its sessions)`}},
		{"session zone misspelt", `tz = ["Asia/Tokyo", "Europe/Berln"][index == 5 ? 1 : 0]`, "zone = user.tz", "1", "",
			[]string{`rt.hcl:17:12: Invalid time zone: The session zone (user.tz) is an IANA time zone name such as "Asia/Tokyo", got "Europe/Berln". Did you mean "Europe/Berlin"? (actor user 5, flow f, starting its sessions)`}},
		{"session zone that is null", `tz = index == 5 ? null : "Asia/Tokyo"`, "zone = user.tz", "1", "",
			[]string{`rt.hcl:17:12: Invalid time zone: The session zone (user.tz) is an IANA time zone name such as "Asia/Tokyo", got null (actor user 5, flow f, starting its sessions)`}},
		{"negative session start", "s = hours(uniform(-3, -1))", "start = user.s", "1", "",
			[]string{"rt.hcl:17:13: Invalid session start: The session start is the first session's offset from the scenario start, a duration of zero or more, got -", "flow f, starting its sessions"}},
		{"session start that is null", `s = weighted({ a = 1 }) == "a" ? null : hours(1)`, "start = user.s", "1", "",
			[]string{"rt.hcl:17:13: Invalid session start: ", "a duration of zero or more, got null (actor user "}},
		{"negative session every", "e = minutes(uniform(-3, -1))", "every = user.e", "1", "",
			[]string{`rt.hcl:17:13: Invalid session every: every is the time from a session's start to the next one's, a duration of zero or more, got -`,
				`(with "0s", as without every, each session starts when the previous one has ended) (actor user `, ", flow f, starting session 1 at 2025-01-01T00:00:00Z"}},
		{"session every drawn per session", "", `every = minutes(uniform(-60, 1))`, "1", "",
			[]string{`rt.hcl:17:13: Invalid session every: every is the time from a session's start to the next one's, a duration of zero or more, got -`, ", flow f, starting session "}},
		{"negative arrival rate", "r = uniform(-3.0, -1.0)", "arrivals = arrivals(user.r)", "1", "",
			[]string{"rt.hcl:17:25: Invalid arrival rate: The arrival rate is a number of sessions per day, zero (no sessions) or more, got -", "flow f, starting its sessions"}},
		{"arrival rate that is null", `r = weighted({ a = 1 }) == "a" ? null : 1.0`, "arrivals = arrivals(user.r * 2)", "1", "",
			[]string{"rt.hcl:17:25: Invalid arrival rate: ", "got null"}},
		{"arrival rate drawn per session", "", "arrivals = arrivals(uniform(-2.0, -1.0))", "1", "",
			[]string{"rt.hcl:17:25: Invalid arrival rate: The arrival rate is a number of sessions per day, zero (no sessions) or more, got -1."}},
		{"int plus duration at run time", `o = index >= 0 ? { n = 5 + index } : "none"`, "", `user.o.n + duration("1h")`, "",
			[]string{`rt.hcl:27:11: Invalid operands: user.o.n + duration("1h"): int and duration cannot be combined with + (user.o.n is `, `duration("1h") is 1h0m0s) (actor user `}},
		{"int minus duration at run time", `o = index >= 0 ? { n = 5 + index } : "none"`, "", `user.o.n - duration("1h")`, "",
			[]string{`rt.hcl:27:11: Invalid operands: user.o.n - duration("1h"): int and duration cannot be combined with -`}},
		{"duration minus int at run time", `o = index >= 0 ? { n = 5 + index } : "none"`, "", `duration("1h") - user.o.n`, "",
			[]string{`rt.hcl:27:11: Invalid operands: duration("1h") - user.o.n: duration and int cannot be combined with -`}},
		{"duration modulo int at run time", `o = index >= 0 ? { n = 5 + index } : "none"`, "", `duration("1h") % user.o.n`, "",
			[]string{`duration and int cannot be combined with %`}},
		{"time plus time at run time", `o = { t = time("2024-12-31T00:00:00Z") }`, "", `event.time + user.o.t`, "",
			[]string{`rt.hcl:27:11: Invalid operands: event.time + user.o.t: time and time cannot be combined with + (event.time is 2025-01-01T`, `user.o.t is 2024-12-31T00:00:00`}},
		{"duration minus time at run time", `o = { t = time("2024-12-31T00:00:00Z") }`, "", `duration("2h") - user.o.t`, "",
			[]string{`duration and time cannot be combined with -`}},
		{"time plus int at run time", "o = { n = 30 }", "", `event.time + user.o.n`, "",
			[]string{`rt.hcl:27:11: Invalid operands: event.time + user.o.n: time and int cannot be combined with + (event.time is `, `user.o.n is 30)`}},
		{"format width above fmt's limit at run time", `o = { f = "%100000000d" }`, "", `format(user.o.f, 7)`, "",
			[]string{`rt.hcl:27:18: Invalid argument: format: "%100000000d": the width 100000000 is more than 1000000, the most a format verb takes. Usage: format(format, [values...]) (actor user `}},
		{"string plus int at run time", `o = { s = "abc" }`, "", `user.o.s + 1`, "",
			[]string{`rt.hcl:27:11: Invalid operands: user.o.s + 1: string and int cannot be combined with + (user.o.s is "abc"). To join strings, use a template: "${a}${b}" (actor user `}},
		{"string times int at run time", `o = { s = "abc" }`, "", `user.o.s * 2`, "",
			[]string{`string and int cannot be combined with * (user.o.s is "abc") (actor user `}},
		{"bool plus int at run time", `o = { b = true }`, "", `user.o.b + 1`, "",
			[]string{`bool and int cannot be combined with +`}},
		{"negated string at run time", `o = { s = "abc" }`, "", `-user.o.s`, "",
			[]string{`rt.hcl:27:11: Invalid operand: -user.o.s: - needs a number or a duration, got string (user.o.s is "abc") (actor user `}},
		{"string compared with int at run time", `o = { s = "abc" }`, "", `user.o.s > 3`, "",
			[]string{`rt.hcl:27:11: Invalid operands: user.o.s > 3: string and int cannot be compared with > (user.o.s is "abc") (actor user `}},
		{"time compared with duration at run time", `o = { t = time("2024-12-31T00:00:00Z") }`, "", `user.o.t <= duration("1h")`, "",
			[]string{`time and duration cannot be compared with <=`}},
		{"too many children", "n = index + 70000", "", "1", "user.n",
			[]string{"rt.hcl:39:12: Invalid count: A child count is between 0 and 65535 per parent, got 700", "(building actor user "}},
		{"negative children", "n = index - 10", "", "1", "user.n",
			[]string{"rt.hcl:39:12: Invalid count: A child count is between 0 and 65535 per parent, got -"}},
		{"attribute", "z = index - index\n    q = 1 / user.z", "", "1", "",
			[]string{"rt.hcl:11:9: Division by zero: user.z is 0 in 1 / user.z (building actor user "}},
		{"attribute of an actor with children", "z = index - index\n    q = 1 / user.z", "", "1", "2",
			[]string{"rt.hcl:11:9: Division by zero: user.z is 0 in 1 / user.z (building actor user "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, rtScenario(tc.attrs, tc.sess, tc.field, tc.kids))
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 3} {
				out := t.TempDir()
				_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: workers})
				if err == nil {
					t.Fatalf("%d workers: the run succeeded", workers)
				}
				var rte *engine.RuntimeError
				if !errors.As(err, &rte) {
					t.Fatalf("%d workers: not a RuntimeError: %v", workers, err)
				}
				for _, w := range tc.wants {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%d workers: error lacks %q:\n%v", workers, w, err)
					}
				}
				if d := rte.Diagnostic(); d.Subject == nil || d.Subject.Filename != "rt.hcl" {
					t.Errorf("diagnostic without its range: %+v", d)
				}
				if left := walkFiles(out); len(left) > 0 {
					t.Errorf("%d workers: left behind: %v", workers, left)
				}
			}
		})
	}
}

// TestConstantRuntimeErrors: what is a run-time error with values drawn
// at run time is a compile-time diagnostic with constant ones.
func TestConstantRuntimeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, sess, field string
		want              string
	}{
		{"division", "", "10 / 0", "rt.hcl:27,11-17: Division by zero; 10 / 0 divides by zero."},
		{"modulo", "", "10 % 0", "rt.hcl:27,11-17: Division by zero; 10 % 0 divides by zero."},
		{"float division", "", "1.5 / 0.0", "rt.hcl:27,11-20: Division by zero"},
		{"overflow", "", "1e308 * 10", "rt.hcl:27,11-21: Invalid number; 1e308 * 10 gives a number that is not finite (1e308 is 1e+308)"},
		{"duration range", "", "hours(1e10)", "rt.hcl:27,17-21: Invalid argument; hours: n (1e+10) hours is beyond the longest duration"},
		{"duration literal", "", `duration("300000d")`, `rt.hcl:27,20-29: Invalid argument; duration: duration "300000d" is too long: the longest is 2562047h47m16.854s.`},
		{"time range", "", `time("9999-12-31") + days(2)`, "Value out of range; time(\"9999-12-31\") + days(2) is out of range"},
		{"int range", "", "int(1e300)", "rt.hcl:27,15-20: Invalid argument; int: x (1e+300) is outside the int range. Usage: int(x)."},
		{"int sum", "", "9223372036854775807 + 1", "rt.hcl:27,11-34: Value out of range; 9223372036854775807 + 1 is outside the int range: ints are 64-bit"},
		{"int product", "", "3037000500 * 3037000500", "is outside the int range"},
		{"int negation", "", "-(-9223372036854775807 - 1)", "rt.hcl:27,11-38: Value out of range; -(-9223372036854775807 - 1) is outside the int range"},
		{"abs", "", "abs(-9223372036854775807 - 1)", "rt.hcl:27,15-39: Invalid argument; abs: abs(-9223372036854775808) is outside the int range"},
		{"int of a word", "", `int("abc")`, `rt.hcl:27,11-21: Invalid argument; int("abc") is null: int has no value for these arguments`},
		{"format verb", "", `format("%f", "x")`, `rt.hcl:27,24-27: Invalid argument; format: %f needs a number, got a string.`},
		{"format float for %d", "", `format("%d", 2.5)`, `format: %d needs an int, got a float (round it with int(x), or use %.0f)`},
		{"format too few values", "", `format("%d-%d", 1)`, `rt.hcl:27,11-29: Invalid argument; format: the format has 2 verb(s) and the call 1 value(s)`},
		{"format too many values", "", `format("%d", 1, 2)`, `rt.hcl:27,27-28: Invalid argument; format: the format has 1 verb(s) and the call 2 value(s)`},
		{"format unknown verb", "", `format("%y", 1)`, `format: "%y" is not a verb`},
		{"format star width", "", `format("%*d", 3, 1)`, `format: "%*": widths from arguments (*) and argument indexes ([n]) are not supported`},
		{"format lone percent", "", `format("50%")`, `format: the format ends in an incomplete verb "%"`},
		{"format width above fmt's limit", "", `format("%100000000d", 7)`, `rt.hcl:27,18-31: Invalid argument; format: "%100000000d": the width 100000000 is more than 1000000, the most a format verb takes.`},
		{"format precision above fmt's limit", "", `format("%.2000000f", 7)`, `rt.hcl:27,18-30: Invalid argument; format: "%.2000000f": the precision 2000000 is more than 1000000`},
		{"max of nothing", "", `max()`, `rt.hcl:27,11-16: Wrong number of arguments; max takes at least 1 argument(s), got 0. Usage: max(x...).`},
		{"coalesce of nothing", "", `coalesce()`, `coalesce takes at least 1 argument(s), got 0`},
		{"append max 0", "", `append([1], 2, 0)`, `rt.hcl:27,26-27: Invalid argument; append: max must be at least 1, got 0.`},
		{"sample_rows of none", "", `sample_rows([{ a = 1 }], 0)`, `rt.hcl:27,36-37: Invalid argument; sample_rows: n must be a positive integer, got 0.`},
		{"sample_rows of a fraction", "", `sample_rows([{ a = 1 }], 1.5)`, `sample_rows: n must be a positive integer, got 1.5.`},
		{"negative session count", "count = -2", "1", "rt.hcl:17,13-15: Invalid count; The session count is a whole number, zero or more, got -2."},
		{"negative session start", "start = -hours(1)", "1",
			"rt.hcl:17,13-22: Invalid session start; The session start is the first session's offset from the scenario start, a duration of zero or more, got -1h0m0s."},
		{"negative session every", `every = "-2h"`, "1",
			`rt.hcl:17,13-18: Invalid session every; every is the time from a session's start to the next one's, a duration of zero or more, got -2h0m0s (with "0s", as without every, each session starts when the previous one has ended).`},
		{"negative session every from a function", "every = minutes(-1)", "1", "rt.hcl:17,13-24: Invalid session every; "},
		{"negative arrival rate", "arrivals = arrivals(-2)", "1",
			"rt.hcl:17,25-27: Invalid arrival rate; The arrival rate is a number of sessions per day, zero (no sessions) or more, got -2."},
		{"negative float arrival rate", "arrivals = arrivals(0.5 - 1)", "1", "rt.hcl:17,25-32: Invalid arrival rate; "},
		{"int plus duration", "", `5 + duration("1h")`, "rt.hcl:27,11-29: Invalid operands; int and duration cannot be combined with +."},
		{"time plus time", "", `scenario.start + scenario.end`, "Invalid operands; time and time cannot be combined with +."},
		{"int compared with string", "", `1 < "a"`, `rt.hcl:27,11-18: Invalid operands; int and string cannot be compared with <.`},
		{"time compared with int", "", `event.time > 3`, `rt.hcl:27,11-25: Invalid operands; time and int cannot be compared with >.`},
		{"time compared with text", "", `event.time > "2025-01-02"`, `time and string cannot be compared with >. Write the time as time("2025-01-01T09:00:00").`},
		{"duration compared with text", "", `"1h" < duration("2h")`, `string and duration cannot be compared with <. Write the duration as duration("90m").`},
		{"negated string", "", `-"abc"`, `rt.hcl:27,12-17: Invalid operand; - needs a number or a duration, got string.`},
		{"sqrt", "", "sqrt(-4)", "rt.hcl:27,16-18: Invalid argument; sqrt: x must be zero or more, got -4. Usage: sqrt(x)."},
		{"log", "", "log(0)", "rt.hcl:27,15-16: Invalid argument; log: x must be more than 0, got 0."},
		{"log base", "", "log(event.seq + 1, 1)", "rt.hcl:27,30-31: Invalid argument; log: base must be more than 0 and not 1, got 1."},
		{"pow", "", "pow(0, -1)", "rt.hcl:27,11-21: Invalid argument; pow: pow(0, -1) is not a finite number."},
		{"exp", "", "exp(1000)", "rt.hcl:27,15-19: Invalid argument; exp: x (1000) is too large"},
		{"add_months", "", `add_months(time("9999-12-01"), 1)`, "rt.hcl:27,11-44: Invalid argument; add_months: 9999-12-01T00:00:00.000Z plus 1 months is outside the years 1-9999."},
		{"add_months zone", "", `add_months(event.time, 1, "Nowhere")`, `rt.hcl:27,37-46: Invalid argument; add_months: unknown time zone "Nowhere"`},
		{"minute zone", "", `minute(event.time, "Nowhere")`, `rt.hcl:27,30-39: Invalid argument; minute: unknown time zone "Nowhere"`},
		{"replace", "", `replace(user.id, "", "x")`, `rt.hcl:27,28-30: Invalid argument; replace: old must not be empty.`},
		{"substr", "", `substr(user.id, 1, -1)`, `rt.hcl:27,30-32: Invalid argument; substr: length must be zero or more, got -1.`},
		{"negative sigma", "", "lognormal(0, -1)", "rt.hcl:27,24-26: Invalid argument; lognormal: sigma must be positive and finite, got -1."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileRT(t, rtScenario("", tc.sess, tc.field, ""))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

// TestTableRuntimeError: an entity referenced as a table is built while
// compiling, so a value its actors cannot be built from is a diagnostic.
func TestTableRuntimeError(t *testing.T) {
	src := strings.Replace(rtScenario("m = choice(entity.shop).name", "", "1", ""), `entity "user"`, `entity "shop" {
  count = 3
  attributes {
    name = "s${index}"
    bad  = 1 % (index - index)
  }
}
entity "user"`, 1)
	_, err := compileRT(t, src)
	want := "rt.hcl:10,12-31: Division by zero; (index - index) is 0 in 1 % (index - index).\nAt run time: building actor shop 0."
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
}

// TestRuntimeNulls: what the language defines as null stays null, not an
// error: an index out of range, an attribute of null, int of a string
// that is not a number.
func TestRuntimeNulls(t *testing.T) {
	for _, tc := range []struct{ name, attrs, field string }{
		{"index out of range", "", "[1, 2, 3][event.seq + 5]"},
		{"attribute of null", `o = weighted({ a = 1 }) == "a" ? null : { k = 1 }`, "user.o.k"},
		{"int of text", `s = weighted({ abc = 1 })`, "int(user.s)"},
		{"int of null", `o = weighted({ a = 1 }) == "a" ? null : 1`, "int(user.o)"},
		{"null in arithmetic", `o = weighted({ a = 1 }) == "a" ? null : { k = 1 }`, `user.o.k + duration("1h")`},
		{"negated null", `o = weighted({ a = 1 }) == "a" ? null : { k = 1 }`, `-user.o.k`},
		{"sentence of null", `o = weighted({ a = 1 }) == "a" ? null : 5`, `sentence(user.o)`},
		{"sqrt of null", `o = weighted({ a = 1 }) == "a" ? null : 5`, `sqrt(user.o)`},
		{"add_months of null", `o = weighted({ a = 1 }) == "a" ? null : 5`, `add_months(event.time, user.o)`},
		{"split of null", `o = weighted({ a = 1 }) == "a" ? null : "a,b"`, `split(user.o, ",")`},
		{"keys of null", `o = weighted({ a = 1 }) == "a" ? null : { k = 1 }`, `keys(user.o)`},
		{"upper of null", `o = weighted({ a = 1 }) == "a" ? null : "x"`, `upper(user.o)`},
		{"lower of null", `o = weighted({ a = 1 }) == "a" ? null : "X"`, `lower(user.o)`},
		{"round of null", `o = weighted({ a = 1 }) == "a" ? null : 2.5`, `round(user.o)`},
		{"round of null to digits", `o = weighted({ a = 1 }) == "a" ? null : 2.5`, `round(user.o, 1)`},
		{"floor of null", `o = weighted({ a = 1 }) == "a" ? null : 2.5`, `floor(user.o)`},
		{"ceil of null", `o = weighted({ a = 1 }) == "a" ? null : 2.5`, `ceil(user.o)`},
		{"abs of null", `o = weighted({ a = 1 }) == "a" ? null : -2`, `abs(user.o)`},
		{"abs of a null float", `o = weighted({ a = 1 }) == "a" ? null : -2.5`, `abs(user.o)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, rtScenario(tc.attrs, "", tc.field, ""))
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			recs := jsonLines(t, out+"/ev.jsonl")
			if len(recs) == 0 {
				t.Fatal("no records")
			}
			for _, r := range recs {
				if _, ok := r["x"]; ok {
					t.Fatalf("x is not left out: %v", r)
				}
			}
		})
	}
}

// TestSessionZeroSettings: zero is a valid session start, every and
// arrival rate, with the meaning the docs give it: every = "0s" is the
// same as no every (each session starts when the previous one has
// ended), start = "0s" the same as no start, and a rate of 0 gives the
// actor no sessions.
func TestSessionZeroSettings(t *testing.T) {
	run := func(t *testing.T, sess string) string {
		t.Helper()
		plan, err := compileRT(t, rtScenario("", sess, "1", ""))
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		return out + "/ev.jsonl"
	}
	for _, tc := range []struct {
		name, sess string
		same       string                             // session settings giving the same bytes ("": no comparison)
		check      func(recs []map[string]any) string // what is wrong with the records ("": nothing)
	}{
		{name: "every 0s is no every", sess: "count = 3\n    every = \"0s\"", same: "count = 3"},
		{name: "every drawn as 0", sess: "count = 3\n    every = minutes(index - index)", same: "count = 3"},
		{name: "start 0s is no start", sess: "start = \"0s\"\n    every = \"6h\"", same: `every = "6h"`},
		{name: "arrival rate 0", sess: "arrivals = arrivals(0)", check: func(recs []map[string]any) string {
			if len(recs) > 0 {
				return fmt.Sprintf("%d records, want none", len(recs))
			}
			return ""
		}},
		{name: "arrival rate 0 for some actors", sess: "arrivals = arrivals(index % 2 == 0 ? 0 : 4)", check: func(recs []map[string]any) string {
			if len(recs) == 0 {
				return "no records"
			}
			for _, r := range recs {
				var i int
				fmt.Sscanf(r["id"].(string), "u%d", &i)
				if i%2 == 0 {
					return fmt.Sprintf("actor %v has a record, but its rate is 0", r["id"])
				}
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.sess)
			if tc.same != "" {
				want := run(t, tc.same)
				if a, b := readFile(t, got), readFile(t, want); string(a) != string(b) || len(a) == 0 {
					t.Errorf("%q gives %d bytes, %q %d (or none)", tc.sess, len(a), tc.same, len(b))
				}
			}
			if tc.check != nil {
				recs := jsonLines(t, got)
				if msg := tc.check(recs); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

// TestLongSession: an explicit max_events above the 100 000-event guard
// for flows without one is honoured (it was cut to 100 000, silently).
func TestLongSession(t *testing.T) {
	for _, tc := range []struct {
		maxEvents string
		want      int
	}{
		{"150000", 150000},
		{"100001", 100001},
		{"7", 7},
	} {
		t.Run(tc.maxEvents, func(t *testing.T) {
			src := strings.NewReplacer("count = 20", "count = 1", "max_events = 3", "max_events = "+tc.maxEvents,
				`gap     = uniform("1m", "5m")`, `gap     = "0s"`, "next = { s = 0.5, end = 0.5 }", "next = { s = 1 }").
				Replace(rtScenario("", "count = 1", "1", ""))
			plan, err := compileRT(t, src)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			res, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != int64(tc.want) {
				t.Fatalf("%d records, want %d", res.Records, tc.want)
			}
		})
	}
}

// TestProbabilityAtRunTime: a transition probability that leaves [0, 1]
// (or is no number) for some record stops the run at the expression, as a
// constant one is a compile-time error; it is not clamped.
func TestProbabilityAtRunTime(t *testing.T) {
	const src = `scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 20
  attributes {
    p = %s
  }
}
flow "f" {
  actor   = entity.user
  session { max_events = 3 }
  gap     = "1m"
  initial = "s"
  state "s" {
    emit "ev" { n = event.seq }
    transition "s" { probability = %s }
    transition "end" { weight = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	for _, tc := range []struct{ name, attr, prob, want string }{
		{"above one", "1 + index / 100", "user.p", "rt.hcl:19:36: Invalid probability: A probability is between 0 and 1, got 1"},
		{"below zero", "-0.5", "user.p * (event.seq + 1)", "rt.hcl:19:36: Invalid probability: A probability is between 0 and 1, got -1; where a computed chance may leave that range, bound it: min(1, max(0, …)) (actor user "},
		{"null", `weighted({ a = 1 }) == "a" ? null : 0.5`, "user.p", "rt.hcl:19:36: Invalid probability: A probability is between 0 and 1, got null"},
		{"a string", `index >= 0 ? "0.5" : 0.5`, "user.p", `rt.hcl:19:36: Invalid probability: A probability is between 0 and 1, got "0.5"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, fmt.Sprintf(src, tc.attr, tc.prob))
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
			var rte *engine.RuntimeError
			if !errors.As(err, &rte) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a run-time error containing %q", err, tc.want)
			}
			if left := walkFiles(out); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestRuntimeZoneHint: a zone read at run time that is a near miss says
// which name was meant.
func TestRuntimeZoneHint(t *testing.T) {
	plan, err := compileRT(t, rtScenario(`tz = ["UTC", "asia/tokyo"][index == 3 ? 1 : 0]`, "zone = user.tz", "1", ""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 1})
	if err == nil || !strings.Contains(err.Error(), `rt.hcl:17:12: Invalid time zone: The session zone (user.tz) is an IANA time zone name such as "Asia/Tokyo", got "asia/tokyo". Did you mean "Asia/Tokyo"? (actor user 3, flow f`) {
		t.Fatalf("error: %v", err)
	}
}
