package engine_test

import (
	"os"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// summarizeSource compiles src as if it were a file in scenarios/ (so its
// dataset paths resolve) and summarises it.
func summarizeSource(t *testing.T, src string) *engine.Summary {
	t.Helper()
	name := "../scenarios/recipe_edited.hcl"
	sc, diags := dsl.Parse([]string{name}, map[string][]byte{name: []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return engine.Summarize(sc, plan)
}

func TestDiffRecipe(t *testing.T) {
	orig := string(readFile(t, "../scenarios/recipe.hcl"))
	base := summarizeSource(t, orig)
	for _, tc := range []struct {
		name  string
		edits []string // old, new, old, new, …
		want  []string
	}{
		{"unchanged", nil, nil},
		{"two transition probabilities",
			[]string{
				"next = { search_recipe = 0.45, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.15 }",
				"next = { search_recipe = 0.50, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.10 }",
			},
			[]string{
				"~ flow browse, state view_page: next search_recipe 0.45 → 0.5",
				"~ flow browse, state view_page: next end 0.15 → 0.1",
			}},
		{"layout, comments and number spelling change nothing",
			[]string{
				"next = { search_recipe = 0.45, view_recipe_list = 0.35, ad_impression = 0.05, end = 0.15 }",
				"next = {\n      search_recipe    = 0.450 # more searches\n      view_recipe_list = 0.35\n      ad_impression    = 0.05\n      end              = 0.15\n    }",
				`activity     = weighted({ POWER_USER = 0.10, ACTIVE_EXPLORER = 0.60, PASSIVE_BROWSER = 0.30 })`,
				"activity = weighted({\n      POWER_USER      = 0.1 # ten per cent\n      ACTIVE_EXPLORER = 0.6\n      PASSIVE_BROWSER = 0.3\n    })",
			},
			nil},
		{"a guarded transition's weight",
			[]string{"when   = user.activity == \"POWER_USER\"\n      weight = 0.10", "when   = user.activity == \"POWER_USER\"\n      weight = 0.20"},
			[]string{"~ flow browse, state click_recipe, transition create_comment: weight 0.1 → 0.2"}},
		{"variable default moves the entity count",
			[]string{"default     = 1240", "default     = 2000"},
			[]string{"~ variable users: 1240 → 2000", "~ entity user: count 1240 → 2000"}},
		// The profiles come from stdlib/profiles/web; TestModuleDiff
		// changes a module's profile weight.
		{"experiment parameter",
			[]string{"treatment = 0.022", "treatment = 0.025"},
			[]string{
				"~ experiment BEHAVIORAL_TARGETING_MVP_V1, param ad_ctr: treatment 0.022 → 0.025",
			}},
		{"a state added and an attribute changed",
			[]string{
				"active_share = uniform(0.35, 0.65)", "active_share = uniform(0.4, 0.65)",
				"next = { view_page = 0.3, end = 0.7 }", "next = { view_page = 0.3, thank_you = 0.1, end = 0.6 }\n  }\n  state \"thank_you\" {\n    emit \"events\" {}",
			},
			[]string{
				"~ entity user: attribute active_share uniform(0.35, 0.65) → uniform(0.4, 0.65)",
				"+ flow browse, state ad_click: next thank_you 0.1",
				"~ flow browse, state ad_click: next end 0.7 → 0.6",
				"+ flow browse: state thank_you (emits events)",
			}},
		{"sink path and seed",
			[]string{`path   = "recipe/events.jsonl"`, `path   = "recipe/events.jsonl.gz"`, "seed     = 20250601", "seed     = 7"},
			[]string{
				"~ scenario: seed 20250601 → 7",
				"~ sink events: output jsonl file recipe/events.jsonl → jsonl file recipe/events.jsonl.gz",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := orig
			for i := 0; i < len(tc.edits); i += 2 {
				if !strings.Contains(src, tc.edits[i]) {
					t.Fatalf("recipe.hcl no longer contains %q", tc.edits[i])
				}
				src = strings.Replace(src, tc.edits[i], tc.edits[i+1], 1)
			}
			var got []string
			for _, c := range engine.DiffSummaries(base, summarizeSource(t, src)) {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestSummaryCoversEveryScenario: every shipped scenario summarises, keys
// are unique, and a scenario compared with itself has no changes.
func TestSummaryCoversEveryScenario(t *testing.T) {
	entries, err := os.ReadDir("../scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".hcl") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			path := "../scenarios/" + e.Name()
			sc, diags := dsl.Load(path)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			s := engine.Summarize(sc, plan)
			seen := map[string]bool{}
			for _, it := range s.Items {
				k := strings.Join(it.Path, " / ")
				if seen[k] {
					t.Errorf("duplicate key %s", k)
				}
				seen[k] = true
			}
			if len(s.Items) < 10 {
				t.Errorf("only %d items", len(s.Items))
			}
			if d := engine.DiffSummaries(s, engine.Summarize(sc, plan)); len(d) != 0 {
				t.Errorf("self-diff: %v", d)
			}
		})
	}
}

func TestDiffEstimates(t *testing.T) {
	est := func(exact bool, streams ...engine.StreamEstimate) *engine.Estimate {
		return &engine.Estimate{Exact: exact, Streams: streams}
	}
	st := func(name string, n float64) engine.StreamEstimate {
		return engine.StreamEstimate{Stream: name, Records: n}
	}
	for _, tc := range []struct {
		name string
		a, b *engine.Estimate
		want []string
	}{
		{"same", est(false, st("events", 1e6)), est(false, st("events", 1e6)), nil},
		{"estimated", est(false, st("events", 1e6)), est(false, st("events", 1.05e6)), []string{"~ stream events: ≈1.00 M → ≈1.05 M (+5.0%)"}},
		{"exact", est(true, st("events", 1240)), est(true, st("events", 1200)), []string{"~ stream events: 1 240 → 1 200 (-3.2%)"}},
		{"tiny change", est(true, st("events", 75400)), est(true, st("events", 75390)), []string{"~ stream events: 75 400 → 75 390 (-0.013%)"}},
		{"stream added and removed", est(true, st("a", 10)), est(true, st("b", 20)), []string{"+ stream b: 20", "- stream a: 10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range engine.DiffEstimates(tc.a, tc.b) {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDiffBank: child entity counts and constraints, with a variable
// change shown where it takes effect, and a long value on lines of its own.
func TestDiffBank(t *testing.T) {
	orig := string(readFile(t, "../scenarios/bank.hcl"))
	summarize := func(src string) *engine.Summary {
		name := "../scenarios/bank_edited.hcl"
		sc, diags := dsl.Parse([]string{name}, map[string][]byte{name: []byte(src)})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		plan, diags := engine.Compile(sc, engine.Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return engine.Summarize(sc, plan)
	}
	edits := []string{
		`default     = "15m"`, `default     = "20m"`,
		"max_per_day = 12", "max_per_day = 10",
		`count  = int(weighted({ "1" = 0.5, "2" = 0.35, "3" = 0.15 }))`, `count  = int(weighted({ "1" = 0.4, "2" = 0.45, "3" = 0.15 }))`,
	}
	src := orig
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Skipf("bank.hcl no longer contains %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	var got []string
	for _, c := range engine.DiffSummaries(summarize(orig), summarize(src)) {
		got = append(got, c.String())
	}
	want := []string{
		"~ variable min_gap: 15m → 20m",
		"~ entity device: count per parent",
		`    - int(weighted({ "1" = 0.5, "2" = 0.35, "3" = 0.15 }))`,
		`    + int(weighted({ "1" = 0.4, "2" = 0.45, "3" = 0.15 }))`,
		"~ constraint legit_spacing: min_gap 15m → 20m",
		"~ constraint legit_spacing: max_per_day 12 → 10",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDiffOrders: an order is a change when the names both sides hold come
// in another order, with a line saying what moved; names added or removed,
// or an order that exists on one side only, are reported where they are
// declared, not as an order.
func TestDiffOrders(t *testing.T) {
	const src = `scenario "o" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "a" {
  count = 2
  attributes {
    x = uniform(1, 10)
    z = uniform(1, 10)
  }
}
flow "f" {
  actor = entity.a
  session {
    count = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      x = a.x
      z = a.z
    }
  }
}
sink "o" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
`
	base := summarizeSource(t, src)
	for _, tc := range []struct {
		name  string
		edits []string
		want  []string
	}{
		{"attributes swapped", []string{"    x = uniform(1, 10)\n    z = uniform(1, 10)\n", "    z = uniform(1, 10)\n    x = uniform(1, 10)\n"}, []string{
			"~ entity a: attribute draw order x, z → z, x",
			"    (x, z moved: attributes draw from the actor's stream in this order: their values change)",
		}},
		{"an attribute added before", []string{"    x = uniform(1, 10)\n", "    w = uniform(1, 10)\n    x = uniform(1, 10)\n"}, []string{
			"+ entity a: attribute w uniform(1, 10)",
		}},
		{"an attribute no longer draws", []string{"    z = uniform(1, 10)\n", "    z = 3\n"}, []string{
			"~ entity a: attribute z uniform(1, 10) → 3",
		}},
		{"columns swapped", []string{"      x = a.x\n      z = a.z\n", "      z = a.z\n      x = a.x\n"}, []string{
			"~ stream ev: column order x, z → z, x",
			"    (x, z moved: CSV, Parquet and Postgres columns follow this order)",
		}},
		{"a JSON sink instead", []string{`type   = "csv"`, `type   = "jsonl"`}, []string{
			"~ sink o: type csv → jsonl",
			"~ sink o: output csv file ev.csv → jsonl file ev.csv",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := src
			for i := 0; i < len(tc.edits); i += 2 {
				if !strings.Contains(edited, tc.edits[i]) {
					t.Fatalf("no %q", tc.edits[i])
				}
				edited = strings.Replace(edited, tc.edits[i], tc.edits[i+1], 1)
			}
			var got []string
			for _, c := range engine.DiffSummaries(base, summarizeSource(t, edited)) {
				got = append(got, c.String())
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); g != w {
				t.Errorf("diff:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}
