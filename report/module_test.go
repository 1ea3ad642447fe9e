package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// moduleFlow is a flow of shoppers spaced by a constraint; ent names the
// entity as the flow's file sees it, attr the shopper's id.
func moduleFlow(ent, attr string) string {
	return `
flow "shop" {
  actor = entity.` + ent + `
  session {
    arrivals = arrivals(4)
  }
  gap     = uniform("10s", "1m")
  initial = "browse"
  state "browse" {
    emit "events" {
      kind       = "browse"
      shopper_id = ` + attr + `
      session_id = session.id
      time       = event.time
    }
    next = { pay = 0.4, end = 0.6 }
  }
  state "pay" {
    emit "events" {
      kind       = "pay"
      shopper_id = ` + attr + `
      session_id = session.id
      time       = event.time
    }
    next = { end = 1 }
  }
}
constraint "spacing" {
  flows   = [flow.shop]
  min_gap = "20m"
  states  = ["browse"]
}
`
}

const moduleShopper = `
entity "shopper" {
  count = 60
  attributes { shopper_id = "S${index}" }
}
`

const moduleHead = `
scenario "mods" {
  seed     = 5
  timezone = "UTC"
  start    = "2025-03-03"
  end      = "2025-03-10"
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportModules: the checks do not depend on where the entity, the
// flow and the constraint are declared: in the scenario, in a module
// (whose files name its own entity without the module's name,
// shopper.shopper_id, where the plan calls it lib.shopper), or in the
// standard library. The constraint used to go unchecked ("records lack
// an actor or time field") when the flow was a module's.
func TestReportModules(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // main.hcl and the module's files
		check string            // the constraint check's name
	}{
		{"all in the scenario", map[string]string{
			"main.hcl": moduleHead + moduleShopper + moduleFlow("shopper", "shopper.shopper_id")},
			"spacing: min gap 20m per shopper_id (events of browse)"},
		{"entity in a module", map[string]string{
			"main.hcl":    moduleHead + `module "lib" { source = "./lib" }` + moduleFlow("lib.shopper", "lib.shopper.shopper_id"),
			"lib/pop.hcl": moduleShopper},
			"spacing: min gap 20m per shopper_id (events of browse)"},
		{"entity in the standard library", map[string]string{
			"main.hcl": moduleHead + `module "people" {
  source    = "stdlib/population/users"
  count     = 60
  id_prefix = "S"
}` + moduleFlow("people.user", "actor.user_id")},
			"spacing: min gap 20m per shopper_id (events of browse)"},
		{"entity, flow and constraint in a module", map[string]string{
			"main.hcl":     moduleHead + `module "lib" { source = "./lib" }`,
			"lib/pop.hcl":  moduleShopper,
			"lib/shop.hcl": moduleFlow("shopper", "shopper.shopper_id")},
			"lib.spacing: min gap 20m per shopper_id (events of browse)"},
		{"in a module of a module", map[string]string{
			"main.hcl":      moduleHead + `module "outer" { source = "./outer" }`,
			"outer/inc.hcl": `module "lib" { source = "../lib" }`,
			"lib/pop.hcl":   moduleShopper,
			"lib/shop.hcl":  moduleFlow("shopper", "shopper.shopper_id")},
			"outer.lib.spacing: min gap 20m per shopper_id (events of browse)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sc, diags := dsl.Load(filepath.Join(dir, "main.hcl"))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			out := filepath.Join(dir, "out")
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			r := buildReport(t, plan, plan.Introspect(), filepath.Join(out, "events.jsonl"))
			var text strings.Builder
			r.WriteText(&text)
			if r.Failed() > 0 {
				t.Fatalf("a correct run fails:\n%s", text.String())
			}
			c := findCheck(t, r, Constraint, tc.check)
			if c.Untested() || c.N < 500 || c.Stat != 0 {
				t.Errorf("constraint check: n=%d %s\n%s", c.N, c.Detail, text.String())
			}
			if c := findCheck(t, r, Transitions, "browse → next"); c.Untested() || c.N < 500 {
				t.Errorf("browse's transitions: %s", c.Detail)
			}
			if strings.Contains(text.String(), "constraints not checked") {
				t.Errorf("a note says the constraint is not checked:\n%s", text.String())
			}
		})
	}
}
