package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/stdlib"
)

// TestUnknownRowKeys: a row of a dataset or an entity table has known
// keys, so a name it lacks is a diagnostic with a suggestion, as
// dataset.d.COLUMN's is, through choice, lookup, sample_weighted,
// sample_rows and pluck, and through ctx slots only ever set to such
// rows (it was a silent null). Objects of unknown shape stay dynamic.
func TestUnknownRowKeys(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,name,w\n1,a,2\n2,b,3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "e.csv"), []byte("id,city\n1,x\n"), 0o644)
	const col = `Unknown column; Dataset "d" has no column "nmae" (columns: id, name, w). Did you mean "name"?`
	for _, tc := range []struct {
		name, sets, field string
		want              string // in the diagnostics; "": it compiles
	}{
		{"choice", "", `choice(dataset.d).nmae`, "s.hcl:26,38-43: " + col},
		{"lookup", "", `lookup(dataset.d, "id", 1).nmae`, "s.hcl:26,47-52: " + col},
		{"sample_weighted", "", `sample_weighted(dataset.d, "w").nmae`, "s.hcl:26,52-57: " + col},
		{"sample_rows element", "", `sample_rows(dataset.d, 2)[1].nmae`, "s.hcl:26,49-54: " + col},
		{"pluck", "", `pluck(dataset.d, "nmae")`, "s.hcl:26,38-44: " + col},
		{"pluck of sampled rows", "", `pluck(sample_rows(dataset.d, 2), "nmae")`, "s.hcl:26,54-60: " + col},
		{"index form", "", `choice(dataset.d)["nmae"]`, "s.hcl:26,38-46: " + col},
		{"entity table", "", `choice(entity.shop).cty`, `s.hcl:26,40-44: Unknown attribute; Entity "shop" has no attribute "cty". Did you mean "city"?`},
		{"children", "", `choice(entity.dev).nosuch`, `Unknown attribute; Entity "dev" has no attribute "nosuch".`},
		{"ctx copy", "row = choice(dataset.d)", `ctx.row.nmae`, "s.hcl:26,28-33: " + col},
		{"ctx copy of an entity row", "me = choice(entity.shop)", `ctx.me.cty`, `Entity "shop" has no attribute "cty". Did you mean "city"?`},
		{"ctx copy set in a later state", "", `ctx.late.nmae`, "s.hcl:26,29-34: " + col},
		{"known columns", "row = choice(dataset.d)", `[choice(dataset.d).name, lookup(dataset.d, "id", 1).w, pluck(dataset.d, "id"), ctx.row.id, choice(entity.shop).city, ctx.late.name]`, ""},
		{"ctx set from two datasets", "late = choice(dataset.e)", `[ctx.late.city, ctx.late.name]`, ""},
		{"ctx set from an object", "late = { nmae = 1 }", `ctx.late.nmae`, ""},
		{"object literal", "", `{ a = event.seq }.a`, ""},
		{"column in index form", "", `dataset.d["name"]`, ""},
		{"unknown column in index form", "", `dataset.d["nmae"]`, "s.hcl:26,30-38: " + col},
		{"a function's objects", "", `city_location().cty`, `s.hcl:26,36-40: Unknown key; The objects city_location() returns have no key "cty" (keys: city, country, country_code, lat, lon). Did you mean "city"?`},
		{"a function's objects through ctx", "loc = device()", `ctx.loc.agent`, `The objects device() returns have no key "agent"`},
		{"a function's known keys", "loc = device()", `[city_location("JP").lat, device().user_agent, ctx.loc.os]`, ""},
		{"dataset indexed by a number", "", `dataset.d[0].name`, ""},
		{"dataset indexed by a number, a misspelt column", "", `dataset.d[1].nmae`, col},
		{"dataset indexed past its rows", "", `dataset.d[2]`, `Invalid index; Dataset "d" has 2 rows, numbered 0 to 1; got 2.`},
		{"dataset indexed by a fraction", "", `dataset.d[0.5]`, `Invalid index; Dataset "d" has 2 rows, numbered 0 to 1; got 0.5.`},
		{"dataset indexed by a bool", "", `dataset.d[true]`, `Invalid reference; Use dataset.d.COLUMN (dataset.d["COLUMN"] for a name such as user-id)`},
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
  attributes { city = "c${index}" }
}
entity "user" {
  count = 2
  attributes { id = "u${index}" }
}
entity "dev" {
  parent = entity.user
  count  = 1
  attributes { model = "m" }
}
flow "f" {
  actor = entity.user
  session { max_events = 2 }
  initial = "s"
  state "s" {
    set = { ` + tc.sets + ` }
    emit "ev" { x = ` + tc.field + ` }
    next = { t = 1 }
  }
  state "t" {
    set = { late = choice(dataset.d) }
    emit "ev" { x = 1 }
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
			_, diags := compileDiags(t, path, engine.Options{})
			got := strings.ReplaceAll(diags.Error(), dir+string(filepath.Separator), "")
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatal(got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want %q in\n%s", tc.want, got)
			}
		})
	}
}

// TestRowArithmetic: values whose kinds are only known at run time (rows
// of two tables in one memory slot) have their arithmetic checked when it
// runs: what the constant form rejects is a run-time error with its
// message (int + duration multiplied, time + time was the difference,
// time + int null). A ctx or memory copy of rows of one table is typed
// (TestCtxTypes, TestMemTypes).
func TestRowArithmetic(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,mins\n5,30\n"), 0o644)
	for _, tc := range []struct{ field, want string }{
		{`memory.row.id + duration("1h")`, `s.hcl:23:11: Invalid operands: memory.row.id + duration("1h"): int and duration cannot be combined with + (memory.row.id is 5, duration("1h") is 1h0m0s) (actor u 0, flow f, state s, at 2025-01-01T00:00:00Z)`},
		{`memory.row.id - duration("1h")`, `int and duration cannot be combined with -`},
		{`duration("1h") - memory.row.id`, `duration and int cannot be combined with -`},
		{`event.time + memory.row.mins`, `event.time + memory.row.mins: time and int cannot be combined with + (event.time is 2025-01-01T00:00:00.000Z, memory.row.mins is 30)`},
		{`event.time + memory.me.opened`, `time and time cannot be combined with +`},
		{`duration("2h") - memory.me.opened`, `duration and time cannot be combined with -`},
		{`choice(dataset.d).id * duration("1h")`, ""},
		{`event.time - memory.me.opened`, ""},
	} {
		t.Run(tc.field, func(t *testing.T) {
			src := `scenario "r" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "d.csv" }
entity "u" {
  count = 1
  attributes { opened = time("2024-12-31T00:00:00Z") }
}
flow "f" {
  actor = entity.u
  session {
    count      = 1
    max_events = 1
  }
  initial = "s"
  state "s" {
    remember = {
      row = choice(dataset.d)
      me  = choice(entity.u)
    }
    emit "ev" {
      x = ` + tc.field + `
    }
  }
}
# Rows of another dataset in the same slots: memory.row and memory.me
# have no static shape.
dataset "e" { path = "d.csv" }
flow "g" {
  actor = entity.u
  session { count = 0 }
  initial = "s"
  state "s" {
    remember = {
      row = choice(dataset.e)
      me  = choice(dataset.e)
    }
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
			plan := compileFile(t, path, nil, nil)
			out := t.TempDir()
			_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("the run succeeded")
			}
			if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); !strings.Contains(got, tc.want) {
				t.Fatalf("want %q in\n%s", tc.want, got)
			}
		})
	}
}

// TestRowFieldTypes: a column read from a row of a dataset (directly,
// through an attribute holding the row, or a conditional between rows of
// one dataset) has the column's type, so scen validate checks what it is
// combined with and sinks type the field (a Parquet string column, not
// JSON text); a column of mixed or no kinds, and rows of unknown shape
// (objects, an actor's memory), stay untyped.
func TestRowFieldTypes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,name,w,mixed,empty\n1,a,2.5,x,\n2,b,3,,\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "m.jsonl"), []byte(`{"k":1,"v":"a"}`+"\n"+`{"k":"two","v":"b"}`+"\n"), 0o644)
	for _, tc := range []struct {
		name, attr, field string
		want              string // the field's type, or the diagnostic
	}{
		{"choice int", "", `choice(dataset.d).id`, "int"},
		{"choice string", "", `choice(dataset.d).name`, "string"},
		{"ints and floats read as floats", "", `choice(dataset.d).w`, "float"},
		{"index form", "", `choice(dataset.d)["name"]`, "string"},
		{"lookup", "", `lookup(dataset.d, "id", 1).name`, "string"},
		{"sample_weighted", "", `sample_weighted(dataset.d, "w").id`, "int"},
		{"sampled row", "", `sample_rows(dataset.d, 2)[1].name`, "string"},
		{"row by a computed index", "", `dataset.d[event.seq].name`, "string"},
		{"arithmetic on a column", "", `choice(dataset.d).id + 1`, "int"},
		{"attribute holding a row", "home = choice(dataset.d)", `u.home.name`, "string"},
		{"conditional between rows", "", `event.seq > 0 ? dataset.d[event.seq - 1].id : choice(dataset.d).id`, "int"},
		{"conditional of a row or null", "", `(event.seq > 0 ? null : choice(dataset.d)).name`, "string"},
		{"entity table", "", `choice(entity.shop).n`, "int"},
		{"a string column with empty cells", "", `choice(dataset.d).mixed`, "string"},
		{"an empty column", "", `choice(dataset.d).empty`, "any"},
		{"a JSONL column of mixed kinds", "", `choice(dataset.m).k`, "any"},
		{"rows of two datasets", "", `(event.seq > 0 ? choice(dataset.m) : choice(dataset.d)).v`, "any"},
		{"ctx copy", "", `ctx.row.id`, "int"},
		{"a function's object", "", `city_location().lat`, "float"},
		{"a function's object in an attribute", "home = city_location()", `u.home.city`, "string"},
		{"a function's key misspelt", "dev = device()", `u.dev.agent`, `The objects device() returns have no key "agent"`},
		{"a function's key in arithmetic", "", `device().os * 2`, "string and int cannot be combined with *"},
		{"string column plus a number", "", `choice(dataset.d).name + 1`, "string and int cannot be combined with +"},
		{"through an attribute", "home = choice(dataset.d)", `u.home.name * 2`, "string and int cannot be combined with *"},
		{"unknown column through an attribute", "home = choice(dataset.d)", `u.home.nmae`, `Dataset "d" has no column "nmae"`},
		{"int column compared with text", "", `choice(dataset.d).id == "1" ? 1 : 0`, "int"},
		{"int column ordered against text", "", `choice(dataset.d).id < "1"`, "int and string cannot be compared with <"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attr := `id = "u${index}"`
			if tc.attr != "" {
				attr += "\n    " + tc.attr
			}
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
dataset "d" { path = "d.csv" }
dataset "m" { path = "m.jsonl" }
entity "shop" {
  count = 2
  attributes { n = index }
}
entity "u" {
  count = 2
  attributes {
    ` + attr + `
  }
}
flow "f" {
  actor = entity.u
  session { max_events = 2 }
  initial = "s"
  state "s" {
    set = { row = choice(dataset.d) }
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
				if got := diags.Error(); !strings.Contains(got, tc.want) {
					t.Fatalf("want %q in\n%s", tc.want, got)
				}
				return
			}
			got := plan.Streams[0].Columns[0].Type.String()
			if plan.Streams[0].Columns[0].Type == stdlib.Any {
				got = "any"
			}
			if got != tc.want {
				t.Fatalf("x is %s, want %s", got, tc.want)
			}
		})
	}
}
