package onnx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/benchy-dev/benchy/models"
	"github.com/benchy-dev/benchy/runners"
)

// ReplicaOptions are what a replica builder needs to know about the arm.
type ReplicaOptions struct {
	// Precision is fp32, fp16, int8 or tf32 (tf32 models are fp32 models).
	Precision string
	// Input is the "HxW" resolution, "" for the architecture's default.
	Input string
	// Batch is the batch size the arm feeds.
	Batch int
}

// BuildReplica builds the ONNX model for model = "replica:<name>"; by
// default benchy's model builder (package models). Nil makes replica arms
// fail with a clear error.
var BuildReplica func(name string, opts ReplicaOptions) ([]byte, error)

// Runner measures one ONNX model with ONNX Runtime inside `benchy worker
// onnx`. A sample is one Run of a session whose inputs and outputs were
// allocated in Setup, timed with the monotonic clock.
type Runner struct {
	cfg  Config
	lib  Library
	path string // model file, "" for a replica
	data []byte

	session  *ort.DynamicAdvancedSession
	runOpts  *ort.RunOptions
	inputs   []ort.Value
	outputs  []ort.Value // pre-allocated; nil where ONNX Runtime allocates
	work     []ort.Value // the slice handed to Run
	outNames []string
	scratch  string // temporary folder (profiles, TensorRT engine cache)

	// forceVerify profiles a CPU arm too (tests use it to exercise the
	// verification path on machines without a GPU).
	forceVerify bool
}

var _ runners.Runner = (*Runner)(nil)

// fail wraps an error that fails the arm, naming the model.
func (r *Runner) fail(format string, a ...any) error {
	return fmt.Errorf("onnx: %s: %s", r.modelName(), fmt.Sprintf(format, a...))
}

func (r *Runner) modelName() string {
	if r.path != "" {
		return r.path
	}
	return r.cfg.Model
}

// applyDefaults fills what decode fills, for configs that did not come
// through a suite (tests, hand-written JSON).
func (c *Config) applyDefaults() {
	c.defaultNames()
	if c.Batch == 0 {
		c.Batch = 1
	}
}

// defaultNames fills the provider, precision and graph optimization level
// when they are unset.
func (c *Config) defaultNames() {
	if c.Provider == "" {
		c.Provider = ProviderCPU
	}
	if c.Precision == "" {
		c.Precision = PrecisionFP32
	}
	if c.GraphOptimization == "" {
		c.GraphOptimization = OptAll
	}
}

// Setup loads ONNX Runtime and the model, resolves input shapes, verifies
// which execution provider runs the nodes, builds the measured session and
// runs it once. A missing library or provider skips the arm.
func (r *Runner) Setup(ctx context.Context, s runners.Setup) (map[string]any, error) {
	if err := json.Unmarshal(s.Config, &r.cfg); err != nil {
		return nil, fmt.Errorf("onnx: bad config: %w", err)
	}
	r.cfg.applyDefaults()
	c := &r.cfg
	if _, ok := ortProviderNames[c.Provider]; !ok {
		return nil, fmt.Errorf("onnx: unknown provider %q (cpu, cuda or tensorrt)", c.Provider)
	}
	if err := r.loadLibrary(); err != nil {
		return nil, err
	}
	if err := r.loadModel(s.SuiteDir); err != nil {
		return nil, err
	}
	facts, err := ReadModelFacts(r.data)
	if err != nil {
		return nil, r.fail("%v", err)
	}
	provOpts := r.providerOptions()
	if err := facts.CheckPrecision(c.Precision, c.Provider, provOpts); err != nil {
		return nil, r.fail("%v", err)
	}

	ins, outs, err := r.ioInfo()
	if err != nil {
		return nil, r.fail("ONNX Runtime cannot load the model: %v", err)
	}
	arrays, err := r.readInputFiles(s.SuiteDir)
	if err != nil {
		return nil, err
	}
	resolved, layout, err := resolveShapes(c, ins, facts.DimParams, arrays)
	if err != nil {
		return nil, r.fail("%v", err)
	}
	inNames, err := r.prepareIO(resolved, ins, outs, s.Seed)
	if err != nil {
		return nil, err
	}

	// Provider verification: for a GPU provider, one profiled inference in
	// a throw-away session records which provider ran every node. A CPU arm
	// registers no other provider, so every node runs on the CPU.
	var assign *Assignment
	var verifyMS float64
	if c.Provider != ProviderCPU || r.forceVerify {
		verifyStart := time.Now()
		assign, err = r.verify(inNames, provOpts)
		if err != nil {
			if IsUnavailable(err) {
				return nil, runners.Skip(err.Error())
			}
			return nil, r.fail("%v", err)
		}
		verifyMS = ms(time.Since(verifyStart))
		if err := assign.CheckProvider(c.Provider); err != nil {
			return nil, r.fail("%v", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	buildMS, err := r.buildSession(inNames, provOpts)
	if err != nil {
		return nil, err
	}
	first, err := r.firstRun(outs)
	if err != nil {
		return nil, err
	}
	info := r.setupInfo(facts, resolved, first, buildMS)
	if assign != nil {
		info["providers_used"] = assign.Used()
		info["nodes_by_provider"] = assign.Nodes
		info["provider_check"] = "profiled"
		info["verify_ms"] = verifyMS
		if assign.ShapeOnCPU > 0 {
			info["shape_nodes_on_cpu"] = assign.ShapeOnCPU
		}
	} else {
		info["providers_used"] = []string{ortProviderNames[ProviderCPU]}
		info["provider_check"] = "cpu arm: no other provider registered"
	}
	if layout != "" {
		info["layout"] = layout
	}
	if len(provOpts) > 0 {
		info["provider_options"] = provOpts
	}
	return info, nil
}

// loadLibrary loads ONNX Runtime and checks that the arm's provider can run;
// either missing skips the arm.
func (r *Runner) loadLibrary() error {
	lib, err := Init()
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return runners.Skip(nf.ArmReason())
	}
	if err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	r.lib = lib
	if r.cfg.Provider != ProviderCPU {
		if st := ProbeProvider(lib, r.cfg.Provider); !st.Available {
			return runners.Skip(st.Reason)
		}
	}
	return nil
}

// readInputFiles reads the .npy files the arm's inputs name, by input.
func (r *Runner) readInputFiles(suiteDir string) (map[string]*models.NPY, error) {
	arrays := map[string]*models.NPY{}
	for _, name := range slices.Sorted(maps.Keys(r.cfg.Inputs)) {
		if f := r.cfg.Inputs[name].File; f != "" {
			p := resolve(suiteDir, f)
			b, err := readBounded(p, MaxInputBytes, "inputs are read only from regular .npy files", "inputs may have at most 2 GiB")
			if err != nil {
				return nil, r.fail("inputs.%s: %v", name, err)
			}
			a, err := models.ParseNPY(b)
			if err != nil {
				return nil, r.fail("inputs.%s: %s: %v", name, p, err)
			}
			arrays[name] = a
		}
	}
	return arrays, nil
}

// prepareIO creates the input values, checks the outputs' kinds, makes the
// scratch folder and pre-allocates the outputs whose shapes the model fixes.
// It returns the inputs' names.
func (r *Runner) prepareIO(resolved []resolvedInput, ins []tensorInfo, outs []ort.InputOutputInfo, seed int64) ([]string, error) {
	for _, in := range resolved {
		v, err := newInputValue(in, seed)
		if err != nil {
			return nil, r.fail("%v", err)
		}
		r.inputs = append(r.inputs, v)
	}
	inNames := make([]string, len(ins))
	for i, in := range ins {
		inNames[i] = in.Name
	}
	r.outNames = make([]string, len(outs))
	for i, o := range outs {
		r.outNames[i] = o.Name
		switch o.OrtValueType {
		case ort.ONNXTypeTensor, ort.ONNXTypeSequence, ort.ONNXTypeMap:
		default:
			// onnxruntime_go cannot hold other kinds of outputs (an absent
			// optional output crashes it), so refuse before running.
			return nil, r.fail("output %q is of kind %s; benchy measures models whose outputs are tensors, sequences or maps", o.Name, o.OrtValueType)
		}
	}
	var err error
	if r.scratch, err = os.MkdirTemp("", "benchy-onnx-"); err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if len(inNames) == 0 {
		return nil, r.fail("the model has no inputs; benchy measures models that take at least one input")
	}
	r.outputs = make([]ort.Value, len(outs))
	for i, o := range outs {
		r.outputs[i] = preallocateInfo(o)
	}
	return inNames, nil
}

// buildSession creates the measured session and its run options, and
// returns how long the session took to build, in milliseconds.
func (r *Runner) buildSession(inNames []string, provOpts map[string]string) (float64, error) {
	so, err := r.sessionOptions(provOpts, "")
	if err != nil {
		return 0, r.fail("%v", err)
	}
	t0 := time.Now()
	r.session, err = r.newSession(inNames, so)
	so.Destroy()
	if err != nil {
		return 0, r.fail("creating the session: %v", err)
	}
	buildMS := ms(time.Since(t0))
	if r.runOpts, err = ort.NewRunOptions(); err != nil {
		return 0, fmt.Errorf("onnx: %w", err)
	}
	return buildMS, nil
}

// firstInference is what the first inference found out about the outputs.
type firstInference struct {
	ms       float64
	outputs  map[string]any // by name, as describeValue gives them
	prealloc int            // outputs pre-allocated for every sample
	total    int
}

// firstRun runs the first inference: ONNX Runtime allocates the outputs
// whose shapes the model leaves open, and their shapes then size the
// buffers every sample reuses.
func (r *Runner) firstRun(outs []ort.InputOutputInfo) (firstInference, error) {
	t0 := time.Now()
	first, err := r.runOnce(r.session)
	f := firstInference{ms: ms(time.Since(t0)), outputs: map[string]any{}, total: len(outs)}
	if err != nil {
		return f, r.fail("the first inference failed: %v", err)
	}
	for i, v := range first {
		if isNil(v) {
			continue
		}
		f.outputs[r.outNames[i]] = describeValue(v)
		if r.outputs[i] == nil {
			r.outputs[i] = preallocate(v, outs[i].Dimensions)
			v.Destroy()
		}
		if r.outputs[i] != nil {
			f.prealloc++
		}
	}
	r.work = make([]ort.Value, len(outs))
	return f, nil
}

// setupInfo is what Setup reports about the library, the model, its inputs
// and outputs and the session.
func (r *Runner) setupInfo(facts *ModelFacts, resolved []resolvedInput, first firstInference, buildMS float64) map[string]any {
	c := &r.cfg
	inInfo := map[string]any{}
	for _, in := range resolved {
		inInfo[in.Name] = map[string]any{"shape": in.Shape, "type": in.Type, "from": in.How}
	}
	sum := sha256.Sum256(r.data)
	info := map[string]any{
		"ort_version":          r.lib.Version,
		"ort_library":          r.lib.Path,
		"provider":             c.Provider,
		"model":                r.modelName(),
		"model_bytes":          len(r.data),
		"model_sha256":         hex.EncodeToString(sum[:]),
		"model_weight_type":    facts.WeightType,
		"model_opset":          facts.Opset,
		"model_nodes":          facts.Nodes,
		"precision":            c.Precision,
		"graph_optimization":   c.GraphOptimization,
		"intra_op_threads":     threadsInfo(c.Threads),
		"inter_op_threads":     threadsInfo(c.InterThreads),
		"inputs":               inInfo,
		"outputs":              first.outputs,
		"outputs_preallocated": fmt.Sprintf("%d/%d", first.prealloc, first.total),
		"session_build_ms":     buildMS,
		"first_run_ms":         first.ms,
	}
	if r.lib.Source != "" {
		info["ort_source"] = r.lib.Source
	}
	return info
}

func threadsInfo(n int) any {
	if n == 0 {
		return "ort default"
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func describeValue(v ort.Value) map[string]any {
	d := map[string]any{"kind": v.GetONNXType().String()}
	if v.GetONNXType() == ort.ONNXTypeTensor {
		d["shape"] = []int64(v.GetShape())
		d["type"] = elemName(ort.TensorElementDataType(v.DataType()))
	}
	return d
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

// loadModel reads the model file, or builds the replica.
func (r *Runner) loadModel(suiteDir string) error {
	c := &r.cfg
	if name, ok := c.IsReplica(); ok {
		if BuildReplica == nil {
			return fmt.Errorf("onnx: model = %q: replica models come from benchy's model builder, which this build does not include yet; give a path to an .onnx file", c.Model)
		}
		b, err := BuildReplica(name, ReplicaOptions{Precision: c.Precision, Input: c.Input, Batch: c.Batch})
		if err != nil {
			return fmt.Errorf("onnx: model = %q: %w", c.Model, err)
		}
		r.data = b
		return nil
	}
	r.path = resolve(suiteDir, c.Model)
	b, err := ReadModelFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		where := ""
		if !filepath.IsAbs(c.Model) {
			where = fmt.Sprintf(" (model = %q is relative to the suite directory %s)", c.Model, suiteDir)
		}
		return fmt.Errorf("onnx: model file %s not found%s", r.path, where)
	}
	if err != nil {
		return fmt.Errorf("onnx: model = %q: %w", c.Model, err)
	}
	r.data = b
	return nil
}

// ioInfo asks ONNX Runtime for the model's inputs and outputs.
func (r *Runner) ioInfo() ([]tensorInfo, []ort.InputOutputInfo, error) {
	var ins, outs []ort.InputOutputInfo
	var err error
	if r.path != "" {
		ins, outs, err = ort.GetInputOutputInfo(r.path)
	} else {
		ins, outs, err = ort.GetInputOutputInfoWithONNXData(r.data)
	}
	if err != nil {
		return nil, nil, err
	}
	ti := make([]tensorInfo, len(ins))
	for i, in := range ins {
		kind := "tensor"
		if in.OrtValueType != ort.ONNXTypeTensor {
			kind = strings.ToLower(strings.TrimPrefix(in.OrtValueType.String(), "ONNX_TYPE_"))
		}
		ti[i] = tensorInfo{Name: in.Name, Dims: in.Dimensions, Type: elemName(in.DataType), Kind: kind}
	}
	return ti, outs, nil
}

// providerOptions merges the suite's provider options with those the
// precision implies (decode has already rejected contradictions).
func (r *Runner) providerOptions() map[string]string {
	c := &r.cfg
	out := map[string]string{}
	for k, v := range c.ProviderOptions {
		out[k] = v
	}
	for k, v := range ProviderModeOptions(c.Provider, c.Precision) {
		if _, set := out[k]; !set {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

var optLevels = map[string]ort.GraphOptimizationLevel{
	OptDisable:  ort.GraphOptimizationLevelDisableAll,
	OptBasic:    ort.GraphOptimizationLevelEnableBasic,
	OptExtended: ort.GraphOptimizationLevelEnableExtended,
	OptLayout:   ort.GraphOptimizationLevel(3), // ORT_ENABLE_LAYOUT
	OptAll:      ort.GraphOptimizationLevelEnableAll,
}

// sessionOptions builds the options every session of the arm shares;
// profile, when set, is the profiling file prefix.
func (r *Runner) sessionOptions(provOpts map[string]string, profile string) (*ort.SessionOptions, error) {
	c := &r.cfg
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			so.Destroy()
		}
	}()
	level, known := optLevels[c.GraphOptimization]
	if !known {
		return nil, fmt.Errorf("unknown graph_optimization %q", c.GraphOptimization)
	}
	if err := so.SetGraphOptimizationLevel(level); err != nil {
		return nil, fmt.Errorf("graph_optimization: %w", err)
	}
	if c.Threads > 0 {
		if err := so.SetIntraOpNumThreads(c.Threads); err != nil {
			return nil, fmt.Errorf("threads: %w", err)
		}
	}
	if c.InterThreads > 0 {
		if err := so.SetExecutionMode(ort.ExecutionModeParallel); err != nil {
			return nil, fmt.Errorf("inter_threads: %w", err)
		}
		if err := so.SetInterOpNumThreads(c.InterThreads); err != nil {
			return nil, fmt.Errorf("inter_threads: %w", err)
		}
	}
	if profile != "" {
		if err := so.EnableProfiling(profile); err != nil {
			return nil, fmt.Errorf("enabling profiling: %w", err)
		}
	}
	switch c.Provider {
	case ProviderCUDA:
		if err := appendProvider(r.lib, so, ProviderCUDA, provOpts); err != nil {
			return nil, err
		}
	case ProviderTensorRT:
		trt := map[string]string{}
		for k, v := range provOpts {
			trt[k] = v
		}
		if _, set := trt["trt_engine_cache_enable"]; !set {
			// The verification session and the measured session share
			// one engine build through a private cache.
			trt["trt_engine_cache_enable"] = "1"
			trt["trt_engine_cache_path"] = filepath.Join(r.scratch, "trt-engines")
		}
		if err := appendProvider(r.lib, so, ProviderTensorRT, trt); err != nil {
			return nil, err
		}
		// Nodes TensorRT cannot take go to CUDA, not to the CPU.
		cuda := map[string]string{}
		if d, ok := provOpts["device_id"]; ok {
			cuda["device_id"] = d
		}
		if err := appendProvider(r.lib, so, ProviderCUDA, cuda); err != nil {
			return nil, err
		}
	}
	ok = true
	return so, nil
}

// IsUnavailable reports whether err says an execution provider cannot be
// loaded on this machine (the arm is skipped, not failed).
func IsUnavailable(err error) bool {
	var u *unavailableError
	return errors.As(err, &u)
}

func (r *Runner) newSession(inNames []string, so *ort.SessionOptions) (*ort.DynamicAdvancedSession, error) {
	if r.path != "" {
		return ort.NewDynamicAdvancedSession(r.path, inNames, r.outNames, so)
	}
	return ort.NewDynamicAdvancedSessionWithONNXData(r.data, inNames, r.outNames, so)
}

// verify runs one profiled inference in a throw-away session and returns
// which provider ran each node.
func (r *Runner) verify(inNames []string, provOpts map[string]string) (*Assignment, error) {
	prefix := filepath.Join(r.scratch, "profile")
	so, err := r.sessionOptions(provOpts, prefix)
	if err != nil {
		return nil, err
	}
	s, err := r.newSession(inNames, so)
	so.Destroy()
	if err != nil {
		return nil, fmt.Errorf("creating the session: %w", err)
	}
	outs, runErr := r.runOnce(s)
	r.release(outs)
	s.Destroy() // writes the profile
	if runErr != nil {
		return nil, fmt.Errorf("inference failed: %w", runErr)
	}
	files, _ := filepath.Glob(prefix + "*.json")
	if len(files) == 0 {
		return nil, errors.New("ONNX Runtime wrote no profile; cannot verify which provider ran the nodes")
	}
	b, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		os.Remove(f)
	}
	return ParseProfile(b)
}

// runOnce runs s once on the pre-allocated outputs, leaving the rest to
// ONNX Runtime, and returns the outputs; the caller destroys those that are
// not r.outputs. When a model declares fixed output shapes that its
// operators do not honour on benchy's inputs (data-dependent shapes), it
// drops those buffers and lets ONNX Runtime allocate every output.
func (r *Runner) runOnce(s *ort.DynamicAdvancedSession) ([]ort.Value, error) {
	run := func() ([]ort.Value, error) {
		outs := make([]ort.Value, len(r.outputs))
		copy(outs, r.outputs)
		if err := s.Run(r.inputs, outs); err != nil {
			r.release(outs)
			return nil, err
		}
		return outs, nil
	}
	outs, err := run()
	static := false
	for _, v := range r.outputs {
		static = static || v != nil
	}
	if err == nil || !static {
		return outs, err
	}
	for i, v := range r.outputs {
		destroy(v)
		r.outputs[i] = nil
	}
	outs, err2 := run()
	if err2 != nil {
		return nil, err
	}
	return outs, nil
}

// release destroys the values in outs that ONNX Runtime allocated.
func (r *Runner) release(outs []ort.Value) {
	for i, v := range outs {
		if r.outputs[i] == nil {
			destroy(v)
		}
	}
}

// Run executes warmup untimed and iterations timed inferences. Each sample
// is one session Run on the pre-allocated inputs and outputs.
func (r *Runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	if r.session == nil {
		return nil, nil, errors.New("onnx: Run before a successful Setup")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	stop := context.AfterFunc(ctx, func() { _ = r.runOpts.Terminate() })
	defer func() {
		if stop() {
			return
		}
		_ = r.runOpts.UnsetTerminate()
	}()

	for i := 0; i < warmup; i++ {
		if _, err := r.once(); err != nil {
			return nil, nil, r.runErr(ctx, err)
		}
	}
	ns := make([]int64, iterations)
	for i := range ns {
		d, err := r.once()
		if err != nil {
			return nil, nil, r.runErr(ctx, err)
		}
		ns[i] = d.Nanoseconds()
	}
	return ns, nil, nil
}

func (r *Runner) runErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return r.fail("inference failed: %v", err)
}

// once times one inference. Outputs ONNX Runtime had to allocate itself
// (strings, sequences, empty tensors) are released after the clock stops.
func (r *Runner) once() (time.Duration, error) {
	copy(r.work, r.outputs)
	t0 := time.Now()
	err := r.session.RunWithOptions(r.inputs, r.work, r.runOpts)
	d := time.Since(t0)
	for i, v := range r.work {
		if r.outputs[i] == nil {
			destroy(v)
		}
		r.work[i] = nil
	}
	return d, err
}

// Close releases the session, its tensors and the scratch folder.
func (r *Runner) Close() error {
	var errs []error
	if r.session != nil {
		errs = append(errs, r.session.Destroy())
		r.session = nil
	}
	for _, v := range append(r.inputs, r.outputs...) {
		if !isNil(v) {
			errs = append(errs, v.Destroy())
		}
	}
	r.inputs, r.outputs = nil, nil
	if r.runOpts != nil {
		errs = append(errs, r.runOpts.Destroy())
		r.runOpts = nil
	}
	if r.scratch != "" {
		errs = append(errs, os.RemoveAll(r.scratch))
		r.scratch = ""
	}
	return errors.Join(errs...)
}
