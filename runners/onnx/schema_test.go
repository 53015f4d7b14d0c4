package onnx

import (
	"github.com/benchy-dev/benchy/internal/golden"

	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// decodeSrc parses src as the body of an onnx block and decodes it.
func decodeSrc(t testing.TB, src string) (*Config, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "suite.benchy.hcl", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	v, d := decode(f.Body, nil)
	if v == nil {
		return nil, d
	}
	return v.(*Config), d
}

func TestDecodeDefaults(t *testing.T) {
	c, d := decodeSrc(t, `model = "m.onnx"`)
	if d.HasErrors() {
		t.Fatal(d)
	}
	want := Config{Model: "m.onnx", Precision: "fp32", Provider: "cpu", Batch: 1, GraphOptimization: "all"}
	got := *c
	got.DefRange = hcl.Range{}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("defaults:\n got %s\nwant %s", gj, wj)
	}
}

func TestDecodeFull(t *testing.T) {
	c, d := decodeSrc(t, `
model = "replica:bodyposenet"
input = "288x384"
precision = "fp16"
provider = "tensorrt"
threads = 2
inter_threads = 1
batch = 4
provider_options = { trt_engine_cache_enable = true, device_id = 0 }
inputs = { image = [4, 3, 288, 384], mask = "data/mask.npy" }
graph_optimization = "extended"
`)
	if d.HasErrors() {
		t.Fatal(d)
	}
	got, _ := json.Marshal(c)
	want := `{"model":"replica:bodyposenet","input":"288x384","precision":"fp16","provider":"tensorrt","threads":2,"inter_threads":1,"batch":4,"provider_options":{"device_id":"0","trt_engine_cache_enable":"true"},"graph_optimization":"extended","inputs":{"image":{"shape":[4,3,288,384]},"mask":{"file":"data/mask.npy"}}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if name, ok := c.IsReplica(); !ok || name != "bodyposenet" {
		t.Fatalf("IsReplica = %q, %v", name, ok)
	}
}

// TestDecodeDiagnostics pins the diagnostics of every invalid block in a
// golden file: summary, detail and the source range they point at.
func TestDecodeDiagnostics(t *testing.T) {
	cases := []struct{ name, src string }{
		{"missing model", `provider = "cpu"`},
		{"empty model", `model = ""`},
		{"empty replica", `model = "replica:"`},
		{"bad provider", `
model = "m.onnx"
provider = "rocm"`},
		{"bad precision", `
model = "m.onnx"
precision = "bf16"`},
		{"tf32 on cpu", `
model = "m.onnx"
precision = "tf32"`},
		{"bad graph optimization", `
model = "m.onnx"
graph_optimization = "max"`},
		{"bad resolution", `
model = "m.onnx"
input = "288by384"`},
		{"zero resolution", `
model = "m.onnx"
input = "0x384"`},
		{"negative threads", `
model = "m.onnx"
threads = -1
inter_threads = -2`},
		{"zero batch", `
model = "m.onnx"
batch = 0`},
		{"cpu provider options", `
model = "m.onnx"
provider_options = { device_id = 0 }`},
		{"unknown cuda option", `
model = "m.onnx"
provider = "cuda"
provider_options = { devcie_id = 0 }`},
		{"contradicting precision", `
model = "m.onnx"
provider = "tensorrt"
precision = "fp16"
provider_options = { trt_fp16_enable = false }`},
		{"bad inputs type", `
model = "m.onnx"
inputs = ["x"]`},
		{"bad input shape", `
model = "m.onnx"
inputs = { x = [1, 0, 3], y = [1.5], z = true, w = "x.bin" }`},
		{"unknown attribute", `
model = "m.onnx"
resolution = "224x224"`},
	}
	var b strings.Builder
	for _, tc := range cases {
		_, d := decodeSrc(t, tc.src)
		if !d.HasErrors() {
			t.Errorf("%s: no error", tc.name)
		}
		fmt.Fprintf(&b, "## %s\n", tc.name)
		for _, x := range d {
			at := ""
			if x.Subject != nil {
				at = fmt.Sprintf("%d:%d-%d:%d", x.Subject.Start.Line, x.Subject.Start.Column, x.Subject.End.Line, x.Subject.End.Column)
			}
			fmt.Fprintf(&b, "%s: %s\n  %s\n", at, x.Summary, x.Detail)
		}
	}
	golden.Check(t, filepath.Join("testdata", "diagnostics.golden"), []byte(b.String()))
}

func TestParseResolution(t *testing.T) {
	for _, tc := range []struct {
		in   string
		h, w int64
		ok   bool
	}{
		{"288x384", 288, 384, true},
		{" 224X320 ", 224, 320, true},
		{"1x1", 1, 1, true},
		{"288", 0, 0, false},
		{"x384", 0, 0, false},
		{"288x", 0, 0, false},
		{"-1x3", 0, 0, false},
		{"2x3x4", 0, 0, false},
		{"axb", 0, 0, false},
	} {
		h, w, err := ParseResolution(tc.in)
		if (err == nil) != tc.ok || h != tc.h || w != tc.w {
			t.Errorf("ParseResolution(%q) = %d, %d, %v", tc.in, h, w, err)
		}
	}
}

func FuzzParseResolution(f *testing.F) {
	for _, s := range []string{"288x384", "1x1", "x", "", "99999999999x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, w, err := ParseResolution(s)
		if err == nil && (h <= 0 || w <= 0) {
			t.Fatalf("%q: accepted %dx%d", s, h, w)
		}
	})
}
