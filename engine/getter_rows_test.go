package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestGetterTableRows: a getter of a constant name (ctx.row.name) reads a
// dataset's rows from the column's own array once it has seen one, and
// must still read the right value when its object changes from one
// table's row to another table's (the same names, in another order), to an
// object that is not a row, and back, step after step; a column of few
// distinct values (kind) is read from its small set.
func TestGetterTableRows(t *testing.T) {
	dir := t.TempDir()
	var d, e []byte
	// 300 rows: id and name (300 distinct) are read from their columns, kind
	// (few distinct) from its small set.
	d = append(d, "id,name,kind\n"...)
	e = append(e, "name,id,extra,kind\n"...)
	for i := 1; i <= 300; i++ {
		d = append(d, fmt.Sprintf("%d,d-%d,dk%d\n", i, i, i%5)...)
		e = append(e, fmt.Sprintf("e-%d,%d,x,ek%d\n", i, i, i%3)...)
	}
	os.WriteFile(filepath.Join(dir, "d.csv"), d, 0o644)
	os.WriteFile(filepath.Join(dir, "e.csv"), e, 0o644)
	src := `scenario "s" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "d.csv" }
dataset "e" { path = "e.csv" }
entity "user" {
  count = 20
  attributes {
    home = choice(dataset.d)
  }
}
flow "f" {
  actor = entity.user
  session { max_events = 40 }
  gap     = "1m"
  initial = "s"
  state "s" {
    set = {
      pick = uniform(0, 3)
      row  = ctx.pick == 0 ? choice(dataset.d) : ctx.pick == 1 ? choice(dataset.e) : ctx.pick == 2 ? { id = 0, name = "lit", kind = "lk" } : user.home
    }
    emit "ev" {
      pick = ctx.pick
      id   = ctx.row.id
      name = ctx.row.name
      kind = ctx.row.kind
      row  = ctx.row
      home = user.home.name
      hid  = user.home.id
    }
    next = { s = 1 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "ev"
  path   = "e.jsonl"
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	for _, workers := range []int{1, 2} {
		rows := jsonLines(t, filepath.Join(runTo(t, path, 3, nil, engine.RunOptions{Workers: workers}), "e.jsonl"))
		if len(rows) < 20*40 {
			t.Fatalf("%d rows", len(rows))
		}
		seen := map[float64]int{}
		for _, r := range rows {
			pick, _ := r["pick"].(float64)
			id, _ := r["id"].(float64)
			seen[pick]++
			want := map[float64]string{0: fmt.Sprintf("d-%d", int(id)), 1: fmt.Sprintf("e-%d", int(id)), 2: "lit", 3: fmt.Sprintf("d-%d", int(id))}[pick]
			// The whole row, as the encoder writes it from the row's
			// object: the getters read the same row.
			if row := r["row"].(map[string]any); row["id"] != r["id"] || row["name"] != r["name"] || row["kind"] != r["kind"] {
				t.Fatalf("getters read id %v, name %v, kind %v of row %v", r["id"], r["name"], r["kind"], row)
			}
			if r["name"] != want {
				t.Fatalf("pick %v, id %v: name %v, want %s", pick, id, r["name"], want)
			}
			wantKind := map[float64]string{0: fmt.Sprintf("dk%d", int(id)%5), 1: fmt.Sprintf("ek%d", int(id)%3), 2: "lk", 3: fmt.Sprintf("dk%d", int(id)%5)}[pick]
			if r["kind"] != wantKind {
				t.Fatalf("pick %v, id %v: kind %v, want %s", pick, id, r["kind"], wantKind)
			}
			if home := fmt.Sprintf("d-%d", int(r["hid"].(float64))); r["home"] != home {
				t.Fatalf("home %v, want %s", r["home"], home)
			}
		}
		for p := 0.0; p < 4; p++ {
			if seen[p] < 100 {
				t.Fatalf("pick %v: %d rows of %d", p, seen[p], len(rows))
			}
		}
	}
}
