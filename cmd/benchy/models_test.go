package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
