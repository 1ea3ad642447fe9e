package engine_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
)

// TestSliceOf: the parts of n actors tile [0, n) in order, also when
// n·p does not fit 64 bits (an entity holds up to 2^40 actors and
// --shard takes any N that fits an int).
func TestSliceOf(t *testing.T) {
	for _, tc := range []struct {
		n         int64
		p, parts  int
		wantLo    int64
		wantHi    int64
		whyItFits string
	}{
		{10, 0, 1, 0, 10, "one part"},
		{10, 0, 3, 0, 3, ""},
		{10, 1, 3, 3, 6, ""},
		{10, 2, 3, 6, 10, ""},
		{2, 3, 5, 1, 1, "more parts than actors: empty"},
		{2, 4, 5, 1, 2, ""},
		{0, 0, 4, 0, 0, "no actors"},
		// 2^40 · 33554427 wraps in 64 bits: the slice was [-163840, -131072).
		{1 << 40, 33554427, 1 << 25, 33554427 << 15, 33554428 << 15, "2^40 actors in 2^25 shards"},
		{1 << 40, 1<<25 - 1, 1 << 25, 1<<40 - 1<<15, 1 << 40, "the last of 2^25 shards"},
		{1e12, math.MaxInt - 1, math.MaxInt, 1e12 - 1, 1e12, "the last of MaxInt shards"},
		{1e12, math.MaxInt / 2, math.MaxInt, 5e11 - 1, 5e11, "the middle of MaxInt shards"},
		{math.MaxInt64, math.MaxInt - 1, math.MaxInt, math.MaxInt64 - 1, math.MaxInt64, "the largest n"},
	} {
		t.Run(fmt.Sprintf("%d/%d of %d", tc.p, tc.parts, tc.n), func(t *testing.T) {
			lo, hi := engine.SliceOf(tc.n, tc.p, tc.parts)
			if lo != tc.wantLo || hi != tc.wantHi {
				t.Errorf("SliceOf(%d, %d, %d) = [%d, %d), want [%d, %d) (%s)", tc.n, tc.p, tc.parts, lo, hi, tc.wantLo, tc.wantHi, tc.whyItFits)
			}
		})
	}
	// Shards, and the workers within each shard, tile [0, n) in order.
	for _, n := range []int64{0, 1, 2, 7, 97, 1000, 1 << 40} {
		for _, shards := range []int{1, 2, 3, 5, 150, 1 << 30} {
			for _, workers := range []int{1, 2, 3, 7} {
				next := int64(0)
				for s := 0; s < min(shards, 300); s++ {
					slo, shi := engine.SliceOf(n, s, shards)
					if shards > 300 && s == 299 {
						next = slo // only the first shards are walked
					}
					for w := 0; w < workers; w++ {
						lo, hi := engine.SliceOf(shi-slo, w, workers)
						if slo+lo != next || hi < lo {
							t.Fatalf("n=%d shard %d/%d worker %d/%d: [%d, %d), want it to start at %d", n, s, shards, w, workers, slo+lo, slo+hi, next)
						}
						next = slo + hi
					}
				}
				if shards <= 300 && next != n {
					t.Fatalf("n=%d in %d shards × %d workers: the parts end at %d", n, shards, workers, next)
				}
			}
		}
	}
}

// TestShardOfHugeEntity runs one shard of 2^40 users (32 768 of them, for
// a day): every user written belongs to the shard. Before SliceOf worked
// in 128 bits its users were numbered -163 839 to -131 072.
func TestShardOfHugeEntity(t *testing.T) {
	seed := uint64(1)
	plan := compileFile(t, clickstream, &seed, map[string]string{"users": fmt.Sprint(int64(1) << 40)})
	const shard, shards = 33554427, 1 << 25
	dir := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, Shard: shard, Shards: shards,
		To: plan.Start + 86400000}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "clickstream", "events.shard-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lo, hi := int64(shard)<<15, int64(shard+1)<<15
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		line := sc.Text()
		var u int64
		i := strings.Index(line, `"UID-`)
		if i < 0 {
			t.Fatalf("no user id in %s", line)
		}
		if _, err := fmt.Sscanf(line[i+5:], "%d", &u); err != nil || u-1 < lo || u-1 >= hi {
			t.Fatalf("user %s is not in the shard's [%d, %d): %s", line[i+1:i+30], lo+1, hi+1, line)
		}
	}
	if n == 0 {
		t.Fatal("the shard wrote nothing")
	}
}

// TestShardUnionEveryFeature: for a scenario with every feature that
// could tie one actor's output to another's (testdata/shards_all.hcl), the
// files of N shards hold, stream by stream, exactly the records of the
// single run — whatever the workers, with more shards than actors, through
// time and field partitions, rolled files, gzip, CSV and Parquet — and the
// shards' plain JSONL files merged by (timestamp, actor) are the single
// run's bytes.
func TestShardUnionEveryFeature(t *testing.T) {
	const scen = "testdata/shards_all.hcl"
	for _, tc := range []struct {
		users   int
		shards  int
		workers int
	}{
		{97, 2, 1},
		{97, 3, 3},
		{97, 7, 2},
		{5, 9, 2}, // more shards than users (and than shops): empty shards
	} {
		t.Run(fmt.Sprintf("%d-users-%d-shards-%d-workers", tc.users, tc.shards, tc.workers), func(t *testing.T) {
			vars := map[string]string{"users": fmt.Sprint(tc.users)}
			single := runTo(t, scen, 42, vars, engine.RunOptions{Workers: 2})
			sharded := t.TempDir()
			for i := 0; i < tc.shards; i++ {
				runTo(t, scen, 42, vars, engine.RunOptions{OutDir: sharded, Workers: tc.workers, Shard: i, Shards: tc.shards})
			}
			want, got := recordsByFile(t, single, 1), recordsByFile(t, sharded, tc.shards)
			if len(want) != 6 {
				t.Fatalf("the single run wrote %d kinds of file: %v", len(want), slices.Collect(maps.Keys(want)))
			}
			for k, w := range want {
				g := got[k]
				slices.Sort(w)
				slices.Sort(g)
				if len(w) == 0 || !slices.Equal(w, g) {
					t.Errorf("%s: the shards wrote %d records, the single run %d; they differ", k, len(g), len(w))
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("the shards wrote %s, which the single run did not", k)
				}
			}

			// Time-ordered merge of the shards' events.jsonl.
			ref := string(readFile(t, filepath.Join(single, "events.jsonl")))
			var lines []string
			for i := 0; i < tc.shards; i++ {
				name := filepath.Join(sharded, fmt.Sprintf("events.shard-%0*d-of-%d.jsonl", len(fmt.Sprint(tc.shards-1)), i, tc.shards))
				lines = append(lines, nonEmpty(strings.SplitAfter(string(readFile(t, name)), "\n"))...)
			}
			key := func(l string) (time.Time, int) {
				var ev struct{ User_id, Ts string }
				if err := json.Unmarshal([]byte(l), &ev); err != nil {
					t.Fatal(err)
				}
				ts, err := time.Parse(time.RFC3339, ev.Ts)
				u, err2 := strconv.Atoi(strings.TrimPrefix(ev.User_id, "U"))
				if err != nil || err2 != nil {
					t.Fatalf("%s: %v %v", l, err, err2)
				}
				return ts, u
			}
			// Stable: an actor's records are all in one shard, in its order.
			sort.SliceStable(lines, func(i, j int) bool {
				ti, ui := key(lines[i])
				tj, uj := key(lines[j])
				if !ti.Equal(tj) {
					return ti.Before(tj)
				}
				return ui < uj
			})
			if merged := strings.Join(lines, ""); merged != ref {
				t.Errorf("the merged shards' events.jsonl differs from the single run's (%d vs %d bytes)", len(merged), len(ref))
			}
		})
	}
}

// shardSuffix is what a shard adds to a file name; partNumber a rolled
// file's number.
var (
	shardSuffix = regexp.MustCompile(`\.shard-[0-9]+-of-[0-9]+`)
	partNumber  = regexp.MustCompile(`-[0-9]{5}\.`)
)

// recordsByFile reads every record file under dir (not manifests) into
// lines keyed by the file's name without its shard and part numbers,
// checking that each file of a sharded run names one of its shards.
func recordsByFile(t *testing.T, dir string, shards int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if shards > 1 && !strings.Contains(rel, fmt.Sprintf("-of-%d.", shards)) {
			t.Errorf("%s does not name its shard", rel)
		}
		top, _, _ := strings.Cut(rel, string(filepath.Separator))
		k := partNumber.ReplaceAllString(shardSuffix.ReplaceAllString(top, ""), ".")
		var lines []string
		switch {
		case strings.HasSuffix(rel, ".parquet"):
			tab, err := data.Load(path)
			if err != nil && strings.HasSuffix(err.Error(), "has no rows") {
				break // an empty shard's file (a dataset may not be empty)
			}
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			for _, r := range tab.Rows {
				cells := make([]string, len(r))
				for i, v := range r {
					cells[i] = tab.Columns[i] + "=" + v.String()
				}
				lines = append(lines, strings.Join(cells, ","))
			}
		default:
			b := readFile(t, path)
			if strings.HasSuffix(rel, ".gz") {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
				if b, err = io.ReadAll(zr); err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
			}
			lines = nonEmpty(strings.SplitAfter(string(b), "\n"))
			if strings.Contains(rel, ".csv") && len(lines) > 0 {
				lines = lines[1:] // every file has the header
			}
			if top == "lake" {
				// The partition is part of the record.
				for i := range lines {
					lines[i] = shardSuffix.ReplaceAllString(filepath.Dir(rel), "") + " " + lines[i]
				}
			}
		}
		out[k] = append(out[k], lines...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShardPathTokens: {{shard}} is the shard's index and {{shards}} the
// shard count, in every file sink's path; a run without --shard is shard
// 0 of 1. {{shard}} alone used to be the index only, so the shards of runs
// with different N written to one place had the same names.
func TestShardPathTokens(t *testing.T) {
	for _, tc := range []struct {
		path          string
		shard, shards int
		want          []string // the files written, sorted
	}{
		{"e-{{shard}}-of-{{shards}}.jsonl", 0, 0, []string{"e-0-of-1.jsonl"}},
		{"e-{{shard}}-of-{{shards}}.jsonl", 1, 3, []string{"e-1-of-3.jsonl"}},
		{"n={{shards}}/i={{shard}}/e.parquet", 2, 4, []string{"n=4/i=2/e.parquet"}},
		{"n={{shards}}/e.csv", 1, 2, []string{"n=2/e.shard-1-of-2.csv"}},
		{"n={{shards}}/e.csv", 0, 0, []string{"n=1/e.csv"}},
		{"e-{{shard}}.jsonl", 0, 0, []string{"e-0.jsonl"}},
	} {
		t.Run(fmt.Sprintf("%s %d/%d", tc.path, tc.shard, tc.shards), func(t *testing.T) {
			typ := strings.TrimPrefix(filepath.Ext(tc.path), ".")
			path := writeScenario(t, varsHead+`entity "u" {
  count = 5
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      n = index
    }
    next = { end = 1 }
  }
}
sink "out" {
  type   = "`+typ+`"
  stream = "events"
  path   = "`+tc.path+`"
}
`)
			dir := runTo(t, path, 1, nil, engine.RunOptions{Workers: 1, Shard: tc.shard, Shards: tc.shards})
			var got []string
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), "manifest") {
					rel, _ := filepath.Rel(dir, p)
					got = append(got, filepath.ToSlash(rel))
				}
				return nil
			})
			if !slices.Equal(got, tc.want) {
				t.Errorf("wrote %v, want %v", got, tc.want)
			}
		})
	}
}
