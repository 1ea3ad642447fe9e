package data

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/stdlib"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/writer"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if strings.HasSuffix(name, ".gz") {
		f, _ := os.Create(p)
		gz := gzip.NewWriter(f)
		gz.Write([]byte(content))
		gz.Close()
		f.Close()
		return p
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadTextFormats(t *testing.T) {
	csvText := "id,price,ok,name,empty,mixed\n1,2.5,true,\"a, b\",,7\n2,3,false,\"line\nbreak\",,x\n"
	for _, tc := range []struct {
		file  string
		body  string
		cols  []string
		types []stdlib.Kind
		cell  string // row 1 rendered
	}{
		{"t.csv", csvText, []string{"id", "price", "ok", "name", "empty", "mixed"},
			[]stdlib.Kind{stdlib.Int, stdlib.Float, stdlib.Bool, stdlib.String, stdlib.Null, stdlib.String}, "2 3 false line\nbreak null x"},
		{"t.csv.gz", csvText, []string{"id", "price", "ok", "name", "empty", "mixed"},
			[]stdlib.Kind{stdlib.Int, stdlib.Float, stdlib.Bool, stdlib.String, stdlib.Null, stdlib.String}, "2 3 false line\nbreak null x"},
		{"t.jsonl", `{"id": 1, "v": 1.5, "tags": ["a"], "o": {"k": 1}}` + "\n" + `{"id": 2, "v": 2, "extra": null}` + "\n",
			[]string{"id", "v", "tags", "o", "extra"},
			[]stdlib.Kind{stdlib.Int, stdlib.Float, stdlib.List, stdlib.Object, stdlib.Null}, "2 2 null null null"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tab, err := Load(write(t, tc.file, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(tab.Columns, ",") != strings.Join(tc.cols, ",") {
				t.Fatalf("columns %v", tab.Columns)
			}
			for j, k := range tc.types {
				if tab.Types[j] != k {
					t.Errorf("column %s: type %s, want %s", tab.Columns[j], tab.Types[j], k)
				}
			}
			var parts []string
			for _, v := range tab.Rows[1] {
				parts = append(parts, v.String())
			}
			if got := strings.Join(parts, " "); got != tc.cell {
				t.Errorf("row 1 = %q, want %q", got, tc.cell)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		file, body, want string
	}{
		{"ragged.csv", "a,b\n1,2\n3\n", "line 3: 1 fields, header has 2"},
		{"empty.csv", "", "is empty"},
		{"header.csv", "a,b\n", "has no rows"},
		{"bad.jsonl", "{\"a\":1}\n[1,2]\n", "line 2"},
		{"x.txt", "a", "unknown format"},
		{"bad.parquet", "not parquet at all", "not a readable Parquet file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Load(write(t, tc.file, tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Load("/nonexistent/x.csv"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing file: %v", err)
	}
}

type pqRow struct {
	ID    int64   `parquet:"name=id, type=INT64"`
	Price float64 `parquet:"name=price, type=DOUBLE"`
	Name  string  `parquet:"name=name, type=BYTE_ARRAY, convertedtype=UTF8"`
	OK    bool    `parquet:"name=ok, type=BOOLEAN"`
	Note  *string `parquet:"name=note, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Small int32   `parquet:"name=small, type=INT32"`
}

func TestLoadParquet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	fw, err := local.NewLocalFileWriter(p)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := writer.NewParquetWriter(fw, new(pqRow), 1)
	if err != nil {
		t.Fatal(err)
	}
	note := "hello"
	rows := []pqRow{{1, 2.5, "a", true, &note, 7}, {2, -1, "b", false, nil, -3}, {3, 0, "ü", true, &note, 0}}
	for _, r := range rows {
		if err := pw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	tab, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tab.Columns, ","); got != "id,price,name,ok,note,small" {
		t.Fatalf("columns %s", got)
	}
	want := []stdlib.Kind{stdlib.Int, stdlib.Float, stdlib.String, stdlib.Bool, stdlib.String, stdlib.Int}
	for j, k := range want {
		if tab.Types[j] != k {
			t.Errorf("type of %s = %s", tab.Columns[j], tab.Types[j])
		}
	}
	for i, r := range rows {
		n := stdlib.NullV()
		if r.Note != nil {
			n = stdlib.StrV(*r.Note)
		}
		exp := []stdlib.Value{stdlib.IntV(r.ID), stdlib.FloatV(r.Price), stdlib.StrV(r.Name), stdlib.BoolV(r.OK), n, stdlib.IntV(int64(r.Small))}
		for j, v := range exp {
			if !stdlib.Equal(tab.Rows[i][j], v) || tab.Rows[i][j].K != v.K {
				t.Errorf("row %d col %s = %v (%s), want %v", i, tab.Columns[j], tab.Rows[i][j], tab.Rows[i][j].K, v)
			}
		}
	}
}
