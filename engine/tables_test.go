package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scenhq/scen/dsl"
)

// TestTreeTablesShareABuild: the tables of two entities of one tree (a
// city and its shops) come from one compile-time build when nothing of the
// tree was compiled in between, and from a new one when a child was (the
// older build lacks it). Either way each table holds every row.
func TestTreeTablesShareABuild(t *testing.T) {
	const city = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "city" {
  count = 3
  attributes { name = "c${index}" }
}
`
	const shop = `
entity "shop" {
  parent = entity.city
  count  = 2
  attributes { id = "${city.name}-s${index}" }
}
`
	const client = `
entity "client" {
  count = 4
  attributes { home = choice(entity.city).name }
}
`
	const buyer = `
entity "buyer" {
  count = 4
  attributes { shop = choice(entity.shop).id }
}
`
	for _, tc := range []struct {
		name   string
		src    string
		builds int
	}{
		{"both tables after the child", city + shop + client + buyer, 1},
		{"city table before the child", city + client + shop + buyer, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			builds := 0
			onRootBuild = func(*EntityPlan) { builds++ }
			defer func() { onRootBuild = nil }()
			sc, diags := dsl.ParseSource("t.hcl", []byte(tc.src))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			p, diags := Compile(sc, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if builds != tc.builds {
				t.Errorf("%d builds of the city tree, want %d", builds, tc.builds)
			}
			var cities, shops []string
			for _, ep := range p.Entities {
				for _, r := range ep.table.List() {
					switch ep.Name {
					case "city":
						v, _ := r.Obj().Get("name")
						cities = append(cities, v.S)
					case "shop":
						v, _ := r.Obj().Get("id")
						shops = append(shops, v.S)
					}
				}
			}
			if want := []string{"c0", "c1", "c2"}; !slices.Equal(cities, want) {
				t.Errorf("city table %v, want %v", cities, want)
			}
			var want []string
			for c := range 3 {
				for s := range 2 {
					want = append(want, fmt.Sprintf("c%d-s%d", c, s))
				}
			}
			if !slices.Equal(shops, want) {
				t.Errorf("shop table %v, want %v", shops, want)
			}
		})
	}
}
