package onnx

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/runners"
)

// workerEnv makes the test binary serve the onnx runner over the worker
// protocol instead of running tests, so that tests can drive a real worker
// process the way the harness does (a crash there cannot take the test
// process down with it).
const workerEnv = "BENCHY_ONNX_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := runners.Serve(context.Background(), &Runner{}, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// needORT skips the test when ONNX Runtime is not installed, saying how to
// install it.
func needORT(t testing.TB) Library {
	t.Helper()
	lib, err := Init()
	if IsNotFound(err) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

const debianData = "/usr/share/libonnx-testdata/data"

// debianModel returns a model from Debian's libonnx-testdata package, or
// skips the test when the package is not installed.
func debianModel(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(debianData, rel, "model.onnx")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipped: %s not found; install Debian's libonnx-testdata package (apt-get install libonnx-testdata)", p)
	}
	return p
}

var (
	ortGoDirOnce sync.Once
	ortGoDir     string
)

// ortGoTestData returns the onnxruntime_go module's test_data folder: real
// models that exist wherever this module builds.
func ortGoTestData(t testing.TB) string {
	t.Helper()
	ortGoDirOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yalue/onnxruntime_go").Output()
		if err == nil {
			ortGoDir = filepath.Join(strings.TrimSpace(string(out)), "test_data")
		}
	})
	if ortGoDir == "" {
		t.Skip("skipped: cannot locate the onnxruntime_go module (go list -m failed)")
	}
	return ortGoDir
}

// setup runs Setup on a fresh runner with cfg and returns the runner, its
// info and the error. The runner is closed when the test ends.
func setup(t testing.TB, cfg Config, suiteDir string) (*Runner, map[string]any, error) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	info, err := r.Setup(context.Background(), runners.Setup{Config: b, Seed: 42, SuiteDir: suiteDir})
	return r, info, err
}

// mustRun runs a set-up runner and checks it returns iterations positive
// samples.
func mustRun(t testing.TB, r *Runner, warmup, iterations int) []int64 {
	t.Helper()
	ns, _, err := r.Run(context.Background(), warmup, iterations)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != iterations {
		t.Fatalf("got %d samples, want %d", len(ns), iterations)
	}
	for _, d := range ns {
		if d <= 0 {
			t.Fatalf("non-positive sample %d in %v", d, ns)
		}
	}
	return ns
}

// TestOrtGoTestData runs every example model shipped in the onnxruntime_go
// module's test_data/: each runs, or fails with an error naming the file.
func TestOrtGoTestData(t *testing.T) {
	needORT(t)
	dir := ortGoTestData(t)
	cases := []struct {
		file string
		cfg  Config
		// fails is a phrase of the expected error; "" means it must run;
		// "*" means it may fail (machine-dependent) but then names the file.
		fails string
	}{
		{file: "example ż 大 김.onnx"},
		{file: "example_0_dim_output.onnx"},
		{file: "example_big_fanout.onnx"},
		{file: "example_big_compute.onnx"},
		{file: "example_dynamic_axes.onnx"},
		{file: "example_dynamic_axes.onnx", cfg: Config{Batch: 7}},
		{file: "example_dynamic_axes.onnx", cfg: Config{Inputs: map[string]InputSpec{"input_vectors": {Shape: []int64{3, 10}}}}},
		{file: "example_float16.onnx", cfg: Config{Precision: PrecisionFP16}},
		{file: "example_float16.onnx", fails: `precision = "fp32", but the model's weights are float16`},
		{file: "example_multitype.onnx"},
		{file: "example_several_inputs_and_outputs.onnx"},
		// StringNormalizer needs the en_US.UTF-8 locale, which minimal
		// machines lack.
		{file: "example_strings.onnx", fails: "*"},
		{file: "sklearn_randomforest.onnx"},
		{file: "sklearn_randomforest.onnx", cfg: Config{Batch: 16}},
	}
	for _, tc := range cases {
		name := tc.file
		if tc.cfg.Batch > 0 || tc.cfg.Inputs != nil || tc.cfg.Precision != "" {
			b, _ := json.Marshal(tc.cfg)
			name += " " + string(b)
		}
		t.Run(name, func(t *testing.T) {
			if tc.file == "example_big_compute.onnx" && testing.Short() {
				t.Skip("skipped in -short mode: 200 MB input, 80 operators")
			}
			cfg := tc.cfg
			cfg.Model = tc.file
			cfg.Threads = 1
			r, info, err := setup(t, cfg, dir)
			if err == nil {
				iters := 3
				if tc.file == "example_big_compute.onnx" {
					iters = 1
				}
				_, _, err = r.Run(context.Background(), 1, iters)
			}
			switch {
			case tc.fails == "" && err != nil:
				t.Fatalf("want it to run: %v", err)
			case tc.fails == "*" && err != nil, tc.fails != "" && tc.fails != "*":
				if err == nil {
					t.Fatalf("want an error containing %q, it ran: %v", tc.fails, info)
				}
				if !strings.Contains(err.Error(), filepath.Join(dir, tc.file)) {
					t.Errorf("error does not name the model file: %v", err)
				}
				if tc.fails != "*" && !strings.Contains(err.Error(), tc.fails) {
					t.Errorf("error %q does not contain %q", err, tc.fails)
				}
			}
		})
	}
}

// TestRunnerInfo checks what Setup records about a real third-party model.
func TestRunnerInfo(t *testing.T) {
	lib := needORT(t)
	dir := ortGoTestData(t)
	r, info, err := setup(t, Config{Model: "example_several_inputs_and_outputs.onnx", Threads: 1, InterThreads: 1, GraphOptimization: OptBasic}, dir)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, r, 2, 5)
	want := map[string]any{
		"ort_version":          lib.Version,
		"provider":             "cpu",
		"precision":            "fp32",
		"graph_optimization":   "basic",
		"intra_op_threads":     1,
		"inter_op_threads":     1,
		"outputs_preallocated": "2/2",
		"model":                filepath.Join(dir, "example_several_inputs_and_outputs.onnx"),
	}
	for k, v := range want {
		if fmt.Sprint(info[k]) != fmt.Sprint(v) {
			t.Errorf("info[%q] = %v, want %v", k, info[k], v)
		}
	}
	if used := info["providers_used"].([]string); len(used) != 1 || used[0] != "CPUExecutionProvider" {
		t.Errorf("providers_used = %v", used)
	}
	st, _ := os.Stat(filepath.Join(dir, "example_several_inputs_and_outputs.onnx"))
	if info["model_bytes"] != int(st.Size()) {
		t.Errorf("model_bytes = %v, want %d", info["model_bytes"], st.Size())
	}
	for _, k := range []string{"session_build_ms", "first_run_ms"} {
		if v, ok := info[k].(float64); !ok || v < 0 {
			t.Errorf("info[%q] = %v", k, info[k])
		}
	}
	ins := info["inputs"].(map[string]any)
	if got := fmt.Sprint(ins["input 3"]); got != "map[from:model shape:[9] type:bfloat16]" {
		t.Errorf("input 3: %s", got)
	}
}

// TestRunnerVerify exercises provider verification (the profiled session
// GPU arms go through) on the CPU provider.
func TestRunnerVerify(t *testing.T) {
	needORT(t)
	cfg, _ := json.Marshal(Config{Model: "example_several_inputs_and_outputs.onnx", Threads: 1})
	r := &Runner{forceVerify: true}
	defer r.Close()
	info, err := r.Setup(context.Background(), runners.Setup{Config: cfg, Seed: 1, SuiteDir: ortGoTestData(t)})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, r, 1, 3)
	nodes := info["nodes_by_provider"].(map[string]int)
	if len(nodes) != 1 || nodes["CPUExecutionProvider"] == 0 {
		t.Errorf("nodes_by_provider = %v", nodes)
	}
	if v, ok := info["verify_ms"].(float64); !ok || v <= 0 {
		t.Errorf("verify_ms = %v", info["verify_ms"])
	}
	if _, err := os.Stat(r.scratch); err != nil {
		t.Errorf("scratch folder: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(r.scratch, "*.json"))
	if len(left) != 0 {
		t.Errorf("profiles left behind: %v", left)
	}
	scratch := r.scratch
	r.Close()
	if _, err := os.Stat(scratch); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", scratch, err)
	}
}

// TestRunnerResolution applies input = "HxW" to a real model with dynamic
// spatial axes (Debian's pytorch-operator test_operator_conv is fixed, so
// use Conv2d with explicit shapes instead) and checks the error on a
// fixed-size one.
func TestRunnerResolution(t *testing.T) {
	needORT(t)
	m := debianModel(t, "pytorch-converted/test_Conv2d")
	dir := filepath.Dir(filepath.Dir(m))
	_, _, err := setup(t, Config{Model: "test_Conv2d/model.onnx", Input: "288x384"}, dir)
	if err == nil || !strings.Contains(err.Error(), "fixed size of 7x5") || !strings.Contains(err.Error(), m) {
		t.Fatalf("want a fixed-size error naming %s, got %v", m, err)
	}
	r, info, err := setup(t, Config{Model: "test_Conv2d/model.onnx", Input: "7x5"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, r, 1, 3)
	if info["layout"] != "NCHW" {
		t.Errorf("layout = %v", info["layout"])
	}
}

// TestRunnerNpy feeds a NumPy-written input and checks the shape checks.
func TestRunnerNpy(t *testing.T) {
	needORT(t)
	m := debianModel(t, "pytorch-converted/test_Conv2d")
	npy, _ := filepath.Abs("testdata/npy/conv2d_input.npy")
	r, info, err := setup(t, Config{Model: m, Inputs: map[string]InputSpec{"0": {File: npy}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, r, 1, 3)
	if got := fmt.Sprint(info["inputs"].(map[string]any)["0"]); got != "map[from:npy shape:[2 3 7 5] type:float32]" {
		t.Errorf("input: %s", got)
	}
	for _, tc := range []struct{ file, want string }{
		{"testdata/npy/f8_2x3.npy", "holds float64 (<f8) but the model's input \"0\" is float32"},
		{"testdata/npy/f16_4.npy", "holds float16"},
		{"testdata/npy/fortran.npy", "Fortran order"},
		{"testdata/npy/missing.npy", "no such file"},
	} {
		p, _ := filepath.Abs(tc.file)
		_, _, err := setup(t, Config{Model: m, Inputs: map[string]InputSpec{"0": {File: p}}}, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), m) {
			t.Errorf("%s: want an error with %q naming the model, got %v", tc.file, tc.want, err)
		}
	}
}

// TestRunnerFailures covers the bad inputs the issue lists: each is a clear
// error (or a skip) that names the model file.
func TestRunnerFailures(t *testing.T) {
	needORT(t)
	dir := ortGoTestData(t)
	tmp := t.TempDir()
	good, err := os.ReadFile(filepath.Join(dir, "example_several_inputs_and_outputs.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.onnx", good[:len(good)/2])
	corrupt := write("corrupt.onnx", []byte("this is not a protobuf \x00\xff\xfe model at all"))
	empty := write("empty.onnx", nil)
	several := filepath.Join(dir, "example_several_inputs_and_outputs.onnx")
	float16 := filepath.Join(dir, "example_float16.onnx")
	fifo := filepath.Join(tmp, "fifo.onnx")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	npyFifo := filepath.Join(tmp, "fifo.npy")
	if err := syscall.Mkfifo(npyFifo, 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		cfg  Config
		dir  string
		want string // phrase of the error
		skip bool   // an arm skip rather than a failure
		path string // the file the message must name
	}{
		{name: "missing file", cfg: Config{Model: "nope/missing.onnx"}, dir: tmp, want: "not found (model = \"nope/missing.onnx\" is relative to the suite directory", path: filepath.Join(tmp, "nope/missing.onnx")},
		{name: "truncated model", cfg: Config{Model: truncated}, want: "truncated or corrupt", path: truncated},
		{name: "corrupt model", cfg: Config{Model: corrupt}, want: "not an ONNX model", path: corrupt},
		{name: "empty model", cfg: Config{Model: empty}, want: "the file is empty", path: empty},
		{name: "model is a FIFO", cfg: Config{Model: fifo}, want: "is a named pipe (FIFO), not a regular file; ONNX models are read only from regular files", path: fifo},
		{name: "model is /dev/zero", cfg: Config{Model: "/dev/zero"}, want: "/dev/zero is a character device, not a regular file", path: "/dev/zero"},
		{name: "model is a directory", cfg: Config{Model: tmp}, want: "is a directory, not a regular file", path: tmp},
		{name: "input is a FIFO", cfg: Config{Model: several, Inputs: map[string]InputSpec{"input 3": {File: npyFifo}}}, want: "inputs.input 3: " + npyFifo + " is a named pipe (FIFO)", path: npyFifo},
		{name: "resolution without an image input", cfg: Config{Model: several, Input: "224x224"}, want: "needs a rank-4 image input (floating point or uint8)", path: several},
		{name: "resolution on a fixed image input", cfg: Config{Model: float16, Precision: PrecisionFP16, Input: "288x384"}, want: "fixed size of 2x2", path: float16},
		{name: "explicit shape of the wrong rank", cfg: Config{Model: several, Inputs: map[string]InputSpec{"input 3": {Shape: []int64{3, 3}}}}, want: "has rank 2, but the model's input \"input 3\" has rank 1", path: several},
		{name: "explicit shape against a fixed axis", cfg: Config{Model: several, Inputs: map[string]InputSpec{"input 3": {Shape: []int64{8}}}}, want: "axis 0 is fixed at 9", path: several},
		{name: "unknown input name", cfg: Config{Model: several, Inputs: map[string]InputSpec{"input 4": {Shape: []int64{8}}}}, want: "the model has no input named \"input 4\"; its inputs are input 1 int32 [2 5 2 5]", path: several},
		{name: "batch on a fixed batch axis", cfg: Config{Model: several, Batch: 4}, want: "has a fixed leading axis of 2", path: several},
		{name: "fp16 on a float32 model", cfg: Config{Model: several, Precision: PrecisionFP16}, want: "but the model's weights are float32", path: several},
		{name: "int8 on a float model", cfg: Config{Model: several, Precision: PrecisionINT8}, want: "has no quantization operators", path: several},
		{name: "cuda provider absent", cfg: Config{Model: several, Provider: ProviderCUDA}, want: "the cuda execution provider", skip: true},
		{name: "tensorrt provider absent", cfg: Config{Model: several, Provider: ProviderTensorRT, Precision: PrecisionFP16}, want: "the tensorrt execution provider", skip: true},
	}
	lib, _ := Init()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip {
				if st := ProbeProvider(lib, tc.cfg.Provider); st.Available {
					t.Skipf("the %s provider is available here; the skip path needs a machine without it", tc.cfg.Provider)
				}
			}
			_, _, err := setup(t, tc.cfg, tc.dir)
			if err == nil {
				t.Fatal("no error")
			}
			if runners.IsSkip(err) != tc.skip {
				t.Errorf("IsSkip = %v, want %v: %v", runners.IsSkip(err), tc.skip, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tc.want)
			}
			if strings.HasPrefix(err.Error(), "skipped: ") {
				t.Errorf("reason %q says its status, which the harness prints beside it", err)
			}
			if tc.path != "" && !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

// TestRunnerSeed checks that synthetic inputs follow the seed: identical
// for one seed across runners, different for another.
func TestRunnerSeed(t *testing.T) {
	needORT(t)
	dir := ortGoTestData(t)
	data := func(seed int64) []byte {
		r := &Runner{}
		defer r.Close()
		cfg, _ := json.Marshal(Config{Model: "example_several_inputs_and_outputs.onnx"})
		if _, err := r.Setup(context.Background(), runners.Setup{Config: cfg, Seed: seed, SuiteDir: dir}); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, v := range r.inputs {
			if c, ok := v.(interface{ GetData() []byte }); ok {
				all = append(all, c.GetData()...)
			}
		}
		return all
	}
	a, b, c := data(1), data(1), data(2)
	if string(a) != string(b) {
		t.Error("the same seed gave different inputs")
	}
	if string(a) == string(c) {
		t.Error("different seeds gave the same inputs")
	}
}

// TestRunnerCancel checks that a cancelled context stops a block.
func TestRunnerCancel(t *testing.T) {
	needORT(t)
	r, _, err := setup(t, Config{Model: "example_big_fanout.onnx"}, ortGoTestData(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.Run(ctx, 0, 1000000); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run on a cancelled context: %v", err)
	}
	// The runner is still usable afterwards.
	mustRun(t, r, 0, 2)
}

// TestRunnerClose checks Close is safe after a failed Setup and twice.
func TestRunnerClose(t *testing.T) {
	needORT(t)
	r, _, err := setup(t, Config{Model: "example_several_inputs_and_outputs.onnx", Batch: 4}, ortGoTestData(t))
	if err == nil {
		t.Fatal("want a setup error")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Run(context.Background(), 0, 1); err == nil {
		t.Fatal("Run after Close succeeded")
	}
}

// worker drives one worker process (this test binary in worker mode)
// through setup, one run and close, like the harness does.
func worker(t *testing.T, cfg Config, warmup, iterations int, env ...string) (setupResp, runResp runners.Response, crash error) {
	t.Helper()
	b, _ := json.Marshal(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), workerEnv+"=1"), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), runners.MaxLine)
	send := func(req runners.Request) (runners.Response, error) {
		line, _ := json.Marshal(req)
		if _, err := fmt.Fprintf(stdin, "%s\n", line); err != nil {
			return runners.Response{}, err
		}
		if !sc.Scan() {
			return runners.Response{}, fmt.Errorf("worker ended without answering %s", req.Op)
		}
		var resp runners.Response
		return resp, json.Unmarshal(sc.Bytes(), &resp)
	}
	defer func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil && crash == nil {
			crash = fmt.Errorf("worker exited: %v; stderr: %s", err, tail(stderr.String()))
		}
	}()
	setupResp, crash = send(runners.Request{Op: runners.OpSetup, Config: b, Seed: 7})
	if crash != nil || !setupResp.OK {
		send(runners.Request{Op: runners.OpClose})
		return
	}
	runResp, crash = send(runners.Request{Op: runners.OpRun, Warmup: warmup, Iterations: iterations})
	if crash == nil {
		_, crash = send(runners.Request{Op: runners.OpClose})
	}
	return
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// TestWorkerProtocol serves the runner from a worker process and checks
// the answers on the wire, including a skip.
func TestWorkerProtocol(t *testing.T) {
	needORT(t)
	dir := ortGoTestData(t)
	s, r, crash := worker(t, Config{Model: filepath.Join(dir, "example_big_fanout.onnx"), Threads: 1}, 1, 4)
	if crash != nil {
		t.Fatal(crash)
	}
	if !s.OK || !r.OK || len(r.NS) != 4 || s.Info["ort_version"] == nil {
		t.Fatalf("setup %+v, run %+v", s, r)
	}
	lib, _ := Init()
	if ProbeProvider(lib, ProviderCUDA).Available {
		return
	}
	s, _, crash = worker(t, Config{Model: filepath.Join(dir, "example_big_fanout.onnx"), Provider: ProviderCUDA}, 0, 1)
	if crash != nil {
		t.Fatal(crash)
	}
	if s.OK || !s.Skip || !strings.HasPrefix(s.Error, "the cuda execution provider") {
		t.Fatalf("want a skip, got %+v", s)
	}
}

// TestWorkerWithoutLibrary checks that an arm is skipped, with a short
// reason that does not repeat its status, when ONNX Runtime cannot be
// found (benchy run prints the install hint once, before any arm).
func TestWorkerWithoutLibrary(t *testing.T) {
	s, _, crash := worker(t, Config{Model: "m.onnx"}, 0, 1, LibraryEnv+"=/nonexistent/libonnxruntime.so.1")
	if crash != nil {
		t.Fatal(crash)
	}
	if s.OK || !s.Skip || s.Error != "ONNX Runtime not found: ONNXRUNTIME_LIB=/nonexistent/libonnxruntime.so.1 does not exist" {
		t.Fatalf("want a skip with a short reason, got %+v", s)
	}
}

// TestNotFoundMessage: the full message names every place looked in,
// the user cache included, and how to install; the arm's reason is short.
func TestNotFoundMessage(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	e := &NotFoundError{}
	for _, want := range []string{"$ONNXRUNTIME_LIB", ".cache/ above the working directory and above benchy", "/xdg/benchy/onnxruntime", "scripts/install-onnxruntime.sh", "--user"} {
		if !strings.Contains(e.Error(), want) {
			t.Errorf("%q does not say %q", e.Error(), want)
		}
	}
	if r := e.ArmReason(); strings.Contains(r, "install-onnxruntime") || !strings.Contains(r, "benchy env") {
		t.Errorf("arm reason %q", r)
	}
}

// TestCandidatesUserCache: the user cache is searched, after the project
// caches and before the system folders.
func TestCandidatesUserCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	c := Candidates()
	want := filepath.Join("/xdg", "benchy", cacheRel)
	i := slices.Index(c, want)
	if i < 0 {
		t.Fatalf("%s not among %v", want, c)
	}
	if j := slices.Index(c, "/usr/lib/libonnxruntime.so.1"); j < i {
		t.Errorf("the user cache comes after the system folders: %v", c)
	}
}

// TestShareWithWorkers: the parent hands its workers an absolute path.
func TestShareWithWorkers(t *testing.T) {
	needORT(t)
	dir := t.TempDir()
	if err := os.Symlink(ortLibraryFile(t), filepath.Join(dir, "libonnxruntime.so.1")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv(LibraryEnv, "libonnxruntime.so.1")
	p, err := ShareWithWorkers()
	if err != nil || p != filepath.Join(dir, "libonnxruntime.so.1") || os.Getenv(LibraryEnv) != p {
		t.Fatalf("ShareWithWorkers = %q, %v; %s=%q", p, err, LibraryEnv, os.Getenv(LibraryEnv))
	}
}

func ortLibraryFile(t *testing.T) string {
	t.Helper()
	lib, err := Init()
	if err != nil {
		t.Skip(err)
	}
	return lib.Path
}

// TestDebianSample runs a deterministic sample of the third-party models in
// Debian's libonnx-testdata (every 10th of about 1,070; BENCHY_ONNX_ALL=1
// runs all) in worker processes: each model runs, or its worker answers
// with an error that names the model file; no worker crashes or hangs.
func TestDebianSample(t *testing.T) {
	needORT(t)
	if testing.Short() {
		t.Skip("skipped in -short mode: about 110 worker processes")
	}
	files, _ := filepath.Glob(debianData + "/*/*/model.onnx")
	if len(files) == 0 {
		t.Skipf("skipped: no models under %s; install Debian's libonnx-testdata package (apt-get install libonnx-testdata)", debianData)
	}
	step := 10
	if os.Getenv("BENCHY_ONNX_ALL") == "1" {
		step = 1
	}
	ran, failed := 0, 0
	reasons := map[string]int{}
	for i := 0; i < len(files); i += step {
		f := files[i]
		s, r, crash := worker(t, Config{Model: f, Threads: 1}, 1, 2)
		switch {
		case crash != nil:
			t.Errorf("%s: worker crashed: %v", f, crash)
		case s.OK && r.OK && len(r.NS) == 2:
			ran++
		case s.OK && r.OK:
			t.Errorf("%s: run returned %d samples", f, len(r.NS))
		default:
			failed++
			msg := s.Error
			if s.OK {
				msg = r.Error
			}
			if !strings.Contains(msg, f) {
				t.Errorf("%s: error does not name the model: %q", f, msg)
			}
			reasons[firstWords(strings.TrimPrefix(msg, "onnx: "+f+": "))]++
		}
	}
	t.Logf("%d models: %d ran, %d failed with a clear error", ran+failed, ran, failed)
	for _, k := range slices.Sorted(maps.Keys(reasons)) {
		t.Logf("  %3d  %s", reasons[k], k)
	}
	if ran == 0 {
		t.Fatal("no model ran")
	}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(len(f), 7)], " ")
}

// TestRunnerReplica measures a model from benchy's model builder.
func TestRunnerReplica(t *testing.T) {
	needORT(t)
	r, info, err := setup(t, Config{Model: "replica:frill", Threads: 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, r, 1, 2)
	if info["model"] != "replica:frill" || info["model_bytes"].(int) == 0 {
		t.Fatalf("info %v", info)
	}
	_, _, err = setup(t, Config{Model: "replica:nosuchnet"}, "")
	if err == nil || !strings.Contains(err.Error(), `model = "replica:nosuchnet"`) {
		t.Fatalf("unknown replica: %v", err)
	}
	old := BuildReplica
	BuildReplica = nil
	defer func() { BuildReplica = old }()
	_, _, err = setup(t, Config{Model: "replica:frill"}, "")
	if err == nil || !strings.Contains(err.Error(), "replica models come from benchy's model builder") {
		t.Fatalf("without a builder: %v", err)
	}
}

// TestWorkerModelNotAFile: a worker given /dev/zero as its model answers
// at once that it is not a regular file, instead of reading until memory
// runs out and dying with only an exit status (#14.7).
func TestWorkerModelNotAFile(t *testing.T) {
	needORT(t)
	s, _, crash := worker(t, Config{Model: "/dev/zero"}, 0, 1)
	if crash != nil {
		t.Fatal(crash)
	}
	if s.OK || s.Skip || !strings.Contains(s.Error, "/dev/zero is a character device, not a regular file") {
		t.Fatalf("want a clear setup error, got %+v", s)
	}
}
