package hw

import (
	"regexp"
	"sort"
	"strings"
)

// EnvVar is one recorded environment variable.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Redacted is true when Value was withheld: it is RedactedValue when the
	// name or the value looks like a secret, and SetValue for a suite
	// variable passed through the environment.
	Redacted bool `json:"redacted,omitempty"`
}

// RedactedValue replaces the value of a variable that looks like a secret.
const RedactedValue = "(redacted)"

// SetValue replaces the value of every BENCHY_VAR_<name> variable. Such a
// variable sets a suite variable, which may be a secret whatever its name;
// the results record the resolved suite variables already (sensitive ones
// hidden), so the environment records only that the variable was set, which
// tells where a resolved value came from and shows a stray export.
const SetValue = "(set)"

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

// secretName matches variable names whose values must never be recorded.
// Short words (KEY, PAT, PASS, PWD) count only as a whole part of the name,
// so that MONKEY or NCCL_IB_PATH are kept.
var secretName = regexp.MustCompile(`(?i)(SECRET|TOKEN|PASSW|PASSPHRASE|CRED|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH|SESSION|COOKIE|SIGNATURE|BEARER|(^|_)KEYS?($|_)|(^|_)PAT($|_)|(^|_)PASS($|_)|(^|_)PWD($|_)|DSN)`)

// secretValue matches values that look like credentials wherever they appear.
var secretValue = []*regexp.Regexp{
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY`),
	regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`),
	regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`),
	regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`),
	regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
	regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`), // JWT
	// Any user information in a URL: user:password@, :password@ and a
	// token as the user name (https://TOKEN@host) alike.
	regexp.MustCompile(`://[^/?#\s]*@`),
	// A password with an unescaped "/" (https://user:pa/ss@host).
	regexp.MustCompile(`://[^\s@/]*:[^\s@]*@`),
	// user:password@host without a scheme, as in a MySQL DSN.
	regexp.MustCompile(`(^|[\s,;=])[^\s/:@,;=]+:[^\s/@]+@`),
	// A credential in a query string or a key=value list.
	regexp.MustCompile(`(?i)(^|[^a-z0-9])(password|passwd|pwd|pass|secret|token|api_?key|apikey|access_?key|secret_?key|private_?key|signature|sig|auth|credentials?)=`),
	// An HTTP Authorization header value.
	regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`),
	// A suite variable on a command line (BENCHY_ARGS="--var pw=x"): its
	// value may be sensitive.
	regexp.MustCompile(`(^|\s)--?var(=|\s+)\S*=`),
}

// uuidLike matches a UUID, as in GPU and MIG identifiers.
var uuidLike = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// longOpaque matches a long run of base64/hex-like characters.
var longOpaque = regexp.MustCompile(`[A-Za-z0-9+/_=-]{32,}`)

// AllowedEnv picks, from environ ("NAME=value" strings as os.Environ returns
// them), the variables that change benchmark results, sorted by name. It
// never records anything outside the allowlist; it records a suite variable
// (BENCHY_VAR_<name>) as SetValue, never its value, and it replaces the
// value of any other variable whose name or value looks like a secret with
// RedactedValue.
func AllowedEnv(environ []string) []EnvVar {
	var out []EnvVar
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !envAllowed(name) {
			continue
		}
		v := EnvVar{Name: name, Value: value}
		switch {
		case strings.HasPrefix(name, suiteVarPrefix):
			v.Value, v.Redacted = SetValue, true
		case LooksSecret(name, value):
			v.Value, v.Redacted = RedactedValue, true
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

// LooksSecret reports whether a variable's name or value looks like a
// credential. It errs on the side of redaction.
func LooksSecret(name, value string) bool {
	if secretName.MatchString(name) {
		return true
	}
	for _, re := range secretValue {
		if re.MatchString(value) {
			return true
		}
	}
	// A long opaque token that is not a path, a list of paths or a UUID
	// (GPU UUIDs in CUDA_VISIBLE_DEVICES are not secret).
	for _, m := range longOpaque.FindAllString(uuidLike.ReplaceAllString(value, " "), -1) {
		if !strings.Contains(m, "/") && mixedClasses(m) {
			return true
		}
	}
	return false
}

// mixedClasses reports whether s mixes letters and digits, as random
// tokens do and ordinary words and numbers do not.
func mixedClasses(s string) bool {
	var letters, digits bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letters = true
		}
	}
	return letters && digits
}
