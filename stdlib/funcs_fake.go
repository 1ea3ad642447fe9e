package stdlib

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

const fakeDoc = " Drawn from the actor's stream, so it is reproducible."

// fakeFuncs are the "fake" category: realistic-looking personal, network,
// device and financial values. Names, streets, companies, usernames and
// words come from gofakeit (seeded by the actor's stream); values with
// structure the data must honour (card and IBAN check digits, real city
// coordinates, coherent devices, public IP ranges) are generated here.
func fakeFuncs() []*Func {
	return []*Func{
		{
			Name: "first_name", Category: "fake", Random: true, Result: String,
			Doc:      "A first name (gofakeit's list of English given names)." + fakeDoc,
			Examples: []Example{{Expr: `first_name()`, Seed: 1, Want: "Kiley"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().FirstName()) }),
		},
		{
			Name: "last_name", Category: "fake", Random: true, Result: String,
			Doc:      "A last name." + fakeDoc,
			Examples: []Example{{Expr: `last_name()`, Seed: 1, Want: "Richards"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().LastName()) }),
		},
		{
			Name: "name", Category: "fake", Random: true, Result: String,
			Doc: "A full name, \"First Last\". To keep a name and an email consistent, draw the name once " +
				"and pass it on: email(name_attr)." + fakeDoc,
			Examples: []Example{{Expr: `name()`, Seed: 1, Want: "Kiley Martinez"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				f := c.faker()
				first, last := f.FirstName(), f.LastName()
				s := len(c.Arena)
				c.Arena = append(append(append(c.Arena, first...), ' '), last...)
				return StrV(fakeArenaStr(c, s))
			}),
		},
		{
			Name: "email", Category: "fake", Random: true, Result: String,
			Doc: "A plausible email address: a local part built from a person's name in one of the usual " +
				"patterns (jane.doe, jdoe, jane_doe, jane.doe42, jane1987, doe.jane) at a common mail provider. " +
				"With name, the address is derived from that name (accents folded, first and last word used); " +
				"with domain (for example \"example.com\", reserved for documentation), that domain is used. " +
				"Titles and suffixes (Dr., Jr.) are left out and \"Doe, Jane\" is read family name first. " +
				"Pass \"\" or null for name to draw one; a name with no Latin letter or digit (李小龙: there is no " +
				"transliteration) is drawn too." + fakeDoc,
			Params: []Param{
				{Name: "name", Type: String, Optional: true, Doc: "a full name to derive the address from"},
				{Name: "domain", Type: String, Optional: true, Doc: "the domain after @"},
			},
			Examples: []Example{
				{Expr: `email()`, Seed: 1, Want: "kmartinez@live.com"},
				{Expr: `email("José García", "example.com")`, Seed: 1, Want: "jose.garcia52@example.com"},
			},
			Compile: compileFakeEmail,
		},
		{
			Name: "username", Category: "fake", Random: true, Result: String,
			Doc:      "A username such as \"Kiley7245\" or \"dr_gerlach\" (gofakeit's templates)." + fakeDoc,
			Examples: []Example{{Expr: `username()`, Seed: 1, Want: "Gladyshis"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(fakeUsername(c)) }),
		},
		{
			Name: "phone", Category: "fake", Random: true, Result: String,
			Doc: "A phone number in E.164 form. Without country, a North American one: \"+1\" then a valid area code and exchange " +
				"(first digit 2–9, never N11) and four digits. With country (an ISO 3166-1 alpha-2 code, such as a " +
				"city_location()'s country_code), a mobile number of that country: its calling code, one of its mobile " +
				"prefixes and as many digits as its numbering plan has (\"+4915…\" for DE, \"+8190…\" for JP)." + fakeDoc,
			Params:   []Param{{Name: "country", Type: String, Optional: true, Doc: "ISO 3166-1 alpha-2 code: " + strings.Join(phoneCodes, ", ")}},
			Examples: []Example{{Expr: `phone()`, Seed: 1, Want: "+17555610385"}, {Expr: `phone("DE")`, Seed: 1, Want: "+4917455361038"}},
			Compile: fakeWithOptString("country", String, func(s string) (func(c *Ctx) Value, error) {
				fn, ok := phoneFor(s)
				if !ok {
					return nil, fmt.Errorf("no phone numbering for country %q; phone() knows %s", s, strings.Join(phoneCodes, ", "))
				}
				return fn, nil
			}),
		},
		{
			Name: "street_address", Category: "fake", Random: true, Result: String,
			Doc:      "A street address line: number and street, US style." + fakeDoc,
			Examples: []Example{{Expr: `street_address()`, Seed: 1, Want: "5361 Circlebury"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().Street()) }),
		},
		{
			Name: "city", Category: "fake", Random: true, Result: String,
			Doc: "A US city name. For a city with its country and real coordinates, use city_location()." +
				fakeDoc,
			Examples: []Example{{Expr: `city()`, Seed: 1, Want: "Plano"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().City()) }),
		},
		{
			Name: "country", Category: "fake", Random: true, Result: String,
			Doc: "A country name, uniformly from the ISO 3166-1 list (official short names such as " +
				"\"Korea, Republic of\")." + fakeDoc,
			Examples: []Example{{Expr: `country()`, Seed: 1, Want: "Papua New Guinea"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().Country()) }),
		},
		{
			Name: "zip", Category: "fake", Random: true, Result: String,
			Doc:      "A five-digit US ZIP code." + fakeDoc,
			Examples: []Example{{Expr: `zip()`, Seed: 1, Want: "55361"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().Zip()) }),
		},
		{
			Name: "city_location", Category: "fake", Random: true, Result: Object,
			Fields: []Field{{"city", String}, {"country", String}, {"country_code", String}, {"lat", Float}, {"lon", Float}},
			Doc: fmt.Sprintf("A real city with its real coordinates: an object { city, country, country_code, "+
				"lat, lon } drawn uniformly from an embedded table of %d large cities on every continent "+
				"(WGS 84 city-centre points; country_code is ISO 3166-1 alpha-2). With country (a code such as "+
				"\"DE\"), only that country's cities are drawn. Use it as loc = city_location() and read "+
				"loc.city, loc.lat and so on."+fakeDoc, len(fakeCities)),
			Params: []Param{{Name: "country", Type: String, Optional: true, Doc: "ISO 3166-1 alpha-2 code: " + strings.Join(cityCodes, ", ")}},
			Examples: []Example{
				{Expr: `city_location()`, Seed: 1, Want: "{\"city\":\"Bucharest\",\"country\":\"Romania\",\"country_code\":\"RO\",\"lat\":44.4268,\"lon\":26.1025}"},
				{Expr: `city_location("JP").city`, Seed: 1, Want: "Osaka"},
			},
			Compile: fakeWithOptString("country", Object, func(s string) (func(c *Ctx) Value, error) {
				l := cityValues
				if s != "" {
					var ok bool
					if l, ok = cityByCode[strings.ToUpper(strings.TrimSpace(s))]; !ok {
						return nil, fmt.Errorf("no cities for country %q; the table has %s", s, strings.Join(cityCodes, ", "))
					}
				}
				n := uint64(len(l))
				return func(c *Ctx) Value { return l[c.R.Uint64n(n)] }, nil
			}),
		},
		{
			Name: "company", Category: "fake", Random: true, Result: String,
			Doc:      "A company name." + fakeDoc,
			Examples: []Example{{Expr: `company()`, Seed: 1, Want: "POPVOX"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(c.faker().Company()) }),
		},
		{
			Name: "ipv4", Category: "fake", Random: true, Result: String,
			Doc: "A public IPv4 address in dotted form: private, loopback, link-local, shared (100.64/10), " +
				"documentation, benchmarking, multicast and reserved ranges are never drawn." + fakeDoc,
			Examples: []Example{{Expr: `ipv4()`, Seed: 1, Want: "15.199.16.197"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				s := len(c.Arena)
				c.Arena = drawIPv4(c.R).AppendTo(c.Arena)
				return PlainStr(fakeArenaStr(c, s))
			}),
		},
		{
			Name: "ipv6", Category: "fake", Random: true, Result: String,
			Doc: "A global unicast IPv6 address from the blocks IANA delegates to the regional registries " +
				"(their parts of 2001::/16, and 2400::/12, 2600::/12, 2800::/12, 2a00::/12, 2c00::/12; never IANA's " +
				"special-purpose 2001::/23, such as Teredo and benchmarking, nor the documentation prefix 2001:db8::/32), " +
				"in canonical RFC 5952 form." + fakeDoc,
			Examples: []Example{{Expr: `ipv6()`, Seed: 1, Want: "2a08:53b5:5964:7364:92f8:9756:82a:4514"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				s := len(c.Arena)
				c.Arena = drawIPv6(c.R).AppendTo(c.Arena)
				return PlainStr(fakeArenaStr(c, s))
			}),
		},
		{
			Name: "user_agent", Category: "fake", Random: true, Result: String,
			Doc: "A browser User-Agent header of a current browser (Chrome, Safari, Edge, Firefox, Samsung " +
				"Internet) on a device drawn as device() draws it, in the exact form that browser sends." +
				fakeDoc,
			Examples: []Example{{Expr: `user_agent()`, Seed: 1, Want: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				x := drawDevice(c.R)
				s := len(c.Arena)
				c.Arena = x.appendUA(c.Arena)
				return StrV(fakeArenaStr(c, s))
			}),
		},
		{
			Name: "device_model", Category: "fake", Random: true, Result: String,
			Doc: "A device model name such as \"iPhone 15\", \"Galaxy S24\" or \"MacBook Air\", weighted " +
				"towards phones." + fakeDoc,
			Examples: []Example{{Expr: `device_model()`, Seed: 1, Want: "MacBook Air"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				x := drawDevice(c.R)
				return StrV(x.d.model)
			}),
		},
		{
			Name: "os", Category: "fake", Random: true, Result: String,
			Doc: "An operating system with its version, as a device runs it: \"Android 14\", \"iOS 17.5\", " +
				"\"iPadOS 18.1\", \"Windows 11\", \"macOS 14.7\" or \"Linux\"." + fakeDoc,
			Examples: []Example{{Expr: `os()`, Seed: 1, Want: "macOS 15.1"}},
			Compile: fakeNoArgs(String, func(c *Ctx) Value {
				x := drawDevice(c.R)
				s := len(c.Arena)
				c.Arena = x.appendOS(c.Arena)
				return StrV(fakeArenaStr(c, s))
			}),
		},
		{
			Name: "device", Category: "fake", Random: true, Result: Object,
			Fields: []Field{{"type", String}, {"brand", String}, {"model", String}, {"os", String},
				{"browser", String}, {"browser_version", String}, {"user_agent", String}},
			Doc: "A coherent device: an object { type, brand, model, os, browser, browser_version, " +
				"user_agent } whose parts agree (the OS runs on the model, the User-Agent is the one that " +
				"browser sends on that OS). type is mobile, tablet or desktop. Draw it once per actor " +
				"(dev = device()) and read dev.os, dev.user_agent and so on, so events stay consistent." + fakeDoc,
			Examples: []Example{{Expr: `device()`, Seed: 1, Want: "{\"type\":\"desktop\",\"brand\":\"Apple\",\"model\":\"MacBook Air\",\"os\":\"macOS 15.1\",\"browser\":\"Chrome\",\"browser_version\":\"124\",\"user_agent\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\"}"}},
			Compile: fakeNoArgs(Object, func(c *Ctx) Value {
				x := drawDevice(c.R)
				return x.value(c)
			}),
		},
		{
			Name: "card_number", Category: "fake", Random: true, Result: String,
			Doc: "A Luhn-valid payment card number, digits only: visa (4…, 16 digits), mastercard (51–55 or " +
				"2221–2720, 16 digits) or amex (34 or 37, 15 digits). Without brand: visa 55%, mastercard " +
				"35%, amex 10%. Not real accounts, but they pass format validation, so keep them out of " +
				"live payment systems." + fakeDoc,
			Params:   []Param{{Name: "brand", Type: String, Optional: true, Doc: "visa, mastercard or amex"}},
			Examples: []Example{{Expr: `card_number()`, Seed: 1, Want: "5153610385999651"}, {Expr: `card_number("amex")`, Seed: 1, Want: "375536103859997"}},
			Compile: fakeWithOptString("brand", String, func(s string) (func(c *Ctx) Value, error) {
				b := strings.ToLower(strings.TrimSpace(s))
				if b != "" && b != "visa" && b != "mastercard" && b != "amex" {
					return nil, fmt.Errorf("unknown card brand %q; use visa, mastercard or amex", s)
				}
				return func(c *Ctx) Value {
					brand := b
					if brand == "" {
						brand = cardBrands[cardBrandAlias.Draw(c.R)]
					}
					st := len(c.Arena)
					c.Arena = appendCardNumber(c.Arena, c.R, brand)
					return StrV(fakeArenaStr(c, st))
				}, nil
			}),
		},
		{
			Name: "iban", Category: "fake", Random: true, Result: String,
			Doc: "An IBAN in electronic form (no spaces) with valid ISO 13616 mod-97 check digits and the " +
				"country's length and BBAN format; national check digits are valid too for BE, ES, FR, IT, " +
				"NL, NO and PT. Without country, one of the supported countries is drawn uniformly." + fakeDoc,
			Params:   []Param{{Name: "country", Type: String, Optional: true, Doc: "ISO country code: " + strings.Join(ibanCountries, ", ")}},
			Examples: []Example{{Expr: `iban()`, Seed: 1, Want: "LU575536103859996580"}, {Expr: `iban("DE")`, Seed: 1, Want: "DE32655361038599965804"}},
			Compile: fakeWithOptString("country", String, func(s string) (func(c *Ctx) Value, error) {
				cc := ""
				if s != "" {
					var err error
					if cc, err = ibanCountry(s); err != nil {
						return nil, err
					}
				}
				return func(c *Ctx) Value {
					country := cc
					if country == "" {
						country = fakePick(c.R, ibanCountries)
					}
					st := len(c.Arena)
					c.Arena = appendIBAN(c.Arena, c.R, country)
					return StrV(fakeArenaStr(c, st))
				}, nil
			}),
		},
		{
			Name: "word", Category: "fake", Random: true, Result: String,
			Doc:      "A common lowercase English word." + fakeDoc,
			Examples: []Example{{Expr: `word()`, Seed: 1, Want: "off"}},
			Compile:  fakeNoArgs(String, func(c *Ctx) Value { return StrV(fakeWord(c)) }),
		},
		{
			Name: "sentence", Category: "fake", Random: true, Result: String,
			Doc: "A sentence of n random English words (1 to 200), capitalised and ending with a period. " +
				"Without n, 5 to 12 words." + fakeDoc,
			Params:   []Param{{Name: "n", Type: Int, Optional: true, Doc: "number of words"}},
			Examples: []Example{{Expr: `sentence(6)`, Seed: 1, Want: "Off girl but where myself being."}},
			Compile:  compileFakeSentence,
		},
	}
}

// ---- people ----

// emailProviders are common mail providers with rough shares.
var emailProviders = newFakeWeighted(
	"gmail.com", 0.40, "yahoo.com", 0.10, "outlook.com", 0.09, "hotmail.com", 0.08, "icloud.com", 0.08,
	"live.com", 0.03, "aol.com", 0.02, "proton.me", 0.03, "gmx.de", 0.03, "web.de", 0.02,
	"yahoo.co.uk", 0.02, "orange.fr", 0.02, "naver.com", 0.03, "mail.ru", 0.02, "qq.com", 0.03,
)

// emailPatterns weights the local-part shapes (see appendEmailLocal).
var emailPatterns = NewAlias([]float64{0.30, 0.10, 0.15, 0.07, 0.15, 0.13, 0.10})

func appendEmailLocal(dst []byte, r *Rand, first, last string) []byte {
	if last == "" {
		// One word only: "jane", "jane42" or "jane1987".
		dst = fakeAppendFolded(dst, first)
		switch r.Uint64n(3) {
		case 1:
			dst = fakeAppendNum(dst, 1+r.Uint64n(99), 1)
		case 2:
			dst = fakeAppendNum(dst, 1955+r.Uint64n(52), 4)
		}
		return dst
	}
	switch emailPatterns.Draw(r) {
	case 0: // jane.doe
		dst = append(fakeAppendFolded(dst, first), '.')
		dst = fakeAppendFolded(dst, last)
	case 1: // janedoe
		dst = fakeAppendFolded(fakeAppendFolded(dst, first), last)
	case 2: // jdoe
		dst = fakeAppendFolded(dst, fakeFirstRune(first))
		dst = fakeAppendFolded(dst, last)
	case 3: // jane_doe
		dst = append(fakeAppendFolded(dst, first), '_')
		dst = fakeAppendFolded(dst, last)
	case 4: // jane.doe42
		dst = append(fakeAppendFolded(dst, first), '.')
		dst = fakeAppendFolded(dst, last)
		dst = fakeAppendNum(dst, 1+r.Uint64n(99), 1)
	case 5: // jane1987
		dst = fakeAppendFolded(dst, first)
		dst = fakeAppendNum(dst, 1955+r.Uint64n(52), 4)
	default: // doe.jane
		dst = append(fakeAppendFolded(dst, last), '.')
		dst = fakeAppendFolded(dst, first)
	}
	return dst
}

func fakeFirstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// fakeAppendFolded appends s lowercased, with Latin accents folded to ASCII and
// everything but letters and digits dropped.
func fakeAppendFolded(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			dst = append(dst, byte(r))
		case r >= 'A' && r <= 'Z':
			dst = append(dst, byte(r+'a'-'A'))
		case r >= 0xC0:
			dst = append(dst, fakeFoldLatin(r)...)
		}
	}
	return dst
}

func fakeFoldLatin(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'ą', 'ā', 'ă':
		return "a"
	case 'æ', 'Æ':
		return "ae"
	case 'ç', 'Ç', 'ć', 'č', 'Ć', 'Č':
		return "c"
	case 'ď', 'đ', 'Ď', 'Đ':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'È', 'É', 'Ê', 'Ë', 'ę', 'ě', 'ē':
		return "e"
	case 'ğ', 'Ğ':
		return "g"
	case 'ì', 'í', 'î', 'ï', 'Ì', 'Í', 'Î', 'Ï', 'ı', 'İ', 'ī':
		return "i"
	case 'ł', 'Ł':
		return "l"
	case 'ñ', 'Ñ', 'ń', 'ň', 'Ń':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø', 'ő', 'ō':
		return "o"
	case 'œ', 'Œ':
		return "oe"
	case 'ř', 'Ř':
		return "r"
	case 'ś', 'š', 'ş', 'Ś', 'Š', 'Ş':
		return "s"
	case 'ß':
		return "ss"
	case 'ť', 'ţ', 'Ť':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'Ù', 'Ú', 'Û', 'Ü', 'ů', 'ű', 'ū':
		return "u"
	case 'ý', 'ÿ', 'Ý':
		return "y"
	case 'ź', 'ż', 'ž', 'Ź', 'Ż', 'Ž':
		return "z"
	case 'þ', 'Þ':
		return "th"
	}
	return ""
}

// fakeSplitName returns the first and last words of a full name.
func fakeSplitName(name string) (first, last string) {
	var words []string
	comma := false // "Doe, Jane": the family name first
	for i, w := range strings.Fields(name) {
		if i == 0 && strings.HasSuffix(w, ",") {
			comma = true
		}
		// Titles and suffixes (Dr. Jane Doe Jr.) and words scen cannot
		// spell in an address (no Latin letter or digit) are not names.
		if nameAffixes[strings.ToLower(strings.Trim(w, ".,"))] || !fakeHasAlnum(w) {
			continue
		}
		words = append(words, w)
	}
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return words[0], ""
	}
	if comma {
		return words[1], words[0]
	}
	return words[0], words[len(words)-1]
}

var nameAffixes = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sir": true,
	"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true,
}

func fakeHasAlnum(s string) bool {
	var b [32]byte
	return len(fakeAppendFolded(b[:0], s)) > 0
}

// isDomainName accepts host names such as "example.com" (letters, digits,
// hyphens; at least two labels).
func isDomainName(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func fakeEmail(c *Ctx, name, domain string) Value {
	first, last := fakeSplitName(name)
	if !fakeHasAlnum(first) {
		f := c.faker()
		first, last = f.FirstName(), f.LastName()
	} else if !fakeHasAlnum(last) {
		last = ""
	}
	s := len(c.Arena)
	c.Arena = appendEmailLocal(c.Arena, c.R, first, last)
	c.Arena = append(c.Arena, '@')
	if domain == "" {
		domain = emailProviders.draw(c.R)
	}
	c.Arena = append(c.Arena, domain...)
	return StrV(fakeArenaStr(c, s))
}

func compileFakeEmail(cc *CompileCtx, args []Arg) (Impl, error) {
	name, dynName, err := fakeOptString(args, 0, "name")
	if err != nil {
		return Impl{}, err
	}
	domain, dynDomain, err := fakeOptString(args, 1, "domain")
	if err != nil {
		return Impl{}, err
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	if domain != "" && !isDomainName(domain) {
		return Impl{}, argErr(1, "%q is not a domain name like \"example.com\"", domain)
	}
	if !dynName && !dynDomain {
		return Impl{Result: String, Sample: func(c *Ctx) Value { return fakeEmail(c, name, domain) }}, nil
	}
	return Impl{Result: String, Fn: func(c *Ctx, v []Value) Value {
		n, d := name, domain
		if dynName {
			n = fakeArgString(v, 0)
		}
		if dynDomain {
			d = strings.ToLower(strings.TrimSpace(fakeArgString(v, 1)))
			if d != "" && !isDomainName(d) {
				c.Fail(argErr(1, "%q is not a domain name like \"example.com\"", d))
				return NullV()
			}
		}
		return fakeEmail(c, n, d)
	}}, nil
}

// fakeUsername is gofakeit's username with spaces removed (a few of its
// templates insert multi-word city or job names).
func fakeUsername(c *Ctx) string {
	u := c.faker().Username()
	if strings.IndexByte(u, ' ') < 0 {
		return u
	}
	return strings.ReplaceAll(u, " ", "")
}

// appendNANP appends a ten-digit North American number: NPA and NXX start
// with 2–9 and are never N11 service codes.
func appendNANP(dst []byte, r *Rand) []byte {
	for k := 0; k < 2; k++ {
		for {
			a, b, c := 2+r.Uint64n(8), r.Uint64n(10), r.Uint64n(10)
			if b == 1 && c == 1 {
				continue
			}
			if k == 0 && b == 9 { // N9X area codes are reserved for expansion
				continue
			}
			dst = append(dst, byte('0'+a), byte('0'+b), byte('0'+c))
			break
		}
	}
	return fakeDigits(dst, r, 4)
}

// ---- network ----

// drawIPv4 draws a public unicast IPv4 address (rejection sampling).
func drawIPv4(r *Rand) netip.Addr {
	for {
		x := r.Uint64()
		for k := 0; k < 2; k++ { // two candidates per 64-bit draw
			a := uint32(x >> (32 * k))
			if isPublicIPv4(a) {
				return netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
			}
		}
	}
}

func isPublicIPv4(a uint32) bool {
	in := func(prefix uint32, bits uint) bool { return a>>(32-bits) == prefix>>(32-bits) }
	o := a >> 24
	switch {
	case o == 0, o == 10, o == 127, o >= 224:
		return false
	case in(100<<24|64<<16, 10), // shared address space (CGNAT)
		in(169<<24|254<<16, 16),       // link-local
		in(172<<24|16<<16, 12),        // private
		in(192<<24|0<<16|0<<8, 24),    // IETF protocol assignments
		in(192<<24|0<<16|2<<8, 24),    // TEST-NET-1
		in(192<<24|88<<16|99<<8, 24),  // 6to4 relay anycast
		in(192<<24|168<<16, 16),       // private
		in(198<<24|18<<16, 15),        // benchmarking
		in(198<<24|51<<16|100<<8, 24), // TEST-NET-2
		in(203<<24|0<<16|113<<8, 24):  // TEST-NET-3
		return false
	}
	return true
}

// ipv6Blocks are the IANA unicast blocks delegated to the regional
// registries, where nearly all routed IPv6 space lies, with rough shares:
// 2001::/16 (mixed: only its parts delegated to the registries, see
// inRIR2001), 2400::/12 APNIC, 2600::/12 ARIN, 2800::/12 LACNIC, 2a00::/12
// RIPE NCC, 2c00::/12 AFRINIC.
var ipv6Blocks = []struct {
	prefix uint64 // top bits, left-aligned
	bits   uint
}{{0x2001 << 48, 16}, {0x2400 << 48, 12}, {0x2600 << 48, 12}, {0x2800 << 48, 12}, {0x2a00 << 48, 12}, {0x2c00 << 48, 12}}
var ipv6BlockAlias = NewAlias([]float64{0.12, 0.28, 0.25, 0.08, 0.25, 0.02})

// inRIR2001 reports whether 2001:w::/32 lies in a block of 2001::/16 that
// IANA delegated to a regional registry (IANA's IPv6 global unicast
// address assignments: 2001:200::/23 to 2001:e00::/23, 2001:1200::/23 to
// 2001:4c00::/23, 2001:5000::/20, 2001:8000::/19, 2001:a000::/20 and
// 2001:b000::/20), outside the documentation prefix 2001:db8::/32 that
// APNIC's 2001:c00::/23 holds. 2001::/23, IANA's special-purpose block
// (Teredo, benchmarking 2001:2::/48, ORCHID, AMT, AS112), is not one, nor
// is space IANA has not delegated (2001:1000::/23, 2001:4e00::/23,
// 2001:6000::/19, 2001:c000::/18).
func inRIR2001(w uint64) bool {
	switch {
	case w >= 0x0200 && w < 0x1000:
		return w != 0x0db8
	case w >= 0x1200 && w < 0x4e00, w >= 0x5000 && w < 0x6000, w >= 0x8000 && w < 0xc000:
		return true
	}
	return false
}

// drawIPv6 draws a global unicast address from the registries' blocks:
// in 2001::/16, from its parts delegated to them (inRIR2001), drawn again
// until one is.
func drawIPv6(r *Rand) netip.Addr {
	blk := ipv6Blocks[ipv6BlockAlias.Draw(r)]
	var hi uint64
	for {
		hi = blk.prefix | r.Uint64()>>blk.bits
		if hi>>48 != 0x2001 || inRIR2001(hi>>32&0xffff) {
			break
		}
	}
	lo := r.Uint64()
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

// ---- text ----

// fakeWord draws a lowercase word from gofakeit's word lists, skipping the
// few entries that are not plain words ("(space)", capitalised pronouns).
func fakeWord(c *Ctx) string {
	f := c.faker()
	for i := 0; ; i++ {
		w := f.Word()
		if fakePlainWord(w) || i >= 32 {
			if !fakePlainWord(w) {
				return "word"
			}
			return w
		}
	}
}

func fakePlainWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func fakeSentence(c *Ctx, n int) Value {
	s := len(c.Arena)
	for i := 0; i < n; i++ {
		if i > 0 {
			c.Arena = append(c.Arena, ' ')
		}
		w := fakeWord(c)
		if i == 0 {
			c.Arena = append(c.Arena, w[0]-'a'+'A')
			c.Arena = append(c.Arena, w[1:]...)
		} else {
			c.Arena = append(c.Arena, w...)
		}
	}
	c.Arena = append(c.Arena, '.')
	return StrV(fakeArenaStr(c, s))
}

func compileFakeSentence(cc *CompileCtx, args []Arg) (Impl, error) {
	if len(args) == 0 {
		return Impl{Result: String, Sample: func(c *Ctx) Value { return fakeSentence(c, 5+int(c.R.Uint64n(8))) }}, nil
	}
	if k := args[0].Const; k != nil {
		if k.K != Int || k.I < 1 || k.I > 200 {
			return Impl{}, argErr(0, "n must be an integer between 1 and 200, got %s", k.String())
		}
		n := int(k.I)
		return Impl{Result: String, Sample: func(c *Ctx) Value { return fakeSentence(c, n) }}, nil
	}
	if t := args[0].Type; t != Int && t != Any {
		return Impl{}, argErr(0, "n must be an integer, got %s", t)
	}
	return Impl{Result: String, Fn: func(c *Ctx, v []Value) Value {
		if v[0].K == Null {
			return NullV()
		}
		if v[0].K != Int || v[0].I < 1 || v[0].I > 200 {
			c.Fail(argErr(0, "n must be an integer between 1 and 200, got %s", v[0].String()))
			return NullV()
		}
		return fakeSentence(c, int(v[0].I))
	}}, nil
}
