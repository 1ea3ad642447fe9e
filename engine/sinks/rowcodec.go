package sinks

import (
	"encoding/binary"
	"math"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// Columnar sinks (parquet, postgres) write every record as one row over the
// stream's columns: the union of the top-level fields of its emits, in
// first-seen order. A column's storage type is fixed when the scenario is
// compiled, from the column's static type.

// ColumnKind is how a columnar sink stores a column with static type t: as
// itself when it is a scalar, as JSON text otherwise (stdlib.Any): nested
// fields, lists and objects, json(...) fields, columns whose emits disagree,
// and columns that are only ever null. Readers of such a column (scen
// report) decode the text.
func ColumnKind(t stdlib.Kind) stdlib.Kind {
	switch t {
	case stdlib.Bool, stdlib.Int, stdlib.Float, stdlib.String, stdlib.Time, stdlib.Duration:
		return t
	}
	return stdlib.Any
}

// columnKinds returns the storage kind of every column of s.
func columnKinds(s *rec.Stream) []stdlib.Kind {
	out := make([]stdlib.Kind, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = ColumnKind(c.Type)
	}
	return out
}

// columnMapper maps each emit's fields onto the stream's columns. It is
// owned by one encoder (one worker): the JSON encoder keeps scratch space.
type columnMapper struct {
	json  *JSONEncoder
	kinds []stdlib.Kind
	cols  [][]*jsonNode // by emit ID: the node of each column, nil when the emit lacks it
}

func newColumnMapper(s *rec.Stream, tf *stdlib.TimeFormatter) *columnMapper {
	m := &columnMapper{json: NewJSONEncoder(s, tf), kinds: columnKinds(s), cols: make([][]*jsonNode, len(s.Emits))}
	for _, em := range s.Emits {
		row := make([]*jsonNode, len(s.Columns))
		for ci, c := range s.Columns {
			for fi, f := range em.Fields {
				if f.Name == c.Name {
					row[ci] = m.json.layouts[em.ID][fi]
				}
			}
		}
		m.cols[em.ID] = row
	}
	return m
}

// appendJSONText appends the JSON text of n. A json(...) field holds its
// content's JSON text itself (not a JSON string wrapping it), as in CSV.
func (m *columnMapper) appendJSONText(dst []byte, n *jsonNode, vals []stdlib.Value) []byte {
	if n.kind == rec.JSON {
		n = n.children[0]
	}
	return m.json.appendNode(dst, n, vals)
}

// isNull reports whether column node n of a record is SQL/Parquet null:
// absent from the emit, or a leaf whose value is null.
func isNull(n *jsonNode, vals []stdlib.Value) bool {
	return n == nil || (n.kind == rec.Leaf && vals[n.slot].K == stdlib.Null)
}

// The binary row the parquet encoder hands to the sink's writer: for every
// column, one tag byte and its payload. Rows are self-delimiting; the
// writer checks that each row ends where the engine says it does.
const (
	rcNull  byte = iota
	rcFalse      // bool false
	rcTrue       // bool true
	rcInt        // 8 bytes little-endian: int, time (ms since the epoch) or duration (ms)
	rcFloat      // 8 bytes little-endian IEEE 754
	rcText       // 4-byte little-endian length and UTF-8 bytes: a string, or JSON text in an Any column
	rcBad        // 1 byte: the stdlib.Kind of a value that does not fit the column's type
)

// rowEncoder encodes records as binary rows (see rcNull).
type rowEncoder struct {
	m *columnMapper
}

func newRowEncoder(s *rec.Stream, tf *stdlib.TimeFormatter) *rowEncoder {
	return &rowEncoder{m: newColumnMapper(s, tf)}
}

// Encode implements Encoder.
func (e *rowEncoder) Encode(dst []byte, r *rec.Record) []byte {
	m := e.m
	for ci, n := range m.cols[r.Emit.ID] {
		if isNull(n, r.Vals) {
			dst = append(dst, rcNull)
			continue
		}
		k := m.kinds[ci]
		if k == stdlib.Any {
			dst = append(dst, rcText, 0, 0, 0, 0)
			at := len(dst)
			dst = m.appendJSONText(dst, n, r.Vals)
			binary.LittleEndian.PutUint32(dst[at-4:], uint32(len(dst)-at))
			continue
		}
		if n.kind != rec.Leaf { // a typed column is only ever a leaf
			dst = append(dst, rcBad, byte(stdlib.Object))
			continue
		}
		v := r.Vals[n.slot]
		switch {
		case v.K == k && (k == stdlib.Int || k == stdlib.Time || k == stdlib.Duration):
			dst = append(dst, rcInt)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v.I))
		case v.K == k && k == stdlib.Float:
			dst = append(dst, rcFloat)
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.Float()))
		case k == stdlib.Float && v.K == stdlib.Int: // int and float emits unify to float
			dst = append(dst, rcFloat)
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(float64(v.I)))
		case v.K == k && k == stdlib.Bool:
			if v.I != 0 {
				dst = append(dst, rcTrue)
			} else {
				dst = append(dst, rcFalse)
			}
		case v.K == k && k == stdlib.String:
			dst = append(dst, rcText)
			dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v.S)))
			dst = append(dst, v.S...)
		default:
			dst = append(dst, rcBad, byte(v.K))
		}
	}
	return dst
}
