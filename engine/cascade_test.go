package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// cascadeBase is a valid scenario; each case below replaces one piece.
const cascadeBase = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
variable "users" { default = 10 }
variable "rate" { default = 2 }
entity "user" {
  count = var.users
  attributes { id = "u${index}" }
}
experiment "x" {
  unit   = user.id
  groups = { control = 0.5, treatment = 0.5 }
  param "p" {
    control   = 0.1
    treatment = 0.2
  }
}
flow "f" {
  actor = entity.user
  session { arrivals = arrivals(var.rate) }
  initial = "a"
  state "a" {
    emit "e" { id = user.id }
    transition "b"   { probability = experiment.x.p }
    transition "end" { otherwise = true }
  }
  state "b" {
    emit "e" { id = user.id }
    next = { end = 1 }
  }
}
`

// TestOneErrorPerMistake: a mistake is reported once, where it is, and
// not again by the checks of what it feeds (a probability of NaN, groups
// the params then name as unknown).
func TestOneErrorPerMistake(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		files          map[string]string // more files, next to the scenario
		want           []string          // every error's summary, in order
		detail         string            // in the first error's detail
		notDetail      string            // not in it
	}{
		{name: "unknown param in a probability",
			old: "probability = experiment.x.p", new: "probability = experiment.x.q",
			want: []string{"Unknown experiment field"}, detail: `params [p]`},
		{name: "unknown variable in a probability",
			old: "probability = experiment.x.p", new: "probability = var.pp",
			want: []string{"Unknown variable"}, detail: `Declared: rate, users.`},
		{name: "probability out of range is still an error",
			old: "probability = experiment.x.p", new: "probability = 1.5",
			want: []string{"Invalid probability"}, detail: "got 1.5"},
		{name: "unknown variable in groups",
			old: "control = 0.5, treatment", new: "control = var.c, treatment",
			want: []string{"Unknown variable"}},
		{name: "negative group weight",
			old: "control = 0.5, treatment", new: "control = -1, treatment",
			want: []string{"Invalid weight"}},
		{name: "a param names a group there is not",
			old: "    treatment = 0.2\n", new: "    treatment = 0.2\n    tretment = 0.3\n",
			want: []string{"Unknown group"}, detail: `Did you mean "treatment"?`},
		{name: "a dataset file name with a typo",
			old: `variable "users"`, new: "dataset \"d\" { path = \"data/product.csv\" }\nvariable \"users\"",
			files: map[string]string{"data/products.csv": "a\n1\n", "data/other.csv": "a\n1\n"},
			want:  []string{"Cannot load dataset"}, detail: `data/product.csv does not exist (a relative path is relative to the directory of the file that declares the dataset). Did you mean "data/products.csv"?`},
		{name: "a param named group",
			old: `param "p" {`, new: `param "group" {`,
			want: []string{"Reserved param name", "Unknown experiment field"}, detail: `experiment.x.group is the experiment's own group, so a param of that name could never be read`},
		{name: "session alone",
			old: "emit \"e\" { id = user.id }\n    transition", new: "emit \"e\" { id = session }\n    transition",
			want: []string{"Invalid reference"}, detail: `session is not a value; use session.id, session.index or session.start, event.time or event.seq.`},
		{name: "a transition weight of the actor",
			old: "probability = experiment.x.p", new: `weight = user.id == "u1" ? 2 : 1`,
			want: []string{"Unknown name"}, detail: `for a chance that depends on the actor or the record, use probability = …, e.g. transition "b" { probability = user.x == "vip" ? 0.9 : 0.1 }`},
		{name: "an entity counted from a dataset that did not load",
			old: `variable "users"`, new: "dataset \"c\" { path = \"data/city.csv\" }\nentity \"city\" {\n  count = len(dataset.c)\n  attributes { pop = dataset.c[index].pop }\n}\n" +
				"entity \"shop\" {\n  parent = entity.city\n  count  = 2\n  attributes { n = index }\n}\nentity \"z\" {\n  count = 1\n  attributes {\n    home = sample_weighted(entity.city, \"pop\")\n    shop = lookup(entity.shop, \"n\", 1)\n  }\n}\nvariable \"users\"",
			files: map[string]string{"data/cities.csv": "pop\n1\n"},
			want:  []string{"Cannot load dataset"}, detail: `Did you mean "data/cities.csv"?`},
		{name: "a dataset file nothing is close to",
			old: `variable "users"`, new: "dataset \"d\" { path = \"data/sales.csv\" }\nvariable \"users\"",
			files: map[string]string{"data/products.csv": "a\n1\n"},
			want:  []string{"Cannot load dataset"}, detail: `data/sales.csv does not exist (a relative path is relative to the directory of the file that declares the dataset).`, notDetail: "Did you mean"},
		{name: "a ragged CSV file",
			old: `variable "users"`, new: "dataset \"d\" { path = \"data/products.csv\" }\nvariable \"users\"",
			files: map[string]string{"data/products.csv": "id,name,price\n1,a,2.5\n2,b\n3,c,4\n"},
			want:  []string{"Cannot load dataset"}, detail: `products.csv: line 3: 2 fields, but the header has 3 (id, name, price)`},
		{name: "a CSV row with an unquoted comma",
			old: `variable "users"`, new: "dataset \"d\" { path = \"data/products.csv\" }\nvariable \"users\"",
			files: map[string]string{"data/products.csv": "id,name,price\n1,a,2.5\n2,b, c,3\n"},
			want:  []string{"Cannot load dataset"}, detail: `products.csv: line 3: 4 fields, but the header has 3 (id, name, price); every row needs one field per column: a value that contains a comma must be in double quotes`},
		{name: "a mistake in a common field, merged into two emits",
			old: `  initial = "a"`, new: "  initial = \"a\"\n  common \"e\" { who = usr.id }",
			want: []string{"Unknown name"}, detail: `"usr" is not defined here`},
		{name: "a variable's default that is not a constant",
			old: `variable "rate" { default = 2 }`, new: `variable "rate" { default = [uniform(1, 2)] }`,
			want: []string{"Value not known in advance"}, detail: `the default of variable "rate" must be a constant`},
		{name: "a list default where an object is declared",
			old: `variable "rate" { default = 2 }`, new: `variable "rate" {
  type    = object
  default = [1, 2]
}`,
			want: []string{"Wrong default type"}, detail: `Variable "rate" is declared as object but its default is a list.`},
		{name: "a bare attribute name",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = id }`,
			want: []string{"Unknown name"}, detail: `"id" is not defined here; a flow state can use`},
		{name: "a bare attribute name is shown qualified",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = id }`,
			want: []string{"Unknown name"}, detail: `Did you mean user.id?`},
		{name: "a bare variable name",
			old: "session { arrivals = arrivals(var.rate) }", new: "session { arrivals = arrivals(rate) }",
			want: []string{"Unknown name"}, detail: `Did you mean var.rate?`},
		{name: "a bare name close to an attribute's",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = upper(idd) }`,
			want: []string{"Unknown name"}, detail: `Did you mean user.id?`},
		{name: "an unknown root keeps its suggestion among roots",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = usr.id }`,
			want: []string{"Unknown name"}, detail: `Did you mean user.id?`}, // the root, with the attribute it has
		{name: "a bad column in sample_rows, then indexed",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = sample_rows([{ name = "a" }], 1, "nme", "a")[0].name }`,
			want: []string{"Invalid argument"}, detail: `no column "nme"`},
		{name: "an unknown name in a list, then indexed",
			old: `emit "e" { id = user.id }`, new: `emit "e" { id = [usr.id][0].x }`,
			want: []string{"Unknown name"}},
		{name: "a duration in words",
			old: `  initial = "a"`, new: "  gap     = \"15 minutes\"\n  initial = \"a\"",
			want: []string{"Invalid duration"}, detail: `gap must be a duration: invalid duration "15 minutes"; write "15m"`},
		{name: "a duration with a space, in a function",
			old: `  initial = "a"`, new: "  gap     = uniform(\"1m\", \"10 min\")\n  initial = \"a\"",
			want: []string{"Invalid argument"}, detail: `uniform: invalid duration "10 min"; write "10m"`},
		{name: "a string that is no duration",
			old: `  initial = "a"`, new: "  gap     = \"soon\"\n  initial = \"a\"",
			want: []string{"Invalid duration"}, detail: `gap must be a duration: invalid duration "soon": a duration is numbers each followed by a unit`},
		{name: "a number in quotes",
			old: `variable "users" { default = 10 }`, new: `variable "users" { default = "10" }`,
			want: []string{"Wrong type"}, detail: `"10" is a string: write the number without quotes (10).`},
		{name: "a number in quotes where an int goes",
			old: "session { arrivals = arrivals(var.rate) }", new: "session {\n    arrivals = arrivals(var.rate)\n    max_events = \"20\"\n  }",
			want: []string{"Wrong type"}, detail: `max_events must be an int, got string. "20" is a string: write the number without quotes (20).`},
		{name: "event.timestamp",
			old: `emit "e" { id = user.id }`, new: `emit "e" { at = event.timestamp }`,
			want: []string{"Unknown event field"}, detail: `event has time, seq. Did you mean event.time?`},
		{name: "an actor without entity.",
			old: "actor = entity.user", new: "actor = user",
			want: []string{"Invalid actor"}, detail: `actor names an entity: actor = entity.NAME (one of [user]). Did you mean entity.user?`},
		{name: "a duration string added to a time",
			old: `emit "e" { id = user.id }`, new: `emit "e" { at = event.time + "1h" }`,
			want: []string{"Invalid operands"}, detail: `time and string cannot be combined with +. "1h" is a string: write duration("1h") for a duration.`},
		{name: "a dataset column used as one value",
			old: `variable "users"`, new: "dataset \"d\" { path = \"data/products.csv\" }\nentity \"z\" {\n  count = 1\n  attributes { p = dataset.d.price * 2 }\n}\nvariable \"users\"",
			files: map[string]string{"data/products.csv": "id,price\n1,2.5\n"},
			want:  []string{"Invalid operands"}, detail: `dataset.d.price is a list (the column's value in every row); for one row's value, pick a row first: choice(dataset.d).price.`},
		{name: "an hourly profile of 3 hours",
			old: `variable "users"`, new: "distribution \"h\" { hourly = [1, 2, 3] }\nvariable \"users\"",
			want: []string{"Invalid profile"}, detail: `An hourly profile has 24 weights, got 3.`},
		{name: "a memory value nothing remembers",
			old: `emit "e" { id = user.id }`, new: `emit "e" { v = memory.visits }`,
			want: []string{"Unknown memory value"}, detail: `No state remembers memory.visits. A state's remember = { visits = … } sets it`},
		{name: "a context value nothing sets",
			old: `emit "e" { id = user.id }`, new: `emit "e" { v = ctx.cart }`,
			want: []string{"Unknown context value"}, detail: `No state sets ctx.cart. A state's set = { cart = … } sets it`},
		{name: "a time zone abbreviation",
			old: `  end   = "2025-01-03"`, new: "  end   = \"2025-01-03\"\n  timezone = \"KST\"",
			want: []string{"Unknown time zone"}, detail: `Did you mean "Asia/Seoul"?`},
		{name: "a time zone in lower case",
			old: `  end   = "2025-01-03"`, new: "  end   = \"2025-01-03\"\n  timezone = \"america/new_york\"",
			want: []string{"Unknown time zone"}, detail: `Did you mean "America/New_York"?`},
		{name: "a misspelt time zone",
			old: `  end   = "2025-01-03"`, new: "  end   = \"2025-01-03\"\n  timezone = \"Europe/Berln\"",
			want: []string{"Unknown time zone"}, detail: `Did you mean "Europe/Berlin"?`},
		{name: "a misspelt time zone in lower case",
			old: `  end   = "2025-01-03"`, new: "  end   = \"2025-01-03\"\n  timezone = \"america/new_yrok\"",
			want: []string{"Unknown time zone"}, detail: `Did you mean "America/New_York"?`},
		{name: "a time zone like none",
			old: `  end   = "2025-01-03"`, new: "  end   = \"2025-01-03\"\n  timezone = \"Mars/Olympus\"",
			want: []string{"Unknown time zone"}, detail: `is not an IANA time zone name`, notDetail: "Did you mean"},
		{name: "unknown variable: close name",
			old: "count = var.users", new: "count = var.user",
			want: []string{"Unknown variable"}, detail: `Did you mean "users"?`},
		{name: "unknown variable: no close name lists the declared ones",
			old: "count = var.users", new: "count = var.population",
			want: []string{"Unknown variable"}, detail: `There is no variable "population". Declared: rate, users.`},
		{name: "unknown variable: a module's are not the scenario's",
			old: "count = var.users", new: "count = var.population",
			files: map[string]string{"m.hcl": "variable \"size\" { default = 3 }\n"},
			want:  []string{"Unknown variable"}, detail: `Declared: rate, users.`, notDetail: "size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(cascadeBase, tc.old) {
				t.Fatalf("base has no %q", tc.old)
			}
			src := strings.Replace(cascadeBase, tc.old, tc.new, 1)
			dir := t.TempDir()
			if _, ok := tc.files["m.hcl"]; ok {
				src += "module \"m\" { source = \"./m.hcl\" }\n"
			}
			for name, body := range tc.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "t.hcl")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, diags := dsl.Load(path)
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			var got []string
			var first *hcl.Diagnostic
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					got = append(got, d.Summary)
					if first == nil {
						first = d
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("errors %q, want %q\n%s", got, tc.want, diags.Error())
			}
			if !strings.Contains(first.Detail, tc.detail) {
				t.Errorf("detail %q lacks %q", first.Detail, tc.detail)
			}
			if tc.notDetail != "" && strings.Contains(first.Detail, tc.notDetail) {
				t.Errorf("detail %q names %q", first.Detail, tc.notDetail)
			}
		})
	}
}

// TestQuietHoursSaysWhatIsWrong: an invalid quiet_hours says which value
// is wrong, not only what the form is.
func TestQuietHoursSaysWhatIsWrong(t *testing.T) {
	for _, tc := range []struct{ quiet, want string }{
		{`["23:00"]`, "Got 1 value."},
		{`["11pm", "6am"]`, `Got "11pm": a time of day is "HH:MM", 24-hour`},
		{`["22:00", "7:60"]`, `Got "7:60"`},
		{`[22, 30]`, "Got 30: an hour is 0 to 24."},
		{`[22, true]`, "Got a bool."},
	} {
		t.Run(tc.quiet, func(t *testing.T) {
			src := cascadeBase + "constraint \"night\" {\n  flows = [flow.f]\n  quiet_hours = " + tc.quiet + "\n}\n"
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			errs := errorsIn(diags)
			if len(errs) != 1 || errs[0].Summary != "Invalid quiet_hours" || !strings.Contains(errs[0].Detail, tc.want) {
				t.Fatalf("want one Invalid quiet_hours saying %q, got %s", tc.want, errs.Error())
			}
			if errs[0].Subject == nil || errs[0].Subject.Start.Line != strings.Count(src, "\n")-1 {
				t.Errorf("not at the quiet_hours line: %v", errs[0].Subject)
			}
		})
	}
}

// TestQuietHoursCoverProfile: quiet hours that cover every hour in which
// a flow's arrival profile is positive leave the flow nothing to write; a
// warning at quiet_hours says so (the scenario validated and ran empty).
func TestQuietHoursCoverProfile(t *testing.T) {
	for _, tc := range []struct {
		quiet string
		warn  bool
	}{
		{`["06:00", "22:00"]`, true},  // the profile is 0 outside 06-22
		{`["05:30", "23:00"]`, true},  // and more
		{`["06:30", "22:00"]`, false}, // 06:00-06:30 is left
		{`["23:00", "06:00"]`, false}, // the night only
		{`["07:00", "21:00"]`, false},
	} {
		t.Run(tc.quiet, func(t *testing.T) {
			src := strings.Replace(cascadeBase, "session { arrivals = arrivals(var.rate) }", "session { arrivals = arrivals(var.rate, [distribution.day]) }", 1) + `
distribution "day" {
  hourly = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
}
constraint "night" {
  flows       = [flow.f]
  quiet_hours = ` + tc.quiet + `
}
sink "e" {
  type   = "stdout"
  stream = "e"
}
`
			sc, diags := dsl.ParseSource("t.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			_, diags = engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var warned []string
			for _, d := range diags {
				if d.Summary == "No session can start" {
					warned = append(warned, d.Detail)
					if d.Severity != hcl.DiagWarning || d.Subject == nil || d.Subject.Start.Line != strings.Count(src, "\n")-5 {
						t.Errorf("not a warning at quiet_hours: %v %v", d.Severity, d.Subject)
					}
				}
			}
			if tc.warn != (len(warned) == 1) || len(warned) > 1 {
				t.Fatalf("warnings %q, want one: %v", warned, tc.warn)
			}
			if tc.warn && !strings.Contains(warned[0], "cover every hour in which the arrival profile of flow f lets a session start") {
				t.Errorf("detail %q", warned[0])
			}
		})
	}
}
