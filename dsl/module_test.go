package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// traversalText renders an expression's references after qualification,
// e.g. `distribution."web.hour_of_day"`.
func traversalText(e hcl.Expression) string {
	var out []string
	for _, t := range hclsyntax.Variables(e.(hclsyntax.Expression)) {
		parts := []string{t.RootName()}
		for _, s := range t[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				parts = append(parts, a.Name)
			}
		}
		out = append(out, strings.Join(parts, "/"))
	}
	return strings.Join(out, " ")
}

// TestModuleQualifiedNames: definitions of modules (nested ones too) are
// spliced in at the module block's place under qualified names, and
// references inside and outside the modules are rewritten to them.
func TestModuleQualifiedNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.hcl", `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "first" {
  count = 1
}
module "shop" {
  source = "./lib/shop.hcl"
  size   = 4
}
entity "last" {
  count = 1
  attributes {
    v = distribution.shop.inner.pick
  }
}
flow "f" {
  actor = entity.shop.buyer
  initial = "s"
  state "s" {
    emit "e" {
      id = shop.buyer.id
      seg = distribution.shop.segments.demographic
    }
  }
}
`)
	write("lib/shop.hcl", `variable "size" {
  type = number
}
module "inner" {
  source = "./inner"
  n      = var.size
}
module "segments" {
  source = "stdlib/population/segments"
}
entity "buyer" {
  count = var.size
  attributes {
    id   = "b${index}"
    pick = distribution.inner.pick
    twin = buyer.id
  }
}
`)
	write("lib/inner/pick.hcl", `variable "n" {}
distribution "pick" {
  value = uniform(1, var.n)
}
`)
	sc, diags := Load(filepath.Join(dir, "main.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var got []string
	for _, m := range sc.Modules {
		got = append(got, "module "+m.Name)
	}
	for _, d := range sc.Distributions {
		got = append(got, "distribution "+d.Name)
	}
	for _, e := range sc.Entities {
		got = append(got, "entity "+e.Name)
	}
	want := "module shop|module shop.inner|module shop.segments|" +
		"distribution shop.inner.pick|distribution shop.segments.demographic|" +
		"entity first|entity shop.buyer|entity last"
	if strings.Join(got, "|") != want {
		t.Errorf("definitions\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	buyer, last, flow := sc.Entities[1], sc.Entities[2], sc.Flows[0]
	for _, tc := range []struct {
		what string
		expr hcl.Expression
		want string
	}{
		{"module input", sc.Modules[1].Inputs[0].Expr, "var/shop.size"},
		{"module's own variable", buyer.Count, "var/shop.size"},
		{"nested module's variable", sc.Distributions[0].Expr, "var/shop.inner.n"},
		{"nested module's distribution", buyer.Attributes[1].Expr, "distribution/shop.inner.pick"},
		{"module's entity as a root", buyer.Attributes[2].Expr, "shop.buyer/id"},
		{"from the scenario, two levels", last.Attributes[0].Expr, "distribution/shop.inner.pick"},
		{"flow actor", flow.Actor, "entity/shop.buyer"},
		{"entity root from the scenario", flow.States[0].Emits[0].Fields[0].Expr, "shop.buyer/id"},
		{"stdlib module inside a module", flow.States[0].Emits[0].Fields[1].Expr, "distribution/shop.segments.demographic"},
	} {
		if got := traversalText(tc.expr); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.what, got, tc.want)
		}
	}
	if m := sc.Modules[2]; len(m.Files) != 1 || m.Files[0] != StdlibFilePrefix+"population/segments.hcl" {
		t.Errorf("stdlib module files %v", m.Files)
	}
	if _, ok := sc.Files[StdlibFilePrefix+"population/segments.hcl"]; !ok {
		t.Error("the embedded file is not among the scenario's files")
	}
}

// TestModuleSources: how sources resolve, and what is refused.
func TestModuleSources(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lib.hcl"), []byte("distribution \"d\" {\n  value = 1\n}\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "empty"), 0o755)
	for _, tc := range []struct {
		source, summary string
	}{
		{"./lib.hcl", ""},
		{dir + "/lib.hcl", ""},
		{"stdlib/profiles", ""},
		{"stdlib/profiles/web", ""},
		{"stdlib/profiles/web.hcl", ""},
		{"lib.hcl", "Invalid module source"},
		{"./nope.hcl", "Module source not found"},
		{"./empty", "Empty module directory"},
		{"stdlib/../x", "Invalid module source"},
		{"stdlib/profile", "Unknown standard library module"},
		{"/dev/null", "Invalid module source"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			src := "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\nmodule \"m\" {\n  source = \"" + tc.source + "\"\n}\n"
			name := filepath.Join(dir, "main.hcl")
			_, diags := ParseSource(name, []byte(src))
			var got string
			if diags.HasErrors() {
				got = diags[0].Summary
				if r := diags[0].Subject; r == nil || r.Start.Line != 6 {
					t.Errorf("diagnostic at %v, want line 6", r)
				}
			}
			if got != tc.summary {
				t.Errorf("got %q (%v), want %q", got, diags, tc.summary)
			}
		})
	}
}

// TestBrokenModuleOnlyItsErrors: a module file that does not parse reports
// its own error, not every input given to it as unknown.
func TestBrokenModuleOnlyItsErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lib.hcl"), []byte("variable \"n\" {\n  default = 1\n}\ndistribution \"d\" {\n  value = \n}\n"), 0o644)
	src := "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\nmodule \"m\" {\n  source = \"./lib.hcl\"\n  n      = 2\n}\n"
	_, diags := ParseSource(filepath.Join(dir, "main.hcl"), []byte(src))
	if !diags.HasErrors() {
		t.Fatal("no error for a module that does not parse")
	}
	for _, d := range diags {
		if d.Summary == "Unknown module input" {
			t.Errorf("cascading error: %s", d.Error())
		}
		if d.Subject == nil || filepath.Base(d.Subject.Filename) != "lib.hcl" {
			t.Errorf("diagnostic %q not in the module file: %v", d.Summary, d.Subject)
		}
	}
}

// TestMissingModuleSource: a module block without source points at an
// attribute whose name is close to it (sorce), with "Did you mean", and
// otherwise at the block.
func TestMissingModuleSource(t *testing.T) {
	for _, tc := range []struct{ attrs, want string }{
		{`sorce = "stdlib/profiles"`, `6:3 A module block needs source; it has sorce. Did you mean "source"?`},
		{"users = 3\n  Source = \"stdlib/profiles\"", `7:3 A module block needs source; it has Source. Did you mean "source"?`},
		{"users = 3", `5:1 A module block needs source = "./PATH" (a file or directory, relative to this file) or source = "stdlib/NAME" (a piece of the standard library, see docs/modules.md).`},
	} {
		t.Run(tc.attrs, func(t *testing.T) {
			src := "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\nmodule \"m\" {\n  " + tc.attrs + "\n}\n"
			_, diags := ParseSource("main.hcl", []byte(src))
			if len(diags) != 1 || diags[0].Summary != "Missing module source" {
				t.Fatalf("got %v, want one Missing module source", diags)
			}
			d := diags[0]
			if got := fmt.Sprintf("%d:%d %s", d.Subject.Start.Line, d.Subject.Start.Column, d.Detail); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
