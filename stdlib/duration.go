package stdlib

import (
	"fmt"
	"math"
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
			return 0, fmt.Errorf("invalid duration %q: expected a number", orig)
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
			return 0, fmt.Errorf("invalid duration %q: unit %q is not one of ms, s, m, h, d, w", orig, unit)
		}
	}
	if total > math.MaxInt64/2 {
		return 0, fmt.Errorf("duration %q is too long", orig)
	}
	ms := int64(math.Round(total))
	if neg {
		ms = -ms
	}
	return ms, nil
}

// LooksLikeDuration reports whether s is shaped like a duration literal.
func LooksLikeDuration(s string) bool {
	if s == "" {
		return false
	}
	_, err := ParseDuration(s)
	return err == nil && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}

var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseTime parses an RFC 3339 timestamp or a date/datetime without zone,
// which is read as wall-clock time in loc. Wall-clock times that do not
// exist in loc (a DST gap) are an error rather than silently shifted.
func ParseTime(s string, loc *time.Location) (int64, error) {
	if loc == nil {
		loc = time.UTC
	}
	for i, layout := range timeLayouts {
		var t time.Time
		var err error
		if i == 0 {
			t, err = time.Parse(layout, s)
		} else {
			t, err = time.ParseInLocation(layout, s, loc)
			if err == nil {
				y, mo, d := t.Date()
				h, mi, sec := t.Clock()
				check := time.Date(y, mo, d, h, mi, sec, 0, loc)
				if check.Hour() != h || check.Minute() != mi {
					return 0, fmt.Errorf("%q does not exist in time zone %s (daylight saving gap)", s, loc)
				}
			}
		}
		if err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("invalid time %q: use RFC 3339 (2025-06-01T00:00:00+09:00) or a local date/time (2025-06-01, 2025-06-01T08:30:00)", s)
}
