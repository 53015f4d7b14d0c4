package results

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestGPUModel(t *testing.T) {
	tests := []struct{ line, want string }{
		{"NVIDIA H100 80GB HBM3 (sm_90, 79.6 GiB, driver 550.54)", "NVIDIA H100 80GB HBM3"},
		{"NVIDIA H100 80GB HBM3 (GPU 0, 81559 MiB, driver 550.54.15, CUDA 12.4)", "NVIDIA H100 80GB HBM3"},
		// The details are the last parenthesised group: a name may hold one.
		{"Tesla (rev 2) (sm_70, 16 GiB)", "Tesla (rev 2)"},
		{"NVIDIA A100", "NVIDIA A100"},
		{"NVIDIA A100 (unclosed", "NVIDIA A100 (unclosed"},
		{"(sm_90)", "(sm_90)"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := GPUModel(tc.line); got != tc.want {
			t.Errorf("GPUModel(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestSetupGPUText(t *testing.T) {
	tests := []struct {
		name  string
		setup Setup
		text  string
		model []string
	}{
		{"unknown", Setup{}, "", nil},
		{"inventoried, none", Setup{Inventoried: true}, "no GPU", nil},
		{"one", Setup{GPUs: []string{"H100"}}, "H100", []string{"H100"}},
		{"two alike", Setup{GPUs: []string{"H100", "H100"}}, "2x H100", []string{"H100"}},
		{"mixed, first seen first", Setup{GPUs: []string{"H100", "A100", "H100"}, Inventoried: true}, "2x H100, A100", []string{"A100", "H100"}},
	}
	for _, tc := range tests {
		if got := tc.setup.GPUText(); got != tc.text {
			t.Errorf("%s: GPUText() = %q, want %q", tc.name, got, tc.text)
		}
		if got := tc.setup.Models(); !reflect.DeepEqual(got, tc.model) {
			t.Errorf("%s: Models() = %q, want %q", tc.name, got, tc.model)
		}
	}
}

func TestSetupOf(t *testing.T) {
	recorded := &Setup{GPUs: []string{"recorded"}, Driver: "1", Inventoried: true}
	tests := []struct {
		name string
		env  Environment
		want Setup
	}{
		{"nothing recorded", Environment{}, Setup{}},
		{"recorded wins over the archive", Environment{Setup: recorded, GPUs: []string{"B (x)"}, Hardware: json.RawMessage(`{"gpus":[{"name":"C"}]}`)}, *recorded},
		{"GPU lines only", Environment{GPUs: []string{"NVIDIA H100 (sm_90)", "NVIDIA H100 (sm_90)"}}, Setup{GPUs: []string{"NVIDIA H100", "NVIDIA H100"}}},
		{"inventory names win over the lines", Environment{GPUs: []string{"A (details)"}, Hardware: json.RawMessage(`{"gpus":[{"name":"A (rev 2)"}]}`)},
			Setup{GPUs: []string{"A (rev 2)"}, Inventoried: true}},
		{"inventory without GPUs: the lines", Environment{GPUs: []string{"A (details)"}, Hardware: json.RawMessage(`{"nvml":{"driver_version":"550.54.15"}}`)},
			Setup{GPUs: []string{"A"}, Driver: "550.54.15", Inventoried: true}},
		{"driver, CUDA and ONNX Runtime", Environment{Hardware: json.RawMessage(
			`{"nvml":{"driver_version":"550.54.15","cuda_driver_version":"12.4"},"gpus":[{"name":"H"},{"name":"H"}],"extra":{"onnxruntime":{"available":true,"version":"1.24.1"}}}`)},
			Setup{GPUs: []string{"H", "H"}, Driver: "550.54.15", CUDA: "12.4", ONNXRuntime: "1.24.1", Inventoried: true}},
		{"ONNX Runtime looked for, missing", Environment{Hardware: json.RawMessage(`{"extra":{"onnxruntime":{"available":false,"reason":"not found"}}}`)},
			Setup{ONNXRuntime: ONNXRuntimeMissing, Inventoried: true}},
		{"unreadable inventory: the lines, not inventoried", Environment{GPUs: []string{"A (x)"}, Hardware: json.RawMessage(`[1`)}, Setup{GPUs: []string{"A"}}},
	}
	for _, tc := range tests {
		if got := SetupOf(tc.env); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: SetupOf = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestOldDocumentSetup reads v1 documents written before benchy recorded
// a Setup (a run's results with its whole inventory, and a report
// fixture): SetupOf derives the setup from the archive, and writing the
// document again adds nothing and keeps the archive as it was.
func TestOldDocumentSetup(t *testing.T) {
	tests := []struct {
		path string
		want Setup
	}{
		{filepath.Join("..", "cmd", "benchy", "testdata", "merge", "host-1.json"), Setup{ONNXRuntime: "1.24.1", Inventoried: true}},
		{filepath.Join("..", "reports", "testdata", "gpu.json"),
			Setup{GPUs: []string{"NVIDIA H100 80GB HBM3 (GPU 0, 81559 MiB, driver 550.54.15, CUDA 12.4)"}, Inventoried: true}},
		{filepath.Join("..", "reports", "testdata", "cpu.json"), Setup{Inventoried: true}},
	}
	for _, tc := range tests {
		doc, err := ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Schema != Schema || doc.Environment.Setup != nil {
			t.Fatalf("%s: schema %q, setup %+v: not an old v1 document", tc.path, doc.Schema, doc.Environment.Setup)
		}
		if got := SetupOf(doc.Environment); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: derived setup %+v, want %+v", tc.path, got, tc.want)
		}
		path := filepath.Join(t.TempDir(), "results.json")
		if err := WriteFile(path, doc); err != nil {
			t.Fatal(err)
		}
		again, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if again.Environment.Setup != nil || !bytes.Equal(compact(t, again.Environment.Hardware), compact(t, doc.Environment.Hardware)) {
			t.Errorf("%s: rewritten with setup %+v or a changed inventory", tc.path, again.Environment.Setup)
		}
	}
}

func compact(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSetupDifferences(t *testing.T) {
	doc := func(runner, benchy string, s *Setup) *Document {
		return &Document{Benchy: benchy, Environment: Environment{Setup: s},
			Workloads: []*Workload{{Arms: []*Arm{{Name: "a", Runner: runner}}}}}
	}
	h100 := &Setup{GPUs: []string{"H100"}, Driver: "550", CUDA: "12.4", ONNXRuntime: "1.24.1", Inventoried: true}
	other := &Setup{GPUs: []string{"A100", "A100"}, Driver: "560", CUDA: "12.6", ONNXRuntime: "1.22.0", Inventoried: true}
	tests := []struct {
		name       string
		base, head *Document
		want       []SetupDifference
	}{
		{"same", doc("onnx", "v1", h100), doc("onnx", "v1", h100), nil},
		{"everything, onnx", doc("onnx", "v1", h100), doc("exec", "v2", other), []SetupDifference{
			{"GPU", "H100", "2x A100"}, {"driver", "550", "560"}, {"ONNX Runtime", "1.24.1", "1.22.0"}, {"benchy", "v1", "v2"}}},
		{"ONNX Runtime only counts with an onnx arm", doc("exec", "", h100), doc("exec", "", other), []SetupDifference{
			{"GPU", "H100", "2x A100"}, {"driver", "550", "560"}}},
		{"not recorded on one side", doc("onnx", "v1", h100), doc("onnx", "", &Setup{}), nil},
		{"no GPU vs one", doc("exec", "", &Setup{Inventoried: true}), doc("exec", "", &Setup{GPUs: []string{"H100"}}), []SetupDifference{
			{"GPU", "no GPU", "H100"}}},
	}
	for _, tc := range tests {
		if got := SetupDifferences(tc.base, tc.head); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWorkloadRunSettings(t *testing.T) {
	tests := []struct {
		name       string
		run        *RunSettings
		confidence float64
		sequential bool
	}{
		{"none recorded", nil, DefaultConfidence, false},
		{"recorded", &RunSettings{Confidence: 0.99, Order: OrderSequential}, 0.99, true},
		{"out of range", &RunSettings{Confidence: 1, Order: "interleaved-random"}, DefaultConfidence, false},
		{"zero", &RunSettings{}, DefaultConfidence, false},
	}
	for _, tc := range tests {
		w := &Workload{Run: tc.run}
		if got := w.Confidence(); got != tc.confidence {
			t.Errorf("%s: Confidence() = %v, want %v", tc.name, got, tc.confidence)
		}
		if got := w.Sequential(); got != tc.sequential {
			t.Errorf("%s: Sequential() = %v, want %v", tc.name, got, tc.sequential)
		}
	}
}

// TestRunSettingsReadsV1: the run settings of a v1 document, as the
// harness wrote them, decode into the typed RunSettings and encode back to
// the same JSON.
func TestRunSettingsReadsV1(t *testing.T) {
	path := filepath.Join("..", "cmd", "benchy", "testdata", "merge", "host-1.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Workloads []struct {
			Run json.RawMessage `json:"run"`
		} `json:"workloads"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || len(raw.Workloads) == 0 {
		t.Fatalf("%v, %d workloads", err, len(raw.Workloads))
	}
	doc, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range doc.Workloads {
		if w.Run == nil || w.Run.MinBlocks == 0 || w.Run.Order == "" || w.Confidence() != 0.95 {
			t.Fatalf("workload %d: run settings %+v", i, w.Run)
		}
		again, err := json.Marshal(w.Run)
		if err != nil {
			t.Fatal(err)
		}
		if want := compact(t, raw.Workloads[i].Run); !bytes.Equal(again, want) {
			t.Errorf("workload %d: run settings re-encode as\n%s\nnot\n%s", i, again, want)
		}
	}
}
