package stdlib

import (
	"fmt"
	"math"
	"math/big"
	"net/mail"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// fakeCall compiles registry function name with constant args and returns
// a sampler, as the engine does.
func fakeCall(t testing.TB, name string, args ...Value) func(c *Ctx) Value {
	t.Helper()
	f, ok := New().Lookup(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	sargs := make([]Arg, len(args))
	for i := range args {
		sargs[i] = Arg{Type: args[i].K, Const: &args[i]}
	}
	impl, err := f.Compile(&CompileCtx{Loc: time.UTC}, sargs)
	if err != nil {
		t.Fatalf("%s%v: %v", name, args, err)
	}
	if impl.Sample != nil {
		return impl.Sample
	}
	return func(c *Ctx) Value { return impl.Fn(c, args) }
}

// fakeDynCall compiles with run-time (non-constant) arguments.
func fakeDynCall(t testing.TB, name string, args ...Value) func(c *Ctx) Value {
	t.Helper()
	f, _ := New().Lookup(name)
	sargs := make([]Arg, len(args))
	for i := range args {
		sargs[i] = Arg{Type: args[i].K}
	}
	impl, err := f.Compile(&CompileCtx{Loc: time.UTC}, sargs)
	if err != nil || impl.Fn == nil {
		t.Fatalf("%s dynamic: %v", name, err)
	}
	return func(c *Ctx) Value { return impl.Fn(c, args) }
}

func fakeCtx(seed uint64) *Ctx {
	r := NewRand(seed)
	return &Ctx{R: &r}
}

// fakeDraws runs fn n times on one stream (seeded with seed).
func fakeDraws(fn func(c *Ctx) Value, seed uint64, n int) []Value {
	c := fakeCtx(seed)
	out := make([]Value, n)
	for i := range out {
		c.Arena = c.Arena[:0:0] // keep earlier strings intact
		out[i] = fn(c).Clone()
	}
	return out
}

var fakeCases = []struct {
	name     string
	args     []Value
	distinct int // at least this many distinct values in 200 draws
}{
	{"first_name", nil, 100},
	{"last_name", nil, 100},
	{"name", nil, 150},
	{"email", nil, 150},
	{"email", []Value{StrV("Jane Doe")}, 50},
	{"email", []Value{StrV(""), StrV("example.com")}, 150},
	{"username", nil, 150},
	{"phone", nil, 195},
	{"phone", []Value{StrV("JP")}, 195},
	{"street_address", nil, 150},
	{"city", nil, 50},
	{"country", nil, 100},
	{"zip", nil, 190},
	{"city_location", nil, 80},
	{"city_location", []Value{StrV("US")}, 14},
	{"company", nil, 100},
	{"ipv4", nil, 199},
	{"ipv6", nil, 199},
	{"user_agent", nil, 60},
	{"device_model", nil, 35},
	{"os", nil, 15},
	{"device", nil, 80},
	{"card_number", nil, 199},
	{"card_number", []Value{StrV("amex")}, 199},
	{"iban", nil, 199},
	{"iban", []Value{StrV("NL")}, 199},
	{"word", nil, 100},
	{"sentence", nil, 199},
	{"sentence", []Value{IntV(3)}, 190},
}

// TestFakeCovered: every function of the fake category is in fakeCases.
func TestFakeCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, fc := range fakeCases {
		seen[fc.name] = true
	}
	for _, f := range New().Funcs() {
		if f.Category == "fake" {
			if !f.Random {
				t.Errorf("%s: fake functions draw from the stream and must be Random", f.Name)
			}
			if !seen[f.Name] {
				t.Errorf("%s has no determinism case", f.Name)
			}
		}
	}
}

func TestFakeDeterminism(t *testing.T) {
	for _, fc := range fakeCases {
		t.Run(fmt.Sprintf("%s%v", fc.name, fc.args), func(t *testing.T) {
			fn := fakeCall(t, fc.name, fc.args...)

			// Same seed, same values; different seeds, different values.
			a, b := fakeDraws(fn, 7, 200), fakeDraws(fn, 7, 200)
			for i := range a {
				if !Equal(a[i], b[i]) {
					t.Fatalf("draw %d differs for the same seed: %s vs %s", i, a[i], b[i])
				}
			}
			firsts := map[string]bool{}
			for seed := uint64(1); seed <= 200; seed++ {
				firsts[fakeDraws(fn, seed, 1)[0].String()] = true
			}
			if len(firsts) < fc.distinct {
				t.Errorf("only %d distinct values over 200 seeds, want >= %d", len(firsts), fc.distinct)
			}

			// A value depends only on the stream it is drawn from, not on what
			// the Ctx (or its faker) drew before, nor on which stream R
			// pointed at before: the engine repoints R between actors.
			c := fakeCtx(99)
			for i := 0; i < 5; i++ {
				fn(c)
			}
			for seed := uint64(1); seed <= 20; seed++ {
				r := NewRand(seed)
				c.R = &r
				got := fn(c).Clone()
				want := fakeDraws(fn, seed, 1)[0]
				if !Equal(got, want) {
					t.Fatalf("seed %d: reused Ctx gave %s, fresh Ctx %s", seed, got, want)
				}
				// and the stream is left where a fresh Ctx leaves it
				fresh := fakeCtx(seed)
				fn(fresh)
				if r.Uint64() != fresh.R.Uint64() {
					t.Fatalf("seed %d: stream position differs after the draw", seed)
				}
			}

			// A Ctx copied by value gets its own faker bound to the copy.
			cp := *c
			r := NewRand(3)
			cp.R = &r
			if got, want := fn(&cp).Clone(), fakeDraws(fn, 3, 1)[0]; !Equal(got, want) {
				t.Fatalf("copied Ctx gave %s, want %s", got, want)
			}

			// Run-time (non-constant) arguments give the same values.
			if len(fc.args) > 0 {
				dyn := fakeDynCall(t, fc.name, fc.args...)
				d := fakeDraws(dyn, 7, 200)
				for i := range a {
					if !Equal(a[i], d[i]) {
						t.Fatalf("draw %d: run-time args gave %s, constant args %s", i, d[i], a[i])
					}
				}
			}
		})
	}
}

// testLuhnOK is an independent Luhn check.
func testLuhnOK(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestCardNumbers(t *testing.T) {
	for _, known := range []string{"4111111111111111", "5555555555554444", "2223003122003222", "378282246310005", "371449635398431"} {
		if !testLuhnOK(known) || !luhnValid(known) {
			t.Fatalf("known-valid test number %s rejected", known)
		}
	}
	if testLuhnOK("4111111111111112") || luhnValid("4111111111111112") {
		t.Fatal("invalid number accepted")
	}
	prefixOK := map[string]func(s string) bool{
		"visa": func(s string) bool { return len(s) == 16 && s[0] == '4' },
		"mastercard": func(s string) bool {
			p2, _ := strconv.Atoi(s[:2])
			p4, _ := strconv.Atoi(s[:4])
			return len(s) == 16 && (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720)
		},
		"amex": func(s string) bool { return len(s) == 15 && (s[:2] == "34" || s[:2] == "37") },
	}
	for _, brand := range []string{"visa", "mastercard", "amex", "VISA", ""} {
		t.Run(brand, func(t *testing.T) {
			var args []Value
			if brand != "" {
				args = []Value{StrV(brand)}
			}
			fn := fakeCall(t, "card_number", args...)
			c := fakeCtx(11)
			counts := map[string]int{}
			mc2 := 0
			for i := 0; i < 10000; i++ {
				c.Arena = c.Arena[:0]
				s := fn(c).S
				if !testLuhnOK(s) {
					t.Fatalf("%s fails the Luhn check", s)
				}
				matched := ""
				for b, ok := range prefixOK {
					if ok(s) {
						matched = b
					}
				}
				if matched == "" || (brand != "" && matched != strings.ToLower(brand)) {
					t.Fatalf("%s: wrong prefix or length for brand %q (looks like %q)", s, brand, matched)
				}
				counts[matched]++
				if s[0] == '2' {
					mc2++
				}
			}
			switch brand {
			case "":
				// The documented mix, by chi-square; a mix 3 points off fails.
				obs := []int64{int64(counts["visa"]), int64(counts["mastercard"]), int64(counts["amex"])}
				if stat, df, p := stats.ChiSquareGOF(obs, []float64{0.55, 0.35, 0.10}); p <= 1e-4 {
					t.Errorf("brand mix %v, want 55/35/10%%: chi-square %.4g on %d df, p = %.3g", counts, stat, df, p)
				}
				if _, _, p := stats.ChiSquareGOF(obs, []float64{0.52, 0.38, 0.10}); p >= 1e-6 {
					t.Errorf("the mix test cannot tell 52/38/10 apart: p = %.3g", p)
				}
			case "mastercard":
				// 500 of the 1000 four-digit prefixes are in the 2-series.
				n := int64(counts["mastercard"])
				if z := stats.BinomialZ(int64(mc2), n, 0.5); math.Abs(z) > 3.89 {
					t.Errorf("%d of %d Mastercard numbers in the 2-series, want half: z = %.2f", mc2, n, z)
				}
				if z := stats.BinomialZ(int64(mc2), n, 0.45); math.Abs(z) < 4.89 {
					t.Errorf("the 2-series test cannot tell 45 %% apart: z = %.2f", z)
				}
			}
		})
	}
}

// ibanLengths is the ISO 13616 registry's length per country.
var ibanLengths = map[string]int{
	"AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}

// bbanFormats is the registry's BBAN structure per country (n digits, a
// uppercase letters, c alphanumerics).
var bbanFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^[0-9]{16}$`),
	"BE": regexp.MustCompile(`^[0-9]{12}$`),
	"CH": regexp.MustCompile(`^[0-9]{5}[0-9A-Z]{12}$`),
	"DE": regexp.MustCompile(`^[0-9]{18}$`),
	"DK": regexp.MustCompile(`^[0-9]{14}$`),
	"ES": regexp.MustCompile(`^[0-9]{20}$`),
	"FI": regexp.MustCompile(`^[0-9]{14}$`),
	"FR": regexp.MustCompile(`^[0-9]{10}[0-9A-Z]{11}[0-9]{2}$`),
	"GB": regexp.MustCompile(`^[A-Z]{4}[0-9]{14}$`),
	"IE": regexp.MustCompile(`^[A-Z]{4}[0-9]{14}$`),
	"IT": regexp.MustCompile(`^[A-Z][0-9]{10}[0-9A-Z]{12}$`),
	"LU": regexp.MustCompile(`^[0-9]{3}[0-9A-Z]{13}$`),
	"NL": regexp.MustCompile(`^[A-Z]{4}[0-9]{10}$`),
	"NO": regexp.MustCompile(`^[0-9]{11}$`),
	"PL": regexp.MustCompile(`^[0-9]{24}$`),
	"PT": regexp.MustCompile(`^[0-9]{21}$`),
	"SE": regexp.MustCompile(`^[0-9]{20}$`),
}

// knownIBANs are the registry's published examples.
var knownIBANs = []string{
	"AT611904300234573201", "BE68539007547034", "CH9300762011623852957", "DE89370400440532013000",
	"DK5000400440116243", "ES9121000418450200051332", "FI2112345600000785", "FR1420041010050500013M02606",
	"GB29NWBK60161331926819", "IE29AIBK93115212345678", "IT60X0542811101000000123456",
	"LU280019400644750000", "NL91ABNA0417164300", "NO9386011117947", "PL61109010140000071219812874",
	"PT50000201231234567890154", "SE4550000000058398257466",
}

// ibanMod97OK is an independent ISO 7064 MOD 97-10 check with math/big.
func ibanMod97OK(s string) bool {
	r := s[4:] + s[:4]
	var digits strings.Builder
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			digits.WriteString(strconv.Itoa(int(c-'A') + 10))
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// nationalCheck verifies national check digits where the country has them.
func nationalCheck(cc, bban string) error {
	num := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	switch cc {
	case "BE":
		want := num(bban[:10]) % 97
		if want == 0 {
			want = 97
		}
		if num(bban[10:]) != want {
			return fmt.Errorf("BE check %s, want %02d", bban[10:], want)
		}
	case "ES":
		if esControl([]byte("00"+bban[:8])) != bban[8] || esControl([]byte(bban[10:])) != bban[9] {
			return fmt.Errorf("ES control digits %s wrong", bban[8:10])
		}
	case "FR":
		conv := func(s string) uint64 { // letters in accounts: A,J→1 … I,R→9; S→2 …
			var b []byte
			for i := 0; i < len(s); i++ {
				c := s[i]
				switch {
				case c >= 'A' && c <= 'I':
					c = '1' + c - 'A'
				case c >= 'J' && c <= 'R':
					c = '1' + c - 'J'
				case c >= 'S' && c <= 'Z':
					c = '2' + c - 'S'
				}
				b = append(b, c)
			}
			return num(string(b))
		}
		key := 97 - (89*num(bban[:5])+15*num(bban[5:10])+3*conv(bban[10:21]))%97
		if num(bban[21:]) != key {
			return fmt.Errorf("FR RIB key %s, want %02d", bban[21:], key)
		}
	case "IT":
		if itCIN([]byte(bban[1:])) != bban[0] {
			return fmt.Errorf("IT CIN %c wrong", bban[0])
		}
	case "NL":
		sum := 0
		for i := 0; i < 10; i++ {
			sum += int(bban[4+i]-'0') * (10 - i)
		}
		if sum%11 != 0 {
			return fmt.Errorf("NL account %s fails the elfproef", bban[4:])
		}
	case "NO":
		sum := 0
		for i := 0; i < 10; i++ {
			sum += int(bban[i]-'0') * noWeights[i]
		}
		if k := (11 - sum%11) % 11; k != int(bban[10]-'0') {
			return fmt.Errorf("NO check digit %c, want %d", bban[10], k)
		}
	case "PT":
		n, _ := new(big.Int).SetString(bban[:19]+"00", 10)
		want := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
		if int64(num(bban[19:])) != want {
			return fmt.Errorf("PT NIB check %s, want %02d", bban[19:], want)
		}
	}
	return nil
}

func TestIBAN(t *testing.T) {
	if len(ibanSpecs) != len(ibanLengths) {
		t.Fatalf("%d countries generated, %d in the test tables", len(ibanSpecs), len(ibanLengths))
	}
	for cc, spec := range ibanSpecs {
		if spec.length != ibanLengths[cc] {
			t.Errorf("%s: spec length %d, registry %d", cc, spec.length, ibanLengths[cc])
		}
	}
	// The validators themselves, on the registry's examples.
	for _, s := range knownIBANs {
		if !ibanMod97OK(s) || ibanValid(s) != nil {
			t.Errorf("known-valid %s rejected: %v", s, ibanValid(s))
		}
		if len(s) != ibanLengths[s[:2]] || !bbanFormats[s[:2]].MatchString(s[4:]) {
			t.Errorf("known-valid %s does not match the length/format tables", s)
		}
		if err := nationalCheck(s[:2], s[4:]); err != nil {
			t.Errorf("known-valid %s: %v", s, err)
		}
	}
	if ibanMod97OK("DE89370400440532013001") || ibanValid("DE89370400440532013001") == nil {
		t.Fatal("corrupted IBAN accepted")
	}

	for _, cc := range append([]string{""}, ibanCountries...) {
		t.Run(cc, func(t *testing.T) {
			var args []Value
			if cc != "" {
				args = []Value{StrV(strings.ToLower(cc))} // case-insensitive
			}
			fn := fakeCall(t, "iban", args...)
			c := fakeCtx(13)
			seen := map[string]int{}
			for i := 0; i < 10000; i++ {
				c.Arena = c.Arena[:0]
				s := fn(c).S
				country := strings.Clone(s[:2]) // s lives in the arena, reset each draw
				seen[country]++
				if cc != "" && country != cc {
					t.Fatalf("%s: asked for %s", s, cc)
				}
				if len(s) != ibanLengths[country] {
					t.Fatalf("%s: length %d, want %d", s, len(s), ibanLengths[country])
				}
				if !bbanFormats[country].MatchString(s[4:]) {
					t.Fatalf("%s: BBAN does not match %s", s, bbanFormats[country])
				}
				if !ibanMod97OK(s) {
					t.Fatalf("%s fails mod-97", s)
				}
				if err := nationalCheck(country, s[4:]); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
				if country == "PT" && s[2:4] != "50" {
					t.Fatalf("%s: Portuguese IBANs always have check digits 50", s)
				}
			}
			if cc == "" && len(seen) != len(ibanCountries) {
				t.Errorf("countries drawn: %v", seen)
			}
		})
	}
}

func TestEmails(t *testing.T) {
	for _, tc := range []struct {
		args   []Value
		domain string
	}{
		{nil, ""},
		{[]Value{StrV("Zoë O'Brien-Łukasiewicz")}, ""},
		{[]Value{StrV("Cher")}, ""},
		{[]Value{StrV("  "), StrV("Example.COM")}, "example.com"},
		{[]Value{NullV(), StrV("mail.example.org")}, "mail.example.org"},
	} {
		fn := fakeCall(t, "email", tc.args...)
		c := fakeCtx(17)
		for i := 0; i < 10000; i++ {
			c.Arena = c.Arena[:0]
			s := fn(c).S
			a, err := mail.ParseAddress(s)
			if err != nil || a.Address != s || a.Name != "" {
				t.Fatalf("%q does not parse as a bare address: %v", s, err)
			}
			at := strings.LastIndexByte(s, '@')
			local, dom := s[:at], s[at+1:]
			if local == "" || strings.Trim(local, "abcdefghijklmnopqrstuvwxyz0123456789._") != "" {
				t.Fatalf("%q: local part should be lowercase letters, digits, dots and underscores", s)
			}
			if tc.domain != "" && dom != tc.domain {
				t.Fatalf("%q: want domain %s", s, tc.domain)
			}
			if !isDomainName(dom) {
				t.Fatalf("%q: bad domain", s)
			}
			if len(tc.args) == 1 {
				if v := tc.args[0].S; v == "Cher" && !strings.HasPrefix(local, "cher") {
					t.Fatalf("%q not derived from %q", s, v)
				} else if v != "Cher" && !strings.Contains(local, "obrienlukasiewicz") && !strings.HasPrefix(local, "zoe") {
					t.Fatalf("%q not derived from %q", s, v)
				}
			}
		}
	}
}

func TestIPs(t *testing.T) {
	v4, v6 := fakeCall(t, "ipv4"), fakeCall(t, "ipv6")
	doc := netip.MustParsePrefix("2001:db8::/32")
	g := netip.MustParsePrefix("2000::/3")
	c := fakeCtx(19)
	for i := 0; i < 10000; i++ {
		c.Arena = c.Arena[:0]
		s := v4(c).S
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() || a.String() != s {
			t.Fatalf("ipv4 %q: %v", s, err)
		}
		if !a.IsGlobalUnicast() || a.IsPrivate() || !isPublicIPv4(testIPv4Uint(a)) {
			t.Fatalf("ipv4 %s is not public", s)
		}
		s = v6(c).S
		a, err = netip.ParseAddr(s)
		if err != nil || !a.Is6() || a.Is4In6() || a.String() != s {
			t.Fatalf("ipv6 %q: %v (canonical %s)", s, err, a)
		}
		if !g.Contains(a) || doc.Contains(a) || !a.IsGlobalUnicast() || a.IsPrivate() {
			t.Fatalf("ipv6 %s is not global unicast", s)
		}
	}
	for _, s := range []string{"10.1.2.3", "172.20.0.1", "192.168.1.1", "127.0.0.1", "100.64.0.1", "169.254.1.1",
		"192.0.2.5", "198.51.100.7", "203.0.113.9", "224.0.0.1", "255.255.255.255", "0.1.2.3", "198.19.0.1"} {
		if isPublicIPv4(testIPv4Uint(netip.MustParseAddr(s))) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "198.20.0.1"} {
		if !isPublicIPv4(testIPv4Uint(netip.MustParseAddr(s))) {
			t.Errorf("%s counted as non-public", s)
		}
	}
}

func testIPv4Uint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func TestCityLocation(t *testing.T) {
	rows := map[string]fakeCity{}
	for _, c := range fakeCities {
		key := c.City + "|" + c.Code
		if _, dup := rows[key]; dup {
			t.Errorf("duplicate city %s", key)
		}
		rows[key] = c
		if !(c.Lat >= -90 && c.Lat <= 90 && c.Lon >= -180 && c.Lon <= 180) {
			t.Errorf("%s: coordinates out of range", c.City)
		}
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code || c.Country == "" {
			t.Errorf("%s: bad country %q/%q", c.City, c.Country, c.Code)
		}
	}
	if len(fakeCities) < 100 {
		t.Errorf("only %d cities", len(fakeCities))
	}
	// Spot checks against well-known positions (to 0.1°).
	for _, k := range []struct {
		key      string
		lat, lon float64
	}{{"Tokyo|JP", 35.68, 139.69}, {"London|GB", 51.51, -0.13}, {"New York|US", 40.71, -74.01},
		{"Sydney|AU", -33.87, 151.21}, {"São Paulo|BR", -23.55, -46.63}, {"Seoul|KR", 37.57, 126.98}} {
		r := rows[k.key]
		if d := r.Lat - k.lat; d > 0.1 || d < -0.1 {
			t.Errorf("%s lat %v", k.key, r.Lat)
		}
		if d := r.Lon - k.lon; d > 0.1 || d < -0.1 {
			t.Errorf("%s lon %v", k.key, r.Lon)
		}
	}

	for _, cc := range []string{"", "DE", "us", "JP"} {
		var args []Value
		if cc != "" {
			args = []Value{StrV(cc)}
		}
		fn := fakeCall(t, "city_location", args...)
		c := fakeCtx(23)
		drawn := map[string]bool{}
		for i := 0; i < 10000; i++ {
			v := fn(c)
			if v.K != Object || strings.Join(v.Obj().Keys, ",") != "city,country,country_code,lat,lon" {
				t.Fatalf("unexpected shape %s", v)
			}
			get := func(k string) Value { x, _ := v.Obj().Get(k); return x }
			city, code := get("city").S, get("country_code").S
			row, ok := rows[city+"|"+code]
			if !ok {
				t.Fatalf("%s is not a table row", v)
			}
			lat, lon := get("lat"), get("lon")
			if lat.K != Float || lon.K != Float || lat.Float() != row.Lat || lon.Float() != row.Lon || get("country").S != row.Country {
				t.Fatalf("%s does not match the table row %+v", v, row)
			}
			if lat.Float() < -90 || lat.Float() > 90 || lon.Float() < -180 || lon.Float() > 180 {
				t.Fatalf("%s: coordinates out of range", v)
			}
			if cc != "" && code != strings.ToUpper(cc) {
				t.Fatalf("%s: asked for %s", v, cc)
			}
			drawn[city+"|"+code] = true
		}
		want := len(cityByCode[strings.ToUpper(cc)])
		if cc == "" {
			want = len(fakeCities)
		}
		if len(drawn) != want {
			t.Errorf("country %q: %d of %d cities drawn in 10000 draws", cc, len(drawn), want)
		}
	}
}

func TestDeviceCoherent(t *testing.T) {
	dev := fakeCall(t, "device")
	ua, osf, model := fakeCall(t, "user_agent"), fakeCall(t, "os"), fakeCall(t, "device_model")
	models := map[string]*fakeDevice{}
	for i := range fakeDevices {
		models[fakeDevices[i].model] = &fakeDevices[i]
	}
	for seed := uint64(1); seed <= 3000; seed++ {
		v := fakeDraws(dev, seed, 1)[0]
		get := func(k string) string { x, _ := v.Obj().Get(k); return x.S }
		// The single-value functions project the same draw.
		if u := fakeDraws(ua, seed, 1)[0].S; u != get("user_agent") {
			t.Fatalf("seed %d: user_agent() %q, device().user_agent %q", seed, u, get("user_agent"))
		}
		if o := fakeDraws(osf, seed, 1)[0].S; o != get("os") {
			t.Fatalf("seed %d: os() %q, device().os %q", seed, o, get("os"))
		}
		if m := fakeDraws(model, seed, 1)[0].S; m != get("model") {
			t.Fatalf("seed %d: device_model() %q, device().model %q", seed, m, get("model"))
		}
		d := models[get("model")]
		if d == nil || d.brand != get("brand") || deviceKindNames[d.kind] != get("type") {
			t.Fatalf("%s: unknown model or wrong brand/type", v)
		}
		osName, u, br := get("os"), get("user_agent"), get("browser")
		if !strings.HasPrefix(u, "Mozilla/5.0 (") {
			t.Fatalf("%q", u)
		}
		major := 0
		if f := strings.Fields(osName); len(f) == 2 {
			major, _ = strconv.Atoi(strings.SplitN(f[1], ".", 2)[0])
		}
		if d.plat != platLinux && major < d.minOS {
			t.Fatalf("%s runs %s, older than its first OS %d", d.model, osName, d.minOS)
		}
		prefix := map[devPlatform]string{platAndroid: "Android ", platIOS: "iOS ", platIPadOS: "iPadOS ", platWindows: "Windows ", platMacOS: "macOS ", platLinux: "Linux"}[d.plat]
		if !strings.HasPrefix(osName, prefix) {
			t.Fatalf("%s on %s", d.model, osName)
		}
		bv := get("browser_version")
		switch br {
		case "Chrome":
			if !strings.Contains(u, "Chrome/"+bv+".") && !strings.Contains(u, "CriOS/"+bv+".") {
				t.Fatalf("Chrome %s: %q", bv, u)
			}
		case "Edge":
			if !strings.HasSuffix(u, " Edg/"+bv+".0.0.0") || d.plat != platWindows {
				t.Fatalf("Edge %s: %q", bv, u)
			}
		case "Firefox":
			if !strings.Contains(u, "Firefox/"+bv+".0") && !strings.Contains(u, "FxiOS/"+bv+".0") {
				t.Fatalf("Firefox %s: %q", bv, u)
			}
		case "Safari":
			if !strings.Contains(u, "Version/"+bv+" ") || (d.plat != platIOS && d.plat != platIPadOS && d.plat != platMacOS) {
				t.Fatalf("Safari %s: %q", bv, u)
			}
		case "Samsung Internet":
			if d.brand != "Samsung" || !strings.Contains(u, "; "+d.code+") ") || !strings.Contains(u, "SamsungBrowser/"+bv+" ") {
				t.Fatalf("Samsung Internet on %s: %q", d.model, u)
			}
		default:
			t.Fatalf("browser %q", br)
		}
		if d.plat == platIOS && !strings.Contains(u, "iPhone OS "+strings.ReplaceAll(strings.TrimPrefix(osName, "iOS "), ".", "_")+" ") {
			t.Fatalf("%s: UA %q", osName, u)
		}
		if d.kind == devMobile && d.plat == platAndroid && br != "Firefox" && !strings.HasSuffix(u, " Mobile Safari/537.36") {
			t.Fatalf("Android phone UA %q", u)
		}
	}
}

func TestSentenceAndWord(t *testing.T) {
	for _, n := range []int64{1, 2, 6, 40} {
		fn := fakeCall(t, "sentence", IntV(n))
		c := fakeCtx(29)
		for i := 0; i < 2000; i++ {
			s := fn(c).S
			words := strings.Fields(strings.TrimSuffix(s, "."))
			if int64(len(words)) != n || !strings.HasSuffix(s, ".") || s[0] < 'A' || s[0] > 'Z' {
				t.Fatalf("sentence(%d) = %q", n, s)
			}
		}
	}
	fn := fakeCall(t, "word")
	c := fakeCtx(31)
	for i := 0; i < 10000; i++ {
		if w := fn(c).S; !fakePlainWord(w) {
			t.Fatalf("word() = %q", w)
		}
	}
}

func TestFakeArgErrors(t *testing.T) {
	reg := New()
	for _, tc := range []struct {
		name string
		args []Value
		want string
	}{
		{"card_number", []Value{StrV("discover")}, "unknown card brand"},
		{"card_number", []Value{IntV(4)}, "must be a string"},
		{"iban", []Value{StrV("XX")}, "supported: AT, BE"},
		{"city_location", []Value{StrV("ZZ")}, "no cities for country"},
		{"sentence", []Value{IntV(0)}, "between 1 and 200"},
		{"sentence", []Value{StrV("five")}, "between 1 and 200"},
		{"email", []Value{StrV(""), StrV("not a domain")}, "not a domain name"},
	} {
		f, _ := reg.Lookup(tc.name)
		sargs := make([]Arg, len(tc.args))
		for i := range tc.args {
			sargs[i] = Arg{Type: tc.args[i].K, Const: &tc.args[i]}
		}
		_, err := f.Compile(&CompileCtx{Loc: time.UTC}, sargs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s%v: error %v, want %q", tc.name, tc.args, err, tc.want)
		}
	}
	// An invalid run-time argument gives null rather than a wrong value.
	if v := fakeDynCall(t, "iban", StrV("XX"))(fakeCtx(1)); v.K != Null {
		t.Errorf("iban(run-time \"XX\") = %s, want null", v)
	}
}

// TestFakeNoAllocs: the hand-written generators write into the arena and
// allocate nothing per value once the arena has grown.
func TestFakeNoAllocs(t *testing.T) {
	for _, fc := range []struct {
		name string
		args []Value
	}{
		{"phone", nil}, {"ipv4", nil}, {"ipv6", nil}, {"card_number", nil}, {"iban", nil},
		{"iban", []Value{StrV("FR")}}, {"city_location", nil}, {"user_agent", nil}, {"os", nil},
		{"device_model", nil}, {"name", nil}, {"first_name", nil}, {"email", nil}, {"word", nil},
		{"sentence", []Value{IntV(8)}},
	} {
		fn := fakeCall(t, fc.name, fc.args...)
		c := fakeCtx(37)
		c.Arena = make([]byte, 0, 4096)
		fn(c) // create the faker
		allocs := testing.AllocsPerRun(1000, func() {
			c.Arena = c.Arena[:0]
			fn(c)
		})
		if allocs != 0 {
			t.Errorf("%s%v: %v allocations per value", fc.name, fc.args, allocs)
		}
	}
}

func BenchmarkFake(b *testing.B) {
	for _, name := range []string{"name", "email", "ipv4", "card_number", "iban", "city_location", "user_agent", "device", "street_address", "sentence"} {
		b.Run(name, func(b *testing.B) {
			fn := fakeCall(b, name)
			c := fakeCtx(1)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.Arena = c.Arena[:0]
				fn(c)
			}
		})
	}
}

// TestFakeConcurrentCtx: workers each own a Ctx (as engine workers do); the
// gofakeit globals they share (data tables, template lookups) are read-only,
// so concurrent draws equal sequential ones. Run with -race.
func TestFakeConcurrentCtx(t *testing.T) {
	fns := []func(c *Ctx) Value{fakeCall(t, "username"), fakeCall(t, "email"), fakeCall(t, "street_address"), fakeCall(t, "sentence")}
	want := make([][]Value, 8)
	for w := range want {
		for _, fn := range fns {
			want[w] = append(want[w], fakeDraws(fn, uint64(w), 50)...)
		}
	}
	got := make([][]Value, 8)
	done := make(chan int)
	for w := range got {
		go func() {
			for _, fn := range fns {
				got[w] = append(got[w], fakeDraws(fn, uint64(w), 50)...)
			}
			done <- w
		}()
	}
	for range got {
		<-done
	}
	for w := range got {
		for i := range got[w] {
			if !Equal(got[w][i], want[w][i]) {
				t.Fatalf("worker %d draw %d: %s, sequential %s", w, i, got[w][i], want[w][i])
			}
		}
	}
}

// TestSplitName: the words of a full name an address is built from.
func TestSplitName(t *testing.T) {
	for _, tc := range []struct{ name, first, last string }{
		{"Jane Doe", "Jane", "Doe"},
		{"Jane Mary Doe", "Jane", "Doe"},
		{"Cher", "Cher", ""},
		{"Dr. John Smith Jr.", "John", "Smith"},
		{"Mrs Ana de la Cruz III", "Ana", "Cruz"},
		{"Doe, Jane", "Jane", "Doe,"},
		{"Jane 李 Doe", "Jane", "Doe"},
		{"李 小龙", "", ""},
		{"  ", "", ""},
		{"Dr.", "", ""},
	} {
		if f, l := fakeSplitName(tc.name); f != tc.first || l != tc.last {
			t.Errorf("%q: got %q %q, want %q %q", tc.name, f, l, tc.first, tc.last)
		}
	}
}

// TestFuncFields: a function declaring Fields returns objects with
// exactly those keys, in that order, each value of its declared type, for
// every argument form (the engine types and checks field reads by them).
func TestFuncFields(t *testing.T) {
	calls := map[string][][]Value{
		"city_location": {nil, {StrV("JP")}, {StrV("de")}},
		"device":        {nil},
	}
	reg := New()
	for _, f := range reg.Funcs() {
		if f.Fields == nil {
			continue
		}
		forms, ok := calls[f.Name]
		if !ok {
			t.Errorf("%s declares Fields: add its argument forms to this test", f.Name)
			continue
		}
		for _, args := range forms {
			for i, v := range fakeDraws(fakeCall(t, f.Name, args...), 11, 2000) {
				if v.K != Object || len(v.Obj().Keys) != len(f.Fields) {
					t.Fatalf("%s%v draw %d: %v, want an object of %d keys", f.Name, args, i, v, len(f.Fields))
				}
				for j, fl := range f.Fields {
					if k, x := v.Obj().Keys[j], v.Obj().Vals[j]; k != fl.Name || x.K != fl.Type {
						t.Fatalf("%s%v draw %d: key %d is %s (%s), want %s (%s)", f.Name, args, i, j, k, x.K, fl.Name, fl.Type)
					}
				}
			}
		}
	}
}

// TestPhoneCountry: phone(country) writes a mobile number of the country's
// numbering plan in E.164: "+", the calling code, a mobile prefix, then
// the plan's digits (15 digits at most); US and CA as phone() writes them;
// any case and surrounding spaces; an unknown code is an error naming the
// known ones.
func TestPhoneCountry(t *testing.T) {
	for _, code := range phoneCodes {
		fn := fakeCall(t, "phone", StrV(" "+strings.ToLower(code)))
		for _, v := range fakeDraws(fn, 11, 50) {
			s := v.S
			if len(s) < 9 || len(s) > 16 || s[0] != '+' || strings.Trim(s[1:], "0123456789") != "" {
				t.Fatalf("phone(%q) = %q: not E.164", code, s)
			}
			if code == "US" || code == "CA" {
				if !strings.HasPrefix(s, "+1") || len(s) != 12 {
					t.Fatalf("phone(%q) = %q", code, s)
				}
				continue
			}
			p := phonePlans[code]
			rest, ok := strings.CutPrefix(s, "+"+p.cc)
			if !ok {
				t.Fatalf("phone(%q) = %q: not +%s", code, s, p.cc)
			}
			found := false
			for _, pre := range p.prefixes {
				if strings.HasPrefix(rest, pre) && len(rest) == len(pre)+p.rest {
					found = true
				}
			}
			if !found {
				t.Fatalf("phone(%q) = %q: no mobile prefix of %v followed by %d digits", code, s, p.prefixes, p.rest)
			}
		}
	}
	// Known examples of each plan's length (national significant number).
	for code, digits := range map[string]int{"DE": 11, "GB": 10, "FR": 9, "JP": 10, "KR": 10, "CN": 11, "IN": 10, "BR": 11, "AR": 11, "MX": 10, "RU": 10, "AU": 9, "ZA": 9, "NG": 10} {
		p := phonePlans[code]
		if n := len(p.prefixes[0]) + p.rest; n != digits {
			t.Errorf("%s: %d digits after +%s, want %d", code, n, p.cc, digits)
		}
	}
	// Every country city_location draws from has a plan.
	for _, code := range cityCodes {
		if _, ok := phoneFor(code); !ok {
			t.Errorf("no phone plan for %s, a city_location country", code)
		}
	}
	f, _ := New().Lookup("phone")
	xx := StrV("XX")
	if _, err := f.Compile(&CompileCtx{Loc: time.UTC}, []Arg{{Type: String, Const: &xx}}); err == nil || !strings.Contains(err.Error(), `no phone numbering for country "XX"`) {
		t.Errorf("phone(\"XX\"): %v", err)
	}
	// A code known only at run time: a fault naming it.
	dyn := fakeDynCall(t, "phone", xx)
	c := fakeCtx(1)
	if v := dyn(c); v.K != Null || c.Fault == nil || !strings.Contains(c.Fault.Error(), `"XX"`) {
		t.Errorf("phone(run-time \"XX\") = %v, fault %v", v, c.Fault)
	}
}

// TestIPv6OutsideSpecialPurpose: ipv6() draws only from the blocks IANA
// delegated to the regional registries (its unicast address assignments),
// never from a block of IANA's special-purpose registry (2001::/23 with
// Teredo, benchmarking, ORCHID, AMT; documentation, 6to4, ULA, …), and
// every draw is a global unicast address in canonical form. Every
// registry block is drawn from.
func TestIPv6OutsideSpecialPurpose(t *testing.T) {
	special := []string{"::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
		"100:0:0:1::/64", "2001::/23", "2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48",
		"2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32",
		"2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "ff00::/8"}
	delegated := []string{"2001:200::/23", "2001:400::/23", "2001:600::/23", "2001:800::/22", "2001:c00::/23",
		"2001:e00::/23", "2001:1200::/23", "2001:1400::/22", "2001:1800::/23", "2001:1a00::/23", "2001:1c00::/22",
		"2001:2000::/19", "2001:4000::/23", "2001:4200::/23", "2001:4400::/23", "2001:4600::/23", "2001:4800::/23",
		"2001:4a00::/23", "2001:4c00::/23", "2001:5000::/20", "2001:8000::/19", "2001:a000::/20", "2001:b000::/20",
		"2400::/12", "2600::/12", "2800::/12", "2a00::/12", "2c00::/12"}
	parse := func(l []string) []netip.Prefix {
		out := make([]netip.Prefix, len(l))
		for i, s := range l {
			out[i] = netip.MustParsePrefix(s)
		}
		return out
	}
	sp, dl := parse(special), parse(delegated)
	hits := make([]int, len(dl))
	v6 := fakeCall(t, "ipv6")
	c := fakeCtx(23)
	for i := 0; i < 300000; i++ {
		c.Arena = c.Arena[:0]
		s := v6(c).S
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() || a.Is4In6() || a.String() != s || !a.IsGlobalUnicast() || a.IsPrivate() {
			t.Fatalf("ipv6 %q is not a global unicast address in canonical form (%v)", s, err)
		}
		for _, p := range sp {
			if p.Contains(a) {
				t.Fatalf("ipv6 %s is in the special-purpose block %s", s, p)
			}
		}
		in := false
		for j, p := range dl {
			if p.Contains(a) {
				hits[j]++
				in = true
			}
		}
		if !in {
			t.Fatalf("ipv6 %s is in no block delegated to a regional registry", s)
		}
	}
	for j, n := range hits {
		if n == 0 {
			t.Errorf("no draw in %s", dl[j])
		}
	}
}
