package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAttributesKeepDeclarationOrder(t *testing.T) {
	src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 1
  attributes {
    zeta  = 1
    alpha = 2
    mid   = 3
  }
}
`
	sc, diags := ParseSource("s.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var names []string
	for _, a := range sc.Entities[0].Attributes {
		names = append(names, a.Name)
	}
	if strings.Join(names, ",") != "zeta,alpha,mid" {
		t.Fatalf("order %v", names)
	}
}

// TestDirectoryScenario: a directory is one scenario; a name declared in
// two files is a diagnostic at the second that cites the first.
func TestDirectoryScenario(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.hcl", "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\nentity \"u\" {\n  count = 1\n}\n")
	write("b.hcl", "entity \"v\" {\n  count = 2\n}\n")
	write("notes.txt", "ignored")
	sc, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(sc.Entities) != 2 || len(sc.Sources) != 2 {
		t.Fatalf("entities %d, sources %v", len(sc.Entities), sc.Sources)
	}
	write("c.hcl", "entity \"u\" {\n  count = 3\n}\n")
	_, diags = Load(dir)
	if !diags.HasErrors() {
		t.Fatal("duplicate entity across files not reported")
	}
	d := diags[0]
	if d.Summary != `Duplicate entity "u"` || d.Subject == nil || !strings.HasSuffix(d.Subject.Filename, "c.hcl") ||
		!strings.Contains(d.Detail, "a.hcl:5") {
		t.Fatalf("diagnostic %q at %v: %s", d.Summary, d.Subject, d.Detail)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, diags := Load(filepath.Join(t.TempDir(), "missing.hcl")); !diags.HasErrors() {
		t.Fatal("missing file not reported")
	}
	if _, diags := Load(t.TempDir()); !diags.HasErrors() || diags[0].Summary != "Empty scenario directory" {
		t.Fatalf("empty dir: %v", diags)
	}
}

// TestNotText: a file that is not UTF-8 text is one error at the first bad
// byte, not a diagnostic per stray byte.
func TestNotText(t *testing.T) {
	valid := "scenario \"x\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n"
	for _, tc := range []struct {
		name     string
		src      string
		line     int
		col      int
		notText  bool
		anyError bool
	}{
		{"valid", valid, 0, 0, false, false},
		{"valid non-ASCII", "# café, 카페\n" + valid, 0, 0, false, false},
		{"NUL", "\x7fELF\x02\x01\x01\x00\x00\x00garbage", 1, 8, true, true},
		{"Latin-1", "# caf\xe9\n" + valid, 1, 6, true, true},
		{"bad byte at the very end", valid + "\xff", 5, 1, true, true},
		{"NUL on line 3", "a = 1\nb = 2\nc\x00", 3, 2, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := ParseSource("f.hcl", []byte(tc.src))
			if diags.HasErrors() != tc.anyError {
				t.Fatalf("errors: %v", diags)
			}
			if !tc.notText {
				return
			}
			if len(diags) != 1 || diags[0].Summary != "Not a text file" {
				t.Fatalf("want one \"Not a text file\" error, got %v", diags)
			}
			if s := diags[0].Subject; s == nil || s.Start.Line != tc.line || s.Start.Column != tc.col {
				t.Fatalf("at %v, want %d:%d", diags[0].Subject, tc.line, tc.col)
			}
		})
	}
}

// TestBlockHints: an argument whose name is close to a block type the
// body takes gets a hint to write the block (HCL itself only suggests
// attribute names, and blocks for an exact name).
func TestBlockHints(t *testing.T) {
	head := "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n"
	for _, tc := range []struct{ name, src, want string }{
		{"sessions for session", "flow \"f\" {\n  actor = entity.u\n  sessions = { count = 1 }\n  initial = \"s\"\n  state \"s\" {}\n}\n",
			`An argument named "sessions" is not expected here. Did you mean the block session { … }?`},
		{"states for state", "flow \"f\" {\n  actor = entity.u\n  initial = \"s\"\n  states = {}\n}\n",
			`Did you mean the block state { … }?`},
		{"attribute for attributes", "entity \"u\" {\n  count = 1\n  attribute = { a = 1 }\n}\n",
			`Did you mean the block attributes { … }?`},
		{"exact name: HCL's own hint", "flow \"f\" {\n  actor = entity.u\n  session = { count = 1 }\n}\n",
			`Did you mean to define a block of type "session"?`},
		{"far from every block", "flow \"f\" {\n  actor = entity.u\n  colour = 1\n}\n",
			`An argument named "colour" is not expected here.`},
		{"entity attribute outside attributes", "entity \"u\" {\n  count = 1\n  country = \"KR\"\n}\n",
			`s.hcl:7,3-10: Unsupported argument; An argument named "country" is not expected here. An entity takes count and parent; its attributes go in its attributes { … } block.`},
		{"block entities for entity", "entities \"u\" {\n  count = 1\n}\n",
			`s.hcl:5,1-9: Unsupported block type; Blocks of type "entities" are not expected here. Did you mean "entity"?`},
		{"block sessions for session", "flow \"f\" {\n  actor = entity.u\n  sessions { count = 1 }\n}\n",
			`s.hcl:7,3-11: Unsupported block type; Blocks of type "sessions" are not expected here. Did you mean "session"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := ParseSource("s.hcl", []byte(head+tc.src))
			got := ""
			for _, d := range diags {
				got += d.Error() + "\n"
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want %q in\n%s", tc.want, got)
			}
			if strings.Count(got, "Did you mean") > 1 || (tc.name == "far from every block" && strings.Contains(got, "Did you mean")) {
				t.Fatalf("one hint at most, and only when close:\n%s", got)
			}
		})
	}
}

// TestMissingArgumentAtHeader: a block without an argument it requires is
// reported at its header (sink "out"), not at its opening brace, and the
// detail names the block and the argument.
func TestMissingArgumentAtHeader(t *testing.T) {
	const base = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 1
}
flow "f" {
  actor   = entity.u
  initial = "a"
  state "a" {
    emit "e" { x = 1 }
    transition "end" { otherwise = true }
  }
}
sink "out" {
  type   = "csv"
  stream = "e"
  path   = "e.csv"
}
`
	for _, tc := range []struct{ name, old, new, want, at string }{
		{"sink type", `  type   = "csv"` + "\n", "", `sink "out" has no type = …, which it requires.`, "16:1-11"},
		{"sink stream", `  stream = "e"` + "\n", "", `sink "out" has no stream = …, which it requires.`, "16:1-11"},
		{"scenario end", `  end   = "2025-01-02"` + "\n", "", `scenario "s" has no end = …, which it requires.`, "1:1-13"},
		{"entity count", `  count = 1` + "\n", "", `entity "u" has no count = …, which it requires.`, "5:1-11"},
		{"flow initial", `  initial = "a"` + "\n", "", `flow "f" has no initial = …, which it requires.`, "8:1-9"},
		{"a nested block", `sink "out" {`, "experiment \"x\" {\n  unit   = u.id\n  groups = { a = 1 }\n  param \"p\" {\n    a = 1\n    override {\n      a = 2\n    }\n  }\n}\nsink \"out\" {",
			`override has no when = …, which it requires.`, "21:5-13"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("base has no %q", tc.old)
			}
			src := strings.Replace(base, tc.old, tc.new, 1)
			_, diags := ParseSource("s.hcl", []byte(src))
			if len(diags) != 1 || diags[0].Summary != "Missing required argument" {
				t.Fatalf("want one Missing required argument, got %v", diags)
			}
			d := diags[0]
			if d.Detail != tc.want {
				t.Errorf("detail %q, want %q", d.Detail, tc.want)
			}
			if got := fmt.Sprintf("%d:%d-%d", d.Subject.Start.Line, d.Subject.Start.Column, d.Subject.End.Column); got != tc.at {
				t.Errorf("at %s, want %s", got, tc.at)
			}
		})
	}
}

// TestPercentHint: 80% (read by HCL as a remainder without an operand) is
// a parse error that says how to write it.
func TestPercentHint(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`weighted({ free = 80%, pro = 20% })`, "There are no percent literals: write 80% as 0.8"},
		{`weighted({ free = 12.5 %, pro = 1 })`, "write 12.5% as 0.125"},
		{`bernoulli(5%)`, "write 5% as 0.05"},
	} {
		src := "entity \"u\" {\n  count = 1\n  attributes { x = " + tc.expr + " }\n}\n"
		_, diags := ParseSource("s.hcl", []byte(src))
		if !diags.HasErrors() || !strings.Contains(diags[0].Detail, tc.want) {
			t.Errorf("%s: %v, want %q", tc.expr, diags, tc.want)
		}
	}
}

// TestNamedArgumentHint: an argument given by name (normal(mean = 3)) is
// a parse error that says arguments go by position.
func TestNamedArgumentHint(t *testing.T) {
	src := "entity \"u\" {\n  count = 1\n  attributes { x = round(normal(mean = 3, sd = 1)) }\n}\n"
	_, diags := ParseSource("s.hcl", []byte(src))
	want := "Arguments are given by position, not by name: normal(…) takes its arguments in order (scen docs reference"
	if !diags.HasErrors() || !strings.Contains(diags[0].Detail, want) {
		t.Errorf("%v, want %q", diags, want)
	}
}

// TestSeveralScenariosInADirectory: a directory is one scenario; one
// whose files hold several scenario blocks is one error naming them, not
// a duplicate for every name the files share.
func TestSeveralScenariosInADirectory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // "" = no such error
		at    string
	}{
		{name: "two scenarios", files: map[string]string{
			"a.hcl": "scenario \"a\" {\n  start = \"2025-01-01\"\n  end = \"2025-01-02\"\n}\nentity \"u\" {\n  count = 1\n}\n",
			"b.hcl": "# b\n\nscenario \"b\" {\n  start = \"2025-01-01\"\n  end = \"2025-01-02\"\n}\nentity \"u\" {\n  count = 1\n}\n"},
			want: `holds 2 scenario blocks (a.hcl:1, b.hcl:3). A directory is read as one scenario, all its .hcl files merged`, at: "b.hcl:3,1-13"},
		{name: "one scenario and a shared file", files: map[string]string{
			"a.hcl": "scenario \"a\" {\n  start = \"2025-01-01\"\n  end = \"2025-01-02\"\n}\n",
			"b.hcl": "entity \"u\" {\n  count = 1\n}\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, src := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, diags := Load(dir)
			got := diags.Error()
			if tc.want == "" {
				if strings.Contains(got, "Several scenarios") {
					t.Fatalf("unexpected: %s", got)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(got, tc.want) || !strings.Contains(got, tc.at) {
				t.Fatalf("want one error at %s with %q, got %d:\n%s", tc.at, tc.want, len(diags), got)
			}
		})
	}
}

// TestMissingScenarioHintParses: the example the "Missing scenario block"
// error gives is HCL that parses, pasted as it is shown (review 29 #8).
func TestMissingScenarioHintParses(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"empty file", ""},
		{"an entity alone", "entity \"u\" {\n  count = 1\n  attributes { id = index }\n}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := ParseSource("s.hcl", []byte(tc.src))
			if len(diags) != 1 || diags[0].Summary != "Missing scenario block" {
				t.Fatalf("want one Missing scenario block, got %v", diags)
			}
			_, example, ok := strings.Cut(diags[0].Detail, "e.g.\n")
			if !ok {
				t.Fatalf("no example on lines of its own: %q", diags[0].Detail)
			}
			sc, diags := ParseSource("s.hcl", []byte(tc.src+example+"\n"))
			if diags.HasErrors() || sc.Settings == nil {
				t.Fatalf("the example does not parse:\n%s\n%v", example, diags)
			}
		})
	}
}

// TestDuplicateCitesPosition: a diagnostic that cites another
// declaration (a name declared twice, a second scenario or common block,
// a module name that clashes with a definition, a module variable an
// include leaves without a value) cites it as file:line:column, as every
// diagnostic is shown, not as hcl's "s.hcl:5,1-14" (review 33).
func TestDuplicateCitesPosition(t *testing.T) {
	const head = "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n"
	for _, tc := range []struct{ name, src, lib, want string }{
		{"an entity", "entity \"u\" {\n  count = 1\n}\nentity \"u\" {\n  count = 2\n}\n", "",
			`An entity named "u" was already declared at s.hcl:5:1. Names must be unique within a scenario.`},
		{"a state", "flow \"f\" {\n  initial = \"a\"\n  state \"a\" {}\n  state \"a\" {}\n}\n", "",
			`State "a" was already declared at s.hcl:7:3.`},
		{"a common block", "flow \"f\" {\n  common \"e\" {}\n  common \"e\" {}\n}\n", "",
			`The flow already has common fields for stream "e" at s.hcl:6:3.`},
		{"a scenario block", "scenario \"t\" {}\n", "",
			`A scenario has one scenario block; the first is at s.hcl:1:1.`},
		{"a module name", "distribution \"web\" { value = 1 }\nmodule \"web\" {\n  source = \"stdlib/profiles/web\"\n}\n", "",
			`A distribution named "web" is declared at s.hcl:5:1, so distribution.web.… would be ambiguous; rename the module or the distribution.`},
		{"a module input", "module \"m\" {\n  source = \"./lib.hcl\"\n}\n", "variable \"n\" {}\n",
			`Module "m" (./lib.hcl) needs a value for its variable "n", which has no default (declared at lib.hcl:1:1): add n = … to the module block.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "s.hcl"), []byte(head+tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "lib.hcl"), []byte(tc.lib), 0o644); err != nil {
				t.Fatal(err)
			}
			_, diags := Load(filepath.Join(dir, "s.hcl"))
			var got []string
			for _, d := range diags {
				got = append(got, strings.ReplaceAll(d.Detail, dir+string(filepath.Separator), ""))
			}
			if !slices.Contains(got, tc.want) {
				t.Errorf("got %q\nwant %q among them", got, tc.want)
			}
		})
	}
}
