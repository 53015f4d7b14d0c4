package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/benchy-dev/benchy/models"
)

func runBenchy(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestModelsList(t *testing.T) {
	code, out, errs := runBenchy(t, "models", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"bodyposenet  input_1 float32[1x288x384x3]", "16,769,771  16,777,835  49.60 G",
		"openpose", "52,311,446  52,311,446  135.93 G",
		"trill", "24,524,288  24,630,528  491.88 M",
		"frill", "10,083,392  10,119,632  42.32 M",
		"seeded random weights",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runBenchy(t, "models", "list", "--input", "224x320", "--format", "json")
	var infos []models.Info
	if code != 0 || json.Unmarshal([]byte(out), &infos) != nil || len(infos) != 4 {
		t.Fatalf("json list: exit %d, %q", code, out)
	}
	if infos[0].Input != "224x320" || infos[2].Input != "96x64" {
		t.Errorf("--input applied as %s (bodyposenet), %s (trill); want 224x320 and the audio default 96x64", infos[0].Input, infos[2].Input)
	}
	if code, _, _ := runBenchy(t, "models", "list", "--input", "225x320"); code != exitUsage {
		t.Errorf("bad --input: exit %d, want %d", code, exitUsage)
	}
}

func TestModelsExportConvertInfo(t *testing.T) {
	dir := t.TempDir()
	fp32 := filepath.Join(dir, "frill.onnx")
	code, out, errs := runBenchy(t, "models", "export", "frill", "--variant", "2021", "-o", fp32)
	if code != 0 || !strings.Contains(out, "10,083,392 parameters, 30.52 M MACs") {
		t.Fatalf("export: exit %d, %q %q", code, out, errs)
	}
	fp16 := filepath.Join(dir, "frill16.onnx")
	if code, out, errs := runBenchy(t, "models", "fp16", fp32, "-o", fp16); code != 0 || !strings.Contains(out, "float16") {
		t.Fatalf("fp16: exit %d, %q %q", code, out, errs)
	}
	int8 := filepath.Join(dir, "frill8.onnx")
	if code, out, errs := runBenchy(t, "models", "quantize", fp32, "-o", int8, "--calibration", "static:-4,4"); code != 0 || !strings.Contains(out, "static range [-4, 4]") {
		t.Fatalf("quantize: exit %d, %q %q", code, out, errs)
	}
	for file, want := range map[string]string{fp32: "fp32", fp16: "fp16", int8: "int8"} {
		code, out, errs := runBenchy(t, "models", "info", file)
		if code != 0 || !strings.Contains(out, "benchy.precision = "+want) || !strings.Contains(out, "REPLICA of FRILL") ||
			!strings.Contains(out, "parameters: 10,083,392") || !strings.Contains(out, "MACs: 30.52 M") {
			t.Errorf("info %s: exit %d\n%s%s", want, code, out, errs)
		}
	}
	st32, _ := os.Stat(fp32)
	st16, _ := os.Stat(fp16)
	st8, _ := os.Stat(int8)
	if !(st16.Size() < st32.Size()*6/10 && st8.Size() < st32.Size()*3/10) {
		t.Errorf("sizes fp32 %d, fp16 %d, int8 %d", st32.Size(), st16.Size(), st8.Size())
	}
}

func TestModelsUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"models", "export", "frill"},
		{"models", "export", "nope", "-o", filepath.Join(dir, "x.onnx")},
		{"models", "export", "bodyposenet", "--stages", "9", "-o", filepath.Join(dir, "x.onnx")},
		{"models", "export", "frill", "--precision", "int8", "--calibration", "static:4,-4", "-o", filepath.Join(dir, "x.onnx")},
		{"models", "export", "frill", "--precision", "int8", "--calibration", "no-such-dir", "-o", filepath.Join(dir, "x.onnx")},
		{"models", "fp16", filepath.Join(dir, "missing.onnx"), "-o", filepath.Join(dir, "x.onnx")},
		{"models", "info", "--format", "yaml", filepath.Join(dir, "x.onnx")},
	} {
		if code, _, _ := runBenchy(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	notModel := filepath.Join(dir, "text.onnx")
	os.WriteFile(notModel, []byte("not a protobuf"), 0o644)
	if code, _, _ := runBenchy(t, "models", "info", notModel); code != exitUsage {
		t.Errorf("info on a non-model: exit %d", code)
	}
}

// TestModelsBadInput runs every models subcommand on inputs it cannot use:
// each is a usage error (exit 2) that names the problem; a failed write
// is the environment's (exit 3).
func TestModelsBadInput(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	fp32 := path("frill.onnx")
	if code, _, errs := runBenchy(t, "models", "export", "frill", "-o", fp32); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	for name, args := range map[string][]string{
		"int8.onnx": {"models", "quantize", fp32, "--calibration", "static", "-o", path("int8.onnx")},
		"fp16.onnx": {"models", "fp16", fp32, "-o", path("fp16.onnx")},
	} {
		if code, _, errs := runBenchy(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
	}
	write := func(name string, m *models.ModelProto) {
		t.Helper()
		data, err := models.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path(name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("subgraph.onnx", &models.ModelProto{Graph: &onnx.GraphProto{Node: []*onnx.NodeProto{{Name: "if", OpType: "If", Input: []string{"c"}, Output: []string{"y"},
		Attribute: []*onnx.AttributeProto{{Name: "then_branch", Type: onnx.AttributeProto_GRAPH, G: &onnx.GraphProto{}}}}}}})
	write("bad-conv.onnx", &models.ModelProto{Graph: &onnx.GraphProto{Node: []*onnx.NodeProto{{Name: "c", OpType: "Conv", Input: []string{"x"}, Output: []string{"y"}}}}})
	for name, data := range map[string]string{"text.onnx": "not a protobuf", "empty.onnx": "", "file": "x"} {
		if err := os.WriteFile(path(name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(path("folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := path("out.onnx")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"fp16 missing file", []string{"fp16", path("missing.onnx"), "-o", out}, exitUsage, "no such file"},
		{"fp16 not a model", []string{"fp16", path("text.onnx"), "-o", out}, exitUsage, "text.onnx: parse ONNX model"},
		{"fp16 empty file", []string{"fp16", path("empty.onnx"), "-o", out}, exitUsage, "empty.onnx: parse ONNX model: no graph"},
		{"fp16 a folder", []string{"fp16", path("folder"), "-o", out}, exitUsage, "is a directory"},
		{"fp16 quantized model", []string{"fp16", path("int8.onnx"), "-o", out}, exitUsage, "int8.onnx: fp16: node"},
		{"fp16 control flow", []string{"fp16", path("subgraph.onnx"), "-o", out}, exitUsage, "control flow is not supported"},
		{"fp16 no -o", []string{"fp16", fp32}, exitUsage, "-o OUT.onnx is required"},
		{"fp16 -o a folder", []string{"fp16", fp32, "-o", path("folder")}, exitUsage, "is a folder; name the file to write"},
		{"fp16 -o through a file", []string{"fp16", fp32, "-o", filepath.Join(path("file"), "x.onnx")}, exitUsage, "not a directory"},
		{"fp16 two inputs", []string{"fp16", fp32, fp32, "-o", out}, exitUsage, "accepts 1 arg"},
		{"fp16 unwritable", []string{"fp16", fp32, "-o", "/proc/benchy-test.onnx"}, exitEnvironment, "/proc/benchy-test.onnx"},
		{"quantize quantized model", []string{"quantize", path("int8.onnx"), "--calibration", "static", "-o", out}, exitUsage, "already quantized"},
		{"quantize float16 model", []string{"quantize", path("fp16.onnx"), "--calibration", "static", "-o", out}, exitUsage, "quantize the FP32 model"},
		{"quantize not a model", []string{"quantize", path("text.onnx"), "--calibration", "static", "-o", out}, exitUsage, "parse ONNX model"},
		{"quantize bad calibration", []string{"quantize", fp32, "--calibration", "static:2,1", "-o", out}, exitUsage, "LO < HI"},
		{"quantize bad seed", []string{"quantize", fp32, "--seed", "-1", "-o", out}, exitUsage, "invalid argument"},
		{"quantize -o a folder", []string{"quantize", fp32, "--calibration", "static", "-o", path("folder")}, exitUsage, "is a folder"},
		{"info not a model", []string{"info", path("text.onnx")}, exitUsage, "parse ONNX model"},
		{"info unanalysable model", []string{"info", path("bad-conv.onnx")}, exitUsage, "bad-conv.onnx: node \"c\" (Conv): fewer than 2 inputs"},
		{"info bad format", []string{"info", fp32, "--format", "yaml"}, exitUsage, "--format must be text or json"},
		{"export unknown replica", []string{"export", "nope", "-o", out}, exitUsage, "nope"},
		{"export bad batch", []string{"export", "frill", "--batch", "-1", "-o", out}, exitUsage, "batch -1 out of range"},
		{"export -o a folder", []string{"export", "frill", "-o", path("folder")}, exitUsage, "is a folder"},
		{"list bad input", []string{"list", "--input", "abc"}, exitUsage, "is not HEIGHTxWIDTH"},
		{"unknown subcommand", []string{"fp61", fp32}, exitUsage, `unknown command "fp61" for "benchy models"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runBenchy(t, append([]string{"models"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, want %d and %q in:\n%s", code, tc.code, tc.want, errs)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused conversion wrote %s: %v", out, err)
	}
}

func TestCalibrationFlag(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		in   string
		want models.Calibration
	}{
		{"", models.Calibration{Seed: 3}},
		{"16", models.Calibration{Seed: 3, Samples: 16}},
		{"static", models.Calibration{Seed: 3, Static: &models.Range{Min: -8, Max: 8}}},
		{"static:-2.5,6", models.Calibration{Seed: 3, Static: &models.Range{Min: -2.5, Max: 6}}},
		{dir, models.Calibration{Seed: 3, Dir: dir}},
	}
	for _, tc := range tests {
		got, err := calibrationFlag(tc.in, 3)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(tc.want)
		if string(gj) != string(wj) {
			t.Errorf("%q: %s, want %s", tc.in, gj, wj)
		}
	}
	for _, bad := range []string{"0", "-3", "static:", "static:1", "static:2,1", "static:a,b", filepath.Join(dir, "missing")} {
		if _, err := calibrationFlag(bad, 1); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
