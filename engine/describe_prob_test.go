package engine_test

import (
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestDescribeShowsProbabilityExpression: scen plan shows a probability
// known only per record as its expression (it said "(probability)"),
// and a constant one as its value; the dot graph likewise.
func TestDescribeShowsProbabilityExpression(t *testing.T) {
	for _, tc := range []struct {
		prob, text, dot string
	}{
		{"user.p", "-> b                  (p = user.p)", `"f.a" -> "f.b" [label="p = user.p"]`},
		{"user.p / 2", "-> b                  (p = user.p / 2)", `"f.a" -> "f.b" [label="p = user.p / 2"]`},
		{"experiment.x.rate", "-> b                  (p = experiment.x.rate)", `"f.a" -> "f.b" [label="p = experiment.x.rate"]`},
		{"0.25", "-> b                  p=0.25", `"f.a" -> "f.b" [label="p=0.25"]`},
	} {
		t.Run(tc.prob, func(t *testing.T) {
			src := strings.Replace(cascadeBase, "probability = experiment.x.p", "probability = "+tc.prob, 1)
			src = strings.Replace(src, `attributes { id = "u${index}" }`, "attributes {\n    id = \"u${index}\"\n    p  = uniform(0.0, 1.0)\n  }", 1)
			src = strings.Replace(src, "    treatment = 0.2\n  }", "    treatment = 0.2\n  }\n  param \"rate\" {\n    control   = 0.1\n    treatment = 0.3\n  }", 1)
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var text, dot strings.Builder
			plan.Describe(&text)
			plan.DescribeDot(&dot)
			if !strings.Contains(text.String(), tc.text) {
				t.Errorf("plan lacks %q:\n%s", tc.text, text.String())
			}
			if !strings.Contains(dot.String(), tc.dot) {
				t.Errorf("dot lacks %q:\n%s", tc.dot, dot.String())
			}
		})
	}
}

// TestDescribeMinGapRebuild: scen plan says how min_gap moves an event
// that came too close: by the arrivals of a flow that has them, by min_gap
// plus up to as much again for one with count/every (it said "rebuilt from
// the flow's arrivals" for both), or by rebuild.
func TestDescribeMinGapRebuild(t *testing.T) {
	second := `flow "g" {
  actor = entity.user
  session {
    count = 3
    every = "1h"
  }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
  }
}
`
	for _, tc := range []struct{ name, flows, extra, rebuild, want string }{
		{"arrivals", "[flow.f]", "", "", "min_gap 1m0s (rebuilt from the flow's arrivals)"},
		{"count and every", "[flow.g]", second, "", "min_gap 1m0s (moved to min_gap plus up to as much again)"},
		{"both", "[flow.f, flow.g]", second, "", "min_gap 1m0s (rebuilt from the arrivals of f; g: moved to min_gap plus up to as much again)"},
		{"rebuild", "[flow.g]", second, `rebuild = uniform("1m", "5m")`, `min_gap 1m0s (rebuild uniform("1m", "5m"))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := cascadeBase + tc.extra + "constraint \"c\" {\n  flows = " + tc.flows + "\n  min_gap = \"1m\"\n  " + tc.rebuild + "\n}\n"
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var text strings.Builder
			plan.Describe(&text)
			if !strings.Contains(text.String(), tc.want) {
				t.Errorf("plan lacks %q:\n%s", tc.want, text.String())
			}
		})
	}
}

// transitionsScenario has states whose transition blocks mix ordered
// probabilities, guards, weights and otherwise (state a declares a weight
// before the probabilities that are evaluated first).
const transitionsScenario = `
scenario "t" {
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 10
  attributes {
    id  = index
    vip = bernoulli(0.5)
    p   = uniform(0.0, 1.0)
  }
}
flow "f" {
  actor = entity.user
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
    transition "d" { weight = 1 }
    transition "b" { probability = 0.3 }
    transition "c" { probability = 0.5 }
    transition "end" { weight = 3 }
  }
  state "b" {
    emit "e" { id = user.id }
    transition "c" { when = user.vip }
    transition "d" { probability = 0.4 }
    transition "end" { otherwise = true }
  }
  state "c" {
    emit "e" { id = user.id }
    transition "d" { probability = 0.2 }
    transition "end" { probability = 0.5 }
  }
  state "d" {
    emit "e" { id = user.id }
    transition "e" { probability = 0.5 }
    transition "end" { probability = user.p }
    transition "a" {
      when   = user.vip
      weight = 1
    }
    transition "end" { weight = 1 }
  }
  state "e" {
    emit "e" { id = user.id }
    transition "end" { probability = 0.1 }
    transition "a" { weight = 1 }
    transition "d" { otherwise = true }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestDescribeOrderedTransitions: transition blocks with a probability or
// a when guard are evaluated in order, the first that fires winning, and
// the weighted draw shares out what they leave. scen plan listed each p
// as if independent (p=0.3, p=0.5 read as 30 % and 50 %; the split is
// 30 % and 35 %) and the weights' shares as of the whole; it now lists
// the transitions in the order they are evaluated, labels the
// conditional ones and gives their overall probability when the earlier
// ones' are known, and shows where the rest goes. (The overall shares
// are those of chooseTransition: a run of 20 000 sessions of state a
// gave b 30.1 %, c 34.8 %, d 8.9 %, end 26.2 %.)
func TestDescribeOrderedTransitions(t *testing.T) {
	sc, diags := dsl.ParseSource("t.hcl", []byte(transitionsScenario))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var text, dot strings.Builder
	plan.Describe(&text)
	plan.DescribeDot(&dot)
	wantText := `flow "f" (actor user, initial a)
  session count 1
  state a                  emits [e]
    -> b                  p=0.3
    -> c                  p=0.5 if the earlier ones are not taken → 35.0% overall
    -> d                   25.0% weight of the rest → 8.8% overall
    -> end                 75.0% weight of the rest → 26.2% overall
  state b                  emits [e]
    -> c                  (when user.vip)
    -> d                  p=0.4 if the earlier ones are not taken
    -> end                (otherwise)
  state c                  emits [e]
    -> d                  p=0.2
    -> end                p=0.5 if the earlier ones are not taken → 40.0% overall
    -> end                (when none is taken) → 40.0% overall
  state d                  emits [e]
    -> e                  p=0.5
    -> end                (p = user.p) if the earlier ones are not taken
    -> a                  weight 1 when user.vip
    -> end                weight 1
       (weights of the transitions whose when holds are shared out, when the earlier ones are not taken)
  state e                  emits [e]
    -> end                p=0.1
    -> a                  100.0% weight of the rest → 90.0% overall
    -> d                  (otherwise) never taken
`
	if !strings.Contains(text.String(), wantText) {
		t.Errorf("plan:\n%s\nwant the flow described as\n%s", text.String(), wantText)
	}
	wantDot := `    "f.a" -> "f.b" [label="p=0.3"];
    "f.a" -> "f.c" [label="p=0.5 (35.0% overall)"];
    "f.a" -> "f.d" [label="25% of the rest (8.8% overall)"];
    "f.a" -> "f.end" [label="75% of the rest (26.2% overall)"];
    "f.b" [label="b"];
    "f.b" -> "f.c" [label="when user.vip"];
    "f.b" -> "f.d" [label="p=0.4 if the earlier ones are not taken"];
    "f.b" -> "f.end" [label="otherwise"];
    "f.c" [label="c"];
    "f.c" -> "f.d" [label="p=0.2"];
    "f.c" -> "f.end" [label="p=0.5 (40.0% overall)"];
    "f.c" -> "f.end" [label="none taken (40.0% overall)"];
    "f.d" [label="d"];
    "f.d" -> "f.e" [label="p=0.5"];
    "f.d" -> "f.end" [label="p = user.p if the earlier ones are not taken"];
    "f.d" -> "f.a" [label="w=1 when user.vip"];
    "f.d" -> "f.end" [label="w=1"];
    "f.e" [label="e"];
    "f.e" -> "f.end" [label="p=0.1"];
    "f.e" -> "f.a" [label="100% of the rest (90.0% overall)"];
    "f.e" -> "f.d" [label="otherwise (never taken)"];
`
	if !strings.Contains(dot.String(), wantDot) {
		t.Errorf("dot:\n%s\nwant\n%s", dot.String(), wantDot)
	}
}
