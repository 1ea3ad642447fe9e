package engine

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"

	"github.com/scenhq/scen/internal/gitx"
)

// ScenarioGit places a scenario in git: the HEAD commit of the work tree
// that holds root, the scenario's path in the repository, and whether any
// of the inputs (paths relative to root) differ from HEAD. It returns nil
// and no error when git is not installed or root is not in a work tree.
func ScenarioGit(ctx context.Context, scenarioPath, root string, inputs []HashedInput) (*GitInfo, error) {
	if !gitx.Available() {
		return nil, nil
	}
	top, head, err := gitx.TopLevelHead(ctx, root)
	if errors.Is(err, gitx.ErrNotRepo) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	gi := &GitInfo{Commit: head}
	inRepo := func(p string) (string, bool) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", false
		}
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			abs = r
		}
		rel, err := filepath.Rel(top, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(rel), true
	}
	if p, ok := inRepo(scenarioPath); ok {
		gi.Path = p
	}
	byRepoPath := map[string]string{}
	var pathspecs []string
	for _, in := range inputs {
		if in.Kind == "stdlib" {
			continue // part of scen itself, identified by scen_version
		}
		rp, ok := inRepo(filepath.Join(root, filepath.FromSlash(in.Path)))
		if !ok {
			gi.Changed = append(gi.Changed, in.Path)
			continue
		}
		if gi.Commit == "" {
			gi.Changed = append(gi.Changed, in.Path)
			continue
		}
		byRepoPath[rp] = in.Path
		pathspecs = append(pathspecs, rp)
	}
	if len(pathspecs) > 0 {
		args := append([]string{"status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching", "--"}, pathspecs...)
		out, err := gitx.Run(ctx, top, args...)
		if err != nil {
			return nil, err
		}
		// -z entries: "XY PATH", and for a rename or copy a second NUL-ended
		// field with the source path.
		fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if len(f) < 4 {
				continue
			}
			if f[0] == 'R' || f[0] == 'C' {
				i++
			}
			if in, ok := byRepoPath[f[3:]]; ok {
				gi.Changed = append(gi.Changed, in)
				delete(byRepoPath, f[3:])
			}
		}
	}
	sort.Strings(gi.Changed)
	gi.Dirty = len(gi.Changed) > 0 || gi.Commit == ""
	return gi, nil
}
