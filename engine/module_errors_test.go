package engine_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// The scenarios of the module error tests sit beside
// testdata/modules/inputs/main.hcl, whose lib/ they include.
const inputsDir = "../testdata/modules/inputs"

// moduleCase parses src as inputsDir/case.hcl (a scenario block is put
// first, four lines).
func moduleCase(t *testing.T, src string) *dsl.Scenario {
	t.Helper()
	src = "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n" + src
	sc, diags := dsl.ParseSource(filepath.Join(inputsDir, "case.hcl"), []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return sc
}

// rel shortens the test directory out of file names.
func rel(s string) string {
	return strings.ReplaceAll(s, inputsDir+"/", "")
}

// TestModuleInputErrors: an error inside a module that one of the module's
// inputs causes points at the input in the including file (the outermost
// one when modules pass it on) and says where the module used it; an error
// with the input at its default stays in the module and names the module
// block; nothing is reported twice.
func TestModuleInputErrors(t *testing.T) {
	type want struct {
		summary, at string
		detail      []string // lines the detail has
	}
	for _, tc := range []struct {
		name string
		src  string // from line 5
		want []want
	}{
		{"stdlib module, bad count and id_format", `module "p" {
  source    = "stdlib/fake/person"
  count     = -5
  id_format = "P%s%d"
}
`, []want{
			{"Invalid count", "case.hcl:7:15", []string{
				"count must be a whole number between 0 and 2^40, got -5.",
				`Used by module "p" at stdlib:fake/person.hcl:32:11: count = var.count`}},
			{"Invalid argument", "case.hcl:8:15", []string{
				`Used by module "p" at stdlib:fake/person.hcl:34:17: person_id = format(var.id_format, index + 1)`}},
		}},
		{"local module", `module "d" {
  source = "./lib/inner.hcl"
  size   = -2
}
`, []want{
			{"Invalid count", "case.hcl:7:12", []string{`Used by module "d" at lib/inner.hcl:19:11: count = var.size`}},
		}},
		{"local module included twice, one input bad", `module "good" {
  source = "./lib/inner.hcl"
  size   = 2
}
module "bad" {
  source = "./lib/inner.hcl"
  size   = 2.5
}
`, []want{
			{"Invalid count", "case.hcl:11:12", []string{`Used by module "bad" at lib/inner.hcl:19:11: count = var.size`}},
		}},
		{"nested module", `module "o" {
  source = "./lib/outer.hcl"
  n      = -3
}
`, []want{
			{"Invalid count", "case.hcl:7:12", []string{
				`Passed by module "o" to module "o.inner" at lib/outer.hcl:16:3: size = var.n`,
				`Used by module "o.inner" at lib/inner.hcl:19:11: count = var.size`}},
		}},
		{"nested module, wrong input type", `module "o" {
  source = "./lib/outer.hcl"
  n      = "three"
}
`, []want{
			{"Wrong input type", "case.hcl:7:12", []string{`Variable "n" of module "o" (./lib/outer.hcl) takes a number; got a string.`}},
		}},
		{"input at its default", `module "z" {
  source = "./lib/sized.hcl"
}
`, []want{
			{"Invalid count", "lib/sized.hcl:9:11", []string{
				"count must be a whole number between 0 and 2^40, got -1.",
				`In module "z" (case.hcl:5:1).`}},
		}},
		{"input at its default in two modules", `module "a" {
  source = "./lib/sized.hcl"
}
module "b" {
  source = "./lib/sized.hcl"
}
module "c" {
  source = "./lib/sized.hcl"
  size   = 1
}
`, []want{
			{"Invalid count", "lib/sized.hcl:9:11", []string{`In module "a" (case.hcl:5:1); in module "b" (case.hcl:8:1).`}},
		}},
		{"stdlib module that includes a module", `module "o" {
  source = "./lib/outer.hcl"
  n      = 1
}
module "u" {
  source = "stdlib/population/users"
  count  = -1
}
`, []want{
			{"Invalid count", "case.hcl:11:12", []string{`Used by module "u" at stdlib:population/users.hcl:24:11: count = var.count`}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, all := engine.Compile(moduleCase(t, tc.src), engine.Options{})
			diags := errorsIn(all) // the errors ("Stream has no sink" warnings aside)
			var got []string
			for _, d := range diags {
				got = append(got, fmt.Sprintf("%s at %s:%d:%d: %s", d.Summary, rel(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column, rel(d.Detail)))
			}
			if len(diags) != len(tc.want) {
				t.Fatalf("%d diagnostics, want %d:\n%s", len(diags), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				d := diags[i]
				if d.Summary != w.summary {
					t.Errorf("diagnostic %d: %s", i, got[i])
					continue
				}
				if at := fmt.Sprintf("%s:%d:%d", rel(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column); at != w.at {
					t.Errorf("%s at %s, want %s", d.Summary, at, w.at)
				}
				lines := strings.Split(rel(d.Detail), "\n")
				for _, l := range w.detail {
					if !containsStr(lines, l) {
						t.Errorf("%s: detail lacks the line %q:\n%s", d.Summary, l, rel(d.Detail))
					}
				}
			}
		})
	}
}

// TestModuleInputsValid: modules with good inputs, passed on to nested
// modules or left at their defaults, compile and run.
func TestModuleInputsValid(t *testing.T) {
	plan := compileFile(t, filepath.Join(inputsDir, "main.hcl"), nil, nil)
	var got []string
	for _, e := range plan.Entities {
		got = append(got, fmt.Sprintf("%s:%d", e.Name, e.Count))
	}
	if want := "direct.member:2 nested.inner.member:3 sized.thing:4"; strings.Join(got, " ") != want {
		t.Errorf("entities %s, want %s", strings.Join(got, " "), want)
	}
	recs := jsonLines(t, filepath.Join(runTo(t, filepath.Join(inputsDir, "main.hcl"), 1, nil, engine.RunOptions{Workers: 2}), "members.jsonl"))
	if len(recs) != 5 {
		t.Errorf("%d records, want 5", len(recs))
	}
	for _, r := range recs {
		if id := r["id"].(string); !strings.HasPrefix(id, "m-") && !strings.HasPrefix(id, "o-") {
			t.Errorf("member id %q", id)
		}
	}
	_, diags := engine.Compile(moduleCase(t, `module "p" {
  source    = "stdlib/fake/person"
  count     = 5
  id_format = "P%03d"
}
`), engine.Options{})
	if len(diags) > 0 {
		t.Fatal(diags.Error())
	}
}

// TestModuleInputRuntimeError: a run-time error in a module caused by an
// input (a division by the input) points at the input, like a
// compile-time one, and says where the module used it.
func TestModuleInputRuntimeError(t *testing.T) {
	sc := moduleCase(t, `module "d" {
  source = "./lib/inner.hcl"
  size   = 2
  step   = 0
}
sink "members" {
  type   = "jsonl"
  stream = "members"
  path   = "members.jsonl"
}
`)
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
	var rte *engine.RuntimeError
	if !errors.As(err, &rte) {
		t.Fatalf("run: %v, want a run-time error", err)
	}
	if at := fmt.Sprintf("%s:%d:%d", rel(rte.Subject.Filename), rte.Subject.Start.Line, rte.Subject.Start.Column); at != "case.hcl:8:12" {
		t.Errorf("%s at %s, want case.hcl:8:12 (step = 0)", rte.Summary, at)
	}
	d := rel(rte.Diagnostic().Detail)
	if want := `Used by module "d" at lib/inner.hcl:32:12: v = index / var.step`; !strings.Contains(d, want) {
		t.Errorf("detail %q lacks %q", d, want)
	}
	if want := "case.hcl:8:12: Division by zero"; !strings.Contains(rel(rte.Error()), want) {
		t.Errorf("error %q lacks %q", rel(rte.Error()), want)
	}
}
