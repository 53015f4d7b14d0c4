package models

import (
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// TestAnalyzeMalformedNodes analyses graphs whose one weighted node lacks
// an input or output it needs: each is an error that names the node and
// what is missing, never a panic (an output-less Conv or Gemm once read
// past the end of its outputs).
func TestAnalyzeMalformedNodes(t *testing.T) {
	weight := floatTensor("w", []int64{4, 3, 1, 1}, make([]float32, 12))
	tests := []struct {
		name, op string
		inputs   []string
		outputs  []string
		want     string
	}{
		{"Conv without outputs", "Conv", []string{"x", "w"}, nil, `node "n" (Conv): no output`},
		{"ConvTranspose without outputs", "ConvTranspose", []string{"x", "w"}, nil, `node "n" (ConvTranspose): no output`},
		{"Gemm without outputs", "Gemm", []string{"x", "w", "b"}, nil, `node "n" (Gemm): no output`},
		{"MatMul without outputs", "MatMul", []string{"x", "w"}, nil, `node "n" (MatMul): no output`},
		{"Conv with an empty output name", "Conv", []string{"x", "w"}, []string{""}, `node "n" (Conv): no output`},
		{"Gemm without its weight", "Gemm", []string{"x"}, []string{"y"}, `node "n" (Gemm): fewer than 2 inputs`},
		{"Conv without inputs", "Conv", nil, []string{"y"}, `node "n" (Conv): fewer than 2 inputs`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &onnx.ModelProto{Graph: &onnx.GraphProto{
				Input:       []*onnx.ValueInfoProto{valueInfo("x", dtFloat, []int64{1, 3, 8, 8})},
				Initializer: []*onnx.TensorProto{weight},
				Node:        []*onnx.NodeProto{{Name: "n", OpType: tc.op, Input: tc.inputs, Output: tc.outputs}},
			}}
			_, err := Analyze(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
