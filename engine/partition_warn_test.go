package engine_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestPartitionManyValuesWarning: a sink partitioned by {{field:NAME}}
// whose field takes a value per record or per actor (a time, a float, a
// uuid() or hex(), an id from index over many actors) gets a warning at
// its path; a field with few values, or an id over few actors, does not.
func TestPartitionManyValuesWarning(t *testing.T) {
	src := func(actors int, field string) string {
		return fmt.Sprintf(`scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = %d
  attributes {
    id      = "u${index}"
    country = weighted({ US = 2, DE = 1 })
    signup  = scenario.start + hours(uniform(1, 100))
  }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      k = %s
    }
    next = { end = 1 }
  }
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "x/k={{field:k}}/e.jsonl"
}
`, actors, field)
	}
	for _, tc := range []struct {
		name, field string
		actors      int
		want        string // "" for no warning
	}{
		{"event time", "event.time", 10, `k holds a time (event.time at s.hcl:19:11), which differs from record to record`},
		{"a float", "uniform(0.0, 1.0)", 10, `k holds a float (uniform(0.0, 1.0) at s.hcl:19:11)`},
		{"uuid", "uuid()", 10, `k draws uuid() for each record`},
		{"hex in a template", `"id-${hex(8)}"`, 10, `k draws hex() for each record`},
		{"index in the emit", `"u${index}"`, 5000, `k is built from index ("u${index}" at s.hcl:19:11): one value per user, 5000 of them`},
		{"an id attribute, many actors", "user.id", 5000, `k takes up to 5000 values`},
		{"an id attribute, few actors", "user.id", 50, ""},
		{"index in the emit, few actors", `"u${index}"`, 50, ""},
		{"a time attribute, few actors", "user.signup", 50, ""},
		{"weighted keys", "user.country", 5000, ""},
		{"a constant", `"all"`, 5000, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileOneWarning(t, src(tc.actors, tc.field), tc.want != "")
			if d == nil {
				return
			}
			got := d.Summary + ": " + d.Detail
			for _, want := range []string{"Partitioning by a field with many values: Sink \"out\" partitions its path by {{field:k}}, and " + tc.want,
				`Partition by a field with few values`} {
				if !strings.Contains(got, want) {
					t.Errorf("got  %s\nwant %s", got, want)
				}
			}
			if at := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); at != "27:12" {
				t.Errorf("at %s, want the sink's path (27:12)", at)
			}
		})
	}
}
