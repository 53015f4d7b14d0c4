package models

import "fmt"

// OpenPose: CMU's COCO 18-keypoint two-branch network
// (models/pose/coco/pose_deploy_linevec.prototxt), six stages by default.
// Input NCHW [N,3,H,W] named image; output net_output [N,57,H/8,W/8] =
// concat(19 heatmaps, 38 PAFs) of the last stage.
var openPose = &replica{
	name:       "openpose",
	title:      "CMU OpenPose COCO (pose_deploy_linevec, two branches)",
	source:     "CMU-Perceptual-Computing-Lab/openpose @3d2c0e2 models/pose/coco/pose_deploy_linevec.prototxt (52,311,446 params, as third-party torchsummary ports report)",
	input:      "368x368",
	layout:     "NCHW",
	modality:   "image",
	multiple:   8,
	stages:     stageRange{def: 6, min: 2, max: 6},
	variants:   []string{""},
	inputRange: [2]float32{-0.5, 0.5},
	build:      buildOpenPose,
}

func buildOpenPose(b *graphBuilder, n, h, w int64, o Options) error {
	x := b.input("image", n, 3, h, w)
	conv := func(x, name string, out, k int64, relu bool) string {
		gain := 1.0
		if relu {
			gain = 2
		}
		y := b.conv(x, name, convSpec{out: out, k: k, stride: 1, pads: symmetric(k), gain: gain})
		if relu {
			return b.relu(y)
		}
		return y
	}
	pool := func(x, name string) string { return b.maxPool(x, name, 2, 2, pads{}, true) }

	x = conv(x, "conv1_1", 64, 3, true)
	x = conv(x, "conv1_2", 64, 3, true)
	x = pool(x, "pool1_stage1")
	x = conv(x, "conv2_1", 128, 3, true)
	x = conv(x, "conv2_2", 128, 3, true)
	x = pool(x, "pool2_stage1")
	for i := 1; i <= 4; i++ {
		x = conv(x, fmt.Sprintf("conv3_%d", i), 256, 3, true)
	}
	x = pool(x, "pool3_stage1")
	x = conv(x, "conv4_1", 512, 3, true)
	x = conv(x, "conv4_2", 512, 3, true)
	x = conv(x, "conv4_3_CPM", 256, 3, true)
	feat := conv(x, "conv4_4_CPM", 128, 3, true)

	// Stage 1: per branch three 3x3, 1x1 512, 1x1 output.
	stage1 := func(l string, out int64) string {
		t := feat
		for i := 1; i <= 3; i++ {
			t = conv(t, fmt.Sprintf("conv5_%d_CPM_%s", i, l), 128, 3, true)
		}
		t = conv(t, "conv5_4_CPM_"+l, 512, 1, true)
		return conv(t, "conv5_5_CPM_"+l, out, 1, false)
	}
	paf := stage1("L1", 38)
	heat := stage1("L2", 19)

	// Stages 2..S: concat [L1, L2, features]; per branch five 7x7, 1x1 128,
	// 1x1 output.
	for s := 2; s <= o.Stages; s++ {
		in := b.concat(fmt.Sprintf("concat_stage%d", s), paf, heat, feat)
		branch := func(l string, out int64) string {
			t := in
			for i := 1; i <= 5; i++ {
				t = conv(t, fmt.Sprintf("Mconv%d_stage%d_%s", i, s, l), 128, 7, true)
			}
			t = conv(t, fmt.Sprintf("Mconv6_stage%d_%s", s, l), 128, 1, true)
			return conv(t, fmt.Sprintf("Mconv7_stage%d_%s", s, l), out, 1, false)
		}
		paf = branch("L1", 38)
		heat = branch("L2", 19)
	}
	b.output(b.concat("net_output", heat, paf))
	return nil
}
