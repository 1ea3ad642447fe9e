package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
)

// ctxClearCases are flows whose sessions read context slots before or
// after setting them, in every place a state reads: sets (their own slot,
// a later set's), emits, common fields, for_each, remember, transition
// guards and probabilities, delay and gap; on paths that set a slot on
// every way to a read or only on some; with a loop back to the initial
// state. want: the slots ctxClears must clear, by name.
var ctxClearCases = []struct {
	name, flow string
	want       []string
}{
	{"set before every read", `
  initial = "a"
  state "a" {
    set  = { c = choice(["p", "q"]), m = "${ctx.c}-m" }
    emit "e" { v = "${ctx.c}/${ctx.m}" }
  }`, nil},
	{"a set reads its own slot", `
  initial = "a"
  state "a" {
    set  = { n = coalesce(ctx.n, 0) + 1, s = coalesce(ctx.s, "s${event.seq}") }
    emit "e" { v = "${ctx.n}/${ctx.s}" }
    next = { a = 0.7, end = 0.3 }
  }`, []string{"n", "s"}},
	{"a set reads a later set", `
  initial = "a"
  state "a" {
    set  = { x = coalesce(ctx.y, "none"), y = "y${event.seq}" }
    emit "e" { v = ctx.x }
    next = { a = 0.7, end = 0.3 }
  }`, []string{"y"}},
	{"an emit reads what a later state sets", `
  initial = "a"
  state "a" {
    emit "e" { v = coalesce(ctx.x, "unset") }
    next = { b = 1 }
  }
  state "b" {
    set  = { x = "x${event.seq}" }
    emit "e" { v = ctx.x }
    next = { a = 0.6, end = 0.4 }
  }`, []string{"x"}},
	{"set on one branch only", `
  initial = "a"
  state "a" {
    set  = { k = choice(["p", "q"]) }
    emit "e" { v = ctx.k }
    transition "b" { weight = 1 }
    transition "c" { weight = 1 }
  }
  state "b" {
    set  = { x = "from b ${event.seq}", y = "y" }
    emit "e" { v = ctx.x }
    next = { d = 1 }
  }
  state "c" {
    set  = { y = "y" }
    emit "e" { v = ctx.k }
    next = { d = 1 }
  }
  state "d" {
    emit "e" { v = "${coalesce(ctx.x, "unset")} ${ctx.y} ${ctx.k}" }
  }`, []string{"x"}},
	{"set on both branches", `
  initial = "a"
  state "a" {
    transition "b" { weight = 1 }
    transition "c" { weight = 1 }
  }
  state "b" {
    set  = { x = "from b ${event.seq}" }
    next = { d = 1 }
  }
  state "c" {
    set  = { x = "from c ${event.seq}" }
    next = { d = 1 }
  }
  state "d" {
    emit "e" { v = ctx.x }
  }`, nil},
	{"back to the initial state", `
  initial = "a"
  state "a" {
    set  = { x = coalesce(ctx.y, "first") }
    emit "e" { v = ctx.x }
    next = { b = 1 }
  }
  state "b" {
    set  = { y = "y${event.seq}" }
    emit "e" { v = ctx.y }
    next = { a = 0.6, end = 0.4 }
  }`, []string{"y"}},
	{"a guard before the set", `
  initial = "a"
  state "a" {
    emit "e" { v = "a" }
    transition "b" { when = ctx.f == null }
    transition "end" { otherwise = true }
  }
  state "b" {
    set  = { f = true }
    emit "e" { v = "b" }
    next = { a = 1 }
  }`, []string{"f"}},
	{"a probability before the set", `
  initial = "a"
  state "a" {
    emit "e" { v = "a" }
    transition "b" { probability = coalesce(ctx.p, 0.9) }
    transition "end" { otherwise = true }
  }
  state "b" {
    set  = { p = 0.1 }
    emit "e" { v = "b" }
    next = { a = 1 }
  }`, []string{"p"}},
	{"the gap before the set", `
  gap     = coalesce(ctx.d, minutes(1))
  initial = "a"
  state "a" {
    emit "e" { v = "a" }
    next = { b = 1 }
  }
  state "b" {
    set  = { d = minutes(60) }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"d"}},
	{"a delay instead of the gap", `
  gap     = coalesce(ctx.d, minutes(1))
  initial = "a"
  state "a" {
    emit "e" { v = "a" }
    delay = "30s"
    next  = { b = 1 }
  }
  state "b" {
    set  = { d = minutes(60) }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, nil},
	{"the delay before the set", `
  initial = "a"
  state "a" {
    emit  "e" { v = "a" }
    delay = coalesce(ctx.d, minutes(1))
    next  = { b = 1 }
  }
  state "b" {
    set  = { d = minutes(60) }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"d"}},
	{"for_each", `
  initial = "a"
  state "a" {
    emit "e" {
      for_each = coalesce(ctx.l, ["none"])
      v        = each.value
    }
    next = { b = 1 }
  }
  state "b" {
    set  = { l = ["x", "y"] }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"l"}},
	{"common fields", `
  common "e" {
    w = coalesce(ctx.c, "unset")
  }
  initial = "a"
  state "a" {
    emit "e" { v = "a" }
    next = { b = 1 }
  }
  state "b" {
    set  = { c = "c${event.seq}" }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"c"}},
	{"remember", `
  initial = "a"
  state "a" {
    remember = { last = coalesce(ctx.r, "unset") }
    emit "e" { v = memory.last }
    next = { b = 1 }
  }
  state "b" {
    set  = { r = "r${event.seq}" }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"r"}},
	{"nested reads", `
  initial = "a"
  state "a" {
    emit "e" { v = json({ l = [for x in coalesce(ctx.l, []) : "${x}-${coalesce(ctx.s, "u")}"] }) }
    next = { b = 1 }
  }
  state "b" {
    set  = { l = ["x", "y"], s = "s" }
    emit "e" { v = "b" }
    next = { a = 0.5, end = 0.5 }
  }`, []string{"l", "s"}},
	{"bank's card testing", `
  initial = "probe"
  common "e" {
    city = ctx.city
    ip   = ctx.ip
  }
  state "probe" {
    set = {
      ip   = coalesce(ctx.ip, "ip${event.seq}")
      city = coalesce(ctx.city, choice(["x", "y"]))
      cat  = choice(["c1", "c2"])
    }
    emit "e" { v = ctx.cat }
    transition "cash_out" { when = event.seq >= 5 }
    transition "probe" { probability = 0.8 }
    transition "cash_out" { otherwise = true }
  }
  state "cash_out" {
    set  = { cat = "big" }
    emit "e" { v = ctx.cat }
  }`, []string{"ip", "city"}},
}

const ctxClearHead = `
scenario "t" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-03"
}
entity "user" {
  count = 12
  attributes {
    uid = "u${index}"
  }
}
sink "e" {
  type   = "jsonl"
  stream = "e"
  path   = "e.jsonl"
}
flow "f" {
  actor = entity.user
  session {
    every      = "2h"
    max_events = 8
  }
FLOW
}
`

// TestCtxClears: the slots ctxClears finds a session may read before it
// sets them.
func TestCtxClears(t *testing.T) {
	for _, tc := range ctxClearCases {
		t.Run(tc.name, func(t *testing.T) {
			fp := compileCtxClearCase(t, tc.flow)
			var got []string
			for _, i := range fp.ctxClear {
				got = append(got, fp.ctxNames[i])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("cleared %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCtxClearsMatchClearingAll: each case writes the same records when
// only ctxClears' slots are cleared as when every slot is, with one
// worker (whose pool hands each session the last one's values) and two.
func TestCtxClearsMatchClearingAll(t *testing.T) {
	for _, tc := range ctxClearCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{1, 2} {
				some := runCtxClearCase(t, tc.flow, workers, false)
				all := runCtxClearCase(t, tc.flow, workers, true)
				if !bytes.Equal(some, all) {
					t.Fatalf("%d workers: the records differ from those of a run clearing every slot\n%s\n---\n%s", workers, some, all)
				}
				if bytes.Count(some, []byte("\n")) < 50 {
					t.Fatalf("%d workers: %d records, too few to reuse sessions", workers, bytes.Count(some, []byte("\n")))
				}
			}
		})
	}
}

func compileCtxClearCase(t *testing.T, flow string) *FlowPlan {
	t.Helper()
	sc, diags := dsl.ParseSource("t.hcl", []byte(strings.Replace(ctxClearHead, "FLOW", flow, 1)))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return plan.Flows[0]
}

func runCtxClearCase(t *testing.T, flow string, workers int, all bool) []byte {
	t.Helper()
	clearEveryCtxSlot = all
	defer func() { clearEveryCtxSlot = false }()
	sc, diags := dsl.ParseSource("t.hcl", []byte(strings.Replace(ctxClearHead, "FLOW", flow, 1)))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if all && len(plan.Flows[0].ctxClear) != len(plan.Flows[0].ctxNames) {
		t.Fatalf("clearing %d of %d slots", len(plan.Flows[0].ctxClear), len(plan.Flows[0].ctxNames))
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
