package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestScaleOutJobRecipe: the Kubernetes Indexed Job of docs/scale-out.md
// runs as written. Its shell must exec scen: dash, as process 1, neither
// replaces itself with the command nor passes the pod's SIGTERM on, and
// scen would be killed outright when the grace period ran out (measured
// 2026-12-06 in a PID namespace: without exec, scen ran on after the
// SIGTERM and left its .tmp file when killed; with it, it stopped and
// removed it). The command, with a small user count, the shard index
// filled in and /data a temporary directory, writes shard 3 of 16.
func TestScaleOutJobRecipe(t *testing.T) {
	b, err := os.ReadFile("../../docs/scale-out.md")
	if err != nil {
		t.Fatal(err)
	}
	// The folded "args: - >" scalar: its lines, up to the next key.
	lines := strings.Split(string(b), "\n")
	var cmdline []string
	for i, l := range lines {
		if strings.TrimSpace(l) != "- >" || i == 0 || strings.TrimSpace(lines[i-1]) != "args:" {
			continue
		}
		indent := len(lines[i+1]) - len(strings.TrimLeft(lines[i+1], " "))
		for _, m := range lines[i+1:] {
			if len(m)-len(strings.TrimLeft(m, " ")) < indent || strings.TrimSpace(m) == "" {
				break
			}
			cmdline = append(cmdline, strings.TrimSpace(m))
		}
	}
	args := strings.Fields(strings.Join(cmdline, " "))
	if len(args) < 3 || args[0] != "exec" || args[1] != "scen" || args[2] != "run" {
		t.Fatalf("the Job's shell command is %q; want it to start with \"exec scen run\"", strings.Join(args, " "))
	}
	out := t.TempDir()
	for i, a := range args {
		switch {
		case a == "/scenarios/recipe.hcl":
			args[i] = "../../scenarios/recipe.hcl"
		case strings.HasPrefix(a, "users="):
			args[i] = "users=32"
		case a == "${JOB_COMPLETION_INDEX}/16":
			args[i] = "3/16"
		case a == "/data":
			args[i] = out
		}
	}
	code, _, stderr := runCLI(append(args[2:], "-q")...)
	if code != 0 {
		t.Fatalf("scen %s: exit %d\n%s", strings.Join(args[2:], " "), code, stderr)
	}
	for _, f := range []string{"recipe/events.shard-03-of-16.jsonl", "manifest.shard-03-of-16.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestScaleOutConfigMap: the ConfigMap of docs/scale-out.md's Job, as the
// kubelet mounts it (each item a path under a timestamped directory,
// reached through the "..data" link and a link per top-level name), holds
// what the scenario reads, and the Job's scenario runs from it. Without
// items each key lands at the volume's top, and the dataset, read from
// data/recipes.csv, is missing.
func TestScaleOutConfigMap(t *testing.T) {
	b, err := os.ReadFile("../../docs/scale-out.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	// kubectl create configmap scen-recipe --from-file=KEY=SOURCE …
	sources := map[string]string{}
	for _, m := range regexp.MustCompile(`--from-file=([^=\s]+)=(\S+)`).FindAllStringSubmatch(doc, -1) {
		sources[m[1]] = filepath.Join("../..", m[2])
	}
	// The scenarios volume's items: - { key: KEY, path: PATH }
	items := map[string]string{}
	for _, m := range regexp.MustCompile(`- \{ key: ([^,\s]+), path: ([^\s}]+) \}`).FindAllStringSubmatch(doc, -1) {
		items[m[1]] = m[2]
	}
	if len(sources) == 0 || len(items) == 0 {
		t.Fatalf("the recipe has no ConfigMap (kubectl create configmap --from-file=…: %v) or no items (%v)", sources, items)
	}
	atTop := map[string]string{}
	for k := range sources {
		atTop[k] = k
	}
	for _, c := range []struct {
		name  string
		items map[string]string // key → path in the volume
		code  int
		want  string
	}{
		{"the recipe's items", items, 0, ""},
		{"no items: keys at the top", atTop, 1, "data/recipes.csv does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			vol := t.TempDir()
			const ts = "..2026_12_06_20_50_00.000000001"
			top := map[string]bool{}
			for key, path := range c.items {
				src, ok := sources[key]
				if !ok {
					t.Fatalf("item %s is not a key of the ConfigMap (%v)", key, sources)
				}
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				dst := filepath.Join(vol, ts, filepath.FromSlash(path))
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dst, data, 0o644); err != nil {
					t.Fatal(err)
				}
				top[strings.SplitN(path, "/", 2)[0]] = true
			}
			if err := os.Symlink(ts, filepath.Join(vol, "..data")); err != nil {
				t.Fatal(err)
			}
			for name := range top {
				if err := os.Symlink(filepath.Join("..data", name), filepath.Join(vol, name)); err != nil {
					t.Fatal(err)
				}
			}
			code, _, stderr := runCLI("run", filepath.Join(vol, "recipe.hcl"), "--var", "users=32", "--shard", "3/16",
				"--workers", "2", "--out", t.TempDir(), "-q", "--no-manifest")
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, stderr)
			}
		})
	}
}
