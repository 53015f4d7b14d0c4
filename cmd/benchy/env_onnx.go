package main

import "github.com/benchy-dev/benchy/runners/onnx"

// The ONNX Runtime library benchy finds, its version and which execution
// providers it can load are part of every fingerprint: an arm's numbers
// depend on them as much as on the GPU.
func init() { envExtras = append(envExtras, onnxEnv) }

// onnxEnv reports ONNX Runtime for `benchy env` and results: version,
// library path, where the install script got it, and each provider's
// availability with the reason when unavailable. A missing library is
// reported, with the install hint, not treated as an error.
func onnxEnv() (string, any) {
	lib, err := onnx.Init()
	if err != nil {
		return "onnxruntime", map[string]any{"available": false, "reason": err.Error()}
	}
	v := map[string]any{
		"available": true,
		"version":   lib.Version,
		"library":   lib.Path,
		"providers": onnx.Providers(lib),
	}
	if lib.Source != "" {
		v["source"] = lib.Source
	}
	return "onnxruntime", v
}
