package models

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// Range is an observed or assumed [Min, Max] of a tensor's values.
type Range struct{ Min, Max float32 }

// Calibration says where INT8 activation ranges come from. In order: a
// tensor listed in Ranges takes that range; otherwise, with Static set,
// every activation takes *Static (no ONNX Runtime needed: a documented
// fixed range, fit for latency-only replicas); otherwise the FP32 model runs
// on ONNX Runtime over the calibration inputs (Dir, or Samples seeded
// synthetic inputs) and each tensor takes the min and max it reached.
type Calibration struct {
	// Samples is the number of synthetic inputs; 0 means DefaultSamples.
	Samples int
	// Seed seeds the synthetic inputs; 0 means DefaultSeed.
	Seed uint64
	// InputRange is the range synthetic float inputs are drawn from,
	// uniformly. Nil means the model's benchy.input_range metadata, else
	// [-1, 1].
	InputRange *Range
	// Dir holds user-supplied inputs as .npy files: for a model with one
	// input, every *.npy file in Dir is one sample; otherwise every
	// subdirectory is one sample holding <input name>.npy per input (with
	// '/' and ':' in names written as '_').
	Dir string
	// Static, when set, is the range of every activation not in Ranges.
	Static *Range
	// Ranges are explicit per-tensor ranges.
	Ranges map[string]Range
	// Library is the ONNX Runtime shared library to load when the process
	// has not initialised ONNX Runtime yet; empty means $ONNXRUNTIME_LIB.
	Library string
}

// DefaultSamples is the number of synthetic calibration inputs.
const DefaultSamples = 8

// weightSlot says which inputs of an operator are weights and bias.
type weightSlot struct{ weight, bias int }

// quantOps have weights: their weights become per-channel int8, their
// biases int32, their activations uint8 (ONNX Runtime fuses each into
// QLinearConv, QGemm or MatMulInteger).
var quantOps = map[string]weightSlot{
	"Conv": {1, 2}, "ConvTranspose": {1, 2}, "Gemm": {1, 2}, "MatMul": {1, -1},
}

// actOps have quantized integer kernels in ONNX Runtime; their inputs and
// outputs are quantized when every input is an activation.
var actOps = map[string]bool{
	"Add": true, "Concat": true, "MaxPool": true, "GlobalAveragePool": true, "AveragePool": true,
}

// Quantize converts a float32 model to static QDQ INT8: QuantizeLinear →
// DequantizeLinear pairs (uint8, asymmetric, per tensor) on the activations
// entering and leaving every Conv, ConvTranspose, Gemm, MatMul, Add, Concat
// and pooling node (after a Relu when the node's only reader is one), and
// symmetric int8 weights with one scale per output channel (per tensor below
// opset 13) feeding a DequantizeLinear, with int32 biases. Activation
// ranges come from cal. The model is copied, never modified.
func Quantize(src *onnx.ModelProto, cal Calibration) (*onnx.ModelProto, error) {
	g := src.GetGraph()
	if g == nil {
		return nil, fmt.Errorf("int8: model has no graph")
	}
	opset := int64(0)
	for _, o := range src.OpsetImport {
		if o.Domain == "" || o.Domain == "ai.onnx" {
			opset = o.Version
		}
	}
	if opset < 10 {
		return nil, fmt.Errorf("int8: opset %d: QDQ quantization needs opset 10 or later", opset)
	}
	if err := subgraphNodes(g); err != nil {
		return nil, fmt.Errorf("int8: %w", err)
	}
	for _, n := range g.Node {
		if n.OpType == "QuantizeLinear" || n.OpType == "DequantizeLinear" {
			return nil, fmt.Errorf("int8: node %q: the model is already quantized", n.Name)
		}
	}
	for _, t := range g.Initializer {
		if t.DataType == dtFloat16 || t.DataType == dtBF16 {
			return nil, fmt.Errorf("int8: initializer %q is %s; quantize the FP32 model", t.Name, elemTypeName(t.DataType))
		}
	}
	m := proto.Clone(src).(*onnx.ModelProto)
	p, err := planQuantization(m.Graph)
	if err != nil {
		return nil, fmt.Errorf("int8: %w", err)
	}
	if len(p.order) == 0 {
		return nil, fmt.Errorf("int8: nothing to quantize (no Conv, ConvTranspose, Gemm or MatMul on float32 activations)")
	}

	ranges := map[string]Range{}
	var missing []string
	for _, t := range p.order {
		if r, ok := cal.Ranges[t]; ok {
			ranges[t] = r
		} else if cal.Static != nil {
			ranges[t] = *cal.Static
		} else {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		got, err := CalibrateRanges(src, missing, cal)
		if err != nil {
			return nil, fmt.Errorf("int8: calibrate: %w", err)
		}
		for t, r := range got {
			ranges[t] = r
		}
	}
	if err := p.apply(m, ranges, opset >= 13); err != nil {
		return nil, fmt.Errorf("int8: %w", err)
	}
	setMeta(m, MetaPrecision, INT8)
	how := "calibrated on ONNX Runtime"
	switch {
	case cal.Static != nil:
		how = fmt.Sprintf("static range [%g, %g]", cal.Static.Min, cal.Static.Max)
	case cal.Dir != "":
		how += " over inputs from " + cal.Dir
	default:
		how += fmt.Sprintf(" over %d seeded synthetic inputs", cmp0(cal.Samples, DefaultSamples))
	}
	setMeta(m, "benchy.int8_calibration", how)
	if m.DocString != "" {
		m.DocString += " "
	}
	m.DocString += "Quantized to INT8 (static QDQ, per-channel int8 weights, uint8 activations; " + how + ") by benchy."
	return m, nil
}

func cmp0[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// plan lists what Quantize changes: activations (in graph order) and the
// nodes whose weights and biases are quantized.
type plan struct {
	order   []string // activation tensors to quantize
	weights []*onnx.NodeProto
}

// planQuantization returns an error naming the node when a node it would
// quantize, or the Relu that follows one, has no output.
func planQuantization(g *onnx.GraphProto) (plan, error) {
	types := inferTypes(g)
	constant := map[string]bool{}
	for _, t := range g.Initializer {
		constant[t.Name] = true
	}
	consumers := map[string][]*onnx.NodeProto{}
	for _, n := range g.Node {
		if n.OpType == "Constant" {
			for _, o := range n.Output {
				constant[o] = true
			}
		}
		for _, in := range n.Input {
			consumers[in] = append(consumers[in], n)
		}
	}
	graphOut := map[string]bool{}
	for _, o := range g.Output {
		graphOut[o.Name] = true
	}
	act := func(name string) bool { return name != "" && !constant[name] && types[name] == dtFloat }
	seen := map[string]bool{}
	var p plan
	mark := func(t string) {
		if !seen[t] {
			seen[t] = true
			p.order = append(p.order, t)
		}
	}
	markOutput := func(n *onnx.NodeProto) error {
		t, err := firstOutput(n)
		if err != nil {
			return err
		}
		// Conv → Relu → Q: the Relu's range starts at 0, so ONNX Runtime
		// folds the Relu into the quantized node.
		if c := consumers[t]; len(c) == 1 && c[0].OpType == "Relu" && !graphOut[t] {
			r, err := firstOutput(c[0])
			if err != nil {
				return err
			}
			if act(r) {
				t = r
			}
		}
		if act(t) {
			mark(t)
		}
		return nil
	}
	for _, n := range g.Node {
		if n.Domain != "" && n.Domain != "ai.onnx" {
			continue
		}
		if _, ok := quantOps[n.OpType]; ok {
			if len(n.Input) < 2 || !act(n.Input[0]) {
				continue
			}
			if (n.OpType == "Gemm" || n.OpType == "MatMul") && !act(n.Input[1]) && !constant[n.Input[1]] {
				continue
			}
			mark(n.Input[0])
			if act(n.Input[1]) {
				mark(n.Input[1])
			}
			p.weights = append(p.weights, n)
			if err := markOutput(n); err != nil {
				return plan{}, err
			}
			continue
		}
		if actOps[n.OpType] {
			all := len(n.Input) > 0
			for _, in := range n.Input {
				all = all && act(in)
			}
			if !all || (n.OpType == "MaxPool" && len(n.Output) > 1 && n.Output[1] != "") {
				continue
			}
			for _, in := range n.Input {
				mark(in)
			}
			if err := markOutput(n); err != nil {
				return plan{}, err
			}
		}
	}
	return p, nil
}

// actParams returns uint8 scale and zero point for a range (widened to hold
// zero, as QuantizeLinear requires).
func actParams(r Range) (scale float32, zp uint8, err error) {
	lo, hi := float64(min(r.Min, 0)), float64(max(r.Max, 0))
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 0, fmt.Errorf("range [%g, %g] is not finite", r.Min, r.Max)
	}
	if hi-lo < 1e-7 {
		hi = lo + 1e-7
	}
	s := (hi - lo) / 255
	z := math.Round(-lo / s)
	return float32(s), uint8(min(max(z, 0), 255)), nil
}

func (p plan) apply(m *onnx.ModelProto, ranges map[string]Range, perChannel bool) error {
	g := m.Graph
	uniq := newNamer(g)
	graphIn := map[string]bool{}
	for _, in := range g.Input {
		graphIn[in.Name] = true
	}
	inits := map[string]*onnx.TensorProto{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	acts, err := p.activationQDQ(g, uniq, ranges, graphIn)
	if err != nil {
		return err
	}
	weightNodes, err := p.quantizeWeights(g, uniq, inits, acts.scales, perChannel)
	if err != nil {
		return err
	}
	g.Node = acts.insert(g, weightNodes)
	dropUnread(g, graphIn)
	return nil
}

// activations are the Q/DQ pairs of the quantized activations.
type activations struct {
	qdq         map[string][]*onnx.NodeProto // by tensor, to go right after its producer
	dq          map[string]string            // tensor → its dequantized copy, where renamed
	scales      map[string]float32
	producerOut map[string]string // graph output → its producer's new output
}

// activationQDQ makes a QuantizeLinear/DequantizeLinear pair, with its scale
// and zero point, for every activation the plan quantizes.
func (p plan) activationQDQ(g *onnx.GraphProto, uniq *namer, ranges map[string]Range, graphIn map[string]bool) (activations, error) {
	graphOut := map[string]*onnx.ValueInfoProto{}
	for _, o := range g.Output {
		graphOut[o.Name] = o
	}
	a := activations{qdq: map[string][]*onnx.NodeProto{}, dq: map[string]string{}, scales: map[string]float32{}, producerOut: map[string]string{}}
	for _, t := range p.order {
		r, ok := ranges[t]
		if !ok {
			return a, fmt.Errorf("no calibration range for tensor %q", t)
		}
		s, z, err := actParams(r)
		if err != nil {
			return a, fmt.Errorf("tensor %q: %w", t, err)
		}
		a.scales[t] = s
		sn, zn := uniq.name(t+"_scale"), uniq.name(t+"_zero_point")
		g.Initializer = append(g.Initializer,
			floatTensor(sn, nil, []float32{s}),
			&onnx.TensorProto{Name: zn, DataType: dtUint8, RawData: []byte{z}})
		qn, dn := uniq.name(t+"_quantized"), uniq.name(t+"_dequantized")
		src := t
		if o := graphOut[t]; o != nil && !graphIn[t] {
			// A graph output keeps its name on the dequantized value, so
			// that its producer's only reader is the QuantizeLinear (which
			// ONNX Runtime needs to fuse the producer).
			src, dn = uniq.name(t+"_QuantizeLinear_Input"), t
			a.producerOut[t] = src
			vi := proto.Clone(o).(*onnx.ValueInfoProto)
			vi.Name = src
			g.ValueInfo = append(g.ValueInfo, vi)
		}
		a.qdq[t] = []*onnx.NodeProto{
			{Name: uniq.name(t + "_QuantizeLinear"), OpType: "QuantizeLinear", Input: []string{src, sn, zn}, Output: []string{qn}},
			{Name: uniq.name(t + "_DequantizeLinear"), OpType: "DequantizeLinear", Input: []string{qn, sn, zn}, Output: []string{dn}},
		}
		if dn != t {
			a.dq[t] = dn
		}
	}
	return a, nil
}

// weightAxis is the axis of a node's weight quantized per channel (-1: per
// tensor) and the number of channels along it.
func weightAxis(n *onnx.NodeProto, w *onnx.TensorProto, perChannel bool) (axis, channels int64) {
	axis, channels = -1, 1
	switch n.OpType {
	case "Conv":
		axis = 0
	case "ConvTranspose":
		if attrI(n, "group", 1) == 1 {
			axis = 1
		}
	case "Gemm":
		axis = 1
		if attrI(n, "transB", 0) == 1 {
			axis = 0
		}
	case "MatMul":
		if len(w.Dims) == 2 {
			axis = 1
		}
	}
	if !perChannel || axis >= int64(len(w.Dims)) {
		axis = -1
	}
	if axis >= 0 {
		channels = w.Dims[axis]
	}
	return axis, channels
}

// quantizeWeights quantizes the float weights (int8) and biases (int32,
// with scale = input scale × weight scale) of the plan's weighted nodes,
// and returns the DequantizeLinear nodes that feed them.
func (p plan) quantizeWeights(g *onnx.GraphProto, uniq *namer, inits map[string]*onnx.TensorProto, scales map[string]float32, perChannel bool) ([]*onnx.NodeProto, error) {
	var weightNodes []*onnx.NodeProto
	done := map[string]string{}
	for _, n := range p.weights {
		slot := quantOps[n.OpType]
		if slot.weight >= len(n.Input) {
			return nil, fmt.Errorf("node %q (%s): no input %d (its weight)", n.Name, n.OpType, slot.weight)
		}
		w := inits[n.Input[slot.weight]]
		if w == nil || w.DataType != dtFloat {
			continue // an activation (MatMul of two tensors): quantized above
		}
		axis, channels := weightAxis(n, w, perChannel)
		key := fmt.Sprintf("%s@%d", w.Name, axis)
		wScales, err := weightScales(w, axis)
		if err != nil {
			return nil, err
		}
		if out, ok := done[key]; ok {
			n.Input[slot.weight] = out
		} else {
			nodes, out, err := quantizeWeight(g, uniq, w, axis, wScales)
			if err != nil {
				return nil, err
			}
			weightNodes = append(weightNodes, nodes...)
			done[key] = out
			n.Input[slot.weight] = out
		}
		if slot.bias < 0 || len(n.Input) <= slot.bias || n.Input[slot.bias] == "" {
			continue
		}
		b := inits[n.Input[slot.bias]]
		xs, ok := scales[n.Input[0]]
		if b == nil || b.DataType != dtFloat || len(b.Dims) != 1 || !ok || (axis >= 0 && b.Dims[0] != channels) {
			continue
		}
		if n.OpType == "Gemm" && (attrF(n, "alpha", 1) != 1 || attrF(n, "beta", 1) != 1) {
			continue
		}
		nodes, out, err := quantizeBias(g, uniq, b, xs, wScales)
		if err != nil {
			return nil, err
		}
		weightNodes = append(weightNodes, nodes...)
		n.Input[slot.bias] = out
	}
	return weightNodes, nil
}

// insert returns the graph's nodes with the weight nodes first and each
// activation's Q/DQ pair right after its producer; readers of a quantized
// activation read its dequantized copy.
func (a activations) insert(g *onnx.GraphProto, weightNodes []*onnx.NodeProto) []*onnx.NodeProto {
	var nodes []*onnx.NodeProto
	nodes = append(nodes, weightNodes...)
	for _, in := range g.Input {
		nodes = append(nodes, a.qdq[in.Name]...)
	}
	for _, n := range g.Node {
		for i, in := range n.Input {
			if d, ok := a.dq[in]; ok {
				n.Input[i] = d
			}
		}
		nodes = append(nodes, n)
		for i, o := range n.Output {
			if r, ok := a.producerOut[o]; ok {
				n.Output[i] = r
			}
			nodes = append(nodes, a.qdq[o]...)
		}
	}
	return nodes
}

// dropUnread drops the initializers (float weights) no node reads any more.
func dropUnread(g *onnx.GraphProto, graphIn map[string]bool) {
	read := map[string]bool{}
	for _, n := range g.Node {
		for _, in := range n.Input {
			read[in] = true
		}
	}
	for _, o := range g.Output {
		read[o.Name] = true
	}
	kept := g.Initializer[:0]
	for _, t := range g.Initializer {
		if read[t.Name] || graphIn[t.Name] {
			kept = append(kept, t)
		}
	}
	g.Initializer = kept
}

func attrF(n *onnx.NodeProto, name string, def float32) float32 {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.F
		}
	}
	return def
}

// weightScales returns symmetric int8 scales (max|w|/127) per slice along
// axis, or one scale when axis < 0.
func weightScales(w *onnx.TensorProto, axis int64) ([]float32, error) {
	vals, err := floatsOf(w)
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		// Its channel count (a dim beside a 0) would size the scales.
		return nil, fmt.Errorf("weight %q: shape %v holds no values", w.Name, w.Dims)
	}
	ch, inner := int64(1), int64(1)
	if axis >= 0 {
		ch = w.Dims[axis]
		inner = numElements(w.Dims[axis+1:])
	}
	maxAbs := make([]float64, ch)
	for i, v := range vals {
		c := int64(0)
		if axis >= 0 {
			c = (int64(i) / inner) % ch
		}
		a := math.Abs(float64(v))
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("weight %q holds %v", w.Name, v)
		}
		maxAbs[c] = max(maxAbs[c], a)
	}
	s := make([]float32, ch)
	for c, a := range maxAbs {
		s[c] = float32(a / 127)
		if s[c] == 0 {
			s[c] = 1 // an all-zero channel: any scale represents it
		}
	}
	return s, nil
}

func quantizeWeight(g *onnx.GraphProto, uniq *namer, w *onnx.TensorProto, axis int64, scales []float32) ([]*onnx.NodeProto, string, error) {
	vals, err := floatsOf(w)
	if err != nil {
		return nil, "", err
	}
	ch, inner := int64(1), int64(1)
	if axis >= 0 {
		ch = w.Dims[axis]
		inner = numElements(w.Dims[axis+1:])
	}
	q := make([]byte, len(vals))
	for i, v := range vals {
		c := int64(0)
		if axis >= 0 {
			c = (int64(i) / inner) % ch
		}
		r := math.Round(float64(v) / float64(scales[c]))
		q[i] = byte(int8(min(max(r, -127), 127)))
	}
	qn, sn, zn := uniq.name(w.Name+"_quantized"), uniq.name(w.Name+"_scale"), uniq.name(w.Name+"_zero_point")
	sdims := []int64(nil)
	if axis >= 0 {
		sdims = []int64{ch}
	}
	g.Initializer = append(g.Initializer,
		&onnx.TensorProto{Name: qn, Dims: w.Dims, DataType: dtInt8, RawData: q},
		floatTensor(sn, sdims, scales),
		&onnx.TensorProto{Name: zn, Dims: sdims, DataType: dtInt8, RawData: make([]byte, len(scales))})
	out := uniq.name(w.Name + "_dequantized")
	dq := &onnx.NodeProto{Name: uniq.name(w.Name + "_DequantizeLinear"), OpType: "DequantizeLinear", Input: []string{qn, sn, zn}, Output: []string{out}}
	if axis >= 0 {
		dq.Attribute = []*onnx.AttributeProto{attrInt("axis", axis)}
	}
	return []*onnx.NodeProto{dq}, out, nil
}

func quantizeBias(g *onnx.GraphProto, uniq *namer, b *onnx.TensorProto, xScale float32, wScales []float32) ([]*onnx.NodeProto, string, error) {
	vals, err := floatsOf(b)
	if err != nil {
		return nil, "", err
	}
	n := len(vals)
	perChannel := len(wScales) > 1
	sc := make([]float32, len(wScales))
	for i, ws := range wScales {
		sc[i] = xScale * ws
	}
	raw := make([]byte, 4*n)
	for i, v := range vals {
		s := sc[0]
		if perChannel {
			s = sc[i]
		}
		r := math.Round(float64(v) / float64(s))
		r = min(max(r, math.MinInt32), math.MaxInt32)
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(int32(r)))
	}
	qn, sn, zn := uniq.name(b.Name+"_quantized"), uniq.name(b.Name+"_scale"), uniq.name(b.Name+"_zero_point")
	sdims := []int64(nil)
	if perChannel {
		sdims = []int64{int64(len(sc))}
	}
	g.Initializer = append(g.Initializer,
		&onnx.TensorProto{Name: qn, Dims: b.Dims, DataType: dtInt32, RawData: raw},
		floatTensor(sn, sdims, sc),
		&onnx.TensorProto{Name: zn, Dims: sdims, DataType: dtInt32, RawData: make([]byte, 4*len(sc))})
	out := uniq.name(b.Name + "_dequantized")
	dq := &onnx.NodeProto{Name: uniq.name(b.Name + "_DequantizeLinear"), OpType: "DequantizeLinear", Input: []string{qn, sn, zn}, Output: []string{out}}
	if perChannel {
		dq.Attribute = []*onnx.AttributeProto{attrInt("axis", 0)}
	}
	return []*onnx.NodeProto{dq}, out, nil
}
