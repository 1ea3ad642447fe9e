package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestForExprValues: [for …] and {for …} over lists and objects, with
// filters, index and key variables, grouping, nesting and random bodies.
func TestForExprValues(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`[for x in [1, 2, 3] : x * 2]`, `[2,4,6]`},
		{`[for x in [1, 2, 3, 4] : x if x % 2 == 0]`, `[2,4]`},
		{`[for x in [1, 2, 3] : x if false]`, `[]`},
		{`[for x in [] : x]`, `[]`},
		{`[for i, x in ["a", "b"] : "${i}:${x}"]`, `["0:a","1:b"]`},
		{`[for i, x in ["a", "b", "c"] : x if i > 0]`, `["b","c"]`},
		{`[for k, v in { b = 1, a = 2 } : "${k}=${v}"]`, `["b=1","a=2"]`}, // the object's order
		{`[for v in { a = 1, b = 2 } : v * 10]`, `[10,20]`},
		{`{for s in ["x", "yy"] : s => "${s}!"}`, `{"x":"x!","yy":"yy!"}`},
		{`{for k, v in { a = 1, b = 2 } : k => v + 1 if v > 1}`, `{"b":3}`},
		{`{for p in [["a", 1], ["b", 2], ["a", 3]] : p[0] => p[1]...}`, `{"a":[1,3],"b":[2]}`},
		{`[for x in [1, 2] : [for y in [10, 20] : x * y]]`, `[[10,20],[20,40]]`},
		{`[for x in [1, 2] : [for x in [x, 0] : x]]`, `[[1,0],[2,0]]`}, // an inner variable hides an outer one
		{`[for x in [for y in [1, 2, 3] : y * y] : x + 1]`, `[2,5,10]`},
		{`[for r in [{ a = 1 }, null] : r.a if r != null]`, `[1]`},
		{`[for x in null : x] == null`, `true`},
		{`sum([for l in [{ qty = 2, price = 1.5 }, { qty = 1, price = 4.0 }] : l.qty * l.price])`, `7`},
		{`len([for x in [1, 2, 3] : uniform(0.0, 1.0)])`, `3`},
		{`sum([for x in [1, 2, 3] : x + 0 * uniform(0, 5)])`, `6`},
		{`[for x in [1, 2, 3] : x if uniform(0, 1) < 5]`, `[1,2,3]`},
		{`{for x in ["a", "b", "a"] : x => uniform(1, 1)...}`, `{"a":[1,1],"b":[1]}`},
		{`[for i, x in [5, 6] : i * uniform(1, 1)]`, `[0,1]`},
		{`[for k, v in { a = 1 } : "${k}${v * uniform(1, 1)}"]`, `["a1"]`},
		// A null element (an empty dataset cell) is null in, null out, as
		// at run time, not a constant null * 2 error.
		{`[for x in [null, 1] : x * 2]`, `[null,2]`},
		{`[for x in [1, null] : x > 0]`, `[true,false]`},
		{`[for x in [{ a = null }, { a = 2 }] : x.a * 2]`, `[null,4]`},
		{`[for x in [[1, null], [2]] : sum(x) if x[0] > 0]`, `[1,2]`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			v, diags := engine.EvalString(tc.src, 1, nil, nil)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := v.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// forScenario is a scenario whose products dataset (sku, category, price)
// sits next to it in dir; field is the emit field x (line 30, column 11),
// attr an attribute of user (line 10), set the set of state "s" (line 22).
func forScenario(t *testing.T, attr, set, field string) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "products.csv"), []byte("sku,category,price\np1,toys,5.5\np2,food,2\np3,toys,12\np4,books,8.25\n"), 0o644)
	src := fmt.Sprintf(`scenario "t" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-03"
}
dataset "products" { path = "products.csv" }
entity "user" {
  count = 6
  attributes {
    %s
    id = "u${index}"
  }
}
flow "f" {
  actor = entity.user
  session { max_events = 4 }
  gap     = uniform("1m", "5m")
  initial = "s"
  state "s" {
    set = {
      lines = sample_rows(dataset.products, uniform(1, 3))
      %s
    }
    next = { t = 1 }
  }
  state "t" {
    emit "ev" {
      id = user.id

      x = %s
      prices = pluck(ctx.lines, "price")
      skus   = pluck(ctx.lines, "sku")
    }
    next = { t = 0.7, end = 0.3 }
  }
}
sink "ev" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
`, attr, set, field)
	path := filepath.Join(dir, "f.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	return path
}

// TestForExprErrors: what a for expression gets wrong is an error at its
// own range: the variable that hides a name, the condition that is not a
// bool, the collection that is neither a list nor an object, the key
// that repeats, the column a row does not have.
func TestForExprErrors(t *testing.T) {
	for _, tc := range []struct {
		name, attr, field string
		want, at          string
	}{
		{"a variable named as a scope root", "", `[for user in [1] : user]`,
			`Invalid loop variable: "user" already names a value`, "30:16"},
		{"a variable named ctx", "", `[for ctx in ctx.lines : 1]`,
			`Invalid loop variable: "ctx" already names a value`, "30:16"},
		{"a key variable named as a root", "", `[for event, v in [1] : v]`,
			`Invalid loop variable: "event" already names a value`, "30:16"},
		{"a value variable named as a root, after a key", "", `[for i, dataset in [1] : i]`,
			`Invalid loop variable: "dataset" already names a value`, "30:19"},
		{"a variable on the next line", "", "[for\n        index in [1] : 1]",
			`Invalid loop variable: "index" already names a value`, "31:9"},
		{"a constant condition that is not a bool", "", `[for x in [1] : x if x + 1]`,
			`Invalid condition: A for expression's if condition must be a bool, got int.`, "30:32"},
		{"a condition that is not a bool", "", `[for l in ctx.lines : l if l.price]`,
			`Invalid condition: A for expression's if condition must be a bool, got float.`, "30:38"},
		{"a string to iterate", "", `[for c in user.id : c]`,
			`Invalid for expression: A for expression iterates a list or an object, got string.`, "30:21"},
		{"a number to iterate", "", `[for c in 5 : c]`,
			`Invalid for expression: A for expression iterates a list or an object, got int.`, "30:21"},
		{"a repeated key", "", `{for s in ["a", "b", "a"] : s => 1}`,
			`Duplicate key: Two elements give the object the key "a"`, "30:39"},
		{"a key that is not a string", "", `{for l in ctx.lines : l.price => l}`,
			`Invalid key: The keys a for expression gives an object must be strings, got float.`, "30:33"},
		{"a misspelt column of a row", "", `[for r in dataset.products : r.pricee]`,
			`Unknown column: Dataset "products" has no column "pricee"`, "30:41"},
		{"a misspelt column of a row in ctx", "", `[for l in ctx.lines : l.sku if l.categroy == "toys"]`,
			`Unknown column: Dataset "products" has no column "categroy"`, "30:43"},
		{"an unknown name in the body", "", `[for l in ctx.lines : m.sku]`,
			`Unknown name: "m" is not defined here`, "30:33"},
		{"a constant first element the value fails for", "", `[for x in ["a", 1] : x * 2]`,
			`Invalid operands: string and int cannot be combined with *`, "30:32"},
		{"a constant first element a division fails for", "", `[for x in [0, 1] : 10 / x]`,
			`Division by zero`, "30:30"},
		{"a later constant element a division fails for", "", `[for x in [1, 0] : 10 / x]`,
			`Division by zero`, "30:30"},
		{"a constant first element an object's value fails for", "", `{for x in [0, 1] : "k${x}" => 10 / x}`,
			`Division by zero`, "30:41"},
		{"a variable used outside its expression", "", `[for l in ctx.lines : l.sku][0] == l`,
			`Unknown name: "l" is not defined here`, "30:46"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := compileDiags(t, forScenario(t, tc.attr, "", tc.field), engine.Options{})
			wantOneError(t, errorsIn(diags), tc.want, tc.at)
		})
	}
}

// TestForExprRuntimeErrors: a condition, a collection or a key known only
// at run time stops the run with an error at its range.
func TestForExprRuntimeErrors(t *testing.T) {
	for _, tc := range []struct{ name, attrs, field, want string }{
		{"a condition that is not a bool", "", `[for x in [1, 2] : x if (event.seq > 0 ? x : true)]`,
			"rt.hcl:27:35: Invalid condition: A for expression's if condition must be a bool, got int 1 (actor user "},
		{"a collection that is not a list", `v = index > -1 ? "s" : [1]`, `[for x in user.v : x]`,
			"rt.hcl:27:21: Invalid for expression: A for expression iterates a list or an object, got string (actor user "},
		{"a repeated key", "", `{for x in [user.id, user.id] : x => event.seq}`,
			`rt.hcl:27:42: Duplicate key: Two elements give the object the key "u`},
		{"a key that is not a string", `v = index > -1 ? 1 : "s"`, `{for x in [1] : user.v => x}`,
			"rt.hcl:27:27: Invalid key: The keys a for expression gives an object must be strings, got int 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, rtScenario(tc.attrs, "", tc.field, ""))
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 2} {
				_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: workers})
				var rte *engine.RuntimeError
				if !errors.As(err, &rte) {
					t.Fatalf("%d workers: want a RuntimeError, got %v", workers, err)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%d workers: error lacks %q:\n%v", workers, tc.want, err)
				}
			}
		})
	}
}

// TestForExprRows: a for expression over the rows a state keeps in ctx,
// and over a dataset (folded: a constant): values, kinds (sum of floats
// is a float, the skus a list of strings, a row's column keeps its kind),
// and a list kept in ctx across records is its own copy, not the record
// arena's.
func TestForExprRows(t *testing.T) {
	path := forScenario(t, `cheap = [for r in dataset.products : r.sku if r.price < 6]`,
		`doubled = [for l in ctx.lines : l.price * 2]
      tagged  = [for i, l in ctx.lines : "${i}-${l.sku}"]`,
		`{ total = sum([for l in ctx.lines : l.price]), doubled = ctx.doubled, tagged = ctx.tagged, cheap = user.cheap, toys = [for l in ctx.lines : l.sku if l.category == "toys"], n = len([for l in ctx.lines : l if l.price > 5]) }`)
	out := runTo(t, path, 1, nil, engine.RunOptions{Workers: 2})
	recs := jsonLines(t, filepath.Join(out, "ev.jsonl"))
	if len(recs) < 20 {
		t.Fatalf("only %d records", len(recs))
	}
	price := map[string]float64{"p1": 5.5, "p2": 2, "p3": 12, "p4": 8.25}
	cat := map[string]string{"p1": "toys", "p2": "food", "p3": "toys", "p4": "books"}
	for i, r := range recs {
		x := r["x"].(map[string]any)
		skus := r["skus"].([]any)
		var total float64
		var doubled, tagged, toys []string
		n := 0
		for j, s := range skus {
			p := price[s.(string)]
			total += p
			doubled = append(doubled, fmt.Sprint(2*p))
			tagged = append(tagged, fmt.Sprintf("%d-%s", j, s))
			if cat[s.(string)] == "toys" {
				toys = append(toys, s.(string))
			}
			if p > 5 {
				n++
			}
		}
		if got := x["total"].(float64); math.Abs(got-total) > 1e-9 {
			t.Errorf("record %d: total %v, want %v", i, got, total)
		}
		if got := fmt.Sprint(x["doubled"]); got != fmt.Sprint(doubled) {
			t.Errorf("record %d: doubled %s, want %v (a list kept in ctx must not share the record arena)", i, got, doubled)
		}
		if got := fmt.Sprint(x["tagged"]); got != fmt.Sprint(tagged) {
			t.Errorf("record %d: tagged %s, want %v", i, got, tagged)
		}
		if got, want := fmt.Sprint(x["toys"]), fmt.Sprint(toys); got != want && !(len(toys) == 0 && got == "[]") {
			t.Errorf("record %d: toys %s, want %s", i, got, want)
		}
		if got := x["n"].(float64); int(got) != n {
			t.Errorf("record %d: n %v, want %d", i, got, n)
		}
		if got := fmt.Sprint(x["cheap"]); got != "[p1 p2]" {
			t.Errorf("record %d: cheap %s", i, got)
		}
	}
}

// TestForExprKinds: the list a for expression makes has its body's kind
// as its elements' (so sum, choice and indexing have it), and its
// variable the collection's element kind (a row's columns keep theirs).
func TestForExprKinds(t *testing.T) {
	for _, tc := range []struct{ field, want string }{
		{`sum([for l in ctx.lines : l.price])`, "float"},
		{`sum([for l in ctx.lines : len(l.sku)])`, "int"},
		{`choice([for l in ctx.lines : l.sku if l.price > 3])`, "string"},
		{`[for l in ctx.lines : l.category][0]`, "string"},
		{`choice([for l in ctx.lines : l]).price`, "float"},
		{`[for i, l in ctx.lines : i][0]`, "int"},
		{`[for l in ctx.lines : l.sku]`, "list"},
		{`{for l in ctx.lines : l.sku => l.price...}`, "object"},
		{`choice([for r in dataset.products : r if r.category == "toys"]).price`, "float"},
		{`[for r in dataset.products : r.price if r.category == "toys"][1]`, "float"},
		{`ctx.totals[0]`, "float"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			path := forScenario(t, "", `totals = [for l in ctx.lines : l.price * 2]`, tc.field)
			plan, diags := compileDiags(t, path, engine.Options{})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := kindName(plan.Streams[0].Columns[1].Type); got != tc.want {
				t.Errorf("x is %s, want %s", got, tc.want)
			}
		})
	}
}

// TestForExprInModule: inside a module, a loop variable is the for
// expression's own name (not qualified as the module's), and one named
// as the module's entity is an error at the variable.
func TestForExprInModule(t *testing.T) {
	for _, tc := range []struct{ attr, want, at string }{
		{`doubled = [for a in var.amounts : a * 2]`, "", ""},
		{`doubled = [for customer in var.amounts : customer * 2]`, `Invalid loop variable: "customer" already names a value`, "12:20"},
	} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "lib"), 0o755)
		os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`scenario "s" {
  start = "2025-03-01"
  end   = "2025-03-02"
}
module "shop" {
  source = "./lib/shop.hcl"
}
sink "sales" {
  type   = "jsonl"
  stream = "sales"
  path   = "sales.jsonl"
}
`), 0o644)
		os.WriteFile(filepath.Join(dir, "lib", "shop.hcl"), []byte(`variable "amounts" {
  default = [1.0, 2.0]
}
variable "customer" {
  default = 1
}

entity "customer" {
  count = 2
  attributes {
    id = "c${index}"
    `+tc.attr+`
  }
}

flow "buy" {
  actor = entity.customer
  session { count = 1 }
  initial = "pay"
  state "pay" {
    emit "sales" {
      customer = customer.id
      total    = sum(customer.doubled)
    }
  }
}
`), 0o644)
		plan, diags := compileDiags(t, filepath.Join(dir, "main.hcl"), engine.Options{})
		if tc.want != "" {
			wantOneError(t, errorsIn(diags), tc.want, tc.at)
			continue
		}
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		out := t.TempDir()
		if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out}); err != nil {
			t.Fatal(err)
		}
		for _, r := range jsonLines(t, filepath.Join(out, "sales.jsonl")) {
			if r["total"] != 6.0 {
				t.Errorf("total %v, want 6", r["total"])
			}
		}
	}
}

// TestForExprNullCells: a for expression over a dataset with an empty
// cell compiles (the cell is null: arithmetic with it null, a comparison
// false), where folding once made it a constant null * 2 error.
func TestForExprNullCells(t *testing.T) {
	for _, field := range []string{
		`[for r in dataset.products : r.price * 2]`,
		`[for r in dataset.products : r.sku if r.price > 5]`,
		`{for r in dataset.products : r.sku => r.price / 2}`,
	} {
		t.Run(field, func(t *testing.T) {
			path := forScenario(t, "", "", field)
			os.WriteFile(filepath.Join(filepath.Dir(path), "products.csv"), []byte("sku,category,price\np1,toys,5.5\np2,food,\np3,toys,12\n"), 0o644)
			_, diags := compileDiags(t, path, engine.Options{})
			if errs := errorsIn(diags); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
		})
	}
}
