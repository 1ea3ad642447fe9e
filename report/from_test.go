package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// adScenario: impressions, some clicked hours later, some clicks
// converting; the click-through rate is an experiment's parameter. The
// click's delay makes the flow's longest gap hours long, so a session
// running at --from is looked for over most of a day after it.
func adScenario(constraint string) string {
	return `
scenario "ads" {
  seed     = 3
  timezone = "UTC"
  start    = "2026-02-01"
  end      = "2026-02-08"
}
entity "viewer" {
  count = 1500
  attributes { viewer_id = "V${index}" }
}
experiment "bid" {
  unit   = viewer.viewer_id
  groups = { a = 0.5, b = 0.5 }
  param "ctr" {
    a = 0.1
    b = 0.2
  }
}
flow "ad" {
  actor = entity.viewer
  session {
    arrivals   = arrivals(4)
    max_events = 3
  }
  initial = "impression"
  common "events" {
    viewer_id = viewer.viewer_id
    timestamp = event.time
    event     = state.name
    sid       = session.id
    arm       = experiment.bid.group
  }
  state "impression" {
    emit "events" {}
    transition "click" { probability = experiment.bid.ctr }
    transition "end"   { otherwise = true }
  }
  state "click" {
    delay = hours(exponential(1))
    emit "events" {}
    next = { conversion = 0.3, end = 0.7 }
  }
  state "conversion" {
    emit "events" {}
  }
}
` + constraint + `
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportFromCensorsByTime: a session running at --from may have
// been cut by max_events after any of its records (their places in it
// are not known), so none of its records counts in a transition or an
// experiment metric. The report used to take every session whose first
// record lay within its look-back after --from for one running then, and
// censor its last record only: an impression that ended its session was
// dropped, one followed by a click kept, and the click-through rates read
// about half as high again as declared (the run's records are a full
// run's). A session whose first record is its initial state's (which no
// transition leads back to) began in the window and counts as any other.
// Under max_per_day, an actor's local day that began before --from may
// have reached the cap unseen: none of its records counts (not its last
// one only, which would censor by outcome again).
func TestReportFromCensorsByTime(t *testing.T) {
	at := func(day, hour int) int64 { return time.Date(2026, 2, day, hour, 0, 0, 0, time.UTC).UnixMilli() }
	const capped = `
constraint "cap" {
  flows       = [flow.ad]
  max_per_day = 2
}`
	for _, tc := range []struct {
		name       string
		from, to   int64 // 0: the scenario's
		constraint string
	}{
		{"whole window", 0, 0, ""},
		{"--from", at(3, 7), 0, ""},
		{"--from and --to", at(3, 7), at(5, 18), ""},
		{"--to", 0, at(5, 18), ""},
		{"max_per_day, --from", at(3, 7), 0, capped},
		{"max_per_day, --from and --to", at(3, 7), at(5, 18), capped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A plan runs once.
			plan, diags := engine.Compile(mustParse(t, adScenario(tc.constraint)), engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			spec := plan.Introspect()
			from, to := tc.from, tc.to
			if from == 0 {
				from = spec.Start
			}
			if to == 0 {
				to = spec.End
			}
			dir := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: dir, Workers: 2, From: from, To: to}); err != nil {
				t.Fatal(err)
			}
			if tc.from != 0 || tc.to != 0 {
				var err error
				if spec, err = plan.IntrospectWindow(from, to); err != nil {
					t.Fatal(err)
				}
			}
			r := buildReport(t, plan, spec, filepath.Join(dir, "events.jsonl"))
			names := []string{"P(impression → click) = ctr, a", "P(impression → click) = ctr, b", "ad: click → next"}
			if tc.constraint != "" {
				// A click is mostly its day's second event, which
				// reached the cap: few count.
				names = names[:2]
			}
			for _, name := range names {
				kind := Metric
				if strings.HasPrefix(name, "ad:") {
					kind = Transitions
				}
				if c := findCheck(t, r, kind, name); !c.Pass || c.Untested() || c.N < 500 && kind == Metric {
					t.Errorf("%s fails a correct run: n=%d %s", name, c.N, c.Detail)
				}
			}
			// Every impression that begins a session is a start, whether
			// or not it lies near --from: the ones counted are those of
			// the sessions that began at least a day before the end.
			if tc.from != 0 && tc.constraint == "" {
				recs := readRecords(t, filepath.Join(dir, "events.jsonl"))
				first := map[string]bool{}
				var starts int64
				for _, rc := range recs {
					sid := str(rc.m, "sid")
					if !first[sid] {
						first[sid] = true
						if str(rc.m, "event") == "impression" && rc.ms < to-86400000 {
							starts++
						}
					}
				}
				n := findCheck(t, r, Metric, "ctr, a").N + findCheck(t, r, Metric, "ctr, b").N
				if n < starts*99/100 {
					t.Errorf("%d impressions counted, %d sessions began at least a day before the end", n, starts)
				}
			}
		})
	}
}
