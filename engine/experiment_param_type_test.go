package engine_test

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestExperimentParamType: a field that writes an experiment param has the
// kind its values share (so Parquet and PostgreSQL get a typed column, not
// JSON text): one kind as it is, ints mixed with floats as float, any
// other mix untyped.
func TestExperimentParamType(t *testing.T) {
	for _, tc := range []struct {
		name, param, want string
	}{
		{"floats", "control = 4.99\n    cheap = 1.99", "float"},
		{"ints", "control = 5\n    cheap = 2", "int"},
		{"strings", `control = "a"` + "\n    cheap = \"b\"", "string"},
		{"bools", "control = true\n    cheap = false", "bool"},
		{"int and float", "control = 5\n    cheap = 1.99", "float"},
		{"float default", "control = 5\n    cheap = 2\n    default = 0.5", "float"},
		{"string default", "control = 5\n    cheap = 2\n    default = \"off\"", "any"},
		{"override", "control = 5\n    cheap = 2\n    override {\n      when = u.n > 0\n      cheap = 2.5\n    }", "float"},
		{"override string", "control = 5\n    cheap = 2\n    override {\n      when = u.n > 0\n      cheap = \"x\"\n    }", "any"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "u" {
  count = 2
  attributes {
    id = "u${index}"
    n  = index
  }
}
experiment "x" {
  unit   = u.id
  groups = { control = 0.5, cheap = 0.5 }
  param "p" {
    ` + tc.param + `
  }
}
flow "f" {
  actor = entity.u
  session { max_events = 1 }
  initial = "s"
  state "s" {
    emit "ev" { x = experiment.x.p }
  }
}
sink "o" {
  type   = "parquet"
  stream = "ev"
  path   = "ev.parquet"
}
`
			plan := compileSrc(t, "s.hcl", src)
			col := plan.Streams[0].Columns[0]
			got := col.Type.String()
			if col.Type == stdlib.Any {
				got = "any"
			}
			if got != tc.want {
				t.Fatalf("x is %s, want %s", got, tc.want)
			}
		})
	}
}
