package engine_test

import (
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// TestIntegerLiteralsBeyond64Bits: a number written without a point or an
// exponent is an int, in a scenario as in --var; one beyond 64 bits was
// read as a float that rounded it (99999999999999999999 became 1e20). It
// is an error at the literal; a float written as one (1e20, 1.5) stays a
// float, and -9223372036854775808 is the smallest int, not a float.
func TestIntegerLiteralsBeyond64Bits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		decl  string            // from line 6 on
		vars  map[string]string // --var
		value string            // the variable's value, when it compiles
		kind  string
		err   string // summary: detail, when it does not
		at    string // line:column of the error
	}{
		{name: "the largest int", decl: `variable "x" { default = 9223372036854775807 }`, value: "9223372036854775807", kind: "int"},
		{name: "the smallest int", decl: `variable "x" { default = -9223372036854775808 }`, value: "-9223372036854775808", kind: "int"},
		{name: "the smallest int in parentheses", decl: `variable "x" { default = -(9223372036854775808) }`,
			err: "Integer out of range: 9223372036854775808 does not fit in a 64-bit integer", at: "6:28"},
		{name: "one beyond the largest", decl: `variable "x" { default = 9223372036854775808 }`,
			err: "Integer out of range: 9223372036854775808 does not fit in a 64-bit integer (-9223372036854775808 to 9223372036854775807); for a float, which keeps about 16 significant digits, write it with a point (9223372036854775808.0).", at: "6:26"},
		{name: "one below the smallest", decl: `variable "x" { default = -9223372036854775809 }`,
			err: "Integer out of range: -9223372036854775809 does not fit in a 64-bit integer", at: "6:26"},
		{name: "twenty digits", decl: "variable \"x\" {\n  default = [1, 99999999999999999999]\n}",
			err: "Integer out of range: 99999999999999999999 does not fit", at: "7:17"},
		{name: "in an expression", decl: `variable "x" { default = 1 + 99999999999999999999 }`,
			err: "Integer out of range: 99999999999999999999 does not fit", at: "6:30"},
		{name: "a float with an exponent", decl: `variable "x" { default = 1e20 }`, value: "1e+20", kind: "float"},
		{name: "a float with a point", decl: `variable "x" { default = 99999999999999999999.0 }`, value: "1e+20", kind: "float"},
		{name: "a float beyond the range", decl: `variable "x" { default = -1e400 }`,
			err: "Number out of range: -1e400 is beyond the range of a float (about ±1.8e308).", at: "6:26"},
		{name: "--var: the largest int", decl: `variable "x" { type = number }`, vars: map[string]string{"x": "9223372036854775807"}, value: "9223372036854775807", kind: "int"},
		{name: "--var: the smallest int", decl: `variable "x" { type = number }`, vars: map[string]string{"x": "-9223372036854775808"}, value: "-9223372036854775808", kind: "int"},
		{name: "--var: a float", decl: `variable "x" { type = number }`, vars: map[string]string{"x": "1e20"}, value: "1e+20", kind: "float"},
		{name: "--var: an int beyond 64 bits", decl: `variable "x" { type = number }`, vars: map[string]string{"x": "99999999999999999999"},
			err: "Invalid value for variable: --var x=99999999999999999999: 99999999999999999999 does not fit in a 64-bit integer (-9223372036854775808 to 9223372036854775807); for a float, which keeps about 16 significant digits, write it with a point (99999999999999999999.0).", at: "6:10"},
		{name: "--var: a negative int beyond 64 bits", decl: `variable "x" { default = 1 }`, vars: map[string]string{"x": "-9223372036854775809"},
			err: "Invalid value for variable: --var x=-9223372036854775809: -9223372036854775809 does not fit in a 64-bit integer", at: "6:10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, varsHead+tc.decl+"\nentity \"u\" {\n  count = 1\n}\n")
			sc, diags := dsl.Load(path)
			var plan *engine.Plan
			if !diags.HasErrors() {
				plan, diags = engine.Compile(sc, engine.Options{Vars: tc.vars})
			}
			errs := errorsIn(diags)
			if tc.err == "" {
				if len(errs) > 0 {
					t.Fatal(errs.Error())
				}
				v := plan.Vars[0].Value
				if got := v.String(); got != tc.value || v.K.String() != tc.kind {
					t.Errorf("got %s %s, want %s %s", v.K, got, tc.kind, tc.value)
				}
				return
			}
			wantOneError(t, errs, tc.err, tc.at)
		})
	}
}

// TestIntFloatComparisonsExact: ==, the orderings and contains compare an
// int and a float by their exact values, as lookup's index does: beyond
// 2^53 the int was rounded to a float, so 2^53+1 == 2^53.0.
func TestIntFloatComparisonsExact(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"9007199254740993 == 9007199254740992.0", "false"},
		{"9007199254740993 != 9007199254740992.0", "true"},
		{"9007199254740992 == 9007199254740992.0", "true"},
		{"9007199254740993 > 9007199254740992.0", "true"},
		{"9007199254740992.0 < 9007199254740993", "true"},
		{"9007199254740993 <= 9007199254740992.0", "false"},
		{"9223372036854775807 < 9223372036854775808.0", "true"},
		{"contains([9007199254740993], 9007199254740992.0)", "false"},
		{"contains([9007199254740992.0], 9007199254740992)", "true"},
		{"2 == 2.0", "true"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			path := writeScenario(t, varsHead+"variable \"x\" { default = "+tc.expr+" }\nentity \"u\" {\n  count = 1\n}\n")
			plan := compileFile(t, path, nil, nil)
			if got := plan.Vars[0].Value.String(); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
		})
	}
}

// TestConstantIndexNotAnInteger: a constant index step that is not an
// integer (var.xs[1.5]) finds nothing, as xs[KEY] does with such a key;
// it was truncated to var.xs[1].
func TestConstantIndexNotAnInteger(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"var.xs[1]", "[20]"},
		{"var.xs[1.5]", "[null]"},
		{"var.xs[1.0]", "[20]"},
		{"var.xs[99999999999999999999.0]", "[null]"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			path := writeScenario(t, varsHead+"variable \"xs\" { default = [10, 20, 30] }\nvariable \"x\" { default = ["+tc.expr+"] }\nentity \"u\" {\n  count = 1\n}\n")
			plan := compileFile(t, path, nil, nil)
			if got := plan.Vars[1].Value.String(); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
		})
	}
}

// TestMinMaxExact: min and max compare ints (and an int with a float) by
// exact value; as floats, 2^53 and 2^53+1 were equal and the first won.
// An int with a float gives a float: max(2^53 as a float, 2^53+1) picks
// the int, which as a float is 2^53.
func TestMinMaxExact(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"max(9007199254740992, 9007199254740993)", "9007199254740993"},
		{"min(9007199254740993, 9007199254740992)", "9007199254740992"},
		{"max(9007199254740992.0, 9007199254740993)", "9.007199254740992e+15"},
		{"max(9007199254740993, 9007199254740992)", "9007199254740993"},
		{"min(9007199254740993, 9007199254740992.0)", "9.007199254740992e+15"},
		{"max(1, 2.5, 2)", "2.5"},
		{"min(3, 1, 2)", "1"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			path := writeScenario(t, varsHead+"variable \"x\" { default = "+tc.expr+" }\nentity \"u\" {\n  count = 1\n}\n")
			plan := compileFile(t, path, nil, nil)
			if got := plan.Vars[0].Value.String(); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
		})
	}
}
