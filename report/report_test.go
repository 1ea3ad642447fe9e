package report

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The fixture: testdata/shop.hcl run once (users = 100) into
// testdata/shop/events.{jsonl,csv,parquet}. The files are fixed: these
// tests do not depend on the engine producing the same bytes again.
const (
	shopHCL   = "testdata/shop.hcl"
	shopJSONL = "testdata/shop/events.jsonl"
)

func shopPlan(t testing.TB) *engine.Plan {
	t.Helper()
	sc, diags := dsl.Load(shopHCL)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return plan
}

// compileRun compiles the scenario src and runs it with the given workers
// into a fresh directory, which it returns with the plan.
func compileRun(t *testing.T, src string, workers int) (*engine.Plan, string) {
	t.Helper()
	plan, diags := engine.Compile(mustParse(t, src), engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: workers}); err != nil {
		t.Fatal(err)
	}
	return plan, dir
}

func buildReport(t testing.TB, plan *engine.Plan, spec *engine.Spec, files ...string) *Report {
	t.Helper()
	in, err := ReadInput(files)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(spec, in, Options{Actors: func(x, p string) ([]engine.ExperimentActor, error) {
		return plan.ExperimentActors(x, p, 0)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func findCheck(t *testing.T, r *Report, kind Kind, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Kind == kind && strings.Contains(c.Name, name) {
			return c
		}
	}
	var b strings.Builder
	r.WriteText(&b)
	t.Fatalf("no %s check named %q in\n%s", kind, name, b.String())
	return Check{}
}

// record is one decoded line of the fixture.
type record struct {
	m    map[string]any
	ms   int64
	line int
}

func readRecords(t testing.TB, path string) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		ts, err := time.Parse(time.RFC3339Nano, m["timestamp"].(string))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, record{m: m, ms: ts.UnixMilli(), line: len(out)})
	}
	return out
}

func writeRecords(t testing.TB, path string, recs []record) {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(r.m)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// inner decodes a json(…) field of a record.
func inner(m map[string]any, k, sub string) string {
	var x map[string]any
	if json.Unmarshal([]byte(str(m, k)), &x) != nil {
		return ""
	}
	s, _ := x[sub].(string)
	return s
}

// chi2 is Pearson's statistic, computed here independently.
func chi2(obs []int64, probs []float64) float64 {
	var n int64
	for _, o := range obs {
		n += o
	}
	s := 0.0
	for i, p := range probs {
		e := float64(n) * p
		s += (float64(obs[i]) - e) * (float64(obs[i]) - e) / e
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// sessions groups the fixture's records by session, in time order.
func sessions(recs []record) [][]record {
	by := map[string]int{}
	var out [][]record
	for _, r := range recs {
		id := str(r.m, "session_id")
		i, ok := by[id]
		if !ok {
			i = len(out)
			by[id] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	for _, s := range out {
		sort.SliceStable(s, func(a, b int) bool { return s[a].ms < s[b].ms })
	}
	return out
}

// TestReportMatchesIndependentStatistics recomputes each kind of check
// from the raw JSON lines with plain code and compares the numbers.
func TestReportMatchesIndependentStatistics(t *testing.T) {
	plan := shopPlan(t)
	r := buildReport(t, plan, plan.Introspect(), shopJSONL)
	recs := readRecords(t, shopJSONL)
	loc, _ := time.LoadLocation("Europe/Berlin")
	end := time.Date(2025, 3, 31, 0, 0, 0, 0, loc).UnixMilli()
	// Records this close to the end count in no transition (Censoring).
	cut := end - endMargin(t, plan.Introspect(), "visit")
	if r.Records != len(recs) || r.Failed() != 0 {
		t.Fatalf("%d records (want %d), %d failed checks", r.Records, len(recs), r.Failed())
	}

	t.Run("categorical device", func(t *testing.T) {
		labels := []string{"ios", "android", "web"}
		probs := []float64{0.3, 0.5, 0.2}
		obs := make([]int64, 3)
		for _, rc := range recs {
			if str(rc.m, "event_name") == "home" {
				for i, l := range labels {
					if str(rc.m, "device") == l {
						obs[i]++
					}
				}
			}
		}
		c := findCheck(t, r, Categorical, "home: device")
		want := chi2(obs, probs)
		if !near(c.Stat, want) || c.DF != 2 || !near(c.P, stats.ChiSquareSF(want, 2)) || c.N != obs[0]+obs[1]+obs[2] {
			t.Errorf("report chi2=%v df=%d p=%v n=%d; independently chi2=%v p=%v counts=%v", c.Stat, c.DF, c.P, c.N, want, stats.ChiSquareSF(want, 2), obs)
		}
		for i, b := range c.Bars {
			if b.Count != obs[i] || !near(b.Expected, probs[i]) {
				t.Errorf("bar %s: %d (expected share %v), want %d (%v)", b.Label, b.Count, b.Expected, obs[i], probs[i])
			}
		}
	})

	t.Run("actor share tier", func(t *testing.T) {
		labels := []string{"gold", "silver", "bronze"}
		probs := []float64{1.0 / 6, 2.0 / 6, 3.0 / 6}
		obs := make([]int64, 3)
		seen := map[string]bool{}
		for _, rc := range recs {
			u := str(rc.m, "user_id")
			if seen[u] {
				continue
			}
			seen[u] = true
			for i, l := range labels {
				if inner(rc.m, "meta", "tier") == l {
					obs[i]++
				}
			}
		}
		c := findCheck(t, r, ActorShare, "meta.tier")
		want := chi2(obs, probs)
		if !near(c.Stat, want) || c.N != int64(len(seen)) || !near(c.P, stats.ChiSquareSF(want, 2)) {
			t.Errorf("report chi2=%v n=%d; independently chi2=%v n=%d counts %v", c.Stat, c.N, want, len(seen), obs)
		}
	})

	t.Run("transitions home", func(t *testing.T) {
		obs := make([]int64, 2) // product, end
		for _, s := range sessions(recs) {
			for i, rc := range s {
				if str(rc.m, "event_name") != "home" || rc.ms >= cut {
					continue
				}
				if i+1 == len(s) {
					obs[1]++
				} else if str(s[i+1].m, "event_name") == "product" {
					obs[0]++
				}
			}
		}
		c := findCheck(t, r, Transitions, "home → next")
		want := chi2(obs, []float64{0.6, 0.4})
		if !near(c.Stat, want) || c.N != obs[0]+obs[1] {
			t.Errorf("report chi2=%v n=%d; independently chi2=%v counts %v", c.Stat, c.N, want, obs)
		}
	})

	t.Run("transitions product unless buy", func(t *testing.T) {
		obs := make([]int64, 2) // home, end
		for _, s := range sessions(recs) {
			for i, rc := range s {
				if str(rc.m, "event_name") != "product" || rc.ms >= cut {
					continue
				}
				switch {
				case i+1 == len(s):
					obs[1]++
				case str(s[i+1].m, "event_name") == "home":
					obs[0]++
				}
			}
		}
		c := findCheck(t, r, Transitions, "product → next, unless buy")
		want := chi2(obs, []float64{0.5, 0.5})
		if !near(c.Stat, want) || c.N != obs[0]+obs[1] {
			t.Errorf("report chi2=%v n=%d; independently chi2=%v counts %v", c.Stat, c.N, want, obs)
		}
	})

	t.Run("hour of day", func(t *testing.T) {
		hourly := []float64{0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
			1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35}
		weekly := []float64{0.6, 0.8, 1.0, 1.0, 1.2, 1.6, 1.4} // Monday first
		var exp [24]float64
		total := 0.0
		// Every real hour of the window (23 local hours on 2025-03-30).
		for u := time.Date(2025, 3, 3, 0, 0, 0, 0, loc).UTC(); u.UnixMilli() < end; u = u.Add(time.Hour) {
			l := u.In(loc)
			w := hourly[l.Hour()] * weekly[(int(l.Weekday())+6)%7]
			exp[l.Hour()] += w
			total += w
		}
		var obs [24]int64
		for _, s := range sessions(recs) {
			obs[time.UnixMilli(s[0].ms).In(loc).Hour()]++
		}
		c := findCheck(t, r, HourOfDay, "session starts")
		for h := range 24 {
			if c.Bars[h].Count != obs[h] || !near(c.Bars[h].Expected, exp[h]/total) {
				t.Errorf("hour %d: %d, share %v; want %d, %v", h, c.Bars[h].Count, c.Bars[h].Expected, obs[h], exp[h]/total)
			}
		}
		// Pool the hours expecting fewer than 5 sessions (rarest first,
		// until the pool expects 5).
		n := float64(len(sessions(recs)))
		idx := make([]int, 24)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return exp[idx[a]] < exp[idx[b]] })
		var po []int64
		var pp []float64
		var poolO int64
		poolE := 0.0
		k := 0
		for ; k < 24 && (n*exp[idx[k]]/total < 5 || n*poolE/total < 5); k++ {
			poolO += obs[idx[k]]
			poolE += exp[idx[k]]
		}
		for _, h := range idx[k:] {
			po = append(po, obs[h])
			pp = append(pp, exp[h]/total)
		}
		po = append(po, poolO)
		pp = append(pp, poolE/total)
		want := chi2(po, pp)
		if !near(c.Stat, want) || c.DF != len(pp)-1 {
			t.Errorf("report chi2=%v df=%d; independently %v df=%d", c.Stat, c.DF, want, len(pp)-1)
		}
	})

	t.Run("experiment metric", func(t *testing.T) {
		from := time.Date(2025, 3, 10, 0, 0, 0, 0, loc).UnixMilli()
		to := time.Date(2025, 3, 24, 0, 0, 0, 0, loc).UnixMilli()
		var k, n [3]int64 // control, treatment, outside
		for _, s := range sessions(recs) {
			for i, rc := range s {
				if str(rc.m, "event_name") != "product" || rc.ms >= cut {
					continue
				}
				d := md5.Sum([]byte(str(rc.m, "user_id")))
				g := 0
				if float64(binary.BigEndian.Uint64(d[:8]))/math.Exp2(64) >= 0.5 {
					g = 1
				}
				if rc.ms < from || rc.ms >= to {
					g = 2
				}
				n[g]++
				if i+1 < len(s) && str(s[i+1].m, "event_name") == "buy" {
					k[g]++
				}
			}
		}
		for g, name := range []string{"control", "treatment", "outside the window"} {
			c := findCheck(t, r, Metric, "= buy_p, "+name)
			b := c.Bars[0]
			// Wilson 95 %: (k + z²/2 ± z√(k(n−k)/n + z²/4)) / (n + z²).
			z := 1.959963984540054
			kk, nn := float64(k[g]), float64(n[g])
			mid := (kk + z*z/2) / (nn + z*z)
			half := z * math.Sqrt(kk*(nn-kk)/nn+z*z/4) / (nn + z*z)
			if b.Count != k[g] || c.N != n[g] || math.Abs(b.Lo-(mid-half)) > 1e-9 || math.Abs(b.Hi-(mid+half)) > 1e-9 {
				t.Errorf("%s: %d/%d [%v, %v]; independently %d/%d [%v, %v]", name, b.Count, c.N, b.Lo, b.Hi, k[g], n[g], mid-half, mid+half)
			}
			p := []float64{0.15, 0.35, 0.15}[g]
			zz := (kk - nn*p) / math.Sqrt(nn*p*(1-p))
			if !near(c.Stat, math.Abs(zz)) {
				t.Errorf("%s: |z| %v, independently %v", name, c.Stat, math.Abs(zz))
			}
		}
	})
}

// TestReportStateShares recomputes each state's share of the records per
// group inside the experiment's window.
func TestReportStateShares(t *testing.T) {
	plan := shopPlan(t)
	r := buildReport(t, plan, plan.Introspect(), shopJSONL)
	if len(r.Shares) != 1 {
		t.Fatalf("%d share tables", len(r.Shares))
	}
	sh := r.Shares[0]
	loc, _ := time.LoadLocation("Europe/Berlin")
	from := time.Date(2025, 3, 10, 0, 0, 0, 0, loc).UnixMilli()
	to := time.Date(2025, 3, 24, 0, 0, 0, 0, loc).UnixMilli()
	var n [2]int64
	k := map[string]*[2]int64{}
	for _, rc := range readRecords(t, shopJSONL) {
		if rc.ms < from || rc.ms >= to {
			continue
		}
		d := md5.Sum([]byte(str(rc.m, "user_id")))
		g := 0
		if float64(binary.BigEndian.Uint64(d[:8]))/math.Exp2(64) >= 0.5 {
			g = 1
		}
		n[g]++
		st := str(rc.m, "event_name")
		if k[st] == nil {
			k[st] = &[2]int64{}
		}
		k[st][g]++
	}
	if !reflect.DeepEqual(sh.States, []string{"home", "product", "buy"}) || sh.Records[0] != n[0] || sh.Records[1] != n[1] {
		t.Fatalf("states %v, records %v; want %v", sh.States, sh.Records, n)
	}
	for si, st := range sh.States {
		for g := range 2 {
			b := sh.Bars[si][g]
			lo, hi := stats.WilsonInterval(k[st][g], n[g], 0.95)
			if b.Count != k[st][g] || !near(b.Observed, float64(k[st][g])/float64(n[g])) || b.Lo != lo || b.Hi != hi {
				t.Errorf("%s, %s: %+v; want %d/%d", st, sh.Groups[g], b, k[st][g], n[g])
			}
		}
	}
}

// TestReportGolden pins the text summary of the fixture.
func TestReportGolden(t *testing.T) {
	plan := shopPlan(t)
	r := buildReport(t, plan, plan.Introspect(), shopJSONL)
	var b bytes.Buffer
	r.WriteText(&b)
	path := filepath.Join("testdata", "shop_report.txt")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("report differs from %s (go test ./report -update if intended):\n%s", path, b.String())
	}
}

// TestReportFormats: the same run read as JSONL, CSV and Parquet gives the
// same checks and numbers.
func TestReportFormats(t *testing.T) {
	plan := shopPlan(t)
	text := func(file string) string {
		r := buildReport(t, plan, plan.Introspect(), file)
		r.Files = nil
		var b strings.Builder
		r.WriteText(&b)
		return b.String()
	}
	ref := text(shopJSONL)
	// A Parquet sink's file whose path ends in .jsonl or .csv is read as
	// Parquet by its first bytes (PAR1), JSON-text columns decoded as from
	// a .parquet; it used to be read as text: "not UTF-8 text (byte 0x…)".
	pq, err := os.ReadFile("testdata/shop/events.parquet")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	misnamed := []string{filepath.Join(dir, "events.jsonl"), filepath.Join(dir, "events.csv"), filepath.Join(dir, "events.ndjson")}
	for _, f := range misnamed {
		if err := os.WriteFile(f, pq, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range append([]string{"testdata/shop/events.csv", "testdata/shop/events.parquet"}, misnamed...) {
		if got := text(f); got != ref {
			t.Errorf("%s:\n%s\nJSONL:\n%s", f, got, ref)
		}
	}
}

// TestReportFailsOnWrongOutput: deliberately wrong outputs fail the check
// they break.
func TestReportFailsOnWrongOutput(t *testing.T) {
	plan := shopPlan(t)
	swap := func(m map[string]any, k, a, b string) {
		switch str(m, k) {
		case a:
			m[k] = b
		case b:
			m[k] = a
		}
	}
	swapInner := func(m map[string]any, k, sub, a, b string) {
		var x map[string]any
		if json.Unmarshal([]byte(str(m, k)), &x) != nil {
			return
		}
		switch x[sub] {
		case a:
			x[sub] = b
		case b:
			x[sub] = a
		}
		enc, _ := json.Marshal(x)
		m[k] = string(enc)
	}
	setTime := func(rc *record, ms int64) {
		rc.ms = ms
		rc.m["timestamp"] = time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	for _, tc := range []struct {
		name   string
		mutate func(recs []record, rng *rand.Rand) []record
		kind   Kind
		check  string
	}{
		{"shuffled hours", func(recs []record, rng *rand.Rand) []record {
			shift := map[string]int64{}
			for i := range recs {
				id := str(recs[i].m, "session_id")
				if _, ok := shift[id]; !ok {
					shift[id] = rng.Int64N(24) * 3600000
				}
				setTime(&recs[i], recs[i].ms+shift[id])
			}
			return recs
		}, HourOfDay, "session starts"},
		{"weekdays shifted by three days", func(recs []record, rng *rand.Rand) []record {
			for i := range recs {
				setTime(&recs[i], recs[i].ms+3*86400000)
			}
			return recs
		}, Weekday, "session starts"},
		{"device labels swapped", func(recs []record, rng *rand.Rand) []record {
			for _, rc := range recs {
				swap(rc.m, "device", "ios", "android")
			}
			return recs
		}, Categorical, "home: device"},
		{"an undeclared device", func(recs []record, rng *rand.Rand) []record {
			for _, rc := range recs {
				if str(rc.m, "device") == "web" && rng.IntN(10) == 0 {
					rc.m["device"] = "blackberry"
				}
			}
			return recs
		}, Categorical, "home: device"},
		{"tiers swapped", func(recs []record, rng *rand.Rand) []record {
			for _, rc := range recs {
				swapInner(rc.m, "meta", "tier", "gold", "bronze")
			}
			return recs
		}, ActorShare, "meta.tier"},
		{"experiment groups swapped", func(recs []record, rng *rand.Rand) []record {
			for _, rc := range recs {
				swapInner(rc.m, "meta", "group", "control", "treatment")
			}
			return recs
		}, Assignment, "checkout"},
		{"sessions that end at home dropped", func(recs []record, rng *rand.Rand) []record {
			var out []record
			for _, s := range sessions(recs) {
				if len(s) > 1 {
					out = append(out, s...)
				}
			}
			return out
		}, Transitions, "home → next"},
		{"buys dropped", func(recs []record, rng *rand.Rand) []record {
			var out []record
			for _, rc := range recs {
				if str(rc.m, "event_name") != "buy" || rng.IntN(2) == 0 {
					out = append(out, rc)
				}
			}
			return out
		}, Metric, "treatment"},
		{"sessions starting with product", func(recs []record, rng *rand.Rand) []record {
			for _, s := range sessions(recs) {
				if rng.IntN(20) == 0 {
					s[0].m["event_name"] = "product"
				}
			}
			return recs
		}, Initial, "starts in home"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := readRecords(t, shopJSONL)
			recs = tc.mutate(recs, rand.New(rand.NewPCG(1, 2)))
			sort.SliceStable(recs, func(a, b int) bool { return recs[a].ms < recs[b].ms })
			path := filepath.Join(t.TempDir(), "events.jsonl")
			writeRecords(t, path, recs)
			r := buildReport(t, plan, plan.Introspect(), path)
			c := findCheck(t, r, tc.kind, tc.check)
			if c.Pass {
				t.Errorf("%s passed on a wrong output: %s", c.Name, c.Detail)
			}
		})
	}
	t.Run("the untouched output passes", func(t *testing.T) {
		recs := readRecords(t, shopJSONL)
		path := filepath.Join(t.TempDir(), "events.jsonl")
		writeRecords(t, path, recs)
		if r := buildReport(t, plan, plan.Introspect(), path); r.Failed() != 0 {
			var b strings.Builder
			r.WriteText(&b)
			t.Fatal(b.String())
		}
	})
}

// TestReportConstraintGaps counts per-actor gaps below a constraint's
// minimum, against an independent count.
func TestReportConstraintGaps(t *testing.T) {
	plan := shopPlan(t)
	recs := readRecords(t, shopJSONL)
	per := map[string][]int64{}
	for _, rc := range recs {
		u := str(rc.m, "user_id")
		per[u] = append(per[u], rc.ms)
	}
	loc, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		name   string
		minGap int64
	}{{"4 s", 4000}, {"30 s", 30000}, {"10 min", 600000}, {"1 day", 86400000}} {
		t.Run("min gap "+tc.name, func(t *testing.T) {
			var bad, pairs int64
			for _, ts := range per {
				sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
				for i := 1; i < len(ts); i++ {
					pairs++
					if ts[i]-ts[i-1] < tc.minGap {
						bad++
					}
				}
			}
			spec := plan.Introspect()
			spec.Constraints = []engine.ConstraintSpec{{Name: "pace", Entity: "user", Flows: []string{"visit"}, MinGap: tc.minGap}}
			c := findCheck(t, buildReport(t, plan, spec, shopJSONL), Constraint, "pace: min gap")
			if int64(c.Stat) != bad || c.N != pairs || c.Pass != (bad == 0) {
				t.Errorf("report: %v violations of %d pairs (pass %v); independently %d of %d", c.Stat, c.N, c.Pass, bad, pairs)
			}
		})
	}
	for _, most := range []int64{2, 5, 40} {
		t.Run(fmt.Sprintf("at most %d a day", most), func(t *testing.T) {
			var busy, days int64
			for _, ts := range per {
				n := map[string]int64{}
				for _, x := range ts {
					n[time.UnixMilli(x).In(loc).Format("2006-01-02")]++
				}
				for _, c := range n {
					days++
					if c > most {
						busy++
					}
				}
			}
			spec := plan.Introspect()
			spec.Constraints = []engine.ConstraintSpec{{Name: "pace", Flows: []string{"visit"}, MaxPerDay: most}}
			c := findCheck(t, buildReport(t, plan, spec, shopJSONL), Constraint, "pace: at most")
			if int64(c.Stat) != busy || c.N != days || c.Pass != (busy == 0) {
				t.Errorf("report: %v of %d actor-days (pass %v); independently %d of %d", c.Stat, c.N, c.Pass, busy, days)
			}
		})
	}
	for _, q := range [][2]int{{22 * 60, 7 * 60}, {0, 5*60 + 30}, {3 * 60, 3*60 + 1}} {
		t.Run(fmt.Sprintf("quiet %d-%d", q[0], q[1]), func(t *testing.T) {
			var in int64
			for _, rc := range recs {
				l := time.UnixMilli(rc.ms).In(loc)
				m := l.Hour()*60 + l.Minute()
				if (q[0] <= q[1] && m >= q[0] && m < q[1]) || (q[0] > q[1] && (m >= q[0] || m < q[1])) {
					in++
				}
			}
			spec := plan.Introspect()
			spec.Constraints = []engine.ConstraintSpec{{Name: "night", Flows: []string{"visit"}, Quiet: true, QuietFrom: q[0], QuietTo: q[1]}}
			c := findCheck(t, buildReport(t, plan, spec, shopJSONL), Constraint, "night: quiet")
			if int64(c.Stat) != in || c.N != int64(len(recs)) || c.Pass != (in == 0) {
				t.Errorf("report: %v of %d in quiet hours (pass %v); independently %d", c.Stat, c.N, c.Pass, in)
			}
		})
	}
}

// TestReportBankConstraints runs scenarios/bank.hcl (whose legit flows
// carry min_gap and max_per_day constraints) and checks that the report
// finds them kept, and finds a transaction moved too close to the one
// before it.
func TestReportBankConstraints(t *testing.T) {
	sc, diags := dsl.Load("../scenarios/bank.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{Vars: map[string]string{"clients": "150", "rows_per_file": "100000000"}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, Sinks: []string{"transactions"}}); err != nil {
		t.Fatal(err)
	}
	files, _, err := ExpandPaths([]string{dir}, "")
	if err != nil || len(files) != 1 || !strings.Contains(filepath.Base(files[0]), "transactions") {
		t.Fatalf("transactions files: %v %v", files, err)
	}
	opts := Options{Stream: "transactions"}
	build := func(path string) *Report {
		in, err := ReadInput([]string{path})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Build(plan.Introspect(), in, opts)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := build(files[0])
	gap := findCheck(t, r, Constraint, "legit_spacing: min gap")
	day := findCheck(t, r, Constraint, "legit_spacing: at most")
	if !gap.Pass || !day.Pass || gap.N < 1000 {
		t.Fatalf("bank's own output: %s: %s; %s: %s", gap.Name, gap.Detail, day.Name, day.Detail)
	}
	// Move one legit transaction to a minute after its client's previous one.
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	head := strings.Split(lines[0], ",")
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return -1
	}
	tc, cc, fc := col("timestamp"), col("client_id"), col("is_fraud")
	last := map[string]string{}
	moved := false
	for i := 1; i < len(lines) && !moved; i++ {
		f := strings.Split(lines[i], ",")
		if f[fc] != "false" {
			continue
		}
		if prev, ok := last[f[cc]]; ok {
			pt, err := time.Parse(time.RFC3339Nano, prev)
			if err != nil {
				t.Fatal(err)
			}
			f[tc] = pt.Add(time.Minute).Format("2006-01-02T15:04:05.000Z07:00")
			lines[i] = strings.Join(f, ",")
			moved = true
		}
		last[f[cc]] = f[tc]
	}
	bad := filepath.Join(t.TempDir(), "transactions.csv")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := findCheck(t, build(bad), Constraint, "legit_spacing: min gap")
	if c.Pass || c.Stat != 1 {
		t.Errorf("a 1-minute gap: %s", c.Detail)
	}
}

func TestJSONPath(t *testing.T) {
	doc := `{"a": {"b": "x\"y", "n": 12.5, "z": null}, "l": [1, {"q": "}"}], "s": "t", "e\u0041": true}`
	for _, tc := range []struct {
		path []string
		want string
		ok   bool
	}{
		{[]string{"a", "b"}, `x"y`, true},
		{[]string{"a", "n"}, "12.5", true},
		{[]string{"a", "z"}, "", true},
		{[]string{"l"}, `[1, {"q": "}"}]`, true},
		{[]string{"s"}, "t", true},
		{[]string{"eA"}, "true", true},
		{[]string{"a", "missing"}, "", false},
		{[]string{"s", "deeper"}, "", false},
	} {
		got, ok := jsonPath(doc, tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v: %q %v, want %q %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

// TestReportClickstream: sessions capped by a max_events drawn per session
// (their ends are not transitions), and a single-emit stream; swapping two
// url labels fails the url check.
func TestReportClickstream(t *testing.T) {
	sc, diags := dsl.Load("../scenarios/clickstream.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{Vars: map[string]string{"users": "400"}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "clickstream", "events.jsonl")
	r := buildReport(t, plan, plan.Introspect(), path)
	if r.Failed() != 0 {
		var b strings.Builder
		r.WriteText(&b)
		t.Fatal(b.String())
	}
	for _, want := range []struct {
		kind Kind
		name string
	}{{Categorical, "url"}, {Categorical, "event_type"}, {Initial, "starts in event"}, {Transitions, "event → next"}} {
		findCheck(t, r, want.kind, want.name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	swapped := strings.NewReplacer(`"url":"/product"`, `"url":"/home"`, `"url":"/home"`, `"url":"/product"`).Replace(string(data))
	bad := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(bad, []byte(swapped), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := findCheck(t, buildReport(t, plan, plan.Introspect(), bad), Categorical, "url"); c.Pass {
		t.Errorf("swapped urls pass: %s", c.Detail)
	}
}
