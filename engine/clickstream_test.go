package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
)

const clickstream = "../scenarios/clickstream.hcl"

func clickOut(dir string) string { return filepath.Join(dir, "clickstream", "events.jsonl") }

func TestClickstreamGolden(t *testing.T) {
	dir := runTo(t, clickstream, 1, map[string]string{"users": "3"}, engine.RunOptions{Workers: 2})
	golden(t, "clickstream_users3_seed1.jsonl", readFile(t, clickOut(dir)))
}

// TestClickstreamDeterminism: the same seed gives the same bytes, whatever
// the number of workers.
func TestClickstreamDeterminism(t *testing.T) {
	vars := map[string]string{"users": "1500"}
	ref := readFile(t, clickOut(runTo(t, clickstream, 7, vars, engine.RunOptions{Workers: 1})))
	if len(ref) == 0 {
		t.Fatal("no output")
	}
	for _, tc := range []struct {
		name    string
		workers int
	}{{"again-1-worker", 1}, {"2-workers", 2}, {"3-workers", 3}, {"8-workers", 8}} {
		t.Run(tc.name, func(t *testing.T) {
			got := readFile(t, clickOut(runTo(t, clickstream, 7, vars, engine.RunOptions{Workers: tc.workers})))
			if !bytes.Equal(got, ref) {
				t.Fatalf("output with %d workers differs from 1 worker (%d vs %d bytes)", tc.workers, len(got), len(ref))
			}
		})
	}
	t.Run("other-seed-differs", func(t *testing.T) {
		got := readFile(t, clickOut(runTo(t, clickstream, 8, vars, engine.RunOptions{Workers: 2})))
		if bytes.Equal(got, ref) {
			t.Fatal("a different seed gave the same output")
		}
	})
}

// TestClickstreamShardUnion: N shards together are exactly the single run:
// the same multiset of lines, and the same bytes after a time-ordered merge.
func TestClickstreamShardUnion(t *testing.T) {
	vars := map[string]string{"users": "999"}
	ref := readFile(t, clickOut(runTo(t, clickstream, 11, vars, engine.RunOptions{Workers: 2})))
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d-shards", n), func(t *testing.T) {
			dir := t.TempDir()
			for i := 0; i < n; i++ {
				runTo(t, clickstream, 11, vars, engine.RunOptions{OutDir: dir, Workers: 2, Shard: i, Shards: n})
			}
			files, _ := filepath.Glob(filepath.Join(dir, "clickstream", "events.shard-*-of-*.jsonl"))
			if len(files) != n {
				t.Fatalf("want %d shard files, got %v", n, files)
			}
			var all []string
			for _, f := range files {
				all = append(all, strings.SplitAfter(string(readFile(t, f)), "\n")...)
			}
			// Merge by (timestamp, user number) — the engine's order key.
			key := func(l string) (string, int) {
				var u int
				fmt.Sscanf(l[strings.Index(l, "UID-")+4:], "%d", &u)
				ts := l[strings.Index(l, `"timestamp":"`)+13:]
				return ts[:29], u
			}
			all = nonEmpty(all)
			sort.SliceStable(all, func(i, j int) bool {
				ti, ui := key(all[i])
				tj, uj := key(all[j])
				if ti != tj {
					return ti < tj
				}
				return ui < uj
			})
			if got := strings.Join(all, ""); got != string(ref) {
				t.Fatalf("the merged shards differ from the single run (%d vs %d bytes)", len(got), len(ref))
			}
		})
	}
}

func nonEmpty(l []string) []string {
	out := l[:0]
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// TestClickstreamShape checks the tutorial's structure: ids, gaps inside a
// session, sessions and events per user within 1..max, and the declared
// weights (chi-square at a fixed seed).
func TestClickstreamShape(t *testing.T) {
	recs := jsonLines(t, clickOut(runTo(t, clickstream, 3, map[string]string{"users": "4000"}, engine.RunOptions{Workers: 2})))
	if len(recs) < 100000 {
		t.Fatalf("only %d records", len(recs))
	}
	uid := regexp.MustCompile(`^UID-[1-9][0-9]*$`)
	sid := regexp.MustCompile(`^s-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	eid := regexp.MustCompile(`^e-[0-9a-f]{32}$`)
	urls := []string{"/product", "/category", "/home", "/contact", "/cart", "/order"}
	urlW := []float64{30, 10, 5, 2, 5, 1}
	types := []string{"page_view", "click", "add_to_cart", "submit"}
	typeW := []float64{30, 15, 6, 2}
	urlN := make([]int64, len(urls))
	typeN := make([]int64, len(types))
	type sess struct {
		user  string
		last  time.Time
		count int
	}
	sessions := map[string]*sess{}
	perUser := map[string]map[string]bool{}
	eids := map[string]bool{}
	for _, r := range recs {
		u, s, e := r["user_id"].(string), r["session_id"].(string), r["event_id"].(string)
		if !uid.MatchString(u) || !sid.MatchString(s) || !eid.MatchString(e) {
			t.Fatalf("bad ids in %v", r)
		}
		if eids[e] {
			t.Fatalf("duplicate event id %s", e)
		}
		eids[e] = true
		ts, err := time.Parse(time.RFC3339Nano, r["timestamp"].(string))
		if err != nil {
			t.Fatal(err)
		}
		st := sessions[s]
		if st == nil {
			st = &sess{user: u}
			sessions[s] = st
			if perUser[u] == nil {
				perUser[u] = map[string]bool{}
			}
			perUser[u][s] = true
		} else {
			if st.user != u {
				t.Fatalf("session %s has two users", s)
			}
			gap := ts.Sub(st.last)
			if gap < 5*time.Second || gap > 200*time.Second || gap%time.Second != 0 {
				t.Fatalf("gap %v in session %s outside the tutorial's 5-200 s", gap, s)
			}
		}
		st.last = ts
		st.count++
		urlN[indexOf(urls, r["url"].(string))]++
		typeN[indexOf(types, r["event_type"].(string))]++
	}
	for s, st := range sessions {
		if st.count < 1 || st.count > 50 {
			t.Fatalf("session %s has %d events", s, st.count)
		}
	}
	for u, ss := range perUser {
		if len(ss) < 1 || len(ss) > 10 {
			t.Fatalf("user %s has %d sessions", u, len(ss))
		}
	}
	for _, tc := range []struct {
		name string
		obs  []int64
		w    []float64
	}{{"url", urlN, urlW}, {"event_type", typeN, typeW}} {
		stat, df, p := stats.ChiSquareGOF(tc.obs, tc.w)
		if p < 1e-3 {
			t.Errorf("%s: chi-square %.2f (df %d), p = %.2g: counts %v do not follow weights %v", tc.name, stat, df, p, tc.obs, tc.w)
		}
		// Power check: the same counts must reject a slightly wrong weight vector.
		wrong := append([]float64(nil), tc.w...)
		wrong[0] *= 1.05
		if _, _, p := stats.ChiSquareGOF(tc.obs, wrong); p > 1e-6 {
			t.Errorf("%s: the test cannot tell a 5%% change in the first weight (p = %.2g)", tc.name, p)
		}
	}
}

func indexOf(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	panic("unexpected value " + s)
}

// TestWindowContinuity: a run restricted to [start, mid) followed by one
// restricted to [mid, end) writes exactly the single run's records — what a
// stream that follows a backfill must do. Flows with arrivals() and
// timing constraints (recipe, bank) draw their next session ahead of the
// current one, so the cut must not end the simulation, only the writing.
func TestWindowContinuity(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		vars       map[string]string
	}{
		{"clickstream", clickstream, map[string]string{"users": "400"}},
		{"recipe", "../scenarios/recipe.hcl", map[string]string{"users": "40"}},
		{"bank", "../scenarios/bank.hcl", map[string]string{"clients": "200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seed := uint64(5)
			full := windowRecords(t, runTo(t, tc.path, seed, tc.vars, engine.RunOptions{Workers: 2}))
			plan := compileFile(t, tc.path, &seed, tc.vars)
			mid := plan.Start + (plan.End-plan.Start)/3
			a := windowRecords(t, runTo(t, tc.path, seed, tc.vars, engine.RunOptions{Workers: 2, To: mid}))
			b := windowRecords(t, runTo(t, tc.path, seed, tc.vars, engine.RunOptions{Workers: 1, From: mid}))
			if len(full) == 0 {
				t.Fatal("the run wrote nothing")
			}
			for stream, recs := range full {
				if len(a[stream]) == 0 && len(b[stream]) == 0 {
					t.Fatalf("%s: both windows are empty", stream)
				}
				if got := a[stream] + b[stream]; got != recs {
					t.Fatalf("%s: backfill (%d bytes) + continuation (%d bytes) != single run (%d bytes)",
						stream, len(a[stream]), len(b[stream]), len(recs))
				}
			}
			for stream := range a {
				if _, ok := full[stream]; !ok {
					t.Fatalf("%s: written by the backfill only", stream)
				}
			}
		})
	}
}

// windowRecords reads a run's output files by stream (a file's name without
// its digits: transactions-00001.csv is transactions-.csv), their records
// in file order, without CSV headers.
func windowRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name() != "manifest.json" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	out := map[string]string{}
	digits := regexp.MustCompile(`[0-9]+`)
	for _, f := range files {
		b := string(readFile(t, f))
		if strings.HasSuffix(f, ".csv") {
			if _, rest, ok := strings.Cut(b, "\n"); ok {
				b = rest
			} else {
				b = ""
			}
		}
		out[digits.ReplaceAllString(filepath.Base(f), "")] += b
	}
	return out
}

// TestPacing: --rate and --speed hold the writer back against the wall
// clock (lower bounds only: a loaded machine may be slower, never faster).
func TestPacing(t *testing.T) {
	seed := uint64(5)
	vars := map[string]string{"users": "2000"}
	from := compileFile(t, clickstream, &seed, vars).Start + 3*86400000
	for _, tc := range []struct {
		name string
		ro   engine.RunOptions
		min  time.Duration
	}{
		{"rate", engine.RunOptions{From: from, To: from + 3*86400000, Rate: 8000}, 0},
		{"speed", engine.RunOptions{From: from, To: from + 20*60000, Speed: 2400}, 450 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ro.OutDir, tc.ro.Workers = t.TempDir(), 2
			start := time.Now()
			res, err := compileFile(t, clickstream, &seed, vars).Run(context.Background(), tc.ro)
			if err != nil {
				t.Fatal(err)
			}
			min := tc.min
			if tc.ro.Rate > 0 {
				min = time.Duration(float64(res.Records-1) / tc.ro.Rate * 0.9 * float64(time.Second))
				if res.Records < 1000 {
					t.Fatalf("only %d records in the window", res.Records)
				}
			}
			if el := time.Since(start); el < min {
				t.Fatalf("%d records in %v, pacing demands at least %v", res.Records, el, min)
			}
		})
	}
}
