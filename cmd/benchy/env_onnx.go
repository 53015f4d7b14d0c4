package main

import (
	"fmt"
	"io"

	"github.com/benchy-dev/benchy/runners/onnx"
	"github.com/benchy-dev/benchy/suites"
)

// The ONNX Runtime library benchy finds, its version and which execution
// providers it can load are part of every fingerprint: an arm's numbers
// depend on them as much as on the GPU.
func init() { envExtras = append(envExtras, onnxEnv) }

// onnxInfo is the fingerprint's "onnxruntime" entry. It is recorded as the
// JSON object it is, and `benchy env` prints it as lines (envTexter).
type onnxInfo map[string]any

// onnxEnv reports ONNX Runtime for `benchy env` and results: version,
// library path, where the install script got it, and each provider's
// availability with the reason when unavailable. A missing library is
// reported, with the install hint, not treated as an error.
func onnxEnv() (string, any) {
	lib, err := onnx.Init()
	if err != nil {
		return "onnxruntime", onnxInfo{"available": false, "reason": err.Error()}
	}
	v := onnxInfo{
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

// envText renders the entry for people: the version and library, where
// it came from, then one line per execution provider.
func (o onnxInfo) envText() []string {
	if o["available"] != true {
		return []string{fmt.Sprintf("not available: %v", o["reason"])}
	}
	lines := []string{fmt.Sprintf("%v from %v", o["version"], o["library"])}
	if s, ok := o["source"]; ok {
		lines = append(lines, fmt.Sprintf("installed from %v", s))
	}
	ps, _ := o["providers"].([]onnx.ProviderStatus)
	for _, p := range ps {
		if p.Available {
			lines = append(lines, fmt.Sprintf("%-8s available", p.Name))
		} else {
			lines = append(lines, fmt.Sprintf("%-8s unavailable: %s", p.Name, p.Reason))
		}
	}
	return lines
}

// shareONNXRuntime resolves ONNX Runtime once, before any arm of plans
// runs, and hands its workers the exact library (ONNXRUNTIME_LIB): a worker
// runs in its suite's folder, from wherever benchy is installed, and would
// not find by itself what benchy finds from the working directory. When the
// plans have onnx arms and no library is found, it says so once, with
// where it looked and how to install; each arm then records a short reason.
func shareONNXRuntime(plans []*suites.Plan, stderr io.Writer) {
	if !hasRunner(plans, "onnx") {
		return
	}
	if _, err := onnx.ShareWithWorkers(); err != nil {
		fmt.Fprintf(stderr, "benchy: %v; the onnx arms are skipped\n", err)
	}
}

// hasRunner reports whether any arm of plans uses runner.
func hasRunner(plans []*suites.Plan, runner string) bool {
	for _, p := range plans {
		for _, w := range p.Workloads {
			for _, a := range w.Arms {
				if a.Runner == runner {
					return true
				}
			}
		}
	}
	return false
}
