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
