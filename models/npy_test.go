package models

import (
	"bytes"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The files in testdata/npy were written by numpy (np.save).
func TestReadNPYGolden(t *testing.T) {
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
		f, err := os.Open("testdata/npy/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ReadNPY(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if !reflect.DeepEqual(a.Shape, tc.shape) || !reflect.DeepEqual(a.Data, tc.data) {
			t.Errorf("%s: shape %v data %v, want %v %v", tc.file, a.Shape, a.Data, tc.shape, tc.data)
		}
	}
	for file, want := range map[string]string{"fortran.npy": "Fortran-order", "f2.npy": `unsupported dtype "<f2"`} {
		data, _ := os.ReadFile("testdata/npy/" + file)
		if _, err := ReadNPY(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", file, err, want)
		}
	}
}

// WriteNPY writes what numpy writes, byte for byte.
func TestWriteNPYMatchesNumpy(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, []int64{2, 3}, []float32{-0.5, -0.25, 0, 0.25, 0.5, 0.75}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("testdata/npy/f4.npy")
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteNPY:\n%q\nnumpy:\n%q", buf.Bytes(), want)
	}
	if err := WriteNPY(&buf, []int64{2}, []float32{1}); err == nil {
		t.Error("WriteNPY accepted 1 value for shape [2]")
	}
	buf.Reset()
	WriteNPY(&buf, []int64{4}, []float32{1, float32(math.Inf(-1)), 3, 4})
	a, err := ReadNPY(&buf)
	if err != nil || !reflect.DeepEqual(a.Shape, []int64{4}) || a.Data.([]float32)[1] != float32(math.Inf(-1)) {
		t.Errorf("round trip: %+v, %v", a, err)
	}
}

func TestReadNPYRejects(t *testing.T) {
	good, _ := os.ReadFile("testdata/npy/f4.npy")
	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("\x93NUMPX\x01\x00\x00\x00"),
		"version":   []byte("\x93NUMPY\x04\x00\x00\x00"),
		"truncated": good[:len(good)-1],
		"no shape":  append([]byte("\x93NUMPY\x01\x00\x10\x00"), []byte("{'descr': '<f4'}")...),
		"huge":      append([]byte("\x93NUMPY\x01\x00\x40\x00"), []byte("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,)}")[:64]...),
	} {
		if _, err := ReadNPY(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzReadNPY(f *testing.F) {
	for _, name := range []string{"f4.npy", "f8.npy", "i8.npy", "b1.npy", "scalar.npy", "u1.npy"} {
		data, err := os.ReadFile("testdata/npy/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadNPY(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := reflect.ValueOf(a.Data).Len()
		if int64(n) != numElements(a.Shape) {
			t.Fatalf("%d values for shape %v", n, a.Shape)
		}
		if f32, ok := a.Data.([]float32); ok {
			var buf bytes.Buffer
			if err := WriteNPY(&buf, a.Shape, f32); err != nil {
				t.Fatal(err)
			}
			b, err := ReadNPY(&buf)
			if err != nil || !reflect.DeepEqual(b.Shape, a.Shape) || len(b.Data.([]float32)) != n {
				t.Fatalf("round trip of %v: %v", a.Shape, err)
			}
		}
	})
}
