package suites

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/benchy-dev/benchy/runners"
)

// Where a variable's value came from, lowest precedence first.
const (
	SourceDefault = "default"
	SourceEnv     = "env"
	SourceVarFile = "var-file"
	SourceCLI     = "cli"
)

// EnvPrefix starts the environment variables that set suite variables.
const EnvPrefix = "BENCHY_VAR_"

// AutoVarFilePattern names the variable files loaded automatically from a
// suite's directory (the current directory for built-in suites).
const AutoVarFilePattern = "*.auto.benchyvars.hcl"

type validation struct {
	condition hcl.Expression
	message   hcl.Expression
	rng       hcl.Range
}

// variable is one declared input variable while it is being resolved.
type variable struct {
	name        string
	typ         cty.Type
	typed       bool
	defaults    *typeexpr.Defaults
	description string
	sensitive   bool
	validations []validation
	decl        hcl.Range

	value  cty.Value // cty.NilVal until a source sets it
	source string
	ok     bool // value is valid
	// given holds every value a source offered, overridden and unsuitable
	// ones included, so that diagnostics can hide all of a sensitive
	// variable's values.
	given []cty.Value
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

const badIdentifierDetail = "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."

func (ld *load) varNames() []string {
	out := make([]string, len(ld.vars))
	for i, v := range ld.vars {
		out[i] = v.name
	}
	return out
}

func (ld *load) decodeVariables(content *hcl.BodyContent) {
	for _, blk := range content.Blocks.OfType("variable") {
		name := blk.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			ld.diags.add(errorf(blk.LabelRanges[0].Ptr(), "Invalid variable name", badIdentifierDetail))
			continue
		}
		if prev, dup := ld.varIndex[name]; dup {
			ld.diags.add(errorf(blk.DefRange.Ptr(), "Duplicate variable declaration",
				"A variable named %q was already declared at %s. Variable names must be unique within a suite.", name, prev.decl))
			continue
		}
		v := &variable{name: name, typ: cty.DynamicPseudoType, decl: blk.DefRange}
		ld.vars = append(ld.vars, v)
		ld.varIndex[name] = v

		body, diags := blk.Body.Content(variableSchema)
		ld.diags.add(diags...)
		if a, ok := body.Attributes["type"]; ok {
			ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
			ld.diags.add(diags...)
			if !diags.HasErrors() {
				v.typ, v.defaults, v.typed = ty, defaults, true
			}
		}
		if a, ok := body.Attributes["description"]; ok {
			ld.decodeLiteral(a, cty.String, func(val cty.Value) { v.description = val.AsString() })
		}
		if a, ok := body.Attributes["sensitive"]; ok {
			ld.decodeLiteral(a, cty.Bool, func(val cty.Value) { v.sensitive = val.True() })
		}
		if a, ok := body.Attributes["default"]; ok {
			val, diags := a.Expr.Value(nil)
			ld.diags.add(diags...)
			if diags.HasErrors() {
				v.value, v.source = cty.DynamicVal, SourceDefault
			} else {
				v.given = append(v.given, val)
				if cv, err := v.convert(val); err != nil {
					// A sensitive default's own line would show the value:
					// point at the declaration instead.
					subject := a.Expr.Range().Ptr()
					if v.sensitive {
						subject = v.decl.Ptr()
					}
					ld.diags.add(errorf(subject, "Invalid default value for variable",
						"This default value is not compatible with the variable's type constraint: %s.", err))
					v.value, v.source = cty.DynamicVal, SourceDefault
				} else {
					v.value, v.source, v.ok = cv, SourceDefault, true
				}
			}
		}
		for _, vb := range body.Blocks.OfType("validation") {
			vc, diags := vb.Body.Content(validationSchema)
			ld.diags.add(diags...)
			cond, okc := vc.Attributes["condition"]
			msg, okm := vc.Attributes["error_message"]
			if !okc || !okm {
				continue
			}
			v.validations = append(v.validations, validation{condition: cond.Expr, message: msg.Expr, rng: vb.DefRange})
		}
	}
	// Validation conditions are checked statically once all names are known.
	for _, v := range ld.vars {
		for _, val := range v.validations {
			ld.checkRefs(val.condition, refScope{selfVar: v.name})
			ld.checkRefs(val.message, refScope{selfVar: v.name})
		}
	}
}

// decodeLiteral evaluates a constant attribute of type ty and hands the
// non-null result to set.
func (ld *load) decodeLiteral(a *hcl.Attribute, ty cty.Type, set func(cty.Value)) {
	val, diags := a.Expr.Value(nil)
	ld.diags.addEval(diags)
	if diags.HasErrors() {
		return
	}
	cv, err := convert.Convert(val, ty)
	if err != nil {
		ld.diags.add(errorf(a.Expr.Range().Ptr(), "Incorrect attribute value type",
			"Inappropriate value for attribute %q: %s.", a.Name, err))
		return
	}
	if cv.IsNull() || !cv.IsKnown() {
		return
	}
	set(cv)
}

// convert applies the type constraint (and its optional-attribute defaults).
func (v *variable) convert(val cty.Value) (cty.Value, error) {
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	out, err := convert.Convert(val, v.typ)
	if err != nil {
		return cty.NilVal, err
	}
	if !out.IsWhollyKnown() {
		return cty.NilVal, fmt.Errorf("the value must be known")
	}
	return out, nil
}

// parseRaw turns a value from the environment or the command line into a
// cty value: literally for primitive (and untyped) variables, as an HCL
// expression for collections and objects (Packer's rule).
func (v *variable) parseRaw(raw, what string) (cty.Value, hcl.Diagnostics) {
	if !v.typed || v.typ.IsPrimitiveType() {
		return cty.StringVal(raw), nil
	}
	if off, _ := hclTooDeep([]byte(raw)); off >= 0 {
		return cty.NilVal, hcl.Diagnostics{errorf(nil, "Nesting too deep",
			"The value nests more than %d levels deep.", MaxNesting)}
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), what, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	return expr.Value(nil)
}

// setRawVar parses raw, a value from the environment or the command line
// (named parseName in a parse error's position), and applies it; a value
// that does not parse is an error and leaves the variable unknown.
func (ld *load) setRawVar(v *variable, raw, parseName, source, what string) {
	cv, diags := v.parseRaw(raw, parseName)
	if diags.HasErrors() {
		v.given = append(v.given, cty.StringVal(raw))
		ld.diags.add(varParseError(v, what, diags))
		v.value, v.ok, v.source = cty.DynamicVal, false, source
		return
	}
	ld.setVar(v, cv, source, what, nil)
}

// set applies a value from a source above the default.
func (ld *load) setVar(v *variable, val cty.Value, source, what string, subject *hcl.Range) {
	v.given = append(v.given, val)
	cv, err := v.convert(val)
	if err != nil {
		if subject == nil {
			subject = v.decl.Ptr()
		}
		ld.diags.add(errorf(subject, "Invalid value for variable",
			"The value for variable %q given by %s is not suitable: %s.", v.name, what, err))
		v.value, v.source, v.ok = cty.DynamicVal, source, false
		return
	}
	v.value, v.source, v.ok = cv, source, true
}

func (ld *load) resolveVariables() {
	// Environment.
	for _, kv := range ld.l.opts.Env {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvPrefix) {
			continue
		}
		v := ld.varIndex[strings.TrimPrefix(k, EnvPrefix)]
		if v == nil {
			continue
		}
		ld.setRawVar(v, val, k, SourceEnv, "the environment variable "+k)
	}
	// Variable files: the automatic ones in sorted order, then --var-file.
	auto, _ := filepath.Glob(filepath.Join(ld.dir, AutoVarFilePattern))
	sort.Strings(auto)
	for _, f := range auto {
		ld.applyVarFile(f)
	}
	for _, f := range ld.l.opts.VarFiles {
		ld.applyVarFile(f)
	}
	// Command line.
	for _, arg := range ld.l.opts.Vars {
		name, raw, ok := strings.Cut(arg, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			ld.diags.add(errorf(nil, "Invalid --var argument",
				"The argument %q is not of the form NAME=VALUE, e.g. --var rows=1000000.", arg))
			continue
		}
		v := ld.varIndex[name]
		if v == nil {
			ld.diags.add(errorf(nil, "Value for undeclared variable",
				"A variable named %q was assigned on the command line, but %s does not declare it.%s To use this value, add a variable block to the suite:\n\n  variable %q {\n    type = string\n  }",
				name, ld.filename, runners.Suggest(name, ld.varNames()), name))
			continue
		}
		ld.setRawVar(v, raw, "--var "+name, SourceCLI, "--var "+name)
	}
	for _, v := range ld.vars {
		if v.value == cty.NilVal {
			ld.diags.add(errorf(v.decl.Ptr(), "No value for required variable",
				"The variable %q has no default value; set it with --var %s=VALUE, a --var-file, or the environment variable %s%s.",
				v.name, v.name, EnvPrefix, v.name))
			v.value = cty.DynamicVal
			continue
		}
		if v.ok {
			ld.validate(v)
		}
	}
}

// varParseError reports a value from the command line or environment that
// is not valid HCL for a collection-typed variable.
func varParseError(v *variable, what string, diags hcl.Diagnostics) *hcl.Diagnostic {
	msg := diags[0].Summary
	// The detail may quote a part of the text, which for a sensitive
	// variable is part of a secret.
	if diags[0].Detail != "" && !v.sensitive {
		msg += ": " + diags[0].Detail
	} else if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return errorf(v.decl.Ptr(), "Invalid value for variable",
		"The value for variable %q given by %s is not a valid HCL expression for type %s: %s",
		v.name, what, typeexpr.TypeString(v.typ), msg)
}

// parseVarFile reads and parses a variable file once per loader.
func (l *Loader) parseVarFile(path string) (*hcl.File, hcl.Diagnostics) {
	if f, ok := l.parser.Files()[path]; ok {
		return f, nil
	}
	src, err := l.readSource(path)
	if err != nil {
		return nil, hcl.Diagnostics{errorf(nil, "Cannot read variable file", "%v.", err)}
	}
	return l.parseSource(path, src)
}

func (ld *load) applyVarFile(path string) {
	f, diags := ld.l.parseVarFile(path)
	if f == nil && !diags.HasErrors() {
		diags = append(diags, errorf(nil, "Cannot read variable file", "The variable file %s could not be read.", path))
	}
	ld.diags.add(diags...)
	if diags.HasErrors() || f == nil {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	ld.diags.add(diags...)
	for _, a := range sortedAttrs(attrs) {
		v := ld.varIndex[a.Name]
		if v == nil {
			ld.diags.add(warnf(a.NameRange.Ptr(), "Value for undeclared variable",
				"The variable file assigns %q, but %s does not declare a variable of that name; the value is ignored.%s",
				a.Name, ld.filename, runners.Suggest(a.Name, ld.varNames())))
			continue
		}
		val, diags := a.Expr.Value(nil)
		what, subject := "the variable file "+path, a.Expr.Range().Ptr()
		if v.sensitive {
			// A diagnostic's source snippet would print the line that
			// holds the value: point at the declaration instead.
			what = fmt.Sprintf("the variable file %s (line %d, not shown because the variable is sensitive)", path, a.NameRange.Start.Line)
			subject = nil
			for _, d := range diags {
				d.Detail = strings.TrimSpace(d.Detail + " The value was given by " + what + ".")
				d.Subject, d.Context, d.Expression, d.EvalContext = v.decl.Ptr(), nil, nil, nil
			}
		}
		ld.diags.add(diags...)
		if diags.HasErrors() {
			v.value, v.ok, v.source = cty.DynamicVal, false, SourceVarFile
			continue
		}
		ld.setVar(v, val, SourceVarFile, what, subject)
	}
}

// validate runs the variable's validation rules on its resolved value.
func (ld *load) validate(v *variable) {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.name: v.value})},
		Functions: ld.funcs,
	}
	for _, rule := range v.validations {
		res, diags := rule.condition.Value(ctx)
		ld.diags.addEval(diags)
		if diags.HasErrors() {
			continue
		}
		res, err := convert.Convert(res, cty.Bool)
		if err != nil || res.IsNull() || !res.IsKnown() {
			ld.diags.add(errorf(rule.condition.Range().Ptr(), "Invalid validation condition",
				"The condition must be true or false."))
			continue
		}
		if res.True() {
			continue
		}
		msg := "The value is not valid."
		mctx := ctx
		if v.sensitive {
			// "${var.pw}" reads as (sensitive value); a message computed
			// from the value any other way is not shown at all.
			mctx = &hcl.EvalContext{
				Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.name: cty.StringVal(sensitiveValue)})},
				Functions: ctx.Functions,
			}
			if !interpolatesOnly(rule.message, v.name) {
				mctx, msg = nil, "The error message is computed from the variable's sensitive value, so it is not shown."
			}
		}
		if mctx != nil {
			mv, diags := rule.message.Value(mctx)
			if !diags.HasErrors() {
				if s, err := convert.Convert(mv, cty.String); err == nil && s.IsKnown() && !s.IsNull() {
					msg = s.AsString()
				}
			}
		}
		detail := msg
		if v.source != SourceDefault {
			detail += fmt.Sprintf("\n\nThe value came from %s.", sourceWords(v.source))
		}
		detail += fmt.Sprintf("\n\nThis was checked by the validation rule at %s.", rule.rng)
		ld.diags.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable", Detail: detail, Subject: v.decl.Ptr()})
		v.ok = false
	}
}

func sourceWords(src string) string {
	switch src {
	case SourceEnv:
		return "the environment (" + EnvPrefix + "<name>)"
	case SourceVarFile:
		return "a variable file"
	case SourceCLI:
		return "the command line (--var)"
	}
	return "the default"
}

// planVariables records the resolved variables in declaration order.
func (ld *load) planVariables() []Variable {
	out := make([]Variable, 0, len(ld.vars))
	for _, v := range ld.vars {
		if !v.ok || !v.value.IsWhollyKnown() {
			continue
		}
		b, err := ctyjson.Marshal(v.value, v.value.Type())
		if err != nil {
			ld.diags.add(errorf(v.decl.Ptr(), "Cannot record variable", "The value of %q cannot be written as JSON: %v.", v.name, err))
			continue
		}
		out = append(out, Variable{
			Name:        v.name,
			Value:       json.RawMessage(b),
			Sensitive:   v.sensitive,
			Description: v.description,
			Source:      v.source,
		})
	}
	return out
}
