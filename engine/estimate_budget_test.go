package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
)

// budgetScenario is a few users with many sessions each: simulating them
// over the whole window takes far more steps than a small budget.
const budgetScenario = `
scenario "budget" {
  seed  = 7
  start = "2025-01-01T00:00:00"
  end   = "2025-01-31T00:00:00"
}
entity "user" {
  count = 4
  attributes {
    id = index
  }
}
flow "visits" {
  actor = entity.user
  session {
    arrivals = arrivals(1500)
  }
  gap     = "1s"
  initial = "a"
  state "a" {
    emit "events" {
      id = user.id
      at = event.time
    }
    next = { b = 0.5, end = 0.5 }
  }
  state "b" {
    emit "events" {
      id = user.id
      at = event.time
    }
    next = { end = 1 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "budget/events.jsonl"
}
`

// atStartScenario starts every actor's flow at the window's start.
const atStartScenario = `
scenario "at_start" {
  seed  = 1
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "user" {
  count = 5000
  attributes {
    id = index
  }
}
flow "f" {
  actor   = entity.user
  initial = "a"
  state "a" {
    emit "events" {
      id = user.id
    }
    next = { end = 1 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "at_start/events.jsonl"
}
`

func srcPlan(t *testing.T, src string) *Plan {
	t.Helper()
	sc, diags := dsl.ParseSource("test.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return p
}

func withEstimateSteps(t *testing.T, n int) {
	old := estimateSteps
	estimateSteps = n
	t.Cleanup(func() { estimateSteps = old })
}

// TestEstimateStepBudget: an estimate whose sample would take more steps
// than its budget simulates the part of the window the budget reaches and
// extrapolates; the extrapolated count agrees with a full run within four
// standard errors of the two Poisson counts involved.
func TestEstimateStepBudget(t *testing.T) {
	p := srcPlan(t, budgetScenario)
	out := t.TempDir()
	res, err := p.Run(context.Background(), RunOptions{Workers: 2, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	full := float64(res.Records)

	for _, tc := range []struct {
		name    string
		steps   int
		partial bool
	}{
		{"budget covers the run", 1 << 22, false},
		{"budget covers a few days", 1 << 15, true},
		{"budget covers hours", 1 << 12, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withEstimateSteps(t, tc.steps)
			est, err := p.Estimate(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			s := est.Streams[0]
			if est.Partial != tc.partial || est.Unknown {
				t.Fatalf("partial %v unknown %v, want partial %v", est.Partial, est.Unknown, tc.partial)
			}
			if !tc.partial {
				if !est.Exact || s.Records != full {
					t.Fatalf("exact %v: %.0f records, the run wrote %.0f", est.Exact, s.Records, full)
				}
				return
			}
			if est.Exact || est.SimulatedTo <= p.Start || est.SimulatedTo >= p.End {
				t.Fatalf("exact %v, simulated to %d in [%d, %d)", est.Exact, est.SimulatedTo, p.Start, p.End)
			}
			// The sample's own count (records before SimulatedTo) against
			// the run's records before it: exactly the same records.
			data := readAll(t, filepath.Join(out, "budget", "events.jsonl"))
			before := countBefore(t, data, est.SimulatedTo)
			if float64(s.SampledRecords) != before {
				t.Fatalf("the estimate counted %d records before %d, the run wrote %.0f", s.SampledRecords, est.SimulatedTo, before)
			}
			t.Logf("simulated %.2f%% of the window: %.0f records, extrapolated %.0f, the run %.0f", 100*float64(est.SimulatedTo-p.Start)/float64(p.End-p.Start), before, s.Records, full)
			sd := full * math.Sqrt(1/before+1/full)
			if d := math.Abs(s.Records - full); d > 4*sd {
				t.Errorf("extrapolated %.0f records from %.0f, the run wrote %.0f (%.1f standard errors off)", s.Records, before, full, d/sd)
			}
			var b strings.Builder
			est.Describe(&b)
			if !strings.Contains(b.String(), "extrapolating to the whole window") {
				t.Errorf("description does not say it extrapolates:\n%s", b.String())
			}
		})
	}
}

// TestEstimateNotPastStart: when the budget runs out before the first
// millisecond of the window is simulated, there is nothing to extrapolate
// from: the estimate says so instead of giving a number.
func TestEstimateNotPastStart(t *testing.T) {
	withEstimateSteps(t, 1024)
	p := srcPlan(t, atStartScenario)
	est, err := p.Estimate(context.Background(), 5000)
	if err != nil {
		t.Fatal(err)
	}
	if !est.Unknown || est.Exact || est.Partial || len(est.Streams) != 1 || est.Streams[0].Records != 0 {
		t.Fatalf("estimate %+v", est)
	}
	var b strings.Builder
	est.Describe(&b)
	if !strings.Contains(b.String(), "not estimated") {
		t.Errorf("description:\n%s", b.String())
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countBefore counts the JSON lines whose "at" is before ms.
func countBefore(t *testing.T, data []byte, ms int64) float64 {
	t.Helper()
	n := 0.0
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var r struct{ At string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse(time.RFC3339Nano, r.At)
		if err != nil {
			t.Fatal(err)
		}
		if at.UnixMilli() < ms {
			n++
		}
	}
	return n
}
