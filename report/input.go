package report

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
)

// Input is a run's output for one stream: the records of one or more
// files (JSON lines, CSV or Parquet), in file order. Its fields are read
// when a check asks for them (Strings, Times), all the paths Prefetch
// names in one pass over the files: a large file is not held whole.
type Input struct {
	Files []string
	// tables[k] is file k's table when it is held (read by data.Load,
	// and small); nil when the file is read again for each pass (srcs[k]
	// then says what it holds).
	tables []*data.Table
	srcs   []source
	n      int
	// parquet[k] says file k is a Parquet file, whose JSON-text columns
	// (engine.StreamSpec.JSONText) are decoded by decodeJSONText;
	// decoded records which columns were.
	parquet []bool
	decoded map[string]bool
	// texts and times hold the fields read, by path (joined with NUL)
	// and by column; want and wantTimes are read with them on the next
	// pass.
	texts     map[string][]string
	times     map[string]*timeCol
	want      [][]string
	wantTimes []string
	passes    int   // passes over the files (tests)
	err       error // a file that could not be read again
}

// source is a file not held as a table.
type source struct {
	columns []string
	rows    int
	jsonl   *jsonlMeta // read by the JSON lines fast path; nil: by data.Load
}

type timeCol struct {
	ts []int64
	ok []bool
}

// holdCells bounds the cells of the tables read with data.Load that stay
// in memory between passes; larger files are loaded again.
const holdCells = 4 << 20

// dataExts are the file names the dataset readers accept.
var dataExts = []string{".jsonl", ".ndjson", ".csv", ".parquet", ".jsonl.gz", ".ndjson.gz", ".csv.gz", ".jsonl.zst", ".ndjson.zst", ".csv.zst"}

func isDataFile(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(filepath.Base(lower), ".") {
		return false // temporary files of a run in progress
	}
	for _, e := range dataExts {
		if strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}

// formatOf names a data file's format: jsonl, csv or parquet.
func formatOf(name string) string {
	lower := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), ".gz"), ".zst")
	switch {
	case strings.HasSuffix(lower, ".csv"):
		return "csv"
	case strings.HasSuffix(lower, ".parquet"):
		return "parquet"
	}
	return "jsonl"
}

// ExpandPaths turns files and directories into the data files they hold
// (directories are walked; hidden files are skipped), sorted per argument.
//
// A directory may hold the files of several sinks (bank's run directory:
// clients.csv, devices.csv, merchants.csv and transactions-*.csv), which
// read as one would mix streams. A run's manifest.json says which stream
// each file holds: stream (when not "") keeps that stream's files, and a
// directory holding several streams without it is refused, as is one
// holding several runs. Files no manifest lists are told apart by their
// name (digits removed: transactions-00001.csv is transactions-.csv),
// unless the manifest lists others there: then they are not the run's
// (left by an earlier run) and are not read; notes say so.
func ExpandPaths(paths []string, stream string) (files, notes []string, err error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		// A run's latest link is a symlink: walk what it names.
		root, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil, nil, err
		}
		var found, manifests []string
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
			case d.Name() == "manifest.json" || shardManifest.MatchString(d.Name()):
				manifests = append(manifests, path)
			case isDataFile(d.Name()):
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if len(found) == 0 {
			return nil, nil, fmt.Errorf("%s holds no .jsonl, .csv or .parquet file", p)
		}
		// The shards of one run (--shard i/N with one --run-id) write
		// their manifests side by side, manifest.shard-i-of-N.json: one
		// run.
		runs := map[string]bool{}
		for _, m := range manifests {
			run := m
			if sm := shardManifest.FindStringSubmatch(filepath.Base(m)); sm != nil {
				run = filepath.Join(filepath.Dir(m), "manifest.shard-of-"+sm[1])
			}
			runs[run] = true
		}
		if len(runs) > 1 {
			return nil, nil, fmt.Errorf("%s holds %d runs (%s, …): name one run's directory", p, len(runs), filepath.Dir(manifests[0]))
		}
		if len(manifests) == 0 {
			// A directory inside a run's output (out/recipe for out):
			// the run's manifest is above it.
			for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
				if ents, err := os.ReadDir(dir); err == nil {
					for _, e := range ents {
						if !e.IsDir() && (e.Name() == "manifest.json" || shardManifest.MatchString(e.Name())) {
							manifests = append(manifests, filepath.Join(dir, e.Name()))
						}
					}
				}
				if len(manifests) > 0 || filepath.Dir(dir) == dir {
					break
				}
			}
		}
		sinkOf := map[string]string{} // file → "stream NAME" or "files NAME"
		for _, m := range manifests {
			streams, err := manifestStreams(m)
			if err != nil {
				return nil, nil, err
			}
			for f, g := range streams {
				sinkOf[f] = g
			}
		}
		// When the run's manifest lists files here, a file it does not
		// list is not the run's (a partition an earlier run wrote, which
		// this one did not overwrite): it is not read, and a note says so.
		listed := false
		for _, f := range found {
			_, ok := sinkOf[filepath.Clean(f)]
			listed = listed || ok
		}
		groups := map[string][]string{}
		var unlisted []string
		for _, f := range found {
			g, ok := sinkOf[filepath.Clean(f)]
			if !ok && listed {
				rel, err := filepath.Rel(root, f)
				if err != nil {
					rel = f
				}
				unlisted = append(unlisted, rel)
				continue
			}
			if !ok {
				// One name in several formats is told apart below.
				g = "files " + digits.ReplaceAllString(stem(filepath.Base(f)), "*")
			}
			groups[g] = append(groups[g], f)
		}
		if len(unlisted) > 0 {
			sort.Strings(unlisted)
			names := unlisted
			if len(names) > 3 {
				names = append(names[:3:3], fmt.Sprintf("and %d more", len(unlisted)-3))
			}
			notes = append(notes, fmt.Sprintf("%s: %s (%s) not listed in the run's %s (left by an earlier run?): not read",
				p, plural(len(unlisted), "file", "files"), strings.Join(names, ", "), filepath.Base(manifests[0])))
		}
		if stream != "" {
			if fs, ok := groups["stream "+stream]; ok {
				groups = map[string][]string{"stream " + stream: fs}
			}
		}
		if len(groups) > 1 {
			names := make([]string, 0, len(groups))
			for g := range groups {
				names = append(names, g)
			}
			sort.Strings(names)
			hint := "name the files of one sink"
			if len(manifests) > 0 {
				hint = "choose one with --stream, or name the files of one sink"
			}
			return nil, nil, fmt.Errorf("%s holds the output of several sinks (%s): %s", p, strings.Join(names, "; "), hint)
		}
		for _, fs := range groups {
			found = fs
		}
		// Sinks of one stream in several formats side by side would count
		// every record once per format.
		formats := map[string]bool{}
		for _, f := range found {
			formats[formatOf(f)] = true
		}
		if len(formats) > 1 {
			var fs []string
			for f := range formats {
				fs = append(fs, f)
			}
			sort.Strings(fs)
			return nil, nil, fmt.Errorf("%s holds %s files: name the files of one sink", p, strings.Join(fs, " and "))
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	files, err = dedupe(out)
	return files, notes, err
}

// dedupe drops the files named before under another path (a run's
// directory and its latest link, a file given twice, a file and the
// directory holding it), which would be read, and counted, twice: files
// are the same when their absolute paths, symbolic links resolved, are.
// The first name of each stays, in order.
func dedupe(files []string) ([]string, error) {
	seen := map[string]bool{}
	out := files[:0:0]
	for _, f := range files {
		real, err := filepath.EvalSymlinks(f)
		if err != nil {
			return nil, err
		}
		if real, err = filepath.Abs(real); err != nil {
			return nil, err
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, f)
	}
	return out, nil
}

var digits = regexp.MustCompile(`[0-9]+`)

// shardManifest is the name of a shard's manifest (engine.ManifestName).
var shardManifest = regexp.MustCompile(`^manifest\.shard-[0-9]+-of-([0-9]+)\.json$`)

// stem is a data file's name without its format and compression suffixes.
func stem(name string) string {
	lower := strings.ToLower(name)
	for _, e := range dataExts {
		if strings.HasSuffix(lower, e) {
			return name[:len(name)-len(e)]
		}
	}
	return name
}

// manifestStreams maps each file a run's manifest lists to "stream NAME".
func manifestStreams(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		Sinks []struct {
			Stream string `json:"stream"`
			Files  []struct {
				Path string `json:"path"`
			} `json:"files"`
		} `json:"sinks"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	out := map[string]string{}
	dir := filepath.Dir(path)
	for _, s := range m.Sinks {
		for _, f := range s.Files {
			out[filepath.Clean(filepath.Join(dir, filepath.FromSlash(f.Path)))] = "stream " + s.Stream
		}
	}
	return out, nil
}

// ReadInput checks the files and notes the fields they hold; their
// values are read when the checks ask for them.
func ReadInput(files []string) (*Input, error) {
	in := &Input{Files: files}
	held := 0
	for _, f := range files {
		in.parquet = append(in.parquet, formatOf(f) == "parquet")
		lower := strings.ToLower(f)
		if formatOf(f) == "jsonl" && !strings.HasSuffix(lower, ".gz") && !strings.HasSuffix(lower, ".zst") {
			if m, err := scanJSONL(f); err == nil {
				in.tables = append(in.tables, nil)
				in.srcs = append(in.srcs, source{columns: m.columns, rows: m.rows, jsonl: m})
				in.n += m.rows
				continue
			}
		}
		t, err := data.Load(f)
		if err != nil {
			return nil, err
		}
		in.srcs = append(in.srcs, source{columns: t.Columns, rows: len(t.Rows)})
		if cells := len(t.Rows) * len(t.Columns); held+cells <= holdCells {
			held += cells
			in.tables = append(in.tables, t)
		} else {
			in.tables = append(in.tables, nil)
		}
		in.n += len(t.Rows)
	}
	return in, nil
}

// files is the number of files.
func (in *Input) files() int { return max(len(in.tables), len(in.srcs)) }

// columnsOf is file k's columns.
func (in *Input) columnsOf(k int) []string {
	if k < len(in.tables) && in.tables[k] != nil {
		return in.tables[k].Columns
	}
	return in.srcs[k].columns
}

// rowsOf is file k's number of records.
func (in *Input) rowsOf(k int) int {
	if k < len(in.tables) && in.tables[k] != nil {
		return len(in.tables[k].Rows)
	}
	return in.srcs[k].rows
}

// Prefetch names fields the checks will read: the next pass over the
// files reads them too.
func (in *Input) Prefetch(paths [][]string, times []string) {
	in.want = append(in.want, paths...)
	in.wantTimes = append(in.wantTimes, times...)
}

func pathKey(path []string) string { return strings.Join(path, "\x00") }

// colReq is what one pass reads of one column.
type colReq struct {
	name  string
	paths []pathReq
	times *timeCol
	// keys are the first steps of the paths, each once; key[p] is path
	// p's (-1: the path is the column itself).
	keys []string
	key  []int
}

type pathReq struct {
	rest    []string
	out     []string
	interns []interner // per goroutine reading
}

// read makes one pass over the files for the paths and time columns not
// read yet, and those Prefetch named.
func (in *Input) read(paths [][]string, times []string) {
	paths = append(append([][]string(nil), paths...), in.want...)
	times = append(append([]string(nil), times...), in.wantTimes...)
	in.want, in.wantTimes = nil, nil
	if in.texts == nil {
		in.texts = map[string][]string{}
		in.times = map[string]*timeCol{}
	}
	var reqs []*colReq
	byCol := map[string]*colReq{}
	col := func(name string) *colReq {
		r := byCol[name]
		if r == nil {
			r = &colReq{name: name}
			byCol[name] = r
			reqs = append(reqs, r)
		}
		return r
	}
	pending := map[string]bool{}
	for _, p := range paths {
		k := pathKey(p)
		if len(p) == 0 || pending[k] {
			continue
		}
		if _, ok := in.texts[k]; ok {
			continue
		}
		pending[k] = true
		r := col(p[0])
		r.paths = append(r.paths, pathReq{rest: p[1:], out: make([]string, in.n)})
	}
	for _, name := range times {
		if _, ok := in.times[name]; ok {
			continue
		}
		if r := col(name); r.times == nil {
			r.times = &timeCol{ts: make([]int64, in.n), ok: make([]bool, in.n)}
		}
	}
	if len(reqs) == 0 {
		return
	}
	in.passes++
	workers := 1
	for k := 0; k < in.files(); k++ {
		if k < len(in.srcs) && in.srcs[k].jsonl != nil {
			workers = max(workers, len(in.srcs[k].jsonl.chunks))
		}
	}
	for _, r := range reqs {
		for p := range r.paths {
			r.paths[p].interns = make([]interner, workers)
		}
	}
	for _, r := range reqs {
		for _, p := range r.paths {
			k := -1
			if len(p.rest) > 0 {
				k = slices.Index(r.keys, p.rest[0])
				if k < 0 {
					k = len(r.keys)
					r.keys = append(r.keys, p.rest[0])
				}
			}
			r.key = append(r.key, k)
		}
	}
	keep := func(r *colReq, w, i int, v stdlib.Value) {
		if v.K == stdlib.String && len(r.keys) > 1 {
			// JSON text, into which several paths step: scanned once.
			var buf [8]int
			at := buf[:0]
			if len(r.keys) > len(buf) {
				at = make([]int, len(r.keys))
			} else {
				at = buf[:len(r.keys)]
			}
			firstKeys(v.S, r.keys, at)
			for p := range r.paths {
				pr := &r.paths[p]
				var s string
				switch k := r.key[p]; {
				case k < 0:
					s = v.S
				case at[k] >= 0:
					s, _ = jsonPathAt(v.S, at[k], pr.rest[1:])
				}
				pr.out[i] = pr.interns[w].get(s)
			}
		} else {
			for p := range r.paths {
				pr := &r.paths[p]
				pr.out[i] = pr.interns[w].get(valueAt(v, pr.rest))
			}
		}
		if t := r.times; t != nil {
			switch v.K {
			case stdlib.Time, stdlib.Int:
				t.ts[i], t.ok[i] = v.I, true
			case stdlib.String:
				if tm, err := time.Parse(time.RFC3339Nano, v.S); err == nil {
					t.ts[i], t.ok[i] = tm.UnixMilli(), true
				}
			}
		}
	}
	base := 0
	for k := 0; k < in.files(); k++ {
		if err := in.readFile(k, base, reqs, keep); err != nil && in.err == nil {
			in.err = err
		}
		base += in.rowsOf(k)
	}
	for _, r := range reqs {
		for _, p := range r.paths {
			in.texts[pathKey(append([]string{r.name}, p.rest...))] = p.out
		}
		if r.times != nil {
			in.times[r.name] = r.times
		}
	}
}

// readFile passes each record's value of each requested column to keep.
func (in *Input) readFile(k, base int, reqs []*colReq, keep func(r *colReq, w, i int, v stdlib.Value)) error {
	t := (*data.Table)(nil)
	if k < len(in.tables) {
		t = in.tables[k]
	}
	if t == nil && in.srcs[k].jsonl != nil {
		m := in.srcs[k].jsonl
		want := make([]bool, len(m.columns))
		idx := make([]int, len(reqs))
		for q, r := range reqs {
			j, ok := m.colIdx[r.name]
			if !ok {
				j = -1
			} else {
				want[j] = true
			}
			idx[q] = j
		}
		return readJSONL(in.Files[k], m, want, func(w, row int, vals []stdlib.Value, set []bool) {
			for q, r := range reqs {
				v := stdlib.NullV()
				if j := idx[q]; j >= 0 && set[j] {
					v = vals[j]
				}
				keep(r, w, base+row, v)
			}
		})
	}
	if t == nil {
		var err error
		if t, err = data.Load(in.Files[k]); err != nil {
			return err
		}
		if len(t.Rows) != in.srcs[k].rows {
			return fmt.Errorf("%s changed while it was read", in.Files[k])
		}
		if in.parquet[k] {
			for f := range in.decoded {
				decodeColumn(t, f)
			}
		}
	}
	for _, r := range reqs {
		j := t.Col(r.name)
		for i, row := range t.Rows {
			v := stdlib.NullV()
			if j >= 0 {
				v = row[j]
			}
			keep(r, 0, base+i, v)
		}
	}
	return nil
}

// decodeJSONText turns the cells of the named columns of Parquet files
// from the JSON text the Parquet sink stores them as (engine.StreamSpec's
// JSONText: fields whose emits disagree on the type, nested values, json(…)
// fields) into the values the same records have in JSON lines, so that
// every check reads the same values from either: the string x rather
// than "x" with its quotes, the int 7 rather than the text 7, null rather
// than the text null. Objects and lists stay JSON text, which paths step
// into as they do into a json(…) field. Each column is decoded once.
func (in *Input) decodeJSONText(fields []string) {
	for _, f := range fields {
		if in.decoded[f] {
			continue
		}
		if in.decoded == nil {
			in.decoded = map[string]bool{}
		}
		in.decoded[f] = true
		for k, t := range in.tables {
			if t != nil && in.parquet[k] {
				decodeColumn(t, f)
			}
		}
		// Values read before are read again.
		for key := range in.texts {
			if key == f || strings.HasPrefix(key, f+"\x00") {
				delete(in.texts, key)
			}
		}
		delete(in.times, f)
	}
}

// decodeColumn decodes the JSON text of column f of a Parquet table.
func decodeColumn(t *data.Table, f string) {
	j := t.Col(f)
	if j < 0 {
		return
	}
	for _, r := range t.Rows {
		if r[j].K == stdlib.String {
			r[j] = jsonCell(r[j].S)
		}
	}
}

// jsonCell is the value of a JSON text as the JSON lines reader would
// have it: a string, number, bool or null; objects, lists and text that
// is not JSON are left as they are.
func jsonCell(s string) stdlib.Value {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return stdlib.StrV(s)
	}
	switch raw[0] {
	case '"':
		var u string
		if json.Unmarshal([]byte(raw), &u) == nil {
			return stdlib.StrV(u)
		}
	case 'n':
		if raw == "null" {
			return stdlib.NullV()
		}
	case 't', 'f':
		if raw == "true" || raw == "false" {
			return stdlib.BoolV(raw == "true")
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal([]byte(raw), &n) != nil {
			break
		}
		// As the JSON lines reader: an int unless written with a decimal
		// point or an exponent, or beyond the int64 range.
		if !strings.ContainsAny(raw, ".eE") {
			if i, err := strconv.ParseInt(raw, 10, 64); err == nil {
				return stdlib.IntV(i)
			}
		}
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			return stdlib.FloatV(f)
		}
	}
	return stdlib.StrV(s)
}

// Len is the number of records.
func (in *Input) Len() int { return in.n }

// FileEnds returns, per file, the index one past its last record.
func (in *Input) FileEnds() []int {
	var out []int
	n := 0
	for k := 0; k < in.files(); k++ {
		n += in.rowsOf(k)
		out = append(out, n)
	}
	return out
}

// Columns are the top-level fields the files hold (each once).
func (in *Input) Columns() []string {
	var out []string
	seen := map[string]bool{}
	for k := 0; k < in.files(); k++ {
		for _, c := range in.columnsOf(k) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// Strings returns a field's values as text ("" for null or missing); path
// steps into objects, and into JSON text (json(…) fields, CSV cells).
// The slice is shared: callers must not change it.
func (in *Input) Strings(path []string) []string {
	if len(path) == 0 {
		return make([]string, in.n)
	}
	k := pathKey(path)
	if out, ok := in.texts[k]; ok {
		return out
	}
	in.read([][]string{path}, nil)
	return in.texts[k]
}

// StringsWhere is Strings for the rows keep accepts (nil: all); other
// rows get "".
func (in *Input) StringsWhere(path []string, keep func(i int) bool) []string {
	all := in.Strings(path)
	out := make([]string, in.n)
	for i, s := range all {
		if keep == nil || keep(i) {
			out[i] = s
		}
	}
	return out
}

// valueAt follows path into v (objects, or JSON text) and returns the
// leaf as text.
func valueAt(v stdlib.Value, path []string) string {
	for k, step := range path {
		switch v.K {
		case stdlib.Object:
			x, ok := v.Obj().Get(step)
			if !ok {
				return ""
			}
			v = x
		case stdlib.String:
			s, _ := jsonPath(v.S, path[k:])
			return s
		default:
			return ""
		}
	}
	return text(v)
}

// Times returns a field's values as ms since the epoch; ok is false for a
// row whose value is missing or not a time. The slices are shared.
func (in *Input) Times(name string) (ts []int64, ok []bool) {
	t, have := in.times[name]
	if !have {
		in.read(nil, []string{name})
		t = in.times[name]
	}
	return t.ts, t.ok
}

func text(v stdlib.Value) string {
	switch v.K {
	case stdlib.Null:
		return ""
	case stdlib.String:
		return v.S
	}
	return v.String()
}

// jsonPath finds the value at path in a JSON object's text without
// decoding the rest: a string leaf is unescaped, null is "", numbers, bools,
// objects and lists are returned as written.
func jsonPath(s string, path []string) (string, bool) {
	return jsonPathAt(s, skipWS(s, 0), path)
}

// jsonPathAt is jsonPath from the value at s[i].
func jsonPathAt(s string, i int, path []string) (string, bool) {
	for _, step := range path {
		if i >= len(s) || s[i] != '{' {
			return "", false
		}
		i = skipWS(s, i+1)
		found := false
		for i < len(s) && s[i] != '}' {
			kEnd, ok := skipString(s, i)
			if !ok {
				return "", false
			}
			key := s[i+1 : kEnd-1]
			if strings.IndexByte(key, '\\') >= 0 {
				if u, err := strconv.Unquote(s[i:kEnd]); err == nil {
					key = u
				}
			}
			i = skipWS(s, kEnd)
			if i >= len(s) || s[i] != ':' {
				return "", false
			}
			i = skipWS(s, i+1)
			if key == step {
				found = true
				break
			}
			end, ok := skipValue(s, i)
			if !ok {
				return "", false
			}
			i = skipWS(s, end)
			if i < len(s) && s[i] == ',' {
				i = skipWS(s, i+1)
			}
		}
		if !found {
			return "", false
		}
	}
	end, ok := skipValue(s, i)
	if !ok {
		return "", false
	}
	raw := s[i:end]
	switch {
	case raw == "null":
		return "", true
	case raw[0] == '"':
		if strings.IndexByte(raw, '\\') < 0 {
			return raw[1 : len(raw)-1], true
		}
		var u string
		if json.Unmarshal([]byte(raw), &u) == nil {
			return u, true
		}
		return "", false
	}
	return raw, true
}

// firstKeys sets at[k] to the index of the value of the first member
// named keys[k] of the JSON object in s (-1: none), as jsonPath finds
// each: one scan for several paths into one JSON text.
func firstKeys(s string, keys []string, at []int) {
	for k := range at {
		at[k] = -1
	}
	left := len(keys)
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return
	}
	i = skipWS(s, i+1)
	for i < len(s) && s[i] != '}' {
		kEnd, ok := skipString(s, i)
		if !ok {
			return
		}
		key := s[i+1 : kEnd-1]
		if strings.IndexByte(key, '\\') >= 0 {
			if u, err := strconv.Unquote(s[i:kEnd]); err == nil {
				key = u
			}
		}
		i = skipWS(s, kEnd)
		if i >= len(s) || s[i] != ':' {
			return
		}
		i = skipWS(s, i+1)
		for k, want := range keys {
			if at[k] < 0 && key == want {
				at[k] = i
				if left--; left == 0 {
					return
				}
			}
		}
		end, ok := skipValue(s, i)
		if !ok {
			return
		}
		i = skipWS(s, end)
		if i < len(s) && s[i] == ',' {
			i = skipWS(s, i+1)
		}
	}
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the JSON string starting at i.
func skipString(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipValue returns the index after the JSON value starting at i.
func skipValue(s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				end, ok := skipString(s, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' && s[j] != '\r' {
		j++
	}
	return j, j > i
}

// Manifests returns the run manifests that list the files: for each file,
// those of the nearest directory above it (the file's own first) holding
// a manifest.json or shard manifests whose sinks list it. A run's seed
// and variables are there, which the report must recompute actors with.
func Manifests(files []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range files {
		file, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		for dir := filepath.Dir(file); ; {
			ents, err := os.ReadDir(dir)
			if err != nil {
				return nil, err
			}
			found := false
			for _, e := range ents {
				if e.IsDir() || e.Name() != "manifest.json" && !shardManifest.MatchString(e.Name()) {
					continue
				}
				m := filepath.Join(dir, e.Name())
				streams, err := manifestStreams(m)
				if err != nil {
					return nil, err
				}
				if _, ok := streams[file]; !ok {
					continue
				}
				found = true
				if !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
			parent := filepath.Dir(dir)
			if found || parent == dir {
				break
			}
			dir = parent
		}
	}
	return out, nil
}
