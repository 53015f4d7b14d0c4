package onnx

import (
	"errors"
	"fmt"
	"strings"

	onnxpb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/benchy-dev/benchy/internal/regularfile"
)

// MaxModelBytes is the largest model file benchy reads: 2 GiB, protobuf's
// limit for one message, so no valid .onnx file is larger (bigger models
// keep their weights in external data files beside it).
const MaxModelBytes = 2 << 30

// MaxInputBytes is the largest .npy input file benchy reads (2 GiB).
const MaxInputBytes = 2 << 30

// ReadModelFile reads an ONNX model file. Only a regular file (or a link
// to one) of at most MaxModelBytes is read: a FIFO, /dev/zero, a directory
// or a larger file is an error that says so at once, never a read that
// waits for a writer or ends when memory does.
func ReadModelFile(path string) ([]byte, error) {
	return readBounded(path, MaxModelBytes, "ONNX models are read only from regular files",
		"ONNX models may have at most 2 GiB (protobuf's limit; larger models keep their weights in external data files)")
}

// readBounded reads path with regularfile.Read and words its errors for
// the user: what benchy reads, and the limit.
func readBounded(path string, limit int64, onlyRegular, sizeRule string) ([]byte, error) {
	b, err := regularfile.Read(path, limit)
	var nr *regularfile.NotRegularError
	var tl *regularfile.TooLargeError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%v; %s", err, onlyRegular)
	case errors.As(err, &tl):
		return nil, fmt.Errorf("%v; %s", err, sizeRule)
	}
	return b, err
}

// ONNX TensorProto.DataType values benchy reasons about.
const (
	dtFloat    = 1
	dtUint8    = 2
	dtInt8     = 3
	dtFloat16  = 10
	dtDouble   = 11
	dtBfloat16 = 16
)

var dtNames = map[int32]string{
	1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
	7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "float64",
	12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128",
	16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz", 19: "float8e5m2",
	20: "float8e5m2fnuz", 21: "uint4", 22: "int4",
}

// quantOps are operators that only appear in quantized graphs.
var quantOps = map[string]bool{
	"QuantizeLinear": true, "DequantizeLinear": true, "DynamicQuantizeLinear": true,
	"QLinearConv": true, "QLinearMatMul": true, "MatMulInteger": true,
	"ConvInteger": true, "QLinearAdd": true, "QLinearMul": true,
	"QLinearAveragePool": true, "QLinearGlobalAveragePool": true,
	"QLinearConcat": true, "QLinearSigmoid": true, "QLinearLeakyRelu": true,
	"DynamicQuantizeMatMul": true, "MatMulIntegerToFloat": true, "QAttention": true,
}

// ModelFacts are what benchy reads from a model file without running it.
type ModelFacts struct {
	// Opset is the default-domain opset the model imports (0 if none).
	Opset int64
	// Producer is "name version" of the exporting tool.
	Producer string
	// Nodes counts the graph's nodes, subgraphs included.
	Nodes int
	// WeightType is the element type holding most float initializer
	// elements ("float32", "float16", ...), or, for a model without float
	// initializers, the float type of its inputs and outputs; "" if none.
	WeightType string
	// QuantOps counts quantization operators (QuantizeLinear, QLinearConv...).
	QuantOps int
	// DimParams maps each graph input to the symbolic names of its axes
	// ("" for a fixed or unnamed axis).
	DimParams map[string][]string
}

// ReadModelFacts parses an ONNX ModelProto. A file that is not a valid
// model gives an error saying so.
func ReadModelFacts(data []byte) (*ModelFacts, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("not an ONNX model (protobuf parsing failed: %v); the file may be truncated or corrupt", err)
	}
	g := m.GetGraph()
	if g == nil || (len(g.GetNode()) == 0 && len(g.GetOutput()) == 0) {
		return nil, fmt.Errorf("not an ONNX model (no graph); the file may be truncated or corrupt")
	}
	f := &ModelFacts{DimParams: map[string][]string{}}
	for _, o := range m.GetOpsetImport() {
		if o.GetDomain() == "" || o.GetDomain() == "ai.onnx" {
			f.Opset = o.GetVersion()
		}
	}
	f.Producer = strings.TrimSpace(m.GetProducerName() + " " + m.GetProducerVersion())

	floatElems := map[int32]int64{}
	var walk func(g *onnxpb.GraphProto)
	walk = func(g *onnxpb.GraphProto) {
		for _, t := range g.GetInitializer() {
			switch t.GetDataType() {
			case dtFloat, dtFloat16, dtDouble, dtBfloat16:
				n := int64(1)
				for _, d := range t.GetDims() {
					n *= max(d, 1)
				}
				floatElems[t.GetDataType()] += n
			}
		}
		for _, n := range g.GetNode() {
			f.Nodes++
			if quantOps[n.GetOpType()] {
				f.QuantOps++
			}
			for _, a := range n.GetAttribute() {
				if a.GetG() != nil {
					walk(a.GetG())
				}
				for _, sg := range a.GetGraphs() {
					walk(sg)
				}
			}
		}
	}
	walk(g)
	if len(floatElems) == 0 {
		for _, vi := range append(append([]*onnxpb.ValueInfoProto{}, g.GetInput()...), g.GetOutput()...) {
			switch dt := vi.GetType().GetTensorType().GetElemType(); dt {
			case dtFloat, dtFloat16, dtDouble, dtBfloat16:
				floatElems[dt]++
			}
		}
	}
	var best int32
	for dt, n := range floatElems {
		if best == 0 || n > floatElems[best] || (n == floatElems[best] && dt < best) {
			best = dt
		}
	}
	if best != 0 {
		f.WeightType = dtNames[best]
	}
	for _, vi := range g.GetInput() {
		var names []string
		for _, d := range vi.GetType().GetTensorType().GetShape().GetDim() {
			names = append(names, d.GetDimParam())
		}
		f.DimParams[vi.GetName()] = names
	}
	return f, nil
}

// CheckPrecision says whether a model suits precision on provider. fp32
// needs full-precision weights (float32, or float64, which has no precision
// name of its own) and no quantization; tf32 needs float32 weights; fp16 needs float16 weights except on
// TensorRT (whose fp16 mode converts float32 weights itself); int8 needs a
// quantized graph (QuantizeLinear/DequantizeLinear or QLinear*/...Integer
// operators), or on TensorRT a calibration table. Models without float
// tensors (integer or string graphs) suit fp32 only.
func (f *ModelFacts) CheckPrecision(precision, provider string, options map[string]string) error {
	w := f.WeightType
	desc := "weights"
	if w == "" {
		w = "no floating-point tensors"
	}
	switch precision {
	case PrecisionFP32, PrecisionTF32:
		if f.QuantOps > 0 {
			return fmt.Errorf("precision = %q, but the model is quantized (%d quantization operators); use precision = \"int8\"", precision, f.QuantOps)
		}
		if f.WeightType == "float16" || f.WeightType == "bfloat16" || (precision == PrecisionTF32 && f.WeightType == "float64") {
			return fmt.Errorf("precision = %q, but the model's %s are %s; use a float32 model or set precision to match", precision, desc, f.WeightType)
		}
		if precision == PrecisionTF32 && f.WeightType == "" {
			return fmt.Errorf("precision = \"tf32\", but the model has %s", w)
		}
	case PrecisionFP16:
		if f.QuantOps > 0 {
			return fmt.Errorf("precision = \"fp16\", but the model is quantized (%d quantization operators); use precision = \"int8\"", f.QuantOps)
		}
		if provider == ProviderTensorRT && f.WeightType == "float32" {
			return nil // TensorRT's fp16 mode builds half-precision kernels itself.
		}
		if f.WeightType != "float16" {
			return fmt.Errorf("precision = \"fp16\", but the model's %s are %s; provider %q runs the model as stored, so give it a float16 model (TensorRT alone converts float32 weights itself)", desc, orNone(f.WeightType), provider)
		}
	case PrecisionINT8:
		if f.QuantOps > 0 {
			return nil
		}
		if provider == ProviderTensorRT && options["trt_int8_calibration_table_name"] != "" {
			return nil
		}
		return fmt.Errorf("precision = \"int8\", but the model has no quantization operators (QuantizeLinear/DequantizeLinear, QLinear*, *Integer); give it a quantized model%s", map[bool]string{true: ", or a calibration table with provider_options.trt_int8_calibration_table_name", false: ""}[provider == ProviderTensorRT])
	default:
		return fmt.Errorf("unknown precision %q", precision)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "not floating-point"
	}
	return s
}

// describeDims renders a model shape with dynamic axes as "?" or their
// symbolic names: [batch 3 ? ?].
func describeDims(dims []int64, params []string) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		switch {
		case d >= 0:
			parts[i] = fmt.Sprint(d)
		case i < len(params) && params[i] != "":
			parts[i] = params[i]
		default:
			parts[i] = "?"
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}
