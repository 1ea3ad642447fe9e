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

// twoHeaderless writes stream ev to two headerless CSV sinks (ev.csv and
// ev2.csv, the same columns) and stream au to a third (au.csv), and ev
// also to a JSON lines sink.
const twoHeaderless = `scenario "h" {
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
    emit "au" {
      who  = user.uid
      at   = event.time
      what = "land"
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
    emit "pv" {
      uid = user.uid
      ts  = event.time
    }
  }
}
sink "pv" {
  type   = "jsonl"
  stream = "pv"
  path   = "pv.jsonl"
}
sink "ev" {
  type   = "csv"
  header = false
  stream = "ev"
  path   = "ev.csv"
}
sink "ev2" {
  type   = "csv"
  header = false
  stream = "ev"
  path   = "ev2.csv"
}
sink "au" {
  type   = "csv"
  header = false
  stream = "au"
  path   = "au.csv"
}
sink "evj" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`

// TestReportCSVWithoutHeaderAmbiguous: without a manifest, a CSV file of
// a scenario whose headerless CSV sinks write different columns is not
// read with a guessed sink's: the report refuses, naming the sinks, their
// streams and their columns, unless --stream settles it (sinks of one
// stream write the same columns). A --stream without a headerless CSV
// sink is refused too, naming the ones there are.
func TestReportCSVWithoutHeaderAmbiguous(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "h.hcl")
	if err := os.WriteFile(hcl, []byte(twoHeaderless), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	lone := func(name string) string { // the file copied away from its manifest
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	ev, au := lone("ev.csv"), lone("au.csv")
	const candidates = `sinks "au" (stream au: who,at,what), "ev" and "ev2" (stream ev: uid,sid,st,ts,channel)`
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		want   []string // in stdout (code 0) or stderr
		absent string
	}{
		{"no --stream", []string{ev}, 1, []string{"ev.csv: the scenario's CSV sinks write no header row (header = false), and no manifest.json says which wrote this file: " + candidates + ": pass --stream NAME"}, ""},
		{"--stream ev", []string{ev, "--stream", "ev"}, 0, []string{
			`note: sinks "ev" and "ev2" write no header row (header = false): 1 file read with their columns (uid,sid,st,ts,channel)`,
			"PASS  categorical       land: channel", "PASS  transitions       f: land → next"}, ""},
		{"--stream au", []string{au, "--stream", "au"}, 0, []string{
			`note: sink "au" writes no header row (header = false): 1 file read with its columns (who,at,what)`}, "FAIL"},
		{"--stream of no CSV sink", []string{ev, "--stream", "pv"}, 1, []string{
			`ev.csv: --stream pv: no headerless CSV sink writes stream "pv", and no manifest.json says which sink wrote this file: ` + candidates}, ""},
		{"--stream of no stream", []string{ev, "--stream", "nope"}, 1, []string{`no stream "nope" (streams: `}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"report", hcl, "--html", ""}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			got := stdout
			if code != 0 {
				got = stderr
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("no %q in\n%s", w, got)
				}
			}
			if tc.absent != "" && strings.Contains(got, tc.absent) {
				t.Errorf("%q in\n%s", tc.absent, got)
			}
		})
	}
}
