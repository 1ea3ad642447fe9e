package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// csvRecords reads every record of s with scen's reader, and the error
// that ended it (nil at the end of the input).
func csvRecords(s string) (recs [][]string, quoted [][]bool, err error) {
	return csvRecordsBlank(s, false)
}

// csvRecordsBlank is csvRecords with the reader's blankIsRecord set as
// given (after the first record, the header, as loadCSV sets it).
func csvRecordsBlank(s string, blankIsRecord bool) (recs [][]string, quoted [][]bool, err error) {
	r := newCSVReader(strings.NewReader(s))
	first := true
	for {
		f, q, err := r.Read(0)
		if err == io.EOF {
			return recs, quoted, nil
		}
		if err != nil {
			return recs, quoted, err
		}
		recs = append(recs, append([]string(nil), f...))
		quoted = append(quoted, append([]bool(nil), q...))
		if first {
			r.blankIsRecord = blankIsRecord
			first = false
		}
	}
}

// stdRecords reads s with encoding/csv, the reader scen's must agree with.
func stdRecords(s string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	var recs [][]string
	for {
		f, err := r.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, f)
	}
}

// sameAsStd fails t when scen's reader and encoding/csv read s differently:
// other records, or another error (kind, line, column). The one difference
// allowed is documented on csvReader: a quoted field keeps a \r\n that
// encoding/csv makes \n. Only a quoted field can hold a \r\n (a line ends
// at \n), so scen's fields are compared with each \r\n made \n;
// TestCSVReaderKeepsQuotedCRLF checks that the bytes are kept.
func sameAsStd(t *testing.T, s string) {
	t.Helper()
	got, _, gerr := csvRecords(s)
	for _, rec := range got {
		for j, f := range rec {
			rec[j] = strings.ReplaceAll(f, "\r\n", "\n")
		}
	}
	want, werr := stdRecords(s)
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("%q: records %q, encoding/csv %q", s, got, want)
	}
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("%q: error %v, encoding/csv %v", s, gerr, werr)
	}
	if werr == nil {
		return
	}
	var ge *csvParseError
	var we *csv.ParseError
	if !errors.As(gerr, &ge) || !errors.As(werr, &we) {
		t.Fatalf("%q: error %v, encoding/csv %v", s, gerr, werr)
	}
	kinds := map[error]error{csv.ErrBareQuote: errCSVBareQuote, csv.ErrQuote: errCSVQuote, csv.ErrFieldCount: errCSVFieldCount}
	if kinds[we.Err] != ge.Err || ge.Line != we.Line || ge.Column != we.Column || ge.StartLine != we.StartLine {
		t.Fatalf("%q: error %+v, encoding/csv %+v", s, *ge, *we)
	}
}

func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	for _, s := range []string{
		"", "\n", "\n\n\n", "a", "a\n", "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r\n1,2\r", "a,b\n\n\n1,2\n",
		"a,\n,\n", ",\n", `""` + "\n", `"",""` + "\n", `"a""b",c` + "\n", `"a` + "\n" + `b",c` + "\n",
		"\"a\r\nb\",c\r\n", "\"a\n\nb\"\n", `a"b,c` + "\n", `"a"b,c` + "\n", `"abc` + "\n2,3\n", `"abc`,
		`"a",` + "\n", `"a" ,b` + "\n", ` "a",b` + "\n", "a,b\n1\n1,2,3\n", "\"x\ny\",2\n1,\"2\n", `a,"b""`,
		"a\rb,c\n", "é,ü\n\"ø\",\"日本\"\n", strings.Repeat("x", 100000) + ",y\n", "\"" + strings.Repeat("z\n", 40000) + "\"\n",
		"a,b\n\"1\"\"\",\"\"\"2\"\n", "\r\n", "\r", "a\n\r\nb\n",
	} {
		sameAsStd(t, s)
	}
}

func TestCSVReaderQuoted(t *testing.T) {
	for _, tc := range []struct {
		in     string
		fields []string
		quoted []bool
	}{
		{`"",,x,"y"`, []string{"", "", "x", "y"}, []bool{true, false, false, true}},
		{`,""`, []string{"", ""}, []bool{false, true}},
		{`"a""b"," "`, []string{`a"b`, " "}, []bool{true, true}},
		{"\"multi\nline\",", []string{"multi\nline", ""}, []bool{true, false}},
	} {
		recs, quoted, err := csvRecords(tc.in + "\n")
		if err != nil || len(recs) != 1 {
			t.Fatalf("%q: %q, %v", tc.in, recs, err)
		}
		if !reflect.DeepEqual(recs[0], tc.fields) || !reflect.DeepEqual(quoted[0], tc.quoted) {
			t.Errorf("%q: %q quoted %v, want %q quoted %v", tc.in, recs[0], quoted[0], tc.fields, tc.quoted)
		}
	}
}

// TestCSVReaderKeepsQuotedCRLF: a quoted field keeps its bytes, a \r\n
// inside the quotes too (encoding/csv made it \n, so a string scen's CSV
// sink wrote with \r\n read back without the \r), while the \r\n or \n
// that ends a record is no part of its last field.
func TestCSVReaderKeepsQuotedCRLF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
	}{
		{"\"a\r\nb\",c\r\n", [][]string{{"a\r\nb", "c"}}},
		{"\"\r\n\"\r\n", [][]string{{"\r\n"}}},
		{"\"\r\n\"\n", [][]string{{"\r\n"}}},
		{"\"a\nb\"\r\n", [][]string{{"a\nb"}}},
		{"\"a\r\n\r\n\nb\"", [][]string{{"a\r\n\r\n\nb"}}},
		{"\"a\r\r\nb\"\r\n", [][]string{{"a\r\r\nb"}}},
		{"x,\"\r\n\r\n\"\r\ny,z\r\n", [][]string{{"x", "\r\n\r\n"}, {"y", "z"}}},
		{"a\r\nb\r\n", [][]string{{"a"}, {"b"}}},       // unquoted: the record's end
		{"\"a\"\r\n\"b\"\r", [][]string{{"a"}, {"b"}}}, // a final \r is dropped
		{"\"a\rb\"\n", [][]string{{"a\rb"}}},
	} {
		got, _, err := csvRecords(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestCSVReaderBlankIsRecord: with blankIsRecord (a one-column file's
// header read), an empty line is a record of one empty field; the newline
// that ends the last record adds none, and a \r at the very end (dropped)
// makes no record either.
func TestCSVReaderBlankIsRecord(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
	}{
		{"x\na\n\na\n\na\n\n", [][]string{{"x"}, {"a"}, {""}, {"a"}, {""}, {"a"}, {""}}},
		{"x\na\n", [][]string{{"x"}, {"a"}}},
		{"x\na", [][]string{{"x"}, {"a"}}},
		{"x\n", [][]string{{"x"}}},
		{"x\n\n", [][]string{{"x"}, {""}}},
		{"x\r\n\r\n\r\na\r\n", [][]string{{"x"}, {""}, {""}, {"a"}}},
		{"x\na\n\r", [][]string{{"x"}, {"a"}}},
		{"\n\nx\n\n", [][]string{{"x"}, {""}}}, // before the header: skipped
		{"x\n\"a\n\n\"\n\n", [][]string{{"x"}, {"a\n\n"}, {""}}},
		{"x\n\"\"\n\n", [][]string{{"x"}, {""}, {""}}},
	} {
		got, _, err := csvRecordsBlank(tc.in, true)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", `"a""b",""` + "\n", "\"x\ny\"\r\n,", `a"b`, "\"open", "\n\n,\r\n\r"} {
		f.Add(s)
	}
	f.Add("\"a\r\nb\",\"\r\n\"\r\n")
	f.Fuzz(func(t *testing.T, s string) { sameAsStd(t, s) })
}

// TestLoadCSVMatchesReference: loadCSV, which infers each column's kind
// as it reads, parses each number once and flags strings a column at a
// time (stdlib.ArenaFlags), in one pass or two halves, gives the kinds
// and cells of
// the straightforward reading: every record's fields (Read), each column's
// kind from all of them, then each cell parsed for it.
func TestLoadCSVMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cells := [][]string{
		{"1", "-2", "0", " 7 ", "-0", "9223372036854775807", ""},                      // ints
		{"1", "2.5", "-0", "1e3", " .5", "-1E-2", "", `""`, "12"},                     // floats
		{"true", "FALSE", " True ", "", `""`},                                         // bools
		{"a", "b c", `"x, y"`, `"q""q"`, " lead", "", `""`, `"  "`, "é", "1", "true"}, // text
		{"", `""`, " "},                        // empty, quoted empty
		{"", " "},                              // null
		{"02134", "+1", "1_0", "NaN", "1e999"}, // numbers' look-alikes
	}
	for round := range 300 {
		nc := 1 + r.IntN(4)
		pick := make([][]string, nc)
		for j := range pick {
			p := cells[r.IntN(len(cells))]
			if r.IntN(3) == 0 { // a column of one kind but for one cell
				q := append([]string(nil), cells[r.IntN(len(cells))]...)
				p = append(append([]string(nil), p...), q[r.IntN(len(q))])
			}
			pick[j] = p
		}
		var b strings.Builder
		for j := range nc {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "c%d", j)
		}
		b.WriteByte('\n')
		nr := 1 + r.IntN(200) // past csvSizeSample sometimes
		for range nr {
			for j := range nc {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(pick[j][r.IntN(len(pick[j]))])
			}
			b.WriteByte('\n')
		}
		text := b.String()
		for k, size := range []int64{0, int64(len(text)), int64(len(text)) / 3} {
			// The cells made in one pass, and in two halves at once.
			csvSplitRows = []int{4096, 2, 3}[k]
			got, err := loadCSV(strings.NewReader(text), "t.csv", 0, size)
			csvSplitRows = 4096
			if err != nil {
				t.Fatal(err)
			}
			want := referenceCSV(t, text)
			if !reflect.DeepEqual(got.Types, want.Types) {
				t.Fatalf("round %d: types %v, want %v\n%s", round, got.Types, want.Types, text)
			}
			for i := range want.Rows {
				for j := range want.Rows[i] {
					g, w := got.Rows[i][j], want.Rows[i][j]
					if w.K == stdlib.String {
						w.I = stdlib.TextFlags(w.S) // as the table wants them
					}
					if g.K != w.K || g.I != w.I || g.S != w.S {
						t.Fatalf("round %d: row %d col %d = %+v, want %+v\n%s", round, i, j, g, w, text)
					}
				}
			}
			for j, a := range got.Arenas {
				if (a != nil) != (got.Types[j] == stdlib.String) {
					t.Fatalf("round %d: column %d (%v) arena %v", round, j, got.Types[j], a != nil)
				}
			}
		}
	}
}

// referenceCSV reads text as loadCSV did before it read columns as it
// went: records, then kinds, then cells.
func referenceCSV(t *testing.T, text string) *Table {
	oneCol := !strings.Contains(text[:strings.IndexByte(text, '\n')+1], ",")
	recs, quoted, err := csvRecordsBlank(text, oneCol) // a one-column file's empty line is a null

	if err != nil {
		t.Fatal(err)
	}
	tab := &Table{Columns: recs[0], Types: make([]stdlib.Kind, len(recs[0]))}
	for j := range tab.Columns {
		isInt, isFloat, isBool, any, q := true, true, true, false, false
		for i := 1; i < len(recs); i++ {
			s := strings.TrimSpace(recs[i][j])
			if s == "" {
				q = q || quoted[i][j]
				continue
			}
			any = true
			a, b := numberKind(s)
			isInt, isFloat = isInt && a, isFloat && b
			isBool = isBool && (strings.EqualFold(s, "true") || strings.EqualFold(s, "false"))
		}
		switch {
		case !any && q:
			tab.Types[j] = stdlib.String
		case !any:
			tab.Types[j] = stdlib.Null
		case isInt:
			tab.Types[j] = stdlib.Int
		case isFloat:
			tab.Types[j] = stdlib.Float
		case isBool:
			tab.Types[j] = stdlib.Bool
		default:
			tab.Types[j] = stdlib.String
		}
	}
	for i := 1; i < len(recs); i++ {
		row := make([]stdlib.Value, len(recs[i]))
		for j, s := range recs[i] {
			k := tab.Types[j]
			switch ts := strings.TrimSpace(s); {
			case ts == "" && quoted[i][j] && k == stdlib.String:
				row[j] = stdlib.StrV(s)
			case ts == "":
				row[j] = stdlib.NullV()
			case k == stdlib.Int:
				n, _ := strconv.ParseInt(ts, 10, 64)
				row[j] = stdlib.IntV(n)
			case k == stdlib.Float:
				f, _ := strconv.ParseFloat(ts, 64)
				row[j] = stdlib.FloatV(f)
			case k == stdlib.Bool:
				row[j] = stdlib.BoolV(strings.EqualFold(ts, "true"))
			default:
				row[j] = stdlib.StrV(s)
			}
		}
		tab.Rows = append(tab.Rows, row)
	}
	return tab
}

// TestCommaOrQuote: the first comma or quote, eight bytes at a time, is
// the one a byte-by-byte search finds, wherever it is and whatever bytes
// (high, low, near misses) are around it.
func TestCommaOrQuote(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{'a', ',', '"', 0, 0x80, 0xff, '+', '-', '#', '!', 0x2c ^ 0x80, 0x22 ^ 0x80, ' '}
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = 'x'
			if r.IntN(6) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		want := bytes.IndexAny(b, `,"`)
		if want < 0 {
			want = len(b)
		}
		if got := commaOrQuote(b); got != want {
			t.Fatalf("commaOrQuote(%q) = %d, want %d", b, got, want)
		}
	}
}

// TestCSVTextNotes: a string column whose first non-empty cell is a
// number and at least half of them are gets a note naming the cell that
// made it text (its first that is not a number) and its line; other
// columns get none.
func TestCSVTextNotes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string // per column; nil: no notes at all
	}{
		{"one.csv", "country,decimals\nUS,2\nJP,zero\n", []string{"", `column "decimals" of one.csv is text because line 3 holds "zero"`}},
		{"later.csv", "n\n1\n\n2.5\n\"x\ny\"\n \n3\nabc\n4\n", []string{`column "n" of later.csv is text because line 5 holds "x\ny" (and 1 more of its cells are not numbers, 4 are)`}},
		{"zip.csv", "zip,id\n10115,1\n02134,2\n80331,3\n", []string{`column "zip" of zip.csv is text because line 3 holds "02134"`, ""}},
		{"long.csv", "n\n1\n" + strings.Repeat("é", 50) + "\n", []string{`column "n" of long.csv is text because line 3 holds "` + strings.Repeat("é", 40) + `…"`}},
		{"text.csv", "name\nAnn\n1\n2\n", nil},        // text first: no note
		{"mostlytext.csv", "code\n1\nA\nB\n2\n", nil}, // more text than numbers
		{"numbers.csv", "a,b\n1,x\n2.5,y\n", nil},     // a number column, a text one
		{"bools.csv", "b\ntrue\nfalse\nmaybe\n", nil}, // not numbers
		{"quoted.csv", "n\n1\n\"\"\n2\n", nil},        // an empty string: a null in a number column
		{"onecol.csv", "n\n1\n\n2\nn/a\n", []string{`column "n" of onecol.csv is text because line 5 holds "n/a"`}}, // the empty line: a null
	} {
		tab, err := loadCSV(strings.NewReader(tc.body), tc.name, 0, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(tab.TextNotes, tc.want) {
			t.Errorf("%s: notes %q, want %q", tc.name, tab.TextNotes, tc.want)
		}
	}
}
