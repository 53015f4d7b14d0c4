package suites

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/benchy-dev/benchy/runners"
)

// excludeAttr is the reserved matrix attribute that removes combinations.
const excludeAttr = "exclude"

// reservedAxis cannot name an axis: benchmark names use it for the arm.
const reservedAxis = "arm"

// matrixDef is a matrix {} block's structure: its axes in declaration order
// and its exclude list, plus which exclude entries have matched so far
// (across every instance the matrix is expanded in).
type matrixDef struct {
	block   *hcl.Block
	axes    []*hcl.Attribute
	exclude *hcl.Attribute

	excludeSeen    bool
	excludeMatched map[int]bool
	excludeEntries map[int]string
	excludeRanges  map[int]hcl.Range
}

func (m *matrixDef) axisNames() []string {
	if m == nil {
		return nil
	}
	out := make([]string, len(m.axes))
	for i, a := range m.axes {
		out[i] = a.Name
	}
	return out
}

// matrixDef reads a matrix block's structure; nil when blk is nil.
func (ld *load) matrixDef(blk *hcl.Block) *matrixDef {
	if blk == nil {
		return nil
	}
	attrs, diags := blk.Body.JustAttributes()
	ld.diags.add(diags...)
	m := &matrixDef{block: blk, excludeMatched: map[int]bool{}, excludeEntries: map[int]string{}, excludeRanges: map[int]hcl.Range{}}
	for _, a := range sortedAttrs(attrs) {
		if a.Name == excludeAttr {
			m.exclude = a
			continue
		}
		if a.Name == reservedAxis {
			ld.diags.add(errorf(a.NameRange.Ptr(), "Reserved axis name",
				"An axis cannot be named %q: the Go benchmark export names arms as /arm=<name>, so benchstat could not tell the two apart. Choose another name.", reservedAxis))
			continue
		}
		m.axes = append(m.axes, a)
		ld.axisDefs = append(ld.axisDefs, a)
	}
	_, hasExclude := attrs[excludeAttr]
	if len(m.axes) == 0 && !diags.HasErrors() && len(attrs) == btoi(hasExclude) {
		ld.diags.add(errorf(blk.DefRange.Ptr(), "Empty matrix",
			"A matrix block needs at least one axis, such as precision = [\"fp32\", \"fp16\"]."))
	}
	return m
}

// axisVal is one coordinate of a matrix instance.
type axisVal struct {
	name string
	val  cty.Value
	str  string
}

// combo is one matrix instance: its coordinates in axis order.
type combo []axisVal

func (c combo) values() map[string]cty.Value {
	m := make(map[string]cty.Value, len(c))
	for _, a := range c {
		m[a.name] = a.val
	}
	return m
}

func (c combo) axes() []Axis {
	if len(c) == 0 {
		return nil
	}
	out := make([]Axis, len(c))
	for i, a := range c {
		out[i] = Axis{Name: a.name, Value: a.str}
	}
	return out
}

func (c combo) name(label string) string {
	var b strings.Builder
	b.WriteString(label)
	for _, a := range c {
		fmt.Fprintf(&b, "/%s=%s", a.name, a.str)
	}
	return b.String()
}

var trailingDigits = regexp.MustCompile(`-[0-9]+$`)

// namePartProblem says why s cannot be part of an instance name, or "".
// Names become Go benchmark names (Benchmark<workload>/<axis>=<value>/...),
// so whitespace and "/" are out, and a trailing "-<digits>" would be read
// as GOMAXPROCS.
func namePartProblem(s string, isLabel bool) string {
	switch {
	case s == "":
		return "it is empty"
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "it contains whitespace"
	case strings.Contains(s, "/"):
		return `it contains "/"`
	case isLabel && strings.Contains(s, "="):
		return `it contains "="`
	case trailingDigits.MatchString(s):
		return `it ends in "-<digits>", which the Go benchmark format reads as a GOMAXPROCS suffix`
	}
	return ""
}

// expand evaluates a matrix in ctx and returns its instances, each
// prefixed by outer (the enclosing workload instance's coordinates, used
// to match exclude entries). ok is false when the matrix could not be
// evaluated.
func (ld *load) expand(m *matrixDef, ctx *hcl.EvalContext, outer combo) ([]combo, bool) {
	if m == nil {
		return []combo{nil}, true
	}
	type axis struct {
		name string
		vals []axisVal
	}
	var axes []axis
	ok := true
	for _, a := range m.axes {
		val, diags := a.Expr.Value(ctx)
		ld.diags.addEval(diags)
		if diags.HasErrors() || !val.IsWhollyKnown() {
			ok = false
			continue
		}
		rng := a.Expr.Range().Ptr()
		if !ld.checkSize(val, "the matrix axis "+a.Name, *rng) {
			ok = false
			continue
		}
		ty := val.Type()
		if val.IsNull() || !(ty.IsListType() || ty.IsTupleType() || ty.IsSetType()) {
			ld.diags.add(errorf(rng, "Invalid matrix axis",
				"The axis %q must be a list of values, such as [\"fp32\", \"fp16\"]; this is %s.", a.Name, friendly(val)))
			ok = false
			continue
		}
		if val.LengthInt() == 0 {
			ld.diags.add(errorf(rng, "Empty matrix axis",
				"The axis %q has no values, so the matrix would have no instances. Give it at least one value, or remove the axis.", a.Name))
			ok = false
			continue
		}
		ax := axis{name: a.Name}
		seen := map[string]bool{}
		for it := val.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			s, err := valueString(ev)
			if err != nil {
				ld.diags.add(errorf(rng, "Invalid matrix value",
					"The values of axis %q name instances, so each must be a string, number or bool: %v.", a.Name, err))
				ok = false
				break
			}
			if p := namePartProblem(s, false); p != "" {
				ld.diags.add(errorf(rng, "Invalid matrix value",
					"The value %q of axis %q cannot appear in an instance name (%s=%s): %s.", s, a.Name, a.Name, s, p))
				ok = false
				continue
			}
			if seen[s] {
				ld.diags.add(errorf(rng, "Duplicate matrix value",
					"The axis %q lists %q more than once, which would give two instances the same name.", a.Name, s))
				ok = false
				continue
			}
			seen[s] = true
			ax.vals = append(ax.vals, axisVal{name: a.Name, val: ev, str: s})
		}
		axes = append(axes, ax)
	}
	if !ok || len(axes) == 0 {
		return nil, false
	}
	n := int64(1)
	sizes := make([]string, len(axes))
	for i, ax := range axes {
		n = bigCount(n, int64(len(ax.vals)))
		sizes[i] = fmt.Sprint(len(ax.vals))
	}
	if n > MaxInstances {
		ld.diags.add(errorf(m.block.DefRange.Ptr(), "Matrix too large",
			"This matrix has %s instances (%s); a suite may expand to at most %d arm instances. Remove axis values, or split the suite.",
			countString(n), strings.Join(sizes, " × "), MaxInstances))
		return nil, false
	}
	// Cartesian product, first axis outermost.
	combos := []combo{nil}
	for _, ax := range axes {
		next := make([]combo, 0, len(combos)*len(ax.vals))
		for _, c := range combos {
			for _, v := range ax.vals {
				nc := append(append(combo(nil), c...), v)
				next = append(next, nc)
			}
		}
		combos = next
	}
	entries, ok := ld.excludeEntries(m, ctx, outer)
	if !ok {
		return nil, false
	}
	kept := combos[:0:0]
	for _, c := range combos {
		full := append(append(combo(nil), outer...), c...)
		excluded := false
		for i, e := range entries {
			if e.matches(full) {
				m.excludeMatched[i] = true
				excluded = true
			}
		}
		if !excluded {
			kept = append(kept, c)
		}
	}
	return kept, true
}

type excludeEntry map[string]string

func (e excludeEntry) matches(c combo) bool {
	for k, v := range e {
		found := false
		for _, a := range c {
			if a.name == k {
				found = a.str == v
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (e excludeEntry) String() string {
	keys := slices.Sorted(maps.Keys(e))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s = %q", k, e[k])
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// excludeEntries evaluates the exclude attribute: a list of objects whose
// keys are axes in scope (the matrix's own and the enclosing ones).
func (ld *load) excludeEntries(m *matrixDef, ctx *hcl.EvalContext, outer combo) ([]excludeEntry, bool) {
	if m.exclude == nil {
		return nil, true
	}
	m.excludeSeen = true
	scope := m.axisNames()
	for _, a := range outer {
		scope = append(scope, a.name)
	}
	val, diags := m.exclude.Expr.Value(ctx)
	ld.diags.addEval(diags)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return nil, false
	}
	rng := m.exclude.Expr.Range()
	ty := val.Type()
	if val.IsNull() || !(ty.IsListType() || ty.IsTupleType() || ty.IsSetType()) {
		ld.diags.add(errorf(rng.Ptr(), "Invalid exclude",
			"exclude must be a list of objects naming axis values, such as [{ resolution = \"448x448\", precision = \"int8\" }]; this is %s.", friendly(val)))
		return nil, false
	}
	var elemRanges []hcl.Range
	if tc, ok := m.exclude.Expr.(*hclsyntax.TupleConsExpr); ok {
		for _, e := range tc.Exprs {
			elemRanges = append(elemRanges, e.Range())
		}
	}
	var out []excludeEntry
	ok := true
	i := 0
	for it := val.ElementIterator(); it.Next(); i++ {
		_, ev := it.Element()
		er := rng
		if i < len(elemRanges) {
			er = elemRanges[i]
		}
		et := ev.Type()
		if ev.IsNull() || !(et.IsObjectType() || et.IsMapType()) || ev.LengthInt() == 0 {
			ld.diags.add(errorf(er.Ptr(), "Invalid exclude entry",
				"Each exclude entry must be an object naming one or more axis values, such as { precision = \"int8\" }; this is %s.", friendly(ev)))
			ok = false
			continue
		}
		entry := excludeEntry{}
		entryOK := true
		for kit := ev.ElementIterator(); kit.Next(); {
			k, kv := kit.Element()
			key := k.AsString()
			if !contains(scope, key) {
				ld.diags.add(errorf(er.Ptr(), "Unknown axis in exclude",
					"The exclude entry names %q, which is not an axis here.%s Axes in scope: %s.", key, runners.Suggest(key, scope), strings.Join(scope, ", ")))
				entryOK = false
				continue
			}
			s, err := valueString(kv)
			if err != nil {
				ld.diags.add(errorf(er.Ptr(), "Invalid exclude entry", "The value for %q must be a string, number or bool: %v.", key, err))
				entryOK = false
				continue
			}
			entry[key] = s
		}
		if !entryOK {
			ok = false
			continue
		}
		m.excludeEntries[i] = entry.String()
		m.excludeRanges[i] = er
		out = append(out, entry)
	}
	return out, ok
}

// warnUnmatchedExcludes reports exclude entries that matched no instance
// anywhere the matrix was expanded.
func (ld *load) warnUnmatchedExcludes(m *matrixDef) {
	if m == nil || !m.excludeSeen {
		return
	}
	idx := make([]int, 0, len(m.excludeEntries))
	for i := range m.excludeEntries {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		if m.excludeMatched[i] {
			continue
		}
		r := m.excludeRanges[i]
		ld.diags.add(warnf(&r, "Exclude matches nothing",
			"The exclude entry %s matches no combination of the matrix, so it has no effect. Check the axis names and values.", m.excludeEntries[i]))
	}
}

// countString writes a count, or "more than 9223372036854775806" for one
// that bigCount saturated.
func countString(n int64) string {
	if n == math.MaxInt64 {
		return fmt.Sprintf("more than %d", int64(math.MaxInt64-1))
	}
	return fmt.Sprint(n)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// friendly describes a value's type for diagnostics.
func friendly(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return v.Type().FriendlyName()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
