package secrets

import "testing"

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

func TestRedactText(t *testing.T) {
	tests := []struct{ in, want string }{
		// An arm that prints its environment.
		{"PATH=/usr/bin\nGITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123\nHOME=/root\n",
			"PATH=/usr/bin\nGITHUB_TOKEN=(redacted)\nHOME=/root\n"},
		{"DB_PASSWORD=correct horse battery\nOMP_NUM_THREADS=4", "DB_PASSWORD=(redacted)\nOMP_NUM_THREADS=4"},
		{"export HF_TOKEN=hf_abc def\n", "export HF_TOKEN=(redacted)\n"},
		{"declare -x AWS_SECRET_ACCESS_KEY=\"wJalr XUtn\"", "declare -x AWS_SECRET_ACCESS_KEY=(redacted)"},
		// Inline assignments end at a space.
		{"running with API_KEY=abc123 and 4 threads", "running with API_KEY=(redacted) and 4 threads"},
		{"MONKEY=banana session ok", "MONKEY=banana session ok"},
		// JSON.
		{`{"user":"bench","access_token":"abc\"def","n":1}`, `{"user":"bench","access_token":"(redacted)","n":1}`},
		// Shapes, whatever the name.
		{"cloning https://bench:s3cret@git.example/x.git", "cloning https://(redacted)git.example/x.git"},
		{"curl -H 'Authorization: Bearer abcdefgh12345'", "curl -H 'Authorization: Bearer (redacted)'"},
		{"GET /x?sig=abc&se=2030", "GET /x?sig=(redacted)&se=2030"},
		{"key AKIAIOSFODNN7EXAMPLE used", "key (redacted) used"},
		{"benchy run s.hcl --var pw=hunter2 --max-blocks 4", "benchy run s.hcl --var pw=(redacted) --max-blocks 4"},
		{"a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\nb", "a\n(redacted)\nb"},
		// The end of a key whose start a tail cut off.
		{"QUJDRA==\nMIIEow\n-----END PRIVATE KEY-----\ndone", "(redacted)\ndone"},
		// Digests and commit hashes stay.
		{"sha256 a3f5c2e1d4b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0a3f5c2e1d4b6a7f8e9d0c1b2", "sha256 a3f5c2e1d4b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0a3f5c2e1d4b6a7f8e9d0c1b2"},
		{"exit status 1: no such file", "exit status 1: no such file"},
	}
	for _, tc := range tests {
		if got := RedactText(tc.in); got != tc.want {
			t.Errorf("RedactText(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
