package dsl

import (
	"bytes"
	"fmt"
	"github.com/scenhq/scen/internal/suggest"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "scenario", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "distribution", LabelNames: []string{"name"}},
		{Type: "entity", LabelNames: []string{"name"}},
		{Type: "flow", LabelNames: []string{"name"}},
		{Type: "sink", LabelNames: []string{"name"}},
		{Type: "experiment", LabelNames: []string{"name"}},
		{Type: "dataset", LabelNames: []string{"name"}},
		{Type: "constraint", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
	},
}

// Load reads a scenario from a file, or from every .hcl file of a directory
// (sorted by name) as one scenario.
func Load(path string) (*Scenario, hcl.Diagnostics) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read scenario",
			Detail: fmt.Sprintf("%s.", strings.TrimPrefix(err.Error(), "stat "))}}
	}
	var names []string
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read scenario directory", Detail: err.Error()}}
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
		if len(names) == 0 {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Empty scenario directory",
				Detail: fmt.Sprintf("%s contains no .hcl files.", path)}}
		}
	} else {
		names = []string{path}
	}
	srcs := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read scenario file", Detail: err.Error()}}
		}
		srcs[n] = b
	}
	if st.IsDir() {
		if d := severalScenarios(path, names, srcs); d != nil {
			return nil, hcl.Diagnostics{d}
		}
	}
	return Parse(names, srcs)
}

// severalScenarios is the error for a directory whose files hold more
// than one scenario block (scen validate scenarios/): a directory is one
// scenario, and merging several would only report every name they share
// as a duplicate. nil when there is at most one.
func severalScenarios(dir string, names []string, srcs map[string][]byte) *hcl.Diagnostic {
	var at []hcl.Range
	for _, n := range names {
		f, _ := hclsyntax.ParseConfig(srcs[n], n, hcl.InitialPos)
		if f == nil {
			continue
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			if b.Type == "scenario" {
				at = append(at, b.DefRange())
			}
		}
	}
	if len(at) < 2 {
		return nil
	}
	where := make([]string, len(at))
	for i, r := range at {
		where[i] = fmt.Sprintf("%s:%d", filepath.Base(r.Filename), r.Start.Line)
	}
	one := at[0].Filename
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Several scenarios in one directory",
		Detail: fmt.Sprintf("%s holds %d scenario blocks (%s). A directory is read as one scenario, all its .hcl files merged; "+
			"name one file instead (%s), or check each file: for f in %s; do scen validate \"$f\"; done.",
			dir, len(at), strings.Join(where, ", "), one, filepath.Join(dir, "*.hcl")),
		Subject: at[1].Ptr()}
}

// ParseSource parses a single in-memory file.
func ParseSource(filename string, src []byte) (*Scenario, hcl.Diagnostics) {
	return Parse([]string{filename}, map[string][]byte{filename: src})
}

// Parse decodes the given files (in order) as one scenario, with the
// modules their module blocks include (read from disk or from the
// embedded standard library). The result is as complete as the input
// allows, even when diagnostics are returned.
func Parse(names []string, srcs map[string][]byte) (*Scenario, hcl.Diagnostics) {
	return ParseFS(OSFiles{}, names, srcs)
}

// Files is where a scenario's local modules are read from: the operating
// system's files (OSFiles), or another view of them under the same names,
// such as a git revision (scen diff PATH@REV).
type Files interface {
	Stat(name string) (fs.FileInfo, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	ReadFile(name string) ([]byte, error)
}

// OSFiles reads the operating system's files.
type OSFiles struct{}

func (OSFiles) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (OSFiles) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (OSFiles) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }

// ParseFS is Parse with the files of local modules read from files.
func ParseFS(files Files, names []string, srcs map[string][]byte) (*Scenario, hcl.Diagnostics) {
	sc := &Scenario{Files: map[string]*hcl.File{}, Sources: names}
	label := "the scenario"
	if len(names) == 1 {
		label = names[0]
	} else if len(names) > 1 {
		label = filepath.Dir(names[0])
	}
	l := &loader{sc: sc, files: files}
	diags := l.decodeUnit(newUnit(nil, "", names, label, nil), sc, names, srcs)
	if sc.Settings == nil && !diags.HasErrors() {
		var subj *hcl.Range
		if len(names) > 0 {
			r := hcl.Range{Filename: names[0], Start: hcl.InitialPos, End: hcl.InitialPos}
			subj = &r
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing scenario block",
			Detail: "Every scenario needs a scenario block with at least start and end, e.g.\n" +
				"  scenario \"shop\" {\n    start = \"2025-06-01\"\n    end   = \"2025-07-01\"\n  }",
			Subject: subj})
	}
	return sc, diags
}

// decodeUnit decodes the files of the scenario or of one module instance
// into frag: names are checked for duplicates first, then included
// modules are loaded, references are qualified (see qualify), and the
// blocks are decoded in order, a module's definitions taking the place of
// its block.
func (l *loader) decodeUnit(u *unit, frag *Scenario, names []string, srcs map[string][]byte) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type parsed struct {
		name   string
		body   hcl.Body
		blocks hcl.Blocks
	}
	var files []parsed
	for _, name := range names {
		// A module used twice is parsed twice: each instance's
		// expressions are qualified with its own names.
		if d := notText(name, srcs[name]); d != nil {
			// A binary file would give a diagnostic per stray byte, each
			// echoing bytes to the terminal.
			l.sc.Files[name] = &hcl.File{}
			diags = append(diags, d)
			continue
		}
		f, ds := hclsyntax.ParseConfig(srcs[name], name, hcl.InitialPos)
		percentHints(ds, srcs[name])
		// Keep the bytes even when parsing failed, so snippets can be shown.
		if f == nil {
			f = &hcl.File{Bytes: srcs[name]}
		}
		if _, ok := l.sc.Files[name]; !ok {
			l.sc.Files[name] = f
		}
		diags = append(diags, ds...)
		if ds.HasErrors() || f.Body == nil {
			continue
		}
		content, ds := bodyContent(f.Body, rootSchema)
		diags = append(diags, ds...)
		files = append(files, parsed{name, f.Body, content.Blocks})
	}
	skip := map[*hcl.Block]bool{}
	for _, f := range files {
		for _, b := range f.blocks {
			name := b.Labels[0]
			if u.names[b.Type] == nil {
				u.names[b.Type] = map[string]hcl.Range{}
			}
			if prev, dup := u.names[b.Type][name]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  fmt.Sprintf("Duplicate %s %q", b.Type, name),
					Detail:   fmt.Sprintf("%s named %q was already declared at %s. Names must be unique within a scenario.", aKind(b.Type), name, posString(prev)),
					Subject:  b.LabelRanges[0].Ptr(),
				})
				skip[b] = true
				continue
			}
			u.names[b.Type][name] = b.DefRange
			diags = append(diags, checkName(b)...)
			if u.mod != nil && (b.Type == "scenario" || b.Type == "sink") {
				diags = append(diags, moduleOnlyBlock(u, b))
				skip[b] = true
			}
		}
	}
	type loaded struct {
		mod  *Module
		frag *Scenario
	}
	mods := map[*hcl.Block]loaded{}
	for _, f := range files {
		for _, b := range f.blocks {
			if b.Type != "module" || skip[b] {
				continue
			}
			ds := checkModuleName(u, b)
			diags = append(diags, ds...)
			if ds.HasErrors() {
				skip[b] = true
				continue
			}
			m, child, mf, ds := l.moduleBlock(u, b, f.name)
			diags = append(diags, ds...)
			if child == nil {
				skip[b] = true
				continue
			}
			u.mods[b.Labels[0]] = child
			mods[b] = loaded{m, mf}
		}
	}
	for _, f := range files {
		diags = append(diags, qualify(u, f.body)...)
	}
	for _, f := range files {
		for _, b := range f.blocks {
			if skip[b] {
				continue
			}
			ds := l.decodeBlock(u, frag, b, f.name, mods[b].mod, mods[b].frag)
			diags = append(diags, MissingAtHeader(ds, b)...)
		}
	}
	return diags
}

// decodeBlock decodes one top-level block into frag. Inside a module,
// names are qualified with the module's and variables are the module's.
func (l *loader) decodeBlock(u *unit, frag *Scenario, b *hcl.Block, fname string, m *Module, mf *Scenario) hcl.Diagnostics {
	var diags hcl.Diagnostics
	q := u.prefix
	switch b.Type {
	case "module":
		frag.Modules = append(append(frag.Modules, m), mf.Modules...)
		frag.Distributions = append(frag.Distributions, mf.Distributions...)
		frag.Datasets = append(frag.Datasets, mf.Datasets...)
		frag.Entities = append(frag.Entities, mf.Entities...)
		frag.Experiments = append(frag.Experiments, mf.Experiments...)
		frag.Flows = append(frag.Flows, mf.Flows...)
		frag.Constraints = append(frag.Constraints, mf.Constraints...)
	case "scenario":
		if frag.Settings != nil {
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate scenario block",
				Detail: fmt.Sprintf("A scenario has one scenario block; the first is at %s.", posString(frag.Settings.DeclRange)), Subject: b.DefRange.Ptr()})
		}
		s, ds := decodeSettings(b)
		diags = append(diags, ds...)
		frag.Settings = s
	case "variable":
		v, ds := decodeVariable(b)
		diags = append(diags, ds...)
		if u.mod != nil {
			u.mod.Variables = append(u.mod.Variables, v)
		} else {
			frag.Variables = append(frag.Variables, v)
		}
	case "distribution":
		d, ds := decodeDistribution(b)
		diags = append(diags, ds...)
		if d != nil {
			d.Name = q + d.Name
			frag.Distributions = append(frag.Distributions, d)
		}
	case "entity":
		e, ds := decodeEntity(b)
		diags = append(diags, ds...)
		e.Name = q + e.Name
		frag.Entities = append(frag.Entities, e)
	case "flow":
		fl, ds := decodeFlow(b)
		diags = append(diags, ds...)
		fl.Name = q + fl.Name
		frag.Flows = append(frag.Flows, fl)
	case "experiment":
		x, ds := decodeExperiment(b)
		diags = append(diags, ds...)
		x.Name = q + x.Name
		frag.Experiments = append(frag.Experiments, x)
	case "dataset":
		d, ds := decodeDataset(b, fname)
		diags = append(diags, ds...)
		d.Name = q + d.Name
		frag.Datasets = append(frag.Datasets, d)
	case "constraint":
		k, ds := decodeConstraint(b)
		diags = append(diags, ds...)
		k.Name = q + k.Name
		frag.Constraints = append(frag.Constraints, k)
	case "sink":
		s, ds := decodeSink(b)
		diags = append(diags, ds...)
		if s != nil {
			frag.Sinks = append(frag.Sinks, s)
		}
	}
	return diags
}

// posString is file:line:column of r's start, as diagnostics are shown
// (hcl.Range's own String is file:line,column-column).
func posString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

func checkName(b *hcl.Block) hcl.Diagnostics {
	n := b.Labels[0]
	if hclsyntax.ValidIdentifier(n) {
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid name",
		Detail:  fmt.Sprintf("%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter, so that expressions can refer to it.", n),
		Subject: b.LabelRanges[0].Ptr()}}
}

func decodeSettings(b *hcl.Block) (*Settings, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "seed"}, {Name: "timezone"}, {Name: "start", Required: true}, {Name: "end", Required: true}, {Name: "runs"},
	}})
	s := &Settings{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0]}
	s.Seed = attrExpr(content, "seed")
	s.Timezone = attrExpr(content, "timezone")
	s.Start = attrExpr(content, "start")
	s.End = attrExpr(content, "end")
	if a, ok := content.Attributes["runs"]; ok {
		s.RunsRange = a.Expr.Range()
		runs, ds := constString(a.Expr, "runs directory")
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			if msg := checkRunsDir(runs); msg != "" {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid runs directory",
					Detail: msg, Subject: a.Expr.Range().Ptr()})
			} else {
				s.Runs = filepath.Clean(runs)
			}
		}
	}
	return s, diags
}

// checkRunsDir keeps the runs directory inside the output directory.
func checkRunsDir(p string) string {
	clean := filepath.Clean(p)
	switch {
	case p == "" || clean == ".":
		return `runs names a directory under --out, e.g. runs = "bank/runs".`
	case filepath.IsAbs(p):
		return fmt.Sprintf("%q is absolute; runs is relative to the output directory (--out).", p)
	case clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)):
		return fmt.Sprintf("%q escapes the output directory (--out); remove the leading ../ segments.", p)
	}
	return ""
}

func attrExpr(c *hcl.BodyContent, name string) hcl.Expression {
	if a, ok := c.Attributes[name]; ok {
		return a.Expr
	}
	return nil
}

func decodeVariable(b *hcl.Block) (*Variable, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "default"}, {Name: "type"}, {Name: "description"},
	}})
	v := &Variable{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0]}
	v.Default = attrExpr(content, "default")
	if a, ok := content.Attributes["type"]; ok {
		v.TypeRange = a.Expr.Range()
		kw := hcl.ExprAsKeyword(a.Expr)
		if kw == "" {
			if val, ds := a.Expr.Value(nil); !ds.HasErrors() && val.Type() == cty.String && val.IsKnown() && !val.IsNull() {
				kw = val.AsString()
			}
		}
		switch kw {
		case "string", "number", "bool", "list", "object":
			v.Type = kw
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid variable type",
				Detail: "A variable's type is one of string, number, bool, list or object." + typeHint(a.Expr, kw), Subject: a.Expr.Range().Ptr()})
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		s, ds := constString(a.Expr, "description")
		diags = append(diags, ds...)
		v.Description = s
	}
	return v, diags
}

// typeHint suggests the type a Terraform author means: scen's types have
// no element types (list(string)), an object is what Terraform calls a
// map, and a number is an int or a float (type = int got "Did you mean
// "list"?", the closest name by spelling).
func typeHint(e hcl.Expression, name string) string {
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok {
		name = call.Name
	}
	switch name {
	case "list", "tuple", "set":
		return " Write list: a list's elements are not given a type."
	case "object", "map":
		return " Write object: an object's attributes are not given types."
	case "int", "integer", "float", "double", "decimal", "int64", "float64":
		return " Write number: it holds ints and floats alike (a default or a --var value without a point or an exponent is an int)."
	}
	return suggest.DidYouMean(name, []string{"string", "number", "bool", "list", "object"})
}

// constString evaluates a literal string (block settings that shape the
// plan itself, such as a sink's type, must be literal).
func constString(e hcl.Expression, what string) (string, hcl.Diagnostics) {
	val, diags := e.Value(nil)
	if diags.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Expected a literal string",
			Detail: fmt.Sprintf("The %s must be a literal string here.", what), Subject: e.Range().Ptr()}}
	}
	return val.AsString(), nil
}

// notVarsOnly names what makes e more than a string of literals and
// var.* references (a function call, another reference), or "".
func notVarsOnly(e hcl.Expression) string {
	for _, t := range e.Variables() {
		if t.RootName() != "var" {
			return fmt.Sprintf("%s (only var.* is known here)", t.RootName())
		}
	}
	bad := ""
	if se, ok := e.(hclsyntax.Expression); ok {
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			switch x := n.(type) {
			case *hclsyntax.FunctionCallExpr:
				if bad == "" {
					bad = fmt.Sprintf("a function call (%s)", x.Name)
				}
			case *hclsyntax.ForExpr, *hclsyntax.ConditionalExpr:
				if bad == "" {
					bad = "an expression other than a string template"
				}
			}
			return nil
		})
	}
	return bad
}

var distKinds = []string{"value", "hourly", "weekly", "monthly", "dates"}

func decodeDistribution(b *hcl.Block) (*Distribution, hcl.Diagnostics) {
	schema := &hcl.BodySchema{}
	for _, k := range distKinds {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: k})
	}
	content, diags := bodyContent(b.Body, schema)
	var found []*hcl.Attribute
	for _, k := range distKinds {
		if a, ok := content.Attributes[k]; ok {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		subj := b.DefRange
		if len(found) > 1 {
			subj = found[1].NameRange
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid distribution",
			Detail: "A distribution sets exactly one of: value (a sampler such as lognormal(3.2, 0.8)), " +
				"hourly (24 weights), weekly ({ mon = …, sun = … }), monthly (12 weights) or " +
				"dates ({ \"2025-12-24..2025-12-26\" = 0.5 }: multipliers for date ranges).",
			Subject: subj.Ptr()})
		if len(found) == 0 {
			return nil, diags
		}
	}
	return &Distribution{Name: b.Labels[0], Kind: found[0].Name, Expr: found[0].Expr, DeclRange: b.DefRange, NameRange: b.LabelRanges[0]}, diags
}

// orderedAttrs returns a body's attributes in source order; nested blocks
// are errors (JustAttributes reports them).
func orderedAttrs(body hcl.Body) ([]*Attr, hcl.Diagnostics) {
	attrs, diags := body.JustAttributes()
	out := make([]*Attr, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, &Attr{Name: a.Name, Expr: a.Expr, NameRange: a.NameRange, Range: a.Range})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start.Byte < out[j].Range.Start.Byte })
	return out, diags
}

// freeAttrs returns the attributes of a body that also holds blocks
// (JustAttributes refuses such bodies), minus the named ones, in source order.
func freeAttrs(body hcl.Body, exclude ...string) []*Attr {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []*Attr
	for name, a := range sb.Attributes {
		if contains(exclude, name) {
			continue
		}
		out = append(out, &Attr{Name: name, Expr: a.Expr, NameRange: a.NameRange, Range: a.SrcRange})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start.Byte < out[j].Range.Start.Byte })
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func decodeEntity(b *hcl.Block) (*Entity, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "count", Required: true}, {Name: "parent"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "attributes"}},
	})
	for _, d := range diags {
		// country = "KR" directly in the entity: attributes have a block.
		if d.Summary == "Unsupported argument" && !strings.Contains(d.Detail, "Did you mean") {
			d.Detail += " An entity takes count and parent; its attributes go in its attributes { … } block."
		}
	}
	e := &Entity{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0],
		Count: attrExpr(content, "count"), Parent: attrExpr(content, "parent")}
	for i, ab := range content.Blocks {
		if i > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate attributes block",
				Detail: "An entity has at most one attributes block.", Subject: ab.DefRange.Ptr()})
			continue
		}
		attrs, ds := orderedAttrs(ab.Body)
		diags = append(diags, ds...)
		e.Attributes = attrs
	}
	return e, diags
}

func decodeFlow(b *hcl.Block) (*Flow, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "actor", Required: true}, {Name: "gap"}, {Name: "initial", Required: true}},
		Blocks: []hcl.BlockHeaderSchema{{Type: "session"}, {Type: "state", LabelNames: []string{"name"}},
			{Type: "common", LabelNames: []string{"stream"}}},
	})
	f := &Flow{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0],
		Actor: attrExpr(content, "actor"), Gap: attrExpr(content, "gap"), Initial: attrExpr(content, "initial")}
	states := map[string]hcl.Range{}
	for _, blk := range content.Blocks {
		switch blk.Type {
		case "common":
			for _, c := range f.Commons {
				if c.Stream == blk.Labels[0] {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate common block",
						Detail: fmt.Sprintf("The flow already has common fields for stream %q at %s.", c.Stream, posString(c.DeclRange)), Subject: blk.LabelRanges[0].Ptr()})
				}
			}
			fields, ds := orderedAttrs(blk.Body)
			diags = append(diags, ds...)
			for _, a := range fields {
				if a.Name == "for_each" {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "for_each in common fields",
						Detail: "for_each belongs in a state's emit block: it makes that emit write one record per element.", Subject: a.NameRange.Ptr()})
				}
			}
			f.Commons = append(f.Commons, &Emit{Stream: blk.Labels[0], Fields: fields, DeclRange: blk.DefRange, StreamRange: blk.LabelRanges[0]})
		case "session":
			if f.Session != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate session block",
					Detail: "A flow has at most one session block.", Subject: blk.DefRange.Ptr()})
				continue
			}
			s, ds := decodeSession(blk)
			diags = append(diags, ds...)
			f.Session = s
		case "state":
			name := blk.Labels[0]
			if prev, dup := states[name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Duplicate state %q", name),
					Detail: fmt.Sprintf("State %q was already declared at %s.", name, posString(prev)), Subject: blk.LabelRanges[0].Ptr()})
				continue
			}
			if name == "end" {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Reserved state name",
					Detail: `"end" is the implicit final state of every flow; it cannot be declared.`, Subject: blk.LabelRanges[0].Ptr()})
				continue
			}
			states[name] = blk.DefRange
			st, ds := decodeState(blk)
			diags = append(diags, ds...)
			f.States = append(f.States, st)
		}
	}
	if len(f.States) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Flow has no states",
			Detail: `Declare at least one state "name" { … } block.`, Subject: b.DefRange.Ptr()})
	}
	if f.Session == nil {
		f.Session = &Session{DeclRange: b.DefRange}
	}
	return f, diags
}

func decodeSession(b *hcl.Block) (*Session, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "count"}, {Name: "start"}, {Name: "every"}, {Name: "arrivals"}, {Name: "max_events"}, {Name: "zone"},
	}})
	s := &Session{DeclRange: b.DefRange,
		Count: attrExpr(content, "count"), Start: attrExpr(content, "start"), Every: attrExpr(content, "every"),
		Arrivals: attrExpr(content, "arrivals"), MaxEvents: attrExpr(content, "max_events"),
		Zone: attrExpr(content, "zone")}
	if s.Arrivals != nil && s.Every != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Conflicting session timing",
			Detail:  "Use either arrivals (a Poisson process, optionally from a start offset) or start/every (explicit offsets), not both.",
			Subject: s.Arrivals.Range().Ptr()})
	}
	return s, diags
}

func decodeState(b *hcl.Block) (st *State, diags hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "next"}, {Name: "delay"}, {Name: "set"}, {Name: "remember"}},
		Blocks: []hcl.BlockHeaderSchema{{Type: "emit", LabelNames: []string{"stream"}},
			{Type: "transition", LabelNames: []string{"to"}}},
	})
	st = &State{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0],
		Next: attrExpr(content, "next"), Delay: attrExpr(content, "delay")}
	defer func() {
		if st.Next != nil && len(st.Transitions) > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Conflicting transitions",
				Detail:  "A state uses either next = { … } or transition blocks, not both.",
				Subject: st.Transitions[0].DeclRange.Ptr()})
		}
	}()
	if a, ok := content.Attributes["set"]; ok {
		attrs, ds := objectAttrs(a.Expr)
		diags = append(diags, ds...)
		st.Set = attrs
	}
	if a, ok := content.Attributes["remember"]; ok {
		attrs, ds := objectAttrs(a.Expr)
		diags = append(diags, ds...)
		st.Remember = attrs
	}
	for _, eb := range content.Blocks {
		if eb.Type == "transition" {
			t, ds := decodeTransition(eb)
			diags = append(diags, ds...)
			st.Transitions = append(st.Transitions, t)
			continue
		}
		fields, ds := orderedAttrs(eb.Body)
		diags = append(diags, ds...)
		em := &Emit{Stream: eb.Labels[0], DeclRange: eb.DefRange, StreamRange: eb.LabelRanges[0]}
		for _, a := range fields {
			if a.Name == "for_each" {
				em.ForEach = a.Expr
				continue
			}
			em.Fields = append(em.Fields, a)
		}
		st.Emits = append(st.Emits, em)
	}
	return st, diags
}

// objectAttrs reads `{ a = expr, b = expr }` as named expressions.
func objectAttrs(e hcl.Expression) ([]*Attr, hcl.Diagnostics) {
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Expected an object",
			Detail: "Write { name = expression, … }.", Subject: e.Range().Ptr()}}
	}
	var diags hcl.Diagnostics
	var out []*Attr
	for _, it := range obj.Items {
		key := hcl.ExprAsKeyword(it.KeyExpr)
		if key == "" {
			if v, ds := it.KeyExpr.Value(nil); !ds.HasErrors() && v.Type() == cty.String {
				key = v.AsString()
			}
		}
		if key == "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid key",
				Detail: "Keys here must be plain names.", Subject: it.KeyExpr.Range().Ptr()})
			continue
		}
		out = append(out, &Attr{Name: key, Expr: it.ValueExpr, NameRange: it.KeyExpr.Range(),
			Range: hcl.RangeBetween(it.KeyExpr.Range(), it.ValueExpr.Range())})
	}
	return out, diags
}

func decodeSink(b *hcl.Block) (*Sink, hcl.Diagnostics) {
	content, remain, diags := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "type", Required: true}, {Name: "stream", Required: true},
	}})
	s := &Sink{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0], Body: remain}
	if a, ok := content.Attributes["type"]; ok {
		t, ds := constString(a.Expr, "sink type")
		diags = append(diags, ds...)
		s.Type, s.TypeRange = t, a.Expr.Range()
	}
	if a, ok := content.Attributes["stream"]; ok {
		st, ds := constString(a.Expr, "stream name")
		diags = append(diags, ds...)
		s.Stream, s.StreamRange = st, a.Expr.Range()
	}
	if diags.HasErrors() {
		return s, diags
	}
	return s, diags
}

func decodeTransition(b *hcl.Block) (*Transition, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "when"}, {Name: "probability"}, {Name: "weight"}, {Name: "otherwise"},
	}})
	t := &Transition{To: b.Labels[0], ToRange: b.LabelRanges[0], DeclRange: b.DefRange,
		When: attrExpr(content, "when"), Probability: attrExpr(content, "probability"), Weight: attrExpr(content, "weight")}
	n := 0
	for _, k := range []string{"probability", "weight", "otherwise"} {
		if _, ok := content.Attributes[k]; ok {
			n++
		}
	}
	if a, ok := content.Attributes["otherwise"]; ok {
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.Type() != cty.Bool || v.IsNull() || !v.True() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid otherwise",
				Detail: "Write otherwise = true on the fallback transition.", Subject: a.Expr.Range().Ptr()})
		}
		t.Otherwise = true
		if t.When != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid otherwise",
				Detail: "The otherwise transition is taken when no other is; it has no when guard.", Subject: t.When.Range().Ptr()})
		}
	}
	if n > 1 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Conflicting transition settings",
			Detail: "A transition has at most one of probability, weight and otherwise.", Subject: b.DefRange.Ptr()})
	}
	return t, diags
}

func decodeExperiment(b *hcl.Block) (*Experiment, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "unit", Required: true}, {Name: "during"}, {Name: "groups", Required: true}, {Name: "salt"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "param", LabelNames: []string{"name"}}},
	})
	x := &Experiment{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0],
		Unit: attrExpr(content, "unit"), During: attrExpr(content, "during"), Groups: attrExpr(content, "groups"), Salt: attrExpr(content, "salt")}
	overrideSchema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "override"}}}
	whenSchema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "when", Required: true}}}
	for _, pb := range content.Blocks {
		p := &ExpParam{Name: pb.Labels[0], DeclRange: pb.DefRange, NameRange: pb.LabelRanges[0]}
		// Group values are free-form attributes beside the override blocks.
		blocks, _, ds := pb.Body.PartialContent(overrideSchema)
		diags = append(diags, ds...)
		p.Values = freeAttrs(pb.Body)
		for _, ob := range blocks.Blocks {
			oc, _, ds := ob.Body.PartialContent(whenSchema)
			diags = append(diags, ds...)
			ov := &ExpOverride{When: attrExpr(oc, "when"), DeclRange: ob.DefRange}
			ov.Values = freeAttrs(ob.Body, "when")
			p.Overrides = append(p.Overrides, ov)
		}
		x.Params = append(x.Params, p)
	}
	return x, diags
}

func decodeDataset(b *hcl.Block, file string) (*Dataset, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "path"}, {Name: "from"}, {Name: "where"},
	}})
	d := &Dataset{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0], Dir: filepath.Dir(file),
		From: attrExpr(content, "from"), Where: attrExpr(content, "where")}
	if a, ok := content.Attributes["path"]; ok {
		d.PathRange = a.Expr.Range()
		if bad := notVarsOnly(a.Expr); bad != "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dataset path",
				Detail: fmt.Sprintf(`A dataset path is a string written out ("data/products.csv") or built from variables (var.input, "${var.dir}/products.csv"), `+
					`known before the run starts, so that the plan can read the file and the manifest record and hash it; it cannot use %s.`, bad),
				Subject: a.Expr.Range().Ptr()})
		} else if len(a.Expr.Variables()) > 0 {
			d.PathExpr = a.Expr
		} else {
			p, ds := constString(a.Expr, "dataset path")
			diags = append(diags, ds...)
			d.Path = p
		}
	}
	if !d.HasPath() == (d.From == nil) && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dataset",
			Detail:  `A dataset has either path = "file.csv" (csv, jsonl or parquet, relative to the scenario file) or from = dataset.OTHER with a where filter.`,
			Subject: b.DefRange.Ptr()})
	}
	if d.From != nil && d.Where == nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing where",
			Detail: "A dataset built from another needs a where = <condition over row.COLUMN> filter.", Subject: d.From.Range().Ptr()})
	}
	return d, diags
}

func decodeConstraint(b *hcl.Block) (*Constraint, hcl.Diagnostics) {
	content, diags := bodyContent(b.Body, &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "flows", Required: true}, {Name: "min_gap"}, {Name: "rebuild"}, {Name: "max_per_day"}, {Name: "quiet_hours"}, {Name: "states"},
	}})
	k := &Constraint{Name: b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0],
		Flows: attrExpr(content, "flows"), MinGap: attrExpr(content, "min_gap"), Rebuild: attrExpr(content, "rebuild"),
		MaxPerDay: attrExpr(content, "max_per_day"), QuietHours: attrExpr(content, "quiet_hours"), States: attrExpr(content, "states")}
	if k.MinGap == nil && k.MaxPerDay == nil && k.QuietHours == nil && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Empty constraint",
			Detail:  "A constraint sets at least one of min_gap, max_per_day and quiet_hours.",
			Subject: b.DefRange.Ptr()})
	}
	if k.Rebuild != nil && k.MinGap == nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "rebuild without min_gap",
			Detail:  "rebuild is the random gap used when an event falls closer than min_gap to the previous one; set min_gap too.",
			Subject: k.Rebuild.Range().Ptr()})
	}
	return k, diags
}

// notText is an error when src is not UTF-8 text (a NUL byte, or bytes that
// are not UTF-8 within its first 64 KiB; a character cut by that limit is
// not one), nil otherwise.
func notText(name string, src []byte) *hcl.Diagnostic {
	head := src[:min(len(src), 64<<10)]
	bad := bytes.IndexByte(head, 0)
	if bad < 0 && !utf8.Valid(head) {
		for i := 0; i < len(head); {
			r, n := utf8.DecodeRune(head[i:])
			if r == utf8.RuneError && n <= 1 && (len(head) == len(src) || len(head)-i >= utf8.UTFMax) {
				bad = i
				break
			}
			i += n
		}
	}
	if bad < 0 {
		return nil
	}
	line, col := 1+bytes.Count(head[:bad], []byte("\n")), 1+bad-(bytes.LastIndexByte(head[:bad], '\n')+1)
	pos := hcl.Pos{Line: line, Column: col, Byte: bad}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not a text file",
		Detail:  fmt.Sprintf("%s is not UTF-8 text (byte 0x%02x at offset %d): a scenario is an HCL text file.", name, head[bad], bad),
		Subject: &hcl.Range{Filename: name, Start: pos, End: pos}}
}

// blockHints adds to an "Unsupported argument" diagnostic a hint when the
// argument's name is close to a block type the schema has (sessions = {…}
// for the session block), and to an "Unsupported block type" one the
// closest block type (entities for entity): HCL suggests attribute names
// and exact block names only.
func blockHints(diags hcl.Diagnostics, schema *hcl.BodySchema) hcl.Diagnostics {
	if len(schema.Blocks) == 0 {
		return diags
	}
	types := make([]string, len(schema.Blocks))
	for i, b := range schema.Blocks {
		types[i] = b.Type
	}
	for _, d := range diags {
		var name string
		if d.Summary == "Unsupported block type" && !strings.Contains(d.Detail, "Did you mean") {
			// entities "u" { … } for entity: HCL suggests nothing.
			if _, err := fmt.Sscanf(d.Detail, "Blocks of type %q", &name); err == nil {
				d.Detail += suggest.DidYouMean(name, types)
			}
			continue
		}
		if d.Summary != "Unsupported argument" || strings.Contains(d.Detail, "Did you mean") ||
			!strings.HasPrefix(d.Detail, "An argument named ") {
			continue
		}
		if _, err := fmt.Sscanf(d.Detail, "An argument named %q", &name); err != nil {
			continue
		}
		if h := suggest.DidYouMean(name, types); h != "" {
			best := strings.TrimSuffix(strings.TrimPrefix(h, " Did you mean "), "?")
			d.Detail += fmt.Sprintf(" Did you mean the block %s { … }?", strings.Trim(best, `"`))
		}
	}
	return diags
}

// percentHints adds to a parse error just after a % (80%, where HCL
// reads % as the remainder operator and then finds no operand) that a
// percentage is written as a number, and to one at the = of an argument
// given by name (normal(mean = 3)) that arguments go by position.
func percentHints(diags hcl.Diagnostics, src []byte) {
	for _, d := range diags {
		if d.Summary == "Missing argument separator" && d.Subject != nil {
			// f(mean = 3): an argument given by name.
			if b := d.Subject.Start.Byte; b >= 0 && b < len(src) && src[b] == '=' {
				fn := "f"
				depth := 0
				for i := b - 1; i >= 0; i-- {
					if src[i] == ')' {
						depth++
					} else if src[i] == '(' && depth > 0 {
						depth--
					} else if src[i] == '(' {
						j := i
						for j > 0 && (src[j-1] == '_' || src[j-1] >= 'a' && src[j-1] <= 'z' || src[j-1] >= '0' && src[j-1] <= '9') {
							j--
						}
						if j < i {
							fn = string(src[j:i])
						}
						break
					}
				}
				d.Detail += fmt.Sprintf(" Arguments are given by position, not by name: %s(…) takes its arguments in order (scen docs reference lists them).", fn)
			}
			continue
		}
		if d.Summary != "Invalid expression" || d.Subject == nil {
			continue
		}
		i := d.Subject.Start.Byte - 1
		for i >= 0 && i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i--
		}
		if i < 0 || i >= len(src) || src[i] != '%' {
			continue
		}
		k := i
		for k > 0 && (src[k-1] == ' ' || src[k-1] == '\t') {
			k--
		}
		j := k
		for j > 0 && (src[j-1] == '.' || (src[j-1] >= '0' && src[j-1] <= '9')) {
			j--
		}
		pct, frac := "80%", "0.8"
		if f, err := strconv.ParseFloat(string(src[j:k]), 64); err == nil {
			pct, frac = string(src[j:k])+"%", strconv.FormatFloat(f/100, 'g', -1, 64)
		}
		d.Detail += fmt.Sprintf(" There are no percent literals: write %s as %s (weights, as in weighted, need not sum to 1).", pct, frac)
	}
}

// MissingAtHeader points each "Missing required argument" of diags that
// HCL reports at the opening brace of b's body, or of a block nested in
// it, at that block's header instead (sink "out", state "a"), and names
// the block in its detail. It returns diags.
func MissingAtHeader(diags hcl.Diagnostics, b *hcl.Block) hcl.Diagnostics {
	type header struct {
		rng  hcl.Range
		name string
	}
	at := map[hcl.Pos]header{}
	var walk func(kind string, labels []string, def hcl.Range, body hcl.Body)
	walk = func(kind string, labels []string, def hcl.Range, body hcl.Body) {
		name := kind
		for _, l := range labels {
			name += fmt.Sprintf(" %q", l)
		}
		at[body.MissingItemRange().Start] = header{def, name}
		if sb, ok := body.(*hclsyntax.Body); ok {
			for _, nb := range sb.Blocks {
				walk(nb.Type, nb.Labels, nb.DefRange(), nb.Body)
			}
		}
	}
	walk(b.Type, b.Labels, b.DefRange, b.Body)
	for _, d := range diags {
		if d.Summary != "Missing required argument" || d.Subject == nil {
			continue
		}
		h, ok := at[d.Subject.Start]
		if !ok || d.Subject.Filename != h.rng.Filename {
			continue
		}
		var arg string
		if _, err := fmt.Sscanf(d.Detail, "The argument %q is required", &arg); err == nil {
			d.Detail = fmt.Sprintf("%s has no %s = …, which it requires.", h.name, arg)
		}
		d.Subject = h.rng.Ptr()
	}
	return diags
}

// bodyContent is body.Content with blockHints.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	c, diags := body.Content(schema)
	return c, blockHints(diags, schema)
}

// aKind is "A flow", "An entity": a block kind with its article.
func aKind(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "An " + kind
	}
	return "A " + kind
}
