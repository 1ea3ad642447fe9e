package engine

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"testing"
	"time"

	"github.com/scenhq/scen/stdlib"
)

// rtArg makes a constant argument a value known only at run time (a
// random condition is never folded).
func rtArg(a string) string { return "(bernoulli(1) ? " + a + " : " + a + ")" }

// rtNull is null known only at run time, of a's kind.
func rtNull(a string) string { return "(bernoulli(0) ? " + a + " : null)" }

// callSrc is name(args…) and the column each argument starts at.
func callSrc(name string, args []string) (string, []int) {
	src := name + "("
	cols := make([]int, len(args))
	for i, a := range args {
		if i > 0 {
			src += ", "
		}
		cols[i] = len(src) + 1
		src += a
	}
	return src + ")", cols
}

// TestCalcFuncValues: each function's values, for constant arguments
// (folded when the scenario compiles: the call is a constant) and for
// the same arguments known only at run time; both have the kind the
// registry declares.
func TestCalcFuncValues(t *testing.T) {
	reg := stdlib.New()
	for _, tc := range []struct {
		fn   string
		args []string
		want string
	}{
		{"sqrt", []string{"16"}, "4"},
		{"sqrt", []string{"0"}, "0"},
		{"sqrt", []string{"2.25"}, "1.5"},
		{"pow", []string{"2", "10"}, "1024"},
		{"pow", []string{"2", "-2"}, "0.25"},
		{"pow", []string{"-2", "3"}, "-8"},
		{"pow", []string{"0", "0"}, "1"},
		{"pow", []string{"2", "1000"}, "1.0715086071862673e+301"},
		{"exp", []string{"0"}, "1"},
		{"exp", []string{"-1000"}, "0"},
		{"exp", []string{"709"}, "8.218407461554972e+307"},
		{"log", []string{"1"}, "0"},
		{"log", []string{"1e6", "10"}, "6"},
		{"log", []string{"1024", "2"}, "10"},
		{"log", []string{"81", "3"}, "4"},
		{"log", []string{"0.5", "0.5"}, "1"},
		{"sin", []string{"0"}, "0"},
		{"cos", []string{"0"}, "1"},
		{"cos", []string{"3.141592653589793"}, "-1"},
		{"minute", []string{`time("2025-06-01T09:47:00Z")`}, "47"},
		{"minute", []string{`time("2025-06-01T09:47:00Z")`, `"Asia/Kathmandu"`}, "32"},
		{"day", []string{`time("2025-02-28T23:30:00Z")`}, "28"},
		{"day", []string{`time("2025-02-28T23:30:00Z")`, `"Asia/Tokyo"`}, "1"},
		{"month", []string{`time("2025-12-31T23:30:00Z")`, `"Europe/Berlin"`}, "1"},
		{"month", []string{`time("2025-12-31T23:30:00Z")`}, "12"},
		{"year", []string{`time("2025-12-31T23:30:00Z")`, `"Europe/Berlin"`}, "2026"},
		{"year", []string{`time("0001-01-01T00:00:00Z")`}, "1"},
		{"add_months", []string{`time("2025-01-31T10:00:00Z")`, "1"}, "2025-02-28T10:00:00.000Z"},
		{"add_months", []string{`time("2024-01-31T10:00:00Z")`, "1"}, "2024-02-29T10:00:00.000Z"},
		{"add_months", []string{`time("2025-05-31T10:00:00Z")`, "-3"}, "2025-02-28T10:00:00.000Z"},
		{"add_months", []string{`time("2025-01-15T10:00:00.250Z")`, "0"}, "2025-01-15T10:00:00.250Z"},
		{"add_months", []string{`time("2025-11-30T10:00:00Z")`, "3"}, "2026-02-28T10:00:00.000Z"},
		{"add_months", []string{`time("2025-01-01T00:00:00Z")`, "-12"}, "2024-01-01T00:00:00.000Z"},
		{"add_months", []string{`time("9999-11-30T00:00:00Z")`, "1"}, "9999-12-30T00:00:00.000Z"},
		// The local clock: 13:00 in Berlin in winter (UTC+1) and summer (UTC+2).
		{"add_months", []string{`time("2025-01-15T12:00:00Z")`, "6", `"Europe/Berlin"`}, "2025-07-15T11:00:00.000Z"},
		// Jan 31 in New York (01:30Z is 20:30 on Jan 30 there) + 1 month: Feb 28, 20:30 EST.
		{"add_months", []string{`time("2025-02-01T01:30:00Z")`, "1", `"America/New_York"`}, "2025-03-01T01:30:00.000Z"},
		// 02:30 on Mar 9 2025 does not exist in New York: moved forward to 03:30 EDT.
		{"add_months", []string{`time("2025-02-09T07:30:00Z")`, "1", `"America/New_York"`}, "2025-03-09T07:30:00.000Z"},
		// 01:30 on Nov 2 2025 occurs twice in New York: the first, EDT.
		{"add_months", []string{`time("2025-10-02T05:30:00Z")`, "1", `"America/New_York"`}, "2025-11-02T05:30:00.000Z"},
		{"substr", []string{`"héllo"`, "1", "3"}, "éll"},
		{"substr", []string{`"héllo"`, "1"}, "éllo"},
		{"substr", []string{`"héllo"`, "-2"}, "lo"},
		{"substr", []string{`"héllo"`, "-10", "2"}, "hé"},
		{"substr", []string{`"héllo"`, "10"}, ""},
		{"substr", []string{`"héllo"`, "0", "0"}, ""},
		{"substr", []string{`"héllo"`, "3", "100"}, "lo"},
		{"replace", []string{`"a-b-c"`, `"-"`, `""`}, "abc"},
		{"replace", []string{`"aaa"`, `"a"`, `"bb"`}, "bbbbbb"},
		{"replace", []string{`"abc"`, `"x"`, `"y"`}, "abc"},
		{"replace", []string{`"--"`, `"-"`, `""`}, ""},
		{"split", []string{`"a,b,,c"`, `","`}, `["a","b","","c"]`},
		{"split", []string{`"abc"`, `","`}, `["abc"]`},
		{"split", []string{`""`, `","`}, `[""]`},
		{"split", []string{`"a::b"`, `"::"`}, `["a","b"]`},
		{"split", []string{`"日本"`, `""`}, `["日","本"]`},
		{"split", []string{`""`, `""`}, `[]`},
		{"join", []string{`["a", "b"]`, `"-"`}, "a-b"},
		{"join", []string{`[]`, `"-"`}, ""},
		{"join", []string{`["a"]`, `"-"`}, "a"},
		{"join", []string{`["a", null, 3]`, `","`}, "a,,3"},
		{"trim", []string{`"  a b \t\n"`}, "a b"},
		{"trim", []string{`"\u00a0x\u3000"`}, "x"},
		{"starts_with", []string{`"order-17"`, `"order-"`}, "true"},
		{"starts_with", []string{`"order-17"`, `"17"`}, "false"},
		{"starts_with", []string{`"x"`, `""`}, "true"},
		{"ends_with", []string{`"order-17"`, `"17"`}, "true"},
		{"ends_with", []string{`"order-17"`, `"order"`}, "false"},
		{"keys", []string{`{ b = 1, a = 2, c = 3 }`}, `["a","b","c"]`},
		{"keys", []string{`{}`}, `[]`},
		{"values", []string{`{ b = 1, a = "x", c = true }`}, `["x",1,true]`},
	} {
		f, _ := reg.Lookup(tc.fn)
		for _, runTime := range []bool{false, true} {
			args := tc.args
			if runTime {
				args = make([]string, len(tc.args))
				for i, a := range tc.args {
					args[i] = rtArg(a)
				}
			}
			src, _ := callSrc(tc.fn, args)
			t.Run(src, func(t *testing.T) {
				ce, env, diags := compileStandalone(src, 1, time.UTC, reg)
				if diags.HasErrors() {
					t.Fatal(diags.Error())
				}
				if ce.isC == runTime {
					t.Errorf("constant = %v, want %v", ce.isC, !runTime)
				}
				if !runTime && f.Result != stdlib.Any && ce.typ != f.Result {
					t.Errorf("kind %s, declared %s", ce.typ, f.Result)
				}
				if runTime && ce.typ != f.Result {
					t.Errorf("kind %s, declared %s", ce.typ, f.Result)
				}
				if runTime && f.Elem != stdlib.Null && elemKind(ce) != f.Elem {
					t.Errorf("element kind %s, declared %s", elemKind(ce), f.Elem)
				}
				if got := ce.eval(env).String(); got != tc.want {
					t.Errorf("= %s, want %s", got, tc.want)
				}
				if env.fault != nil {
					t.Errorf("fault: %v", env.fault)
				}
			})
		}
	}
}

// TestCalcFuncNulls: null in, null out — for every argument of every new
// function, a null known only at run time gives null, not an error (a
// null zone is the scenario's: tested above).
func TestCalcFuncNulls(t *testing.T) {
	reg := stdlib.New()
	for _, tc := range []struct {
		fn   string
		args []string
	}{
		{"sqrt", []string{"4"}}, {"exp", []string{"1"}}, {"sin", []string{"1"}}, {"cos", []string{"1"}},
		{"log", []string{"4"}}, {"log", []string{"4", "2"}}, {"pow", []string{"2", "3"}},
		{"minute", []string{`time("2025-01-01")`}}, {"day", []string{`time("2025-01-01")`}},
		{"month", []string{`time("2025-01-01")`}}, {"year", []string{`time("2025-01-01")`}},
		{"add_months", []string{`time("2025-01-01")`, "1"}},
		{"substr", []string{`"abc"`, "1", "1"}}, {"replace", []string{`"abc"`, `"b"`, `"x"`}},
		{"split", []string{`"a,b"`, `","`}}, {"join", []string{`["a"]`, `","`}}, {"trim", []string{`" a "`}},
		{"starts_with", []string{`"ab"`, `"a"`}}, {"ends_with", []string{`"ab"`, `"b"`}},
		{"keys", []string{`{ a = 1 }`}}, {"values", []string{`{ a = 1 }`}},
	} {
		for i := range tc.args {
			args := append([]string(nil), tc.args...)
			args[i] = rtNull(args[i])
			src, _ := callSrc(tc.fn, args)
			t.Run(src, func(t *testing.T) {
				v, diags := EvalString(src, 1, nil, reg)
				if diags.HasErrors() {
					t.Fatal(diags.Error())
				}
				if v.K != stdlib.Null {
					t.Errorf("= %s, want null", v.String())
				}
			})
		}
	}
}

// TestCalcFuncErrors: an argument a function does not accept is an
// "Invalid argument" at that argument (or at the call, for a fault of
// the arguments together): a compile-time diagnostic when the arguments
// are constant, a run-time error with the same message when they are
// known only at run time. Cases marked anyKind are of arguments whose
// kind is known only at run time (a value of no kind, as a dataset
// column of mixed values is): written as they are, run time only.
func TestCalcFuncErrors(t *testing.T) {
	reg := stdlib.New()
	anyOf := func(v, other string) string { return "(bernoulli(1) ? " + v + " : " + other + ")" }
	for _, tc := range []struct {
		fn      string
		args    []string
		at      int // the argument at fault; -1: the call
		want    string
		anyKind bool
	}{
		{"sqrt", []string{"-4"}, 0, "sqrt: x must be zero or more, got -4. Usage: sqrt(x).", false},
		{"sqrt", []string{"-0.5"}, 0, "sqrt: x must be zero or more, got -0.5.", false},
		{"pow", []string{"10", "400"}, -1, "pow: pow(10, 400) is not a finite number. Usage: pow(x, y).", false},
		{"pow", []string{"0", "-1"}, -1, "pow: pow(0, -1) is not a finite number.", false},
		{"pow", []string{"-8", "0.5"}, -1, "pow: pow(-8, 0.5) is not a finite number.", false},
		{"exp", []string{"710"}, 0, "exp: x (710) is too large: exp(x) is beyond the largest float (x must be at most 709.782712893384).", false},
		{"log", []string{"0"}, 0, "log: x must be more than 0, got 0. Usage: log(x, [base]).", false},
		{"log", []string{"-1", "10"}, 0, "log: x must be more than 0, got -1.", false},
		{"log", []string{"5", "1"}, 1, "log: base must be more than 0 and not 1, got 1.", false},
		{"log", []string{"5", "-2"}, 1, "log: base must be more than 0 and not 1, got -2.", false},
		{"log", []string{"5", "0"}, 1, "log: base must be more than 0 and not 1, got 0.", false},
		{"minute", []string{`time("2025-01-01")`, `"Mars/Olympus"`}, 1, `minute: unknown time zone "Mars/Olympus"`, false},
		{"add_months", []string{`time("2025-01-01")`, "200000"}, 1, "add_months: n (200000) is more months than the years 1-9999 hold.", false},
		{"add_months", []string{`time("2025-01-01")`, "-200000"}, 1, "add_months: n (-200000) is more months than the years 1-9999 hold.", false},
		{"add_months", []string{`time("9999-12-01")`, "1"}, -1, "add_months: 9999-12-01T00:00:00.000Z plus 1 months is outside the years 1-9999.", false},
		{"add_months", []string{`time("0001-01-01")`, "-1"}, -1, "add_months: 0001-01-01T00:00:00.000Z plus -1 months is outside the years 1-9999.", false},
		{"add_months", []string{`time("2025-01-01")`, "1", `"Nowhere"`}, 2, `add_months: unknown time zone "Nowhere"`, false},
		{"substr", []string{`"abc"`, "0", "-1"}, 2, "substr: length must be zero or more, got -1. Usage: substr(s, start, [length]).", false},
		{"replace", []string{`"abc"`, `""`, `"x"`}, 1, "replace: old must not be empty. Usage: replace(s, old, new).", false},
		{"sqrt", []string{anyOf(`"4"`, "4")}, 0, `sqrt: x must be a number, got the string "4"`, true},
		{"pow", []string{"2", anyOf("true", "1")}, 1, `pow: y must be a number, got bool`, true},
		{"add_months", []string{`time("2025-01-01")`, anyOf("1.5", `"x"`)}, 1, "add_months: n must be a whole number, got 1.5.", true},
		{"substr", []string{`"abc"`, anyOf("0.5", `"x"`)}, 1, "substr: start must be a whole number, got 0.5.", true},
		{"substr", []string{anyOf("5", `"x"`), "1"}, 0, "substr: s must be a string, got an int.", true},
		{"split", []string{`"a"`, anyOf("1", `"x"`)}, 1, "split: sep must be a string, got an int.", true},
		{"keys", []string{anyOf("[1]", "{ a = 1 }")}, 0, "keys: obj must be an object, got a list.", true},
		{"join", []string{anyOf(`"a"`, `["a"]`), `","`}, 0, "join: list must be a list, got a string.", true},
		{"minute", []string{`time("2025-01-01")`, anyOf("5", `"UTC"`)}, 1, "minute: zone must be a string (an IANA name), got int.", true},
	} {
		for _, runTime := range []bool{false, true} {
			if tc.anyKind && !runTime {
				continue
			}
			args := tc.args
			if runTime && !tc.anyKind {
				args = make([]string, len(tc.args))
				for i, a := range tc.args {
					args[i] = rtArg(a)
				}
			}
			src, cols := callSrc(tc.fn, args)
			col := 1
			if tc.at >= 0 {
				col = cols[tc.at]
			}
			t.Run(src, func(t *testing.T) {
				ce, env, diags := compileStandalone(src, 1, nil, reg)
				if runTime {
					if diags.HasErrors() {
						t.Fatalf("a compile-time error: %s", diags.Error())
					}
					if v := ce.eval(env); v.K != stdlib.Null {
						t.Errorf("= %s, want null", v.String())
					}
					if env.fault == nil {
						t.Fatal("no run-time error")
					}
					diags = hcl.Diagnostics{env.fault.Diagnostic()}
				} else if !diags.HasErrors() {
					t.Fatal("no compile-time error")
				}
				d := diags[0]
				if d.Summary != "Invalid argument" || !strings.Contains(d.Detail, tc.want) {
					t.Errorf("got %s: %s\nwant Invalid argument: %s", d.Summary, d.Detail, tc.want)
				}
				if d.Subject == nil || d.Subject.Filename != "<expr>" || d.Subject.Start.Line != 1 || d.Subject.Start.Column != col {
					t.Errorf("at %v, want <expr>:1:%d", d.Subject, col)
				}
			})
		}
	}
}

// TestCalcFuncConstantArgChecks: a constant argument that no value of
// the others can make valid is an error when the scenario compiles,
// though the call itself is evaluated at run time; and so is a kind
// that does not fit, whether of an argument or of a list's elements
// (split's and keys' are strings).
func TestCalcFuncConstantArgChecks(t *testing.T) {
	reg := stdlib.New()
	s, tm := rtArg(`"abc"`), rtArg(`time("2025-01-01")`)
	for _, tc := range []struct {
		fn   string
		args []string
		at   int
		want string
	}{
		{"log", []string{rtArg("5"), "1"}, 1, "log: base must be more than 0 and not 1, got 1."},
		{"replace", []string{s, `""`, `"x"`}, 1, "replace: old must not be empty."},
		{"substr", []string{s, "0", "-2"}, 2, "substr: length must be zero or more, got -2."},
		{"substr", []string{s, "0.5"}, 1, "substr: start must be a whole number, got 0.5."},
		{"substr", []string{s, "0", "1.5"}, 2, "substr: length must be a whole number, got 1.5."},
		{"substr", []string{s, `"1"`}, 1, `substr: start must be an int, got string. "1" is a string: write the number without quotes (1).`},
		{"add_months", []string{tm, "1.5"}, 1, "add_months: n must be a whole number, got 1.5."},
		{"add_months", []string{tm, "1000000000"}, 1, "add_months: n (1000000000) is more months than the years 1-9999 hold."},
		{"add_months", []string{tm, "1", `"Nowhere"`}, 2, `add_months: unknown time zone "Nowhere"`},
		{"year", []string{tm, `"Nowhere"`}, 1, `year: unknown time zone "Nowhere"`},
		{"join", []string{s, `","`}, 0, "join: list must be a list, got string"},
		{"keys", []string{"[1]"}, 0, "keys: obj must be an object, got list"},
		{"sqrt", []string{"null"}, 0, "sqrt: x must be a number, got null"},
		{"sqrt", []string{"-1 * 4"}, 0, "sqrt: x must be zero or more, got -4"},
		{"sqrt", []string{`"4"`}, 0, `sqrt: x must be a number, got string. "4" is a string: write the number without quotes (4).`},
		{"exp", []string{"1000 + 1"}, 0, "exp: x (1001) is too large"},
		{"pi", []string{"1"}, -1, "pi takes 0 argument(s), got 1."},
	} {
		src, cols := callSrc(tc.fn, tc.args)
		col := 1
		if tc.at >= 0 {
			col = cols[tc.at]
		}
		t.Run(src, func(t *testing.T) {
			_, _, diags := compileStandalone(src, 1, nil, reg)
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			d := diags[0]
			if !strings.Contains(d.Detail, tc.want) {
				t.Errorf("got %s: %s\nwant %s", d.Summary, d.Detail, tc.want)
			}
			if d.Subject == nil || d.Subject.Start.Column != col {
				t.Errorf("at %v, want column %d", d.Subject, col)
			}
		})
	}
	for _, tc := range []struct{ src, want string }{
		{"choice(split(" + s + `, ",")) * 2`, "string and int cannot be combined with *"},
		{"choice(keys({ a = 1 })) - 1", "string and int cannot be combined with -"},
		{"split(" + s + `, ",")[0] * 2`, "string and int cannot be combined with *"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, _, diags := compileStandalone(tc.src, 1, nil, reg)
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "<expr>:1,1-") || !strings.Contains(diags.Error(), tc.want) {
				t.Errorf("want <expr>:1,1-…: %s, got %v", tc.want, diags)
			}
		})
	}
}

// TestCalcFuncAnyArgs: a number of no static kind that is a whole float
// serves as an int argument (a dataset column of floats), and a zone
// that is null at run time is the scenario's.
func TestCalcFuncAnyArgs(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`add_months(time("2025-01-15T10:00:00Z"), (bernoulli(1) ? 24.0 : "x"))`, "2027-01-15T10:00:00.000Z"},
		{`substr("日本語", (bernoulli(1) ? 2.0 : "x"), 1)`, "語"},
		{`substr("日本語", 1, (bernoulli(1) ? 5.0 : "x"))`, "本語"},
		{`sqrt((bernoulli(1) ? 6.25 : "x"))`, "2.5"},
		// A zone that is null at run time is the scenario's (UTC here).
		{`day(time("2025-06-01T23:30:00Z"), (bernoulli(0) ? "Asia/Tokyo" : null))`, "1"},
		{`add_months(time("2025-06-01T23:30:00Z"), 1, (bernoulli(0) ? "Asia/Tokyo" : null))`, "2025-07-01T23:30:00.000Z"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			v, diags := EvalString(tc.src, 1, nil, nil)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if v.String() != tc.want {
				t.Errorf("= %s, want %s", v.String(), tc.want)
			}
		})
	}
}

// TestCalcFuncNoAlloc: the numeric and time functions allocate nothing
// per call, and the string functions nothing but their arena.
func TestCalcFuncNoAlloc(t *testing.T) {
	reg := stdlib.New()
	for _, src := range []string{
		"sqrt(uniform(1.0, 2.0))", "pow(uniform(1.0, 2.0), 3)", "exp(uniform(1.0, 2.0))", "log(uniform(1.0, 2.0), 10)",
		"sin(uniform(1.0, 2.0)) + cos(uniform(1.0, 2.0))",
		`minute(time("2025-01-01") + minutes(uniform(0, 1000)))`,
		`month(time("2025-01-01") + days(uniform(0, 1000)), "Europe/Berlin")`,
		`add_months(time("2025-01-31") + days(uniform(0, 1000)), uniform(-30, 30), "America/New_York")`,
		`substr(choice(["héllo", "wörld"]), 1, 3)`, `trim(choice([" a ", "b "]))`,
		`starts_with(choice(["ab", "ba"]), "a")`, `len(split(choice(["a,b", "c"]), ","))`,
		`replace(choice(["a-b", "c-d"]), "-", "+")`, `join(split(choice(["a,b", "c"]), ","), "+")`,
		`len(keys(choice([{ a = 1 }, { b = 2 }])))`,
	} {
		t.Run(src, func(t *testing.T) {
			ce, env, diags := compileStandalone(src, 1, nil, reg)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			for range 100 { // warm the arena
				ce.eval(env)
				env.Ctx.ResetArena()
			}
			if n := testing.AllocsPerRun(200, func() {
				ce.eval(env)
				env.Ctx.ResetArena()
			}); n != 0 {
				t.Errorf("%v allocations per call", n)
			}
			if env.fault != nil {
				t.Fatal(env.fault)
			}
		})
	}
}
