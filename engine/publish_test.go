package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestFailedPublishTakesBackFiles: when one sink's files cannot be renamed
// to their final names (here a directory appears at b.jsonl during the run),
// the files other sinks had already published are removed again, and the
// run fails naming the sink.
func TestFailedPublishTakesBackFiles(t *testing.T) {
	plan := faultPlan(t, `
sink "b" {
  type   = "jsonl"
  stream = "events"
  path   = "b.jsonl"
}`)
	out := t.TempDir()
	var once sync.Once
	block := func(records, _ int64) {
		if records > 1000 {
			once.Do(func() { os.MkdirAll(filepath.Join(out, "b.jsonl", "sub"), 0o755) })
		}
	}
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2, Progress: block})
	if err == nil || !strings.Contains(err.Error(), `sink "b": `) {
		t.Fatalf("error %v does not name sink b", err)
	}
	for _, f := range walkFiles(out) {
		if f != "b.jsonl/sub" {
			t.Errorf("a failed run left %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "clickstream", "events.jsonl")); !os.IsNotExist(err) {
		t.Errorf("the events sink's file is still published: %v", err)
	}
}

// TestDirectoryInTheWay: a final path that is already a directory fails the
// run when the file is opened, before anything is written or published.
func TestDirectoryInTheWay(t *testing.T) {
	plan := faultPlan(t, `
sink "b" {
  type   = "jsonl"
  stream = "events"
  path   = "b.jsonl"
}`)
	out := t.TempDir()
	os.MkdirAll(filepath.Join(out, "b.jsonl", "sub"), 0o755)
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
	if err == nil || !strings.Contains(err.Error(), `sink "b": `) || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "clickstream", "events.jsonl")); !os.IsNotExist(err) {
		t.Errorf("the events sink's file was published: %v", err)
	}
}
