package stdlib

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestFormat: what format() writes for each kind of verb and value, and
// what it refuses (instead of Go's "%!d(string=x)" text).
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		format string
		vals   []Value
		want   string // the text, or "error: <part of the message>"
	}{
		{"%s-%04d", []Value{StrV("ORD"), IntV(42)}, "ORD-0042"},
		{"%+d|%x|%X|%o|%b", []Value{IntV(5), IntV(255), IntV(255), IntV(8), IntV(5)}, "+5|ff|FF|10|101"},
		{"%d", []Value{FloatV(3)}, "3"},
		{"%.2f %e %g", []Value{IntV(3), FloatV(1500), FloatV(0.5)}, "3.00 1.500000e+03 0.5"},
		{"%8.3f|%-5d|", []Value{FloatV(3.14159), IntV(7)}, "   3.142|7    |"},
		{"%s %s %s", []Value{IntV(1), FloatV(2.5), BoolV(true)}, "1 2.5 true"},
		{"%s", []Value{DurV(90_000)}, "1m30s"},
		{"%s", []Value{TimeV(0)}, "1970-01-01T00:00:00.000Z"},
		{"%q", []Value{StrV(`a"b`)}, `"a\"b"`},
		{"%v %v", []Value{ListV([]Value{IntV(1), StrV("a")}), FloatV(0.25)}, `[1,"a"] 0.25`},
		{"%x", []Value{StrV("hi")}, "6869"},
		{"%t", []Value{BoolV(false)}, "false"},
		{"100%% of %d", []Value{IntV(3)}, "100% of 3"},
		{"%05d|%s", []Value{NullV(), NullV()}, "null|null"},
		{"plain", nil, "plain"},
		{"%d", []Value{FloatV(2.5)}, "error: %d needs an int, got a float 2.5"},
		{"%d", []Value{StrV("7")}, `error: %d needs an int, got a string "7"`},
		{"%f", []Value{TimeV(0)}, "error: %f needs a number, got a time"},
		{"%t", []Value{IntV(1)}, "error: %t needs a bool, got an int 1"},
		{"%x", []Value{DurV(1)}, "error: %x needs an int, a float or a string"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			sp, err := parseFormat(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendFormat(nil, &sp, tc.vals)
			if strings.HasPrefix(tc.want, "error: ") {
				if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "error: ")) {
					t.Fatalf("want %s, got %q, %v", tc.want, got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"%", `incomplete verb "%"`},
		{"50%", `incomplete verb "%"`},
		{"%5.", `incomplete verb "%5."`},
		{"%y", `"%y" is not a verb`},
		{"%*d", `"%*": widths from arguments`},
		{"%[1]d", `"%[": widths from arguments`},
		{"%w", `"%w" is not a verb`},
		{"%100000000d", `"%100000000d": the width 100000000 is more than 1000000, the most a format verb takes`},
		{"%1000001d", `the width 1000001 is more than 1000000`},
		{"%-1000001s", `"%-1000001s": the width 1000001 is more than 1000000`},
		{"%.1000001f", `"%.1000001f": the precision 1000001 is more than 1000000`},
		{"%5.99999999999999999999999f", `the precision 99999999999999999999999 is more than 1000000`},
		{"x %d %099999999999d", `"%099999999999d": the width 99999999999 is more than 1000000`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			if _, err := parseFormat(tc.format); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

// TestFormatWidthAtFmtLimit: a width or precision of fmt's largest,
// 1000000, is taken (and written as fmt writes it).
func TestFormatWidthAtFmtLimit(t *testing.T) {
	for _, tc := range []struct {
		format string
		v      Value
		go_    any
	}{{"%1000000d", IntV(7), 7}, {"%.1000000f", FloatV(0.5), 0.5}, {"%-1000000s", StrV("a"), "a"}, {"%.0000001f", FloatV(0.25), 0.25}} {
		sp, err := parseFormat(tc.format)
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		var c Ctx
		got := runFormat(&c, &sp, []Value{tc.v})
		if c.Fault != nil {
			t.Fatalf("%s: %v", tc.format, c.Fault)
		}
		if want := fmt.Sprintf(tc.format, tc.go_); got.S != want {
			t.Fatalf("%s: got %d bytes, fmt %d", tc.format, len(got.S), len(want))
		}
	}
}

// TestFormatTextFlags: format() flags its text for the encoders when its
// verbs and literals can only write plain text, and the flags it sets are
// the ones TextFlags gives the text.
func TestFormatTextFlags(t *testing.T) {
	tests := []struct {
		format string
		vals   []Value
		want   int64
	}{
		{"%03d", []Value{IntV(7)}, PlainJSON | PlainCSV},
		{"ad_%03d", []Value{IntV(40)}, PlainJSON | PlainCSV},
		{"%.2f%%", []Value{FloatV(12.345)}, PlainJSON | PlainCSV},
		{"%d-%x %t", []Value{IntV(-5), StrV("a,b"), BoolV(true)}, PlainJSON | PlainCSV},
		{"%e|%G|%U", []Value{FloatV(1e300), FloatV(math.Inf(-1)), IntV(65)}, PlainJSON | PlainCSV},
		{"%d", []Value{NullV()}, PlainJSON | PlainCSV},
		{"%5d", []Value{IntV(42)}, PlainJSON},             // a leading blank
		{"% d", []Value{IntV(42)}, PlainJSON},             // a leading blank
		{" %d", []Value{IntV(42)}, PlainJSON},             // a leading blank
		{"%d, %d", []Value{IntV(1), IntV(2)}, PlainJSON},  // a comma
		{"%d\t%d", []Value{IntV(1), IntV(2)}, 0},          // a control byte
		{"\"%d\"", []Value{IntV(1)}, 0},                   // quotes
		{"%s", []Value{StrV("plain")}, 0},                 // the value's text: not known
		{"%v", []Value{IntV(1)}, 0},                       // the value's text: not known
		{"%q", []Value{StrV("x")}, 0},                     // quotes
		{"%c", []Value{IntV('"')}, 0},                     // any character
		{"%d ok", []Value{IntV(3)}, PlainJSON | PlainCSV}, // an inner blank
		{"é%d", []Value{IntV(3)}, 0},                      // not ASCII: left to the encoders
		{"", nil, PlainJSON},                              // "" is not a plain CSV cell
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			sp, err := parseFormat(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			c := &Ctx{Arena: make([]byte, 0, 64)}
			v := runFormat(c, &sp, tt.vals)
			if v.K != String {
				t.Fatalf("format(%q) = %v", tt.format, v)
			}
			if got := v.I & (PlainJSON | PlainCSV); got != tt.want {
				t.Errorf("format(%q) = %q with flags %d, want %d", tt.format, v.S, got, tt.want)
			}
			if v.I&^TextFlags(v.S) != 0 {
				t.Errorf("format(%q) = %q with flags %d, more than TextFlags' %d", tt.format, v.S, v.I, TextFlags(v.S))
			}
		})
	}
}

// TestFormatIntVerbMatchesFmt checks the %d, %Nd and %0Nd verbs written
// without fmt (appendIntVerb) against fmt.Appendf, for widths up to 99,
// ints of every length and sign, and the verbs left to fmt beside them.
func TestFormatIntVerbMatchesFmt(t *testing.T) {
	specs := []string{"%d", "%0d", "%00d", "%-5d", "%+05d", "% 5d", "%05.2d", "%100d", "%010d", "%-05d"}
	for w := 1; w <= 99; w++ {
		specs = append(specs, fmt.Sprintf("%%%dd", w), fmt.Sprintf("%%0%dd", w))
	}
	ints := []int64{0, 1, -1, 9, 10, -10, 42, 99, 100, 999, -999, 1000, 12345, -12345,
		math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	r := NewRand(3)
	for range 200 {
		x := int64(r.Uint64())
		ints = append(ints, x, x>>(r.Uint64()%64))
	}
	for _, spec := range specs {
		format := "id_" + spec + "|"
		sp, err := parseFormat(format)
		if err != nil {
			t.Fatal(err)
		}
		fast, _, _ := intVerb(spec)
		if want := spec != "%0d" && spec != "%00d" && !strings.ContainsAny(spec, "-+ .") && spec != "%100d"; fast != want || sp.verbs[0].intFast != want {
			t.Fatalf("%s: written without fmt %v, want %v", spec, fast, want)
		}
		for _, x := range ints {
			got, err := appendFormat([]byte("x"), &sp, []Value{IntV(x)})
			if want := fmt.Appendf([]byte("x"), "id_"+spec+"|", x); err != nil || string(got) != string(want) {
				t.Fatalf("%s of %d: %q, %v; fmt %q", spec, x, got, err, want)
			}
		}
	}
}
