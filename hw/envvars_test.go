package hw

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

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
		{Name: "BENCHY_API_TOKEN", Value: RedactedValue, Redacted: true},
		{Name: "BENCHY_PROFILE", Value: "fast"},
		{Name: "BENCHY_VAR_pw", Value: SetValue, Redacted: true},
		{Name: "BENCHY_VAR_rows", Value: SetValue, Redacted: true},
		{Name: "CUDA_MPS_PIPE_DIRECTORY", Value: RedactedValue, Redacted: true},
		{Name: "CUDA_VISIBLE_DEVICES", Value: "GPU-8c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,MIG-0d5e6f70-8192-4a3b-8c5d-6e7f8a9b0c1d"},
		{Name: "GOMAXPROCS", Value: "4"},
		{Name: "LD_PRELOAD", Value: "/usr/lib/libjemalloc.so.2"},
		{Name: "MKL_CBWR", Value: "AVX2"},
		{Name: "NCCL_IB_HCA", Value: "mlx5_0"},
		{Name: "NVIDIA_TF32_OVERRIDE", Value: "0"},
		{Name: "OMP_NUM_THREADS", Value: "8"},
		{Name: "ONNXRUNTIME_LIB", Value: "/opt/ort/lib/libonnxruntime.so.1.24.1"},
		{Name: "ORT_TENSORRT_CACHE_PATH", Value: RedactedValue, Redacted: true},
		{Name: "TF_ENABLE_ONEDNN_OPTS", Value: "0"},
	}
	if got := AllowedEnv(environ); !reflect.DeepEqual(got, want) {
		t.Errorf("AllowedEnv:\n got %+v\nwant %+v", got, want)
	}
}

func TestLooksSecret(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"OMP_NUM_THREADS", "8", false},
		{"CUDA_VISIBLE_DEVICES", "0,1", false},
		{"XLA_FLAGS", "--xla_gpu_enable_triton_gemm=false --xla_gpu_autotune_level=0", false},
		{"LD_LIBRARY_PATH", "/usr/local/cuda-12.4/lib64:/opt/onnxruntime-linux-x64-gpu-1.24.1/lib", false},
		{"HF_TOKEN", "anything", true},
		{"DB_PASSWORD", "x", true},
		{"SSH_KEY", "x", true},
		{"MONKEY", "banana", false},
		{"ORT_X", "-----BEGIN RSA PRIVATE KEY-----", true},
		{"ORT_X", "AKIAIOSFODNN7EXAMPLE", true},
		{"ORT_X", "xoxb-1234567890-abcdefghij", true},
		{"ORT_X", "sk-proj-abcdefghijklmnopqrstuvwx", true},
		{"ORT_X", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", true},
		{"ORT_X", "postgres://bench:s3cret@db:5432/x", true},
		{"ORT_X", "password=abc", true},
		{"ORT_X", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", true},
		{"ORT_X", "a3f5c2e1d4b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0", true}, // 40 hex chars
		{"ORT_X", "GPU-8c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8", false},
		// Names.
		{"BENCHY_TOKEN", "x", true},
		{"BENCHY_API_KEY", "x", true},
		{"BENCHY_APIKEY", "x", true},
		{"ORT_KEY", "x", true},
		{"ORT_SIGNING_KEY", "x", true},
		{"ORT_KEYS", "x", true},
		{"BENCHY_SECRET", "x", true},
		{"CUDA_CLIENT_SECRET_ID", "x", true},
		{"BENCHY_DB_PASSWORD", "x", true},
		{"BENCHY_PASSWORD_FILE", "x", true},
		{"BENCHY_PASSWD", "x", true},
		{"BENCHY_DB_PASS", "x", true},
		{"BENCHY_DB_PWD", "x", true},
		{"BENCHY_CREDS", "x", true},
		{"BENCHY_AUTH_HEADER", "x", true},
		{"BENCHY_BEARER", "x", true},
		{"benchy_token", "x", true},
		{"NCCL_IB_PATH", "/opt/ib", false},
		{"NUMBA_BYPASS_CHECKS", "1", false},
		{"ORT_KEYBOARD", "us", false},
		// URLs and other values with credentials.
		{"ORT_X", "https://user:pass@host/x", true},
		{"ORT_X", "https://:pass@host/x", true},
		{"ORT_X", "https://ghtoken123@host/x", true},
		{"ORT_X", "https://user:pa/ss@host/x", true},
		{"ORT_X", "mirror=https://user:pass@host", true},
		{"ORT_X", "bench:s3cret@tcp(db:3306)/x", true},
		{"ORT_X", "https://host:8443/models/x.onnx", false},
		{"ORT_X", "https://host/cache?sig=abc&se=2030", true},
		{"ORT_X", "https://host/cache?api_key=abc", true},
		{"ORT_X", "https://host/cache?access_token=abc", true},
		{"ORT_X", "user=bench pwd=abc", true},
		{"ORT_X", "Authorization: Bearer abcdefgh123", true},
		{"ORT_X", "Basic dXNlcjpwYXNz", true},
		{"ORT_X", "--xla_gpu_enable_triton_gemm=false", false},
		// A suite variable on a command line, as in BENCHY_ARGS.
		{"BENCHY_ARGS", "--min-blocks 4 --var pw=hunter2", true},
		{"BENCHY_ARGS", "--var=pw=hunter2", true},
		{"BENCHY_ARGS", "-var pw=hunter2", true},
		{"BENCHY_ARGS", "--min-blocks 4 --max-blocks 4", false},
		{"BENCHY_ARGS", "--var-file vars.hcl", false},
	}
	for _, tc := range tests {
		if got := LooksSecret(tc.name, tc.value); got != tc.want {
			t.Errorf("LooksSecret(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
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
		"BENCHY_VAR_pw":       SetValue,
		"BENCHY_VAR_rows":     SetValue,
		"BENCHY_VAR_password": SetValue,
		"BENCHY_ARGS":         RedactedValue,
		"BENCHY_CACHE":        "/var/cache/benchy",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env = %v, want %v", got, want)
	}
}
