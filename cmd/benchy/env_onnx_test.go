package main

import (
	"testing"

	"github.com/benchy-dev/benchy/runners/onnx"
)

func TestOnnxEnv(t *testing.T) {
	name, v := onnxEnv()
	if name != "onnxruntime" {
		t.Fatalf("name %q", name)
	}
	m := v.(map[string]any)
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
