package engine_test

import (
	"strings"
	"testing"
)

// TestEmitStreamTypoOnlyEmit: a misspelt stream on the only emit of a
// stream a sink names (emit "evnts" beside a sink of "events") is one
// error at the emit's label that names the sink's stream. It used to be a
// warning at the emit and an error at the sink suggesting the misspelling.
func TestEmitStreamTypoOnlyEmit(t *testing.T) {
	const src = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 5
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "a"
  state "a" {
    emit "EMIT" { x = 1 }
    next = { end = 1 }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "SINK"
  path   = "o.jsonl"
}
`
	for _, tc := range []struct{ name, emit, sink, want string }{
		{"a misspelt emit", "evnts", "events",
			`error 13:10 Stream has no sink: No sink writes stream "evnts", so its records would be generated and thrown away. Did you mean "events"? ` +
				`(A stream without a sink, emitted on purpose, needs a name not this close to one a sink writes; or add a sink with stream = "evnts".)`},
		{"unrelated names", "clicks", "events",
			`warning 13:10 Stream has no sink: Records emitted to "clicks" are generated but not written; add a sink with stream = "clicks".` +
				"\nerror 19:12 Unknown stream: No state emits to a stream named \"events\"."},
		{"the same name", "events", "events", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, strings.NewReplacer("EMIT", tc.emit, "SINK", tc.sink).Replace(src), tc.want)
		})
	}
}
