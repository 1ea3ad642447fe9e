package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
)

// TestReadsNoActorInModule: readsNoActor reads an expression back from
// its source as written, where a module's names are not yet qualified
// (user for entity web.user, var.h for the module's variable web.h,
// distribution.d for web.d). Its test is by the traversal's root only:
// var, scenario, distribution, dataset and a for expression's variables
// read nothing of the actor, and qualifying a module's names never
// changes a root into or out of that list (var.h → var."web.h",
// distribution.inner.d → distribution."web.inner.d", user.x →
// "web.user".x). So a module flow's session settings are judged as the
// same flow's written in the scenario: a draw that reads no actor makes
// the sessions alike, one that reads an attribute or the index does not.
func TestReadsNoActorInModule(t *testing.T) {
	const lib = `variable "h" { default = 2 }
module "inner" { source = "./inner.hcl" }
dataset "places" { path = "places.csv" }
distribution "d" { value = uniform(1, 3) }
entity "user" {
  count = 5
  attributes {
    x = uniform(1, 3)
  }
}
flow "f" {
  actor   = entity.user
  session {
    count = 2
    start = START
  }
  initial = "e"
  state "e" {
    emit "events" { k = 1 }
    next = { end = 1 }
  }
}
`
	const inner = `distribution "d" { value = uniform(1, 3) }
`
	const main = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
module "web" {
  source = "./lib.hcl"
  h      = 3
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		start string
		alike bool
		reads string // the actor's attributes read, when not alike
	}{
		{start: `uniform("0s", "1h")`, alike: true},
		{start: `hours(var.h) + uniform("0s", "1h")`, alike: true},
		{start: `hours(distribution.d)`, alike: true},
		{start: `hours(distribution.inner.d)`, alike: true},
		{start: `hours(len(dataset.places)) + uniform("0s", "1m")`, alike: true},
		{start: `hours(sum([for r in dataset.places : r.share])) + uniform("0s", "1m")`, alike: true},
		{start: `scenario.end - scenario.start - hours(20) - uniform("0s", "1m")`, alike: true},
		{start: `hours(user.x)`, reads: "x"},
		{start: `hours(actor.x) + uniform("0s", "1h")`, reads: "x"},
		{start: `hours(index)`, reads: "index"},
		{start: `hours(var.h * user.x)`, reads: "x"},
	} {
		t.Run(tc.start, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{
				"places.csv": "country,share\nKR,1\nUS,2\n",
				"inner.hcl":  inner,
				"lib.hcl":    strings.Replace(lib, "START", tc.start, 1),
				"s.hcl":      main,
			} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sc, diags := dsl.Load(filepath.Join(dir, "s.hcl"))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			p, diags := Compile(sc, Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			f := p.Flows[0]
			if f.Name != "web.f" || f.sessStart.isC {
				t.Fatalf("flow %s, start constant %v: the test wants the module's flow with a start that is not constant", f.Name, f.sessStart.isC)
			}
			if got := p.readsNoActor(f.sessStart); got != tc.alike {
				t.Errorf("readsNoActor(%s) = %v, want %v", tc.start, got, tc.alike)
			}
			fs := p.flowSpec(f, p.Start, p.End)
			if fs.ReachedAlike != tc.alike {
				t.Errorf("ReachedAlike = %v (%s), want %v", fs.ReachedAlike, fs.DrawnPerActor, tc.alike)
			}
			if !tc.alike && strings.Join(fs.DrawnReads, ",") != tc.reads {
				t.Errorf("DrawnReads = %v, want [%s]", fs.DrawnReads, tc.reads)
			}
		})
	}
}
