package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/scenhq/scen/engine"
	"github.com/spf13/cobra"
)

func fmtCmd(stdout, stderr io.Writer) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [FILE|DIR...]",
		Short: "Rewrite scenario files in canonical HCL style (--check: only report)",
		Long: `Rewrite scenario files in canonical HCL style.

Every file named and every .hcl file under a directory named (except
under testdata directories inside it) is processed, even when some fail:
a file that does not parse gets its diagnostics and is left untouched.
A file is rewritten atomically (a complete new file is renamed over it).
With --check nothing is changed: the files that need formatting are listed.
The exit status is 1 if any file failed, or with --check needs formatting.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			failed, unformatted := 0, 0
			fail := func(err error) {
				fmt.Fprintf(stderr, "error: %v\n", err)
				failed++
			}
			var files []string
			for _, a := range args {
				st, err := os.Stat(a)
				if err != nil {
					fail(err)
					continue
				}
				if !st.IsDir() {
					files = append(files, a)
					continue
				}
				files = append(files, hclFilesUnder(a, fail)...)
			}
			for _, f := range files {
				changed, err := fmtFile(f, check, stderr)
				if err == errFailed {
					failed++ // diagnostics already printed
					continue
				}
				if err != nil {
					fail(err)
					continue
				}
				if changed {
					unformatted++
					fmt.Fprintln(stdout, f)
				}
			}
			var msgs []string
			if failed > 0 {
				msgs = append(msgs, fmt.Sprintf("%d file(s) could not be formatted", failed))
			}
			if check && unformatted > 0 {
				msgs = append(msgs, fmt.Sprintf("%d file(s) need scen fmt", unformatted))
			}
			if len(msgs) > 0 {
				return &exitError{code: 1, msg: strings.Join(msgs, "; ")}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "list files that are not formatted and exit 1; change nothing")
	return cmd
}

// hclFilesUnder lists the .hcl files under dir in lexical order, skipping
// testdata directories below it (they hold deliberately invalid files);
// dir itself is walked even if it is one. Errors reading a directory are
// passed to fail and the walk goes on.
func hclFilesUnder(dir string, fail func(error)) []string {
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fail(err)
			return nil // the unreadable directory's contents are skipped; the walk goes on
		}
		if d.IsDir() {
			if p != dir && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".hcl") {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// fmtFile formats one file. It reports whether the file was (or, with
// check, would be) changed. A file that does not parse is left as it is,
// its diagnostics printed and errFailed returned.
func fmtFile(path string, check bool, stderr io.Writer) (bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	// Refuse to format what does not parse: the diagnostics say why.
	if _, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); diags.HasErrors() {
		renderDiags(stderr, diags, map[string]*hcl.File{path: {Bytes: src}})
		return false, errFailed
	}
	out := hclwrite.Format(src)
	if bytes.Equal(out, src) {
		return false, nil
	}
	if check {
		return true, nil
	}
	return true, replaceFile(path, out)
}

// replaceFile replaces the contents of path atomically: the new bytes are
// written and synced to a temporary file in the same directory, which is
// then renamed over the original, so a reader (or a crash) sees either the
// old file or the new one, never a part. A symlink is followed: the file
// it points to is replaced, the link stays. The file's permissions are kept.
func replaceFile(path string, b []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	if err := engine.WriteFileAtomic(target, b, st.Mode().Perm()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
