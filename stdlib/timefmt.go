package stdlib

import (
	"slices"
	"time"
)

// TimeFormatter renders millisecond timestamps as RFC 3339 with milliseconds
// and a numeric zone offset ("2025-08-15T14:23:45.123+09:00") in one time
// zone. It caches the offset of the zone period it last saw, so the common
// case does no time.Time work at all. A TimeFormatter is not safe for
// concurrent use; each worker owns one.
type TimeFormatter struct {
	loc        *time.Location
	start, end int64 // zone period [start, end) in ms, valid for offset
	offset     int64 // seconds east of UTC
	offText    [6]byte
	// The local day last formatted: records come in time order, so the
	// date part is computed once a day, not once a record.
	day              int64
	dayOK            bool
	dayText          [10]byte
	dayY, dayM, dayD int64
}

// civil returns the calendar date of a local day number (days since
// 1970-01-01), from the cache when it is the day last asked for.
func (f *TimeFormatter) civil(days int64) (y, mo, d int64) {
	if !f.dayOK || days != f.day {
		y, mo, d = civilFromDays(days)
		f.day, f.dayOK = days, true
		f.dayY, f.dayM, f.dayD = y, mo, d
		if y >= 0 && y <= 9999 {
			put4(f.dayText[0:], y)
			f.dayText[4] = '-'
			put2(f.dayText[5:], mo)
			f.dayText[7] = '-'
			put2(f.dayText[8:], d)
		}
	}
	return f.dayY, f.dayM, f.dayD
}

// NewTimeFormatter returns a formatter for loc (UTC when nil).
func NewTimeFormatter(loc *time.Location) *TimeFormatter {
	if loc == nil {
		loc = time.UTC
	}
	return &TimeFormatter{loc: loc, start: 1, end: 0}
}

// Location returns the formatter's zone.
func (f *TimeFormatter) Location() *time.Location {
	if f == nil {
		return time.UTC
	}
	return f.loc
}

// ZoneEnd returns when the zone period containing ms ends (the next
// daylight-saving change), in ms.
func (f *TimeFormatter) ZoneEnd(ms int64) int64 {
	if ms < f.start || ms >= f.end {
		f.refresh(ms)
	}
	return f.end
}

// Offset returns the zone offset in seconds at ms.
func (f *TimeFormatter) Offset(ms int64) int64 {
	if ms < f.start || ms >= f.end {
		f.refresh(ms)
	}
	return f.offset
}

func (f *TimeFormatter) refresh(ms int64) {
	t := time.UnixMilli(ms).In(f.loc)
	_, off := t.Zone()
	f.offset = int64(off)
	s, e := t.ZoneBounds()
	f.start, f.end = minInt64, maxInt64
	if !s.IsZero() {
		f.start = s.UnixMilli()
	}
	if !e.IsZero() {
		f.end = e.UnixMilli()
	}
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	h, m := off/3600, (off/60)%60
	f.offText = [6]byte{sign, byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)}
}

const (
	minInt64 = -1 << 63
	maxInt64 = 1<<63 - 1
)

// Append appends the formatted timestamp.
func (f *TimeFormatter) Append(dst []byte, ms int64) []byte {
	if f == nil {
		f = utcFormatter()
	}
	if ms < f.start || ms >= f.end {
		f.refresh(ms)
	}
	local := ms + f.offset*1000
	days := floorDiv(local, 86400000)
	rem := local - days*86400000
	y, _, _ := f.civil(days)
	sec := rem / 1000
	milli := rem % 1000
	hh, mm, ss := sec/3600, (sec/60)%60, sec%60
	if y < 0 || y > 9999 {
		return append(dst, time.UnixMilli(ms).In(f.loc).Format("2006-01-02T15:04:05.000-07:00")...)
	}
	n := len(dst)
	dst = slices.Grow(dst, 29)[:n+29]
	b := dst[n:]
	copy(b[:10], f.dayText[:])
	b[10] = 'T'
	put2(b[11:], hh)
	b[13] = ':'
	put2(b[14:], mm)
	b[16] = ':'
	put2(b[17:], ss)
	b[19] = '.'
	b[20] = byte('0' + milli/100)
	b[21] = byte('0' + milli/10%10)
	b[22] = byte('0' + milli%10)
	copy(b[23:], f.offText[:])
	return dst
}

// Civil returns the local calendar fields of ms: year, month (1-12), day,
// hour, minute, weekday (0 = Monday).
func (f *TimeFormatter) Civil(ms int64) (y, mo, d, h, mi, wd int64) {
	local := ms + f.Offset(ms)*1000
	days := floorDiv(local, 86400000)
	rem := local - days*86400000
	y, mo, d = f.civil(days)
	// 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
	wd = (days%7 + 7 + 3) % 7
	return y, mo, d, rem / 3600000, (rem / 60000) % 60, wd
}

func utcFormatter() *TimeFormatter {
	// Formatting through a nil formatter happens only in messages and tests;
	// a fresh formatter keeps it free of shared mutable state.
	return NewTimeFormatter(time.UTC)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's algorithm).
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return
}

func put2(b []byte, v int64) {
	b[0] = byte('0' + v/10)
	b[1] = byte('0' + v%10)
}

func put4(b []byte, v int64) {
	b[0] = byte('0' + v/1000)
	b[1] = byte('0' + v/100%10)
	b[2] = byte('0' + v/10%10)
	b[3] = byte('0' + v%10)
}
