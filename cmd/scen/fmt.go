package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"
)

func fmtCmd(stdout, stderr io.Writer) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [FILE|DIR...]",
		Short: "Rewrite scenario files in canonical HCL style (--check: only report)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			var files []string
			for _, a := range args {
				st, err := os.Stat(a)
				if err != nil {
					return &exitError{code: 1, msg: err.Error()}
				}
				if !st.IsDir() {
					files = append(files, a)
					continue
				}
				filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() && strings.HasSuffix(p, ".hcl") && !strings.Contains(p, "testdata") {
						files = append(files, p)
					}
					return nil
				})
			}
			unformatted := 0
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					return &exitError{code: 1, msg: err.Error()}
				}
				// Refuse to format what does not parse: the diagnostics say why.
				if _, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos); diags.HasErrors() {
					renderDiags(stderr, diags, map[string]*hcl.File{f: {Bytes: src}})
					return errFailed
				}
				out := hclwrite.Format(src)
				if bytes.Equal(out, src) {
					continue
				}
				unformatted++
				switch {
				case check:
					fmt.Fprintln(stdout, f)
				default:
					if err := os.WriteFile(f, out, 0o644); err != nil {
						return &exitError{code: 1, msg: err.Error()}
					}
					fmt.Fprintln(stdout, f)
				}
			}
			if check && unformatted > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("%d file(s) need scen fmt", unformatted)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "list files that are not formatted and exit 1; change nothing")
	return cmd
}
