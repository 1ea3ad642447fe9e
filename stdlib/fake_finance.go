package stdlib

import (
	"fmt"
	"sort"
	"strings"
)

// ---- payment cards ----

// cardBrands lists the brands card_number draws from; the weights are the
// rough shares used when no brand is named.
var cardBrands = []string{"visa", "mastercard", "amex"}
var cardBrandAlias = NewAlias([]float64{0.55, 0.35, 0.10})

// appendCardNumber appends a Luhn-valid number of the brand: Visa 4xxx (16
// digits), Mastercard 51–55 or 2221–2720 (16), American Express 34 or 37 (15).
func appendCardNumber(dst []byte, r *Rand, brand string) []byte {
	start := len(dst)
	n := 16
	switch brand {
	case "visa":
		dst = append(dst, '4')
	case "mastercard":
		// 2221–2720 holds 500 of the 4-digit prefixes, 51–55 the other 500.
		if k := r.Uint64n(1000); k < 500 {
			dst = fakeAppendNum(dst, 2221+k, 4)
		} else {
			dst = fakeAppendNum(dst, 51+(k-500)/100, 2)
		}
	case "amex":
		n = 15
		if r.Uint64n(2) == 0 {
			dst = append(dst, '3', '4')
		} else {
			dst = append(dst, '3', '7')
		}
	}
	dst = fakeDigits(dst, r, n-1-(len(dst)-start))
	return append(dst, luhnCheckDigit(dst[start:]))
}

// luhnCheckDigit returns the digit that makes body+digit pass the Luhn test.
func luhnCheckDigit(body []byte) byte {
	sum := 0
	double := true // the rightmost body digit is doubled once the check digit is appended
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// luhnValid reports whether s (digits only) passes the Luhn test.
func luhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return luhnCheckDigit([]byte(s[:len(s)-1])) == s[len(s)-1]
}

// fakeAppendNum appends v zero-padded to width digits.
func fakeAppendNum(dst []byte, v uint64, width int) []byte {
	var b [20]byte
	i := len(b)
	for j := 0; j < width || v > 0; j++ {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// ---- IBAN ----

// ibanSpec generates the BBAN of one country: it appends exactly length-4
// characters. Where the national scheme has its own check digits (BE, ES,
// FR, IT, NL, NO, PT) they are computed too, so national validators accept
// the numbers as well as the ISO 13616 mod-97 check.
type ibanSpec struct {
	length int
	bban   func(dst []byte, r *Rand) []byte
}

var ibanSpecs = map[string]ibanSpec{
	"AT": {20, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 16) }}, // 5n bank, 11n account
	"BE": {16, bbanBE},
	"CH": {21, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 17) }}, // 5n clearing, 12c account
	"DE": {22, func(d []byte, r *Rand) []byte { // 8n BLZ (first digit 1–8: clearing area), 10n account
		d = append(d, byte('1'+r.Uint64n(8)))
		return fakeDigits(d, r, 17)
	}},
	"DK": {18, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 14) }}, // 4n bank, 10n account
	"ES": {24, bbanES},
	"FI": {18, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 14) }}, // 3n bank, 11n account
	"FR": {27, bbanFR},
	"GB": {22, func(d []byte, r *Rand) []byte { // 4a bank, 6n sort code, 8n account
		d = append(d, fakePick(r, gbBanks)...)
		return fakeDigits(d, r, 14)
	}},
	"IE": {22, func(d []byte, r *Rand) []byte { // 4a bank, 6n sort code, 8n account
		d = append(d, fakePick(r, ieBanks)...)
		return fakeDigits(d, r, 14)
	}},
	"IT": {27, bbanIT},
	"LU": {20, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 16) }}, // 3n bank, 13c account
	"NL": {18, bbanNL},
	"NO": {15, bbanNO},
	"PL": {28, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 24) }}, // 8n bank+branch, 16n account
	"PT": {25, bbanPT},
	"SE": {24, func(d []byte, r *Rand) []byte { return fakeDigits(d, r, 20) }}, // 3n bank, 17n account
}

// ibanCountries is the sorted list of supported country codes.
var ibanCountries = func() []string {
	out := make([]string, 0, len(ibanSpecs))
	for k := range ibanSpecs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}()

// Real bank identifiers, so the numbers look familiar.
var (
	gbBanks = []string{"NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA", "ABBY", "MONZ", "SRLG", "CITI"}
	ieBanks = []string{"AIBK", "BOFI", "IPBS", "ULSB"}
	nlBanks = []string{"ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB"}
)

// appendIBAN appends an IBAN (electronic format, no spaces) for country cc,
// which must be a key of ibanSpecs.
func appendIBAN(dst []byte, r *Rand, cc string) []byte {
	spec := ibanSpecs[cc]
	start := len(dst)
	dst = append(dst, cc...)
	dst = append(dst, '0', '0')
	dst = spec.bban(dst, r)
	check := 98 - ibanMod97(ibanMod97(0, dst[start+4:]), dst[start:start+4])
	dst[start+2] = byte('0' + check/10)
	dst[start+3] = byte('0' + check%10)
	return dst
}

// ibanMod97 continues a running remainder m over the ISO 13616 digit string of
// b (letters count as the two digits 10–35).
func ibanMod97(m int, b []byte) int {
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			m = (m*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			m = (m*100 + int(c-'A') + 10) % 97
		case c >= 'a' && c <= 'z':
			m = (m*100 + int(c-'a') + 10) % 97
		}
	}
	return m
}

// ibanValid checks an electronic-format IBAN's characters, its length (for
// supported countries) and its mod-97 check digits.
func ibanValid(s string) error {
	if len(s) < 5 || len(s) > 34 {
		return fmt.Errorf("length %d out of range", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') || (i < 2 && c <= '9') || (i >= 2 && i < 4 && c > '9') {
			return fmt.Errorf("invalid character %q at %d", c, i)
		}
	}
	if spec, ok := ibanSpecs[s[:2]]; ok && len(s) != spec.length {
		return fmt.Errorf("%s IBANs have %d characters, got %d", s[:2], spec.length, len(s))
	}
	b := []byte(s)
	if ibanMod97(ibanMod97(0, b[4:]), b[:4]) != 1 {
		return fmt.Errorf("mod-97 check failed")
	}
	return nil
}

// Belgium: 3n bank, 7n account, 2n check = first 10 digits mod 97 (0 → 97).
func bbanBE(d []byte, r *Rand) []byte {
	s := len(d)
	d = fakeDigits(d, r, 10)
	m := fakeAtou(d[s:]) % 97
	if m == 0 {
		m = 97
	}
	return fakeAppendNum(d, m, 2)
}

// esWeights are the Spanish CCC control-digit weights.
var esWeights = [10]int{1, 2, 4, 8, 5, 10, 9, 7, 3, 6}

func esControl(digits []byte) byte { // 10 digits
	sum := 0
	for i, c := range digits {
		sum += int(c-'0') * esWeights[i]
	}
	d := 11 - sum%11
	switch d {
	case 10:
		d = 1
	case 11:
		d = 0
	}
	return byte('0' + d)
}

// Spain: 4n bank, 4n branch, 2n control (one over "00"+bank+branch, one
// over the account), 10n account.
func bbanES(d []byte, r *Rand) []byte {
	var bb [10]byte
	b := append(bb[:0], '0', '0')
	b = fakeDigits(b, r, 8)
	var acc [10]byte
	a := fakeDigits(acc[:0], r, 10)
	d = append(d, b[2:]...)
	d = append(d, esControl(b), esControl(a))
	return append(d, a...)
}

// France: 5n bank, 5n branch, 11n account, 2n RIB key =
// 97 − (89·bank + 15·branch + 3·account) mod 97.
func bbanFR(d []byte, r *Rand) []byte {
	s := len(d)
	d = fakeDigits(d, r, 21)
	bank, branch, acct := fakeAtou(d[s:s+5]), fakeAtou(d[s+5:s+10]), fakeAtou(d[s+10:s+21])
	return fakeAppendNum(d, 97-(89*bank+15*branch+3*acct)%97, 2)
}

// Italy: 1a CIN, 5n ABI, 5n CAB, 12c account. The CIN is computed from the
// other 22 characters with the odd/even position tables.
var itOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

func itCIN(s []byte) byte { // 22 characters: ABI, CAB, account
	sum := 0
	for i, c := range s {
		var k int
		if c >= '0' && c <= '9' {
			k = int(c - '0')
		} else {
			k = int(c - 'A')
		}
		if i%2 == 0 { // odd position, 1-based
			sum += itOdd[k]
		} else {
			sum += k
		}
	}
	return byte('A' + sum%26)
}

func bbanIT(d []byte, r *Rand) []byte {
	s := len(d)
	d = append(d, 'X')
	d = fakeDigits(d, r, 22)
	d[s] = itCIN(d[s+1:])
	return d
}

// Netherlands: 4a bank, 10n account passing the historic "elfproef"
// (weights 10…1, sum divisible by 11).
func bbanNL(d []byte, r *Rand) []byte {
	d = append(d, fakePick(r, nlBanks)...)
	for {
		var a [10]byte
		b := fakeDigits(a[:0], r, 9)
		sum := 0
		for i, c := range b {
			sum += int(c-'0') * (10 - i)
		}
		if last := (11 - sum%11) % 11; last < 10 && b[0] != '0' {
			return append(append(d, b...), byte('0'+last))
		}
	}
}

// Norway: 4n bank, 6n account, 1n mod-11 check (weights 5,4,3,2,7,6,5,4,3,2).
var noWeights = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}

func bbanNO(d []byte, r *Rand) []byte {
	for {
		var a [10]byte
		b := fakeDigits(a[:0], r, 10)
		sum := 0
		for i, c := range b {
			sum += int(c-'0') * noWeights[i]
		}
		if k := (11 - sum%11) % 11; k < 10 {
			return append(append(d, b...), byte('0'+k))
		}
	}
}

// Portugal: 4n bank, 4n branch, 11n account, 2n NIB check =
// 98 − (first 19 digits · 100) mod 97. (Every Portuguese IBAN starts PT50.)
func bbanPT(d []byte, r *Rand) []byte {
	s := len(d)
	d = fakeDigits(d, r, 19)
	m := 0
	for _, c := range d[s:] {
		m = (m*10 + int(c-'0')) % 97
	}
	return fakeAppendNum(d, uint64(98-(m*100)%97), 2)
}

// fakeAtou parses up to 19 ASCII digits.
func fakeAtou(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v*10 + uint64(c-'0')
	}
	return v
}

// ibanCountry validates and normalises a country argument.
func ibanCountry(s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if _, ok := ibanSpecs[u]; ok {
		return u, nil
	}
	return "", fmt.Errorf("no IBAN format for country %q; supported: %s", s, strings.Join(ibanCountries, ", "))
}
