package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestSessionIndex: session.index counts an actor's sessions of a flow
// from 1; a session that quiet hours drop keeps its number (language.md).
func TestSessionIndex(t *testing.T) {
	for _, tc := range []struct {
		name, quiet string
		want        string // "hour:index" of the first records
	}{
		{"no constraint", "", "0:1 1:2 2:3 3:4 4:5 5:6"},
		{"a dropped session keeps its number", `["02:30", "04:00"]`, "0:1 1:2 2:3 4:5 5:6 6:7"},
		// 01:10 dropped (2), 02:10 waits for the span's end: session 3 at 03:00.
		{"one dropped, the next postponed", `["01:00", "03:00"]`, "0:1 3:3 4:4 5:5 6:6 7:7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `
scenario "q" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 1
  attributes { id = "u" }
}
flow "hb" {
  actor = entity.u
  session {
    start = "10m"
    every = "1h"
  }
  initial = "a"
  state "a" {
    emit "e" {
      ts = event.time
      s  = session.index
    }
  }
}
sink "s" {
  type   = "stdout"
  stream = "e"
}
`
			if tc.quiet != "" {
				src += "constraint \"night\" {\n  flows = [flow.hb]\n  quiet_hours = " + tc.quiet + "\n}\n"
			}
			sc, diags := dsl.ParseSource("q.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			recs, err := plan.Preview(context.Background(), "e", 6, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				var m struct {
					Ts string
					S  int
				}
				if err := json.Unmarshal(r, &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, strings.TrimLeft(m.Ts[11:13], "0")+":"+string(rune('0'+m.S)))
			}
			want := strings.ReplaceAll(tc.want, " 0:", " :")
			want = strings.TrimPrefix(strings.Replace(" "+want, " 0:", " :", 1), " ")
			if strings.Join(got, " ") != want {
				t.Errorf("got %s, want %s", strings.Join(got, " "), want)
			}
		})
	}
}
