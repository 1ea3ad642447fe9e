package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

const forEachSrc = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 50
  attributes { id = "u${index}" }
}
flow "shop" {
  actor = entity.user
  session { count = 3 }
  initial = "order"
  state "order" {
    set = {
      order_id = uuid()
      lines    = sample_rows([{ sku = "a", price = 1.5 }, { sku = "b", price = 2 }, { sku = "c", price = 4.25 }], uniform(1, 3))
    }
    emit "orders" {
      order_id = ctx.order_id
      n        = len(ctx.lines)
      total    = sum(pluck(ctx.lines, "price"))
    }
    emit "e" {
      FOR_EACH
      order_id = ctx.order_id
      user     = user.id
      line     = each.index + 1
      sku      = each.value.sku
      price    = each.value.price
    }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "orders"
  path   = "orders.jsonl"
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`

// TestForEach: an emit with for_each writes one record per element of
// its list, in order, with each.value and each.index; the other fields are
// the state's, the same in every record of the state.
func TestForEach(t *testing.T) {
	src := strings.Replace(forEachSrc, "FOR_EACH", "for_each = ctx.lines", 1)
	var lines []map[string]any
	var orders []map[string]any
	for _, workers := range []int{1, 2} {
		dir := runSourceDir(t, src, workers)
		l, o := jsonLines(t, filepath.Join(dir, "e.jsonl")), jsonLines(t, filepath.Join(dir, "orders.jsonl"))
		if lines != nil && (len(l) != len(lines) || len(o) != len(orders)) {
			t.Fatalf("%d workers: %d lines, %d orders; 1 worker: %d, %d", workers, len(l), len(o), len(lines), len(orders))
		}
		lines, orders = l, o
	}
	if len(orders) != 150 {
		t.Fatalf("%d orders, want 150", len(orders))
	}
	type agg struct {
		n     int
		total float64
	}
	got := map[string]*agg{}
	for _, r := range lines {
		id := r["order_id"].(string)
		a := got[id]
		if a == nil {
			a = &agg{}
			got[id] = a
		}
		a.n++
		if r["line"].(float64) != float64(a.n) {
			t.Fatalf("order %s: line %v is its record %d", id, r["line"], a.n)
		}
		a.total += r["price"].(float64)
	}
	for _, o := range orders {
		a := got[o["order_id"].(string)]
		if a == nil || float64(a.n) != o["n"].(float64) || a.total != o["total"].(float64) {
			t.Fatalf("order %v: lines %+v", o, a)
		}
	}
}

// TestForEachErrors: for_each takes a list; each is known only in the
// fields of an emit with for_each; a list drawn at run time that is not
// one stops the run at for_each.
func TestForEachErrors(t *testing.T) {
	for _, tc := range []struct {
		name, forEach, extra string
		want                 string
	}{
		{"a string", `for_each = "abc"`, "", "Invalid for_each; for_each takes a list (one record per element), got string."},
		{"each without for_each", "", "", `"each" is not defined here; a flow state can use`},
		{"each.key", `for_each = ctx.lines`, "    k = each.key\n", "Invalid reference; In an emit with for_each, each.value is the element"},
		{"in common fields", `for_each = ctx.lines`, "COMMON", "for_each in common fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(forEachSrc, "FOR_EACH", tc.forEach, 1)
			if tc.extra == "COMMON" {
				src = strings.Replace(src, `  initial = "order"`, "  initial = \"order\"\n  common \"e\" {\n    for_each = ctx.lines\n  }", 1)
			} else {
				src = strings.Replace(src, "      price    = each.value.price\n", "      price    = each.value.price\n  "+tc.extra, 1)
			}
			sc, diags := dsl.ParseSource("s.hcl", []byte(src))
			if !diags.HasErrors() {
				_, diags = engine.Compile(sc, engine.Options{})
			}
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Fatalf("want an error with %q, got %v", tc.want, diags)
			}
		})
	}
}

// TestForEachNotAListAtRunTime: a for_each whose value is not a list when
// the state runs stops the run with an error at for_each.
func TestForEachNotAListAtRunTime(t *testing.T) {
	src := strings.Replace(forEachSrc, "FOR_EACH", `for_each = user.id == "u7" ? "x" : ctx.lines`, 1)
	sc, diags := dsl.ParseSource("s.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 2})
	if err == nil || !strings.Contains(err.Error(), `for_each takes a list (one record per element), got a string ("x")`) || !strings.Contains(err.Error(), "s.hcl:25:18: Invalid for_each") {
		t.Fatalf("err = %v", err)
	}
}
