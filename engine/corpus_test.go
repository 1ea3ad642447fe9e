package engine_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

var errorMarker = regexp.MustCompile(`#\s*ERROR:\s*(.+?)\s*$`)

// markers reads the `# ERROR: summary` comments of a file, by line.
func markers(t *testing.T, path string) map[int][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int][]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if m := errorMarker.FindStringSubmatch(sc.Text()); m != nil {
			out[line] = append(out[line], m[1])
		}
	}
	return out
}

func loadAndCompile(path string) hcl.Diagnostics {
	sc, diags := dsl.Load(path)
	if diags.HasErrors() {
		return diags
	}
	_, cd := engine.Compile(sc, engine.Options{})
	return append(diags, cd...)
}

// TestInvalidCorpus checks that every invalid scenario yields error
// diagnostics on exactly the lines marked `# ERROR: <summary>`, each with a
// source range.
func TestInvalidCorpus(t *testing.T) {
	files, _ := filepath.Glob("../testdata/invalid/*.hcl")
	if len(files) < 20 {
		t.Fatalf("expected the invalid corpus under testdata/invalid, found %d files", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := markers(t, path)
			if len(want) == 0 {
				t.Fatalf("%s has no # ERROR: markers", path)
			}
			got := map[int][]string{}
			for _, d := range loadAndCompile(path) {
				if d.Severity != hcl.DiagError {
					continue
				}
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no source range", d.Summary)
					continue
				}
				got[d.Subject.Start.Line] = append(got[d.Subject.Start.Line], d.Summary)
			}
			for line, sums := range want {
				for _, s := range sums {
					if !containsStr(got[line], s) {
						t.Errorf("line %d: want error %q, got %q", line, s, got[line])
					}
				}
			}
			var extra []int
			for line := range got {
				if _, ok := want[line]; !ok {
					extra = append(extra, line)
				}
			}
			sort.Ints(extra)
			for _, line := range extra {
				t.Errorf("line %d: unexpected error(s) %q", line, got[line])
			}
		})
	}
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
