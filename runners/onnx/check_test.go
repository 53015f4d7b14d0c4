package onnx

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	onnxpb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// tinyModel is an ONNX model with the input x, an initializer w that old
// exporters also list as an input, one node and one output.
func tinyModel(t *testing.T) []byte {
	t.Helper()
	vi := func(name string) *onnxpb.ValueInfoProto { return &onnxpb.ValueInfoProto{Name: name} }
	m := &onnxpb.ModelProto{
		IrVersion: 3,
		Graph: &onnxpb.GraphProto{
			Name:        "g",
			Node:        []*onnxpb.NodeProto{{OpType: "Add", Input: []string{"x", "w"}, Output: []string{"y"}}},
			Initializer: []*onnxpb.TensorProto{{Name: "w", Dims: []int64{1}, DataType: 1, FloatData: []float32{1}}},
			Input:       []*onnxpb.ValueInfoProto{vi("x"), vi("w")},
			Output:      []*onnxpb.ValueInfoProto{vi("y")},
		},
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckModelFiles: validate-time checks of a model file (#15.10, #14.3).
func TestCheckModelFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	model := tinyModel(t)
	write("m.onnx", model)
	write("text.onnx", []byte("this is not a model\n"))
	write("empty.onnx", nil)
	write("cut.onnx", model[:len(model)-7])
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.onnx"), 0o600); err != nil {
		t.Fatal(err)
	}
	if in, err := modelInputs(filepath.Join(dir, "m.onnx")); err != nil || strings.Join(in, ",") != "x" {
		t.Fatalf("inputs %v, %v; want [x]", in, err)
	}
	cases := []struct{ model, inputs, want string }{
		{"m.onnx", "", ""},
		{"replica:bodyposenet", "", ""},
		{"m.onnx", "inputs = { x = [1], y = [2] }", `inputs.y: the model m.onnx has no input named "y"; its inputs are x. Did you mean "x"?`},
		{"nope.onnx", "", "nope.onnx: no such file. model = \"nope.onnx\" is relative to the suite's directory"},
		{"text.onnx", "", "not an ONNX model"},
		{"empty.onnx", "", "the file is empty, not an ONNX model"},
		{"cut.onnx", "", "not an ONNX model"},
		{"fifo.onnx", "", "not a regular file"},
		{dir, "", "not a regular file"},
	}
	for _, tc := range cases {
		c, diags := decodeSrc(t, "model = \""+tc.model+"\"\n"+tc.inputs+"\n")
		if diags.HasErrors() {
			t.Fatalf("%s: %v", tc.model, diags)
		}
		got := check(c, dir)
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected %v", tc.model, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0].Detail, tc.want) || got[0].Subject == nil || got[0].Subject.Start.Line == 0):
			t.Errorf("%s: got %v, want one error with a range and %q", tc.model, got, tc.want)
		}
	}
}
