package report

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// assignmentScenario: two states write to one stream; the ones named in
// withGroup also write experiment.x.group.
func assignmentScenario(withGroup map[string]bool) string {
	group := func(state string) string {
		if withGroup[state] {
			return "      group = experiment.x.group\n"
		}
		return ""
	}
	return `
scenario "a" {
  seed  = 5
  start = "2025-01-01"
  end   = "2025-01-05"
}
entity "user" {
  count = 300
  attributes { user_id = "u${index}" }
}
experiment "x" {
  unit   = user.user_id
  during = ["2025-01-02", "2025-01-04"]
  groups = { control = 0.5, treatment = 0.5 }
}
flow "visit" {
  actor = entity.user
  session { arrivals = arrivals(4) }
  gap     = "1m"
  initial = "view"
  state "view" {
    emit "events" {
      event   = state.name
      user_id = user.user_id
      ts      = event.time
` + group("view") + `    }
    next = { click = 0.5, end = 0.5 }
  }
  state "click" {
    emit "events" {
      event   = state.name
      user_id = user.user_id
      ts      = event.time
` + group("click") + `    }
    next = { end = 1 }
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportAssignmentOnlyWhereWritten: the assignment check reads the
// group from the records of the emits that write it; the others' records
// (no group field) are not records "outside the window".
func TestReportAssignmentOnlyWhereWritten(t *testing.T) {
	for _, tc := range []struct {
		name      string
		withGroup map[string]bool
	}{
		{"every state", map[string]bool{"view": true, "click": true}},
		{"the initial state only", map[string]bool{"view": true}},
		{"a later state only", map[string]bool{"click": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, assignmentScenario(tc.withGroup), 2)
			path := filepath.Join(dir, "events.jsonl")
			// Independently: the records of the states that write a group,
			// and the first of them inside the window.
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			var n int64
			tamper := -1
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				if tc.withGroup[m["event"].(string)] {
					n++
					if _, ok := m["group"]; ok && tamper < 0 {
						tamper = len(lines)
					}
				}
				lines = append(lines, sc.Text())
			}
			f.Close()
			c := findCheck(t, buildReport(t, plan, plan.Introspect(), path), Assignment, "x: group = MD5 bucket")
			if !c.Pass || c.N != n || c.Stat != 0 {
				t.Fatalf("as written: pass %v, %v wrong of %d, want 0 of %d: %s", c.Pass, c.Stat, c.N, n, c.Detail)
			}
			// The other group in one record that writes it: one wrong.
			l := lines[tamper]
			if strings.Contains(l, `"group":"control"`) {
				l = strings.Replace(l, `"group":"control"`, `"group":"treatment"`, 1)
			} else {
				l = strings.Replace(l, `"group":"treatment"`, `"group":"control"`, 1)
			}
			lines[tamper] = l
			bad := filepath.Join(dir, "bad.jsonl")
			if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			c = findCheck(t, buildReport(t, plan, plan.Introspect(), bad), Assignment, "x: group = MD5 bucket")
			if c.Pass || c.Stat != 1 || c.N != n {
				t.Errorf("one group swapped: pass %v, %v wrong of %d, want 1 of %d", c.Pass, c.Stat, c.N, n)
			}
		})
	}
}
