package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestMaxEventsCountsStateRuns pins what language.md says max_events
// counts: state runs, not records (a state with two emits writes two
// records in one run; a state with none still counts).
func TestMaxEventsCountsStateRuns(t *testing.T) {
	src := `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "u" { count = 1 }
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 3
  }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "e" { s = state.name }
    emit "e" { s = "again" }
    next = { b = 1 }
  }
  state "b" {
    next = { a = 1 }
  }
}
sink "s" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	dir := t.TempDir()
	path := filepath.Join(dir, "m.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runTo(t, path, 1, nil, engine.RunOptions{})
	recs := jsonLines(t, filepath.Join(out, "e.jsonl"))
	var got []string
	for _, r := range recs {
		got = append(got, r["s"].(string))
	}
	// a (2 records), b (none), a (2 records): three state runs.
	if want := "a again a again"; strings.Join(got, " ") != want {
		t.Fatalf("records %q, want %q", got, want)
	}
}
