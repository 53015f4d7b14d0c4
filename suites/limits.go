package suites

import (
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Limits on what a suite may expand to. A plan of 10^6 arm instances took
// 2 GB and 35 s to build, and no benchmark can run that many arms; the
// value limits stop matrices, setproduct, range and concat chains that
// would grow until memory runs out.
const (
	// MaxInstances is the most arm instances a suite may expand to, over
	// all its workload instances.
	MaxInstances = 10000
	// MaxElements is the most elements (of lists, sets, tuples, maps and
	// objects, counted through every level) one value may have: a local,
	// a matrix axis, a function's result or a for expression's collection.
	MaxElements = 100000
	// MaxStringBytes is the longest string one value may hold.
	MaxStringBytes = 1 << 20
	// MaxEvalElements is the most elements all function results and for
	// expression iterations of one load may add up to; it bounds nested
	// for expressions, each within MaxElements, whose product is not.
	MaxEvalElements = 1000000
)

// budget counts what the evaluation of one load has produced.
type budget struct{ elements int }

// valueSize returns the number of elements in v, through every level, and
// the length of its longest string; it stops counting past MaxElements.
func valueSize(v cty.Value) (elements, longest int) {
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		if elements > MaxElements || v.IsNull() || !v.IsKnown() {
			return
		}
		v, _ = v.Unmark()
		ty := v.Type()
		switch {
		case ty == cty.String:
			longest = max(longest, len(v.AsString()))
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
			elements += v.LengthInt()
			for it := v.ElementIterator(); it.Next() && elements <= MaxElements; {
				_, ev := it.Element()
				walk(ev)
			}
		}
	}
	walk(v)
	return elements, longest
}

// sizeProblem says why v is too large, or "".
func sizeProblem(v cty.Value) string {
	n, longest := valueSize(v)
	switch {
	case n > MaxElements:
		return fmt.Sprintf("it has more than %d elements, the most one value may have", MaxElements)
	case longest > MaxStringBytes:
		return fmt.Sprintf("it holds a string of %d bytes; a string may have at most %d bytes", longest, MaxStringBytes)
	}
	return ""
}

// checkSize reports a value that is too large, as what (e.g. "local.x"),
// at rng; it reports whether the value is within the limits.
func (ld *load) checkSize(v cty.Value, what string, rng hcl.Range) bool {
	if p := sizeProblem(v); p != "" {
		ld.diags.add(errorf(&rng, "Value too large", "The value of %s is too large: %s.", what, p))
		return false
	}
	return true
}

// spend counts n elements against the load's budget and returns an error
// once it is spent.
func (b *budget) spend(n int) error {
	b.elements += n
	if b.elements > MaxEvalElements {
		return fmt.Errorf("evaluating this suite has produced more than %d values in all, the most one suite may; a matrix, for expression or function call expands too far", MaxEvalElements)
	}
	return nil
}

// limitedFunctions wraps every function so that a result larger than
// MaxElements is an error, and counts results against b. range and
// setproduct are checked before they run, as their results can be too
// large to build at all.
func limitedFunctions(b *budget) map[string]function.Function {
	out := map[string]function.Function{}
	for name, f := range functions() {
		out[name] = limitFunction(name, f, b)
	}
	out[budgetFunc] = budgetFunction(b)
	return out
}

func limitFunction(name string, f function.Function, b *budget) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        func(args []cty.Value) (cty.Type, error) { return f.ReturnTypeForValues(args) },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if n, ok := expectedLength(name, args); ok && n > MaxElements {
				return cty.NilVal, fmt.Errorf("%s would return %.0f elements; one value may have at most %d", name, n, MaxElements)
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if p := sizeProblem(v); p != "" {
				return cty.NilVal, fmt.Errorf("the result of %s is too large: %s", name, p)
			}
			n, _ := valueSize(v)
			if err := b.spend(n); err != nil {
				return cty.NilVal, err
			}
			return v, nil
		},
	}
	return function.New(spec)
}

// expectedLength is the length of what range or setproduct would return,
// when the arguments are known.
func expectedLength(name string, args []cty.Value) (float64, bool) {
	for _, a := range args {
		if !a.IsWhollyKnown() || a.IsNull() {
			return 0, false
		}
	}
	switch name {
	case "range":
		nums := make([]float64, len(args))
		for i, a := range args {
			if a.Type() != cty.Number {
				return 0, false
			}
			nums[i], _ = a.AsBigFloat().Float64()
		}
		start, limit, step := 0.0, 0.0, 1.0
		switch len(nums) {
		case 1:
			limit = nums[0]
		case 2:
			start, limit = nums[0], nums[1]
			if limit < start {
				step = -1
			}
		case 3:
			start, limit, step = nums[0], nums[1], nums[2]
		default:
			return 0, false
		}
		if step == 0 {
			return 0, false
		}
		return math.Max(0, math.Ceil((limit-start)/step)), true
	case "setproduct":
		n := 1.0
		for _, a := range args {
			if !a.CanIterateElements() {
				return 0, false
			}
			n *= float64(a.LengthInt())
		}
		return n, true
	}
	return 0, false
}

// budgetFunc is the hidden function limitForExpressions puts around the
// collection of every for expression: it counts the collection's elements
// against the load's budget before the for expression iterates over them.
const budgetFunc = "benchy::for_budget"

func budgetFunction(b *budget) function.Function {
	return function.New(&function.Spec{
		Description: "Counts a for expression's collection against the suite's expansion budget.",
		Params: []function.Parameter{{
			Name: "collection", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
				return v, nil
			}
			n := v.LengthInt()
			if n > MaxElements {
				return cty.NilVal, fmt.Errorf("a for expression would iterate over %d elements; one value may have at most %d", n, MaxElements)
			}
			return v, b.spend(n)
		},
	})
}

// limitForExpressions wraps the collection of every for expression in body
// in a call of budgetFunc, once per file. A call is an hclsyntax node of its
// own, so references inside the collection stay visible to Variables.
func (l *Loader) limitForExpressions(body hcl.Body) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
		fe, ok := n.(*hclsyntax.ForExpr)
		if !ok {
			return nil
		}
		if call, done := fe.CollExpr.(*hclsyntax.FunctionCallExpr); done && call.Name == budgetFunc {
			return nil
		}
		r := fe.CollExpr.Range()
		fe.CollExpr = &hclsyntax.FunctionCallExpr{
			Name: budgetFunc, Args: []hclsyntax.Expression{fe.CollExpr},
			NameRange: r, OpenParenRange: r, CloseParenRange: r,
		}
		return nil
	})
}

// bigCount multiplies instance counts, saturating at math.MaxInt64.
func bigCount(a, b int64) int64 {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	if !p.IsInt64() {
		return math.MaxInt64
	}
	return p.Int64()
}
