package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestInertDeclarationsWarn: an experiment whose during misses the
// scenario's window and an entity of no actors validate, with a warning
// that says they change nothing (review 29 #5, #13f).
func TestInertDeclarationsWarn(t *testing.T) {
	const groups = "groups = { control"
	during := func(w string) []string { return []string{groups, "during = " + w + "\n  " + groups} }
	for _, tc := range []struct {
		name  string
		edits []string
		want  []reviewDiag
	}{
		{"an experiment after the window", during(`["2026-01-01", "2026-02-01"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12",
			`Experiment "x" runs during [2026-01-01, 2026-02-01), which does not overlap the scenario's window [2025-01-01, 2025-01-03): no record falls in it, so experiment.x.group is null`}}},
		{"an experiment before the window", during(`["2024-12-01", "2024-12-31T12:00"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12",
			"runs during [2024-12-01, 2024-12-31T12:00:00)"}}},
		{"an experiment that ends as the window starts", during(`["2024-12-01", "2025-01-01"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12", ""}}},
		{"an experiment that starts as the window ends", during(`["2025-01-03", "2025-01-04"]`), []reviewDiag{{"warning", "Experiment outside the window", "14:12", ""}}},
		{"an experiment on the window's last hour", during(`["2025-01-02T23:00", "2025-01-04"]`), nil},
		{"an experiment that spans the window", during(`["2024-01-01", "2026-01-01"]`), nil},
		{"an experiment in the scenario's zone", append(during(`["2025-01-03", "2025-01-04"]`), `end   = "2025-01-03"`, "end   = \"2025-01-03\"\n  timezone = \"Asia/Seoul\""),
			[]reviewDiag{{"warning", "Experiment outside the window", "15:12", "[2025-01-03, 2025-01-04), which does not overlap the scenario's window [2025-01-01, 2025-01-03)"}}},
		{"an entity of no actors", []string{"count = var.users", "count = 0"}, []reviewDiag{{"warning", "No actors", "9:11",
			`count is 0: entity "user" has no actors, so a flow it acts in writes nothing and entity.user is an empty table.`}}},
		{"an entity of no actors from a variable", []string{`variable "users" { default = 10 }`, `variable "users" { default = 0 }`}, []reviewDiag{{"warning", "No actors", "9:11", "count is 0: entity"}}},
		{"an entity of one actor", []string{"count = var.users", "count = 1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, engine.Options{}, tc.want...)
		})
	}
}

// TestVariableOrderAndCycles: a default may use a variable declared below
// it (blocks can appear in any order); a default that comes back to its
// own variable is one "Reference cycle" error, its uses quiet (review 29
// #6).
func TestVariableOrderAndCycles(t *testing.T) {
	const users = `variable "users" { default = 10 }`
	for _, tc := range []struct {
		name  string
		edits []string
		opts  engine.Options
		want  []reviewDiag
	}{
		{"a default that uses a variable below", []string{users, "variable \"users\" { default = var.base * 2 }\nvariable \"base\" { default = 5 }"}, engine.Options{}, nil},
		{"a chain upwards and downwards", []string{users, "variable \"users\" { default = var.base * 2 }\nvariable \"top\" { default = 1 }\nvariable \"base\" { default = var.top + 4 }"}, engine.Options{}, nil},
		{"two variables that use each other", []string{users, "variable \"users\" { default = var.base }\nvariable \"base\" { default = var.users }"}, engine.Options{},
			[]reviewDiag{{"error", "Reference cycle", "6:30", `The value of variable "users" depends on itself through other variables: var.users → var.base → var.users.`}}},
		{"a cycle of three, declared in another order", []string{users, "variable \"c\" { default = var.users + 1 }\nvariable \"users\" { default = var.b }\nvariable \"b\" { default = var.c }"}, engine.Options{},
			[]reviewDiag{{"error", "Reference cycle", "6:26", `var.c → var.users → var.b → var.c.`}}},
		{"a default that uses its own variable", []string{users, `variable "users" { default = var.users + 1 }`}, engine.Options{},
			[]reviewDiag{{"error", "Reference cycle", "6:30", `The value of variable "users" uses the variable itself.`}}},
		{"a cycle beside a variable that uses it", []string{users, "variable \"users\" { default = var.base }\nvariable \"base\" { default = var.base }"}, engine.Options{},
			[]reviewDiag{{"error", "Reference cycle", "7:29", `variable "base" uses the variable itself`}}},
		{"a variable nobody declared", []string{users, `variable "users" { default = var.bse }`}, engine.Options{},
			[]reviewDiag{{"error", "Unknown variable", "6:33", `There is no variable "bse". Declared: rate, users.`}}},
		{"a default that uses scenario.start", []string{users, `variable "users" { default = len(format_time(scenario.start, "2006")) }`}, engine.Options{},
			[]reviewDiag{{"error", "Value not known in advance", "6:46", "scenario.start is not known when the variables' defaults are computed"}}},
		{"a default that uses scenario.seed", []string{users, `variable "users" { default = scenario.seed }`}, engine.Options{},
			[]reviewDiag{{"error", "Value not known in advance", "6:30", "scenario.seed is not known"}}},
		{"a default that uses scenario.name", []string{users, `variable "users" { default = len(scenario.name) }`}, engine.Options{}, nil},
		{"a default that uses a variable given with --var", []string{users, "variable \"users\" { default = var.base * 2 }\nvariable \"base\" { default = 5 }"},
			engine.Options{Vars: map[string]string{"base": "7"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, tc.opts, tc.want...)
		})
	}
}

// TestVariableValuesInAnyOrder: the values of variables that use ones
// declared below them, listed in declaration order (the plan and the
// manifest keep it), in a scenario and in a module.
func TestVariableValuesInAnyOrder(t *testing.T) {
	for _, tc := range []struct {
		name, vars, module string
		cli                map[string]string
		want               string // NAME=VALUE of the plan's variables, in order
		err                string // else the one error's detail
	}{
		{name: "below", vars: "variable \"a\" { default = var.b * 2 }\nvariable \"b\" { default = 5 }", want: "a=10 b=5"},
		{name: "below, given on the command line", vars: "variable \"a\" { default = var.b * 2 }\nvariable \"b\" { default = 5 }",
			cli: map[string]string{"b": "7"}, want: "a=14 b=7"},
		{name: "a chain", vars: "variable \"a\" { default = var.b + 1 }\nvariable \"c\" { default = 1 }\nvariable \"b\" { default = var.c * 10 }", want: "a=11 c=1 b=10"},
		{name: "scenario.name", vars: "variable \"a\" { default = \"${scenario.name}-x\" }", want: `a=t-x`},
		{name: "in a module", vars: "variable \"a\" { default = 3 }",
			module: "variable \"n\" { default = var.k + 1 }\nvariable \"k\" { default = 2 }\nentity \"m\" {\n  count = var.n\n  attributes { id = index }\n}\n",
			want:   "a=3"},
		{name: "a cycle in a module", vars: "variable \"a\" { default = 3 }",
			module: "variable \"n\" { default = var.k }\nvariable \"k\" { default = var.n }\nentity \"m\" {\n  count = var.n\n  attributes { id = index }\n}\n",
			err:    `m.hcl:1,26-31: Reference cycle; The value of variable "n" of module "m" depends on itself through other variables: var.n → var.k → var.n.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "scenario \"t\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n" + tc.vars + "\n"
			if tc.module != "" {
				if err := os.WriteFile(filepath.Join(dir, "m.hcl"), []byte(tc.module), 0o644); err != nil {
					t.Fatal(err)
				}
				src += "module \"m\" { source = \"./m.hcl\" }\n"
			}
			path := filepath.Join(dir, "t.hcl")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, diags := dsl.Load(path)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{Vars: tc.cli})
			if tc.err != "" {
				if len(diags) != 1 || !strings.Contains(diags[0].Error(), tc.err) {
					t.Fatalf("want one error %q, got %v", tc.err, diags)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var got []string
			for _, v := range plan.Vars {
				got = append(got, v.Name+"="+v.Value.String())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("variables %q, want %q", strings.Join(got, " "), tc.want)
			}
			if tc.module != "" {
				var counts []int64
				for _, e := range plan.Entities {
					counts = append(counts, e.Count)
				}
				if len(counts) != 1 || counts[0] != 3 {
					t.Errorf("entity counts %v, want [3] (var.k + 1)", counts)
				}
			}
		})
	}
}

// TestAttributeCycleDoesNotCascade: a reference cycle among attributes is
// one error; its attributes' uses are quiet, and the other attributes are
// compiled and checked as usual (review 29 #7).
func TestAttributeCycleDoesNotCascade(t *testing.T) {
	attrs := func(body string) []string {
		return []string{`attributes { id = "u${index}" }`, "attributes {\n    id = \"u${index}\"\n" + body + "  }"}
	}
	emit := func(e string) []string { return []string{`emit "e" { id = user.id }`, `emit "e" { ` + e + ` }`} }
	for _, tc := range []struct {
		name  string
		edits []string
		want  []reviewDiag
	}{
		{"an attribute that uses itself", attrs("    tz = \"UTC\"\n    off = normal(0.0, user.p + user.off)\n    p = 0.5\n"),
			[]reviewDiag{{"error", "Reference cycle", "13:5", `Attribute "off" of "user" depends on itself.`}}},
		{"three attributes in a cycle", attrs("    a = user.b + 1\n    b = user.c * 2\n    c = user.a\n"),
			[]reviewDiag{{"error", "Reference cycle", "12:5", `Attribute "a" of "user" depends on itself through other attributes: user.a → user.b → user.c → user.a.`}}},
		{"a cycle, its attributes and the others used in a flow",
			append(append(attrs("    tz = \"UTC\"\n    site = { t = 1.5 }\n    off = normal(0.0, user.off)\n    p = 0.5\n    late = user.off + 1\n"),
				emit(`t = round(user.site.t + user.off + user.late * hour(event.time, user.tz), 2)`)...), "probability = experiment.x.p", "probability = user.p"),
			[]reviewDiag{{"error", "Reference cycle", "14:5", `Attribute "off" of "user" depends on itself.`}}},
		{"an error beside the cycle is still reported", append(attrs("    a = user.b\n    b = user.a\n    c = upper(1)\n"), emit("\n      x = user.a\n      y = user.nosuch\n    ")...),
			[]reviewDiag{
				{"error", "Reference cycle", "12:5", `user.a → user.b → user.a.`},
				{"error", "Invalid argument", "14:15", "upper"},
				{"error", "Unknown attribute", "", `Entity "user" has no attribute "nosuch"`},
			}},
		{"the unit of an experiment on the cycle", append(attrs("    a = user.a\n"), "unit   = user.id", "unit   = user.a"),
			[]reviewDiag{{"error", "Reference cycle", "12:5", `depends on itself`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, engine.Options{}, tc.want...)
		})
	}
}

// TestMixedKindsWarn: a field whose emits write scalars of different kinds
// becomes a text column of JSON text in a typed sink (Parquet,
// PostgreSQL); validate warns, naming the emits (review 29 #11).
func TestMixedKindsWarn(t *testing.T) {
	const emit = `emit "e" { id = user.id }`
	fields := func(a, b string) []string {
		return []string{emit, `emit "e" { v = ` + a + ` }`, emit, `emit "e" { v = ` + b + ` }`}
	}
	parquet := []string{`type   = "stdout"`, "type   = \"parquet\"\n  path   = \"e.parquet\""}
	postgres := []string{`type   = "stdout"`, "type   = \"postgres\"\n  table  = \"e\""}
	cat := func(l ...[]string) []string {
		var out []string
		for _, x := range l {
			out = append(out, x...)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		edits []string
		want  []reviewDiag
	}{
		{"a float and a string, in Parquet", cat(fields("round(uniform(1, 2), 2)", `"n/a"`), parquet), []reviewDiag{{"warning", "Field of mixed kinds", "30:20",
			`Field "v" of stream "e" is a float in f.a (at t.hcl:25:20) and a string in f.b (at t.hcl:30:20), so sink "out" (Parquet) writes it as a text column holding each value's JSON text`}}},
		{"a time and a bool, in PostgreSQL", cat(fields("event.time", "true"), postgres), []reviewDiag{{"warning", "Field of mixed kinds", "30:20",
			`is a time in f.a (at t.hcl:25:20) and a bool in f.b (at t.hcl:30:20), so sink "out" (PostgreSQL) writes`}}},
		{"a float and a string, in JSON lines", fields("1.5", `"n/a"`), nil},
		{"an int and a float", cat(fields("1", "2.5"), parquet), nil},
		{"a string and null", cat(fields(`"x"`, "null"), parquet), nil},
		{"a value known at run time", cat(fields(`event.seq > 1 ? 1 : "x"`, "2"), parquet), nil},
		{"an object and a string", cat(fields(`{ a = 1 }`, `"x"`), parquet), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, engine.Options{}, tc.want...)
		})
	}
}
