package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"

	"github.com/benchy-dev/benchy/runners/onnx"
)

func TestOnnxEnv(t *testing.T) {
	name, v := onnxEnv()
	if name != "onnxruntime" {
		t.Fatalf("name %q", name)
	}
	m := v.(onnxInfo)
	if _, err := onnx.Init(); err != nil {
		if m["available"] != false || m["reason"] != err.Error() {
			t.Fatalf("without the library: %v", m)
		}
		return
	}
	ps, ok := m["providers"].([]onnx.ProviderStatus)
	if !ok || len(ps) != 3 || ps[0].Name != "cpu" || !ps[0].Available {
		t.Fatalf("providers %#v", m["providers"])
	}
	for _, p := range ps[1:] {
		if !p.Available && p.Reason == "" {
			t.Errorf("%s unavailable without a reason", p.Name)
		}
	}
	if m["version"] != onnx.Version {
		t.Errorf("version %v, want %s", m["version"], onnx.Version)
	}
}

// TestOnnxEnvText: benchy env prints ONNX Runtime as lines, not as one
// JSON object (#15.15).
func TestOnnxEnvText(t *testing.T) {
	for _, tc := range []struct {
		info onnxInfo
		want []string
	}{
		{onnxInfo{"available": false, "reason": "ONNX Runtime 1.24.1 not found"}, []string{"not available: ONNX Runtime 1.24.1 not found"}},
		{onnxInfo{"available": true, "version": "1.24.1", "library": "/x/libonnxruntime.so.1", "source": "npm:onnxruntime-node@1.24.1",
			"providers": []onnx.ProviderStatus{{Name: "cpu", Available: true}, {Name: "cuda", Reason: "no GPU build"}}},
			[]string{"1.24.1 from /x/libonnxruntime.so.1", "installed from npm:onnxruntime-node@1.24.1", "cpu      available", "cuda     unavailable: no GPU build"}},
	} {
		if got := tc.info.envText(); !slices.Equal(got, tc.want) {
			t.Errorf("envText = %q, want %q", got, tc.want)
		}
	}
	var b strings.Builder
	writeEnvText(&b, &hw.Inventory{Extra: map[string]any{"onnxruntime": onnxInfo{"available": false, "reason": "gone"}}})
	if !strings.Contains(b.String(), "extra      onnxruntime: not available: gone\n") || strings.Contains(b.String(), "{") {
		t.Errorf("env text:\n%s", b.String())
	}
}
