package sinks

import (
	"testing"
	"time"
)

// TestPartitionSpan: the time partition FileLayout gives for a time holds
// it and ends where the sink starts its next file (expandTime), in every
// unit, across daylight saving and month ends.
func TestPartitionSpan(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	for _, loc := range []*time.Location{time.UTC, ny} {
		for _, unit := range timeTokens {
			s := &fileSink{unit: unit, loc: loc}
			for _, at := range []string{"2025-03-09T06:59:59.999Z", "2025-03-09T07:30:00Z", "2025-01-31T23:59:59Z", "2025-02-01T05:00:00Z", "2024-12-31T23:00:00Z", "2025-11-02T05:45:12.5Z"} {
				tm, err := time.Parse(time.RFC3339Nano, at)
				if err != nil {
					t.Fatal(err)
				}
				ts := tm.UnixMilli()
				from, to := partitionSpan(unit, loc, ts)
				_, end := s.expandTime("x", ts)
				if !(from <= ts && ts < to) || to != end {
					t.Errorf("%s %s at %s: [%s, %s), the sink's partition ends at %s", loc, unit, at, time.UnixMilli(from).In(loc), time.UnixMilli(to).In(loc), time.UnixMilli(end).In(loc))
				}
				if key, _ := s.expandTime("x"+unit, ts); key != func() string { k, _ := s.expandTime("x"+unit, from); return k }() {
					t.Errorf("%s %s at %s: the partition's start %s is in another partition", loc, unit, at, time.UnixMilli(from).In(loc))
				}
			}
		}
	}
}
