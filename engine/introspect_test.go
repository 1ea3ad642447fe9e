package engine_test

import (
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

func TestIntrospectRecipe(t *testing.T) {
	plan := compileFile(t, "../scenarios/recipe.hcl", nil, map[string]string{"users": "50"})
	spec := plan.Introspect()
	if len(spec.Streams) != 1 {
		t.Fatalf("%d streams", len(spec.Streams))
	}
	ss := spec.Streams[0]
	for _, tc := range []struct{ what, got, want string }{
		{"state field", ss.StateField, "event_name"},
		{"session field", ss.SessionField, "session_id"},
		{"time field", ss.TimeField, "timestamp"},
		{"actor field", ss.ActorField, "user_id"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if len(ss.Emits) != 9 || ss.Emits[0].Tag != "view_page" || len(ss.Emits[0].Categorical) != 1 {
		t.Fatalf("emits %+v", ss.Emits)
	}
	ref := ss.Emits[0].Categorical[0]
	if !reflect.DeepEqual(ref.Path, []string{"event_properties", "referrer"}) ||
		!reflect.DeepEqual(ref.Outcomes, []string{"https://google.com", "https://naver.com", "direct", "https://instagram.com"}) ||
		math.Abs(ref.Probs[2]-6.0/17) > 1e-12 {
		t.Errorf("referrer: %+v", ref)
	}
	if len(ss.ActorCategoricals) != 3 || ss.ActorCategoricals[1].Path[1] != "activity_level" || ss.ActorCategoricals[1].Probs[0] != 0.1 {
		t.Errorf("actor categoricals %+v", ss.ActorCategoricals)
	}
	if len(ss.Experiments) != 1 || ss.Experiments[0].UnitField != "user_id" ||
		!reflect.DeepEqual(ss.Experiments[0].GroupPath, []string{"context", "ab_test_group"}) {
		t.Errorf("experiment fields %+v", ss.Experiments)
	}
	f := spec.Flows[0]
	states := map[string]engine.StateSpec{}
	for _, s := range f.States {
		states[s.Name] = s
	}
	if got := states["view_page"].Next; !reflect.DeepEqual(got, []engine.NextProb{{"search_recipe", 0.45}, {"view_recipe_list", 0.35}, {"ad_impression", 0.05}, {"end", 0.15}}) {
		t.Errorf("view_page next %v", got)
	}
	if states["view_recipe_list"].Next != nil || states["click_recipe"].Next != nil {
		t.Error("states with guarded transitions have a fixed distribution")
	}
	if got := states["ad_impression"].ExperimentEdges; !reflect.DeepEqual(got, []engine.ExperimentEdge{{"ad_click", "BEHAVIORAL_TARGETING_MVP_V1", "ad_ctr"}}) {
		t.Errorf("ad_impression edges %v", got)
	}
	if f.MaxEvents != 60 || f.Arrivals == nil {
		t.Fatalf("max events %d, arrivals %v", f.MaxEvents, f.Arrivals)
	}
	sumH, sumD := 0.0, 0.0
	for _, x := range f.Arrivals.Hour {
		sumH += x
	}
	for _, x := range f.Arrivals.Weekday {
		sumD += x
	}
	// 19:00 weighs 1.00, 03:00 0.02 (the profile is the same every day).
	if math.Abs(sumH-1) > 1e-9 || math.Abs(sumD-1) > 1e-9 || math.Abs(f.Arrivals.Hour[19]/f.Arrivals.Hour[3]-50) > 1e-9 {
		t.Errorf("arrival shares: hours sum %v, days sum %v, 19h/3h %v", sumH, sumD, f.Arrivals.Hour[19]/f.Arrivals.Hour[3])
	}
	x := spec.Experiments[0]
	if x.Entity != "user" || !reflect.DeepEqual(x.Groups, []string{"control", "treatment"}) || len(x.Params) != 1 ||
		!reflect.DeepEqual(x.Params[0], engine.ParamSpec{Name: "ad_ctr", Values: []float64{0.018, 0.022}, Default: 0.018, Overrides: true}) {
		t.Errorf("experiment %+v", x)
	}
}

// TestExperimentActorsMatchTheRun: the attributes ExperimentActors
// computes are the run's: each record's group is its actor's, and the
// per-segment override the actor's attributes select is the one its
// recorded segment calls for.
func TestExperimentActorsMatchTheRun(t *testing.T) {
	vars := map[string]string{"users": "150", "end": "2025-08-20T00:00:00"}
	plan := compileFile(t, "../scenarios/recipe.hcl", nil, vars)
	actors, err := plan.ExperimentActors("BEHAVIORAL_TARGETING_MVP_V1", "ad_ctr", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(actors) != 150 {
		t.Fatalf("%d actors", len(actors))
	}
	byUnit := map[string]engine.ExperimentActor{}
	for _, a := range actors {
		byUnit[a.Unit] = a
	}
	dir := runTo(t, "../scenarios/recipe.hcl", plan.Seed, vars, engine.RunOptions{Workers: 2})
	groups := []string{"control", "treatment"}
	checked, overridden := 0, 0
	for _, r := range jsonLines(t, filepath.Join(dir, "recipe", "events.jsonl")) {
		a, ok := byUnit[r["user_id"].(string)]
		if !ok {
			t.Fatalf("record of unknown unit %v", r["user_id"])
		}
		var ctx map[string]any
		json.Unmarshal([]byte(r["context"].(string)), &ctx)
		if g, ok := ctx["ab_test_group"]; ok {
			if g != groups[a.Group] {
				t.Fatalf("%v: recorded group %v, ExperimentActors says %s", r["user_id"], g, groups[a.Group])
			}
			checked++
		}
		want := []float64{0.018, 0.022}[a.Group]
		seg := [3]any{ctx["user_segment"], ctx["activity_level"], ctx["cooking_style"]}
		switch seg {
		case [3]any{"FEMALE_30S", "POWER_USER", "DESSERT_FOCUSED"}:
			want = []float64{0.021, 0.028}[a.Group]
		case [3]any{"MALE_20S", "ACTIVE_EXPLORER", "QUICK_CONVENIENT"}:
			want = []float64{0.015, 0.019}[a.Group]
		case [3]any{"FEMALE_40_PLUS", "ACTIVE_EXPLORER", "HEALTHY_CONSCIOUS"}:
			want = []float64{0.018, 0.023}[a.Group]
		}
		if a.Param != want {
			t.Fatalf("%v (%v): param %v, want %v", r["user_id"], seg, a.Param, want)
		}
		if want != []float64{0.018, 0.022}[a.Group] {
			overridden++
		}
	}
	if checked == 0 || overridden == 0 {
		t.Errorf("checked %d grouped records, %d with an override", checked, overridden)
	}
}

// TestSessionByActor: a stream written by one flow that runs one session
// per actor (count = 1) has no session.id field to group its sessions by;
// the actor's field does it when its declaration tells the actors apart:
// a random id of enough bits (uuid()), or built from index, and for a
// child entity (index counts within the parent) from a parent's such
// attribute too.
func TestSessionByActor(t *testing.T) {
	const tmpl = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "site" {
  count = 3
  attributes { site_id = "S${index}" }
}
entity "sensor" {
  parent = entity.site
  count  = 2
  attributes { sensor_id = SENSOR_ID }
}
flow "telemetry" {
  actor = entity.sensor
  session {
    count      = COUNT
    max_events = 100
  }
  gap     = "1m"
  initial = "ok"
  state "ok" {
    emit "readings" {
      sensor_id = sensor.sensor_id
      ts        = event.time
      state     = state.name
    }
    next = { ok = 0.9, degraded = 0.1 }
  }
  state "degraded" {
    emit "readings" {
      sensor_id = sensor.sensor_id
      ts        = event.time
      state     = state.name
    }
    next = { ok = 0.5, degraded = 0.5 }
  }
}
sink "readings" {
  type   = "jsonl"
  stream = "readings"
  path   = "r.jsonl"
}
`
	for _, tc := range []struct {
		name, sensorID, count string
		want                  bool
	}{
		{"child id with its parent's", `"${site.site_id}-${index}"`, "1", true},
		{"child id with format", `format("%s/%d", site.site_id, index)`, "1", true},
		{"child index alone", `"X${index}"`, "1", false},
		{"parent id alone", `site.site_id`, "1", false},
		{"two sessions", `"${site.site_id}-${index}"`, "2", false},
		{"sessions drawn", `"${site.site_id}-${index}"`, "int(uniform(1, 2))", false},
		{"a uuid", `uuid()`, "1", true},
		{"a template with a uuid", `"SN-${uuid()}"`, "1", true},
		{"96 random bits", `hex(24)`, "1", true},
		{"32 random bits", `hex(8)`, "1", false},
		{"a random pick", `choice(["a", "b"])`, "1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("SENSOR_ID", tc.sensorID, "COUNT", tc.count).Replace(tmpl)
			ss := compileSrc(t, "s.hcl", src).Introspect().Streams[0]
			if ss.SessionByActor != tc.want {
				t.Fatalf("SessionByActor = %v, want %v (actor field %q, session field %q)", ss.SessionByActor, tc.want, ss.ActorField, ss.SessionField)
			}
			want := ""
			if tc.want {
				want = "sensor_id"
			}
			if ss.SessionField != want {
				t.Errorf("session field %q, want %q", ss.SessionField, want)
			}
		})
	}
}

// TestReachedAlike: a flow's sessions are drawn alike for every actor when
// each session setting is a constant or reads nothing of the actor (a
// random start or count drawn the same way for everyone); a setting that
// reads an attribute, the index or a group is named in DrawnPerActor.
// (Session settings cannot read experiments, nor active_days a draw.)
func TestReachedAlike(t *testing.T) {
	const tmpl = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-02-01"
}
variable "n" {
  default = 2
}
entity "user" {
  count = 3
  attributes {
    user_id = "u${index}"
    per_day = uniform(1, 3)
  }
}
flow "life" {
  actor = entity.user
  session {
    SESSION
  }
  initial = "signup"
  state "signup" {
    emit "events" {
      user_id = user.user_id
      ts      = event.time
    }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct {
		session string
		drawn   string // "": alike
	}{
		{`count = 1`, ""},
		{"count = 1\n    start = uniform(\"0s\", \"20d\")", ""},
		{`count = int(uniform(1, var.n + 3))`, ""},
		{`arrivals = arrivals(uniform(0.5, 2))`, ""},
		{`arrivals = arrivals(2, [], 0.5)`, ""},
		{`count = [for k in [1, 2] : k][0]`, ""},
		{"count = 1\n    start = hours(index)", `start = hours(index)`},
		{`count = int(user.per_day)`, `count = int(user.per_day)`},
		{`arrivals = arrivals(user.per_day)`, `the arrival rate user.per_day`},
		{`arrivals = arrivals(2, [], user.per_day / 3)`, `the active days' share user.per_day / 3`},
	} {
		t.Run(tc.session, func(t *testing.T) {
			f := compileSrc(t, "s.hcl", strings.Replace(tmpl, "SESSION", tc.session, 1)).Introspect().Flows[0]
			if f.ReachedAlike != (tc.drawn == "") || f.DrawnPerActor != tc.drawn {
				t.Errorf("ReachedAlike %v, DrawnPerActor %q; want %v, %q", f.ReachedAlike, f.DrawnPerActor, tc.drawn == "", tc.drawn)
			}
		})
	}
}
