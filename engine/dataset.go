package engine

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// DatasetPlan is a reference table loaded at compile time. Its rows are
// immutable objects shared by every worker.
type DatasetPlan struct {
	Name string
	Path string // the file read (joined to the declaring file's directory)
	// Given is the path as the scenario gives it, variables substituted.
	Given   string
	Columns []string
	Types   []Kind
	// textNotes: per column (nil, or "" for a column), why a string
	// column most of whose cells are numbers is text (data.Table's
	// TextNotes), for textColumnHint.
	textNotes []string
	rows      Value            // list of row objects
	cols      map[string]Value // the columns referenced so far (see column)
	table     *stdlib.Table    // the loaded rows (a filtered dataset's are a subset of its source's)
}

// column is dataset.NAME.COLUMN's list of values, built when first
// referenced (only referenced columns cost memory).
func (d *DatasetPlan) column(name string) (Value, bool) {
	if v, ok := d.cols[name]; ok {
		return v, true
	}
	j := slices.Index(d.Columns, name)
	if j < 0 {
		return Value{}, false
	}
	var v Value
	if d.table != nil {
		v = stdlib.ListV(d.table.Column(j))
	} else {
		vals := make([]Value, len(d.rows.List()))
		for i, r := range d.rows.List() {
			vals[i] = r.Obj().Vals[j]
		}
		v = stdlib.ListV(vals)
	}
	if d.cols == nil {
		d.cols = map[string]Value{}
	}
	d.cols[name] = v
	return v, true
}

// Rows is the number of rows.
func (d *DatasetPlan) Rows() int { return len(d.rows.List()) }

func (c *compiler) datasets() {
	byName := map[string]*DatasetPlan{}
	// A filtered dataset is built after its source, wherever either is
	// declared (files of a directory load in name order); what is left
	// when nothing more can be built refers to an unknown dataset or to
	// a cycle, and is reported by filterDataset.
	// A filter's where may use other datasets (contains(dataset.allow.id,
	// row.id)): they are built before it too.
	order := make([]*dsl.Dataset, 0, len(c.sc.Datasets))
	placed := map[*dsl.Dataset]bool{}
	known := map[string]bool{}
	ready := func(d *dsl.Dataset) bool {
		if d.HasPath() {
			return true
		}
		if src := datasetSource(d); src != "" && !known[src] {
			return false
		}
		for _, n := range whereDatasets(d) {
			if !known[n] && c.declaredDataset(n) {
				return false
			}
		}
		return true
	}
	for progress := true; progress; {
		progress = false
		for _, d := range c.sc.Datasets {
			if placed[d] || !ready(d) {
				continue
			}
			placed[d], known[d.Name], progress = true, true, true
			order = append(order, d)
		}
	}
	for _, d := range c.sc.Datasets {
		if !placed[d] {
			order = append(order, d)
		}
	}
	c.datasetsByName = byName // those built so far, for the filters' where
	for _, d := range order {
		c.enter(moduleOf(d.Name))
		var dp *DatasetPlan
		if d.HasPath() {
			dp = c.loadDataset(d)
		} else {
			dp = c.filterDataset(d, byName)
		}
		if dp == nil {
			c.badDatasets[d.Name] = true // reported: its uses are not
			continue
		}
		byName[d.Name] = dp
		c.plan.Datasets = append(c.plan.Datasets, dp)
	}
}

// datasetPath is d's path as given: written out, or built from var.*
// (path = var.input, "${var.dir}/x.csv"), evaluated now.
func (c *compiler) datasetPath(d *dsl.Dataset) (string, bool) {
	if d.PathExpr == nil {
		return d.Path, true
	}
	for _, t := range d.PathExpr.Variables() {
		if len(t) > 1 {
			a, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			if c.badVars[a.Name] {
				return "", false // reported at the variable
			}
			if _, ok := c.vars[a.Name]; !ok {
				c.err(t.SourceRange().Ptr(), "Unknown variable", "There is no variable %q.%s", a.Name, suggest(a.Name, keys(c.vars)))
				return "", false
			}
		}
	}
	v, diags := d.PathExpr.Value(c.varContext())
	if diags.HasErrors() {
		c.err(d.PathRange.Ptr(), "Invalid dataset path", "%s", diags[0].Detail)
		return "", false
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String || v.AsString() == "" {
		got := "null"
		if !v.IsNull() && v.IsKnown() {
			got = "a " + v.Type().FriendlyName()
			if v.Type() == cty.String {
				got = "an empty string"
			}
		}
		c.err(d.PathRange.Ptr(), "Invalid dataset path", "The dataset path must be a file name, a non-empty string; the variables make it %s.", got)
		return "", false
	}
	return v.AsString(), true
}

// declaredDataset reports whether a dataset NAME is declared.
func (c *compiler) declaredDataset(name string) bool {
	for _, d := range c.sc.Datasets {
		if d.Name == name {
			return true
		}
	}
	return false
}

// whereDatasets are the NAMEs of the dataset.NAME a filter's where uses.
func whereDatasets(d *dsl.Dataset) []string {
	if d.Where == nil {
		return nil
	}
	var out []string
	for _, t := range d.Where.Variables() {
		if t.RootName() != "dataset" || len(t) < 2 {
			continue
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			out = append(out, a.Name)
		}
	}
	return out
}

func (c *compiler) loadDataset(d *dsl.Dataset) *DatasetPlan {
	given, ok := c.datasetPath(d)
	if !ok {
		return nil
	}
	path := given
	if !filepath.IsAbs(path) {
		path = filepath.Join(d.Dir, path)
	}
	t, err := data.LoadIn(path, c.plan.Loc)
	if err != nil {
		c.err(d.PathRange.Ptr(), "Cannot load dataset", "%s%s", err, missingFileHint(given, path))
		return nil
	}
	dp := &DatasetPlan{Name: d.Name, Path: path, Given: given, Columns: t.Columns, Types: t.Types, textNotes: t.TextNotes}
	// stdlib.Table lays rows out contiguously and keeps each column as
	// its own array, so sampling rows and reading a column of them touch
	// little memory.
	if t.Arenas != nil {
		// A CSV file's strings already sit in one arena per column.
		dp.table = stdlib.NewTableIn(t.Columns, t.Rows, t.Arenas)
	} else {
		dp.table = stdlib.NewTable(t.Columns, t.Rows)
	}
	rows := dp.table.Rows()
	dp.rows = stdlib.ListV(rows)
	return dp
}

// datasetSource is the NAME of from = dataset.NAME ("" when malformed).
func datasetSource(d *dsl.Dataset) string {
	if d.From == nil {
		return ""
	}
	t, diags := hcl.AbsTraversalForExpr(d.From)
	if diags.HasErrors() || len(t) != 2 || t.RootName() != "dataset" {
		return ""
	}
	return t[1].(hcl.TraverseAttr).Name
}

// filterDataset evaluates `where` (over row.COLUMN) once per row of the
// source dataset, at compile time.
func (c *compiler) filterDataset(d *dsl.Dataset, byName map[string]*DatasetPlan) *DatasetPlan {
	t, diags := hcl.AbsTraversalForExpr(d.From)
	name, named := secondName(t)
	if diags.HasErrors() || !named || t.RootName() != "dataset" {
		c.err(d.From.Range().Ptr(), "Invalid from", "from names another dataset: from = dataset.NAME.")
		return nil
	}
	src, ok := byName[name]
	if !ok && c.badDatasets[name] {
		c.quiet(t[1].SourceRange())
		return nil
	}
	if !ok {
		c.err(t[1].SourceRange().Ptr(), "Unknown dataset", "There is no dataset %q (or it is filtered from this one, a cycle).%s", name, suggest(name, keys(byName)))
		return nil
	}
	pseudo := &EntityPlan{Name: "row", AttrNames: src.Columns, attrIdx: map[string]int{}, attrTypes: src.Types}
	for i, col := range src.Columns {
		pseudo.attrIdx[col] = i
	}
	n := len(c.diags)
	where := c.typed(&scope{c: c, where: "a dataset filter", entity: pseudo, rowsOf: src, filtering: d.Name}, d.Where, "where", stdlib.Bool)
	if c.errorsSince(n) {
		return nil
	}
	if where.random {
		// It is applied once per row while compiling: there is no
		// actor's random stream to draw from.
		c.err(d.Where.Range().Ptr(), "Value not known in advance",
			"where draws a random value, which is not known when a dataset filter is decided; only row.COLUMN, constants, variables, other datasets and pure functions can be used here.")
		return nil
	}
	env := &Env{tf: c.tf}
	var rows []Value
	for i, r := range src.rows.List() {
		env.Attrs = r.Obj().Vals
		if where.eval(env).Truthy() {
			rows = append(rows, r)
		}
		if f := env.fault; f != nil {
			// The row's number in its file (a filtered source's rows are
			// some of its file's), counting from 1 after any header.
			row := i + 1
			if t, j := stdlib.TableOf(r); t != nil {
				row = j + 1
			}
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: f.Summary, Subject: f.Subject.Ptr(),
				Detail: fmt.Sprintf("%s\nWhile filtering dataset %q: row %d of %s.", f.Detail, d.Name, row, src.Path)})
			return nil
		}
	}
	if len(rows) == 0 {
		c.err(d.Where.Range().Ptr(), "Empty dataset", "No row of dataset %q satisfies this filter.", name)
		return nil
	}
	return &DatasetPlan{Name: d.Name, Path: src.Path, Columns: src.Columns, Types: src.Types, textNotes: src.textNotes, rows: stdlib.ListV(rows)}
}

// textColumnHint is the hint for e, a string where a number is wanted,
// when e reads by name (.NAME or ["NAME"]) a dataset column that is text
// although most of its cells are numbers: the note names the file, the
// line and the cell that made the column text, the likely mistake
// (` Column "decimals" of c.csv is text because line 3 holds "zero".`).
// The names are matched in e's text, as untypedVarHint matches variables:
// a string's kind is known here, not where its value was read. "" when e
// reads no such column.
func (c *compiler) textColumnHint(e hcl.Expression) string {
	var noted []*DatasetPlan
	for _, dp := range c.plan.Datasets {
		if dp.textNotes != nil {
			noted = append(noted, dp)
		}
	}
	n, ok := e.(hclsyntax.Node)
	if len(noted) == 0 || !ok {
		return ""
	}
	names := map[string]bool{}
	steps := func(t hcl.Traversal) {
		for _, st := range t {
			switch st := st.(type) {
			case hcl.TraverseAttr:
				names[st.Name] = true
			case hcl.TraverseIndex:
				if st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull() {
					names[st.Key.AsString()] = true
				}
			}
		}
	}
	hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			steps(x.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			steps(x.Traversal)
		case *hclsyntax.IndexExpr:
			if len(x.Key.Variables()) == 0 {
				if v, d := x.Key.Value(nil); !d.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
					names[v.AsString()] = true
				}
			}
		}
		return nil
	})
	var notes []string
	for _, dp := range noted {
		for j, note := range dp.textNotes {
			if note != "" && names[dp.Columns[j]] && !slices.Contains(notes, note) {
				notes = append(notes, note) // (a filtered dataset has its source's notes)
			}
		}
	}
	hint := ""
	for _, note := range notes {
		hint += " " + strings.ToUpper(note[:1]) + note[1:] + "."
	}
	return hint
}

// datasetRef compiles dataset.NAME (the rows) and dataset.NAME.COLUMN (the
// column's values, one per row).
func (s *scope) datasetRef(name string, nameR hcl.Range, t hcl.Traversal, whole hcl.Range) *cexpr {
	dp, ok := s.c.datasetsByName[name]
	if !ok && s.c.badDatasets[name] {
		return s.c.quiet(whole)
	}
	if !ok && s.filtering == name {
		return s.errf(nameR, "Dataset not available", "Dataset %q cannot be used in its own where filter.", name)
	}
	if !ok && s.filtering != "" && s.c.declaredDataset(name) {
		return s.errf(nameR, "Dataset not available", "Dataset %q cannot be used in the where filter of dataset %q: it is built from %q, directly or not (a cycle).", name, s.filtering, s.filtering)
	}
	if !ok {
		return s.errf(nameR, "Unknown dataset", "There is no dataset %q.%s", name, suggest(name, keys(s.c.datasetsByName)))
	}
	if len(t) == 0 {
		c := konst(dp.rows, whole)
		c.elems = &rowShape{keys: dp.Columns, kinds: dp.Types, owner: dp.Name, dataset: true}
		return c
	}
	// dataset.d.COLUMN, or dataset.d["COLUMN"] for a name that is not an
	// identifier ("user-id").
	var colName string
	var colR hcl.Range
	switch st := t[0].(type) {
	case hcl.TraverseAttr:
		colName, colR = st.Name, st.SrcRange
	case hcl.TraverseIndex:
		if st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull() {
			colName, colR = st.Key.AsString(), st.SrcRange
		}
	}
	if st, ok := t[0].(hcl.TraverseIndex); ok && colName == "" && st.Key.Type() == cty.Number && st.Key.IsKnown() && !st.Key.IsNull() {
		// dataset.d[0]: one row, as dataset.d[index] is.
		n := len(dp.rows.List())
		i, acc := st.Key.AsBigFloat().Int64()
		if acc != big.Exact || i < 0 || i >= int64(n) {
			has := "no rows"
			if n > 0 {
				has = fmt.Sprintf("%d rows, numbered 0 to %d", n, n-1)
			}
			return s.errf(st.SrcRange, "Invalid index", "Dataset %q has %s; got %s.", name, has, st.Key.AsBigFloat().Text('g', -1))
		}
		c := konst(dp.rows, whole)
		c.elems = &rowShape{keys: dp.Columns, kinds: dp.Types, owner: dp.Name, dataset: true}
		return s.steps(c, t, whole)
	}
	if colName == "" {
		return s.errf(t[0].SourceRange(), "Invalid reference", "Use dataset.%s.COLUMN (dataset.%s[\"COLUMN\"] for a name such as user-id), or pass dataset.%s to a function such as choice, lookup or sample_rows.", name, name, name)
	}
	col, ok := dp.column(colName)
	if !ok {
		return s.errf(colR, "Unknown column", "Dataset %q has no column %q (columns: %s).%s", name, colName, strings.Join(dp.Columns, ", "), suggest(colName, dp.Columns))
	}
	if len(t) > 1 {
		return s.steps(konst(col, whole), t[1:], whole)
	}
	return konst(col, whole)
}

// missingFileHint, for a data file that does not exist, suggests the file
// of its directory with the closest name, written as the scenario wrote
// the path (rel), and says what a relative path is relative to.
func missingFileHint(rel, path string) string {
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return ""
	}
	hint := ""
	if !filepath.IsAbs(rel) {
		hint = " (a relative path is relative to the directory of the file that declares the dataset)"
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return hint + "."
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if s := nameSuggestion(filepath.Base(path), names); s != "" {
		return fmt.Sprintf("%s. Did you mean %q?", hint, filepath.ToSlash(filepath.Join(filepath.Dir(rel), s)))
	}
	return hint + "."
}
