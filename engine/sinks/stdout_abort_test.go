package sinks

import (
	"bytes"
	"testing"
)

// TestStdoutAbortWithoutRecords: a stdout sink aborted before any record
// (another sink failed to open) writes nothing, not its CSV header alone;
// one aborted after records still delivers them (and the header).
func TestStdoutAbortWithoutRecords(t *testing.T) {
	for _, tc := range []struct {
		name    string
		csv     bool
		records int
		want    string
	}{
		{"csv, no record", true, 0, ""},
		{"jsonl, no record", false, 0, ""},
		{"csv, a record", true, 1, "user_id,event_name,n,at,ctx\n{\"x\":1}\n"},
		{"jsonl, a record", false, 1, "{\"x\":1}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s := &stdoutSink{stream: kafkaStream(), csv: tc.csv, out: &out}
			if err := s.Open(RunInfo{}); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < tc.records; i++ {
				if err := s.Write(0, []byte("{\"x\":1}\n")); err != nil {
					t.Fatal(err)
				}
			}
			s.Abort()
			if got := out.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
