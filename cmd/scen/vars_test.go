package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const listVarsScenario = `scenario "lv" {
  seed  = 4
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "countries" { default = ["US", "DE", "FR"] }
variable "mix" { default = { mobile = 0.6, desktop = 0.4 } }
entity "user" {
  count = 20
  attributes {
    id      = "u${index}"
    country = choice(var.countries)
    device  = weighted(var.mix)
  }
}
flow "f" {
  actor   = entity.user
  session { arrivals = arrivals(3) }
  initial = "a"
  state "a" {
    emit "e" {
      id      = user.id
      country = user.country
      device  = user.device
    }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestListVariablesCLI: list and object variables from the command line:
// plan shows them, a bad value points at the variable, a run's manifest
// regenerates the same bytes, diff compares them.
func TestListVariablesCLI(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "lv.hcl")
	writeScenario(t, scen, listVarsScenario)

	code, stdout, stderr := runCLI("plan", scen, "--var", `countries=["JP", "KR"]`)
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{`countries            = ["JP","KR"]  (--var)`, `mix                  = {"mobile":0.6,"desktop":0.4} (default)`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, stdout)
		}
	}

	for _, tc := range []struct{ arg, msg string }{
		{`countries={"JP": 1}`, "--var countries={\"JP\": 1}: the variable is a list, the value an object."},
		{`countries=["JP"`, "--var countries=[\"JP\": column 1: Unterminated tuple constructor expression: There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in the value."},
		{`mix=mobile`, "--var mix=mobile: column 1: mobile is not a literal value"},
	} {
		code, _, stderr := runCLI("validate", scen, "--var", tc.arg)
		if code != 1 || !strings.Contains(stderr, tc.msg) || !strings.Contains(stderr, "lv.hcl:") || strings.Count(stderr, "error:") != 1 {
			t.Errorf("--var %s: exit %d, stderr:\n%s\nwant %q at the variable", tc.arg, code, stderr, tc.msg)
		}
	}

	outA, outB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if code, _, stderr := runCLI("run", scen, "--var", `mix={"desktop": 3, "mobile": 1}`, "--out", outA, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	m := readManifest(t, filepath.Join(outA, "manifest.json"))
	for _, v := range m.Variables {
		if v.Name == "mix" && (strings.Join(strings.Fields(string(v.Value)), "") != `{"desktop":3,"mobile":1}` || !v.FromCLI) {
			t.Errorf("mix = %s (from_cli %v)", v.Value, v.FromCLI)
		}
	}
	if code, _, stderr := runCLI("run", "--from-manifest", filepath.Join(outA, "manifest.json"), "--out", outB, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	a, _ := os.ReadFile(filepath.Join(outA, "e.jsonl"))
	b, err := os.ReadFile(filepath.Join(outB, "e.jsonl"))
	if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("regenerated output differs (%d and %d bytes, %v)", len(a), len(b), err)
	}

	other := filepath.Join(dir, "other.hcl")
	writeScenario(t, other, strings.Replace(listVarsScenario, `"DE", "FR"`, `"DE"`, 1))
	code, stdout, stderr = runCLI("diff", "--sample", "-1", scen, other)
	if code != 1 || !strings.Contains(stdout, `~ variable countries: ["US","DE","FR"] → ["US","DE"]`) {
		t.Errorf("diff: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestVarOfAModule: --var on a module's input (MODULE.NAME) says how a
// module input is set from the command line; other unknown names get a
// suggestion among the scenario's variables.
func TestVarOfAModule(t *testing.T) {
	for _, tc := range []struct {
		name, v, want string
	}{
		{"a module's input", "daily.round_the_clock=1", `--var sets the scenario's own variables; module "daily"'s input "round_the_clock" is set in its module block. To set it from the command line, declare a variable in the scenario and pass it on: module "daily" { round_the_clock = var.NAME }.`},
		{"a dotted name of no module", "dialy.x=1", `the scenario declares no variable "dialy.x".`},
		{"a misspelt variable", "client=5", `Did you mean "clients"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI("validate", "../../scenarios/bank.hcl", "--var", tc.v)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", code, stderr, tc.want)
			}
			if tc.name == "a dotted name of no module" && strings.Contains(stderr, "module block") {
				t.Fatalf("a module hint for no module:\n%s", stderr)
			}
		})
	}
}
