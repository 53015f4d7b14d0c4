package results

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Setup is what of a machine's setup can change a run's results by
// itself: its GPUs, the NVIDIA driver and the CUDA version it supports,
// and the ONNX Runtime version. The harness fills it once when the run
// starts (Environment.Setup); for a document written before benchy
// recorded it, SetupOf derives it from the archived inventory and GPU
// lines. benchy's own version is Document.Benchy.
type Setup struct {
	// GPUs holds each GPU's model name, in device order; empty without one.
	GPUs []string `json:"gpus,omitempty"`
	// Driver is the NVIDIA driver's version, CUDA the CUDA version it
	// supports; "" when unknown.
	Driver string `json:"driver,omitempty"`
	CUDA   string `json:"cuda,omitempty"`
	// ONNXRuntime is the ONNX Runtime version, "not available" when benchy
	// looked for one and found none, "" when it did not look.
	ONNXRuntime string `json:"onnxruntime,omitempty"`
	// Inventoried reports whether a hardware inventory was taken, so that
	// no GPUs means the machine has none rather than that no one looked.
	Inventoried bool `json:"inventoried"`
}

// ONNXRuntimeMissing is Setup.ONNXRuntime when benchy looked for ONNX
// Runtime and found none.
const ONNXRuntimeMissing = "not available"

// SetupOf is env's setup: the one recorded when the run started, or, in a
// document from a benchy that did not record it, the one derived from the
// archived inventory (GPU names, driver, CUDA, ONNX Runtime) and, where
// the inventory names no GPU, from the GPU lines.
func SetupOf(env Environment) Setup {
	if env.Setup != nil {
		return *env.Setup
	}
	var s Setup
	var inv struct {
		NVML struct {
			DriverVersion     string `json:"driver_version"`
			CUDADriverVersion string `json:"cuda_driver_version"`
		} `json:"nvml"`
		GPUs []struct {
			Name string `json:"name"`
		} `json:"gpus"`
		Extra struct {
			ONNXRuntime *struct {
				Available bool   `json:"available"`
				Version   string `json:"version"`
			} `json:"onnxruntime"`
		} `json:"extra"`
	}
	if len(env.Hardware) > 0 && json.Unmarshal(env.Hardware, &inv) == nil {
		s.Inventoried = true
		s.Driver, s.CUDA = inv.NVML.DriverVersion, inv.NVML.CUDADriverVersion
		for _, g := range inv.GPUs {
			s.GPUs = append(s.GPUs, g.Name)
		}
		if o := inv.Extra.ONNXRuntime; o != nil {
			s.ONNXRuntime = ONNXRuntimeMissing
			if o.Available && o.Version != "" {
				s.ONNXRuntime = o.Version
			}
		}
	}
	if len(s.GPUs) == 0 {
		for _, line := range env.GPUs {
			s.GPUs = append(s.GPUs, GPUModel(line))
		}
	}
	return s
}

// GPUModel is the model name in a GPU line of Environment.GPUs, "NAME
// (details)": the line up to its last parenthesised group.
func GPUModel(line string) string {
	if i := strings.LastIndex(line, " ("); i > 0 && strings.HasSuffix(line, ")") {
		return line[:i]
	}
	return line
}

// Models returns the distinct GPU model names, sorted.
func (s Setup) Models() []string {
	return slices.Compact(slices.Sorted(slices.Values(s.GPUs)))
}

// GPUText describes the GPUs in one line, each model once with its count,
// in the order first seen: "2x NVIDIA H100 80GB HBM3, NVIDIA A100"; "no
// GPU" when an inventory found none; "" when nothing is known.
func (s Setup) GPUText() string {
	counts := map[string]int{}
	var names []string
	for _, g := range s.GPUs {
		if counts[g] == 0 {
			names = append(names, g)
		}
		counts[g]++
	}
	for i, n := range names {
		if counts[n] > 1 {
			names[i] = fmt.Sprintf("%dx %s", counts[n], n)
		}
	}
	if len(names) == 0 && s.Inventoried {
		return "no GPU"
	}
	return strings.Join(names, ", ")
}

// SetupDifference is one way in which the setups of two runs differ that
// can change their results on its own.
type SetupDifference struct {
	// What is "GPU", "driver", "ONNX Runtime" or "benchy".
	What       string
	Base, Head string
}

// String reads "GPU: NVIDIA A100-SXM4-80GB vs NVIDIA H100 80GB HBM3".
func (d SetupDifference) String() string { return d.What + ": " + d.Base + " vs " + d.Head }

// SetupDifferences is benchy's one rule for what counts as a different
// setup: it lists how two runs differ in what can change results by
// itself: the GPU models and count, the NVIDIA driver (which fixes the
// CUDA version it supports), the ONNX Runtime version (when either run has
// an onnx arm) and benchy's version. What either document does not record
// is not compared.
func SetupDifferences(base, head *Document) []SetupDifference {
	b, h := SetupOf(base.Environment), SetupOf(head.Environment)
	var out []SetupDifference
	add := func(what, x, y string) {
		if x != "" && y != "" && x != y {
			out = append(out, SetupDifference{What: what, Base: x, Head: y})
		}
	}
	add("GPU", b.GPUText(), h.GPUText())
	add("driver", b.Driver, h.Driver)
	if base.UsesRunner("onnx") || head.UsesRunner("onnx") {
		add("ONNX Runtime", b.ONNXRuntime, h.ONNXRuntime)
	}
	add("benchy", base.Benchy, head.Benchy)
	return out
}

// UsesRunner reports whether some arm of the document ran runner.
func (d *Document) UsesRunner(runner string) bool {
	for _, w := range d.Workloads {
		for _, a := range w.Arms {
			if a.Runner == runner {
				return true
			}
		}
	}
	return false
}
