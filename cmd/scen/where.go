package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/scenhq/scen/engine"
)

// whereFilter compiles a preview filter with expr-lang: the record's
// top-level fields are variables (event_name == "ad_click" && rank <= 3).
// The program is compiled once and run per record. A record leaves its
// null fields out, so a field may be missing from some records; a name
// that is none of the stream's fields (when fields is not nil) is a typo
// that would match nothing, and an error.
func whereFilter(src string, fields []string) (func([]byte) (bool, error), error) {
	prog, err := expr.Compile(src, expr.AsBool(), expr.AllowUndefinedVariables())
	if err != nil {
		return nil, fmt.Errorf("--where: %v", err)
	}
	used, err := checkFields(src, fields)
	if err != nil {
		return nil, err
	}
	var machine vm.VM
	return func(b []byte) (bool, error) {
		var rec map[string]any
		if err := json.Unmarshal(b, &rec); err != nil {
			return false, err
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
			return false, fmt.Errorf("--where: %v", err)
		}
		return out.(bool), nil
	}, nil
}

// checkFields returns the fields src reads (the names it does not declare
// itself with let x = …), and an error for the first that is not one of
// fields (none when fields is nil).
func checkFields(src string, fields []string) ([]string, error) {
	tree, err := parser.Parse(src)
	if err != nil {
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
