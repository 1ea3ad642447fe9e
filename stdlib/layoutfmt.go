package stdlib

import (
	"encoding/binary"
	"slices"
	"time"
	"unsafe"
)

// layoutFmt is a constant format_time layout cut where a record's text
// changes within one local hour of one zone period: its zero-padded
// minutes ("04"), seconds ("05") and fixed-width fractions (".000",
// ",00"). Everything else (the date, the hour, the zone's name or
// offset, the literal text) is the same for the whole hour, so each
// worker keeps that text per zone and hour (layoutCache), formatted
// once by Go, and a record copies it and fills in its digits: no
// time.Time, no allocation (the text goes into the record arena).
// A layout with a part of variable width that changes within an hour
// (minutes "4", seconds "5", fractions ".999") is not cut: fast is
// false and it is formatted by Go at every call.
type layoutFmt struct {
	segs  []string    // the layout between the parts below: len(vars)+1
	plain []bool      // segs[i] has no element of Go's layout: written as is
	vars  []layoutVar // the parts that change within an hour
	fast  bool
	// once: at most one minute, one second and one fraction (of three
	// digits) part: a text of at most 28 bytes is then filled in at
	// fixed places (zoneText.short).
	once bool
}

type layoutVar struct {
	kind   uint8 // varMinute, varSecond, varFrac
	digits uint8 // a fraction's digits written from the milliseconds (1-3)
	width  uint8 // the part's width in the text
	sep    byte  // a fraction's separator
}

const (
	varMinute = iota
	varSecond
	varFrac
)

// Kinds of layout chunks (layoutChunk): text that holds for an hour, or
// a part that changes within one.
const (
	chunkStatic = iota
	chunkMinute2
	chunkSecond2
	chunkFrac0
	chunkVarWidth // "4", "5", ".999": changes within an hour, in width too
)

// layoutChunk finds the first element of Go's reference time in layout,
// as time's own (unexported) nextStdChunk does, the same cases in the
// same order, and returns the text before it, the element and the text
// after, with the element's kind. An element is empty when there is none.
func layoutChunk(layout string) (prefix, elem, suffix string, kind int) {
	lower := func(s string) bool { return len(s) > 0 && 'a' <= s[0] && s[0] <= 'z' }
	digit := func(s string, i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }
	cut := func(i, n, k int) (string, string, string, int) { return layout[:i], layout[i : i+n], layout[i+n:], k }
	for i := 0; i < len(layout); i++ {
		switch layout[i] {
		case 'J': // January, Jan
			if len(layout) >= i+3 && layout[i:i+3] == "Jan" {
				if len(layout) >= i+7 && layout[i:i+7] == "January" {
					return cut(i, 7, chunkStatic)
				}
				if !lower(layout[i+3:]) {
					return cut(i, 3, chunkStatic)
				}
			}
		case 'M': // Monday, Mon, MST
			if len(layout) >= i+3 {
				if layout[i:i+3] == "Mon" {
					if len(layout) >= i+6 && layout[i:i+6] == "Monday" {
						return cut(i, 6, chunkStatic)
					}
					if !lower(layout[i+3:]) {
						return cut(i, 3, chunkStatic)
					}
				}
				if layout[i:i+3] == "MST" {
					return cut(i, 3, chunkStatic)
				}
			}
		case '0': // 01, 02, 03, 04, 05, 06, 002
			if len(layout) >= i+2 && '1' <= layout[i+1] && layout[i+1] <= '6' {
				switch layout[i+1] {
				case '4':
					return cut(i, 2, chunkMinute2)
				case '5':
					return cut(i, 2, chunkSecond2)
				}
				return cut(i, 2, chunkStatic)
			}
			if len(layout) >= i+3 && layout[i+1] == '0' && layout[i+2] == '2' {
				return cut(i, 3, chunkStatic)
			}
		case '1': // 15, 1
			if len(layout) >= i+2 && layout[i+1] == '5' {
				return cut(i, 2, chunkStatic)
			}
			return cut(i, 1, chunkStatic)
		case '2': // 2006, 2
			if len(layout) >= i+4 && layout[i:i+4] == "2006" {
				return cut(i, 4, chunkStatic)
			}
			return cut(i, 1, chunkStatic)
		case '_': // _2, _2006, __2
			if len(layout) >= i+2 && layout[i+1] == '2' {
				if len(layout) >= i+5 && layout[i+1:i+5] == "2006" {
					return cut(i+1, 4, chunkStatic)
				}
				return cut(i, 2, chunkStatic)
			}
			if len(layout) >= i+3 && layout[i+1] == '_' && layout[i+2] == '2' {
				return cut(i, 3, chunkStatic)
			}
		case '3':
			return cut(i, 1, chunkStatic)
		case '4':
			return cut(i, 1, chunkVarWidth)
		case '5':
			return cut(i, 1, chunkVarWidth)
		case 'P': // PM
			if len(layout) >= i+2 && layout[i+1] == 'M' {
				return cut(i, 2, chunkStatic)
			}
		case 'p': // pm
			if len(layout) >= i+2 && layout[i+1] == 'm' {
				return cut(i, 2, chunkStatic)
			}
		case '-', 'Z': // -070000, -07:00:00, -0700, -07:00, -07 (and Z…)
			for _, z := range [...]string{"070000", "07:00:00", "0700", "07:00", "07"} {
				if len(layout) >= i+1+len(z) && layout[i+1:i+1+len(z)] == z {
					return cut(i, 1+len(z), chunkStatic)
				}
			}
		case '.', ',': // .000, ,000, .999, ,999: fractional seconds
			if i+1 < len(layout) && (layout[i+1] == '0' || layout[i+1] == '9') {
				ch := layout[i+1]
				j := i + 1
				for j < len(layout) && layout[j] == ch {
					j++
				}
				if !digit(layout, j) {
					if ch == '9' {
						return cut(i, j-i, chunkVarWidth)
					}
					return cut(i, j-i, chunkFrac0)
				}
			}
		}
	}
	return layout, "", "", chunkStatic
}

// layoutFmt returns layout cut (newLayoutFmt), one per compile.
func (cc *CompileCtx) layoutFmt(layout string) *layoutFmt {
	if lf := cc.layouts[layout]; lf != nil {
		return lf
	}
	lf := newLayoutFmt(layout)
	if cc.layouts == nil {
		cc.layouts = map[string]*layoutFmt{}
	}
	cc.layouts[layout] = lf
	return lf
}

// newLayoutFmt cuts layout (see layoutFmt).
func newLayoutFmt(layout string) *layoutFmt {
	lf := &layoutFmt{fast: true}
	seg := 0 // where the current static piece starts
	pos := 0
	for rest := layout; rest != ""; {
		prefix, elem, suffix, kind := layoutChunk(rest)
		if elem == "" {
			break
		}
		at := pos + len(prefix)
		pos = at + len(elem)
		rest = suffix
		var v layoutVar
		switch kind {
		case chunkStatic:
			continue
		case chunkVarWidth:
			return &layoutFmt{}
		case chunkMinute2:
			v = layoutVar{kind: varMinute, width: 2}
		case chunkSecond2:
			v = layoutVar{kind: varSecond, width: 2}
		case chunkFrac0:
			// Go writes at most nine digits, however many the layout
			// has (".0000000000" is ".000000000").
			n := min(len(elem)-1, 9)
			v = layoutVar{kind: varFrac, digits: uint8(min(n, 3)), width: uint8(1 + n), sep: elem[0]}
		}
		lf.segs = append(lf.segs, layout[seg:at])
		lf.vars = append(lf.vars, v)
		seg = pos
	}
	lf.segs = append(lf.segs, layout[seg:])
	var seen [3]int
	lf.once = true
	for _, v := range lf.vars {
		seen[v.kind]++
		if seen[v.kind] > 1 || v.kind == varFrac && v.digits != 3 {
			lf.once = false
		}
	}
	// Each piece, formatted alone, must read as it did within the whole
	// layout: an element at a piece's end that looked past it (".000"
	// followed by the digits of "04" is no fraction) would read
	// otherwise. Such a layout is formatted by Go.
	for _, s := range lf.segs {
		plain := true
		for rest := s; rest != ""; {
			_, elem, suffix, kind := layoutChunk(rest)
			if elem == "" {
				break
			}
			if kind != chunkStatic {
				return &layoutFmt{}
			}
			plain = false
			rest = suffix
		}
		lf.plain = append(lf.plain, plain)
	}
	return lf
}

// zoneText is one zone's text of the local hour last formatted, for one
// layout and worker.
type zoneText struct {
	name string // the zone's name, owned (a key of byName)
	tf   TimeFormatter
	// The hour: its start in UTC ms, and the range [mLo, mHi) the text
	// holds for (the hour within the zone period).
	mBase, mLo, mHi int64
	text            []byte
	at              []int // where each of the layout's vars starts in text
	// short is text when the layout is once and text at most 28 bytes
	// (isShort), padded, with the places of the minutes, the seconds and
	// the milliseconds' digits; a part the layout does not have is
	// written at 29-31, past the text.
	short        words4
	isShort      bool
	minAt, secAt uint8
	fracAt       uint8
}

// layoutCache is a worker's texts of one layout, by zone.
type layoutCache struct {
	lf    *layoutFmt
	owner *Ctx
	// defs are the zones calls name by their location (the scenario's,
	// a constant zone): usually one.
	defs []defZone
	// slots finds a zone by its name's address (the same attribute text
	// at every record of an actor); the name is then compared, as the
	// same address may hold another name later (a record arena's text).
	slots  [32]zoneSlot
	byName map[string]*zoneText
}

type defZone struct {
	loc *time.Location
	z   *zoneText
}

// def returns the text of the zone loc.
func (lc *layoutCache) def(loc *time.Location) *zoneText {
	for _, d := range lc.defs {
		if d.loc == loc {
			return d.z
		}
	}
	z := newZoneText("", loc)
	lc.defs = append(lc.defs, defZone{loc, z})
	return z
}

type zoneSlot struct {
	p *byte
	z *zoneText
}

func newZoneText(name string, loc *time.Location) *zoneText {
	return &zoneText{name: name, tf: *NewTimeFormatter(loc), mLo: 1, mHi: 0}
}

// layoutCache returns the worker's cache of lf's texts. The calls of
// one layout share a layoutFmt (CompileCtx.layoutFmt): a common field
// is compiled once per state that emits it, and each would otherwise
// rebuild the hour's text for its own records.
func (c *Ctx) layoutCache(lf *layoutFmt) *layoutCache {
	if len(c.timeTexts) > 0 && c.timeTexts[0].owner != c {
		// A copy of another Ctx: its caches are that one's (appending
		// to the slice they share would race with it).
		c.timeTexts = nil
	}
	for _, lc := range c.timeTexts {
		if lc.lf == lf {
			return lc
		}
	}
	lc := &layoutCache{lf: lf, owner: c, byName: map[string]*zoneText{}}
	c.timeTexts = append(c.timeTexts, lc)
	return lc
}

// zone returns the text of the zone named name, loading the zone when
// it is first met (an error for a name that is no zone).
func (lc *layoutCache) zone(name string) (*zoneText, error) {
	p := unsafe.StringData(name)
	h := (uint64(uintptr(unsafe.Pointer(p))) * 0x9E3779B97F4A7C15) >> (64 - 5)
	s := &lc.slots[h]
	if s.p == p && sameText(s.z.name, name) {
		return s.z, nil
	}
	z := lc.byName[name]
	if z == nil {
		loc, err := loadZone(name)
		if err != nil {
			return nil, err
		}
		name = string([]byte(name))
		z = newZoneText(name, loc)
		lc.byName[name] = z
	}
	s.p, s.z = p, z
	return z, nil
}

// sameText is a == b, in words loaded inline: a zone's name, compared
// at every call, costs a call to memequal otherwise.
func sameText(a, b string) bool {
	n := len(a)
	if n != len(b) {
		return false
	}
	if n < 8 {
		return a == b
	}
	x := unsafe.Slice(unsafe.StringData(a), n)
	y := unsafe.Slice(unsafe.StringData(b), n)
	le := binary.LittleEndian
	if n <= 16 { // two words, which may overlap
		return le.Uint64(x) == le.Uint64(y) && le.Uint64(x[n-8:]) == le.Uint64(y[n-8:])
	}
	for i := 0; i < n-8; i += 8 {
		if le.Uint64(x[i:]) != le.Uint64(y[i:]) {
			return false
		}
	}
	return le.Uint64(x[n-8:]) == le.Uint64(y[n-8:])
}

// appendTime appends ms formatted with lf in z's zone.
func (lf *layoutFmt) appendTime(dst []byte, z *zoneText, ms int64) []byte {
	if ms < z.mLo || ms >= z.mHi {
		lf.hour(z, ms)
	}
	// Unsigned (ms into the local hour): divisions by constants are
	// multiplications and shifts, with no sign fixing.
	r := uint64(ms - z.mBase)
	s := r / 1000
	milli := r - s*1000
	mi := s / 60
	sec := s - mi*60
	n := len(dst)
	if z.isShort {
		// One 32-byte block through registers, and the digits at their
		// places: no call, no branch.
		dst = slices.Grow(dst, 32)[:n+len(z.text)]
		b := (*[32]byte)(dst[n : n+32 : n+32])
		*(*words4)(unsafe.Pointer(b)) = z.short
		hi := milli / 100
		m, c, l := 2*(mi%60), 2*sec, 2*(milli-hi*100)
		b[z.minAt&31], b[(z.minAt+1)&31] = digitPairs[m], digitPairs[m+1]
		b[z.secAt&31], b[(z.secAt+1)&31] = digitPairs[c], digitPairs[c+1]
		b[z.fracAt&31] = byte('0' + hi)
		b[(z.fracAt+1)&31], b[(z.fracAt+2)&31] = digitPairs[l], digitPairs[l+1]
		return dst
	}
	dst = append(dst, z.text...)
	b := dst[n:]
	for i, v := range lf.vars {
		at := z.at[i]
		switch v.kind {
		case varMinute:
			d := 2 * (mi % 60)
			b[at], b[at+1] = digitPairs[d], digitPairs[d+1]
		case varSecond:
			d := 2 * sec
			b[at], b[at+1] = digitPairs[d], digitPairs[d+1]
		default:
			hi := milli / 100
			b[at+1] = byte('0' + hi)
			if v.digits > 1 {
				d := 2 * (milli - hi*100)
				b[at+2] = digitPairs[d]
				if v.digits > 2 {
					b[at+3] = digitPairs[d+1]
				}
			}
		}
	}
	return dst
}

// words4 is 32 bytes copied through registers: assigning one [32]byte
// to another in a slice compiles to a call to memmove.
type words4 struct{ a, b, c, d uint64 }

// hour prepares z's text for the local hour of ms, formatted by Go at ms:
// within the hour and the zone period only the vars change.
func (lf *layoutFmt) hour(z *zoneText, ms int64) {
	f := &z.tf
	if ms < f.start || ms >= f.end {
		f.refresh(ms)
	}
	local := ms + f.offset*1000
	hourStart := floorDiv(local, 3600000) * 3600000
	z.mBase = hourStart - f.offset*1000
	z.mLo, z.mHi = max(z.mBase, f.start), min(z.mBase+3600000, f.end)
	t := time.UnixMilli(ms).In(f.loc)
	text, at := z.text[:0], z.at[:0]
	for i, s := range lf.segs {
		if lf.plain[i] {
			text = append(text, s...)
		} else {
			text = t.AppendFormat(text, s)
		}
		if i < len(lf.vars) {
			v := lf.vars[i]
			at = append(at, len(text))
			if v.kind == varFrac {
				text = append(text, v.sep)
				for range int(v.width) - 1 {
					text = append(text, '0')
				}
			} else {
				text = append(text, "00"...)
			}
		}
	}
	z.text, z.at = text, at
	z.isShort = lf.once && len(text) <= 28
	if z.isShort {
		var w [32]byte
		copy(w[:], text)
		z.minAt, z.secAt, z.fracAt = 30, 30, 28
		for i, v := range lf.vars {
			switch v.kind {
			case varMinute:
				z.minAt = uint8(at[i])
			case varSecond:
				z.secAt = uint8(at[i])
			default:
				z.fracAt = uint8(at[i]) + 1
			}
		}
		z.short = *(*words4)(unsafe.Pointer(&w))
	}
}
