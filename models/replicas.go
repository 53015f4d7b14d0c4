package models

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// BuilderVersion changes whenever a replica's graph or weights change, so
// that cached exports are rebuilt. It is recorded in every model.
const BuilderVersion = "1"

// DefaultSeed seeds replica weights when Options.Seed is 0.
const DefaultSeed = 1

// Precisions a replica can be exported in.
const (
	FP32 = "fp32"
	FP16 = "fp16"
	INT8 = "int8"
)

// Metadata keys every replica carries in ModelProto.metadata_props.
const (
	// MetaReplica holds the replica's name; its presence marks the model as
	// an architecture replica with random weights.
	MetaReplica = "benchy.replica"
	// MetaInputRange is "lo,hi": the range synthetic calibration and
	// benchmark inputs are drawn from.
	MetaInputRange = "benchy.input_range"
	// MetaPrecision is fp32, fp16 or int8.
	MetaPrecision = "benchy.precision"
)

// Options selects a replica's shape, weights and precision. The zero value
// builds the replica at its default input in FP32.
type Options struct {
	// Input is the spatial input size "HxW" (e.g. "288x384"); empty means
	// the replica's default.
	Input string
	// Batch is the batch size; 0 means 1.
	Batch int
	// Precision is fp32 (default), fp16 or int8.
	Precision string
	// Seed seeds the random weights; 0 means DefaultSeed.
	Seed uint64
	// Stages is the number of stages for bodyposenet (2–7, default 3) and
	// openpose (2–6, default 6); 0 means the default. Other replicas take 0.
	Stages int
	// Variant picks a documented variant: bodyposenet "sdk" (TAO's
	// SDK-compatible export with the PAF upsampler), frill "2020" (default)
	// or "2021" (pooling before Conv_2). Empty means the default.
	Variant string
	// Calibration configures INT8 activation ranges; see Calibration.
	Calibration Calibration
}

// replica describes one architecture replica.
type replica struct {
	name, title, source string
	input               string // default "HxW"
	layout              string // layout of the input
	modality            string // "image" or "audio"
	multiple            int64  // H and W must be multiples of this
	stages              stageRange
	variants            []string
	inputRange          [2]float32
	build               func(b *graphBuilder, n, h, w int64, o Options) error
}

type stageRange struct{ def, min, max int }

var replicas = []*replica{bodyPoseNet, openPose, trill, frill}

// Names lists the replicas in a stable order.
func Names() []string {
	names := make([]string, len(replicas))
	for i, r := range replicas {
		names[i] = r.name
	}
	return names
}

func lookup(name string) (*replica, error) {
	for _, r := range replicas {
		if r.name == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("unknown replica %q (known: %s)", name, strings.Join(Names(), ", "))
}

// ParseInput parses "HxW" into height and width.
func ParseInput(s string) (h, w int64, err error) {
	hs, ws, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	h, err1 := strconv.ParseInt(strings.TrimSpace(hs), 10, 64)
	w, err2 := strconv.ParseInt(strings.TrimSpace(ws), 10, 64)
	if !ok || err1 != nil || err2 != nil || h <= 0 || w <= 0 || h > 1<<16 || w > 1<<16 {
		return 0, 0, fmt.Errorf("input %q is not HEIGHTxWIDTH, e.g. \"288x384\"", s)
	}
	return h, w, nil
}

// lookupResolved finds replica name and resolves opt against it.
func lookupResolved(name string, opt Options) (*replica, resolved, error) {
	r, err := lookup(name)
	if err != nil {
		return nil, resolved{}, err
	}
	ro, err := r.resolve(opt)
	if err != nil {
		return nil, resolved{}, err
	}
	return r, ro, nil
}

// resolved is Options with defaults applied and checked against a replica.
type resolved struct {
	Options
	h, w, n int64
}

func (r *replica) resolve(o Options) (resolved, error) {
	if o.Input == "" {
		o.Input = r.input
	}
	h, w, err := ParseInput(o.Input)
	if err != nil {
		return resolved{}, fmt.Errorf("%s: %w", r.name, err)
	}
	if h%r.multiple != 0 || w%r.multiple != 0 {
		return resolved{}, fmt.Errorf("%s: input %dx%d: height and width must be multiples of %d", r.name, h, w, r.multiple)
	}
	o.Input = fmt.Sprintf("%dx%d", h, w)
	if o.Batch == 0 {
		o.Batch = 1
	}
	if o.Batch < 0 || o.Batch > 4096 {
		return resolved{}, fmt.Errorf("%s: batch %d out of range 1–4096", r.name, o.Batch)
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	switch strings.ToLower(o.Precision) {
	case "", FP32:
		o.Precision = FP32
	case FP16, INT8:
		o.Precision = strings.ToLower(o.Precision)
	default:
		return resolved{}, fmt.Errorf("%s: precision %q: want fp32, fp16 or int8", r.name, o.Precision)
	}
	switch {
	case r.stages.def == 0 && o.Stages != 0:
		return resolved{}, fmt.Errorf("%s: has no stages option", r.name)
	case r.stages.def != 0 && o.Stages == 0:
		o.Stages = r.stages.def
	case r.stages.def != 0 && (o.Stages < r.stages.min || o.Stages > r.stages.max):
		return resolved{}, fmt.Errorf("%s: stages %d out of range %d–%d", r.name, o.Stages, r.stages.min, r.stages.max)
	}
	if !slices.Contains(r.variants, o.Variant) {
		return resolved{}, fmt.Errorf("%s: unknown variant %q (known: %s)", r.name, o.Variant, strings.Join(r.variants, ", "))
	}
	return resolved{Options: o, h: h, w: w, n: int64(o.Batch)}, nil
}

// graph builds the FP32 graph of a replica, without weights if noWeights.
func (r *replica) graph(ro resolved, noWeights bool) (*onnx.ModelProto, int64, error) {
	b := newGraphBuilder(r.name, ro.Seed, noWeights)
	if err := r.build(b, ro.n, ro.h, ro.w, ro.Options); err != nil {
		return nil, 0, err
	}
	m := &onnx.ModelProto{
		IrVersion:       irVersion,
		OpsetImport:     []*onnx.OperatorSetIdProto{{Domain: "", Version: Opset}},
		ProducerName:    "benchy",
		ProducerVersion: "models/" + BuilderVersion,
		Domain:          "dev.benchy.replica",
		ModelVersion:    1,
		Graph:           b.g,
	}
	b.g.DocString = fmt.Sprintf("REPLICA of %s: same layers, shapes and parameter count, seeded random weights (seed %d); NOT the trained model, its outputs are meaningless. Built by benchy for latency and memory measurement only.", r.title, ro.Seed)
	m.DocString = b.g.DocString + " Source: " + r.source
	meta := [][2]string{
		{MetaReplica, r.name},
		{"benchy.replica.of", r.title},
		{"benchy.replica.source", r.source},
		{"benchy.weights", fmt.Sprintf("random uniform, seed %d (not trained)", ro.Seed)},
		{"benchy.input", ro.Input},
		{"benchy.batch", strconv.Itoa(ro.Batch)},
		{MetaInputRange, fmt.Sprintf("%g,%g", r.inputRange[0], r.inputRange[1])},
		{MetaPrecision, FP32},
		{"benchy.builder_version", BuilderVersion},
	}
	if ro.Stages != 0 {
		meta = append(meta, [2]string{"benchy.stages", strconv.Itoa(ro.Stages)})
	}
	if ro.Variant != "" {
		meta = append(meta, [2]string{"benchy.variant", ro.Variant})
	}
	for _, kv := range meta {
		setMeta(m, kv[0], kv[1])
	}
	return m, b.rawExtra, nil
}

// setMeta sets (or replaces) a metadata_props entry.
func setMeta(m *onnx.ModelProto, key, value string) {
	for _, p := range m.MetadataProps {
		if p.Key == key {
			p.Value = value
			return
		}
	}
	m.MetadataProps = append(m.MetadataProps, &onnx.StringStringEntryProto{Key: key, Value: value})
}

// Meta returns a metadata_props value, or "" when absent.
func Meta(m *onnx.ModelProto, key string) string {
	for _, p := range m.MetadataProps {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

// Build builds a replica with seeded weights in the requested precision.
// INT8 calibrates activation ranges as opt.Calibration says (by default on
// ONNX Runtime, which must then be loadable).
func Build(name string, opt Options) (*onnx.ModelProto, error) {
	r, ro, err := lookupResolved(name, opt)
	if err != nil {
		return nil, err
	}
	m, _, err := r.graph(ro, false)
	if err != nil {
		return nil, err
	}
	switch ro.Precision {
	case FP16:
		if m, err = ToFP16(m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	case INT8:
		if m, err = Quantize(m, ro.Calibration); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return m, nil
}

// Marshal serializes a model.
func Marshal(m *onnx.ModelProto) ([]byte, error) {
	data, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("serialize model: %w", err)
	}
	return data, nil
}

// Unmarshal parses a serialized model.
func Unmarshal(data []byte) (*onnx.ModelProto, error) {
	m := &onnx.ModelProto{}
	if err := proto.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("parse ONNX model: %w", err)
	}
	if m.Graph == nil {
		return nil, fmt.Errorf("parse ONNX model: no graph")
	}
	return m, nil
}

// Info describes a replica at given options.
type Info struct {
	Name    string `json:"name"`             // e.g. "bodyposenet"
	Title   string `json:"title"`            // what it replicates
	Source  string `json:"source"`           // where its architecture comes from
	Input   string `json:"input"`            // resolved "HxW"
	Layout  string `json:"layout"`           // layout of the input: NHWC, NCHW or NHW
	Stages  int    `json:"stages,omitempty"` // 0 when the replica has no stages option
	Variant string `json:"variant,omitempty"`
	// Modality is "image" (the input is a picture of any HxW the
	// replica accepts) or "audio" (one log-mel patch, 96x64 by default).
	Modality string `json:"modality"`
	// Inputs and Outputs are the graph's tensors with their shapes.
	Inputs  []Tensor `json:"inputs"`
	Outputs []Tensor `json:"outputs"`
	// Params is the float parameter count of the FP32 export (BatchNorm
	// folded into conv biases); RawParams is the unfolded count as Keras or
	// Caffe reports it (BatchNorm's 4 variables per channel).
	Params    int64 `json:"params"`
	RawParams int64 `json:"raw_params"`
	// MACs counts the multiply-accumulates of Conv, ConvTranspose and Gemm.
	MACs int64 `json:"macs"`
}

// Tensor is a named tensor with its element type and shape.
type Tensor struct {
	Name  string  `json:"name"`
	Type  string  `json:"type"` // e.g. "float32"
	Shape []int64 `json:"shape"`
}

// Describe returns a replica's shapes, parameter and MAC counts without
// generating its weights.
func Describe(name string, opt Options) (Info, error) {
	r, ro, err := lookupResolved(name, opt)
	if err != nil {
		return Info{}, err
	}
	m, rawExtra, err := r.graph(ro, true)
	if err != nil {
		return Info{}, err
	}
	st, err := Analyze(m)
	if err != nil {
		return Info{}, err
	}
	return Info{
		Name: r.name, Title: r.title, Source: r.source, Input: ro.Input, Layout: r.layout, Modality: r.modality,
		Stages: ro.Stages, Variant: ro.Variant,
		Inputs: st.Inputs, Outputs: st.Outputs,
		Params: st.FloatParams, RawParams: st.FloatParams + rawExtra, MACs: st.MACs,
	}, nil
}

// Bytes returns a replica serialized, from an in-process cache (up to
// 1 GiB) when the same options were built before. Callers must not modify
// the returned slice.
func Bytes(name string, opt Options) ([]byte, error) {
	_, ro, err := lookupResolved(name, opt)
	if err != nil {
		return nil, err
	}
	key := cacheKey(name, ro.Options)
	if data, ok := memCache.get(key); ok {
		return data, nil
	}
	m, err := Build(name, ro.Options)
	if err != nil {
		return nil, err
	}
	data, err := Marshal(m)
	if err != nil {
		return nil, err
	}
	memCache.put(key, data)
	return data, nil
}

// ModelProto is the ONNX model message, as github.com/advancedclimatesystems/gonnx/onnx
// generates it from onnx.proto3.
type ModelProto = onnx.ModelProto
