package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
)

// TestReportMixedTypes: a field whose type differs between the emits of a
// stream (an int in one state, a string in the other, …) is stored by the
// Parquet sink as JSON text. The report must read the same values from
// Parquet as from JSON lines and CSV: before it decoded that text, the
// quoted "x" matched no emit, so every record of state b was unattributed
// and the checks of a: k and a → next failed on a correct Parquet output.
// Each case runs testdata/mixed.hcl, edited or not, into all three
// formats and reports every file against the unedited scenario; the three
// summaries must be the golden testdata/mixed_CASE.txt.
func TestReportMixedTypes(t *testing.T) {
	const hcl = "testdata/mixed.hcl"
	src, err := os.ReadFile(hcl)
	if err != nil {
		t.Fatal(err)
	}
	plan := loadPlan(t, hcl)
	for _, tc := range []struct {
		name     string
		old, new string // the edit to the scenario that writes the output
		failed   []string
	}{
		{name: "as_declared"},
		{name: "other_int", old: `v    = 7`, new: `v    = 8`,
			failed: []string{"event_name and other constant fields"}},
		{name: "other_string", old: `v    = "x"`, new: `v    = "y"`,
			failed: []string{"event_name and other constant fields", "visit: a → next"}},
		{name: "other_bool", old: `flag = true`, new: `flag = false`,
			failed: []string{"event_name and other constant fields"}},
		{name: "other_weights", old: `blue = 3`, new: `blue = 1`,
			failed: []string{"a: k"}},
		{name: "undeclared_outcome", old: `z    = weighted({ p = 1, q = 2 })`, new: `z    = weighted({ p = 1, r = 2 })`,
			failed: []string{"b: z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := hcl
			if tc.old != "" {
				if !strings.Contains(string(src), tc.old) {
					t.Fatalf("%s lacks %q", hcl, tc.old)
				}
				path = filepath.Join(t.TempDir(), "mixed.hcl")
				if err := os.WriteFile(path, []byte(strings.Replace(string(src), tc.old, tc.new, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			if _, err := loadPlan(t, path).Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "mixed_"+tc.name+".txt")
			for _, format := range []string{"jsonl", "csv", "parquet"} {
				r := buildReport(t, plan, plan.Introspect(), filepath.Join(dir, "mixed", "events."+format))
				var b strings.Builder
				r.WriteText(&b)
				var failed []string
				for _, c := range r.Checks {
					if !c.Pass {
						failed = append(failed, c.Name)
					}
				}
				if strings.Join(failed, "; ") != strings.Join(tc.failed, "; ") {
					t.Errorf("%s: failed checks %q, want %q\n%s", format, failed, tc.failed, b.String())
				}
				if *update && format == "jsonl" {
					if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if b.String() != string(want) {
					t.Errorf("%s: the report differs from %s (go test ./report -update if intended):\n%s", format, golden, b.String())
				}
			}
		})
	}
}

func loadPlan(t *testing.T, path string) *engine.Plan {
	t.Helper()
	sc, diags := dsl.Load(path)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return plan
}

// TestJSONCell: a JSON-text cell of a Parquet file becomes the value the
// JSON lines reader gives the same JSON; what is not a JSON scalar stays
// as it is.
func TestJSONCell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want stdlib.Value
	}{
		{`"x"`, stdlib.StrV("x")},
		{`"tab\there \"q\" \u00fc"`, stdlib.StrV("tab\there \"q\" ü")},
		{`""`, stdlib.StrV("")},
		{`7`, stdlib.IntV(7)},
		{`-12`, stdlib.IntV(-12)},
		{`1.5`, stdlib.FloatV(1.5)},
		{`1e3`, stdlib.FloatV(1000)},
		{`9223372036854775808`, stdlib.FloatV(9223372036854775808)}, // beyond int64, as the JSONL reader
		{`true`, stdlib.BoolV(true)},
		{`false`, stdlib.BoolV(false)},
		{`null`, stdlib.NullV()},
		{`"2025-03-03T00:04:18.510+00:00"`, stdlib.StrV("2025-03-03T00:04:18.510+00:00")},
		{`{"a":1}`, stdlib.StrV(`{"a":1}`)}, // stepped into by paths, like a json(…) field
		{`[1,2]`, stdlib.StrV(`[1,2]`)},
		{`hello`, stdlib.StrV("hello")}, // not JSON: left alone
		{`"unterminated`, stdlib.StrV(`"unterminated`)},
		{`07`, stdlib.StrV("07")},
		{`nullish`, stdlib.StrV("nullish")},
		{``, stdlib.StrV("")},
	} {
		got := jsonCell(tc.in)
		if got.K != tc.want.K || got.String() != tc.want.String() {
			t.Errorf("jsonCell(%q) = %s %v, want %s %v", tc.in, got.K, got, tc.want.K, tc.want)
		}
	}
}

// TestDecodeJSONText: only the named columns of Parquet tables are
// decoded, each once (decoding "\"x\"" gives "x"; a second decoding
// would change what a string that is itself JSON text holds).
func TestDecodeJSONText(t *testing.T) {
	table := func() *data.Table {
		return &data.Table{Columns: []string{"v", "s"}, Rows: [][]stdlib.Value{
			{stdlib.StrV(`"x"`), stdlib.StrV(`"q"`)},
			{stdlib.StrV(`7`), stdlib.StrV(`7`)},
			{stdlib.StrV(`"\"7\""`), stdlib.StrV(`null`)},
		}}
	}
	in := &Input{tables: []*data.Table{table(), table()}, parquet: []bool{true, false}, n: 6}
	for range 2 {
		in.decodeJSONText([]string{"v"})
	}
	for _, tc := range []struct {
		path []string
		want []string
	}{
		{[]string{"v"}, []string{"x", "7", `"7"`, `"x"`, "7", `"\"7\""`}},
		{[]string{"s"}, []string{`"q"`, "7", "null", `"q"`, "7", "null"}},
	} {
		if got := in.Strings(tc.path); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%v: %q, want %q", tc.path, got, tc.want)
		}
	}
	if k := in.tables[0].Rows[1][0].K; k != stdlib.Int {
		t.Errorf("Parquet v of row 2 is a %s, want an int", k)
	}
}
