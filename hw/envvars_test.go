package hw

import (
	"reflect"
	"testing"
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
	}
	for _, tc := range tests {
		if got := LooksSecret(tc.name, tc.value); got != tc.want {
			t.Errorf("LooksSecret(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}
