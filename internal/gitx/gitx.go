// Package gitx runs the git command line for lineage (which commit a
// scenario came from) and for reading a scenario at a revision. It never
// takes git's optional locks, so reading never races with a commit.
package gitx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Timeout bounds each git command.
const Timeout = 20 * time.Second

// ErrNotRepo means dir is not inside a git work tree.
var ErrNotRepo = errors.New("not in a git work tree")

// Available says whether a git executable is on the PATH.
func Available() bool {
	_, err := exec.LookPath("git")
	return err == nil
}

// Run runs `git -C dir args…` and returns its standard output. Pathspecs
// are literal and paths are not quoted. The error carries git's message.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "--literal-pathspecs", "-c", "core.quotepath=off"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "not a git repository") {
			return nil, ErrNotRepo
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.Bytes(), nil
}

// TopLevel returns the root of the work tree holding dir, with symlinks
// resolved.
func TopLevel(ctx context.Context, dir string) (string, error) {
	out, err := Run(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(strings.TrimSpace(string(out)))
}
