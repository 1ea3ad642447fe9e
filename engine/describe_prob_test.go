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
