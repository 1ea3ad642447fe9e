package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// initialScenario: sessions of an impression, then maybe clicks; records
// carry no session id. back is the click state's transition.
func initialScenario(back string) string {
	return `
scenario "i" {
  seed     = 11
  timezone = "Europe/Paris"
  start    = "2025-05-05"
  end      = "2025-05-19"
}
distribution "hourly" {
  hourly = [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 0.8, 0.5, 0.3, 0.2]
}
entity "viewer" {
  count = 300
  attributes { viewer_id = "v${index}" }
}
flow "ads" {
  actor = entity.viewer
  session { arrivals = arrivals(5, [distribution.hourly]) }
  gap     = "30s"
  initial = "impression"
  state "impression" {
    emit "events" {
      kind      = "impression"
      viewer_id = viewer.viewer_id
      ts        = event.time
    }
    next = { click = 0.3, end = 0.7 }
  }
  state "click" {
    emit "events" {
      kind      = "click"
      viewer_id = viewer.viewer_id
      ts        = event.time
    }
    next = ` + back + `
  }
}
sink "events" {
  type   = "jsonl"
  stream = "events"
  path   = "events.jsonl"
}
`
}

// TestReportArrivalsFromTheInitialState: without a session field, the
// records of the initial state's emit are the session starts when no
// transition leads back to it, so the arrival profile is checked on them.
func TestReportArrivalsFromTheInitialState(t *testing.T) {
	for _, tc := range []struct {
		name, back string
		checked    bool
	}{
		{"initial state entered once", "{ click = 0.2, end = 0.8 }", true},
		{"initial state entered again", "{ impression = 0.2, end = 0.8 }", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, dir := compileRun(t, initialScenario(tc.back), 2)
			path := filepath.Join(dir, "events.jsonl")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			impressions := int64(strings.Count(string(data), `"kind":"impression"`))
			r := buildReport(t, plan, plan.Introspect(), path)
			var found bool
			for _, c := range r.Checks {
				if c.Kind != HourOfDay && c.Kind != Weekday {
					continue
				}
				found = true
				if c.Name != "events of flow ads in impression (one per session)" || !c.Pass || c.N != impressions {
					t.Errorf("%s %q: pass %v, n %d (impressions %d): %s", c.Kind, c.Name, c.Pass, c.N, impressions, c.Detail)
				}
			}
			if found != tc.checked {
				t.Fatalf("arrival checks: %v, want %v", found, tc.checked)
			}
			if !tc.checked {
				return
			}
			// Every impression six hours later: the hour of day fails.
			re := regexp.MustCompile(`("kind":"impression","viewer_id":"[^"]*","ts":"2025-05-\d\dT)(\d\d)`)
			shifted := re.ReplaceAllStringFunc(string(data), func(m string) string {
				sub := re.FindStringSubmatch(m)
				h := (int(sub[2][0]-'0')*10 + int(sub[2][1]-'0') + 6) % 24
				return sub[1] + string(rune('0'+h/10)) + string(rune('0'+h%10))
			})
			bad := filepath.Join(dir, "shifted.jsonl")
			if err := os.WriteFile(bad, []byte(shifted), 0o644); err != nil {
				t.Fatal(err)
			}
			if c := findCheck(t, buildReport(t, plan, plan.Introspect(), bad), HourOfDay, "events of flow ads"); c.Pass {
				t.Errorf("impressions six hours late pass: %s", c.Detail)
			}
		})
	}
}
