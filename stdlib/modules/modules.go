// Package modules is scen's standard library of scenario pieces: HCL
// modules compiled into the binary, so that a scenario anywhere can load
// them with source = "stdlib/NAME" (docs/modules.md lists them). NAME is
// a file without its .hcl extension (stdlib/profiles/web) or a directory,
// whose .hcl files form one module (stdlib/profiles).
package modules

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed */*.hcl
var files embed.FS

// FS is the library's files, at slash-separated paths such as
// "profiles/web.hcl".
func FS() fs.FS { return files }

// Names lists every loadable NAME, sorted: each directory and each .hcl
// file without its extension.
func Names() []string {
	var out []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || p == ".":
		case d.IsDir():
			out = append(out, p)
		case path.Ext(p) == ".hcl":
			out = append(out, strings.TrimSuffix(p, ".hcl"))
		}
		return nil
	})
	sort.Strings(out)
	return out
}
