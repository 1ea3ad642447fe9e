package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// diagsOf parses and compiles src and renders its diagnostics as
// "severity line:column summary: detail", one a line.
// wantDiags fails t unless src's diagnostics (diagsOf) are want.
func wantDiags(t *testing.T, src, want string) {
	t.Helper()
	if got := diagsOf(t, src); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func diagsOf(t *testing.T, src string) string {
	t.Helper()
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if !diags.HasErrors() {
		_, d := engine.Compile(sc, engine.Options{})
		diags = append(diags, d...)
	}
	var got []string
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		at := "?"
		if d.Subject != nil {
			at = fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column)
		}
		got = append(got, fmt.Sprintf("%s %s %s: %s", sev, at, d.Summary, d.Detail))
	}
	return strings.Join(got, "\n")
}

// TestImpossibleConstraintStates: the compile-time check that a flow asks
// for more events than min_gap admits counts, with states = [...], only
// the events of those states a session is sure to have: a state a session
// may never reach counts for nothing, and a state it must go on to counts
// too, with or without states (review 30 #1).
func TestImpossibleConstraintStates(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "rider" {
  count = 5
  attributes { id = "r${index}" }
}
flow "trip" {
  actor = entity.rider
  session { SESSION }
  gap     = "10s"
  initial = "request"
  state "request" {
    emit "e" { id = rider.id }
    next = NEXT
  }
  state "dropoff" {
    emit "e" { id = rider.id }
  }
}
constraint "cooldown" {
  flows   = [flow.trip]
  min_gap = "2m"
  STATES
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name, session, next, states string
		want                        string // "" for no diagnostic
	}{
		{"a rare state under a high rate", "arrivals = arrivals(1000)", "{ dropoff = 0.01, end = 0.99 }", `states = ["dropoff"]`, ""},
		{"the first state under a high rate", "arrivals = arrivals(1000)", "{ dropoff = 0.01, end = 0.99 }", `states = ["request"]`,
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events in states request a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"both states of a sure second event", "arrivals = arrivals(500)", "{ dropoff = 1 }", `states = ["request", "dropoff"]`,
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events in states request, dropoff a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"every event of a sure second event", "arrivals = arrivals(500)", "{ dropoff = 1 }", "",
			"error 25:13 Impossible constraint: The flows trip ask for up to 1000 events a day per rider, but min_gap 2m0s lets at most 720 into a day."},
		{"a second event that may not come", "arrivals = arrivals(500)", "{ dropoff = 0.5, end = 0.5 }", `states = ["request", "dropoff"]`, ""},
		{"a second event max_events cuts", "\n    arrivals   = arrivals(500)\n    max_events = 1\n  ", "{ dropoff = 1 }", `states = ["request", "dropoff"]`, ""},
		{"a fixed count of sessions", "count = 2000", "{ dropoff = 0.01, end = 0.99 }", `states = ["request"]`,
			"error 25:13 Impossible constraint: flow.trip asks for 2000 sessions per actor, each with an event in states request, but with min_gap 2m0s they need 66h38m0s and the scenario window is 48h0m0s."},
		{"a fixed count of sessions, a rare state", "count = 2000", "{ dropoff = 0.01, end = 0.99 }", `states = ["dropoff"]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.NewReplacer("SESSION", tc.session, "NEXT", tc.next, "STATES", tc.states).Replace(src)
			got := diagsOf(t, s)
			if tc.want == "" && got != "" || tc.want != "" && (!strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n")) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestSwitchUnknownBranch: a switch branch key that the switched-on
// value can never equal, when its values are known at compile time (a
// weighted or choice over literals, state.name, an attribute that is
// one, a conditional between such), is an error at the key with the
// closest value; where the values are not known, any key is accepted
// (review 30 #2).
func TestSwitchUnknownBranch(t *testing.T) {
	const src = `
variable "tier" { default = "gold" }
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3
  attributes {
    id     = "u${index}"
    device = weighted({ mobile = 0.6, desktop = 0.4 })
    color  = choice(["red", "green"])
    tier   = var.tier
    score  = uniform(0, 10)
    FIELD
  }
}
flow "f" {
  actor = entity.user
  session { count = 1 }
  initial = "browse"
  state "browse" {
    emit "e" {
      id = user.id
      EMIT
    }
    next = { checkout = 1 }
  }
  state "checkout" {
    emit "e" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		name, field, emit string
		want              string // "" for no diagnostic
	}{
		{"a weighted attribute", "", `x = switch(user.device, { mobile = 1, desktp = 2 })`,
			`error 25:45 Unknown branch: switch branch "desktp" matches no value of user.device, which is one of "mobile", "desktop": the branch would never be taken. Did you mean "desktop"?`},
		{"a weighted attribute, every key right", "", `x = switch(user.device, { mobile = 1, desktop = 2, default = 0 })`, ""},
		{"a choice attribute", "", `x = switch(user.color, { red = 1, gren = 2 })`,
			`error 25:41 Unknown branch: switch branch "gren" matches no value of user.color, which is one of "red", "green": the branch would never be taken. Did you mean "green"?`},
		{"state.name", "", `x = switch(state.name, { browse = 1, chekout = 2 })`,
			`error 25:44 Unknown branch: switch branch "chekout" matches no value of state.name, which is one of "browse", "checkout": the branch would never be taken. Did you mean "checkout"?`},
		{"a weighted draw in place", "", `x = switch(weighted({ a = 1, b = 1 }), { a = 1, c = 2 })`,
			`error 25:55 Unknown branch: switch branch "c" matches no value of weighted({ a = 1, b = 1 }), which is one of "a", "b": the branch would never be taken. Did you mean "a"?`},
		{"an attribute that is a conditional of literals", `plan = bernoulli(0.5) ? "pro" : "free"`, `x = switch(user.plan, { pro = 1, fre = 2 })`,
			`error 25:40 Unknown branch: switch branch "fre" matches no value of user.plan, which is one of "pro", "free": the branch would never be taken. Did you mean "free"?`},
		{"an attribute from a variable", "", `x = switch(user.tier, { gold = 1, silver = 2 })`, ""},
		{"a drawn number", "", `x = switch(user.score, { low = 1 })`, ""},
		{"a branch map from a variable", "", `x = switch(user.device, { for k in ["mobile", "tablet"] : k => 1 })`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.NewReplacer("FIELD", tc.field, "EMIT", tc.emit).Replace(src)
			got := diagsOf(t, s)
			if got != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestEmitToMisspeltStream: an emit to a stream no sink writes whose name
// is close to one a sink writes is an error with the name; a stream far
// from every sink's (or a short one) stays a warning, since a stream
// without a sink can be intended (review 30 #3).
func TestEmitToMisspeltStream(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "events" { id = user.id }
    next = { b = 1 }
  }
  state "b" {
    emit "STREAM" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ stream, want string }{
		{"evnts", `error 19:10 Stream has no sink: No sink writes stream "evnts", so its records would be generated and thrown away. Did you mean "events"? ` +
			`(A stream without a sink, emitted on purpose, needs a name not this close to one a sink writes; or add a sink with stream = "evnts".)`},
		{"Events", `error 19:10 Stream has no sink: No sink writes stream "Events"`},
		{"audit", `warning 19:10 Stream has no sink: Records emitted to "audit" are generated but not written; add a sink with stream = "audit".`},
		{"ev", `warning 19:10 Stream has no sink: Records emitted to "ev" are generated but not written; add a sink with stream = "ev".`},
		{"events", ""},
	} {
		t.Run(tc.stream, func(t *testing.T) {
			got := diagsOf(t, strings.Replace(src, "STREAM", tc.stream, 1))
			if tc.want == "" && got != "" || tc.want != "" && (!strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n")) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestExperimentParamAsProbability: an experiment param passed where a
// function checks its constant arguments (bernoulli's p), or used as a
// transition's probability, is checked group by group at compile time:
// a value out of range is an error where it is written (review 30 #4).
func TestExperimentParamAsProbability(t *testing.T) {
	const src = `
scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
experiment "x" {
  unit   = u.id
  groups = { control = 0.5, treat = 0.5 }
  DURING
  param "conv" {
    control = 0.2
    treat   = TREAT
    DEFAULT
    override {
      when  = u.id == "u0"
      treat = OVERRIDE
    }
  }
}
flow "f" {
  actor = entity.u
  session { count = 3 }
  initial = "s"
  state "s" {
    emit "ev" {
      x = USE
    }
    PROB
  }
  state "b" {
    emit "ev" { x = 1 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	bern := "bernoulli(experiment.x.conv)"
	trans := "transition \"b\" {\n      probability = experiment.x.conv\n    }"
	for _, tc := range []struct {
		name                                    string
		treat, def, override, during, use, prob string
		want                                    string
	}{
		{"bernoulli, a percentage", "30", "", "0.5", "", bern, "",
			`error 16:15 Invalid argument: experiment.x.conv is 30 in group "treat", which bernoulli at s.hcl:30:21 does not take: p must be between 0 and 1, got 30. Usage: bernoulli(p).`},
		{"bernoulli, in range", "0.3", "", "0.5", "", bern, "", ""},
		{"bernoulli, a string", `"x"`, "", "0.5", "", bern, "",
			`error 16:15 Invalid argument: experiment.x.conv is "x" in group "treat", a string, which bernoulli at s.hcl:30:21 does not take: p is a number. Usage: bernoulli(p).`},
		{"bernoulli, a bool in an override", "0.3", "", "true", "", bern, "",
			`error 20:15 Invalid argument: experiment.x.conv is true in an override's group "treat", a bool, which bernoulli at s.hcl:30:21 does not take: p is a number.`},
		{"bernoulli, an override", "0.3", "", "1.5", "", bern, "",
			`error 20:15 Invalid argument: experiment.x.conv is 1.5 in an override's group "treat", which bernoulli at s.hcl:30:21 does not take: p must be between 0 and 1, got 1.5.`},
		{"bernoulli, a default read outside during", "0.3", "default = -1", "0.5", `during = ["2025-01-01T06:00", "2025-01-01T12:00"]`, bern, "",
			`error 17:15 Invalid argument: experiment.x.conv is -1 in default, which bernoulli at s.hcl:30:21 does not take: p must be between 0 and 1, got -1.`},
		{"a default never read", "0.3", "default = -1", "0.5", "", bern, "", ""},
		{"a probability", "30", "", "0.5", "", "1", trans,
			`error 16:15 Invalid probability: experiment.x.conv is 30 in group "treat", and is the probability of the transition at s.hcl:33:21: a probability is between 0 and 1.`},
		{"a probability in range", "0.3", "", "0.5", "", "1", trans, ""},
		{"a number that is no probability", "30", "", "0.5", "", "experiment.x.conv * 2", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prob == "" {
				tc.prob = "next = { b = 1 }"
			}
			s := strings.NewReplacer("TREAT", tc.treat, "DEFAULT", tc.def, "OVERRIDE", tc.override, "DURING", tc.during, "USE", tc.use, "PROB", tc.prob).Replace(src)
			got := diagsOf(t, s)
			if tc.want == "" && got != "" || tc.want != "" && (!strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n")) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestInvalidExperimentUnit: a unit that names no entity's attribute is
// one error at the unit, listing the attributes it could be; the
// experiment's uses in flows add none (review 30 #5).
func TestInvalidExperimentUnit(t *testing.T) {
	const src = `
scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 2
  attributes {
    user_id = "u${index}"
    n       = index
    f       = uniform(0.0, 1.0)
  }
}
entity "shop" {
  count = 2
  attributes { shop_id = "s${index}" }
}
experiment "x" {
  unit   = UNIT
  groups = { control = 0.5, treat = 0.5 }
  param "conv" {
    control = 0.2
    treat   = 0.3
  }
}
flow "f" {
  actor = entity.user
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "ev" {
      g = experiment.x.group
      a = experiment.x.active
      x = bernoulli(experiment.x.conv)
    }
    transition "b" {
      probability = experiment.x.conv
    }
  }
  state "b" {
    emit "ev" { x = 1 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	const about = `error 19:12 Invalid unit: unit is the attribute of the actors being assigned whose value is hashed to pick their group, written ENTITY.ATTRIBUTE (a string or an int), e.g. unit = user.user_id; `
	for _, tc := range []struct{ unit, want string }{
		{"usr.user_id", about + `usr.user_id names no entity's attribute. One of: user.user_id, user.n. Did you mean "user.user_id"?`},
		{`"abc"`, about + `"abc" names no entity's attribute. One of: user.user_id, user.n.`},
		{"index", about + `index names no entity's attribute. One of: user.user_id, user.n.`},
		{"user.usr_id", `error 19:16 Unknown attribute: Entity "user" has no attribute "usr_id". Did you mean "user_id"?`},
		{"user.user_id", ""},
	} {
		t.Run(tc.unit, func(t *testing.T) {
			got := diagsOf(t, strings.Replace(src, "UNIT", tc.unit, 1))
			if got != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
