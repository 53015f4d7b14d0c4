package models

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	ort "github.com/yalue/onnxruntime_go"
)

// export is one exported model file with what the Go side says about it.
type export struct {
	name, precision, variant string
	path                     string
	stats                    Stats
	wantParams               int64 // folded FP32 parameters, as docs/models.md tabulates (0: not pinned)
}

// smallInput keeps the full-size pose networks quick on a 2-core CI
// machine: weights (and so parameter counts) do not depend on the input.
var smallInput = map[string]string{"bodyposenet": "64x96", "openpose": "64x64"}

var (
	exportsOnce sync.Once
	exportsDir  string
	exportsList []export
	exportsErr  error
)

// exports writes every replica in every precision (plus variants and a toy
// graph with the conversions' corner cases) to one folder, once per test
// binary. INT8 is calibrated on ONNX Runtime when it loads, otherwise with a
// static range, so the checker test runs without ONNX Runtime too.
func exports(t *testing.T) []export {
	t.Helper()
	exportsOnce.Do(func() {
		exportsDir, exportsErr = os.MkdirTemp("", "benchy-models-")
		if exportsErr != nil {
			return
		}
		cal := Calibration{Samples: 2}
		if initORT() != "" {
			cal = Calibration{Static: &Range{-8, 8}}
		}
		folded := map[string]int64{"bodyposenet": 16_769_771, "openpose": 52_311_446, "trill": 24_524_288, "frill": 10_083_392}
		add := func(name string, opt Options) {
			if exportsErr != nil {
				return
			}
			var data []byte
			var err error
			if name == "toy" {
				m := toyModel()
				switch opt.Precision {
				case FP16:
					m, err = ToFP16(m)
				case INT8:
					m, err = Quantize(m, opt.Calibration)
				}
				if err == nil {
					data, err = Marshal(m)
				}
			} else {
				data, err = Bytes(name, opt)
			}
			if err != nil {
				exportsErr = fmt.Errorf("%s %s: %w", name, opt.Precision, err)
				return
			}
			m, _ := Unmarshal(data)
			st, err := Analyze(m)
			if err != nil {
				exportsErr = err
				return
			}
			e := export{name: name, precision: cmp0(opt.Precision, FP32), variant: opt.Variant, stats: st, wantParams: folded[name]}
			if opt.Variant != "" {
				e.wantParams = 0
			}
			e.path = filepath.Join(exportsDir, fmt.Sprintf("%s%s-%s.onnx", name, opt.Variant, e.precision))
			if exportsErr = os.WriteFile(e.path, data, 0o644); exportsErr == nil {
				exportsList = append(exportsList, e)
			}
		}
		for _, name := range append(Names(), "toy") {
			for _, p := range []string{FP32, FP16, INT8} {
				add(name, Options{Input: smallInput[name], Precision: p, Calibration: cal})
			}
		}
		add("bodyposenet", Options{Input: smallInput["bodyposenet"], Variant: "sdk"})
		add("frill", Options{Variant: "2021", Precision: INT8, Calibration: cal})
	})
	if exportsErr != nil {
		t.Fatal(exportsErr)
	}
	return exportsList
}

func TestMain(m *testing.M) {
	code := m.Run()
	if exportsDir != "" {
		os.RemoveAll(exportsDir)
	}
	os.Exit(code)
}

// checkerResult is one line of testdata/check_onnx.py's output.
type checkerResult struct {
	File        string               `json:"file"`
	OK          bool                 `json:"ok"`
	Error       string               `json:"error"`
	Opset       int64                `json:"opset"`
	IRVersion   int64                `json:"ir_version"`
	FloatParams int64                `json:"float_params"`
	MACs        int64                `json:"macs"`
	Outputs     [][2]json.RawMessage `json:"outputs"`
	Replica     string               `json:"replica"`
}

// outputs formats the checker's output list as "name [dims]" strings.
func (r checkerResult) outputs() []string {
	var out []string
	for _, o := range r.Outputs {
		var name string
		var dims []int64
		json.Unmarshal(o[0], &name)
		json.Unmarshal(o[1], &dims)
		out = append(out, fmt.Sprintf("%s %v", name, dims))
	}
	return out
}

const debianPython = "/usr/bin/python3"

// Every export passes onnx.checker (Debian's python3-onnx 1.12, strict
// shape inference), and onnx's own shape inference gives the MACs the Go
// side counts.
func TestOnnxCheckerAcceptsExports(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import onnx, numpy").Run(); err != nil {
		t.Skip("skipped: Debian's python3-onnx is not installed (apt-get install -y python3-onnx python3-numpy)")
	}
	list := exports(t)
	args := []string{"testdata/check_onnx.py"}
	byPath := map[string]export{}
	for _, e := range list {
		args = append(args, e.path)
		byPath[e.path] = e
	}
	var stderr bytes.Buffer
	cmd := exec.Command(debianPython, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("check_onnx.py: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r checkerResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad checker output %q: %v", sc.Text(), err)
		}
		e, ok := byPath[r.File]
		if !ok {
			t.Fatalf("checker reported an unknown file %s", r.File)
		}
		seen++
		label := fmt.Sprintf("%s%s %s", e.name, e.variant, e.precision)
		if !r.OK {
			t.Errorf("%s: onnx.checker: %s", label, r.Error)
			continue
		}
		if r.Opset > 17 || r.IRVersion > 8 {
			t.Errorf("%s: opset %d, IR %d; onnx 1.12 and TensorRT 8.6 need ≤ 17 and ≤ 8", label, r.Opset, r.IRVersion)
		}
		if r.MACs != e.stats.MACs {
			t.Errorf("%s: onnx counts %d MACs, Go %d", label, r.MACs, e.stats.MACs)
		}
		if r.FloatParams != e.stats.FloatParams {
			t.Errorf("%s: onnx counts %d float parameters, Go %d", label, r.FloatParams, e.stats.FloatParams)
		}
		if e.wantParams != 0 && e.precision != INT8 && r.FloatParams != e.wantParams {
			t.Errorf("%s: %d float parameters, want %d", label, r.FloatParams, e.wantParams)
		}
		var goOuts []string
		for _, o := range e.stats.Outputs {
			goOuts = append(goOuts, fmt.Sprintf("%s %v", o.Name, o.Shape))
		}
		if !slices.Equal(r.outputs(), goOuts) {
			t.Errorf("%s: onnx sees outputs %v, Go %v", label, r.outputs(), goOuts)
		}
		if e.name != "toy" && r.Replica != e.name {
			t.Errorf("%s: metadata benchy.replica = %q", label, r.Replica)
		}
	}
	if seen != len(list) {
		t.Errorf("checker reported %d of %d files\n%s", seen, len(list), stderr.String())
	}
}

// Every export loads and runs in ONNX Runtime; its outputs are finite, and
// FP16 and INT8 stay close to FP32 on the same input (random weights, so
// closeness is the only correctness there is to check).
func TestExportsRunInOnnxRuntime(t *testing.T) {
	needORT(t)
	list := exports(t)
	ref := map[string]map[string][]float32{}
	for _, e := range list {
		t.Run(fmt.Sprintf("%s%s/%s", e.name, e.variant, e.precision), func(t *testing.T) {
			data, err := os.ReadFile(e.path)
			if err != nil {
				t.Fatal(err)
			}
			outs := runModel(t, data, 21)
			for name, v := range outs {
				for i, x := range v {
					if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
						t.Fatalf("output %s[%d] = %v", name, i, x)
					}
				}
			}
			key := e.name + e.variant
			if e.precision == FP32 {
				ref[key] = outs
				return
			}
			base, ok := ref[key]
			if !ok {
				return // variants exported only in one precision
			}
			floor := map[string]float64{FP16: 0.999, INT8: 0.9}[e.precision]
			for name, v := range outs {
				if c := cosine(base[name], v); !(c >= floor) {
					t.Errorf("output %s: cosine similarity to FP32 %.4f < %.3f", name, c, floor)
				} else {
					t.Logf("output %s: cosine similarity to FP32 %.4f", name, c)
				}
			}
		})
	}
}

// ONNX Runtime fuses the QDQ replicas into integer kernels: every Conv of
// BodyPoseNet becomes a QLinearConv (no float Conv is left), TRILL's Gemm a
// QGemm. Without that, "int8" would time float kernels plus conversions.
func TestINT8FusesInOnnxRuntime(t *testing.T) {
	needORT(t)
	for _, tc := range []struct {
		name string
		want map[string]int
	}{
		{"bodyposenet", map[string]int{"com.microsoft:QLinearConv": 37, "com.microsoft:QLinearConcat": 2, ":Conv": 0}},
		{"trill", map[string]int{"com.microsoft:QLinearConv": 53, "com.microsoft:QGemm": 1, "com.microsoft:QLinearAdd": 16, ":Conv": 0}},
		{"frill", map[string]int{"com.microsoft:QLinearConv": 53, "com.microsoft:QGemm": 1, ":Conv": 0, ":Gemm": 0}},
	} {
		data, err := Bytes(tc.name, Options{Input: smallInput[tc.name], Precision: INT8, Calibration: Calibration{Samples: 1}})
		if err != nil {
			t.Fatal(err)
		}
		m, _ := Unmarshal(data)
		var in, out []string
		for _, x := range inputsOf(m) {
			in = append(in, x.Name)
		}
		for _, x := range m.Graph.Output {
			out = append(out, x.Name)
		}
		optimized := filepath.Join(t.TempDir(), "optimized.onnx")
		opts, err := ort.NewSessionOptions()
		if err != nil {
			t.Fatal(err)
		}
		if err := opts.SetOptimizedModelFilePath(optimized); err != nil {
			t.Fatal(err)
		}
		sess, err := ort.NewDynamicAdvancedSessionWithONNXData(data, in, out, opts)
		opts.Destroy()
		if err != nil {
			t.Fatal(err)
		}
		sess.Destroy()
		od, err := os.ReadFile(optimized)
		if err != nil {
			t.Fatal(err)
		}
		om, err := Unmarshal(od)
		if err != nil {
			t.Fatal(err)
		}
		ops := map[string]int{}
		for _, n := range om.Graph.Node {
			ops[n.Domain+":"+n.OpType]++
		}
		for op, want := range tc.want {
			if ops[op] != want {
				t.Errorf("%s: ONNX Runtime's optimized graph has %d %s, want %d (all ops: %v)", tc.name, ops[op], strings.TrimPrefix(op, ":"), want, ops)
			}
		}
	}
}
