package stdlib

import (
	"strings"
	"testing"
	"time"
)

// TestParseTimeDST: a local time in the spring-forward gap is an error,
// one in the repeated autumn hour is its first occurrence, and a date is
// the start of its day.
func TestParseTimeDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want string // RFC 3339 in UTC; "" when an error is expected
		err  string
	}{
		{"2025-03-30T02:30:00", berlin, "", `"2025-03-30T02:30:00" does not exist in time zone Europe/Berlin`},
		{"2025-03-30T02:00", berlin, "", "daylight saving"},
		{"2025-03-30 02:59:59", berlin, "", "does not exist"},
		{"2025-03-30T01:59:59", berlin, "2025-03-30T00:59:59Z", ""},
		{"2025-03-30T03:00:00", berlin, "2025-03-30T01:00:00Z", ""},
		{"2025-03-30", berlin, "2025-03-29T23:00:00Z", ""},
		{"2025-10-26T02:30:00", berlin, "2025-10-26T00:30:00Z", ""}, // first of the two 02:30s (CEST)
		{"2025-10-26T02:30:00+01:00", berlin, "2025-10-26T01:30:00Z", ""},
		{"2025-10-26T03:00:00", berlin, "2025-10-26T02:00:00Z", ""},
		{"2025-03-30T02:30:00.250", berlin, "", "does not exist"},
		{"2025-06-01T12:00:00.250", berlin, "2025-06-01T10:00:00.25Z", ""},
		{"2025-09-07", santiago, "2025-09-07T04:00:00Z", ""}, // the day starts at 01:00 local
		{"2025-09-07T00:30", santiago, "", "does not exist"},
		{"2025-04-05T23:30", santiago, "2025-04-06T02:30:00Z", ""}, // first occurrence (-03:00)
		{"2025-03-30T02:30:00", time.UTC, "2025-03-30T02:30:00Z", ""},
		{"2025-03-30T02:30:00", nil, "2025-03-30T02:30:00Z", ""},
		// An offset with seconds, as TimeFormatter writes local mean time.
		{"1970-01-01T00:00:00.000-00:44:30", berlin, "1970-01-01T00:44:30Z", ""},
		{"1900-06-01T12:00:00+00:19:32", nil, "1900-06-01T11:40:28Z", ""},
		{"1970-01-01T00:00:00-00:44:3", nil, "", "invalid time"},
	} {
		t.Run(tc.in+" "+tc.loc.String(), func(t *testing.T) {
			ms, err := ParseTime(tc.in, tc.loc)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want error …%s…", time.UnixMilli(ms).UTC(), err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := time.UnixMilli(ms).UTC().Format(time.RFC3339Nano); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
