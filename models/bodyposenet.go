package models

import "fmt"

// BodyPoseNet: NVIDIA TAO BpNetLiteModel with the modified VGG19 backbone, as
// exported by TAO (tao_tensorflow1_backend, nvidia_tao_tf1/cv/bpnet). Input
// NHWC [N,H,W,3] named input_1, normalised outside the network as
// (pixel-128)/256; outputs NHWC at stride 8: heatmap_out [N,H/8,W/8,19] and
// paf_out [N,H/8,W/8,38]. The "sdk" variant appends TAO's SDK-compatible PAF
// upsampler (ConvTranspose 4x4/4, fixed nearest-neighbour kernel) and uses
// the deployable model's tensor names.
var bodyPoseNet = &replica{
	name:       "bodyposenet",
	title:      "NVIDIA TAO BodyPoseNet (BpNetLiteModel, VGG19 backbone)",
	source:     "NVIDIA/tao_tensorflow1_backend @2ec95cb nvidia_tao_tf1/cv/bpnet/models/bpnet_lite_model.py (unit test: 16,777,835 params at 3 stages); spec bpnet_train_m1_coco.yaml",
	input:      "288x384",
	layout:     "NHWC",
	modality:   "image",
	multiple:   8,
	stages:     stageRange{def: 3, min: 2, max: 7},
	variants:   []string{"", "sdk"},
	inputRange: [2]float32{-0.5, 0.5},
	build:      buildBodyPoseNet,
}

func buildBodyPoseNet(b *graphBuilder, n, h, w int64, o Options) error {
	sdk := o.Variant == "sdk"
	inName, heatName, pafName := "input_1", "heatmap_out", "paf_out"
	if sdk {
		inName, heatName, pafName = "input_1:0", "heatmap_out/BiasAdd:0", "conv2d_transpose_1/BiasAdd:0"
	}
	x := b.input(inName, n, h, w, 3)
	x = b.transpose(x, "input_1/nchw", 0, 3, 1, 2)

	// Backbone: VggNet(19, use_modified_vgg=True, use_pooling=False,
	// use_bias=False) with BatchNorm, then block_6a (BN) and the
	// channel-reduction conv (bias, no BN).
	backbone := []struct {
		name   string
		out    int64
		stride int64
		bn     bool
	}{
		{"block_1a_conv_1", 64, 1, true},
		{"block_1b_conv_1", 64, 1, true},
		{"block_2a_conv_1", 128, 2, true},
		{"block_2b_conv_1", 128, 1, true},
		{"block_3a_conv_1", 256, 2, true},
		{"block_3b_conv_1", 256, 1, true},
		{"block_3c_conv_1", 256, 1, true},
		{"block_3d_conv_1", 256, 1, true},
		{"block_4a_conv_1", 512, 2, true},
		{"block_4b_conv_1", 512, 1, true},
		{"block_6a_conv_1", 256, 1, true},
		{"channel_reduction_conv", 128, 1, false},
	}
	for _, l := range backbone {
		extra := int64(0)
		if l.bn {
			extra = 3 // no conv bias; BN's 4 variables fold into one bias
		}
		x = b.relu(b.conv(x, l.name, convSpec{out: l.out, k: 3, stride: l.stride, pads: b.tfSame(x, 3, l.stride), gain: 2, rawExtra: extra}))
	}
	feat := x

	// Stage 1: a shared 3x3 trunk, then per branch 1x1 512 and the output.
	t := feat
	for i := 1; i <= 3; i++ {
		t = b.relu(b.conv(t, fmt.Sprintf("stage1/conv%d", i), convSpec{out: 128, k: 3, stride: 1, pads: b.tfSame(t, 3, 1), gain: 2}))
	}
	branch := func(t, midName, outName string, mid, out int64) string {
		m := b.relu(b.conv(t, midName, convSpec{out: mid, k: 1, stride: 1, gain: 2}))
		return b.conv(m, outName, convSpec{out: out, k: 1, stride: 1, gain: 1})
	}
	paf := branch(t, "stage1/paf/conv4", "stage1/paf_branch/out", 512, 38)
	heat := branch(t, "stage1/cmap/conv4", "stage1/heat_branch/out", 512, 19)

	// Refinement stages: concat [features, heatmaps, PAFs], five shared 7x7
	// convs, then per branch 1x1 128 and the output.
	for s := 2; s <= o.Stages; s++ {
		t = b.concat(fmt.Sprintf("stage%d/concat", s), feat, heat, paf)
		for i := 1; i <= 5; i++ {
			t = b.relu(b.conv(t, fmt.Sprintf("stage%d/conv%d", s, i), convSpec{out: 128, k: 7, stride: 1, pads: b.tfSame(t, 7, 1), gain: 2}))
		}
		pafOut, heatOut := fmt.Sprintf("stage%d/paf_branch/out", s), fmt.Sprintf("stage%d/heat_branch/out", s)
		if s == o.Stages {
			pafOut, heatOut = "paf_out/conv", "heatmap_out/conv"
		}
		paf = branch(t, fmt.Sprintf("stage%d/paf/conv6", s), pafOut, 128, 38)
		heat = branch(t, fmt.Sprintf("stage%d/cmap/conv6", s), heatOut, 128, 19)
	}

	b.output(b.transpose(heat, heatName, 0, 2, 3, 1))
	if sdk {
		paf = b.upsampleNearest(paf, "conv2d_transpose_1", 4)
	}
	b.output(b.transpose(paf, pafName, 0, 2, 3, 1))
	return nil
}
