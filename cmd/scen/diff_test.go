package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// twoProbabilities edits exactly two transition weights of recipe.hcl.
var twoProbabilities = []string{
	"next = { search_recipe = 0.45, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.15 }",
	"next = { search_recipe = 0.50, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.10 }",
}

const twoProbabilitiesDiff = `  ~ flow browse, state view_page: next search_recipe 0.45 → 0.5
  ~ flow browse, state view_page: next end 0.15 → 0.1

2 changes: 0 added, 0 removed, 2 changed.
`

func TestDiffFiles(t *testing.T) {
	dir := t.TempDir()
	edited := copyRecipe(t, filepath.Join(dir, "edited"), twoProbabilities...)
	same := copyRecipe(t, filepath.Join(dir, "same"), "# Recipe service", "# The recipe service") // a comment only
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // part of stdout
		stderr string
	}{
		{"equal", []string{"../../scenarios/recipe.hcl", same}, 0, "No changes: the plans are equal.\n", ""},
		{"two probabilities", []string{"../../scenarios/recipe.hcl", edited, "--sample", "-1"}, 1, "\n\n" + twoProbabilitiesDiff, ""},
		{"expected records", []string{"../../scenarios/recipe.hcl", edited, "--var", "users=300", "--sample", "30"}, 1,
			twoProbabilitiesDiff + "\nExpected records per stream (estimated from the first 30 actors of each entity, on both sides):\n  ~ stream events: ≈", ""},
		{"expected records, exact", []string{"../../scenarios/recipe.hcl", edited, "--var", "users=30", "--sample", "30"}, 1,
			"\nExpected records per stream (exact: every actor simulated):\n  ~ stream events: ", ""},
		{"variables apply to both", []string{"../../scenarios/recipe.hcl", same, "--var", "users=10"}, 0, "equal.\n", ""},
		{"missing file", []string{"../../scenarios/recipe.hcl", filepath.Join(dir, "nope.hcl")}, 2, "", "Cannot read scenario"},
		{"invalid scenario", []string{"../../scenarios/recipe.hcl", "../../testdata/invalid/unknown_function.hcl"}, 2, "", "Unknown function"},
		{"one argument", []string{"../../scenarios/recipe.hcl"}, 2, "", "diff needs two scenarios"},
		{"--git with two paths", []string{"--git", "HEAD", "a.hcl", "b.hcl"}, 2, "", "--git REV takes one PATH"},
		{"not a repository", []string{same + "@HEAD", same}, 2, "", "is not in a git work tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"diff"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", code, tc.code, stdout, tc.stdout, stderr)
			}
		})
	}
}

// TestDiffGitRevisions: a scenario in a repository, compared with its
// committed version by PATH@REV and by --git REV, directory or file.
func TestDiffGitRevisions(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	scen := copyRecipe(t, filepath.Join(repo, "scenarios"))
	git("add", ".")
	git("commit", "-q", "-m", "recipe")
	copyRecipe(t, filepath.Join(repo, "scenarios"), twoProbabilities...)

	for _, args := range [][]string{
		{scen + "@HEAD", scen},
		{"--git", "HEAD", scen},
		{"--git", "HEAD", filepath.Join(repo, "scenarios")}, // the directory as a scenario
	} {
		code, stdout, stderr := runCLI(append([]string{"diff", "--sample", "-1"}, args...)...)
		if code != 1 || !strings.HasSuffix(stdout, "\n\n"+twoProbabilitiesDiff) {
			t.Errorf("diff %v: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	git("commit", "-q", "-am", "more searches")
	code, stdout, stderr := runCLI("diff", "--sample", "-1", scen+"@HEAD~1", scen+"@HEAD")
	if code != 1 || !strings.HasSuffix(stdout, "\n\n"+twoProbabilitiesDiff) {
		t.Errorf("two revisions: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := runCLI("diff", "--git", "HEAD", scen); code != 0 || !strings.Contains(stdout, "equal") {
		t.Errorf("clean tree: exit %d\n%s", code, stdout)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--git", "no-such-rev", scen}, "is not a revision"},
		{[]string{filepath.Join(repo, "scenarios", "later.hcl") + "@HEAD", scen}, "does not exist at HEAD"},
	} {
		if code, _, stderr := runCLI(append([]string{"diff"}, tc.args...)...); code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("diff %v: exit %d\n%s", tc.args, code, stderr)
		}
	}
	os.Remove(scen)
	// A file deleted from the working tree can still be read at a revision.
	if code, stdout, stderr := runCLI("diff", "--sample", "-1", scen+"@HEAD~1", scen+"@HEAD"); code != 1 {
		t.Errorf("deleted file: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestDiffOrder edits one order of testdata/order/order.hcl at a time and
// runs both versions: diff says the plans differ (exit 1) exactly when
// the output bytes differ. Entities and flows are numbered by position (a
// flow's position matters when its random stream reaches the output or its
// actor has other flows), attributes, set, remember and emits draw in
// order, JSON keys and CSV columns follow field order, next and transition
// blocks are drawn or tried in order, experiment groups are bucketed in
// order; the order of states, experiments, constraints, sinks, datasets,
// variables and distributions changes nothing.
func TestDiffOrder(t *testing.T) {
	dir := filepath.Join("testdata", "order")
	base := string(readTestFile(t, filepath.Join(dir, "order.hcl")))
	// block is a top-level block's text, through its closing brace.
	block := func(head string) string {
		i := strings.Index(base, head+" {")
		if i < 0 {
			t.Fatalf("no %s in order.hcl", head)
		}
		j := strings.Index(base[i:], "\n}\n")
		return base[i : i+j+3]
	}
	// between is the text from one string to the next.
	between := func(from, to string) string {
		i := strings.Index(base, from)
		j := strings.Index(base[i:], to)
		return base[i : i+j]
	}
	for _, tc := range []struct {
		name   string
		a, b   string // swapped (b empty: a is replaced by with)
		with   string
		differ bool   // the output bytes differ
		note   string // part of diff's explanation
	}{
		{"entities", block(`entity "a"`), block(`entity "b"`), "", true, "a, b moved: an entity's actors draw from random streams numbered by the entity's position"},
		{"child entities", block(`entity "c1"`), block(`entity "c2"`), "", true, "c1, c2 moved"},
		{"entities that neither draw nor run flows", block(`entity "k1"`), block(`entity "k2"`), "", false, ""},
		{"an entity that draws past one that does not", block(`entity "k1"`), block(`entity "c2"`), "", true, "~ entity order: c2 #4 → c2 #5"},
		{"flows of two entities", block(`flow "f"`), block(`flow "g"`), "", true, "a flow draws from a random stream numbered by its position"},
		{"flows of one actor", block(`flow "f"`), block(`flow "h"`), "", true, "f, h moved"},
		{"a flow that draws and one that does not", block(`flow "g"`), block(`flow "h"`), "", true, "~ flow order: h #5 → h #4\n      (h moved: "},
		{"flows whose streams reach nothing", block(`flow "fc1"`), block(`flow "fc2"`), "", false, ""},
		{"random attributes", "    x = uniform(1, 1000)\n", "    z = uniform(1, 1000)\n", "", true, "attribute draw order x, z → z, x"},
		{"constant attributes", "    k = 5\n", "    j = \"c\"\n", "", false, ""},
		{"a random and a constant attribute", "    z = uniform(1, 1000)\n", "    k = 5\n", "", false, ""},
		{"an attribute before the one it uses", "    x = uniform(1, 1000)\n    z = uniform(1, 1000)\n    k = 5\n    j = \"c\"\n    y = a.x + 1\n", "",
			"    y = a.x + 1\n    x = uniform(1, 1000)\n    z = uniform(1, 1000)\n    k = 5\n    j = \"c\"\n", false, ""},
		{"random emit fields", "      p  = uniform(1, 1000)\n", "      q  = uniform(1, 1000)\n", "", true, "JSON keys follow this order, and fields draw in it"},
		{"constant emit fields, JSON and CSV", "      kk = a.k\n", "      jj = a.j\n", "", true, "CSV, Parquet and Postgres columns follow this order"},
		{"fields of a later emit, JSON", "      m = ctx.m1\n", "      n = ctx.m2\n", "", true, "field order"},
		{"constant fields of a later emit, CSV only", "      c1 = \"y\"\n", "      c2 = 2\n", "", false, ""},
		{"constant fields of the first emit, CSV only", "      c1 = \"x\"\n", "      c2 = 1\n", "", true, "column order r, c1, c2 → r, c2, c1"},
		{"emit blocks", between(`    emit "ev2" {`, `    emit "ev3" {`), between(`    emit "ev3" {`, `    next = {`), "", true, "emit draw order"},
		{"set", "      m1 = uniform(1, 100)\n", "      m2 = uniform(1, 100)\n", "", true, "set draw order m1, m2 → m2, m1"},
		{"remember", "      r1 = uniform(1, 10)\n", "      r2 = uniform(1, 10)\n", "", true, "remember draw order r1, r2 → r2, r1"},
		{"next", "next = { t = 0.5, u = 0.3, end = 0.2 }", "", "next = { u = 0.3, t = 0.5, end = 0.2 }", true, "next order t, u, end → u, t, end"},
		{"probability transitions", `    transition "s" { probability = 0.3 }`, `    transition "u" { probability = 0.4 }`, "", true, "transition order s, u → u, s"},
		{"weighted transitions", `    transition "s" { weight = 1 }`, `    transition "t" { weight = 1 }`, "", true, "weighted transition order s, t → t, s"},
		{"experiment groups", "groups = { g1 = 0.5, g2 = 0.5 }", "", "groups = { g2 = 0.5, g1 = 0.5 }", true, "group order g1, g2 → g2, g1"},
		{"a parameter's groups", "    g1 = 1\n", "    g2 = 2\n", "", false, ""},
		{"states", between(`  state "t" {`, `  state "u" {`), between(`  state "u" {`, "\n}\n") + "\n", "", false, ""},
		{"experiments", block(`experiment "e1"`), block(`experiment "e2"`), "", false, ""},
		{"constraints", block(`constraint "k1"`), block(`constraint "k2"`), "", false, ""},
		{"a constraint's flows", "flows   = [flow.f, flow.h]", "", "flows   = [flow.h, flow.f]", false, ""},
		{"sinks of a stream", block(`sink "o1"`), block(`sink "o2"`), "", false, ""},
		{"sinks of two streams", block(`sink "o3"`), block(`sink "o4"`), "", false, ""},
		{"datasets", "dataset \"d1\" { path = \"d1.csv\" }\n", "dataset \"d2\" { path = \"d2.csv\" }\n", "", false, ""},
		{"a dataset path spelt otherwise", `path = "d1.csv"`, "", `path = "./d1.csv"`, false, ""},
		{"variables", "variable \"n1\" { default = 4 }\n", "variable \"n2\" { default = 3 }\n", "", false, ""},
		{"distributions", block(`distribution "h1"`), block(`distribution "h2"`), "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := base
			if tc.b == "" {
				edited = strings.Replace(base, tc.a, tc.with, 1)
			} else {
				edited = strings.Replace(strings.Replace(strings.Replace(base, tc.a, "\x00", 1), tc.b, tc.a, 1), "\x00", tc.b, 1)
			}
			if edited == base || strings.Count(base, tc.a) != 1 || (tc.b != "" && strings.Count(base, tc.b) != 1) {
				t.Fatal("the edit does not apply once")
			}
			tmp := t.TempDir()
			a, b := filepath.Join(tmp, "a", "s.hcl"), filepath.Join(tmp, "b", "s.hcl")
			for _, f := range []struct{ path, src string }{{a, base}, {b, edited}} {
				writeScenario(t, f.path, f.src, filepath.Join(dir, "d1.csv"), filepath.Join(dir, "d2.csv"))
			}
			same := sameRunOutput(t, a, b)
			if same == tc.differ {
				t.Fatalf("output differs: %v, want %v", !same, tc.differ)
			}
			code, stdout, stderr := runCLI("diff", "--sample", "-1", a, b)
			want := 1
			if same {
				want = 0
			}
			if code != want || !strings.Contains(stdout, tc.note) {
				t.Fatalf("diff: exit %d (want %d), want %q in\n%s%s", code, want, tc.note, stdout, stderr)
			}
		})
	}
}

// TestDiffDirectoryOrder: renaming the files of a directory scenario
// changes the order its blocks load in, and with it the output.
func TestDiffDirectoryOrder(t *testing.T) {
	tmp := t.TempDir()
	main := `scenario "g" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-02"
}
flow "f" {
  actor = entity.a
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      p = uniform(1, 1000)
      x = a.x
    }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	a := "entity \"a\" {\n  count = 2\n  attributes { x = uniform(1, 1000) }\n}\n"
	b := "entity \"b\" {\n  count = 2\n  attributes { y = uniform(1, 1000) }\n}\n"
	x, y := filepath.Join(tmp, "x"), filepath.Join(tmp, "y")
	writeScenario(t, filepath.Join(x, "main.hcl"), main)
	writeScenario(t, filepath.Join(x, "1.hcl"), a)
	writeScenario(t, filepath.Join(x, "2.hcl"), b)
	writeScenario(t, filepath.Join(y, "main.hcl"), main)
	writeScenario(t, filepath.Join(y, "1.hcl"), b) // renamed: b loads first
	writeScenario(t, filepath.Join(y, "2.hcl"), a)
	if sameRunOutput(t, x, y) {
		t.Fatal("the outputs are equal")
	}
	code, stdout, stderr := runCLI("diff", "--sample", "-1", x, y)
	if code != 1 || !strings.Contains(stdout, "~ entity order: a #1, b #2 → b #1, a #2\n      (a, b moved: ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeScenario writes src to path and copies files next to it.
func writeScenario(t *testing.T, path, src string, files ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(filepath.Dir(path), filepath.Base(f)), readTestFile(t, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameRunOutput runs both scenarios and compares every file they write
// (the manifests aside, which name the scenario).
// diffAgainstRuns writes base and edited as two scenario files, checks
// that their runs' output differs exactly when differ says so, and that
// scen diff (every actor simulated) exits 1 for a change, 0 for none, and
// prints want.
func diffAgainstRuns(t *testing.T, base, edited string, differ bool, want string) {
	t.Helper()
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a", "s.hcl"), filepath.Join(tmp, "b", "s.hcl")
	writeScenario(t, a, base)
	writeScenario(t, b, edited)
	if same := sameRunOutput(t, a, b); same == differ {
		t.Fatalf("output differs: %v, want %v", !same, differ)
	}
	wantCode := 0
	if differ {
		wantCode = 1
	}
	code, stdout, stderr := runCLI("diff", "--sample", "-1", a, b)
	if code != wantCode || !strings.Contains(stdout, want) {
		t.Fatalf("diff: exit %d (want %d), want %q in\n%s%s", code, wantCode, want, stdout, stderr)
	}
}

func sameRunOutput(t *testing.T, a, b string) bool {
	t.Helper()
	outs := [2]string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	files := [2]map[string]string{{}, {}}
	for i, s := range []string{a, b} {
		if code, _, stderr := runCLI("run", s, "--out", outs[i]); code != 0 {
			t.Fatalf("run %s: exit %d\n%s", s, code, stderr)
		}
		err := filepath.WalkDir(outs[i], func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "manifest.json" {
				return err
			}
			rel, _ := filepath.Rel(outs[i], p)
			files[i][rel] = string(readTestFile(t, p))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files[0]) == 0 || len(files[0]) != len(files[1]) {
		return len(files[0]) == len(files[1])
	}
	for k, v := range files[0] {
		if w, ok := files[1][k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestDiffSwitchBranches: switch() looks its branch up by key, so the
// order of its branches is no part of the plan; diff compared their text
// and reported a reordering as a change. Each edit runs both versions:
// diff says the plans differ exactly when the output bytes differ.
func TestDiffSwitchBranches(t *testing.T) {
	const base = `scenario "s" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 6
  attributes {
    kind = weighted({ A = 0.3, B = 0.3, C = 0.4 })
    size = switch(u.kind, {
      A       = uniform(1, 10)
      B       = switch(u.kind, { B = uniform(20, 30), default = 0 })
      default = uniform(100, 200)
    })
  }
}
flow "f" {
  actor = entity.u
  session {
    count      = 2
    max_events = 3
  }
  initial = "s"
  state "s" {
    emit "ev" {
      kind = u.kind
      size = u.size
      page = "p/${switch(u.kind, { A = "a", B = "b", default = "x" })}"
      pick = switch(u.kind, { A = weighted({ x = 1, y = 2 }), default = "z" })
    }
    next = { s = 0.7, end = 0.3 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	for _, tc := range []struct {
		name, old, new string
		differ         bool
		stdout         string // part of diff's output
	}{
		{"branches reordered", "      A       = uniform(1, 10)\n      B       = switch(u.kind, { B = uniform(20, 30), default = 0 })\n",
			"      B       = switch(u.kind, { B = uniform(20, 30), default = 0 })\n      A       = uniform(1, 10)\n", false, "No changes"},
		{"default first", "      A       = uniform(1, 10)\n      B       = switch(u.kind, { B = uniform(20, 30), default = 0 })\n      default = uniform(100, 200)\n",
			"      default = uniform(100, 200)\n      A       = uniform(1, 10)\n      B       = switch(u.kind, { B = uniform(20, 30), default = 0 })\n", false, "No changes"},
		{"nested switch reordered", "{ B = uniform(20, 30), default = 0 }", "{ default = 0, B = uniform(20, 30) }", false, "No changes"},
		{"in a template", `{ A = "a", B = "b", default = "x" }`, `{ default = "x", B = "b", A = "a" }`, false, "No changes"},
		{"quoted keys", `{ A = "a", B = "b", default = "x" }`, `{ "B" = "b", "A" = "a", default = "x" }`, false, "No changes"},
		{"a branch changed", "{ B = uniform(20, 30), default = 0 }", "{ default = 0, B = uniform(20, 31) }", true, "~ entity u: attribute size\n"},
		{"weighted order inside a branch", "weighted({ x = 1, y = 2 })", "weighted({ y = 2, x = 1 })", true, "~ flow f, state s, emit ev: field pick"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(base, tc.old) != 1 {
				t.Fatal("the edit does not apply once")
			}
			diffAgainstRuns(t, base, strings.Replace(base, tc.old, tc.new, 1), tc.differ, tc.stdout)
		})
	}
}

// TestDiffSinkSettings: a sink is compared by its description, which
// left out settings that change what it writes (a CSV file's header row,
// a Kafka record's header values): diff said the plans were equal.
func TestDiffSinkSettings(t *testing.T) {
	const base = `scenario "s" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes { x = uniform(1, 9) }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 2
  }
  initial = "s"
  state "s" {
    emit "ev" { x = u.x }
    emit "ev2" { x = u.x }
  }
}
sink "c" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
sink "k" {
  type    = "kafka"
  stream  = "ev2"
  brokers = ["127.0.0.1:1"]
  topic   = "t"
  headers = { source = "scen", team = "data" }
}
`
	for _, tc := range []struct {
		name, old, new string
		code           int
		stdout         string
	}{
		{"csv header row off", `path   = "ev.csv"`, "path   = \"ev.csv\"\n  header = false", 1,
			"~ sink c: output csv file ev.csv → csv file ev.csv, no header row\n"},
		{"csv header row on, as by default", `path   = "ev.csv"`, "path   = \"ev.csv\"\n  header = true", 0, "No changes"},
		{"a kafka header's value", `source = "scen"`, `source = "scen2"`, 1, `+ kafka topic "t" on 1 broker(s), snappy, acks=all, idempotent, headers source="scen2", team="data"`},
		{"kafka headers reordered", `{ source = "scen", team = "data" }`, `{ team = "data", source = "scen" }`, 0, "No changes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(base, tc.old) != 1 {
				t.Fatal("the edit does not apply once")
			}
			tmp := t.TempDir()
			a, b := filepath.Join(tmp, "a.hcl"), filepath.Join(tmp, "b.hcl")
			writeScenario(t, a, base)
			writeScenario(t, b, strings.Replace(base, tc.old, tc.new, 1))
			code, stdout, stderr := runCLI("diff", "--sample", "-1", a, b)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) {
				t.Fatalf("diff: exit %d (want %d), want %q in\n%s%s", code, tc.code, tc.stdout, stdout, stderr)
			}
		})
	}
}

// TestDiffModules: a module's changes are listed with the module's
// block, after the variables and before what it defines (module blocks
// came last, after the sinks, as an unknown section).
func TestDiffModules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		file     string
		old, new string
		want     string
	}{
		{"an input and what it changes", "main.hcl", "visitors = 10", "visitors = 12",
			"  ~ module web: input visitors 10 → 12\n  ~ entity web.visitor: count 10 → 12\n\n2 changes: 0 added, 0 removed, 2 changed.\n"},
		{"a module file", "lib/profile.hcl", "1.00, 0.95, 0.85, 0.80", "0.90, 0.95, 0.85, 0.80",
			"  ~ distribution web.hour_of_day: hour 12 1 → 0.9\n\n1 change: 0 added, 0 removed, 1 changed.\n"},
		{"a module added", "main.hcl", "sink \"views\" {", "module \"more\" {\n  source   = \"./lib\"\n  visitors = 1\n}\n\nsink \"views\" {",
			"  + module more (./lib)\n  + distribution more.hour_of_day (hourly)\n  + entity more.visitor (1 actor; attributes id)\n"},
		{"nothing", "main.hcl", "visitors = 10", "visitors = 10 # the same", "No changes: the plans are equal.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
			for _, d := range []string{a, b} {
				for _, f := range []string{"main.hcl", "lib/profile.hcl", "lib/visitors.hcl"} {
					writeScenario(t, filepath.Join(d, f), string(readTestFile(t, filepath.Join("../../testdata/modules/diff", f))))
				}
			}
			p := filepath.Join(b, tc.file)
			src := string(readTestFile(t, p))
			if strings.Count(src, tc.old) != 1 {
				t.Fatal("the edit does not apply once")
			}
			writeScenario(t, p, strings.Replace(src, tc.old, tc.new, 1))
			_, stdout, stderr := runCLI("diff", "--sample", "-1", filepath.Join(a, "main.hcl"), filepath.Join(b, "main.hcl"))
			if !strings.Contains(stdout, tc.want) {
				t.Fatalf("want\n%s\nin\n%s%s", tc.want, stdout, stderr)
			}
		})
	}
}

// TestDiffOverrides: a parameter's overrides were compared by position,
// so moving one listed every value of both as changed. They are named by
// their condition; their order is compared only where it can change a
// value (conditions that may both hold, on a group both set).
func TestDiffOverrides(t *testing.T) {
	const base = `scenario "s" {
  seed  = 9
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "u" {
  count = 40
  attributes {
    id   = "u${index}"
    seg  = weighted({ A = 0.5, B = 0.5 })
    tier = weighted({ gold = 0.3, basic = 0.7 })
  }
}
experiment "x" {
  unit   = u.id
  groups = { control = 0.5, treatment = 0.5 }
  param "p" {
    control   = 1
    treatment = 2
    override {
      when      = u.seg == "A" && u.tier == "gold"
      control   = 10
      treatment = 20
    }
    override {
      when      = u.seg == "B"
      control   = 30
      treatment = 40
    }
    override {
      when    = u.tier == "gold"
      control = 50
    }
  }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      seg = u.seg
      p   = experiment.x.p
    }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	first := "    override {\n      when      = u.seg == \"A\" && u.tier == \"gold\"\n      control   = 10\n      treatment = 20\n    }\n"
	second := "    override {\n      when      = u.seg == \"B\"\n      control   = 30\n      treatment = 40\n    }\n"
	third := "    override {\n      when    = u.tier == \"gold\"\n      control = 50\n    }\n"
	for _, tc := range []struct {
		name   string
		edit   func(string) string
		differ bool
		stdout string
	}{
		{"exclusive conditions swapped", func(s string) string { return strings.Replace(s, first+second, second+first, 1) }, false, "No changes"},
		{"conditions that may both hold swapped", func(s string) string { return strings.Replace(s, first+second+third, first+third+second, 1) }, true,
			`~ experiment x, param p: override order (when u.seg == "B"; when u.tier == "gold")`},
		{"a value", func(s string) string { return strings.Replace(s, "control   = 30", "control   = 31", 1) }, true,
			`~ experiment x, param p, override when u.seg == "B": control 30 → 31`},
		{"a condition", func(s string) string {
			return strings.Replace(s, `when      = u.seg == "B"`, `when      = u.seg == "A"`, 1)
		}, true,
			"- experiment x, param p: override when u.seg == \"B\" (control 30, treatment 40)\n  + experiment x, param p: override when u.seg == \"A\" (control 30, treatment 40)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(base)
			if edited == base {
				t.Fatal("the edit does not apply")
			}
			diffAgainstRuns(t, base, edited, tc.differ, tc.stdout)
		})
	}
}

// TestDiffArrivalProfiles: arrivals() puts each hourly, weekly and
// monthly profile in a slot of its own, so their order in the list is no
// change (it was reported as one); dates profiles multiply in order.
func TestDiffArrivalProfiles(t *testing.T) {
	const base = `scenario "s" {
  seed  = 2
  start = "2025-01-01"
  end   = "2025-03-01"
}
distribution "h" {
  hourly = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 2, 1, 1, 1, 1]
}
distribution "w" {
  weekly = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 2, sat = 3, sun = 3 }
}
distribution "m" {
  monthly = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
}
entity "u" {
  count = 5
  attributes { x = uniform(1, 9) }
}
flow "f" {
  actor = entity.u
  session {
    arrivals   = arrivals(2, [distribution.h, distribution.w, distribution.m])
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" { x = u.x }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	for _, tc := range []struct {
		name, old, new string
		differ         bool
		stdout         string
	}{
		{"profiles reordered", "[distribution.h, distribution.w, distribution.m]", "[distribution.m, distribution.h, distribution.w]", false, "No changes"},
		{"a profile dropped", "[distribution.h, distribution.w, distribution.m]", "[distribution.w, distribution.h]", true, "~ flow f: session arrivals"},
		// With active days (a third argument) the profiles are slotted
		// as well (only a call of two arguments was: any reordering was
		// reported as a change).
		{"profiles reordered, active days", "[distribution.h, distribution.w, distribution.m], 0.5)", "[distribution.m, distribution.h, distribution.w], 0.5)", false, "No changes"},
		{"active days of 1", "[distribution.h, distribution.w, distribution.m], 1)", "[distribution.m, distribution.h, distribution.w])", false, "No changes"},
		{"active days changed", "[distribution.h, distribution.w, distribution.m], 0.5)", "[distribution.m, distribution.h, distribution.w], 0.25)", true, "~ flow f: session arrivals"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := base
			if strings.HasSuffix(tc.old, ")") {
				// The old call has active days: both files do.
				src = strings.Replace(base, "[distribution.h, distribution.w, distribution.m])", tc.old, 1)
			}
			diffAgainstRuns(t, src, strings.Replace(src, tc.old, tc.new, 1), tc.differ, tc.stdout)
		})
	}
}

// TestDiffGitModules: a scenario's local modules are read at the
// revision too, wherever they are in the repository (beside the scenario,
// above it, as a directory), with the modules and datasets they include;
// messages about that side name its files as REV:PATH, not by their
// temporary copies; a module the revision does not hold comes from the
// work tree, with a note.
func TestDiffGitModules(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(p, src string) { writeScenario(t, filepath.Join(repo, filepath.FromSlash(p)), src) }
	edit := func(p, old, new string) {
		t.Helper()
		src := string(readTestFile(t, filepath.Join(repo, filepath.FromSlash(p))))
		if strings.Count(src, old) != 1 {
			t.Fatalf("%s: the edit %q does not apply once", p, old)
		}
		write(p, strings.Replace(src, old, new, 1))
	}
	git("init", "-q")
	write("s/main.hcl", `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
module "p" { source = "../m/prof.hcl" }
module "x" { source = "./modules/x" }
flow "visit" {
  actor = entity.p.visitor
  session { arrivals = arrivals(3, [distribution.p.inner.hour_of_day]) }
  initial = "view"
  state "view" {
    emit "views" { visitor = p.visitor.id }
  }
}
sink "views" {
  type   = "stdout"
  stream = "views"
}
`)
	write("m/prof.hcl", `variable "n" { default = 3 }
dataset "names" { path = "data/names.csv" }
module "inner" { source = "./lib/inner.hcl" }
entity "visitor" {
  count = var.n
  attributes { id = choice(dataset.names.name) }
}
`)
	write("m/lib/inner.hcl", "distribution \"hour_of_day\" {\n  hourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n}\n")
	write("m/data/names.csv", "name\nann\nbob\n")
	write("s/modules/x/a.hcl", "entity \"other\" {\n  count = 2\n  attributes { id = \"o${index}\" }\n}\n")
	git("add", ".")
	git("commit", "-q", "-m", "modules")
	scen := filepath.Join(repo, "s")
	check := func(name string, args []string, code int, stdout, stderr string) {
		t.Helper()
		c, out, errs := runCLI(append([]string{"diff", "--sample", "-1"}, args...)...)
		if c != code || !strings.Contains(out, stdout) || !strings.Contains(errs, stderr) || strings.Contains(errs, "scen-diff-") {
			t.Errorf("%s: diff %v: exit %d (want %d)\nstdout:\n%s\nwant %q\nstderr:\n%s\nwant %q", name, args, c, code, out, stdout, errs, stderr)
		}
	}
	check("unchanged, PATH@REV", []string{scen + "@HEAD", scen}, 0, "No changes: the plans are equal.", "")
	check("unchanged, --git", []string{"--git", "HEAD", scen}, 0, "No changes: the plans are equal.", "")

	edit("m/prof.hcl", "default = 3", "default = 4")
	edit("m/lib/inner.hcl", "[1, 1,", "[2, 1,")
	edit("m/data/names.csv", "bob\n", "bob\ncid\n")
	edit("s/modules/x/a.hcl", "count = 2", "count = 5")
	want := []string{
		"  ~ distribution p.inner.hour_of_day: hour 00 1 → 2\n",
		"  ~ dataset p.names: rows 2 → 3\n",
		"  ~ entity p.visitor: count 3 → 4\n",
		"  ~ entity x.other: count 2 → 5\n",
	}
	for _, w := range want {
		check("modules edited in the work tree", []string{"--git", "HEAD", scen}, 1, w, "")
	}
	git("commit", "-q", "-am", "edits")
	for _, w := range want {
		check("modules edited between revisions", []string{scen + "@HEAD~1", scen + "@HEAD"}, 1, w, "")
	}

	// A module source broken at the revision: the message names the
	// files as the revision has them.
	edit("m/prof.hcl", "./lib/inner.hcl", "./lib/gone.hcl")
	git("commit", "-q", "-am", "broken")
	check("a missing module at the revision", []string{scen + "@HEAD", scen + "@HEAD~1"}, 2, "",
		"in "+scen+"@HEAD:\nerror: Module source not found\n  --> HEAD:m/prof.hcl:3:27\n")
	check("a missing module at the revision", []string{scen + "@HEAD", scen + "@HEAD~1"}, 2, "",
		"= HEAD:m/lib/gone.hcl does not exist (a local source is relative to the directory of HEAD:m/prof.hcl).")
	check("a compile error at the revision", []string{"--git", "HEAD~1", scen}, 2, "", "")

	// A module only in the work tree (untracked) is read from there.
	write("m/lib/gone.hcl", string(readTestFile(t, filepath.Join(repo, "m", "lib", "inner.hcl"))))
	check("an untracked module", []string{"--git", "HEAD", scen}, 0, "equal",
		"note: "+scen+"@HEAD: m/lib/gone.hcl is not in git at HEAD; using the working tree's copy\n")
}
