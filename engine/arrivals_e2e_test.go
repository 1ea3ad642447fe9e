package engine_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestArrivalRateEndToEnd: a run's number of sessions is Poisson with mean
// actors × rate × window, for actors arriving from a few times a day to a
// hundred times a second (where truncating each arrival to the millisecond
// once made 5 % too many). z-tested (|z| < 3.89); a count 2 % higher must
// be rejected.
func TestArrivalRateEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actors  int
		perDay  float64
		seconds int
	}{
		{"100 a second", 100, 8.64e6, 20},
		{"10 a second", 200, 8.64e5, 100},
		{"5 a day", 20000, 5, 86400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			end := fmt.Sprintf("2025-01-01T%02d:%02d:%02d", tc.seconds/3600, tc.seconds/60%60, tc.seconds%60)
			if tc.seconds == 86400 {
				end = "2025-01-02T00:00:00"
			}
			src := fmt.Sprintf(`
scenario "r" {
  start = "2025-01-01T00:00:00"
  end   = %q
}
entity "u" {
  count = %d
}
flow "f" {
  actor = entity.u
  session {
    arrivals   = arrivals(%g)
    max_events = 1
  }
  initial = "a"
  state "a" {
    emit "e" { t = event.time }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`, end, tc.actors, tc.perDay)
			path := filepath.Join(dir, "r.hcl")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := runTo(t, path, 20250101, nil, engine.RunOptions{OutDir: filepath.Join(dir, "out")})
			n := bytes.Count(readFile(t, filepath.Join(out, "e.jsonl")), []byte("\n"))
			mean := float64(tc.actors) * tc.perDay * float64(tc.seconds) / 86400
			if z := (float64(n) - mean) / math.Sqrt(mean); math.Abs(z) > 3.89 {
				t.Errorf("%d sessions, want %.0f: z = %.2f", n, mean, z)
			}
			if z := (float64(n) - 1.02*mean) / math.Sqrt(1.02*mean); math.Abs(z) < 4.89 {
				t.Errorf("the test cannot tell a rate 2 %% higher apart: z = %.2f", z)
			}
			t.Logf("%d sessions, expected %.0f", n, mean)
		})
	}
}
