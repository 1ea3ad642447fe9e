package stdlib

import "strconv"

// A drawn device is coherent: its OS runs on the hardware, its browser on
// the OS, and its User-Agent is what that browser really sends (including
// Chrome's reduced UA, which hides the Android model and version, and
// iPad Safari's desktop-class UA). device_model(), os() and user_agent()
// each draw a whole device and return one part of it; device() returns all.

type devPlatform uint8

const (
	platAndroid devPlatform = iota
	platIOS
	platIPadOS
	platWindows
	platMacOS
	platLinux
)

type devKind uint8

const (
	devMobile devKind = iota
	devTablet
	devDesktop
)

var deviceKindNames = [...]string{"mobile", "tablet", "desktop"}

type fakeDevice struct {
	brand, model string
	code         string // Android build model (sent by Samsung Internet)
	plat         devPlatform
	kind         devKind
	minOS        int // oldest OS major version the device runs
	w            float64
}

var fakeDevices = []fakeDevice{
	// iPhones
	{"Apple", "iPhone 16 Pro", "", platIOS, devMobile, 18, 4},
	{"Apple", "iPhone 16", "", platIOS, devMobile, 18, 4},
	{"Apple", "iPhone 15 Pro Max", "", platIOS, devMobile, 17, 4},
	{"Apple", "iPhone 15 Pro", "", platIOS, devMobile, 17, 4},
	{"Apple", "iPhone 15", "", platIOS, devMobile, 17, 5},
	{"Apple", "iPhone 14", "", platIOS, devMobile, 16, 5},
	{"Apple", "iPhone 13", "", platIOS, devMobile, 16, 5},
	{"Apple", "iPhone 12", "", platIOS, devMobile, 16, 3},
	{"Apple", "iPhone 11", "", platIOS, devMobile, 16, 2},
	{"Apple", "iPhone SE", "", platIOS, devMobile, 16, 2},
	// Android phones
	{"Samsung", "Galaxy S24 Ultra", "SM-S928B", platAndroid, devMobile, 14, 3},
	{"Samsung", "Galaxy S24", "SM-S921B", platAndroid, devMobile, 14, 3},
	{"Samsung", "Galaxy S23", "SM-S911B", platAndroid, devMobile, 13, 3},
	{"Samsung", "Galaxy A55", "SM-A556B", platAndroid, devMobile, 14, 3},
	{"Samsung", "Galaxy A54", "SM-A546B", platAndroid, devMobile, 13, 4},
	{"Samsung", "Galaxy A35", "SM-A356B", platAndroid, devMobile, 14, 3},
	{"Samsung", "Galaxy A15", "SM-A155F", platAndroid, devMobile, 14, 4},
	{"Samsung", "Galaxy A14", "SM-A145F", platAndroid, devMobile, 13, 3},
	{"Samsung", "Galaxy Z Flip5", "SM-F731B", platAndroid, devMobile, 13, 1},
	{"Google", "Pixel 9", "Pixel 9", platAndroid, devMobile, 14, 2},
	{"Google", "Pixel 8", "Pixel 8", platAndroid, devMobile, 14, 2},
	{"Google", "Pixel 8a", "Pixel 8a", platAndroid, devMobile, 14, 1.5},
	{"Google", "Pixel 7a", "Pixel 7a", platAndroid, devMobile, 13, 1.5},
	{"Google", "Pixel 7", "Pixel 7", platAndroid, devMobile, 13, 1},
	{"Xiaomi", "Redmi Note 13 Pro", "", platAndroid, devMobile, 13, 3},
	{"Xiaomi", "Redmi Note 12", "", platAndroid, devMobile, 13, 3},
	{"Xiaomi", "Xiaomi 14", "", platAndroid, devMobile, 14, 1.5},
	{"OnePlus", "OnePlus 12", "", platAndroid, devMobile, 14, 1},
	{"Motorola", "moto g84", "", platAndroid, devMobile, 13, 1.5},
	{"OPPO", "Reno11", "", platAndroid, devMobile, 14, 1},
	// Tablets
	{"Apple", "iPad Pro 11-inch", "", platIPadOS, devTablet, 17, 0.8},
	{"Apple", "iPad Air", "", platIPadOS, devTablet, 17, 0.8},
	{"Apple", "iPad (10th generation)", "", platIPadOS, devTablet, 16, 1},
	{"Samsung", "Galaxy Tab S9", "SM-X710", platAndroid, devTablet, 13, 0.6},
	{"Samsung", "Galaxy Tab A9+", "SM-X210", platAndroid, devTablet, 13, 0.6},
	// Computers
	{"Apple", "MacBook Air", "", platMacOS, devDesktop, 13, 7},
	{"Apple", "MacBook Pro", "", platMacOS, devDesktop, 13, 5},
	{"Apple", "iMac", "", platMacOS, devDesktop, 13, 1.5},
	{"Apple", "Mac mini", "", platMacOS, devDesktop, 13, 1},
	{"Dell", "XPS 13", "", platWindows, devDesktop, 10, 3},
	{"Dell", "Inspiron 15", "", platWindows, devDesktop, 10, 3},
	{"Lenovo", "ThinkPad X1 Carbon", "", platWindows, devDesktop, 10, 3},
	{"Lenovo", "IdeaPad 5", "", platWindows, devDesktop, 10, 3},
	{"HP", "EliteBook 840", "", platWindows, devDesktop, 10, 3},
	{"HP", "Pavilion 15", "", platWindows, devDesktop, 10, 3},
	{"ASUS", "Zenbook 14", "", platWindows, devDesktop, 10, 2},
	{"Acer", "Aspire 5", "", platWindows, devDesktop, 10, 2},
	{"Microsoft", "Surface Laptop 5", "", platWindows, devDesktop, 11, 1.5},
	{"Lenovo", "ThinkPad T14", "", platLinux, devDesktop, 0, 0.8},
	{"Framework", "Laptop 13", "", platLinux, devDesktop, 0, 0.4},
}

var fakeDeviceAlias = func() *Alias {
	ws := make([]float64, len(fakeDevices))
	for i, d := range fakeDevices {
		ws[i] = d.w
	}
	return NewAlias(ws)
}()

// devOSVersion is one OS release with its rough share among users of the
// platform.
type devOSVersion struct {
	major, minor int
	w            float64
}

var devOSVersions = [...][]devOSVersion{
	platAndroid: {{15, 0, 0.15}, {14, 0, 0.40}, {13, 0, 0.25}, {12, 0, 0.12}, {11, 0, 0.08}},
	platIOS:     {{18, 2, 0.12}, {18, 1, 0.25}, {18, 0, 0.08}, {17, 6, 0.25}, {17, 5, 0.10}, {17, 4, 0.05}, {16, 7, 0.15}},
	platIPadOS:  {{18, 1, 0.35}, {18, 0, 0.10}, {17, 6, 0.30}, {17, 5, 0.10}, {16, 7, 0.15}},
	platWindows: {{11, 0, 0.45}, {10, 0, 0.55}},
	platMacOS:   {{15, 1, 0.30}, {15, 0, 0.10}, {14, 7, 0.30}, {14, 6, 0.10}, {13, 7, 0.20}},
	platLinux:   {{0, 0, 1}},
}

var devOSAlias = func() (out [len(devOSVersions)]*Alias) {
	for p, vs := range devOSVersions {
		ws := make([]float64, len(vs))
		for i, v := range vs {
			ws[i] = v.w
		}
		out[p] = NewAlias(ws)
	}
	return out
}()

type devBrowser uint8

const (
	brChrome devBrowser = iota
	brSafari
	brFirefox
	brEdge
	brSamsung
)

var devBrowserNames = [...]string{"Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"}

type devBrowserShare struct {
	b devBrowser
	w float64
}

var devPlatformBrowsers = [...][]devBrowserShare{
	platAndroid: {{brChrome, 0.80}, {brSamsung, 0.14}, {brFirefox, 0.06}}, // Samsung Internet only on Samsung devices
	platIOS:     {{brSafari, 0.85}, {brChrome, 0.12}, {brFirefox, 0.03}},
	platIPadOS:  {{brSafari, 0.85}, {brChrome, 0.12}, {brFirefox, 0.03}},
	platWindows: {{brChrome, 0.66}, {brEdge, 0.24}, {brFirefox, 0.10}},
	platMacOS:   {{brChrome, 0.55}, {brSafari, 0.38}, {brFirefox, 0.07}},
	platLinux:   {{brChrome, 0.70}, {brFirefox, 0.30}},
}

var devBrowserAlias = func() (out [len(devPlatformBrowsers)]*Alias) {
	for p, bs := range devPlatformBrowsers {
		ws := make([]float64, len(bs))
		for i, b := range bs {
			ws[i] = b.w
		}
		out[p] = NewAlias(ws)
	}
	return out
}()

// devChromeBuilds are the real build numbers of Chrome 120–131 (Chrome on iOS
// reports them; everywhere else the reduced UA sends MAJOR.0.0.0).
var devChromeBuilds = [...]int{6099, 6167, 6261, 6312, 6367, 6422, 6478, 6533, 6613, 6668, 6723, 6778}

const devChromeFirst = 120

// devSamsungVersions pairs Samsung Internet releases with their Chromium base.
var devSamsungVersions = [...][2]int{{23, 115}, {24, 117}, {25, 121}, {26, 122}, {27, 125}}

type devDraw struct {
	d       *fakeDevice
	os      devOSVersion
	browser devBrowser
	bmajor  int // browser major version
	bpatch  int // Chrome on iOS: patch level
}

func drawDevice(r *Rand) devDraw {
	var x devDraw
	x.d = &fakeDevices[fakeDeviceAlias.Draw(r)]
	vs := devOSVersions[x.d.plat]
	x.os = vs[devOSAlias[x.d.plat].Draw(r)]
	if x.os.major < x.d.minOS {
		x.os = vs[0] // too new for that release: it runs the latest
	}
	x.browser = devPlatformBrowsers[x.d.plat][devBrowserAlias[x.d.plat].Draw(r)].b
	if x.browser == brSamsung && x.d.brand != "Samsung" {
		x.browser = brChrome
	}
	switch x.browser {
	case brChrome, brEdge:
		x.bmajor = devChromeFirst + int(r.Uint64n(uint64(len(devChromeBuilds))))
		x.bpatch = 50 + int(r.Uint64n(150))
	case brFirefox:
		x.bmajor = 121 + int(r.Uint64n(13))
	case brSamsung:
		x.bmajor = int(r.Uint64n(uint64(len(devSamsungVersions))))
	case brSafari:
		x.bmajor = x.os.major
	}
	return x
}

// osName renders "Android 14", "iOS 17.5", "iPadOS 18.1", "Windows 11",
// "macOS 14.7" or "Linux".
func (x *devDraw) appendOS(dst []byte) []byte {
	switch x.d.plat {
	case platAndroid:
		return strconv.AppendInt(append(dst, "Android "...), int64(x.os.major), 10)
	case platIOS, platIPadOS:
		if x.d.plat == platIOS {
			dst = append(dst, "iOS "...)
		} else {
			dst = append(dst, "iPadOS "...)
		}
		return appendOSVersion(dst, x.os.major, x.os.minor, '.')
	case platWindows:
		return strconv.AppendInt(append(dst, "Windows "...), int64(x.os.major), 10)
	case platMacOS:
		return appendOSVersion(append(dst, "macOS "...), x.os.major, x.os.minor, '.')
	}
	return append(dst, "Linux"...)
}

func appendOSVersion(dst []byte, major, minor int, sep byte) []byte {
	dst = strconv.AppendInt(dst, int64(major), 10)
	dst = append(dst, sep)
	return strconv.AppendInt(dst, int64(minor), 10)
}

// safariVersion is the Safari release shipped with (or current on) the OS.
func (x *devDraw) safariVersion(dst []byte) []byte {
	switch x.d.plat {
	case platMacOS:
		if x.os.major >= 15 {
			return append(dst, "18.1"...)
		}
		return append(dst, "17.6"...)
	}
	return appendOSVersion(dst, x.os.major, x.os.minor, '.')
}

func (x *devDraw) appendBrowserVersion(dst []byte) []byte {
	if x.browser == brSamsung {
		return append(strconv.AppendInt(dst, int64(devSamsungVersions[x.bmajor][0]), 10), ".0"...)
	}
	if x.browser == brSafari {
		return x.safariVersion(dst)
	}
	return strconv.AppendInt(dst, int64(x.bmajor), 10)
}

// appendUA appends the User-Agent header the browser sends.
func (x *devDraw) appendUA(dst []byte) []byte {
	const webkit = "AppleWebKit/537.36 (KHTML, like Gecko) "
	chrome := func(dst []byte, major int) []byte {
		dst = append(dst, "Chrome/"...)
		return append(strconv.AppendInt(dst, int64(major), 10), ".0.0.0"...)
	}
	mobile := x.d.kind == devMobile
	switch x.d.plat {
	case platAndroid:
		switch x.browser {
		case brFirefox:
			dst = strconv.AppendInt(append(dst, "Mozilla/5.0 (Android "...), int64(x.os.major), 10)
			if mobile {
				dst = append(dst, "; Mobile; rv:"...)
			} else {
				dst = append(dst, "; Tablet; rv:"...)
			}
			dst = strconv.AppendInt(dst, int64(x.bmajor), 10)
			dst = strconv.AppendInt(append(dst, ".0) Gecko/"...), int64(x.bmajor), 10)
			dst = strconv.AppendInt(append(dst, ".0 Firefox/"...), int64(x.bmajor), 10)
			return append(dst, ".0"...)
		case brSamsung:
			sv := devSamsungVersions[x.bmajor]
			dst = strconv.AppendInt(append(dst, "Mozilla/5.0 (Linux; Android "...), int64(x.os.major), 10)
			dst = append(append(append(dst, "; "...), x.d.code...), ") "+webkit+"SamsungBrowser/"...)
			dst = append(strconv.AppendInt(dst, int64(sv[0]), 10), ".0 "...)
			dst = chrome(dst, sv[1])
		default: // Chrome's reduced UA: Android version and model are frozen
			dst = append(dst, "Mozilla/5.0 (Linux; Android 10; K) "+webkit...)
			dst = chrome(dst, x.bmajor)
		}
		if mobile {
			return append(dst, " Mobile Safari/537.36"...)
		}
		return append(dst, " Safari/537.36"...)
	case platIOS, platIPadOS:
		if x.d.plat == platIPadOS && x.browser == brSafari {
			// iPadOS Safari requests desktop sites and says it is a Mac.
			dst = append(dst, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/"...)
			dst = x.safariVersion(dst)
			return append(dst, " Safari/605.1.15"...)
		}
		if x.d.plat == platIOS {
			dst = append(dst, "Mozilla/5.0 (iPhone; CPU iPhone OS "...)
		} else {
			dst = append(dst, "Mozilla/5.0 (iPad; CPU OS "...)
		}
		dst = appendOSVersion(dst, x.os.major, x.os.minor, '_')
		dst = append(dst, " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "...)
		switch x.browser {
		case brChrome:
			dst = strconv.AppendInt(append(dst, "CriOS/"...), int64(x.bmajor), 10)
			dst = strconv.AppendInt(append(dst, ".0."...), int64(devChromeBuilds[x.bmajor-devChromeFirst]), 10)
			dst = strconv.AppendInt(append(dst, '.'), int64(x.bpatch), 10)
			return append(dst, " Mobile/15E148 Safari/604.1"...)
		case brFirefox:
			dst = strconv.AppendInt(append(dst, "FxiOS/"...), int64(x.bmajor), 10)
			return append(dst, ".0 Mobile/15E148 Safari/605.1.15"...)
		}
		dst = append(dst, "Version/"...)
		dst = x.safariVersion(dst)
		return append(dst, " Mobile/15E148 Safari/604.1"...)
	}
	var sys, geckoSys string
	switch x.d.plat {
	case platWindows:
		sys, geckoSys = "Windows NT 10.0; Win64; x64", "Windows NT 10.0; Win64; x64"
	case platMacOS:
		sys, geckoSys = "Macintosh; Intel Mac OS X 10_15_7", "Macintosh; Intel Mac OS X 10.15"
	default:
		sys, geckoSys = "X11; Linux x86_64", "X11; Ubuntu; Linux x86_64"
	}
	switch x.browser {
	case brFirefox:
		dst = append(append(append(dst, "Mozilla/5.0 ("...), geckoSys...), "; rv:"...)
		dst = strconv.AppendInt(dst, int64(x.bmajor), 10)
		dst = strconv.AppendInt(append(dst, ".0) Gecko/20100101 Firefox/"...), int64(x.bmajor), 10)
		return append(dst, ".0"...)
	case brSafari:
		dst = append(append(append(dst, "Mozilla/5.0 ("...), sys...), ") AppleWebKit/605.1.15 (KHTML, like Gecko) Version/"...)
		dst = x.safariVersion(dst)
		return append(dst, " Safari/605.1.15"...)
	}
	dst = append(append(append(dst, "Mozilla/5.0 ("...), sys...), ") "+webkit...)
	dst = append(chrome(dst, x.bmajor), " Safari/537.36"...)
	if x.browser == brEdge {
		dst = strconv.AppendInt(append(dst, " Edg/"...), int64(x.bmajor), 10)
		dst = append(dst, ".0.0.0"...)
	}
	return dst
}

var deviceKeys = []string{"type", "brand", "model", "os", "browser", "browser_version", "user_agent"}

// deviceValue renders the whole draw as an object; strings live in the arena.
func (x *devDraw) value(c *Ctx) Value {
	s := len(c.Arena)
	c.Arena = x.appendOS(c.Arena)
	osName := fakeArenaStr(c, s)
	s = len(c.Arena)
	c.Arena = x.appendBrowserVersion(c.Arena)
	bv := fakeArenaStr(c, s)
	s = len(c.Arena)
	c.Arena = x.appendUA(c.Arena)
	ua := fakeArenaStr(c, s)
	return ObjV(deviceKeys, []Value{
		StrV(deviceKindNames[x.d.kind]), StrV(x.d.brand), StrV(x.d.model), StrV(osName),
		StrV(devBrowserNames[x.browser]), StrV(bv), StrV(ua),
	})
}
