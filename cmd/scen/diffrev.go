package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/internal/gitx"
)

// revFiles is the file system as a git revision has it, for one side of
// scen diff: the file at mirror+ABS is ABS at the revision. The scenario's
// files, its modules' (files and directories, transitively) and the
// datasets of both are read through it, so a module source relative to
// a scenario file resolves at the revision as it does in the work tree.
// A file read is also written to its place under mirror, where the engine
// reads datasets from. Paths outside the repository, and files the
// revision does not hold (untracked or ignored ones), are read from the
// work tree, with a note.
type revFiles struct {
	ctx    context.Context
	side   diffSide
	top    string // the work tree's root, symlinks resolved
	commit string
	mirror string // the temporary directory
	notes  io.Writer
	noted  map[string]bool
}

// local is where path ABS of the real file system sits in the mirror.
func (r *revFiles) local(abs string) string {
	return filepath.Join(r.mirror, strings.TrimPrefix(abs, filepath.VolumeName(abs)))
}

// real is the path a name of the mirror stands for; a name outside the
// mirror (an absolute module source) stands for itself.
func (r *revFiles) real(name string) string {
	rel, err := filepath.Rel(r.mirror, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return name
	}
	return filepath.Join(filepath.VolumeName(r.top)+string(filepath.Separator), rel)
}

// repoPath is abs relative to the repository's root, slash-separated
// ("" for the root); false when abs is outside the repository.
func (r *revFiles) repoPath(abs string) (string, bool) {
	rel, err := filepath.Rel(r.top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	if rel == "." {
		return "", true
	}
	return filepath.ToSlash(rel), true
}

// display names a file of the mirror for messages: REV:PATH inside the
// repository (git's own notation, `git show REV:PATH`), the real path
// outside it.
func (r *revFiles) display(text string) string {
	root := r.local(r.top)
	text = strings.ReplaceAll(text, root+string(filepath.Separator), r.side.rev+":")
	text = strings.ReplaceAll(text, root, r.side.rev+":")
	return strings.ReplaceAll(text, r.mirror, "")
}

func (r *revFiles) object(rp string) string { return r.commit + ":" + rp }

// revEntry is what the revision holds at a repository path.
type revEntry struct {
	name string
	dir  bool
	mode fs.FileMode
	size int64
}

func (e revEntry) Name() string { return e.name }
func (e revEntry) Size() int64  { return e.size }
func (e revEntry) Mode() fs.FileMode {
	if e.dir {
		return fs.ModeDir | 0o755
	}
	return e.mode
}
func (e revEntry) ModTime() time.Time { return time.Time{} }
func (e revEntry) IsDir() bool        { return e.dir }
func (e revEntry) Sys() any           { return nil }

// entry parses a line of git ls-tree -l: "MODE TYPE OBJECT SIZE\tNAME".
func entry(line string) (revEntry, bool) {
	meta, name, ok := strings.Cut(line, "\t")
	f := strings.Fields(meta)
	if !ok || len(f) < 3 {
		return revEntry{}, false
	}
	e := revEntry{name: filepath.Base(filepath.FromSlash(name))}
	switch {
	case f[1] == "tree":
		e.dir = true
	case f[1] == "blob" && f[0] == "120000":
		e.mode = fs.ModeSymlink | 0o777 // not followed: the dsl says it is not a regular file
	case f[1] == "blob":
		e.mode = 0o644
	default:
		return revEntry{}, false // a submodule's commit
	}
	if len(f) > 3 {
		e.size, _ = strconv.ParseInt(f[3], 10, 64)
	}
	return e, true
}

// statRev says what the revision holds at a repository path.
func (r *revFiles) statRev(rp string) (revEntry, error) {
	if rp == "" {
		return revEntry{name: filepath.Base(r.top), dir: true}, nil
	}
	out, err := gitx.Run(r.ctx, r.top, "ls-tree", "-l", "-z", r.commit, "--", rp)
	if err != nil {
		return revEntry{}, err
	}
	for _, line := range strings.Split(string(out), "\x00") {
		if e, ok := entry(line); ok {
			return e, nil
		}
	}
	return revEntry{}, fs.ErrNotExist
}

func (r *revFiles) Stat(name string) (fs.FileInfo, error) {
	abs := r.real(name)
	if rp, ok := r.repoPath(abs); ok {
		if e, err := r.statRev(rp); err == nil {
			return e, nil
		}
	}
	return os.Stat(abs)
}

func (r *revFiles) ReadDir(name string) ([]fs.DirEntry, error) {
	abs := r.real(name)
	if rp, ok := r.repoPath(abs); ok {
		if e, err := r.statRev(rp); err == nil && e.dir {
			out, err := gitx.Run(r.ctx, r.top, "ls-tree", "-l", "-z", r.object(rp))
			if err != nil {
				return nil, err
			}
			var entries []fs.DirEntry
			for _, line := range strings.Split(string(out), "\x00") {
				if e, ok := entry(line); ok {
					entries = append(entries, fs.FileInfoToDirEntry(e))
				}
			}
			return entries, nil
		}
	}
	return os.ReadDir(abs)
}

func (r *revFiles) ReadFile(name string) ([]byte, error) {
	b, err := r.read(name)
	if err != nil {
		return nil, err
	}
	dst := r.local(r.real(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return nil, err
	}
	return b, nil
}

func (r *revFiles) read(name string) ([]byte, error) {
	abs := r.real(name)
	rp, inRepo := r.repoPath(abs)
	if inRepo {
		if e, err := r.statRev(rp); err == nil && !e.dir {
			return gitx.Run(r.ctx, r.top, "cat-file", "blob", r.object(rp))
		}
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if !r.noted[abs] {
		r.noted[abs] = true
		if inRepo {
			fmt.Fprintf(r.notes, "note: %s: %s is not in git at %s; using the working tree's copy\n", r.side, rp, r.side.rev)
		} else {
			fmt.Fprintf(r.notes, "note: %s: %s is outside the repository; using it as it is now\n", r.side, abs)
		}
	}
	return b, nil
}

// strictStat is Stat without the work tree: the scenario itself must be
// in the revision.
func (r *revFiles) strictStat(rp string) (revEntry, error) {
	e, err := r.statRev(rp)
	if errors.Is(err, fs.ErrNotExist) || err != nil {
		return revEntry{}, fmt.Errorf("%s: %s does not exist at %s", r.side, rp, r.side.rev)
	}
	return e, nil
}
