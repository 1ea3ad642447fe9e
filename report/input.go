package report

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	present   map[string][]bool // Present's
	want      [][]string
	wantTimes []string
	passes    int   // passes over the files (tests)
	err       error // a file that could not be read again
	// headers are, by file as given, the header rows of CSV files
	// written without one (a csv sink with header = false).
	headers map[string][]byte
}

// load reads file f whole: a CSV file written without its header row
// with the header its sink would have written.
func (in *Input) load(f string) (*data.Table, error) {
	if h := in.headers[f]; h != nil {
		return data.LoadCSVWithHeader(f, h)
	}
	return data.Load(f)
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

// formatOf names a data file's format: jsonl, csv or parquet. A file
// that starts with Parquet's magic bytes is Parquet whatever its name (a
// Parquet sink's path may end in .jsonl), as data.Load reads it.
func formatOf(name string) string {
	lower := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), ".gz"), ".zst")
	switch {
	case lower == strings.ToLower(name) && !strings.HasSuffix(lower, ".parquet") && data.IsParquet(name):
		return "parquet"
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
	return ReadInputFor(files, nil)
}

// ReadInputFor is ReadInput that reads, while it checks the files, the
// fields want names for the columns of the first file's first record
// (ReadFields: those the checks of the stream they match read), saving a
// pass over the files when the stream is that one.
func ReadInputFor(files []string, want func(columns []string) (paths [][]string, times []string)) (*Input, error) {
	return ReadInputWith(files, want, nil)
}

// ReadInputWith is ReadInputFor for files among which some are CSV files
// written without their header row (a csv sink with header = false):
// headers holds, by file as given, the header row each would begin with,
// which names its columns (the first record was read as the header, and
// the report said the files were not the scenario's output).
func ReadInputWith(files []string, want func(columns []string) (paths [][]string, times []string), headers map[string][]byte) (*Input, error) {
	in := &Input{Files: files, headers: headers}
	var p *plan
	planOf := func(cols []string) *plan {
		if want != nil && p == nil {
			paths, times := want(cols)
			p = newPlan(paths, times, nil)
		}
		return p
	}
	var segs []*segment // per file, read by p when it holds tables
	spec := want != nil // every file read through p
	held := 0
	for _, f := range files {
		format := formatOf(f)
		in.parquet = append(in.parquet, format == "parquet")
		lower := strings.ToLower(f)
		if format == "jsonl" && !strings.HasSuffix(lower, ".gz") && !strings.HasSuffix(lower, ".zst") {
			var one func([]string) *plan
			if spec && len(files) == 1 {
				one = planOf
			}
			if m, w, ss, err := scanJSONL(f, one); err == nil {
				in.tables = append(in.tables, nil)
				in.srcs = append(in.srcs, source{columns: m.columns, rows: m.rows, jsonl: m})
				in.n += m.rows
				if w != nil {
					in.keep(p, ss, w, m)
				}
				spec = false
				continue
			}
		}
		t, err := in.load(f)
		if err != nil {
			return nil, err
		}
		in.srcs = append(in.srcs, source{columns: t.Columns, rows: len(t.Rows)})
		in.n += len(t.Rows)
		if spec {
			if p := planOf(t.Columns); !p.empty() {
				sg := p.segment(len(t.Rows))
				p.addTable(sg, t)
				segs = append(segs, sg)
			} else {
				spec = false
			}
		}
		// Held for the passes to come, unless the plan read it: a pass
		// is then needed only for a stream other than the one the plan
		// guessed (or a field it missed), and loads it again.
		if cells := len(t.Rows) * len(t.Columns); !spec && held+cells <= holdCells {
			held += cells
			in.tables = append(in.tables, t)
		} else {
			in.tables = append(in.tables, nil)
			if cells > holdCells/4 {
				// A large table let go: collected before the next is
				// loaded, which would otherwise grow the heap by as much.
				runtime.GC()
			}
		}
	}
	if spec && len(segs) == len(files) {
		in.keep(p, segs, nil, nil)
	}
	return in, nil
}

// keep stores what a plan read while the files were checked; what it
// read of a column of a JSON lines file whose kinds are unified
// (m.kinds: ints and floats; ints and integers beyond int64) is dropped,
// to be read again as unified.
func (in *Input) keep(p *plan, segs []*segment, w *whole, m *jsonlMeta) {
	if !in.store(p, segs, w) || m == nil {
		return
	}
	for j, k := range m.kinds {
		if k &^= 1 << stdlib.Null; k&(k-1) == 0 {
			continue
		}
		f := m.columns[j]
		for key := range in.texts {
			if key == f || strings.HasPrefix(key, f+"\x00") {
				delete(in.texts, key)
			}
		}
		delete(in.times, f) // (whether a record holds a value is the same)
	}
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

// plan is what one pass reads: text at paths and times of columns,
// grouped by column.
type plan struct {
	paths   [][]string
	times   []string
	present []string // columns read for whether each record holds a value
	cols    []planCol
}

type planCol struct {
	name  string
	paths []int // indices into plan.paths
	time  int   // index into plan.times, -1: none
	pres  int   // index into plan.present, -1: none
	// keys are the second steps of the paths (into the column's
	// object or JSON text), each once; key[q] is paths[q]'s (-1: the
	// path is the column itself).
	keys []string
	key  []int
}

func newPlan(paths [][]string, times, present []string) *plan {
	p := &plan{}
	present = slices.Clone(present)
	byCol := map[string]int{}
	col := func(name string) *planCol {
		c, ok := byCol[name]
		if !ok {
			c = len(p.cols)
			byCol[name] = c
			p.cols = append(p.cols, planCol{name: name, time: -1, pres: -1})
		}
		return &p.cols[c]
	}
	seen := map[string]bool{}
	for _, path := range paths {
		k := pathKey(path)
		if len(path) == 0 || seen[k] {
			continue
		}
		if isPresence(path) {
			present = append(present, path[0])
			continue
		}
		seen[k] = true
		c := col(path[0])
		c.paths = append(c.paths, len(p.paths))
		p.paths = append(p.paths, path)
		kk := -1
		if len(path) > 1 {
			if kk = slices.Index(c.keys, path[1]); kk < 0 {
				kk = len(c.keys)
				c.keys = append(c.keys, path[1])
			}
		}
		c.key = append(c.key, kk)
	}
	for _, name := range times {
		if c := col(name); c.time < 0 {
			c.time = len(p.times)
			p.times = append(p.times, name)
		}
	}
	for _, name := range present {
		if c := col(name); c.pres < 0 {
			c.pres = len(p.present)
			p.present = append(p.present, name)
		}
	}
	return p
}

func (p *plan) empty() bool { return len(p.paths) == 0 && len(p.times) == 0 && len(p.present) == 0 }

// segment holds what a plan read of consecutive records (a file, or a
// chunk of one): its own slices, or views (want rows records) into the
// slices of all records (a pass whose files' records are counted).
type segment struct {
	texts   [][]string
	interns []interner
	ts      [][]int64
	ok      [][]bool
	pres    [][]bool
	rows    int
	view    bool
	want    int
}

// whole is what a plan reads of all n records, filled through segments'
// views.
type whole struct {
	n     int
	texts [][]string
	ts    [][]int64
	ok    [][]bool
	pres  [][]bool
}

func (p *plan) whole(n int) *whole {
	w := &whole{n: n, texts: make([][]string, len(p.paths)), ts: make([][]int64, len(p.times)), ok: make([][]bool, len(p.times)), pres: make([][]bool, len(p.present))}
	for i := range w.pres {
		w.pres[i] = make([]bool, n)
	}
	for i := range w.texts {
		w.texts[i] = make([]string, n)
	}
	for i := range w.ts {
		w.ts[i], w.ok[i] = make([]int64, n), make([]bool, n)
	}
	return w
}

// view is a segment writing records base … base+rows-1 of w.
func (p *plan) view(w *whole, base, rows int) *segment {
	sg := &segment{texts: make([][]string, len(p.paths)), interns: make([]interner, len(p.paths)),
		ts: make([][]int64, len(p.times)), ok: make([][]bool, len(p.times)), pres: make([][]bool, len(p.present)), view: true, want: rows}
	end := base + rows
	for i := range sg.texts {
		sg.texts[i] = w.texts[i][base:base:end]
	}
	for i := range sg.ts {
		sg.ts[i], sg.ok[i] = w.ts[i][base:base:end], w.ok[i][base:base:end]
	}
	for i := range sg.pres {
		sg.pres[i] = w.pres[i][base:base:end]
	}
	return sg
}

func (p *plan) segment(rows int) *segment {
	sg := &segment{texts: make([][]string, len(p.paths)), interns: make([]interner, len(p.paths)),
		ts: make([][]int64, len(p.times)), ok: make([][]bool, len(p.times)), pres: make([][]bool, len(p.present))}
	for i := range sg.texts {
		sg.texts[i] = make([]string, 0, rows)
	}
	for i := range sg.pres {
		sg.pres[i] = make([]bool, 0, rows)
	}
	for i := range sg.ts {
		sg.ts[i], sg.ok[i] = make([]int64, 0, rows), make([]bool, 0, rows)
	}
	return sg
}

// add reads one record, whose value of column c of the plan is value(c)
// (strings may point into a line being read: they are copied).
func (p *plan) add(sg *segment, value func(c int) stdlib.Value) {
	for c := range p.cols {
		pc := &p.cols[c]
		v := value(c)
		if v.K == stdlib.String && len(pc.keys) > 1 {
			// JSON text, into which several paths step: scanned once.
			var buf [8]int
			var at []int
			if len(pc.keys) > len(buf) {
				at = make([]int, len(pc.keys))
			} else {
				at = buf[:len(pc.keys)]
			}
			firstKeys(v.S, pc.keys, at)
			for q, pi := range pc.paths {
				var s string
				switch k := pc.key[q]; {
				case k < 0:
					s = v.S
				case at[k] >= 0:
					s, _ = jsonPathAt(v.S, at[k], p.paths[pi][2:])
				}
				sg.texts[pi] = append(sg.texts[pi], sg.interns[pi].get(s))
			}
		} else {
			for _, pi := range pc.paths {
				sg.texts[pi] = append(sg.texts[pi], sg.interns[pi].get(valueAt(v, p.paths[pi][1:])))
			}
		}
		if t := pc.time; t >= 0 {
			var ms int64
			ok := false
			switch v.K {
			case stdlib.Time, stdlib.Int:
				ms, ok = v.I, true
			case stdlib.String:
				if tm, err := stdlib.ParseRFC3339(v.S); err == nil {
					ms, ok = tm.UnixMilli(), true
				}
			}
			sg.ts[t], sg.ok[t] = append(sg.ts[t], ms), append(sg.ok[t], ok)
		}
		if q := pc.pres; q >= 0 {
			sg.pres[q] = append(sg.pres[q], present(v))
		}
	}
	sg.rows++
}

// addTable reads a table's records.
func (p *plan) addTable(sg *segment, t *data.Table) {
	idx := make([]int, len(p.cols))
	for c := range p.cols {
		idx[c] = t.Col(p.cols[c].name)
	}
	for _, row := range t.Rows {
		p.add(sg, func(c int) stdlib.Value {
			if j := idx[c]; j >= 0 {
				return row[j]
			}
			return stdlib.NullV()
		})
	}
}

// store keeps what the segments of every file, in order, read (into w,
// when they are its views). It reports false when they did not read the
// records counted (the files changed, or a view's count was wrong).
func (in *Input) store(p *plan, segs []*segment, w *whole) bool {
	n := 0
	for _, sg := range segs {
		n += sg.rows
		if sg.view && sg.rows != sg.want {
			return false
		}
	}
	if n != in.n || w != nil && w.n != n {
		return false
	}
	if in.texts == nil {
		in.texts = map[string][]string{}
		in.times = map[string]*timeCol{}
	}
	if in.present == nil {
		in.present = map[string][]bool{}
	}
	if w != nil {
		for q, name := range p.present {
			in.present[name] = w.pres[q]
		}
		for pi, path := range p.paths {
			in.texts[pathKey(path)] = w.texts[pi]
		}
		for t, name := range p.times {
			in.times[name] = &timeCol{ts: w.ts[t], ok: w.ok[t]}
		}
		return true
	}
	// One field at a time, so that little more than one is held twice.
	for pi, path := range p.paths {
		out := make([]string, 0, n)
		for _, sg := range segs {
			out = append(out, sg.texts[pi]...)
			sg.texts[pi] = nil
		}
		in.texts[pathKey(path)] = out
	}
	for t, name := range p.times {
		tc := &timeCol{ts: make([]int64, 0, n), ok: make([]bool, 0, n)}
		for _, sg := range segs {
			tc.ts, tc.ok = append(tc.ts, sg.ts[t]...), append(tc.ok, sg.ok[t]...)
			sg.ts[t], sg.ok[t] = nil, nil
		}
		in.times[name] = tc
	}
	for q, name := range p.present {
		out := make([]bool, 0, n)
		for _, sg := range segs {
			out = append(out, sg.pres[q]...)
			sg.pres[q] = nil
		}
		in.present[name] = out
	}
	return true
}

// read makes one pass over the files for the paths and time columns not
// read yet, and those Prefetch named.
func (in *Input) read(paths [][]string, times []string) {
	in.readAll(paths, times, nil)
}

// readAll is read, and reads whether each record holds a value in the
// columns present names (Present).
func (in *Input) readAll(paths [][]string, times, present []string) {
	paths = append(append([][]string(nil), paths...), in.want...)
	times = append(append([]string(nil), times...), in.wantTimes...)
	in.want, in.wantTimes = nil, nil
	var todo [][]string
	for _, path := range paths {
		if isPresence(path) {
			if _, ok := in.present[path[0]]; !ok {
				present = append(present, path[0])
			}
			continue
		}
		if _, ok := in.texts[pathKey(path)]; !ok && len(path) > 0 {
			todo = append(todo, path)
		}
	}
	var todoT []string
	for _, name := range times {
		if _, ok := in.times[name]; !ok {
			todoT = append(todoT, name)
		}
	}
	p := newPlan(todo, todoT, present)
	if p.empty() {
		return
	}
	in.passes++
	var segs []*segment
	w := p.whole(in.n)
	base := 0
	for k := 0; k < in.files(); k++ {
		s, err := in.readFile(k, p, w, base)
		if err != nil {
			if in.err == nil {
				in.err = err
			}
			return
		}
		segs = append(segs, s...)
		base += in.rowsOf(k)
	}
	if !in.store(p, segs, w) && in.err == nil {
		in.err = fmt.Errorf("the files changed while they were read")
	}
}

// readFile reads file k's records, the base-th on, with a plan into w.
func (in *Input) readFile(k int, p *plan, w *whole, base int) ([]*segment, error) {
	t := (*data.Table)(nil)
	if k < len(in.tables) {
		t = in.tables[k]
	}
	if t == nil && in.srcs[k].jsonl != nil {
		m := in.srcs[k].jsonl
		want := make([]bool, len(m.columns))
		idx := make([]int, len(p.cols))
		for c := range p.cols {
			j, ok := m.colIdx[p.cols[c].name]
			if !ok {
				j = -1
			} else {
				want[j] = true
			}
			idx[c] = j
		}
		segs := make([]*segment, len(m.chunks))
		for c, ch := range m.chunks {
			segs[c] = p.view(w, base, ch.rows)
			base += ch.rows
		}
		err := readJSONL(in.Files[k], m, want, func(w, row int, vals []stdlib.Value, set []bool) {
			p.add(segs[w], func(c int) stdlib.Value {
				if j := idx[c]; j >= 0 && set[j] {
					return vals[j]
				}
				return stdlib.NullV()
			})
		})
		return segs, err
	}
	if t == nil {
		var err error
		if t, err = in.load(in.Files[k]); err != nil {
			return nil, err
		}
		if len(t.Rows) != in.srcs[k].rows {
			return nil, fmt.Errorf("%s changed while it was read", in.Files[k])
		}
		if in.parquet[k] {
			for f := range in.decoded {
				decodeColumn(t, f)
			}
		}
	}
	sg := p.view(w, base, len(t.Rows))
	p.addTable(sg, t)
	return []*segment{sg}, nil
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
		if !slices.Contains(in.parquet, true) {
			continue
		}
		// Values read before are read again.
		for key := range in.texts {
			if key == f || strings.HasPrefix(key, f+"\x00") {
				delete(in.texts, key)
			}
		}
		delete(in.times, f)
		delete(in.present, f)
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

// Present says, per field (a top-level one) and record, whether the
// record holds a value there: not null, missing or the empty string, as
// Strings reads them. Only that is kept, not the text (a JSON object's
// may be most of a record): the fields not read yet are read in one pass.
// The slices are shared.
func (in *Input) Present(fields []string) [][]bool {
	var todo []string
	for _, f := range fields {
		if _, ok := in.present[f]; !ok && !slices.Contains(todo, f) {
			todo = append(todo, f)
		}
	}
	if len(todo) > 0 {
		in.readAll(nil, nil, todo)
	}
	out := make([][]bool, len(fields))
	for j, f := range fields {
		out[j] = in.present[f]
		if out[j] == nil {
			out[j] = make([]bool, in.n) // a failed read: in.err says so
		}
	}
	return out
}

// forgetPresent lets go of what Present read.
func (in *Input) forgetPresent() { in.present = nil }

// presentStep, as a path's second step, names what Present reads of the
// column (PresencePath). No key of a record is named so.
const presentStep = "\x00present"

// PresencePath is a path that, given to Prefetch or to ReadInputFor's
// want, reads what Present gives of the top-level field: whether each
// record holds a value there.
func PresencePath(field string) []string { return []string{field, presentStep} }

func isPresence(path []string) bool { return len(path) == 2 && path[1] == presentStep }

func present(v stdlib.Value) bool {
	return v.K != stdlib.Null && !(v.K == stdlib.String && v.S == "")
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
