package engine

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// childrenScenario: users own devices, devices own apps (counts drawn per
// parent), and only the apps act; countries are a table the users refer
// to and never act.
const childrenScenario = `
scenario "children" {
  seed  = 1
  start = "2025-01-01T00:00:00"
  end   = "2025-01-08T00:00:00"
}
entity "country" {
  count = 300
  attributes {
    code = "C${index}"
  }
}
entity "user" {
  count = 6
  attributes {
    id      = "u${index + 1}"
    country = choice(entity.country).code
  }
}
entity "device" {
  parent = entity.user
  count  = int(weighted({ "1" = 0.5, "2" = 0.3, "3" = 0.2 }))
  attributes {
    id = "${user.id}-d${index + 1}"
  }
}
entity "app" {
  parent = entity.device
  count  = int(weighted({ "0" = 0.3, "2" = 0.7 }))
  attributes {
    id = "${device.id}-a${index + 1}"
  }
}
flow "use" {
  actor = entity.app
  session {
    count = 3
    every = seconds(exponential(1.0 / 28800))
  }
  initial = "open"
  state "open" {
    emit "events" {
      app     = app.id
      country = user.country
    }
  }
}
flow "login" {
  actor = entity.user
  session {
    count = 2
  }
  initial = "in"
  state "in" {
    emit "logins" {
      user = user.id
    }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "children/events.jsonl"
}
sink "logins" {
  type   = "jsonl"
  stream = "logins"
  path   = "children/logins.jsonl"
}
`

// TestEstimateCoversChildren: a sample that covers every root actor
// simulates every child and grandchild actor with them (there are more
// devices and apps than the sample), so the estimate is exact, equal to
// the run's counts, and says so, naming the children; an entity that
// never acts (a table) neither needs covering nor is named. A smaller
// sample is an estimate and says the children come whole with their
// sampled parents.
func TestEstimateCoversChildren(t *testing.T) {
	p := srcPlan(t, childrenScenario)
	res, err := p.Run(context.Background(), RunOptions{Workers: 2, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	real := map[string]int64{}
	for _, s := range res.Sinks {
		real[s.Name] = s.Records // each sink is named after its stream
	}
	if real["events"] <= 3*6 {
		t.Fatalf("the run wrote %d events: fewer apps than users, the sample would not be smaller than the children", real["events"])
	}

	for _, tc := range []struct {
		sample int64
		exact  bool
		want   string
	}{
		{6, true, "\nexpected output (exact: all actors (6 user and all their device and app actors) simulated)\n  events               " + strconv.FormatInt(real["events"], 10) + " records, "},
		{200, true, "\nexpected output (exact: all actors (6 user and all their device and app actors) simulated)\n"},
		{3, false, "\nexpected output (estimated by simulating 3 of 6 user actors and all their device and app actors over the whole window; ± one standard error)\n"},
	} {
		est, err := p.Estimate(context.Background(), tc.sample)
		if err != nil {
			t.Fatal(err)
		}
		if est.Exact != tc.exact || est.Partial || len(est.Entities) != 1 || est.Entities[0].Entity != "user" {
			t.Fatalf("sample %d: exact %v partial %v entities %+v, want exact %v over user only", tc.sample, est.Exact, est.Partial, est.Entities, tc.exact)
		}
		if tc.exact {
			for _, s := range est.Streams {
				if s.Records != float64(real[s.Stream]) || s.RelErr != 0 || s.SampledRecords != real[s.Stream] {
					t.Errorf("sample %d: %s estimated %.1f ± %.3f, the run wrote %d", tc.sample, s.Stream, s.Records, s.RelErr, real[s.Stream])
				}
			}
		}
		var b strings.Builder
		est.Describe(&b)
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("sample %d:\n%s\nlacks %q", tc.sample, b.String(), tc.want)
		}
		if strings.Contains(b.String(), "country") {
			t.Errorf("sample %d names the entity that never acts:\n%s", tc.sample, b.String())
		}
	}
}

// TestEstimateNoActor: a scenario whose entities have no flow writes
// nothing, exactly, and says why rather than listing no entity.
func TestEstimateNoActor(t *testing.T) {
	p := srcPlan(t, `
scenario "n" {
  start = "2025-01-01T00:00:00"
  end   = "2025-01-02T00:00:00"
}
entity "a" {
  count = 3
  attributes {
    x = index
  }
}
`)
	est, err := p.Estimate(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	est.Describe(&b)
	if want := "\nexpected output (exact: all actors (no entity has a flow) simulated)\n"; !est.Exact || b.String() != want {
		t.Errorf("exact %v, got %q, want %q", est.Exact, b.String(), want)
	}
}
