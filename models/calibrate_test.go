package models

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/advancedclimatesystems/gonnx/onnx"
	ort "github.com/yalue/onnxruntime_go"

	"github.com/benchy-dev/benchy/internal/regularfile"
)

// This file's first test runs before anything initialises ONNX Runtime in
// the test binary (files run in name order), so it sees the load-and-release
// path that `benchy models quantize` takes.
func TestCalibrateLoadsAndReleasesRuntime(t *testing.T) {
	if ort.IsInitialized() {
		t.Skip("skipped: ONNX Runtime already initialised in this test binary (run alone to cover this path)")
	}
	t.Setenv("ONNXRUNTIME_LIB", "")
	_, err := CalibrateRanges(toyModel(), []string{"scaled"}, Calibration{Samples: 1})
	if !errors.Is(err, ErrNoRuntime) {
		t.Fatalf("without a library: %v, want ErrNoRuntime", err)
	}
	_, err = CalibrateRanges(toyModel(), []string{"scaled"}, Calibration{Samples: 1, Library: "/nonexistent/libonnxruntime.so"})
	if !errors.Is(err, ErrNoRuntime) {
		t.Fatalf("with a missing library: %v, want ErrNoRuntime", err)
	}
	lib := ortLibrary()
	if lib == "" {
		t.Skip("skipped: ONNX Runtime not found: set ONNXRUNTIME_LIB or run scripts/install-onnxruntime.sh")
	}
	r, err := CalibrateRanges(toyModel(), []string{"scaled"}, Calibration{Samples: 2, Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if r["scaled"].Max <= 0 {
		t.Errorf("range %v", r["scaled"])
	}
	if ort.IsInitialized() {
		t.Error("CalibrateRanges left ONNX Runtime initialised")
	}
}

func TestCalibrateSynthetic(t *testing.T) {
	needORT(t)
	tensors := []string{"x", "scaled", "c1/relu", "up", "fc"}
	cal := Calibration{Samples: 3, Seed: 11, InputRange: &Range{-1, 1}}
	r, err := CalibrateRanges(toyModel(), tensors, cal)
	if err != nil {
		t.Fatal(err)
	}
	x := r["x"]
	if x.Min < -1 || x.Max > 1 || x.Min > -0.95 || x.Max < 0.95 {
		t.Errorf("input range %v: want nearly [-1, 1] from 576 uniform draws", x)
	}
	// scaled = 2·x, computed by ONNX Runtime: exactly twice the input range
	// observed in Go.
	if s := r["scaled"]; s.Min != 2*x.Min || s.Max != 2*x.Max {
		t.Errorf("scaled range %v, want 2 × %v", s, x)
	}
	if rl := r["c1/relu"]; rl.Min != 0 || rl.Max <= 0 {
		t.Errorf("relu range %v", rl)
	}
	again, _ := CalibrateRanges(toyModel(), tensors, cal)
	if again["fc"] != r["fc"] {
		t.Errorf("same seed, different ranges: %v vs %v", again["fc"], r["fc"])
	}
	other, _ := CalibrateRanges(toyModel(), tensors, Calibration{Samples: 3, Seed: 12, InputRange: &Range{-1, 1}})
	if other["fc"] == r["fc"] {
		t.Error("another seed gave the same ranges")
	}
	// The model's benchy.input_range metadata sets the synthetic range.
	m := toyModel()
	setMeta(m, MetaInputRange, "0,0.5")
	r2, err := CalibrateRanges(m, []string{"x"}, Calibration{Samples: 1})
	if err != nil || r2["x"].Min < 0 || r2["x"].Max > 0.5 {
		t.Errorf("metadata range: %v, %v", r2["x"], err)
	}
}

func TestCalibrateFromDir(t *testing.T) {
	needORT(t)
	dir := t.TempDir()
	writeNPY(t, filepath.Join(dir, "a.npy"), []int64{1, 3, 8, 8}, 0.25)
	writeNPY(t, filepath.Join(dir, "b.npy"), []int64{1, 3, 8, 8}, -0.5)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	r, err := CalibrateRanges(toyModel(), []string{"x", "scaled"}, Calibration{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if r["x"] != (Range{-0.5, 0.25}) || r["scaled"] != (Range{-1, 0.5}) {
		t.Errorf("ranges %v %v, want [-0.5, 0.25] and [-1, 0.5]", r["x"], r["scaled"])
	}
	m, err := Quantize(toyModel(), Calibration{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := Meta(m, "benchy.int8_calibration"); !strings.Contains(got, "inputs from "+dir) {
		t.Errorf("calibration metadata %q", got)
	}

	bad := t.TempDir()
	writeNPY(t, filepath.Join(bad, "a.npy"), []int64{1, 3, 4, 4}, 1)
	if _, err := CalibrateRanges(toyModel(), []string{"x"}, Calibration{Dir: bad}); err == nil || !strings.Contains(err.Error(), "does not fit input") {
		t.Errorf("wrong shape: %v", err)
	}
	if _, err := CalibrateRanges(toyModel(), []string{"x"}, Calibration{Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no .npy files") {
		t.Errorf("empty folder: %v", err)
	}
}

// A model with two inputs reads one folder per sample, one file per input,
// with '/' and ':' in input names written as '_'.
func TestCalibrateFromDirMultiInput(t *testing.T) {
	needORT(t)
	b := newGraphBuilder("two-inputs", 1, false)
	a := b.input("a:0", 1, 2, 4, 4)
	c := b.input("b/1", 1, 2, 4, 4)
	b.output(b.conv(b.add(a, c, "sum"), "conv", convSpec{out: 2, k: 1, stride: 1, gain: 1}))
	m := &onnx.ModelProto{IrVersion: irVersion, Graph: b.g, OpsetImport: []*onnx.OperatorSetIdProto{{Version: Opset}}}
	dir := t.TempDir()
	writeNPY(t, filepath.Join(dir, "s1", "a_0.npy"), []int64{1, 2, 4, 4}, 1)
	writeNPY(t, filepath.Join(dir, "s1", "b_1.npy"), []int64{1, 2, 4, 4}, 2)
	writeNPY(t, filepath.Join(dir, "s2", "a_0.npy"), []int64{1, 2, 4, 4}, -4)
	writeNPY(t, filepath.Join(dir, "s2", "b_1.npy"), []int64{1, 2, 4, 4}, 0.5)
	r, err := CalibrateRanges(m, []string{"sum", "a:0"}, Calibration{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if r["sum"] != (Range{-3.5, 3}) || r["a:0"] != (Range{-4, 1}) {
		t.Errorf("ranges %v %v, want [-3.5, 3] and [-4, 1]", r["sum"], r["a:0"])
	}
	os.Remove(filepath.Join(dir, "s2", "b_1.npy"))
	if _, err := CalibrateRanges(m, []string{"sum"}, Calibration{Dir: dir}); err == nil || !strings.Contains(err.Error(), "b_1.npy") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadInputRefusesFIFO: a calibration input that is a FIFO is an error
// at once; os.ReadFile blocked on it until a writer came.
func TestLoadInputRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "input.npy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := loadInput(fifo, nil)
		done <- err
	}()
	select {
	case err := <-done:
		var nr *regularfile.NotRegularError
		if !errors.As(err, &nr) || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
			t.Fatalf("loadInput(FIFO) = %v; want a NotRegularError", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("loadInput on a FIFO did not return within 30 s")
	}
}
