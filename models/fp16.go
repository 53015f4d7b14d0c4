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
	c := newFP16Converter(g)
	if err := c.convertInitializers(); err != nil {
		return nil, err
	}
	c.castInputs()
	for _, n := range g.Node {
		if keep32(n) {
			c.keepFP32(n)
			continue
		}
		if err := c.convert(n); err != nil {
			return nil, err
		}
	}
	added := c.castOutputs()
	g.Node = c.nodes
	kept := g.ValueInfo[:0]
	for _, vi := range g.ValueInfo {
		if c.graphOut[vi.Name] {
			continue
		}
		if tt := vi.GetType().GetTensorType(); tt != nil && tt.ElemType == dtFloat && !c.stays32[vi.Name] {
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

// keep32 reports whether a node computes in float32 between Casts: an
// operator without a float16 form, or one outside the ONNX domain.
func keep32(n *onnx.NodeProto) bool {
	return fp32Ops[n.OpType] || (n.Domain != "" && n.Domain != "ai.onnx")
}

// fp16Converter holds what ToFP16 knows about the graph it converts, and
// the node list it builds.
type fp16Converter struct {
	g         *onnx.GraphProto
	types     map[string]int32
	isInit    map[string]*onnx.TensorProto
	consumers map[string][]*onnx.NodeProto
	graphOut  map[string]bool
	stays32   map[string]bool   // float32 tensors left float32
	rename    map[string]string // float32 graph input → its float16 cast
	uniq      *namer
	nodes     []*onnx.NodeProto
}

func newFP16Converter(g *onnx.GraphProto) *fp16Converter {
	c := &fp16Converter{
		g: g, types: inferTypes(g), isInit: map[string]*onnx.TensorProto{},
		consumers: map[string][]*onnx.NodeProto{}, graphOut: map[string]bool{},
		stays32: map[string]bool{}, rename: map[string]string{}, uniq: newNamer(g),
	}
	for _, t := range g.Initializer {
		c.isInit[t.Name] = t
	}
	for _, n := range g.Node {
		for _, in := range n.Input {
			c.consumers[in] = append(c.consumers[in], n)
		}
	}
	for _, o := range g.Output {
		c.graphOut[o.Name] = true
	}
	return c
}

func (c *fp16Converter) isF32(name string) bool { return name != "" && c.types[name] == dtFloat }

// onlyFP32Readers reports whether only fp32 operators read a tensor: a
// float32 initializer or Constant read so (e.g. Resize scales) stays float32.
func (c *fp16Converter) onlyFP32Readers(name string) bool {
	if c.graphOut[name] || len(c.consumers[name]) == 0 {
		return false
	}
	for _, n := range c.consumers[name] {
		if !keep32(n) {
			return false
		}
	}
	return true
}

func (c *fp16Converter) cast(in, out string, to int32) *onnx.NodeProto {
	return &onnx.NodeProto{Name: c.uniq.name(out + "/Cast"), OpType: "Cast", Input: []string{in}, Output: []string{out}, Attribute: []*onnx.AttributeProto{attrInt("to", int64(to))}}
}

// convertInitializers makes every float32 initializer float16, but those
// only fp32 operators read.
func (c *fp16Converter) convertInitializers() error {
	for _, t := range c.g.Initializer {
		if t.DataType != dtFloat {
			continue
		}
		if c.onlyFP32Readers(t.Name) {
			c.stays32[t.Name] = true
			continue
		}
		if err := toFloat16Tensor(t); err != nil {
			return fmt.Errorf("fp16: %w", err)
		}
	}
	return nil
}

// castInputs casts every float32 graph input to float16 on entry.
func (c *fp16Converter) castInputs() {
	for _, in := range c.g.Input {
		if c.isInit[in.Name] != nil || !c.isF32(in.Name) {
			continue
		}
		h := c.uniq.name(in.Name + "/fp16")
		c.rename[in.Name] = h
		c.nodes = append(c.nodes, c.cast(in.Name, h, dtFloat16))
	}
}

// keepFP32 adds a node that computes in float32, with Casts to float32
// before its float16 inputs and back to float16 after its outputs.
func (c *fp16Converter) keepFP32(n *onnx.NodeProto) {
	for i, in := range n.Input {
		if !c.isF32(in) || c.stays32[in] {
			continue
		}
		if c.rename[in] != "" {
			continue // a float32 graph input: already float32
		}
		f := c.uniq.name(in + "/fp32")
		c.nodes = append(c.nodes, c.cast(in, f, dtFloat))
		n.Input[i] = f
	}
	c.nodes = append(c.nodes, n)
	for i, out := range n.Output {
		if !c.isF32(out) {
			continue
		}
		f := c.uniq.name(out + "/fp32")
		n.Output[i] = f
		c.nodes = append(c.nodes, c.cast(f, out, dtFloat16))
	}
}

// convert adds a node that computes in float16: it reads the float16 casts
// of the graph inputs, and its float32 constants and casts become float16.
func (c *fp16Converter) convert(n *onnx.NodeProto) error {
	for i, in := range n.Input {
		if r, ok := c.rename[in]; ok {
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
		if len(n.Output) == 1 && c.onlyFP32Readers(n.Output[0]) {
			c.stays32[n.Output[0]] = true
			break
		}
		if err := constantToFP16(n); err != nil {
			return err
		}
	case "ConstantOfShape":
		found := false
		for _, a := range n.Attribute {
			if a.Name == "value" && a.T != nil {
				found = true
				if a.T.DataType == dtFloat {
					if err := toFloat16Tensor(a.T); err != nil {
						return fmt.Errorf("fp16: ConstantOfShape %q: %w", n.Name, err)
					}
				}
			}
		}
		if !found { // default value is float32 zero
			t := &onnx.TensorProto{Dims: []int64{1}, DataType: dtFloat16, RawData: []byte{0, 0}}
			n.Attribute = append(n.Attribute, attrTensor("value", t))
		}
	}
	c.nodes = append(c.nodes, n)
	return nil
}

// constantToFP16 makes a Constant's float32 value float16.
func constantToFP16(n *onnx.NodeProto) error {
	for _, a := range n.Attribute {
		switch {
		case a.Name == "value" && a.T != nil && a.T.DataType == dtFloat:
			if err := toFloat16Tensor(a.T); err != nil {
				return fmt.Errorf("fp16: Constant %q: %w", n.Name, err)
			}
		case a.Name == "value_float":
			t := floatTensor("", nil, []float32{a.F})
			if err := toFloat16Tensor(t); err != nil {
				return err
			}
			*a = onnx.AttributeProto{Name: "value", Type: onnx.AttributeProto_TENSOR, T: t}
		case a.Name == "value_floats":
			t := floatTensor("", []int64{int64(len(a.Floats))}, a.Floats)
			if err := toFloat16Tensor(t); err != nil {
				return err
			}
			*a = onnx.AttributeProto{Name: "value", Type: onnx.AttributeProto_TENSOR, T: t}
		}
	}
	return nil
}

// castOutputs computes each float32 graph output in float16 under a new
// name and casts it to float32 under the output's own name. It returns the
// value infos of the new float16 names.
func (c *fp16Converter) castOutputs() []*onnx.ValueInfoProto {
	var added []*onnx.ValueInfoProto
	for _, o := range c.g.Output {
		if !c.isF32(o.Name) || c.stays32[o.Name] || c.rename[o.Name] != "" {
			continue
		}
		h := c.uniq.name(o.Name + "/fp16")
		if t := c.isInit[o.Name]; t != nil {
			t.Name = h // an initializer returned as it is
		}
		for _, n := range c.nodes {
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
		c.nodes = append(c.nodes, c.cast(h, o.Name, dtFloat))
		if tt := o.GetType().GetTensorType(); tt != nil {
			vi := proto.Clone(o).(*onnx.ValueInfoProto)
			vi.Name = h
			vi.GetType().GetTensorType().ElemType = dtFloat16
			added = append(added, vi)
		}
	}
	return added
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
