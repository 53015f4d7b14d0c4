package harness

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

// TestRunSettingsRecorded: every field of the suite's run settings reaches
// the results document, with the JSON the suite's type has.
func TestRunSettingsRecorded(t *testing.T) {
	var s suites.RunSettings
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int, reflect.Int64:
			if f.Type() == reflect.TypeFor[time.Duration]() {
				f.SetInt(int64(i+1) * int64(time.Millisecond))
			} else {
				f.SetInt(int64(i + 1))
			}
		case reflect.Float64:
			f.SetFloat(float64(i+1) / 100)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.String:
			f.SetString("v" + string(rune('a'+i)))
		default:
			t.Fatalf("field %s of kind %s: teach this test", v.Type().Field(i).Name, f.Kind())
		}
	}
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(runSettingsOf(s))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("recorded run settings\n%s\nwant\n%s", got, want)
	}
}

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
