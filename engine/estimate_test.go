package engine_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestEstimateClickstream compares Plan.Estimate with real runs of
// scenarios/clickstream.hcl: exact when the sample covers every actor, and
// within four standard errors (and 12 %) of the run when it does not.
func TestEstimateClickstream(t *testing.T) {
	for _, tc := range []struct {
		name   string
		users  string
		sample int64
		exact  bool
	}{
		{"exact: sample covers all users", "300", 300, true},
		{"exact: sample above the count", "120", 1000, true},
		{"sampled 500 of 3000", "3000", 500, false},
		{"sampled 250 of 1500", "1500", 250, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"users": tc.users}
			seed := uint64(5)
			plan := compileFile(t, clickstream, &seed, vars)
			est, err := plan.Estimate(context.Background(), tc.sample)
			if err != nil {
				t.Fatal(err)
			}
			if est.Exact != tc.exact || len(est.Streams) != 1 || est.Streams[0].Stream != "events" {
				t.Fatalf("estimate %+v", est)
			}
			data := readFile(t, clickOut(runTo(t, clickstream, seed, vars, engine.RunOptions{Workers: 2})))
			records := float64(bytes.Count(data, []byte("\n")))
			s := est.Streams[0]
			if tc.exact {
				if s.Records != records || s.Bytes != float64(len(data)) || s.RelErr != 0 {
					t.Fatalf("exact estimate %.0f records, %.0f bytes, ±%g; the run wrote %.0f records, %d bytes",
						s.Records, s.Bytes, s.RelErr, records, len(data))
				}
				return
			}
			if !(s.RelErr > 0.005 && s.RelErr < 0.1) {
				t.Fatalf("relative standard error %g is implausible for %d sampled users", s.RelErr, tc.sample)
			}
			dev := math.Abs(s.Records-records) / records
			if dev > 4*s.RelErr || dev > 0.12 {
				t.Errorf("estimated %.0f records (± %.1f%%), the run wrote %.0f (off by %.1f%%)", s.Records, 100*s.RelErr, records, 100*dev)
			}
			if bdev := math.Abs(s.Bytes-float64(len(data))) / float64(len(data)); bdev > 4*s.RelErr || bdev > 0.12 {
				t.Errorf("estimated %.0f bytes, the run wrote %d (off by %.1f%%)", s.Bytes, len(data), 100*bdev)
			}
			// Analytically: 5.5 sessions × 25.5 events per user.
			n := float64(plan.Entities[0].Count)
			if a := math.Abs(s.Records-140.25*n) / (140.25 * n); a > 4*s.RelErr {
				t.Errorf("estimated %.0f records, analytically %.0f (off by %.1f%%)", s.Records, 140.25*n, 100*a)
			}
		})
	}
}

// TestEstimateDescribe checks the words of scen plan's estimate.
func TestEstimateDescribe(t *testing.T) {
	seed := uint64(5)
	for _, tc := range []struct {
		users, want string
		sample      int64
	}{
		{"3000", "expected output (estimated by simulating 100 of 3 000 user actors over the whole window; ± one standard error)\n  events               ≈", 100},
		{"40", "expected output (exact: all actors (40 user) simulated)\n  events               ", 100},
	} {
		plan := compileFile(t, clickstream, &seed, map[string]string{"users": tc.users})
		est, err := plan.Estimate(context.Background(), tc.sample)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		est.Describe(&b)
		if !strings.Contains(b.String(), tc.want) || !strings.Contains(b.String(), "as JSONL (") {
			t.Errorf("users=%s:\n%s\nlacks %q", tc.users, b.String(), tc.want)
		}
	}
}

// TestEstimateRecipe: scen plan's estimate of recipe.hcl is about the
// documented 1 M events. (How long it takes is BenchmarkEstimateRecipe's
// business: timings are benchmarks, never test assertions.)
func TestEstimateRecipe(t *testing.T) {
	plan := compileFile(t, "../scenarios/recipe.hcl", nil, nil)
	est, err := plan.Estimate(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	s := est.Streams[0]
	t.Logf("recipe: ≈%.0f records ± %.1f%%, %.0f bytes", s.Records, 100*s.RelErr, s.Bytes)
	// docs/recipe.md: about 1 M events with the default 1 240 users.
	if s.Records < 0.8e6 || s.Records > 1.25e6 {
		t.Errorf("recipe estimate %.0f records, want about 1 M", s.Records)
	}
}

func BenchmarkEstimateRecipe(b *testing.B) {
	plan := compileFile(b, "../scenarios/recipe.hcl", nil, nil)
	for b.Loop() {
		if _, err := plan.Estimate(context.Background(), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEstimateChildEntities: bank.hcl has child entities (merchants per
// city, devices per client) whose actors come with their root actor; the
// estimate scales their records like the root's, and is exact where the
// sample covers the roots. Preview, which rewires the plan the same way,
// works on it too.
func TestEstimateChildEntities(t *testing.T) {
	vars := map[string]string{"clients": "240", "rows_per_file": "100000000"}
	plan := compileFile(t, "../scenarios/bank.hcl", nil, vars)
	est, err := plan.Estimate(context.Background(), 120)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]engine.StreamEstimate{}
	for _, s := range est.Streams {
		got[s.Stream] = s
	}
	res, err := compileFile(t, "../scenarios/bank.hcl", nil, vars).Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range res.Sinks {
		s := got[sr.Name] // each sink is named after its stream
		real := float64(sr.Records)
		dev := math.Abs(s.Records-real) / real
		switch {
		case sr.Name == "merchants" || sr.Name == "clients":
			if s.RelErr != 0 || s.Records != real {
				t.Errorf("%s: estimated %.1f ± %.3f, the run wrote %.0f (the roots are covered or fixed)", sr.Name, s.Records, s.RelErr, real)
			}
		case dev > 4*s.RelErr || dev > 0.15:
			t.Errorf("%s: estimated %.0f ± %.1f%%, the run wrote %.0f", sr.Name, s.Records, 100*s.RelErr, real)
		}
	}
	recs, err := plan.Preview(context.Background(), "transactions", 5, nil)
	if err != nil || len(recs) != 5 {
		t.Fatalf("preview of bank: %d records, %v", len(recs), err)
	}
}

// TestEstimateBytesFormat: an exact estimate's bytes are what the sinks
// write, in their format: bank's streams go to CSV files only, and were
// measured as JSON lines (304 MB estimated for 160 MB of CSV).
func TestEstimateBytesFormat(t *testing.T) {
	for _, tc := range []struct {
		path   string
		vars   map[string]string
		format string
	}{
		{"../scenarios/clickstream.hcl", map[string]string{"users": "20"}, "JSONL"},
		{"../scenarios/bank.hcl", map[string]string{"clients": "20"}, "CSV"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			plan := compileFile(t, tc.path, nil, tc.vars)
			est, err := plan.Estimate(context.Background(), 1000)
			if err != nil || !est.Exact {
				t.Fatalf("exact: %v, %v", est != nil && est.Exact, err)
			}
			res, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			written := map[string]int64{}
			for i, s := range res.Sinks {
				written[plan.Sinks[i].Stream.Name] += s.Bytes
			}
			for _, s := range est.Streams {
				// A CSV file adds its header row, which the estimate leaves out.
				if s.Format != tc.format || s.Bytes > float64(written[s.Stream]) || float64(written[s.Stream])-s.Bytes > 1024 {
					t.Errorf("stream %s: %.0f bytes as %s estimated, %d written", s.Stream, s.Bytes, s.Format, written[s.Stream])
				}
			}
		})
	}
}
