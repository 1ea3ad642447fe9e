package stdlib

import (
	"slices"
	"time"
	"unsafe"
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
	// The local hour last formatted: its text ("2025-08-15T14:mm:ss.mmm+09:00"
	// with the minutes, seconds and milliseconds to fill in), where it
	// starts in UTC milliseconds, and the range [mLo, mHi) in which the
	// text holds.
	text     [32]byte
	mBase    int64
	mLo, mHi int64
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
	return &TimeFormatter{loc: loc, start: 1, end: 0, mLo: 1, mHi: 0}
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

// Append appends the formatted timestamp. Records come in time order,
// a few an hour or more: the text up to the hour, and the zone offset
// after it, is kept for the hour last formatted, and a record in that hour
// only fills in its minutes, seconds and milliseconds. (Kept by the
// minute, it was rebuilt at a third of the records of a worker writing
// clickstream with two workers, at an unpredictable branch.)
func (f *TimeFormatter) Append(dst []byte, ms int64) []byte {
	if f == nil {
		f = utcFormatter()
	}
	if ms < f.mLo || ms >= f.mHi {
		if !f.hour(ms) {
			return appendSlow(dst, time.UnixMilli(ms).In(f.loc))
		}
	}
	// Unsigned (ms into the local hour, below 3 600 000, as [mLo, mHi)
	// lies in [mBase, mBase+3 600 000)): a division by a constant is then
	// a multiplication and a shift, with no sign fixing; digits come in
	// pairs from a table, each stored as one word (pair: minutes and
	// seconds are under 60 and lo under 100), into the hour's text moved
	// to dst's room as one block. In 32 bits: a division by a constant
	// is then a multiplication by an immediate and a shift, where in 64
	// bits it was MULQ with its fixed registers, three moves more each.
	r := uint32(ms - f.mBase)
	s := r / 1000
	milli := r - s*1000
	mi := uint64(s / 60)
	sec := uint64(s) - mi*60
	hi := milli / 100
	lo := uint64(milli - hi*100)
	n := len(dst)
	if cap(dst)-n < len(f.text) {
		dst = slices.Grow(dst, len(f.text))
	}
	b := unsafe.Add(unsafe.Pointer(unsafe.SliceData(dst)), n)
	*(*[32]byte)(b) = f.text
	*(*uint16)(unsafe.Add(b, 14)) = pair(mi)
	*(*uint16)(unsafe.Add(b, 17)) = pair(sec)
	*(*byte)(unsafe.Add(b, 20)) = byte('0' + hi)
	*(*uint16)(unsafe.Add(b, 21)) = pair(lo)
	return dst[:n+29]
}

// Hour returns the hour the formatter holds: the text Append writes in
// it, with the minutes, seconds and milliseconds (at 14, 17 and 20) to
// fill in from ms - base, and the range [lo, hi) of ms it holds for
// (empty before the first Append). A loop that calls nothing (the JSON
// encoder's fastOps) fills in that hour's timestamps itself, and calls
// Append for the others.
func (f *TimeFormatter) Hour() (text *[32]byte, base, lo, hi int64) {
	return &f.text, f.mBase, f.mLo, f.mHi
}

// appendSlow formats t as Append does, through package time: for years
// outside 0000..9999 and for offsets that are not whole minutes (local
// mean time before a zone adopted standard time: Africa/Monrovia was
// −0:44:30 until 1972), whose seconds it writes ("−00:44:30", as Python's
// isoformat and java.time do) so that the text still names the instant.
func appendSlow(dst []byte, t time.Time) []byte {
	if _, off := t.Zone(); off%60 != 0 {
		return t.AppendFormat(dst, "2006-01-02T15:04:05.000-07:00:00")
	}
	return t.AppendFormat(dst, "2006-01-02T15:04:05.000-07:00")
}

// DigitPairs is "00" to "99", two bytes each.
const DigitPairs = digitPairs

// hour prepares text for the local hour of ms, and says when it holds:
// [mLo, mHi) is that hour within the zone period. It returns
// false for years outside 0000..9999, which RFC 3339 cannot write, and
// for an offset with seconds, which the hour's text has no room for
// (appendSlow writes both).
func (f *TimeFormatter) hour(ms int64) bool {
	if ms < f.start || ms >= f.end {
		f.refresh(ms)
	}
	local := ms + f.offset*1000
	days := floorDiv(local, 86400000)
	y, _, _ := f.civil(days)
	if y < 0 || y > 9999 || f.offset%60 != 0 {
		f.mLo, f.mHi = 1, 0
		return false
	}
	hourStart := floorDiv(local, 3600000) * 3600000
	rem := hourStart - days*86400000
	f.mBase = hourStart - f.offset*1000
	f.mLo, f.mHi = max(f.mBase, f.start), min(f.mBase+3600000, f.end)
	t := &f.text
	copy(t[:10], f.dayText[:])
	t[10] = 'T'
	put2(t[11:], rem/3600000)
	t[13] = ':'
	t[16] = ':'
	t[19] = '.'
	copy(t[23:29], f.offText[:])
	return true
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
