package data

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/scenhq/scen/stdlib"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/writer"
)

var (
	I = stdlib.IntV
	F = stdlib.FloatV
	S = stdlib.StrV
	B = stdlib.BoolV
	N = stdlib.NullV()
)

const (
	kNull   = stdlib.Null
	kInt    = stdlib.Int
	kFloat  = stdlib.Float
	kBool   = stdlib.Bool
	kString = stdlib.String
	kList   = stdlib.List
	kObject = stdlib.Object
	kAny    = stdlib.Any
)

func obj(kv ...any) stdlib.Value {
	var keys []string
	var vals []stdlib.Value
	for i := 0; i < len(kv); i += 2 {
		keys = append(keys, kv[i].(string))
		vals = append(vals, kv[i+1].(stdlib.Value))
	}
	return stdlib.ObjV(keys, vals)
}

func list(vs ...stdlib.Value) stdlib.Value { return stdlib.ListV(vs) }

// write stores content under name in a fresh directory, compressing it if
// the name ends in .gz or .zst (any case) unless raw is set.
func write(t *testing.T, name, content string, raw bool) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	data := []byte(content)
	lower := strings.ToLower(name)
	switch {
	case raw:
	case strings.HasSuffix(lower, ".gz"):
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		gz.Write(data)
		gz.Close()
		data = buf.Bytes()
	case strings.HasSuffix(lower, ".zst"):
		enc, _ := zstd.NewWriter(nil)
		data = enc.EncodeAll(data, nil)
		enc.Close()
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sameValue compares kind and value, and object keys in order.
func sameValue(a, b stdlib.Value) bool {
	if a.K != b.K {
		return false
	}
	switch a.K {
	case stdlib.List:
		if len(a.List()) != len(b.List()) {
			return false
		}
		for i := range a.List() {
			if !sameValue(a.List()[i], b.List()[i]) {
				return false
			}
		}
		return true
	case stdlib.Object:
		if strings.Join(a.Obj().Keys, "\x00") != strings.Join(b.Obj().Keys, "\x00") {
			return false
		}
		for i := range a.Obj().Vals {
			if !sameValue(a.Obj().Vals[i], b.Obj().Vals[i]) {
				return false
			}
		}
		return true
	}
	return stdlib.Equal(a, b)
}

func checkTable(t *testing.T, tab *Table, cols []string, types []stdlib.Kind, rows [][]stdlib.Value) {
	t.Helper()
	if strings.Join(tab.Columns, "|") != strings.Join(cols, "|") {
		t.Fatalf("columns %q, want %q", tab.Columns, cols)
	}
	if fmt.Sprint(tab.Types) != fmt.Sprint(types) {
		t.Errorf("types %v, want %v", tab.Types, types)
	}
	if len(tab.Rows) != len(rows) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(rows))
	}
	for i, want := range rows {
		if len(tab.Rows[i]) != len(cols) {
			t.Fatalf("row %d has %d cells, want %d", i, len(tab.Rows[i]), len(cols))
		}
		for j, w := range want {
			if got := tab.Rows[i][j]; !sameValue(got, w) {
				t.Errorf("row %d column %s = %v (%s), want %v (%s)", i, cols[j], got, got.K, w, w.K)
			}
		}
	}
}

func TestLoadText(t *testing.T) {
	for _, tc := range []struct {
		name  string // file name; each case also runs gzip- and zstd-compressed
		body  string
		cols  []string
		types []stdlib.Kind
		rows  [][]stdlib.Value
	}{
		{
			name:  "kinds.csv",
			body:  "id,price,ok,name,empty,mixed\n1,2.5,true,\"a, b\",,7\n2,3,FALSE,\"line\nbreak\",,x\n-3,1e3,False,plain,,7.5\n",
			cols:  []string{"id", "price", "ok", "name", "empty", "mixed"},
			types: []stdlib.Kind{kInt, kFloat, kBool, kString, kNull, kString},
			rows: [][]stdlib.Value{
				{I(1), F(2.5), B(true), S("a, b"), N, S("7")},
				{I(2), F(3), B(false), S("line\nbreak"), N, S("x")},
				{I(-3), F(1000), B(false), S("plain"), N, S("7.5")},
			},
		},
		{
			name:  "nulls.csv",
			body:  "a,b,c,d\n1,,true,\n,2.5,,x\n3, , ,\n",
			cols:  []string{"a", "b", "c", "d"},
			types: []stdlib.Kind{kInt, kFloat, kBool, kString},
			rows:  [][]stdlib.Value{{I(1), N, B(true), N}, {N, F(2.5), N, S("x")}, {I(3), N, N, N}},
		},
		{
			name:  "quoted.csv", // "" is an empty string where a column holds text, null where it holds numbers or bools; an empty cell is null
			body:  "name,n,flag,only,none\n\"\",1,\"\",\"\",\n,\"\",true,,\n\"  \",2,\" \",\"\",\n",
			cols:  []string{"name", "n", "flag", "only", "none"},
			types: []stdlib.Kind{kString, kInt, kBool, kString, kNull},
			rows: [][]stdlib.Value{
				{S(""), I(1), N, S(""), N},
				{N, N, B(true), N, N},
				{S("  "), I(2), N, S(""), N},
			},
		},
		{
			name:  "lossless.csv", // text a number would not round-trip stays a string
			body:  "zip,big,hex,signed,zero,sep,neg,phone\n02134,12345678901234567890,0x1F,-5,0,1_000,-5,+4915112345678\n10001,1,0x2,+7,0.5,2,7,+819012345678\n",
			cols:  []string{"zip", "big", "hex", "signed", "zero", "sep", "neg", "phone"},
			types: []stdlib.Kind{kString, kString, kString, kString, kFloat, kString, kInt, kString},
			rows: [][]stdlib.Value{
				{S("02134"), S("12345678901234567890"), S("0x1F"), S("-5"), F(0), S("1_000"), I(-5), S("+4915112345678")},
				{S("10001"), S("1"), S("0x2"), S("+7"), F(0.5), S("2"), I(7), S("+819012345678")},
			},
		},
		{
			name:  "words.csv", // NaN and infinities are not numbers: words and names stay text
			body:  "name,inf,w,exp,big\nNan,Infinity,1,1e3,1e999\nInfinity,-inf,nan,2E-2,1\n",
			cols:  []string{"name", "inf", "w", "exp", "big"},
			types: []stdlib.Kind{kString, kString, kString, kFloat, kString},
			rows: [][]stdlib.Value{
				{S("Nan"), S("Infinity"), S("1"), F(1000), S("1e999")},
				{S("Infinity"), S("-inf"), S("nan"), F(0.02), S("1")},
			},
		},
		{
			name:  "excel.csv", // byte order mark, CRLF, spaces around values and names, doubled quotes
			body:  "\uFEFFid , ok,quote\r\n 1 , true ,\"say \"\"hi\"\"\"\r\n2,false, padded \r\n",
			cols:  []string{"id", "ok", "quote"},
			types: []stdlib.Kind{kInt, kBool, kString},
			rows:  [][]stdlib.Value{{I(1), B(true), S(`say "hi"`)}, {I(2), B(false), S(" padded ")}},
		},
		{
			name:  "bomquoted.csv", // a byte order mark before a quoted header, as PowerShell's Export-Csv writes
			body:  "\uFEFF\"id\",\"name\"\r\n\"1\",\"a\"\r\n\"2\",\"Zoë\"\r\n",
			cols:  []string{"id", "name"},
			types: []stdlib.Kind{kInt, kString},
			rows:  [][]stdlib.Value{{I(1), S("a")}, {I(2), S("Zoë")}},
		},
		{
			name:  "single.csv",
			body:  "only\nv",
			cols:  []string{"only"},
			types: []stdlib.Kind{kString},
			rows:  [][]stdlib.Value{{S("v")}},
		},
		{
			name:  "onecolnulls.csv", // a one-column file: an empty line is a null, as scen's CSV sink writes one; the final newline adds no record
			body:  "x\na\n\na\n\na\n\n",
			cols:  []string{"x"},
			types: []stdlib.Kind{kString},
			rows:  [][]stdlib.Value{{S("a")}, {N}, {S("a")}, {N}, {S("a")}, {N}},
		},
		{
			name:  "onecolints.csv", // CRLF; "" in a column of numbers is null too
			body:  "\r\nn\r\n1\r\n\r\n\"\"\r\n2\r\n",
			cols:  []string{"n"},
			types: []stdlib.Kind{kInt},
			rows:  [][]stdlib.Value{{I(1)}, {N}, {N}, {I(2)}},
		},
		{
			name:  "twocolblank.csv", // more columns: an empty line is skipped (it cannot be a record)
			body:  "a,b\n1,2\n\n3,4\n\n",
			cols:  []string{"a", "b"},
			types: []stdlib.Kind{kInt, kInt},
			rows:  [][]stdlib.Value{{I(1), I(2)}, {I(3), I(4)}},
		},
		{
			name:  "crlfquoted.csv", // a quoted field keeps its \r\n, as scen's CSV sink wrote it; the record's own \r\n ends it
			body:  "s,t\r\n\"a\r\nb\",\"\r\n\"\r\n\"c\nd\",e\r\n",
			cols:  []string{"s", "t"},
			types: []stdlib.Kind{kString, kString},
			rows:  [][]stdlib.Value{{S("a\r\nb"), S("\r\n")}, {S("c\nd"), S("e")}},
		},
		{
			name: "nested.jsonl",
			body: `{"id": 1, "v": 1.5, "tags": ["a", 2, null], "o": {"z": 1, "a": {"k": [true]}}, "mixed": "s"}` + "\n" +
				`{"id": 2, "v": 2, "extra": null, "mixed": 4}` + "\n" +
				`{"v": 3.0, "id": 3, "mixed": 4.5}` + "\n",
			cols:  []string{"id", "v", "tags", "o", "mixed", "extra"},
			types: []stdlib.Kind{kInt, kFloat, kList, kObject, kAny, kNull},
			rows: [][]stdlib.Value{
				{I(1), F(1.5), list(S("a"), I(2), N), obj("z", I(1), "a", obj("k", list(B(true)))), S("s"), N},
				{I(2), F(2), N, N, I(4), N},
				{I(3), F(3), N, N, F(4.5), N},
			},
		},
		{
			name:  "numbers.ndjson",
			body:  `{"n": 99999999999999999999, "e": 1e2, "neg": -0, "f": -1.25E-1}` + "\n" + `{"n": 1, "e": 5, "neg": -7, "f": 0}`,
			cols:  []string{"n", "e", "neg", "f"},
			types: []stdlib.Kind{kString, kFloat, kInt, kFloat},
			rows:  [][]stdlib.Value{{S("99999999999999999999"), F(100), I(0), F(-0.125)}, {S("1"), F(5), I(-7), F(0)}},
		},
		{
			name: "bigids.jsonl", // integers beyond int64 keep their text, as in CSV: distinct ids stay distinct
			body: `{"id": 12345678901234567891, "only": -12345678901234567891, "f": 12345678901234567891, "w": "x", "l": [18446744073709551616, 1]}` + "\n" +
				`{"id": 12345678901234567892, "only": null, "f": 2.5, "w": 99999999999999999999, "l": []}` + "\n" +
				`{"id": 7, "f": null, "w": 3}`,
			cols:  []string{"id", "only", "f", "w", "l"},
			types: []stdlib.Kind{kString, kString, kAny, kAny, kList},
			rows: [][]stdlib.Value{
				{S("12345678901234567891"), S("-12345678901234567891"), S("12345678901234567891"), S("x"), list(S("18446744073709551616"), I(1))},
				{S("12345678901234567892"), N, F(2.5), S("99999999999999999999"), list()},
				{S("7"), N, N, I(3), N},
			},
		},
		{
			name:  "messy.jsonl", // BOM, CRLF, blank lines, a repeated key in a nested object (the last wins), no final newline
			body:  "\uFEFF{\"a\": 2, \"o\": {\"k\": 1, \"k\": 2}}\r\n\n  \n{\"b\": true}",
			cols:  []string{"a", "o", "b"},
			types: []stdlib.Kind{kInt, kObject, kBool},
			rows:  [][]stdlib.Value{{I(2), obj("k", I(2)), N}, {N, N, B(true)}},
		},
	} {
		for _, variant := range []string{"", ".gz", ".zst", ".GZ"} {
			name := tc.name + variant
			if variant == ".GZ" {
				name = strings.ToUpper(name)
			}
			t.Run(name, func(t *testing.T) {
				p := write(t, name, tc.body, false)
				tab, err := Load(p)
				if err != nil {
					t.Fatal(err)
				}
				if tab.Name != name || tab.Path != p {
					t.Errorf("name %q path %q", tab.Name, tab.Path)
				}
				checkTable(t, tab, tc.cols, tc.types, tc.rows)
				for j, c := range tc.cols {
					if tab.Col(c) != j {
						t.Errorf("Col(%q) = %d, want %d", c, tab.Col(c), j)
					}
				}
				if tab.Col("nope") != -1 {
					t.Errorf("Col(nope) = %d", tab.Col("nope"))
				}
			})
		}
	}
}

func TestJSONLNestedValuesAreFrozen(t *testing.T) {
	tab, err := Load(write(t, "f.jsonl", `{"l": [[1]], "o": {"p": {"q": 1}}}`, false))
	if err != nil {
		t.Fatal(err)
	}
	l, o := tab.Rows[0][0], tab.Rows[0][1]
	for _, v := range []stdlib.Value{l, l.List()[0], o, o.Obj().Vals[0]} {
		if v.I != stdlib.Frozen {
			t.Errorf("%v is not frozen", v)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	gz := func(s string) string {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write([]byte(s))
		w.Close()
		return buf.String()
	}
	big := gz(strings.Repeat("a,b\n", 10000))
	for _, tc := range []struct {
		file, body string
		raw        bool // write body as is, even for .gz
		want       string
	}{
		{"ragged.csv", "a,b\n1,2\n3\n", false, "ragged.csv: line 3: 1 field, but the header has 2 (a, b); every row needs one field per column: an empty value is written as nothing between two commas (1,,3)"},
		{"ragged2.csv", "a,b,c,d,e,f\n1,2,3,4,5,6\n\"x\ny\",2,3,4,5,6\n1,2,3,4,5\n", false, "ragged2.csv: line 5: 5 fields, but the header has 6 (a, b, c, d, e, f)"},
		{"wide.csv.gz", "a,b\n1,2\n1,2,3\n", false, "wide.csv.gz: line 3: 3 fields, but the header has 2 (a, b); every row needs one field per column: a value that contains a comma must be in double quotes"},
		{"bare.csv", "a,b\n1,x\"y\n", false, `bare.csv: line 2, column 4: a " in an unquoted field`},
		{"open.csv", "a,b\n1,\"abc\n2,3\n", false, "open.csv: line 3, column 5 (in the record that starts on line 2): a quoted field is not closed"},
		{"indent.jsonl", "{}\n\t  {\"a\" 1}\n", false, "indent.jsonl: line 2, column 9: invalid JSON: invalid character '1' after object key"},
		{"empty.csv", "", false, "empty.csv has no rows"},
		{"header.csv", "a,b\n", false, "header.csv has no rows"},
		{"blank.csv.gz", "", false, "blank.csv.gz has no rows"},
		{"dup.csv", "a,b,a\n1,2,3\n", false, `dup.csv: line 1: column "a" appears twice in the header (columns 1 and 3)`},
		{"noname.csv", "a,\n1,2\n", false, "noname.csv: line 1: column 2 has an empty name"},
		{"empty.jsonl", "", false, "empty.jsonl has no rows"},
		{"blank.jsonl", "\n \n", false, "blank.jsonl has no rows"},
		{"array.jsonl", "{\"a\":1}\n[1,2]\n", false, "array.jsonl: line 2: each line must be a JSON object, not an array"},
		{"scalar.jsonl", "\n\n42\n", false, "scalar.jsonl: line 3: each line must be a JSON object, not a number"},
		{"syntax.jsonl", "{\"a\":1}\n{\"a\":}\n", false, "syntax.jsonl: line 2, column 6: invalid JSON: invalid character '}'"},
		{"split.jsonl", "{\"a\":\n1}\n", false, "split.jsonl: line 1: the JSON value is incomplete"},
		{"cut.jsonl", "{\"a\":1}\n{\"a\":2,\"b\":\"x", false, "cut.jsonl: line 2, the last: the file ends in the middle of a JSON record (truncated?)"},
		{"cut-object.jsonl", "{\"a\":1}\n{\"a\":{\"b\":1", false, "cut-object.jsonl: line 2, the last: the file ends in the middle of a JSON record"},
		{"two.jsonl", "{\"a\":1} {\"a\":2}\n", false, "two.jsonl: line 1: an object follows the object"},
		// A top-level key given twice, as a CSV header's column named twice: by the fast path (valid JSON),
		// by the decoder's (a line json.Valid refuses for what follows), written with an escape.
		{"dupkey.jsonl", "{\"country\":\"US\",\"share\":1}\n\n{\"country\":\"JP\",\"share\":1,\"share\":0}\n", false, `dupkey.jsonl: line 3: the key "share" appears twice in the record; each top-level key is a column, given at most once per record`},
		{"dupkey-slow.jsonl", "{\"a\":1,\"a\":2,}\n", false, `dupkey-slow.jsonl: line 1: the key "a" appears twice in the record`},
		{"dupkey-escaped.jsonl", "{\"b\":{\"a\":1},\"a\":1,\"\\u0061\":[2]}", false, `dupkey-escaped.jsonl: line 1: the key "a" appears twice in the record`},
		{"deep.jsonl", `{"a":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + "}", false, "deep.jsonl: line 1: arrays and objects nest more than 1000 deep"},
		{"huge.jsonl", `{"a": 1e999}`, false, "huge.jsonl: line 1: the number 1e999 is out of range"},
		{"latin1.csv", "id,city\n1,M\xfcnchen\n", false, "latin1.csv: line 2, column 4: not UTF-8 text (byte 0xFC); datasets are read as UTF-8: convert the file, e.g. with iconv -f latin1 -t utf-8"},
		{"latin1.csv.gz", "id,city\n1,x\n2,caf\xe9\n", false, "latin1.csv.gz: line 3, column 6: not UTF-8 text (byte 0xE9)"},
		{"latin1head.csv", "id,ma\xdf\n1,2\n", false, "latin1head.csv: line 1, column 6: not UTF-8 text"},
		{"latin1.jsonl", "{\"a\": 1}\n{\"city\": \"M\xfcnchen\"}\n", false, "latin1.jsonl: line 2, column 12: not UTF-8 text (byte 0xFC)"},
		{"far.csv", "a,b\n" + strings.Repeat("1,ü\n", 40000) + "2,\xff\n", false, "far.csv: line 40002, column 3: not UTF-8 text (byte 0xFF)"},
		{"cut.jsonl", "{\"a\": \"\xe2\x82\"}\n", false, "cut.jsonl: line 1, column 8: not UTF-8 text (byte 0xE2)"},
		{"truncated.csv", "a\n\xe2\x82", false, "truncated.csv: line 2, column 1: not UTF-8 text (byte 0xE2)"},
		{"utf16le.csv", "\xff\xfei\x00d\x00\n\x001\x00\n\x00", false, "utf16le.csv: the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8"},
		{"utf16be.jsonl", "\xfe\xff\x00{\x00}", false, "utf16be.jsonl: the file is UTF-16 text"},
		{"utf16nobom.csv", "i\x00d\x00\n\x001\x00\n\x00", false, "utf16nobom.csv: line 1: a NUL byte at the start of the file, as in UTF-16 text; save it as UTF-8"},
		{"x.txt", "a", false, "x.txt: unknown format"},
		{"bad.parquet", "not parquet at all", false, "bad.parquet: not a Parquet file (it does not start with PAR1)"},
		{"tiny.parquet", "PAR1", false, "tiny.parquet: not a Parquet file (only 4 bytes)"},
		{"t.parquet.gz", "x", false, "t.parquet.gz: a Parquet file cannot be read compressed"},
		{"plain.csv.gz", "a,b\n1,2\n", true, "plain.csv.gz: not a gzip file"},
		{"cut.csv.gz", big[:len(big)/2], true, "cut.csv.gz: after line"},
		{"plain.jsonl.zst", "{}", true, "plain.jsonl.zst: "},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Load(write(t, tc.file, tc.body, tc.raw))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestLoadMissingAndDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"nope.csv", "nope.jsonl.gz", "nope.parquet"} {
		p := filepath.Join(dir, name)
		if _, err := Load(p); err == nil || err.Error() != p+" does not exist" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A directory, named with a data suffix or without one (it said
	// "data: unknown format", review 33).
	for _, name := range []string{"dir.csv", "data"} {
		p := filepath.Join(dir, name)
		os.Mkdir(p, 0o755)
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p+" is a directory, not a data file") {
			t.Errorf("directory %s: %v", name, err)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	defer func(old int64) { maxTableBytes = old }(maxTableBytes)
	maxTableBytes = 64 << 10
	var csvBody, jsonBody strings.Builder
	csvBody.WriteString("a,b\n")
	for i := range 2000 {
		fmt.Fprintf(&csvBody, "%d,x\n", i)
		fmt.Fprintf(&jsonBody, "{\"a\": %d}\n", i)
	}
	pq := writeParquet(t, 2000, 0)
	for _, tc := range []struct{ path, want string }{
		{write(t, "big.csv", csvBody.String(), false), "big.csv: line "},
		{write(t, "big.jsonl.gz", jsonBody.String(), false), "big.jsonl.gz: line "},
		{pq, "t.parquet: 2000 rows: "},
	} {
		_, err := Load(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "more than 65536 bytes of memory") {
			t.Errorf("%s: %v", filepath.Base(tc.path), err)
		}
	}
	// Small files load under the same limit.
	if _, err := Load(write(t, "small.csv", "a\n1\n", false)); err != nil {
		t.Error(err)
	}
}

type pqRow struct {
	ID    int64    `parquet:"name=id, type=INT64"`
	Price float64  `parquet:"name=price, type=DOUBLE"`
	Name  string   `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
	OK    bool     `parquet:"name=ok, type=BOOLEAN"`
	Note  *string  `parquet:"name=note, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Small int32    `parquet:"name=Small Value, type=INT32"`
	Ratio float32  `parquet:"name=ratio, type=FLOAT"`
	Count *int64   `parquet:"name=count, type=INT64, repetitiontype=OPTIONAL"`
	Flag  *bool    `parquet:"name=flag, type=BOOLEAN, repetitiontype=OPTIONAL"`
	Score *float64 `parquet:"name=score, type=DOUBLE, repetitiontype=OPTIONAL"`
	Big   int64    `parquet:"name=big, type=INT64, convertedtype=UINT_64"`
	U32   int32    `parquet:"name=u32, type=INT32, convertedtype=UINT_32"`
}

func pqRows(n int) []pqRow {
	rows := make([]pqRow, n)
	for i := range rows {
		r := pqRow{
			ID: int64(i) - 2, Price: float64(i) * 1.25, Name: fmt.Sprintf("name %d ü", i), OK: i%3 == 0,
			Small: int32(-i), Ratio: 0.1 * float32(i%10), Big: int64(i) << 40, U32: int32(-1 - i%2),
		}
		if i%2 == 0 {
			s := fmt.Sprintf("note %d", i)
			r.Note = &s
		}
		if i%5 != 1 {
			c, f, sc := int64(i*i), i%4 == 0, math.Sqrt(float64(i))
			r.Count, r.Flag, r.Score = &c, &f, &sc
		}
		rows[i] = r
	}
	return rows
}

// writeParquet writes pqRows(n) to t.parquet; rowGroup > 0 sets the row
// group size in bytes, so that small files have several row groups.
func writeParquet(t *testing.T, n int, rowGroup int64) string {
	t.Helper()
	return writeParquetOf(t, "t.parquet", new(pqRow), func(pw *writer.ParquetWriter) {
		if rowGroup > 0 {
			pw.RowGroupSize = rowGroup
			pw.PageSize = 256
		}
		for _, r := range pqRows(n) {
			if err := pw.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func writeParquetOf(t *testing.T, name string, schema any, fill func(*writer.ParquetWriter)) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	fw, err := local.NewLocalFileWriter(p)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := writer.NewParquetWriter(fw, schema, 1)
	if err != nil {
		t.Fatal(err)
	}
	pw.CompressionType = parquet.CompressionCodec_SNAPPY
	fill(pw)
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return p
}

// TestParquetCollidingNames: columns whose names parquet-go maps to one
// internal name (the first letter upper-cased, other characters than
// letters, digits and _ by their codes: "Id" and "id", "a.b" and "a46b")
// are each read as themselves, in order, with their own values; it read
// one of them twice, or refused the file.
func TestParquetCollidingNames(t *testing.T) {
	type row struct {
		A int64  `parquet:"name=c0, type=INT64"`
		B *int64 `parquet:"name=c1, type=INT64, repetitiontype=OPTIONAL"`
		C string `parquet:"name=c2, type=BYTE_ARRAY, convertedtype=UTF8"`
	}
	for _, tc := range []struct {
		name  string
		names [3]string
	}{
		{"case", [3]string{"Id", "id", "name"}},
		{"three cases", [3]string{"x", "X", "x_"}},
		{"codes", [3]string{"a.b", "a46b", "A46b"}},
		{"a renamed column's own name taken", [3]string{"scen_column_2", "k", "K"}},
		{"no collision", [3]string{"id", "user_id", "name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeParquetOf(t, "t.parquet", new(row), func(pw *writer.ParquetWriter) {
				for i := range int64(3) {
					r := row{A: i, C: fmt.Sprint("s", i)}
					if i != 1 {
						b := 10 + i
						r.B = &b
					}
					if err := pw.Write(r); err != nil {
						t.Fatal(err)
					}
				}
				// The names the file spells, as scen's parquet sink sets them.
				for i, n := range tc.names {
					pw.SchemaHandler.Infos[i+1].ExName = n
				}
				pw.SchemaHandler.CreateInExMap()
			})
			for _, max := range []int{0, 2} {
				tab, err := LoadHeadIn(p, time.UTC, max)
				if err != nil {
					t.Fatal(err)
				}
				want := [][]stdlib.Value{{I(0), I(10), S("s0")}, {I(1), N, S("s1")}, {I(2), I(12), S("s2")}}
				if max > 0 {
					want = want[:max]
				}
				checkTable(t, tab, tc.names[:], []stdlib.Kind{kInt, kInt, kString}, want)
			}
		})
	}
}

func TestLoadParquet(t *testing.T) {
	defer func(old int) { parquetBatch = old }(parquetBatch)
	cols := []string{"id", "price", "name", "ok", "note", "Small Value", "ratio", "count", "flag", "score", "big", "u32"}
	types := []stdlib.Kind{kInt, kFloat, kString, kBool, kString, kInt, kFloat, kInt, kBool, kFloat, kInt, kInt}
	for _, tc := range []struct {
		name     string
		n        int
		rowGroup int64
		batch    int
	}{
		{"one row", 1, 0, 64 << 10},
		{"one row group", 50, 0, 64 << 10},
		{"many row groups, small batches", 3000, 4 << 10, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parquetBatch = tc.batch
			tab, err := Load(writeParquet(t, tc.n, tc.rowGroup))
			if err != nil {
				t.Fatal(err)
			}
			var want [][]stdlib.Value
			for _, r := range pqRows(tc.n) {
				row := []stdlib.Value{I(r.ID), F(r.Price), S(r.Name), B(r.OK), N, I(int64(r.Small)),
					N, N, N, N, I(r.Big), I(int64(uint32(r.U32)))}
				// FLOAT reads back as its shortest decimal: 0.3 rather than 0.30000001192092896.
				row[6], _ = roundTrip32(r.Ratio)
				if r.Note != nil {
					row[4] = S(*r.Note)
				}
				if r.Count != nil {
					row[7], row[8], row[9] = I(*r.Count), B(*r.Flag), F(*r.Score)
				}
				want = append(want, row)
			}
			checkTable(t, tab, cols, types, want)
		})
	}
}

func roundTrip32(f float32) (stdlib.Value, error) {
	var g float64
	_, err := fmt.Sscan(fmt.Sprint(f), &g)
	return F(g), err
}

func TestParquetErrors(t *testing.T) {
	type int96 struct {
		ID int64  `parquet:"name=id, type=INT64"`
		TS string `parquet:"name=ts, type=INT96"`
	}
	type decimal struct {
		Amount int32 `parquet:"name=amount, type=INT32, convertedtype=DECIMAL, scale=2, precision=9"`
	}
	type inner struct {
		X int64 `parquet:"name=x, type=INT64"`
	}
	type nested struct {
		ID  int64 `parquet:"name=id, type=INT64"`
		Sub inner `parquet:"name=sub"`
	}
	type repeated struct {
		Tags []int32 `parquet:"name=tags, type=INT32, repetitiontype=REPEATED"`
	}
	type fixed struct {
		Code string `parquet:"name=code, type=FIXED_LEN_BYTE_ARRAY, length=4"`
	}
	for _, tc := range []struct {
		name   string
		schema any
		row    any
		want   string
	}{
		{"int96", new(int96), int96{1, "aaaaaaaaaaaa"}, `t.parquet: column "ts": type INT96 (a legacy timestamp) is not supported`},
		{"decimal", new(decimal), decimal{1234}, `t.parquet: column "amount": type DECIMAL (INT32) is not supported`},
		{"nested", new(nested), nested{1, inner{2}}, `t.parquet: column "sub.x" is nested`},
		{"repeated", new(repeated), repeated{[]int32{1, 2}}, `t.parquet: column "tags" is repeated`},
		{"fixed", new(fixed), fixed{"abcd"}, `t.parquet: column "code": type FIXED_LEN_BYTE_ARRAY is not supported`},
		{"no rows", new(pqRow), nil, "t.parquet has no rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeParquetOf(t, "t.parquet", tc.schema, func(pw *writer.ParquetWriter) {
				if tc.row != nil {
					if err := pw.Write(tc.row); err != nil {
						t.Fatal(err)
					}
				}
			})
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestParquetCorrupt damages a valid file in many ways: Load must return an
// error or a table, and never panic.
func TestParquetCorrupt(t *testing.T) {
	good, err := os.ReadFile(writeParquet(t, 200, 2<<10))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	loaded, failed := 0, map[string]int{}
	defer func() { t.Logf("%d damaged files loaded, errors: %v", loaded, failed) }()
	try := func(label string, b []byte) {
		p := filepath.Join(dir, "c.parquet")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Load(p)
		if err == nil && len(tab.Rows) == 0 {
			t.Errorf("%s: no error and no rows", label)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "c.parquet") {
			t.Errorf("%s: error does not name the file: %v", label, err)
		}
		if err == nil {
			loaded++
		} else {
			msg := err.Error()
			failed[msg[:min(len(msg), 60)]]++
		}
	}
	for _, cut := range []int{0, 4, 8, 12, len(good) / 3, len(good) / 2, len(good) - 9, len(good) - 1} {
		try(fmt.Sprintf("truncated to %d", cut), good[:cut])
	}
	// The body without its footer, with the footer of the file re-appended.
	try("body cut", append(append([]byte{}, good[:len(good)/4]...), good[len(good)/2:]...))
	for i := 4; i < len(good)-8; i += max(1, len(good)/97) {
		b := append([]byte{}, good...)
		b[i] ^= 0xff
		try(fmt.Sprintf("byte %d flipped", i), b)
	}
}

// FuzzJSONLine checks that the fast path over valid lines decodes exactly
// as the json.Decoder path does.
func FuzzJSONLine(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a": [1, 2.5, -3e2, "x", true, false, null, {"k": []}]}`,
		`{"s": "esc \" \\ \/ \n \u00e9 \ud83d\ude00 \u0000", "ü": "ünï"}`,
		"{\"bad\": \"\xff\xfe\"}", `{"a":1,"a":{"b":2,"b":3,"c":[]}}`,
		`{"n": 99999999999999999999, "m": -0, "e": 1E+2, "big": 1e400}`,
		`{ "sp" :  [ 1 , { } ] , "t" : true }`, `{"a":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := bytes.TrimSpace([]byte(s))
		if len(text) == 0 || text[0] != '{' || !json.Valid(text) {
			return
		}
		type kv struct {
			k string
			v stdlib.Value
		}
		var fast, slow []kv
		// A top-level key given twice is an error, as loadJSONL's set
		// makes it (where encoding/json keeps the last value): both paths
		// must stop at it with the same error.
		into := func(dst *[]kv) func(string, stdlib.Value) error {
			return func(k string, v stdlib.Value) error {
				for _, have := range *dst {
					if have.k == k {
						return dupKeyError("f", 1, k)
					}
				}
				*dst = append(*dst, kv{k, v})
				return nil
			}
		}
		ferr := parseLine(text, "f", 1, 0, into(&fast))
		p := &jsonParser{dec: json.NewDecoder(bytes.NewReader(text)), name: "f", line: 1, where: "line 1"}
		p.dec.UseNumber()
		serr := p.object(into(&slow))
		if (ferr == nil) != (serr == nil) || ferr != nil && ferr.Error() != serr.Error() {
			t.Fatalf("%q: fast error %v, decoder error %v", s, ferr, serr)
		}
		if len(fast) != len(slow) {
			t.Fatalf("%q: %d fields, decoder %d", s, len(fast), len(slow))
		}
		for i := range fast {
			if fast[i].k != slow[i].k || !sameValue(fast[i].v, slow[i].v) {
				t.Fatalf("%q: field %d = %q %v, decoder %q %v", s, i, fast[i].k, fast[i].v, slow[i].k, slow[i].v)
			}
		}
	})
}

// BenchmarkLoadRecipesTable loads the recipe catalogue (10 000 rows, 1 MB)
// and lays it out as a table, as compiling the recipe scenario does.
func BenchmarkLoadRecipesTable(b *testing.B) {
	path := filepath.Join("..", "..", "scenarios", "data", "recipes.csv")
	b.ReportAllocs()
	for b.Loop() {
		t, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if t.Arenas != nil {
			stdlib.NewTableIn(t.Columns, t.Rows, t.Arenas)
		} else {
			stdlib.NewTable(t.Columns, t.Rows)
		}
	}
}

// TestIntSyntax: intSyntax accepts exactly the text strconv.ParseInt
// parses in base 10, overflow aside.
func TestIntSyntax(t *testing.T) {
	for _, s := range []string{"", "+", "-", "0", "7", "-12", "+12", "--1", "+-1", "1.5", "1e3", "0x1f", "1_000", " 1", "1 ", "９", "99999999999999999999"} {
		_, err := strconv.ParseInt(s, 10, 64)
		overflow := errors.Is(err, strconv.ErrRange)
		if got := intSyntax(s); got != (err == nil || overflow) {
			t.Errorf("intSyntax(%q) = %v; ParseInt error %v", s, got, err)
		}
	}
}

// TestNumberKind: only finite decimal numbers are numbers.
func TestNumberKind(t *testing.T) {
	for _, tc := range []struct {
		s            string
		isInt, isNum bool
	}{
		{"12", true, true}, {"-3", true, true}, {"+7", false, false}, {"+4915112345678", false, false}, {"+1.5", false, false}, {"0", true, true},
		{"2.5", false, true}, {".5", false, true}, {"5.", false, true}, {"-1e3", false, true}, {"1E+2", false, true},
		{"NaN", false, false}, {"nan", false, false}, {"Nan", false, false}, {"inf", false, false},
		{"-Inf", false, false}, {"+infinity", false, false}, {"Infinity", false, false},
		{"1e999", false, false}, {"0x1p3", false, false}, {"1_0", false, false}, {"02", false, false},
		{"99999999999999999999", false, false}, {"e5", false, false}, {".", false, false}, {"1e", false, false},
	} {
		if i, n := numberKind(tc.s); i != tc.isInt || n != tc.isNum {
			t.Errorf("numberKind(%q) = %v, %v; want %v, %v", tc.s, i, n, tc.isInt, tc.isNum)
		}
	}
}

// TestUTF8ReaderPassesText: valid UTF-8 comes through byte for byte, with
// its byte order mark dropped, however the reads cut its characters.
func TestUTF8ReaderPassesText(t *testing.T) {
	var sb strings.Builder
	for i := range 20000 {
		sb.WriteString([]string{"a", "é", "€", "😀", "\n", "xy"}[i%6])
		if i%7 == 0 {
			sb.WriteString("é😀")
		}
	}
	text := sb.String()
	for _, tc := range []struct {
		name string
		in   string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", text, func(r io.Reader) io.Reader { return r }},
		{"one byte at a time", text, iotest.OneByteReader},
		{"halves", text, iotest.HalfReader},
		{"bom", "\uFEFF" + text, iotest.OneByteReader},
		{"short", "é", iotest.OneByteReader},
		{"bom only", "\uFEFF", iotest.OneByteReader},
		{"empty", "", func(r io.Reader) io.Reader { return r }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := io.ReadAll(newUTF8Reader(tc.wrap(strings.NewReader(tc.in)), "f"))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimPrefix(tc.in, "\uFEFF"); string(got) != want {
				t.Fatalf("%d bytes out, want %d", len(got), len(want))
			}
		})
	}
}

// TestParquetTemporal: TIMESTAMP columns (any unit, logical or converted
// type) load as times truncated to the millisecond, one not adjusted to
// UTC as wall-clock time in the scenario's zone; DATE as "YYYY-MM-DD"; TIME
// as a duration since midnight.
func TestParquetTemporal(t *testing.T) {
	type row struct {
		Legacy  int64  `parquet:"name=legacy, type=INT64, convertedtype=TIMESTAMP_MILLIS, isadjustedtoutc=true"`
		LegacyU int64  `parquet:"name=legacy_us, type=INT64, convertedtype=TIMESTAMP_MICROS, isadjustedtoutc=true"`
		Ms      int64  `parquet:"name=ms, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS"`
		Us      int64  `parquet:"name=us, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MICROS"`
		Ns      int64  `parquet:"name=ns, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=NANOS"`
		Local   int64  `parquet:"name=local, type=INT64, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=false, logicaltype.unit=MICROS"`
		Opt     *int64 `parquet:"name=opt, type=INT64, repetitiontype=OPTIONAL, logicaltype=TIMESTAMP, logicaltype.isadjustedtoutc=true, logicaltype.unit=MILLIS"`
		Day     int32  `parquet:"name=day, type=INT32, convertedtype=DATE"`
		Day2    int32  `parquet:"name=day2, type=INT32, logicaltype=DATE"`
		TodMs   int32  `parquet:"name=tod_ms, type=INT32, convertedtype=TIME_MILLIS"`
		TodUs   int64  `parquet:"name=tod_us, type=INT64, logicaltype=TIME, logicaltype.isadjustedtoutc=true, logicaltype.unit=MICROS"`
		TodNs   int64  `parquet:"name=tod_ns, type=INT64, logicaltype=TIME, logicaltype.isadjustedtoutc=false, logicaltype.unit=NANOS"`
	}
	const t0 = 1735689600000 // 2025-01-01T00:00:00Z
	opt := int64(t0)
	rows := []row{
		{t0, t0 * 1000, t0, t0*1000 + 999, t0*1000000 + 999999, t0 * 1000, &opt, 20089, 20089, 3600000, 3600000999, 86399999999999},
		{-1, -1, -1, -1, -1, -1, nil, -1, 0, 0, 1, 1},
	}
	p := writeParquetOf(t, "t.parquet", new(row), func(pw *writer.ParquetWriter) {
		for _, r := range rows {
			if err := pw.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	})
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	T, D := stdlib.TimeV, stdlib.DurV
	cols := []string{"legacy", "legacy_us", "ms", "us", "ns", "local", "opt", "day", "day2", "tod_ms", "tod_us", "tod_ns"}
	types := []stdlib.Kind{stdlib.Time, stdlib.Time, stdlib.Time, stdlib.Time, stdlib.Time, stdlib.Time, stdlib.Time,
		kString, kString, stdlib.Duration, stdlib.Duration, stdlib.Duration}
	for _, tc := range []struct {
		name  string
		loc   *time.Location
		local []stdlib.Value // the column not adjusted to UTC, row by row
	}{
		{"UTC", time.UTC, []stdlib.Value{T(t0), T(-1)}},
		// Wall-clock midnight in Berlin is 23:00 UTC the day before.
		{"Berlin", berlin, []stdlib.Value{T(t0 - 3600000), T(-1 - 3600000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := LoadIn(p, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			checkTable(t, tab, cols, types, [][]stdlib.Value{
				{T(t0), T(t0), T(t0), T(t0), T(t0), tc.local[0], T(t0), S("2025-01-01"), S("2025-01-01"), D(3600000), D(3600000), D(86399999)},
				// Before 1970, truncation goes down to the millisecond.
				{T(-1), T(-1), T(-1), T(-1), T(-1), tc.local[1], N, S("1969-12-31"), S("1970-01-01"), D(0), D(0), D(0)},
			})
		})
	}
}

// TestTemporalOf: the logical type decides; a converted type alone (older
// writers) gives the same reading, a legacy TIMESTAMP being UTC.
func TestTemporalOf(t *testing.T) {
	i32, i64, dbl := parquet.Type_INT32, parquet.Type_INT64, parquet.Type_DOUBLE
	ct := func(c parquet.ConvertedType) *parquet.ConvertedType { return &c }
	ts := func(utc bool, u *parquet.TimeUnit) *parquet.LogicalType {
		return &parquet.LogicalType{TIMESTAMP: &parquet.TimestampType{IsAdjustedToUTC: utc, Unit: u}}
	}
	us := &parquet.TimeUnit{MICROS: parquet.NewMicroSeconds()}
	for _, tc := range []struct {
		name string
		el   parquet.SchemaElement
		want temporal
	}{
		{"plain int", parquet.SchemaElement{Type: &i64}, temporal{}},
		{"double", parquet.SchemaElement{Type: &dbl, ConvertedType: ct(parquet.ConvertedType_TIMESTAMP_MILLIS)}, temporal{}},
		{"legacy millis", parquet.SchemaElement{Type: &i64, ConvertedType: ct(parquet.ConvertedType_TIMESTAMP_MILLIS)}, temporal{"timestamp", 1, true}},
		{"legacy micros", parquet.SchemaElement{Type: &i64, ConvertedType: ct(parquet.ConvertedType_TIMESTAMP_MICROS)}, temporal{"timestamp", 1000, true}},
		{"legacy date", parquet.SchemaElement{Type: &i32, ConvertedType: ct(parquet.ConvertedType_DATE)}, temporal{"date", 1, false}},
		{"legacy time", parquet.SchemaElement{Type: &i64, ConvertedType: ct(parquet.ConvertedType_TIME_MICROS)}, temporal{"time", 1000, false}},
		{"logical local", parquet.SchemaElement{Type: &i64, ConvertedType: ct(parquet.ConvertedType_TIMESTAMP_MICROS), LogicalType: ts(false, us)}, temporal{"timestamp", 1000, false}},
		{"logical nanos", parquet.SchemaElement{Type: &i64, LogicalType: ts(true, &parquet.TimeUnit{NANOS: parquet.NewNanoSeconds()})}, temporal{"timestamp", 1000000, true}},
	} {
		if got := temporalOf(&tc.el); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestParquetFixtures: files written by arrow-go (testdata/README.md):
// codecs parquet-go cannot decompress are refused by name; the same data
// with Snappy loads, and so do columns whose names differ only in case.
func TestParquetFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{"lz4raw.parquet", `lz4raw.parquet: column "id": compression LZ4_RAW is not supported (write the file with snappy, gzip, zstd or no compression)`},
		{"brotli.parquet", `brotli.parquet: column "id": compression BROTLI is not supported`},
		{"snappy.parquet", ""},
		{"case.parquet", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tab, err := Load(filepath.Join("testdata", tc.file))
			if tc.want == "" && tc.file == "case.parquet" {
				// Names that differ only in case are two columns.
				if err != nil {
					t.Fatal(err)
				}
				checkTable(t, tab, []string{"A", "a"}, []stdlib.Kind{kInt, kInt}, [][]stdlib.Value{{I(1), I(3)}, {I(2), I(4)}})
				return
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkTable(t, tab, []string{"id", "city"}, []stdlib.Kind{kInt, kString},
					[][]stdlib.Value{{I(1), S("Paris")}, {I(2), S("Berlin")}, {I(3), S("Rome")}})
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzLoadText: any bytes as a CSV or JSON lines file load or give an
// error; never a panic, and a loaded table's rows all have its columns.
func FuzzLoadText(f *testing.F) {
	for _, s := range []string{
		"id,name\n1,a\n2,b\n", "\xef\xbb\xbf\"id\",\"name\"\r\n\"1\",\"a\"\r\n", "a\n\"x\ny\"\n", "a,b\n1\n",
		"n\nNaN\nInf\n1e999\n02134\n", "\xff\xfeid\x00\n\x001\x00", "c\nM\xfcnchen\n", "",
		"{\"a\":1}\n{\"a\":99999999999999999999}\n\n", "{\"a\":\"\xff\"}\n", "{\"a\":[1,{\"b\":null}]}\n",
	} {
		f.Add(s, strings.HasPrefix(s, "{"))
	}
	f.Fuzz(func(t *testing.T, s string, jsonl bool) {
		name := "f.csv"
		if jsonl {
			name = "f.jsonl"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Load(path)
		if err != nil {
			return
		}
		if len(tab.Types) != len(tab.Columns) {
			t.Fatalf("%d types for %d columns", len(tab.Types), len(tab.Columns))
		}
		for i, r := range tab.Rows {
			if len(r) != len(tab.Columns) {
				t.Fatalf("row %d has %d values, the table %d columns", i, len(r), len(tab.Columns))
			}
			for j, v := range r {
				if k := tab.Types[j]; v.K != stdlib.Null && k != stdlib.Any && v.K != k {
					t.Fatalf("row %d column %q: a %s in a %s column", i, tab.Columns[j], v.K, k)
				}
			}
		}
	})
}

// TestLoadParquetByMagic: a Parquet file is read as Parquet whatever its
// name (a Parquet sink's path may end in .jsonl), by its first bytes,
// PAR1; it used to be read as text ("not UTF-8 text (byte 0x…)"). A text
// file named .parquet is not Parquet, and says so.
func TestLoadParquetByMagic(t *testing.T) {
	src := writeParquet(t, 30, 0)
	pq, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
		err  string // "": the table of src
	}{
		{"t.jsonl", pq, ""},
		{"t.ndjson", pq, ""},
		{"t.CSV", pq, ""},
		{"t.jsonl.gz", pq, "t.jsonl.gz is a Parquet file (it starts with PAR1), not gz-compressed text: name it .parquet"},
		{"text.parquet", []byte(`{"a":1}` + "\n" + `{"a":2}` + "\n"), "text.parquet: not a Parquet file (it does not start with PAR1)"},
		{"short.jsonl", []byte("PAR"), "short.jsonl: line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got, want := IsParquet(p), bytes.HasPrefix(tc.data, []byte("PAR1")); got != want {
				t.Errorf("IsParquet = %v, want %v", got, want)
			}
			tab, err := Load(p)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTable(t, tab, want.Columns, want.Types, want.Rows)
		})
	}
}

// TestLoadHeadParquet: LoadHeadIn reads a Parquet file's first max rows
// and not the row groups after them (scen cat --limit): with every row
// group after the first overwritten with garbage, the rows of the first
// group read back as they were written, and one row more reaches the
// garbage and is an error, as reading the whole file is. It used to read
// the whole file and cut it.
func TestLoadHeadParquet(t *testing.T) {
	const n = 3000
	p := writeParquet(t, n, 4<<10)
	whole, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	// The row groups' byte ranges, from the footer.
	fr, err := local.NewLocalFileReader(p)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := reader.NewParquetColumnReader(fr, 1)
	if err != nil {
		t.Fatal(err)
	}
	groups := pr.Footer.GetRowGroups()
	first := int(groups[0].GetNumRows())
	var from, to int64 = math.MaxInt64, 0 // the chunks of the groups after the first
	for _, rg := range groups[1:] {
		for _, ch := range rg.GetColumns() {
			md := ch.GetMetaData()
			start := md.GetDataPageOffset()
			if md.DictionaryPageOffset != nil && md.GetDictionaryPageOffset() > 0 {
				start = min(start, md.GetDictionaryPageOffset())
			}
			from, to = min(from, start), max(to, start+md.GetTotalCompressedSize())
		}
	}
	pr.ReadStop()
	fr.Close()
	if len(groups) < 3 || first >= n/2 {
		t.Fatalf("%d row groups, %d rows in the first: want several", len(groups), first)
	}
	// Intact, any head reads back as the whole file's first rows, in
	// batches that cross row groups too.
	defer func(old int) { parquetBatch = old }(parquetBatch)
	for _, batch := range []int{7, 64 << 10} {
		parquetBatch = batch
		for _, m := range []int{1, first, first + 1, 2*first + 3, n - 1, n, n + 5} {
			tab, err := LoadHeadIn(p, time.UTC, m)
			if err != nil {
				t.Fatalf("batch %d, max %d: %v", batch, m, err)
			}
			checkTable(t, tab, whole.Columns, whole.Types, whole.Rows[:min(m, n)])
		}
	}
	parquetBatch = 64 << 10
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := from; i < to; i++ {
		data[i] = 0xff
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		max  int
		err  bool
	}{
		{"one row", 1, false},
		{"some rows", 10, false},
		{"the first row group", first, false},
		{"a row of the second group", first + 1, true},
		{"all", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := LoadHeadIn(p, time.UTC, tc.max)
			if tc.err {
				if err == nil || !strings.Contains(err.Error(), "t.parquet") {
					t.Fatalf("error %v, want one naming t.parquet", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTable(t, tab, whole.Columns, whole.Types, whole.Rows[:tc.max])
		})
	}
}
