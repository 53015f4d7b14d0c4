package models

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// NPY is an array read from a NumPy .npy file (format 1.0–3.0, C order,
// little-endian). Data holds one of []float32, []float64, []int64, []int32,
// []uint8, []int8 or []bool.
type NPY struct {
	Shape []int64
	Data  any
}

// maxNPYElements bounds what ReadNPY allocates (4 Gi elements).
const maxNPYElements = 1 << 32

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// ReadNPY parses a .npy stream.
func ReadNPY(r io.Reader) (*NPY, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	if !bytes.Equal(pre[:6], []byte("\x93NUMPY")) {
		return nil, errors.New("npy: not a .npy file (bad magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	if hlen > 1<<20 {
		return nil, fmt.Errorf("npy: header of %d bytes is too long", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("npy: header: %w", err)
	}
	h := string(hdr)
	d := npyDescr.FindStringSubmatch(h)
	f := npyFortran.FindStringSubmatch(h)
	s := npyShape.FindStringSubmatch(h)
	if d == nil || f == nil || s == nil {
		return nil, fmt.Errorf("npy: header %q lacks descr, fortran_order or shape", strings.TrimSpace(h))
	}
	if f[1] == "True" {
		return nil, errors.New("npy: Fortran-order arrays are not supported; save with np.ascontiguousarray")
	}
	var shape []int64
	n := int64(1)
	for _, part := range strings.Split(s[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := strconv.ParseInt(part, 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("npy: bad shape %q", s[1])
		}
		shape = append(shape, v)
		if v > 0 && n > maxNPYElements/v {
			return nil, fmt.Errorf("npy: shape %v is too large", shape)
		}
		n *= v
	}
	if n > maxNPYElements {
		return nil, fmt.Errorf("npy: shape %v is too large", shape)
	}
	size := map[string]int64{"<f4": 4, "<f8": 8, "<i8": 8, "<i4": 4, "|u1": 1, "|i1": 1, "|b1": 1, "<u1": 1, "<i1": 1}[d[1]]
	if size == 0 {
		return nil, fmt.Errorf("npy: unsupported dtype %q (want <f4, <f8, <i8, <i4, |u1, |i1 or |b1)", d[1])
	}
	// Read in chunks so that a header claiming a huge shape cannot make us
	// allocate more than the stream holds.
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, r, n*size); err != nil {
		return nil, fmt.Errorf("npy: data: want %d bytes: %w", n*size, err)
	}
	raw := buf.Bytes()
	out := &NPY{Shape: shape}
	switch d[1] {
	case "<f4":
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		out.Data = v
	case "<f8":
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		out.Data = v
	case "<i8":
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		out.Data = v
	case "<i4":
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		out.Data = v
	case "|u1", "<u1":
		out.Data = append([]uint8(nil), raw...)
	case "|i1", "<i1":
		v := make([]int8, n)
		for i := range v {
			v[i] = int8(raw[i])
		}
		out.Data = v
	case "|b1":
		v := make([]bool, n)
		for i := range v {
			v[i] = raw[i] != 0
		}
		out.Data = v
	}
	return out, nil
}

// WriteNPY writes a float32 array as a version 1.0 .npy stream.
func WriteNPY(w io.Writer, shape []int64, data []float32) error {
	if numElements(shape) != int64(len(data)) {
		return fmt.Errorf("npy: %d values for shape %v", len(data), shape)
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.FormatInt(d, 10)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	h := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", tuple)
	pad := 64 - (10+len(h)+1)%64
	h += strings.Repeat(" ", pad%64) + "\n"
	var pre [10]byte
	copy(pre[:], "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(h)))
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	for _, b := range [][]byte{pre[:], []byte(h), raw} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("npy: %w", err)
		}
	}
	return nil
}
