package engine_test

import (
	"strings"
	"testing"
)

// TestTimeOutsideYears: a time constant outside the years 1-9999 (the
// year 0000, which Go reads; an offset that carries the year 1 or 9999
// over the edge) is an error at the constant wherever one enters: the
// scenario's start and end, time("…"), an experiment's window and a
// dates profile. Such a window used to run and write times that scen's
// own Parquet reader then rejected.
func TestTimeOutsideYears(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"start and end in the year 0", `start = "2025-01-01"
  end   = END`, `start = "0000-06-01"
  end   = "0000-06-02"`,
			"error 2:11 Invalid time: start: \"0000-06-01\" is outside the years 1-9999.\n" +
				"error 3:11 Invalid time: end: \"0000-06-02\" is outside the years 1-9999."},
		{"an offset before the year 1", `start = "2025-01-01"`, `start = "0001-01-01T00:30:00+01:00"`,
			"error 2:11 Invalid time: start: \"0001-01-01T00:30:00+01:00\" is outside the years 1-9999."},
		{"an end after the year 9999", `end   = END`, `end   = "9999-12-31T23:30:00-01:00"`,
			"error 3:11 Invalid time: end: \"9999-12-31T23:30:00-01:00\" is outside the years 1-9999."},
		{"time() of the year 0", `x = 1 }`, `x = time("0000-06-01") }`,
			"error 20:25 Invalid argument: time: \"0000-06-01\" is outside the years 1-9999. Usage: time(text)."},
		{"an experiment's window", `during = ["2025-01-01", "2025-01-02"]`, `during = ["0000-01-01", "2025-01-02"]`,
			"error 8:12 Invalid time: \"0000-01-01\" is outside the years 1-9999."},
		{"a dates profile", `dates = { "2025-01-01" = 2 }`, `dates = { "0000-01-01" = 2 }`,
			"error 5:32 Invalid date range: \"0000-01-01\": \"0000-01-01\" is outside the years 1-9999."},
		{"the edges themselves", `start = "2025-01-01"
  end   = END`, `start = "0001-01-01"
  end   = "9999-12-31T23:59:59.999Z"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(review33WindowSrc, tc.from, tc.to, 1)
			src = strings.NewReplacer("END", `"2025-01-03"`, "GAP", `"1h"`).Replace(src)
			wantDiags(t, src, tc.want)
		})
	}
}
