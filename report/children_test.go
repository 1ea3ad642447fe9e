package report

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// childExp describes an experiment of testdata/kids_*.hcl whose unit is a
// child entity's actor (a device of a user; an app of a dev of a user).
type childExp struct {
	hcl        string // testdata/kids_NAME.hcl, writing kids_NAME/events.jsonl and kids_NAME/ROWS.jsonl
	name       string
	experiment string
	param      string
	salt       string
	groups     []string
	weights    []float64
	unitField  string // the unit, in the events and in the rows
	groupField string // the group, in the events
	rows       string // the stream of one row per actor of the unit's entity
	// param of an actor in group g, from its row (the override's attributes)
	paramOf func(row map[string]any, g int) float64
}

var childExps = []childExp{
	{
		hcl: "testdata/kids_device.hcl", name: "kids_device", experiment: "onboarding", param: "convert_p",
		groups: []string{"control", "treatment"}, weights: []float64{0.5, 0.5},
		unitField: "device_id", groupField: "group", rows: "devices",
		paramOf: func(row map[string]any, g int) float64 {
			if g == 1 && row["tier"] == "gold" && row["os"] == "ios" {
				return 0.7
			}
			return []float64{0.2, 0.4}[g]
		},
	},
	{
		hcl: "testdata/kids_app.hcl", name: "kids_app", experiment: "paywall", param: "pay_p", salt: "pw-",
		groups: []string{"a", "b"}, weights: []float64{0.3, 0.7},
		unitField: "app_id", groupField: "variant", rows: "apps",
		paramOf: func(row map[string]any, g int) float64 {
			if g == 0 && row["tier"] == "gold" && row["kind"] == "game" {
				return 0.1
			}
			return []float64{0.25, 0.45}[g]
		},
	},
}

// bucket is the experiment group of a unit, computed here independently:
// MD5(salt + unit), its first 8 bytes over 2^64 against the cumulative
// weights.
func bucket(salt, unit string, weights []float64) int {
	d := md5.Sum([]byte(salt + unit))
	u := float64(binary.BigEndian.Uint64(d[:8])) / math.Exp2(64)
	acc := 0.0
	for i, w := range weights {
		acc += w
		if u < acc {
			return i
		}
	}
	return len(weights) - 1
}

// jsonRows decodes a JSON lines file.
func jsonRows(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// runScenario runs the scenario at path (edited: each old text replaced
// by the new one) into a temporary directory.
func runScenario(t *testing.T, path string, edits ...[2]string) string {
	t.Helper()
	if len(edits) > 0 {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(src)
		for _, e := range edits {
			if !strings.Contains(s, e[0]) {
				t.Fatalf("%s lacks %q", path, e[0])
			}
			s = strings.Replace(s, e[0], e[1], 1)
		}
		path = filepath.Join(t.TempDir(), filepath.Base(path))
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if _, err := loadPlan(t, path).Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExperimentActorsOfChildren: for an experiment whose unit is a child
// (or grandchild) entity's actor, Plan.ExperimentActors gives exactly the
// actors the run built: the units of the run's rows (one per actor, with
// the counts drawn per parent), each in its MD5 bucket and in the group
// its records carry, with the parameter value the override's attributes
// (the actor's own and an ancestor's, as the rows hold them) call for.
// Before, it built root-entity actors from the child's index and found
// none of them.
func TestExperimentActorsOfChildren(t *testing.T) {
	for _, tc := range childExps {
		t.Run(tc.name, func(t *testing.T) {
			plan := loadPlan(t, tc.hcl)
			dir := runScenario(t, tc.hcl)
			actors, err := plan.ExperimentActors(tc.experiment, tc.param, 0)
			if err != nil {
				t.Fatal(err)
			}
			byUnit := map[string]engine.ExperimentActor{}
			for _, a := range actors {
				if _, dup := byUnit[a.Unit]; dup {
					t.Fatalf("unit %q twice", a.Unit)
				}
				byUnit[a.Unit] = a
			}
			rows := jsonRows(t, filepath.Join(dir, tc.name, tc.rows+".jsonl"))
			if len(rows) != len(actors) {
				t.Errorf("%d actors, the run wrote %d %s", len(actors), len(rows), tc.rows)
			}
			overridden := 0
			for _, row := range rows {
				unit := row[tc.unitField].(string)
				a, ok := byUnit[unit]
				if !ok {
					t.Errorf("the run's %s %q is not among ExperimentActors", tc.rows, unit)
					continue
				}
				if g := bucket(tc.salt, unit, tc.weights); a.Group != g {
					t.Errorf("%s: group %d, its MD5 bucket is %d", unit, a.Group, g)
				}
				want := tc.paramOf(row, a.Group)
				if a.Param != want {
					t.Errorf("%s (%v): param %v, want %v", unit, row, a.Param, want)
				}
				if want != tc.paramOf(map[string]any{}, a.Group) {
					overridden++
				}
			}
			grouped := 0
			for _, r := range jsonRows(t, filepath.Join(dir, tc.name, "events.jsonl")) {
				unit := r[tc.unitField].(string)
				a, ok := byUnit[unit]
				if !ok {
					t.Fatalf("a record of unit %q, not among ExperimentActors", unit)
				}
				if g, ok := r[tc.groupField]; ok {
					if g != tc.groups[a.Group] {
						t.Fatalf("%s: recorded group %v, ExperimentActors says %s", unit, g, tc.groups[a.Group])
					}
					grouped++
				}
			}
			if grouped == 0 || overridden == 0 {
				t.Errorf("%d grouped records, %d actors with an override: the test checks too little", grouped, overridden)
			}
			// n bounds the units: the first n, built from the first
			// root actors only.
			for _, n := range []int64{1, 7, int64(len(actors)), int64(len(actors)) + 5} {
				first, err := plan.ExperimentActors(tc.experiment, tc.param, n)
				if err != nil {
					t.Fatal(err)
				}
				if want := actors[:min(n, int64(len(actors)))]; !reflect.DeepEqual(first, want) {
					t.Errorf("n=%d: %d actors, not the first %d", n, len(first), len(want))
				}
			}
			// Without a parameter: the same units and groups.
			bare, err := plan.ExperimentActors(tc.experiment, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			for i := range bare {
				if bare[i].Unit != actors[i].Unit || bare[i].Group != actors[i].Group || bare[i].Param != 0 {
					t.Fatalf("without a param, actor %d is %+v, with it %+v", i, bare[i], actors[i])
				}
			}
		})
	}
}

// TestReportChildExperiments: the report's experiment checks (sample
// ratio, assignment, and the rate of the experiment-driven transition per
// group) are made for experiments whose unit is a child or grandchild
// entity's actor, pass on the run's output and fail on a wrong one. Before,
// no unit was known: the sample ratio failed on a correct output ("248
// units are not actors of this scenario"), the assignment compared 0
// records and no metric was checked. Each case's summary is the golden
// testdata/CASE.txt.
func TestReportChildExperiments(t *testing.T) {
	device, app := childExps[0], childExps[1]
	flip := func(x childExp) func([]record) []record {
		return func(recs []record) []record {
			for _, rc := range recs {
				switch str(rc.m, x.groupField) {
				case x.groups[0]:
					rc.m[x.groupField] = x.groups[1]
				case x.groups[1]:
					rc.m[x.groupField] = x.groups[0]
				}
			}
			return recs
		}
	}
	dropGroup := func(x childExp, g int) func([]record) []record {
		return func(recs []record) []record {
			var out []record
			for _, rc := range recs {
				if bucket(x.salt, str(rc.m, x.unitField), x.weights) != g {
					out = append(out, rc)
				}
			}
			return out
		}
	}
	for _, tc := range []struct {
		name   string
		x      childExp
		edits  [][2]string             // to the scenario that writes the output
		tamper func([]record) []record // to the records written
		failed []string
		// no unit of the output is an actor of the scenario: the
		// assignment has nothing to compare and no metric is made
		unknown bool
	}{
		{name: "kids_device_as_declared", x: device},
		{name: "kids_device_groups_flipped", x: device, tamper: flip(device),
			failed: []string{"onboarding: group = MD5 bucket of device_id"}},
		{name: "kids_device_params_swapped", x: device,
			edits: [][2]string{{"control   = 0.2", "control   = 0.4"}, {"treatment = 0.4", "treatment = 0.2"}},
			failed: []string{
				"onboarding: P(open → convert) = convert_p, control",
				"onboarding: P(open → convert) = convert_p, treatment",
				"onboarding: P(open → convert) = convert_p, outside the window", // the default is control's
			}},
		{name: "kids_device_treatment_dropped", x: device, tamper: dropGroup(device, 1),
			failed: []string{"onboarding: units per group"}},
		{name: "kids_device_other_counts", x: device,
			edits:  [][2]string{{`{ "1" = 0.5, "2" = 0.3, "3" = 0.2 }`, `{ "2" = 0.5, "3" = 0.3, "4" = 0.2 }`}},
			failed: []string{"onboarding: units per group"}},
		{name: "kids_device_other_ids", x: device,
			edits:   [][2]string{{`device_id = "${user.user_id}-d${index + 1}"`, `device_id = "${user.user_id}-dev${index + 1}"`}},
			failed:  []string{"onboarding: units per group"},
			unknown: true},
		{name: "kids_app_as_declared", x: app},
		{name: "kids_app_groups_flipped", x: app, tamper: flip(app),
			failed: []string{"paywall: variant = MD5 bucket of app_id"}},
		{name: "kids_app_params_swapped", x: app,
			edits: [][2]string{{"a = 0.25", "a = 0.45"}, {"b = 0.45", "b = 0.25"}},
			failed: []string{
				"paywall: P(open → pay) = pay_p, a",
				"paywall: P(open → pay) = pay_p, b",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := loadPlan(t, tc.x.hcl)
			dir := runScenario(t, tc.x.hcl, tc.edits...)
			path := filepath.Join(dir, tc.x.name, "events.jsonl")
			if tc.tamper != nil {
				recs := tc.tamper(readRecords(t, path))
				path = filepath.Join(t.TempDir(), "events.jsonl")
				writeRecords(t, path, recs)
			}
			r := buildReport(t, plan, plan.Introspect(), path)
			var b strings.Builder
			r.WriteText(&b)
			var failed []string
			kinds := map[Kind]int{}
			for _, c := range r.Checks {
				if !c.Pass {
					failed = append(failed, c.Name)
				}
				if !c.Untested() {
					kinds[c.Kind]++
				}
			}
			if !slices.Equal(failed, tc.failed) {
				t.Errorf("failed checks %q, want %q\n%s", failed, tc.failed, b.String())
			}
			// Every experiment check is made (a metric per group at least).
			switch {
			case tc.unknown:
				if kinds[SampleRatio] != 1 || kinds[Assignment] != 0 || kinds[Metric] != 0 ||
					findCheck(t, r, Assignment, tc.x.experiment).Test != "none" {
					t.Errorf("tested checks by kind %v: want the sample ratio alone, the assignment shown as not tested\n%s", kinds, b.String())
				}
			case kinds[SampleRatio] != 1 || kinds[Assignment] != 1 || kinds[Metric] < len(tc.x.groups)-1:
				t.Errorf("tested checks by kind %v: want a sample ratio, an assignment and the metrics\n%s", kinds, b.String())
			}
			if len(r.Notes) > 0 {
				t.Errorf("notes %q", r.Notes)
			}
			golden := filepath.Join("testdata", tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("the report differs from %s (go test ./report -update if intended):\n%s", golden, b.String())
			}
		})
	}
}

// TestReportExperimentNotes: an experiment whose actors cannot be
// recomputed is named in a note saying which checks are not made, never
// passed silently; one without parameters still gets its sample-ratio and
// assignment checks (they were skipped: the groups were asked for with
// the first parameter's values).
func TestReportExperimentNotes(t *testing.T) {
	const hcl = "testdata/kids_device.hcl"
	param := `  param "convert_p" {
    control   = 0.2
    treatment = 0.4
    override {
      when      = user.tier == "gold" && device.os == "ios"
      treatment = 0.7
    }
  }
`
	for _, tc := range []struct {
		name     string
		edits    [][2]string
		noActors bool
		kinds    []Kind // the experiment checks made, in order
		notes    []string
	}{
		{name: "as declared", kinds: []Kind{SampleRatio, Assignment, Metric, Metric, Metric}},
		{name: "override drawn at random",
			edits: [][2]string{{`when      = user.tier == "gold" && device.os == "ios"`, `when      = bernoulli(0.5)`}},
			kinds: []Kind{SampleRatio, Assignment},
			notes: []string{`experiment "onboarding": an override of param "convert_p" draws at random in its when, so actors' values cannot be recomputed: P(open → convert) = convert_p not checked`}},
		{name: "no parameter",
			edits: [][2]string{{param, ""}, {"probability = experiment.onboarding.convert_p", "probability = 0.3"}},
			kinds: []Kind{SampleRatio, Assignment}},
		{name: "no actors", noActors: true,
			notes: []string{`experiment "onboarding": actors' groups unavailable: sample ratio, assignment and metrics not checked`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := hcl
			if len(tc.edits) > 0 {
				src, err := os.ReadFile(hcl)
				if err != nil {
					t.Fatal(err)
				}
				s := string(src)
				for _, e := range tc.edits {
					if !strings.Contains(s, e[0]) {
						t.Fatalf("%s lacks %q", hcl, e[0])
					}
					s = strings.Replace(s, e[0], e[1], 1)
				}
				path = filepath.Join(t.TempDir(), "kids_device.hcl")
				if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			plan := loadPlan(t, path)
			dir := runScenario(t, path)
			in, err := ReadInput([]string{filepath.Join(dir, "kids_device", "events.jsonl")})
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Actors: func(x, p string) ([]engine.ExperimentActor, error) { return plan.ExperimentActors(x, p, 0) }}
			if tc.noActors {
				opts.Actors = nil
			}
			r, err := Build(plan.Introspect(), in, opts)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			r.WriteText(&b)
			var kinds []Kind
			for _, c := range r.Checks {
				switch c.Kind {
				case SampleRatio, Assignment, Metric:
					kinds = append(kinds, c.Kind)
					if !c.Pass || c.Untested() {
						t.Errorf("%s: not passed\n%s", c.Name, b.String())
					}
				}
			}
			if !slices.Equal(kinds, tc.kinds) || !slices.Equal(r.Notes, tc.notes) {
				t.Errorf("experiment checks %v, notes %q; want %v, %q\n%s", kinds, r.Notes, tc.kinds, tc.notes, b.String())
			}
		})
	}
}
