package models

import "fmt"

// TRILL (Shor et al., Interspeech 2020): a 1-channel ResNet-50 v1.5 (stride
// on the 3x3 conv) on one 0.96 s log-mel patch [N,96,64], global average
// pooling, a 2048→512 dense layer and L2 normalisation. Outputs embedding
// [N,512] and layer19 [N,12288], the flattened first 1x1 conv of conv5_x
// unit 1 (TF-Hub's layer19 endpoint; flattened in NCHW order here, HWC in
// TensorFlow, which changes the order of values but not the work). The body
// is inferred from the published size (98.1 MB = 24,524,288 float32) and the
// 12,288-d tap; see docs/models.md.
var trill = &replica{
	name:       "trill",
	title:      "TRILL (ResNet-50 v1.5 body on a 96x64 log-mel patch, 512-d embedding)",
	source:     "google-research non_semantic_speech_benchmark/export_model/combine_frontend_and_savedmodel.py @0a2f188 (layer19, embedding); body inferred as 1-channel ResNet-50 (98.1 MB)",
	input:      "96x64",
	layout:     "NHW",
	modality:   "audio",
	multiple:   32,
	variants:   []string{""},
	inputRange: [2]float32{-7, 3},
	build:      buildTRILL,
}

func buildTRILL(b *graphBuilder, n, h, w int64, _ Options) error {
	x := b.input("log_mel_spectrogram", n, h, w)
	x = b.reshape(x, "reshape", n, 1, h, w)

	// Every conv of the body carries a bias and is followed by BatchNorm in
	// the Keras-style raw count (4 extra variables per channel).
	conv := func(x, name string, out, k, stride int64, gain float64) string {
		return b.conv(x, name, convSpec{out: out, k: k, stride: stride, pads: symmetric(k), gain: gain, rawExtra: 4})
	}
	x = b.relu(conv(x, "conv1", 64, 7, 2, 2))
	x = b.maxPool(x, "pool1", 3, 2, pads{1, 1, 1, 1}, false)

	stages := []struct {
		width, units, stride int64
	}{{64, 3, 1}, {128, 4, 2}, {256, 6, 2}, {512, 3, 2}}
	var layer19 string
	for si, st := range stages {
		for u := int64(1); u <= st.units; u++ {
			p := fmt.Sprintf("conv%d_%d", si+2, u)
			stride := int64(1)
			if u == 1 {
				stride = st.stride
			}
			a := conv(x, p+"/conv1", st.width, 1, 1, 2)
			if si == 3 && u == 1 {
				layer19 = a
			}
			y := b.relu(a)
			y = b.relu(conv(y, p+"/conv2", st.width, 3, stride, 2))
			y = conv(y, p+"/conv3", 4*st.width, 1, 1, 0.5)
			short := x
			if u == 1 {
				short = conv(x, p+"/shortcut", 4*st.width, 1, stride, 1)
			}
			x = b.relu(b.add(y, short, p+"/add"))
		}
	}
	x = b.flatten(b.globalAvgPool(x, "avg_pool"), "avg_pool/flatten")
	x = b.gemm(x, "dense", 512, 1, 0)
	b.output(b.unary("LpNormalization", x, "embedding", attrInt("axis", 1), attrInt("p", 2)))
	b.output(b.flatten(layer19, "layer19"))
	return nil
}
