package onnx

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

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
	diags := gohcl.DecodeBody(body, ctx, &c)
	if diags.HasErrors() {
		return nil, diags
	}
	chk := runners.NewBlockChecker(body, c.DefRange, diags)
	attrs, rangeOf, bad := chk.Attributes(), chk.Range, chk.Error

	if c.Provider == "" {
		c.Provider = ProviderCPU
	}
	if c.Precision == "" {
		c.Precision = PrecisionFP32
	}
	if c.GraphOptimization == "" {
		c.GraphOptimization = OptAll
	}
	if _, set := attrs["batch"]; !set {
		c.Batch = 1
	}

	// model
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

	// provider_options
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
		keys := make([]string, 0, len(c.ProviderOptions))
		for k := range c.ProviderOptions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
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

	// inputs
	if c.InputsExpr != nil && !isNullExpr(c.InputsExpr) {
		specs, d := decodeInputs(c.InputsExpr, ctx)
		chk.Diags = append(chk.Diags, d...)
		c.Inputs = specs
	}
	c.InputsExpr = nil
	return &c, chk.Diags
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
		New:    func() runners.Runner { return &Runner{} },
	})
}
