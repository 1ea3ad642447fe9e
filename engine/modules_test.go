package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/stdlib/modules"
)

// TestModuleUsedTwice: one module file included twice with different
// inputs gives two independent sets of definitions (entities, a sampler
// distribution, flows, constraints), both emitting to the shared stream.
func TestModuleUsedTwice(t *testing.T) {
	plan := compileFile(t, "../testdata/modules/twice/main.hcl", nil, nil)
	var got []string
	for _, e := range plan.Entities {
		got = append(got, fmt.Sprintf("%s:%d", e.Name, e.Count))
	}
	for _, f := range plan.Flows {
		got = append(got, "flow "+f.Name)
	}
	for _, k := range plan.Constraints {
		got = append(got, "constraint "+k.Name)
	}
	want := "corner.customer:3 mall.customer:5 flow corner.buy flow mall.buy constraint corner.spacing constraint mall.spacing"
	if strings.Join(got, " ") != want {
		t.Errorf("plan: %s\nwant: %s", strings.Join(got, " "), want)
	}

	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	recs := jsonLines(t, filepath.Join(dir, "sales.jsonl"))
	for _, tc := range []struct {
		shop     string
		actors   int
		min, max float64
	}{
		{"corner-", 3, 1, 2},
		{"mall-", 5, 100, 200},
	} {
		t.Run(tc.shop, func(t *testing.T) {
			customers := map[string]int{}
			for _, r := range recs {
				if r["shop"] != tc.shop {
					continue
				}
				id := r["customer"].(string)
				if !strings.HasPrefix(id, tc.shop) {
					t.Errorf("customer %q of shop %q", id, tc.shop)
				}
				customers[id]++
				if a := r["amount"].(float64); a < tc.min || a > tc.max {
					t.Errorf("amount %v outside [%v, %v]", a, tc.min, tc.max)
				}
			}
			if len(customers) != tc.actors {
				t.Errorf("%d customers, want %d", len(customers), tc.actors)
			}
			for id, n := range customers {
				if n != 2 {
					t.Errorf("%s: %d sales, want 2 (session count = 2)", id, n)
				}
			}
		})
	}
	if len(recs) != 2*(3+5) {
		t.Errorf("%d records, want 16", len(recs))
	}
}

// TestModuleDiagnostics checks every case directory under
// testdata/modules/invalid: loading main.hcl yields errors on exactly the
// lines marked `# ERROR: <summary>` in any of the case's files.
func TestModuleDiagnostics(t *testing.T) {
	cases, _ := filepath.Glob("../testdata/modules/invalid/*")
	if len(cases) < 5 {
		t.Fatalf("expected module cases under testdata/modules/invalid, found %d", len(cases))
	}
	type at struct {
		file string
		line int
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := map[at][]string{}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(p, ".hcl") {
					rel, _ := filepath.Rel(dir, p)
					for line, sums := range markers(t, p) {
						want[at{rel, line}] = sums
					}
				}
				return nil
			})
			if len(want) == 0 {
				t.Fatalf("%s has no # ERROR: markers", dir)
			}
			got := map[at][]string{}
			for _, d := range loadAndCompile(filepath.Join(dir, "main.hcl")) {
				if d.Severity != hcl.DiagError {
					continue
				}
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no source range", d.Summary)
					continue
				}
				rel, err := filepath.Rel(dir, d.Subject.Filename)
				if err != nil {
					rel = d.Subject.Filename
				}
				got[at{rel, d.Subject.Start.Line}] = append(got[at{rel, d.Subject.Start.Line}], d.Summary)
				if d.Detail == "" {
					t.Errorf("%s: %q has no detail", rel, d.Summary)
				}
			}
			for k, sums := range want {
				for _, s := range sums {
					if !containsStr(got[k], s) {
						t.Errorf("%s:%d: want error %q, got %q", k.file, k.line, s, got[k])
					}
				}
			}
			for k, sums := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("%s:%d: unexpected error(s) %q", k.file, k.line, sums)
				}
			}
		})
	}
}

// TestModuleDiagnosticDetails: the messages name what is allowed and
// suggest the closest name.
func TestModuleDiagnosticDetails(t *testing.T) {
	for _, tc := range []struct{ path, summary, want string }{
		{"../testdata/invalid/module_unknown_input.hcl", "Unknown module input", `Did you mean "country"?`},
		{"../testdata/invalid/module_missing_input.hcl", "Missing module input", `add count = … to the module block`},
		{"../testdata/invalid/module_missing_source.hcl", "Unknown standard library module", `Did you mean "profiles/web"?`},
		{"../testdata/invalid/module_missing_source.hcl", "Invalid module source", `"stdlib/NAME"`},
		{"../testdata/invalid/module_unknown_reference.hcl", "Unknown distribution", `declares no distribution "hourly"; it has hour_of_day, weekday.`},
		{"../testdata/invalid/module_unknown_reference.hcl", "Unknown entity", `Did you mean "person"?`},
		{"../testdata/modules/invalid/cycle/main.hcl", "Module cycle", "main.hcl → ../testdata/modules/invalid/cycle/b.hcl → ../testdata/modules/invalid/cycle/main.hcl"},
		{"../testdata/modules/invalid/inside/main.hcl", "Unknown variable", "a module sees only its own variables"},
	} {
		t.Run(tc.summary, func(t *testing.T) {
			var details []string
			for _, d := range loadAndCompile(tc.path) {
				if d.Summary == tc.summary {
					details = append(details, d.Detail)
					if strings.Contains(d.Detail, tc.want) {
						return
					}
				}
			}
			t.Errorf("%s: no %q diagnostic containing %q; got %q", tc.path, tc.summary, tc.want, details)
		})
	}
}

// TestStdlibPiecesEqualInlined: a scenario built from standard library
// pieces writes the same bytes as the same scenario with the pieces
// copied in at the modules' places.
func TestStdlibPiecesEqualInlined(t *testing.T) {
	out := map[string]string{}
	for _, name := range []string{"with", "inline"} {
		out[name] = runTo(t, "../testdata/modules/stdlib/"+name+".hcl", 11, nil, engine.RunOptions{Workers: 2})
	}
	for _, f := range []string{"events.jsonl", "orders.jsonl"} {
		a := readFile(t, filepath.Join(out["with"], f))
		b := readFile(t, filepath.Join(out["inline"], f))
		if len(a) < 1000 {
			t.Errorf("%s: only %d bytes", f, len(a))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the stdlib and the inlined scenario", f)
		}
	}
}

// TestStdlibModules: every piece of the standard library compiles (with
// its required inputs) and is listed in docs/modules.md.
func TestStdlibModules(t *testing.T) {
	doc := string(readFile(t, "../docs/modules.md"))
	names := modules.Names()
	if len(names) < 8 {
		t.Fatalf("standard library: %v", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(doc, "`stdlib/"+name+"`") {
				t.Errorf("docs/modules.md does not list stdlib/%s", name)
			}
			src := fmt.Sprintf(`scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
module "m" {
  source = "stdlib/%s"
  count  = 3
}
`, name)
			sc, diags := dsl.ParseSource("piece.hcl", []byte(src))
			for _, d := range diags {
				// Pieces without a count input say so; nothing else may fail.
				if d.Severity == hcl.DiagError && !(d.Summary == "Unknown module input" && strings.Contains(d.Detail, `"count"`)) {
					t.Fatalf("%s: %s", name, d.Error())
				}
			}
			if diags.HasErrors() {
				src = strings.Replace(src, "  count  = 3\n", "", 1)
				if sc, diags = dsl.ParseSource("piece.hcl", []byte(src)); diags.HasErrors() {
					t.Fatal(diags.Error())
				}
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if len(sc.Distributions)+len(plan.Entities) == 0 {
				t.Error("the piece defines nothing")
			}
		})
	}
}

// TestModuleContentHash: the manifest's content hash covers module files,
// local ones by path and embedded ones by library name and content.
func TestModuleContentHash(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "../testdata/modules/twice", dir)
	main := filepath.Join(dir, "main.hcl")
	os.WriteFile(main, append(readFile(t, main), []byte("\nmodule \"web\" {\n  source = \"stdlib/profiles/web\"\n}\n")...), 0o644)
	hash := func() (string, []engine.HashedInput) {
		plan := compileFile(t, main, nil, nil)
		h, ins, err := plan.ContentHash(dir)
		if err != nil {
			t.Fatal(err)
		}
		return h, ins
	}
	h1, ins := hash()
	var got []string
	for _, in := range ins {
		got = append(got, in.Kind+" "+in.Path)
	}
	if want := "scenario lib/shop.hcl|scenario main.hcl|stdlib stdlib:profiles/web.hcl"; strings.Join(got, "|") != want {
		t.Errorf("inputs %q, want %q", strings.Join(got, "|"), want)
	}
	lib := filepath.Join(dir, "lib", "shop.hcl")
	os.WriteFile(lib, bytes.Replace(readFile(t, lib), []byte(`"10m"`), []byte(`"11m"`), 1), 0o644)
	if h2, _ := hash(); h2 == h1 {
		t.Error("editing the module file left the content hash unchanged")
	}
}

// TestModuleDiff: scen diff names changes inside module files and in
// module inputs, under the modules' qualified names.
func TestModuleDiff(t *testing.T) {
	for _, tc := range []struct {
		name       string
		file       string
		old, new   string
		wantChange []string
	}{
		{"profile weight in the module file", "lib/profile.hcl", "1.00, 0.95, 0.85, 0.80", "0.90, 0.95, 0.85, 0.80",
			[]string{"~ distribution web.hour_of_day: hour 12 1 → 0.9"}},
		{"module input", "main.hcl", "visitors = 10", "visitors = 12",
			[]string{"~ module web: input visitors 10 → 12", "~ entity web.visitor: count 10 → 12"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, "../testdata/modules/diff", dir)
			summarize := func() *engine.Summary {
				plan := compileFile(t, filepath.Join(dir, "main.hcl"), nil, nil)
				sc, _ := dsl.Load(filepath.Join(dir, "main.hcl"))
				return engine.Summarize(sc, plan)
			}
			before := summarize()
			p := filepath.Join(dir, tc.file)
			src := readFile(t, p)
			if !bytes.Contains(src, []byte(tc.old)) {
				t.Fatalf("%s does not contain %q", tc.file, tc.old)
			}
			os.WriteFile(p, bytes.Replace(src, []byte(tc.old), []byte(tc.new), 1), 0o644)
			var got []string
			for _, c := range engine.DiffSummaries(before, summarize()) {
				got = append(got, c.String())
			}
			sort.Strings(got)
			want := append([]string(nil), tc.wantChange...)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
