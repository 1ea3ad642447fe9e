package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tierScenario: users of two tiers (weighted, an actor share the report
// checks), whose events a sink partitions by tier, and by PATH.
const tierScenario = `scenario "p" {
  seed     = 2
  timezone = "UTC"
  start    = "2025-01-01"
  end      = "2025-01-08"
}
entity "user" {
  count = 2000
  attributes {
    id   = "u${index}"
    tier = weighted({ gold = 1, silver = 3 })
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(2)
    max_events = 4
  }
  gap     = "30s"
  initial = "view"
  state "view" {
    emit "ev" {
      id   = user.id
      ts   = event.time
      tier = user.tier
      sid  = session.id
      ev   = state.name
      page = weighted({ home = 1, cart = 1 })
    }
    next = { pay = 0.5, end = 0.5 }
  }
  state "pay" {
    delay = "1m"
    emit "ev" {
      id     = user.id
      ts     = event.time
      tier   = user.tier
      sid    = session.id
      ev     = state.name
      amount = uniform(1, 9)
    }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "PATH"
}
`

// TestReportFieldSubset: the files of some values of a field the sink
// partitions by (tier=gold of gold and silver) are the records of those
// actors: the field's share is the choice of files, not the scenario's,
// and is not tested, with a note naming the values; the other checks
// are made, over the whole window (each file holds every time). The
// actor share of tier failed on such correct files (all gold against
// 1:3), and the note called them a time span of the window.
func TestReportFieldSubset(t *testing.T) {
	for _, tc := range []struct {
		name, path, report string
		share              string // the actor share's line
		note               string // "" for none
	}{
		{"one tier", "ev/tier={{field:tier}}/ev.jsonl", "ev/tier=gold", "SKIP  actor share       tier per id",
			`the given files of sink "ev" hold the records of gold only (it partitions its files by tier)`},
		{"both tiers", "ev/tier={{field:tier}}/ev.jsonl", "ev/tier=gold ev/tier=silver", "PASS  actor share       tier per id", ""},
		{"one tier, days too", "ev/{{field:tier}}/{{date}}.jsonl", "ev/silver", "SKIP  actor share       tier per id",
			`the given files of sink "ev" hold the records of silver only (it partitions its files by tier)`},
		{"one day of both tiers", "ev/{{field:tier}}/{{date}}.jsonl", "ev/silver/2025-01-03.jsonl ev/gold/2025-01-03.jsonl", "PASS  actor share       tier per id", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			hcl := filepath.Join(dir, "p.hcl")
			if err := os.WriteFile(hcl, []byte(strings.Replace(tierScenario, "PATH", tc.path, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
				t.Fatalf("run: exit %d: %s", code, stderr)
			}
			args := []string{"report", hcl}
			for _, f := range strings.Fields(tc.report) {
				args = append(args, filepath.Join(out, f))
			}
			code, stdout, stderr := runCLI(append(args, "--html", "")...)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.share) {
				t.Errorf("no %q in\n%s", tc.share, stdout)
			}
			if tc.note == "" && strings.Contains(stdout, "hold the records of") || tc.note != "" && !strings.Contains(stdout, tc.note) {
				t.Errorf("want the note %q in\n%s", tc.note, stdout)
			}
			if strings.Contains(tc.path, "{{date}}") == false && strings.Contains(stdout, " given: checked as") {
				t.Errorf("a field's partitions noted as a time span:\n%s", stdout)
			}
		})
	}
}
