package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/stdlib"
)

// varsHead is a scenario's head; a test adds its variable blocks (from
// line 6 on) and what uses them.
const varsHead = `scenario "v" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-03"
}
`

// writeScenario writes src as a scenario file and returns its path.
func writeScenario(t testing.TB, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// kinds renders a value's kinds, nested ones included: list(int, float).
func kinds(v stdlib.Value) string {
	switch v.K {
	case stdlib.List:
		var ks []string
		for _, e := range v.List() {
			ks = append(ks, kinds(e))
		}
		return "list(" + strings.Join(ks, ", ") + ")"
	case stdlib.Object:
		var ks []string
		for i, k := range v.Obj().Keys {
			ks = append(ks, k+": "+kinds(v.Obj().Vals[i]))
		}
		return "object(" + strings.Join(ks, ", ") + ")"
	}
	return v.K.String()
}

func TestListAndObjectVariables(t *testing.T) {
	for _, tc := range []struct {
		name  string
		decl  string
		vars  map[string]string
		value string // the value's JSON
		kinds string
		cli   bool
	}{
		{name: "list default",
			decl: `variable "x" { default = ["US", "DE", "FR"] }`, value: `["US","DE","FR"]`, kinds: "list(string, string, string)"},
		{name: "object default",
			decl: `variable "x" { default = { mobile = 0.6, desktop = 0.4 } }`, value: `{"mobile":0.6,"desktop":0.4}`, kinds: "object(mobile: float, desktop: float)"},
		{name: "empty list default",
			decl: `variable "x" { default = [] }`, value: `[]`, kinds: "list()"},
		{name: "nested default",
			decl: `variable "x" { default = [{ a = 1, b = [true, null] }] }`, value: `[{"a":1,"b":[true,null]}]`, kinds: "list(object(a: int, b: list(bool, null)))"},
		{name: "declared list, default a list",
			decl: "variable \"x\" {\n  type    = list\n  default = [1]\n}", value: `[1]`, kinds: "list(int)"},
		{name: "list --var as JSON",
			decl: `variable "x" { default = ["US"] }`, vars: map[string]string{"x": `["JP","KR"]`}, value: `["JP","KR"]`, kinds: "list(string, string)", cli: true},
		{name: "list --var as HCL",
			decl: `variable "x" { default = ["US"] }`, vars: map[string]string{"x": ` [ "JP", "KR", ] `}, value: `["JP","KR"]`, kinds: "list(string, string)", cli: true},
		{name: "object --var as JSON",
			decl: `variable "x" { default = { a = 1 } }`, vars: map[string]string{"x": `{"b": 0.5, "a": 2}`}, value: `{"b":0.5,"a":2}`, kinds: "object(b: float, a: int)", cli: true},
		{name: "object --var as HCL",
			decl: `variable "x" { default = { a = 1 } }`, vars: map[string]string{"x": `{ b = 0.5, "c d" = "e" }`}, value: `{"b":0.5,"c d":"e"}`, kinds: "object(b: float, c d: string)", cli: true},
		// Ints with floats are a list of floats, as [1, 2.5] in a scenario.
		{name: "numbers read as in a scenario",
			decl: `variable "x" { type = list }`, vars: map[string]string{"x": `[1, 2.0, -3, 1e2, -0.5]`}, value: `[1.0,2.0,-3.0,100.0,-0.5]`, kinds: "list(float, float, float, float, float)", cli: true},
		{name: "ints read as in a scenario",
			decl: `variable "x" { type = list }`, vars: map[string]string{"x": `[1, -3]`}, value: `[1,-3]`, kinds: "list(int, int)", cli: true},
		{name: "the int range's ends",
			decl: `variable "x" { type = list }`, vars: map[string]string{"x": `[-9223372036854775808, 9223372036854775807]`},
			value: `[-9223372036854775808,9223372036854775807]`, kinds: "list(int, int)", cli: true},
		{name: "floats beyond the int range",
			decl: `variable "x" { type = list }`, vars: map[string]string{"x": `[1e20, 99999999999999999999.0]`},
			value: `[100000000000000000000.0,100000000000000000000.0]`, kinds: "list(float, float)", cli: true},
		{name: "declared object without default",
			decl: `variable "x" { type = object }`, vars: map[string]string{"x": `{}`}, value: `{}`, kinds: "object()", cli: true},
		{name: "escaped template in a string",
			decl: `variable "x" { type = list }`, vars: map[string]string{"x": `["a$${b}", "%%{c}", "\u00e9\n"]`}, value: `["a${b}","%{c}","é\n"]`, kinds: "list(string, string, string)", cli: true},
		// JSON writes a character beyond U+FFFF as a surrogate pair
		// (Python's json.dumps does by default); HCL alone refused it.
		{name: "JSON surrogate pairs",
			decl: `variable "x" { type = object }`, vars: map[string]string{"x": `{"\ud83d\ude00": ["\ud83c\udf0d \u00e9", "a\\ud83d\\ude00", "\uD83D\uDE00"]}`},
			value: `{"😀":["🌍 é","a\\ud83d\\ude00","😀"]}`, kinds: "object(😀: list(string, string, string))", cli: true},
		{name: "an untyped variable without default stays a string",
			decl: `variable "x" {}`, vars: map[string]string{"x": `["a"]`}, value: `["a"]`, kinds: "string", cli: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, varsHead+tc.decl+"\n")
			plan := compileFile(t, path, nil, tc.vars)
			if len(plan.Vars) != 1 {
				t.Fatalf("vars %+v", plan.Vars)
			}
			v := plan.Vars[0]
			if got := v.Value.String(); got != tc.value {
				t.Errorf("value %s, want %s", got, tc.value)
			}
			if got := kinds(v.Value); got != tc.kinds {
				t.Errorf("kinds %s, want %s", got, tc.kinds)
			}
			if v.FromCLI != tc.cli {
				t.Errorf("from CLI %v", v.FromCLI)
			}
		})
	}
}

func TestBadListAndObjectVariables(t *testing.T) {
	list := `variable "countries" { default = ["US", "DE"] }`
	object := `variable "mix" { default = { a = 1 } }`
	for _, tc := range []struct {
		name    string
		decl    string
		vars    map[string]string
		summary string
		detail  string
		at      string // line:column of the error
	}{
		{name: "syntax error", decl: list, vars: map[string]string{"countries": `["US",`},
			summary: "Invalid value for variable", detail: `--var countries=["US",: column 7: Missing expression`, at: "6:10"},
		{name: "unclosed string", decl: list, vars: map[string]string{"countries": `["US]`},
			summary: "Invalid value for variable", detail: `--var countries=["US]: column `, at: "6:10"},
		{name: "an object for a list", decl: list, vars: map[string]string{"countries": `{"US": 1}`},
			summary: "Invalid value for variable", detail: `: the variable is a list, the value an object.`, at: "6:10"},
		{name: "a list for an object", decl: object, vars: map[string]string{"mix": `[1]`},
			summary: "Invalid value for variable", detail: `--var mix=[1]: the variable is an object, the value a list.`, at: "6:10"},
		{name: "a bare word for a list", decl: list, vars: map[string]string{"countries": `US,DE`},
			summary: "Invalid value for variable", detail: `--var countries=US,DE: column 3: Extra characters after expression`, at: "6:10"},
		{name: "a string for a list", decl: list, vars: map[string]string{"countries": `US`},
			summary: "Invalid value for variable", detail: `--var countries=US: column 1: US is not a literal value (a list or object variable takes strings, numbers, bools, null, lists and objects, written as in a scenario or as JSON).`, at: "6:10"},
		{name: "a reference", decl: list, vars: map[string]string{"countries": `[var.other]`},
			summary: "Invalid value for variable", detail: `column 2: var.other is not a literal value`, at: "6:10"},
		{name: "a function call", decl: list, vars: map[string]string{"countries": `[upper("us")]`},
			summary: "Invalid value for variable", detail: `column 2: upper("us") is not a literal value`, at: "6:10"},
		{name: "an interpolation", decl: list, vars: map[string]string{"countries": `["${x}"]`},
			summary: "Invalid value for variable", detail: `column 2: "${x}" is not a literal value`, at: "6:10"},
		{name: "arithmetic", decl: object, vars: map[string]string{"mix": `{a = 1 + 1}`},
			summary: "Invalid value for variable", detail: `column 6: 1 + 1 is not a literal value`, at: "6:10"},
		{name: "a duplicate key", decl: object, vars: map[string]string{"mix": `{a = 1, a = 2}`},
			summary: "Invalid value for variable", detail: `the key "a" appears more than once`, at: "6:10"},
		{name: "a number out of range", decl: list, vars: map[string]string{"countries": `[1e400]`},
			summary: "Invalid value for variable", detail: `column 2: 1e400 is beyond the range of a float (about ±1.8e308).`, at: "6:10"},
		// An integer beyond 64 bits was read as a float that rounded it.
		{name: "an integer beyond 64 bits", decl: list, vars: map[string]string{"countries": `[1, 99999999999999999999]`},
			summary: "Invalid value for variable", detail: `column 5: 99999999999999999999 does not fit in a 64-bit integer (-9223372036854775808 to 9223372036854775807); for a float, which keeps about 16 significant digits, write it with a point (99999999999999999999.0).`, at: "6:10"},
		{name: "a negative integer beyond 64 bits", decl: object, vars: map[string]string{"mix": `{a = [-9223372036854775809]}`},
			summary: "Invalid value for variable", detail: `column 7: -9223372036854775809 does not fit in a 64-bit integer`, at: "6:10"},
		// Columns and text are those of the value as written, before its
		// surrogate pairs were given to HCL as \U escapes.
		{name: "a reference after a surrogate pair", decl: list, vars: map[string]string{"countries": `["\ud83d\ude00", var.x, "\ud83d\ude00"]`},
			summary: "Invalid value for variable", detail: `: column 18: var.x is not a literal value`, at: "6:10"},
		{name: "a syntax error after a surrogate pair", decl: list, vars: map[string]string{"countries": `["\ud83d\ude00" "\ud83d\ude00"]`},
			summary: "Invalid value for variable", detail: `: column 17: Missing item separator`, at: "6:10"},
		{name: "a lone surrogate", decl: list, vars: map[string]string{"countries": `["\ud83d"]`},
			summary: "Invalid value for variable", detail: `: column 3: Invalid escape sequence`, at: "6:10"},
		// Kept in the value, such a byte was written \ufffd in the
		// manifest, so the run regenerated from it differed.
		{name: "a byte that is not UTF-8 in a string", decl: list, vars: map[string]string{"countries": "[\"a\xff\"]"},
			summary: "Invalid value for variable", detail: `: column 4: the byte 0xff is not UTF-8 text`, at: "6:10"},
		{name: "a byte that is not UTF-8 in a key", decl: object, vars: map[string]string{"mix": "{\n  é = 1,\n  \xd50 = []\n}"},
			summary: "Invalid value for variable", detail: `: column 3: the byte 0xd5 is not UTF-8 text`, at: "6:10"},
		// A plain string's bytes too (the CLI refuses them first, as a
		// usage error).
		{name: "a string variable's byte that is not UTF-8", decl: `variable "name" { default = "x" }`, vars: map[string]string{"name": "caf\xe9!"},
			summary: "Invalid value for variable", detail: ": the byte 0xe9 (at byte 4) is not UTF-8 text.", at: "6:10"},
		{name: "an untyped variable's byte that is not UTF-8", decl: `variable "name" {}`, vars: map[string]string{"name": "\x80"},
			summary: "Invalid value for variable", detail: ": the byte 0x80 (at byte 1) is not UTF-8 text.", at: "6:10"},
		{name: "a declared list without a value", decl: `variable "countries" { type = list }`,
			summary: "Missing variable value", detail: `pass --var countries=VALUE`, at: "6:10"},
		{name: "a default of another type", decl: "variable \"mix\" {\n  type    = list\n  default = { a = 1 }\n}",
			summary: "Wrong default type", detail: `Variable "mix" is declared as list but its default is an object.`, at: "8:13"},
		{name: "a scalar default of a list type", decl: "variable \"mix\" {\n  type    = object\n  default = 1\n}",
			summary: "Wrong default type", detail: `is declared as object but its default is an int.`, at: "8:13"},
		{name: "an element type", decl: "variable \"mix\" {\n  type = list(string)\n}",
			summary: "Invalid variable type", detail: `A variable's type is one of string, number, bool, list or object. Write list: a list's elements are not given a type.`, at: "7:10"},
		{name: "a map", decl: "variable \"mix\" {\n  type = map(number)\n}",
			summary: "Invalid variable type", detail: `Write object: an object's attributes are not given types.`, at: "7:10"},
		{name: "a typo", decl: "variable \"mix\" {\n  type = lst\n}",
			summary: "Invalid variable type", detail: `Did you mean "list"?`, at: "7:10"},
		// Spelt closest to list, int was told "Did you mean "list"?" (review 33).
		{name: "an int", decl: "variable \"mix\" {\n  type = int\n}",
			summary: "Invalid variable type", detail: `A variable's type is one of string, number, bool, list or object. Write number: it holds ints and floats alike`, at: "7:10"},
		{name: "a float, quoted", decl: "variable \"mix\" {\n  type = \"float\"\n}",
			summary: "Invalid variable type", detail: `Write number: it holds ints and floats alike`, at: "7:10"},
		{name: "an integer", decl: "variable \"mix\" {\n  type = integer\n}",
			summary: "Invalid variable type", detail: `Write number: it holds ints and floats alike`, at: "7:10"},
		// The error pointed at var.p in the file, where the default is
		// valid, without saying the value came from the command line
		// (review 33).
		{name: "a --var value a function refuses", decl: "variable \"p\" { default = 0.5 }\nentity \"v\" {\n  count = 1\n  attributes {\n    b = bernoulli(var.p)\n  }\n}", vars: map[string]string{"p": "1.5"},
			summary: "Invalid argument", detail: `got 1.5. Usage: bernoulli(p). var.p is set by --var p=1.5.`, at: "10:19"},
		{name: "a default that is not constant", decl: `variable "countries" { default = [index] }`,
			summary: "Value not known in advance", detail: `index is not known when the default of variable "countries" is decided`, at: "6:35"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, varsHead+tc.decl+"\nentity \"u\" {\n  count = 1\n}\n")
			sc, diags := dsl.Load(path)
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{Vars: tc.vars})
			}
			errs := errorsIn(diags)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %s", len(errs), errs.Error())
			}
			d := errs[0]
			if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.detail) {
				t.Errorf("got %q: %q\nwant %q: …%s…", d.Summary, d.Detail, tc.summary, tc.detail)
			}
			if d.Subject == nil {
				t.Fatal("no source range")
			}
			if at := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); at != tc.at || d.Subject.Filename != path {
				t.Errorf("at %s:%s, want %s", d.Subject.Filename, at, tc.at)
			}
		})
	}
}

// varUses uses list and object values everywhere a constant list or
// object may be; @NAME@ is either var.NAME or the value written in place.
const varUses = `
distribution "hours" { hourly = @hours@ }
distribution "device" { value = weighted(@mix@) }
entity "user" {
  count = len(@countries@) * 4
  attributes {
    id      = "u${index}"
    country = choice(@countries@)
    device  = weighted(@mix@)
    d2      = distribution.device
    home    = contains(@countries@, user.country)
    first   = @countries@[0]
    last    = @countries@[len(@countries@) - 1]
    w       = @mix@["mobile"] + @mix@.desktop
    spend   = mixture(@weights@, [uniform(1, 2), uniform(10, 20)])
    label   = switch(user.device, @labels@)
  }
}
experiment "x" {
  unit   = user.id
  groups = @groups@
  param "p" {
    control   = 0.2
    treatment = 0.8
  }
}
flow "f" {
  actor   = entity.user
  session { arrivals = arrivals(4, [distribution.hours]) }
  gap     = "1m"
  initial = "a"
  state "a" {
    emit "e" {
      id      = user.id
      country = user.country
      device  = user.device
      d2      = user.d2
      home    = user.home
      first   = user.first
      last    = user.last
      w       = user.w
      spend   = user.spend
      label   = user.label
      group   = experiment.x.group
      all     = @countries@
      mix     = @mix@
      json    = json(@mix@)
    }
    next = @next@
  }
  state "b" {
    emit "e" { id = user.id }
    transition "end" { probability = experiment.x.p }
    transition "a"   { otherwise = true }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestListAndObjectVariablesActAsLiterals: a scenario that uses variables
// writes the same bytes as one with their values written in place, for
// their defaults and for values given with --var.
func TestListAndObjectVariablesActAsLiterals(t *testing.T) {
	defaults := map[string]string{
		"hours":     "[1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1]",
		"mix":       "{ mobile = 0.6, desktop = 0.4 }",
		"countries": `["US", "DE", "FR"]`,
		"weights":   "[0.7, 0.3]",
		"labels":    `{ mobile = "M", default = "other" }`,
		"groups":    "{ control = 0.5, treatment = 0.5 }",
		"next":      "{ b = 0.7, end = 0.3 }",
	}
	given := map[string]string{
		"hours":     "[0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,1,1]",
		"mix":       `{"desktop": 1, "mobile": 3}`,
		"countries": `["JP", "KR"]`,
		"weights":   "[1, 3.5]",
		"labels":    `{"desktop": "D"}`,
		"groups":    `{"treatment": 3, "control": 1}`,
		"next":      `{"end": 1, "b": 1}`,
	}
	build := func(vals map[string]string, asVars bool) string {
		src := varsHead
		body := varUses
		for _, name := range stdlib.SortedKeys(defaults) {
			if asVars {
				src += fmt.Sprintf("variable %q { default = %s }\n", name, defaults[name])
				body = strings.ReplaceAll(body, "@"+name+"@", "var."+name)
			} else {
				body = strings.ReplaceAll(body, "@"+name+"@", vals[name])
			}
		}
		return src + body
	}
	run := func(src string, vars map[string]string) []byte {
		dir := runTo(t, writeScenario(t, src), 11, vars, engine.RunOptions{Workers: 2})
		return readFile(t, filepath.Join(dir, "e.jsonl"))
	}
	for _, tc := range []struct {
		name string
		vals map[string]string
		vars map[string]string
	}{
		{"defaults", defaults, nil},
		{"--var", given, given},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := run(build(tc.vals, false), nil)
			got := run(build(nil, true), tc.vars)
			if len(want) == 0 || !bytes.Equal(got, want) {
				t.Fatalf("with variables:\n%.600s\nwritten in place:\n%.600s", got, want)
			}
			if again := run(build(nil, true), tc.vars); !bytes.Equal(again, got) {
				t.Fatal("a second run differs")
			}
			// scen report checks weighted(var.NAME) as it checks a literal.
			cats := func(src string, vars map[string]string) string {
				ss := compileFile(t, writeScenario(t, src), nil, vars).Introspect().Streams[0]
				var out []string
				for _, c := range ss.ActorCategoricals {
					out = append(out, fmt.Sprint(c.Path, c.Outcomes, c.Probs))
				}
				return strings.Join(out, "; ")
			}
			want2, got2 := cats(build(tc.vals, false), nil), cats(build(nil, true), tc.vars)
			if !strings.Contains(want2, "[device]") || got2 != want2 {
				t.Errorf("actor categoricals with variables %s, written in place %s", got2, want2)
			}
		})
	}
}

// TestListVariableManifestRoundTrip: the manifest holds a list's or an
// object's value as JSON, and its --var text gives the same value back.
func TestListVariableManifestRoundTrip(t *testing.T) {
	src := varsHead + `variable "l" { default = [1, 2.0, "a$${b}", "%%{c}", "q\"\\\t\u0001", null, true] }
variable "o" { default = { "x y" = { z = [1.5e300] }, w = -0.0 } }
variable "s" { default = "${"$"}{x}" }
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" {
      id = u.id
      l  = var.l
      o  = var.o
    }
    next = { end = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	path := writeScenario(t, src)
	seed := uint64(1)
	plan := compileFile(t, path, &seed, nil)
	out := t.TempDir()
	ro := engine.RunOptions{OutDir: out, Workers: 1}
	res, err := plan.Run(context.Background(), ro)
	if err != nil {
		t.Fatal(err)
	}
	m, err := plan.NewManifest(out, engine.ManifestRun{ScenarioPath: path, Options: ro, Result: res, Started: time.Now(), Finished: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(out, "manifest.json")
	if err := m.WriteFile(mpath); err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadManifest(mpath)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := map[string]string{
		"l": `[1,2.0,"a\u0024{b}","\u0025{c}","q\"\\\t\u0001",null,true]`,
		"o": `{"x y":{"z":[1.5e+300]},"w":-0.0}`,
		"s": `"${x}"`,
	}
	args := map[string]string{}
	for _, v := range back.Variables {
		var compact bytes.Buffer
		if err := json.Compact(&compact, v.Value); err != nil {
			t.Fatal(err)
		}
		if got := compact.String(); got != wantJSON[v.Name] {
			t.Errorf("%s: manifest value %s, want %s", v.Name, got, wantJSON[v.Name])
		}
		if args[v.Name], err = v.VarArg(); err != nil {
			t.Fatal(err)
		}
	}
	again := compileFile(t, path, &seed, args)
	for i, v := range again.Vars {
		was := plan.Vars[i].Value
		if !stdlib.Equal(v.Value, was) || kinds(v.Value) != kinds(was) {
			t.Errorf("%s: %s (%s) back as %s (%s) from --var %s", v.Name, was, kinds(was), v.Value, kinds(v.Value), args[v.Name])
		}
	}
}

func TestListVariablePlanAndSummary(t *testing.T) {
	src := varsHead + `variable "countries" {
  default     = ["US", "DE"]
  description = "where users live"
}
variable "mix" { default = { mobile = 1.0, desktop = 3 } }
variable "next" { default = { a = 1, end = 1 } }
entity "u" {
  count = 2
  attributes { c = choice(var.countries) }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" { next = var.next }
}
`
	path := writeScenario(t, src)
	sc, diags := dsl.Load(path)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	a, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var buf bytes.Buffer
	a.Describe(&buf)
	for _, want := range []string{
		`countries            = ["US","DE"]  (default)`,
		`mix                  = {"mobile":1.0,"desktop":3} (default)`,
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, buf.String())
		}
	}
	b, diags := engine.Compile(sc, engine.Options{Vars: map[string]string{"countries": `["US","FR"]`, "next": `{end = 3, a = 1}`}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var changes []string
	for _, c := range engine.DiffSummaries(engine.Summarize(sc, a), engine.Summarize(sc, b)) {
		changes = append(changes, fmt.Sprintf("%c %s: %s -> %s", c.Op, strings.Join(c.Path, " / "), c.Old, c.New))
	}
	if want := []string{
		`~ variable countries: ["US","DE"] -> ["US","FR"]`,
		`~ variable next: {"a":1,"end":1} -> {"end":3,"a":1}`,
		`~ flow f / state a / next end: 1 -> 3`,
		`~ flow f / state a / next order: a, end -> end, a`,
	}; strings.Join(changes, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
}

// TestListVariableInSinkBody: a sink reads var.* with plain HCL, so a
// list variable is a list there too.
func TestListVariableInSinkBody(t *testing.T) {
	src := varsHead + `variable "brokers" { default = ["127.0.0.1:9092", "127.0.0.1:9093"] }
variable "one" { default = "127.0.0.1:9092" }
entity "u" {
  count = 1
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "e" { id = u.id }
    next = { end = 1 }
  }
}
sink "k" {
  type    = "kafka"
  stream  = "e"
  brokers = var.@
  topic   = "t"
}
`
	for _, tc := range []struct{ use, err string }{
		{"brokers", ""},
		{"one", "Invalid brokers"},
	} {
		sc, diags := dsl.Load(writeScenario(t, strings.Replace(src, "@", tc.use, 1)))
		if !diags.HasErrors() {
			_, diags = engine.Compile(sc, engine.Options{})
		}
		if got := diags.Error(); (tc.err == "") != !diags.HasErrors() || !strings.Contains(got, tc.err) {
			t.Errorf("brokers = var.%s: %q, want %q", tc.use, got, tc.err)
		}
	}
}

// TestModuleInputKinds: a module's list and object variables check their
// inputs' kinds as scalar ones do: by the declared type, or else by the
// default's.
func TestModuleInputKinds(t *testing.T) {
	dir := t.TempDir()
	mod := `variable "mix" { default = { a = 1 } }
variable "l" { type = list }
variable "free" { default = null }
`
	if err := os.WriteFile(filepath.Join(dir, "m.hcl"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		inputs string
		errs   []string
	}{
		{"mix = { b = 2 }\n  l = []\n  free = [1]", nil},
		{"mix = [1]\n  l = { a = 1 }\n  free = {}", []string{
			`Wrong input type at 8:9: Variable "mix" of module "m" (./m.hcl) takes an object; got a list.`,
			`Wrong input type at 9:7: Variable "l" of module "m" (./m.hcl) takes a list; got an object.`,
		}},
	} {
		path := filepath.Join(dir, "v.hcl")
		src := varsHead + "module \"m\" {\n  source = \"./m.hcl\"\n  " + tc.inputs + "\n}\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, diags := compileDiags(t, path, engine.Options{})
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%s at %d:%d: %s", d.Summary, d.Subject.Start.Line, d.Subject.Start.Column, d.Detail))
		}
		if strings.Join(got, "\n") != strings.Join(tc.errs, "\n") {
			t.Errorf("inputs %q:\n%s\nwant:\n%s", tc.inputs, strings.Join(got, "\n"), strings.Join(tc.errs, "\n"))
		}
	}
}

// TestObjectVariableLacksKeys: an object given with --var replaces the
// default whole; when it lacks keys the default has (a user changing one
// key of a mix and losing the others), compiling warns at the variable's
// declaration, naming the keys and giving the --var text that keeps them.
// The value is the one given, as before; nothing else warns.
func TestObjectVariableLacksKeys(t *testing.T) {
	const decl = `variable "mix" {
  default = {
    search = 0.5
    list   = 0.3
    end    = 0.2
    tier   = { name = "gold", limit = 10 }
  }
}
`
	for _, tc := range []struct {
		name, decl, given, want string
		value                   string // the value's JSON: the one given
	}{
		{"every key", decl, `{search = 0.9, list = 0.3, end = 0.2, tier = { name = "gold", limit = 10 }}`, "",
			`{"search":0.9,"list":0.3,"end":0.2,"tier":{"name":"gold","limit":10}}`},
		{"one missing", decl, `{search = 0.9, list = 0.3, tier = { name = "gold", limit = 10 }}`,
			`--var mix={search = 0.9, list = 0.3, tier = { name = "gold", limit = 10 }} lacks the key "end" of the variable's default: an object given with --var replaces the default whole, it is not merged into it. To change only the keys given and keep the others, pass them too: --var 'mix={"search":0.9,"list":0.3,"tier":{"name":"gold","limit":10},"end":0.2}'.`,
			`{"search":0.9,"list":0.3,"tier":{"name":"gold","limit":10}}`},
		{"several, nested and a quote", decl, `{"search": 0.9, "tier": {"name": "it's"}}`,
			`--var mix={"search": 0.9, "tier": {"name": "it's"}} lacks the keys "list", "end" and "tier.limit" of the variable's default: an object given with --var replaces the default whole, it is not merged into it. To change only the keys given and keep the others, pass them too: --var 'mix={"search":0.9,"tier":{"name":"it'\''s","limit":10},"list":0.3,"end":0.2}'.`,
			`{"search":0.9,"tier":{"name":"it's"}}`},
		{"extra keys only", decl, `{search = 0.5, list = 0.3, end = 0.2, tier = { name = "gold", limit = 10, x = 1 }, more = 1}`, "",
			`{"search":0.5,"list":0.3,"end":0.2,"tier":{"name":"gold","limit":10,"x":1},"more":1}`},
		{"a nested object replaced by a scalar", decl, `{search = 0.5, list = 0.3, end = 0.2, tier = "none"}`, "",
			`{"search":0.5,"list":0.3,"end":0.2,"tier":"none"}`},
		{"no default", "variable \"mix\" {\n  type = object\n}\n", `{a = 1}`, "", `{"a":1}`},
		{"the default itself", decl, "", "", `{"search":0.5,"list":0.3,"end":0.2,"tier":{"name":"gold","limit":10}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			if tc.given != "" {
				vars["mix"] = tc.given
			}
			path := writeScenario(t, varsHead+tc.decl)
			plan, all := compileDiags(t, path, engine.Options{Vars: vars})
			if all.HasErrors() {
				t.Fatal(all.Error())
			}
			// The scenario reads no variable: that warning is
			// TestUnreadVarWarns's.
			var diags hcl.Diagnostics
			for _, d := range all {
				if d.Summary != "Variable not read" {
					diags = append(diags, d)
				}
			}
			if got := plan.Vars[0].Value.String(); got != tc.value || plan.Vars[0].FromCLI != (tc.given != "") {
				t.Errorf("value %s (from --var %v), want %s", got, plan.Vars[0].FromCLI, tc.value)
			}
			if tc.want == "" {
				if len(diags) != 0 {
					t.Fatalf("diagnostics: %s", diags.Error())
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one warning, got %d: %s", len(diags), diags.Error())
			}
			d := diags[0]
			if d.Severity != hcl.DiagWarning || d.Summary != "Object variable lacks keys of its default" || d.Detail != tc.want {
				t.Errorf("got %v %q:\n%s\nwant\n%s", d.Severity, d.Summary, d.Detail, tc.want)
			}
			if r := d.Subject; r == nil || r.Filename != path || r.Start.Line != 6 || r.Start.Column != 1 || r.End.Line != 6 || r.End.Column != 15 {
				t.Errorf("subject %v, want the declaration %s:6,1-15", r, path)
			}
		})
	}
}
