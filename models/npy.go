package models

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// NPY is an n-dimensional array read from a NumPy .npy file: its element
// type in NumPy's notation ("<f4", "|u1", ...), its shape and its raw
// little-endian, C-ordered bytes.
type NPY struct {
	Descr string
	Shape []int64
	Data  []byte
}

// npyDescrs maps the NumPy dtypes benchy accepts to ONNX element type names
// and element sizes. Only little-endian (or byte-sized) types are accepted.
var npyDescrs = map[string]struct {
	onnx string
	size int
}{
	"<f4": {"float32", 4}, "<f8": {"float64", 8}, "<f2": {"float16", 2},
	"|i1": {"int8", 1}, "<i2": {"int16", 2}, "<i4": {"int32", 4}, "<i8": {"int64", 8},
	"|u1": {"uint8", 1}, "<u2": {"uint16", 2}, "<u4": {"uint32", 4}, "<u8": {"uint64", 8},
	"|b1": {"bool", 1},
}

var (
	npyMagic   = []byte("\x93NUMPY")
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
	errNotNPY  = errors.New("not a NumPy .npy file (bad magic)")
	maxNPYDims = 32
)

// ElementType returns the ONNX element type name of the array's dtype
// ("float32", "int64", ...).
func (a *NPY) ElementType() string { return npyDescrs[a.Descr].onnx }

// ParseNPY decodes a NumPy .npy file (format versions 1, 2 and 3). It
// accepts C-ordered arrays of the numeric and bool dtypes in npyDescrs.
func ParseNPY(b []byte) (*NPY, error) {
	header, data, err := npyHeader(b)
	if err != nil {
		return nil, err
	}
	m := npyDescr.FindStringSubmatch(header)
	if m == nil {
		return nil, fmt.Errorf(".npy header has no descr: %q", header)
	}
	descr := m[1]
	switch descr {
	case "<b1":
		descr = "|b1"
	case "<i1", "<u1":
		descr = "|" + descr[1:]
	}
	dt, ok := npyDescrs[descr]
	if !ok {
		return nil, fmt.Errorf(".npy dtype %q is not supported (use little-endian float16/32/64, int8-64, uint8-64 or bool)", m[1])
	}
	if f := npyFortran.FindStringSubmatch(header); f == nil {
		return nil, errors.New(".npy header has no fortran_order")
	} else if f[1] == "True" {
		return nil, errors.New(".npy array is in Fortran order; save it C-ordered (numpy.ascontiguousarray)")
	}
	s := npyShape.FindStringSubmatch(header)
	if s == nil {
		return nil, errors.New(".npy header has no shape")
	}
	shape, count, err := npyDims(s[1])
	if err != nil {
		return nil, err
	}
	want := count * int64(dt.size)
	if int64(len(data)) != want {
		return nil, fmt.Errorf(".npy data is %d bytes; shape (%s) of %s needs %d", len(data), s[1], descr, want)
	}
	return &NPY{Descr: descr, Shape: shape, Data: data}, nil
}

// npyHeader splits a .npy file into its header dictionary and its data.
func npyHeader(b []byte) (header string, data []byte, err error) {
	if len(b) < 10 || !bytes.Equal(b[:6], npyMagic) {
		return "", nil, errNotNPY
	}
	var hlen, off int
	switch major := b[6]; major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return "", nil, errors.New("truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return "", nil, fmt.Errorf(".npy format version %d is not supported", major)
	}
	if hlen < 0 || off+hlen > len(b) || off+hlen < off {
		return "", nil, errors.New("truncated .npy header")
	}
	return string(b[off : off+hlen]), b[off+hlen:], nil
}

// npyDims parses the shape tuple's contents ("2, 3" or "4," or "") and
// returns the dimensions and their product.
func npyDims(tuple string) (shape []int64, count int64, err error) {
	count = 1
	for _, part := range strings.Split(tuple, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(part, "L"), 10, 64)
		if err != nil || n < 0 {
			return nil, 0, fmt.Errorf(".npy shape (%s) is not a tuple of whole numbers", tuple)
		}
		if len(shape) == maxNPYDims {
			return nil, 0, fmt.Errorf(".npy array has more than %d dimensions", maxNPYDims)
		}
		shape = append(shape, n)
		if n != 0 && count > (1<<62)/n {
			return nil, 0, fmt.Errorf(".npy shape (%s) is too large", tuple)
		}
		count *= n
	}
	return shape, count, nil
}

// values decodes the array's bytes into a []float32, []float64, []int64,
// []int32, []uint8, []int8 or []bool: the element types a calibration
// input may have.
func (a *NPY) values() (any, error) {
	raw := a.Data
	switch a.Descr {
	case "<f4":
		v := make([]float32, len(raw)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return v, nil
	case "<f8":
		v := make([]float64, len(raw)/8)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return v, nil
	case "<i8":
		v := make([]int64, len(raw)/8)
		for i := range v {
			v[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return v, nil
	case "<i4":
		v := make([]int32, len(raw)/4)
		for i := range v {
			v[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return v, nil
	case "|u1":
		return append([]uint8(nil), raw...), nil
	case "|i1":
		v := make([]int8, len(raw))
		for i := range v {
			v[i] = int8(raw[i])
		}
		return v, nil
	case "|b1":
		v := make([]bool, len(raw))
		for i := range v {
			v[i] = raw[i] != 0
		}
		return v, nil
	}
	return nil, fmt.Errorf("npy: unsupported dtype %q (want <f4, <f8, <i8, <i4, |u1, |i1 or |b1)", a.Descr)
}
