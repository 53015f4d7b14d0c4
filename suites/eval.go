package suites

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/benchy-dev/benchy/runners"
)

// functions are the functions a suite may call: the cty standard library
// under the names HCL's guide gives them, plus try and can. Nothing reads
// the filesystem or the environment.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":        stdlib.AbsoluteFunc,
		"can":        tryfunc.CanFunc,
		"ceil":       stdlib.CeilFunc,
		"chunklist":  stdlib.ChunklistFunc,
		"coalesce":   stdlib.CoalesceFunc,
		"compact":    stdlib.CompactFunc,
		"concat":     stdlib.ConcatFunc,
		"contains":   stdlib.ContainsFunc,
		"distinct":   stdlib.DistinctFunc,
		"element":    stdlib.ElementFunc,
		"flatten":    stdlib.FlattenFunc,
		"floor":      stdlib.FloorFunc,
		"format":     stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc,
		"join":       stdlib.JoinFunc,
		"jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"keys":       stdlib.KeysFunc,
		"length":     stdlib.LengthFunc,
		"log":        stdlib.LogFunc,
		"lookup":     stdlib.LookupFunc,
		"lower":      stdlib.LowerFunc,
		"max":        stdlib.MaxFunc,
		"merge":      stdlib.MergeFunc,
		"min":        stdlib.MinFunc,
		"parseint":   stdlib.ParseIntFunc,
		"pow":        stdlib.PowFunc,
		"range":      stdlib.RangeFunc,
		"regex":      stdlib.RegexFunc,
		"regexall":   stdlib.RegexAllFunc,
		"replace":    stdlib.ReplaceFunc,
		"reverse":    stdlib.ReverseListFunc,
		"setproduct": stdlib.SetProductFunc,
		"signum":     stdlib.SignumFunc,
		"slice":      stdlib.SliceFunc,
		"sort":       stdlib.SortFunc,
		"split":      stdlib.SplitFunc,
		"strlen":     stdlib.StrlenFunc,
		"substr":     stdlib.SubstrFunc,
		"title":      stdlib.TitleFunc,
		"tobool":     stdlib.MakeToFunc(cty.Bool),
		"tolist":     stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":      stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":   stdlib.MakeToFunc(cty.Number),
		"toset":      stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":   stdlib.MakeToFunc(cty.String),
		"trim":       stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
		"try":        tryfunc.TryFunc,
		"upper":      stdlib.UpperFunc,
		"values":     stdlib.ValuesFunc,
		"zipmap":     stdlib.ZipmapFunc,
	}
}

// pathAttrs are the attributes of the path object.
var pathAttrs = []string{"cwd", "suite"}

// refScope says which references an expression may make.
type refScope struct {
	// matrix is true inside workload and arm blocks; axes then lists the
	// matrix axes in scope.
	matrix bool
	axes   []string
	// selfVar, when set, restricts var references to var.<selfVar> (a
	// variable's validation condition).
	selfVar string
	// note, when set, explains the scope in matrix diagnostics.
	note string
}

// checkRefs reports references to undeclared variables, locals, matrix
// axes and path attributes before the expression is evaluated, with a
// "Did you mean" hint; the evaluator's own messages for these are vaguer.
func (ld *load) checkRefs(expr hcl.Expression, sc refScope) {
	if expr == nil {
		return
	}
	for _, t := range expr.Variables() {
		if d := ld.checkRef(t, sc); d != nil {
			ld.diags.add(d)
		}
	}
}

func traversalAttr(t hcl.Traversal) (string, bool) {
	if len(t) < 2 {
		return "", false
	}
	switch s := t[1].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull() {
			return s.Key.AsString(), true
		}
	}
	return "", false
}

// notSelf is the error for a reference, in the condition of a variable's
// validation rule, to anything but that variable.
func (sc refScope) notSelf(rng *hcl.Range) *hcl.Diagnostic {
	return errorf(rng, "Invalid reference in variable validation",
		"The condition of a validation rule may refer only to the variable it validates, var.%s.", sc.selfVar)
}

func (ld *load) checkRef(t hcl.Traversal, sc refScope) *hcl.Diagnostic {
	root := t.RootName()
	rng := t.SourceRange().Ptr()
	name, hasName := traversalAttr(t)
	switch root {
	case "var":
		if sc.selfVar != "" && (!hasName || name != sc.selfVar) {
			return sc.notSelf(rng)
		}
		if !hasName {
			return nil
		}
		if _, ok := ld.varIndex[name]; !ok {
			return errorf(rng, "Reference to undeclared input variable",
				"An input variable with the name %q has not been declared.%s To declare it, add:\n\n  variable %q {\n    type = string\n  }",
				name, runners.Suggest(name, ld.varNames()), name)
		}
	case "local":
		if sc.selfVar != "" {
			return sc.notSelf(rng)
		}
		if !hasName {
			return nil
		}
		if _, ok := ld.localDefs[name]; !ok {
			return errorf(rng, "Reference to undeclared local value",
				"A local value with the name %q has not been declared.%s", name, runners.Suggest(name, slices.Sorted(maps.Keys(ld.localDefs))))
		}
	case "matrix":
		if !sc.matrix {
			detail := "matrix.* refers to the axes of a workload's or arm's matrix {} block, so it can only be used inside a workload or arm."
			if sc.note != "" {
				detail = sc.note
			}
			return errorf(rng, "Matrix value not available here", "%s", detail)
		}
		if !hasName {
			return nil
		}
		for _, a := range sc.axes {
			if a == name {
				return nil
			}
		}
		inScope := "No matrix axes are declared in this scope."
		if len(sc.axes) > 0 {
			inScope = "Axes in scope: " + strings.Join(sc.axes, ", ") + "."
		}
		if sc.note != "" {
			inScope += " " + sc.note
		}
		return errorf(rng, "Reference to undeclared matrix axis",
			"There is no matrix axis named %q here.%s %s", name, runners.Suggest(name, sc.axes), inScope)
	case "path":
		if !hasName {
			return nil
		}
		for _, a := range pathAttrs {
			if a == name {
				return nil
			}
		}
		return errorf(rng, "Unsupported path attribute",
			"The path object has the attributes %s; there is no path.%s.%s",
			strings.Join(pathAttrs, " and "), name, runners.Suggest(name, pathAttrs))
	default:
		roots := []string{"var", "local", "path"}
		if sc.matrix {
			roots = append(roots, "matrix")
		}
		extra := ""
		if root == "env" {
			extra = " The environment reaches a suite only through declared variables: declare a variable and set it with BENCHY_VAR_<name>."
		}
		return errorf(rng, "Unknown variable",
			"There is no variable named %q.%s Values are referenced as var.<name>, local.<name>, matrix.<axis> or path.<suite|cwd>.%s",
			root, runners.Suggest(root, roots), extra)
	}
	return nil
}

// bodyExprs returns the expressions of every attribute in body, nested
// blocks included for native syntax.
func bodyExprs(body hcl.Body) []hcl.Expression {
	var out []hcl.Expression
	if sb, ok := body.(*hclsyntax.Body); ok {
		var walk func(b *hclsyntax.Body)
		walk = func(b *hclsyntax.Body) {
			attrs := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
			for _, a := range b.Attributes {
				attrs = append(attrs, a)
			}
			sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
			for _, a := range attrs {
				out = append(out, a.Expr)
			}
			for _, blk := range b.Blocks {
				walk(blk.Body)
			}
		}
		walk(sb)
		return out
	}
	attrs, _ := body.JustAttributes()
	for _, a := range sortedAttrs(attrs) {
		out = append(out, a.Expr)
	}
	return out
}

// sortedAttrs returns attributes in source order (JustAttributes and
// Content return maps).
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Range.Start.Byte != out[j].Range.Start.Byte {
			return out[i].Range.Start.Byte < out[j].Range.Start.Byte
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// childCtx returns a context for one matrix instance. Functions are copied
// into the child because hcl builds its "Did you mean" list for unknown
// functions from the innermost context only.
func childCtx(parent *hcl.EvalContext, matrix map[string]cty.Value) *hcl.EvalContext {
	c := parent.NewChild()
	c.Functions = parent.Functions
	m := cty.EmptyObjectVal
	if len(matrix) > 0 {
		m = cty.ObjectVal(matrix)
	}
	c.Variables = map[string]cty.Value{"matrix": m}
	return c
}

// valueString is a primitive value as it appears in names: strings as they
// are, numbers in their shortest decimal form, bools as true/false.
func valueString(v cty.Value) (string, error) {
	if v.IsNull() {
		return "", fmt.Errorf("null is not allowed")
	}
	if !v.IsKnown() {
		return "", fmt.Errorf("value is not known")
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), nil
	case cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			i, _ := bf.Int(nil)
			return i.String(), nil
		}
		return bf.Text('g', -1), nil
	case cty.Bool:
		if v.True() {
			return "true", nil
		}
		return "false", nil
	}
	return "", fmt.Errorf("a string, number or bool is required, not %s", v.Type().FriendlyName())
}
