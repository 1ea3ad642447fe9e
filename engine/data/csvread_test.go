package data

import (
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// csvRecords reads every record of s with scen's reader, and the error
// that ended it (nil at the end of the input).
func csvRecords(s string) (recs [][]string, quoted [][]bool, err error) {
	r := newCSVReader(strings.NewReader(s))
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
// other records, or another error (kind, line, column).
func sameAsStd(t *testing.T, s string) {
	t.Helper()
	got, _, gerr := csvRecords(s)
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

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", `"a""b",""` + "\n", "\"x\ny\"\r\n,", `a"b`, "\"open", "\n\n,\r\n\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameAsStd(t, s) })
}
