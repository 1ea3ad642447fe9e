package stdlib

import (
	"strings"
	"testing"
	"time"
)

// TestLayoutChunkMatchesTime: layoutFmt cuts a layout where Go's time
// package finds its elements. For each layout, the elements layoutChunk
// finds are replaced by the values of an instant and the result compared
// with Go's text of that instant.
func TestLayoutChunkMatchesTime(t *testing.T) {
	at := time.Date(2025, 11, 9, 16, 7, 8, 912e6, time.FixedZone("XST", 5*3600+30*60))
	for _, layout := range testLayouts {
		var b strings.Builder
		for rest := layout; rest != ""; {
			prefix, elem, suffix, _ := layoutChunk(rest)
			b.WriteString(prefix)
			if elem != "" {
				b.WriteString(at.Format(elem))
			}
			rest = suffix
		}
		if got, want := b.String(), at.Format(layout); got != want {
			t.Errorf("layout %q: pieces %q, Go %q", layout, got, want)
		}
	}
}

var testLayouts = []string{
	"2006-01-02T15:04:05", "2006-01-02T15:04:05.000-07:00", "2006-01-02 15:04:05,000", "15:04:05.0", "15:04:05.00",
	"15:04:05.000000", "15:04:05.000000000Z07:00", time.RFC1123, time.RFC1123Z, time.RFC822, time.RFC850, time.UnixDate,
	time.ANSIC, time.Kitchen, time.StampMilli, time.StampMicro, time.RubyDate, "Monday 04:05", "Month 04", "Jan04",
	"January 2, 2006 at 3:04pm (MST)", "_2006 04", "__2 04 002", "04", "0405", ".000", "15.00004", "-0700 04", "Z0700 05",
	"-07:00:00 04", "Z070000", "2006-01-02", "15:04:05.9", "4:5", "15:04:05.999", "2006-01-02T15:04:05Z", "PM pm 04",
	"Mon, 02 Jan 2006 15:04:05 -07 MST", "20060102150405", "060102 1504", "2006-01-02T15:04:05.000000-0700",
	"1 2 3 04 05 06", "x05.0y", ",0", ".", "", "T", "Mo04", "Janx04", "Jan05", "-07004", "_2 04:05 ",
	"15:04:05.0000000000", "05.000000000000 04", ",0000000000000", // more than nine digits: Go writes nine
}

// TestFormatTimeMatchesTime: format_time with a constant layout (the text
// kept per zone and hour) writes what Go's Format writes, for every test
// layout, in zones given as a constant, drawn at each call, null (the
// scenario's zone), at timestamps in order (the hour's text reused) and
// out of order, across DST changes and offsets with seconds. A zone name
// whose text is rewritten in place (a record arena reused) is read anew.
func TestFormatTimeMatchesTime(t *testing.T) {
	zones := []string{"UTC", "Asia/Seoul", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Europe/Amsterdam", "Africa/Monrovia", "Asia/Dubai"}
	r := NewRand(5)
	var ms []int64
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < 4000; i++ { // in order, seconds to hours apart
		at += int64(r.Uint64n(uint64(1 + r.Uint64n(3)*3600000)))
		ms = append(ms, at)
	}
	for _, tr := range []time.Time{time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 26, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 5, 14, 0, 0, 0, time.UTC)} {
		at := tr.Add(-3 * time.Hour).UnixMilli()
		for i := 0; i < 1500; i++ { // dense, through DST changes
			at += int64(r.Uint64n(12000))
			ms = append(ms, at)
		}
	}
	for _, old := range []time.Time{time.Date(1935, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(1972, 1, 7, 0, 0, 0, 0, time.UTC)} {
		at := old.UnixMilli()
		for i := 0; i < 1000; i++ { // offsets with seconds
			at += int64(r.Uint64n(9000))
			ms = append(ms, at)
		}
	}
	for i := 0; i < 1000; i++ { // out of order, 1900..2200
		ms = append(ms, int64(r.Uint64n(300*365*86400000))-70*365*86400000)
	}
	ms = append(ms, -62135596800000-1, 253402300800000, 0, -1, -1000, 999)
	f, _ := New().Lookup("format_time")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	locs := map[string]*time.Location{}
	for _, z := range append(zones, "Australia/Lord_Howe") {
		locs[z], _ = time.LoadLocation(z)
	}
	fast := 0
	for _, layout := range testLayouts {
		if newLayoutFmt(layout).fast {
			fast++
		}
		lay := StrV(layout)
		want := func(m int64, zone string) string {
			loc := berlin
			if zone != "" {
				loc = locs[zone]
			}
			return time.UnixMilli(m).In(loc).Format(layout)
		}
		// A zone drawn at each call, rotating; "" is null (the scenario's).
		impl, err := f.Compile(&CompileCtx{Loc: berlin}, []Arg{{Type: Time}, {Type: String, Const: &lay}, {Type: String}})
		if err != nil {
			if strings.Contains(err.Error(), "no element of Go's reference time") {
				continue
			}
			t.Fatalf("%q: %v", layout, err)
		}
		c := &Ctx{}
		names := append([]string{""}, zones...)
		buf := make([]byte, 32)
		for i, m := range ms {
			z := NullV()
			name := names[i%len(names)]
			if name != "" {
				// Two names of one length at one address, in turn.
				if i%7 == 0 {
					name = []string{"Asia/Seoul", "Asia/Dubai"}[i/7%2]
				}
				n := copy(buf, name)
				z = StrV(unsafeString(buf[:n]))
			}
			got := f2s(impl.Fn(c, []Value{TimeV(m), lay, z}))
			if w := want(m, name); got != w || c.Fault != nil {
				t.Fatalf("%q in %q at %d: %q (fault %v), want %q", layout, name, m, got, c.Fault, w)
			}
			if i%100 == 0 {
				c.ResetArena()
			}
		}
		// A constant zone, and none: two calls of one compile, which
		// share the layout's texts, on one worker.
		cc := &CompileCtx{Loc: berlin}
		var impls []Impl
		consts := []string{"Australia/Lord_Howe", ""}
		for _, zone := range consts {
			args := []Arg{{Type: Time}, {Type: String, Const: &lay}}
			if zone != "" {
				zv := StrV(zone)
				args = append(args, Arg{Type: String, Const: &zv})
			}
			impl, err := f.Compile(cc, args)
			if err != nil {
				t.Fatal(err)
			}
			impls = append(impls, impl)
		}
		c = &Ctx{}
		for i, m := range ms {
			zone := consts[i%2]
			if got, w := f2s(impls[i%2].Fn(c, []Value{TimeV(m), lay, StrV(zone)})), want(m, zone); got != w {
				t.Fatalf("%q in %q at %d: %q, want %q", layout, zone, m, got, w)
			}
		}
	}
	if fast < len(testLayouts)/2 {
		t.Fatalf("%d layouts of %d cut: the test tests little", fast, len(testLayouts))
	}
}

func f2s(v Value) string {
	if v.K != String {
		return "<" + v.K.String() + ">"
	}
	return v.S
}

// TestLayoutFmtCuts: the layouts that are cut, and those formatted by Go
// at every call (a part whose width changes within an hour, a piece that
// reads otherwise alone).
func TestLayoutFmtCuts(t *testing.T) {
	for _, tc := range []struct {
		layout string
		vars   int
		fast   bool
	}{
		{"2006-01-02T15:04:05", 2, true},
		{"2006-01-02T15:04:05.000-07:00", 3, true},
		{"15:04:05,000000", 3, true},
		{"2006-01-02", 0, true},
		{time.RFC1123, 2, true},
		{"15:04:05.999", 0, false},
		{"3:4pm", 0, false},
		{"15.00004", 0, false}, // ".000" alone would be a fraction
		{"Jan04", 1, true},
	} {
		lf := newLayoutFmt(tc.layout)
		if lf.fast != tc.fast || len(lf.vars) != tc.vars {
			t.Errorf("%q: fast %v with %d parts, want %v with %d", tc.layout, lf.fast, len(lf.vars), tc.fast, tc.vars)
		}
	}
}

func BenchmarkFormatTimeZone(b *testing.B) {
	f, _ := New().Lookup("format_time")
	lay := StrV("2006-01-02T15:04:05")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Time}, {Type: String, Const: &lay}, {Type: String}})
	if err != nil {
		b.Fatal(err)
	}
	zones := []Value{StrV("Asia/Seoul"), StrV("Europe/Berlin"), StrV("America/New_York"), StrV("Asia/Kolkata")}
	r := NewRand(1)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	c := &Ctx{}
	args := make([]Value, 3)
	for i := 0; i < b.N; i++ {
		at += int64(r.Uint64n(16000))
		args[0], args[1], args[2] = TimeV(at), lay, zones[i&3]
		impl.Fn(c, args)
		if i&255 == 0 {
			c.ResetArena()
		}
	}
}

// TestSameText: sameText is ==, for every length to 40 and a difference
// at every position.
func TestSameText(t *testing.T) {
	base := "America/Argentina/Buenos_Aires/0123456789"
	for n := 0; n <= 40; n++ {
		a := base[:n]
		b := string([]byte(a))
		if !sameText(a, b) {
			t.Fatalf("%q: not the same", a)
		}
		if n > 0 && sameText(a, b[:n-1]) {
			t.Fatalf("%q: the same as its prefix", a)
		}
		for i := 0; i < n; i++ {
			c := []byte(b)
			c[i] ^= 1
			if sameText(a, string(c)) {
				t.Fatalf("%q: the same as %q", a, c)
			}
		}
	}
}
