// Package data holds reference tables loaded at compile time for scenarios:
// a `dataset` block's CSV, JSON lines or Parquet file becomes a Table whose
// columns each have one inferred kind and whose cells are stdlib values.
//
// Loading is strict and reports every problem as an error that names the
// file and, where there is one, the line or row; it never panics, not even on
// a corrupt Parquet file.
package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/scenhq/scen/stdlib"
)

// Table is a loaded reference table.
type Table struct {
	Name    string           // base name of the file, used in messages
	Path    string           // path as given to Load
	Columns []string         // in file order
	Types   []stdlib.Kind    // per column: Int, Float, Bool or String (and Time or Duration for Parquet TIMESTAMP and TIME); Null if the column is entirely empty; stdlib.Any for a JSONL column of mixed kinds
	Rows    [][]stdlib.Value // Rows[i][j] = value of column j in row i; missing or empty cells are NullV()
	// Arenas, for a CSV file, is each string column's text: its cells'
	// strings are pieces of it, in row order, with their TextFlags (nil
	// for other columns and formats). stdlib.NewTableIn takes it over as
	// the table's arenas.
	Arenas [][]byte
	// TextNotes, for a CSV file, says per column (nil, or "" for a
	// column) why a string column most of whose cells are numbers is text:
	// `column "n" of c.csv is text because line 3 holds "zero"`.
	TextNotes []string
}

// Col returns the index of the named column, or -1 if there is none.
func (t *Table) Col(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// maxTableBytes bounds the estimated memory of a loaded table (its values,
// strings and row slices). A variable so that tests can lower it.
var maxTableBytes int64 = 2 << 30

// valueSize is the in-memory size of one cell.
const valueSize = int64(unsafe.Sizeof(stdlib.Value{}))

// rowOverhead is the in-memory size of one row beyond its cells.
const rowOverhead = int64(unsafe.Sizeof([]stdlib.Value(nil)))

// budget tracks the estimated memory of a table being loaded.
type budget struct {
	name string
	used int64
}

// add accounts for n more bytes; where says where in the file we are
// ("line 17", "row 3").
func (b *budget) add(n int64, where string) error {
	b.used += n
	if b.used > maxTableBytes {
		return b.tooBig(where)
	}
	return nil
}

// addLine is add for the row at line: the place is worded only when the
// table is too big (a string per row was 10 % of loading a CSV file).
func (b *budget) addLine(n int64, line int) error {
	b.used += n
	if b.used > maxTableBytes {
		return b.tooBig("line " + strconv.Itoa(line))
	}
	return nil
}

// tooBig is the error for a table over the memory limit.
func (b *budget) tooBig(where string) error {
	return fmt.Errorf("%s: %s: the table would take more than %s of memory (estimated); datasets are held in memory at compile time, so use a smaller file (fewer rows or columns)", b.name, where, humanBytes(maxTableBytes))
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Load reads a table, choosing the format by the file's extension (case
// insensitive): .csv, .jsonl or .ndjson, or .parquet. The text formats may
// also be compressed: .csv.gz, .jsonl.gz, .csv.zst and so on. A file that
// starts with Parquet's magic bytes (PAR1) is read as Parquet whatever its
// extension.
//
// CSV has a header row; each column gets one kind: Int if every non-empty
// cell is an integer, else Float if every one is a number, else Bool if every
// one is true or false, else String. JSONL has one object per line; its
// columns are the union of the top-level keys in first-seen order. Parquet
// columns take their kind from the schema: TIMESTAMP columns are times
// (truncated to the millisecond), DATE columns "YYYY-MM-DD" strings and TIME
// columns durations since midnight. A file with no rows is an error.
func Load(path string) (*Table, error) { return LoadIn(path, time.UTC) }

// LoadIn is Load for a scenario in the time zone loc, in which a Parquet
// TIMESTAMP column that is not adjusted to UTC (wall-clock times) is read.
func LoadIn(path string, loc *time.Location) (*Table, error) { return loadIn(path, loc, 0, nil) }

// LoadCSVWithHeader is Load for a CSV file (compressed or not) written
// without its header row (a csv sink with header = false): header, the
// row the file would begin with, names its columns.
func LoadCSVWithHeader(path string, header []byte) (*Table, error) {
	return loadIn(path, time.UTC, 0, header)
}

// LoadHeadIn is LoadIn reading only the first max records of a JSON lines
// or CSV file (compressed or not), and stopping there: the rest of the
// file is neither read nor checked, and the column types come from those
// records alone. Of a Parquet file it reads the first max rows: the row
// groups after them are not read (its column types are the schema's).
// max 0 reads everything, as LoadIn.
func LoadHeadIn(path string, loc *time.Location, max int) (*Table, error) {
	t, err := loadIn(path, loc, max, nil)
	if err == nil && max > 0 && len(t.Rows) > max {
		t.Rows = t.Rows[:max]
	}
	return t, err
}

func loadIn(path string, loc *time.Location, max int, header []byte) (*Table, error) {
	name := filepath.Base(path)
	lower := strings.ToLower(name)
	comp := ""
	for _, ext := range []string{".gz", ".zst"} {
		if strings.HasSuffix(lower, ext) {
			comp = ext
			lower = strings.TrimSuffix(lower, ext)
		}
	}
	var load loader
	switch {
	case strings.HasSuffix(lower, ".csv"):
		load = loadCSV
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"):
		load = func(r io.Reader, name string, max int, _ int64) (*Table, error) { return loadJSONL(r, name, max) }
	case strings.HasSuffix(lower, ".parquet"):
		if comp != "" {
			return nil, fmt.Errorf("%s: a Parquet file cannot be read compressed as a whole (Parquet compresses its own pages); decompress it to .parquet", name)
		}
	default:
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			// "data: unknown format" for a directory named without a suffix.
			return nil, fmt.Errorf("%s is a directory, not a data file: a dataset reads one file (.csv, .jsonl, .ndjson or .parquet)", path)
		}
		return nil, fmt.Errorf("%s: unknown format; a dataset file ends in .csv, .jsonl, .ndjson or .parquet (the first three optionally .gz or .zst)", name)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist", path)
	case err != nil:
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a data file", path)
	}
	if load != nil && IsParquet(path) {
		// A Parquet sink's file named .jsonl or .csv: its bytes say
		// what it is (read as text, it was "not UTF-8").
		if comp != "" {
			return nil, fmt.Errorf("%s is a Parquet file (it starts with PAR1), not %s-compressed text: name it .parquet", name, strings.TrimPrefix(comp, "."))
		}
		load = nil
	}
	if header != nil {
		if load == nil || !strings.HasSuffix(lower, ".csv") {
			return nil, fmt.Errorf("%s is not a CSV file: it cannot be read with a CSV header row", name)
		}
		load = func(r io.Reader, name string, max int, size int64) (*Table, error) {
			return loadCSV(io.MultiReader(bytes.NewReader(header), r), name, max, size+int64(len(header)))
		}
	}
	var t *Table
	if load == nil {
		t, err = loadParquet(path, name, loc, max)
	} else {
		t, err = readText(path, name, comp, max, load)
	}
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s has no rows", name)
	}
	t.Name, t.Path = name, path
	return t, nil
}

// IsParquet says whether the file at path is a Parquet file: it starts
// with Parquet's magic bytes, PAR1, whatever its name (a Parquet sink may
// be given a path ending in .jsonl). A file that cannot be read is not.
func IsParquet(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "PAR1"
}

// loader reads a table from r, a text file named name, stopping after max
// records (0: all); size is the text's length in bytes, when it is known
// (0: not known).
type loader func(r io.Reader, name string, max int, size int64) (*Table, error)

// readText opens a text file, decompressing it if comp says so, and hands
// it to load, which reads at most max records (0: all).
func readText(path, name, comp string, max int, load loader) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	size := int64(0)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && comp == "" {
		size = st.Size()
	}
	var r io.Reader = bufio.NewReaderSize(f, 256<<10)
	switch comp {
	case ".gz":
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: not a gzip file (%v)", name, err)
		}
		defer gz.Close()
		r = gz
	case ".zst":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("%s: not a zstd file (%v)", name, err)
		}
		defer zr.Close()
		r = zr
	}
	return load(newUTF8Reader(r, name), name, max, size)
}

// unwrapPath drops the *PathError wrapper, whose message repeats the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readError words an error from the underlying reader (an I/O error or a
// corrupt compressed stream).
func readError(name, where string, err error) error {
	var ee *encodingError
	if errors.As(err, &ee) {
		return ee
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: %s: the file ends unexpectedly (truncated?)", name, where)
	}
	return fmt.Errorf("%s: %s: %v", name, where, err)
}

// flatRows allocates n rows of nc cells in one block.
func flatRows(n, nc int) [][]stdlib.Value {
	rows := make([][]stdlib.Value, n)
	flat := make([]stdlib.Value, n*nc)
	for i := range rows {
		rows[i] = flat[i*nc : (i+1)*nc : (i+1)*nc]
	}
	return rows
}
