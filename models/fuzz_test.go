package models

import (
	"fmt"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// fuzzSeeds are serialized models to start the fuzzers from: the package's
// test model, each replica's graph (without weights, to keep them small), a
// small quantizable convolution, a long chain of nodes, subgraphs nested
// deep, and a byte string of nested length-delimited fields. A new input
// grown from a large seed can hold the minimizer for its 60 s default;
// -fuzzminimizetime 5s keeps a short run executing.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	seeds := []*onnx.ModelProto{toyModel(), convModel(), chainModel(5000), nestedModel(60)}
	for _, name := range Names() {
		r, ro, err := lookupResolved(name, Options{})
		if err != nil {
			f.Fatal(err)
		}
		m, _, err := r.graph(ro, true)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, m)
	}
	var out [][]byte
	for _, m := range seeds {
		data, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	// Graphs nested through node attributes, written as bytes: 3,000
	// levels (9,000 messages) parse; 10,000 pass the decoder's recursion
	// limit and must be refused.
	for _, depth := range []int{3000, 10000} {
		out = append(out, nestedBytes(depth))
	}
	return append(out, nil, []byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f})
}

// nestedBytes is a ModelProto whose graph's node's attribute holds a graph
// (GraphProto.node 1, NodeProto.attribute 5, AttributeProto.g 6), depth
// times over.
func nestedBytes(depth int) []byte {
	// Written back to front, so that each header is prepended in O(1).
	var rev []byte
	field := func(num int) {
		v := varint(len(rev))
		for i := len(v) - 1; i >= 0; i-- {
			rev = append(rev, v[i])
		}
		rev = append(rev, byte(num<<3|2))
	}
	for range depth {
		field(6)
		field(5)
		field(1)
	}
	field(7)
	out := make([]byte, len(rev))
	for i, b := range rev {
		out[len(rev)-1-i] = b
	}
	return out
}

func varint(n int) []byte {
	var b []byte
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	return append(b, byte(n))
}

// chainModel is n MatMuls in a row sharing one weight.
func chainModel(n int) *onnx.ModelProto {
	g := &onnx.GraphProto{
		Input:       []*onnx.ValueInfoProto{valueInfo("t0", dtFloat, []int64{1, 4})},
		Initializer: []*onnx.TensorProto{floatTensor("w", []int64{4, 4}, make([]float32, 16))},
	}
	for i := range n {
		g.Node = append(g.Node, &onnx.NodeProto{Name: fmt.Sprintf("mm%d", i), OpType: "MatMul",
			Input: []string{fmt.Sprintf("t%d", i), "w"}, Output: []string{fmt.Sprintf("t%d", i+1)}})
	}
	g.Output = []*onnx.ValueInfoProto{valueInfo(fmt.Sprintf("t%d", n), dtFloat, []int64{1, 4})}
	return &onnx.ModelProto{IrVersion: irVersion, OpsetImport: []*onnx.OperatorSetIdProto{{Version: 13}}, Graph: g}
}

// nestedModel holds If nodes whose then_branch nests depth levels deep.
func nestedModel(depth int) *onnx.ModelProto {
	g := convModel().Graph
	for range depth {
		g = &onnx.GraphProto{Node: []*onnx.NodeProto{{Name: "if", OpType: "If", Input: []string{"c"}, Output: []string{"o"},
			Attribute: []*onnx.AttributeProto{{Name: "then_branch", Type: onnx.AttributeProto_GRAPH, G: g}}}}}
	}
	return &onnx.ModelProto{IrVersion: irVersion, OpsetImport: []*onnx.OperatorSetIdProto{{Version: 13}}, Graph: g}
}

// fuzzModels fuzzes check over random bytes that parse as an ONNX model,
// starting from fuzzSeeds.
func fuzzModels(f *testing.F, check func(*testing.T, *onnx.ModelProto)) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Unmarshal(data)
		if err != nil {
			return
		}
		check(t, m)
	})
}

// FuzzAnalyze parses random bytes as an ONNX model and analyses it, as
// benchy models info does: any input is an error or stats, never a panic.
func FuzzAnalyze(f *testing.F) {
	fuzzModels(f, func(t *testing.T, m *onnx.ModelProto) {
		st, err := Analyze(m)
		if err == nil && st.Ops == nil {
			t.Fatal("Analyze succeeded without counting operators")
		}
	})
}

// FuzzQuantize parses random bytes as an ONNX model and quantizes it with a
// static range (no ONNX Runtime), as benchy models quantize does: any input
// is an error or a model, never a panic, and the source is left unchanged.
func FuzzQuantize(f *testing.F) {
	fuzzModels(f, func(t *testing.T, m *onnx.ModelProto) {
		before := proto.Clone(m)
		q, err := Quantize(m, Calibration{Static: &Range{-1, 1}})
		if err == nil && q.GetGraph() == nil {
			t.Fatal("Quantize returned a model without a graph")
		}
		if !proto.Equal(before, m) {
			t.Fatal("Quantize modified its source")
		}
	})
}
