package stdlib

import (
	"math"
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

// TestDurationUnaryMatchesRound: seconds(n) and the other durations,
// whose whole numbers of milliseconds skip math.Round, give what rounding
// every n gives: whole, half-way, fractional, negative, huge and
// non-finite n, and the draws of uniform(5, 200) and uniform(0.0, 1e4).
func TestDurationUnaryMatchesRound(t *testing.T) {
	ns := []float64{0, math.Copysign(0, -1), 1, -1, 5, 200, 0.5, -0.5, 1.5, 2.5, -2.5, 0.4999999999999999,
		1e-3, 1.0005, 123.456, -123.456, 1 << 52, 1<<52 + 0.5, 1 << 53, 1 << 62, 1 << 63, -(1 << 63), 1e15, -1e15,
		MaxDurationMs, MaxDurationMs + 1, -MaxDurationMs, -MaxDurationMs - 1, 1e300, -1e300,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}
	r := NewRand(3)
	for i := 0; i < 2000; i++ {
		ns = append(ns, float64(r.IntRange(5, 200)), r.Float64()*1e4, -r.Float64()*1e12, float64(r.IntRange(-1e12, 1e12))/8)
	}
	reg := New()
	for _, name := range []string{"milliseconds", "seconds", "minutes", "hours", "days"} {
		f, _ := reg.Lookup(name)
		unit := map[string]float64{"milliseconds": 1, "seconds": 1e3, "minutes": 6e4, "hours": 3.6e6, "days": 8.64e7}[name]
		for _, n := range ns {
			want := NullV()
			if ms := math.Round(n * unit); ms >= -MaxDurationMs && ms <= MaxDurationMs {
				want = DurV(int64(ms))
			}
			if got := f.Unary(n); got != want {
				t.Fatalf("%s(%v) = %v, want %v", name, n, got, want)
			}
		}
	}
}
