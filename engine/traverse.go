package engine

import "github.com/hashicorp/hcl/v2"

// secondName returns NAME in a reference such as entity.NAME. It is false
// for anything else, including entity.0 and entity[0], whose second step
// is an index (found by FuzzCompile: the step used to be assumed a name).
func secondName(t hcl.Traversal) (string, bool) {
	if len(t) != 2 {
		return "", false
	}
	a, ok := t[1].(hcl.TraverseAttr)
	return a.Name, ok
}
