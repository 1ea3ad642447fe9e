package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// headerScenario writes its events to a CSV sink at path, with header
// as given ("" for the default).
func headerScenario(path, header string) string {
	if header != "" {
		header = "header = " + header
	}
	return `scenario "h" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "user" {
  count = 300
  attributes { uid = "u${index}" }
}
flow "f" {
  actor = entity.user
  session { arrivals = arrivals(2) }
  initial = "land"
  state "land" {
    emit "ev" {
      uid     = user.uid
      sid     = session.id
      st      = state.name
      ts      = event.time
      channel = weighted({ app = 3, web = 7 })
    }
    next = { buy = 0.2, end = 0.8 }
  }
  state "buy" {
    emit "ev" {
      uid = user.uid
      sid = session.id
      st  = state.name
      ts  = event.time
    }
  }
}
sink "ev" {
  type   = "csv"
  ` + header + `
  stream = "ev"
  path   = "` + path + `"
}
`
}

// TestReportCSVWithoutHeader: the files of a CSV sink with header =
// false are read with the columns the sink would have written, found
// through the run's manifest or, without one, as the scenario's only
// headerless CSV sink. They used to be read with their first record as
// the header: "the files' fields (u3228, b0575fc8-…, land, …) are those
// of no stream of the scenario", and with --stream every check failed
// but "time order", which passed on 0 records.
func TestReportCSVWithoutHeader(t *testing.T) {
	for _, tc := range []struct {
		name, path, header string
		lone               bool // the file copied away from its manifest
		note               bool
	}{
		{"header = false", "ev.csv", "false", false, true},
		{"header = false, gzip", "ev.csv.gz", "false", false, true},
		{"header = false, no manifest", "ev.csv", "false", true, true},
		{"header = true", "ev.csv", "true", false, false},
		{"the default header", "ev.csv", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			hcl := filepath.Join(dir, "h.hcl")
			if err := os.WriteFile(hcl, []byte(headerScenario(tc.path, tc.header)), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
				t.Fatalf("run: exit %d: %s", code, stderr)
			}
			file := filepath.Join(out, tc.path)
			if tc.lone {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				file = filepath.Join(dir, tc.path)
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runCLI("report", hcl, file, "--html", "")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			note := `note: sink "ev" writes no header row (header = false): 1 file read with its columns (uid,sid,st,ts,channel)`
			if strings.Contains(stdout, note) != tc.note {
				t.Errorf("note %q present: %v, want %v\n%s", note, !tc.note, tc.note, stdout)
			}
			for _, want := range []string{"PASS  categorical       land: channel", "PASS  transitions       f: land → next", "PASS  hour of day"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("no %q in\n%s", want, stdout)
				}
			}
		})
	}
}
