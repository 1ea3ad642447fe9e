package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

var update = flag.Bool("update", false, "rewrite golden files")

func compileFile(t testing.TB, path string, seed *uint64, vars map[string]string) *engine.Plan {
	t.Helper()
	plan, diags := compileDiags(t, path, engine.Options{Seed: seed, Vars: vars})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", path, diags.Error())
	}
	return plan
}

// compileDiags loads the scenario at path (which must parse) and compiles
// it, returning the compiler's diagnostics for the test to check.
func compileDiags(t testing.TB, path string, opts engine.Options) (*engine.Plan, hcl.Diagnostics) {
	t.Helper()
	sc, diags := dsl.Load(path)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", path, diags.Error())
	}
	return engine.Compile(sc, opts)
}

// runTo runs a freshly compiled plan into a temporary directory.
func runTo(t testing.TB, path string, seed uint64, vars map[string]string, ro engine.RunOptions) string {
	t.Helper()
	plan := compileFile(t, path, &seed, vars)
	if ro.OutDir == "" {
		ro.OutDir = t.TempDir()
	}
	if _, err := plan.Run(context.Background(), ro); err != nil {
		t.Fatalf("run %s: %v", path, err)
	}
	return ro.OutDir
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonLines decodes a JSONL file into maps.
func jsonLines(t testing.TB, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, path)))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: invalid JSON line %q: %v", path, sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./engine -update if the change is intended)\n got: %.400s\nwant: %.400s", path, got, want)
	}
}

// errorsIn is the errors among diags (warnings, such as a stream with no
// sink, left out).
func errorsIn(diags hcl.Diagnostics) hcl.Diagnostics {
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	return errs
}

// wantOneError checks that errs is one error whose "summary: detail"
// starts with want, at line:column at (anywhere when at is "").
func wantOneError(t *testing.T, errs hcl.Diagnostics, want, at string) {
	t.Helper()
	if len(errs) != 1 {
		t.Fatalf("want one error, got %d: %s", len(errs), errs.Error())
	}
	d := errs[0]
	if got := d.Summary + ": " + d.Detail; !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s…", got, want)
	}
	if got := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); at != "" && got != at {
		t.Errorf("at %s, want %s", got, at)
	}
}

// compileOneWarning compiles src, which must have no error: with warn, it
// wants exactly one diagnostic, a warning, and returns it; without, none
// at all, and returns nil.
func compileOneWarning(t *testing.T, src string, warn bool) *hcl.Diagnostic {
	t.Helper()
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, diags = engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if !warn {
		if len(diags) > 0 {
			t.Fatalf("want no diagnostic, got %s", diags.Error())
		}
		return nil
	}
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning {
		t.Fatalf("want one warning, got %s", diags.Error())
	}
	return diags[0]
}
