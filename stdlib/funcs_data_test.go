package stdlib

import (
	"math"
	"strings"
	"testing"
	"time"
)

// rowsOf builds rows of one column named col.
func rowsOf(col string, vals ...Value) Value {
	rows := make([]Value, len(vals))
	for i, v := range vals {
		rows[i] = ObjV([]string{"id", col}, []Value{IntV(int64(i)), v})
	}
	return Freeze(ListV(rows))
}

// compileData compiles a data function; args with a nil Const are run-time
// values of the given kind.
func compileData(name string, args ...Arg) (Impl, error) {
	f, _ := New().Lookup(name)
	return f.Compile(&CompileCtx{Loc: time.UTC}, args)
}

func constArg(v Value) Arg { return Arg{Type: v.K, Const: &v} }

// TestSampleWeightedRejectsBadWeights: NaN, infinite and negative weights
// are compile-time errors naming the row (from 1); a zero sum too.
func TestSampleWeightedRejectsBadWeights(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   []Value
		want string
	}{
		{"nan", []Value{IntV(1), FloatV(math.NaN()), IntV(8)}, `row 2 has the weight NaN in "w"`},
		{"inf", []Value{FloatV(math.Inf(1)), IntV(1)}, `row 1 has the weight +Inf in "w"`},
		{"negative", []Value{IntV(1), IntV(1), FloatV(-0.5)}, `row 3 has the weight -0.5 in "w"`},
		{"zero sum", []Value{IntV(0), NullV()}, `the weights in "w" sum to zero`},
		{"not numeric", []Value{StrV("1")}, `column "w" must exist and be numeric`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileData("sample_weighted", constArg(rowsOf("w", tc.ws...)), constArg(StrV("w")))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestSampleWeightedProportions: draws follow the weights, including
// weights so large that their sum, or w·n, overflows a float64.
func TestSampleWeightedProportions(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   []float64
	}{
		{"plain", []float64{1, 0, 8}},
		{"huge", []float64{1e308, 1e308, 1e307}},
		{"max float", []float64{math.MaxFloat64, 0, math.MaxFloat64 / 4}},
		{"tiny", []float64{5e-324, 1e-323, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]Value, len(tc.ws))
			sum := 0.0
			for i, w := range tc.ws {
				vals[i] = FloatV(w)
				sum += w / tc.ws[0]
			}
			impl, err := compileData("sample_weighted", constArg(rowsOf("w", vals...)), constArg(StrV("w")))
			if err != nil {
				t.Fatal(err)
			}
			var r Rand
			r.Seed(7)
			c := &Ctx{R: &r}
			const n = 90000
			counts := make([]int, len(tc.ws))
			for range n {
				id, _ := impl.Sample(c).Obj().Get("id")
				counts[id.I]++
			}
			for i, w := range tc.ws {
				want := w / tc.ws[0] / sum * n
				if math.Abs(float64(counts[i])-want) > 5*math.Sqrt(want+1) {
					t.Errorf("row %d: %d draws, want about %.0f (counts %v)", i, counts[i], want, counts)
				}
			}
		})
	}
}
