package hw

import (
	"sort"
	"strings"

	"github.com/benchy-dev/benchy/internal/secrets"
)

// EnvVar is one recorded environment variable.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Redacted is true when Value was withheld: it is secrets.Redacted when the
	// name or the value looks like a secret, and setValue for a suite
	// variable passed through the environment.
	Redacted bool `json:"redacted,omitempty"`
}

// setValue replaces the value of every BENCHY_VAR_<name> variable. Such a
// variable sets a suite variable, which may be a secret whatever its name;
// the results record the resolved suite variables already (sensitive ones
// hidden), so the environment records only that the variable was set, which
// tells where a resolved value came from and shows a stray export.
const setValue = "(set)"

// suiteVarPrefix starts the variables that set suite variables
// (suites.EnvPrefix; hw does not import suites).
const suiteVarPrefix = "BENCHY_VAR_"

// envAllowNames are variables known to change benchmark results.
var envAllowNames = map[string]bool{
	// Go runtime.
	"GOMAXPROCS": true, "GOGC": true, "GOMEMLIMIT": true, "GODEBUG": true,
	"GOAMD64": true, "GOARM64": true, "GOEXPERIMENT": true,
	// Python.
	"PYTHONHASHSEED": true, "PYTHONOPTIMIZE": true, "PYTHONMALLOC": true,
	"PYTHONDONTWRITEBYTECODE": true, "PYTHONPATH": true,
	// Threading and math libraries.
	"VECLIB_MAXIMUM_THREADS": true, "NUMEXPR_NUM_THREADS": true,
	"NUMEXPR_MAX_THREADS": true, "TBB_NUM_THREADS": true,
	"XLA_FLAGS": true, "RAPIDS_NO_INITIALIZE": true,
	// TensorFlow (named one by one: TF_ is also Terraform's prefix).
	"TF_ENABLE_ONEDNN_OPTS": true, "TF_XLA_FLAGS": true, "TF_GPU_ALLOCATOR": true,
	"TF_FORCE_GPU_ALLOW_GROWTH": true, "TF_CUDNN_DETERMINISTIC": true,
	"TF_DETERMINISTIC_OPS": true, "TF_ENABLE_AUTO_MIXED_PRECISION": true,
	"TF_ENABLE_XLA": true, "TF32_OVERRIDE": true,
	// Dynamic loading and allocation.
	"LD_PRELOAD": true, "LD_LIBRARY_PATH": true, "LD_BIND_NOW": true,
	"MALLOC_ARENA_MAX": true, "MALLOC_CONF": true, "TCMALLOC_RELEASE_RATE": true,
	// ONNX Runtime library choice.
	"ONNXRUNTIME_LIB": true,
}

// envAllowPrefixes are families of variables that change results.
var envAllowPrefixes = []string{
	"CUDA_", "NVIDIA_", "CUBLAS_", "CUBLASLT_", "CUDNN_", "NCCL_", "TRT_",
	"TENSORRT_", "ORT_", "CUPY_", "CUDF_", "NUMBA_",
	"OMP_", "KMP_", "MKL_", "OPENBLAS_", "BLIS_", "GOTO_", "DNNL_", "ONEDNN_",
	"TORCH_", "PYTORCH_",
	"BENCHY_",
}

// allowedEnv picks, from environ ("NAME=value" strings as os.Environ returns
// them), the variables that change benchmark results, sorted by name. It
// never records anything outside the allowlist; it records a suite variable
// (BENCHY_VAR_<name>) as setValue, never its value, and it replaces the
// value of any other variable whose name or value looks like a secret with
// secrets.Redacted.
func allowedEnv(environ []string) []EnvVar {
	var out []EnvVar
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !envAllowed(name) {
			continue
		}
		v := EnvVar{Name: name, Value: value}
		switch {
		case strings.HasPrefix(name, suiteVarPrefix):
			v.Value, v.Redacted = setValue, true
		case secrets.LooksSecret(name, value):
			v.Value, v.Redacted = secrets.Redacted, true
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func envAllowed(name string) bool {
	if envAllowNames[name] {
		return true
	}
	for _, p := range envAllowPrefixes {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true
		}
	}
	return false
}
