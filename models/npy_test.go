package models

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The files in testdata/npy were written by numpy (np.save).
func TestParseNPYGolden(t *testing.T) {
	tests := []struct {
		file  string
		shape []int64
		data  any
	}{
		{"f4.npy", []int64{2, 3}, []float32{-0.5, -0.25, 0, 0.25, 0.5, 0.75}},
		{"f8.npy", []int64{3}, []float64{1.5, -2.25, 1e300}},
		{"i8.npy", []int64{2, 2}, []int64{1, -2, 3, 1 << 40}},
		{"b1.npy", []int64{3}, []bool{true, false, true}},
		{"scalar.npy", nil, []float32{3.5}},
		{"u1.npy", []int64{1, 2, 2}, []uint8{0, 1, 2, 3}},
	}
	for _, tc := range tests {
		b, err := os.ReadFile("testdata/npy/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseNPY(b)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		v, err := a.values()
		if err != nil || !reflect.DeepEqual(a.Shape, tc.shape) || !reflect.DeepEqual(v, tc.data) {
			t.Errorf("%s: shape %v data %v (%v), want %v %v", tc.file, a.Shape, v, err, tc.shape, tc.data)
		}
	}
	// float16 parses (the ONNX runner feeds it as is), but a calibration
	// input cannot be float16.
	b, _ := os.ReadFile("testdata/npy/f2.npy")
	a, err := ParseNPY(b)
	if err != nil {
		t.Fatalf("f2.npy: %v", err)
	}
	if _, err := a.values(); err == nil || !strings.Contains(err.Error(), `unsupported dtype "<f2"`) {
		t.Errorf("f2.npy values: %v, want an unsupported dtype error", err)
	}
}

// TestParseNPY reads numpy's files as the ONNX runner feeds them: the
// dtype, the shape and the raw little-endian data, or why the file is
// refused.
func TestParseNPY(t *testing.T) {
	for _, tc := range []struct {
		file  string
		descr string
		shape []int64
		data  []byte // nil: don't check
		err   string
	}{
		{file: "f4.npy", descr: "<f4", shape: []int64{2, 3}},
		{file: "f8.npy", descr: "<f8", shape: []int64{3}, data: f64bytes(1.5, -2.25, 1e300)},
		{file: "i64_vec.npy", descr: "<i8", shape: []int64{3}, data: i64bytes(1, -2, 3)},
		{file: "u8_scalar.npy", descr: "|u1", shape: nil, data: []byte{7}},
		{file: "bool_2x2.npy", descr: "|b1", shape: []int64{2, 2}, data: []byte{1, 0, 0, 1}},
		{file: "f2.npy", descr: "<f2", shape: []int64{3}, data: u16bytes(0x0000, 0x3c00, 0x4000)},
		{file: "empty_0x3.npy", descr: "<f4", shape: []int64{0, 3}, data: []byte{}},
		{file: "v2_header.npy", descr: "<i4", shape: []int64{4}},
		{file: "fortran.npy", err: "Fortran order"},
		{file: "bigendian.npy", err: `dtype ">i4" is not supported`},
		{file: "object.npy", err: `dtype "|O" is not supported`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "npy", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseNPY(b)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Descr != tc.descr || !slices.Equal(a.Shape, tc.shape) {
				t.Fatalf("got %s %v, want %s %v", a.Descr, a.Shape, tc.descr, tc.shape)
			}
			if tc.data != nil && !bytes.Equal(a.Data, tc.data) {
				t.Fatalf("data % x, want % x", a.Data, tc.data)
			}
		})
	}
}

func f64bytes(v ...float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func i64bytes(v ...int64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return b
}

func u16bytes(v ...uint16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}

// encodeNPY writes a float32 array as numpy writes a version 1.0 .npy file.
func encodeNPY(shape []int64, data []float32) []byte {
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
	out := make([]byte, 10, 10+len(h)+4*len(data))
	copy(out, "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(out[8:], uint16(len(h)))
	out = append(out, h...)
	for _, v := range data {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}

// writeNPY writes a .npy file of shape filled with v.
func writeNPY(t *testing.T, path string, shape []int64, v float32) {
	t.Helper()
	data := make([]float32, numElements(shape))
	for i := range data {
		data[i] = v
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, encodeNPY(shape, data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// encodeNPY, which the calibration tests write their inputs with, writes
// what numpy writes, byte for byte.
func TestEncodeNPYMatchesNumpy(t *testing.T) {
	got := encodeNPY([]int64{2, 3}, []float32{-0.5, -0.25, 0, 0.25, 0.5, 0.75})
	want, _ := os.ReadFile("testdata/npy/f4.npy")
	if !bytes.Equal(got, want) {
		t.Errorf("encodeNPY:\n%q\nnumpy:\n%q", got, want)
	}
	a, err := ParseNPY(encodeNPY([]int64{4}, []float32{1, float32(math.Inf(-1)), 3, 4}))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.values(); err != nil || !reflect.DeepEqual(a.Shape, []int64{4}) || v.([]float32)[1] != float32(math.Inf(-1)) {
		t.Errorf("round trip: %+v, %v", a, err)
	}
}

func TestParseNPYRejects(t *testing.T) {
	good, _ := os.ReadFile("testdata/npy/f4.npy")
	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("\x93NUMPX\x01\x00\x00\x00"),
		"version":   []byte("\x93NUMPY\x04\x00\x00\x00"),
		"truncated": good[:len(good)-1],
		"long data": append(slices.Clone(good), 0),
		"overrun":   append(slices.Clone(good[:8]), 0xff, 0xff), // a header longer than the file
		"no shape":  append([]byte("\x93NUMPY\x01\x00\x10\x00"), []byte("{'descr': '<f4'}")...),
		"huge":      append([]byte("\x93NUMPY\x01\x00\x40\x00"), []byte("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,)}")[:64]...),
	} {
		if _, err := ParseNPY(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseNPY(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "npy", "*.npy"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseNPY(b)
		if err != nil {
			return
		}
		n := int64(1)
		for _, d := range a.Shape {
			if d < 0 {
				t.Fatalf("negative axis %v", a.Shape)
			}
			n *= d
		}
		if int64(len(a.Data)) != n*int64(npyDescrs[a.Descr].size) {
			t.Fatalf("data %d bytes for %v of %s", len(a.Data), a.Shape, a.Descr)
		}
		if v, err := a.values(); err == nil && int64(reflect.ValueOf(v).Len()) != n {
			t.Fatalf("%d values for shape %v", reflect.ValueOf(v).Len(), a.Shape)
		}
	})
}
