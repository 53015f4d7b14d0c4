package models

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// fp32Ops keep float32 inside an FP16 model: they have no float16 form in
// the standard (Resize/Upsample take float32 scales; the random generators
// and range-like ops are numerically touchy) or are not ONNX operators. Their
// float inputs are cast to float32 and their float outputs back to float16.
// The list follows onnxconverter_common's DEFAULT_OP_BLOCK_LIST.
var fp32Ops = map[string]bool{
	"Resize": true, "Upsample": true, "RoiAlign": true, "NonMaxSuppression": true, "TopK": true,
	"Range": true, "CumSum": true, "Min": true, "Max": true,
	"RandomNormal": true, "RandomUniform": true, "RandomNormalLike": true, "RandomUniformLike": true,
	"Multinomial": true, "EyeLike": true, "Bernoulli": true,
}

// ToFP16 converts a float32 model to float16: every float32 initializer,
// Constant and computation becomes float16, while the graph's float32
// inputs and outputs stay float32 with a Cast at the boundary (so callers
// feed and read the same tensors as before). Operators without a float16
// form (Resize, TopK, …; see fp32Ops) and operators outside the ONNX domain
// keep float32 between Casts. The model is copied, never modified. Models
// with control flow (subgraphs) or already quantized (QDQ) are refused.
func ToFP16(src *onnx.ModelProto) (*onnx.ModelProto, error) {
	if src.GetGraph() == nil {
		return nil, fmt.Errorf("fp16: model has no graph")
	}
	m := proto.Clone(src).(*onnx.ModelProto)
	g := m.Graph
	if err := subgraphNodes(g); err != nil {
		return nil, fmt.Errorf("fp16: %w", err)
	}
	for _, n := range g.Node {
		if n.OpType == "QuantizeLinear" || n.OpType == "DequantizeLinear" {
			return nil, fmt.Errorf("fp16: node %q: the model is already quantized; convert its FP32 source", n.Name)
		}
	}
	types := inferTypes(g)
	isF32 := func(name string) bool { return name != "" && types[name] == dtFloat }
	keep32 := func(n *onnx.NodeProto) bool {
		return fp32Ops[n.OpType] || (n.Domain != "" && n.Domain != "ai.onnx")
	}
	isInit := map[string]*onnx.TensorProto{}
	for _, t := range g.Initializer {
		isInit[t.Name] = t
	}
	// A float32 initializer or Constant that only fp32 operators read stays
	// float32 (e.g. Resize scales); all others become float16.
	consumers := map[string][]*onnx.NodeProto{}
	for _, n := range g.Node {
		for _, in := range n.Input {
			consumers[in] = append(consumers[in], n)
		}
	}
	graphOut := map[string]bool{}
	for _, o := range g.Output {
		graphOut[o.Name] = true
	}
	onlyFP32Readers := func(name string) bool {
		if graphOut[name] || len(consumers[name]) == 0 {
			return false
		}
		for _, c := range consumers[name] {
			if !keep32(c) {
				return false
			}
		}
		return true
	}
	stays32 := map[string]bool{} // float32 tensors left float32
	for _, t := range g.Initializer {
		if t.DataType != dtFloat {
			continue
		}
		if onlyFP32Readers(t.Name) {
			stays32[t.Name] = true
			continue
		}
		if err := toFloat16Tensor(t); err != nil {
			return nil, fmt.Errorf("fp16: %w", err)
		}
	}

	uniq := newNamer(g)
	cast := func(in, out string, to int32) *onnx.NodeProto {
		return &onnx.NodeProto{Name: uniq.name(out + "/Cast"), OpType: "Cast", Input: []string{in}, Output: []string{out}, Attribute: []*onnx.AttributeProto{attrInt("to", int64(to))}}
	}
	var nodes []*onnx.NodeProto
	rename := map[string]string{} // float32 graph input → its float16 cast
	for _, in := range g.Input {
		if isInit[in.Name] != nil || !isF32(in.Name) {
			continue
		}
		h := uniq.name(in.Name + "/fp16")
		rename[in.Name] = h
		nodes = append(nodes, cast(in.Name, h, dtFloat16))
	}
	for _, n := range g.Node {
		if keep32(n) {
			for i, in := range n.Input {
				if !isF32(in) || stays32[in] {
					continue
				}
				if rename[in] != "" {
					continue // a float32 graph input: already float32
				}
				f := uniq.name(in + "/fp32")
				nodes = append(nodes, cast(in, f, dtFloat))
				n.Input[i] = f
			}
			nodes = append(nodes, n)
			for i, out := range n.Output {
				if !isF32(out) {
					continue
				}
				f := uniq.name(out + "/fp32")
				n.Output[i] = f
				nodes = append(nodes, cast(f, out, dtFloat16))
			}
			continue
		}
		for i, in := range n.Input {
			if r, ok := rename[in]; ok {
				n.Input[i] = r
			}
		}
		switch n.OpType {
		case "Cast":
			for _, a := range n.Attribute {
				if a.Name == "to" && int32(a.I) == dtFloat {
					a.I = int64(dtFloat16)
				}
			}
		case "Constant":
			if len(n.Output) == 1 && onlyFP32Readers(n.Output[0]) {
				stays32[n.Output[0]] = true
				break
			}
			for _, a := range n.Attribute {
				switch {
				case a.Name == "value" && a.T != nil && a.T.DataType == dtFloat:
					if err := toFloat16Tensor(a.T); err != nil {
						return nil, fmt.Errorf("fp16: Constant %q: %w", n.Name, err)
					}
				case a.Name == "value_float":
					t := floatTensor("", nil, []float32{a.F})
					if err := toFloat16Tensor(t); err != nil {
						return nil, err
					}
					*a = onnx.AttributeProto{Name: "value", Type: onnx.AttributeProto_TENSOR, T: t}
				case a.Name == "value_floats":
					t := floatTensor("", []int64{int64(len(a.Floats))}, a.Floats)
					if err := toFloat16Tensor(t); err != nil {
						return nil, err
					}
					*a = onnx.AttributeProto{Name: "value", Type: onnx.AttributeProto_TENSOR, T: t}
				}
			}
		case "ConstantOfShape":
			found := false
			for _, a := range n.Attribute {
				if a.Name == "value" && a.T != nil {
					found = true
					if a.T.DataType == dtFloat {
						if err := toFloat16Tensor(a.T); err != nil {
							return nil, fmt.Errorf("fp16: ConstantOfShape %q: %w", n.Name, err)
						}
					}
				}
			}
			if !found { // default value is float32 zero
				t := &onnx.TensorProto{Dims: []int64{1}, DataType: dtFloat16, RawData: []byte{0, 0}}
				n.Attribute = append(n.Attribute, attrTensor("value", t))
			}
		}
		nodes = append(nodes, n)
	}
	// Graph outputs: compute in float16 under a new name, cast to float32
	// under the output's own name.
	var added []*onnx.ValueInfoProto
	for _, o := range g.Output {
		if !isF32(o.Name) || stays32[o.Name] || rename[o.Name] != "" {
			continue
		}
		h := uniq.name(o.Name + "/fp16")
		if t := isInit[o.Name]; t != nil {
			t.Name = h // an initializer returned as it is
		}
		for _, n := range nodes {
			for i, out := range n.Output {
				if out == o.Name {
					n.Output[i] = h
				}
			}
			for i, in := range n.Input {
				if in == o.Name {
					n.Input[i] = h
				}
			}
		}
		nodes = append(nodes, cast(h, o.Name, dtFloat))
		if tt := o.GetType().GetTensorType(); tt != nil {
			vi := proto.Clone(o).(*onnx.ValueInfoProto)
			vi.Name = h
			vi.GetType().GetTensorType().ElemType = dtFloat16
			added = append(added, vi)
		}
	}
	g.Node = nodes
	kept := g.ValueInfo[:0]
	for _, vi := range g.ValueInfo {
		if graphOut[vi.Name] {
			continue
		}
		if tt := vi.GetType().GetTensorType(); tt != nil && tt.ElemType == dtFloat && !stays32[vi.Name] {
			tt.ElemType = dtFloat16
		}
		kept = append(kept, vi)
	}
	g.ValueInfo = append(kept, added...)
	setMeta(m, MetaPrecision, FP16)
	if m.DocString != "" {
		m.DocString += " "
	}
	m.DocString += "Converted to FP16 by benchy (float16 weights and compute, float32 inputs and outputs)."
	return m, nil
}

// namer hands out tensor and node names not yet used in a graph.
type namer struct{ used map[string]bool }

func newNamer(g *onnx.GraphProto) *namer {
	u := map[string]bool{}
	for _, vi := range g.Input {
		u[vi.Name] = true
	}
	for _, t := range g.Initializer {
		u[t.Name] = true
	}
	for _, n := range g.Node {
		u[n.Name] = true
		for _, o := range n.Output {
			u[o] = true
		}
	}
	return &namer{used: u}
}

func (n *namer) name(base string) string {
	name := base
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[name] = true
	return name
}
