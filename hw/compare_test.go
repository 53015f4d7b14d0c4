package hw

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	h100 := GPU{Name: "NVIDIA H100 80GB HBM3"}
	a := &Inventory{Benchy: "v0.1.0", GPUs: []GPU{h100, h100}, NVML: NVML{DriverVersion: "550.54.15", CUDADriverVersion: "12.4"},
		CPU: CPU{Model: "Xeon"}, Host: Host{Kernel: "6.8"}, Toolchain: Toolchain{GoVersion: "go1.26.8"},
		Extra: map[string]any{"onnxruntime": map[string]any{"version": "1.24.1"}}}
	same := *a
	if d := Compare(a, &same); len(d) != 0 {
		t.Errorf("identical inventories differ: %v", d)
	}
	b := *a
	b.GPUs = []GPU{{Name: "NVIDIA H200 141GB HBM3e"}, {Name: "NVIDIA H200 141GB HBM3e"}}
	b.NVML.DriverVersion = "560.35.03"
	b.Host.Kernel = "6.9"
	b.Extra = map[string]any{"onnxruntime": map[string]any{"version": "1.24.2"}}
	b.GPUs[0].LockedClocks = &ClockLock{Spec: ClockSpec{Mode: "base"}}
	want := []Difference{
		{Field: "gpus", A: "2x NVIDIA H100 80GB HBM3", B: "2x NVIDIA H200 141GB HBM3e", Major: true},
		{Field: "driver", A: "550.54.15", B: "560.35.03", Major: true},
		{Field: "extra.onnxruntime", A: `{"version":"1.24.1"}`, B: `{"version":"1.24.2"}`, Major: true},
		{Field: "clocks", A: "unlocked", B: "locked base, unlocked"},
		{Field: "kernel", A: "6.8", B: "6.9"},
	}
	if got := Compare(a, &b); !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %v\nwant %v", got, want)
	}
	if got := Compare(a, &Inventory{}); got[0].String() != "gpus: 2x NVIDIA H100 80GB HBM3 vs (none)" {
		t.Errorf("against an empty inventory: %v", got[0])
	}
	if Compare(nil, a) != nil {
		t.Error("nil inventory compared")
	}
}
