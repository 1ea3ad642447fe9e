package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
)

// TestParquetRoundTrip: a Parquet file written by scen's own sink reads
// back as a dataset whose time fields are times, equal to the times the
// same run wrote as JSON lines.
func TestParquetRoundTrip(t *testing.T) {
	out := t.TempDir()
	write := `scenario "w" {
  seed     = 3
  timezone = "Europe/Berlin"
  start    = "2025-01-01"
  end      = "2025-01-03"
}
entity "u" {
  count = 4
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 3
  }
  gap     = uniform("1m", "5h")
  initial = "s"
  state "s" {
    emit "ev" {
      id = u.id
      t  = event.time
      d  = event.time - scenario.start
    }
  }
}
sink "p" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
sink "j" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
	plan := compileSrc(t, "w.hcl", write)
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	tab, err := data.Load(filepath.Join(out, "ev.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	tc, dc := tab.Col("t"), tab.Col("d")
	if tc < 0 || tab.Types[tc] != stdlib.Time {
		t.Fatalf("columns %v types %v: t is not a time column", tab.Columns, tab.Types)
	}
	// Durations are INT64 milliseconds named in the footer's metadata.
	if dc < 0 || tab.Types[dc] != stdlib.Duration {
		t.Fatalf("columns %v types %v: d is not a duration column", tab.Columns, tab.Types)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)).UnixMilli()
	for i, r := range tab.Rows {
		if r[dc].K != stdlib.Duration || r[dc].I != r[tc].I-start {
			t.Errorf("row %d: d = %v, want %d ms after the start", i, r[dc], r[tc].I-start)
		}
	}
	f, err := os.Open(filepath.Join(out, "ev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	i := 0
	for ; sc.Scan(); i++ {
		var ev struct{ T string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		want, err := time.Parse(time.RFC3339, ev.T)
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(tab.Rows) {
			t.Fatalf("more JSON lines than Parquet rows (%d)", len(tab.Rows))
		}
		if got := tab.Rows[i][tc]; got.K != stdlib.Time || got.I != want.UnixMilli() {
			t.Errorf("row %d: t = %v, want %s", i, got, ev.T)
		}
	}
	if i != len(tab.Rows) || i == 0 {
		t.Errorf("%d JSON lines, %d Parquet rows", i, len(tab.Rows))
	}

	// Read back by a scenario, the column is a time: time arithmetic and
	// comparisons compile against it.
	read := fmt.Sprintf(`scenario "r" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "prev" { path = %q }
dataset "late" {
  from  = dataset.prev
  where = row.t >= time("2024-12-31T23:00:00Z")
}
entity "u" {
  count = 1
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      hour = hour(choice(dataset.late).t)
    }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "o.jsonl"
}
`, filepath.Join(out, "ev.parquet"))
	rp := compileSrc(t, "r.hcl", read)
	for _, d := range rp.Datasets {
		if d.Name == "prev" && fmt.Sprint(d.Types) != fmt.Sprint(tab.Types) {
			t.Errorf("dataset types %v, want %v", d.Types, tab.Types)
		}
	}
}

func compileSrc(t *testing.T, name, src string) *engine.Plan {
	t.Helper()
	sc, diags := dsl.ParseSource(name, []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return plan
}

// TestParquetDatasetFields: fields read from dataset rows keep the
// columns' types in a Parquet file (a string column, not the JSON text
// "\"Seoul\"" an untyped field is written as), through an attribute
// holding the row too.
func TestParquetDatasetFields(t *testing.T) {
	out := t.TempDir()
	csv := filepath.Join(out, "cities.csv")
	if err := os.WriteFile(csv, []byte("city,pop,lat\nSeoul,9700000,37.56\nBusan,3400000,35.17\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(`scenario "w" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "cities" { path = %q }
entity "u" {
  count = 20
  attributes { home = choice(dataset.cities) }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    emit "ev" {
      city = u.home.city
      pop  = u.home.pop
      lat  = u.home.lat
      next = lookup(dataset.cities, "city", "Busan").pop + 1
    }
  }
}
sink "p" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
`, csv)
	plan := compileSrc(t, "w.hcl", src)
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	tab, err := data.Load(filepath.Join(out, "ev.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want := []stdlib.Kind{stdlib.String, stdlib.Int, stdlib.Float, stdlib.Int}
	if fmt.Sprint(tab.Types) != fmt.Sprint(want) {
		t.Fatalf("columns %v: types %v, want %v", tab.Columns, tab.Types, want)
	}
	cities := map[string]struct {
		pop int64
		lat float64
	}{"Seoul": {9700000, 37.56}, "Busan": {3400000, 35.17}}
	for i, r := range tab.Rows {
		c, ok := cities[r[0].S]
		if !ok || r[1].I != c.pop || r[2].Float() != c.lat || r[3].I != 3400001 {
			t.Errorf("row %d: %v", i, r)
		}
	}
	if len(tab.Rows) != 20 {
		t.Errorf("%d rows, want 20", len(tab.Rows))
	}
}

// TestParquetCtxFields: fields read from rows a state's set keeps in ctx,
// a counter kept there, an experiment's param, and what the actor's
// memory keeps (a copy of a ctx column, a counter) are typed Parquet
// columns (not the JSON text "\"Seoul\"" an untyped field is written as).
func TestParquetCtxFields(t *testing.T) {
	out := t.TempDir()
	csv := filepath.Join(out, "cities.csv")
	if err := os.WriteFile(csv, []byte("city,pop,lat\nSeoul,9700000,37.56\nBusan,3400000,35.17\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(`scenario "w" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "cities" { path = %q }
entity "u" {
  count = 20
  attributes { id = "u${index}" }
}
experiment "x" {
  unit   = u.id
  groups = { a = 0.5, b = 0.5 }
  param "price" {
    a = 1
    b = 1.5
  }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 3
  }
  initial = "s"
  state "s" {
    set = {
      n    = coalesce(ctx.n, 0) + 1
      home = lookup(dataset.cities, "city", ctx.n %% 2 == 0 ? "Busan" : "Seoul")
    }
    remember = {
      city   = ctx.home.city
      visits = coalesce(memory.visits, 0) + 1
    }
    emit "ev" {
      city   = ctx.home.city
      pop    = ctx.home.pop
      lat    = ctx.home.lat
      n      = ctx.n
      price  = experiment.x.price
      kept   = memory.city
      visits = memory.visits
    }
    next = { s = 1 }
  }
}
sink "p" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
`, csv)
	plan := compileSrc(t, "w.hcl", src)
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	tab, err := data.Load(filepath.Join(out, "ev.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want := []stdlib.Kind{stdlib.String, stdlib.Int, stdlib.Float, stdlib.Int, stdlib.Float, stdlib.String, stdlib.Int}
	if fmt.Sprint(tab.Types) != fmt.Sprint(want) {
		t.Fatalf("columns %v: types %v, want %v", tab.Columns, tab.Types, want)
	}
	if len(tab.Rows) != 60 {
		t.Fatalf("%d rows, want 60", len(tab.Rows))
	}
	prices := map[float64]int{}
	for i, r := range tab.Rows {
		n := r[3].I
		city := map[bool]string{true: "Busan", false: "Seoul"}[n%2 == 0]
		// remember runs before the emits: memory holds this event's.
		if n < 1 || n > 3 || r[0].S != city || r[5].S != city || r[6].I != n {
			t.Errorf("row %d: %v", i, r)
		}
		prices[r[4].Float()]++
	}
	if len(prices) != 2 || prices[1] == 0 || prices[1.5] == 0 {
		t.Errorf("prices %v, want 1 and 1.5", prices)
	}
}
