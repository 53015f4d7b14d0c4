package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/benchy-dev/benchy/internal/regularfile"
	"github.com/benchy-dev/benchy/runners"
)

// Execution providers an onnx block may ask for.
const (
	ProviderCPU      = "cpu"
	ProviderCUDA     = "cuda"
	ProviderTensorRT = "tensorrt"
)

// Precisions an onnx block may ask for. Precision selects provider modes
// (TensorRT's fp16/int8 builder flags, CUDA's TF32 switch) and is checked
// against the model's element types; it never converts a model. Converted
// models come from replica:<name> models or from files the user provides.
const (
	PrecisionFP32 = "fp32"
	PrecisionFP16 = "fp16"
	PrecisionINT8 = "int8"
	PrecisionTF32 = "tf32"
)

// Graph optimization levels, named after ONNX Runtime's
// GraphOptimizationLevel (ORT_DISABLE_ALL ... ORT_ENABLE_ALL).
const (
	OptDisable  = "disable"
	OptBasic    = "basic"
	OptExtended = "extended"
	OptLayout   = "layout"
	OptAll      = "all"
)

// ReplicaPrefix marks a model built by benchy instead of read from a file:
// model = "replica:bodyposenet".
const ReplicaPrefix = "replica:"

// Config is the decoded `onnx {}` block.
type Config struct {
	// Model is a path to an .onnx file, relative to the suite directory, or
	// "replica:<name>" for a model that benchy builds itself.
	Model string `hcl:"model" json:"model"`
	// Input is a resolution "HxW" applied to the spatial axes of the model's
	// image input (the one rank-4 input; NCHW or NHWC is detected).
	Input string `hcl:"input,optional" json:"input,omitempty"`
	// Precision is fp32 (default), fp16, int8 or tf32.
	Precision string `hcl:"precision,optional" json:"precision"`
	// Provider is cpu (default), cuda or tensorrt.
	Provider string `hcl:"provider,optional" json:"provider"`
	// Threads is ONNX Runtime's intra-op thread count; 0 lets it choose.
	Threads int `hcl:"threads,optional" json:"threads,omitempty"`
	// InterThreads is the inter-op thread count; 0 lets it choose. Setting
	// it also switches the session to parallel execution mode.
	InterThreads int `hcl:"inter_threads,optional" json:"inter_threads,omitempty"`
	// Batch fills dynamic leading (batch) axes; default 1.
	Batch int `hcl:"batch,optional" json:"batch"`
	// ProviderOptions are passed to the execution provider verbatim, after
	// the keys are checked against the provider's documented options.
	ProviderOptions map[string]string `hcl:"provider_options,optional" json:"provider_options,omitempty"`
	// GraphOptimization is disable, basic, extended, layout or all (default).
	GraphOptimization string `hcl:"graph_optimization,optional" json:"graph_optimization"`

	// InputsExpr is the raw `inputs = {...}` expression; Inputs holds its
	// decoded value.
	InputsExpr hcl.Expression `hcl:"inputs,optional" json:"-"`
	// Inputs maps an input name to an explicit shape or an .npy file.
	Inputs map[string]InputSpec `json:"inputs,omitempty"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
	// ModelRange and InputRanges locate model and the keys of inputs, for
	// the diagnostics of check.
	ModelRange  hcl.Range            `json:"-"`
	InputRanges map[string]hcl.Range `json:"-"`
}

// InputSpec is one entry of `inputs = {...}`: either an explicit shape
// (name = [1, 3, 224, 224], for dynamic axes) or an .npy file whose data is
// fed to the input (name = "data/x.npy", relative to the suite directory).
type InputSpec struct {
	Shape []int64 `json:"shape,omitempty"`
	File  string  `json:"file,omitempty"`
}

// IsReplica reports whether the model is built by benchy, and its name.
func (c *Config) IsReplica() (name string, ok bool) {
	if strings.HasPrefix(c.Model, ReplicaPrefix) {
		return strings.TrimPrefix(c.Model, ReplicaPrefix), true
	}
	return "", false
}

// ParseResolution parses "HxW" (e.g. "288x384") into height and width.
func ParseResolution(s string) (h, w int64, err error) {
	hs, ws, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return 0, 0, fmt.Errorf("resolution %q is not HEIGHTxWIDTH, e.g. \"288x384\"", s)
	}
	h, err1 := strconv.ParseInt(hs, 10, 64)
	w, err2 := strconv.ParseInt(ws, 10, 64)
	if err1 != nil || err2 != nil || h <= 0 || w <= 0 || h > 1<<20 || w > 1<<20 {
		return 0, 0, fmt.Errorf("resolution %q is not HEIGHTxWIDTH with two positive whole numbers, e.g. \"288x384\"", s)
	}
	return h, w, nil
}

// providerOptionKeys lists the options each provider documents (ONNX
// Runtime 1.24: CUDA and TensorRT execution provider pages). The CPU
// provider takes none.
var providerOptionKeys = map[string][]string{
	ProviderCPU: {},
	ProviderCUDA: {
		"device_id", "gpu_mem_limit", "arena_extend_strategy",
		"cudnn_conv_algo_search", "do_copy_in_default_stream",
		"cudnn_conv_use_max_workspace", "cudnn_conv1d_pad_to_nc1d",
		"enable_cuda_graph", "enable_skip_layer_norm_strict_mode",
		"use_tf32", "prefer_nhwc", "use_ep_level_unified_stream",
		"tunable_op_enable", "tunable_op_tuning_enable",
		"tunable_op_max_tuning_duration_ms", "sdpa_kernel", "fuse_conv_bias",
		"has_user_compute_stream", "user_compute_stream",
		"gpu_external_alloc", "gpu_external_free", "gpu_external_empty_cache",
	},
	ProviderTensorRT: {
		"device_id", "user_compute_stream", "has_user_compute_stream",
		"trt_max_workspace_size", "trt_max_partition_iterations",
		"trt_min_subgraph_size", "trt_fp16_enable", "trt_bf16_enable",
		"trt_int8_enable", "trt_int8_calibration_table_name",
		"trt_int8_use_native_calibration_table", "trt_dla_enable",
		"trt_dla_core", "trt_engine_cache_enable", "trt_engine_cache_path",
		"trt_engine_cache_prefix", "trt_dump_subgraphs",
		"trt_force_sequential_engine_build", "trt_context_memory_sharing_enable",
		"trt_layer_norm_fp32_fallback", "trt_timing_cache_enable",
		"trt_timing_cache_path", "trt_force_timing_cache",
		"trt_detailed_build_log", "trt_build_heuristics_enable",
		"trt_sparsity_enable", "trt_builder_optimization_level",
		"trt_auxiliary_streams", "trt_tactic_sources",
		"trt_extra_plugin_lib_paths", "trt_profile_min_shapes",
		"trt_profile_max_shapes", "trt_profile_opt_shapes",
		"trt_cuda_graph_enable", "trt_dump_ep_context_model",
		"trt_ep_context_file_path", "trt_ep_context_embed_mode",
		"trt_weight_stripped_engine_enable", "trt_onnx_model_folder_path",
		"trt_engine_decryption_enable", "trt_engine_decryption_lib_path",
		"trt_op_types_to_exclude", "trt_engine_hw_compatible",
	},
}

// precisionOptions are the provider options a precision sets itself; a
// suite that sets them too must agree.
var precisionOptions = map[string]map[string]map[string]string{
	ProviderCUDA: {
		PrecisionFP32: {"use_tf32": "0"},
		PrecisionFP16: {"use_tf32": "0"},
		PrecisionINT8: {"use_tf32": "0"},
		PrecisionTF32: {"use_tf32": "1"},
	},
	ProviderTensorRT: {
		PrecisionFP32: {"trt_fp16_enable": "0", "trt_int8_enable": "0"},
		PrecisionFP16: {"trt_fp16_enable": "1", "trt_int8_enable": "0"},
		PrecisionINT8: {"trt_fp16_enable": "1", "trt_int8_enable": "1"},
	},
}

// ProviderModeOptions returns the provider options that precision implies
// for provider (nil when it implies none).
func ProviderModeOptions(provider, precision string) map[string]string {
	return precisionOptions[provider][precision]
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func quoteList(vs ...string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// boolish normalises a provider option that is a flag ("true", "1").
func boolish(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true":
		return "1"
	case "0", "false":
		return "0"
	}
	return v
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
	if !ok {
		return nil, chk.Diags
	}
	attrs, rangeOf, bad := chk.Attributes(), chk.Range, chk.Error

	c.defaultNames()
	if _, set := attrs["batch"]; !set {
		c.Batch = 1 // an explicit batch = 0 is refused below
	}

	// model
	c.ModelRange = *rangeOf("model")
	if name, ok := c.IsReplica(); ok {
		if strings.TrimSpace(name) == "" {
			bad("model", "Empty replica name",
				`A replica model names the architecture benchy builds, e.g. model = "replica:bodyposenet".`)
		}
	} else if strings.TrimSpace(c.Model) == "" {
		bad("model", "Empty model",
			`model is a path to an .onnx file (relative to the suite file) or "replica:<name>".`)
	}

	// provider, precision, graph_optimization
	providers := []string{ProviderCPU, ProviderCUDA, ProviderTensorRT}
	if !oneOf(c.Provider, providers...) {
		bad("provider", "Invalid provider",
			fmt.Sprintf("provider must be %s, not %q.", quoteList(providers...), c.Provider))
	}
	precisions := []string{PrecisionFP32, PrecisionFP16, PrecisionINT8, PrecisionTF32}
	if !oneOf(c.Precision, precisions...) {
		bad("precision", "Invalid precision",
			fmt.Sprintf("precision must be %s, not %q.", quoteList(precisions...), c.Precision))
	} else if c.Precision == PrecisionTF32 && c.Provider != ProviderCUDA {
		bad("precision", "TF32 needs the CUDA provider",
			fmt.Sprintf(`precision = "tf32" switches on CUDA's TF32 math (use_tf32); it means nothing for provider %q. Use provider = "cuda", or precision = "fp32".`, c.Provider))
	}
	opts := []string{OptDisable, OptBasic, OptExtended, OptLayout, OptAll}
	if !oneOf(c.GraphOptimization, opts...) {
		bad("graph_optimization", "Invalid graph optimization level",
			fmt.Sprintf("graph_optimization must be %s, not %q.", quoteList(opts...), c.GraphOptimization))
	}

	// input
	if c.Input != "" {
		if _, _, err := ParseResolution(c.Input); err != nil {
			bad("input", "Invalid input resolution", strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
		}
	}

	// threads, inter_threads, batch
	if c.Threads < 0 {
		bad("threads", "Invalid thread count",
			fmt.Sprintf("threads is ONNX Runtime's intra-op thread count: 0 (let it choose) or more, not %d.", c.Threads))
	}
	if c.InterThreads < 0 {
		bad("inter_threads", "Invalid thread count",
			fmt.Sprintf("inter_threads is ONNX Runtime's inter-op thread count: 0 (let it choose) or more, not %d.", c.InterThreads))
	}
	if c.Batch < 1 {
		bad("batch", "Invalid batch size", fmt.Sprintf("batch must be 1 or more, not %d.", c.Batch))
	}

	checkProviderOptions(&c, chk, ctx)

	// inputs
	if c.InputsExpr != nil && !isNullExpr(c.InputsExpr) {
		specs, d := decodeInputs(c.InputsExpr, ctx)
		chk.Diags = append(chk.Diags, d...)
		c.Inputs = specs
		c.InputRanges = map[string]hcl.Range{}
		for k, r := range objectItemRanges(c.InputsExpr, ctx, true) {
			c.InputRanges[k] = *r
		}
	}
	c.InputsExpr = nil
	return &c, chk.Diags
}

// checkProviderOptions checks provider_options against the provider: the
// CPU provider takes none, the others only their known options, and none may
// contradict what precision sets.
func checkProviderOptions(c *Config, chk *runners.BlockChecker, ctx *hcl.EvalContext) {
	attrs, rangeOf, bad := chk.Attributes(), chk.Range, chk.Error
	var optKeys, optValues map[string]*hcl.Range
	if a, ok := attrs["provider_options"]; ok {
		optKeys, optValues = objectItemRanges(a.Expr, ctx, true), objectItemRanges(a.Expr, ctx, false)
	}
	badAt := func(r *hcl.Range, summary, detail string) {
		if r == nil {
			r = rangeOf("provider_options")
		}
		chk.Diags = append(chk.Diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r})
	}
	if known, ok := providerOptionKeys[c.Provider]; ok && len(c.ProviderOptions) > 0 {
		for _, k := range slices.Sorted(maps.Keys(c.ProviderOptions)) {
			if c.Provider == ProviderCPU {
				bad("provider_options", "Provider options for the CPU provider",
					fmt.Sprintf("The CPU execution provider takes no options (got %q); use threads, inter_threads and graph_optimization instead.", k))
				break
			}
			if !oneOf(k, known...) {
				badAt(optKeys[k], "Unknown provider option",
					fmt.Sprintf("%q is not an option of the %s execution provider.%s Known options: %s.", k, c.Provider, runners.Suggest(k, known), strings.Join(known, ", ")))
				continue
			}
			if want, implied := ProviderModeOptions(c.Provider, c.Precision)[k]; implied && boolish(c.ProviderOptions[k]) != want {
				badAt(optValues[k], "Provider option contradicts precision",
					fmt.Sprintf("precision = %q sets %s = %s for the %s provider, but provider_options sets it to %q. Leave the option out, or change precision.", c.Precision, k, want, c.Provider, c.ProviderOptions[k]))
			}
		}
	}
}

// objectItemRanges maps each key of an object literal to the range of its
// value (or of the key itself, with keys), so that a diagnostic about one
// entry points at that entry. Other expressions give an empty map.
func objectItemRanges(expr hcl.Expression, ctx *hcl.EvalContext, keys bool) map[string]*hcl.Range {
	out := map[string]*hcl.Range{}
	oc, ok := expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return out
	}
	for _, item := range oc.Items {
		k, d := item.KeyExpr.Value(ctx)
		if d.HasErrors() || !k.IsKnown() || k.IsNull() || k.Type() != cty.String {
			continue
		}
		if keys {
			out[k.AsString()] = item.KeyExpr.Range().Ptr()
		} else {
			out[k.AsString()] = item.ValueExpr.Range().Ptr()
		}
	}
	return out
}

// isNullExpr reports whether an optional attribute was left out (gohcl fills
// absent hcl.Expression fields with a synthetic null expression).
func isNullExpr(e hcl.Expression) bool {
	v, d := e.Value(nil)
	return !d.HasErrors() && v.IsNull()
}

// decodeInputs decodes `inputs = { name = [dims...] | "file.npy" }`.
func decodeInputs(expr hcl.Expression, ctx *hcl.EvalContext) (map[string]InputSpec, hcl.Diagnostics) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return nil, diags
	}
	rng := expr.Range().Ptr()
	itemRanges := objectItemRanges(expr, ctx, false)
	at := rng
	bad := func(summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: at})
	}
	if !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		bad("Invalid inputs", `inputs maps each input name to a shape or an .npy file, e.g. inputs = { image = [1, 3, 224, 224], mask = "mask.npy" }.`)
		return nil, diags
	}
	specs := map[string]InputSpec{}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		name := k.AsString()
		at = rng
		if r, ok := itemRanges[name]; ok {
			at = r
		}
		switch {
		case ev.IsNull() || !ev.IsKnown():
			bad("Invalid input entry", fmt.Sprintf("inputs.%s is null; give a shape like [1, 3, 224, 224] or an .npy path.", name))
		case ev.Type() == cty.String:
			f := ev.AsString()
			if !strings.HasSuffix(strings.ToLower(f), ".npy") {
				bad("Invalid input file", fmt.Sprintf("inputs.%s = %q: input data files must be NumPy .npy files.", name, f))
				continue
			}
			specs[name] = InputSpec{File: f}
		case ev.Type().IsTupleType() || ev.Type().IsListType():
			var shape []int64
			ok := true
			for dit := ev.ElementIterator(); dit.Next(); {
				_, dv := dit.Element()
				if dv.IsNull() || !dv.IsKnown() || dv.Type() != cty.Number {
					ok = false
					break
				}
				f, _ := dv.AsBigFloat().Float64()
				if f < 1 || f != math.Trunc(f) || f > 1<<40 {
					ok = false
					break
				}
				shape = append(shape, int64(f))
			}
			if !ok {
				bad("Invalid input shape", fmt.Sprintf("inputs.%s must be a list of positive whole numbers, e.g. [1, 3, 224, 224].", name))
				continue
			}
			specs[name] = InputSpec{Shape: shape}
		default:
			bad("Invalid input entry", fmt.Sprintf("inputs.%s must be a shape like [1, 3, 224, 224] or an .npy path, not a %s.", name, ev.Type().FriendlyName()))
		}
	}
	return specs, diags
}

func init() {
	runners.Register(runners.Spec{
		Name:   "onnx",
		Decode: decode,
		Check:  check,
		New:    func() runners.Runner { return &Runner{} },
	})
}

// check is the onnx runner's validate-time check: a model file must exist,
// be a regular file and parse as an ONNX model far enough to name its
// inputs, and every key of inputs must be one of them.
func check(config any, dir string) hcl.Diagnostics {
	c, ok := config.(*Config)
	if !ok {
		return nil
	}
	if _, replica := c.IsReplica(); replica || c.Model == "" {
		return nil
	}
	path := c.Model
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	inputs, err := modelInputsCached(path)
	if err != nil {
		detail := fmt.Sprintf("%s: %v.", path, err)
		var nr *regularfile.NotRegularError
		if errors.As(err, &nr) {
			detail = err.Error() + "."
		}
		if !filepath.IsAbs(c.Model) {
			detail += fmt.Sprintf(" model = %q is relative to the suite's directory, %s.", c.Model, dir)
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unusable model file", Detail: detail, Subject: c.ModelRange.Ptr()}}
	}
	var diags hcl.Diagnostics
	for _, name := range slices.Sorted(maps.Keys(c.Inputs)) {
		if oneOf(name, inputs...) {
			continue
		}
		r := c.InputRanges[name]
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Unknown model input",
			Detail: fmt.Sprintf("inputs.%s: the model %s has no input named %q; its inputs are %s.%s",
				name, c.Model, name, strings.Join(inputs, ", "), runners.Suggest(name, inputs)),
			Subject: r.Ptr(),
		})
	}
	return diags
}

var (
	inputsMu    sync.Mutex
	inputsCache = map[string]cachedInputs{}
)

type cachedInputs struct {
	size    int64
	modTime time.Time
	inputs  []string
	err     error
}

// modelInputsCached is modelInputs, once per file version: every instance
// of an arm names the same model.
func modelInputsCached(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return modelInputs(path)
	}
	inputsMu.Lock()
	defer inputsMu.Unlock()
	if c, ok := inputsCache[path]; ok && c.size == st.Size() && c.modTime.Equal(st.ModTime()) {
		return c.inputs, c.err
	}
	in, err := modelInputs(path)
	inputsCache[path] = cachedInputs{st.Size(), st.ModTime(), in, err}
	return in, err
}

// Field numbers of onnx.proto that modelInputs reads.
const (
	fieldModelGraph       = 7  // ModelProto.graph
	fieldGraphNode        = 1  // GraphProto.node
	fieldGraphInitializer = 5  // GraphProto.initializer
	fieldGraphInput       = 11 // GraphProto.input
	fieldGraphOutput      = 12 // GraphProto.output
	fieldValueInfoName    = 1  // ValueInfoProto.name
	fieldTensorName       = 8  // TensorProto.name
)

// modelInputs names the graph inputs of the ONNX model at path (initializers
// that older models also list as inputs left out). It reads only the
// protobuf headers it walks through, with ReadAt, so a model of gigabytes
// costs a few reads and no memory for its weights. Only a regular file is
// opened for reading (a FIFO would block).
func modelInputs(path string) ([]string, error) {
	f, st, err := regularfile.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no such file")
		}
		return nil, err
	}
	defer f.Close()
	if st.Size() == 0 {
		return nil, fmt.Errorf("the file is empty, not an ONNX model")
	}
	pb := &pbReader{r: f}
	bad := func(err error) error {
		return fmt.Errorf("not an ONNX model (%v); the file may be truncated or corrupt", err)
	}
	var graphStart, graphEnd int64 = -1, -1
	err = pb.fields(0, st.Size(), func(num protowire.Number, start, end int64) error {
		if num == fieldModelGraph {
			graphStart, graphEnd = start, end
		}
		return nil
	})
	if err != nil {
		return nil, bad(err)
	}
	if graphStart < 0 {
		return nil, bad(errors.New("no graph"))
	}
	var inputs []string
	initializers := map[string]bool{}
	nodes, outputs := 0, 0
	err = pb.fields(graphStart, graphEnd, func(num protowire.Number, start, end int64) error {
		switch num {
		case fieldGraphNode:
			nodes++
		case fieldGraphOutput:
			outputs++
		case fieldGraphInput:
			name, err := pb.stringField(start, end, fieldValueInfoName)
			if err != nil {
				return err
			}
			inputs = append(inputs, name)
		case fieldGraphInitializer:
			name, err := pb.stringField(start, end, fieldTensorName)
			if err != nil {
				return err
			}
			initializers[name] = true
		}
		return nil
	})
	if err != nil {
		return nil, bad(err)
	}
	if nodes == 0 && outputs == 0 {
		return nil, bad(errors.New("no graph"))
	}
	out := inputs[:0]
	for _, in := range inputs {
		if !initializers[in] {
			out = append(out, in)
		}
	}
	return out, nil
}

// pbReader walks protobuf messages in a file without reading their
// payloads. Field headers are read through a 64 KiB window, so that a
// message of many small fields costs few reads.
type pbReader struct {
	r      io.ReaderAt
	win    []byte
	winOff int64
}

// header returns up to 2*MaxVarintLen64 bytes at off, before end.
func (p *pbReader) header(off, end int64) ([]byte, error) {
	want := min(int64(2*binary.MaxVarintLen64), end-off)
	if off < p.winOff || off+want > p.winOff+int64(len(p.win)) {
		if p.win == nil {
			p.win = make([]byte, 64<<10)
		}
		p.win = p.win[:cap(p.win)]
		n, err := p.r.ReadAt(p.win, off)
		p.win, p.winOff = p.win[:n], off
		if int64(n) < want {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return p.win[off-p.winOff : off-p.winOff+want], nil
}

// fields calls f with the number and payload range of every
// length-delimited field of the message in [off, end); other fields are
// skipped.
func (p *pbReader) fields(off, end int64, f func(num protowire.Number, start, end int64) error) error {
	for off < end {
		b, err := p.header(off, end)
		if err != nil {
			return err
		}
		num, typ, tl := protowire.ConsumeTag(b)
		if tl < 0 {
			return fmt.Errorf("bad field header at byte %d", off)
		}
		var next int64
		switch typ {
		case protowire.VarintType:
			_, vl := protowire.ConsumeVarint(b[tl:])
			if vl < 0 {
				return fmt.Errorf("bad varint at byte %d", off)
			}
			next = off + int64(tl+vl)
		case protowire.Fixed32Type:
			next = off + int64(tl) + 4
		case protowire.Fixed64Type:
			next = off + int64(tl) + 8
		case protowire.BytesType:
			l, ll := protowire.ConsumeVarint(b[tl:])
			if ll < 0 || l > uint64(end) {
				return fmt.Errorf("bad length at byte %d", off)
			}
			start := off + int64(tl+ll)
			next = start + int64(l)
			if next <= end {
				if err := f(num, start, next); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("unsupported wire type %d at byte %d", typ, off)
		}
		if next > end {
			return fmt.Errorf("a field at byte %d runs past the end of its message", off)
		}
		off = next
	}
	return nil
}

// stringField returns the string field num of the message in [start, end),
// or "".
func (p *pbReader) stringField(start, end int64, num protowire.Number) (string, error) {
	var out string
	err := p.fields(start, end, func(n protowire.Number, s, e int64) error {
		if n != num || e-s > 1<<16 {
			return nil
		}
		b := make([]byte, e-s)
		if _, err := p.r.ReadAt(b, s); err != nil {
			return err
		}
		out = string(b)
		return nil
	})
	return out, err
}
