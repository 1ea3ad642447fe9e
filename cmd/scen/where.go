package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// whereError is a --where condition failing on a record (a type the
// condition cannot use, known only from the record's values): a usage
// error, reported without the preview's internal sink.
type whereError struct{ err error }

func (e *whereError) Error() string { return "--where: " + e.err.Error() }

// whereFilter compiles a preview filter with expr-lang: the record's
// top-level fields are variables (event_name == "ad_click" && rank <= 3).
// The program is compiled once and run per record. A record leaves its
// null fields out, so a field may be missing from some records; a name
// that is none of the stream's fields (when cols is not nil) is a typo
// that would match nothing, and an error.
//
// The fields' static types are given to the compiler, so a condition that
// is not a bool (--where 'name', a string) or compares mismatched types is
// an error before any record is generated. Numbers are read exactly: an
// int field is a Go int, so ids above 2^53 compare exactly.
func whereFilter(src string, cols []rec.Column) (func([]byte) (bool, error), error) {
	var fields []string
	kinds := map[string]stdlib.Kind{}
	env := map[string]any{}
	if cols != nil {
		fields = make([]string, len(cols))
	}
	for i, c := range cols {
		fields[i] = c.Name
		kinds[c.Name] = c.Type
		// Time and duration fields are written as strings.
		switch c.Type {
		case stdlib.Bool:
			env[c.Name] = false
		case stdlib.Int:
			env[c.Name] = 0
		case stdlib.Float:
			env[c.Name] = 0.0
		case stdlib.String, stdlib.Time, stdlib.Duration:
			env[c.Name] = ""
		}
	}
	used, err := checkFields(src, fields)
	if err != nil {
		return nil, err
	}
	prog, err := expr.Compile(src, expr.Env(env), expr.AsBool(), expr.AllowUndefinedVariables())
	if err != nil {
		return nil, fmt.Errorf("--where: %v", err)
	}
	var machine vm.VM
	return func(b []byte) (bool, error) {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var rec map[string]any
		if err := d.Decode(&rec); err != nil {
			return false, err
		}
		for k, v := range rec {
			rec[k] = exactNumbers(v, kinds[k])
		}
		out, err := machine.Run(prog, rec)
		if err != nil {
			// A field the record leaves out (null) does not compare:
			// such a record does not match. Any other failure is the
			// condition's.
			for _, f := range used {
				if _, ok := rec[f]; !ok {
					return false, nil
				}
			}
			return false, &whereError{err}
		}
		ok, isBool := out.(bool)
		if !isBool {
			return false, &whereError{fmt.Errorf("the condition is %T, not a bool", out)}
		}
		return ok, nil
	}, nil
}

// exactNumbers turns the json.Numbers of a decoded value into Go ints
// (an integer literal, or any number of an int field) or float64s (a
// float field, or a number with a fraction or exponent).
func exactNumbers(v any, k stdlib.Kind) any {
	switch x := v.(type) {
	case json.Number:
		if k != stdlib.Float {
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return int(i)
			}
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i, e := range x {
			x[i] = exactNumbers(e, stdlib.Any)
		}
	case map[string]any:
		for key, e := range x {
			x[key] = exactNumbers(e, stdlib.Any)
		}
	}
	return v
}

// isWhereError reports whether err is a --where condition failing on a
// record, and returns it.
func isWhereError(err error) (*whereError, bool) {
	var we *whereError
	ok := errors.As(err, &we)
	return we, ok
}

// checkFields returns the fields src reads (the names it does not declare
// itself with let x = …), and an error for the first that is not one of
// fields (none when fields is nil).
func checkFields(src string, fields []string) ([]string, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		if strings.Contains(err.Error(), `unexpected token Operator("=")`) {
			// event_name = "x": SQL's comparison, or HCL's.
			return nil, fmt.Errorf("--where: a single = is not a comparison: write == (event_name == \"ad_click\"): %v", err)
		}
		return nil, fmt.Errorf("--where: %v", err)
	}
	v := &names{declared: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	var used []string
	for _, id := range v.used {
		if v.declared[id] {
			continue
		}
		if fields != nil && !known[id] && (id == "null" || id == "NULL") {
			// HCL's and SQL's null: expr-lang's is nil.
			return nil, fmt.Errorf("--where: expr-lang writes null as nil: a null field is left out of the record, and reads as nil (score == nil, or score != nil for the records that have one)")
		}
		if fields != nil && !known[id] {
			return nil, fmt.Errorf("--where: the stream has no field %q (fields: %s).%s", id, strings.Join(fields, ", "), engine.Suggest(id, fields))
		}
		used = append(used, id)
	}
	return used, nil
}

// names collects the identifiers an expr-lang tree reads and declares.
type names struct {
	used     []string
	declared map[string]bool
}

func (v *names) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		v.used = append(v.used, x.Value)
	case *ast.VariableDeclaratorNode:
		v.declared[x.Name] = true
	}
}
