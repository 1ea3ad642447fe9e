package data

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// encodingError is a text file that is not UTF-8; its message is complete.
type encodingError struct{ msg string }

func (e *encodingError) Error() string { return e.msg }

// utf8Reader passes a text file through, checking that it is UTF-8: it
// drops a UTF-8 byte order mark (so that a quoted first header name is
// still quoted), refuses UTF-16 (by its byte order mark, or the NUL byte of
// an ASCII first character) and stops at the first byte that is not UTF-8,
// naming its line. Checking costs a pass of utf8.Valid and bytes.Count over
// each block read, small next to parsing.
type utf8Reader struct {
	r     io.Reader
	name  string
	start bool   // nothing read yet
	carry []byte // the start of a character cut at the end of the last block
	pend  []byte // bytes checked and not yet returned
	line  int    // newlines before pend
	col   int    // bytes since the last newline before pend
	err   error  // what to return once pend is drained
	buf   []byte
}

func newUTF8Reader(r io.Reader, name string) *utf8Reader {
	return &utf8Reader{r: r, name: name, start: true, buf: make([]byte, 64<<10)}
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	for len(u.pend) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.pend)
	u.pend = u.pend[n:]
	return n, nil
}

// fill reads and checks the next block into pend.
func (u *utf8Reader) fill() {
	k := copy(u.buf, u.carry)
	n, err := io.ReadAtLeast(u.r, u.buf[k:], 1)
	b := u.buf[:k+n]
	u.carry = u.carry[:0]
	if u.start {
		if len(b) < 4 && err == nil {
			// Too little to tell a byte order mark: read on.
			u.carry = append(u.carry, b...)
			return
		}
		u.start = false
		switch {
		case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
			b = b[3:]
		case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
			u.err = &encodingError{fmt.Sprintf("%s: the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8", u.name)}
			return
		case len(b) >= 2 && (b[0] == 0 || b[1] == 0):
			u.err = &encodingError{fmt.Sprintf("%s: line 1: a NUL byte at the start of the file, as in UTF-16 text; save it as UTF-8", u.name)}
			return
		}
	}
	if err != io.EOF {
		// Keep a character cut by the end of the block for the next one:
		// the last start byte within the last three bytes, if what
		// follows it is too short. (Before a read error, such as a
		// truncated gzip stream, it is dropped: the error is reported.)
		for j := len(b) - 1; j >= 0 && j >= len(b)-(utf8.UTFMax-1); j-- {
			if utf8.RuneStart(b[j]) {
				if !utf8.FullRune(b[j:]) {
					u.carry = append(u.carry, b[j:]...)
					b = b[:j]
				}
				break
			}
		}
	}
	if err != nil {
		u.err = err // io.EOF, or a read error
	}
	if !utf8.Valid(b) {
		u.err = u.invalid(b)
		return
	}
	if nl := bytes.Count(b, []byte{'\n'}); nl > 0 {
		u.line += nl
		u.col = len(b) - 1 - bytes.LastIndexByte(b, '\n')
	} else {
		u.col += len(b)
	}
	u.pend = b
}

// invalid is the error for a block that holds a byte that is not UTF-8.
func (u *utf8Reader) invalid(b []byte) error {
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	before := b[:i]
	line, col := u.line+1, u.col+i+1
	if nl := bytes.Count(before, []byte{'\n'}); nl > 0 {
		line += nl
		col = i - bytes.LastIndexByte(before, '\n')
	}
	return &encodingError{fmt.Sprintf("%s: line %d, column %d: not UTF-8 text (byte 0x%02X); datasets are read as UTF-8: convert the file, e.g. with iconv -f latin1 -t utf-8",
		u.name, line, col, b[i])}
}
