package hw

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/secrets"
	"github.com/benchy-dev/benchy/suites"
)

func TestAllowedEnv(t *testing.T) {
	environ := []string{
		"HOME=/root",
		"PATH=/usr/bin",
		"GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"AWS_SECRET_ACCESS_KEY=abc",
		"CUDA_VISIBLE_DEVICES=GPU-8c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,MIG-0d5e6f70-8192-4a3b-8c5d-6e7f8a9b0c1d",
		"OMP_NUM_THREADS=8",
		"GOMAXPROCS=4",
		"BENCHY_API_TOKEN=hunter2",
		"BENCHY_PROFILE=fast",
		"BENCHY_VAR_pw=hunter2",
		"BENCHY_VAR_rows=1000",
		"LD_PRELOAD=/usr/lib/libjemalloc.so.2",
		"NVIDIA_TF32_OVERRIDE=0",
		"TF_CLI_CONFIG_FILE=/root/.terraformrc",
		"TF_ENABLE_ONEDNN_OPTS=0",
		"ORT_TENSORRT_CACHE_PATH=https://user:pass@example.com/cache",
		"MKL_CBWR=AVX2",
		"CUDA_=x",
		"NCCL_IB_HCA=mlx5_0",
		"ONNXRUNTIME_LIB=/opt/ort/lib/libonnxruntime.so.1.24.1",
		"CUDA_MPS_PIPE_DIRECTORY=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u",
		"malformed",
	}
	want := []EnvVar{
		{Name: "BENCHY_API_TOKEN", Value: secrets.Redacted, Redacted: true},
		{Name: "BENCHY_PROFILE", Value: "fast"},
		{Name: "BENCHY_VAR_pw", Value: setValue, Redacted: true},
		{Name: "BENCHY_VAR_rows", Value: setValue, Redacted: true},
		{Name: "CUDA_MPS_PIPE_DIRECTORY", Value: secrets.Redacted, Redacted: true},
		{Name: "CUDA_VISIBLE_DEVICES", Value: "GPU-8c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,MIG-0d5e6f70-8192-4a3b-8c5d-6e7f8a9b0c1d"},
		{Name: "GOMAXPROCS", Value: "4"},
		{Name: "LD_PRELOAD", Value: "/usr/lib/libjemalloc.so.2"},
		{Name: "MKL_CBWR", Value: "AVX2"},
		{Name: "NCCL_IB_HCA", Value: "mlx5_0"},
		{Name: "NVIDIA_TF32_OVERRIDE", Value: "0"},
		{Name: "OMP_NUM_THREADS", Value: "8"},
		{Name: "ONNXRUNTIME_LIB", Value: "/opt/ort/lib/libonnxruntime.so.1.24.1"},
		{Name: "ORT_TENSORRT_CACHE_PATH", Value: secrets.Redacted, Redacted: true},
		{Name: "TF_ENABLE_ONEDNN_OPTS", Value: "0"},
	}
	if got := allowedEnv(environ); !reflect.DeepEqual(got, want) {
		t.Errorf("allowedEnv:\n got %+v\nwant %+v", got, want)
	}
}

// TestSuiteVarsNeverRecorded checks that a suite variable passed through the
// environment is recorded as set, never with its value, whatever its name,
// in the inventory that benchy env prints and the results record.
func TestSuiteVarsNeverRecorded(t *testing.T) {
	if suiteVarPrefix != suites.EnvPrefix {
		t.Fatalf("suiteVarPrefix = %q, suites.EnvPrefix = %q", suiteVarPrefix, suites.EnvPrefix)
	}
	inv := hostInventory(t, "xeon-2s", map[string]string{
		"BENCHY_VAR_pw":       "hunter2",
		"BENCHY_VAR_rows":     "1000",
		"BENCHY_VAR_password": "hunter2",
		"BENCHY_ARGS":         "--var pw=hunter2",
		"BENCHY_CACHE":        "/var/cache/benchy",
	})
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hunter2") {
		t.Errorf("the inventory records a suite variable's value: %s", b)
	}
	got := map[string]string{}
	for _, v := range inv.Env {
		got[v.Name] = v.Value
	}
	want := map[string]string{
		"BENCHY_VAR_pw":       setValue,
		"BENCHY_VAR_rows":     setValue,
		"BENCHY_VAR_password": setValue,
		"BENCHY_ARGS":         secrets.Redacted,
		"BENCHY_CACHE":        "/var/cache/benchy",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env = %v, want %v", got, want)
	}
}
