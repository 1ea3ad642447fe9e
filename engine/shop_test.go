package engine_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/internal/stats"
)

type shopEvent struct {
	ID       string  `json:"event_id"`
	Type     string  `json:"event_type"`
	Customer string  `json:"customer_id"`
	Session  string  `json:"session_id"`
	TS       string  `json:"ts"`
	Local    string  `json:"local_time"`
	TZ       string  `json:"tz"`
	Country  string  `json:"country"`
	Group    string  `json:"ab_group"`
	OrderID  string  `json:"order_id"`
	Total    float64 `json:"total"`
	Attempt  int     `json:"attempt"`
	t        time.Time
}

type shopRefund struct {
	Order    string  `json:"order_id"`
	Customer string  `json:"customer_id"`
	At       string  `json:"refunded_at"`
	Days     float64 `json:"days_after"`
	Amount   float64 `json:"amount"`
	Kind     string  `json:"kind"`
}

// TestShopScenario checks what scenarios/shop.hcl declares against what it
// writes, at a fixed seed, with tests whose tolerances come from the
// sample sizes: sessions on each customer's local clock (chi-square of
// the local hour of session starts against the web profile), the sale
// days' factors, the experiment's checkout completion per group, and the
// consistency of orders, order lines and refunds.
func TestShopScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the shop scenario")
	}
	dir := runTo(t, "../scenarios/shop.hcl", 20251128, map[string]string{"customers": "5000"}, engine.RunOptions{Workers: 2})
	var evs []*shopEvent
	for _, line := range bytes.Split(bytes.TrimSpace(readFile(t, filepath.Join(dir, "shop", "events.jsonl"))), []byte("\n")) {
		e := &shopEvent{}
		if err := json.Unmarshal(line, e); err != nil {
			t.Fatal(err)
		}
		var err error
		if e.t, err = time.Parse(time.RFC3339Nano, e.TS); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	if len(evs) < 200000 {
		t.Fatalf("only %d events", len(evs))
	}
	sessions := map[string][]*shopEvent{}
	var order []string
	for _, e := range evs {
		if _, ok := sessions[e.Session]; !ok {
			order = append(order, e.Session)
		}
		sessions[e.Session] = append(sessions[e.Session], e)
	}

	t.Run("local time is the customer's zone", func(t *testing.T) {
		for _, e := range evs[:5000] {
			loc, err := time.LoadLocation(e.TZ)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.t.In(loc).Format("2006-01-02T15:04:05"); got != e.Local {
				t.Fatalf("event %s at %s in %s: local_time %s, want %s", e.ID, e.TS, e.TZ, e.Local, got)
			}
		}
	})

	// The web profile's hourly weights (stdlib/modules/profiles/web.hcl).
	hourly := []float64{0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.25, 0.45, 0.60, 0.75, 0.85, 0.90,
		1.00, 0.95, 0.85, 0.80, 0.85, 0.90, 0.95, 1.00, 0.95, 0.85, 0.70, 0.35}
	t.Run("sessions start by the web profile on local clocks", func(t *testing.T) {
		counts := make([]int64, 24)
		byZone := map[string][]int64{}
		for _, id := range order {
			first := sessions[id][0]
			if first.Type != "landing" {
				t.Fatalf("session %s starts with %s", id, first.Type)
			}
			h := int(first.Local[11]-'0')*10 + int(first.Local[12]-'0')
			counts[h]++
			if byZone[first.TZ] == nil {
				byZone[first.TZ] = make([]int64, 24)
			}
			byZone[first.TZ][h]++
		}
		probs := normalise(hourly)
		stat, df, p := stats.ChiSquareGOF(counts, probs)
		t.Logf("all zones: chi2 = %.1f, df = %d, p = %.3g (%d sessions)", stat, df, p, len(order))
		if p < 1e-3 {
			t.Errorf("local hour of session starts: p = %.3g, counts %v", p, counts)
		}
		// In each zone too: a zone read as UTC would put Tokyo's evening
		// peak at 10:00 local.
		for tz, c := range byZone {
			if _, _, p := stats.ChiSquareGOF(c, probs); p < 1e-4 {
				t.Errorf("%s: local hour of session starts p = %.3g, counts %v", tz, p, c)
			}
		}
	})

	t.Run("Black Friday is 3.2 times a Friday", func(t *testing.T) {
		// Customers are the independent units (a customer's active days
		// make its sessions on one day depend on each other): per
		// customer d = x - 3.2/3 y, with x its sessions on Black Friday and
		// y on the three Fridays before, has mean 0; z = Σd / √Σd².
		type xy struct{ x, y float64 }
		per := map[string]*xy{}
		for _, id := range order {
			first := sessions[id][0]
			day := first.Local[:10]
			c := per[first.Customer]
			if c == nil {
				c = &xy{}
				per[first.Customer] = c
			}
			switch day {
			case "2025-11-28":
				c.x++
			case "2025-11-07", "2025-11-14", "2025-11-21":
				c.y++
			}
		}
		var sum, sq, x, y float64
		for _, c := range per {
			d := c.x - 3.2/3*c.y
			sum += d
			sq += d * d
			x += c.x
			y += c.y
		}
		z := sum / math.Sqrt(sq)
		t.Logf("Black Friday %v sessions, three Fridays %v: ratio %.2f (declared 3.2), z = %.2f", x, y, x/(y/3), z)
		if math.Abs(z) > 4 {
			t.Errorf("Black Friday against Fridays: %v against %v (ratio %.2f, want 3.2), z = %.2f", x, y, x/(y/3), z)
		}
	})

	t.Run("checkout completion follows the experiment", func(t *testing.T) {
		want := map[string]float64{"control": 0.62, "treatment": 0.70}
		done, all := map[string]int64{}, map[string]int64{}
		for _, id := range order {
			s := sessions[id]
			for i, e := range s {
				// A checkout that is its session's 40th event (max_events)
				// has no next state.
				if e.Type != "checkout" || i == 39 {
					continue
				}
				all[e.Group]++
				if i+1 < len(s) && s[i+1].Type == "payment" {
					done[e.Group]++
				}
			}
		}
		for g, p := range want {
			z := stats.BinomialZ(done[g], all[g], p)
			t.Logf("%s: %d of %d checkouts went on to payment (%.3f, declared %.2f), z = %.2f", g, done[g], all[g], float64(done[g])/float64(all[g]), p, z)
			if all[g] < 1000 || math.Abs(z) > 4 {
				t.Errorf("%s: %d of %d checkouts completed, declared p = %.2f (z = %.2f)", g, done[g], all[g], p, z)
			}
		}
	})

	// Orders (Parquet, partitioned by country and month) and their lines.
	files, _ := filepath.Glob(filepath.Join(dir, "shop", "orders", "country=*", "month=*", "orders.parquet"))
	if len(files) < 10 {
		t.Fatalf("%d order files", len(files))
	}
	type orderRow struct {
		customer, country, currency string
		subtotal, total             float64
		items, units, attempts      int64
		at                          time.Time
	}
	orders := map[string]*orderRow{}
	for _, f := range files {
		tab, err := data.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		col := func(name string) int {
			j := tab.Col(name)
			if j < 0 {
				t.Fatalf("%s: no column %s (%v)", f, name, tab.Columns)
			}
			return j
		}
		for _, r := range tab.Rows {
			o := &orderRow{customer: r[col("customer_id")].S, country: r[col("country")].S, currency: r[col("currency")].S,
				subtotal: r[col("subtotal")].Float(), total: r[col("total")].Float(),
				items: r[col("items")].I, units: r[col("units")].I, attempts: r[col("attempts")].I,
				at: time.UnixMilli(r[col("ordered_at")].I)}
			if want := "country=" + o.country; filepath.Base(filepath.Dir(filepath.Dir(f))) != want {
				t.Fatalf("order of %s in %s", o.country, f)
			}
			if want := "month=" + o.at.UTC().Format("2006-01"); filepath.Base(filepath.Dir(f)) != want {
				t.Fatalf("order at %s in %s", o.at, f)
			}
			orders[r[col("order_id")].S] = o
		}
	}
	t.Run("orders match their lines and the purchase events", func(t *testing.T) {
		rd := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, "shop", "order_lines.csv"))))
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		lines := map[string]int64{}
		units := map[string]int64{}
		amounts := map[string]float64{}
		for _, r := range rows[1:] { // order_id,line,sku,category,qty,unit_price,amount
			lines[r[0]]++
			var qty int64
			var amount float64
			json.Unmarshal([]byte(r[4]), &qty)
			json.Unmarshal([]byte(r[6]), &amount)
			units[r[0]] += qty
			amounts[r[0]] += amount
		}
		purchases := 0
		for _, e := range evs {
			if e.Type != "purchase" {
				continue
			}
			purchases++
			o := orders[e.OrderID]
			if o == nil {
				t.Fatalf("purchase %s: no order %s", e.ID, e.OrderID)
			}
			if o.total != e.Total || o.customer != e.Customer {
				t.Fatalf("order %s: total %v customer %s; purchase event: %v %s", e.OrderID, o.total, o.customer, e.Total, e.Customer)
			}
		}
		if purchases != len(orders) {
			t.Fatalf("%d purchase events, %d orders", purchases, len(orders))
		}
		for id, o := range orders {
			if lines[id] != o.items || units[id] != o.units {
				t.Fatalf("order %s: %d items, %d units; its lines: %d, %d units", id, o.items, o.units, lines[id], units[id])
			}
			// Lines are rounded one by one, the subtotal once: they differ
			// by at most half a unit of the currency per line.
			unit := 0.01
			if o.currency == "JPY" || o.currency == "KRW" {
				unit = 1
			}
			if d := math.Abs(amounts[id] - o.subtotal); d > float64(o.items)*unit/2+1e-9 {
				t.Fatalf("order %s: subtotal %v, lines sum to %v", id, o.subtotal, amounts[id])
			}
			if o.total < o.subtotal || o.attempts < 1 || o.attempts > 3 {
				t.Fatalf("order %s: subtotal %v total %v attempts %d", id, o.subtotal, o.total, o.attempts)
			}
		}
	})

	t.Run("refunds follow orders", func(t *testing.T) {
		refunded := map[string]bool{}
		n := 0
		for _, line := range bytes.Split(bytes.TrimSpace(readFile(t, filepath.Join(dir, "shop", "refunds.jsonl"))), []byte("\n")) {
			var r shopRefund
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			n++
			o := orders[r.Order]
			if o == nil {
				t.Fatalf("refund of an unknown order %s", r.Order)
			}
			at, _ := time.Parse(time.RFC3339Nano, r.At)
			days := at.Sub(o.at).Hours() / 24
			if o.customer != r.Customer || days <= 2 || days >= 30 || math.Abs(days-r.Days) > 0.05+1e-9 {
				t.Fatalf("refund %+v of order %+v: %.2f days after", r, o, days)
			}
			if r.Amount > o.total || (r.Kind == "full") != (r.Amount == o.total) {
				t.Fatalf("refund %+v of an order of %v", r, o.total)
			}
			if refunded[r.Order] {
				t.Fatalf("order %s refunded twice", r.Order)
			}
			refunded[r.Order] = true
		}
		// About one order in eight or fewer (a later order replaces the
		// one a customer may still return).
		if share := float64(n) / float64(len(orders)); n < 50 || share > 0.2 {
			t.Errorf("%d refunds of %d orders", n, len(orders))
		}
	})
}

func normalise(w []float64) []float64 {
	s := 0.0
	for _, x := range w {
		s += x
	}
	out := make([]float64, len(w))
	for i, x := range w {
		out[i] = x / s
	}
	return out
}
