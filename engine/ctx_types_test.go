package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// TestCtxTypes: ctx.NAME has the kind every state's set of it gives (to a
// fixed point: sets may read other slots, later states' or their own), and
// ctx.NAME.KEY the column's kind when every set gives a row of one dataset
// or entity table, so that scen validate checks what they are combined
// with and Parquet and PostgreSQL sinks get typed columns. Slots whose
// sets disagree stay untyped.
func TestCtxTypes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,name,w\n1,a,2.5\n2,b,3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "e.csv"), []byte("id,city\n1,x\n"), 0o644)
	for _, tc := range []struct {
		name, s, t, field string
		want              string // the field's type, or a diagnostic
	}{
		{"a row's column", "row = choice(dataset.d)", "", "ctx.row.name", "string"},
		{"an entity row's attribute", "row = choice(entity.shop)", "", "ctx.row.n", "int"},
		{"set in a later state", "", "row = choice(dataset.d)", "ctx.row.w", "float"},
		{"the same rows in two states", "row = choice(dataset.d)", "row = lookup(dataset.d, \"id\", 2)", "ctx.row.id", "int"},
		{"a row or null", "row = null", "row = choice(dataset.d)", "ctx.row.name", "string"},
		{"rows of two datasets", "row = choice(dataset.d)", "row = choice(dataset.e)", "ctx.row.id", "any"},
		{"a copy of another slot", "a = ctx.row\n      row = choice(dataset.d)", "", "ctx.a.name", "string"},
		{"a column read before its row is known", "n = ctx.row.id\n      row = choice(dataset.d)", "", "ctx.n", "int"},
		{"a counter", "n = coalesce(ctx.n, 0) + 1", "", "ctx.n", "int"},
		{"a counter that turns float", "n = coalesce(ctx.n, 0) + 1", "n = ctx.n * 1.5", "ctx.n", "float"},
		{"coalesce of two kinds", "n = coalesce(ctx.n, \"x\")", "n = 2", "ctx.n", "any"},
		{"a string and an int", "n = \"a\"", "n = 1", "ctx.n", "any"},
		{"a time", "at = event.time", "", "ctx.at", "time"},
		{"memory of another kind", "n = coalesce(memory.m, 0)", "", "ctx.n", "any"},
		{"memory of its kind", "n = coalesce(memory.m, \"none\")", "", "ctx.n", "string"},
		{"only null", "n = null", "", "ctx.n", "any"},
		{"a dataset's row by its number", "", "", "dataset.d[1].w", "float"},
		{"a dataset's row past its last", "", "", "dataset.d[2].w", `Dataset "d" has 2 rows, numbered 0 to 1; got 2.`},
		{"a row of an entity row", "", "", "u.shop.r.w", "float"},
		{"a row of an entity row in ctx", "s = choice(entity.shop)", "", "ctx.s.r.name", "string"},
		{"a misspelt column of a row of an entity row", "", "", "u.shop.r.nmae", `Dataset "d" has no column "nmae"`},
		{"a list of an entity row", "", "", "choice(u.shop.tags)", "int"},
		{"an object literal's value", "line = { sku = \"s${index}\", price = index * 1.5 }", "", "ctx.line.price", "float"},
		{"an object literal's row", "line = { p = choice(dataset.d), n = index }", "", "ctx.line.p.name", "string"},
		{"the same literal in two states", "line = { n = index }", "line = { n = 2 * index }", "ctx.line.n", "int"},
		{"literals with other keys", "line = { n = index }", "line = { m = index }", "ctx.line.n", "any"},
		{"a misspelt key of a literal", "line = { sku = \"s${index}\", n = index }", "", "ctx.line.skus", `The object has no key "skus" (keys: sku, n). Did you mean "sku"?`},
		{"a literal kept as a list", "lines = append(ctx.lines, { n = index })", "", "ctx.lines[0]", "object"},
		{"a row kept for the session", "row = coalesce(ctx.row, choice(dataset.d))", "", "ctx.row.name", "string"},
		{"rows of two datasets coalesced", "row = coalesce(choice(dataset.e), choice(dataset.d))", "", "ctx.row.id", "any"},
		{"a choice of a list literal", "opts = [1, index]", "", "choice(ctx.opts)", "int"},
		{"an element of lists of two kinds", "opts = [1, index]", "opts = [\"a\", event.time]", "ctx.opts[0]", "any"},
		{"an element of int and float lists", "opts = [1, index]", "opts = [2.5, index]", "ctx.opts[0]", "float"},
		{"a list or null", "opts = null", "opts = [event.time]", "choice(ctx.opts)", "time"},
		{"a list grown by append", "l = append(ctx.l, index)", "", "ctx.l[0]", "int"},
		// A cart of lines: the appended objects keep their shape, so the
		// lines' keys are typed (each.value.qty, for-expressions).
		{"literals appended", "line = { n = index, s = \"x\" }\n      l = append(ctx.l, ctx.line, 5)", "", "ctx.l[0].n", "int"},
		{"literals appended before they are set", "l = append(ctx.l, ctx.line, 5)\n      line = { n = index, s = \"x\" }", "", "ctx.l[0].s", "string"},
		{"a sum over appended literals", "l = append(ctx.l, { n = index * 1.5 })", "", "sum([for x in ctx.l : x.n])", "float"},
		{"a literal appended to an empty list", "l = append([], { n = index })", "", "ctx.l[0].n", "int"},
		{"rows appended", "l = append(ctx.l, choice(dataset.d))", "", "ctx.l[0].w", "float"},
		{"literals of two shapes appended", "l = append(ctx.l, { n = index })", "l = append(ctx.l, { m = index })", "ctx.l[0].n", "any"},
		{"literals appended to a list emptied in another state", "l = append(ctx.l, { n = index })", "l = []", "ctx.l[0].n", "int"},
		{"literals appended after emptying", "l = []\n      l2 = append(ctx.l, { n = index })", "", "ctx.l2[0].n", "int"},
		{"a literal appended to a list of ints", "l = [1]", "l = append(ctx.l, { n = index })", "ctx.l[0].n", "any"},
		{"a column plucked", "rows = sample_rows(dataset.d, 2)\n      l = pluck(ctx.rows, \"w\")", "", "choice(ctx.l)", "float"},
		{"a sum of a column", "rows = sample_rows(dataset.d, 2)", "", `sum(pluck(ctx.rows, "w"))`, "float"},
		{"a sum of ints", "l = append(ctx.l, index)", "", "sum(ctx.l)", "int"},
		{"a list and a string", "opts = [1, index]", "opts = \"x\"", "choice(ctx.opts)", "any"},
		{"a column in arithmetic", "row = choice(dataset.d)", "", "ctx.row.name * 2", "string and int cannot be combined with *"},
		{"a misspelt column, once", "row = choice(dataset.d)", "", "ctx.row.nmae", `Dataset "d" has no column "nmae"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "d.csv" }
dataset "e" { path = "e.csv" }
entity "shop" {
  count = 2
  attributes {
    n    = index
    r    = dataset.d[index]
    tags = [index, 2]
  }
}
entity "u" {
  count = 2
  attributes {
    id   = "u${index}"
    shop = choice(entity.shop)
  }
}
flow "f" {
  actor = entity.u
  session { max_events = 4 }
  initial = "s"
  state "s" {
    set = {
      ` + tc.s + `
    }
    emit "ev" { x = ` + tc.field + ` }
    next = { t = 1 }
  }
  state "t" {
    set = {
      ` + tc.t + `
    }
    remember = { m = "text" }
    emit "ev" { y = 1 }
    next = { s = 1 }
  }
}
sink "o" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
`
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			plan, diags := compileDiags(t, path, engine.Options{})
			if diags.HasErrors() {
				wantOnce(t, diags.Error(), tc.want)
				return
			}
			if got := kindName(plan.Streams[0].Columns[0].Type); got != tc.want {
				t.Fatalf("x is %s, want %s", got, tc.want)
			}
		})
	}
}

// TestMemTypes: memory.NAME has the kind every remember of it gives, in
// every flow of the actor's entity (to a fixed point, as ctx: a remember
// may read memory and its flow's ctx), so that a field writing it is a
// typed Parquet or PostgreSQL column instead of JSON text.
func TestMemTypes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,name,w\n1,a,2.5\n2,b,3\n"), 0o644)
	for _, tc := range []struct {
		name, f, g, set, field string
		want                   string // the field's type, or a diagnostic
	}{
		{"a string", `m = "text"`, "", "", "memory.m", "string"},
		{"two flows agree", "m = 1", "m = 2", "", "memory.m", "int"},
		{"ints and floats", "m = 1", "m = 2.5", "", "memory.m", "float"},
		{"two flows disagree", `m = "a"`, "m = 1", "", "memory.m", "any"},
		{"a counter", "m = coalesce(memory.m, 0) + 1", "", "", "memory.m", "int"},
		{"a copy of the flow's ctx", "m = ctx.c", "", "c = event.time", "memory.m", "time"},
		{"a ctx copy of memory", "m = 5", "", "c = memory.m", "ctx.c", "int"},
		{"a row's column", "m = choice(dataset.d)", "", "", "memory.m.w", "float"},
		{"a copy of another slot", "m = memory.k\n      k = 2.5", "", "", "memory.m", "float"},
		{"only null", "m = null", "", "", "memory.m", "any"},
		{"memory and ctx kept from each other", "m = ctx.c", "", "c = coalesce(memory.m, choice(dataset.d))", "ctx.c.w", "float"},
		{"a row kept across sessions", "m = ctx.c", "", "c = coalesce(memory.m, choice(dataset.d))", "memory.m.name", "string"},
		{"the last times", "m = append(memory.m, event.time, 5)", "", "", "memory.m[0]", "time"},
		{"lists from two flows", "m = append(memory.m, 1, 5)", "m = [2.5]", "", "choice(memory.m)", "float"},
		{"lists of two kinds", "m = append(memory.m, 1, 5)", "m = [\"a\"]", "", "choice(memory.m)", "any"},
		{"a string in arithmetic", `m = "a"`, "", "", "memory.m * 2", "string and int cannot be combined with *"},
		{"a misspelt column", "m = choice(dataset.d)", "", "", "memory.m.nmae", `Dataset "d" has no column "nmae"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			if g == "" {
				g = "other = 1"
			}
			set := tc.set
			if set == "" {
				set = "unused = 1"
			}
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "d.csv" }
entity "u" {
  count = 2
  attributes { id = "u${index}" }
}
flow "f" {
  actor = entity.u
  session { max_events = 4 }
  initial = "s"
  state "s" {
    set = {
      ` + set + `
    }
    remember = {
      ` + tc.f + `
    }
    emit "ev" { x = ` + tc.field + ` }
    next = { s = 1 }
  }
}
flow "g" {
  actor = entity.u
  session { count = 1 }
  initial = "s"
  state "s" {
    remember = {
      ` + g + `
    }
    emit "other" { y = 1 }
  }
}
sink "o" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
sink "p" {
  type   = "jsonl"
  stream = "other"
  path   = "other.jsonl"
}
`
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			plan, diags := compileDiags(t, path, engine.Options{})
			if diags.HasErrors() {
				wantOnce(t, diags.Error(), tc.want)
				return
			}
			var st *rec.Stream
			for _, s := range plan.Streams {
				if s.Name == "ev" {
					st = s
				}
			}
			if got := kindName(st.Columns[0].Type); got != tc.want {
				t.Fatalf("x is %s, want %s", got, tc.want)
			}
		})
	}
}

// TestNumericFuncTypes: min, max, abs and clamp return one of their
// arguments, choice and an index one of a list's values, so a field
// writing them has their common kind (ints and floats: float; a typed
// Parquet or PostgreSQL column, not JSON text); clamp's lo above hi is an
// error at its range, or when drawn, at run time.
func TestNumericFuncTypes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ field, want string }{
		{"min(u.n, 3)", "int"},
		{"max(u.n, 2.5)", "float"},
		{"abs(u.n - 5)", "int"},
		{"abs(u.f)", "float"},
		{"clamp(u.f, 0, 1)", "float"},
		{"clamp(u.n, 0, 10)", "int"},
		{"min(u.n, u.any)", "any"},
		{"choice([9.99, 19.99, 49])", "float"},
		{`choice(["a", null])`, "string"},
		{`choice([1, "a"])`, "any"},
		{"choice([u.n, 3])", "int"},
		{`choice([u.n, "a"])`, "any"},
		{"[1, 2][u.n]", "int"},
		{"[u.n, 2.5][0]", "float"},
		{"[u.f, null][u.n]", "float"},
		{"clamp(u.n, 5, 1)", "clamp: lo is above hi (lo = 5, hi = 1)"},
		{"clamp(u.n, u.n + 1, u.n)", "run: lo is above hi"},
		// The kinds the registry declares reach the sinks' columns.
		{"sqrt(u.n)", "float"},
		{"pow(u.f, 2)", "float"},
		{"log(u.n + 1, 10)", "float"},
		{"sin(u.f) + cos(u.f)", "float"},
		{"month(event.time)", "int"},
		{`year(event.time, "Asia/Tokyo")`, "int"},
		{"add_months(event.time, u.n)", "time"},
		{`substr("u${u.n}", 1)`, "string"},
		{`trim(replace("u${u.n}", "u", " "))`, "string"},
		{`starts_with("u${u.n}", "u")`, "bool"},
		{`split("a,${u.n}", ",")[u.n]`, "string"},
		{`choice(keys({ a = u.n }))`, "string"},
		{`join(split("a,${u.n}", ","), "+")`, "string"},
		{`choice(values({ a = u.n, b = 2 }))`, "int"},
		{`choice(values({ a = u.n, b = u.f }))`, "float"},
		{`choice(values({ a = u.n, b = "x" }))`, "any"},
		{`split("a,${u.n}", ",")[0] * 2`, "string and int cannot be combined with *"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes {
    n   = index
    f   = uniform(-1.0, 2.0)
    any = index == 0 ? "a" : 1
  }
}
flow "f" {
  actor = entity.u
  session { count = 1 }
  initial = "s"
  state "s" {
    emit "ev" { x = ` + tc.field + ` }
  }
}
sink "o" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			plan, diags := compileDiags(t, path, engine.Options{})
			if diags.HasErrors() {
				if got := diags.Error(); !strings.Contains(got, tc.want) || !strings.Contains(got, "s.hcl:18,") {
					t.Fatalf("want %q at line 18 in\n%s", tc.want, got)
				}
				return
			}
			if want, ok := strings.CutPrefix(tc.want, "run: "); ok {
				_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 1})
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "s.hcl:18:") {
					t.Fatalf("run: %v, want %q at line 18", err, want)
				}
				return
			}
			if got := kindName(plan.Streams[0].Columns[0].Type); got != tc.want {
				t.Fatalf("x is %s, want %s", got, tc.want)
			}
		})
	}
}

// wantOnce fails unless want is in the diagnostics' text exactly once.
func wantOnce(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("want %q in\n%s", want, got)
	}
	if n := strings.Count(got, want); n != 1 {
		t.Fatalf("%d diagnostics, want 1:\n%s", n, got)
	}
}

// kindName is how scen plan names a field's kind ("any" for none).
func kindName(k stdlib.Kind) string {
	if k == stdlib.Any {
		return "any"
	}
	return k.String()
}
