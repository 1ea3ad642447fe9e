package engine_test

import (
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// TestMinGapMovesMidSessionEventByMinGap: a min_gap without rebuild moves
// a session's later event (a second transfer one minute after the first)
// to min_gap plus a uniform fraction of it after the previous one, not to
// the flow's next arrival: with one session every ten days that was a
// transfer postponed by days inside its session (review 30 #2). A
// session's first event still takes the flow's arrival process. The
// moved gaps, less min_gap and over min_gap, are tested as uniform on
// [0, 1) with a one-sample KS test.
func TestMinGapMovesMidSessionEventByMinGap(t *testing.T) {
	recs := runSource(t, `
scenario "t" {
  seed  = 11
  start = "2025-01-01"
  end   = "2025-04-01"
}
entity "user" {
  count = 200
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(0.1)
    max_events = 4
  }
  gap     = "1m"
  initial = "transfer"
  state "transfer" {
    emit "e" {
      id  = user.id
      sid = session.id
      seq = event.seq
      t   = event.time
    }
    next = { transfer = 1 }
  }
}
constraint "c" {
  flows   = [flow.f]
  states  = ["transfer"]
  min_gap = "10m"
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`, 2)
	const minGap = 10 * time.Minute
	last := map[string]time.Time{}
	var u []float64
	for _, r := range recs {
		ts, err := time.Parse(time.RFC3339Nano, r["t"].(string))
		if err != nil {
			t.Fatal(err)
		}
		sid := r["sid"].(string)
		if r["seq"].(float64) > 1 {
			prev, ok := last[sid]
			if !ok {
				t.Fatalf("session %s: event %v without its first", sid, r["seq"])
			}
			d := ts.Sub(prev)
			if d < minGap || d >= 2*minGap {
				t.Fatalf("session %s: event %v %v after the previous one, want in [%v, %v)", sid, r["seq"], d, minGap, 2*minGap)
			}
			u = append(u, float64(d-minGap)/float64(minGap))
		}
		last[sid] = ts
	}
	if len(u) < 1000 {
		t.Fatalf("%d moved events of %d records", len(u), len(recs))
	}
	d, p := stats.KSOneSample(u, func(x float64) float64 { return min(max(x, 0), 1) })
	t.Logf("%d records, %d moved events, KS D = %.4f, p = %.3f", len(recs), len(u), d, p)
	if p < 0.001 {
		t.Errorf("moved gaps are not min_gap plus a uniform fraction of it: KS D = %.4f, p = %.2g over %d gaps", d, p, len(u))
	}
}
