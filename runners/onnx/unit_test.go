package onnx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSyntheticBytes(t *testing.T) {
	a := syntheticBytes("float32", 4, 1000, inputRNG(42, "x"))
	b := syntheticBytes("float32", 4, 1000, inputRNG(42, "x"))
	c := syntheticBytes("float32", 4, 1000, inputRNG(43, "x"))
	d := syntheticBytes("float32", 4, 1000, inputRNG(42, "y"))
	if !bytes.Equal(a, b) || bytes.Equal(a, c) || bytes.Equal(a, d) {
		t.Fatal("synthetic data must depend on exactly the seed and the input name")
	}
	for i := 0; i < 1000; i++ {
		v := math.Float32frombits(binary.LittleEndian.Uint32(a[4*i:]))
		if v < 0 || v >= 1 {
			t.Fatalf("float32 %g outside [0, 1)", v)
		}
	}
	for _, typ := range []struct {
		name string
		size int
	}{{"int8", 1}, {"int16", 2}, {"int32", 4}, {"int64", 8}, {"uint8", 1}, {"uint64", 8}} {
		buf := syntheticBytes(typ.name, typ.size, 100, inputRNG(1, "i"))
		for i := 0; i < 100; i++ {
			var v uint64
			for k := 0; k < typ.size; k++ {
				v |= uint64(buf[i*typ.size+k]) << (8 * k)
			}
			if v < 1 || v > 3 {
				t.Fatalf("%s element %d = %d, want 1..3", typ.name, i, v)
			}
		}
	}
	for i, x := range syntheticBytes("bool", 1, 100, inputRNG(1, "b")) {
		if x > 1 {
			t.Fatalf("bool %d = %d", i, x)
		}
	}
	if n := len(syntheticBytes("float32", 4, 0, inputRNG(1, "e"))); n != 4 {
		t.Fatalf("an empty tensor still needs one element of backing store, got %d bytes", n)
	}
}

func TestResolveShapes(t *testing.T) {
	img := tensorInfo{Name: "image", Dims: []int64{-1, 3, -1, -1}, Type: "float32", Kind: "tensor"}
	nhwc := tensorInfo{Name: "image", Dims: []int64{-1, -1, -1, 3}, Type: "uint8", Kind: "tensor"}
	fixed := tensorInfo{Name: "image", Dims: []int64{1, 3, 224, 224}, Type: "float32", Kind: "tensor"}
	seq := tensorInfo{Name: "tokens", Dims: []int64{-1, -1}, Type: "int64", Kind: "tensor"}
	vec := tensorInfo{Name: "v", Dims: []int64{-1, 10}, Type: "float32", Kind: "tensor"}
	scalar := tensorInfo{Name: "s", Dims: []int64{}, Type: "int64", Kind: "tensor"}
	params := map[string][]string{"tokens": {"batch", "sequence"}, "image": {"N", "", "H", "W"}}
	for _, tc := range []struct {
		name   string
		cfg    Config
		ins    []tensorInfo
		want   string // shapes, or the error phrase
		layout string
	}{
		{"resolution NCHW", Config{Input: "288x384", Batch: 1}, []tensorInfo{img}, "image:[1 3 288 384]/input", "NCHW"},
		{"resolution NHWC uint8 with batch", Config{Input: "224x320", Batch: 8}, []tensorInfo{nhwc}, "image:[8 224 320 3]/input", "NHWC"},
		{"fixed matches", Config{Input: "224x224", Batch: 1}, []tensorInfo{fixed}, "image:[1 3 224 224]/input", "NCHW"},
		{"fixed differs", Config{Input: "288x384", Batch: 1}, []tensorInfo{fixed}, `fixed size of 224x224; re-export the model with dynamic height and width, or set input = "224x224"`, ""},
		{"no resolution leaves spatial axes open", Config{Batch: 1}, []tensorInfo{img}, `input "image" has dynamic axes benchy cannot fill ([N 3 H W]: axis 2 (H), axis 3 (W)); set input = "HEIGHTxWIDTH" or give its shape`, ""},
		{"sequence needs inputs", Config{Batch: 2}, []tensorInfo{seq}, `axis 1 (sequence)); give its shape with inputs = { tokens = [...] }`, ""},
		{"explicit shape", Config{Batch: 2, Inputs: map[string]InputSpec{"tokens": {Shape: []int64{4, 128}}}}, []tensorInfo{seq}, "tokens:[4 128]/inputs", ""},
		{"batch fills leading axis", Config{Batch: 5}, []tensorInfo{vec, scalar}, "v:[5 10]/batch s:[]/model", ""},
		{"resolution and explicit", Config{Input: "64x64", Batch: 1, Inputs: map[string]InputSpec{"tokens": {Shape: []int64{1, 7}}}}, []tensorInfo{img, seq}, "image:[1 3 64 64]/input tokens:[1 7]/inputs", "NCHW"},
		{"resolution without image", Config{Input: "64x64", Batch: 1}, []tensorInfo{seq}, "needs a rank-4 image input", ""},
		{"two image inputs", Config{Input: "64x64", Batch: 1}, []tensorInfo{img, {Name: "b", Dims: []int64{1, 3, -1, -1}, Type: "float32", Kind: "tensor"}}, "is ambiguous: the model has several rank-4 inputs (image, b)", ""},
		{"ambiguous layout assumed NCHW", Config{Input: "32x32", Batch: 1}, []tensorInfo{{Name: "x", Dims: []int64{1, 8, -1, -1}, Type: "float32", Kind: "tensor"}}, "x:[1 8 32 32]/input", "NCHW (assumed)"},
		{"dynamic channels", Config{Input: "32x32", Batch: 1}, []tensorInfo{{Name: "x", Dims: []int64{1, -1, -1, -1}, Type: "float32", Kind: "tensor"}}, `input "x" has dynamic axes benchy cannot fill ([1 ? ? ?]: axis 1)`, ""},
		{"unknown input", Config{Batch: 1, Inputs: map[string]InputSpec{"nope": {Shape: []int64{1}}}}, []tensorInfo{vec}, `inputs.nope: the model has no input named "nope"; its inputs are v float32 [? 10]`, ""},
		{"rank mismatch", Config{Batch: 1, Inputs: map[string]InputSpec{"v": {Shape: []int64{1, 2, 3}}}}, []tensorInfo{vec}, "has rank 3, but the model's input \"v\" has rank 2", ""},
		{"fixed axis mismatch", Config{Batch: 1, Inputs: map[string]InputSpec{"v": {Shape: []int64{1, 11}}}}, []tensorInfo{vec}, "axis 1 is fixed at 10", ""},
		{"batch on fixed", Config{Batch: 2}, []tensorInfo{fixed}, "batch = 2, but input \"image\" has a fixed leading axis of 1", ""},
		{"sequence input", Config{Batch: 1}, []tensorInfo{{Name: "q", Kind: "sequence"}}, `input "q" is of kind sequence`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, layout, err := resolveShapes(&tc.cfg, tc.ins, params, nil)
			if err != nil {
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %q\nwant %q", err, tc.want)
				}
				return
			}
			var parts []string
			for _, r := range got {
				parts = append(parts, fmt.Sprintf("%s:%v/%s", r.Name, r.Shape, r.How))
			}
			if s := strings.Join(parts, " "); s != tc.want || layout != tc.layout {
				t.Fatalf("got %s (%q), want %s (%q)", s, layout, tc.want, tc.layout)
			}
		})
	}
}

func TestParseProfile(t *testing.T) {
	b, err := os.ReadFile("testdata/profile_cpu.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Nodes["CPUExecutionProvider"] != 2 || strings.Join(a.Ops["CPUExecutionProvider"], ",") != "Reshape,Tile" {
		t.Fatalf("got %+v", a)
	}
	if err := a.CheckProvider(ProviderCPU); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckProvider(ProviderCUDA); err == nil || !strings.Contains(err.Error(), "2 of 2 nodes fell back to the CPU (Reshape, Tile)") {
		t.Fatalf("a CUDA arm on an all-CPU profile: %v", err)
	}

	// The same trace as a GPU run would write it: Tile on CUDA; Reshape
	// (float output) on the CPU is a fallback.
	gpu := strings.Replace(string(b), `"provider" : "CPUExecutionProvider","op_name" : "Tile"`, `"provider" : "CUDAExecutionProvider","op_name" : "Tile"`, 1)
	a, err = ParseProfile([]byte(gpu))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckProvider(ProviderCUDA); err == nil || !strings.Contains(err.Error(), "1 of 2 nodes fell back to the CPU (Reshape)") {
		t.Fatalf("partial fallback: %v", err)
	}
	if got := a.Used(); len(got) != 2 {
		t.Fatalf("Used = %v", got)
	}

	// Shape arithmetic on the CPU beside CUDA is not a fallback.
	shape := strings.Replace(gpu, `"output_type_shape" : [{"float":[1,1,1,2]}],"output_size" : "8"`, `"output_type_shape" : [{"int64":[4]}],"output_size" : "32"`, 1)
	a, err = ParseProfile([]byte(shape))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckProvider(ProviderCUDA); err != nil || a.ShapeOnCPU != 1 {
		t.Fatalf("shape node on the CPU: %v (shape nodes %d)", err, a.ShapeOnCPU)
	}
	// A TensorRT arm whose nodes all went to CUDA never ran TensorRT.
	if err := a.CheckProvider(ProviderTensorRT); err == nil || !strings.Contains(err.Error(), "none of the") {
		t.Fatalf("tensorrt arm without tensorrt nodes: %v", err)
	}
	// Wrapped trace form.
	if a, err := ParseProfile([]byte(`{"traceEvents":[{"cat":"Node","name":"n_kernel_time","args":{"provider":"TensorrtExecutionProvider","op_name":"TRTKernel","node_index":"0"}}]}`)); err != nil || a.CheckProvider(ProviderTensorRT) != nil {
		t.Fatalf("traceEvents form: %v %+v", err, a)
	}
	if _, err := ParseProfile([]byte("not json")); err == nil {
		t.Fatal("accepted garbage")
	}
}

func TestCheckPrecision(t *testing.T) {
	f32 := &ModelFacts{WeightType: "float32"}
	f16 := &ModelFacts{WeightType: "float16"}
	f64 := &ModelFacts{WeightType: "float64"}
	q := &ModelFacts{WeightType: "float32", QuantOps: 4}
	ints := &ModelFacts{}
	for _, tc := range []struct {
		f         *ModelFacts
		precision string
		provider  string
		opts      map[string]string
		err       string
	}{
		{f32, "fp32", "cpu", nil, ""},
		{f64, "fp32", "cpu", nil, ""},
		{ints, "fp32", "cpu", nil, ""},
		{f16, "fp32", "cpu", nil, "the model's weights are float16"},
		{q, "fp32", "cpu", nil, "the model is quantized (4 quantization operators)"},
		{f16, "fp16", "cpu", nil, ""},
		{f16, "fp16", "cuda", nil, ""},
		{f32, "fp16", "cuda", nil, "provider \"cuda\" runs the model as stored"},
		{f32, "fp16", "tensorrt", nil, ""},
		{q, "fp16", "tensorrt", nil, "quantized"},
		{q, "int8", "cpu", nil, ""},
		{f32, "int8", "cpu", nil, "no quantization operators"},
		{f32, "int8", "tensorrt", nil, "calibration table"},
		{f32, "int8", "tensorrt", map[string]string{"trt_int8_calibration_table_name": "cal.flatbuffers"}, ""},
		{f32, "tf32", "cuda", nil, ""},
		{f64, "tf32", "cuda", nil, "float64"},
		{ints, "tf32", "cuda", nil, "no floating-point tensors"},
	} {
		err := tc.f.CheckPrecision(tc.precision, tc.provider, tc.opts)
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v %s on %s: %v, want %q", *tc.f, tc.precision, tc.provider, err, tc.err)
		}
	}
}

func TestReadModelFacts(t *testing.T) {
	dir := ortGoTestData(t)
	for _, tc := range []struct {
		file   string
		weight string
		opset  int64
	}{
		{"example_float16.onnx", "float16", 0},
		{"example_multitype.onnx", "float64", 0},
		{"example_several_inputs_and_outputs.onnx", "float32", 0},
		{"sklearn_randomforest.onnx", "float32", 0},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := ReadModelFacts(b)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if f.WeightType != tc.weight || f.Nodes == 0 {
			t.Errorf("%s: %+v", tc.file, f)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "example_dynamic_axes.onnx"))
	f, err := ReadModelFacts(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.DimParams["input_vectors"]; len(got) != 2 || got[0] != "input_vectors_dynamic_axes_1" || got[1] != "" {
		t.Errorf("dim params %q", got)
	}
	for name, bad := range map[string][]byte{"empty": nil, "text": []byte("hello"), "half": b[:len(b)/2]} {
		if _, err := ReadModelFacts(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLibraryPath(t *testing.T) {
	t.Setenv(LibraryEnv, "/nonexistent/libonnxruntime.so.1")
	_, err := LibraryPath()
	if !IsNotFound(err) || !strings.Contains(err.Error(), "ONNXRUNTIME_LIB=/nonexistent/libonnxruntime.so.1 does not exist") || !strings.Contains(err.Error(), "scripts/install-onnxruntime.sh") {
		t.Fatalf("missing ONNXRUNTIME_LIB: %v", err)
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "custom.so")
	os.WriteFile(lib, []byte("x"), 0o644)
	t.Setenv(LibraryEnv, lib)
	if p, err := LibraryPath(); err != nil || p != lib {
		t.Fatalf("ONNXRUNTIME_LIB: %s %v", p, err)
	}

	// The project cache: from $BENCHY_CACHE, and from the working directory
	// upwards (go test runs in the package folder, two levels below .cache).
	t.Setenv(LibraryEnv, "")
	t.Setenv("BENCHY_CACHE", dir)
	c := Candidates()
	want := filepath.Join(dir, "onnxruntime", Version, "lib", "libonnxruntime.so.1")
	if c[0] != want {
		t.Fatalf("first candidate %s, want %s", c[0], want)
	}
	wd, _ := os.Getwd()
	root := filepath.Dir(filepath.Dir(wd))
	fromWd := filepath.Join(root, ".cache", "onnxruntime", Version, "lib", "libonnxruntime.so.1")
	found := false
	for _, p := range c {
		found = found || p == fromWd
	}
	if !found {
		t.Fatalf("candidates miss the checkout's cache %s: %v", fromWd, c)
	}
	if !strings.Contains(strings.Join(c, " "), "/usr/lib/x86_64-linux-gnu/libonnxruntime.so.1") {
		t.Fatalf("candidates miss the system folders: %v", c)
	}
	nf := &NotFoundError{Looked: c}
	if !strings.Contains(nf.Error(), "scripts/install-onnxruntime.sh") || !strings.Contains(nf.Error(), "ONNXRUNTIME_LIB=") {
		t.Fatalf("message lacks the install hint: %s", nf)
	}
}

// fakeOptions records what addProvider does with a provider's options.
type fakeOptions struct {
	updated   map[string]string
	updateErr error
	destroyed int
}

func (o *fakeOptions) Update(options map[string]string) error {
	o.updated = options
	return o.updateErr
}

func (o *fakeOptions) Destroy() error { o.destroyed++; return nil }

func TestAddProvider(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name        string
		options     map[string]string
		newErr      error
		updateErr   error
		addErr      error
		want        string // "" for success
		unavailable bool
		added       bool
	}{
		{name: "ok", options: map[string]string{"device_id": "1"}, added: true},
		{name: "no options: Update is not called", added: true},
		{name: "options cannot be made", newErr: boom, unavailable: true,
			want: "the cuda execution provider cannot be loaded: boom"},
		{name: "options refused", options: map[string]string{"x": "y"}, updateErr: boom,
			want: "cuda provider options: boom"},
		{name: "provider cannot be appended", addErr: boom, unavailable: true, added: true,
			want: "the cuda execution provider cannot be loaded (CUDA 12 and the rest are needed): boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &fakeOptions{updateErr: tc.updateErr}
			var added *fakeOptions
			err := addProvider(ProviderCUDA, tc.options,
				func() (*fakeOptions, error) {
					if tc.newErr != nil {
						return nil, tc.newErr
					}
					return o, nil
				},
				func(o *fakeOptions) error { added = o; return tc.addErr },
				"CUDA 12 and the rest")
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var u *unavailableError
			if errors.As(err, &u) != tc.unavailable {
				t.Errorf("error %v: unavailable %v, want %v", err, !tc.unavailable, tc.unavailable)
			}
			if tc.updateErr != nil && !errors.Is(err, tc.updateErr) {
				t.Errorf("error %v does not wrap the options' error", err)
			}
			if (added != nil) != tc.added {
				t.Errorf("appended %v, want %v", added != nil, tc.added)
			}
			if fmt.Sprint(o.updated) != fmt.Sprint(tc.options) || (tc.options == nil) != (o.updated == nil) {
				t.Errorf("options set %v, want %v", o.updated, tc.options)
			}
			if want := map[bool]int{true: 0, false: 1}[tc.newErr != nil]; o.destroyed != want {
				t.Errorf("options destroyed %d times, want %d", o.destroyed, want)
			}
		})
	}
}
