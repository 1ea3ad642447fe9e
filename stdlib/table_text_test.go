package stdlib

import (
	"fmt"
	"strings"
	"testing"
)

// TestTableText: a column of text (and nulls) read through Text gives,
// row by row, the values Column gives, flags included; a column with
// anything else in it has no TextCol.
func TestTableText(t *testing.T) {
	long := strings.Repeat("x", 1<<16) // one byte over what an entry holds
	tests := []struct {
		name string
		cell func(i int) Value
		text bool
	}{
		{"ids", func(i int) Value { return StrV(fmt.Sprintf("R%05d", i)) }, true},
		{"needs escaping", func(i int) Value { return StrV([]string{`a "q"`, "b,c", "plain", "ünï", "tab\there"}[i%5]) }, true},
		{"empty and null", func(i int) Value {
			switch i % 3 {
			case 0:
				return StrV("")
			case 1:
				return NullV()
			}
			return StrV(fmt.Sprint(i))
		}, true},
		{"numbers", func(i int) Value { return IntV(int64(i)) }, false},
		{"text and a number", func(i int) Value {
			if i == 7 {
				return FloatV(1.5)
			}
			return StrV("s")
		}, false},
		{"all empty", func(i int) Value { return StrV("") }, false},
		{"too long", func(i int) Value {
			if i == 3 {
				return StrV(long)
			}
			return StrV("s")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([][]Value, 300)
			for i := range rows {
				rows[i] = []Value{IntV(int64(i)), tt.cell(i)}
			}
			tab := NewTable([]string{"id", "c"}, rows)
			tc := tab.Text(1)
			if (tc != nil) != tt.text {
				t.Fatalf("Text: %v, want a column: %v", tc != nil, tt.text)
			}
			if tc == nil {
				return
			}
			col := tab.Column(1)
			for k := range col {
				if got, want := tc.At(k), col[k]; got != want {
					t.Fatalf("row %d: %#v, want %#v", k, got, want)
				}
			}
			if tab.Text(1) != tc {
				t.Error("a second Text built another column")
			}
		})
	}
}
