package engine_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/internal/stats"
)

type bankTx struct {
	id, client, merchant, device, category, channel string
	city, ip, fraudType                             string
	amount, lat, lon                                float64
	hasLoc, fraud                                   bool
	t                                               time.Time
}

type bankData struct {
	tx        []*bankTx
	clients   map[string]map[string]string
	devices   map[string]map[string]string
	merchants map[string]map[string]string
	channel   map[string]string // category → channel
}

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func byKey(rows []map[string]string, key string) map[string]map[string]string {
	m := make(map[string]map[string]string, len(rows))
	for _, r := range rows {
		m[r[key]] = r
	}
	return m
}

// loadBank runs scenarios/bank.hcl and reads every output file.
func loadBank(t testing.TB, vars map[string]string) *bankData {
	t.Helper()
	dir := runTo(t, "../scenarios/bank.hcl", 2025, vars, engine.RunOptions{Workers: 2})
	d := &bankData{
		clients:   byKey(readCSV(t, filepath.Join(dir, "clients.csv")), "client_id"),
		devices:   byKey(readCSV(t, filepath.Join(dir, "devices.csv")), "device_id"),
		merchants: byKey(readCSV(t, filepath.Join(dir, "merchants.csv")), "merchant_id"),
		channel:   map[string]string{},
	}
	for _, r := range readCSV(t, "../scenarios/data/categories.csv") {
		d.channel[r["category"]] = r["channel"]
	}
	files, _ := filepath.Glob(filepath.Join(dir, "transactions-*.csv"))
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no transaction files")
	}
	num := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad number %q", s)
		}
		return f
	}
	for _, f := range files {
		for _, r := range readCSV(t, f) {
			x := &bankTx{id: r["transaction_id"], client: r["client_id"], merchant: r["merchant_id"], device: r["device_id"],
				category: r["category"], channel: r["channel"], city: r["city"], ip: r["ip"], fraudType: r["fraud_type"],
				amount: num(r["amount"]), fraud: r["is_fraud"] == "true", hasLoc: r["lat"] != ""}
			if x.hasLoc {
				x.lat, x.lon = num(r["lat"]), num(r["lon"])
			}
			var err error
			if x.t, err = time.Parse(time.RFC3339Nano, r["timestamp"]); err != nil {
				t.Fatal(err)
			}
			if _, off := x.t.Zone(); off != 3*3600 {
				t.Fatalf("timestamp %s is not in Moscow time (+03:00)", r["timestamp"])
			}
			d.tx = append(d.tx, x)
		}
	}
	return d
}

var (
	bankOnce sync.Once
	bankMain *bankData
)

// bankDefault is the shipped scenario at its defaults (≈1 M transactions),
// run once for all the tests that read it. -short uses 2 000 clients.
func bankDefault(t *testing.T) *bankData {
	bankOnce.Do(func() {
		vars := map[string]string{}
		if testing.Short() {
			vars["clients"] = "2000"
		}
		bankMain = loadBank(t, vars)
	})
	if bankMain == nil {
		t.Fatal("the bank run failed")
	}
	return bankMain
}

// TestBankLegitConstraints checks every pair of consecutive legit
// transactions of every client (no two closer than min_gap), the daily
// maximum, and the daytime shops' quiet hours, exhaustively.
func TestBankLegitConstraints(t *testing.T) {
	d := bankDefault(t)
	last := map[string]time.Time{}
	type dayKey struct {
		client string
		day    string
	}
	perDay := map[dayKey]int{}
	legit := 0
	for _, x := range d.tx {
		if x.fraud {
			continue
		}
		legit++
		if prev, ok := last[x.client]; ok {
			if x.t.Before(prev) {
				t.Fatalf("transactions are not in time order: %s after %s", x.t, prev)
			}
			if gap := x.t.Sub(prev); gap < 15*time.Minute {
				t.Fatalf("client %s: legit transactions %s apart (%s, %s); min_gap is 15m", x.client, gap, prev, x.t)
			}
		}
		last[x.client] = x.t
		k := dayKey{x.client, x.t.Format("2006-01-02")}
		perDay[k]++
		if perDay[k] > 12 {
			t.Fatalf("client %s has %d legit transactions on %s; max_per_day is 12", x.client, perDay[k], k.day)
		}
		if d.channel[x.category] == "offline_day" {
			if h := x.t.Hour(); h >= 22 || h < 7 {
				t.Fatalf("daytime category %s at %s, inside quiet hours 22:00-07:00", x.category, x.t)
			}
		}
	}
	if !testing.Short() && legit < 1_000_000 {
		t.Fatalf("only %d legit transactions; the exhaustive check needs at least 1 000 000", legit)
	}
	t.Logf("%d legit transactions of %d clients checked", legit, len(last))
}

// TestBankForeignKeys: every id in a transaction resolves, and locations
// follow the channel's rules.
func TestBankForeignKeys(t *testing.T) {
	d := bankDefault(t)
	for _, x := range d.tx {
		c, ok := d.clients[x.client]
		if !ok {
			t.Fatalf("transaction %s: unknown client %q", x.id, x.client)
		}
		m, ok := d.merchants[x.merchant]
		if !ok {
			t.Fatalf("transaction %s: unknown merchant %q", x.id, x.merchant)
		}
		if m["category"] != x.category {
			t.Fatalf("transaction %s: category %s but merchant %s sells %s", x.id, x.category, x.merchant, m["category"])
		}
		if x.device != "" {
			dv, ok := d.devices[x.device]
			if !ok {
				t.Fatalf("transaction %s: unknown device %q", x.id, x.device)
			}
			if dv["client_id"] != x.client {
				t.Fatalf("transaction %s: device %s belongs to %s, not %s", x.id, x.device, dv["client_id"], x.client)
			}
		}
		switch x.channel {
		case "offline":
			if !x.hasLoc || x.ip != "" || m["online"] != "false" || x.city != m["city"] {
				t.Fatalf("offline transaction %s: want the merchant's location and no IP, got city %q lat? %v ip %q (merchant %v)", x.id, x.city, x.hasLoc, x.ip, m)
			}
			if !x.fraud && x.city != c["city"] {
				t.Fatalf("legit offline transaction %s in %s, but client %s lives in %s", x.id, x.city, x.client, c["city"])
			}
		case "online":
			if x.hasLoc || x.ip == "" || m["online"] != "true" {
				t.Fatalf("online transaction %s: want an IP and no coordinates", x.id)
			}
			if !x.fraud && (x.device == "" || d.devices[x.device]["ip"] != x.ip) {
				t.Fatalf("legit online transaction %s: IP %s is not its device's", x.id, x.ip)
			}
		default:
			t.Fatalf("transaction %s: channel %q", x.id, x.channel)
		}
	}
}

// TestBankFraudShare: the number of clients hit by each pattern is
// binomial(clients, fraud_clients × pattern share).
func TestBankFraudShare(t *testing.T) {
	d := bankDefault(t)
	victims := map[string]map[string]bool{}
	for _, x := range d.tx {
		if !x.fraud {
			if x.fraudType != "" {
				t.Fatalf("legit transaction %s has fraud_type %q", x.id, x.fraudType)
			}
			continue
		}
		if victims[x.fraudType] == nil {
			victims[x.fraudType] = map[string]bool{}
		}
		victims[x.fraudType][x.client] = true
	}
	n := int64(len(d.clients))
	total := int64(0)
	for _, tc := range []struct {
		pattern string
		p       float64
	}{
		{"card_testing", 0.02 * 0.35},
		{"account_takeover", 0.02 * 0.25},
		{"impossible_travel", 0.02 * 0.20},
		{"night_spending", 0.02 * 0.20},
	} {
		k := int64(len(victims[tc.pattern]))
		total += k
		// Two-sided 99.9 %: |z| < 3.29.
		if z := stats.BinomialZ(k, n, tc.p); math.Abs(z) > 3.29 {
			t.Errorf("%s: %d of %d clients (expected %.0f, z = %.2f)", tc.pattern, k, n, float64(n)*tc.p, z)
		}
	}
	if z := stats.BinomialZ(total, n, 0.02); math.Abs(z) > 3.29 {
		t.Errorf("fraud clients: %d of %d (expected %.0f, z = %.2f)", total, n, float64(n)*0.02, z)
	}
	if len(victims) != 4 {
		t.Errorf("fraud patterns seen: %v", victims)
	}
}

// TestBankFraudSignatures: each pattern shows its signature far more often
// than legit transactions do (at fraud_difficulty 0.3, where 70 % of fraud
// features are drawn from the fraud distribution).
func TestBankFraudSignatures(t *testing.T) {
	d := bankDefault(t)
	byClient := map[string][]*bankTx{}
	for _, x := range d.tx {
		byClient[x.client] = append(byClient[x.client], x)
	}
	share := func(xs []*bankTx, f func(*bankTx) bool) (float64, int) {
		k := 0
		for _, x := range xs {
			if f(x) {
				k++
			}
		}
		return float64(k) / float64(len(xs)), len(xs)
	}
	var legit, legitOnline, legitOffline, card, ato, night []*bankTx
	for _, x := range d.tx {
		switch {
		case !x.fraud:
			legit = append(legit, x)
			if x.channel == "online" {
				legitOnline = append(legitOnline, x)
			} else {
				legitOffline = append(legitOffline, x)
			}
		case x.fraudType == "card_testing":
			card = append(card, x)
		case x.fraudType == "account_takeover":
			ato = append(ato, x)
		case x.fraudType == "night_spending":
			night = append(night, x)
		}
	}
	median := func(xs []*bankTx) float64 {
		a := make([]float64, len(xs))
		for i, x := range xs {
			a[i] = x.amount
		}
		sort.Float64s(a)
		return a[len(a)/2]
	}

	t.Run("card_testing", func(t *testing.T) {
		small := func(x *bankTx) bool { return x.amount <= 50 }
		fs, n := share(card, small)
		ls, _ := share(legitOnline, small)
		if fs < 0.5 || ls > 0.01 {
			t.Errorf("amounts <= 50: %.3f of %d card-testing charges, %.4f of legit online ones", fs, n, ls)
		}
		// Bursts: consecutive charges of one client within 90 s.
		burst, pairs := 0, 0
		for _, xs := range byClient {
			for i := 1; i < len(xs); i++ {
				if xs[i].fraudType == "card_testing" && xs[i-1].fraudType == "card_testing" {
					pairs++
					if xs[i].t.Sub(xs[i-1].t) <= 90*time.Second {
						burst++
					}
				}
			}
		}
		if pairs == 0 || float64(burst)/float64(pairs) < 0.5 {
			t.Errorf("card testing: %d of %d consecutive charges within 90 s", burst, pairs)
		}
	})
	t.Run("account_takeover", func(t *testing.T) {
		// The device is new: no legit transaction ever used it.
		used := map[string]bool{}
		for _, x := range legit {
			used[x.device] = true
		}
		away := 0
		for _, x := range ato {
			if used[x.device] {
				t.Fatalf("takeover transaction %s uses the client's known device %s", x.id, x.device)
			}
			if x.city != d.clients[x.client]["city"] {
				away++
			}
		}
		if fa := float64(away) / float64(len(ato)); fa < 0.4 {
			t.Errorf("takeover: %.2f of %d charges geolocated away from home", fa, len(ato))
		}
		if fm, lm := median(ato), median(legitOnline); fm < 2*lm {
			t.Errorf("takeover median amount %.0f is not well above the legit online median %.0f", fm, lm)
		}
	})
	t.Run("impossible_travel", func(t *testing.T) {
		speed := func(a, b *bankTx) float64 {
			h := b.t.Sub(a.t).Hours()
			return haversine(a.lat, a.lon, b.lat, b.lon) / math.Max(h, 1e-9)
		}
		clients, fast := 0, 0
		for _, xs := range byClient {
			var trip []*bankTx
			for _, x := range xs {
				if x.fraudType == "impossible_travel" {
					trip = append(trip, x)
				}
			}
			if len(trip) == 0 {
				continue
			}
			if len(trip) != 2 {
				t.Fatalf("impossible travel of %s has %d transactions", trip[0].client, len(trip))
			}
			clients++
			if km := haversine(trip[0].lat, trip[0].lon, trip[1].lat, trip[1].lon); km < 1000 {
				t.Fatalf("impossible travel of %s covers only %.0f km", trip[0].client, km)
			}
			if speed(trip[0], trip[1]) > 900 {
				fast++
			}
		}
		if clients == 0 || float64(fast)/float64(clients) < 0.5 {
			t.Errorf("impossible travel: %d of %d trips faster than 900 km/h", fast, clients)
		}
		// Legit offline purchases never imply such a trip.
		last := map[string]*bankTx{}
		for _, x := range legitOffline {
			if p := last[x.client]; p != nil && haversine(p.lat, p.lon, x.lat, x.lon) > 300 && speed(p, x) > 900 {
				t.Fatalf("legit transactions %s and %s imply %.0f km/h", p.id, x.id, speed(p, x))
			}
			last[x.client] = x
		}
	})
	t.Run("night_spending", func(t *testing.T) {
		for _, x := range night {
			if h := x.t.Hour(); h >= 6 && h < 23 {
				t.Fatalf("night spending at %s", x.t)
			}
		}
		var legitNight []*bankTx
		for _, x := range legitOffline {
			if d.channel[x.category] == "offline_24h" {
				legitNight = append(legitNight, x)
			}
		}
		if fm, lm := median(night), median(legitNight); fm < 2*lm {
			t.Errorf("night spending median %.0f is not well above the legit round-the-clock median %.0f", fm, lm)
		}
	})
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371 * math.Asin(math.Min(1, math.Sqrt(h)))
}

// bankProfiles are the three daily profiles declared in bank.hcl.
var bankProfiles = map[string][]float64{
	"offline_24h": {0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.50, 0.45, 0.45, 0.55,
		0.75, 0.70, 0.55, 0.55, 0.65, 0.90, 1.00, 1.00, 0.95, 0.70, 0.40, 0.20},
	"offline_day": {0, 0, 0, 0, 0, 0, 0, 0.10, 0.25, 0.55, 0.75, 0.85,
		0.95, 0.90, 0.85, 0.85, 0.90, 0.95, 1.00, 0.90, 0.60, 0.25, 0, 0},
	"online": {0.30, 0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.20, 0.35, 0.45, 0.55, 0.60,
		0.65, 0.60, 0.60, 0.60, 0.65, 0.75, 0.85, 0.95, 1.00, 0.95, 0.75, 0.50},
}

// hourCounts counts legit transactions per local hour, per channel, and
// fails on any in an hour the profile excludes.
func hourCounts(t *testing.T, d *bankData) map[string][]int64 {
	out := map[string][]int64{}
	for ch := range bankProfiles {
		out[ch] = make([]int64, 24)
	}
	for _, x := range d.tx {
		if x.fraud {
			continue
		}
		ch := d.channel[x.category]
		h := x.t.Hour()
		if bankProfiles[ch][h] == 0 {
			t.Fatalf("%s transaction at %s: the profile is zero in that hour", ch, x.t)
		}
		out[ch][h]++
	}
	return out
}

// positive keeps the hours with positive weight.
func positive(counts []int64, prof []float64) ([]int64, []float64) {
	var c []int64
	var p []float64
	for i, w := range prof {
		if w > 0 {
			c = append(c, counts[i])
			p = append(p, w)
		}
	}
	return c, p
}

func shifted(prof []float64) []float64 {
	out := make([]float64, 24)
	for i := range prof {
		out[(i+1)%24] = prof[i]
	}
	return out
}

// TestBankCardTestingCashOut: at fraud_difficulty 0 every card-testing
// burst is 1–15 charges of at most 50 RUB followed by exactly one large
// charge (the cash-out), which max_events = 16 never cuts off; bursts that
// reach 15 probes (probability 0.85^14) exist and still end with it.
func TestBankCardTestingCashOut(t *testing.T) {
	d := loadBank(t, map[string]string{"clients": "1000", "fraud_clients": "1", "fraud_difficulty": "0"})
	burst := map[string][]*bankTx{}
	for _, x := range d.tx {
		if x.fraudType == "card_testing" {
			burst[x.client] = append(burst[x.client], x)
		}
	}
	if len(burst) < 200 {
		t.Fatalf("only %d card-testing bursts", len(burst))
	}
	capped := 0
	for c, xs := range burst {
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].t.Before(xs[j].t) })
		n := len(xs)
		if n < 2 || n > 16 {
			t.Fatalf("client %s: a burst of %d charges, want 2–16", c, n)
		}
		for i, x := range xs {
			if last := i == n-1; (x.amount > 50) != last {
				t.Fatalf("client %s: charge %d of %d is %.2f RUB (only the last, the cash-out, is above 50)", c, i+1, n, x.amount)
			}
		}
		if n == 16 {
			capped++
		}
	}
	if capped == 0 {
		t.Errorf("no burst reached 15 probes (expected about %.0f of %d)", math.Pow(0.85, 14)*float64(len(burst)), len(burst))
	}
}

// TestBankHourProfiles: per channel, legit transaction hours follow the
// declared daily profile. The min-gap rule moves the transactions that fall
// within min_gap of the client's previous one; collisions are likelier at
// peak hours, so with min_gap = 15m the hour shares differ from the
// profile by about 1 % (relative) — real, and visible to a chi-square test
// at 300 k transactions per channel. The goodness-of-fit test therefore
// runs with min_gap = 1s (collisions are 900 times rarer), and the shipped
// settings are held to a small effect size (Cohen's w < 0.02; a profile
// shifted by one hour gives w > 0.15).
func TestBankHourProfiles(t *testing.T) {
	clients := "10000"
	if testing.Short() {
		clients = "2000"
	}
	loose := loadBank(t, map[string]string{"min_gap": "1s", "clients": clients})
	counts := hourCounts(t, loose)
	for ch, prof := range bankProfiles {
		c, p := positive(counts[ch], prof)
		stat, df, pv := stats.ChiSquareGOF(c, p)
		if pv < 1e-3 {
			t.Errorf("%s: hours do not follow the profile: chi2 = %.1f, df = %d, p = %.2g; counts %v", ch, stat, df, pv, counts[ch])
		}
		// The same data against the profile shifted by an hour must fail.
		sp := shifted(prof)
		var cs []int64
		var ps []float64
		for i := range sp {
			if sp[i] > 0 {
				cs, ps = append(cs, counts[ch][i]), append(ps, sp[i])
			}
		}
		if _, _, pv := stats.ChiSquareGOF(cs, ps); pv > 1e-9 {
			t.Errorf("%s: a profile shifted by one hour is not rejected (p = %.2g)", ch, pv)
		}
	}
	if testing.Short() {
		return
	}
	d := bankDefault(t)
	counts = hourCounts(t, d)
	for ch, prof := range bankProfiles {
		c, p := positive(counts[ch], prof)
		stat, _, _ := stats.ChiSquareGOF(c, p)
		n := 0.0
		for _, x := range c {
			n += float64(x)
		}
		if w := math.Sqrt(stat / n); w >= 0.02 {
			t.Errorf("%s with min_gap 15m: effect size w = %.4f, want < 0.02", ch, w)
		}
	}
}
