package main

import (
	"encoding/json"
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// whereFilter compiles a preview filter with expr-lang: the record's
// top-level fields are variables (event_name == "ad_click" && rank <= 3).
// The program is compiled once and run per record.
func whereFilter(src string) (func([]byte) (bool, error), error) {
	prog, err := expr.Compile(src, expr.AsBool(), expr.AllowUndefinedVariables())
	if err != nil {
		return nil, fmt.Errorf("--where: %v", err)
	}
	var machine vm.VM
	return func(b []byte) (bool, error) {
		var rec map[string]any
		if err := json.Unmarshal(b, &rec); err != nil {
			return false, err
		}
		out, err := machine.Run(prog, rec)
		if err != nil {
			return false, fmt.Errorf("--where: %v", err)
		}
		return out.(bool), nil
	}, nil
}
