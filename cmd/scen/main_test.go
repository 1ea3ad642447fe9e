package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidateTypoPointsAtSource(t *testing.T) {
	code, _, stderr := runCLI("validate", "../../testdata/invalid/unknown_function.hcl")
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		"error: Unknown function",
		"unknown_function.hcl:8:12",
		`plan = weightd({ free = 3, pro = 1 })`,
		"           ^^^^^^^",
		`Did you mean "weighted"?`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestValidateModuleInputError: an error inside a library module that a
// bad input causes shows the scenario's input line, then where the module
// uses it, once.
func TestValidateModuleInputError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.hcl")
	src := `scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
module "p" {
  source = "stdlib/fake/person"
  count  = -5
}
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI("validate", p)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	want := "error: Invalid count\n  --> " + p + ":7:12\n  |\n7 |   count  = -5\n  |            ^^\n" +
		"   = count must be a whole number between 0 and 2^40, got -5.\n" +
		"   = Used by module \"p\" at stdlib:fake/person.hcl:32:11: count = var.count\n\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
		only bool // msg's error is the only one reported (no follow-on errors)
	}{
		{"ok", []string{"validate", "../../scenarios/clickstream.hcl"}, 0, "", false},
		{"scenario error", []string{"run", "../../testdata/invalid/unknown_attr_ref.hcl", "--out", dir}, 1, "Unknown attribute", false},
		{"missing file", []string{"run", "nope.hcl", "--out", dir}, 1, "Cannot read scenario", false},
		{"unknown var", []string{"run", "../../scenarios/clickstream.hcl", "--var", "userz=3", "--out", dir}, 1, `Did you mean "users"?`, false},
		{"bad var value", []string{"run", "../../scenarios/clickstream.hcl", "--var", "users=many", "--out", dir}, 1, "is not a number", true},
		// Kept as bytes, a value that is not UTF-8 was written to
		// manifest.json as U+FFFD: --from-manifest regenerated another run.
		{"var value not UTF-8", []string{"run", "../../scenarios/clickstream.hcl", "--var", "users=caf\xe9", "--out", dir}, 2,
			`--var "users=caf\xe9": byte 4 of the value (0xe9) is not UTF-8 text`, true},
		{"var name not UTF-8", []string{"plan", "../../scenarios/clickstream.hcl", "--var", "\xffx=1"}, 2,
			`--var "\xffx=1": byte 1 of the name (0xff) is not UTF-8 text`, true},
		{"bad shard", []string{"run", "../../scenarios/clickstream.hcl", "--shard", "2/2", "--out", dir}, 2, "--shard", false},
		{"bad seed", []string{"run", "../../scenarios/clickstream.hcl", "--seed", "x", "--out", dir}, 2, "--seed", false},
		{"unknown flag", []string{"run", "--frobnicate"}, 2, "unknown flag", false},
		{"no args", []string{"run"}, 2, "run needs a scenario", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("stderr lacks %q:\n%s", tc.msg, stderr)
			}
			if n := strings.Count(stderr, "error:"); tc.only && n != 1 {
				t.Errorf("%d errors reported, want only the one:\n%s", n, stderr)
			}
		})
	}
	// None of the failed runs may leave anything in the output directory.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("failed runs left output behind: %v", entries)
	}
}

func TestRunTwiceSameBytes(t *testing.T) {
	var outs [][]byte
	for _, workers := range []string{"1", "2", "2"} {
		dir := t.TempDir()
		code, _, stderr := runCLI("run", "../../scenarios/clickstream.hcl", "--seed", "7", "--var", "users=300", "--out", dir, "--workers", workers)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stderr, "events.jsonl") {
			t.Errorf("run does not say where it wrote:\n%s", stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, "clickstream", "events.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

func TestPlanPreviewVersion(t *testing.T) {
	code, out, stderr := runCLI("plan", "../../scenarios/clickstream.hcl")
	if code != 0 || !strings.Contains(out, `flow "visit"`) || !strings.Contains(out, "20000 actors") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI("preview", "../../scenarios/clickstream.hcl", "-n", "5", "--var", "users=100")
	if code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(out, `"event_id":"e-`) {
		t.Fatalf("preview: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = runCLI("preview", "../../scenarios/clickstream.hcl", "--stream", "evnets")
	if code != 1 || !strings.Contains(stderr, `(streams: events). Did you mean "events"?`) {
		t.Fatalf("preview of unknown stream: exit %d\n%s", code, stderr)
	}
	code, out, _ = runCLI("version")
	if code != 0 || !strings.HasPrefix(out, "scen ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

// TestReferenceUpToDate: docs/reference.md is what `make docs` generates.
func TestReferenceUpToDate(t *testing.T) {
	_, out, _ := runCLI("docs", "reference")
	want, err := os.ReadFile("../../docs/reference.md")
	if err != nil || string(want) != out {
		t.Fatalf("docs/reference.md is stale; run make docs")
	}
}

// TestPreviewMatchesRun: preview shows exactly the first records a run writes.
func TestPreviewMatchesRun(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI("run", "../../scenarios/recipe.hcl", "--var", "users=50", "--out", dir, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	_, out, stderr := runCLI("preview", "../../scenarios/recipe.hcl", "--var", "users=50", "-n", "30")
	b, err := os.ReadFile(filepath.Join(dir, "recipe", "events.jsonl"))
	if err != nil || !strings.HasPrefix(string(b), out) || out == "" {
		t.Fatalf("preview differs from the run's first records (%v)\n%s", err, stderr)
	}
}

func TestFmt(t *testing.T) {
	if code, out, stderr := runCLI("fmt", "--check", "../../scenarios"); code != 0 {
		t.Fatalf("scenarios/ is not formatted: %s%s", out, stderr)
	}
	p := filepath.Join(t.TempDir(), "x.hcl")
	os.WriteFile(p, []byte("scenario \"x\" {\nstart=\"2025-01-01\"\n    end   =   \"2025-01-02\"\n}\n"), 0o644)
	if code, _, _ := runCLI("fmt", "--check", p); code != 1 {
		t.Fatalf("--check on an unformatted file: exit %d, want 1", code)
	}
	if code, _, stderr := runCLI("fmt", p); code != 0 {
		t.Fatal(stderr)
	}
	b, _ := os.ReadFile(p)
	if want := "scenario \"x\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n"; string(b) != want {
		t.Fatalf("formatted:\n%s\nwant:\n%s", b, want)
	}
	bad := filepath.Join(t.TempDir(), "bad.hcl")
	os.WriteFile(bad, []byte("scenario {\n"), 0o644)
	if code, _, stderr := runCLI("fmt", bad); code != 1 || !strings.Contains(stderr, "bad.hcl:") {
		t.Fatalf("fmt of invalid HCL: exit %d\n%s", code, stderr)
	}
}

func TestPlanDot(t *testing.T) {
	code, out, stderr := runCLI("plan", "../../scenarios/recipe.hcl", "--format", "dot")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{`digraph "recipe"`, `"browse.view_page" -> "browse.search_recipe" [label="45%"]`,
		`"browse.ad_impression" -> "browse.ad_click" [label="p = experiment.BEHAVIORAL_TARGETING_MVP_V1.ad_ctr"]`, `"browse (entry)" -> "browse.view_page"`} {
		if !strings.Contains(out, want) {
			t.Errorf("dot output lacks %s", want)
		}
	}
	if strings.Count(out, "{") != strings.Count(out, "}") {
		t.Error("unbalanced braces")
	}
	if code, _, _ := runCLI("plan", "../../scenarios/recipe.hcl", "--format", "svg"); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}

func TestPreviewWhere(t *testing.T) {
	code, out, stderr := runCLI("preview", "../../scenarios/recipe.hcl", "-n", "3", "--where", `event_name == "click_recipe" && user_id != ""`)
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d records", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"event_name":"click_recipe"`) {
			t.Fatalf("record does not match the filter: %.80s", l)
		}
	}
	if code, _, stderr := runCLI("preview", "../../scenarios/recipe.hcl", "--where", `event_name ==`); code != 2 || !strings.Contains(stderr, "--where") {
		t.Fatalf("bad filter: exit %d\n%s", code, stderr)
	}
}

// TestCorpusExitCodes: `scen run` on every invalid scenario exits 1, prints
// a located diagnostic and writes nothing.
func TestCorpusExitCodes(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/invalid/*.hcl")
	if len(files) < 40 {
		t.Fatalf("corpus has %d files", len(files))
	}
	for _, f := range files {
		out := t.TempDir()
		code, _, stderr := runCLI("run", f, "--out", out)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", f, code)
		}
		if !strings.Contains(stderr, filepath.Base(f)+":") {
			t.Errorf("%s: no file:line:col in\n%s", f, stderr)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: wrote %v", f, entries)
		}
	}
}

// TestRuntimeErrorCLI: a scenario that is valid but fails on a value met
// at run time makes run, preview and plan --sample exit 1 with the error
// rendered like a compile-time one (file:line:col, the source line with
// the range marked, what was wrong, which actor and when), and run leaves
// nothing in the output directory.
func TestRuntimeErrorCLI(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "div.hcl")
	src := `scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 20
  attributes {
    id = "u${index}"
    z  = uniform(0, 0)
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 2
    max_events = 5
  }
  gap     = uniform("1m", "5m")
  initial = "s"
  state "s" {
    emit "ev" {
      id = user.id
      x  = event.seq / user.z
    }
    next = { s = 0.5, end = 0.5 }
  }
}
sink "ev" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI("validate", path); code != 0 {
		t.Fatalf("validate: exit %d, want 0 (the error depends on drawn values):\n%s", code, stderr)
	}
	out := filepath.Join(dir, "out")
	common := []string{
		"error: Division by zero",
		"--> " + path + ":24:12",
		"24 |       x  = event.seq / user.z",
		"   |            ^^^^^^^^^^^^^^^^^^",
		"= user.z is 0 in event.seq / user.z.",
		"= At run time: actor user ",
		", flow f, state s, at 2025-01-01T",
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"run", []string{"run", path, "--out", out, "--workers", "2"}, "error: the run stopped at this error; no output file was published"},
		{"preview", []string{"preview", path}, "error: the preview stopped at this error"},
		{"plan", []string{"plan", path}, "error: the estimate stopped at this error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(tc.args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, stderr)
			}
			for _, w := range append(common, tc.want) {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the failed run left output behind: %v", entries)
	}
}

func TestFilesSummary(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{nil, ""},
		{[]string{"out/a.jsonl"}, "out/a.jsonl"},
		{[]string{"out/a-0.csv", "out/a-1.csv", "out/a-2.csv"}, "out/a-0.csv, out/a-1.csv, out/a-2.csv"},
		{[]string{"out/r/a-0.csv", "out/r/a-1.csv", "out/r/a-2.csv", "out/r/a-3.csv"}, "4 files in out/r (a-0.csv … a-3.csv)"},
		{[]string{"/o/date=2025-01-01/a.jsonl", "/o/date=2025-01-02/a.jsonl", "/o/date=2025-01-03/a.jsonl", "/o/date=2025-01-04/a.jsonl"},
			"4 files in /o (date=2025-01-01/a.jsonl … date=2025-01-04/a.jsonl)"},
		{[]string{"a/x", "b/x", "c/x", "d/x"}, "4 files in . (a/x … d/x)"},
	} {
		if got := filesSummary(tc.files); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.files, got, tc.want)
		}
	}
}

// TestCompressedSummary: the run's summary gives a compressed sink's text
// and, after it, the files' size on disk.
func TestCompressedSummary(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		typ, path string
		want      string // a regexp of the sink's line
	}{
		{"jsonl", "ev.jsonl", `^sink o: 200 records, 3\.[0-9] KiB → \S+ev-00000\.jsonl, \S+ev-00001\.jsonl$`},
		{"jsonl", "ev.jsonl.gz", `^sink o: 200 records, 3\.[0-9] KiB \(\d{3} B compressed\) → \S+ev-00000\.jsonl\.gz, \S+ev-00001\.jsonl\.gz$`},
		{"csv", "ev-{{part}}.csv.zst", `^sink o: 200 records, 1\.[0-9] KiB \(\d{3} B compressed\) → \S+ev-00000\.csv\.zst, `},
	} {
		t.Run(tc.path, func(t *testing.T) {
			src := filepath.Join(dir, "s.hcl")
			os.WriteFile(src, []byte(`scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 200
  attributes { id = "user-${index}" }
}
flow "f" {
  actor = entity.u
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "ev" { id = u.id }
  }
}
sink "o" {
  type          = "`+tc.typ+`"
  stream        = "ev"
  path          = "`+tc.path+`"
  rows_per_file = 100
}
`), 0o644)
			out := t.TempDir()
			code, _, stderr := runCLI("run", src, "--out", out, "--no-manifest")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			line := strings.SplitN(stderr, "\n", 2)[0]
			if !regexp.MustCompile(tc.want).MatchString(line) {
				t.Errorf("got %q, want %s", line, tc.want)
			}
		})
	}
}

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit, n int
}

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.n+len(b) > w.limit {
		return 0, errors.New("no space left on device")
	}
	w.n += len(b)
	return len(b), nil
}

// TestPreviewOutput: preview writes records as they come (a large -n holds
// no more than a run in memory) and a write that fails is an error: it was
// ignored, and preview exited 0 with its output cut short.
func TestPreviewOutput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		limit int // bytes standard output takes before it fails; -1: no limit
		code  int
		lines int
		msg   string
	}{
		{"all records", []string{"-n", "1000000000", "--var", "users=20"}, -1, 0, -1, ""},
		{"a few", []string{"-n", "7"}, -1, 0, 7, ""},
		{"standard output fails", []string{"-n", "100000"}, 1 << 10, 1, -1, "no space left on device"},
		{"zero", []string{"-n", "0"}, -1, 2, 0, "-n must be at least 1"},
		{"negative", []string{"-n", "-5"}, -1, 2, 0, "-n must be at least 1"},
		{"unknown stream", []string{"--stream", "event"}, -1, 1, 0, `no stream named "event" (streams: events). Did you mean "events"?`},
		{"nothing matches", []string{"--var", "users=5", "--where", `url == "/nowhere"`}, -1, 0, 0, `note: no record of stream "events" matches --where (the whole window was simulated)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			var w io.Writer = &out
			if tc.limit >= 0 {
				w = &failingWriter{limit: tc.limit}
			}
			code := run(append([]string{"preview", "../../scenarios/clickstream.hcl"}, tc.args...), w, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.msg) {
				t.Fatalf("exit %d (want %d), want %q in stderr:\n%s", code, tc.code, tc.msg, errb.String())
			}
			if n := strings.Count(out.String(), "\n"); tc.lines >= 0 && n != tc.lines {
				t.Fatalf("%d records, want %d", n, tc.lines)
			}
		})
	}
	// Every record of a small run, in the run's order.
	dir := t.TempDir()
	if code, _, stderr := runCLI("run", "../../scenarios/clickstream.hcl", "--var", "users=20", "--out", dir, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	_, out, _ := runCLI("preview", "../../scenarios/clickstream.hcl", "--var", "users=20", "-n", "1000000000")
	if b, err := os.ReadFile(filepath.Join(dir, "clickstream", "events.jsonl")); err != nil || string(b) != out {
		t.Fatalf("preview of every record differs from the run (%v)", err)
	}
}

// TestValidateSummary: validate goes on past a failing scenario, exits 1
// when any failed, says when a scenario has warnings, and counts in
// English ("1 entities" and "A entity named" were printed).
func TestValidateSummary(t *testing.T) {
	dir := t.TempDir()
	const base = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 2
  attributes { x = uniform(1, 9) }
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" { x = user.x }
  }
}
`
	nosink := filepath.Join(dir, "nosink.hcl")
	writeScenario(t, nosink, base)
	dup := filepath.Join(dir, "dup")
	writeScenario(t, filepath.Join(dup, "a.hcl"), base)
	writeScenario(t, filepath.Join(dup, "b.hcl"), "entity \"user\" {\n  count = 1\n}\n")
	for _, tc := range []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"counts", []string{"../../scenarios/bank.hcl", "../../scenarios/clickstream.hcl"}, 0,
			"../../scenarios/bank.hcl: ok (4 entities, 10 flows, 4 streams, 4 sinks)\n../../scenarios/clickstream.hcl: ok (1 entity, 1 flow, 1 stream, 1 sink)\n", ""},
		{"a warning", []string{nosink}, 0, nosink + ": ok with 1 warning (1 entity, 1 flow, 1 stream, 0 sinks)\n", "warning: Stream has no sink"},
		{"one fails, the others are checked", []string{"../../testdata/invalid/unknown_function.hcl", "../../scenarios/clickstream.hcl"}, 1,
			"../../scenarios/clickstream.hcl: ok", "error: Unknown function"},
		{"a duplicate", []string{dup}, 1, "", `An entity named "user" was already declared at`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"validate"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant: %s", code, tc.code, stdout, tc.stdout, stderr, tc.stderr)
			}
		})
	}
}

// TestVersionAndDocsArgs: scen --version prints what scen version does
// (it was an unknown flag), and scen docs without a page says which pages
// there are (it said "accepts 1 arg(s), received 0").
func TestVersionAndDocsArgs(t *testing.T) {
	_, want, _ := runCLI("version")
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"--version"}, 0, want, ""},
		{[]string{"docs"}, 2, "", "docs needs a page: scen docs reference"},
		{[]string{"docs", "functions"}, 2, "", `unknown docs page "functions" (only: reference)`},
		{[]string{"version", "x"}, 2, "", "unknown command"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(tc.args...)
			if code != tc.code || (tc.stdout != "" && stdout != tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %q (want %q)\nstderr: %s", code, tc.code, stdout, tc.stdout, stderr)
			}
		})
	}
}

// TestPlanMemoryAddsUp: plan's memory section lists live parts that do
// not add up to the peak it shows; it says how they make it, and the
// numbers it names give the peak: live data up to 80 MiB gets the
// collector's 64 MiB of headroom, more gets × 1.8.
func TestPlanMemoryAddsUp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		how  string
	}{
		{[]string{"../../scenarios/clickstream.hcl"}, " + 64 MiB the garbage collector lets the heap grow by + 24 MiB for the runtime and the plan)"},
		{[]string{"../../scenarios/bank.hcl"}, " + 64 MiB the garbage collector lets the heap grow by + 24 MiB for the runtime and the plan)"},
		{[]string{"../../scenarios/clickstream.hcl", "--var", "users=1000000"}, " × 1.8 for the garbage collector's headroom + 24 MiB for the runtime and the plan)"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := runCLI(append([]string{"plan", "--sample", "-1"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var peak, live float64
			var peakUnit, liveUnit string
			for _, line := range strings.Split(out, "\n") {
				if rest, ok := strings.CutPrefix(line, "  estimated peak "); ok {
					fmt.Sscanf(rest, "%g %s", &peak, &peakUnit)
				}
				if rest, ok := strings.CutPrefix(line, "  (peak = "); ok {
					fmt.Sscanf(rest, "%g %s", &live, &liveUnit)
					if !strings.HasSuffix(line, tc.how) {
						t.Errorf("the memory section says %q, want it to end %q", line, tc.how)
					}
				}
			}
			mib := map[string]float64{"MiB": 1, "GiB": 1024}
			want := live * mib[liveUnit] * 1.8
			if strings.Contains(tc.how, "+ 64 MiB") {
				want = live*mib[liveUnit] + 64
			}
			if got := peak * mib[peakUnit]; math.Abs(got+0-(want+24)) > 1.5 {
				t.Errorf("estimated peak %g MiB; the parts say %g MiB\n%s", got, want+24, out)
			}
		})
	}
}

// TestEnvSwitchRefused: scen run refuses an on/off SCEN_* variable set to
// a value it does not take (exit 2, naming the variable and the value),
// and runs with the values it takes.
func TestEnvSwitchRefused(t *testing.T) {
	for _, c := range []struct {
		name, val string
		code      int
		want      string
	}{
		{"SCEN_WRITEBEHIND", "of", 2, `SCEN_WRITEBEHIND="of" in the environment: expected 0, false, off or no (off), 1, true, on or yes (on), or unset`},
		{"SCEN_HUGEPAGES", "disable", 2, `SCEN_HUGEPAGES="disable" in the environment: expected`},
		{"SCEN_WRITEBEHIND", "No", 0, ""},
		{"SCEN_HUGEPAGES", "0", 0, ""},
	} {
		t.Run(c.name+"="+c.val, func(t *testing.T) {
			t.Setenv(c.name, c.val)
			code, _, stderr := runCLI("run", "../../scenarios/clickstream.hcl", "--var", "users=20", "--out", t.TempDir(), "--quiet", "--no-manifest")
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not contain %q", stderr, c.want)
			}
		})
	}
}

// TestSinkWhere: the run's summary names a broker's topic and a
// database's table, as it names a file sink's files.
func TestSinkWhere(t *testing.T) {
	for _, c := range []struct {
		name string
		s    engine.SinkResult
		want string
	}{
		{"file", engine.SinkResult{Type: "jsonl", Result: sinks.Result{Records: 5, Files: []string{"out/events.jsonl"}}, Written: 5},
			"out/events.jsonl"},
		{"kafka", engine.SinkResult{Type: "kafka", Target: "topic events", Result: sinks.Result{Records: 5}, Written: 5},
			"kafka topic events"},
		{"postgres", engine.SinkResult{Type: "postgres", Target: "table public.events", Result: sinks.Result{Records: 5}, Written: 5},
			"postgres table public.events"},
		{"postgres, conflicts skipped", engine.SinkResult{Type: "postgres", Target: "table events", Result: sinks.Result{Records: 2}, Written: 5},
			"postgres table events (3 of the 5 records sent were skipped as conflicts)"},
		{"kafka, nothing written", engine.SinkResult{Type: "kafka", Target: "topic events"},
			"kafka topic events (nothing written)"},
	} {
		if got := sinkWhere(c.s); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
