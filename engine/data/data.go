// Package data loads the reference tables scenarios read at compile time
// (CSV, JSON lines and Parquet), inferring a type per column.
package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scenhq/scen/stdlib"
)

// Table is a loaded reference table.
type Table struct {
	Name    string
	Path    string
	Columns []string
	Types   []stdlib.Kind
	Rows    [][]stdlib.Value
}

// Col returns the index of a column, or -1.
func (t *Table) Col(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Load reads a table by extension: .csv, .jsonl/.ndjson or .parquet, with an
// optional .gz for the text formats.
func Load(path string) (*Table, error) {
	lower := strings.ToLower(path)
	base := strings.TrimSuffix(lower, ".gz")
	var t *Table
	var err error
	switch {
	case strings.HasSuffix(base, ".parquet"):
		t, err = loadParquet(path)
	case strings.HasSuffix(base, ".csv"):
		t, err = withReader(path, loadCSV)
	case strings.HasSuffix(base, ".jsonl"), strings.HasSuffix(base, ".ndjson"):
		t, err = withReader(path, loadJSONL)
	default:
		return nil, fmt.Errorf("%s: unknown format; use .csv, .jsonl or .parquet (optionally .gz)", path)
	}
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s has no rows", filepath.Base(path))
	}
	t.Path = path
	t.Name = filepath.Base(path)
	return t, nil
}

func withReader(path string, load func(io.Reader, string) (*Table, error)) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", path)
		}
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		defer gz.Close()
		r = gz
	}
	return load(r, filepath.Base(path))
}

func loadCSV(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s is empty", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" {
			return nil, fmt.Errorf("%s: column %d has an empty name", name, i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("%s: column %q appears twice in the header", name, h)
		}
		seen[h] = true
	}
	cr.FieldsPerRecord = len(header)
	var raw [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("%s: line %d: %d fields, header has %d", name, pe.Line, len(rec), len(header))
			}
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		raw = append(raw, rec)
	}
	t := &Table{Columns: header, Types: make([]stdlib.Kind, len(header)), Rows: make([][]stdlib.Value, len(raw))}
	for i := range raw {
		t.Rows[i] = make([]stdlib.Value, len(header))
	}
	for j := range header {
		kind := inferCSV(raw, j)
		t.Types[j] = kind
		for i, rec := range raw {
			t.Rows[i][j] = parseCell(rec[j], kind)
		}
	}
	return t, nil
}

// inferCSV picks one kind per column: Int, else Float, else Bool, else String.
func inferCSV(raw [][]string, j int) stdlib.Kind {
	isInt, isFloat, isBool, any := true, true, true, false
	for _, rec := range raw {
		s := rec[j]
		if s == "" {
			continue
		}
		any = true
		if isInt {
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				isInt = false
			}
		}
		if isFloat {
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				isFloat = false
			}
		}
		if isBool && s != "true" && s != "false" {
			isBool = false
		}
	}
	switch {
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

func parseCell(s string, kind stdlib.Kind) stdlib.Value {
	if s == "" {
		return stdlib.NullV()
	}
	switch kind {
	case stdlib.Int:
		i, _ := strconv.ParseInt(s, 10, 64)
		return stdlib.IntV(i)
	case stdlib.Float:
		f, _ := strconv.ParseFloat(s, 64)
		return stdlib.FloatV(f)
	case stdlib.Bool:
		return stdlib.BoolV(s == "true")
	}
	return stdlib.StrV(s)
}

func loadJSONL(r io.Reader, name string) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	t := &Table{}
	colIdx := map[string]int{}
	var rows []map[int]stdlib.Value
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var obj map[string]any
		// Decode through ordered tokens so first-seen column order is kept.
		keys, err := objectKeys(b)
		if err == nil {
			err = dec.Decode(&obj)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: not a JSON object: %v", name, line, err)
		}
		row := map[int]stdlib.Value{}
		for _, k := range keys {
			j, ok := colIdx[k]
			if !ok {
				j = len(t.Columns)
				colIdx[k] = j
				t.Columns = append(t.Columns, k)
			}
			row[j] = fromJSON(obj[k])
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	t.Types = make([]stdlib.Kind, len(t.Columns))
	t.Rows = make([][]stdlib.Value, len(rows))
	for i, row := range rows {
		t.Rows[i] = make([]stdlib.Value, len(t.Columns))
		for j, v := range row {
			t.Rows[i][j] = v
		}
	}
	for j := range t.Columns {
		kind := stdlib.Null
		for _, r := range t.Rows {
			k := r[j].K
			switch {
			case k == stdlib.Null || k == kind:
			case kind == stdlib.Null:
				kind = k
			case (kind == stdlib.Int && k == stdlib.Float) || (kind == stdlib.Float && k == stdlib.Int):
				kind = stdlib.Float
			default:
				kind = stdlib.Any
			}
		}
		t.Types[j] = kind
		if kind == stdlib.Float {
			for _, r := range t.Rows {
				if r[j].K == stdlib.Int {
					r[j] = stdlib.FloatV(float64(r[j].I))
				}
			}
		}
	}
	return t, nil
}

// objectKeys returns a JSON object's top-level keys in source order.
func objectKeys(b []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("expected an object")
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func fromJSON(v any) stdlib.Value {
	switch x := v.(type) {
	case nil:
		return stdlib.NullV()
	case bool:
		return stdlib.BoolV(x)
	case string:
		return stdlib.StrV(x)
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := x.Int64(); err == nil {
				return stdlib.IntV(i)
			}
		}
		f, _ := x.Float64()
		return stdlib.FloatV(f)
	case []any:
		l := make([]stdlib.Value, len(x))
		for i, e := range x {
			l[i] = fromJSON(e)
		}
		return stdlib.ListV(l)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortStrings(keys)
		vals := make([]stdlib.Value, len(keys))
		for i, k := range keys {
			vals[i] = fromJSON(x[k])
		}
		return stdlib.ObjV(keys, vals)
	}
	return stdlib.NullV()
}
