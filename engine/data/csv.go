package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/scenhq/scen/stdlib"
)

// loadCSV reads RFC 4180 CSV with a header row, then infers one kind per
// column. It stops after max records (0: all), the cut made by the CSV
// reader, so a quoted cell's newlines do not count as records.
func loadCSV(r io.Reader, name string, max int) (*Table, error) {
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
	// The cells go straight into the rows, as strings, and are converted
	// in place once every row has been seen (a column's kind depends on
	// all of them). Rows are cut from blocks that grow to 1024 rows, so a
	// large file is never copied to grow, nor a small one padded much.
	b := &budget{name: name}
	var rows [][]stdlib.Value
	var block []stdlib.Value
	blockRows := 16
	lastLine := 1
	for max <= 0 || len(rows) < max {
		rec, quoted, err := cr.Read(nc)
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csvParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, errCSVFieldCount) {
				return nil, fieldCountError(name, pe.Line, len(rec), header)
			}
			return nil, csvError(name, lastLine, err)
		}
		lastLine = cr.endLine
		n := rowOverhead + int64(nc)*valueSize
		for _, f := range rec {
			n += int64(len(f))
		}
		if err := b.addLine(n, cr.startLine); err != nil {
			return nil, err
		}
		if len(block) < nc {
			block = make([]stdlib.Value, blockRows*nc)
			blockRows = min(2*blockRows, 1024)
		}
		row := block[:nc:nc]
		block = block[nc:]
		for j, f := range rec {
			row[j] = stdlib.StrV(f)
			if quoted[j] && blank(f) {
				row[j].I = quotedBlank
			}
		}
		rows = append(rows, row)
	}
	t := &Table{Columns: header, Types: make([]stdlib.Kind, nc), Rows: rows}
	for j := range header {
		t.Types[j] = inferCSV(rows, j)
	}
	for _, row := range rows {
		for j := range row {
			row[j] = csvCell(row[j], t.Types[j])
		}
	}
	return t, nil
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

// quotedBlank marks, while a file loads, a cell that was quoted and is
// empty or spaces: "" is an empty string, an empty cell is null. In a
// column of numbers or bools it is null all the same (pandas writes a
// missing number as "" when it quotes every cell).
const quotedBlank = -1

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

// blank reports whether a CSV cell counts as empty (null).
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// inferCSV picks one kind per column: Int if every non-empty cell is an
// integer, else Float if every one is a number, else Bool if every one is
// true or false (any case), else String. A column with no non-empty cell is
// Null, or String when one of its cells is a quoted "" (an empty string).
// Spaces around a number or boolean are ignored.
func inferCSV(rows [][]stdlib.Value, j int) stdlib.Kind {
	isInt, isFloat, isBool, any, quoted := true, true, true, false, false
	for _, row := range rows {
		s := strings.TrimSpace(row[j].S)
		if s == "" {
			quoted = quoted || row[j].I == quotedBlank
			continue
		}
		any = true
		if isInt || isFloat {
			i, f := numberKind(s)
			isInt = isInt && i
			isFloat = isFloat && f
		}
		if isBool && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			isBool = false
		}
		if !isInt && !isFloat && !isBool {
			return stdlib.String
		}
	}
	switch {
	case !any && quoted:
		return stdlib.String
	case !any:
		return stdlib.Null
	case isInt:
		return stdlib.Int
	case isFloat:
		return stdlib.Float
	case isBool:
		return stdlib.Bool
	}
	return stdlib.String
}

// numberKind reports whether s is an int64 and whether it is a number.
// Text that a number would not round-trip is neither: a leading zero
// ("02134", a zip code or an id), a leading plus, an integer beyond int64 (a long id that a
// float would round), hexadecimal or digit separators. NaN and infinities
// are not numbers.
func numberKind(s string) (isInt, isNum bool) {
	if s != "" && s[0] == '+' {
		// "+4915…": a phone number in E.164, which a number would write
		// without its plus.
		return false, false
	}
	digits := strings.TrimLeft(s, "+-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		return false, false
	}
	// ParseInt only where it can succeed: its error for "22.6" is an
	// allocation per cell.
	if intSyntax(s) {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return true, true
		}
	}
	// An integer here is beyond int64: text, as said above. Otherwise only
	// finite decimal numbers: ParseFloat also reads "NaN", "Inf" and
	// "infinity" in any case (words, and names such as "Nan"), hexadecimal
	// floats and digit separators, and gives ±Inf beyond the float range.
	if strings.Trim(digits, "0123456789") == "" || !decimalSyntax(digits) {
		return false, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return false, err == nil && !math.IsInf(f, 0)
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

// csvCell converts one cell to the column's kind (inferCSV guarantees it
// parses): a blank cell is null, unless it was quoted in a string column.
func csvCell(v stdlib.Value, kind stdlib.Kind) stdlib.Value {
	s := v.S
	if blank(s) {
		if v.I == quotedBlank && kind == stdlib.String {
			return stdlib.StrV(s)
		}
		return stdlib.NullV()
	}
	switch kind {
	case stdlib.Int:
		i, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return stdlib.IntV(i)
	case stdlib.Float:
		f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return stdlib.FloatV(f)
	case stdlib.Bool:
		return stdlib.BoolV(strings.EqualFold(strings.TrimSpace(s), "true"))
	}
	return stdlib.StrV(s)
}
