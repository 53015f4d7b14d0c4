package onnx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// Version is the ONNX Runtime release whose C API onnxruntime_go v1.27
// binds, and the one scripts/install-onnxruntime.sh installs.
const Version = "1.24.1"

// LibraryEnv names the environment variable that points benchy at a
// specific libonnxruntime.so.
const LibraryEnv = "ONNXRUNTIME_LIB"

// InstallHint says exactly how to get the library onto a machine.
const InstallHint = "install it with scripts/install-onnxruntime.sh from a benchy checkout (it puts ONNX Runtime " +
	Version + " into the checkout's .cache/onnxruntime; with --user, into ~/.cache/benchy/onnxruntime, " +
	"where any benchy finds it, a `go install`ed one too), or set " + LibraryEnv + "=/path/to/libonnxruntime.so.1"

// cacheRel is where the install script puts the library, relative to the
// project root (or to $BENCHY_CACHE without the leading ".cache").
var cacheRel = filepath.Join("onnxruntime", Version, "lib", "libonnxruntime.so.1")

// UserCacheDir is the per-user cache root that the install script fills
// with --user, and the Candidates search: os.UserCacheDir()/benchy
// ($XDG_CACHE_HOME/benchy, else ~/.cache/benchy, on Linux); "" when there
// is no home directory.
func UserCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "benchy")
}

// systemDirs are searched after the project cache, in order.
var systemDirs = []string{
	"/usr/local/lib", "/usr/local/lib64", "/usr/lib/x86_64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/opt/onnxruntime/lib",
}

// NotFoundError reports that no ONNX Runtime library was found; its
// message lists where benchy looked and how to install one.
type NotFoundError struct {
	// Looked lists the candidate paths, in search order.
	Looked []string
	// Env is set when ONNXRUNTIME_LIB named a file that does not exist.
	Env string
}

func (e *NotFoundError) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("ONNX Runtime not found: %s=%s does not exist; %s", LibraryEnv, e.Env, InstallHint)
	}
	return fmt.Sprintf("ONNX Runtime %s not found (looked for %s in $%s, the project cache .cache/ above the working directory and above benchy, "+
		"the user cache %s and the system library folders); %s",
		Version, filepath.Base(cacheRel), LibraryEnv, filepath.Join(UserCacheDir(), "onnxruntime"), InstallHint)
}

// ArmReason is what an arm that cannot run for want of the library
// records: short, because every such arm records it and benchy run says
// the whole of Error once, up front.
func (e *NotFoundError) ArmReason() string {
	if e.Env != "" {
		return fmt.Sprintf("ONNX Runtime not found: %s=%s does not exist", LibraryEnv, e.Env)
	}
	return fmt.Sprintf("ONNX Runtime %s not found (benchy env says where benchy looked and how to install it)", Version)
}

// Candidates returns the places LibraryPath searches, in order: the
// project cache found from $BENCHY_CACHE, from the working directory and its
// parents, and from the executable's directory and its parents (so both `go
// test` in a package folder and bin/benchy find the checkout's .cache), the
// user cache (UserCacheDir, for a `go install`ed benchy), then the
// LD_LIBRARY_PATH and system library folders. ($ONNXRUNTIME_LIB, when set,
// is the only place LibraryPath looks.)
func Candidates() []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if c := os.Getenv("BENCHY_CACHE"); c != "" {
		add(filepath.Join(c, cacheRel))
	}
	upward := func(dir string) {
		for d := dir; ; d = filepath.Dir(d) {
			add(filepath.Join(d, ".cache", cacheRel))
			if filepath.Dir(d) == d {
				return
			}
		}
	}
	if wd, err := os.Getwd(); err == nil {
		upward(wd)
	}
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		upward(filepath.Dir(exe))
	}
	if u := UserCacheDir(); u != "" {
		add(filepath.Join(u, cacheRel))
	}
	dirs := filepath.SplitList(os.Getenv("LD_LIBRARY_PATH"))
	dirs = append(dirs, systemDirs...)
	for _, d := range dirs {
		if d == "" {
			continue
		}
		add(filepath.Join(d, "libonnxruntime.so.1"))
		add(filepath.Join(d, "libonnxruntime.so"))
	}
	return out
}

// LibraryPath finds libonnxruntime: ONNXRUNTIME_LIB when set (and then
// only there), else the first of Candidates that exists.
func LibraryPath() (string, error) {
	if p := os.Getenv(LibraryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", &NotFoundError{Env: p}
		}
		return p, nil
	}
	c := Candidates()
	for _, p := range c {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", &NotFoundError{Looked: c}
}

// ShareWithWorkers resolves the library once, in the process that starts
// the workers, and sets ONNXRUNTIME_LIB in its environment to the absolute
// path, which every worker inherits. A worker runs in its suite's folder,
// from wherever benchy is installed, so that it would not find by itself
// what the parent found from its own working directory. It returns the
// path, or the *NotFoundError (and then sets nothing).
func ShareWithWorkers() (string, error) {
	p, err := LibraryPath()
	if err != nil {
		return "", err
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p, os.Setenv(LibraryEnv, p)
}

// Library describes the loaded ONNX Runtime.
type Library struct {
	// Path is the shared library benchy loaded.
	Path string
	// Version is what the library reports (OrtGetApiBase()->GetVersionString).
	Version string
	// Source is the install script's record of where it came from
	// (".../SOURCE" beside lib/), or "" for a library benchy did not install.
	Source string
}

var (
	initOnce sync.Once
	initLib  Library
	initErr  error
)

// Init loads ONNX Runtime once per process and returns what was loaded. A
// missing library is a *NotFoundError; callers that run arms turn it into a
// skip with the install hint.
func Init() (Library, error) {
	initOnce.Do(func() {
		p, err := LibraryPath()
		if err != nil {
			initErr = err
			return
		}
		ort.SetSharedLibraryPath(p)
		if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
			initErr = fmt.Errorf("loading ONNX Runtime from %s: %w (benchy needs ONNX Runtime %s for this platform; %s)", p, err, Version, InstallHint)
			return
		}
		initLib = Library{Path: p, Version: ort.GetVersion()}
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(p)), "SOURCE")); err == nil {
			initLib.Source = strings.TrimSpace(string(b))
		}
	})
	return initLib, initErr
}

// IsNotFound reports whether err says the library is missing.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// ProviderStatus says whether an execution provider can be used.
type ProviderStatus struct {
	// Name is cpu, cuda or tensorrt.
	Name string `json:"name"`
	// Available is true when the provider could be appended to a session.
	Available bool `json:"available"`
	// Reason says why not, when unavailable.
	Reason string `json:"reason,omitempty"`
}

// providerLibs are the plug-in libraries each GPU provider needs beside
// libonnxruntime (the GPU release archive ships them; npm's build does not).
var providerLibs = map[string]string{
	ProviderCUDA:     "libonnxruntime_providers_cuda.so",
	ProviderTensorRT: "libonnxruntime_providers_tensorrt.so",
}

// ProbeProvider checks whether provider can be used with the loaded
// library by appending it to throw-away session options. It needs Init.
func ProbeProvider(lib Library, provider string) ProviderStatus {
	st := ProviderStatus{Name: provider}
	if provider == ProviderCPU {
		st.Available = true
		return st
	}
	if err := appendProvider(lib, nil, provider, nil); err != nil {
		st.Reason = err.Error()
		return st
	}
	st.Available = true
	return st
}

// Providers probes cpu, cuda and tensorrt, in that order.
func Providers(lib Library) []ProviderStatus {
	return []ProviderStatus{
		ProbeProvider(lib, ProviderCPU),
		ProbeProvider(lib, ProviderCUDA),
		ProbeProvider(lib, ProviderTensorRT),
	}
}

// unavailableError marks a provider that cannot be loaded at all (as
// opposed to bad options); arms asking for it are skipped.
type unavailableError struct{ msg string }

func (e *unavailableError) Error() string { return e.msg }

// appendProvider appends provider (cuda or tensorrt) with options to so, or
// to throw-away options when so is nil. A provider the library cannot load
// gives an *unavailableError.
func appendProvider(lib Library, so *ort.SessionOptions, provider string, options map[string]string) error {
	if lf, ok := providerLibs[provider]; ok {
		if _, err := os.Stat(filepath.Join(filepath.Dir(lib.Path), lf)); err != nil {
			how := "install the GPU build with scripts/install-onnxruntime.sh on a machine that can reach github.com, or point " + LibraryEnv + " at a GPU build"
			return &unavailableError{fmt.Sprintf("the %s execution provider is not in this ONNX Runtime build (%s has no %s beside it; %s)", provider, lib.Path, lf, how)}
		}
	}
	if so == nil {
		tmp, err := ort.NewSessionOptions()
		if err != nil {
			return err
		}
		defer tmp.Destroy()
		so = tmp
	}
	switch provider {
	case ProviderCUDA:
		return addProvider(provider, options, ort.NewCUDAProviderOptions, so.AppendExecutionProviderCUDA,
			"CUDA 12 and cuDNN 9 libraries and an NVIDIA driver")
	case ProviderTensorRT:
		return addProvider(provider, options, ort.NewTensorRTProviderOptions, so.AppendExecutionProviderTensorRT,
			"TensorRT 10, CUDA 12 and an NVIDIA driver")
	}
	return fmt.Errorf("unknown provider %q", provider)
}

// providerOptions are one execution provider's options in ONNX Runtime
// (ort.CUDAProviderOptions, ort.TensorRTProviderOptions).
type providerOptions interface {
	Update(options map[string]string) error
	Destroy() error
}

// addProvider makes provider's options with newOptions, sets the suite's
// options on them and appends them to the session options with add. needs
// says what the provider needs to load, for the error when it does not.
// A provider that cannot be loaded gives an *unavailableError.
func addProvider[O providerOptions](provider string, options map[string]string, newOptions func() (O, error), add func(O) error, needs string) error {
	o, err := newOptions()
	if err != nil {
		return &unavailableError{fmt.Sprintf("the %s execution provider cannot be loaded: %v", provider, err)}
	}
	defer o.Destroy()
	if len(options) > 0 {
		if err := o.Update(options); err != nil {
			return fmt.Errorf("%s provider options: %w", provider, err)
		}
	}
	if err := add(o); err != nil {
		return &unavailableError{fmt.Sprintf("the %s execution provider cannot be loaded (%s are needed): %v", provider, needs, err)}
	}
	return nil
}
