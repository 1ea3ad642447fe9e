package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
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
