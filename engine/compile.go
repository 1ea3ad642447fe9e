package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine/sinks"
	closest "github.com/scenhq/scen/internal/suggest"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Options are the run-time inputs that shape a plan.
type Options struct {
	Seed     *uint64           // overrides the scenario's seed
	Vars     map[string]string // --var name=value, raw text
	Registry *stdlib.Registry  // nil: stdlib.New()
	Sinks    *sinks.Registry   // nil: sinks.NewRegistry()
}

type distPlan struct {
	kind  string
	value *cexpr
	prof  []float64    // hourly, weekly, monthly
	dates []dateFactor // dates
}

type compiler struct {
	sc    *dsl.Scenario
	reg   *stdlib.Registry
	sreg  *sinks.Registry
	cc    *stdlib.CompileCtx
	plan  *Plan
	vars  map[string]Value
	dists map[string]*distPlan
	diags hcl.Diagnostics
	tf    *stdlib.TimeFormatter

	datasetsByName map[string]*DatasetPlan
	trees          map[*EntityPlan]treeBuild // compile-time builds (see rootActors)
	getters        int                       // getters of constant names (Env.hints)
	// sessIDs: session.id's expressions, and the templates of session.id
	// and constant text ("session_${session.id}", oneDynamic), with that
	// text (nil for session.id itself), so that a per-session field that
	// is one is formatted straight into the session's store
	// (splitSessionLeaves).
	sessIDs map[*cexpr]*oneDyn
	probes  *probeCache // while types are inferred (see probeCompile)
	emits   int         // emit blocks compiled (emitPlan.id; never rolled back, so unique)
	nLocals int         // slots of for expressions' variables (Env.locals)
	// windowOK: the scenario's start and end are valid times, the end
	// after the start (else that is reported, and the checks that
	// measure the window say nothing of one that does not exist).
	windowOK bool
	// inDefaults: the scenario's variables are being computed, before
	// the scenario block (which may use them): scenario.* has no value.
	inDefaults bool
	// badVars are the declared variables without a value (already
	// reported): their uses are not reported again as unknown.
	badVars map[string]bool
	// badDatasets are the datasets that failed to load (reported).
	badDatasets map[string]bool
	// skippedStreams are the streams emitted only by flows whose actor
	// did not resolve (reported): a sink of one is not "Unknown stream".
	skippedStreams map[string]bool
	// cliText are the untyped variables --var gave a number's text,
	// which they hold as a string (see untypedVarHint).
	cliText map[string]*dsl.Variable
	// cliRaw are the variables --var set, with the text it gave: an
	// error at a var.NAME of one says where its value came from.
	cliRaw map[string]string
	// zoneChecked are the constants session zones come to, checked (see
	// zoneLeaves): whether each is a time zone.
	zoneChecked map[hcl.Range]bool

	// mods places the diagnostics inside modules (see modIndex); owner
	// says in which module's definition each diagnostic was found (set by
	// enter), for a file that two modules include.
	mods  *modIndex
	owner map[*hcl.Diagnostic]string
	cur   string // the module whose definition is being compiled
	owned int    // c.diags[:owned] have their owner
}

// enter says that what follows compiles a definition of module mod ("":
// the scenario's own): the diagnostics found so far are the previous
// one's.
func (c *compiler) enter(mod string) {
	for _, d := range c.diags[min(c.owned, len(c.diags)):] {
		if c.cur != "" {
			c.owner[d] = c.cur
		}
	}
	c.cur, c.owned = mod, len(c.diags)
}

// placed returns the diagnostics, those inside modules placed (see
// modIndex) and all sorted.
func (c *compiler) placed() hcl.Diagnostics {
	c.enter("")
	c.nameCLIVars()
	return sortDiags(c.mods.placeDiags(c.diags, c.owner))
}

// nameCLIVars adds to an error whose subject is a var.NAME that --var set
// where the value came from: "bernoulli: p must be between 0 and 1, got
// 1.5" pointed at var.p in the file, where the default may well be 0.5.
func (c *compiler) nameCLIVars() {
	if len(c.cliRaw) == 0 {
		return
	}
	for _, d := range c.diags {
		if d.Severity != hcl.DiagError || d.Subject == nil {
			continue
		}
		name, ok := strings.CutPrefix(strings.TrimSpace(c.source(*d.Subject)), "var.")
		if !ok {
			continue
		}
		if raw, set := c.cliRaw[name]; set && !strings.Contains(d.Detail, "--var "+name) {
			d.Detail += fmt.Sprintf(" var.%s is set by --var %s=%s.", name, name, raw)
		}
	}
}

func (c *compiler) source(r hcl.Range) string {
	f := c.sc.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(f.Bytes[r.Start.Byte:r.End.Byte])
}

func (c *compiler) entityNamed(name string) *EntityPlan {
	for _, e := range c.plan.Entities {
		if e.Name == name {
			return e
		}
	}
	return nil
}

func (c *compiler) err(r *hcl.Range, summary, format string, a ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, a...), Subject: r})
}

// Compile turns a decoded scenario into a Plan. Diagnostics are sorted by
// position; the plan is nil when any is an error.
func Compile(sc *dsl.Scenario, opts Options) (*Plan, hcl.Diagnostics) {
	c := &compiler{sc: sc, reg: opts.Registry, sreg: opts.Sinks, vars: map[string]Value{}, badVars: map[string]bool{}, badDatasets: map[string]bool{}, cliText: map[string]*dsl.Variable{}, cliRaw: map[string]string{}, dists: map[string]*distPlan{},
		mods: newModIndex(sc), owner: map[*hcl.Diagnostic]string{}}
	if c.reg == nil {
		c.reg = stdlib.New()
	}
	if c.sreg == nil {
		c.sreg = sinks.NewRegistry()
	}
	c.plan = &Plan{Files: sc.Files, Loc: time.UTC, mods: c.mods, vars: c.vars}
	c.cc = &stdlib.CompileCtx{Loc: time.UTC}
	c.tf = stdlib.NewTimeFormatter(time.UTC)
	c.variables(opts)
	c.settings(opts)
	if !c.modules() {
		return nil, c.placed() // the modules' bodies would only repeat the error
	}
	c.datasets()
	c.distributions()
	for i, e := range sc.Entities {
		c.enter(moduleOf(e.Name))
		c.entity(i, e)
	}
	c.experiments()
	c.enter("")
	c.memory()
	for i, f := range sc.Flows {
		c.enter(moduleOf(f.Name))
		c.flow(i, f)
	}
	c.constraints()
	c.enter("")
	c.sinks()
	c.warnPartitions()
	c.warnMixedKinds()
	c.trees = nil
	diags := c.placed()
	if diags.HasErrors() {
		return nil, diags
	}
	c.plan.Warnings = diags
	return c.plan, diags
}

// followOn is the summary of a diagnostic that only marks an error as
// already reported (a use of a variable whose value is invalid): checks
// that look for new errors see it, sortDiags drops it.
const followOn = "(follow-on)"

// quiet records, without a message, that r failed because of an error
// already reported, and returns the placeholder the failed expression
// compiles to.
func (c *compiler) quiet(r hcl.Range) *cexpr {
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: followOn, Subject: r.Ptr()})
	return &cexpr{typ: stdlib.Any, isC: true, rng: r}
}

// sortDiags orders diagnostics by position and drops follow-on markers
// and repeats: an expression compiled more than once (a flow's common
// field, merged into each of its emits) reports its error once.
func sortDiags(d hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev              hcl.DiagnosticSeverity
		summary, detail  string
		subject, context hcl.Range
	}
	seen := map[key]bool{}
	d = slices.DeleteFunc(d, func(x *hcl.Diagnostic) bool {
		if x.Summary == followOn {
			return true
		}
		k := key{sev: x.Severity, summary: x.Summary, detail: x.Detail}
		if x.Subject != nil {
			k.subject = *x.Subject
		}
		if x.Context != nil {
			k.context = *x.Context
		}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
	sort.SliceStable(d, func(i, j int) bool {
		a, b := d[i].Subject, d[j].Subject
		if a == nil || b == nil {
			return a == nil && b != nil
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return d
}

func (c *compiler) constScope(where string) *scope {
	return &scope{c: c, where: where, constOnly: true}
}

// kindsWanted is what a message says a value must be, of the kinds
// allowed, in the style of stdlib's argument errors: each kind with its
// article ("an int", "a string or an int": every kind, so that an
// experiment's unit is not said to need "a string" when it is a float),
// and an int or a float as "a number".
func kindsWanted(kinds []Kind) string {
	var parts []string
	num := slices.Contains(kinds, stdlib.Int) && slices.Contains(kinds, stdlib.Float)
	for _, k := range kinds {
		switch {
		case num && k == stdlib.Int:
			continue
		case num && k == stdlib.Float:
			parts = append(parts, "a number")
		default:
			parts = append(parts, stdlib.Article(k.String()))
		}
	}
	return strings.Join(parts, " or ")
}

// constExpr compiles e and requires a constant of one of the kinds.
func (c *compiler) constExpr(e hcl.Expression, where string, kinds ...Kind) (Value, bool) {
	n := len(c.diags)
	x := c.constScope(where).compile(e)
	if c.errorsSince(n) {
		return Value{}, false
	}
	if !x.isC {
		c.err(e.Range().Ptr(), "Value not known in advance", "%s must be a constant (literals, variables and pure functions).", where)
		return Value{}, false
	}
	for _, k := range kinds {
		if x.val.K == k {
			return x.val, true
		}
	}
	hint := ""
	if x.val.K == stdlib.String && (slices.Contains(kinds, stdlib.Int) || slices.Contains(kinds, stdlib.Float)) {
		hint = quotedNumber(x.val.S)
		if h := c.untypedVarHint(e); h != "" {
			hint = h
		}
	}
	c.err(e.Range().Ptr(), "Wrong type", "%s must be %s, got %s.%s", where, kindsWanted(kinds), x.val.K, hint)
	return Value{}, false
}

func (c *compiler) variables(opts Options) {
	declared := map[string]*dsl.Variable{}
	exprs := make([]hcl.Expression, len(c.sc.Variables))
	for i, v := range c.sc.Variables {
		declared[v.Name] = v
		exprs[i] = v.Default
	}
	// A default may use any other variable, declared above or below it:
	// they are computed dependencies first; the values listed in the
	// plan (and the manifest) keep the declaration order.
	vals := make([]*VarValue, len(c.sc.Variables))
	defer func() {
		for _, v := range vals {
			if v != nil {
				c.plan.Vars = append(c.plan.Vars, *v)
			}
		}
	}()
	c.inDefaults = true
	defer func() { c.inDefaults = false }()
	order := c.varOrder(c.sc.Variables, exprs, "", func(v *dsl.Variable) string { return "var." + v.Name })
	for _, i := range order {
		v := c.sc.Variables[i]
		var val Value
		have := false
		if v.Default != nil {
			d, ok := c.constExpr(v.Default, fmt.Sprintf("the default of variable %q", v.Name),
				stdlib.Int, stdlib.Float, stdlib.String, stdlib.Bool, stdlib.List, stdlib.Object)
			if ok {
				val, have = d, true
				if v.Type == "" {
					v.Type = typeOf(d.K)
				} else if !typeMatches(v.Type, d.K) {
					c.err(v.Default.Range().Ptr(), "Wrong default type", "Variable %q is declared as %s but its default is a%s %s.", v.Name, v.Type, an(d.K.String()), d.K)
					c.badVars[v.Name] = true // its uses are follow-ons
					continue
				}
			}
		}
		fromCLI := false
		if raw, ok := opts.Vars[v.Name]; ok {
			pv, err := parseVar(raw, v.Type)
			if err != nil {
				c.err(v.NameRange.Ptr(), "Invalid value for variable", "--var %s=%s: %s.", v.Name, raw, err)
				c.badVars[v.Name] = true
				continue
			}
			if have {
				c.varLacksKeys(v, raw, val, pv)
			}
			val, have, fromCLI = pv, true, true
			c.cliRaw[v.Name] = raw
			if v.Type == "" && pv.K == stdlib.String && stdlib.QuotedNumber(pv.S) != "" {
				c.cliText[v.Name] = v
			}
		}
		if !have {
			if v.Default == nil {
				c.err(v.NameRange.Ptr(), "Missing variable value", "Variable %q has no default; pass --var %s=VALUE.", v.Name, v.Name)
			}
			c.badVars[v.Name] = true
			continue
		}
		c.vars[v.Name] = val
		vals[i] = &VarValue{Name: v.Name, Value: val, FromCLI: fromCLI, Description: v.Description}
	}
	c.unreadVars(opts)
	for _, name := range stdlib.SortedKeys(opts.Vars) {
		if _, ok := declared[name]; !ok {
			hint := suggest(name, keys(declared))
			if mod, in, found := strings.Cut(name, "."); found && slices.ContainsFunc(c.sc.Modules, func(m *dsl.Module) bool { return m.Name == mod }) {
				hint = fmt.Sprintf(" --var sets the scenario's own variables; module %q's input %q is set in its module block. To set it from the command line, declare a variable in the scenario and pass it on: module %q { %s = var.NAME }.", mod, in, mod, in)
			}
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown variable",
				Detail: fmt.Sprintf("--var %s: the scenario declares no variable %q.%s", name, name, hint)})
		}
	}
}

// unreadVars warns of a variable --var sets that no expression of the
// scenario's files reads (var.NAME): the value changes nothing, and
// --var users=100000 on a scenario whose entity writes count = 50 said
// nothing of it. Expressions are looked for in the source, so a variable
// read only by another variable's default, or through a module input,
// counts as read.
func (c *compiler) unreadVars(opts Options) {
	var read map[string]bool
	for _, v := range c.sc.Variables {
		if _, ok := opts.Vars[v.Name]; !ok || c.badVars[v.Name] {
			continue
		}
		if read == nil {
			read = map[string]bool{}
			for _, name := range c.sc.Sources {
				f := c.sc.Files[name]
				if f == nil {
					continue
				}
				body, ok := f.Body.(*hclsyntax.Body)
				if !ok {
					continue
				}
				hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
					if x, ok := n.(*hclsyntax.ScopeTraversalExpr); ok && len(x.Traversal) > 1 && x.Traversal.RootName() == "var" {
						if a, ok := x.Traversal[1].(hcl.TraverseAttr); ok {
							read[a.Name] = true
						}
					}
					return nil
				})
			}
		}
		if !read[v.Name] {
			c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Variable not read",
				Detail:  fmt.Sprintf("--var %s sets variable %q, but no expression reads var.%s: the value changes nothing.", v.Name, v.Name, v.Name),
				Subject: v.NameRange.Ptr()})
		}
	}
}

// varOrder is the order in which to compute vars, whose values are
// exprs (nil: none), named in c.vars prefix+NAME: dependencies first, and
// otherwise the declaration order. The variables of a cycle are reported
// (show writes one as it is referred to) and left out, their uses quiet.
func (c *compiler) varOrder(vars []*dsl.Variable, exprs []hcl.Expression, prefix string, show func(*dsl.Variable) string) []int {
	idx := map[string]int{}
	for i, v := range vars {
		idx[prefix+v.Name] = i
	}
	deps := make([][]int, len(vars))
	for i, e := range exprs {
		if e == nil {
			continue
		}
		for _, t := range e.Variables() {
			if t.RootName() != "var" || len(t) < 2 {
				continue
			}
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				if j, ok := idx[a.Name]; ok {
					deps[i] = append(deps[i], j)
				}
			}
		}
	}
	order, cycles := topoOrder(deps)
	for _, cyc := range cycles {
		for _, i := range cyc {
			c.badVars[prefix+vars[i].Name] = true
		}
		v := vars[cyc[0]]
		path := make([]string, len(cyc))
		for k, i := range cyc {
			path[k] = show(vars[i])
		}
		what := fmt.Sprintf("variable %q", v.Name)
		if prefix != "" {
			what = fmt.Sprintf("variable %q of module %q", v.Name, strings.TrimSuffix(prefix, "."))
		}
		if len(cyc) == 2 {
			c.err(exprs[cyc[0]].Range().Ptr(), "Reference cycle", "The value of %s uses the variable itself.", what)
			continue
		}
		c.err(exprs[cyc[0]].Range().Ptr(), "Reference cycle", "The value of %s depends on itself through other variables: %s.", what, strings.Join(path, " → "))
	}
	return order
}

// typeOf is the variable type (a type = … keyword) of a value of kind k.
func typeOf(k Kind) string {
	switch k {
	case stdlib.Int, stdlib.Float:
		return "number"
	case stdlib.String:
		return "string"
	case stdlib.Bool:
		return "bool"
	case stdlib.List:
		return "list"
	case stdlib.Object:
		return "object"
	}
	return ""
}

func typeMatches(t string, k Kind) bool {
	switch t {
	case "number":
		return k == stdlib.Int || k == stdlib.Float
	case "string", "bool", "list", "object":
		return typeOf(k) == t
	}
	return true
}

// parseVar reads the text of --var NAME=TEXT as a value of the variable's
// type: a list or an object is written as in the scenario (or as JSON),
// any other text of an untyped variable is a string.
func parseVar(raw, typ string) (Value, error) {
	switch typ {
	case "number":
		i, err := strconv.ParseInt(raw, 10, 64)
		if err == nil {
			return stdlib.IntV(i), nil
		}
		if errors.Is(err, strconv.ErrRange) {
			// Digits only: an integer, as in a scenario, which must fit
			// 64 bits (not a float that rounds it).
			return Value{}, fmt.Errorf("%s does not fit in a 64-bit integer (%d to %d); for a float, which keeps about 16 significant digits, write it with a point (%s.0)",
				raw, int64(math.MinInt64), int64(math.MaxInt64), raw)
		}
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Value{}, fmt.Errorf("%q is not a number", raw)
		}
		return stdlib.FloatV(f), nil
	case "bool":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return Value{}, fmt.Errorf("%q is not true or false", raw)
		}
		return stdlib.BoolV(b), nil
	case "list", "object":
		v, err := parseLiteral(raw)
		if err != nil {
			return Value{}, err
		}
		if typeOf(v.K) != typ {
			return Value{}, fmt.Errorf("the variable is a%s %s, the value a%s %s", an(typ), typ, an(v.K.String()), v.K)
		}
		return stdlib.Freeze(v), nil
	}
	if !utf8.ValidString(raw) {
		// Kept as bytes, it was written to the manifest as U+FFFD: the
		// run regenerated from it differed.
		b := []byte(raw)
		for len(b) > 0 {
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && size == 1 {
				return Value{}, fmt.Errorf("the byte 0x%02x (at byte %d) is not UTF-8 text", b[0], len(raw)-len(b)+1)
			}
			b = b[size:]
		}
	}
	return stdlib.StrV(raw), nil
}

// zoneAbbrevs are time zone abbreviations people write for a zone, by
// the IANA name to write instead (an abbreviation names no rules for
// daylight saving, and several are ambiguous: CST, IST, BST are not here).
var zoneAbbrevs = map[string]string{
	"KST": "Asia/Seoul", "JST": "Asia/Tokyo", "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore",
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "EDT": "America/New_York",
	"CEST": "Europe/Berlin", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "Z": "UTC", "GMT+0": "UTC",
}

// zoneHint is " Did you mean "Asia/Seoul"?" for a zone written as an
// abbreviation, or with another letter case ("asia/seoul"), or "".
func zoneHint(name string) string {
	if z, ok := zoneAbbrevs[strings.ToUpper(name)]; ok {
		return fmt.Sprintf(" Did you mean %q? (Write the region's name: it carries the daylight-saving rules an abbreviation does not.)", z)
	}
	parts := strings.Split(name, "/")
	for i, p := range parts {
		// asia/seoul, america/new_york: each part capitalised.
		words := strings.Split(strings.ToLower(p), "_")
		for j, w := range words {
			words[j] = capital(w)
		}
		parts[i] = strings.Join(words, "_")
	}
	if fixed := strings.Join(parts, "/"); fixed != name {
		if _, err := time.LoadLocation(fixed); err == nil {
			return fmt.Sprintf(" Did you mean %q?", fixed)
		}
	}
	// A misspelling (Europe/Berln, america/new_yrok): the closest name in
	// the machine's time zone database, letter case aside, where there is
	// one to list.
	names := zoneNames()
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(n)
	}
	// A name that shares too little with it (the user id "u1" read as a
	// zone is two edits from "gb") is no misspelling of it.
	if z := closest.Closest(strings.ToLower(name), lower); z != "" && 2*levenshtein.Distance(strings.ToLower(name), z, nil) <= len(name) {
		return fmt.Sprintf(" Did you mean %q?", names[slices.Index(lower, z)])
	}
	return ""
}

// zoneNames lists the zone names of the machine's time zone database
// (ZONEINFO when it names a directory, else the usual places), or nil.
func zoneNames() []string {
	dirs := []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"}
	if z := os.Getenv("ZONEINFO"); z != "" {
		dirs = append([]string{z}, dirs...)
	}
	for _, dir := range dirs {
		var names []string
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(dir, path)
			// Zone names start with a capital letter (Asia/Seoul, UTC); the
			// rest are the database's own files (zone.tab, posixrules,
			// right/…, posix/…, which repeat every zone).
			if err != nil || rel[0] < 'A' || rel[0] > 'Z' || strings.Contains(rel, ".") {
				return nil
			}
			names = append(names, filepath.ToSlash(rel))
			return nil
		})
		if len(names) > 0 {
			sort.Strings(names)
			return names
		}
	}
	return nil
}

func (c *compiler) settings(opts Options) {
	s := c.sc.Settings
	if s == nil {
		return
	}
	c.plan.Name = s.Name
	if s.Timezone != nil {
		if v, ok := c.constExpr(s.Timezone, "timezone", stdlib.String); ok {
			loc, err := time.LoadLocation(v.S)
			if err != nil || v.S == "" || strings.EqualFold(v.S, "local") {
				c.err(s.Timezone.Range().Ptr(), "Unknown time zone", "%q is not an IANA time zone name such as \"UTC\", \"Europe/Berlin\" or \"Asia/Seoul\".%s", v.S, zoneHint(v.S))
			} else {
				c.plan.Loc = loc
				c.cc.Loc = loc
				c.tf = stdlib.NewTimeFormatter(loc)
			}
		}
	}
	if s.Seed != nil {
		if v, ok := c.constExpr(s.Seed, "seed", stdlib.Int); ok {
			if v.I < 0 {
				// As --seed: a negative seed would wrap around to a
				// uint64 that the manifest records and no scenario file
				// can hold.
				c.err(s.Seed.Range().Ptr(), "Invalid seed", "seed = %d: expected a non-negative integer.", v.I)
			} else {
				c.plan.Seed = uint64(v.I)
			}
		}
	}
	if opts.Seed != nil {
		c.plan.Seed = *opts.Seed
	}
	when := func(e hcl.Expression, what string) (int64, bool) {
		v, ok := c.constExpr(e, what, stdlib.String, stdlib.Time)
		if !ok {
			return 0, false
		}
		if v.K == stdlib.Time {
			return v.I, true
		}
		ms, err := stdlib.ParseTime(v.S, c.plan.Loc)
		if err != nil {
			c.err(e.Range().Ptr(), "Invalid time", "%s%s: %s.", what, c.cliVarNote(e), err)
			return 0, false
		}
		return ms, true
	}
	st, ok1 := when(s.Start, "start")
	en, ok2 := when(s.End, "end")
	if ok1 && ok2 && en <= st {
		// Both on the scenario's clock, as written (the start was
		// shown in UTC: 2025-01-01T05:00:00.000Z for "2025-01-01" in
		// America/New_York).
		c.err(s.End.Range().Ptr(), "Empty time window", "end (%s) must be after start (%s).", c.plan.localTime(en), c.plan.localTime(st))
	}
	c.plan.Start, c.plan.End = st, en
	c.windowOK = ok1 && ok2 && en > st
	c.plan.Runs = s.Runs
}

func (c *compiler) distributions() {
	for _, d := range c.sc.Distributions {
		c.enter(moduleOf(d.Name))
		dp := &distPlan{kind: d.Kind}
		switch d.Kind {
		case "value":
			dp.value = (&scope{c: c, where: "a distribution"}).compile(d.Expr)
		case "dates":
			dp.dates = c.dateFactors(d)
		default:
			dp.prof = c.profile(d)
		}
		c.dists[d.Name] = dp
	}
}

// profile validates an hourly/weekly/monthly profile's weights.
func (c *compiler) profile(d *dsl.Distribution) []float64 {
	want := map[string]int{"hourly": 24, "weekly": 7, "monthly": 12}[d.Kind]
	v, ok := c.constExpr(d.Expr, d.Kind+" profile", stdlib.List, stdlib.Object)
	if !ok {
		return nil
	}
	var ws []float64
	var at []hcl.Range // where each weight is written (the whole expression for a variable's)
	if v.K == stdlib.Object {
		var names []string
		switch d.Kind {
		case "weekly":
			names = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
		case "monthly":
			names = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
		default:
			c.err(d.Expr.Range().Ptr(), "Invalid profile", "hourly is a list of 24 weights, one per hour from 00:00.")
			return nil
		}
		for _, k := range v.Obj().Keys {
			if !contains(names, k) {
				c.err(objKeyRange(d.Expr, k).Ptr(), "Invalid profile key", "%q is not one of %s.%s", k, strings.Join(names, ", "), suggest(k, names))
				return nil
			}
		}
		for _, n := range names {
			x, ok := v.Obj().Get(n)
			if !ok {
				c.err(d.Expr.Range().Ptr(), "Incomplete profile", "The %s profile has no weight for %q.", d.Kind, n)
				return nil
			}
			if x.K != stdlib.Int && x.K != stdlib.Float {
				// Num would read a bool as 1 or 0, a duration as
				// its milliseconds.
				c.err(objItemRange(d.Expr, n).Ptr(), "Invalid weight", "Profile weights must be numbers, got %s.", x.K)
				return nil
			}
			ws = append(ws, x.Num())
			at = append(at, objItemRange(d.Expr, n))
		}
	} else {
		if len(v.List()) != want {
			c.err(d.Expr.Range().Ptr(), "Invalid profile", "%s profile has %d weights, got %d.", capital(stdlib.Article(d.Kind)), want, len(v.List()))
			return nil
		}
		tup, _ := d.Expr.(*hclsyntax.TupleConsExpr)
		for i, x := range v.List() {
			if x.K != stdlib.Int && x.K != stdlib.Float {
				c.err(listItemRange(d.Expr, i).Ptr(), "Invalid weight", "Profile weights must be numbers, got %s.", x.K)
				return nil
			}
			ws = append(ws, x.Num())
			if tup != nil && i < len(tup.Exprs) {
				at = append(at, tup.Exprs[i].Range())
			} else {
				at = append(at, d.Expr.Range())
			}
		}
	}
	sum := 0.0
	for i, w := range ws {
		if !(w >= 0) || math.IsInf(w, 0) {
			c.err(at[i].Ptr(), "Invalid weight", "Profile weights must be zero or positive numbers, got %v.", w)
			return nil
		}
		sum += w
	}
	if sum == 0 {
		c.err(d.Expr.Range().Ptr(), "Invalid profile", "At least one weight must be positive.")
		return nil
	}
	return ws
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (c *compiler) entity(idx int, e *dsl.Entity) {
	ep := &EntityPlan{Name: e.Name, Index: idx, attrIdx: map[string]int{}}
	c.plan.Entities = append(c.plan.Entities, ep)
	nd := len(c.diags)
	defer func() {
		ep.compiled = true
		// An error in the entity (reported) makes its table's uses
		// follow-ons, not errors of their own (a count from a dataset
		// that did not load is no empty table to sample).
		ep.failed = ep.Parent != nil && ep.Parent.failed
		for _, d := range c.diags[nd:] {
			ep.failed = ep.failed || d.Severity == hcl.DiagError
		}
	}()
	if e.Parent != nil {
		c.entityParent(ep, e)
	} else if e.Count != nil {
		if v, ok := c.constExpr(e.Count, "an entity's count", stdlib.Int, stdlib.Float); ok {
			n := int64(v.Num())
			if v.Num() < 0 || float64(n) != v.Num() || n > 1<<40 {
				c.err(e.Count.Range().Ptr(), "Invalid count", "count must be a whole number between 0 and 2^40, got %s.", v.String())
			} else {
				ep.Count = n
				if n == 0 {
					c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "No actors",
						Detail: fmt.Sprintf("count is 0%s: entity %q has no actors, so a flow it acts in writes nothing and entity.%s is an empty table.",
							c.cliVarNote(e.Count), e.Name, e.Name),
						Subject: e.Count.Range().Ptr()})
				}
			}
		}
	}
	for i, a := range e.Attributes {
		if a.Name == "index" {
			c.err(a.NameRange.Ptr(), "Reserved name", "index is the actor's number and cannot be an attribute name.")
		}
		ep.AttrNames = append(ep.AttrNames, a.Name)
		ep.attrIdx[a.Name] = i
	}
	ep.attrTypes = make([]Kind, len(e.Attributes))
	ep.attrFailed = make([]bool, len(e.Attributes))
	ep.attrs = make([]*cexpr, len(e.Attributes))
	// Dependencies come from the expressions' references to this entity.
	deps := make([][]int, len(e.Attributes))
	for i, a := range e.Attributes {
		for _, t := range hclsyntax.Variables(a.Expr.(hclsyntax.Expression)) {
			if (t.RootName() == e.Name || t.RootName() == "actor") && len(t) > 1 {
				if at, ok := t[1].(hcl.TraverseAttr); ok {
					if j, ok := ep.attrIdx[at.Name]; ok {
						deps[i] = append(deps[i], j)
					}
				}
			}
		}
	}
	order, cycles := topoOrder(deps)
	for _, cyc := range cycles {
		// The attributes of a cycle have no value: their uses are
		// follow-ons, the others are compiled (and checked) as usual.
		for _, i := range cyc {
			ep.attrFailed[i] = true
		}
		a := e.Attributes[cyc[0]]
		if len(cyc) == 2 {
			c.err(a.NameRange.Ptr(), "Reference cycle", "Attribute %q of %q depends on itself.", a.Name, e.Name)
			continue
		}
		path := make([]string, len(cyc))
		for k, i := range cyc {
			path[k] = e.Name + "." + e.Attributes[i].Name
		}
		c.err(a.NameRange.Ptr(), "Reference cycle", "Attribute %q of %q depends on itself through other attributes: %s.", a.Name, e.Name, strings.Join(path, " → "))
	}
	ep.order = order
	done := make([]bool, len(e.Attributes))
	for _, i := range order {
		a := e.Attributes[i]
		s := &scope{c: c, where: "an entity attribute", entity: ep, hasIndex: true, attrOK: func(j int) bool { return done[j] }}
		x := s.compile(a.Expr)
		ep.attrs[i] = x
		ep.attrTypes[i] = x.typ
		done[i] = true
	}
}

// topoOrder returns an evaluation order of the nodes that are on no
// cycle (dependencies first, otherwise declaration order) and the cycles,
// each as a path from its first declared node back to it (a → b → a).
// deps[i] are the nodes i depends on. A node that depends on a cycle is
// in the order: its reference to the cycle is what fails.
func topoOrder(deps [][]int) (order []int, cycles [][]int) {
	// Tarjan's strongly connected components: on a graph without cycles,
	// each node is its own component and they come in DFS postorder.
	index := make([]int, len(deps)) // 0: not visited; else 1 + visit number
	low := make([]int, len(deps))
	onStack := make([]bool, len(deps))
	var stack []int
	next := 1
	var visit func(i int)
	visit = func(i int) {
		index[i], low[i] = next, next
		next++
		stack = append(stack, i)
		onStack[i] = true
		self := false
		for _, j := range deps[i] {
			switch {
			case j == i:
				self = true
			case index[j] == 0:
				visit(j)
				low[i] = min(low[i], low[j])
			case onStack[j]:
				low[i] = min(low[i], index[j])
			}
		}
		if low[i] != index[i] {
			return
		}
		k := len(stack) - 1
		for stack[k] != i {
			k--
		}
		comp := stack[k:]
		stack = stack[:k]
		for _, j := range comp {
			onStack[j] = false
		}
		if len(comp) == 1 && !self {
			order = append(order, i)
			return
		}
		cycles = append(cycles, cyclePath(deps, comp))
	}
	for i := range deps {
		if index[i] == 0 {
			visit(i)
		}
	}
	return order, cycles
}

// cyclePath is a shortest path from the first node of the component comp
// (a cycle) through its dependencies back to it, the node repeated at the
// end.
func cyclePath(deps [][]int, comp []int) []int {
	in := map[int]bool{}
	first := comp[0]
	for _, j := range comp {
		in[j] = true
		first = min(first, j)
	}
	prev := map[int]int{}
	queue := []int{first}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range deps[i] {
			if j == first {
				path := []int{first}
				for k := i; k != first; k = prev[k] {
					path = append(path, k)
				}
				slices.Reverse(path[1:])
				return append(path, first)
			}
			if _, seen := prev[j]; !seen && in[j] {
				prev[j] = i
				queue = append(queue, j)
			}
		}
	}
	return []int{first, first}
}

// memory gives every entity the slots its flows remember across sessions.
func (c *compiler) memory() {
	for _, x := range c.plan.Experiments {
		if x.Entity != nil {
			x.Entity.exps = append(x.Entity.exps, x)
		}
	}
	for _, f := range c.sc.Flows {
		t, diags := hcl.AbsTraversalForExpr(f.Actor)
		name, named := secondName(t)
		if diags.HasErrors() || !named {
			continue
		}
		ep := c.entityNamed(name)
		if ep == nil {
			continue
		}
		if ep.memIdx == nil {
			ep.memIdx = map[string]int{}
		}
		for _, st := range f.States {
			for _, a := range st.Remember {
				i, ok := ep.memIdx[a.Name]
				if !ok {
					i = len(ep.memNames)
					ep.memIdx[a.Name] = i
					ep.memNames = append(ep.memNames, a.Name)
					ep.memElems = append(ep.memElems, 1)
				}
				ep.memElems[i] = max(ep.memElems[i], rememberElems(a.Expr))
			}
		}
	}
}

// rememberElems is how many values a remember = { … } slot may come to
// hold, for the memory estimate when running a sample of actors cannot
// tell (probeMemory): append(list, value, max) keeps at most
// max (a literal, counted up to memListMax: a list grows by one value per
// event, and a huge max says "keep everything", not how many there will
// be); an append without a literal max is counted as memListGuess;
// anything else is one value.
func rememberElems(e hcl.Expression) int64 {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "append" {
		return 1
	}
	if len(call.Args) == 3 {
		if v, d := call.Args[2].Value(nil); !d.HasErrors() && v.Type() == cty.Number && v.IsKnown() && !v.IsNull() {
			if n, acc := v.AsBigFloat().Int64(); acc == big.Exact && n > 0 {
				return min(n, memListMax)
			}
		}
	}
	return memListGuess
}

// cliVarNote says, for an expression that is var.NAME set with --var,
// that the value came from the command line (the error points at the
// scenario, where the value is not).
func (c *compiler) cliVarNote(e hcl.Expression) string {
	t, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() || len(t) != 2 || t.RootName() != "var" {
		return ""
	}
	a, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return ""
	}
	for _, v := range c.plan.Vars {
		if v.Name == a.Name && v.FromCLI {
			return fmt.Sprintf(" (given as --var %s=%s)", a.Name, v.Value.S)
		}
	}
	return ""
}

// objItemRange is where the value of key is written in an object literal
// e, or (a variable's object, a key written otherwise) e's whole range.
func objItemRange(e hcl.Expression, key string) hcl.Range {
	if it := objItem(e, key); it != nil {
		return it.ValueExpr.Range()
	}
	return e.Range()
}

// objKeyRange is where key is written in the literal object e (a name or
// a quoted string), or else e's range (a variable's object).
func objKeyRange(e hcl.Expression, key string) hcl.Range {
	if it := objItem(e, key); it != nil {
		return it.KeyExpr.Range()
	}
	return e.Range()
}

// objItem is the last item of the literal object e whose key is key,
// written as a name or a quoted string; nil when e is not a literal.
func objItem(e hcl.Expression, key string) *hclsyntax.ObjectConsItem {
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	var found *hclsyntax.ObjectConsItem
	for i, it := range obj.Items {
		k := hcl.ExprAsKeyword(it.KeyExpr)
		if k == "" {
			if v, d := it.KeyExpr.Value(nil); !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				k = v.AsString()
			}
		}
		if k == key {
			found = &obj.Items[i]
		}
	}
	return found
}

// listItemRange is where element i of the literal list e is written, or
// else e's range (a variable's list).
func listItemRange(e hcl.Expression, i int) hcl.Range {
	if tup, ok := e.(*hclsyntax.TupleConsExpr); ok && i < len(tup.Exprs) {
		return tup.Exprs[i].Range()
	}
	return e.Range()
}

// untypedVarHint is the hint for a number's text read as a string when it
// comes from --var into a variable declared without a type (variable "n"
// {}): the user wrote no quotes, the variable's missing type is the
// mistake. "" when e reads no such variable.
func (c *compiler) untypedVarHint(e hcl.Expression) string {
	for _, t := range e.Variables() {
		if t.RootName() != "var" || len(t) < 2 {
			continue
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		if v := c.cliText[a.Name]; v != nil {
			return fmt.Sprintf(" Variable %q (declared at %s) has no type and no default, so --var %s=%s is read as the string %q: "+
				"declare it a number, variable %q { type = number }.",
				v.Name, posString(v.NameRange), v.Name, c.vars[v.Name].S, c.vars[v.Name].S, v.Name)
		}
	}
	return ""
}

// untypedArgHint is untypedVarHint for the argument of call x written at
// r (an argument error's range).
func (c *compiler) untypedArgHint(x *hclsyntax.FunctionCallExpr, r hcl.Range) string {
	for _, a := range x.Args {
		if a.Range() == r {
			return c.untypedVarHint(a)
		}
	}
	return ""
}
