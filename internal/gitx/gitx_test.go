package gitx

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTopLevelHead: the work tree's root and HEAD's commit from a
// subdirectory, the root alone before the first commit, ErrNotRepo
// outside a work tree.
func TestTopLevelHead(t *testing.T) {
	if !Available() {
		t.Skip("git is not installed")
	}
	ctx := context.Background()
	repo, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return string(out)
	}
	git("init", "-q")
	sub := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if top, head, err := TopLevelHead(ctx, sub); err != nil || top != repo || head != "" {
		t.Errorf("before the first commit: %q %q %v, want %q, no commit", top, head, err, repo)
	}
	os.WriteFile(filepath.Join(sub, "f"), []byte("x"), 0o644)
	git("add", ".")
	git("commit", "-q", "-m", "f")
	want := git("rev-parse", "HEAD")
	if top, head, err := TopLevelHead(ctx, sub); err != nil || top != repo || head+"\n" != want {
		t.Errorf("after it: %q %q %v, want %q %q", top, head, err, repo, want)
	}
	if _, _, err := TopLevelHead(ctx, t.TempDir()); !errors.Is(err, ErrNotRepo) {
		t.Errorf("outside a work tree: %v, want ErrNotRepo", err)
	}
}
