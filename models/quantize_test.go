package models

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

func TestActParams(t *testing.T) {
	tests := []struct {
		r     Range
		scale float32
		zp    uint8
	}{
		{Range{0, 2.55}, 0.01, 0},         // after a Relu: zero point 0
		{Range{-1.275, 1.275}, 0.01, 128}, // symmetric
		{Range{-2.55, 0}, 0.01, 255},
		{Range{0.5, 2.55}, 0.01, 0},   // widened to include 0
		{Range{-2.55, -1}, 0.01, 255}, // widened to include 0
	}
	for _, tc := range tests {
		s, z, err := actParams(tc.r)
		if err != nil || math.Abs(float64(s-tc.scale)) > 1e-6 || z != tc.zp {
			t.Errorf("actParams(%v) = %g, %d, %v; want %g, %d", tc.r, s, z, err, tc.scale, tc.zp)
		}
	}
	if s, _, err := actParams(Range{0, 0}); err != nil || s <= 0 {
		t.Errorf("empty range: scale %g, %v", s, err)
	}
	if _, _, err := actParams(Range{0, float32(math.Inf(1))}); err == nil {
		t.Error("infinite range accepted")
	}
}

func initializers(g *onnx.GraphProto) map[string]*onnx.TensorProto {
	m := map[string]*onnx.TensorProto{}
	for _, t := range g.Initializer {
		m[t.Name] = t
	}
	return m
}

func scalarF32(t *onnx.TensorProto) []float32 {
	v, _ := floatsOf(t)
	return v
}

func TestQuantizeToy(t *testing.T) {
	src := toyModel()
	srcInits := initializers(src.Graph)
	m, err := Quantize(src, Calibration{Static: &Range{-3, 3}, Ranges: map[string]Range{"c1/relu": {0, 6}}})
	if err != nil {
		t.Fatal(err)
	}
	g := m.Graph
	inits := initializers(g)
	dqOf := func(tensor string) *onnx.NodeProto {
		p := producerOf(g, tensor)
		if p == nil || p.OpType != "DequantizeLinear" {
			return nil
		}
		return p
	}
	for _, n := range append(nodesByOp(g, "Conv"), nodesByOp(g, "Gemm")...) {
		if dqOf(n.Input[0]) == nil {
			t.Errorf("%s: activation input %s is not dequantized", n.Name, n.Input[0])
		}
		wdq := dqOf(n.Input[1])
		if wdq == nil {
			t.Fatalf("%s: weight %s is not dequantized", n.Name, n.Input[1])
		}
		q, s, z := inits[wdq.Input[0]], inits[wdq.Input[1]], inits[wdq.Input[2]]
		if q == nil || q.DataType != dtInt8 || z.DataType != dtInt8 || attrI(wdq, "axis", -1) != 0 {
			t.Fatalf("%s: weight is not per-channel int8 along axis 0", n.Name)
		}
		orig := srcInits[strings.TrimSuffix(wdq.Input[0], "_quantized")]
		ov, _ := floatsOf(orig)
		scales := scalarF32(s)
		if int64(len(scales)) != q.Dims[0] {
			t.Fatalf("%s: %d scales for %d channels", n.Name, len(scales), q.Dims[0])
		}
		inner := len(ov) / len(scales)
		for i, w := range ov {
			sc := scales[i/inner]
			got := float32(int8(q.RawData[i])) * sc
			if math.Abs(float64(got-w)) > float64(sc)/2+1e-9 {
				t.Fatalf("%s: weight %d: %g dequantizes to %g (scale %g)", n.Name, i, w, got, sc)
			}
		}
		for _, zp := range z.RawData {
			if zp != 0 {
				t.Fatalf("%s: weight zero point %d, want 0 (symmetric)", n.Name, zp)
			}
		}
		bdq := dqOf(n.Input[2])
		if bdq == nil || inits[bdq.Input[0]].DataType != dtInt32 {
			t.Fatalf("%s: bias is not int32 + DequantizeLinear", n.Name)
		}
		xs := scalarF32(inits[dqOf(n.Input[0]).Input[1]])[0]
		bs := scalarF32(inits[bdq.Input[1]])
		bv, _ := floatsOf(srcInits[strings.TrimSuffix(bdq.Input[0], "_quantized")])
		for i, b := range bv {
			if math.Abs(float64(bs[i]-xs*scales[i])) > 1e-12 {
				t.Fatalf("%s: bias scale %g, want input × weight scale %g", n.Name, bs[i], xs*scales[i])
			}
			q := int32(binary.LittleEndian.Uint32(inits[bdq.Input[0]].RawData[4*i:]))
			if math.Abs(float64(float32(q)*bs[i]-b)) > float64(bs[i])/2+1e-9 {
				t.Fatalf("%s: bias %d: %g → %d × %g", n.Name, i, b, q, bs[i])
			}
		}
	}
	// Conv → Relu → Q: the Relu output is quantized, not the Conv output.
	if q := nodesByOp(g, "QuantizeLinear"); len(q) == 0 {
		t.Fatal("no QuantizeLinear")
	}
	relu := producerOf(g, "c1/relu")
	if relu == nil || relu.Input[0] != "c1" {
		t.Fatal("c1's Relu was rewired")
	}
	var qRelu *onnx.NodeProto
	for _, q := range nodesByOp(g, "QuantizeLinear") {
		if q.Input[0] == "c1" {
			t.Error("c1's output is quantized although a Relu follows it")
		}
		if q.Input[0] == "c1/relu" {
			qRelu = q
		}
	}
	if qRelu == nil {
		t.Fatal("c1/relu is not quantized")
	}
	if s, z := scalarF32(inits[qRelu.Input[1]])[0], inits[qRelu.Input[2]].RawData[0]; math.Abs(float64(s-6.0/255)) > 1e-7 || z != 0 {
		t.Errorf("c1/relu: scale %g zero point %d, want the explicit range [0, 6]: %g, 0", s, z, 6.0/255)
	}
	for _, op := range []string{"Add", "Concat", "MaxPool", "GlobalAveragePool"} {
		for _, n := range nodesByOp(g, op) {
			for _, in := range n.Input {
				if dqOf(in) == nil {
					t.Errorf("%s %s: input %s is not dequantized", op, n.Name, in)
				}
			}
		}
	}
	// Mul is not quantized: its input (the graph input) stays float.
	if n := nodesByOp(g, "Mul")[0]; dqOf(n.Input[0]) != nil {
		t.Error("Mul input quantized")
	}
	// A quantized graph output keeps its name on the dequantized value.
	if p := producerOf(g, "fc"); p == nil || p.OpType != "DequantizeLinear" {
		t.Error("graph output fc is not the DequantizeLinear output")
	}
	if gemm := nodesByOp(g, "Gemm")[0]; gemm.Output[0] == "fc" {
		t.Error("Gemm still writes the graph output directly")
	}
	for _, init := range g.Initializer {
		if _, ok := srcInits[init.Name]; ok && init.Name != "scales" {
			t.Errorf("float weight %s kept after quantization", init.Name)
		}
	}
	if Meta(m, MetaPrecision) != INT8 || !strings.Contains(Meta(m, "benchy.int8_calibration"), "static range [-3, 3]") {
		t.Errorf("metadata: %q, %q", Meta(m, MetaPrecision), Meta(m, "benchy.int8_calibration"))
	}
	if len(nodesByOp(src.Graph, "QuantizeLinear")) > 0 || srcInits["c1/kernel"].DataType != dtFloat {
		t.Error("Quantize modified its input")
	}
}

func TestQuantizeReplicaStatic(t *testing.T) {
	m, err := Build("trill", Options{Precision: INT8, Calibration: Calibration{Static: &Range{-8, 8}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	if st.Params != 24_524_288 || st.MACs != 491_880_448 || len(st.Unsized) > 0 {
		t.Errorf("int8 TRILL: %d params, %d MACs, unsized %v", st.Params, st.MACs, st.Unsized)
	}
	// int8 weights, int32 biases, float32 scales: about a quarter of FP32.
	if st.WeightBytes > 4*24_524_288/3 {
		t.Errorf("int8 TRILL holds %d bytes of weights", st.WeightBytes)
	}
	if n := len(nodesByOp(m.Graph, "Conv")); n != 53 {
		t.Errorf("%d Conv nodes, want 53", n)
	}
	for _, c := range nodesByOp(m.Graph, "Conv") {
		if p := producerOf(m.Graph, c.Input[1]); p == nil || p.OpType != "DequantizeLinear" {
			t.Fatalf("Conv %s weight not quantized", c.Name)
		}
	}
}

func TestQuantizeRefuses(t *testing.T) {
	old := toyModel()
	old.OpsetImport[0].Version = 9
	fp16, _ := ToFP16(toyModel())
	q, _ := Quantize(toyModel(), Calibration{Static: &Range{-1, 1}})
	b := newGraphBuilder("relu-only", 1, false)
	b.output(b.relu(b.input("x", 1, 4)))
	none := &onnx.ModelProto{IrVersion: irVersion, Graph: b.g, OpsetImport: []*onnx.OperatorSetIdProto{{Version: Opset}}}
	for name, tc := range map[string]struct {
		m    *onnx.ModelProto
		want string
	}{
		"opset 9":   {old, "opset 9"},
		"fp16":      {fp16, "quantize the FP32 model"},
		"quantized": {q, "already quantized"},
		"nothing":   {none, "nothing to quantize"},
		"no graph":  {&onnx.ModelProto{}, "no graph"},
	} {
		_, err := Quantize(tc.m, Calibration{Static: &Range{-1, 1}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
}

// Below opset 13 DequantizeLinear has no axis: weights fall back to one
// scale per tensor.
func TestQuantizePerTensorBelowOpset13(t *testing.T) {
	src := toyModel()
	src.OpsetImport[0].Version = 12
	m, err := Quantize(src, Calibration{Static: &Range{-1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodesByOp(m.Graph, "DequantizeLinear") {
		for _, a := range n.Attribute {
			if a.Name == "axis" {
				t.Errorf("%s has an axis at opset 12", n.Name)
			}
		}
		if s := initializers(m.Graph)[n.Input[1]]; len(s.Dims) != 0 {
			t.Errorf("%s: scale of shape %v, want a scalar", n.Name, s.Dims)
		}
	}
}

// TestQuantizeMalformedNodes quantizes graphs holding a node without the
// output it needs: each is an error that names the node, never a panic
// (planQuantization once read n.Output[0] of the quantized node and of the
// Relu after it unchecked).
func TestQuantizeMalformedNodes(t *testing.T) {
	weight := floatTensor("w", []int64{4, 3, 1, 1}, make([]float32, 12))
	node := func(name, op string, in, out []string) *onnx.NodeProto {
		return &onnx.NodeProto{Name: name, OpType: op, Input: in, Output: out}
	}
	conv := node("conv", "Conv", []string{"x", "w"}, []string{"y"})
	tests := []struct {
		name  string
		nodes []*onnx.NodeProto
		want  string
	}{
		{"Conv without outputs", []*onnx.NodeProto{node("conv", "Conv", []string{"x", "w"}, nil)}, `node "conv" (Conv): no output`},
		{"MatMul with an empty output name", []*onnx.NodeProto{node("mm", "MatMul", []string{"x", "w"}, []string{""})}, `node "mm" (MatMul): no output`},
		{"Relu after a Conv without outputs", []*onnx.NodeProto{conv, node("relu", "Relu", []string{"y"}, nil)}, `node "relu" (Relu): no output`},
		{"Add without outputs", []*onnx.NodeProto{conv, node("add", "Add", []string{"x", "y"}, nil)}, `node "add" (Add): no output`},
		{"MaxPool without outputs", []*onnx.NodeProto{conv, node("pool", "MaxPool", []string{"y"}, nil)}, `node "pool" (MaxPool): no output`},
		{"Relu after an Add without outputs", []*onnx.NodeProto{conv, node("add", "Add", []string{"x", "y"}, []string{"s"}), node("relu", "Relu", []string{"s"}, []string{})}, `node "relu" (Relu): no output`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &onnx.ModelProto{
				OpsetImport: []*onnx.OperatorSetIdProto{{Version: 13}},
				Graph: &onnx.GraphProto{
					Input:       []*onnx.ValueInfoProto{valueInfo("x", dtFloat, []int64{1, 3, 8, 8})},
					Output:      []*onnx.ValueInfoProto{valueInfo("z", dtFloat, []int64{1, 4, 8, 8})},
					Initializer: []*onnx.TensorProto{weight},
					Node:        tc.nodes,
				},
			}
			_, err := Quantize(m, Calibration{Static: &Range{-1, 1}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// convModel is one Conv with a bias, followed by a Relu, at opset 13.
func convModel() *onnx.ModelProto {
	return &onnx.ModelProto{
		IrVersion:   irVersion,
		OpsetImport: []*onnx.OperatorSetIdProto{{Version: 13}},
		Graph: &onnx.GraphProto{
			Input:  []*onnx.ValueInfoProto{valueInfo("x", dtFloat, []int64{1, 3, 4, 4})},
			Output: []*onnx.ValueInfoProto{valueInfo("r", dtFloat, []int64{1, 2, 4, 4})},
			Initializer: []*onnx.TensorProto{
				floatTensor("w", []int64{2, 3, 1, 1}, []float32{1, -2, 3, -4, 5, -6}),
				floatTensor("b", []int64{2}, []float32{0.5, -0.5}),
			},
			Node: []*onnx.NodeProto{
				{Name: "conv", OpType: "Conv", Input: []string{"x", "w", "b"}, Output: []string{"y"}},
				{Name: "relu", OpType: "Relu", Input: []string{"y"}, Output: []string{"r"}},
			},
		},
	}
}

// TestQuantizeMalformedWeights quantizes a Conv whose weight's shape is
// malformed: each is an error naming the weight, never a panic (a negative
// channel count sized a slice; a shape of 2^62 values matched empty raw
// data, as 4*2^62 wraps to 0; a product wrapping to 0, or a huge channel
// count beside a 0, sized the scales: out of memory).
func TestQuantizeMalformedWeights(t *testing.T) {
	tests := []struct {
		name string
		dims []int64
		raw  []byte
		want string
	}{
		{"negative dims", []int64{-2, -2, 1, 1}, make([]byte, 16), `tensor "w": negative dimension`},
		{"2^62 values in no bytes", []int64{1 << 62, 1, 1, 1}, []byte{}, `tensor "w": 0 bytes of raw data`},
		{"product overflows", []int64{1 << 40, 1 << 40, 1, 1}, []byte{}, `tensor "w": shape [1099511627776 1099511627776 1 1] holds more than 2^63 values`},
		{"huge channels beside a 0", []int64{1 << 62, 0, 1, 1}, []byte{}, `weight "w": shape [4611686018427387904 0 1 1] holds no values`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := convModel()
			m.Graph.Initializer = []*onnx.TensorProto{{Name: "w", Dims: tc.dims, DataType: dtFloat, RawData: tc.raw}}
			m.Graph.Node[0].Input = []string{"x", "w"}
			_, err := Quantize(m, Calibration{Static: &Range{-1, 1}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
