package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

const tinyScenario = `scenario "tiny" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-02"
}

variable "n" { default = 20 }
variable "rate" { default = 2.0 }
variable "label" { default = "x" }
variable "on" { default = true }

dataset "cities" { path = "data/cities.csv" }

entity "user" {
  count = var.n
  attributes {
    user_id = "u${index}"
    city    = choice(dataset.cities.name)
  }
}

flow "visit" {
  actor = entity.user
  session { count = 2 }
  gap     = "1m"
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      city    = user.city
      label   = var.on ? var.label : "off"
      rate    = var.rate
    }
    next = { view = 0.5, end = 0.5 }
  }
}

sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "tiny/events.jsonl"
}
`

// writeTiny writes the tiny scenario and its dataset into dir and returns
// the scenario's path.
func writeTiny(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tiny.hcl")
	os.WriteFile(p, []byte(tinyScenario), 0o644)
	os.WriteFile(filepath.Join(dir, "data", "cities.csv"), []byte("name\nSeoul\nBusan\n"), 0o644)
	return p
}

// TestContentHashDefinition recomputes the documented hash by hand.
func TestContentHashDefinition(t *testing.T) {
	dir := t.TempDir()
	path := writeTiny(t, dir)
	plan := compileFile(t, path, nil, nil)
	hash, inputs, err := plan.ContentHash(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, in := range []string{"data/cities.csv", "tiny.hcl"} {
		b := readFile(t, filepath.Join(dir, in))
		fmt.Fprintf(h, "%s\x00%d\x00", in, len(b))
		h.Write(b)
	}
	if want := "sha256:" + hex.EncodeToString(h.Sum(nil)); hash != want {
		t.Fatalf("hash %s, by hand %s", hash, want)
	}
	if len(inputs) != 2 || inputs[0].Path != "data/cities.csv" || inputs[0].Kind != "dataset" || inputs[1].Kind != "scenario" {
		t.Fatalf("inputs %+v", inputs)
	}

	os.WriteFile(filepath.Join(dir, "data", "cities.csv"), []byte("name\nSeoul\nIncheon\n"), 0o644)
	hash2, inputs2, err := compileFile(t, path, nil, nil).ContentHash(dir)
	if err != nil {
		t.Fatal(err)
	}
	if hash2 == hash {
		t.Fatal("a changed dataset left the hash unchanged")
	}
	if got := engine.ChangedInputs(inputs, inputs2); !reflect.DeepEqual(got, []string{"data/cities.csv (changed)"}) {
		t.Fatalf("changed inputs %v", got)
	}
}

func TestChangedInputs(t *testing.T) {
	in := func(p, sum string) engine.HashedInput { return engine.HashedInput{Path: p, SHA256: sum} }
	for _, tc := range []struct {
		name     string
		was, now []engine.HashedInput
		want     []string
	}{
		{"same", []engine.HashedInput{in("a.hcl", "1")}, []engine.HashedInput{in("a.hcl", "1")}, nil},
		{"changed", []engine.HashedInput{in("a.hcl", "1")}, []engine.HashedInput{in("a.hcl", "2")}, []string{"a.hcl (changed)"}},
		{"added and removed", []engine.HashedInput{in("a.hcl", "1"), in("c.hcl", "3")}, []engine.HashedInput{in("a.hcl", "1"), in("b.hcl", "2")},
			[]string{"b.hcl (added)", "c.hcl (removed)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := engine.ChangedInputs(tc.was, tc.now); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestManifestName(t *testing.T) {
	for _, tc := range []struct {
		shard, shards int
		want          string
	}{
		{0, 1, "manifest.json"},
		{0, 0, "manifest.json"},
		{2, 4, "manifest.shard-2-of-4.json"},
		{3, 12, "manifest.shard-03-of-12.json"},
	} {
		if got := engine.ManifestName(tc.shard, tc.shards); got != tc.want {
			t.Errorf("ManifestName(%d, %d) = %s, want %s", tc.shard, tc.shards, got, tc.want)
		}
	}
}

// TestManifestRoundTrip: a run's manifest, written and read back, gives
// the variables (with their types), seed, window and what was written.
func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := writeTiny(t, dir)
	vars := map[string]string{"rate": "3.0", "label": "007", "n": "12"}
	seed := uint64(9)
	plan := compileFile(t, path, &seed, vars)
	out := filepath.Join(dir, "out")
	ro := engine.RunOptions{OutDir: out, Workers: 2, RunID: "r1"}
	start := time.Now()
	res, err := plan.Run(context.Background(), ro)
	if err != nil {
		t.Fatal(err)
	}
	m, err := plan.NewManifest(out, engine.ManifestRun{ScenarioPath: path, Options: ro, Result: res,
		Started: start, Finished: time.Now(), Version: "1.2.3", Checksums: true})
	if err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(out, engine.ManifestName(0, 1))
	if err := m.WriteFile(mpath); err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadManifest(mpath)
	if err != nil {
		t.Fatal(err)
	}
	if back.Seed != 9 || back.Shards != 1 || back.RunID != "r1" || back.ScenVersion != "1.2.3" || back.Workers != 2 {
		t.Errorf("manifest header %+v", back)
	}
	if back.Scenario.Path != "../tiny.hcl" || back.Scenario.AbsPath != path || back.Scenario.Name != "tiny" {
		t.Errorf("scenario %+v", back.Scenario)
	}
	if back.Window.FromMs != plan.Start || back.Window.ToMs != plan.End || back.Window.From != "2025-01-01T00:00:00.000+00:00" {
		t.Errorf("window %+v", back.Window)
	}
	// Variables come back with their types: 3.0 stays a float, "007" a string.
	args := map[string]string{}
	for _, v := range back.Variables {
		a, err := v.VarArg()
		if err != nil {
			t.Fatal(err)
		}
		args[v.Name] = a
		if v.FromCLI != (vars[v.Name] != "") {
			t.Errorf("variable %s: from_cli %v", v.Name, v.FromCLI)
		}
	}
	if want := map[string]string{"n": "12", "rate": "3.0", "label": "007", "on": "true"}; !reflect.DeepEqual(args, want) {
		t.Errorf("--var texts %v, want %v", args, want)
	}
	again := compileFile(t, path, &back.Seed, args)
	for i, v := range again.Vars {
		if v.Value.K != plan.Vars[i].Value.K || v.Value.String() != plan.Vars[i].Value.String() {
			t.Errorf("variable %s: %v (%s) back as %v (%s)", v.Name, plan.Vars[i].Value, plan.Vars[i].Value.K, v.Value, v.Value.K)
		}
	}
	if len(back.Sinks) != 1 || len(back.Sinks[0].Files) != 1 {
		t.Fatalf("sinks %+v", back.Sinks)
	}
	f := back.Sinks[0].Files[0]
	data := readFile(t, filepath.Join(out, f.Path))
	sum := sha256.Sum256(data)
	if f.Path != "tiny/events.jsonl" || f.Bytes != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("file %+v", f)
	}
	if back.Records == 0 || back.Sinks[0].Records != back.Records || len(back.Streams) != 1 || *back.Streams[0].Records != back.Records {
		t.Errorf("counts: %d records, sinks %+v, streams %+v", back.Records, back.Sinks, back.Streams)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 2 {
		t.Errorf("out holds %v: a temporary manifest was left behind", entries)
	}
}

func TestReadManifestRejects(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, msg string
	}{
		{"not json", "{", "is not a scen manifest"},
		{"not a manifest", `{"name": "x"}`, "no format or scenario hash"},
		{"newer format", `{"format": 99, "scenario": {"hash": "sha256:00"}, "shards": 1}`, "upgrade scen"},
		{"bad shard", `{"format": 1, "scenario": {"hash": "sha256:00"}, "shard": 3, "shards": 2}`, "shard 3/2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			os.WriteFile(p, []byte(tc.content), 0o644)
			_, err := engine.ReadManifest(p)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %q", err, tc.msg)
			}
		})
	}
	if _, err := engine.ReadManifest(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("a missing manifest was read")
	}
}

// TestScenarioGit: commit and dirty flag for a scenario in a work tree.
func TestScenarioGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	gitRun := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitRun("init", "-q")
	sdir := filepath.Join(repo, "scenarios")
	path := writeTiny(t, sdir)
	os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("scenarios/data/big.csv\n"), 0o644)
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "tiny")
	head := gitRun("rev-parse", "HEAD")

	info := func() *engine.GitInfo {
		t.Helper()
		sc, diags := dsl.Load(path)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		plan, diags := engine.Compile(sc, engine.Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		_, inputs, err := plan.ContentHash(sdir)
		if err != nil {
			t.Fatal(err)
		}
		gi, err := engine.ScenarioGit(context.Background(), path, sdir, inputs)
		if err != nil || gi == nil {
			t.Fatalf("git info %v, %v", gi, err)
		}
		return gi
	}
	steps := []struct {
		name    string
		change  func()
		dirty   bool
		changed []string
	}{
		{"clean", func() {}, false, nil},
		{"unrelated file changes nothing", func() { os.WriteFile(filepath.Join(repo, "README"), []byte("x"), 0o644) }, false, nil},
		{"modified dataset", func() {
			os.WriteFile(filepath.Join(sdir, "data", "cities.csv"), []byte("name\nDaegu\n"), 0o644)
		}, true, []string{"data/cities.csv"}},
		{"ignored dataset", func() {
			os.WriteFile(filepath.Join(sdir, "data", "cities.csv"), []byte("name\nSeoul\nBusan\n"), 0o644)
			os.WriteFile(filepath.Join(sdir, "data", "big.csv"), []byte("name\nDaegu\n"), 0o644)
			s := strings.Replace(tinyScenario, "data/cities.csv", "data/big.csv", 1)
			os.WriteFile(path, []byte(s), 0o644)
			gitRun("commit", "-q", "-am", "big")
		}, true, []string{"data/big.csv"}},
	}
	for _, st := range steps {
		st.change()
		gi := info()
		if st.name == "clean" && gi.Commit != head {
			t.Errorf("%s: commit %s, want %s", st.name, gi.Commit, head)
		}
		if gi.Dirty != st.dirty || !reflect.DeepEqual(gi.Changed, st.changed) || gi.Path != "scenarios/tiny.hcl" {
			t.Errorf("%s: %+v, want dirty %v changed %v", st.name, gi, st.dirty, st.changed)
		}
	}

	outside := t.TempDir()
	p := writeTiny(t, outside)
	plan := compileFile(t, p, nil, nil)
	_, inputs, _ := plan.ContentHash(outside)
	if gi, err := engine.ScenarioGit(context.Background(), p, outside, inputs); gi != nil || err != nil {
		t.Errorf("outside a work tree: %+v, %v", gi, err)
	}

	// A repository without commits: the work tree's path, no commit,
	// every input changed.
	fresh := t.TempDir()
	if out, err := exec.Command("git", "-C", fresh, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	fdir := filepath.Join(fresh, "scenarios")
	fp := writeTiny(t, fdir)
	_, inputs, _ = compileFile(t, fp, nil, nil).ContentHash(fdir)
	gi, err := engine.ScenarioGit(context.Background(), fp, fdir, inputs)
	if err != nil || gi == nil {
		t.Fatalf("before the first commit: %+v, %v", gi, err)
	}
	if gi.Commit != "" || !gi.Dirty || gi.Path != "scenarios/tiny.hcl" || len(gi.Changed) != len(inputs) {
		t.Errorf("before the first commit: %+v, want no commit, dirty, path scenarios/tiny.hcl, %d inputs changed", gi, len(inputs))
	}
}

// TestManifestJSONFields pins the documented top-level field names.
func TestManifestJSONFields(t *testing.T) {
	b, err := json.Marshal(engine.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"format", "scen_version", "run_id", "started", "finished", "scenario", "git", "seed",
		"variables", "shard", "shards", "workers", "window", "options", "records", "streams", "sinks"} {
		if _, ok := m[k]; !ok {
			t.Errorf("manifest has no %q field", k)
		}
	}
}
