package models

import (
	"slices"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/benchy-dev/benchy/internal/float16"
)

// toyModel is a small graph that exercises the corners of the precision
// conversions: a float Constant given as value_float, a Resize whose scales
// must stay float32, a Cast to float, a Shape (int64) and a conv stack with a
// residual Add, a Concat, pooling and a Gemm.
func toyModel() *onnx.ModelProto {
	b := newGraphBuilder("toy", 5, false)
	x := b.input("x", 1, 3, 8, 8)
	c := "two"
	b.g.Node = append(b.g.Node, &onnx.NodeProto{Name: c, OpType: "Constant", Output: []string{c},
		Attribute: []*onnx.AttributeProto{attrFloat("value_float", 2)}})
	y := b.mul(x, c, "scaled")
	y = b.relu(b.conv(y, "c1", convSpec{out: 8, k: 3, stride: 1, pads: symmetric(3), gain: 2}))
	z := b.conv(y, "c2", convSpec{out: 8, k: 3, stride: 1, pads: symmetric(3), gain: 1})
	y = b.relu(b.add(y, z, "res"))
	y = b.concat("cat", y, b.maxPool(y, "pool", 3, 1, symmetric(3), false))
	scales := floatTensor("scales", []int64{4}, []float32{1, 1, 2, 2})
	b.g.Initializer = append(b.g.Initializer, scales)
	up := b.node("Resize", "up", []int64{1, 16, 16, 16}, []string{y, "", "scales"},
		&onnx.AttributeProto{Name: "mode", Type: onnx.AttributeProto_STRING, S: []byte("nearest")})
	b.output(b.relu(up))
	g := b.flatten(b.globalAvgPool(up, "gap"), "gap/flat")
	b.output(b.gemm(g, "fc", 4, 1, 0))
	b.g.Node = append(b.g.Node,
		&onnx.NodeProto{Name: "shape", OpType: "Shape", Input: []string{up}, Output: []string{"shape"}},
		&onnx.NodeProto{Name: "shape_f", OpType: "Cast", Input: []string{"shape"}, Output: []string{"shape_f"},
			Attribute: []*onnx.AttributeProto{attrInt("to", int64(dtFloat))}})
	b.g.ValueInfo = append(b.g.ValueInfo, valueInfo("shape", dtInt64, []int64{4}))
	b.shapes["shape_f"] = []int64{4}
	b.output("shape_f")
	return &onnx.ModelProto{IrVersion: irVersion, Graph: b.g, ProducerName: "benchy-test",
		OpsetImport: []*onnx.OperatorSetIdProto{{Version: Opset}}}
}

func nodesByOp(g *onnx.GraphProto, op string) []*onnx.NodeProto {
	var out []*onnx.NodeProto
	for _, n := range g.Node {
		if n.OpType == op {
			out = append(out, n)
		}
	}
	return out
}

func producerOf(g *onnx.GraphProto, tensor string) *onnx.NodeProto {
	for _, n := range g.Node {
		if slices.Contains(n.Output, tensor) {
			return n
		}
	}
	return nil
}

func TestToFP16Replica(t *testing.T) {
	src, err := Build("frill", Options{})
	if err != nil {
		t.Fatal(err)
	}
	srcNodes := len(src.Graph.Node)
	m, err := ToFP16(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Graph.Node) != srcNodes || src.Graph.Initializer[0].DataType != dtFloat {
		t.Fatal("ToFP16 modified its input")
	}
	for _, init := range m.Graph.Initializer {
		if init.DataType != dtFloat16 {
			t.Errorf("initializer %s is %s", init.Name, elemTypeName(init.DataType))
		}
	}
	in, out := m.Graph.Input[0], m.Graph.Output[0]
	if e, _, _ := shapeOf(in); e != dtFloat {
		t.Errorf("input is %s, want float32 at the boundary", elemTypeName(e))
	}
	if e, _, _ := shapeOf(out); e != dtFloat {
		t.Errorf("output is %s, want float32 at the boundary", elemTypeName(e))
	}
	first := m.Graph.Node[0]
	if first.OpType != "Cast" || first.Input[0] != in.Name || attrI(first, "to", 0) != int64(dtFloat16) {
		t.Errorf("first node %s %v, want a Cast of %s to float16", first.OpType, first.Input, in.Name)
	}
	last := producerOf(m.Graph, out.Name)
	if last == nil || last.OpType != "Cast" || attrI(last, "to", 0) != int64(dtFloat) {
		t.Errorf("output %s is not produced by a Cast to float32", out.Name)
	}
	for _, vi := range m.Graph.ValueInfo {
		if e, _, _ := shapeOf(vi); e != dtFloat16 {
			t.Errorf("value_info %s is %s", vi.Name, elemTypeName(e))
		}
	}
	for _, c := range nodesByOp(m.Graph, "Constant") {
		if c.Attribute[0].T.DataType != dtFloat16 {
			t.Errorf("Constant %s stays %s", c.Name, elemTypeName(c.Attribute[0].T.DataType))
		}
	}
	st, _ := Analyze(m)
	if st.FloatParams != 10_083_392 || st.WeightBytes != 2*10_083_392 || len(st.Unsized) > 0 {
		t.Errorf("fp16 FRILL: %d float params, %d bytes, unsized %v", st.FloatParams, st.WeightBytes, st.Unsized)
	}
	if Meta(m, MetaPrecision) != FP16 || Meta(m, MetaReplica) != "frill" {
		t.Errorf("metadata precision %q replica %q", Meta(m, MetaPrecision), Meta(m, MetaReplica))
	}
}

func TestToFP16Corners(t *testing.T) {
	m, err := ToFP16(toyModel())
	if err != nil {
		t.Fatal(err)
	}
	g := m.Graph
	for _, init := range g.Initializer {
		want := dtFloat16
		if init.Name == "scales" {
			want = dtFloat // only Resize reads it
		}
		if init.DataType != want {
			t.Errorf("initializer %s is %s, want %s", init.Name, elemTypeName(init.DataType), elemTypeName(want))
		}
	}
	two := producerOf(g, "two")
	if a := two.Attribute[0]; a.Name != "value" || a.T == nil || a.T.DataType != dtFloat16 || float16.ToFloat32(uint16(a.T.RawData[0])|uint16(a.T.RawData[1])<<8) != 2 {
		t.Errorf("value_float Constant not rewritten to a float16 tensor: %v", a)
	}
	resize := nodesByOp(g, "Resize")[0]
	if p := producerOf(g, resize.Input[0]); p == nil || p.OpType != "Cast" || attrI(p, "to", 0) != int64(dtFloat) {
		t.Error("Resize input is not cast to float32")
	}
	if resize.Input[2] != "scales" {
		t.Errorf("Resize scales rewired to %s", resize.Input[2])
	}
	if p := producerOf(g, "up"); p == nil || p.OpType != "Cast" || attrI(p, "to", 0) != int64(dtFloat16) {
		t.Error("Resize output is not cast back to float16")
	}
	if c := producerOf(g, "shape_f/fp16"); c == nil || attrI(c, "to", 0) != int64(dtFloat16) {
		t.Error("Cast(to=float) inside the graph was not turned into Cast(to=float16)")
	}
	var outs []string
	for _, o := range g.Output {
		e, _, _ := shapeOf(o)
		outs = append(outs, o.Name+":"+elemTypeName(e))
	}
	if !slices.Equal(outs, []string{"up/relu:float32", "fc:float32", "shape_f:float32"}) {
		t.Errorf("outputs %v", outs)
	}
}

func TestToFP16Refuses(t *testing.T) {
	q, err := Quantize(toyModel(), Calibration{Static: &Range{-1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ToFP16(q); err == nil {
		t.Error("ToFP16 accepted a quantized model")
	}
	sub := toyModel()
	sub.Graph.Node[0].Attribute = append(sub.Graph.Node[0].Attribute, &onnx.AttributeProto{Name: "g", Type: onnx.AttributeProto_GRAPH, G: &onnx.GraphProto{}})
	if _, err := ToFP16(sub); err == nil {
		t.Error("ToFP16 accepted a subgraph")
	}
	if _, err := ToFP16(&onnx.ModelProto{}); err == nil {
		t.Error("ToFP16 accepted a model without a graph")
	}
}

// An initializer that is also a graph output is returned as float32 through
// a Cast, like any other output.
func TestToFP16InitializerOutput(t *testing.T) {
	b := newGraphBuilder("init-out", 1, false)
	x := b.input("x", 1, 4)
	w := floatTensor("w", []int64{1, 4}, []float32{1, 2, 3, 4})
	b.g.Initializer = append(b.g.Initializer, w)
	b.shapes["w"] = w.Dims
	b.output(b.add(x, "w", "sum"))
	b.output("w")
	m, err := ToFP16(&onnx.ModelProto{IrVersion: irVersion, Graph: b.g, OpsetImport: []*onnx.OperatorSetIdProto{{Version: Opset}}})
	if err != nil {
		t.Fatal(err)
	}
	c := producerOf(m.Graph, "w")
	if c == nil || c.OpType != "Cast" || attrI(c, "to", 0) != int64(dtFloat) {
		t.Fatal("output w is not a Cast to float32")
	}
	init := initializers(m.Graph)[c.Input[0]]
	if init == nil || init.DataType != dtFloat16 {
		t.Fatalf("the Cast reads %s, not the float16 initializer", c.Input[0])
	}
	if add := nodesByOp(m.Graph, "Add")[0]; add.Input[1] != init.Name {
		t.Errorf("Add reads %s, want the float16 initializer %s", add.Input[1], init.Name)
	}
	if reason := initORT(); reason == "" {
		data, _ := Marshal(m)
		out := runModel(t, data, 1)
		if got := out["w"]; len(got) != 4 || got[3] != 4 {
			t.Errorf("w = %v", got)
		}
	}
}
