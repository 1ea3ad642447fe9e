// Package dsl parses and decodes scenario files into a model. It keeps every
// expression as an hcl.Expression and every block's ranges, and reports
// problems as hcl.Diagnostics; it evaluates nothing and knows nothing of how
// the engine runs or how sinks write.
package dsl

import (
	"github.com/hashicorp/hcl/v2"
)

// Scenario is the decoded content of one scenario (a file or a directory).
type Scenario struct {
	// Files maps each source file name to its parsed form, for snippets.
	Files map[string]*hcl.File
	// Sources lists the file names in the order they were read.
	Sources []string

	Settings      *Settings
	Variables     []*Variable
	Distributions []*Distribution
	Entities      []*Entity
	Flows         []*Flow
	Sinks         []*Sink
	Experiments   []*Experiment
	Datasets      []*Dataset
	Constraints   []*Constraint
	// Modules lists every module instance, an including one before those
	// it includes; their definitions are in the lists above (module.go).
	Modules []*Module
}

// Constraint is a per-actor timing rule over the events of some flows.
type Constraint struct {
	Name       string
	Flows      hcl.Expression // [flow.a, flow.b]
	MinGap     hcl.Expression // minimum time between two events of one actor
	Rebuild    hcl.Expression // random gap after the last event when one falls too close
	MaxPerDay  hcl.Expression // events per actor per local day
	QuietHours hcl.Expression // ["22:00", "07:00"]: no events in this local-time span
	States     hcl.Expression // ["request"]: only these states' events are checked and counted
	DeclRange  hcl.Range
	NameRange  hcl.Range
}

// Dataset is a reference table read at compile time, or a filtered view of another.
type Dataset struct {
	Name      string
	Path      string // relative to the scenario file's directory
	PathRange hcl.Range
	// PathExpr is a path built from variables (var.input,
	// "${var.dir}/x.csv"), which the compiler evaluates; Path is then "".
	PathExpr  hcl.Expression
	From      hcl.Expression // dataset.OTHER (with Where)
	Where     hcl.Expression // row filter over row.COLUMN
	Dir       string         // directory of the declaring file
	DeclRange hcl.Range
	NameRange hcl.Range
}

// HasPath tells whether the dataset is read from a file (path = …),
// rather than filtered from another (from = dataset.OTHER).
func (d *Dataset) HasPath() bool { return d.Path != "" || d.PathExpr != nil }

// Experiment assigns units (e.g. users) to groups by hashing.
type Experiment struct {
	Name      string
	Unit      hcl.Expression
	During    hcl.Expression // [start, end)
	Groups    hcl.Expression // { control = 0.5, treatment = 0.5 }
	Salt      hcl.Expression
	Params    []*ExpParam
	DeclRange hcl.Range
	NameRange hcl.Range
}

// ExpParam is a per-group value, with optional per-segment overrides.
type ExpParam struct {
	Name      string
	Values    []*Attr // group name (or "default") = value
	Overrides []*ExpOverride
	DeclRange hcl.Range
	NameRange hcl.Range
}

// ExpOverride replaces a param's per-group values for actors matching When.
type ExpOverride struct {
	When      hcl.Expression
	Values    []*Attr
	DeclRange hcl.Range
}

// Settings is the scenario block.
type Settings struct {
	Name      string
	Seed      hcl.Expression // may be nil
	Timezone  hcl.Expression
	Start     hcl.Expression
	End       hcl.Expression
	Runs      string // runs directory relative to --out (<runs>/<run-id>/, <runs>/latest); "" = none
	RunsRange hcl.Range
	DeclRange hcl.Range
	NameRange hcl.Range
}

// Variable is an input that --var can override.
type Variable struct {
	Name        string
	Default     hcl.Expression // may be nil: then --var is required
	Type        string         // "string", "number", "bool", "list", "object" or "" (inferred from the default)
	TypeRange   hcl.Range
	Description string
	DeclRange   hcl.Range
	NameRange   hcl.Range
}

// Distribution is a named, reusable sampler or profile.
type Distribution struct {
	Name string
	// Kind is "value", "hourly", "weekly", "monthly" or "dates": the attribute that defined it.
	Kind      string
	Expr      hcl.Expression
	DeclRange hcl.Range
	NameRange hcl.Range
}

// Attr is one named expression in declaration order.
type Attr struct {
	Name      string
	Expr      hcl.Expression
	NameRange hcl.Range
	Range     hcl.Range
}

// Entity is a population of actors.
type Entity struct {
	Name string
	// Parent, when set (parent = entity.NAME), makes every actor of the
	// parent own Count (evaluated per parent) actors of this entity.
	Parent     hcl.Expression
	Count      hcl.Expression
	Attributes []*Attr
	DeclRange  hcl.Range
	NameRange  hcl.Range
}

// Session describes when an actor's sessions of a flow start and how long they run.
type Session struct {
	Count     hcl.Expression // sessions per actor; nil = until the scenario ends
	Start     hcl.Expression // offset of the first session from scenario start
	Every     hcl.Expression // offset between consecutive session starts
	Arrivals  hcl.Expression // alternative to Start/Every: a Poisson arrival process
	MaxEvents hcl.Expression // events per session cap
	// Zone is the actor's time zone (an IANA name), read once per actor:
	// the arrivals' profiles, dates and active days, and the quiet hours
	// and max_per_day of constraints over the flow, are in it. Nil: the
	// scenario's zone.
	Zone      hcl.Expression
	DeclRange hcl.Range
}

// Flow is an event-flow state machine run by every actor of one entity.
type Flow struct {
	Name    string
	Actor   hcl.Expression
	Session *Session
	Gap     hcl.Expression
	Initial hcl.Expression
	States  []*State
	// Commons are fields shared by every emit to a stream in this flow
	// (common "events" { … }); an emit adds fields or replaces them in place.
	Commons   []*Emit
	DeclRange hcl.Range
	NameRange hcl.Range
}

// State is one node of a flow.
type State struct {
	Name        string
	Emits       []*Emit
	Set         []*Attr
	Remember    []*Attr // actor memory that outlives the session
	Next        hcl.Expression
	Transitions []*Transition
	Delay       hcl.Expression
	DeclRange   hcl.Range
	NameRange   hcl.Range
}

// Transition is one guarded or probabilistic edge of a state.
type Transition struct {
	To          string
	ToRange     hcl.Range
	When        hcl.Expression
	Probability hcl.Expression
	Weight      hcl.Expression
	Otherwise   bool
	DeclRange   hcl.Range
}

// Emit writes one record to a named stream.
type Emit struct {
	Stream      string
	Fields      []*Attr
	ForEach     hcl.Expression // for_each = LIST: one record per element (each.value, each.index); nil: one record
	DeclRange   hcl.Range
	StreamRange hcl.Range
}

// Sink is an output. Type and Stream are common to every sink; the rest of
// the body belongs to the sink type, which decodes it against its own spec.
type Sink struct {
	Name        string
	Type        string
	TypeRange   hcl.Range
	Stream      string
	StreamRange hcl.Range
	Body        hcl.Body
	DeclRange   hcl.Range
	NameRange   hcl.Range
}
