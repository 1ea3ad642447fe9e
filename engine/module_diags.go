package engine

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
)

// modIndex places errors inside modules: a diagnostic whose subject lies
// in a module's file, in an expression that uses the module's inputs
// (var.NAME given by the module block), is moved to the input that gave
// the value, the outermost one when modules pass it on, and says where
// the module used it; one that does not depend on an input stays in the
// module and names the module block. It is built once per compile and
// consulted only when an error is reported.
type modIndex struct {
	byName map[string]*dsl.Module
	byFile map[string][]*dsl.Module // the instances whose files include the file
	files  map[string]*hcl.File
}

func newModIndex(sc *dsl.Scenario) *modIndex {
	if len(sc.Modules) == 0 {
		return nil
	}
	mi := &modIndex{byName: map[string]*dsl.Module{}, byFile: map[string][]*dsl.Module{}, files: sc.Files}
	for _, m := range sc.Modules {
		mi.byName[m.Name] = m
		for _, f := range m.Files {
			mi.byFile[f] = append(mi.byFile[f], m)
		}
	}
	return mi
}

// moduleOf is the module instance a qualified definition name belongs to:
// "web" for "web.user", "web.segments" for "web.segments.demographic", ""
// for the scenario's own definitions. It is also a module's parent.
func moduleOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// instance is the module instance a subject in file belongs to: the only
// one that includes the file, or else the one owner (the module whose
// definition was being compiled or run) is, or is inside of. nil when the
// file is no module's or the instance cannot be told.
func (mi *modIndex) instance(file, owner string) *dsl.Module {
	ms := mi.byFile[file]
	if len(ms) == 1 {
		return ms[0]
	}
	for o := owner; len(ms) > 1 && o != ""; o = moduleOf(o) {
		for _, m := range ms {
			if m.Name == o {
				return m
			}
		}
	}
	return nil
}

func input(m *dsl.Module, name string) *dsl.Attr {
	for _, in := range m.Inputs {
		if in.Name == name {
			return in
		}
	}
	return nil
}

func overlaps(a, b hcl.Range) bool {
	return a.Filename == b.Filename && a.Start.Byte < b.End.Byte && b.Start.Byte < a.End.Byte
}

// passing is one step of an input's way into a module: module mod's
// variable is set by its block's attribute in.
type passing struct {
	mod *dsl.Module
	in  *dsl.Attr
}

// trace follows variable name of m out through the module blocks that set
// it: m's input, then, when that input is the including module's
// variable, that module's input, and so on. Empty when m's variable is
// at its default.
func (mi *modIndex) trace(m *dsl.Module, name string) []passing {
	var chain []passing
	for len(chain) <= len(mi.byName) { // a bound, though blocks cannot loop
		in := input(m, name)
		if in == nil {
			break
		}
		chain = append(chain, passing{m, in})
		p := mi.byName[moduleOf(m.Name)]
		if p == nil {
			break
		}
		name = ""
		for _, ref := range p.VarRefs {
			if overlaps(ref.Range, in.Expr.Range()) && input(p, ref.Name) != nil {
				name = ref.Name
				break
			}
		}
		if name == "" {
			break
		}
		m = p
	}
	return chain
}

// placement is where a diagnostic inside a module is reported: its new
// subject, the lines its detail gains, and the module it stays in.
type placement struct {
	subject *hcl.Range
	lines   []string
	in      string // `module "p" (m.hcl:6:1)`, when the subject stays in a module's file
}

// place finds where a diagnostic at subj is reported (see modIndex).
// ok is false when subj is not in a module's file (or its instance
// cannot be told): the diagnostic stays as it is.
func (mi *modIndex) place(subj *hcl.Range, owner string) (placement, bool) {
	if mi == nil || subj == nil {
		return placement{}, false
	}
	m := mi.instance(subj.Filename, owner)
	if m == nil {
		return placement{}, false
	}
	pl := placement{subject: subj}
	var from *dsl.Module // the module whose block set the input the subject moved to
	seen := map[string]bool{}
	for _, ref := range m.VarRefs {
		if !overlaps(ref.Range, *subj) || seen[ref.Name] {
			continue
		}
		seen[ref.Name] = true
		chain := mi.trace(m, ref.Name)
		if len(chain) == 0 {
			continue
		}
		outer := chain[len(chain)-1]
		if pl.subject != subj {
			pl.lines = append(pl.lines, fmt.Sprintf("It also uses input %s of module %q, set at %s.",
				outer.in.Name, outer.mod.Name, pos(outer.in.Range)))
			continue
		}
		pl.subject, from = outer.in.Expr.Range().Ptr(), outer.mod
		for i := len(chain) - 1; i > 0; i-- {
			r := chain[i-1].in.Range
			pl.lines = append(pl.lines, fmt.Sprintf("Passed by module %q to module %q at %s: %s",
				chain[i].mod.Name, chain[i-1].mod.Name, pos(r), mi.line(r)))
		}
		pl.lines = append(pl.lines, fmt.Sprintf("Used by module %q at %s: %s", m.Name, pos(*subj), mi.line(*subj)))
	}
	// Still in a module's file (an input at its default, or set inside
	// another module): name the instance.
	if from == nil {
		pl.in = mi.names(m)
	} else if p := mi.byName[moduleOf(from.Name)]; p != nil {
		pl.in = mi.names(p)
	}
	return pl, true
}

// names says which module block includes m: `module "p" (m.hcl:6:1)`,
// with the blocks that include that one for nested modules.
func (mi *modIndex) names(m *dsl.Module) string {
	s := fmt.Sprintf("module %q (%s)", m.Name, pos(m.DeclRange))
	for p := mi.byName[moduleOf(m.Name)]; p != nil; p = mi.byName[moduleOf(p.Name)] {
		s += fmt.Sprintf(", included by module %q (%s)", p.Name, pos(p.DeclRange))
	}
	return s
}

// pos is a range's start as file:line:col.
func pos(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// line is the source line r starts on, trimmed (shortened when long).
func (mi *modIndex) line(r hcl.Range) string {
	f := mi.files[r.Filename]
	if f == nil {
		return ""
	}
	lines := strings.Split(string(f.Bytes), "\n")
	if r.Start.Line < 1 || r.Start.Line > len(lines) {
		return ""
	}
	s := strings.Join(strings.Fields(lines[r.Start.Line-1]), " ")
	if rs := []rune(s); len(rs) > 100 {
		s = string(rs[:99]) + "…"
	}
	return s
}

// placeDiags places every diagnostic inside a module (owner says whose
// definition each was found in) and merges those that then say the same:
// an error in a file included by two modules is one error naming both,
// an input that fails in two places one error listing both uses.
// Follow-on markers are kept as they are.
func (mi *modIndex) placeDiags(diags hcl.Diagnostics, owner map[*hcl.Diagnostic]string) hcl.Diagnostics {
	if mi == nil {
		return diags
	}
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	type group struct {
		d     *hcl.Diagnostic
		lines []string
		in    []string
	}
	var out hcl.Diagnostics
	groups := map[key]*group{}
	for _, d := range diags {
		pl, ok := mi.place(d.Subject, owner[d])
		if !ok || d.Summary == followOn {
			out = append(out, d)
			continue
		}
		k := key{d.Severity, d.Summary, d.Detail, *pl.subject}
		g := groups[k]
		if g == nil {
			nd := *d
			nd.Subject = pl.subject
			g = &group{d: &nd}
			groups[k] = g
			out = append(out, g.d)
		}
		for _, l := range pl.lines {
			if !contains(g.lines, l) {
				g.lines = append(g.lines, l)
			}
		}
		if pl.in != "" && !contains(g.in, pl.in) {
			g.in = append(g.in, pl.in)
		}
	}
	for _, g := range groups {
		lines := g.lines
		if len(g.in) > 0 {
			lines = append(lines, "In "+strings.Join(g.in, "; in ")+".")
		}
		if g.d.Detail != "" {
			lines = append([]string{g.d.Detail}, lines...)
		}
		g.d.Detail = strings.Join(lines, "\n")
	}
	return out
}

// placeFault places a run-time error like a compile-time diagnostic (see
// modIndex), when it is reported: its subject moves to the module input
// behind it, its notes say where the module used it.
func (mi *modIndex) placeFault(f *RuntimeError) {
	if mi == nil || f == nil || f.placed {
		return
	}
	f.placed = true
	pl, ok := mi.place(&f.Subject, f.unit)
	if !ok {
		return
	}
	f.Subject = *pl.subject
	f.notes = pl.lines
	if pl.in != "" {
		f.notes = append(f.notes, "In "+pl.in+".")
	}
}
