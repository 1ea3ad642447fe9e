package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestExperimentParamNestedUse: an experiment param whose value is a
// string in one group ("0.3" beside 0.3) was an error where the value is
// written when the param itself is a probability or a number argument
// (probability = experiment.x.p, bernoulli(experiment.x.p)), but not
// when it reached the use through arithmetic, a conditional or coalesce
// (probability = experiment.x.p * 0.5, bernoulli(u.vip ? experiment.x.p
// : 0.1)): the run failed when an actor of that group met it. Those are
// now errors at the value too, with its file:line:column. A conditional
// whose condition may tell the values apart (it reads the experiment,
// ctx, memory or the state) passes none on: experiment.x.p == "off" ?
// 0 : experiment.x.p is a way to write "none in this group".
func TestExperimentParamNestedUse(t *testing.T) {
	const base = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes {
    id  = "u${index}"
    vip = index == 0
  }
}
experiment "x" {
  unit   = u.id
  groups = { control = 0.5, cheap = 0.5 }
  param "p" {
    control = 0.3
    cheap   = CHEAP
  }
}
flow "f" {
  actor = entity.u
  session { max_events = 1 }
  initial = "s"
  state "s" {
    emit "ev" { x = 1 }
    USE
  }
  state "t" {
    emit "ev" { x = 2 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	const str = `"0.3"`
	through := func(use, via, why string) string {
		return fmt.Sprintf(`Invalid probability: experiment.x.p is "0.3" in group "cheap", a string, and the probability of the transition at s.hcl:26:36 `+
			`takes it through %s, where %s: a probability is a number between 0 and 1.`, via, why)
	}
	arg := func(fn, at, via, why, param, usage string) string {
		return fmt.Sprintf(`Invalid argument: experiment.x.p is "0.3" in group "cheap", a string, and %s at s.hcl:26:%s takes it through %s, where %s: %s is a number. Usage: %s.`,
			fn, at, via, why, param, usage)
	}
	operand := func(use, via, why string) string {
		return fmt.Sprintf(`Invalid operand: experiment.x.p is "0.3" in group "cheap", a string, and %s takes it through %s, where %s.`, use, via, why)
	}
	const asProb = `Invalid probability: experiment.x.p is "0.3" in group "cheap", a string, and is the probability of the transition at s.hcl:26:36: a probability is a number between 0 and 1.`
	const asArg = `Invalid argument: experiment.x.p is "0.3" in group "cheap", a string, which bernoulli at s.hcl:26:39 does not take: p is a number. Usage: bernoulli(p).`
	for _, tc := range []struct {
		name, cheap, use string
		want             string // "" for no error
	}{
		// Direct uses, as before.
		{"a probability", str, `transition "t" { probability = experiment.x.p }`, asProb},
		{"an argument", str, `transition "t" { when = bernoulli(experiment.x.p) }`, asArg},
		// Nested uses.
		{"a probability times a number", str, `transition "t" { probability = experiment.x.p * 0.5 }`,
			through("", "experiment.x.p * 0.5", "string and float cannot be combined with *")},
		{"one minus a probability", str, `transition "t" { probability = 1 - experiment.x.p }`,
			through("", "1 - experiment.x.p", "int and string cannot be combined with -")},
		{"in parentheses, negated", str, `transition "t" { probability = 1 + (-experiment.x.p) }`,
			through("", "-experiment.x.p", "- needs a number or a duration, got string")},
		{"an argument divided", str, `transition "t" { when = bernoulli(experiment.x.p / 2) }`,
			arg("bernoulli", "39", "experiment.x.p / 2", "string and int cannot be combined with /", "p", "bernoulli(p)")},
		{"an argument deep in arithmetic", str, `transition "t" { when = bernoulli((experiment.x.p + 0.1) * 0.5) }`,
			arg("bernoulli", "39", "experiment.x.p + 0.1", "string and float cannot be combined with +", "p", "bernoulli(p)")},
		{"a conditional's branch as a probability", str, `transition "t" { probability = u.vip ? experiment.x.p : 0.1 }`, asProb},
		{"a conditional's branch as an argument", str, `transition "t" { when = bernoulli(u.vip ? experiment.x.p : 0.1) }`, asArg},
		{"coalesce", str, `transition "t" { when = bernoulli(coalesce(experiment.x.p, 0.1)) }`, asArg},
		{"arithmetic in a conditional", str, `transition "t" { when = bernoulli(u.vip ? 0.1 : experiment.x.p * 2) }`,
			arg("bernoulli", "39", "experiment.x.p * 2", "string and int cannot be combined with *", "p", "bernoulli(p)")},
		// A number out of range through a conditional is one too.
		{"a number above 1 in a conditional", "1.5", `transition "t" { probability = u.vip ? experiment.x.p : 0.1 }`,
			`Invalid probability: experiment.x.p is 1.5 in group "cheap", and is the probability of the transition at s.hcl:26:36: a probability is between 0 and 1.`},
		// No error.
		{"numbers", "0.4", `transition "t" { probability = 1 - experiment.x.p * 0.5 }`, ""},
		{"a guard on the value", `"off"`, `transition "t" { probability = experiment.x.p == "off" ? 0 : experiment.x.p * 0.5 }`, ""},
		{"a guard on the group", str, `transition "t" { when = bernoulli(experiment.x.group == "cheap" ? 0.1 : experiment.x.p) }`, ""},
		{"arithmetic as a field, not a number argument", str, `transition "t" { when = format("%v", experiment.x.p) == "0.3" }`, ""},
		{"clamped by min", "1.5", `transition "t" { when = bernoulli(min(experiment.x.p, 1)) }`, ""},
		// A guard above the call: the call runs only where the value suits.
		{"a call guarded by a conditional", `"off"`, `transition "t" { when = experiment.x.p == "off" ? false : bernoulli(experiment.x.p * 2) }`, ""},
		{"a call guarded directly", `"off"`, `transition "t" { when = experiment.x.p == "off" ? false : bernoulli(experiment.x.p) }`, ""},
		{"a call guarded by &&", `"off"`, `transition "t" { when = experiment.x.p != "off" && bernoulli(experiment.x.p) }`, ""},
		{"a call guarded by ||", `"off"`, `transition "t" { when = experiment.x.group == "cheap" || bernoulli(experiment.x.p) }`, ""},
		// Any use of the operator fails: a field, ctx, memory, another
		// function's argument.
		{"a field", str, `emit "ev" { y = experiment.x.p * 2 }`,
			operand(`the field "y" at s.hcl:26:21`, "experiment.x.p * 2", "string and int cannot be combined with *")},
		{"a function's argument that is no number", str, `emit "ev" { y = format("%v", experiment.x.p * 2) }`,
			operand(`format at s.hcl:26:34`, "experiment.x.p * 2", "string and int cannot be combined with *")},
		{"a template", str, `emit "ev" { y = "p=${experiment.x.p * 2}" }`,
			operand(`the template at s.hcl:26:21`, "experiment.x.p * 2", "string and int cannot be combined with *")},
		{"ctx", str, `set = { a = 1 - experiment.x.p }`,
			operand(`ctx.a at s.hcl:26:17`, "1 - experiment.x.p", "int and string cannot be combined with -")},
		{"memory", str, `remember = { m = -experiment.x.p }`,
			operand(`memory.m at s.hcl:26:22`, "-experiment.x.p", "- needs a number or a duration, got string")},
		{"a guarded field", `"off"`, "emit \"ev\" { y = experiment.x.p == \"off\" ? 0 : experiment.x.p * 2 }\n    next = { t = 1 }", ""},
		// A guard in another attribute: a transition's when is read
		// before its probability, which is drawn only when it holds; a
		// transition with a when alone is taken when it holds, so the
		// transitions after it run only where it did not.
		{"a probability guarded by its when", `"off"`, "transition \"t\" {\n      when        = experiment.x.p != \"off\"\n      probability = experiment.x.p\n    }", ""},
		{"arithmetic guarded by its when", `"off"`, "transition \"t\" {\n      when        = experiment.x.p != \"off\"\n      probability = min(experiment.x.p * 2, 1)\n    }", ""},
		{"a probability after a transition taken on the value", `"off"`, "transition \"end\" { when = experiment.x.p == \"off\" }\n    transition \"t\" { probability = experiment.x.p }", ""},
		{"a call after a transition taken on the group", str, "transition \"end\" { when = experiment.x.group == \"cheap\" }\n    transition \"t\" { when = bernoulli(experiment.x.p) }", ""},
		{"a weighted transition's when after one taken on the value", `"off"`, "transition \"t\" {\n      when   = bernoulli(experiment.x.p)\n      weight = 1\n    }\n    transition \"end\" { when = experiment.x.p == \"off\" }", ""},
		// Not guards: a when on the actor; a transition after the use
		// (read later); one with a probability too (its when holding, the
		// draw may still pass it on to the next).
		{"a probability under a when on the actor", `"off"`, "transition \"t\" {\n      when        = u.vip\n      probability = experiment.x.p\n    }",
			strings.Replace(strings.Replace(asProb, `"0.3"`, `"off"`, 1), "26:36", "28:21", 1)},
		{"a probability before a transition taken on the value", `"off"`, "transition \"t\" { probability = experiment.x.p }\n    transition \"end\" { when = experiment.x.p == \"off\" }",
			strings.Replace(asProb, `"0.3"`, `"off"`, 1)},
		{"a probability after a transition that may pass on", `"off"`, "transition \"end\" {\n      when        = experiment.x.p == \"off\"\n      probability = 0.5\n    }\n    transition \"t\" { probability = experiment.x.p }",
			strings.Replace(strings.Replace(asProb, `"0.3"`, `"off"`, 1), "26:36", "30:36", 1)},
		{"a call after a transition taken on the actor", str, "transition \"end\" { when = u.vip }\n    transition \"t\" { when = bernoulli(experiment.x.p) }",
			strings.Replace(asArg, "26:39", "27:39", 1)},
		// A condition that cannot tell the values apart guards nothing.
		{"a call in a conditional on the actor", str, `transition "t" { when = u.vip ? bernoulli(experiment.x.p) : false }`,
			strings.Replace(asArg, "26:39", "26:47", 1)},
		{"a call after && on the actor", str, `transition "t" { when = u.vip && bernoulli(experiment.x.p) }`,
			strings.Replace(asArg, "26:39", "26:48", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(base, "CHEAP", tc.cheap, 1), "USE", tc.use, 1)
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			_, diags = engine.Compile(sc, engine.Options{})
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatalf("want no error, got %s", diags.Error())
				}
				if tc.cheap == `"off"` {
					// The guard holds at run time: 200 actors, about
					// half of them in the group whose value is "off",
					// one session each.
					run := strings.Replace(strings.Replace(src, "count = 2", "count = 200", 1), "session { max_events = 1 }", "session { count = 1 }", 1)
					plan := compileSrc(t, "s.hcl", run)
					if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir()}); err != nil {
						t.Fatalf("run: %v", err)
					}
				}
				return
			}
			errs := errorsIn(diags)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %s", len(errs), errs.Error())
			}
			d := errs[0]
			if got := d.Summary + ": " + d.Detail; got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// At the group's value.
			if got := fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column); got != "s.hcl:17:15" {
				t.Errorf("at %s, want s.hcl:17:15", got)
			}
		})
	}
}
