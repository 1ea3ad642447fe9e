package engine

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// ManifestFormat is the layout version of manifest.json. Readers refuse a
// newer format than they know.
const ManifestFormat = 1

// Manifest is the lineage record of one successful run: what produced the
// output (scenario content, variables, seed, shard, window, scen version)
// and what was written. docs/lineage.md documents every field.
type Manifest struct {
	Format      int              `json:"format"`
	ScenVersion string           `json:"scen_version"`
	RunID       string           `json:"run_id"`
	Started     time.Time        `json:"started"`
	Finished    time.Time        `json:"finished"`
	Scenario    ManifestScenario `json:"scenario"`
	Git         *GitInfo         `json:"git"`
	Seed        uint64           `json:"seed"`
	Variables   []ManifestVar    `json:"variables"`
	Shard       int              `json:"shard"`
	Shards      int              `json:"shards"`
	Workers     int              `json:"workers"`
	Window      ManifestWindow   `json:"window"`
	Options     ManifestOptions  `json:"options"`
	Records     int64            `json:"records"`
	Streams     []ManifestStream `json:"streams"`
	Sinks       []ManifestSink   `json:"sinks"`
	// RegeneratedFrom is set by `scen run --from-manifest`.
	RegeneratedFrom *ManifestOrigin `json:"regenerated_from,omitempty"`
}

// ManifestScenario identifies the scenario's content.
type ManifestScenario struct {
	Name string `json:"name"`
	// Path is the scenario (file or directory) relative to the manifest's
	// directory, slash-separated; AbsPath is the same place as an absolute path.
	Path    string `json:"path"`
	AbsPath string `json:"abs_path"`
	// Hash is "sha256:" + hex over Inputs (see ContentHash).
	Hash   string        `json:"hash"`
	Inputs []HashedInput `json:"inputs"`
}

// HashedInput is one file the scenario's content hash covers.
type HashedInput struct {
	Path   string `json:"path"` // relative to the scenario root, slash-separated
	Kind   string `json:"kind"` // "scenario" (an .hcl file, the scenario's or a module's), "stdlib" (an embedded module file) or "dataset"
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ManifestVar is a variable's resolved value. Value is a JSON number,
// string or bool; a float always carries a decimal point or an exponent,
// so that reading it back keeps it a float.
type ManifestVar struct {
	Name    string          `json:"name"`
	Value   json.RawMessage `json:"value"`
	FromCLI bool            `json:"from_cli"`
}

// ManifestWindow is the written time window [From, To): RFC 3339 in the
// scenario's time zone, and milliseconds since the Unix epoch.
type ManifestWindow struct {
	Timezone string `json:"timezone"`
	From     string `json:"from"`
	To       string `json:"to"`
	FromMs   int64  `json:"from_ms"`
	ToMs     int64  `json:"to_ms"`
}

// ManifestOptions are the run options besides seed, shard and window that
// shape what reaches the sinks or how (zero values are left out).
type ManifestOptions struct {
	IntervalMs int64    `json:"interval_ms,omitempty"`
	Speed      float64  `json:"speed,omitempty"`
	Rate       float64  `json:"rate,omitempty"`
	Sinks      []string `json:"sinks,omitempty"`
	MaxActors  int64    `json:"max_actors,omitempty"`
}

// ManifestStream counts a stream's records. Records is null for a stream
// that no sink of the run wrote (its records are generated, not counted).
type ManifestStream struct {
	Name    string `json:"name"`
	Records *int64 `json:"records"`
}

// ManifestSink is what one sink delivered.
type ManifestSink struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Stream  string `json:"stream"`
	Records int64  `json:"records"`
	// Bytes is the encoded (uncompressed) size of the records.
	Bytes int64          `json:"bytes"`
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one published file.
type ManifestFile struct {
	Path   string `json:"path"`  // relative to the manifest's directory, slash-separated
	Bytes  int64  `json:"bytes"` // on disk (compressed when the file is)
	SHA256 string `json:"sha256,omitempty"`
}

// ManifestOrigin names the manifest a regenerated run was made from.
type ManifestOrigin struct {
	Manifest     string `json:"manifest"` // absolute path
	RunID        string `json:"run_id"`
	ScenarioHash string `json:"scenario_hash"`
}

// GitInfo places the scenario in a git work tree.
type GitInfo struct {
	Commit string `json:"commit"` // HEAD; "" in a repository without commits
	// Dirty is true when any input differs from HEAD: modified, staged,
	// untracked, ignored, or outside the work tree.
	Dirty bool `json:"dirty"`
	// Path is the scenario relative to the repository root, so that
	// `scen diff PATH@COMMIT PATH` compares against the recorded version.
	Path string `json:"path"`
	// Changed lists the inputs (scenario-root relative) that make it dirty.
	Changed []string `json:"changed,omitempty"`
}

// ManifestRun is what a run adds to the plan to make a manifest.
type ManifestRun struct {
	ScenarioPath string // the file or directory given to `scen run`
	Options      RunOptions
	Result       *RunResult
	Started      time.Time
	Finished     time.Time
	Version      string
	// Checksums makes the manifest carry each file's SHA-256.
	Checksums bool
	Origin    *ManifestOrigin
	// Content is the scenario's content hash and inputs when the caller
	// already has them (ContentHash of the scenario's root); nil: they
	// are worked out here.
	Content *ScenarioContent
}

// ScenarioContent is what ContentHash returns.
type ScenarioContent struct {
	Hash   string
	Inputs []HashedInput
}

// ScenarioRoot is the directory a scenario's input paths are relative to:
// the directory itself, or the directory of a single file.
func ScenarioRoot(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return filepath.Abs(path)
	}
	return filepath.Abs(filepath.Dir(path))
}

// ContentHash hashes what the plan was compiled from: every scenario file
// (the bytes that were parsed, module files included; an embedded standard
// library file by its name, "stdlib:profiles/web.hcl") and every file a
// dataset reads. Paths are made relative to root and slash-separated;
// inputs are sorted by path and the hash is SHA-256 over, for each input
// in turn,
//
//	path NUL decimal-size NUL content
//
// rendered as "sha256:" + lowercase hex. Each input also gets its own
// SHA-256, so that a changed hash can name the changed files.
func (p *Plan) ContentHash(root string) (string, []HashedInput, error) {
	type input struct {
		HashedInput
		abs  string
		data []byte // nil: read from abs
	}
	rel := func(name string) (string, string, error) {
		abs, err := filepath.Abs(name)
		if err != nil {
			return "", "", err
		}
		r, err := filepath.Rel(root, abs)
		if err != nil {
			return "", "", err
		}
		return filepath.ToSlash(r), abs, nil
	}
	var ins []input
	seen := map[string]bool{}
	for name, f := range p.Files {
		if _, lib := dsl.StdlibFile(name); lib {
			// A standard library module, embedded in scen: hashed by its
			// library name and content, which change with scen's version.
			ins = append(ins, input{HashedInput: HashedInput{Path: name, Kind: "stdlib", Bytes: int64(len(f.Bytes))}, data: f.Bytes})
			continue
		}
		r, abs, err := rel(name)
		if err != nil {
			return "", nil, fmt.Errorf("scenario file %s: %w", name, err)
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		ins = append(ins, input{HashedInput: HashedInput{Path: r, Kind: "scenario", Bytes: int64(len(f.Bytes))}, abs: abs, data: f.Bytes})
	}
	for _, d := range p.Datasets {
		if d.Path == "" {
			continue
		}
		r, abs, err := rel(d.Path)
		if err != nil {
			return "", nil, fmt.Errorf("dataset %q: %w", d.Name, err)
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		ins = append(ins, input{HashedInput: HashedInput{Path: r, Kind: "dataset"}, abs: abs})
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].Path < ins[j].Path })
	total := sha256.New()
	out := make([]HashedInput, len(ins))
	for i := range ins {
		in := &ins[i]
		one := sha256.New()
		if in.data != nil {
			fmt.Fprintf(total, "%s\x00%d\x00", in.Path, len(in.data))
			total.Write(in.data)
			one.Write(in.data)
		} else {
			f, err := os.Open(in.abs)
			if err != nil {
				return "", nil, fmt.Errorf("hashing dataset file: %w", err)
			}
			st, err := f.Stat()
			if err == nil {
				in.Bytes = st.Size()
				fmt.Fprintf(total, "%s\x00%d\x00", in.Path, in.Bytes)
				var n int64
				n, err = io.Copy(io.MultiWriter(total, one), f)
				if err == nil && n != in.Bytes {
					err = fmt.Errorf("%s changed while it was hashed", in.abs)
				}
			}
			f.Close()
			if err != nil {
				return "", nil, fmt.Errorf("hashing dataset file: %w", err)
			}
		}
		in.SHA256 = hex.EncodeToString(one.Sum(nil))
		out[i] = in.HashedInput
	}
	return "sha256:" + hex.EncodeToString(total.Sum(nil)), out, nil
}

// ManifestName is the manifest's file name: manifest.json, or
// manifest.shard-<i>-of-<N>.json for a shard (zero-padded like shard file
// names), so that N shards can write into one directory.
func ManifestName(shard, shards int) string {
	if shards <= 1 {
		return "manifest.json"
	}
	w := len(strconv.Itoa(shards - 1))
	return fmt.Sprintf("manifest.shard-%0*d-of-%d.json", w, shard, shards)
}

// NewManifest describes a finished run. dir is the directory the manifest
// will be written to: file and scenario paths are made relative to it.
func (p *Plan) NewManifest(dir string, mr ManifestRun) (*Manifest, error) {
	ro := mr.Options
	if ro.Shards <= 0 {
		ro.Shards = 1
	}
	if ro.From == 0 {
		ro.From = p.Start
	}
	if ro.To == 0 || ro.To > p.End {
		ro.To = p.End
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := ScenarioRoot(mr.ScenarioPath)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	var hash string
	var inputs []HashedInput
	if c := mr.Content; c != nil {
		hash, inputs = c.Hash, c.Inputs
	} else if hash, inputs, err = p.ContentHash(root); err != nil {
		return nil, err
	}
	absScen, err := filepath.Abs(mr.ScenarioPath)
	if err != nil {
		return nil, err
	}
	relScen, err := filepath.Rel(absDir, absScen)
	if err != nil {
		relScen = absScen
	}
	tf := stdlib.NewTimeFormatter(p.Loc)
	m := &Manifest{
		Format:      ManifestFormat,
		ScenVersion: mr.Version,
		RunID:       ro.RunID,
		Started:     mr.Started.UTC(),
		Finished:    mr.Finished.UTC(),
		Scenario: ManifestScenario{Name: p.Name, Path: filepath.ToSlash(relScen), AbsPath: absScen,
			Hash: hash, Inputs: inputs},
		Seed:    p.Seed,
		Shard:   ro.Shard,
		Shards:  ro.Shards,
		Workers: ro.Workers,
		Window: ManifestWindow{Timezone: p.Loc.String(), From: string(tf.Append(nil, ro.From)), To: string(tf.Append(nil, ro.To)),
			FromMs: ro.From, ToMs: ro.To},
		Options:         ManifestOptions{IntervalMs: ro.Interval, Speed: ro.Speed, Rate: ro.Rate, Sinks: ro.Sinks, MaxActors: ro.MaxActors},
		RegeneratedFrom: mr.Origin,
		Variables:       []ManifestVar{},
		Streams:         []ManifestStream{},
		Sinks:           []ManifestSink{},
	}
	for _, v := range p.Vars {
		raw, err := varJSON(v.Value)
		if err != nil {
			return nil, fmt.Errorf("variable %q: %w", v.Name, err)
		}
		m.Variables = append(m.Variables, ManifestVar{Name: v.Name, Value: raw, FromCLI: v.FromCLI})
	}
	streamOf := map[string]string{}
	for _, s := range p.Sinks {
		streamOf[s.Name] = s.Stream.Name
	}
	counted := map[string]int64{}
	if mr.Result != nil {
		for _, s := range mr.Result.Sinks {
			ms := ManifestSink{Name: s.Name, Type: s.Type, Stream: streamOf[s.Name], Records: s.Records, Bytes: s.Bytes, Files: []ManifestFile{}}
			// Records written, over all sinks: those each kept, as
			// sinks[].records (not those handed to it: a database that
			// skipped conflicting rows wrote fewer).
			m.Records += s.Records
			// Every sink of a stream receives every record of the stream,
			// though a database may keep fewer (conflicts it skipped).
			counted[ms.Stream] = s.Written
			for _, f := range s.Files {
				mf, err := describeFile(absDir, f, mr.Checksums)
				if err != nil {
					return nil, fmt.Errorf("sink %q: %w", s.Name, err)
				}
				ms.Files = append(ms.Files, mf)
			}
			m.Sinks = append(m.Sinks, ms)
		}
	}
	for _, st := range p.Streams {
		ms := ManifestStream{Name: st.Name}
		if n, ok := counted[st.Name]; ok {
			ms.Records = &n
		}
		m.Streams = append(m.Streams, ms)
	}
	return m, nil
}

// VarArg renders a manifest variable as the text of --var name=TEXT that
// gives the same value back.
func (v ManifestVar) VarArg() (string, error) {
	raw := strings.TrimSpace(string(v.Value))
	switch {
	case raw == "true" || raw == "false":
		return raw, nil
	case strings.HasPrefix(raw, "[") || strings.HasPrefix(raw, "{"):
		// Written by varJSON: JSON that HCL reads as the same value.
		var b bytes.Buffer
		if err := json.Compact(&b, v.Value); err != nil {
			return "", fmt.Errorf("variable %q: %w", v.Name, err)
		}
		return b.String(), nil
	case strings.HasPrefix(raw, `"`):
		var s string
		if err := json.Unmarshal(v.Value, &s); err != nil {
			return "", fmt.Errorf("variable %q: %w", v.Name, err)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(v.Value, &n); err != nil {
		return "", fmt.Errorf("variable %q: the value %s is not a number, string, bool, list or object", v.Name, raw)
	}
	return n.String(), nil
}

func describeFile(dir, name string, checksum bool) (ManifestFile, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return ManifestFile{}, err
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		rel = abs
	}
	mf := ManifestFile{Path: filepath.ToSlash(rel)}
	f, err := os.Open(abs)
	if err != nil {
		return mf, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return mf, err
	}
	mf.Bytes = st.Size()
	if checksum {
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return mf, fmt.Errorf("checksum of %s: %w", name, err)
		}
		mf.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return mf, nil
}

// WriteFile writes the manifest as indented JSON to path atomically: to a
// temporary file in the same directory, synced, then renamed.
func (m *Manifest) WriteFile(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	return writeAtomic(path, b)
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(path, b, 0o644)
}

// WriteFileAtomic replaces path's contents with b atomically: b is written
// and synced to a temporary file in the same directory, which is then
// renamed over path, so a reader (or a crash) sees the old file or the new
// one, never a part. The new file has the permissions perm (the umask
// does not narrow them).
func WriteFileAtomic(path string, b []byte, perm os.FileMode) error {
	// Said plainly, rather than as the temporary file's failure
	// ("rename .s2.tmp-96ae33f8f534 s2: file exists" for a directory).
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory: name a file", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if st, err := os.Stat(dir); err != nil && os.IsNotExist(err) {
			return fmt.Errorf("directory %s does not exist", dir)
		} else if err == nil && !st.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
	}
	var suffix [6]byte
	rand.Read(suffix[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(suffix[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// ReadManifest reads a manifest written by WriteFile.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s is not a scen manifest: %w", path, err)
	}
	switch {
	case m.Format == 0 || m.Scenario.Hash == "":
		return nil, fmt.Errorf("%s is not a scen manifest (no format or scenario hash)", path)
	case m.Format > ManifestFormat:
		return nil, fmt.Errorf("%s has manifest format %d; this scen reads format %d and older, upgrade scen", path, m.Format, ManifestFormat)
	case m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards:
		return nil, fmt.Errorf("%s: shard %d/%d is invalid", path, m.Shard, m.Shards)
	}
	return &m, nil
}

// ChangedInputs compares two input lists and says, per path, what changed:
// "changed", "added" (in now only) or "removed" (in was only).
func ChangedInputs(was, now []HashedInput) []string {
	old := map[string]HashedInput{}
	for _, in := range was {
		old[in.Path] = in
	}
	var out []string
	for _, in := range now {
		o, ok := old[in.Path]
		switch {
		case !ok:
			out = append(out, in.Path+" (added)")
		case o.SHA256 != in.SHA256:
			out = append(out, in.Path+" (changed)")
		}
		delete(old, in.Path)
	}
	var gone []string
	for p := range old {
		gone = append(gone, p+" (removed)")
	}
	sort.Strings(gone)
	return append(out, gone...)
}
