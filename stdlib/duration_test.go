package stdlib

import (
	"strings"
	"testing"
)

// TestDurationErrorsSayWhatToWrite: a duration written in words, or with
// a space between the number and its unit, is an error that gives the
// string meant; one that is not close to a duration says the form.
func TestDurationErrorsSayWhatToWrite(t *testing.T) {
	const form = `a duration is numbers each followed by a unit (ms, s, m, h, d, w), such as "90s" or "1h30m"`
	for _, tc := range []struct{ in, want string }{
		{"15 minutes", `invalid duration "15 minutes"; write "15m" (a number and its unit, no space`},
		{"10 min", `write "10m"`},
		{"1 day", `write "1d"`},
		{"1.5 hours", `write "1.5h"`},
		{"-2 hours", `write "-2h"`},
		{"1h 30m", `write "1h30m"`},
		{"2 hours and 5 minutes", `write "2h5m"`},
		{"1H", `write "1h"`},
		{"3M", form}, // months or minutes: not guessed
		{"10", form},
		{"abc", form},
		{"5 fortnights", form},
		{"5x", `invalid duration "5x": unit "x" is not one of ms, s, m, h, d, w`},
	} {
		_, err := ParseDuration(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %s", tc.in, err, tc.want)
		}
	}
	for _, ok := range []string{"15m", "1h30m", "90s", "250ms", "2w", "-3d"} {
		if _, err := ParseDuration(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
