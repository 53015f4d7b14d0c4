package models

import (
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	ort "github.com/yalue/onnxruntime_go"
)

// ortLibrary finds the ONNX Runtime library the way benchy's docs say:
// $ONNXRUNTIME_LIB, else the project cache that
// scripts/install-onnxruntime.sh fills ($BENCHY_CACHE or <repo>/.cache).
func ortLibrary() string {
	if p := os.Getenv("ONNXRUNTIME_LIB"); p != "" {
		return p
	}
	cache := os.Getenv("BENCHY_CACHE")
	if cache == "" {
		dir, _ := os.Getwd()
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				cache = filepath.Join(dir, ".cache")
				break
			}
		}
	}
	p := filepath.Join(cache, "onnxruntime", "1.24.1", "lib", "libonnxruntime.so.1")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

var (
	ortOnce sync.Once
	ortErr  string
)

// initORT initialises ONNX Runtime for the rest of the test binary and
// returns why it could not, or "".
func initORT() string {
	ortOnce.Do(func() {
		if ort.IsInitialized() {
			return
		}
		lib := ortLibrary()
		if lib == "" {
			ortErr = "ONNX Runtime not found: set ONNXRUNTIME_LIB or run scripts/install-onnxruntime.sh"
			return
		}
		ort.SetSharedLibraryPath(lib)
		if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
			ortErr = "ONNX Runtime failed to load from " + lib + ": " + err.Error()
		}
	})
	return ortErr
}

// needORT skips the test, with the reason, when ONNX Runtime cannot load.
func needORT(t testing.TB) {
	t.Helper()
	if reason := initORT(); reason != "" {
		t.Skip("skipped: " + reason)
	}
}

// runModel runs a serialized model once on synthetic inputs drawn from
// its benchy.input_range (seeded) and returns every output as float32.
func runModel(t testing.TB, data []byte, seed uint64) map[string][]float32 {
	t.Helper()
	m, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := calibrationSamples(m, inputsOf(m), Calibration{Samples: 1, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	defer samples[0].destroy()
	var inNames, outNames []string
	var ins []ort.Value
	for _, in := range st.Inputs {
		inNames = append(inNames, in.Name)
		ins = append(ins, samples[0][in.Name])
	}
	for _, o := range st.Outputs {
		outNames = append(outNames, o.Name)
	}
	sess, err := ort.NewDynamicAdvancedSessionWithONNXData(data, inNames, outNames, nil)
	if err != nil {
		t.Fatalf("ONNX Runtime refused the model: %v", err)
	}
	defer sess.Destroy()
	outs := make([]ort.Value, len(outNames))
	if err := sess.Run(ins, outs); err != nil {
		t.Fatalf("run: %v", err)
	}
	res := map[string][]float32{}
	for i, o := range outs {
		tensor, ok := o.(*ort.Tensor[float32])
		if !ok {
			t.Fatalf("output %s is not float32", outNames[i])
		}
		if got, want := []int64(tensor.GetShape()), st.Outputs[i].Shape; !equalShape(got, want) {
			t.Errorf("output %s has shape %v, declared %v", outNames[i], got, want)
		}
		res[outNames[i]] = append([]float32(nil), tensor.GetData()...)
		o.Destroy()
	}
	return res
}

func equalShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cosine is the cosine similarity of two vectors.
func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}
