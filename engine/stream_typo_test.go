package engine_test

import (
	"strings"
	"testing"
)

// TestEmitStreamTypoOnlyEmit: a sink's stream that no state emits to,
// close to an emitted stream that no sink writes, is one error at the
// sink's stream that names both and both fixes: from the names alone,
// emit "evnts" beside a sink of "events" reads as emit "events" beside a
// sink of "event". It used to be a warning at the emit and an error at the
// sink that suggested changing the correct name to the misspelling.
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
			`error 19:12 Unknown stream: No state emits to a stream named "events", and no sink writes the stream "evnts" that state "a" emits to (s.hcl:13:10): ` +
				`one of the two names is misspelt. Make them the same: stream = "evnts" here, or emit "events" there.`},
		{"a misspelt sink", "events", "event",
			`error 19:12 Unknown stream: No state emits to a stream named "event", and no sink writes the stream "events" that state "a" emits to (s.hcl:13:10): ` +
				`one of the two names is misspelt. Make them the same: stream = "events" here, or emit "event" there.`},
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
