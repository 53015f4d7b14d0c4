package onnx

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"reflect"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/benchy-dev/benchy/internal/float16"
)

// elemTypes maps ONNX Runtime element types to benchy's names and sizes
// (size 0: not a fixed-size numeric type).
var elemTypes = map[ort.TensorElementDataType]struct {
	name string
	size int
}{
	ort.TensorElementDataTypeFloat: {"float32", 4}, ort.TensorElementDataTypeDouble: {"float64", 8},
	ort.TensorElementDataTypeFloat16: {"float16", 2}, ort.TensorElementDataTypeBFloat16: {"bfloat16", 2},
	ort.TensorElementDataTypeInt8: {"int8", 1}, ort.TensorElementDataTypeInt16: {"int16", 2},
	ort.TensorElementDataTypeInt32: {"int32", 4}, ort.TensorElementDataTypeInt64: {"int64", 8},
	ort.TensorElementDataTypeUint8: {"uint8", 1}, ort.TensorElementDataTypeUint16: {"uint16", 2},
	ort.TensorElementDataTypeUint32: {"uint32", 4}, ort.TensorElementDataTypeUint64: {"uint64", 8},
	ort.TensorElementDataTypeBool: {"bool", 1}, ort.TensorElementDataTypeString: {"string", 0},
	ort.TensorElementDataTypeComplex64: {"complex64", 8}, ort.TensorElementDataTypeComplex128: {"complex128", 16},
}

func elemName(t ort.TensorElementDataType) string {
	if e, ok := elemTypes[t]; ok {
		return e.name
	}
	return fmt.Sprintf("element type %d", int(t))
}

func elemByName(name string) (ort.TensorElementDataType, int, bool) {
	for t, e := range elemTypes {
		if e.name == name {
			return t, e.size, true
		}
	}
	return 0, 0, false
}

func numElements(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// maxSyntheticBytes bounds one synthetic input (4 GiB): a shape that asks
// for more is almost certainly a mistake in the suite.
const maxSyntheticBytes = 4 << 30

// inputRNG returns the generator for one input: seeded from the run's seed
// and the input's name, so every arm of a run feeds identical data and a
// rerun with the recorded seed feeds it again.
func inputRNG(seed int64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// syntheticBytes fills n elements of typ: floats uniform in [0, 1),
// integers in {1, 2, 3} (never 0, so integer division cannot trap; small,
// so most index inputs stay in range), bools uniform.
func syntheticBytes(typ string, size int, n int64, rng *rand.Rand) []byte {
	buf := make([]byte, max(n*int64(size), int64(size)))
	le := binary.LittleEndian
	for i := int64(0); i < n; i++ {
		o := i * int64(size)
		switch typ {
		case "float32":
			le.PutUint32(buf[o:], math.Float32bits(rng.Float32()))
		case "float64":
			le.PutUint64(buf[o:], math.Float64bits(rng.Float64()))
		case "float16":
			le.PutUint16(buf[o:], float16.FromFloat32(rng.Float32()))
		case "bfloat16":
			le.PutUint16(buf[o:], uint16(math.Float32bits(rng.Float32())>>16))
		case "bool":
			buf[o] = byte(rng.IntN(2))
		default: // integers of every width, little-endian
			v := uint64(1 + rng.IntN(3))
			for k := 0; k < size; k++ {
				buf[o+int64(k)] = byte(v >> (8 * k))
			}
		}
	}
	return buf
}

// newInputValue builds the ONNX Runtime value for one resolved input:
// the .npy data when given, else seeded synthetic data.
func newInputValue(in resolvedInput, seed int64) (ort.Value, error) {
	typ, size, ok := elemByName(in.Type)
	if !ok {
		return nil, fmt.Errorf("input %q: element type %s is not supported", in.Name, in.Type)
	}
	n := numElements(in.Shape)
	if typ == ort.TensorElementDataTypeString {
		if len(in.Shape) == 0 {
			return nil, fmt.Errorf("input %q: scalar string inputs are not supported", in.Name)
		}
		t, err := ort.NewStringTensor(ort.Shape(in.Shape))
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", in.Name, err)
		}
		words := []string{"benchy", "onnx", "runtime", "latency"}
		rng := inputRNG(seed, in.Name)
		s := make([]string, n)
		for i := range s {
			s[i] = words[rng.IntN(len(words))]
		}
		if err := t.SetContents(s); err != nil {
			t.Destroy()
			return nil, fmt.Errorf("input %q: %w", in.Name, err)
		}
		return t, nil
	}
	if n*int64(size) > maxSyntheticBytes {
		return nil, fmt.Errorf("input %q: shape %v is %d bytes of %s, more than benchy feeds (%d)", in.Name, in.Shape, n*int64(size), in.Type, int64(maxSyntheticBytes))
	}
	var data []byte
	if in.Data != nil {
		data = in.Data.Data
		if len(data) == 0 {
			data = make([]byte, size)
		}
	} else {
		data = syntheticBytes(in.Type, size, n, inputRNG(seed, in.Name))
	}
	if len(in.Shape) == 0 {
		return newScalar(typ, data)
	}
	t, err := ort.NewCustomDataTensor(ort.Shape(in.Shape), data, typ)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	return t, nil
}

// newEmptyScalar returns a rank-0 output buffer (onnxruntime_go cannot
// wrap a rank-0 output that ONNX Runtime allocates), or nil for a type it
// has no scalar for.
func newEmptyScalar(typ ort.TensorElementDataType) ort.Value {
	e := elemTypes[typ]
	if e.size == 0 || typ == ort.TensorElementDataTypeFloat16 || typ == ort.TensorElementDataTypeBFloat16 ||
		typ == ort.TensorElementDataTypeComplex64 || typ == ort.TensorElementDataTypeComplex128 {
		return nil
	}
	v, err := newScalar(typ, make([]byte, e.size))
	if err != nil {
		return nil
	}
	return v
}

// newScalar builds a rank-0 tensor from the first element of data.
func newScalar(typ ort.TensorElementDataType, data []byte) (ort.Value, error) {
	le := binary.LittleEndian
	switch typ {
	case ort.TensorElementDataTypeFloat:
		return ort.NewScalar(math.Float32frombits(le.Uint32(data)))
	case ort.TensorElementDataTypeDouble:
		return ort.NewScalar(math.Float64frombits(le.Uint64(data)))
	case ort.TensorElementDataTypeInt8:
		return ort.NewScalar(int8(data[0]))
	case ort.TensorElementDataTypeUint8:
		return ort.NewScalar(data[0])
	case ort.TensorElementDataTypeInt16:
		return ort.NewScalar(int16(le.Uint16(data)))
	case ort.TensorElementDataTypeUint16:
		return ort.NewScalar(le.Uint16(data))
	case ort.TensorElementDataTypeInt32:
		return ort.NewScalar(int32(le.Uint32(data)))
	case ort.TensorElementDataTypeUint32:
		return ort.NewScalar(le.Uint32(data))
	case ort.TensorElementDataTypeInt64:
		return ort.NewScalar(int64(le.Uint64(data)))
	case ort.TensorElementDataTypeUint64:
		return ort.NewScalar(le.Uint64(data))
	case ort.TensorElementDataTypeBool:
		return ort.NewScalar(data[0] != 0)
	}
	return nil, fmt.Errorf("scalar inputs of %s are not supported", elemName(typ))
}

// isNil reports whether v is nil or an interface holding a nil pointer
// (onnxruntime_go can leave those behind when converting an output fails).
func isNil(v ort.Value) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// destroy releases v unless it is nil.
func destroy(v ort.Value) {
	if !isNil(v) {
		v.Destroy()
	}
}

// preallocateInfo returns an output buffer for an output whose shape the
// model fixes, or nil when the shape is dynamic or the type not numeric.
func preallocateInfo(o ort.InputOutputInfo) ort.Value {
	if o.OrtValueType != ort.ONNXTypeTensor {
		return nil
	}
	for _, d := range o.Dimensions {
		if d <= 0 {
			return nil
		}
	}
	return newBuffer(o.Dimensions, o.DataType)
}

func newBuffer(shape ort.Shape, typ ort.TensorElementDataType) ort.Value {
	e, ok := elemTypes[typ]
	if !ok || e.size == 0 {
		return nil
	}
	if len(shape) == 0 {
		return newEmptyScalar(typ)
	}
	n := numElements(shape)
	if len(shape) == 0 || n <= 0 || n*int64(e.size) > maxSyntheticBytes {
		return nil
	}
	t, err := ort.NewCustomDataTensor(shape.Clone(), make([]byte, n*int64(e.size)), typ)
	if err != nil {
		return nil
	}
	return t
}

// preallocate returns an output buffer shaped like v (an output ONNX
// Runtime allocated on the first run), or nil when v cannot be
// pre-allocated: non-tensors, strings, empty tensors, and outputs whose
// actual shape contradicts the shape the model declares (ONNX Runtime
// checks a caller's buffer against the declaration). Such outputs are left
// to ONNX Runtime on every run.
func preallocate(v ort.Value, declared ort.Shape) ort.Value {
	if isNil(v) || v.GetONNXType() != ort.ONNXTypeTensor {
		return nil
	}
	shape := v.GetShape()
	if len(declared) != len(shape) {
		return nil
	}
	for i, d := range declared {
		if d >= 0 && d != shape[i] {
			return nil
		}
	}
	return newBuffer(shape, ort.TensorElementDataType(v.DataType()))
}
