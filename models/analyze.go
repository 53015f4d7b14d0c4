package models

import (
	"fmt"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// Stats are counts read from a model's graph.
type Stats struct {
	// Inputs and Outputs are the graph's inputs (initializers excluded) and
	// outputs; a dynamic axis has size -1.
	Inputs  []Tensor `json:"inputs"`
	Outputs []Tensor `json:"outputs"`
	// FloatParams counts the elements of floating-point initializers.
	FloatParams int64 `json:"float_params"`
	// Params counts the elements of the weights and biases of Conv,
	// ConvTranspose, Gemm and MatMul, whatever their element type (so an
	// INT8 model's Params equals its FP32 source's).
	Params int64 `json:"params"`
	// WeightBytes is the size of all initializer data.
	WeightBytes int64 `json:"weight_bytes"`
	// MACs counts multiply-accumulates of Conv, ConvTranspose, Gemm and
	// MatMul, from the shapes the graph declares (inputs, outputs,
	// value_info, initializers).
	MACs int64 `json:"macs"`
	// Unsized lists the nodes whose MACs could not be counted because a
	// shape was not declared; MACs then undercounts.
	Unsized []string `json:"unsized,omitempty"`
	// Ops counts nodes by operator type.
	Ops map[string]int `json:"ops"`
}

// elemTypeName names an ONNX element type the way numpy does.
func elemTypeName(dt int32) string {
	switch dt {
	case dtFloat:
		return "float32"
	case dtFloat16:
		return "float16"
	case dtDouble:
		return "float64"
	case dtBF16:
		return "bfloat16"
	case dtUint8:
		return "uint8"
	case dtInt8:
		return "int8"
	case dtInt32:
		return "int32"
	case dtInt64:
		return "int64"
	case dtBool:
		return "bool"
	}
	return strings.ToLower(onnx.TensorProto_DataType(dt).String())
}

// shapeOf reads a ValueInfoProto's tensor type; unknown axes are -1.
func shapeOf(vi *onnx.ValueInfoProto) (elem int32, dims []int64, ok bool) {
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		return 0, nil, false
	}
	if tt.Shape == nil {
		return tt.ElemType, nil, false
	}
	dims = make([]int64, len(tt.Shape.Dim))
	for i, d := range tt.Shape.Dim {
		dims[i] = -1
		if v, isVal := d.Value.(*onnx.TensorShapeProto_Dimension_DimValue); isVal && v.DimValue > 0 {
			dims[i] = v.DimValue
		}
	}
	return tt.ElemType, dims, true
}

func known(dims []int64) bool {
	for _, d := range dims {
		if d < 0 {
			return false
		}
	}
	return dims != nil
}

// Analyze counts a model's parameters and MACs and lists its inputs and
// outputs. It reads only what the graph declares; subgraphs (If, Loop) are
// not descended into.
func Analyze(m *onnx.ModelProto) (Stats, error) {
	g := m.GetGraph()
	if g == nil {
		return Stats{}, fmt.Errorf("model has no graph")
	}
	a := newAnalysis(g)
	for _, n := range g.Node {
		a.st.Ops[n.OpType]++
		if n.Domain != "" && n.Domain != "ai.onnx" {
			continue
		}
		macs, sized, err := a.macs(n)
		if err != nil {
			return Stats{}, err
		}
		if !sized {
			continue
		}
		if macs < 0 {
			a.st.Unsized = append(a.st.Unsized, fmt.Sprintf("%s %q", n.OpType, n.Name))
			continue
		}
		a.st.MACs += macs
	}
	return a.st, nil
}

// analysis is what Analyze knows of a graph: its initializers, the shapes
// it declares, each tensor's producer and the parameters counted so far.
type analysis struct {
	st       Stats
	inits    map[string]*onnx.TensorProto
	shapes   map[string][]int64
	producer map[string]*onnx.NodeProto
	counted  map[string]bool
}

func newAnalysis(g *onnx.GraphProto) *analysis {
	a := &analysis{
		st:    Stats{Ops: map[string]int{}},
		inits: map[string]*onnx.TensorProto{}, shapes: map[string][]int64{},
		producer: map[string]*onnx.NodeProto{}, counted: map[string]bool{},
	}
	for _, t := range g.Initializer {
		a.inits[t.Name] = t
		n := numElements(t.Dims)
		if isFloatType(t.DataType) {
			a.st.FloatParams += n
		}
		a.st.WeightBytes += int64(len(t.RawData)) + 4*int64(len(t.FloatData)+len(t.Int32Data)) + 8*int64(len(t.Int64Data)+len(t.DoubleData))
	}
	for name, t := range a.inits {
		a.shapes[name] = t.Dims
	}
	collect := func(vis []*onnx.ValueInfoProto, into *[]Tensor) {
		for _, vi := range vis {
			elem, dims, ok := shapeOf(vi)
			if ok && known(dims) {
				a.shapes[vi.Name] = dims
			}
			if into != nil && a.inits[vi.Name] == nil {
				*into = append(*into, Tensor{Name: vi.Name, Type: elemTypeName(elem), Shape: dims})
			}
		}
	}
	collect(g.Input, &a.st.Inputs)
	collect(g.Output, &a.st.Outputs)
	collect(g.ValueInfo, nil)
	for _, n := range g.Node {
		for _, o := range n.Output {
			a.producer[o] = n
		}
	}
	return a
}

// param resolves a weight input through DequantizeLinear and Cast to the
// initializer holding it.
func (a *analysis) param(name string) *onnx.TensorProto {
	for range 4 {
		if t := a.inits[name]; t != nil {
			return t
		}
		p := a.producer[name]
		if p == nil || (p.OpType != "DequantizeLinear" && p.OpType != "Cast") || len(p.Input) == 0 {
			return nil
		}
		name = p.Input[0]
	}
	return nil
}

// countParam counts the parameter behind a weight input once, and returns
// its shape.
func (a *analysis) countParam(name string) []int64 {
	t := a.param(name)
	if t == nil {
		return a.shapes[name]
	}
	if !a.counted[t.Name] {
		a.counted[t.Name] = true
		a.st.Params += numElements(t.Dims)
	}
	return t.Dims
}

// macs counts a node's parameters and returns its multiply-accumulates:
// sized is false for an operator whose MACs are not counted, and macs is -1
// when the shapes it needs are unknown.
func (a *analysis) macs(n *onnx.NodeProto) (macs int64, sized bool, err error) {
	switch n.OpType {
	case "Conv", "ConvTranspose", "Gemm", "MatMul":
	default:
		return 0, false, nil
	}
	if len(n.Input) < 2 {
		return 0, false, fmt.Errorf("node %q (%s): fewer than 2 inputs", n.Name, n.OpType)
	}
	out0, err := firstOutput(n)
	if err != nil {
		return 0, false, err
	}
	// The weight (B of Gemm and MatMul) and the bias (C of Gemm), each
	// resolved to its initializer once.
	w := a.countParam(n.Input[1])
	if n.OpType != "MatMul" && len(n.Input) > 2 && n.Input[2] != "" {
		a.countParam(n.Input[2])
	}
	macs = -1
	if n.OpType == "Conv" || n.OpType == "ConvTranspose" {
		spatial := a.shapes[out0]
		if n.OpType == "ConvTranspose" {
			spatial = a.shapes[n.Input[0]]
		}
		if known(w) && known(spatial) && len(w) >= 2 {
			macs = numElements(spatial) * numElements(w[1:])
		}
		return macs, true, nil
	}
	out := a.shapes[out0]
	if known(w) && known(out) && len(w) >= 2 {
		k := w[len(w)-2]
		if n.OpType == "Gemm" && attrI(n, "transB", 0) == 1 {
			k = w[1]
		}
		macs = numElements(out) * k
	}
	return macs, true, nil
}

// firstOutput returns a node's first output, or an error naming the node
// when it has none (a malformed model).
func firstOutput(n *onnx.NodeProto) (string, error) {
	if len(n.Output) == 0 || n.Output[0] == "" {
		return "", fmt.Errorf("node %q (%s): no output", n.Name, n.OpType)
	}
	return n.Output[0], nil
}

// attrI returns an int attribute of a node, or def when absent.
func attrI(n *onnx.NodeProto, name string, def int64) int64 {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.I
		}
	}
	return def
}
