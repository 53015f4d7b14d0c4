package models

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
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
	n := numElements(t.Dims)
	if t.RawData != nil || len(t.FloatData) == 0 {
		if int64(len(t.RawData)) != 4*n {
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

// float16Bits converts f to IEEE 754 binary16 with round-to-nearest-even,
// overflow to infinity and gradual underflow, as numpy's astype(float16).
func float16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp == 0: // float32 zero or subnormal: far below float16's range
		return sign
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		// Subnormal float16: shift the full significand (with its implicit
		// bit) right, rounding to nearest even.
		if e < -10 {
			return sign
		}
		m := mant | 0x800000
		shift := uint32(14 - e)
		half := uint32(1) << (shift - 1)
		r := m >> shift
		rem := m & (1<<shift - 1)
		if rem > half || (rem == half && r&1 == 1) {
			r++
		}
		return sign | uint16(r)
	}
	r := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && r&1 == 1) {
		r++ // may carry into the exponent, up to infinity: correct
	}
	return sign | uint16(r)
}

// float16ToFloat32 widens IEEE 754 binary16 bits to float32.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// toFloat16Tensor converts a float32 tensor to float16 in place.
func toFloat16Tensor(t *onnx.TensorProto) error {
	vals, err := floatsOf(t)
	if err != nil {
		return err
	}
	raw := make([]byte, 2*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint16(raw[2*i:], float16Bits(v))
	}
	t.DataType = dtFloat16
	t.RawData = raw
	t.FloatData = nil
	return nil
}
