package onnx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Array is an n-dimensional array read from a NumPy .npy file: its element
// type in NumPy's notation ("<f4", "|u1", ...), its shape and its raw
// little-endian, C-ordered bytes.
type Array struct {
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
	reDescr    = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	reFortran  = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	reShape    = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
	errNotNpy  = errors.New("not a NumPy .npy file (bad magic)")
	maxNpyDims = 32
)

// ElementType returns the ONNX element type name of the array's dtype
// ("float32", "int64", ...).
func (a *Array) ElementType() string { return npyDescrs[a.Descr].onnx }

// ParseNpy decodes a NumPy .npy file (format versions 1, 2 and 3). It
// accepts C-ordered arrays of the numeric and bool dtypes in npyDescrs.
func ParseNpy(b []byte) (*Array, error) {
	if len(b) < 10 || !bytes.Equal(b[:6], npyMagic) {
		return nil, errNotNpy
	}
	major := b[6]
	var hlen, off int
	switch major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf(".npy format version %d is not supported", major)
	}
	if hlen < 0 || off+hlen > len(b) || off+hlen < off {
		return nil, errors.New("truncated .npy header")
	}
	header := string(b[off : off+hlen])
	data := b[off+hlen:]

	m := reDescr.FindStringSubmatch(header)
	if m == nil {
		return nil, fmt.Errorf(".npy header has no descr: %q", header)
	}
	descr := m[1]
	if descr == "<b1" || descr == "|b1" {
		descr = "|b1"
	}
	switch descr {
	case "<i1", "<u1":
		descr = "|" + descr[1:]
	}
	dt, ok := npyDescrs[descr]
	if !ok {
		return nil, fmt.Errorf(".npy dtype %q is not supported (use little-endian float16/32/64, int8-64, uint8-64 or bool)", m[1])
	}
	if f := reFortran.FindStringSubmatch(header); f == nil {
		return nil, errors.New(".npy header has no fortran_order")
	} else if f[1] == "True" {
		return nil, errors.New(".npy array is in Fortran order; save it C-ordered (numpy.ascontiguousarray)")
	}
	s := reShape.FindStringSubmatch(header)
	if s == nil {
		return nil, errors.New(".npy header has no shape")
	}
	var shape []int64
	count := int64(1)
	for _, part := range strings.Split(s[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(part, "L"), 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf(".npy shape (%s) is not a tuple of whole numbers", s[1])
		}
		if len(shape) == maxNpyDims {
			return nil, fmt.Errorf(".npy array has more than %d dimensions", maxNpyDims)
		}
		shape = append(shape, n)
		if n != 0 && count > (1<<62)/n {
			return nil, fmt.Errorf(".npy shape (%s) is too large", s[1])
		}
		count *= n
	}
	want := count * int64(dt.size)
	if int64(len(data)) != want {
		return nil, fmt.Errorf(".npy data is %d bytes; shape (%s) of %s needs %d", len(data), s[1], descr, want)
	}
	return &Array{Descr: descr, Shape: shape, Data: data}, nil
}
