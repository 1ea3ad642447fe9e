package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// wrongKindAttrs are attributes of known kinds (s a string, n an int, z
// a float) and, in o, values whose kinds are known only at run time.
const wrongKindAttrs = `s = "ann@gmail.com"
    n = 3 + index
    z = 1.5 * index
    o = { s = "abc", n = 5, l = [1, 2] }`

// TestWrongKindArgsAtCompile: an argument of contains, len, append, pluck
// or choice whose kind is known when the scenario compiles and is none the
// function takes is an error at the argument, not a made-up value (false,
// 0, [value], [], null).
func TestWrongKindArgsAtCompile(t *testing.T) {
	for _, tc := range []struct{ name, field, want string }{
		{"contains of an int", `contains(user.n, 1)`,
			"rt.hcl:30,20-26: Invalid argument; contains: list must be a list, string or null, got int. Usage: contains(list, value)."},
		{"contains of a string and an int", `contains(user.s, 5)`,
			"rt.hcl:30,28-29: Invalid argument; contains: value must be a string when list is a string (a substring test), got int."},
		{"constant contains of a string and an int", `contains("abc", 5)`,
			"rt.hcl:30,27-28: Invalid argument; contains: value must be a string when list is a string (a substring test), got int."},
		{"len of an int", `len(user.n)`,
			"rt.hcl:30,15-21: Invalid argument; len: v must be a string, list, object or null, got int. Usage: len(v)."},
		{"len of a float", `len(user.z)`,
			"rt.hcl:30,15-21: Invalid argument; len: v must be a string, list, object or null, got float."},
		{"len of a constant", `len(5)`, "rt.hcl:30,15-16: Invalid argument; len: v must be a string, list, object or null, got int."},
		{"append to a string", `append(user.s, "x")`,
			"rt.hcl:30,18-24: Invalid argument; append: list must be a list or null, got string. Usage: append(list, value, [max])."},
		{"pluck of a string", `pluck(user.s, "k")`,
			"rt.hcl:30,17-23: Invalid argument; pluck: list must be a list or null, got string. Usage: pluck(list, key)."},
		{"pluck of a constant int", `pluck(5, "a")`, "rt.hcl:30,17-18: Invalid argument; pluck: list must be a list or null, got int."},
		{"choice of a string", `choice(user.s)`,
			"rt.hcl:30,18-24: Invalid argument; choice: list must be a list or null, got string. Usage: choice(list)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileRT(t, rtScenario(wrongKindAttrs, "", tc.field, ""))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

// TestWrongKindArgsAtRunTime: the same arguments with kinds known only at
// run time end the run with an error at the argument; nothing is
// published.
func TestWrongKindArgsAtRunTime(t *testing.T) {
	for _, tc := range []struct{ name, field, want string }{
		{"contains of an int", `contains(user.o.n, 1)`,
			"rt.hcl:30:20: Invalid argument: contains: list must be a list, string or null, got an int. Usage: contains(list, value) (actor user "},
		{"contains of a string and an int", `contains(user.o.s, user.o.n)`,
			"rt.hcl:30:30: Invalid argument: contains: value must be a string when list is a string (a substring test), got an int."},
		{"len of an int", `len(user.o.n)`,
			"rt.hcl:30:15: Invalid argument: len: v must be a string, list, object or null, got an int. Usage: len(v) (actor user "},
		{"append to a string", `append(user.o.s, 1)`,
			"rt.hcl:30:18: Invalid argument: append: list must be a list or null, got a string."},
		{"pluck of a string", `pluck(user.o.s, "k")`,
			"rt.hcl:30:17: Invalid argument: pluck: list must be a list or null, got a string."},
		{"pluck with a key that is not a string", `pluck([{ a = 1 }], user.o.n)`,
			"rt.hcl:30:30: Invalid argument: pluck: key must be a string, got an int."},
		{"choice of a string", `choice(user.o.s)`,
			"rt.hcl:30:18: Invalid argument: choice: list must be a list or null, got a string. Usage: choice(list) (actor user "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, rtScenario(wrongKindAttrs, "", tc.field, ""))
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err = plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
			var rte *engine.RuntimeError
			if !errors.As(err, &rte) {
				t.Fatalf("not a RuntimeError: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error lacks %q:\n%v", tc.want, err)
			}
			if left := walkFiles(out); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestContainsAndNulls: contains of a string is a substring test, and the
// nulls these functions document stay values, not errors.
func TestContainsAndNulls(t *testing.T) {
	const attrs = wrongKindAttrs + `
    nl = null
    on = { v = null }`
	for _, tc := range []struct{ name, field, want string }{
		{"substring", `contains(user.s, "gmail")`, `true`},
		{"no substring", `contains(user.s, "yahoo")`, `false`},
		{"constant substring", `contains("abc", "b")`, `true`},
		{"empty substring", `contains(user.s, "")`, `true`},
		{"substring at run time", `contains(user.o.s, "bc")`, `true`},
		{"null substring", `contains(user.s, user.on.v)`, `false`},
		{"list", `contains([1, 2], 2.0)`, `true`},
		{"contains of null", `contains(user.nl, 1)`, `false`},
		{"contains of null at run time", `contains(user.on.v, 1)`, `false`},
		{"len of null", `len(user.nl)`, `0`},
		{"len of null at run time", `len(user.on.v)`, `0`},
		{"len of a string", `len(user.s)`, `13`},
		{"append to null", `append(user.nl, 1)`, `[1]`},
		{"append to null at run time", `append(user.on.v, 1)`, `[1]`},
		{"pluck of null", `pluck(user.on.v, "a")`, `[]`},
		{"choice of null at run time", `choice(user.on.v)`, `null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := compileRT(t, rtScenario(attrs, "", tc.field, ""))
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 1}); err != nil {
				t.Fatal(err)
			}
			recs := jsonLines(t, out+"/ev.jsonl")
			if len(recs) == 0 {
				t.Fatal("no records")
			}
			x, ok := recs[0]["x"]
			if !ok {
				x = nil
			}
			got, _ := json.Marshal(x)
			if string(got) != tc.want {
				t.Fatalf("x = %s, want %s", got, tc.want)
			}
		})
	}
}
