package models

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/benchy-dev/benchy/internal/float16"
)

// Element types used here, as ONNX numbers them.
const (
	dtFloat   = int32(onnx.TensorProto_FLOAT)
	dtUint8   = int32(onnx.TensorProto_UINT8)
	dtInt8    = int32(onnx.TensorProto_INT8)
	dtInt32   = int32(onnx.TensorProto_INT32)
	dtInt64   = int32(onnx.TensorProto_INT64)
	dtBool    = int32(onnx.TensorProto_BOOL)
	dtFloat16 = int32(onnx.TensorProto_FLOAT16)
	dtDouble  = int32(onnx.TensorProto_DOUBLE)
	dtBF16    = int32(onnx.TensorProto_BFLOAT16)
)

// isFloatType reports whether an ONNX element type is a floating-point type.
func isFloatType(dt int32) bool {
	return dt == dtFloat || dt == dtFloat16 || dt == dtDouble || dt == dtBF16
}

// numElements is the product of dims (1 for a scalar).
func numElements(dims []int64) int64 {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	return n
}

// checkedElements is numElements of a tensor's dims, or an error naming the
// tensor when a dim is negative or their product overflows int64 (a
// malformed model whose count would otherwise wrap and size a slice).
func checkedElements(t *onnx.TensorProto) (int64, error) {
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 {
			return 0, fmt.Errorf("tensor %q: negative dimension in shape %v", t.Name, t.Dims)
		}
		if d != 0 && n > math.MaxInt64/d {
			return 0, fmt.Errorf("tensor %q: shape %v holds more than 2^63 values", t.Name, t.Dims)
		}
		n *= d
	}
	return n, nil
}

// floatTensor returns an initializer holding data as float32 raw data.
func floatTensor(name string, dims []int64, data []float32) *onnx.TensorProto {
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: dtFloat, RawData: raw}
}

// int64Tensor returns a tensor holding int64 values.
func int64Tensor(name string, dims []int64, data []int64) *onnx.TensorProto {
	raw := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: dtInt64, RawData: raw}
}

// floatsOf decodes a float32 tensor, raw or in float_data.
func floatsOf(t *onnx.TensorProto) ([]float32, error) {
	if t.DataType != dtFloat {
		return nil, fmt.Errorf("tensor %q: element type %s, want FLOAT", t.Name, onnx.TensorProto_DataType(t.DataType))
	}
	if t.DataLocation == onnx.TensorProto_EXTERNAL || len(t.ExternalData) > 0 {
		return nil, fmt.Errorf("tensor %q: external data is not supported; save the model with its weights inside", t.Name)
	}
	n, err := checkedElements(t)
	if err != nil {
		return nil, err
	}
	if t.RawData != nil || len(t.FloatData) == 0 {
		if len(t.RawData)%4 != 0 || int64(len(t.RawData)/4) != n { // 4*n could wrap
			return nil, fmt.Errorf("tensor %q: %d bytes of raw data for %d float32 values", t.Name, len(t.RawData), n)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.RawData[4*i:]))
		}
		return out, nil
	}
	if int64(len(t.FloatData)) != n {
		return nil, fmt.Errorf("tensor %q: %d float values for shape %v", t.Name, len(t.FloatData), t.Dims)
	}
	return append([]float32(nil), t.FloatData...), nil
}

// toFloat16Tensor converts a float32 tensor to float16 in place.
func toFloat16Tensor(t *onnx.TensorProto) error {
	vals, err := floatsOf(t)
	if err != nil {
		return err
	}
	raw := make([]byte, 2*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint16(raw[2*i:], float16.FromFloat32(v))
	}
	t.DataType = dtFloat16
	t.RawData = raw
	t.FloatData = nil
	return nil
}
