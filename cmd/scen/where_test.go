package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// TestWhereFields: --where names the stream's fields; a name that is not
// one of them is an error with a suggestion, not a filter matching nothing.
func TestWhereFields(t *testing.T) {
	fields := []rec.Column{{Name: "event_name", Type: stdlib.String}, {Name: "rank", Type: stdlib.Int}, {Name: "user_id", Type: stdlib.String},
		{Name: "id", Type: stdlib.Int}, {Name: "score", Type: stdlib.Float}, {Name: "v", Type: stdlib.Any}}
	for _, tc := range []struct {
		src, err string
		rec      string
		match    bool
		runErr   bool // the record makes the condition fail (not a missing field)
	}{
		{`event_name == "ad_click"`, "", `{"event_name":"ad_click"}`, true, false},
		{`event_name == "ad_click" && rank <= 3`, "", `{"event_name":"ad_click"}`, false, false}, // rank left out (null)
		{`let r = rank; r > 1`, "", `{"rank":2}`, true, false},
		{`event_nam == "ad_click"`, `no field "event_nam"`, "", false, false},
		{`event_nam == "ad_click"`, `Did you mean "event_name"?`, "", false, false},
		{`rank > 1 && usr_id == "u"`, `no field "usr_id"`, "", false, false},
		{`rank >`, "--where:", "", false, false},
		// HCL's and SQL's null is expr-lang's nil (it said: no field "null").
		{`score == null`, "--where: expr-lang writes null as nil", "", false, false},
		{`score != NULL`, "--where: expr-lang writes null as nil", "", false, false},
		{`score == nil`, "", `{"rank":1}`, true, false},
		{`score != nil`, "", `{"score":1.5}`, true, false},
		{`event_name = "ad_click"`, `--where: a single = is not a comparison: write == (event_name == "ad_click"): unexpected token Operator("=") (1:12)`, "", false, false},
		{`rank > 1 && rank = 3`, `write == (event_name == "ad_click"): unexpected token Operator("=") (1:18)`, "", false, false},
		// Types known from the stream are checked before any record.
		{`event_name > 3`, "mismatched types string and int", "", false, false},
		{`event_name`, "expected bool, but got string", "", false, false},
		{`rank + 1`, "expected bool, but got int", "", false, false},
		// Ints compare exactly, beyond 2^53; floats stay floats.
		{`id == 9007199254740992`, "", `{"id":9007199254740993}`, false, false},
		{`id == 9007199254740993`, "", `{"id":9007199254740993}`, true, false},
		{`id > 9007199254740992`, "", `{"id":9007199254740993}`, true, false},
		{`score == 2.0`, "", `{"score":2}`, true, false},
		{`score > 1.25`, "", `{"score":1.5}`, true, false},
		{`v == 9007199254740993`, "", `{"v":9007199254740993}`, true, false},
		{`v == 9007199254740992`, "", `{"v":9007199254740993}`, false, false},
		{`v[0] == 9007199254740993`, "", `{"v":[9007199254740993]}`, true, false},
		// A field whose type varies by record is checked per record.
		{`v`, "", `{"v":"s"}`, false, true},
		{`v`, "", `{"v":true}`, true, false},
	} {
		t.Run(tc.src, func(t *testing.T) {
			keep, err := whereFilter(tc.src, fields)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := keep([]byte(tc.rec))
			if tc.runErr {
				var we *whereError
				if !errors.As(err, &we) {
					t.Fatalf("error %v, want a --where error", err)
				}
				return
			}
			if err != nil || got != tc.match {
				t.Fatalf("match %v (%v), want %v", got, err, tc.match)
			}
		})
	}
}

// TestPreviewWhereTypes: preview --where through the command: ints compare
// exactly, and a condition that is not a bool is a usage error (exit 2)
// whether the compiler sees it (a string field) or only a record does (a
// field whose type varies), without the preview's internal sink name.
func TestPreviewWhereTypes(t *testing.T) {
	scenario := filepath.Join(t.TempDir(), "w.hcl")
	if err := os.WriteFile(scenario, []byte(`scenario "w" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "a" {
  count = 3
  attributes { id = 9007199254740993 + index }
}
flow "f" {
  actor = entity.a
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      id = a.id
      u  = "x${index}"
      v  = index % 2 == 0 ? "s" : 1
    }
  }
}
sink "o" {
  type   = "stdout"
  stream = "ev"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		where  string
		code   int
		stdout string
		stderr string
	}{
		{`id == 9007199254740992`, 0, "", ""},
		{`id == 9007199254740994`, 0, `{"id":9007199254740994,"u":"x1","v":1}` + "\n", ""},
		{`v == 1`, 0, `{"id":9007199254740994,"u":"x1","v":1}` + "\n", ""},
		{`u`, 2, "", "--where: expected bool, but got string"},
		{`u > 3`, 2, "", "mismatched types string and int"},
		{`v`, 2, "", "--where: invalid operation: bool(string)"},
	} {
		t.Run(tc.where, func(t *testing.T) {
			code, stdout, stderr := runCLI("preview", scenario, "--where", tc.where)
			if code != tc.code || stdout != tc.stdout || !strings.Contains(stderr, tc.stderr) || strings.Contains(stderr, "sink ") {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", code, tc.code, stdout, tc.stdout, stderr)
			}
		})
	}
}
