package hw

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Difference is one way two inventories differ that can change results.
type Difference struct {
	// Field names what differs: "gpus", "driver", "cuda", "benchy",
	// "extra.onnxruntime", "cpu", "kernel", "go", "clocks".
	Field string `json:"field"`
	A     string `json:"a"`
	B     string `json:"b"`
	// Major is true for differences that make results incomparable (GPU
	// models, driver, CUDA, benchy or an extra such as the ONNX Runtime
	// version); `--strict` comparisons refuse on these.
	Major bool `json:"major"`
}

// String renders the difference: "driver: 550.54.15 vs 560.35.03".
func (d Difference) String() string { return fmt.Sprintf("%s: %s vs %s", d.Field, d.A, d.B) }

// Compare lists the differences between two inventories that matter for
// comparing their results, major ones first.
func Compare(a, b *Inventory) []Difference {
	if a == nil || b == nil {
		return nil
	}
	var out []Difference
	diff := func(field, x, y string, major bool) {
		if x != y {
			out = append(out, Difference{Field: field, A: orText(x, "(none)"), B: orText(y, "(none)"), Major: major})
		}
	}
	diff("gpus", gpuModels(a), gpuModels(b), true)
	diff("driver", a.NVML.DriverVersion, b.NVML.DriverVersion, true)
	diff("cuda", a.NVML.CUDADriverVersion, b.NVML.CUDADriverVersion, true)
	diff("benchy", a.Benchy, b.Benchy, true)
	keys := map[string]bool{}
	for k := range a.Extra {
		keys[k] = true
	}
	for k := range b.Extra {
		keys[k] = true
	}
	for _, k := range sortedStrings(keys) {
		diff("extra."+k, jsonText(a.Extra[k]), jsonText(b.Extra[k]), true)
	}
	diff("clocks", lockModes(a), lockModes(b), false)
	diff("cpu", a.CPU.Model, b.CPU.Model, false)
	diff("kernel", a.Host.Kernel, b.Host.Kernel, false)
	diff("go", a.Toolchain.GoVersion, b.Toolchain.GoVersion, false)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Major && !out[j].Major })
	return out
}

// gpuModels counts GPU names: "8x NVIDIA H100 80GB HBM3".
func gpuModels(inv *Inventory) string {
	counts := map[string]int{}
	for _, g := range inv.GPUs {
		counts[g.Name]++
	}
	var parts []string
	for _, n := range sortedStrings(boolKeys(counts)) {
		parts = append(parts, fmt.Sprintf("%dx %s", counts[n], n))
	}
	return strings.Join(parts, ", ")
}

// lockModes summarises clock locks: "unlocked" or "locked base".
func lockModes(inv *Inventory) string {
	modes := map[string]bool{}
	for _, g := range inv.GPUs {
		if g.LockedClocks == nil {
			modes["unlocked"] = true
		} else {
			modes["locked "+g.LockedClocks.Spec.String()] = true
		}
	}
	return strings.Join(sortedStrings(modes), ", ")
}

func boolKeys(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func sortedStrings(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
