package engine_test

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
)

type recipeEvent struct {
	Name      string `json:"event_name"`
	User      string `json:"user_id"`
	Session   string `json:"session_id"`
	Timestamp string `json:"timestamp"`
	Context   string `json:"context"`
	Props     string `json:"event_properties"`
	t         time.Time
	ctx       map[string]any
	props     map[string]any
}

func loadRecipeEvents(t *testing.T, users string) []*recipeEvent {
	t.Helper()
	dir := runTo(t, "../scenarios/recipe.hcl", 2025, map[string]string{"users": users}, engine.RunOptions{Workers: 2})
	var out []*recipeEvent
	for _, line := range bytes.Split(bytes.TrimSpace(readFile(t, filepath.Join(dir, "recipe", "events.jsonl"))), []byte("\n")) {
		e := &recipeEvent{}
		if err := json.Unmarshal(line, e); err != nil {
			t.Fatal(err)
		}
		var err error
		if e.t, err = time.Parse(time.RFC3339Nano, e.Timestamp); err != nil {
			t.Fatal(err)
		}
		if _, off := e.t.Zone(); off != 9*3600 {
			t.Fatalf("timestamp %s is not in +09:00", e.Timestamp)
		}
		if err := json.Unmarshal([]byte(e.Context), &e.ctx); err != nil {
			t.Fatalf("context is not a JSON string: %v", err)
		}
		if err := json.Unmarshal([]byte(e.Props), &e.props); err != nil {
			t.Fatalf("event_properties is not a JSON string: %v", err)
		}
		out = append(out, e)
	}
	return out
}

// sessions groups events by session, each in time order (the file is).
func sessions(evs []*recipeEvent) map[string][]*recipeEvent {
	m := map[string][]*recipeEvent{}
	for _, e := range evs {
		m[e.Session] = append(m[e.Session], e)
	}
	return m
}

func TestRecipeScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the recipe scenario")
	}
	evs := loadRecipeEvents(t, "600")
	if len(evs) < 100000 {
		t.Fatalf("only %d events", len(evs))
	}
	sess := sessions(evs)
	kst, _ := time.LoadLocation("Asia/Seoul")
	abFrom := time.Date(2025, 8, 8, 0, 0, 0, 0, kst)
	abTo := time.Date(2025, 8, 23, 0, 0, 0, 0, kst)

	t.Run("transitions follow the declared matrix", func(t *testing.T) {
		declared := map[string]map[string]float64{
			"view_page":      {"search_recipe": 0.45, "view_recipe_list": 0.35, "ad_impression": 0.05, "end": 0.15},
			"search_recipe":  {"view_recipe_list": 0.9, "end": 0.1},
			"click_bookmark": {"view_recipe_list": 0.35, "click_like": 0.15, "end": 0.5},
			"click_like":     {"view_recipe_list": 0.4, "create_comment": 0.1, "end": 0.5},
			"create_comment": {"view_recipe_list": 0.3, "end": 0.7},
			"ad_click":       {"view_page": 0.3, "end": 0.7},
		}
		counts := map[string]map[string]int64{}
		for _, s := range sess {
			for i, e := range s {
				next := "end"
				if i+1 < len(s) {
					next = s[i+1].Name
				} else if len(s) == 60 || e.t.After(time.Date(2025, 8, 31, 23, 0, 0, 0, kst)) {
					continue // cut by max_events or the window, not by the flow
				}
				if counts[e.Name] == nil {
					counts[e.Name] = map[string]int64{}
				}
				counts[e.Name][next]++
			}
		}
		for from, probs := range declared {
			var obs []int64
			var exp []float64
			var names []string
			for to := range probs {
				names = append(names, to)
			}
			sort.Strings(names)
			for _, to := range names {
				obs = append(obs, counts[from][to])
				exp = append(exp, probs[to])
			}
			for to := range counts[from] {
				if _, ok := probs[to]; !ok {
					t.Errorf("%s -> %s happened %d times but is not declared", from, to, counts[from][to])
				}
			}
			if stat, df, p := stats.ChiSquareGOF(obs, exp); p < 1e-4 {
				t.Errorf("%s: transitions %v vs %v: chi-square %.1f df %d p=%.2g", from, obs, exp, stat, df, p)
			}
		}
	})

	t.Run("segment shares", func(t *testing.T) {
		seen := map[string]bool{}
		counts := map[string]map[string]int64{"user_segment": {}, "activity_level": {}, "cooking_style": {}}
		for _, e := range evs {
			if seen[e.User] {
				continue
			}
			seen[e.User] = true
			for k := range counts {
				counts[k][e.ctx[k].(string)]++
			}
		}
		for key, shares := range map[string]map[string]float64{
			"activity_level": {"POWER_USER": 0.10, "ACTIVE_EXPLORER": 0.60, "PASSIVE_BROWSER": 0.30},
			"user_segment": {"FEMALE_20S": 0.142, "FEMALE_30S": 0.207, "FEMALE_40_PLUS": 0.356,
				"MALE_20S": 0.062, "MALE_30S": 0.085, "MALE_40_PLUS": 0.148},
			"cooking_style": {"DESSERT_FOCUSED": 0.20, "HEALTHY_CONSCIOUS": 0.25, "COMFORT_FOOD": 0.25,
				"QUICK_CONVENIENT": 0.20, "DIVERSE_EXPLORER": 0.10},
		} {
			var obs []int64
			var exp []float64
			for k, p := range shares {
				obs = append(obs, counts[key][k])
				exp = append(exp, p)
			}
			if stat, df, p := stats.ChiSquareGOF(obs, exp); p < 1e-4 {
				t.Errorf("%s: %v vs %v: chi-square %.1f df %d p=%.2g", key, obs, exp, stat, df, p)
			}
		}
	})

	t.Run("A/B assignment, window and CTR", func(t *testing.T) {
		type seg struct{ demo, act, persona string }
		ctr := func(g string, s seg) float64 {
			switch s {
			case seg{"FEMALE_30S", "POWER_USER", "DESSERT_FOCUSED"}:
				return map[string]float64{"control": 0.021, "treatment": 0.028}[g]
			case seg{"MALE_20S", "ACTIVE_EXPLORER", "QUICK_CONVENIENT"}:
				return map[string]float64{"control": 0.015, "treatment": 0.019}[g]
			case seg{"FEMALE_40_PLUS", "ACTIVE_EXPLORER", "HEALTHY_CONSCIOUS"}:
				return map[string]float64{"control": 0.018, "treatment": 0.023}[g]
			}
			return map[string]float64{"control": 0.018, "treatment": 0.022}[g]
		}
		// Independent MD5 bucketing: first 8 bytes big-endian / 2^64 < 0.5 → control.
		group := func(uid string) string {
			d := md5.Sum([]byte(uid))
			if float64(binary.BigEndian.Uint64(d[:8]))/math.Exp2(64) < 0.5 {
				return "control"
			}
			return "treatment"
		}
		imps := map[string]float64{}   // expected clicks per group
		vars := map[string]float64{}   // variance per group
		clicks := map[string]float64{} // observed
		n := map[string]int{}
		for _, s := range sess {
			for i, e := range s {
				in := !e.t.Before(abFrom) && e.t.Before(abTo)
				g, has := e.ctx["ab_test_group"]
				if has != in {
					t.Fatalf("event at %s: ab_test_group present=%v, inside window=%v", e.Timestamp, has, in)
				}
				if _, has := e.ctx["ab_test_scenario"]; has != in {
					t.Fatalf("event at %s: ab_test_scenario present=%v, inside window=%v", e.Timestamp, has, in)
				}
				if !in {
					continue
				}
				if g != group(e.User) {
					t.Fatalf("user %s is in %v, independent MD5 bucketing says %s", e.User, g, group(e.User))
				}
				if e.Name != "ad_impression" {
					continue
				}
				p := ctr(g.(string), seg{e.ctx["user_segment"].(string), e.ctx["activity_level"].(string), e.ctx["cooking_style"].(string)})
				imps[g.(string)] += p
				vars[g.(string)] += p * (1 - p)
				n[g.(string)]++
				if i+1 < len(s) && s[i+1].Name == "ad_click" {
					clicks[g.(string)]++
				}
			}
		}
		for _, g := range []string{"control", "treatment"} {
			if n[g] < 1000 {
				t.Fatalf("%s: only %d impressions in the window", g, n[g])
			}
			z := (clicks[g] - imps[g]) / math.Sqrt(vars[g])
			if math.Abs(z) > 4 {
				t.Errorf("%s: %v clicks of %d impressions, expected %.1f (z = %.2f)", g, clicks[g], n[g], imps[g], z)
			}
		}
	})

	t.Run("clicks and interactions refer to what was shown", func(t *testing.T) {
		checked := 0
		for _, s := range sess {
			var listed []any
			var clicked any
			for _, e := range s {
				switch e.Name {
				case "view_recipe_list":
					listed = e.props["displayed_recipe_ids"].([]any)
				case "click_recipe":
					id := e.props["recipe_id"]
					rank := int(e.props["rank"].(float64))
					if rank < 1 || rank > len(listed) || listed[rank-1] != id {
						t.Fatalf("click on %v at rank %d, but the list shown before was %v", id, rank, listed)
					}
					clicked = id
					checked++
				case "click_bookmark", "click_like", "create_comment":
					if clicked == nil || e.props["recipe_id"] != clicked {
						t.Fatalf("%s on %v, but the clicked recipe was %v", e.Name, e.props["recipe_id"], clicked)
					}
				}
			}
		}
		if checked < 1000 {
			t.Fatalf("only %d clicks checked", checked)
		}
	})
}

// TestRecipeCatalogueIsGenerated: the shipped recipe table is exactly what
// scenarios/recipes_catalog.hcl produces.
func TestRecipeCatalogueIsGenerated(t *testing.T) {
	dir := runTo(t, "../scenarios/recipes_catalog.hcl", 2, nil, engine.RunOptions{Workers: 2})
	if !bytes.Equal(readFile(t, filepath.Join(dir, "recipes.csv")), readFile(t, "../scenarios/data/recipes.csv")) {
		t.Fatal("scenarios/data/recipes.csv differs from the catalogue scenario's output; regenerate it (see the scenario's header)")
	}
}
