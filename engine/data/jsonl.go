package data

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scenhq/scen/stdlib"
)

// maxJSONDepth bounds the nesting of arrays and objects in a JSONL value.
const maxJSONDepth = 1000

// loadJSONL reads one JSON object per line (blank lines are skipped). The
// columns are the union of the top-level keys in first-seen order; nested
// arrays and objects become (frozen) List and Object values with their keys
// in source order. A top-level key given twice in a record is an error, as
// a column named twice in a CSV header is (encoding/json would keep the
// last value, and the first would be lost unseen). It stops after max
// records (0: all).
func loadJSONL(r io.Reader, name string, max int) (*Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	b := &budget{name: name}
	t := &Table{}
	colIdx := map[string]int{}
	var (
		row  []stdlib.Value // the row being read
		buf  []byte
		cur  int   // the line being read
		seen []int // per column, the last line that set it
	)
	set := func(key string, v stdlib.Value) error {
		j, ok := colIdx[key]
		if !ok {
			j = len(t.Columns)
			colIdx[key] = j
			t.Columns = append(t.Columns, key)
			seen = append(seen, 0)
		}
		if seen[j] == cur {
			return dupKeyError(name, cur, key)
		}
		seen[j] = cur
		for len(row) <= j {
			row = append(row, stdlib.NullV())
		}
		row[j] = v
		return nil
	}
	for line := 1; ; line++ {
		cur = line
		text, rerr := readLine(br, buf, name, line)
		buf = text[:0]
		if rerr != nil && rerr != io.EOF {
			return nil, rerr
		}
		before := len(text) // to count columns from the start of the line
		text = bytes.TrimLeft(text, " \t")
		lead := before - len(text)
		text = bytes.TrimSpace(text)
		if len(text) > 0 {
			row = make([]stdlib.Value, len(t.Columns))
			if err := parseLine(text, name, line, lead, set); err != nil {
				if errors.Is(err, errIncomplete) && rerr == io.EOF {
					// The last line, with no newline after it: a file
					// cut short, more likely than a record split over lines.
					return nil, fmt.Errorf("%s: line %d, the last: the file ends in the middle of a JSON record (truncated?)", name, line)
				}
				return nil, err
			}
			if err := b.addLine(int64(len(text))+rowOverhead+int64(len(row))*valueSize, line); err != nil {
				return nil, err
			}
			t.Rows = append(t.Rows, row)
			if max > 0 && len(t.Rows) >= max {
				break
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s has no rows (the file is empty)", name)
	}
	// Rows read before a column first appeared lack it.
	nc := len(t.Columns)
	var pad int64
	for _, r := range t.Rows {
		pad += int64(nc-len(r)) * valueSize
	}
	if err := b.add(pad, "all rows"); err != nil {
		return nil, err
	}
	for i, r := range t.Rows {
		if len(r) < nc {
			t.Rows[i] = append(r, make([]stdlib.Value, nc-len(r))...)
		}
	}
	t.Types = make([]stdlib.Kind, nc)
	for j := range t.Columns {
		t.Types[j] = unify(t.Rows, j)
	}
	return t, nil
}

// unify gives column j one kind: the kind of its non-null cells if they
// agree, Float if they are Int and Float (Int cells are converted), String
// if they are Int and integers beyond int64 (kept as their text, see
// number; the Int cells become text too, as in a CSV column), else
// stdlib.Any (cells keep their own kinds). An all-null column is Null.
func unify(rows [][]stdlib.Value, j int) stdlib.Kind {
	var kinds uint32 // a bit per kind present
	bigOnly := true  // every String cell is an integer beyond int64
	for _, r := range rows {
		v := r[j]
		kinds |= 1 << v.K
		if v.K == stdlib.String && bigOnly {
			bigOnly = bigInt(v.S)
		}
	}
	kinds &^= 1 << stdlib.Null
	const (
		i, f, str = 1 << stdlib.Int, 1 << stdlib.Float, 1 << stdlib.String
	)
	switch {
	case kinds == 0:
		return stdlib.Null
	case kinds&(kinds-1) == 0: // one kind
		return stdlib.Kind(bits.TrailingZeros32(kinds))
	case kinds == i|f:
		for _, r := range rows {
			if r[j].K == stdlib.Int {
				r[j] = stdlib.FloatV(float64(r[j].I))
			}
		}
		return stdlib.Float
	case kinds == i|str && bigOnly:
		for _, r := range rows {
			if r[j].K == stdlib.Int {
				r[j] = stdlib.StrV(strconv.FormatInt(r[j].I, 10))
			}
		}
		return stdlib.String
	}
	return stdlib.Any
}

// bigInt reports whether s is an integer beyond the int64 range.
func bigInt(s string) bool {
	if !intSyntax(s) {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err != nil
}

// readLine reads one line into buf (reused), however long, within the
// memory limit. It returns io.EOF with the last line.
func readLine(br *bufio.Reader, buf []byte, name string, line int) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			if int64(len(buf)) > maxTableBytes {
				return buf, fmt.Errorf("%s: line %d: the line is longer than %s", name, line, humanBytes(maxTableBytes))
			}
			continue
		}
		if err != nil && err != io.EOF {
			return buf, readError(name, "line "+strconv.Itoa(line), err)
		}
		return buf, err
	}
}

// parseLine parses one line's object, calling set for each top-level
// field in source order. Valid lines take a fast path over the bytes; the
// others go through json.Decoder's tokens, which words the error.
func parseLine(text []byte, name string, line, lead int, set func(string, stdlib.Value) error) error {
	p := &jsonParser{name: name, line: line, lead: lead, where: "line " + strconv.Itoa(line)}
	if text[0] == '{' && json.Valid(text) {
		f := &fastJSON{b: text, p: p}
		f.i = 1
		return f.fields(1, set)
	}
	p.dec = json.NewDecoder(bytes.NewReader(text))
	p.dec.UseNumber()
	return p.object(set)
}

// fastJSON parses text that json.Valid accepted, so it checks only what
// Valid does not: nesting depth and number range. It decodes exactly as
// encoding/json does.
type fastJSON struct {
	b []byte
	i int
	p *jsonParser
}

func (f *fastJSON) ws() {
	for f.i < len(f.b) {
		switch f.b[f.i] {
		case ' ', '\t', '\r', '\n':
			f.i++
		default:
			return
		}
	}
}

// fields parses an object's members after its '{', through its '}'.
func (f *fastJSON) fields(depth int, set func(string, stdlib.Value) error) error {
	for {
		f.ws()
		switch f.b[f.i] {
		case '}':
			f.i++
			return nil
		case ',':
			f.i++
			f.ws()
		}
		key := f.str()
		f.ws()
		f.i++ // ':'
		v, err := f.value(depth)
		if err != nil {
			return err
		}
		if err := set(key, v); err != nil {
			return err
		}
	}
}

// value parses one value.
func (f *fastJSON) value(depth int) (stdlib.Value, error) {
	f.ws()
	switch c := f.b[f.i]; c {
	case '"':
		return stdlib.StrV(f.str()), nil
	case 't':
		f.i += 4
		return stdlib.BoolV(true), nil
	case 'f':
		f.i += 5
		return stdlib.BoolV(false), nil
	case 'n':
		f.i += 4
		return stdlib.NullV(), nil
	case '[', '{':
		if depth >= maxJSONDepth {
			return stdlib.Value{}, f.p.tooDeep()
		}
		f.i++
		if c == '{' {
			keys, vals, err := collect(func(set func(string, stdlib.Value) error) error { return f.fields(depth+1, set) })
			if err != nil {
				return stdlib.Value{}, err
			}
			return stdlib.Freeze(stdlib.ObjV(keys, vals)), nil
		}
		l := []stdlib.Value{}
		for {
			f.ws()
			switch f.b[f.i] {
			case ']':
				f.i++
				return stdlib.Freeze(stdlib.ListV(l)), nil
			case ',':
				f.i++
			}
			v, err := f.value(depth + 1)
			if err != nil {
				return stdlib.Value{}, err
			}
			l = append(l, v)
		}
	}
	start := f.i
	for f.i < len(f.b) && strings.IndexByte("+-.0123456789eE", f.b[f.i]) >= 0 {
		f.i++
	}
	return f.p.number(json.Number(f.b[start:f.i]))
}

// str parses a string at f.i, which is its opening quote.
func (f *fastJSON) str() string {
	start := f.i
	escaped := false
	for f.i++; f.b[f.i] != '"'; f.i++ {
		if f.b[f.i] == '\\' {
			escaped = true
			f.i++
		}
	}
	f.i++
	if raw := f.b[start+1 : f.i-1]; !escaped && utf8.Valid(raw) {
		return string(raw)
	}
	// Escapes (or invalid UTF-8, which utf8Reader has already refused):
	// as encoding/json.
	var s string
	if err := json.Unmarshal(f.b[start:f.i], &s); err != nil {
		return string(f.b[start+1 : f.i-1]) // unreachable: the text is valid
	}
	return s
}

// collect gathers a nested object's fields; a repeated key keeps its
// first position and its last value, as in encoding/json. (A nested
// object is a value, not a row: its keys are no columns, and scen report
// reads nested values with it, through JSONValue, as encoding/json would.)
func collect(parse func(func(string, stdlib.Value) error) error) ([]string, []stdlib.Value, error) {
	var keys []string
	var vals []stdlib.Value
	err := parse(func(k string, v stdlib.Value) error {
		for i, have := range keys {
			if have == k {
				vals[i] = v
				return nil
			}
		}
		keys = append(keys, k)
		vals = append(vals, v)
		return nil
	})
	return keys, vals, err
}

// jsonParser turns one line's tokens into values, keeping key order.
type jsonParser struct {
	dec   *json.Decoder
	name  string
	line  int
	lead  int // bytes before the text being parsed (indentation)
	where string
}

// object parses the line's top-level object, calling set for each field,
// and requires that nothing follows it.
func (p *jsonParser) object(set func(string, stdlib.Value) error) error {
	tok, err := p.dec.Token()
	if err != nil {
		return p.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: %s: each line must be a JSON object, not %s", p.name, p.where, describe(tok))
	}
	if err := p.fields(1, set); err != nil {
		return err
	}
	if tok, err := p.dec.Token(); err != io.EOF {
		if err != nil {
			return p.syntax(err)
		}
		return fmt.Errorf("%s: %s: %s follows the object; put one object per line", p.name, p.where, describe(tok))
	}
	return nil
}

// fields parses an object's members after its '{', through its '}'.
func (p *jsonParser) fields(depth int, set func(string, stdlib.Value) error) error {
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return p.syntax(err)
		}
		key, _ := tok.(string) // the decoder guarantees a string key
		v, err := p.value(depth)
		if err != nil {
			return err
		}
		if err := set(key, v); err != nil {
			return err
		}
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return p.syntax(err)
	}
	return nil
}

// value parses one JSON value.
func (p *jsonParser) value(depth int) (stdlib.Value, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return stdlib.Value{}, p.syntax(err)
	}
	switch x := tok.(type) {
	case nil:
		return stdlib.NullV(), nil
	case bool:
		return stdlib.BoolV(x), nil
	case string:
		return stdlib.StrV(x), nil
	case json.Number:
		return p.number(x)
	case json.Delim:
		if depth >= maxJSONDepth {
			return stdlib.Value{}, p.tooDeep()
		}
		if x == '[' {
			l := []stdlib.Value{}
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return stdlib.Value{}, err
				}
				l = append(l, v)
			}
			if _, err := p.dec.Token(); err != nil { // ']'
				return stdlib.Value{}, p.syntax(err)
			}
			return stdlib.Freeze(stdlib.ListV(l)), nil
		}
		keys, vals, err := collect(func(set func(string, stdlib.Value) error) error { return p.fields(depth+1, set) })
		if err != nil {
			return stdlib.Value{}, err
		}
		return stdlib.Freeze(stdlib.ObjV(keys, vals)), nil
	}
	return stdlib.Value{}, fmt.Errorf("%s: %s: unexpected %v", p.name, p.where, tok)
}

// number is an Int if the source text has no decimal point or exponent and
// fits in int64, else a Float. An integer beyond int64 is kept as its text
// (a String), as CSV keeps it: a float would round it, and distinct ids
// would become equal.
func (p *jsonParser) number(n json.Number) (stdlib.Value, error) {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return stdlib.IntV(i), nil
		}
		return stdlib.StrV(s), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return stdlib.Value{}, fmt.Errorf("%s: %s: the number %s is out of range", p.name, p.where, s)
	}
	return stdlib.FloatV(f), nil
}

// dupKeyError says that a record at line gives key twice.
func dupKeyError(name string, line int, key string) error {
	return fmt.Errorf("%s: line %d: the key %q appears twice in the record; each top-level key is a column, given at most once per record", name, line, key)
}

func (p *jsonParser) tooDeep() error {
	return fmt.Errorf("%s: %s: arrays and objects nest more than %d deep", p.name, p.where, maxJSONDepth)
}

// errIncomplete marks the error for a line whose JSON value is cut short
// (it adds no text).
var errIncomplete = incompleteError{}

type incompleteError struct{}

func (incompleteError) Error() string { return "" }

// syntax words a decoder error.
func (p *jsonParser) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read before the offending one.
		return fmt.Errorf("%s: line %d, column %d: invalid JSON: %v", p.name, p.line, p.lead+int(se.Offset)+1, se)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: %s: the JSON value is incomplete (a JSONL record must fit on one line)%w", p.name, p.where, errIncomplete)
	}
	return fmt.Errorf("%s: %s: invalid JSON: %v", p.name, p.where, err)
}

// describe names a token for messages.
func describe(tok json.Token) string {
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", string(x))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// JSONValue is the value a JSON lines table holds for a top-level field
// written as b, which must be valid JSON (json.Valid): objects and lists
// are frozen as the loader freezes them, numbers are ints, floats or (an
// integer beyond int64) text. It lets a reader that scans JSON lines
// itself (scen report) decode the fields it needs exactly as Load would.
func JSONValue(b []byte) (stdlib.Value, error) {
	f := &fastJSON{b: b, p: &jsonParser{name: "JSON", where: "value"}}
	return f.value(1)
}
