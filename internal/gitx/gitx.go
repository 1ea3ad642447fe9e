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
	out, _, err := run(ctx, dir, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// run is Run that also returns the standard output and the exit status
// of a git that failed (-1 when it did not run).
func run(ctx context.Context, dir string, args ...string) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "--literal-pathspecs", "-c", "core.quotepath=off"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "not a git repository") {
			return nil, code, ErrNotRepo
		}
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), code, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.Bytes(), 0, nil
}

// TopLevelHead is TopLevel and the commit HEAD names ("" in a repository
// without commits), from one git process.
func TopLevelHead(ctx context.Context, dir string) (top, head string, err error) {
	out, code, err := run(ctx, dir, "rev-parse", "--show-toplevel", "--verify", "--quiet", "HEAD")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	switch {
	case err == nil && len(lines) == 2:
		head = lines[1]
	case code == 1 && len(lines) == 1 && lines[0] != "":
		// --verify --quiet: HEAD names no commit yet.
	case err != nil:
		return "", "", err
	default:
		return "", "", fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	top, err = filepath.EvalSymlinks(lines[0])
	return top, head, err
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
