package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestSinkPathCollisions: two sinks whose path templates make the same
// file name fail the run, publishing nothing, where one used to overwrite
// the other's file (the run claimed both sinks' records); a sink may not
// take the manifest's name.
func TestSinkPathCollisions(t *testing.T) {
	const head = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 5
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session { count = 2 }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
  }
}
`
	sink := func(name, path, extra string) string {
		return "sink \"" + name + "\" {\n  type   = \"jsonl\"\n  stream = \"e\"\n  path   = \"" + path + "\"\n" + extra + "}\n"
	}
	for _, tc := range []struct {
		name  string
		sinks string
		want  string // an error; "" runs
	}{
		{"a day's file and a literal one", sink("a", "ev-{{day}}.jsonl", "") + sink("b", "ev-01.jsonl", ""), "another sink of this run writes"},
		{"a month's file and a day's", sink("a", "ev-{{month}}.jsonl", "") + sink("b", "ev-{{day}}.jsonl", ""), "another sink of this run writes"},
		{"parts and a part template", sink("a", "ev.jsonl", "  rows_per_file = 3\n") + sink("b", "ev-{{part}}.jsonl", ""), "another sink of this run writes"},
		{"two days' files of one sink", sink("a", "ev-{{day}}.jsonl", "") + sink("b", "other/ev-{{day}}.jsonl", ""), ""},
		{"a file and a directory of the same name", sink("a", "ev.jsonl", "") + sink("b", "ev.jsonl/x.jsonl", ""), "another sink's"},
		{"a directory and a file of the same name", sink("a", "ev/x.jsonl", "") + sink("b", "ev", ""), "another sink's"},
		{"the manifest's name", sink("a", "manifest.json", ""), `Sink "a" writes "manifest.json", where the run writes its manifest`},
		{"a shard manifest's name", sink("a", "manifest.shard-0-of-2.json", ""), `where the run writes its manifest`},
		{"a manifest in a directory", sink("a", "data/manifest.json", ""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, diags := dsl.ParseSource("s.hcl", []byte(head+tc.sinks))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			var err error
			out := t.TempDir()
			if diags.HasErrors() {
				err = diags
			} else {
				_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			case tc.want != "":
				if ents, _ := os.ReadDir(out); len(ents) > 0 {
					t.Fatalf("a failed run left %d entries in the output directory", len(ents))
				}
			}
		})
	}
}
