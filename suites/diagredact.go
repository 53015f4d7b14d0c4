package suites

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// sensitiveValue stands for a sensitive variable's value in diagnostics.
const sensitiveValue = "(sensitive value)"

// diagRedactor hides the values of sensitive variables from diagnostics.
// hcl's diagnostic writer prints the value of every variable an erroneous
// expression refers to ("with var.pw as "hunter2"."), taken from the
// diagnostic's EvalContext, and many details quote a value ("cannot convert
// "hunter2" to number"). The redactor gives each diagnostic a copy of its
// EvalContext in which sensitive variables, and the locals and matrix axes
// computed from them, read as sensitiveValue and every other string has
// their values replaced, and it replaces their values in every summary and
// detail. Text is matched verbatim: a detail that quotes a value a function
// computed from a secret (upper(var.pw)) is not recognised.
type diagRedactor struct {
	vars    map[string]bool // sensitive variables
	locals  map[string]bool // locals whose expression uses a sensitive value
	axes    map[string]bool // matrix axes whose expression uses one
	secrets []string        // their values as text, longest first
	ctxs    map[*hcl.EvalContext]*hcl.EvalContext
}

// newDiagRedactor returns nil when the suite declares no sensitive
// variable.
func (ld *load) newDiagRedactor() *diagRedactor {
	r := &diagRedactor{vars: map[string]bool{}, locals: map[string]bool{}, axes: map[string]bool{}, ctxs: map[*hcl.EvalContext]*hcl.EvalContext{}}
	seen := map[string]bool{}
	for _, v := range ld.vars {
		if !v.sensitive {
			continue
		}
		r.vars[v.name] = true
		for _, val := range append([]cty.Value{v.value}, v.given...) {
			for _, s := range secretTexts(val) {
				if len(s) >= minSecretLen && !seen[s] {
					seen[s] = true
					r.secrets = append(r.secrets, s)
				}
			}
		}
	}
	if len(r.vars) == 0 {
		return nil
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	// A local or a matrix axis is sensitive when its expression refers to a
	// sensitive variable, local or axis. Axes are told apart by name only,
	// so an axis computed from a sensitive value hides every axis of that
	// name.
	type def struct {
		expr hcl.Expression
		name string
		set  map[string]bool
	}
	var defs []def
	for name, a := range ld.localDefs {
		defs = append(defs, def{a.Expr, name, r.locals})
	}
	for _, a := range ld.axisDefs {
		defs = append(defs, def{a.Expr, a.Name, r.axes})
	}
	roots := map[string]map[string]bool{"var": r.vars, "local": r.locals, "matrix": r.axes}
	for changed := true; changed; {
		changed = false
		for _, d := range defs {
			if d.set[d.name] {
				continue
			}
			for _, t := range d.expr.Variables() {
				ref, ok := traversalAttr(t)
				set := roots[t.RootName()]
				// var, local or matrix as a whole holds them all.
				if (ok && set[ref]) || (!ok && len(set) > 0) {
					d.set[d.name], changed = true, true
					break
				}
			}
		}
	}
	return r
}

// secretTexts returns the strings and numbers inside a value as text.
func secretTexts(val cty.Value) []string {
	var out []string
	if val == cty.NilVal {
		return nil
	}
	_ = cty.Walk(val, func(_ cty.Path, v cty.Value) (bool, error) {
		if v.IsNull() || !v.IsKnown() || v.IsMarked() {
			return false, nil
		}
		if v.Type() == cty.String || v.Type() == cty.Number {
			if s, err := valueString(v); err == nil {
				out = append(out, s)
			}
		}
		return true, nil
	})
	return out
}

// text replaces every sensitive value in s.
func (r *diagRedactor) text(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, sensitiveValue)
	}
	return s
}

// value replaces every sensitive value inside the strings of v.
func (r *diagRedactor) value(v cty.Value) cty.Value {
	out, err := cty.Transform(v, func(_ cty.Path, v cty.Value) (cty.Value, error) {
		if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked() {
			return cty.StringVal(r.text(v.AsString())), nil
		}
		return v, nil
	})
	if err != nil {
		return cty.DynamicVal
	}
	return out
}

// object redacts an object of named values (var, local): the attributes
// named in hide become sensitiveValue.
func (r *diagRedactor) object(v cty.Value, hide map[string]bool) cty.Value {
	if v.IsNull() || !v.IsKnown() || v.IsMarked() || !v.Type().IsObjectType() {
		return r.value(v)
	}
	attrs := map[string]cty.Value{}
	for name, av := range v.AsValueMap() {
		if hide[name] {
			attrs[name] = cty.StringVal(sensitiveValue)
		} else {
			attrs[name] = r.value(av)
		}
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(attrs)
}

// ctx returns the redacted copy of c and of its parents.
func (r *diagRedactor) ctx(c *hcl.EvalContext) *hcl.EvalContext {
	if c == nil {
		return nil
	}
	if out, ok := r.ctxs[c]; ok {
		return out
	}
	out := &hcl.EvalContext{}
	if p := c.Parent(); p != nil {
		out = r.ctx(p).NewChild()
	}
	out.Functions = c.Functions
	if c.Variables != nil {
		out.Variables = make(map[string]cty.Value, len(c.Variables))
		for name, v := range c.Variables {
			switch name {
			case "var":
				out.Variables[name] = r.object(v, r.vars)
			case "local":
				out.Variables[name] = r.object(v, r.locals)
			case "matrix":
				out.Variables[name] = r.object(v, r.axes)
			default:
				out.Variables[name] = r.value(v)
			}
		}
	}
	r.ctxs[c] = out
	return out
}

// redact rewrites diags in place.
func (r *diagRedactor) redact(diags hcl.Diagnostics) {
	if r == nil {
		return
	}
	for _, d := range diags {
		d.Summary = r.text(d.Summary)
		d.Detail = r.text(d.Detail)
		d.EvalContext = r.ctx(d.EvalContext)
	}
}

// interpolatesOnly reports whether expr uses var.name only as the whole of
// an interpolation ("... ${var.name} ...") or as the whole expression, so
// that replacing the value by sensitiveValue changes nothing else in the
// text. A function of the value (upper(var.name), length(var.name)) would
// compute something else from the placeholder, or give the secret away.
func interpolatesOnly(expr hcl.Expression, name string) bool {
	uses := func(e hcl.Expression) bool {
		for _, t := range e.Variables() {
			if t.RootName() == "var" {
				return true
			}
		}
		return false
	}
	direct := func(e hclsyntax.Expression) bool {
		st, ok := e.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(st.Traversal) != 2 {
			return false
		}
		ref, ok := traversalAttr(st.Traversal)
		return ok && st.Traversal.RootName() == "var" && ref == name
	}
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return direct(e)
	case *hclsyntax.TemplateWrapExpr:
		return direct(e.Wrapped)
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			if uses(p) && !direct(p) {
				return false
			}
		}
		return true
	}
	return !uses(expr)
}
