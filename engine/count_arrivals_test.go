package engine_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// TestCountCapsArrivals: a session count with arrivals caps the Poisson
// process at each actor's first count arrivals (a burst, as bank's
// night_spending); when a constant count ends the arrivals in the first
// half of the window and no start is drawn per actor, every actor's
// sessions bunch at the window's start, and validate warns at the count.
// A count or rate drawn per actor (from a distribution, an attribute)
// got no warning; it now does when its bounds are known and the largest
// count at the lowest rate ends the arrivals in the first half.
func TestCountCapsArrivals(t *testing.T) {
	src := func(session string) string {
		return fmt.Sprintf(`scenario "s" {
  seed     = 1
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
distribution "h" { hourly = [1,1,1,1,1,1,1,1,1,1,1,1,2,2,2,2,2,2,2,2,2,2,2,2] }
distribution "late" { hourly = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1] }
entity "user" {
  count = 10
  attributes {
    n = uniform(2, 3)
    r = uniform(2.0, 4.0)
    z = normal(3.0, 1.0)
    tz = weighted({ "Asia/Tokyo" = 1, "America/Los_Angeles" = 1 })
  }
}
flow "f" {
  actor = entity.user
  session {
    %s
    max_events = 5
  }
  initial = "a"
  state "a" {
    emit "ev" { ts = event.time }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`, session)
	}
	drawn := func(count, most, within, left string, sessions, days int) string {
		return `s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first ` + count +
			` arrivals: even an actor with ` + most + ` has them on average within ` + within + ` of the scenario's start, and the ` + left +
			fmt.Sprintf(` left of the window get none (without count, the arrivals would start about %d sessions per actor over the window `, sessions) +
			`at that rate). That is the largest count at the lowest rate, not their means: every actor's sessions bunch at the same start, ` +
			`not only a typical one's. To spread them over the window, remove count (the rate sets how many); for a burst starting on a ` +
			fmt.Sprintf(`day drawn per actor, add start = uniform("0s", "%dd").`, days)
	}
	for _, tc := range []struct {
		name, session string
		want          string // "" for no diagnostic
	}{
		{"a constant count ends the arrivals on the first day", "count = 3\n arrivals = arrivals(3, distribution.h)",
			`s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first 3 arrivals: ` +
				`at 3 a day they come on average within 24h of the scenario's start, and the 6.0 days left of the window get none ` +
				`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
				`the same start. To spread them over the window, remove count (the rate sets how many); for a burst of 3 sessions ` +
				`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		{"after a constant start", "count = 2\n start = \"2d\"\n arrivals = arrivals(1)",
			`s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first 2 arrivals: ` +
				`at 1 a day they come on average within 2.0 days of the session start (48h into the window), and the 3.0 days left of ` +
				`the window get none (without count, the arrivals would start about 5 sessions per actor over the window). Every ` +
				`actor's sessions bunch at the same start. To spread them over the window, remove count (the rate sets how many); ` +
				`for a burst of 2 sessions starting on a day drawn per actor, add start = uniform("0s", "3d").`},
		{"a count of 1", "count = 1\n arrivals = arrivals(3, distribution.h)",
			`s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
				`at 3 a day it comes on average within 12h of the scenario's start, and the 6.5 days left of the window get none ` +
				`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
				`the same start. To spread them over the window, remove count (the rate sets how many); for a session ` +
				`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		{"a count of 1, a rate drawn per actor", "count = 1\n arrivals = arrivals(uniform(2, 4))",
			`s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
				`even an actor with 1 session at the lowest rate uniform(2, 4) can take (2 a day) has it on average within 12h of the scenario's start, ` +
				`and the 6.5 days left of the window get none (without count, the arrivals would start about 14 sessions per actor over the window ` +
				`at that rate). That is the largest count at the lowest rate, not their means: every actor's sessions bunch at the same start, ` +
				`not only a typical one's. To spread them over the window, remove count (the rate sets how many); for a burst starting on a ` +
				`day drawn per actor, add start = uniform("0s", "6d").`},
		{"the count is reached late in the window", "count = 15\n arrivals = arrivals(3, distribution.h)", ""},
		{"a start drawn per actor (a burst)", "count = 3\n start = uniform(\"0s\", \"6d\")\n arrivals = arrivals(3)", ""},
		{"a count drawn per actor", "count = uniform(1, 3)\n arrivals = arrivals(3)",
			drawn("uniform(1, 3)", "the most sessions count can draw (3) at 3 a day", "24h", "6.0 days", 21, 6)},
		{"a rate drawn per actor", "count = 3\n arrivals = arrivals(uniform(2, 4))",
			drawn("3", "3 sessions at the lowest rate uniform(2, 4) can take (2 a day)", "36h", "5.5 days", 14, 5)},
		{"a count from an attribute", "count = user.n + 1\n arrivals = arrivals(3, distribution.h)",
			drawn("user.n + 1", "the most sessions count can draw (4) at 3 a day", "36h", "5.5 days", 21, 5)},
		{"a rate from an attribute", "count = 3\n arrivals = arrivals(actor.r * 1.5)",
			drawn("3", "3 sessions at the lowest rate actor.r * 1.5 can take (3 a day)", "24h", "6.0 days", 21, 6)},
		{"both drawn, a count of 0 for some actors", "count = index % 2 == 0 ? uniform(2, 3) : 0\n arrivals = arrivals(index % 3 == 0 ? 0 : choice([2, 4]))",
			drawn("index % 2 == 0 ? uniform(2, 3) : 0", "the most sessions count can draw (3) at the lowest rate index % 3 == 0 ? 0 : choice([2, 4]) can take (2 a day)", "36h", "5.5 days", 14, 5)},
		// With a mean of 8.5 sessions, reached in 2.8 days, the count would
		// seem to end the arrivals early; but the actors that draw 16 have
		// sessions for 5.3 days, past half of the window.
		{"the largest count is reached late", "count = uniform(1, 16)\n arrivals = arrivals(3)", ""},
		{"a count with no bound", "count = poisson(3)\n arrivals = arrivals(3)", ""},
		{"a rate with no bound", "count = 3\n arrivals = arrivals(user.z)", ""},
		{"a rate as close to 0 as may be", "count = 3\n arrivals = arrivals(uniform(0.0, 4.0))", ""},
		{"a drawn count after a start drawn per actor", "count = uniform(1, 3)\n start = uniform(\"0s\", \"6d\")\n arrivals = arrivals(3)", ""},
		// The profiles are read on the actor's clock (nextAt): hour 23
		// is 23:00 UTC, 14:00 UTC in Tokyo, 07:00 UTC in Los Angeles.
		// They were integrated in the scenario's zone whatever the
		// session zone (23h20m each).
		{"the scenario's zone", "count = 1\n arrivals = arrivals(3, distribution.late)", `s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
			`at 3 a day it comes on average within 23h20m of the scenario's start, and the 6.0 days left of the window get none ` +
			`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
			`the same start. To spread them over the window, remove count (the rate sets how many); for a session ` +
			`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		{"a session zone", "count = 1\n arrivals = arrivals(3, distribution.late)\n zone = \"Asia/Tokyo\"", `s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
			`at 3 a day it comes on average within 14h20m of the scenario's start, and the 6.4 days left of the window get none ` +
			`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
			`the same start. To spread them over the window, remove count (the rate sets how many); for a session ` +
			`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		// A zone per actor: the zone whose actors' arrivals come latest
		// (Tokyo's, not Los Angeles's at 7h20m), as for a drawn count.
		{"a zone per actor", "count = 1\n arrivals = arrivals(3, distribution.late)\n zone = user.tz", `s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
			`at 3 a day it comes on average within 14h20m of the scenario's start, and the 6.4 days left of the window get none ` +
			`(without count, the arrivals would start about 21 sessions per actor over the window). The profiles follow each actor's zone (zone = user.tz): these are the figures in Asia/Tokyo, where they come latest of the 2 zones it can take. Every actor's sessions bunch at ` +
			`the same start. To spread them over the window, remove count (the rate sets how many); for a session ` +
			`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		// Zone names not written in the scenario: no bound, no warning,
		// unless no profile makes the clock matter.
		{"a zone per actor, not known", "count = 1\n arrivals = arrivals(3, distribution.late)\n zone = lower(user.tz)", ""},
		{"a zone per actor, not known, no profile", "count = 1\n arrivals = arrivals(3)\n zone = lower(user.tz)",
			`s.hcl:21:13: The session count ends the arrivals early: With arrivals, count caps each actor's sessions at its first arrival: ` +
				`at 3 a day it comes on average within 8h of the scenario's start, and the 6.7 days left of the window get none ` +
				`(without count, the arrivals would start about 21 sessions per actor over the window). Every actor's sessions bunch at ` +
				`the same start. To spread them over the window, remove count (the rate sets how many); for a session ` +
				`starting on a day drawn per actor, add start = uniform("0s", "6d").`},
		{"no count", "arrivals = arrivals(3)", ""},
		{"count 0", "count = 0\n arrivals = arrivals(3)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileOneWarning(t, src(tc.session), tc.want != "")
			if d == nil {
				return
			}
			if got := fmt.Sprintf("%s:%d:%d: %s: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, d.Summary, d.Detail); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestCountCapsArrivalsZoneRun: what the warning now integrates is
// what a run does. With zone = user.tz, each actor's arrivals follow
// the profiles on its own clock: an hourly profile that allows local
// hour 23 only starts Tokyo's actors at 14:00 UTC and Los Angeles's at
// 07:00 UTC (at 3 an hour, within that hour with chance 1 − e⁻³ = 0.95),
// not at 23:00 UTC as the scenario's zone would have them.
func TestCountCapsArrivalsZoneRun(t *testing.T) {
	src := `scenario "s" {
  seed     = 1
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
distribution "late" { hourly = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1] }
entity "user" {
  count = 2000
  attributes {
    tz = weighted({ "Asia/Tokyo" = 1, "America/Los_Angeles" = 1 })
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    arrivals   = arrivals(3, distribution.late)
    zone       = user.tz
    max_events = 1
  }
  initial = "a"
  state "a" {
    emit "ev" {
      tz = user.tz
      ts = event.time
    }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	dir := t.TempDir()
	path := filepath.Join(dir, "s.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runTo(t, path, 1, nil, engine.RunOptions{OutDir: filepath.Join(dir, "out")})
	hour := map[string]int{"Asia/Tokyo": 14, "America/Los_Angeles": 7} // UTC hour of local 23:00 on 2025-01-01
	n, in, early := map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range jsonLines(t, filepath.Join(out, "ev.jsonl")) {
		tz, _ := r["tz"].(string)
		ts, err := time.Parse(time.RFC3339, r["ts"].(string))
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2025, 1, 1, hour[tz], 0, 0, 0, time.UTC)
		n[tz]++
		switch {
		case ts.Before(from):
			early[tz]++
		case ts.Before(from.Add(time.Hour)):
			in[tz]++
		}
	}
	for tz := range hour {
		share := float64(in[tz]) / float64(n[tz])
		if n[tz] < 800 || early[tz] > 0 || math.Abs(share-(1-math.Exp(-3))) > 0.03 {
			t.Errorf("%s: %d actors, %d start before local 23:00, %.3f within its hour (want 0.95)", tz, n[tz], early[tz], share)
		}
	}
}
