package suites

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// decodeLocals collects every locals block's attributes, checks their
// references, and evaluates them in dependency order. A cycle is reported
// once, naming every local in it.
func (ld *load) decodeLocals(content *hcl.BodyContent) {
	var order []*hcl.Attribute
	for _, blk := range content.Blocks.OfType("locals") {
		attrs, diags := blk.Body.JustAttributes()
		ld.diags.add(diags...)
		for _, a := range sortedAttrs(attrs) {
			if !hclsyntax.ValidIdentifier(a.Name) {
				ld.diags.add(errorf(a.NameRange.Ptr(), "Invalid local value name", badIdentifierDetail))
				continue
			}
			if prev, dup := ld.localDefs[a.Name]; dup {
				ld.diags.add(errorf(a.NameRange.Ptr(), "Duplicate local value definition",
					"A local value named %q was already defined at %s. Local value names must be unique within a suite.", a.Name, prev.Range))
				continue
			}
			ld.localDefs[a.Name] = a
			order = append(order, a)
		}
	}
	for _, a := range order {
		ld.checkRefs(a.Expr, refScope{})
	}

	ld.locals = map[string]cty.Value{}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		switch state[name] {
		case done:
			return
		case visiting:
			// A cycle: the part of the stack from name onwards.
			i := len(stack) - 1
			for i >= 0 && stack[i] != name {
				i--
			}
			cycle := append(append([]string(nil), stack[i:]...), name)
			for _, n := range cycle[:len(cycle)-1] {
				ld.locals[n] = cty.DynamicVal
				state[n] = done
			}
			a := ld.localDefs[name]
			ld.diags.add(errorf(a.NameRange.Ptr(), "Circular reference among local values",
				"The local values refer to each other in a cycle: local.%s. Break the cycle so that each value can be computed from the ones before it.",
				strings.Join(cycle, " → local.")))
			return
		}
		state[name] = visiting
		stack = append(stack, name)
		a := ld.localDefs[name]
		for _, t := range a.Expr.Variables() {
			if t.RootName() != "local" {
				continue
			}
			if dep, ok := traversalAttr(t); ok && ld.localDefs[dep] != nil {
				visit(dep)
			}
		}
		stack = stack[:len(stack)-1]
		if state[name] == done { // it was part of a cycle
			return
		}
		state[name] = done
		ld.locals[name] = ld.evalLocal(a)
	}
	for _, a := range order {
		visit(a.Name)
	}
}

func (ld *load) evalLocal(a *hcl.Attribute) cty.Value {
	ctx := ld.rootCtx(ld.referencedLocals(a.Expr))
	val, diags := a.Expr.Value(ctx)
	ld.diags.addEval(diags)
	if diags.HasErrors() || !ld.checkSize(val, "local."+a.Name, a.Expr.Range()) {
		return cty.DynamicVal
	}
	return val
}

// referencedLocals returns the locals expr refers to, or all of them when it
// uses local as a whole: a context with only these keeps evaluating n locals
// linear in n, where one with every local would make it quadratic.
func (ld *load) referencedLocals(expr hcl.Expression) map[string]cty.Value {
	out := map[string]cty.Value{}
	for _, t := range expr.Variables() {
		if t.RootName() != "local" {
			continue
		}
		name, ok := traversalAttr(t)
		if !ok {
			return ld.allLocals()
		}
		if v, done := ld.locals[name]; done {
			out[name] = v
		} else if ld.localDefs[name] != nil {
			out[name] = cty.DynamicVal
		}
	}
	return out
}

// rootCtx is the suite-level evaluation context: var, local, path and the
// functions. locals holds the locals the context offers (evaluated so far;
// a declared local not yet evaluated reads as unknown, which is only
// possible inside a cycle, which is reported).
func (ld *load) rootCtx(locals map[string]cty.Value) *hcl.EvalContext {
	if ld.varObj == cty.NilVal {
		vars := map[string]cty.Value{}
		for _, v := range ld.vars {
			if v.value == cty.NilVal {
				vars[v.name] = cty.DynamicVal
			} else {
				vars[v.name] = v.value
			}
		}
		ld.varObj = objectOf(vars)
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   ld.varObj,
			"local": objectOf(locals),
			"path": cty.ObjectVal(map[string]cty.Value{
				"suite": cty.StringVal(ld.dir),
				"cwd":   cty.StringVal(ld.cwd),
			}),
		},
		Functions: ld.funcs,
	}
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// allLocals returns every declared local, those not yet evaluated as
// unknown.
func (ld *load) allLocals() map[string]cty.Value {
	all := map[string]cty.Value{}
	for k := range ld.localDefs {
		all[k] = cty.DynamicVal
	}
	for k, v := range ld.locals {
		all[k] = v
	}
	return all
}

func (ld *load) buildContext() { ld.ctx = ld.rootCtx(ld.allLocals()) }
