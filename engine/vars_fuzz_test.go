package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// FuzzListVar: any --var text for a list or object variable gives a value
// or an error, never a panic; a value's manifest JSON, given back as
// --var text, reads as the same value of the same kinds. Run: go test
// ./engine -run '^$' -fuzz FuzzListVar -fuzztime 1m
func FuzzListVar(f *testing.F) {
	for _, s := range []string{`["US", "DE"]`, `{ a = 1, "b c" = [true, null, -2.5e3] }`, `{"a": {"b": [1, 2.0]}}`,
		`["a$${b}", "%%{c}", "\u00e9\t"]`, `[var.x]`, `["${x}"]`, `[1e400]`, `{a = 1, a = 2}`, `[`, `[(1)]`, `[-0.0]`,
		"[\"\\u2028\x7f\"]", `["\ud83d\ude00", "\\ud83d"]`, `{1 = 2}`, `[upper("a")]`, `[[[[]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, typ := range []string{"list", "object"} {
			v, err := parseVar(raw, typ)
			if err != nil {
				continue
			}
			j, err := varJSON(v)
			if err != nil {
				continue // NaN and infinities cannot be read, so none is written
			}
			text, err := ManifestVar{Name: "x", Value: j}.VarArg()
			if err != nil {
				t.Fatalf("%s: manifest value %s: %v", raw, j, err)
			}
			back, err := parseVar(text, typ)
			if err != nil {
				t.Fatalf("%s: --var %s: %v", raw, text, err)
			}
			if !stdlib.Equal(v, back) || varText(v) != varText(back) {
				t.Fatalf("%s: %s back as %s", raw, varText(v), varText(back))
			}
		}
	})
}
