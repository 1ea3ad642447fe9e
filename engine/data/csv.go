package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/scenhq/scen/stdlib"
)

// loadCSV reads RFC 4180 CSV with a header row, then infers one kind per
// column. It stops after max records (0: all), the cut made by the CSV
// reader, so a quoted cell's newlines do not count as records. size is
// the text's length in bytes when it is known (0 otherwise), which sizes
// the columns' text.
func loadCSV(r io.Reader, name string, max int, size int64) (*Table, error) {
	cr := newCSVReader(r)
	first, _, err := cr.Read(0)
	if err == io.EOF {
		return nil, fmt.Errorf("%s has no rows (the file is empty)", name)
	}
	if err != nil {
		return nil, csvError(name, 1, err)
	}
	header := append([]string(nil), first...)
	// A UTF-8 byte order mark, as Excel writes, was dropped by utf8Reader
	// before the reader saw it (so that "id" after it is still quoted).
	seen := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			return nil, fmt.Errorf("%s: line 1: column %d has an empty name in the header", name, i+1)
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("%s: line 1: column %q appears twice in the header (columns %d and %d)", name, h, j+1, i+1)
		}
		seen[h] = i
	}
	nc := len(header)
	// In a one-column file an empty line is a record whose one field is
	// null: scen's CSV sink, PostgreSQL's COPY … CSV and DuckDB write a
	// null so and read it back so ("x\na\n\n" is two records, a and
	// null; the final newline ends the last record, it adds none). With
	// more columns an empty line cannot be a record (one field where the
	// header has several), so it is skipped, as encoding/csv and pandas
	// skip it: a blank line an editor left at the end is no error.
	cr.blankIsRecord = nc == 1
	// Each cell's text is copied once, after its column's (csvColumn),
	// and its kind inferred as it is read; the rows hold, meanwhile,
	// where each cell ends (csvCellMark), and the cells are made once
	// every row has been seen (a column's kind depends on all of them).
	// A string cell is then a piece of its column's text, which the
	// dataset's table keeps as its arena (stdlib.NewTableIn). Rows are
	// cut from blocks that grow to 1024 rows, so a large file is never
	// copied to grow, nor a small one padded much.
	//
	// A string per record, then a copy of each string cell into the
	// table's arenas, were 1 MB of garbage and 10 000 allocations for
	// recipe's 10 000-row catalogue, and parsing each number twice
	// (inferring, then converting) another 23 M instructions.
	cols := make([]csvColumn, nc)
	for j := range cols {
		cols[j] = csvColumn{isInt: true, isFloat: true, isBool: true, line: &cr.startLine}
	}
	b := &budget{name: name}
	var rows [][]stdlib.Value
	var block []stdlib.Value
	blockRows := 16
	lastLine := 1
	for max <= 0 || len(rows) < max {
		err := cr.readRecord(nc)
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csvParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, errCSVFieldCount) {
				return nil, fieldCountError(name, pe.Line, len(cr.ends), header)
			}
			return nil, csvError(name, lastLine, err)
		}
		lastLine = cr.endLine
		n := rowOverhead + int64(nc)*valueSize + int64(len(cr.buf))
		if err := b.addLine(n, cr.startLine); err != nil {
			return nil, err
		}
		if len(block) < nc {
			block = make([]stdlib.Value, blockRows*nc)
			blockRows = min(2*blockRows, 1024)
		}
		row := block[:nc:nc]
		block = block[nc:]
		prev := 0
		for j, end := range cr.ends {
			row[j].I = cols[j].add(cr.buf[prev:end], cr.quoted[j]) // (no string: no write barrier)
			prev = end
		}
		rows = append(rows, row)
		if len(rows) == csvSizeSample && size > 0 {
			rows = reserveCSV(cols, rows, size, cr.read, max)
		}
	}
	t := &Table{Columns: header, Types: make([]stdlib.Kind, nc), Rows: rows, Arenas: make([][]byte, nc)}
	for j := range cols {
		t.Types[j] = cols[j].kind()
		if t.Types[j] == stdlib.String {
			t.Arenas[j] = cols[j].text // the strings' text, for the table
			if note := cols[j].textNote(name, header[j]); note != "" {
				if t.TextNotes == nil {
					t.TextNotes = make([]string, nc)
				}
				t.TextNotes[j] = note
			}
		}
	}
	// The cells are made in two halves of the rows at once, on two cores
	// when there are: the rest of compiling waits for the table (recipe's
	// 10 000 rows: a third of loading them).
	half := 0
	if len(rows) >= csvSplitRows && runtime.GOMAXPROCS(0) > 1 {
		half = len(rows) / 2
	}
	var wg sync.WaitGroup
	if half > 0 {
		starts := make([]int, nc) // where the second half's cells start
		for j := range starts {
			starts[j] = int(rows[half-1][j].I >> csvShift)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.makeCells(cols, half, len(rows), starts)
		}()
	}
	upTo := len(rows)
	if half > 0 {
		upTo = half
	}
	t.makeCells(cols, 0, upTo, make([]int, nc))
	wg.Wait()
	return t, nil
}

// csvSplitRows is the number of rows from which loadCSV makes the cells
// in two halves at once (a variable for tests).
var csvSplitRows = 4096

// makeCells turns the marks of rows [lo, hi) into cells (csvCell), with
// the TextFlags of strings that stdlib.NewTableIn wants; starts is where
// each column's cell of row lo starts in its text.
func (t *Table) makeCells(cols []csvColumn, lo, hi int, starts []int) {
	flags := make([]stdlib.ArenaFlags, len(cols))
	for j := range flags {
		flags[j] = stdlib.NewArenaFlags(t.Arenas[j])
	}
	for i := lo; i < hi; i++ {
		row := t.Rows[i]
		for j := range row {
			c := &cols[j]
			end := int(row[j].I >> csvShift)
			num := int64(0)
			if c.nums != nil {
				num = c.nums[i]
			}
			row[j] = csvCell(c.text[starts[j]:end], row[j].I, num, t.Types[j])
			if row[j].K == stdlib.String {
				row[j].I = flags[j].Flags(row[j].S)
			}
			starts[j] = end
		}
	}
}

// csvSizeSample is the number of records after which loadCSV sizes the
// columns' text for the whole file, from the bytes they took so far.
const csvSizeSample = 64

// reserveCSV, after the first records of a file of size bytes, of which
// read are read, grows each column's text to what the whole file should
// need (with a sixteenth more), so that it is not copied to grow as it
// fills, and the rows likewise. A file whose later rows are longer
// grows by doubling from there.
func reserveCSV(cols []csvColumn, rows [][]stdlib.Value, size, read int64, max int) [][]stdlib.Value {
	if read <= 0 || size <= read {
		return rows
	}
	scale := float64(size) / float64(read)
	if max > 0 {
		scale = min(scale, float64(max)/float64(len(rows)))
	}
	for j := range cols {
		c := &cols[j]
		want := int(float64(len(c.text))*scale*17/16) + 64
		if want > cap(c.text) {
			c.text = append(make([]byte, 0, want), c.text...)
		}
		if want := int(float64(len(rows))*scale*17/16) + 16; c.nums != nil && want > cap(c.nums) {
			c.nums = append(make([]int64, 0, want), c.nums...)
		}
	}
	if want := int(float64(len(rows))*scale*17/16) + 16; want > cap(rows) {
		rows = append(make([][]stdlib.Value, 0, want), rows...)
	}
	return rows
}

// csvColumn is a column being read: its cells' text, one after the other,
// and what its kind can still be (see kind). While it can be a number,
// nums holds each cell's value as numberValue read it (an int64, or a
// float64's bits when the cell has the csvFloat mark), so that a number
// is parsed once.
type csvColumn struct {
	text                                []byte
	nums                                []int64
	isInt, isFloat, isBool, any, quoted bool
	// Why a column whose first cells were numbers is text (textNote):
	// its first cell that is not a number, and the line (of line, the
	// reader's record) it is on; numbers and texts count the non-empty
	// cells that are and are not numbers, the latter from that cell on,
	// and only while the texts are no more (textLine 0 after).
	line           *int
	textCell       string
	textLine       int
	numbers, texts int
}

// The mark a cell holds in its I while the file loads: where its text
// ends in its column's text (the next cell's starts there), whether it
// was quoted and is blank, and whether its number in nums is a float.
const (
	csvBlank  = 1
	csvQuoted = 2
	csvFloat  = 4
	csvShift  = 3
)

// add appends a cell of the column, f (which may be reused once add
// returns), and returns its mark.
func (c *csvColumn) add(f []byte, quoted bool) int64 {
	if len(c.text)+len(f) > cap(c.text) {
		// Doubling, where append would grow a large slice by a quarter
		// (four times its size copied and thrown away).
		c.text = append(make([]byte, 0, max(2*cap(c.text), len(c.text)+len(f), 256)), c.text...)
	}
	c.text = append(c.text, f...)
	mark := int64(len(c.text)) << csvShift
	if quoted {
		mark |= csvQuoted
	}
	s := trimSpace(unsafe.String(unsafe.SliceData(f), len(f)))
	if s == "" {
		c.quoted = c.quoted || quoted
		if c.isInt || c.isFloat {
			c.nums = append(c.nums, 0)
		}
		return mark | csvBlank
	}
	c.any = true
	if c.isInt || c.isFloat {
		isInt, isNum, i, f := numberValue(s)
		c.isInt = c.isInt && isInt
		c.isFloat = c.isFloat && isNum
		if !isInt {
			i = int64(math.Float64bits(f))
			mark |= csvFloat
		}
		if c.isInt || c.isFloat {
			c.nums = append(c.nums, i)
			c.numbers++
		} else {
			c.nums = nil // text: the numbers are not needed
			if c.numbers > 0 {
				// Numbers until this cell: keep it, to say why the
				// column is text if most of its cells are numbers.
				c.textCell, c.textLine, c.texts = strings.Clone(s), *c.line, 1
			}
		}
	} else if c.textLine > 0 {
		if _, isNum := numberKind(s); isNum {
			c.numbers++
		} else if c.texts++; c.texts > c.numbers {
			c.textLine = 0 // more text than numbers: nothing to say
		}
	}
	if c.isBool && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
		c.isBool = false
	}
	return mark
}

// textNote, for a string column (of file name, named col) whose first
// non-empty cell is a number, and at least half of them, says which cell
// made it text; "" for
// another column. A number read from such a column is then a string, and
// a compile-time error about it ("digits must be an int, got string")
// quotes the note, which names the line to fix.
func (c *csvColumn) textNote(name, col string) string {
	if c.textLine == 0 || c.texts > c.numbers {
		return ""
	}
	cell := c.textCell
	if r := []rune(cell); len(r) > 40 {
		cell = string(r[:40]) + "…"
	}
	note := fmt.Sprintf("column %q of %s is text because line %d holds %q", col, name, c.textLine, cell)
	if c.texts > 1 {
		note += fmt.Sprintf(" (and %d more of its cells are not numbers, %d are)", c.texts-1, c.numbers)
	}
	return note
}

// trimSpace is strings.TrimSpace, without its call for the common cell
// that starts and ends with a printable ASCII byte (no space, ASCII or
// Unicode, to trim).
func trimSpace(s string) string {
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < utf8.RuneSelf && s[n-1] > ' ' && s[n-1] < utf8.RuneSelf {
		return s
	}
	return strings.TrimSpace(s)
}

// kind is the column's kind: Int if every non-empty cell is an integer,
// else Float if every one is a number, else Bool if every one is true or
// false (any case), else String. A column with no non-empty cell is Null,
// or String when one of its cells is a quoted "" (an empty string).
// Spaces around a number or boolean are ignored.
func (c *csvColumn) kind() stdlib.Kind {
	switch {
	case !c.any && c.quoted:
		return stdlib.String
	case !c.any:
		return stdlib.Null
	case c.isInt:
		return stdlib.Int
	case c.isFloat:
		return stdlib.Float
	case c.isBool:
		return stdlib.Bool
	}
	return stdlib.String
}

// fieldCountError says that the record at line has n fields where the
// header has one per column, and the usual cause.
func fieldCountError(name string, line, n int, header []string) error {
	cols := strings.Join(header, ", ")
	if len(header) > 8 {
		cols = strings.Join(header[:8], ", ") + ", …"
	}
	why := "a value that contains a comma must be in double quotes"
	if n < len(header) {
		why = "an empty value is written as nothing between two commas (1,,3)"
	}
	return fmt.Errorf("%s: line %d: %s, but the header has %d (%s); every row needs one field per column: %s",
		name, line, plural(n, "field"), len(header), cols, why)
}

// csvError words an error from the CSV reader with the file name and line.
// after is the last line read successfully, for errors that carry none.
func csvError(name string, after int, err error) error {
	var pe *csvParseError
	if !errors.As(err, &pe) {
		return readError(name, "after line "+strconv.Itoa(after), err)
	}
	msg := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, errCSVBareQuote):
		msg = `a " in an unquoted field (quote the field and double the quote: "a ""b"" c")`
	case errors.Is(pe.Err, errCSVQuote):
		msg = `a quoted field is not closed, or a " inside it is not doubled`
	}
	where := fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
	if pe.StartLine != pe.Line {
		where += fmt.Sprintf(" (in the record that starts on line %d)", pe.StartLine)
	}
	return fmt.Errorf("%s: %s: %s", name, where, msg)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// numberKind reports whether s is an int64 and whether it is a number.
// Text that a number would not round-trip is neither: a leading zero
// ("02134", a zip code or an id), a leading plus, an integer beyond int64 (a long id that a
// float would round), hexadecimal or digit separators. NaN and infinities
// are not numbers.
func numberKind(s string) (isInt, isNum bool) {
	isInt, isNum, _, _ = numberValue(s)
	return isInt, isNum
}

// numberValue is numberKind with the number: i when s is an int64, else
// f when it is a number.
func numberValue(s string) (isInt, isNum bool, i int64, f float64) {
	if s != "" && s[0] == '+' {
		// "+4915…": a phone number in E.164, which a number would write
		// without its plus.
		return false, false, 0, 0
	}
	digits := s
	for len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		digits = digits[1:] // strings.TrimLeft(s, "+-"), without its call
	}
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		return false, false, 0, 0
	}
	// ParseInt only where it can succeed: its error for "22.6" is an
	// allocation per cell.
	if intSyntax(s) {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return true, true, i, 0
		}
	}
	// An integer here is beyond int64: text, as said above. Otherwise only
	// finite decimal numbers: ParseFloat also reads "NaN", "Inf" and
	// "infinity" in any case (words, and names such as "Nan"), hexadecimal
	// floats and digit separators, and gives ±Inf beyond the float range.
	if allDigits(digits) || !decimalSyntax(digits) {
		return false, false, 0, 0
	}
	f, err := strconv.ParseFloat(s, 64)
	return false, err == nil && !math.IsInf(f, 0), 0, f
}

// allDigits reports whether s is only decimal digits (or empty), as
// strings.Trim(s, "0123456789") == "".
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decimalSyntax reports whether s (without its sign) has only the
// characters of a decimal number (digits, a point, an exponent) and at
// least one digit.
func decimalSyntax(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return false
		}
	}
	return digit
}

// intSyntax reports whether s is a sign (optional) and decimal digits, the
// only text strconv.ParseInt(s, 10, 64) accepts.
func intSyntax(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// csvCell makes a cell of the column's kind (csvColumn.kind guarantees
// it parses) from its text, b, its mark and, in a column of numbers, its
// number as add read it: a blank cell is null, unless it was quoted in a
// string column ("" is an empty string, an empty cell null; in a column of
// numbers or bools it is null all the same: pandas writes a missing number
// as "" when it quotes every cell). A string is b itself, which must not
// change after.
func csvCell(b []byte, mark, num int64, kind stdlib.Kind) stdlib.Value {
	s := unsafe.String(unsafe.SliceData(b), len(b))
	if mark&csvBlank != 0 {
		if mark&csvQuoted != 0 && kind == stdlib.String {
			return stdlib.StrV(s)
		}
		return stdlib.NullV()
	}
	switch kind {
	case stdlib.Int:
		return stdlib.IntV(num)
	case stdlib.Float:
		if mark&csvFloat != 0 {
			return stdlib.Value{K: stdlib.Float, I: num}
		}
		// An integer in a column of floats: parsed as a float ("-0" is
		// -0, not the integer 0).
		f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return stdlib.FloatV(f)
	case stdlib.Bool:
		return stdlib.BoolV(strings.EqualFold(strings.TrimSpace(s), "true"))
	}
	return stdlib.StrV(s)
}
