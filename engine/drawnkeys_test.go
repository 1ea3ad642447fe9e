package engine_test

import (
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestDrawnKeysMissing: an index whose key is drawn from known strings
// (weighted, choice, a conditional or switch of them) into an object
// whose keys are known is checked as a constant key is: a string it may
// come to that is not a key is an "Unknown key" error at that string,
// not a silent null at run time.
func TestDrawnKeysMissing(t *testing.T) {
	const emit = `emit "e" { id = user.id }`
	with := func(field string) []string {
		return []string{emit, `emit "e" {` + "\n      id = user.id\n      v = " + field + "\n    }"}
	}
	for _, tc := range []struct {
		name  string
		edits []string
		want  []reviewDiag
	}{
		{"weighted keys all present", with(`{ a = 1, b = 2 }[weighted({ a = 1, b = 3 })]`), nil},
		{"weighted draws a missing key", with(`{ a = 1, b = 2 }[weighted({ a = 1, c = 3 })]`),
			[]reviewDiag{{"error", "Unknown key", "27:46", `The key weighted({ a = 1, c = 3 }) may come to "c", and the object it indexes has no such key (keys: a, b).`}}},
		{"choice draws a misspelt key", with(`{ apple = 1, pear = 2 }[choice(["apple", "paer"])]`),
			[]reviewDiag{{"error", "Unknown key", "27:52", `may come to "paer"`}}},
		{"a conditional of keys", with(`{ a = 1 }[user.id == "u1" ? "a" : "z"]`),
			[]reviewDiag{{"error", "Unknown key", "27:45", `may come to "z"`}}},
		{"a key that is not known", with(`{ a = 1 }[user.id]`), nil},
		{"a list indexed by a drawn number", with(`[1, 2][choice([0, 1])]`), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkEdited(t, tc.edits, engine.Options{}, tc.want...)
		})
	}
}
