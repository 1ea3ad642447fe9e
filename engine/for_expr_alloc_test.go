package engine

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// compileWithCtx compiles src where ctx.lines is the first ctx slot.
func compileWithCtx(t testing.TB, src string) *cexpr {
	t.Helper()
	const name = "<expr>"
	x, diags := hclsyntax.ParseExpression([]byte(src), name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	c := &compiler{sc: &dsl.Scenario{Files: map[string]*hcl.File{name: {Bytes: []byte(src)}}}, reg: stdlib.New(),
		cc: &stdlib.CompileCtx{Loc: time.UTC}, plan: &Plan{Loc: time.UTC}, vars: map[string]Value{},
		dists: map[string]*distPlan{}, tf: stdlib.NewTimeFormatter(time.UTC)}
	ce := (&scope{c: c, where: "a test", ctx: map[string]int{"lines": 0}, session: true}).compile(x)
	if c.diags.HasErrors() {
		t.Fatal(c.diags.Error())
	}
	return ce
}

// TestForExprFolds: over a constant collection, a body that is constant
// for every element folds to a constant (with its elements' kind); one
// that draws, or reads the record, does not.
func TestForExprFolds(t *testing.T) {
	for _, tc := range []struct {
		src   string
		folds bool
		want  string // the folded value
	}{
		{`[for x in [1, 2, 3] : x * 2 if x != 2]`, true, `[2,6]`},
		{`{for k, v in { a = 1, b = 2 } : "${k}!" => v}`, true, `{"a!":1,"b!":2}`},
		{`{for s in ["a", "b", "a"] : s => 1...}`, true, `{"a":[1,1],"b":[1]}`},
		{`[for x in [1, 2] : [for y in [3, 4] : x * y]]`, true, `[[3,4],[6,8]]`},
		{`sum([for x in [1.5, 2.5] : x])`, true, `4`},
		{`[for x in [1, 2] : x == 1 ? 0 : 1]`, true, `[0,1]`},
		{`[for x in [1, 2] : x + uniform(0, 3)]`, false, ""},
		{`[for x in [1, 2] : x + event.seq]`, false, ""},
		{`[for x in [1, 2] : x if event.seq > x]`, false, ""},
		{`[for x in [1, 2] : x == 2 ? event.seq : 0]`, false, ""}, // a later element is not constant
		{`[for l in ctx.lines : l]`, false, ""},
	} {
		t.Run(tc.src, func(t *testing.T) {
			ce := compileWithCtx(t, tc.src)
			if ce.isC != tc.folds {
				t.Fatalf("folded: %v, want %v", ce.isC, tc.folds)
			}
			if tc.folds && ce.val.String() != tc.want {
				t.Errorf("folded to %s, want %s", ce.val.String(), tc.want)
			}
		})
	}
	ce := compileWithCtx(t, `[for x in [1, 2] : x * 1.5]`)
	if !ce.isC || elemKind(ce) != stdlib.Float {
		t.Errorf("folded list of floats: isC %v, element kind %s", ce.isC, elemKind(ce))
	}
	ce = compileWithCtx(t, `[for x in [1, 2] : x * event.seq]`)
	if ce.isC || ce.typ != stdlib.List || elemKind(ce) != stdlib.Int {
		t.Errorf("list of ints: isC %v, kind %s, element kind %s", ce.isC, ce.typ, elemKind(ce))
	}
}

// TestForExprAllocs: a filter and map over a 10-element list of rows
// builds its list in the record arena: no heap allocation per record
// (measured: 0; the arena's blocks are reused after each record's reset).
// An object-making for allocates its keys, values and object (and a
// copy of each key: a kept object shares its keys).
func TestForExprAllocs(t *testing.T) {
	lines := make([]Value, 10)
	for i := range lines {
		lines[i] = stdlib.ObjV([]string{"qty", "price"}, []Value{stdlib.IntV(int64(i % 3)), stdlib.FloatV(1.5 * float64(i))})
	}
	env := &Env{tf: stdlib.NewTimeFormatter(time.UTC), CtxVals: []Value{stdlib.ListV(lines)}}
	for _, tc := range []struct {
		src  string
		want float64
		sum  float64
	}{
		{`[for l in ctx.lines : l.price if l.qty > 0]`, 0, 40.5},
		{`[for i, l in ctx.lines : l.qty * l.price]`, 0, 63},
		{`sum([for l in ctx.lines : l.qty * l.price])`, 0, 63},
	} {
		ce := compileWithCtx(t, tc.src)
		eval := func() Value {
			env.ResetArena()
			return ce.eval(env)
		}
		v := eval()
		s := 0.0
		if v.K == stdlib.List {
			for _, x := range v.List() {
				s += x.Num()
			}
		} else {
			s = v.Num()
		}
		if s != tc.sum || env.fault != nil {
			t.Fatalf("%s: sum %v, want %v (fault %v)", tc.src, s, tc.sum, env.fault)
		}
		if n := testing.AllocsPerRun(200, func() { eval() }); n != tc.want {
			t.Errorf("%s: %v allocations per run, want %v", tc.src, n, tc.want)
		}
	}
}
