package stdlib

import (
	"slices"
	"strings"
)

// phonePlan is how a country's mobile numbers are written in E.164: the
// country calling code, the leading digits of its mobile ranges, and how
// many digits follow them.
type phonePlan struct {
	cc       string
	prefixes []string
	rest     int
}

// phonePlans holds the mobile numbering of every country city_location
// draws from (ISO 3166-1 alpha-2), from the countries' national numbering
// plans (ITU-T E.164 assignments): a number is the calling code, one of
// the mobile prefixes, then rest random digits. North America (US, CA) is
// drawn as phone() draws it.
var phonePlans = map[string]phonePlan{
	"AE": {"971", []string{"50", "52", "54", "55", "56", "58"}, 7},
	"AR": {"54", []string{"911"}, 8}, // 9, then Buenos Aires' area code
	"AT": {"43", []string{"650", "660", "664", "676", "680", "681", "688", "699"}, 7},
	"AU": {"61", []string{"4"}, 8},
	"BD": {"880", []string{"13", "14", "15", "16", "17", "18", "19"}, 8},
	"BE": {"32", []string{"45", "46", "47", "48", "49"}, 7},
	"BR": {"55", []string{"119", "219", "319", "419", "519", "619", "719", "819", "859", "919", "199", "279", "479", "489", "629"}, 8},
	"CH": {"41", []string{"75", "76", "77", "78", "79"}, 7},
	"CL": {"56", []string{"9"}, 8},
	"CN": {"86", []string{"13", "15", "17", "18", "19"}, 9},
	"CO": {"57", []string{"30", "31", "32", "35"}, 8},
	"CZ": {"420", []string{"6", "7"}, 8},
	"DE": {"49", []string{"151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179"}, 8},
	"DK": {"45", []string{"2", "3", "4", "5"}, 7},
	"EG": {"20", []string{"10", "11", "12", "15"}, 8},
	"ES": {"34", []string{"6", "7"}, 8},
	"ET": {"251", []string{"9"}, 8},
	"FI": {"358", []string{"40", "41", "42", "44", "45", "46", "50"}, 7},
	"FR": {"33", []string{"6", "7"}, 8},
	"GB": {"44", []string{"74", "75", "77", "78", "79"}, 8},
	"GH": {"233", []string{"20", "23", "24", "26", "27", "50", "54", "55", "59"}, 7},
	"GR": {"30", []string{"69"}, 8},
	"HK": {"852", []string{"5", "6", "9"}, 7},
	"HU": {"36", []string{"20", "30", "70"}, 7},
	"ID": {"62", []string{"811", "812", "813", "821", "822", "852", "853", "856", "857", "858"}, 8},
	"IE": {"353", []string{"83", "85", "86", "87", "89"}, 7},
	"IL": {"972", []string{"50", "52", "53", "54", "55", "58"}, 7},
	"IN": {"91", []string{"6", "7", "8", "9"}, 9},
	"IR": {"98", []string{"91", "93", "99"}, 8},
	"IT": {"39", []string{"320", "328", "329", "330", "333", "335", "338", "340", "345", "347", "349", "350", "366", "380", "388", "389", "391", "392"}, 7},
	"JP": {"81", []string{"70", "80", "90"}, 8},
	"KE": {"254", []string{"70", "71", "72", "74", "79", "11"}, 7},
	"KR": {"82", []string{"10"}, 8},
	"LK": {"94", []string{"70", "71", "72", "74", "75", "76", "77", "78"}, 7},
	"LU": {"352", []string{"621", "628", "661", "668", "691", "698"}, 6},
	"MA": {"212", []string{"6", "7"}, 8},
	"MX": {"52", []string{"55", "56", "33", "81"}, 8},
	"MY": {"60", []string{"12", "13", "14", "16", "17", "18", "19"}, 7},
	"NG": {"234", []string{"703", "706", "803", "806", "810", "813", "816", "903", "906", "805", "807", "815", "905", "802", "808", "812", "701", "902", "809", "817", "818", "909"}, 7},
	"NL": {"31", []string{"6"}, 8},
	"NO": {"47", []string{"4", "9"}, 7},
	"NZ": {"64", []string{"21", "22", "27"}, 7},
	"PE": {"51", []string{"9"}, 8},
	"PH": {"63", []string{"905", "906", "915", "916", "917", "918", "919", "920", "921", "926", "927", "928", "929", "935", "945", "956", "966", "977", "995", "998", "999"}, 7},
	"PK": {"92", []string{"30", "31", "32", "33", "34"}, 8},
	"PL": {"48", []string{"50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"}, 7},
	"PT": {"351", []string{"91", "92", "93", "96"}, 7},
	"RO": {"40", []string{"72", "73", "74", "75", "76", "77", "78"}, 7},
	"RU": {"7", []string{"90", "91", "92", "93", "95", "96", "98", "99"}, 8},
	"SA": {"966", []string{"50", "53", "54", "55", "56", "58", "59"}, 7},
	"SE": {"46", []string{"70", "72", "73", "76", "79"}, 7},
	"SG": {"65", []string{"8", "9"}, 7},
	"TH": {"66", []string{"6", "8", "9"}, 8},
	"TR": {"90", []string{"50", "53", "54", "55"}, 8},
	"TW": {"886", []string{"9"}, 8},
	"UA": {"380", []string{"50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"}, 7},
	"VN": {"84", []string{"3", "5", "7", "8", "9"}, 8},
	"ZA": {"27", []string{"60", "61", "62", "63", "64", "71", "72", "73", "74", "76", "78", "79", "81", "82", "83", "84"}, 7},
}

// phoneCodes lists the country codes phone(country) takes.
var phoneCodes = func() []string {
	codes := []string{"CA", "US"}
	for c := range phonePlans {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}()

// phoneDraws holds each country's draw, made once: a code read from the
// records (phone(user.home.country_code)) finds its draw per call
// without building one.
var phoneDraws = func() map[string]func(c *Ctx) Value {
	nanp := func(c *Ctx) Value {
		s := len(c.Arena)
		c.Arena = appendNANP(append(c.Arena, '+', '1'), c.R)
		return StrV(fakeArenaStr(c, s))
	}
	m := map[string]func(c *Ctx) Value{"": nanp, "US": nanp, "CA": nanp}
	for code, p := range phonePlans {
		n := uint64(len(p.prefixes))
		m[code] = func(c *Ctx) Value {
			s := len(c.Arena)
			c.Arena = append(append(c.Arena, '+'), p.cc...)
			c.Arena = append(c.Arena, p.prefixes[c.R.Uint64n(n)]...)
			c.Arena = fakeDigits(c.Arena, c.R, p.rest)
			return StrV(fakeArenaStr(c, s))
		}
	}
	return m
}()

// phoneFor returns the draw of a mobile number of country (an ISO 3166-1
// alpha-2 code, any case), or ok false when there is no plan for it.
func phoneFor(country string) (func(c *Ctx) Value, bool) {
	if fn, ok := phoneDraws[country]; ok {
		return fn, true
	}
	fn, ok := phoneDraws[strings.ToUpper(strings.TrimSpace(country))]
	return fn, ok
}
