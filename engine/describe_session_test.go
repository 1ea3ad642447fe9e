package engine_test

import (
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestDescribeSessionSettings: scen plan shows each flow's session
// settings (count, start, every or arrivals, max_events) and its gap on a
// line after the flow's header; it showed none of them. A constant (a
// variable too) is shown as its value, an expression as written on one
// line, and what is left out as what it means.
func TestDescribeSessionSettings(t *testing.T) {
	for _, tc := range []struct {
		name, session, gap, want string
	}{
		{"none", "", "", "session each right after the previous one, until the window ends"},
		{"count and every", "count = 3\n    every = \"1h\"\n    max_events = 5", "",
			"session count 3, every 1h0m0s, max_events 5"},
		{"one session", "count = 1", "", "session count 1"},
		{"count without every", "count = var.n", "", "session count 4, each right after the previous one"},
		{"drawn", "count = uniform(1, var.n)\n    start = uniform(\"0s\", \"1d\")\n    max_events = poisson(3) + 1", `uniform("5s", "2m")`,
			`session count uniform(1, var.n), start uniform("0s", "1d"), each right after the previous one, max_events poisson(3) + 1; gap uniform("5s", "2m")`},
		{"arrivals", "arrivals = arrivals(var.rate)", "", "session arrivals(2), until the window ends"},
		{"arrivals with profiles and active days", "arrivals = arrivals(user.r * 2, [distribution.h, distribution.w], 0.5)\n    start = \"2h\"", `"30s"`,
			"session start 2h0m0s, arrivals(user.r * 2, [distribution.h, distribution.w], 0.5), until the window ends; gap 30s"},
		{"written over lines", "arrivals = arrivals(\n      user.r,\n      [\n        distribution.h,\n        distribution.w,\n      ],\n    )\n    count = 2", "",
			"session count 2, arrivals(user.r, [distribution.h, distribution.w])"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gap := ""
			if tc.gap != "" {
				gap = "gap = " + tc.gap
			}
			src := `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "n" { default = 4 }
variable "rate" { default = 2 }
distribution "h" { hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] }
distribution "w" { weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 2, sun = 2 } }
entity "user" {
  count = 3
  attributes {
    id = index
    r  = uniform(1.0, 3.0)
  }
}
flow "f" {
  actor = entity.user
  session {
    ` + tc.session + `
  }
  ` + gap + `
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var b strings.Builder
			plan.Describe(&b)
			want := "flow \"f\" (actor user, initial a)\n  " + tc.want + "\n  state a "
			if !strings.Contains(b.String(), want) {
				t.Errorf("plan lacks\n%s\n---\n%s", want, b.String())
			}
		})
	}
}
