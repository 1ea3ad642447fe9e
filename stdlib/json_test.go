package stdlib

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAppendJSONString: the output is valid JSON that decodes to the input
// (invalid UTF-8 becomes U+FFFD, as encoding/json does), for strings that
// put every kind of special byte at every offset of the 8-byte scan.
func TestAppendJSONString(t *testing.T) {
	specials := []string{"\"", "\\", "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "~", " "}
	for _, sp := range specials {
		for pre := 0; pre < 17; pre++ {
			in := ""
			for k := 0; k < pre; k++ {
				in += "a"
			}
			in += sp + "tail-01234567"
			out := AppendJSONString(nil, in)
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%q → %s: %v", in, out, err)
			}
			want, _ := json.Marshal(in)
			var std string
			json.Unmarshal(want, &std)
			if got != std {
				t.Fatalf("%q → %q, want %q", in, got, std)
			}
		}
	}
	if SafePrefix("abcdefghijklmnop") != 16 || SafePrefix("abcdefg\"ijk") != 7 {
		t.Fatal("safePrefix")
	}
}

// TestAppendJSONFloatAddsPointToWholeNumbers: a whole number below 1e21
// gets ".0" after AppendFloat's digits, and nothing else does (fractions,
// exponents, null for NaN and infinities). AppendJSONFloat decides from
// the value, so the cases are checked against the text it writes.
func TestAppendJSONFloatAddsPointToWholeNumbers(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-1, "-1.0"},
		{12, "12.0"},
		{1500, "1500.0"},
		{-1500, "-1500.0"},
		{1 << 40, "1099511627776.0"},
		{1 << 53, "9007199254740992.0"},
		{1e20, "100000000000000000000.0"},
		{-1e20, "-100000000000000000000.0"},
		{999999999999999868928, "999999999999999900000.0"}, // the largest float below 1e21
		{1e21, "1e+21"},
		{-1e21, "-1e+21"},
		{1e300, "1e+300"},
		{0.5, "0.5"},
		{-0.5, "-0.5"},
		{12.25, "12.25"},
		{1234.567891, "1234.567891"},
		{0.1234567, "0.1234567"},
		{1e-7, "1e-07"},
		{-2.5e-10, "-2.5e-10"},
		{4503599627370495.5, "4503599627370495.5"}, // the largest float with a fraction
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
	}
	for _, c := range cases {
		if got := string(AppendJSONFloat([]byte("x"), c.in)); got != "x"+c.want {
			t.Errorf("AppendJSONFloat(%v) = %q, want %q", c.in, got[1:], c.want)
		}
	}
	// Every value AppendFloat writes without a point or an exponent gets
	// one, and no other (the rule the value test stands for).
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var f float64
		switch i % 4 {
		case 0:
			f = math.Float64frombits(rng.Uint64())
		case 1:
			f = math.Round(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(24))))
		case 2:
			f = math.Round(rng.NormFloat64()*1e8) / 100
		default:
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		plain := string(AppendFloat(nil, f))
		want := plain
		if !strings.ContainsAny(plain, ".en") {
			want += ".0"
		}
		if got := string(AppendJSONFloat(nil, f)); got != want {
			t.Fatalf("AppendJSONFloat(%v) = %q, want %q", f, got, want)
		}
	}
}
