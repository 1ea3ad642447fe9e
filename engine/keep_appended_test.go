package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
)

// TestAppendsMemory: the remembers whose value is append(memory.NAME, x)
// or append(memory.NAME, x, max), and only those, are kept by
// stdlib.Ctx.KeepAppended.
func TestAppendsMemory(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{`append(memory.bookmarks, ctx.recipe.recipe_id, 50)`, true},
		{`append(memory.b, "x")`, true},
		{`append(memory.other, ctx.v, 3)`, true},
		{`append(ctx.l, "x")`, false},
		{`append(user.tags, "x")`, false},
		{`append([memory.b], "x")`, false},
		{`append((memory.b), "x")`, false},
		{`append(memory.b[0], "x")`, false},
		{`append(memory["b"], "x")`, false},
		{`append(memory.b.c, "x")`, false},
		{`append(memory.b)`, false},
		{`append(memory.b...)`, false},
		{`concat(memory.b, ["x"])`, false},
		{`memory.b`, false},
		{`"x"`, false},
	} {
		e, diags := hclsyntax.ParseExpression([]byte(tc.src), "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", tc.src, diags)
		}
		if got := appendsMemory(e); got != tc.want {
			t.Errorf("appendsMemory(%s) = %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestKeepAppendedMatchesKeepBeyond: remembers of append(memory.NAME, x,
// max) whose x lives in the record arena (a template, a list), in the
// session's store (a ctx value), on the heap or in a dataset, kept by
// KeepAppended (setPlan.appended) and by KeepBeyond: the same records,
// which read the memories sessions later, at one and two workers.
func TestKeepAppendedMatchesKeepBeyond(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var d strings.Builder
	d.WriteString("id,name\n")
	for i := range 50 {
		d.WriteString("r" + strings.Repeat("0", i%4) + string(rune('a'+i%26)) + ",name " + string(rune('A'+i%26)) + "\n")
	}
	write("d.csv", d.String())
	write("t.hcl", `
scenario "t" {
  seed  = 11
  start = "2025-01-01"
  end   = "2025-01-09"
}
dataset "d" { path = "d.csv" }
entity "user" {
  count = 30
  attributes {
    uid = "u${index}"
  }
}
flow "f" {
  actor = entity.user
  session {
    arrivals   = arrivals(6)
    max_events = 5
  }
  gap     = uniform("1m", "5m")
  initial = "a"
  state "a" {
    set = {
      s   = "ctx-${uniform(1, 999)}-${user.uid}"
      row = choice(dataset.d)
    }
    remember = {
      tpl    = append(memory.tpl, "t${uniform(1, 99)}/${user.uid}", 4)
      stored = append(memory.stored, ctx.s, 3)
      lists  = append(memory.lists, ["l${uniform(1, 9)}", ctx.s, 2], 2)
      ids    = append(memory.ids, ctx.row.id, 50)
      nomax  = append(memory.nomax, "${event.seq}")
      consts = append(memory.consts, "c")
      other  = append(memory.tpl, "o${uniform(1, 9)}", 3)
    }
    emit "e" {
      v = json({ tpl = memory.tpl, stored = memory.stored, lists = memory.lists, ids = memory.ids, n = len(memory.nomax), c = memory.consts, o = memory.other })
      n = event.seq
    }
    next = { a = 1 }
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
`)
	for _, workers := range []int{1, 2} {
		run := func(appended bool) []byte {
			sc, diags := dsl.Load(filepath.Join(dir, "t.hcl"))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			plan, diags := Compile(sc, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			n := 0
			for _, st := range plan.Flows[0].States {
				for i := range st.remember {
					if st.remember[i].appended {
						n++
					}
					st.remember[i].appended = st.remember[i].appended && appended
				}
			}
			if n != 7 {
				t.Fatalf("%d remembers kept by KeepAppended, want 7", n)
			}
			out := t.TempDir()
			if _, err := plan.Run(context.Background(), RunOptions{OutDir: out, Workers: workers}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "e.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		fast, general := run(true), run(false)
		if len(fast) == 0 || !bytes.Equal(fast, general) {
			t.Fatalf("workers %d: records differ (%d and %d bytes):\n%.600s\n---\n%.600s", workers, len(fast), len(general), fast, general)
		}
		if !bytes.Contains(fast, []byte(`ctx-`)) || !bytes.Contains(fast, []byte(`\"t`)) {
			t.Fatalf("workers %d: no remembered text in the records:\n%.300s", workers, fast)
		}
	}
}
