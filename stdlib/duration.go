package stdlib

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var durUnits = []struct {
	suffix string
	ms     float64
}{
	{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"w", 7 * 86400000},
}

// ParseDuration parses "90s", "1h30m", "2d", "250ms", "1.5h" into milliseconds.
// MaxDurationMs is the longest duration either way, in milliseconds: what
// Go's time.Duration holds (about 292 years), so that every duration can be
// printed and added to a time without wrapping around.
const MaxDurationMs = math.MaxInt64 / 1_000_000

// MinTimeMs and MaxTimeMs bound times to the years 1-9999, which RFC 3339
// can write.
const (
	MinTimeMs = -62135596800000 // 0001-01-01T00:00:00Z
	MaxTimeMs = 253402300799999 // 9999-12-31T23:59:59.999Z
)

func ParseDuration(s string) (int64, error) {
	orig := s
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	total := 0.0
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')) {
			i++
		}
		if i == 0 {
			return 0, durationError(orig, "")
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", orig)
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		unit := s[:j]
		s = s[j:]
		found := false
		for _, u := range durUnits {
			if u.suffix == unit {
				total += num * u.ms
				found = true
				break
			}
		}
		if !found {
			return 0, durationError(orig, unit)
		}
	}
	if math.Round(total) > MaxDurationMs {
		return 0, fmt.Errorf("duration %q is too long: the longest is %s", orig, DurV(MaxDurationMs).String())
	}
	ms := int64(math.Round(total))
	if neg {
		ms = -ms
	}
	return ms, nil
}

// durationWords are units as people write them in words, by the unit
// a duration string uses.
var durationWords = map[string]string{
	"ms": "ms", "msec": "ms", "msecs": "ms", "millisecond": "ms", "milliseconds": "ms",
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"d": "d", "day": "d", "days": "d",
	"w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
}

var durationPart = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*(?:,|and)?`)

// durationError says why orig, which does not parse, is not a duration
// (at unit, the first unit that is not one), with the string meant when
// orig is one written in words ("15 minutes", "1h 30m": "15m", "1h30m").
func durationError(orig, unit string) error {
	s, fixed := strings.TrimSpace(orig), ""
	if strings.HasPrefix(s, "-") {
		s, fixed = s[1:], "-"
	}
	for s != "" && fixed != "?" {
		m := durationPart.FindStringSubmatch(s)
		if m == nil || m[0] == "" {
			fixed = "?"
			break
		}
		u, ok := durationWords[strings.ToLower(m[2])]
		if !ok || m[2] == "M" {
			fixed = "?"
			break
		}
		fixed += m[1] + u
		s = strings.TrimSpace(s[len(m[0]):])
	}
	if fixed != "?" && fixed != "" && fixed != "-" {
		if _, err := ParseDuration(fixed); err == nil {
			return fmt.Errorf("invalid duration %q; write %q (a number and its unit, no space: ms, s, m, h, d, w)", orig, fixed)
		}
	}
	if unit == "" {
		return fmt.Errorf("invalid duration %q: a duration is numbers each followed by a unit (ms, s, m, h, d, w), such as \"90s\" or \"1h30m\"", orig)
	}
	return fmt.Errorf("invalid duration %q: unit %q is not one of ms, s, m, h, d, w", orig, unit)
}

// LooksLikeDuration reports whether s is shaped like a duration literal.
func LooksLikeDuration(s string) bool {
	if s == "" {
		return false
	}
	_, err := ParseDuration(s)
	return err == nil && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}

// offsetSecondsLayout reads an offset with seconds ("-00:44:30"), as
// TimeFormatter writes local mean time.
const offsetSecondsLayout = "2006-01-02T15:04:05.999999999Z07:00:00"

var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseRFC3339 parses an RFC 3339 timestamp, and one whose offset has
// seconds ("1970-01-01T00:00:00.000-00:44:30"), which TimeFormatter
// writes for local mean time.
func ParseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(timeLayouts[0], s)
	if err != nil {
		if t2, err2 := time.Parse(offsetSecondsLayout, s); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

// ParseTime parses an RFC 3339 timestamp or a date/datetime without zone,
// which is read as wall-clock time in loc. A wall-clock time that does not
// exist in loc (in the daylight-saving gap) is an error rather than
// silently shifted; one that exists twice (the repeated hour when daylight
// saving ends) is its first occurrence. A date alone is the start of that
// day, even where the day starts after midnight. A time outside the years
// 1-9999 (MinTimeMs, MaxTimeMs) is an error.
func ParseTime(s string, loc *time.Location) (int64, error) {
	ms, err := parseTime(s, loc)
	if err == nil && (ms < MinTimeMs || ms > MaxTimeMs) {
		// Go reads the year 0000, and an offset can carry a time of
		// the year 1 or 9999 over the edge: times are the years
		// 1-9999, which RFC 3339 can write and the readers accept.
		return 0, fmt.Errorf("%q is outside the years 1-9999", s)
	}
	return ms, err
}

func parseTime(s string, loc *time.Location) (int64, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t, err := ParseRFC3339(s); err == nil {
		return t.UnixMilli(), nil
	}
	for _, layout := range timeLayouts[1:] {
		// Parsed in UTC, t holds exactly the wall clock that was written.
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		ms, ok := wallToInstant(t, loc)
		if !ok && layout == "2006-01-02" {
			// Midnight falls in the gap: the day starts when the clocks
			// jump, which is where the zone in force after the gap begins.
			_, off := t.Add(-24 * time.Hour).In(loc).Zone()
			start, _ := t.Add(-time.Duration(off) * time.Second).In(loc).ZoneBounds()
			return start.UnixMilli(), nil
		}
		if !ok {
			return 0, fmt.Errorf("%q does not exist in time zone %s: the clocks skip it when daylight saving time starts; "+
				"give a time outside the gap or an RFC 3339 time with an offset", s, loc)
		}
		return ms, nil
	}
	return 0, &TimeSyntaxError{Text: s}
}

// TimeSyntaxError is ParseTime's error for text in none of its forms
// (rather than a local time that does not exist, or a time outside the
// years 1-9999): time() of such text at run time is null.
type TimeSyntaxError struct{ Text string }

func (e *TimeSyntaxError) Error() string {
	return fmt.Sprintf("invalid time %q: use RFC 3339 (2025-06-01T00:00:00+09:00) or a local date/time (2025-06-01, 2025-06-01T08:30:00)", e.Text)
}

// wallToInstant finds the earliest instant at which the clocks of loc read
// the wall time w (given in UTC); false when they never do. The zone's
// offsets a day either side cover every transition near w.
func wallToInstant(w time.Time, loc *time.Location) (int64, bool) {
	best, found := int64(0), false
	for _, near := range []time.Time{w.Add(-24 * time.Hour), w, w.Add(24 * time.Hour)} {
		_, off := near.In(loc).Zone()
		at := w.Add(-time.Duration(off) * time.Second)
		if at.In(loc).Format(time.DateTime+".999999999") != w.Format(time.DateTime+".999999999") {
			continue
		}
		if ms := at.UnixMilli(); !found || ms < best {
			best, found = ms, true
		}
	}
	return best, found
}
