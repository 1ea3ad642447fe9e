package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestFmtEveryFile: scen fmt processes every file it is given or finds,
// whatever fails on the way: a file that does not parse gets its
// diagnostics and is left as it was, the others are listed (--check) or
// rewritten, and the exit status says whether anything failed. Each case
// runs on a fresh copy of testdata/fmt/files.txtar; its golden file holds
// the exit status, stdout, stderr and the tree afterwards (contents, modes,
// symlinks, and any temporary file left behind).
func TestFmtEveryFile(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/fmt/files.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string // $DIR is the copy of files.txtar
		setup func(t *testing.T, dir string)
		code  int
	}{
		{name: "check_files", args: []string{"--check", "$DIR/bad.hcl", "$DIR/ugly.hcl", "$DIR/ok.hcl"}, code: 1},
		{name: "write_files", args: []string{"$DIR/bad.hcl", "$DIR/ugly.hcl", "$DIR/ok.hcl"}, code: 1},
		{name: "check_dir", args: []string{"--check", "$DIR"}, code: 1},
		{name: "write_dir", args: []string{"$DIR"}, code: 1},
		{name: "dir_and_file", args: []string{"$DIR/sub", "$DIR/ugly.hcl"}, code: 1},
		{name: "testdata_named", args: []string{"--check", "$DIR/testdata"}, code: 1},
		{name: "missing_file", args: []string{"$DIR/nope.hcl", "$DIR/ugly.hcl"}, code: 1},
		{name: "clean_check", args: []string{"--check", "$DIR/ok.hcl"}, code: 0},
		{name: "clean_write", args: []string{"$DIR/ok.hcl", "$DIR/notes.txt"}, code: 1},
		{name: "unformatted_check", args: []string{"--check", "$DIR/ugly.hcl", "$DIR/ok.hcl"}, code: 1},
		{name: "write_keeps_mode_and_link", args: []string{"$DIR/ugly.hcl", "$DIR/link.hcl"}, code: 0,
			setup: func(t *testing.T, dir string) {
				if err := os.Chmod(filepath.Join(dir, "ugly.hcl"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join("sub", "ugly2.hcl"), filepath.Join(dir, "link.hcl")); err != nil {
					t.Skip("no symlinks:", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range ar.Files {
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				os.Chmod(p, 0o644) // whatever the umask
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "$DIR", dir)
			}
			code, stdout, stderr := runCLI(append([]string{"fmt"}, args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			unDir := func(s string) string {
				return strings.ReplaceAll(filepath.ToSlash(s), filepath.ToSlash(dir), "$DIR")
			}
			got := &txtar.Archive{
				Comment: fmt.Appendf(nil, "scen fmt %s\nexit %d\n", strings.Join(tc.args, " "), code),
				Files: []txtar.File{
					{Name: "stdout", Data: []byte(unDir(stdout))},
					{Name: "stderr", Data: []byte(unDir(stderr))},
				},
			}
			got.Files = append(got.Files, treeOf(t, dir)...)
			golden := filepath.Join("testdata", "fmt", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, txtar.Format(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if g := txtar.Format(got); string(g) != string(want) {
				t.Errorf("differs from %s (run with -update to accept):\n%s", golden, g)
			}
		})
	}
}

// treeOf lists every file under dir as txtar files named
// "tree/PATH MODE" holding the contents, and each symlink as
// "tree/PATH -> TARGET".
func treeOf(t *testing.T, dir string) []txtar.File {
	var files []txtar.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = "tree/" + filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			files = append(files, txtar.File{Name: rel + " -> " + filepath.ToSlash(target)})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, txtar.File{Name: fmt.Sprintf("%s %04o", rel, info.Mode().Perm()), Data: b})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
