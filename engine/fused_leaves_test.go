package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
)

// TestFusedLeavesMatchTheClosures: an emit field that reads ctx (ctx.NAME,
// ctx.NAME.KEY), which emit reads itself (readCtx), writes what the
// getter's closure gives (the same run with fuseLeaves off): a
// dataset's column of numbers, of text, of few values; rows of two
// tables, or of a table and an object literal, under one getter; objects
// of two layouts; null and values that are no object; a field in json().
// So does event.time, which emit writes itself, and so do samplers that
// evalLeaves calls without their closures, drawn in the fields' order,
// and templates of two reads (twoReads), rendered as the general loop
// renders them: strings short and long, numbers and null (the general
// rendering), constant text or none around them, text that needs escaping.
// The closures are getter0's general ones (fuseCtxGet off too), and a call
// of two columns of one ctx row (ctxCols2) matches the general call. So do
// the actor's attributes, which emit copies itself (emitPlan.attrs).
func TestFusedLeavesMatchTheClosures(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var d, e strings.Builder
	d.WriteString("id,name,grade,score,sd,sm\n")
	e.WriteString("name,id,sd\n")
	for i := range 300 { // over 256 distinct values: a column of its own, not Table.Small
		d.WriteString(strings.Join([]string{strconv.Itoa(i), "n" + strconv.Itoa(i*7%307), []string{"low", "high"}[i%2], strconv.Itoa(i * 3),
			strconv.FormatFloat(0.5+float64(i)/1000, 'f', -1, 64), strconv.Itoa(1 + i%3)}, ",") + "\n")
		e.WriteString("e" + strconv.Itoa(i) + "," + strconv.Itoa(100+i) + "," + strconv.FormatFloat(1+float64(i)/500, 'f', -1, 64) + "\n")
	}
	write("d.csv", d.String())
	write("e.csv", e.String())
	const head = `
scenario "t" {
  seed  = 9
  start = "2025-01-01"
  end   = "2025-01-06"
}
dataset "d" { path = "d.csv" }
dataset "e" { path = "e.csv" }
entity "shop" {
  count = 6
  attributes {
    sid  = "s${index}"
    city = choice(["x", "y", "z"])
  }
}
entity "user" {
  count = 25
  attributes {
    uid  = "u${index}"
    n    = uniform(1, 9)
    w    = normal(0, 1)
    tags = index % 2 == 0 ? ["a", "b"] : null
    nick = "k${index * 3}"
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(5)
    max_events = EVENTS
  }
  gap     = uniform("1m", "5m")
  initial = "a"
  state "a" {
    set = { SET }
    emit "e" {
      v = FIELD
      n = event.seq
      t = event.time
    }
    next = { a = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`
	for _, tc := range []struct{ name, set, field string }{
		{"numbers", `r = choice(dataset.d)`, `ctx.r.id`},
		{"text", `r = choice(dataset.d)`, `ctx.r.name`},
		{"few values", `r = choice(dataset.d)`, `ctx.r.grade`},
		{"two tables", `r = bernoulli(0.5) ? choice(dataset.d) : choice(dataset.e)`, `ctx.r.name`},
		{"entity rows", `r = choice(entity.shop)`, `ctx.r.city`},
		{"row or literal", `r = bernoulli(0.5) ? choice(dataset.e) : { id = uniform(1, 9), name = "lit" }`, `ctx.r.id`},
		{"two layouts", `r = bernoulli(0.5) ? { a = uniform(1, 9), b = "x" } : { b = "y", c = 2, a = uniform(10, 20) }`, `ctx.r.a`},
		{"missing key", `r = bernoulli(0.5) ? { a = uniform(1, 9), b = "x" } : { b = "y", c = 2 }`, `ctx.r.a`},
		{"null", `r = bernoulli(0.5) ? choice(dataset.d) : null`, `ctx.r.name`},
		{"no object", `r = choice(["p", "q"])`, `ctx.r`},
		{"list", `r = sample_rows(dataset.d, 3)`, `ctx.r`},
		{"in json", `r = choice(dataset.d)`, `json({ k = ctx.r.name, s = ctx.r.score, g = ctx.r.grade })`},
		{"templates of two reads", `r = choice(dataset.d)`, `json({ r = ctx.r.name, k = "${user.uid}|${ctx.r.name}", j = "${ctx.r.grade}${user.uid}-", n = "${ctx.r.id}/${user.uid}", m = "${user.nick}|${ctx.r.name}", o = "${ctx.r.name}:${user.nick}", p = "${user.uid}${user.nick}", q = "a \"quoted\", long prefix ${ctx.r.name} and ${user.uid}, then a long suffix" })`},
		{"templates of two reads, null or not", `r = bernoulli(0.5) ? choice(dataset.e) : (bernoulli(0.5) ? { name = "a name longer than sixteen bytes", id = 3 } : null)`, `json({ r = ctx.r.id, k = "${ctx.r.name}|${user.uid}", j = "<${ctx.r.id}${ctx.r.name}>" })`},
		{"template of a sampler", `r = choice(dataset.d)`, `json({ id = "e-${hex(8)}", k = ctx.r.name, u = "u-${uuid()}" })`},
		{"templates of framed draws", `r = choice(dataset.d)`, `json({ a = "e-${hex(32)}", b = "a \"quoted\" prefix longer than eight ${hex(32)} and a suffix", c = "${hex(32)}!", d = "<${uuid()}>", e = "x${hex(5)}yz", f = "12345678${hex(32)}12345678", g = "${hex(32)}", k = ctx.r.name })`},
		{"a call of two columns", `r = choice(dataset.d)`, `json({ a = normal(ctx.r.id, ctx.r.sd), b = lognormal(ctx.r.sd, ctx.r.sd), c = ctx.r.name })`},
		{"a call of two columns, two tables", `r = bernoulli(0.3) ? choice(dataset.e) : choice(dataset.d)`, `json({ a = normal(ctx.r.id, ctx.r.sd), c = ctx.r.name })`},
		{"a call of two columns or an object", `r = bernoulli(0.5) ? choice(dataset.d) : { sd = 0.25, id = uniform(1, 9) }`, `json({ a = normal(ctx.r.id, ctx.r.sd), c = ctx.r.name })`},
		{"a call of a column of few values", `r = choice(dataset.d)`, `json({ a = normal(ctx.r.sm, ctx.r.sd), b = normal(ctx.r.id, ctx.r.sm), c = ctx.r.name })`},
		{"actor attributes", `r = choice(dataset.d)`, `user.uid`},
		{"actor attributes in json", `r = choice(dataset.d)`, `json({ w = user.w, u = user.uid, r = ctx.r.name, n = user.n, t = user.tags, i = "${user.uid}-${user.n}" })`},
		{"samplers", `r = choice(dataset.d)`, `json({ a = uuid(), b = ctx.r.name, c = weighted({ x = 2, y = 1 }), d = uniform(1, 9), e = ctx.r, f = normal(0, 1) })`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Sessions of one event: the actor's attributes are leaves
			// (emitPlan.attrs), not per-session fields.
			events := "4"
			if strings.HasPrefix(tc.name, "actor attributes") {
				events = "1"
			}
			src := strings.NewReplacer("SET", tc.set, "FIELD", tc.field, "EVENTS", events).Replace(head)
			path := filepath.Join(dir, "t.hcl")
			write("t.hcl", src)
			run := func(fuse bool) []byte {
				fuseLeaves, fuseCtxGet = fuse, fuse
				defer func() { fuseLeaves, fuseCtxGet = true, true }()
				sc, diags := dsl.Load(path)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				plan, diags := Compile(sc, Options{})
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				reads, nows, samples := 0, 0, 0
				for _, em := range plan.Flows[0].States[0].Emits {
					reads, nows = reads+len(em.reads)+len(em.attrs), nows+len(em.nows)
					for _, x := range em.evals {
						if x.sample != nil {
							samples++
						}
					}
				}
				if fuse != (reads > 0) || fuse != (nows > 0) || (samples > 0 && !fuse) {
					t.Fatalf("fuseLeaves %v: %d leaves read from ctx or the actor by emit, %d event.time written, %d samplers called", fuse, reads, nows, samples)
				}
				if attrs := len(plan.Flows[0].States[0].Emits[0].attrs); fuse && strings.HasPrefix(tc.name, "actor attributes") && attrs == 0 {
					t.Fatalf("no attribute copied by emit")
				}
				if fuse && strings.Contains(tc.name, "samplers") && samples != 4 {
					t.Fatalf("%d samplers called by evalLeaves, want 4", samples)
				}
				out := t.TempDir()
				if _, err := plan.Run(context.Background(), RunOptions{OutDir: out, Workers: 1}); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(out, "e.jsonl"))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			fused, plain := run(true), run(false)
			if len(fused) == 0 || !bytes.Equal(fused, plain) {
				t.Fatalf("records differ (%d and %d bytes):\n%.600s\n---\n%.600s", len(fused), len(plain), fused, plain)
			}
		})
	}
}
