package data

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// csvReader reads RFC 4180 records as encoding/csv does (a comma between
// fields, "" for a quote inside a quoted field, quoted fields across lines,
// \r\n read as \n, empty lines skipped), and also tells which fields were
// quoted: encoding/csv reads "" and an empty cell alike, and a dataset
// keeps them apart (an empty string against a null, as PostgreSQL's
// COPY … CSV, DuckDB and Spark do, and as scen's CSV sink writes them).
type csvReader struct {
	br   *bufio.Reader
	line int // lines read so far

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

// readLine reads one line, its \r\n turned into \n; a \r that ends the
// input is dropped, as encoding/csv does.
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
	}
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
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
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue // an empty line
		}
		break
	}
	if errRead != nil && len(line) == 0 {
		return nil, nil, errRead // io.EOF at the end
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
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csvParseError{StartLine: r.startLine, Line: r.line, Column: col + j, Err: errCSVBareQuote}
				break parse
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
				// The field goes on on the next line.
				r.buf = append(r.buf, line...)
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
	// One string for the record, cut into its fields.
	s := string(r.buf)
	r.fields = r.fields[:0]
	prev := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, s[prev:end])
		prev = end
	}
	if err == nil && want > 0 && len(r.fields) != want {
		err = &csvParseError{StartLine: r.startLine, Line: r.startLine, Column: 1, Err: errCSVFieldCount}
	}
	return r.fields, r.quoted, err
}
