// Package rec defines what the engine hands to sinks: the shape of every
// record a scenario can emit (known at compile time) and the record itself.
// Sinks precompute their encodings from these shapes.
package rec

import "github.com/scenhq/scen/stdlib"

// FieldKind says how a field's value is produced.
type FieldKind uint8

const (
	Leaf   FieldKind = iota // one value in Record.Vals[Slot]
	Object                  // a fixed set of named children
	List                    // a fixed list of children (names empty)
	JSON                    // the single child, encoded as a JSON string
)

// Field is one node of an emit's field tree.
type Field struct {
	Name string
	Kind FieldKind
	Slot int         // Leaf only
	Type stdlib.Kind // Leaf only: static type (stdlib.Any if unknown)
	// Const is the leaf's value when it is the same in every record (a
	// literal, state.name, anything folded at compile time), so encoders
	// can render it once. Record.Vals still holds it.
	Const    *stdlib.Value
	Children []*Field
}

// Emit is the shape of the records one emit block produces.
type Emit struct {
	ID     int // index among the stream's emits
	Stream *Stream
	Fields []*Field
	Leaves int
	Where  string // "flow.state" for messages
}

// Column is one top-level field of a stream (the union over its emits).
type Column struct {
	Name string
	Type stdlib.Kind // stdlib.Any when emits disagree or the field is nested
}

// Stream is a named record stream: the union of the emits that write to it.
type Stream struct {
	Name    string
	Columns []Column
	Emits   []*Emit
}

// Record is one emitted record. Vals are only valid during the call that
// receives the record (strings may point into a reused arena).
type Record struct {
	Emit *Emit
	Vals []stdlib.Value
	Time int64 // event time, ms since epoch
}
