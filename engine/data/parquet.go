package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scenhq/scen/stdlib"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
)

// loadParquet reads every top-level primitive column of a Parquet file
// with parquet-go's column reader. Nested columns are refused by name.
func loadParquet(path string) (t *Table, err error) {
	name := filepath.Base(path)
	if _, serr := os.Stat(path); serr != nil {
		if errors.Is(serr, os.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", path)
		}
		return nil, serr
	}
	// parquet-go panics on some malformed input; a bad file is an error.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%s: not a readable Parquet file (%v)", name, r)
		}
	}()
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	defer fr.Close()
	pr, err := reader.NewParquetColumnReader(fr, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file (%v)", name, err)
	}
	defer pr.ReadStop()
	n := int(pr.GetNumRows())
	sh := pr.SchemaHandler
	t = &Table{}
	var cols [][]stdlib.Value
	for _, p := range sh.ValueColumns {
		idx, ok := sh.MapIndex[p]
		if !ok {
			continue
		}
		el := sh.SchemaElements[idx]
		parts := strings.Split(p, "\x01")
		if len(parts) != 2 {
			return nil, fmt.Errorf("%s: column %q is nested; only flat tables are supported", name, strings.Join(parts[1:], "."))
		}
		colName := sh.Infos[idx].ExName
		kind, err := parquetKind(el)
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", name, colName, err)
		}
		vals, _, dls, err := pr.ReadColumnByPath(p, int64(n))
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", name, colName, err)
		}
		col := make([]stdlib.Value, n)
		// Optional columns: a definition level below the maximum is a null.
		maxDL := int32(0)
		if el.RepetitionType != nil && *el.RepetitionType == parquet.FieldRepetitionType_OPTIONAL {
			maxDL = 1
		}
		for i := 0; i < n && i < len(vals); i++ {
			if i < len(dls) && dls[i] < maxDL {
				continue
			}
			col[i] = convert(vals[i], kind)
		}
		t.Columns = append(t.Columns, colName)
		t.Types = append(t.Types, kind)
		cols = append(cols, col)
	}
	t.Rows = make([][]stdlib.Value, n)
	for i := range t.Rows {
		row := make([]stdlib.Value, len(cols))
		for j := range cols {
			row[j] = cols[j][i]
		}
		t.Rows[i] = row
	}
	return t, nil
}

func parquetKind(el *parquet.SchemaElement) (stdlib.Kind, error) {
	if el.Type == nil {
		return 0, errors.New("has no physical type")
	}
	switch *el.Type {
	case parquet.Type_BOOLEAN:
		return stdlib.Bool, nil
	case parquet.Type_INT32, parquet.Type_INT64:
		return stdlib.Int, nil
	case parquet.Type_FLOAT, parquet.Type_DOUBLE:
		return stdlib.Float, nil
	case parquet.Type_BYTE_ARRAY, parquet.Type_FIXED_LEN_BYTE_ARRAY:
		return stdlib.String, nil
	}
	return 0, fmt.Errorf("type %s is not supported (use boolean, int32, int64, float, double or string)", el.Type)
}

func convert(v any, kind stdlib.Kind) stdlib.Value {
	switch x := v.(type) {
	case nil:
		return stdlib.NullV()
	case bool:
		return stdlib.BoolV(x)
	case int32:
		return stdlib.IntV(int64(x))
	case int64:
		return stdlib.IntV(x)
	case float32:
		return stdlib.FloatV(float64(x))
	case float64:
		return stdlib.FloatV(x)
	case string:
		return stdlib.StrV(x)
	case []byte:
		return stdlib.StrV(string(x))
	}
	return stdlib.NullV()
}
