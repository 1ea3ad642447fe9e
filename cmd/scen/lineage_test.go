package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// copyRecipe copies scenarios/recipe.hcl and its dataset into a fresh
// directory, applying the replacements (old, new, …) to the scenario.
func copyRecipe(t *testing.T, dir string, edits ...string) string {
	t.Helper()
	src, err := os.ReadFile("../../scenarios/recipe.hcl")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("recipe.hcl no longer contains %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	data, err := os.ReadFile("../../scenarios/data/recipes.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "data", "recipes.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "recipe.hcl")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type manifestView struct {
	RunID    string `json:"run_id"`
	Seed     uint64 `json:"seed"`
	Shard    int    `json:"shard"`
	Shards   int    `json:"shards"`
	Scenario struct {
		Path string `json:"path"`
		Hash string `json:"hash"`
	} `json:"scenario"`
	Variables []struct {
		Name    string          `json:"name"`
		Value   json.RawMessage `json:"value"`
		FromCLI bool            `json:"from_cli"`
	} `json:"variables"`
	Window struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"window"`
	Records int64 `json:"records"`
	Sinks   []struct {
		Records int64 `json:"records"`
		Files   []struct {
			Path   string `json:"path"`
			Bytes  int64  `json:"bytes"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	} `json:"sinks"`
	RegeneratedFrom *struct {
		Manifest     string `json:"manifest"`
		ScenarioHash string `json:"scenario_hash"`
	} `json:"regenerated_from"`
}

func readManifest(t *testing.T, path string) manifestView {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m manifestView
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRegenerateFromManifest: a sharded, windowed run with variables and
// a seed, regenerated from its manifest into another directory, gives the
// same bytes.
func TestRegenerateFromManifest(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	code, _, stderr := runCLI("run", "../../scenarios/recipe.hcl", "--var", "users=60", "--seed", "5", "--shard", "1/2",
		"--from", "2025-07-01", "--to", "2025-08-15", "--out", dirA, "--workers", "1", "--checksums")
	if code != 0 {
		t.Fatal(stderr)
	}
	mpath := filepath.Join(dirA, "manifest.shard-1-of-2.json")
	if !strings.Contains(stderr, "manifest: "+mpath) {
		t.Errorf("the run does not say where the manifest is:\n%s", stderr)
	}
	m := readManifest(t, mpath)
	if m.Seed != 5 || m.Shard != 1 || m.Shards != 2 || m.Window.From != "2025-07-01T00:00:00.000+09:00" || m.Records == 0 {
		t.Errorf("manifest %+v", m)
	}
	for _, v := range m.Variables {
		if v.Name == "users" && (string(v.Value) != "60" || !v.FromCLI) {
			t.Errorf("users = %s (from_cli %v)", v.Value, v.FromCLI)
		}
	}
	file := m.Sinks[0].Files[0]
	if file.Path != "recipe/events.shard-1-of-2.jsonl" || len(file.SHA256) != 64 {
		t.Errorf("file %+v", file)
	}

	code, _, stderr = runCLI("run", "--from-manifest", mpath, "--out", dirB, "-q")
	if code != 0 {
		t.Fatal(stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dirA, file.Path))
	b, err := os.ReadFile(filepath.Join(dirB, file.Path))
	if err != nil || !bytes.Equal(a, b) || len(a) == 0 {
		t.Fatalf("regenerated output differs (%d and %d bytes, %v)", len(a), len(b), err)
	}
	m2 := readManifest(t, filepath.Join(dirB, "manifest.shard-1-of-2.json"))
	if m2.RegeneratedFrom == nil || m2.RegeneratedFrom.ScenarioHash != m.Scenario.Hash || m2.Scenario.Hash != m.Scenario.Hash {
		t.Errorf("regenerated manifest %+v", m2)
	}
}

func TestFromManifestErrors(t *testing.T) {
	dir := t.TempDir()
	scen := copyRecipe(t, filepath.Join(dir, "s"))
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", scen, "--var", "users=20", "--out", out, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	mpath := filepath.Join(out, "manifest.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"seed is fixed", []string{"--seed", "3"}, 2, "--seed cannot be combined with --from-manifest"},
		{"vars are fixed", []string{"--var", "users=3"}, 2, "--var cannot be combined"},
		{"window is fixed", []string{"--from", "2025-07-01"}, 2, "--from cannot be combined"},
		{"missing manifest", []string{"--from-manifest", filepath.Join(dir, "nope.json")}, 1, "--from-manifest"},
		{"not a manifest", []string{"--from-manifest", scen}, 1, "is not a scen manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", "--out", filepath.Join(dir, "x"), "--from-manifest", mpath}, tc.args...)
			code, _, stderr := runCLI(args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.msg, stderr)
			}
		})
	}
	if code, _, stderr := runCLI("run", "../../scenarios/recipe.hcl", "--allow-changed"); code != 2 || !strings.Contains(stderr, "only applies with --from-manifest") {
		t.Errorf("--allow-changed without a manifest: exit %d\n%s", code, stderr)
	}

	// The scenario changes: refused, naming the file, unless --allow-changed.
	os.WriteFile(scen, append(must(os.ReadFile(scen)), "\n# edited\n"...), 0o644)
	code, _, stderr := runCLI("run", "--from-manifest", mpath, "--out", filepath.Join(dir, "y"))
	if code != 1 || !strings.Contains(stderr, "recipe.hcl (changed)") || !strings.Contains(stderr, "--allow-changed") {
		t.Fatalf("changed scenario: exit %d\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "y")); len(entries) != 0 {
		t.Errorf("a refused regeneration wrote %v", entries)
	}
	code, _, stderr = runCLI("run", "--from-manifest", mpath, "--out", filepath.Join(dir, "y"), "--allow-changed", "-q")
	if code != 0 || !strings.Contains(stderr, "warning: the scenario changed") {
		t.Fatalf("--allow-changed: exit %d\n%s", code, stderr)
	}

	// The scenario moves: the manifest's paths no longer lead to it, and
	// the path given on the command line is used.
	moved := filepath.Join(dir, "moved")
	os.Rename(filepath.Join(dir, "s"), moved)
	code, _, stderr = runCLI("run", "--from-manifest", mpath, "--out", filepath.Join(dir, "z"), "--allow-changed", "-q")
	if code != 1 || !strings.Contains(stderr, "give its path") {
		t.Fatalf("moved scenario: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI("run", filepath.Join(moved, "recipe.hcl"), "--from-manifest", mpath, "--out", filepath.Join(dir, "z"), "--allow-changed", "-q")
	if code != 0 {
		t.Fatalf("moved scenario given: exit %d\n%s", code, stderr)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestRunDirectories: with runs = "…", every run gets its own directory
// holding its output and manifest, latest points at the last successful
// one, and a failed run leaves no directory and does not move latest.
func TestRunDirectories(t *testing.T) {
	dir := t.TempDir()
	scen := copyRecipe(t, filepath.Join(dir, "s"), `  end      = var.end`, "  end      = var.end\n  runs     = \"recipe/runs\"")
	out := filepath.Join(dir, "out")
	runs := filepath.Join(out, "recipe", "runs")
	latest := func() string {
		t.Helper()
		target, err := os.Readlink(filepath.Join(runs, "latest"))
		if err != nil {
			t.Fatal(err)
		}
		return target
	}

	if code, _, stderr := runCLI("run", scen, "--var", "users=20", "--out", out, "--run-id", "first", "-q"); code != 0 {
		t.Fatal(stderr)
	}
	if latest() != "first" {
		t.Fatalf("latest → %s", latest())
	}
	for _, f := range []string{"first/recipe/events.jsonl", "first/manifest.json", "latest/manifest.json"} {
		if _, err := os.Stat(filepath.Join(runs, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if m := readManifest(t, filepath.Join(runs, "first", "manifest.json")); m.RunID != "first" || m.Sinks[0].Files[0].Path != "recipe/events.jsonl" {
		t.Errorf("manifest %+v", m)
	}

	// Two runs in the same second get distinct default ids.
	for i := 0; i < 2; i++ {
		if code, _, stderr := runCLI("run", scen, "--var", "users=20", "--out", out, "-q"); code != 0 {
			t.Fatal(stderr)
		}
	}
	entries, _ := os.ReadDir(runs)
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Name())
	}
	if len(ids) != 4 { // first, two timestamped runs, latest
		t.Fatalf("runs: %v", ids)
	}
	if l := latest(); l == "first" || !strings.HasSuffix(l, "Z-"+l[len(l)-6:]) || len(l) != len("20261201T061500Z-3f9a1c") {
		t.Errorf("latest → %s, want a new timestamped run id", l)
	}

	// The shards of one run share its directory; each writes its manifest.
	for _, shard := range []string{"0/2", "1/2"} {
		if code, _, stderr := runCLI("run", scen, "--var", "users=20", "--out", out, "--run-id", "sharded", "--shard", shard, "-q"); code != 0 {
			t.Fatal(stderr)
		}
	}
	for _, f := range []string{"manifest.shard-0-of-2.json", "manifest.shard-1-of-2.json", "recipe/events.shard-0-of-2.jsonl", "recipe/events.shard-1-of-2.jsonl"} {
		if _, err := os.Stat(filepath.Join(runs, "sharded", f)); err != nil {
			t.Errorf("sharded run: %v", err)
		}
	}
	if code, _, stderr := runCLI("run", scen, "--var", "users=20", "--out", out, "--run-id", "sharded", "--shard", "1/2", "-q"); code != 1 ||
		!strings.Contains(stderr, "shard 1/2 of run sharded already completed") {
		t.Errorf("a completed shard ran again: exit %d\n%s", code, stderr)
	}
	before := latest()
	if before != "sharded" {
		t.Errorf("latest → %s after the sharded run", before)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"run id reused", []string{"--run-id", "first"}, 1, "already exists"},
		{"invalid run id", []string{"--run-id", "../x"}, 2, "--run-id"},
		{"run id latest", []string{"--run-id", "latest"}, 2, "--run-id"},
		{"run fails", []string{"--run-id", "broken", "--var", "end=2025-05-01T00:00:00"}, 1, "must be after start"},
		// Shards without a shared run id would each make a run directory.
		{"shard without run id", []string{"--shard", "0/2"}, 2, "need one --run-id"},
		// A shard written into another run's directory would mix its
		// records with that run's.
		{"shard into an unsharded run", []string{"--run-id", "first", "--shard", "0/2"}, 1, "run first is not a run of 2 shards (" + filepath.Join(runs, "first") + " has manifest.json"},
		{"shard of another N", []string{"--run-id", "sharded", "--shard", "0/3"}, 1, "run sharded is not a run of 3 shards (" + filepath.Join(runs, "sharded") + " has manifest.shard-0-of-2.json)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", scen, "--var", "users=20", "--out", out, "-q"}, tc.args...)
			code, _, stderr := runCLI(args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.msg, stderr)
			}
			if latest() != before {
				t.Errorf("a failed run moved latest to %s", latest())
			}
			if _, err := os.Stat(filepath.Join(runs, "broken")); err == nil {
				t.Error("a failed run left its directory")
			}
		})
	}
}

// TestShardsOfOneRun: a shard that joins a run directory where another
// shard completed must generate from the same variables, seed and window
// (a failed shard re-run by hand with another --var would make the union
// of the shards no run at all); the refused shard writes nothing.
func TestShardsOfOneRun(t *testing.T) {
	dir := t.TempDir()
	scen := copyRecipe(t, filepath.Join(dir, "s"), `  end      = var.end`, "  end      = var.end\n  runs     = \"recipe/runs\"")
	out := filepath.Join(dir, "out")
	run := filepath.Join(out, "recipe", "runs", "job")
	base := []string{"run", scen, "--out", out, "--run-id", "job", "-q"}
	if code, _, stderr := runCLI(append(base, "--shard", "0/3", "--var", "users=20", "--seed", "4")...); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"another variable value", []string{"--var", "users=21", "--seed", "4"}, 1, "shard 1/3 does not belong to run job: manifest.shard-0-of-3.json has users = 20, this shard 21"},
		{"the default value", []string{"--seed", "4"}, 1, "has users = 20, this shard 1240"},
		{"another seed", []string{"--var", "users=20"}, 1, "has seed 4, this shard 20250601"},
		{"another window", []string{"--var", "users=20", "--seed", "4", "--to", "2025-08-01T00:00:00"}, 1,
			"has the window [2025-06-01T00:00:00.000+09:00, 2025-09-01T00:00:00.000+09:00), this shard [2025-06-01T00:00:00.000+09:00, 2025-08-01T00:00:00.000+09:00)"},
		{"the same run", []string{"--var", "users=20", "--seed", "4", "--workers", "1"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append(append(base, "--shard", "1/3"), tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.msg, stderr)
			}
			files, _ := filepath.Glob(filepath.Join(run, "*", "*shard-1-of-3*"))
			if tc.code != 0 && len(files) != 0 {
				t.Errorf("a refused shard wrote %v", files)
			}
		})
	}
}

// TestFailedRunLeavesNoRunDirectory: a sink that fails after the run's
// directory was made (a database that refuses connections) leaves no
// directory and no manifest behind.
func TestFailedRunLeavesNoRunDirectory(t *testing.T) {
	dir := t.TempDir()
	scen := copyRecipe(t, filepath.Join(dir, "s"), `  end      = var.end`, "  end      = var.end\n  runs     = \"recipe/runs\"")
	f, _ := os.OpenFile(scen, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\nsink \"db\" {\n  type   = \"postgres\"\n  stream = \"events\"\n  table  = \"events\"\n  dsn    = \"postgres://loader@127.0.0.1:1/app\"\n}\n")
	f.Close()
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI("run", scen, "--var", "users=5", "--out", out, "--run-id", "doomed")
	if code != 1 || !strings.Contains(stderr, "no output file was published") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	runs := filepath.Join(out, "recipe", "runs")
	if entries, _ := os.ReadDir(runs); len(entries) != 0 {
		t.Errorf("the failed run left %v", entries)
	}
}

// TestFailedRunRemovesRunsDirectories: the directories a failed run made
// above its run directory (--out, the runs path) go again when they stay
// empty; those that were there before stay, as do those holding another
// run. A shard refused before it starts leaves none either.
func TestFailedRunRemovesRunsDirectories(t *testing.T) {
	for _, tc := range []struct {
		name     string
		before   []string // directories under dir made before the run
		args     []string
		wantLeft []string // directories under dir left after the run
	}{
		{name: "fresh out", args: []string{"--run-id", "doomed"}},
		{name: "out exists", before: []string{"out"}, args: []string{"--run-id", "doomed"}, wantLeft: []string{"out"}},
		{name: "runs exists", before: []string{"out/recipe/runs"}, args: []string{"--run-id", "doomed"},
			wantLeft: []string{"out", "out/recipe", "out/recipe/runs"}},
		{name: "other run kept", before: []string{"out/recipe/runs/older"}, args: []string{"--run-id", "doomed"},
			wantLeft: []string{"out", "out/recipe", "out/recipe/runs", "out/recipe/runs/older"}},
		{name: "shard", args: []string{"--run-id", "doomed", "--shard", "1/2"}},
		{name: "shard refused", args: []string{"--run-id", "doomed", "--shard", "1/2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			scen := copyRecipe(t, filepath.Join(dir, "s"), `  end      = var.end`, "  end      = var.end\n  runs     = \"recipe/runs\"")
			f, _ := os.OpenFile(scen, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("\nsink \"db\" {\n  type   = \"postgres\"\n  stream = \"events\"\n  table  = \"events\"\n  dsn    = \"postgres://loader@127.0.0.1:1/app\"\n}\n")
			f.Close()
			for _, d := range tc.before {
				os.MkdirAll(filepath.Join(dir, d), 0o755)
			}
			if tc.name == "shard refused" {
				// Shard 1 of run "doomed" already completed.
				rd := filepath.Join(dir, "out", "recipe", "runs", "doomed")
				os.MkdirAll(rd, 0o755)
				os.WriteFile(filepath.Join(rd, "manifest.shard-1-of-2.json"), []byte("{}"), 0o644)
				tc.wantLeft = []string{"out", "out/recipe", "out/recipe/runs", "out/recipe/runs/doomed"}
			}
			out := filepath.Join(dir, "out")
			code, _, stderr := runCLI(append([]string{"run", scen, "--var", "users=5", "--out", out}, tc.args...)...)
			if code == 0 {
				t.Fatalf("exit 0\n%s", stderr)
			}
			var left []string
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() && p != dir {
					rel, _ := filepath.Rel(dir, p)
					if rel != "s" && rel != "s/data" {
						left = append(left, filepath.ToSlash(rel))
					}
				}
				return nil
			})
			if strings.Join(left, " ") != strings.Join(tc.wantLeft, " ") {
				t.Errorf("directories left: %v, want %v\n%s", left, tc.wantLeft, stderr)
			}
		})
	}
}

// TestManifestGit: a run's manifest names the commit its scenario came
// from and what differs from it (read while the run goes on).
func TestManifestGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	scen := copyRecipe(t, filepath.Join(repo, "s"))
	git("add", ".")
	git("commit", "-q", "-m", "recipe")
	head := git("rev-parse", "HEAD")
	type gitView struct {
		Git struct {
			Commit  string   `json:"commit"`
			Dirty   bool     `json:"dirty"`
			Path    string   `json:"path"`
			Changed []string `json:"changed"`
		} `json:"git"`
	}
	for _, tc := range []struct {
		name    string
		change  func()
		dirty   bool
		changed []string
	}{
		{"committed", func() {}, false, nil},
		{"dataset edited", func() {
			f, _ := os.OpenFile(filepath.Join(repo, "s", "data", "recipes.csv"), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("\n")
			f.Close()
		}, true, []string{"data/recipes.csv"}},
	} {
		tc.change()
		out := t.TempDir()
		if code, _, stderr := runCLI("run", scen, "--var", "users=5", "--out", out, "-q"); code != 0 {
			t.Fatalf("%s: %s", tc.name, stderr)
		}
		var m gitView
		if err := json.Unmarshal(must(os.ReadFile(filepath.Join(out, "manifest.json"))), &m); err != nil {
			t.Fatal(err)
		}
		g := m.Git
		if g.Commit != head || g.Dirty != tc.dirty || g.Path != "s/recipe.hcl" || !slices.Equal(g.Changed, tc.changed) {
			t.Errorf("%s: git %+v, want commit %s, dirty %v, changed %v", tc.name, g, head, tc.dirty, tc.changed)
		}
	}
}

func TestNoManifest(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI("run", "../../scenarios/recipe.hcl", "--var", "users=5", "--out", out, "--no-manifest", "-q"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Error("--no-manifest wrote a manifest")
	}
}

// TestValidRunID: the hand-written check accepts exactly what the pattern
// ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ accepts.
func TestValidRunID(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	ids := []string{"", "a", "Z9", "first", "20261202T160104Z-e9953f", "a.b_c-d", ".x", "-x", "_x", "x/y", "../x",
		"x y", "é", "x\n", strings.Repeat("a", 128), strings.Repeat("a", 129), "a" + strings.Repeat(".", 127)}
	for c := 0; c < 256; c++ {
		ids = append(ids, string([]byte{byte(c)}), "a"+string([]byte{byte(c)}))
	}
	for _, id := range ids {
		if got, want := validRunID(id), pattern.MatchString(id); got != want {
			t.Errorf("validRunID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestShardsOfOneRunListVariables: the shards of a run whose variables
// are lists and objects are compared by value, not by the text of the
// manifest that was read back (indented there, < written \u003c, and
// neither in the shard's own): every later shard was refused.
func TestShardsOfOneRunListVariables(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "l.hcl")
	src := `scenario "l" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
  runs  = "l/runs"
}
variable "countries" { default = ["US", "D<E&"] }
variable "next" { default = { go = 0.5, end = 0.5 } }
entity "u" {
  count = 4
  attributes {
    country = choice(var.countries)
  }
}
flow "f" {
  actor   = entity.u
  initial = "go"
  session {
    count = 1
  }
  state "go" {
    emit "e" {
      country = u.country
    }
    next = var.next
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	if err := os.WriteFile(scen, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	base := []string{"run", scen, "--out", out, "--run-id", "job", "-q"}
	if code, _, stderr := runCLI(append(base, "--shard", "0/4")...); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		name  string
		shard string
		args  []string
		code  int
		msg   string
	}{
		{"the defaults", "1/4", nil, 0, ""},
		{"the defaults as --var", "2/4", []string{"--var", `countries=[ "US", "D<E&" ]`, "--var", "next={go = 0.5, end = 0.5}"}, 0, ""},
		{"another list", "3/4", []string{"--var", `countries=["JP"]`}, 1, `has countries = ["US","D\u003cE\u0026"], this shard ["JP"]`},
		{"another object", "3/4", []string{"--var", `next={go = 0.25, end = 0.75}`}, 1, `has next = {"go":0.5,"end":0.5}, this shard {"go":0.25,"end":0.75}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append(append(base, "--shard", tc.shard), tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.msg, stderr)
			}
		})
	}
}

// TestRunWarnsReplacingOtherScenariosManifest: a run whose manifest.json
// replaces one another scenario wrote says so on stderr, naming that
// scenario; a run of the same scenario again does not.
func TestRunWarnsReplacingOtherScenariosManifest(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	other := filepath.Join(dir, "tiny.hcl")
	os.WriteFile(other, []byte(`scenario "tiny" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "events" { id = u.id }
    next = { end = 1 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "events"
  path   = "tiny/e.jsonl"
}
`), 0o644)
	click := []string{"run", "../../scenarios/clickstream.hcl", "--var", "users=5", "--out", out}
	abs, _ := filepath.Abs("../../scenarios/clickstream.hcl")
	// The same scenario name in another file: both files are named.
	moved := filepath.Join(dir, "tiny2.hcl")
	src, _ := os.ReadFile(other)
	os.WriteFile(moved, []byte(strings.Replace(string(src), "tiny/e.jsonl", "tiny/e2.jsonl", 1)), 0o644)
	warning := func(was, wasFile, now, nowFile string) string {
		return "warning: " + filepath.Join(out, "manifest.json") + ` was written by scenario "` + was + `" (` + wasFile + `) and now describes scenario "` + now + `" (` + nowFile + `): ` +
			`the earlier run's files stay but are no longer listed; give each scenario its own output, with runs = "` + now + `/runs" in its scenario block or another --out` + "\n"
	}
	for i, tc := range []struct {
		args []string
		want string // the warning, "" for none
	}{
		{click, ""}, // no manifest yet
		{click, ""}, // the same scenario's
		{[]string{"run", other, "--out", out}, warning("clickstream", abs, "tiny", other)},
		{[]string{"run", other, "--out", out}, ""},
		{[]string{"run", moved, "--out", out}, warning("tiny", other, "tiny", moved)},
		{append(click, "--quiet"), warning("tiny", moved, "clickstream", abs)}, // a warning, not a summary
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
		if tc.want != "" && !strings.Contains(stderr, tc.want) || tc.want == "" && strings.Contains(stderr, "warning:") {
			t.Errorf("run %d (%v): stderr:\n%s\nwant warning %q", i, tc.args, stderr, tc.want)
		}
	}
}
