package engine

import (
	"testing"
	"time"

	"github.com/scenhq/scen/stdlib"
)

// TestNextLocal: the end of a rule's span is the next instant the local
// wall clock reads the given time, not a fixed wait added to the absolute
// time: across the spring-forward and fall-back changes of Berlin and New
// York, at a time in the spring-forward gap (the first instant after it),
// at a time repeated on fall-back (its first occurrence after now, the
// second when now is already in the repeated hour), and at a midnight the
// clocks skip (São Paulo, 2018).
func TestNextLocal(t *testing.T) {
	cases := []struct {
		zone, now, local, want string
	}{
		{"Europe/Berlin", "2025-03-29T22:00:00+01:00", "2025-03-30T07:00", "2025-03-30T07:00:00+02:00"},
		{"Europe/Berlin", "2025-03-29T23:00:00+01:00", "2025-03-30T00:00", "2025-03-30T00:00:00+01:00"},
		{"Europe/Berlin", "2025-03-30T00:30:00+01:00", "2025-03-31T00:00", "2025-03-31T00:00:00+02:00"},
		{"Europe/Berlin", "2025-03-30T01:30:00+01:00", "2025-03-30T02:30", "2025-03-30T03:00:00+02:00"},
		{"Europe/Berlin", "2025-03-30T01:30:00+01:00", "2025-03-30T02:00", "2025-03-30T03:00:00+02:00"},
		{"Europe/Berlin", "2025-10-25T22:00:00+02:00", "2025-10-26T07:00", "2025-10-26T07:00:00+01:00"},
		{"Europe/Berlin", "2025-10-26T00:30:00+02:00", "2025-10-27T00:00", "2025-10-27T00:00:00+01:00"},
		{"Europe/Berlin", "2025-10-26T01:00:00+02:00", "2025-10-26T02:30", "2025-10-26T02:30:00+02:00"},
		{"Europe/Berlin", "2025-10-26T02:10:00+01:00", "2025-10-26T02:30", "2025-10-26T02:30:00+01:00"},
		{"Europe/Berlin", "2025-10-26T02:40:00+02:00", "2025-10-26T03:00", "2025-10-26T03:00:00+01:00"},
		{"America/New_York", "2025-03-08T23:45:00-05:00", "2025-03-09T06:15", "2025-03-09T06:15:00-04:00"},
		{"America/New_York", "2025-03-09T00:10:00-05:00", "2025-03-10T00:00", "2025-03-10T00:00:00-04:00"},
		{"America/New_York", "2025-03-09T01:30:00-05:00", "2025-03-09T02:30", "2025-03-09T03:00:00-04:00"},
		{"America/New_York", "2025-11-01T23:45:00-04:00", "2025-11-02T06:15", "2025-11-02T06:15:00-05:00"},
		{"America/New_York", "2025-11-02T00:30:00-04:00", "2025-11-02T01:30", "2025-11-02T01:30:00-04:00"},
		{"America/New_York", "2025-11-02T01:10:00-05:00", "2025-11-02T01:30", "2025-11-02T01:30:00-05:00"},
		{"America/New_York", "2025-11-02T00:10:00-04:00", "2025-11-03T00:00", "2025-11-03T00:00:00-05:00"},
		{"America/Sao_Paulo", "2018-11-03T20:00:00-03:00", "2018-11-04T00:00", "2018-11-04T01:00:00-02:00"},
		{"UTC", "2025-01-01T22:00:00Z", "2025-01-02T07:00", "2025-01-02T07:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.zone+" "+tc.now+" to "+tc.local, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			now, err1 := time.Parse(time.RFC3339, tc.now)
			want, err2 := time.Parse(time.RFC3339, tc.want)
			local, err3 := time.Parse("2006-01-02T15:04", tc.local) // wall time, read as UTC
			if err1 != nil || err2 != nil || err3 != nil {
				t.Fatal(err1, err2, err3)
			}
			got := nextLocal(stdlib.NewTimeFormatter(loc), now.UnixMilli(), local.UnixMilli())
			if got != want.UnixMilli() {
				t.Fatalf("got %s, want %s", time.UnixMilli(got).In(loc).Format(time.RFC3339), want.In(loc).Format(time.RFC3339))
			}
		})
	}
}
