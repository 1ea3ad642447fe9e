package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestShippedScenarios validates, compiles and runs (small) every scenario
// in scenarios/, and checks that each sink wrote something.
func TestShippedScenarios(t *testing.T) {
	files, _ := filepath.Glob("../scenarios/*.hcl")
	if len(files) == 0 {
		t.Fatal("no scenarios found")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			plan := compileFile(t, path, nil, nil)
			if len(plan.Sinks) == 0 {
				t.Fatal("scenario has no sinks")
			}
			dir := t.TempDir()
			res, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, MaxActors: 50})
			if err != nil {
				t.Fatal(err)
			}
			if res.Records == 0 {
				t.Fatal("no records generated")
			}
			for _, s := range res.Sinks {
				for _, f := range s.Files {
					st, err := os.Stat(f)
					if err != nil || st.Size() == 0 {
						t.Errorf("sink %s: file %s missing or empty", s.Name, f)
					}
				}
			}
			// Nothing but published files is left behind.
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && strings.Contains(filepath.Base(p), ".tmp-") {
					t.Errorf("temporary file left behind: %s", p)
				}
				return nil
			})
		})
	}
}
