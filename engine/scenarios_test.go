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

// TestShippedScenariosDeterministic: every shipped scenario (fake values,
// datasets, experiments, arrivals included) gives byte-identical files for
// 1, 2 and 3 workers.
func TestShippedScenariosDeterministic(t *testing.T) {
	files, _ := filepath.Glob("../scenarios/*.hcl")
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var ref map[string][]byte
			for _, w := range []int{1, 2, 3} {
				plan := compileFile(t, path, nil, nil)
				dir := t.TempDir()
				if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: w, MaxActors: 200}); err != nil {
					t.Fatal(err)
				}
				got := map[string][]byte{}
				filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
					if err == nil && !info.IsDir() {
						rel, _ := filepath.Rel(dir, p)
						got[rel] = readFile(t, p)
					}
					return nil
				})
				if ref == nil {
					ref = got
					continue
				}
				if len(got) != len(ref) {
					t.Fatalf("%d workers wrote %d files, 1 worker %d", w, len(got), len(ref))
				}
				for name, b := range ref {
					if string(got[name]) != string(b) {
						t.Fatalf("%s differs between 1 and %d workers", name, w)
					}
				}
			}
		})
	}
}

// TestInterruptedRunPublishesNothing: cancelling a run (what SIGINT does)
// stops it with an error and leaves no file under a final or temporary name.
func TestInterruptedRunPublishesNothing(t *testing.T) {
	plan := compileFile(t, "../scenarios/clickstream.hcl", nil, map[string]string{"users": "3000"})
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := plan.Run(ctx, engine.RunOptions{OutDir: dir, Workers: 2, Progress: func(n, _ int64) {
		if n > 20000 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("a cancelled run reported success")
	}
	var left []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("files left behind: %v", left)
	}
}
