package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// partitionKindSrc emits field o as FIELD, and partitions a sink's path
// by it.
const partitionKindSrc = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3
  attributes {
    id   = "u${index}"
    tags = ["a", "b"]
  }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      id = user.id
      o  = FIELD
    }
    next = { end = 1 }
  }
}
sink "out" {
  type   = "TYPE"
  stream = "events"
  path   = "x/o={{field:o}}/e.TYPE"
}
`

// TestPartitionByNestedField: {{field:NAME}} on a field that holds an
// object or a list validated, then wrote every record to
// o=__HIVE_DEFAULT_PARTITION__. Typed so at compile time, it is an error
// at the token in the path; untyped (known only at run time), the run
// stops at the field with no file published, and a single value on the
// same untyped field still partitions.
func TestPartitionByNestedField(t *testing.T) {
	for _, tc := range []struct {
		name, field, typ string
		compile          string // the compile error, "" for none
		run              string // the run-time error, "" for none
		dirs             []string
	}{
		{name: "object", field: `{ a = 1, b = user.id }`, typ: "jsonl",
			compile: `s.hcl:27,17-28: Field cannot partition the path; {{field:o}} names a field that holds an object (emitted in f.e)`},
		{name: "list", field: `[1, 2]`, typ: "csv",
			compile: `s.hcl:27,17-28: Field cannot partition the path; {{field:o}} names a field that holds a list (emitted in f.e)`},
		{name: "a list attribute", field: `user.tags`, typ: "jsonl",
			compile: `{{field:o}} names a field that holds a list`},
		{name: "json text", field: `json({ a = 1 })`, typ: "jsonl",
			compile: `{{field:o}} names a field that holds the JSON text of json(…)`},
		{name: "an object at run time", field: `index < 2 ? "x" : { a = 1 }`, typ: "jsonl",
			run: `s.hcl:19:12: Value cannot partition the path: Sink "out" partitions its path by {{field:o}}, and this field holds an object here`},
		{name: "a list at run time", field: `index < 1 ? 1 : ["x"]`, typ: "csv",
			run: `Sink "out" partitions its path by {{field:o}}, and this field holds a list here`},
		{name: "single values of no one type", field: `index < 1 ? 1 : "x"`, typ: "csv",
			dirs: []string{"o=1", "o=x"}},
		{name: "parquet: object", field: `{ a = 1, b = user.id }`, typ: "parquet",
			compile: `s.hcl:27,17-28: Field cannot partition the path; {{field:o}} names a field that holds an object (emitted in f.e)`},
		{name: "parquet: an object at run time", field: `index < 2 ? "x" : { a = 1 }`, typ: "parquet",
			run: `s.hcl:19:12: Value cannot partition the path: Sink "out" partitions its path by {{field:o}}, and this field holds an object here`},
		{name: "parquet: single values of no one type", field: `index < 1 ? 1 : "x"`, typ: "parquet",
			dirs: []string{"o=1", "o=x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("FIELD", tc.field, "TYPE", tc.typ).Replace(partitionKindSrc)
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if tc.compile != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.compile) {
					t.Fatalf("want the compile error %q, got %v", tc.compile, diags)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			out := filepath.Join(t.TempDir(), "out")
			_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
			if tc.run != "" {
				var rte *engine.RuntimeError
				if err == nil || !errors.As(err, &rte) || !strings.Contains(err.Error(), tc.run) {
					t.Fatalf("want the run-time error %q, got %v", tc.run, err)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("the failed run left %s", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Join(out, "x"))
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, " ") != strings.Join(tc.dirs, " ") {
				t.Errorf("partitions %q, want %q", got, tc.dirs)
			}
		})
	}
}
