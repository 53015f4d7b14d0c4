package models

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// Opset is the ONNX operator set every replica is built against. 17 is the
// newest that onnx 1.12's checker (Debian's python3-onnx) and TensorRT 8.6
// accept; HardSwish needs 14, per-channel DequantizeLinear needs 13.
const Opset = 17

// irVersion is the ONNX IR version that goes with opset 17.
const irVersion = 8

// graphBuilder assembles one ONNX graph in topological order, tracking the
// NCHW shape of every tensor it creates so that value_info (and with it the
// MAC count of every Conv and Gemm) is written into the model.
type graphBuilder struct {
	g      *onnx.GraphProto
	rng    *rand.Rand
	shapes map[string][]int64
	// rawExtra counts the parameters an unfolded (Keras/Caffe) model holds
	// beyond the folded ones: BatchNorm variables and conv biases.
	rawExtra int64
	// noWeights leaves initializers without data: the graph is then only
	// good for counting (see Describe), never for serialization.
	noWeights bool
}

func newGraphBuilder(name string, seed uint64, noWeights bool) *graphBuilder {
	return &graphBuilder{
		g:         &onnx.GraphProto{Name: name},
		rng:       rand.New(rand.NewPCG(seed, 0x62656e636879)), // "benchy"
		shapes:    map[string][]int64{},
		noWeights: noWeights,
	}
}

func tensorType(elem int32, dims []int64) *onnx.TypeProto {
	shape := &onnx.TensorShapeProto{}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &onnx.TensorShapeProto_Dimension{
			Value: &onnx.TensorShapeProto_Dimension_DimValue{DimValue: d},
		})
	}
	return &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{
		TensorType: &onnx.TypeProto_Tensor{ElemType: elem, Shape: shape},
	}}
}

func valueInfo(name string, elem int32, dims []int64) *onnx.ValueInfoProto {
	return &onnx.ValueInfoProto{Name: name, Type: tensorType(elem, dims)}
}

// input declares a float32 graph input.
func (b *graphBuilder) input(name string, dims ...int64) string {
	b.g.Input = append(b.g.Input, valueInfo(name, dtFloat, dims))
	b.shapes[name] = dims
	return name
}

// output declares an existing float32 tensor a graph output.
func (b *graphBuilder) output(name string) {
	b.g.Output = append(b.g.Output, valueInfo(name, dtFloat, b.shapes[name]))
	// A graph output needs no value_info entry of its own.
	for i, vi := range b.g.ValueInfo {
		if vi.Name == name {
			b.g.ValueInfo = append(b.g.ValueInfo[:i], b.g.ValueInfo[i+1:]...)
			break
		}
	}
}

// node appends a node whose single output out has the given shape.
func (b *graphBuilder) node(op, out string, dims []int64, inputs []string, attrs ...*onnx.AttributeProto) string {
	if _, dup := b.shapes[out]; dup {
		panic(fmt.Sprintf("models: tensor %q defined twice", out))
	}
	b.g.Node = append(b.g.Node, &onnx.NodeProto{
		Name: out, OpType: op, Input: inputs, Output: []string{out}, Attribute: attrs,
	})
	b.shapes[out] = dims
	b.g.ValueInfo = append(b.g.ValueInfo, valueInfo(out, dtFloat, dims))
	return out
}

func attrInt(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INT, I: v}
}

func attrInts(name string, v ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INTS, Ints: v}
}

func attrFloat(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_FLOAT, F: v}
}

func attrTensor(name string, t *onnx.TensorProto) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_TENSOR, T: t}
}

// uniform returns an initializer of n values drawn uniformly from [-a, a]
// with the builder's seeded generator.
func (b *graphBuilder) uniform(name string, dims []int64, a float64) *onnx.TensorProto {
	t := &onnx.TensorProto{Name: name, Dims: dims, DataType: dtFloat}
	if b.noWeights {
		return t
	}
	n := int(numElements(dims))
	raw := make([]byte, 4*n)
	scale := float32(2 * a / (1 << 24))
	off := float32(a)
	for i := 0; i < n; i += 2 {
		u := b.rng.Uint64()
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(uint32(u)>>8)*scale-off))
		if i+1 < n {
			binary.LittleEndian.PutUint32(raw[4*i+4:], math.Float32bits(float32(uint32(u>>32)>>8)*scale-off))
		}
	}
	t.RawData = raw
	return t
}

// pads are ONNX Conv/Pool pads: top, left, bottom, right.
type pads [4]int64

// samePads returns TensorFlow's "same" padding for one spatial axis: the
// output is ceil(in/stride) and any odd padding goes after.
func samePads(in, k, stride int64) (before, after int64) {
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return total / 2, total - total/2
}

// tfSame is "same" padding on both spatial axes of x.
func (b *graphBuilder) tfSame(x string, k, stride int64) pads {
	s := b.shapes[x]
	t, bo := samePads(s[2], k, stride)
	l, r := samePads(s[3], k, stride)
	return pads{t, l, bo, r}
}

// symmetric is (k-1)/2 on every side (Caffe and PyTorch style).
func symmetric(k int64) pads {
	p := (k - 1) / 2
	return pads{p, p, p, p}
}

// convSpec describes one Conv node with its folded bias.
type convSpec struct {
	out    int64 // output channels
	k      int64 // square kernel
	stride int64
	group  int64 // 0 or 1: dense; C: depthwise
	pads   pads
	// gain scales the weight variance: 2 before a ReLU (He), 1 before a
	// linear output, smaller on the last conv of a residual branch.
	gain float64
	// rawExtra is the per-output-channel count of parameters the unfolded
	// network holds beyond the folded conv bias: 3 for a bias-free conv
	// followed by BatchNorm (4 BN variables replace one bias), 4 for a conv
	// with its own bias followed by BatchNorm, 0 without BatchNorm.
	rawExtra int64
}

// conv appends Conv(x) with a seeded weight and bias and returns its output.
func (b *graphBuilder) conv(x, name string, c convSpec) string {
	in := b.shapes[x]
	group := max(c.group, 1)
	cin := in[1]
	if cin%group != 0 || c.out%group != 0 {
		panic(fmt.Sprintf("models: %s: channels %d→%d not divisible by group %d", name, cin, c.out, group))
	}
	ho := (in[2]+c.pads[0]+c.pads[2]-c.k)/c.stride + 1
	wo := (in[3]+c.pads[1]+c.pads[3]-c.k)/c.stride + 1
	fanIn := float64(cin / group * c.k * c.k)
	gain := c.gain
	if gain == 0 {
		gain = 1
	}
	// Uniform on [-a, a] has variance a²/3: a = sqrt(3·gain/fanIn).
	w := b.uniform(name+"/kernel", []int64{c.out, cin / group, c.k, c.k}, math.Sqrt(3*gain/fanIn))
	bias := b.uniform(name+"/bias", []int64{c.out}, 0.01)
	b.g.Initializer = append(b.g.Initializer, w, bias)
	b.rawExtra += c.rawExtra * c.out
	attrs := []*onnx.AttributeProto{
		attrInts("kernel_shape", c.k, c.k),
		attrInts("strides", c.stride, c.stride),
		attrInts("pads", c.pads[:]...),
		attrInts("dilations", 1, 1),
		attrInt("group", group),
	}
	return b.node("Conv", name, []int64{in[0], c.out, ho, wo}, []string{x, w.Name, bias.Name}, attrs...)
}

// convTranspose appends a ConvTranspose with kernel k, stride k and no
// padding (each input pixel becomes a k×k block), with the fixed
// nearest-neighbour kernel TAO's SDK-compatible export uses: weight 1 from
// channel c to channel c, 0 elsewhere.
func (b *graphBuilder) upsampleNearest(x, name string, k int64) string {
	in := b.shapes[x]
	c := in[1]
	w := &onnx.TensorProto{Name: name + "/kernel", Dims: []int64{c, c, k, k}, DataType: dtFloat}
	if !b.noWeights {
		vals := make([]float32, c*c*k*k)
		for i := int64(0); i < c; i++ {
			for j := int64(0); j < k*k; j++ {
				vals[(i*c+i)*k*k+j] = 1
			}
		}
		w = floatTensor(w.Name, w.Dims, vals)
	}
	bias := &onnx.TensorProto{Name: name + "/bias", Dims: []int64{c}, DataType: dtFloat}
	if !b.noWeights {
		bias = floatTensor(bias.Name, bias.Dims, make([]float32, c))
	}
	b.g.Initializer = append(b.g.Initializer, w, bias)
	return b.node("ConvTranspose", name, []int64{in[0], c, in[2] * k, in[3] * k}, []string{x, w.Name, bias.Name},
		attrInts("kernel_shape", k, k), attrInts("strides", k, k))
}

// gemm appends a fully connected layer on a [N, K] input: Y = X·Wᵀ + b.
func (b *graphBuilder) gemm(x, name string, out int64, gain float64, rawExtra int64) string {
	in := b.shapes[x]
	w := b.uniform(name+"/kernel", []int64{out, in[1]}, math.Sqrt(3*gain/float64(in[1])))
	bias := b.uniform(name+"/bias", []int64{out}, 0.01)
	b.g.Initializer = append(b.g.Initializer, w, bias)
	b.rawExtra += rawExtra * out
	return b.node("Gemm", name, []int64{in[0], out}, []string{x, w.Name, bias.Name}, attrInt("transB", 1))
}

func (b *graphBuilder) unary(op, x, name string, attrs ...*onnx.AttributeProto) string {
	return b.node(op, name, b.shapes[x], []string{x}, attrs...)
}

func (b *graphBuilder) relu(x string) string { return b.unary("Relu", x, x+"/relu") }

func (b *graphBuilder) add(x, y, name string) string {
	return b.node("Add", name, b.shapes[x], []string{x, y})
}

func (b *graphBuilder) mul(x, y, name string) string {
	sx, sy := b.shapes[x], b.shapes[y]
	out := sx
	if numElements(sy) > numElements(sx) {
		out = sy
	}
	return b.node("Mul", name, out, []string{x, y})
}

// concat joins tensors on the channel axis.
func (b *graphBuilder) concat(name string, xs ...string) string {
	s := append([]int64(nil), b.shapes[xs[0]]...)
	s[1] = 0
	for _, x := range xs {
		s[1] += b.shapes[x][1]
	}
	return b.node("Concat", name, s, xs, attrInt("axis", 1))
}

// maxPool appends MaxPool with a square window.
func (b *graphBuilder) maxPool(x, name string, k, stride int64, p pads, ceil bool) string {
	in := b.shapes[x]
	size := func(n, pb, pa int64) int64 {
		num := n + pb + pa - k
		if ceil {
			return (num+stride-1)/stride + 1
		}
		return num/stride + 1
	}
	attrs := []*onnx.AttributeProto{attrInts("kernel_shape", k, k), attrInts("strides", stride, stride), attrInts("pads", p[:]...)}
	if ceil {
		attrs = append(attrs, attrInt("ceil_mode", 1))
	}
	return b.node("MaxPool", name, []int64{in[0], in[1], size(in[2], p[0], p[2]), size(in[3], p[1], p[3])}, []string{x}, attrs...)
}

func (b *graphBuilder) globalAvgPool(x, name string) string {
	in := b.shapes[x]
	return b.node("GlobalAveragePool", name, []int64{in[0], in[1], 1, 1}, []string{x})
}

func (b *graphBuilder) flatten(x, name string) string {
	in := b.shapes[x]
	return b.node("Flatten", name, []int64{in[0], numElements(in[1:])}, []string{x}, attrInt("axis", 1))
}

// transpose permutes axes.
func (b *graphBuilder) transpose(x, name string, perm ...int64) string {
	in := b.shapes[x]
	out := make([]int64, len(perm))
	for i, p := range perm {
		out[i] = in[p]
	}
	return b.node("Transpose", name, out, []string{x}, attrInts("perm", perm...))
}

// constant appends a Constant node. Constants are not parameters: they are
// attributes of a node, not initializers, so the float parameter count of a
// model stays the count of its weights and biases.
func (b *graphBuilder) constant(name string, t *onnx.TensorProto) string {
	t.Name = name
	b.g.Node = append(b.g.Node, &onnx.NodeProto{
		Name: name, OpType: "Constant", Output: []string{name}, Attribute: []*onnx.AttributeProto{attrTensor("value", t)},
	})
	b.shapes[name] = t.Dims
	return name
}

// scalar appends a float32 scalar Constant.
func (b *graphBuilder) scalar(name string, v float32) string {
	return b.constant(name, floatTensor(name, nil, []float32{v}))
}

// reshape appends Reshape(x) to a fixed shape.
func (b *graphBuilder) reshape(x, name string, dims ...int64) string {
	shape := b.constant(name+"/shape", int64Tensor("", []int64{int64(len(dims))}, dims))
	return b.node("Reshape", name, dims, []string{x, shape})
}
