package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	good := "../../report/testdata/shop/events.jsonl"
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// Swap two device labels: the categorical check must fail.
	swapped := strings.NewReplacer(`"device":"ios"`, `"device":"android"`, `"device":"android"`, `"device":"ios"`).Replace(string(data))
	bad := filepath.Join(dir, "bad", "events.jsonl")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.WriteFile(bad, []byte(swapped), 0o644); err != nil {
		t.Fatal(err)
	}
	// Drop a field from every record: the report names it.
	var kept []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if i := strings.Index(l, `,"session_id":"`); i >= 0 {
			j := strings.Index(l[i+1:], `",`) + i + 2
			l = l[:i] + l[j:]
		}
		kept = append(kept, l)
	}
	dropped := filepath.Join(dir, "dropped", "events.jsonl")
	os.MkdirAll(filepath.Dir(dropped), 0o755)
	if err := os.WriteFile(dropped, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same records, the last one first.
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	shuffled := filepath.Join(dir, "shuffled", "events.jsonl")
	os.MkdirAll(filepath.Dir(shuffled), 0o755)
	if err := os.WriteFile(shuffled, []byte(lines[len(lines)-1]+"\n"+strings.Join(lines[:len(lines)-1], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(foreign, []byte(`{"order_id":"o1","total":3.5}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A run's directory under runs/ and its latest link: one run.
	runs := filepath.Join(dir, "runs")
	os.MkdirAll(filepath.Join(runs, "20250101T000000Z-abc123"), 0o755)
	if err := os.WriteFile(filepath.Join(runs, "20250101T000000Z-abc123", "events.jsonl"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("20250101T000000Z-abc123", filepath.Join(runs, "latest")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		// Read once, not counted twice.
		{"a run and its latest link", []string{runs, filepath.Join(runs, "latest"), "--html", ""}, 0,
			[]string{"1657 records in 1 file", "17 checks: 17 passed, 0 failed"}, ""},
		{"a file given twice", []string{good, "../../report/testdata/shop/./events.jsonl", "--html", ""}, 0,
			[]string{"1657 records in 1 file", "17 checks: 17 passed, 0 failed"}, ""},
		{"passes", []string{good, "--html", filepath.Join(dir, "good.html")}, 0,
			[]string{"PASS  categorical       home: device", "17 checks: 17 passed, 0 failed", "report: " + filepath.Join(dir, "good.html")}, ""},
		{"a directory with one format", []string{filepath.Dir(bad), "--html", ""}, 1,
			[]string{"1657 records in 1 file"}, "1 of 17 checks failed"},
		{"a directory with three formats", []string{filepath.Dir(good), "--html", ""}, 1,
			nil, "holds csv and jsonl and parquet files: name the files of one sink"},
		{"fails", []string{filepath.Dir(bad), "--html", filepath.Join(dir, "bad.html")}, 1,
			[]string{"FAIL  categorical       home: device", "17 checks: 16 passed, 1 failed"}, "1 of 17 checks failed"},
		{"a field dropped", []string{dropped, "--html", ""}, 1,
			[]string{"FAIL  fields            the stream's fields are in the files\n      no file holds session_id, which the scenario writes in 1657 of these records"}, "checks failed"},
		{"reordered", []string{shuffled, "--html", ""}, 1,
			[]string{"FAIL  time order        records in time order in each file (timestamp)\n      1 of 1657 records come before the record above them (first: " + shuffled + ", record 2)"}, "1 of 17 checks failed"},
		{"alpha 0", []string{good, "--alpha", "0", "--html", ""}, 2, nil, "--alpha 0: expected a significance level between 0 and 1"},
		{"alpha NaN", []string{good, "--alpha", "NaN", "--html", ""}, 2, nil, "--alpha NaN"},
		{"html onto a directory", []string{good, "--html", dir}, 1, nil, dir + ": " + dir + " is a directory: name a file"},
		{"html into a missing directory", []string{good, "--html", filepath.Join(dir, "no", "r.html")}, 1, nil, filepath.Join(dir, "no", "r.html") + ": directory " + filepath.Join(dir, "no") + " does not exist"},
		{"unknown stream", []string{good, "--stream", "evnts", "--html", ""}, 1, nil, `no stream "evnts" (streams: events). Did you mean "events"?`},
		{"another scenario's records", []string{foreign, "--html", ""}, 1, nil, `the files' fields (order_id, total) are those of no stream of the scenario (streams: events)`},
		{"missing output", []string{filepath.Join(dir, "nope")}, 1, nil, "no such file"},
		{"no output argument", nil, 2, nil, "requires at least 2 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"report", "../../report/testdata/shop.hcl"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
	for _, f := range []string{"good.html", "bad.html"} {
		page, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(page), "<svg") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// runVarsScenario: the share of the treatment group is a variable, so a
// report that does not use the run's value fails the sample ratio.
const runVarsScenario = `
variable "treated" {
  default = 1
}
scenario "v" {
  seed  = 7
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 3000
  attributes { user_id = "u${index}" }
}
experiment "x" {
  unit   = user.user_id
  groups = { control = 1, treatment = var.treated }
}
flow "visit" {
  actor = entity.user
  session { count = 1 }
  initial = "view"
  state "view" {
    emit "events" {
      user_id = user.user_id
      group   = experiment.x.group
      ts      = event.time
    }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportRunValuesFromManifest: the report ignored the seed and the
// variables in the run's manifest.json, so a run made with --var failed
// its sample ratio when reported without repeating it, with no hint. The
// manifest's values are now used unless given, and a value given that
// differs from the run's is said.
func TestReportRunValuesFromManifest(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "v.hcl")
	if err := os.WriteFile(hcl, []byte(runVarsScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out, "--var", "treated=3", "--seed", "11"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		notes []string
	}{
		{"the manifest's values", nil, 0, []string{"note: the run's --seed 11 --var treated=3, from "}},
		{"the same values given", []string{"--seed", "11", "--var", "treated=3.0"}, 0, nil},
		{"another variable value", []string{"--var", "treated=1"}, 1, []string{"--var treated=1 differs from the run's treated=3", "the run's --seed 11, from "}},
		// Groups are MD5 buckets of the unit, which the seed does not move.
		{"another seed", []string{"--seed", "12"}, 0, []string{"--seed 12 differs from the run's seed 11", "the run's --var treated=3, from "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"report", hcl, out, "--html", ""}, tc.args...)
			code, stdout, stderr := runCLI(args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, n := range tc.notes {
				if !strings.Contains(stdout, n) {
					t.Errorf("no %q in\n%s", n, stdout)
				}
			}
			if tc.notes == nil && strings.Contains(stdout, "from "+out) {
				t.Errorf("a note about the manifest's values, none taken:\n%s", stdout)
			}
		})
	}
}

// TestReportNoManifestNote: files without a manifest (copied elsewhere)
// are reported with the scenario's defaults, and a note says so.
func TestReportNoManifestNote(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "v.hcl")
	if err := os.WriteFile(hcl, []byte(runVarsScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	bare := filepath.Join(dir, "bare")
	os.MkdirAll(bare, 0o755)
	matches, _ := filepath.Glob(filepath.Join(out, "*"))
	for _, m := range matches {
		if strings.HasPrefix(filepath.Base(m), "manifest") || strings.HasSuffix(m, ".json") {
			continue
		}
		if b, err := os.ReadFile(m); err == nil {
			os.WriteFile(filepath.Join(bare, filepath.Base(m)), b, 0o644)
		}
	}
	// The note names what is taken from the scenario: not the seed when
	// --seed is given (it said "default seed and variables" whatever was).
	const head = "note: no manifest.json lists the files (next to them or in the output directory above): the report uses the scenario's "
	for _, tc := range []struct {
		name string
		dir  string
		args []string
		note string
	}{
		{"no manifest", bare, nil, head + "default seed and variables, so pass --seed and --var as the run had them\n"},
		{"no manifest, --seed", bare, []string{"--seed", "7"}, head + "default variable treated, so pass --var for those the run set\n"},
		{"no manifest, --var", bare, []string{"--var", "treated=1"}, head + "default seed, so pass --seed as the run had it\n"},
		{"no manifest, both", bare, []string{"--seed", "7", "--var", "treated=1"}, ""},
		{"a manifest", out, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stdout, stderr := runCLI(append([]string{"report", hcl, tc.dir, "--html", ""}, tc.args...)...)
			if tc.note == "" && strings.Contains(stdout, head) || tc.note != "" && !strings.Contains(stdout, tc.note) {
				t.Errorf("want note %q:\n%s%s", tc.note, stdout, stderr)
			}
		})
	}
}

// zonedQuietScenario: users in two zones under quiet hours on their own
// clock; the records write the zone as "where", which is not the zone
// expression, so only --zone-field tells the report.
const zonedQuietScenario = `
scenario "zq" {
  seed  = 2
  start = "2025-01-06T00:00:00"
  end   = "2025-01-13T00:00:00"
}
entity "user" {
  count = 80
  attributes {
    user_id = "u${index}"
    tz      = ["Asia/Tokyo", "America/Los_Angeles"][index % 2]
  }
}
flow "visit" {
  actor = entity.user
  session {
    zone       = user.tz
    arrivals   = arrivals(6)
    max_events = 1
  }
  initial = "open"
  state "open" {
    emit "events" {
      ts      = event.time
      user_id = user.user_id
      where   = coalesce(user.tz, "UTC")
    }
  }
}
constraint "night" {
  flows       = [flow.visit]
  quiet_hours = ["22:00", "07:00"]
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportZoneFieldConstraint: scen report --zone-field FIELD checks
// quiet_hours over a zoned flow on each record's zone; without it the
// constraint is not checked and a note says to pass it.
func TestReportZoneFieldConstraint(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "zq.hcl")
	if err := os.WriteFile(hcl, []byte(zonedQuietScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI("report", hcl, out, "--html", "", "--zone-field", "where")
	if code != 0 || !strings.Contains(stdout, "PASS  constraint        night: quiet 22:00–07:00") ||
		!strings.Contains(stdout, "on each actor's clock (zone = user.tz, read from where)") {
		t.Errorf("with --zone-field: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI("report", hcl, out, "--html", "")
	if code != 0 || strings.Contains(stdout, "night: quiet") ||
		!strings.Contains(stdout, `note: constraint "night": quiet_hours and max_per_day not checked: they are on each actor's clock (zone = user.tz), and no field of "events" holds the zone (write it, e.g. tz = user.tz, or name the field with --zone-field)`) {
		t.Errorf("without --zone-field: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestReportZoneFieldUnread: --zone-field on a scenario whose flows have
// no per-actor session zone is read by no check: a note says so (it was
// ignored without a word); with the zone, no note.
func TestReportZoneFieldUnread(t *testing.T) {
	const note = `note: --zone-field where is not read: no flow writing stream "events" has sessions on each actor's clock`
	for _, tc := range []struct {
		name, zone string
		note       bool
	}{
		{"no session zone", "", true},
		{"a constant session zone", `zone = "Asia/Tokyo"`, true},
		{"a zone per actor", "zone = user.tz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			hcl := filepath.Join(dir, "zq.hcl")
			if err := os.WriteFile(hcl, []byte(strings.Replace(zonedQuietScenario, "zone       = user.tz", tc.zone, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			if code, _, stderr := runCLI("run", hcl, "--out", out); code != 0 {
				t.Fatalf("run: exit %d: %s", code, stderr)
			}
			code, stdout, stderr := runCLI("report", hcl, out, "--html", "", "--zone-field", "where")
			if code != 0 || strings.Contains(stdout, note) != tc.note {
				t.Errorf("exit %d, want the note %v:\n%s%s", code, tc.note, stdout, stderr)
			}
		})
	}
}

// windowCLIScenario: sessions with a weekday profile over a fortnight.
const windowCLIScenario = `
scenario "w" {
  seed     = 4
  timezone = "UTC"
  start    = "2025-03-01"
  end      = "2025-03-15"
}
distribution "dow" {
  weekly = { mon = 0.8, tue = 0.8, wed = 0.9, thu = 1.0, fri = 1.1, sat = 1.4, sun = 1.3 }
}
entity "user" {
  count = 300
  attributes { user_id = "u${index}" }
}
flow "visit" {
  actor = entity.user
  session { arrivals = arrivals(3, [distribution.dow]) }
  gap     = "1m"
  initial = "view"
  state "view" {
    emit "events" {
      user_id    = user.user_id
      session_id = session.id
      ts         = event.time
    }
    next = { view = 0.5, end = 0.5 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`

// TestReportRunWindowFromManifest: a run with --from/--to is reported over
// the window its manifest records (its weekday against Saturday and
// Sunday, not the fortnight, which failed), with a note that says so.
func TestReportRunWindowFromManifest(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "w.hcl")
	if err := os.WriteFile(hcl, []byte(windowCLIScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", hcl, "--out", out, "--from", "2025-03-08", "--to", "2025-03-10"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI("report", hcl, out, "--html", "")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"PASS  weekday", "note: the run wrote the records from 2025-03-08T00:00:00.000+00:00 to 2025-03-10T00:00:00.000+00:00 only"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	// Without the manifest (copied elsewhere), the fortnight's profile:
	// the weekday fails, as it did.
	lone := filepath.Join(dir, "lone.jsonl")
	data, err := os.ReadFile(filepath.Join(out, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lone, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := runCLI("report", hcl, lone, "--html", ""); code != 1 || !strings.Contains(stdout, "FAIL  weekday") {
		t.Errorf("the fortnight's weekday: exit %d\n%s", code, stdout)
	}
}

// TestReportOtherScenario: files reported against another scenario than
// the one their run's manifest records are refused, naming both (a
// windowed run's used to fail on its window: "the run's window (…): the
// window 2025-03-08… .. 2025-03-05… is not inside the scenario's …: is the
// scenario the run's?"; others, on checks that could not pass), and a
// scenario edited since the run is
// checked, with a note naming the changed file.
func TestReportOtherScenario(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "w.hcl")
	b := filepath.Join(dir, "b", "w.hcl")
	for path, src := range map[string]string{
		a: windowCLIScenario,
		// Another scenario, of a shorter window.
		b: strings.Replace(strings.Replace(windowCLIScenario, `scenario "w"`, `scenario "other"`, 1), `"2025-03-15"`, `"2025-03-05"`, 1),
	} {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", a, "--out", out, "--from", "2025-03-08", "--to", "2025-03-10"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	abs, _ := filepath.Abs(a)
	cases := []struct {
		name     string
		scenario string
		edit     string // appended to the scenario before the report
		code     int
		stderr   string // the error ("" none)
		note     string // a note of the output ("" none)
	}{
		{"the run's scenario", a, "", 0, "", ""},
		{"another scenario", b, "", 1,
			`error: these files were generated by scenario "w" (` + abs + `), not by "other" (` + b + `), according to ` + filepath.Join(out, "manifest.json") +
				`: report them against the scenario that wrote them (scen report ` + abs + ` …)`, ""},
		{"the run's scenario, edited since", a, "\n# edited\n", 0, "",
			"note: the scenario changed since the run (w.hcl (changed), according to " + filepath.Join(out, "manifest.json") + "): the files are checked against the scenario as it is now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.edit != "" {
				f, err := os.OpenFile(tc.scenario, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.WriteString(tc.edit)
				f.Close()
			}
			code, stdout, stderr := runCLI("report", tc.scenario, out, "--html", "")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			if got := strings.TrimSpace(stderr); tc.stderr != "" && got != tc.stderr {
				t.Errorf("stderr\n%s\nwant\n%s", got, tc.stderr)
			}
			if tc.stderr == "" && strings.Contains(stdout, "changed since the run") != (tc.note != "") {
				t.Errorf("note on a changed scenario: want %q in\n%s", tc.note, stdout)
			}
			if tc.note != "" && !strings.Contains(stdout, tc.note+"\n") {
				t.Errorf("no %q in\n%s", tc.note, stdout)
			}
		})
	}
}
