package stdlib

import (
	"fmt"
	"testing"
)

// BenchmarkSampleRowsPluck is recipe's view_recipe_list: ten rows of a
// dataset of 10 000 filtered by a column, then one text column of them.
func BenchmarkSampleRowsPluck(b *testing.B) {
	var cells [][]Value
	for i := range 10000 {
		cells = append(cells, []Value{PlainStr(fmt.Sprintf("R%05d", i+1)), PlainStr([]string{"dessert", "salad", "main_dish", "noodles", "snack", "soup_stew", "side_dish", "bread_baking", "rice_porridge", "kimchi_sauce"}[i%10])})
	}
	rows := ListV(NewTable([]string{"recipe_id", "dish_type"}, cells).Rows())
	sample, err := compileData("sample_rows", constArg(rows), constArg(IntV(10)), constArg(StrV("dish_type")), Arg{Type: Any})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := New().Lookup("pluck")
	pluck, err := f.Compile(&CompileCtx{}, []Arg{{Type: List}, {Type: String}})
	if err != nil {
		b.Fatal(err)
	}
	var r Rand
	r.Seed(1)
	c := &Ctx{R: &r}
	keys := []Value{NullV(), PlainStr("dessert"), PlainStr("noodles")}
	col := PlainStr("recipe_id")
	i := 0
	for b.Loop() {
		c.ResetArena()
		l := sample.Fn(c, []Value{rows, IntV(10), col, keys[i%3]})
		pluck.Fn(c, []Value{l, col})
		i++
	}
}
