package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// failingLate: records for two days, then a division by zero on the
// third, after files in several partitions have been opened.
const failingLate = `
scenario "f" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-05"
}
entity "user" {
  count = 50
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session { arrivals = arrivals(48) }
  initial = "a"
  state "a" {
    emit "e" {
      id   = user.id
      ts   = event.time
      kind = weighted({ x = 1, y = 1 })
      boom = event.time > time("2025-01-03") ? 1 / (event.seq - event.seq) : 0
    }
  }
}
`

// TestFailedRunLeavesNoDirectories: a run that fails publishes no file,
// and removes the directories it made for them (a partitioned path's
// tree); what was in the output directory before stays.
func TestFailedRunLeavesNoDirectories(t *testing.T) {
	for _, tc := range []struct{ name, sink, err string }{
		{"nested path", `type = "jsonl"
  path = "a/b/c/e.jsonl"`, ""},
		{"time and field partitions", `type = "jsonl"
  path = "lake/day={{day}}/hour={{hour}}/kind={{field:kind}}/part.jsonl.gz"`, ""},
		{"csv rotated", `type = "csv"
  path = "csv/{{day}}/e.csv"
  rows_per_file = 100`, ""},
		{"parquet partitions", `type = "parquet"
  path = "pq/day={{day}}/e.parquet"`, ""},
		{"into a directory that was there", `type = "jsonl"
  path = "keep/new/e-{{day}}.jsonl"`, ""},
		// The file name is too long (256 bytes): the file of the first
		// partition cannot be created, after its directories were made.
		// (A name of 240 to 255 bytes is written: its temporary name is
		// cut to fit.)
		{"a file that cannot be created", `type = "csv"
  path = "lake/kind={{field:kind}}/` + strings.Repeat("x", 252) + `.csv"`, "file name too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := failingLate
			if tc.err != "" { // the sink fails, not the scenario
				src = strings.Replace(src, "boom = event.time", "boom = false && event.time", 1)
			}
			src += "sink \"s\" {\n  stream = \"e\"\n  " + tc.sink + "\n}\n"
			sc, diags := dsl.ParseSource("f.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			base := t.TempDir()
			out := filepath.Join(base, "out") // made by the run
			os.MkdirAll(filepath.Join(base, "out", "keep"), 0o755)
			os.MkdirAll(filepath.Join(base, "out", "empty"), 0o755)
			os.WriteFile(filepath.Join(base, "out", "keep", "old.txt"), []byte("x"), 0o644)
			_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
			if tc.err == "" {
				tc.err = "Division by zero"
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("want the run to fail with %q, got %v", tc.err, err)
			}
			var left []string
			filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
				if err == nil && p != base {
					rel, _ := filepath.Rel(base, p)
					left = append(left, filepath.ToSlash(rel))
				}
				return nil
			})
			sort.Strings(left)
			want := []string{"out", "out/empty", "out/keep", "out/keep/old.txt"}
			if strings.Join(left, " ") != strings.Join(want, " ") {
				t.Errorf("after the failed run: %q, want %q", left, want)
			}
		})
	}
}

// TestFailedRunRemovesTheOutputDirectoryItMade: an --out the run created
// does not stay behind, empty, when it fails.
func TestFailedRunRemovesTheOutputDirectoryItMade(t *testing.T) {
	sc, diags := dsl.ParseSource("f.hcl", []byte(failingLate+"sink \"s\" {\n  stream = \"e\"\n  type = \"jsonl\"\n  path = \"x/e.jsonl\"\n}\n"))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	base := t.TempDir()
	out := filepath.Join(base, "new", "out")
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err == nil {
		t.Fatal("the run succeeded")
	}
	if entries, _ := os.ReadDir(base); len(entries) != 0 {
		t.Errorf("left in %s: %v", base, entries)
	}
}
