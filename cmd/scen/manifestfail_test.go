package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

const manifestFailScenario = `scenario "s" {
  start = "2025-06-01T00:00:00"
  end   = "2025-06-01T01:00:00"
  %RUNS%
}
entity "user" {
  count = 10
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 3
  }
  initial = "e"
  state "e" {
    emit "events" {
      at = event.time
      n  = index
    }
    next = { e = 1 }
  }
}
sink "a" {
  type   = "jsonl"
  stream = "events"
  path   = "ev.jsonl"
}
sink "b" {
  type   = "csv"
  stream = "events"
  path   = "ev-{{hour}}.csv.gz"
}
sink "c" {
  type   = "parquet"
  stream = "events"
  path   = "p/ev.parquet"
}
`

// TestManifestFailureTakesBackFiles: a run whose records were written and
// published but whose manifest then cannot be written (a directory, or a
// full disk, at its path) or whose latest cannot be moved exits 1 and
// leaves no file of it: the files it published are taken back, as for a
// failed rename. A directory already at the manifest's path is found
// before anything is generated.
func TestManifestFailureTakesBackFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runs    bool
		shard   bool
		blockAt string // made a directory (or, for latest, a file) after the run
		msg     string
	}{
		{name: "manifest", blockAt: "manifest.json", msg: "the manifest could not be written: "},
		{name: "shard manifest", shard: true, blockAt: "manifest.shard-0-of-2.json", msg: "the manifest could not be written: "},
		{name: "runs manifest", runs: true, blockAt: "runs/r1/manifest.json", msg: "could not be completed (the manifest could not be written: "},
		{name: "runs shard manifest", runs: true, shard: true, blockAt: "runs/r1/manifest.shard-0-of-2.json", msg: "the manifest could not be written: "},
		{name: "runs latest", runs: true, blockAt: "runs/latest", msg: "could not be completed (latest could not be moved: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := strings.Replace(manifestFailScenario, "%RUNS%", "", 1)
			if tc.runs {
				src = strings.Replace(manifestFailScenario, "%RUNS%", `runs = "runs"`, 1)
			}
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			out := filepath.Join(dir, "out")
			c := &common{stdout: io.Discard, stderr: io.Discard}
			plan, err := c.load(path)
			if err != nil {
				t.Fatal(err)
			}
			ro := engine.RunOptions{OutDir: out, Workers: 2}
			if tc.shard {
				ro.Shards = 2
			}
			lin := &runLineage{scenario: path, runID: "r1"}
			start := time.Now()
			if err := lin.begin(plan, &ro, start); err != nil {
				t.Fatal(err)
			}
			lin.readInputs(context.Background(), plan)
			res, err := plan.Run(context.Background(), ro)
			if err != nil {
				t.Fatal(err)
			}
			block := filepath.Join(out, tc.blockAt)
			if strings.HasSuffix(block, "latest") {
				os.WriteFile(block, []byte("x"), 0o644)
			} else {
				os.MkdirAll(block, 0o755)
			}
			_, err = lin.finish(plan, ro, res, start, time.Now(), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one with %q", err, tc.msg)
			}
			filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && p != block {
					t.Errorf("the failed run left %s", p)
				}
				return nil
			})
		})
	}
}

// TestManifestDirectoryCheckedFirst: a directory at the manifest's path
// fails the run before anything is generated.
func TestManifestDirectoryCheckedFirst(t *testing.T) {
	for _, tc := range []struct {
		name, block string
		args        []string
	}{
		{name: "run", block: "manifest.json"},
		{name: "shard", block: "manifest.shard-1-of-2.json", args: []string{"--shard", "1/2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(strings.Replace(manifestFailScenario, "%RUNS%", "", 1)), 0o644)
			out := filepath.Join(dir, "out")
			os.MkdirAll(filepath.Join(out, tc.block), 0o755)
			code, _, stderr := runCLI(append([]string{"run", path, "--out", out, "-q"}, tc.args...)...)
			if code != 1 || !strings.Contains(stderr, "a directory, so nothing was generated") {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					t.Errorf("the failed run left %s", p)
				}
				return nil
			})
		})
	}
}
