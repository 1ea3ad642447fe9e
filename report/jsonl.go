package report

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
)

// A JSON lines file is read by the report in two passes of its own
// rather than loaded whole as a data.Table (which held every field of
// every record, over 1.5 GB for a million records): the first checks the
// file as the data loader would and notes its columns and their kinds;
// the second decodes only the fields the checks read. A file the first
// pass does not accept outright (a line that is not a JSON object, a
// byte order mark, numbers out of range, deep nesting, …) is loaded with
// data.Load instead, which words the error or gives the same values.

// jsonlMeta is what the first pass learns of a file.
type jsonlMeta struct {
	columns []string
	colIdx  map[string]int
	kinds   []uint32 // per column: a bit per stdlib.Kind of its non-null cells
	bigOnly []bool   // per column: every String cell is an integer beyond int64
	rows    int
	chunks  []chunk // read side by side
}

// errFallback says the file must be read by data.Load.
var errFallback = errors.New("not read by the fast path")

// lineReader yields a file's lines (without their newline), however long.
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int
}

func (r *lineReader) next() ([]byte, bool, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.buf = append(r.buf, chunk...)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		var text []byte
		if len(r.buf) > 0 {
			r.buf = append(r.buf, chunk...)
			text = r.buf
		} else {
			text = chunk
		}
		if err == io.EOF && len(text) == 0 {
			return nil, false, nil
		}
		r.line++
		return text, true, nil
	}
}

// trimLine drops the JSON whitespace around a line.
func trimLine(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isWS(b[i]) {
		i++
	}
	for j > i && isWS(b[j-1]) {
		j--
	}
	return b[i:j]
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// keyCache maps a line's keys to column indices, remembering the key seen
// at each position: records of one stream mostly repeat their keys in one
// order, which a byte comparison confirms without hashing.
type keyCache struct {
	at []keyAt
}

type keyAt struct {
	key string
	col int
	ok  bool // set (not a place skipped by an escaped key)
}

// match says whether the JSON string at line[i] is the key cached at pos
// (which has no escapes), and returns its column and the index after it.
func (c *keyCache) match(pos int, line []byte, i int) (col, end int, ok bool) {
	if pos >= len(c.at) || !c.at[pos].ok {
		return 0, 0, false
	}
	k := c.at[pos].key
	end = i + 1 + len(k)
	if end < len(line) && line[end] == '"' && string(line[i+1:end]) == k {
		return c.at[pos].col, end + 1, true
	}
	return 0, 0, false
}

func (c *keyCache) lookup(pos int, key []byte, slow func(string) int) int {
	if pos < len(c.at) && c.at[pos].ok && c.at[pos].key == string(key) {
		return c.at[pos].col
	}
	k := string(key)
	col := slow(k)
	for len(c.at) <= pos {
		c.at = append(c.at, keyAt{col: -2})
	}
	c.at[pos] = keyAt{key: k, col: col, ok: true}
	return col
}

// scanJSONL is the first pass. It returns errFallback for anything the
// fast path does not take (data.Load then reads the file).
//
// planOf (non-nil) is called with the keys of the file's first record;
// what the plan it returns (if any) reads of every record is returned in
// w (through segs), or w is nil when the records could not be counted
// ahead (blank lines).
func scanJSONL(path string, planOf func(cols []string) *plan) (*jsonlMeta, *whole, []*segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, errFallback
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if head = head[:n]; len(head) >= 2 && (bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) || head[0] == 0xFF || head[0] == 0xFE || head[0] == 0 || head[1] == 0) {
		return nil, nil, nil, errFallback // a byte order mark, or UTF-16
	}
	chunks, err := splitLines(f)
	if err != nil {
		return nil, nil, nil, errFallback
	}
	var p *plan
	var w *whole
	segs := make([]*segment, len(chunks))
	if planOf != nil {
		p = planOf(firstKeysOf(f))
	}
	if p != nil && !p.empty() {
		// Records counted ahead by their lines, so that each chunk
		// writes its own part of the columns.
		counts := make([]int, len(chunks))
		var wg sync.WaitGroup
		for c := range chunks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				counts[c] = countLines(io.NewSectionReader(f, chunks[c].off, chunks[c].end-chunks[c].off))
			}()
		}
		wg.Wait()
		total := 0
		for _, k := range counts {
			total += k
		}
		w = p.whole(total)
		base := 0
		for c := range chunks {
			segs[c] = p.view(w, base, counts[c])
			base += counts[c]
		}
	} else {
		p = nil
	}
	// The chunks are checked side by side; their columns are merged in
	// order, which is the order of first appearance in the file.
	metas := make([]*jsonlMeta, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for c := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			metas[c], errs[c] = scanChunk(io.NewSectionReader(f, chunks[c].off, chunks[c].end-chunks[c].off), p, segs[c])
		}()
	}
	wg.Wait()
	m := &jsonlMeta{colIdx: map[string]int{}}
	for c, cm := range metas {
		if errs[c] != nil {
			return nil, nil, nil, errFallback
		}
		for j, name := range cm.columns {
			k, ok := m.colIdx[name]
			if !ok {
				k = len(m.columns)
				m.colIdx[name] = k
				m.columns = append(m.columns, name)
				m.kinds = append(m.kinds, 0)
				m.bigOnly = append(m.bigOnly, true)
			}
			m.kinds[k] |= cm.kinds[j]
			m.bigOnly[k] = m.bigOnly[k] && cm.bigOnly[j]
		}
		chunks[c].rows = cm.rows
		m.rows += cm.rows
	}
	m.chunks = chunks
	if m.rows == 0 {
		return nil, nil, nil, errFallback // data.Load words it
	}
	if w != nil {
		for c, sg := range segs {
			if sg.rows != sg.want || metas[c].rows != sg.want {
				return m, nil, nil, nil
			}
		}
	}
	return m, w, segs, nil
}

// countLines counts the lines of a chunk (the last one without its
// newline too).
func countLines(r io.Reader) int {
	buf := make([]byte, 1<<20)
	n := 0
	last := byte('\n')
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		n++
	}
	return n
}

// firstKeysOf is the keys of a file's first record (nil when it is not
// read here).
func firstKeysOf(f *os.File) []string {
	r := &lineReader{br: bufio.NewReaderSize(io.NewSectionReader(f, 0, 1<<62), 64<<10)}
	for {
		raw, ok, err := r.next()
		if err != nil || !ok {
			return nil
		}
		line := trimLine(raw)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			return nil
		}
		var keys []string
		var scratch []byte
		i := skipJSONWS(line, 1)
		for i < len(line) && line[i] == '"' {
			kEnd, ok := stringEnd(line, i)
			if !ok {
				return keys
			}
			k, err := unescape(line[i:kEnd], &scratch)
			if err != nil {
				return keys
			}
			keys = append(keys, string(k))
			i = skipJSONWS(line, kEnd)
			if i >= len(line) || line[i] != ':' {
				return keys
			}
			end, ok := skipRaw(line, skipJSONWS(line, i+1))
			if !ok {
				return keys
			}
			i = skipJSONWS(line, end)
			if i < len(line) && line[i] == ',' {
				i = skipJSONWS(line, i+1)
			}
		}
		return keys
	}
}

// chunk is a part of a file made of whole lines.
type chunk struct {
	off, end int64
	rows     int
}

// minChunk is the least size of a chunk read on its own.
var minChunk int64 = 16 << 20

// splitLines cuts a file into up to GOMAXPROCS chunks at line ends.
func splitLines(f *os.File) ([]chunk, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	n := int64(min(runtime.GOMAXPROCS(0), 8))
	if n < 1 || size < 2*minChunk {
		n = 1
	}
	var out []chunk
	off := int64(0)
	buf := make([]byte, 64<<10)
	for k := int64(1); k < n && off < size; k++ {
		at := max(off, size*k/n)
		// The chunk ends after the first newline at or after at.
		end := int64(-1)
		for p := at; p < size && end < 0; {
			m, err := f.ReadAt(buf, p)
			if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
				end = p + int64(i) + 1
			}
			p += int64(m)
			if err != nil && err != io.EOF {
				return nil, err
			}
			if m == 0 {
				break
			}
		}
		if end < 0 {
			break
		}
		out = append(out, chunk{off: off, end: end})
		off = end
	}
	if off < size || len(out) == 0 {
		out = append(out, chunk{off: off, end: size})
	}
	return out, nil
}

// scanChunk checks the lines of one chunk.
//
// With a plan, it also reads the plan's fields of each record into sg, as
// they are before the file's columns are unified (the caller drops what
// it read of a column that unifying changes).
func scanChunk(rd io.Reader, p *plan, sg *segment) (*jsonlMeta, error) {
	m := &jsonlMeta{colIdx: map[string]int{}}
	r := &lineReader{br: bufio.NewReaderSize(rd, 1<<20)}
	var kc keyCache
	var planOf []int // per column: the plan's column, or -1
	var vals []stdlib.Value
	var set []bool
	var valScratch [][]byte
	if p != nil {
		vals = make([]stdlib.Value, len(p.cols))
		set = make([]bool, len(p.cols))
		valScratch = make([][]byte, len(p.cols))
	}
	value := func(c int) stdlib.Value {
		if set[c] {
			return vals[c]
		}
		return stdlib.NullV()
	}
	newCol := func(k string) int {
		j, ok := m.colIdx[k]
		if !ok {
			j = len(m.columns)
			m.colIdx[k] = j
			m.columns = append(m.columns, k)
			m.kinds = append(m.kinds, 0)
			m.bigOnly = append(m.bigOnly, true)
			pc := -1
			if p != nil {
				pc = slices.IndexFunc(p.cols, func(c planCol) bool { return c.name == k })
			}
			planOf = append(planOf, pc)
		}
		return j
	}
	var scratch []byte
	// seen: per column, the record that last gave it (m.rows+1), so that
	// a key given twice in a record goes to data.Load, which refuses it.
	var seen []int
	for {
		raw, ok, err := r.next()
		if err != nil || !ok {
			if err != nil {
				return nil, errFallback
			}
			break
		}
		if !utf8.Valid(raw) {
			return nil, errFallback
		}
		line := trimLine(raw)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			return nil, errFallback
		}
		i := skipJSONWS(line, 1)
		if i < len(line) && line[i] == '}' {
			i++
		} else {
			for pos := 0; ; pos++ {
				if i >= len(line) || line[i] != '"' {
					return nil, errFallback
				}
				j, kEnd, ok := kc.match(pos, line, i)
				if !ok {
					// Not the key of the record before at this place.
					var esc bool
					kEnd, esc, ok = validString(line, i)
					if !ok {
						return nil, errFallback
					}
					if esc {
						k, err := unescape(line[i:kEnd], &scratch)
						if err != nil {
							return nil, errFallback
						}
						j = newCol(string(k))
					} else {
						j = kc.lookup(pos, line[i+1:kEnd-1], newCol)
					}
				}
				for len(seen) <= j {
					seen = append(seen, 0)
				}
				if seen[j] == m.rows+1 {
					return nil, errFallback // a key given twice
				}
				seen[j] = m.rows + 1
				i = skipJSONWS(line, kEnd)
				if i >= len(line) || line[i] != ':' {
					return nil, errFallback
				}
				i = skipJSONWS(line, i+1)
				if i >= len(line) {
					return nil, errFallback
				}
				start := i
				end, ok := validValue(line, i, 1)
				if !ok {
					return nil, errFallback
				}
				k, ok := topKind(line[start:end], &scratch, &m.bigOnly[j])
				if !ok {
					return nil, errFallback
				}
				m.kinds[j] |= 1 << k
				if p != nil && planOf[j] >= 0 {
					c := planOf[j]
					v, err := cellValue(line[start:end], &valScratch[c])
					if err != nil {
						return nil, errFallback
					}
					vals[c], set[c] = v, true
				}
				i = skipJSONWS(line, end)
				if i < len(line) && line[i] == ',' {
					i = skipJSONWS(line, i+1)
					continue
				}
				if i < len(line) && line[i] == '}' {
					i++
					break
				}
				return nil, errFallback
			}
		}
		if skipJSONWS(line, i) != len(line) {
			return nil, errFallback
		}
		m.rows++
		if p != nil {
			if sg.view && sg.rows >= sg.want {
				p = nil // more records than counted: read again later
				continue
			}
			p.add(sg, value)
			clear(set)
		}
	}
	return m, nil
}

// topKind is the kind the loader gives a valid top-level value (before
// its column's kinds are unified); it notes whether a string is an
// integer beyond int64 while every one before was.
func topKind(v []byte, scratch *[]byte, bigOnly *bool) (stdlib.Kind, bool) {
	switch v[0] {
	case '"':
		if *bigOnly {
			s, err := unescape(v, scratch)
			if err != nil {
				return 0, false
			}
			*bigOnly = bigInt(string(s))
		}
		return stdlib.String, true
	case 't', 'f':
		return stdlib.Bool, true
	case 'n':
		return stdlib.Null, true
	case '{':
		return stdlib.Object, true
	case '[':
		return stdlib.List, true
	}
	// A number beyond int64 is text, and an integer beyond int64.
	return numberValue(v).K, true
}

// numberValue is a valid number as the loader reads it (the caller has
// checked that a float parses).
func numberValue(b []byte) stdlib.Value {
	s := unsafe.String(unsafe.SliceData(b), len(b))
	if bytes.IndexAny(b, ".eE") < 0 {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return stdlib.IntV(i)
		}
		return stdlib.StrV(string(b))
	}
	f, _ := strconv.ParseFloat(s, 64)
	return stdlib.FloatV(f)
}

// bigInt is the loader's: s is an integer beyond the int64 range.
func bigInt(s string) bool {
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err != nil
}

// unify is the loader's conversion of a cell for its column's kinds: ints
// in a column of ints and floats are floats; ints in a column of ints and
// integers beyond int64 are text.
func unifyCell(v stdlib.Value, kinds uint32, bigOnly bool) stdlib.Value {
	if v.K != stdlib.Int {
		return v
	}
	kinds &^= 1 << stdlib.Null
	const (
		i, f, str = 1 << stdlib.Int, 1 << stdlib.Float, 1 << stdlib.String
	)
	switch {
	case kinds&(kinds-1) == 0:
	case kinds == i|f:
		return stdlib.FloatV(float64(v.I))
	case kinds == i|str && bigOnly:
		return stdlib.StrV(strconv.FormatInt(v.I, 10))
	}
	return v
}

func skipJSONWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index after the JSON string at b[i] (its opening
// quote): the first quote not escaped by an odd run of backslashes.
func stringEnd(b []byte, i int) (int, bool) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		n := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// validString checks the JSON string at b[i] (its opening quote) and
// returns the index after it and whether it holds escapes.
func validString(b []byte, i int) (end int, esc, ok bool) {
	end, ok = stringEnd(b, i)
	if !ok {
		return 0, false, false
	}
	s := b[i+1 : end-1]
	// No control character.
	j := 0
	for ; j+8 <= len(s); j += 8 {
		if x := binary.LittleEndian.Uint64(s[j:]); (x-lo8*0x20)&^x&hi8 != 0 {
			break
		}
	}
	for ; j < len(s); j++ {
		if s[j] < 0x20 {
			return 0, false, false
		}
	}
	// Escapes that JSON has.
	for p := 0; ; {
		k := bytes.IndexByte(s[p:], '\\')
		if k < 0 {
			break
		}
		esc = true
		p += k
		if p+1 >= len(s) {
			return 0, false, false
		}
		switch s[p+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p += 2
		case 'u':
			if p+6 > len(s) {
				return 0, false, false
			}
			for _, h := range s[p+2 : p+6] {
				if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
					return 0, false, false
				}
			}
			p += 6
		default:
			return 0, false, false
		}
	}
	return end, esc, true
}

// validValue checks the JSON value at b[i] and returns the index after it.
// Numbers that the loader would refuse (a float out of range) and nesting
// near its limit are refused too.
func validValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; c {
	case '"':
		end, _, ok := validString(b, i)
		return end, ok
	case 't':
		return lit(b, i, "true")
	case 'f':
		return lit(b, i, "false")
	case 'n':
		return lit(b, i, "null")
	case '{', '[':
		if depth >= 500 {
			return 0, false
		}
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		i = skipJSONWS(b, i+1)
		if i < len(b) && b[i] == close {
			return i + 1, true
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				end, _, ok := validString(b, i)
				if !ok {
					return 0, false
				}
				i = skipJSONWS(b, end)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipJSONWS(b, i+1)
			}
			end, ok := validValue(b, i, depth+1)
			if !ok {
				return 0, false
			}
			i = skipJSONWS(b, end)
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i = skipJSONWS(b, i+1)
			case close:
				return i + 1, true
			default:
				return 0, false
			}
		}
	}
	return validNumber(b, i)
}

func lit(b []byte, i int, word string) (int, bool) {
	if len(b)-i >= len(word) && string(b[i:i+len(word)]) == word {
		return i + len(word), true
	}
	return 0, false
}

func validNumber(b []byte, i int) (int, bool) {
	start := i
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		return 0, false
	}
	float := false
	if i < len(b) && b[i] == '.' {
		i++
		float = true
		if !digits() {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		float = true
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	if float {
		if _, err := strconv.ParseFloat(string(b[start:i]), 64); err != nil {
			return 0, false // the loader: "out of range"
		}
	}
	return i, true
}

// unescape decodes a valid JSON string (with its quotes) as encoding/json
// does, into scratch when it holds escapes.
func unescape(q []byte, scratch *[]byte) ([]byte, error) {
	raw := q[1 : len(q)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw, nil
	}
	out := (*scratch)[:0]
	for {
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			out = append(out, raw...)
			break
		}
		out = append(out, raw[:k]...)
		if k+1 >= len(raw) {
			return nil, fmt.Errorf("bad escape")
		}
		switch c := raw[k+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			// Surrogates and their errors as encoding/json has them.
			var s string
			if err := json.Unmarshal(q, &s); err != nil {
				return nil, err
			}
			return []byte(s), nil
		default:
			return nil, fmt.Errorf("bad escape")
		}
		raw = raw[k+2:]
	}
	*scratch = out
	return out, nil
}

// skipRaw returns the index after the value at b[i] of text the first
// pass accepted (bounds are still checked: the file may have changed).
func skipRaw(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && !isWS(b[j]) {
		j++
	}
	return j, j > i
}

// readJSONL is the second pass, over the file's chunks side by side:
// for each record, cell(w, row, vals, set) is called with the value of
// each wanted column j (by index in meta's columns) that the record holds
// (set[j]), last occurrence of a key winning; row is the record's index
// in the file and w the chunk's (calls with one w come from one
// goroutine, in order). Strings may point into the line being read: cell
// must copy what it keeps.
func readJSONL(path string, m *jsonlMeta, want []bool, cell func(w, row int, vals []stdlib.Value, set []bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	errs := make([]error, len(m.chunks))
	var wg sync.WaitGroup
	base := 0
	for c, ch := range m.chunks {
		wg.Add(1)
		go func(base int) {
			defer wg.Done()
			errs[c] = readChunk(io.NewSectionReader(f, ch.off, ch.end-ch.off), m, ch.rows, want, func(row int, vals []stdlib.Value, set []bool) {
				cell(c, base+row, vals, set)
			})
		}(base)
		base += ch.rows
	}
	wg.Wait()
	for _, err := range errs {
		if err == errChanged {
			return fmt.Errorf("%s changed while it was read", path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var errChanged = errors.New("changed")

// readChunk reads the rows records of one chunk.
func readChunk(rd io.Reader, m *jsonlMeta, rows int, want []bool, cell func(row int, vals []stdlib.Value, set []bool)) error {
	r := &lineReader{br: bufio.NewReaderSize(rd, 1<<20)}
	changed := errChanged
	vals := make([]stdlib.Value, len(m.columns))
	set := make([]bool, len(m.columns))
	var kc keyCache
	var scratch [][]byte = make([][]byte, len(m.columns))
	var keyScratch []byte
	slow := func(k string) int {
		j, ok := m.colIdx[k]
		if !ok {
			return -1
		}
		return j
	}
	row := 0
	for {
		raw, ok, err := r.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		line := trimLine(raw)
		if len(line) == 0 {
			continue
		}
		if row >= rows || line[0] != '{' {
			return changed
		}
		clear(set)
		i := skipJSONWS(line, 1)
		for pos := 0; i < len(line) && line[i] != '}'; pos++ {
			if line[i] != '"' {
				return changed
			}
			kEnd, ok := stringEnd(line, i)
			if !ok {
				return changed
			}
			esc := bytes.IndexByte(line[i:kEnd], '\\') >= 0
			var j int
			if esc {
				k, err := unescape(line[i:kEnd], &keyScratch)
				if err != nil {
					return changed
				}
				j = slow(string(k))
			} else {
				j = kc.lookup(pos, line[i+1:kEnd-1], slow)
			}
			i = skipJSONWS(line, kEnd)
			if i >= len(line) || line[i] != ':' {
				return changed
			}
			i = skipJSONWS(line, i+1)
			end, ok := skipRaw(line, i)
			if !ok {
				return changed
			}
			if j >= 0 && want[j] {
				v, err := cellValue(line[i:end], &scratch[j])
				if err != nil {
					return changed
				}
				vals[j], set[j] = unifyCell(v, m.kinds[j], m.bigOnly[j]), true
			}
			i = skipJSONWS(line, end)
			if i < len(line) && line[i] == ',' {
				i = skipJSONWS(line, i+1)
			}
		}
		cell(row, vals, set)
		row++
	}
	if row != rows {
		return changed
	}
	return nil
}

// cellValue decodes one top-level value; a string without escapes points
// into b.
func cellValue(b []byte, scratch *[]byte) (stdlib.Value, error) {
	switch b[0] {
	case '"':
		s, err := unescape(b, scratch)
		if err != nil {
			return stdlib.Value{}, err
		}
		return stdlib.StrV(unsafe.String(unsafe.SliceData(s), len(s))), nil
	case 't':
		return stdlib.BoolV(true), nil
	case 'f':
		return stdlib.BoolV(false), nil
	case 'n':
		return stdlib.NullV(), nil
	case '{', '[':
		return data.JSONValue(b)
	}
	return numberValue(b), nil
}

// interner copies the texts a column keeps: repeated values once (up to
// a number of distinct ones), the others into large blocks.
type interner struct {
	m          map[string]string
	block      []byte
	last, kept string // the last text and its copy
	full       bool
}

const maxInterned = 1 << 16

func (t *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if s == t.last {
		return t.kept
	}
	if v, ok := t.m[s]; ok {
		t.last, t.kept = v, v
		return v
	}
	c := t.copy(s)
	t.last, t.kept = c, c
	switch {
	case t.full:
	case t.m == nil:
		t.m = map[string]string{c: c}
	case len(t.m) < maxInterned:
		t.m[c] = c
	default:
		// Mostly distinct values (session ids): not looked up any more.
		t.m, t.full = nil, true
	}
	return c
}

func (t *interner) copy(s string) string {
	if len(s) > cap(t.block)-len(t.block) {
		t.block = make([]byte, 0, max(1<<20, len(s)))
	}
	off := len(t.block)
	t.block = append(t.block, s...)
	return unsafe.String(&t.block[off], len(s))
}
