package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneEventSessionFields: a session of one event (max_events = 1)
// evaluates its per-session fields (actor attributes, session.*, a
// template over them) with the record's other fields rather than at the
// session's start; the records are those of the general path, which
// max_events = 2 takes for the same sessions (their one state ends them
// after one event): same fields, same draws, whether min_gap moves a
// session's start or not, with several emits in the state and a
// for_each emit, at one worker and two.
func TestOneEventSessionFields(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-08"
}
entity "user" {
  count = 30
  attributes {
    id    = "u${index}"
    name  = name()
    score = uniform(0, 10)
    tags  = ["t${index}", "x${index}", "y"]
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
sink "f" {
  type   = "jsonl"
  stream = "f"
  path   = "f.jsonl"
}
flow "visit" {
  actor = entity.user
  session {
    count      = 40
    every      = "%s"
    max_events = %d
  }
  initial = "go"
  common "e" {
    user    = user.id
    started = session.start
  }
  state "go" {
    set = {
      pick = uniform(0, 100)
    }
    emit "e" {
      id      = uuid()
      at      = event.time
      name    = user.name
      key     = "${user.id}|${user.name}"
      sess    = session.index
      sid     = session.id
      score   = round(user.score * 10, 1)
      pick    = ctx.pick
      doubled = user.score * 2
    }
    emit "f" {
      user = user.id
      sess = session.index
      at   = event.time
    }
    emit "f" {
      for_each = user.tags
      user     = user.id
      tag      = each.value
      sess     = session.index
    }
  }
}
constraint "spacing" {
  flows   = [flow.visit]
  min_gap = "3h"
}
`
	for _, every := range []string{"2h", "5h"} { // 2h: min_gap moves every other session
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("every %s, %d workers", every, workers), func(t *testing.T) {
				read := func(maxEvents int) string {
					dir := runSourceDir(t, fmt.Sprintf(src, every, maxEvents), workers)
					var b strings.Builder
					for _, f := range []string{"e.jsonl", "f.jsonl"} {
						data, err := os.ReadFile(filepath.Join(dir, f))
						if err != nil {
							t.Fatal(err)
						}
						b.Write(data)
					}
					return b.String()
				}
				one, general := read(1), read(2)
				if strings.Count(one, "\n") < 1000 {
					t.Fatalf("only %d records", strings.Count(one, "\n"))
				}
				if one != general {
					t.Errorf("max_events = 1 and 2 differ:\n%.600s\n---\n%.600s", one, general)
				}
			})
		}
	}
}
