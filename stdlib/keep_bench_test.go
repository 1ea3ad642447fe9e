package stdlib

import "testing"

// BenchmarkKeepInRows: a sample of ten dataset rows built in the record
// arena and kept in a session's store, as `set = { listed =
// sample_rows(…) }` does once per list view in recipe.
func BenchmarkKeepInRows(b *testing.B) {
	rows := make([][]Value, 10000)
	for i := range rows {
		rows[i] = []Value{StrV("r"), IntV(int64(i)), StrV("x")}
	}
	t := NewTable([]string{"id", "n", "s"}, rows)
	r := NewRand(1)
	c := &Ctx{Arena: make([]byte, 0, 1024), R: &r}
	var st Store
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.ResetArena()
		l, vals := c.NewList(10)
		for j := range vals {
			vals[j] = t.Row((i*7919 + j*104729) % 10000)
		}
		if kept := c.KeepIn(&st, l); len(kept.List()) != 10 {
			b.Fatal("lost rows")
		}
		if i%8 == 0 {
			st.Reset() // a session of eight list views ends
		}
	}
}
