package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
)

// csvReader reads RFC 4180 records as encoding/csv does (a comma between
// fields, "" for a quote inside a quoted field, quoted fields across lines,
// a record's closing \r\n read as \n, empty lines skipped), and also tells
// which fields were quoted: encoding/csv reads "" and an empty cell alike,
// and a dataset keeps them apart (an empty string against a null, as
// PostgreSQL's COPY … CSV, DuckDB and Spark do, and as scen's CSV sink
// writes them). It differs from encoding/csv in two more ways:
//
//   - A quoted field keeps its bytes exactly: a \r\n inside the quotes
//     stays \r\n, where encoding/csv makes it \n. scen's CSV sink writes a
//     string holding \r\n so, and Python's csv and DuckDB read it back as
//     it was; the same stream then reads alike from CSV and JSON lines.
//   - With blankIsRecord set (a file whose header has one column), an
//     empty line is a record of one empty field, a null: that is how a
//     one-column null is written (by scen's sink, PostgreSQL's COPY …
//     CSV, DuckDB), and how those read it back.
type csvReader struct {
	br   *bufio.Reader
	line int   // lines read so far
	read int64 // bytes read so far
	// crlf is whether the last line read ended in \r\n (which readLine
	// made \n), so that a quoted field across it keeps its \r.
	crlf bool
	// blankIsRecord makes an empty line a record (of one empty field)
	// rather than nothing.
	blankIsRecord bool

	buf    []byte // the record's fields, one after the other
	ends   []int
	quoted []bool
	fields []string
	// startLine and endLine are the record's first and last lines.
	startLine, endLine int
}

var (
	errCSVBareQuote  = errors.New(`bare " in non-quoted-field`)
	errCSVQuote      = errors.New(`extraneous or missing " in quoted-field`)
	errCSVFieldCount = errors.New("wrong number of fields")
)

// csvParseError is a syntax error at a line and a 1-based byte column;
// StartLine is the line its record starts on.
type csvParseError struct {
	StartLine, Line, Column int
	Err                     error
}

func (e *csvParseError) Error() string { return e.Err.Error() }
func (e *csvParseError) Unwrap() error { return e.Err }

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// readLine reads one line, its \r\n turned into \n (r.crlf says so); a
// \r that ends the input is dropped, as encoding/csv does.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		full := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			full = append(full, line...)
		}
		line = full
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if len(line) > 0 {
		r.line++
		r.read += int64(len(line))
	}
	r.crlf = false
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
		r.crlf = true
	}
	return line, err
}

// lengthNL is 1 when b ends with a newline.
func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// Read returns the next record's fields and whether each was quoted; both
// slices are reused by the next call. At the end of the input it returns
// io.EOF. A record whose field count differs from want (when want > 0) is
// returned with an error wrapping errCSVFieldCount.
func (r *csvReader) Read(want int) ([]string, []bool, error) {
	err := r.readRecord(want)
	if r.ends == nil {
		return nil, nil, err // io.EOF (or a read error) at the end
	}
	// One string for the record, cut into its fields.
	s := string(r.buf)
	r.fields = r.fields[:0]
	prev := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, s[prev:end])
		prev = end
	}
	return r.fields, r.quoted, err
}

// readRecord reads the next record as Read does, leaving its fields in
// r.buf, one after the other, field i ending at r.ends[i], and whether
// each was quoted in r.quoted; all three are reused by the next call. At
// the end of the input it returns io.EOF with r.ends nil. A reader that
// copies the fields where they belong (loadCSV, into its columns) so makes
// no string per record.
func (r *csvReader) readRecord(want int) error {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			if r.blankIsRecord && len(line) == 1 {
				break // an empty line: a record, one null field
			}
			line = nil
			continue // an empty line
		}
		break
	}
	if errRead != nil && len(line) == 0 {
		r.ends = nil
		return errRead // io.EOF at the end
	}
	r.startLine = r.line
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	r.quoted = r.quoted[:0]
	col := 1
	var err error
parse:
	for {
		if len(line) == 0 || line[0] != '"' {
			// One scan for the comma that ends the field and a quote in
			// it (two calls of bytes.IndexByte per field were a third of
			// reading recipe's catalogue, its fields being short).
			i := commaOrQuote(line)
			if i < len(line) && line[i] == '"' {
				err = &csvParseError{StartLine: r.startLine, Line: r.line, Column: col + i, Err: errCSVBareQuote}
				break parse
			}
			field := line
			if i < len(line) {
				field = field[:i]
			} else {
				i = -1
				field = field[:len(field)-lengthNL(field)]
			}
			r.buf = append(r.buf, field...)
			r.ends = append(r.ends, len(r.buf))
			r.quoted = append(r.quoted, false)
			if i < 0 {
				break parse
			}
			line = line[i+1:]
			col += i + 1
			continue
		}
		// A quoted field.
		line = line[1:]
		col++
		for {
			if i := bytes.IndexByte(line, '"'); i >= 0 {
				r.buf = append(r.buf, line[:i]...)
				line = line[i+1:]
				col += i + 1
				switch {
				case len(line) > 0 && line[0] == '"':
					r.buf = append(r.buf, '"')
					line = line[1:]
					col++
				case len(line) > 0 && line[0] == ',':
					line = line[1:]
					col++
					r.ends = append(r.ends, len(r.buf))
					r.quoted = append(r.quoted, true)
					continue parse
				case len(line) == lengthNL(line):
					r.ends = append(r.ends, len(r.buf))
					r.quoted = append(r.quoted, true)
					break parse
				default:
					err = &csvParseError{StartLine: r.startLine, Line: r.line, Column: col - 1, Err: errCSVQuote}
					break parse
				}
			} else if len(line) > 0 {
				// The field goes on on the next line, with the line's end
				// as it was written (\r\n or \n).
				r.buf = append(r.buf, line...)
				if r.crlf && lengthNL(line) == 1 {
					r.buf[len(r.buf)-1] = '\r'
					r.buf = append(r.buf, '\n')
				}
				if errRead != nil {
					break parse
				}
				col += len(line)
				line, errRead = r.readLine()
				if len(line) > 0 {
					col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			} else {
				// The input ends inside the quotes.
				if errRead == nil {
					err = &csvParseError{StartLine: r.startLine, Line: r.line, Column: col, Err: errCSVQuote}
					break parse
				}
				r.ends = append(r.ends, len(r.buf))
				r.quoted = append(r.quoted, true)
				break parse
			}
		}
	}
	if err == nil {
		err = errRead
	}
	r.endLine = r.line
	if err == nil && want > 0 && len(r.ends) != want {
		err = &csvParseError{StartLine: r.startLine, Line: r.startLine, Column: 1, Err: errCSVFieldCount}
	}
	return err
}

// commaOrQuote is the index of the first comma or double quote in b, or
// len(b). Eight bytes at a time: each test sets the high bit of the bytes
// it holds for, and may set it in later bytes too (a borrow), never in an
// earlier one, so the lowest bit set is the first such byte.
func commaOrQuote(b []byte) int {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		c, q := x^(lsb*','), x^(lsb*'"')
		if m := ((c - lsb) | (q - lsb)) &^ x & msb; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' || b[i] == '"' {
			return i
		}
	}
	return len(b)
}
