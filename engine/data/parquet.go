package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/stdlib"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/common"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	pqschema "github.com/xitongsys/parquet-go/schema"
	"github.com/xitongsys/parquet-go/source"
)

// parquetBatch is how many rows of a column are read at a time (a variable
// so that tests can make batches cross row groups).
var parquetBatch = 64 << 10

// pqColumn is one column of a Parquet file to read.
type pqColumn struct {
	name     string // as written in the file
	path     string // parquet-go's internal path
	kind     stdlib.Kind
	optional bool
	unsigned bool           // UINT_32 / UINT_64
	temporal temporal       // a TIMESTAMP, DATE or TIME annotation
	loc      *time.Location // for a TIMESTAMP not adjusted to UTC (local wall-clock time)
}

// temporal is how an annotated integer column is read.
type temporal struct {
	what string // "", "timestamp", "date" or "time"
	unit int64  // the column's units per millisecond: 1, 1000 or 1000000
	utc  bool   // a TIMESTAMP adjusted to UTC (an instant)
}

// loadParquet reads every column of a flat Parquet file with parquet-go's
// column reader, or its first max rows (max > 0): the pages of each
// column are read as its rows are, so the row groups after those rows are
// not read. Nested, repeated and unsupported columns are refused by
// name. parquet-go panics on some malformed files; those panics become
// errors.
func loadParquet(path, name string, loc *time.Location, max int) (t *Table, err error) {
	where := "" // what was being read, for a panic's message
	defer func() {
		if r := recover(); r != nil {
			t = nil
			err = fmt.Errorf("%s: %snot a readable Parquet file (corrupt, truncated or of an unsupported layout): %v", name, where, r)
		}
	}()
	if err := checkMagic(path, name); err != nil {
		return nil, err
	}
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	defer fr.Close()
	pr, names, dataEnd, err := newColumnReader(fr)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", name, err)
	}
	defer pr.ReadStop()

	cols, err := parquetColumns(pr, names, name, loc)
	if err != nil {
		return nil, err
	}
	if err := checkCodecs(pr, name, cols); err != nil {
		return nil, err
	}
	n64 := pr.GetNumRows()
	if max > 0 && n64 > int64(max) {
		n64 = int64(max)
	}
	nc := int64(len(cols))
	b := &budget{name: name}
	if n64 < 0 || n64 > maxTableBytes/(rowOverhead+nc*valueSize) {
		return nil, b.tooBig(fmt.Sprintf("%d rows", n64))
	}
	// Rows and cells, plus the strings at their uncompressed size (of
	// the row groups that hold the rows read).
	need := n64 * (rowOverhead + nc*valueSize)
	var groupRows int64
	for _, rg := range pr.Footer.GetRowGroups() {
		if groupRows >= n64 && groupRows > 0 {
			break
		}
		groupRows += rg.GetNumRows()
		for _, ch := range rg.GetColumns() {
			if md := ch.GetMetaData(); md != nil && md.GetType() == parquet.Type_BYTE_ARRAY {
				need += md.GetTotalUncompressedSize()
			}
		}
	}
	if err := b.add(need, fmt.Sprintf("%d rows", n64)); err != nil {
		return nil, err
	}
	// Every size and count parquet-go will trust, checked first (see
	// checkPages).
	extra, err := checkPages(path, pr, cols, n64, dataEnd, maxTableBytes/(rowOverhead+nc*valueSize))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", name, err)
	}
	if err := b.add(extra, fmt.Sprintf("%d rows", n64)); err != nil {
		return nil, err
	}

	n := int(n64)
	t = &Table{Rows: flatRows(n, len(cols))}
	for j, c := range cols {
		t.Columns = append(t.Columns, c.name)
		t.Types = append(t.Types, c.kind)
		if max > 0 {
			// parquet-go's column buffer counts one row less than it
			// holds until the file's end (a repeated column's last row
			// may go on in the next page), so it reads a page more than
			// the rows asked for: the next row group's, when they end
			// one. A flat column's rows end with their value: counted
			// from 0, it reads only the pages that hold them.
			in, err := pr.SchemaHandler.ConvertToInPathStr(c.path)
			if err == nil {
				if _, ok := pr.ColumnBuffers[in]; !ok {
					cb, err := reader.NewColumnBuffer(pr.PFile, pr.Footer, pr.SchemaHandler, in)
					if err != nil {
						return nil, fmt.Errorf("%s: column %q: %v", name, c.name, err)
					}
					cb.DataTableNumRows = 0
					pr.ColumnBuffers[in] = cb
				}
			}
		}
		for read := 0; read < n; {
			k := min(parquetBatch, n-read)
			where = fmt.Sprintf("column %q, rows %d to %d: ", c.name, read+1, read+k)
			vals, _, dls, err := pr.ReadColumnByPath(c.path, int64(k))
			if err != nil {
				return nil, fmt.Errorf("%s: column %q: %v", name, c.name, err)
			}
			if len(vals) != k || (c.optional && len(dls) != k) {
				return nil, fmt.Errorf("%s: column %q: only %d of %d rows could be read (the file is truncated or corrupt)", name, c.name, read+len(vals), n)
			}
			for i, v := range vals {
				if c.optional && dls[i] < 1 {
					continue // null
				}
				cv, err := pqValue(v, c)
				if err != nil {
					return nil, fmt.Errorf("%s: column %q, row %d: %v", name, c.name, read+i+1, err)
				}
				t.Rows[read+i][j] = cv
			}
			read += k
		}
	}
	return t, nil
}

// newColumnReader is parquet-go's reader.NewParquetColumnReader, except
// that columns whose names parquet-go maps to the same internal name are
// told apart. parquet-go keys a column by its name with the first letter
// upper-cased and other characters than letters, digits and _ replaced
// by their codes (common.StringToVariableName), so "Id" and "id", or
// "a.b" and "a46b", are one column to it: it reads one of them twice.
// Before its schema handler is built, every column but the first of such
// names is renamed, in the footer's schema and in its column chunks'
// paths (the file is not changed), to a name that maps to an internal
// name of its own. names is every schema element's name as the file
// spells it, by index. The footer is read by readFooter; dataEnd is where
// it starts.
func newColumnReader(fr source.ParquetFile) (pr *reader.ParquetReader, names []string, dataEnd int64, err error) {
	pr = &reader.ParquetReader{NP: 1, PFile: fr}
	if pr.Footer, dataEnd, err = readFooter(fr); err != nil {
		return nil, nil, 0, err
	}
	schema := pr.Footer.GetSchema()
	names = make([]string, len(schema))
	for i, el := range schema {
		names[i] = el.GetName()
	}
	renameCollisions(pr.Footer)
	pr.ColumnBuffers = map[string]*reader.ColumnBufferType{}
	pr.SchemaHandler = pqschema.NewSchemaHandlerFromSchemaList(pr.Footer.GetSchema())
	pr.RenameSchema()
	return pr, names, dataEnd, nil
}

// renameCollisions renames, among each group's children (the root's
// columns first of all), those whose internal names (see newColumnReader)
// an earlier sibling has, to "scen_column_N" (N the element's index, and
// more digits if that is taken too), in the schema and in the paths of
// the row groups' column chunks under them.
func renameCollisions(f *parquet.FileMetaData) {
	schema := f.GetSchema()
	if len(schema) == 0 {
		return
	}
	type group struct {
		path  []string // ex names, without the root's
		left  int32    // children still to visit
		taken map[string]bool
	}
	renames := map[string]string{} // old path (joined by \x01) -> new path
	stack := []*group{{left: schema[0].GetNumChildren(), taken: map[string]bool{}}}
	for i := 1; i < len(schema) && len(stack) > 0; i++ {
		g := stack[len(stack)-1]
		el := schema[i]
		old := el.GetName()
		in := common.StringToVariableName(old)
		if g.taken[in] {
			nw := fmt.Sprintf("scen_column_%d", i)
			for g.taken[common.StringToVariableName(nw)] {
				nw += "_"
			}
			el.Name = nw
			in = common.StringToVariableName(nw)
			renames[strings.Join(append(slices.Clone(g.path), old), "\x01")] = strings.Join(append(slices.Clone(g.path), nw), "\x01")
		}
		g.taken[in] = true
		g.left--
		path := append(slices.Clone(g.path), el.GetName())
		if n := el.GetNumChildren(); n > 0 {
			stack = append(stack, &group{path: path, left: n, taken: map[string]bool{}})
		}
		for len(stack) > 0 && stack[len(stack)-1].left <= 0 {
			stack = stack[:len(stack)-1]
		}
	}
	if len(renames) == 0 {
		return
	}
	for _, rg := range f.GetRowGroups() {
		for _, ch := range rg.GetColumns() {
			md := ch.GetMetaData()
			if md == nil {
				continue
			}
			p := md.GetPathInSchema()
			// The longest renamed prefix of p (a renamed group renames
			// the paths of every column under it).
			for k := len(p); k > 0; k-- {
				if nw, ok := renames[strings.Join(p[:k], "\x01")]; ok {
					md.PathInSchema = append(strings.Split(nw, "\x01"), p[k:]...)
					break
				}
			}
		}
	}
}

// checkMagic checks the "PAR1" markers that start and end a Parquet file,
// so that another kind of file gets a plain message.
func checkMagic(path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	head, tail := make([]byte, 4), make([]byte, 4)
	if st.Size() < 12 {
		return fmt.Errorf("%s: not a Parquet file (only %d bytes)", name, st.Size())
	}
	if _, err := f.ReadAt(head, 0); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if _, err := f.ReadAt(tail, st.Size()-4); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	switch {
	case string(head) != "PAR1":
		return fmt.Errorf("%s: not a Parquet file (it does not start with PAR1)", name)
	case string(tail) != "PAR1":
		return fmt.Errorf("%s: not a readable Parquet file: it does not end with PAR1 (truncated?)", name)
	}
	return nil
}

// parquetColumns lists the file's columns in schema order and checks that
// each is a flat column of a supported type.
func parquetColumns(pr *reader.ParquetReader, names []string, name string, loc *time.Location) ([]pqColumn, error) {
	sh := pr.SchemaHandler
	var cols []pqColumn
	seen := map[string]string{}
	durations := durationColumns(pr)
	for i, el := range sh.SchemaElements {
		if i == 0 || el.GetNumChildren() > 0 {
			continue // the root, a group
		}
		p := sh.IndexMap[int32(i)]
		parts := common.StrToPath(p)
		colName := names[i]
		if len(parts) != 2 {
			// Its path as the file spells it.
			ps, at := []string{names[i]}, i
			for d := len(parts) - 2; d > 0; d-- {
				at = parentOf(sh.SchemaElements, at)
				ps = append([]string{names[at]}, ps...)
			}
			colName = strings.Join(ps, ".")
			return nil, fmt.Errorf("%s: column %q is nested (inside a group, list or map); only flat columns are supported", name, colName)
		}
		if other, dup := seen[p]; dup {
			// newColumnReader renames such columns apart.
			return nil, fmt.Errorf("%s: columns %q and %q cannot both be read (the Parquet reader does not tell their names apart); rename one", name, other, colName)
		}
		seen[p] = colName
		if el.GetRepetitionType() == parquet.FieldRepetitionType_REPEATED {
			return nil, fmt.Errorf("%s: column %q is repeated (a list); only flat columns are supported", name, colName)
		}
		kind, err := parquetKind(el)
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", name, colName, err)
		}
		tm := temporalOf(el)
		switch tm.what {
		case "timestamp":
			kind = stdlib.Time
		case "date":
			kind = stdlib.String
		case "time":
			kind = stdlib.Duration
		case "":
			// A duration column of scen's own parquet sink: INT64
			// milliseconds listed in the footer's metadata.
			if durations[colName] && el.GetType() == parquet.Type_INT64 && el.LogicalType == nil &&
				(el.ConvertedType == nil || *el.ConvertedType == parquet.ConvertedType_INT_64) {
				kind, tm = stdlib.Duration, temporal{what: "time", unit: 1}
			}
		}
		ct, lt := el.ConvertedType, el.LogicalType
		unsigned := ct != nil && (*ct == parquet.ConvertedType_UINT_32 || *ct == parquet.ConvertedType_UINT_64) ||
			lt != nil && lt.IsSetINTEGER() && !lt.INTEGER.IsSigned
		cols = append(cols, pqColumn{
			name:     colName,
			path:     p,
			kind:     kind,
			optional: el.GetRepetitionType() == parquet.FieldRepetitionType_OPTIONAL,
			unsigned: unsigned,
			temporal: tm,
			loc:      loc,
		})
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s has no columns", name)
	}
	return cols, nil
}

// parentOf is the index of the group that holds schema element i.
func parentOf(els []*parquet.SchemaElement, i int) int {
	// Walk the schema depth first, keeping each open group's index.
	type open struct{ at, left int }
	var stack []open
	for j, el := range els {
		if j == i {
			if len(stack) == 0 {
				return 0
			}
			return stack[len(stack)-1].at
		}
		if len(stack) > 0 {
			stack[len(stack)-1].left--
		}
		if n := int(el.GetNumChildren()); n > 0 {
			stack = append(stack, open{j, n})
		}
		for len(stack) > 0 && stack[len(stack)-1].left <= 0 {
			stack = stack[:len(stack)-1]
		}
	}
	return 0
}

// durationColumns is the set of columns the footer's "scen.durations"
// metadata names (a JSON array; the key scen's parquet sink writes).
// Anything else there is ignored: the columns then read as ints.
func durationColumns(pr *reader.ParquetReader) map[string]bool {
	for _, kv := range pr.Footer.GetKeyValueMetadata() {
		if kv.GetKey() != "scen.durations" || kv.Value == nil {
			continue
		}
		var names []string
		if json.Unmarshal([]byte(*kv.Value), &names) != nil {
			return nil
		}
		set := make(map[string]bool, len(names))
		for _, n := range names {
			set[n] = true
		}
		return set
	}
	return nil
}

// checkCodecs refuses a file whose pages are compressed with a codec
// parquet-go cannot decompress (it would report them as corrupt).
func checkCodecs(pr *reader.ParquetReader, name string, cols []pqColumn) error {
	for _, rg := range pr.Footer.GetRowGroups() {
		for j, ch := range rg.GetColumns() {
			md := ch.GetMetaData()
			if md == nil {
				continue
			}
			switch c := md.GetCodec(); c {
			case parquet.CompressionCodec_UNCOMPRESSED, parquet.CompressionCodec_SNAPPY, parquet.CompressionCodec_GZIP,
				parquet.CompressionCodec_ZSTD, parquet.CompressionCodec_LZ4:
			default:
				col := strings.Join(md.GetPathInSchema(), ".")
				if len(rg.GetColumns()) == len(cols) { // chunks are in schema order
					col = cols[j].name
				}
				return fmt.Errorf("%s: column %q: compression %s is not supported (write the file with snappy, gzip, zstd or no compression)",
					name, col, c)
			}
		}
	}
	return nil
}

// parquetKind maps a column's physical (and logical) type to a kind.
func parquetKind(el *parquet.SchemaElement) (stdlib.Kind, error) {
	if el.Type == nil {
		return 0, errors.New("has no physical type")
	}
	decimal := el.ConvertedType != nil && *el.ConvertedType == parquet.ConvertedType_DECIMAL ||
		el.LogicalType != nil && el.LogicalType.IsSetDECIMAL()
	switch t := *el.Type; {
	case decimal:
		return 0, fmt.Errorf("type DECIMAL (%s) is not supported; write it as DOUBLE or as a string", t)
	case t == parquet.Type_BOOLEAN:
		return stdlib.Bool, nil
	case t == parquet.Type_INT32, t == parquet.Type_INT64:
		return stdlib.Int, nil
	case t == parquet.Type_FLOAT, t == parquet.Type_DOUBLE:
		return stdlib.Float, nil
	case t == parquet.Type_BYTE_ARRAY:
		return stdlib.String, nil
	case t == parquet.Type_INT96:
		return 0, errors.New("type INT96 (a legacy timestamp) is not supported; write timestamps as INT64")
	}
	return 0, fmt.Errorf("type %s is not supported (use BOOLEAN, INT32, INT64, FLOAT, DOUBLE or BYTE_ARRAY strings)", el.Type)
}

// temporalOf reads a column's TIMESTAMP, DATE or TIME annotation, from
// its logical type or else its (legacy) converted type.
func temporalOf(el *parquet.SchemaElement) temporal {
	if el.Type == nil || (*el.Type != parquet.Type_INT32 && *el.Type != parquet.Type_INT64) {
		return temporal{}
	}
	perMs := func(u *parquet.TimeUnit) int64 {
		switch {
		case u.IsSetMICROS():
			return 1000
		case u.IsSetNANOS():
			return 1000000
		}
		return 1
	}
	if lt := el.LogicalType; lt != nil {
		switch {
		case lt.IsSetTIMESTAMP():
			return temporal{what: "timestamp", unit: perMs(lt.TIMESTAMP.GetUnit()), utc: lt.TIMESTAMP.GetIsAdjustedToUTC()}
		case lt.IsSetDATE():
			return temporal{what: "date", unit: 1}
		case lt.IsSetTIME():
			return temporal{what: "time", unit: perMs(lt.TIME.GetUnit())}
		}
	}
	if ct := el.ConvertedType; ct != nil {
		switch *ct {
		case parquet.ConvertedType_TIMESTAMP_MILLIS:
			return temporal{what: "timestamp", unit: 1, utc: true}
		case parquet.ConvertedType_TIMESTAMP_MICROS:
			return temporal{what: "timestamp", unit: 1000, utc: true}
		case parquet.ConvertedType_DATE:
			return temporal{what: "date", unit: 1}
		case parquet.ConvertedType_TIME_MILLIS:
			return temporal{what: "time", unit: 1}
		case parquet.ConvertedType_TIME_MICROS:
			return temporal{what: "time", unit: 1000}
		}
	}
	return temporal{}
}

// floorDiv divides rounding toward minus infinity, so that a time before
// 1970 is truncated to the millisecond as a later one is.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// temporalValue converts an annotated integer: a TIMESTAMP to a time
// truncated to the millisecond (one not adjusted to UTC is a wall-clock
// time, read in loc), a DATE (days since 1970-01-01) to its "YYYY-MM-DD"
// text, a TIME (since midnight) to a duration truncated to the millisecond.
func temporalValue(x int64, c pqColumn) (stdlib.Value, error) {
	switch tm := c.temporal; tm.what {
	case "timestamp":
		ms := floorDiv(x, tm.unit)
		if !tm.utc {
			w := time.UnixMilli(ms).UTC()
			ms = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), c.loc).UnixMilli()
		}
		if ms < stdlib.MinTimeMs || ms > stdlib.MaxTimeMs {
			return stdlib.Value{}, fmt.Errorf("the timestamp %d is outside the years 1 to 9999", x)
		}
		return stdlib.TimeV(ms), nil
	case "date":
		if x < stdlib.MinTimeMs/86400000 || x > stdlib.MaxTimeMs/86400000 {
			return stdlib.Value{}, fmt.Errorf("the date %d (days since 1970-01-01) is outside the years 1 to 9999", x)
		}
		return stdlib.StrV(time.UnixMilli(x * 86400000).UTC().Format(time.DateOnly)), nil
	case "time":
		return stdlib.DurV(floorDiv(x, tm.unit)), nil
	}
	return stdlib.IntV(x), nil
}

// pqValue converts one value read by parquet-go.
func pqValue(v any, c pqColumn) (stdlib.Value, error) {
	if c.temporal.what != "" {
		switch x := v.(type) {
		case int32:
			return temporalValue(int64(x), c)
		case int64:
			return temporalValue(x, c)
		}
	}
	switch x := v.(type) {
	case nil:
		return stdlib.NullV(), nil
	case bool:
		return stdlib.BoolV(x), nil
	case int32:
		if c.unsigned {
			return stdlib.IntV(int64(uint32(x))), nil
		}
		return stdlib.IntV(int64(x)), nil
	case int64:
		if c.unsigned && x < 0 {
			return stdlib.Value{}, fmt.Errorf("the unsigned value %d is beyond the int64 range", uint64(x))
		}
		return stdlib.IntV(x), nil
	case float32:
		// The shortest decimal that reads back as this float32, so 0.1
		// stays 0.1 rather than 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return stdlib.FloatV(f), nil
	case float64:
		return stdlib.FloatV(x), nil
	case string:
		return stdlib.StrV(x), nil
	case []byte:
		return stdlib.StrV(string(x)), nil
	}
	return stdlib.Value{}, fmt.Errorf("unexpected value of Go type %T for a %s column", v, c.kind)
}
