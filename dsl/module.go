package dsl

import (
	"fmt"
	"github.com/scenhq/scen/internal/suggest"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/stdlib/modules"
)

// Module is one instance of a module block: the definitions of another
// file or directory, loaded under the block's name. Its distributions,
// datasets, entities, flows, experiments and constraints are decoded into
// the scenario's lists, where they sit at the module block's position and
// carry qualified names ("web.hour_of_day", "web.segments.demographic" for
// a module inside module web); expressions inside the module were
// rewritten to those names, so the engine resolves them like any other.
type Module struct {
	// Name is qualified like the module's definitions: "web", "web.segments".
	Name        string
	Source      string // as written: "./lib/web.hcl", "stdlib/profiles/web"
	SourceRange hcl.Range
	Files       []string // the files read, as named in ranges
	// Inputs are the block's attributes besides source, in source order;
	// Variables are the module's variable blocks (names not qualified). The
	// engine evaluates an input, or else the variable's default, as the
	// value of var.NAME inside this instance.
	Inputs    []*Attr
	Variables []*Variable
	// VarRefs are the module's uses of its variables (var.NAME in its
	// files, and in the inputs of the modules it includes), in source
	// order: the engine follows them to say which module input an error
	// inside the module comes from.
	VarRefs   []VarRef
	DeclRange hcl.Range
	NameRange hcl.Range
}

// VarRef is a use of a module's variable: var.NAME (Name not qualified),
// Range the whole reference (var.amounts[0]).
type VarRef struct {
	Name  string
	Range hcl.Range
}

// StdlibFilePrefix starts the name of every file of the embedded standard
// library as it appears in ranges, diagnostics and Scenario.Files:
// "stdlib:profiles/web.hcl".
const StdlibFilePrefix = "stdlib:"

// StdlibFile returns the library path of an embedded module file name
// ("profiles/web.hcl" for "stdlib:profiles/web.hcl").
func StdlibFile(name string) (string, bool) {
	return strings.CutPrefix(name, StdlibFilePrefix)
}

// maxModuleInstances bounds modules that include modules several times
// each, whose instances multiply with the depth.
const maxModuleInstances = 1000

// reservedModuleNames are the roots expressions already give a meaning.
var reservedModuleNames = []string{"var", "scenario", "index", "ctx", "session", "event", "state", "memory",
	"distribution", "dataset", "entity", "flow", "experiment", "actor", "module", "row"}

// refKinds are the roots of references to named definitions (KIND.NAME).
var refKinds = map[string]bool{"distribution": true, "dataset": true, "entity": true, "flow": true, "experiment": true}

// loader decodes a scenario and, recursively, its modules.
type loader struct {
	sc        *Scenario
	files     Files             // where local modules are read from
	cache     map[string][]byte // module file contents by file name
	instances int
}

// unit is one namespace: the scenario itself or a module instance.
type unit struct {
	mod    *Module // nil for the scenario
	prefix string  // prepended to every name declared here: "" or "web."
	id     string  // the unit's files, for cycle detection
	label  string  // the scenario path or the module's resolved source
	parent *unit
	names  map[string]map[string]hcl.Range // block type → name → declaration
	mods   map[string]*unit                // submodules by local name
}

func newUnit(mod *Module, prefix string, files []string, label string, parent *unit) *unit {
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = f
		if _, ok := StdlibFile(f); !ok {
			if abs, err := filepath.Abs(f); err == nil {
				ids[i] = abs
			}
		}
	}
	sort.Strings(ids)
	return &unit{mod: mod, prefix: prefix, id: strings.Join(ids, "\x00"), label: label, parent: parent,
		names: map[string]map[string]hcl.Range{}, mods: map[string]*unit{}}
}

// what names the unit in messages.
func (u *unit) what() string {
	if u.mod == nil {
		return "the scenario"
	}
	return fmt.Sprintf("module %q (%s)", u.mod.Name, u.mod.Source)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// moduleBlock decodes a module block and loads the module it names. The
// returned unit and fragment are nil when the module could not be loaded.
func (l *loader) moduleBlock(u *unit, b *hcl.Block, declFile string) (*Module, *unit, *Scenario, hcl.Diagnostics) {
	m := &Module{Name: u.prefix + b.Labels[0], DeclRange: b.DefRange, NameRange: b.LabelRanges[0]}
	attrs, diags := b.Body.JustAttributes()
	src, ok := attrs["source"]
	if !ok {
		// sorce = "./lib.hcl": the misspelt attribute, not the block.
		for _, name := range sortedNames(attrs) {
			if h := suggest.DidYouMean(name, []string{"source"}); h != "" {
				return m, nil, nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing module source",
					Detail:  fmt.Sprintf("A module block needs source; it has %s.%s", name, h),
					Subject: attrs[name].NameRange.Ptr()})
			}
		}
		return m, nil, nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing module source",
			Detail:  `A module block needs source = "./PATH" (a file or directory, relative to this file) or source = "stdlib/NAME" (a piece of the standard library, see docs/modules.md).`,
			Subject: b.DefRange.Ptr()})
	}
	for name, a := range attrs {
		if name != "source" {
			m.Inputs = append(m.Inputs, &Attr{Name: name, Expr: a.Expr, NameRange: a.NameRange, Range: a.Range})
		}
	}
	sort.Slice(m.Inputs, func(i, j int) bool { return m.Inputs[i].Range.Start.Byte < m.Inputs[j].Range.Start.Byte })
	s, ds := constString(src.Expr, "module source")
	m.Source, m.SourceRange = s, src.Expr.Range()
	if diags = append(diags, ds...); ds.HasErrors() {
		return m, nil, nil, diags
	}
	files, label, ds := l.resolveSource(declFile, s, m.SourceRange)
	if diags = append(diags, ds...); ds.HasErrors() {
		return m, nil, nil, diags
	}
	m.Files = files
	child := newUnit(m, m.Name+".", files, label, u)
	for p := u; p != nil; p = p.parent {
		if p.id != child.id {
			continue
		}
		var chain []string
		for q := u; q != nil; q = q.parent {
			chain = append([]string{q.label}, chain...)
		}
		return m, nil, nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Module cycle",
			Detail: fmt.Sprintf("%s includes itself: %s → %s. A module cannot include, directly or through other modules, the files that include it.",
				label, strings.Join(chain, " → "), label),
			Subject: m.SourceRange.Ptr()})
	}
	if l.instances++; l.instances > maxModuleInstances {
		return m, nil, nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Too many module instances",
			Detail:  fmt.Sprintf("The scenario includes more than %d module instances (modules that include modules several times multiply).", maxModuleInstances),
			Subject: m.SourceRange.Ptr()})
	}
	srcs := make(map[string][]byte, len(files))
	for _, f := range files {
		data, err := l.read(f)
		if err != nil {
			return m, nil, nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read module file",
				Detail: err.Error(), Subject: m.SourceRange.Ptr()})
		}
		srcs[f] = data
	}
	frag := &Scenario{}
	uds := l.decodeUnit(child, frag, files, srcs)
	diags = append(diags, uds...)
	if !uds.HasErrors() {
		// A module that does not decode may be missing the variables its
		// inputs name: its own errors say what is wrong.
		diags = append(diags, checkInputs(m, b)...)
	}
	return m, child, frag, diags
}

// checkInputs matches a module block's inputs with the module's variables.
func checkInputs(m *Module, b *hcl.Block) hcl.Diagnostics {
	var diags hcl.Diagnostics
	declared := map[string]*Variable{}
	for _, v := range m.Variables {
		declared[v.Name] = v
		if v.Name == "source" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Reserved variable name",
				Detail:  "A module's variable cannot be called source: the module block's source attribute names the module. Rename the variable.",
				Subject: v.NameRange.Ptr()})
		}
	}
	given := map[string]bool{}
	for _, in := range m.Inputs {
		given[in.Name] = true
		if declared[in.Name] != nil {
			continue
		}
		list := "it has no inputs"
		if len(declared) > 0 {
			list = "its inputs are " + strings.Join(sortedNames(declared), ", ")
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown module input",
			Detail: fmt.Sprintf("Module %q (%s) declares no variable %q; %s.%s",
				m.Name, m.Source, in.Name, list, suggest.DidYouMean(in.Name, sortedNames(declared))),
			Subject: in.NameRange.Ptr()})
	}
	for _, v := range m.Variables {
		if v.Default == nil && !given[v.Name] && v.Name != "source" {
			detail := fmt.Sprintf("Module %q (%s) needs a value for its variable %q, which has no default (declared at %s): add %s = … to the module block.",
				m.Name, m.Source, v.Name, posString(v.DeclRange), v.Name)
			if v.Description != "" {
				detail += fmt.Sprintf(" It is the %s.", v.Description)
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing module input",
				Detail: detail, Subject: b.DefRange.Ptr()})
		}
	}
	return diags
}

// checkModuleName keeps a module's name from clashing with a root that
// expressions already use, or with a definition it would shadow in
// KIND.NAME.… references.
func checkModuleName(u *unit, b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	for _, r := range reservedModuleNames {
		if name == r {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reserved module name",
				Detail:  fmt.Sprintf("%q already means something in expressions (%s); choose another module name.", name, strings.Join(reservedModuleNames, ", ")),
				Subject: b.LabelRanges[0].Ptr()}}
		}
	}
	for _, kind := range []string{"distribution", "dataset", "entity", "flow", "experiment"} {
		if prev, ok := u.names[kind][name]; ok {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Module name clashes",
				Detail:  fmt.Sprintf("%s named %q is declared at %s, so %s.%s.… would be ambiguous; rename the module or the %s.", aKind(kind), name, posString(prev), kind, name, kind),
				Subject: b.LabelRanges[0].Ptr()}}
		}
	}
	return nil
}

// resolveSource finds a module's files. Local sources start with ./ or ../
// (or are absolute) and are relative to the declaring file; "stdlib/NAME"
// is the embedded library; inside the library, local sources stay in it.
func (l *loader) resolveSource(declFile, src string, r hcl.Range) ([]string, string, hcl.Diagnostics) {
	fail := func(summary, format string, a ...any) ([]string, string, hcl.Diagnostics) {
		return nil, "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, a...), Subject: r.Ptr()}}
	}
	local := src == "." || src == ".." || strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || filepath.IsAbs(src)
	switch {
	case strings.HasPrefix(src, "stdlib/"):
		rel := path.Clean(strings.TrimPrefix(src, "stdlib/"))
		if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
			return fail("Invalid module source", "%q is not a standard library module; the library has %s.", src, strings.Join(modules.Names(), ", "))
		}
		return l.embedded(rel, src, fail)
	case local:
		if lib, ok := StdlibFile(declFile); ok {
			rel := path.Clean(path.Join(path.Dir(lib), src))
			if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || path.IsAbs(src) {
				return fail("Invalid module source", "%q leaves the standard library; a library module includes only library modules.", src)
			}
			return l.embedded(rel, src, fail)
		}
	default:
		hint := ""
		if _, err := l.files.Stat(filepath.Join(filepath.Dir(declFile), src)); err == nil {
			hint = fmt.Sprintf(" Did you mean %q?", "./"+src)
		}
		return fail("Invalid module source",
			"Write \"./%s\" for a file or directory relative to this file, or \"stdlib/NAME\" for a piece of the standard library (%s).%s",
			src, strings.Join(modules.Names(), ", "), hint)
	}
	p := src
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(declFile), src)
	}
	st, err := l.files.Stat(p)
	if err != nil {
		return fail("Module source not found", "%s does not exist (a local source is relative to the directory of %s).", p, declFile)
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() {
			return fail("Invalid module source", "%s is neither a regular file nor a directory.", p)
		}
		return []string{p}, p, nil
	}
	entries, err := l.files.ReadDir(p)
	if err != nil {
		return fail("Cannot read module directory", "%s.", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			files = append(files, filepath.Join(p, e.Name()))
		}
	}
	if len(files) == 0 {
		return fail("Empty module directory", "%s contains no .hcl files.", p)
	}
	return files, p, nil
}

// embedded resolves a library path: NAME.hcl, or the .hcl files of NAME/.
func (l *loader) embedded(rel, src string, fail func(string, string, ...any) ([]string, string, hcl.Diagnostics)) ([]string, string, hcl.Diagnostics) {
	lib := modules.FS()
	for _, p := range []string{rel + ".hcl", rel} {
		st, err := fs.Stat(lib, p)
		if err != nil {
			continue
		}
		if !st.IsDir() {
			if path.Ext(p) != ".hcl" {
				continue
			}
			return []string{StdlibFilePrefix + p}, "stdlib/" + strings.TrimSuffix(p, ".hcl"), nil
		}
		entries, err := fs.ReadDir(lib, p)
		if err != nil {
			continue
		}
		var files []string
		for _, e := range entries {
			if !e.IsDir() && path.Ext(e.Name()) == ".hcl" {
				files = append(files, StdlibFilePrefix+path.Join(p, e.Name()))
			}
		}
		if len(files) > 0 {
			return files, "stdlib/" + p, nil
		}
	}
	names := modules.Names()
	return fail("Unknown standard library module", "%q is not in the standard library, which has %s.%s",
		src, strings.Join(names, ", "), suggest.DidYouMean(strings.TrimSuffix(rel, ".hcl"), names))
}

// read returns a module file's bytes, read once per scenario.
func (l *loader) read(name string) ([]byte, error) {
	if b, ok := l.cache[name]; ok {
		return b, nil
	}
	var b []byte
	var err error
	if lib, ok := StdlibFile(name); ok {
		b, err = fs.ReadFile(modules.FS(), lib)
	} else {
		b, err = l.files.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	if l.cache == nil {
		l.cache = map[string][]byte{}
	}
	l.cache[name] = b
	return b, nil
}

// qualify rewrites the references of one of u's files to qualified names:
// inside a module, its own definitions (distribution.x → "web.x"), its
// variables (var.n → "web.n") and its entities as attribute roots
// (user.id → "web.user".id); anywhere, definitions of included modules
// (distribution.web.x → "web.x", web.user.id → "web.user".id). Unknown
// names inside a module are reported here, since the engine would look
// for them in the scenario.
func qualify(u *unit, body hcl.Body) hcl.Diagnostics {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var diags hcl.Diagnostics
	// A for expression's variables are its own names, not the module's
	// (the engine reports one that hides a name).
	bound := map[*hclsyntax.ScopeTraversalExpr]bool{}
	hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
		f, ok := n.(*hclsyntax.ForExpr)
		if !ok {
			return nil
		}
		for _, e := range []hclsyntax.Expression{f.KeyExpr, f.ValExpr, f.CondExpr} {
			if e == nil {
				continue
			}
			hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
				if x, ok := n.(*hclsyntax.ScopeTraversalExpr); ok && (x.Traversal.RootName() == f.ValVar || (f.KeyVar != "" && x.Traversal.RootName() == f.KeyVar)) {
					bound[x] = true
				}
				return nil
			})
		}
		return nil
	})
	hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
		if x, ok := n.(*hclsyntax.ScopeTraversalExpr); ok && !bound[x] {
			t, ds := u.qualify(x.Traversal)
			diags = append(diags, ds...)
			x.Traversal = t
		}
		return nil
	})
	return diags
}

func (u *unit) qualify(t hcl.Traversal) (hcl.Traversal, hcl.Diagnostics) {
	if len(t) < 2 {
		return t, nil
	}
	attr := func(i int) (hcl.TraverseAttr, bool) {
		if i >= len(t) {
			return hcl.TraverseAttr{}, false
		}
		a, ok := t[i].(hcl.TraverseAttr)
		return a, ok
	}
	errAt := func(r hcl.Range, summary, format string, a ...any) (hcl.Traversal, hcl.Diagnostics) {
		return t, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, a...), Subject: r.Ptr()}}
	}
	root := t.RootName()
	switch {
	case refKinds[root]:
		cur := u
		for i := 1; ; i++ {
			a, ok := attr(i)
			if !ok {
				return t, nil // entity[0] and the like: the engine explains
			}
			if sub := cur.mods[a.Name]; sub != nil {
				if _, ok := attr(i + 1); !ok {
					written := written(t, i)
					return errAt(hcl.RangeBetween(t[0].SourceRange(), a.SrcRange), "Incomplete reference",
						"%s names a module; refer to one of its %ss as %s.NAME (%s).", written, root, written,
						strings.Join(sortedNames(sub.names[root]), ", "))
				}
				cur = sub
				continue
			}
			if cur.mod == nil {
				return t, nil // the scenario's own name: the engine resolves it
			}
			if _, ok := cur.names[root][a.Name]; !ok {
				have := sortedNames(cur.names[root])
				if cur == u {
					return errAt(a.SrcRange, "Unknown "+root, "This module declares no %s %q; a module sees only its own definitions, its modules' and its variables.%s",
						root, a.Name, suggest.DidYouMean(a.Name, have))
				}
				return errAt(a.SrcRange, "Unknown "+root, "%s declares no %s %q; %s.%s",
					cur.what(), root, a.Name, listOf(root, have), suggest.DidYouMean(a.Name, have))
			}
			out := hcl.Traversal{t[0], hcl.TraverseAttr{Name: cur.prefix + a.Name, SrcRange: hcl.RangeBetween(t[1].SourceRange(), a.SrcRange)}}
			return append(out, t[i+1:]...), nil
		}
	case root == "var" && u.mod != nil:
		a, ok := attr(1)
		if !ok {
			return t, nil
		}
		if _, ok := u.names["variable"][a.Name]; !ok {
			return errAt(a.SrcRange, "Unknown variable", "This module declares no variable %q; a module sees only its own variables (the including scenario passes values as inputs of the module block).%s",
				a.Name, suggest.DidYouMean(a.Name, sortedNames(u.names["variable"])))
		}
		u.mod.VarRefs = append(u.mod.VarRefs, VarRef{Name: a.Name, Range: t.SourceRange()})
		out := hcl.Traversal{t[0], hcl.TraverseAttr{Name: u.prefix + a.Name, SrcRange: a.SrcRange}}
		return append(out, t[2:]...), nil
	case u.mod != nil && hasName(u.names["entity"], root):
		out := hcl.Traversal{hcl.TraverseRoot{Name: u.prefix + root, SrcRange: t[0].SourceRange()}}
		return append(out, t[1:]...), nil
	case u.mods[root] != nil:
		cur := u.mods[root]
		for i := 1; ; i++ {
			a, ok := attr(i)
			if !ok {
				return errAt(t.SourceRange(), "Invalid reference", "Refer to an attribute of a module's entity as MODULE.ENTITY.ATTRIBUTE, e.g. %s.%s.NAME.",
					root, firstOr(sortedNames(cur.names["entity"]), "ENTITY"))
			}
			if sub := cur.mods[a.Name]; sub != nil {
				cur = sub
				continue
			}
			if _, ok := cur.names["entity"][a.Name]; !ok {
				have := sortedNames(cur.names["entity"])
				return errAt(a.SrcRange, "Unknown entity", "%s declares no entity %q; %s.%s", cur.what(), a.Name, listOf("entity", have), suggest.DidYouMean(a.Name, have))
			}
			if _, ok := attr(i + 1); !ok {
				return errAt(t.SourceRange(), "Invalid reference", "Refer to an attribute of %s as %s.NAME; to its actors as a table as entity.%s.",
					written(t, i), written(t, i), written(t, i))
			}
			out := hcl.Traversal{hcl.TraverseRoot{Name: cur.prefix + a.Name, SrcRange: hcl.RangeBetween(t[0].SourceRange(), a.SrcRange)}}
			return append(out, t[i+1:]...), nil
		}
	}
	return t, nil
}

// listOf says which names of a kind a module has.
func listOf(kind string, names []string) string {
	switch len(names) {
	case 0:
		return fmt.Sprintf("it has no %s", kind)
	case 1:
		return fmt.Sprintf("its only %s is %s", kind, names[0])
	}
	return fmt.Sprintf("it has %s", strings.Join(names, ", "))
}

// written is the reference's first steps as the author wrote them.
func written(t hcl.Traversal, last int) string {
	parts := []string{t.RootName()}
	for _, s := range t[1 : last+1] {
		if a, ok := s.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}

func hasName(m map[string]hcl.Range, name string) bool {
	_, ok := m[name]
	return ok
}

func firstOr(l []string, def string) string {
	if len(l) > 0 {
		return l[0]
	}
	return def
}

// moduleOnlyBlock reports a block a module may not declare.
func moduleOnlyBlock(u *unit, b *hcl.Block) *hcl.Diagnostic {
	if b.Type == "scenario" {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Scenario block in a module",
			Detail: fmt.Sprintf("%s is included as a module, and the including scenario sets the seed, time zone and window; "+
				"remove the scenario block, or run this file as a scenario of its own instead of including it.", u.label),
			Subject: b.DefRange.Ptr()}
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Sink in a module",
		Detail: "Sinks belong to the scenario: a module's flows emit to streams (stream names are shared with the scenario), " +
			"and the including scenario declares the sinks that write them. Move this sink into the scenario.",
		Subject: b.DefRange.Ptr()}
}
