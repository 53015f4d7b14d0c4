package harness

import (
	"reflect"
	"testing"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// TestEnvironmentSetup: the setup is read from the inventory when the run
// starts.
func TestEnvironmentSetup(t *testing.T) {
	inv := &hw.Inventory{
		Schema: hw.Schema,
		NVML:   hw.NVML{Available: true, DriverVersion: "550.54.15", CUDADriverVersion: "12.4"},
		GPUs:   []hw.GPU{{Index: 0, Name: "NVIDIA H100 80GB HBM3"}, {Index: 1, Name: "NVIDIA H100 80GB HBM3"}},
		Extra:  map[string]any{"onnxruntime": map[string]any{"available": true, "version": "1.24.1"}},
	}
	env := EnvironmentOf(inv)
	want := &results.Setup{GPUs: []string{"NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"}, Driver: "550.54.15", CUDA: "12.4",
		ONNXRuntime: "1.24.1", Inventoried: true}
	if !reflect.DeepEqual(env.Setup, want) {
		t.Errorf("setup %+v, want %+v", env.Setup, want)
	}
	if len(env.Hardware) == 0 {
		t.Error("the inventory is not archived")
	}
}
