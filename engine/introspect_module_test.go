package engine

import (
	"testing"

	"github.com/scenhq/scen/dsl"
)

// TestAttrExprQualified: attribute fields of an entity that comes from a
// module (people.user.gender) are recognised like user.gender, so scen
// report checks their shares.
func TestAttrExprQualified(t *testing.T) {
	src := `
scenario "m" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
module "people" {
  source = "stdlib/population/users"
  count  = 10
}
flow "f" {
  actor = entity.people.user
  session {
    count = 1
  }
  initial = "a"
  state "a" {
    emit "e" {
      g = people.user.gender
      h = actor.demographic
    }
  }
}
`
	sc, diags := dsl.ParseSource("m.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	p, diags := Compile(sc, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	ep := p.Entities[0]
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"people.user.gender", true},
		{"actor.demographic", true},
		{"people.user.nope", false},
		{"user.gender", false},
		{"people.user.gender.x", false},
	} {
		if got := p.attrExpr(ep, tc.text) != nil; got != tc.ok {
			t.Errorf("attrExpr(%s, %q) found = %v, want %v", ep.Name, tc.text, got, tc.ok)
		}
	}
}
