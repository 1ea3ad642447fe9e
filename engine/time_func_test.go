package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestTimeOfTextThatIsNoTime: time(text) of a local time that does not
// exist (in Europe/Berlin's daylight-saving gap) or of a time outside the
// years 1-9999 is an error with ParseTime's message: while compiling for a
// constant, at run time otherwise (it used to be null, and the record
// silently lacked the field). Text in no time form is null at run time, as
// documented, and an error as a constant.
func TestTimeOfTextThatIsNoTime(t *testing.T) {
	const gap = `does not exist in time zone Europe/Berlin: the clocks skip it when daylight saving time starts`
	for _, tc := range []struct {
		name, field string
		compile     string // the diagnostic, or ""
		run         string // the run-time error, or "" for a run that succeeds
		want        string // with run == "": a line of the output
	}{
		{name: "a constant in the gap", field: `time("2025-03-30T02:30:00")`,
			compile: `rt.hcl:27,16-37: Invalid argument; time: "2025-03-30T02:30:00" ` + gap},
		{name: "a constant that is no time", field: `time("soon")`,
			compile: `rt.hcl:27,16-22: Invalid argument; time: invalid time "soon": use RFC 3339`},
		{name: "a constant of the year 0", field: `time("0000-06-01")`,
			compile: `rt.hcl:27,16-28: Invalid argument; time: "0000-06-01" is outside the years 1-9999`},
		{name: "a run-time value in the gap", field: `time(format("2025-03-30T02:%02d:00", 30 + index))`,
			run: `rt.hcl:27:16: Invalid argument: time: "2025-03-30T02:30:00" ` + gap},
		{name: "a run-time value of the year 0", field: `time(format("0000-06-%02d", 1 + index))`,
			run: `rt.hcl:27:16: Invalid argument: time: "0000-06-01" is outside the years 1-9999`},
		{name: "a run-time value that is no time", field: `time(format("soon%d", index))`, want: `{"id":"u0","n":0,"t":"2025-03-30T00:00:00.000+01:00"}`},
		{name: "a run-time value that is a time", field: `time(format("2025-03-30T03:%02d:00", 30 + index))`,
			want: `"x":"2025-03-30T03:30:00.000+02:00"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `scenario "t" {
  seed     = 1
  start    = "2025-03-30"
  end      = "2025-03-31"
  timezone = "Europe/Berlin"
}
entity "user" {
  count = 3
  attributes {
    id = "u${index}"
  }
}
flow "f" {
  actor = entity.user
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      id = user.id
      n  = index
      t  = event.time


      x = ` + tc.field + `
    }
    next = { end = 1 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			plan, err := compileRT(t, src)
			if tc.compile != "" {
				if err == nil || !strings.Contains(err.Error(), tc.compile) {
					t.Fatalf("compile error %v, want %q", err, tc.compile)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1})
			if tc.run != "" {
				var rte *engine.RuntimeError
				if !errors.As(err, &rte) || !strings.Contains(err.Error(), tc.run) {
					t.Fatalf("run error %v, want %q", err, tc.run)
				}
				if left := walkFiles(out); len(left) > 0 {
					t.Errorf("left behind: %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(out, "ev.jsonl"))
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, b)
			}
		})
	}
}
