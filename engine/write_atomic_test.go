package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestWriteFileAtomicMessages: a path that is a directory, or whose
// directory does not exist, is said plainly, not as the temporary file's
// failure ("rename .s2.tmp-… s2: file exists"); nothing is left behind.
func TestWriteFileAtomicMessages(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o644)
	for _, tc := range []struct{ name, path, want string }{
		{"a directory", filepath.Join(dir, "sub"), filepath.Join(dir, "sub") + " is a directory: name a file"},
		{"a missing directory", filepath.Join(dir, "nodir", "r.html"), "directory " + filepath.Join(dir, "nodir") + " does not exist"},
		{"a file as the directory", filepath.Join(dir, "plain", "r.html"), filepath.Join(dir, "plain") + " is not a directory"},
		{"a file", filepath.Join(dir, "sub", "r.html"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := engine.WriteFileAtomic(tc.path, []byte("<html>"), 0o644)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), ".tmp-") {
					t.Errorf("left %s", p)
				}
				return nil
			})
		})
	}
}
