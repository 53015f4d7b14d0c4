package models

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// inferTypes returns the element type of every tensor of a graph that can be
// known from its declarations (inputs, initializers, value_info, outputs)
// and from the operators' type rules. Most ONNX operators give their outputs
// the type of their first input; the exceptions that matter for precision
// conversion are listed here. A tensor missing from the map has no known
// type.
func inferTypes(g *onnx.GraphProto) map[string]int32 {
	types := map[string]int32{}
	declare := func(vis []*onnx.ValueInfoProto) {
		for _, vi := range vis {
			if tt := vi.GetType().GetTensorType(); tt != nil && tt.ElemType != 0 {
				types[vi.Name] = tt.ElemType
			}
		}
	}
	declare(g.Input)
	declare(g.ValueInfo)
	declare(g.Output)
	for _, t := range g.Initializer {
		types[t.Name] = t.DataType
	}
	for _, n := range g.Node {
		outs := outputTypes(n, types)
		for i, o := range n.Output {
			if o == "" || i >= len(outs) || outs[i] == 0 {
				continue
			}
			if _, declared := types[o]; !declared {
				types[o] = outs[i]
			}
		}
	}
	return types
}

// outputTypes applies one node's type rule; 0 means unknown.
func outputTypes(n *onnx.NodeProto, types map[string]int32) []int32 {
	in := func(i int) int32 {
		if i < len(n.Input) && n.Input[i] != "" {
			return types[n.Input[i]]
		}
		return 0
	}
	attr := func(name string) *onnx.AttributeProto {
		for _, a := range n.Attribute {
			if a.Name == name {
				return a
			}
		}
		return nil
	}
	all := func(t int32) []int32 {
		out := make([]int32, len(n.Output))
		for i := range out {
			out[i] = t
		}
		return out
	}
	if n.Domain != "" && n.Domain != "ai.onnx" {
		return nil
	}
	switch n.OpType {
	case "Cast":
		if a := attr("to"); a != nil {
			return all(int32(a.I))
		}
	case "CastLike":
		return all(in(1))
	case "Shape", "Size", "NonZero", "ArgMax", "ArgMin", "NonMaxSuppression":
		return all(dtInt64)
	case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf":
		return all(dtBool)
	case "QuantizeLinear":
		if t := in(2); t != 0 {
			return all(t)
		}
		return all(dtUint8)
	case "DequantizeLinear":
		return all(dtFloat)
	case "DynamicQuantizeLinear":
		return []int32{dtUint8, dtFloat, dtUint8}
	case "Constant":
		for _, a := range n.Attribute {
			switch a.Name {
			case "value":
				if a.T != nil {
					return all(a.T.DataType)
				}
			case "value_float", "value_floats":
				return all(dtFloat)
			case "value_int", "value_ints":
				return all(dtInt64)
			case "value_string", "value_strings":
				return all(int32(onnx.TensorProto_STRING))
			}
		}
	case "ConstantOfShape":
		if a := attr("value"); a != nil && a.T != nil {
			return all(a.T.DataType)
		}
		return all(dtFloat)
	case "RandomNormal", "RandomUniform":
		if a := attr("dtype"); a != nil {
			return all(int32(a.I))
		}
		return all(dtFloat)
	case "RandomNormalLike", "RandomUniformLike", "EyeLike":
		if a := attr("dtype"); a != nil {
			return all(int32(a.I))
		}
		return all(in(0))
	case "Multinomial":
		if a := attr("dtype"); a != nil {
			return all(int32(a.I))
		}
		return all(dtInt32)
	case "TopK":
		return []int32{in(0), dtInt64}
	case "MaxPool":
		return []int32{in(0), dtInt64}
	case "Where":
		return all(in(1))
	case "OneHot":
		return all(in(2))
	case "If", "Loop", "Scan", "SequenceConstruct", "SplitToSequence", "SequenceAt", "ConcatFromSequence":
		return nil
	}
	return all(in(0))
}

// subgraphNodes names the nodes that carry subgraphs, which the precision
// conversions do not handle.
func subgraphNodes(g *onnx.GraphProto) error {
	for _, n := range g.Node {
		for _, a := range n.Attribute {
			if a.G != nil || len(a.Graphs) > 0 {
				return fmt.Errorf("node %q (%s) has a subgraph; control flow is not supported", n.Name, n.OpType)
			}
		}
	}
	return nil
}
