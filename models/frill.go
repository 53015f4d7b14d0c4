package models

import "fmt"

// FRILL (Peplinski et al., Interspeech 2021): Keras MobileNetV3-Small with
// alpha 2.0 on a [N,96,64,1] log-mel patch (NHWC, as TF-Hub's
// frill-nofrontend), Rescaling(1/127.5, -1), global average pooling and a
// 2048→2048 bottleneck dense layer whose output is the embedding. Variant
// "2020" (the default) is the Keras layout of the FRILL-paper era, with
// Conv_2 on the 3x2 map before pooling (42.32 M MACs); "2021" pools first
// (30.52 M MACs, same weights). Hyper-parameters are inferred from the
// published 38.5 MB, 2048-d output and 8.5 ms; see docs/models.md.
var frill = &replica{
	name:       "frill",
	title:      "FRILL (MobileNetV3-Small x2.0, GAP, 2048-d bottleneck)",
	source:     "google-research non_semantic_speech_benchmark/distillation/models.py (MobileNetV3Small, avg pool, distilled_output); tf.keras mobilenet_v3.py @1cdd4da; alpha 2.0 inferred from 38.5 MB and 2048-d output",
	input:      "96x64",
	layout:     "NHWC",
	modality:   "audio",
	multiple:   1,
	variants:   []string{"", "2020", "2021"},
	inputRange: [2]float32{-7, 3},
	build:      buildFRILL,
}

// kerasDepth is Keras MobileNetV3's _depth: round to a multiple of 8, never
// more than 10% below v.
func kerasDepth(v float64) int64 {
	const divisor = 8
	n := max(divisor, int64(v+divisor/2)/divisor*divisor)
	if float64(n) < 0.9*v {
		n += divisor
	}
	return n
}

// correctPad is Keras's imagenet_utils.correct_pad for a stride-2 kernel:
// one less padding before than after on even-sized axes.
func correctPad(h, w, k int64) pads {
	c := k / 2
	return pads{c - (1 - h%2), c - (1 - w%2), c, c}
}

func buildFRILL(b *graphBuilder, n, h, w int64, o Options) error {
	const alpha = 2.0
	x := b.input("log_mel_spectrogram", n, h, w, 1)
	x = b.transpose(x, "log_mel_spectrogram/nchw", 0, 3, 1, 2)
	x = b.mul(x, b.scalar("rescaling/scale", 1/127.5), "rescaling/mul")
	x = b.add(x, b.scalar("rescaling/offset", -1), "rescaling/add")

	hswish := func(x string) string { return b.unary("HardSwish", x, x+"/hard_swish") }
	relu := b.relu
	// Bias-free conv + BatchNorm: 3 extra raw variables per channel.
	bnConv := func(x, name string, out, k, stride, group int64, p pads) string {
		return b.conv(x, name, convSpec{out: out, k: k, stride: stride, group: group, pads: p, gain: 2, rawExtra: 3})
	}

	x = hswish(bnConv(x, "Conv", 16, 3, 2, 1, b.tfSame(x, 3, 2)))

	block := func(x string, expansion float64, filters, k, stride int64, se bool, act func(string) string, id int) string {
		prefix := "expanded_conv/"
		if id > 0 {
			prefix = fmt.Sprintf("expanded_conv_%d/", id)
		}
		in := b.shapes[x][1]
		shortcut := x
		if id > 0 {
			x = act(bnConv(x, prefix+"expand", kerasDepth(float64(in)*expansion), 1, 1, 1, pads{}))
		}
		c := b.shapes[x][1]
		p := b.tfSame(x, k, 1)
		if stride == 2 {
			p = correctPad(b.shapes[x][2], b.shapes[x][3], k)
		}
		x = act(bnConv(x, prefix+"depthwise", c, k, stride, c, p))
		if se {
			s := b.globalAvgPool(x, prefix+"squeeze_excite/AvgPool")
			s = b.relu(b.conv(s, prefix+"squeeze_excite/Conv", convSpec{out: kerasDepth(float64(c) * 0.25), k: 1, stride: 1, gain: 2}))
			s = b.conv(s, prefix+"squeeze_excite/Conv_1", convSpec{out: c, k: 1, stride: 1, gain: 1})
			s = b.unary("HardSigmoid", s, prefix+"squeeze_excite/hard_sigmoid", attrFloat("alpha", 1.0/6), attrFloat("beta", 0.5))
			x = b.mul(x, s, prefix+"squeeze_excite/Mul")
		}
		x = b.conv(x, prefix+"project", convSpec{out: filters, k: 1, stride: 1, gain: 1, rawExtra: 3})
		if stride == 1 && in == filters {
			x = b.add(shortcut, x, prefix+"Add")
		}
		return x
	}
	depth := func(d float64) int64 { return kerasDepth(d * alpha) }
	x = block(x, 1, depth(16), 3, 2, true, relu, 0)
	x = block(x, 72.0/16, depth(24), 3, 2, false, relu, 1)
	x = block(x, 88.0/24, depth(24), 3, 1, false, relu, 2)
	x = block(x, 4, depth(40), 5, 2, true, hswish, 3)
	x = block(x, 6, depth(40), 5, 1, true, hswish, 4)
	x = block(x, 6, depth(40), 5, 1, true, hswish, 5)
	x = block(x, 3, depth(48), 5, 1, true, hswish, 6)
	x = block(x, 3, depth(48), 5, 1, true, hswish, 7)
	x = block(x, 6, depth(96), 5, 2, true, hswish, 8)
	x = block(x, 6, depth(96), 5, 1, true, hswish, 9)
	x = block(x, 6, depth(96), 5, 1, true, hswish, 10)

	x = hswish(bnConv(x, "Conv_1", kerasDepth(float64(b.shapes[x][1])*6), 1, 1, 1, pads{}))
	lastPoint := kerasDepth(1024 * alpha) // alpha > 1 widens the last layer
	conv2 := func(x string) string {
		return hswish(b.conv(x, "Conv_2", convSpec{out: lastPoint, k: 1, stride: 1, gain: 2}))
	}
	if o.Variant == "2021" {
		x = conv2(b.globalAvgPool(x, "avg_pool"))
	} else {
		x = b.globalAvgPool(conv2(x), "avg_pool")
	}
	x = b.flatten(x, "flatten")
	b.output(b.gemm(x, "embedding", 2048, 1, 0))
	return nil
}
