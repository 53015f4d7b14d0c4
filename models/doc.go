// Package models builds ONNX graphs in Go: architecture replicas of published
// networks (TAO BodyPoseNet, CMU OpenPose, TRILL, FRILL) with seeded random
// weights, and the precision conversions benchy applies to any model: FP16
// (float16 initializers and compute, float32 at the graph boundary) and INT8
// (static QDQ quantization with per-channel symmetric int8 weights and
// activation ranges calibrated on ONNX Runtime).
//
// A replica has the layers, shapes, parameter count and multiply-accumulate
// count of the network it copies (see docs/models.md for the sources), but
// not its trained weights: its
// outputs are meaningless and it is fit for latency and memory measurements
// only. Every replica says so in its doc_string and in the metadata_props
// key "benchy.replica".
//
// The package imports nothing else of benchy's. The protobuf types come from
// github.com/advancedclimatesystems/gonnx/onnx (generated from onnx.proto3);
// ONNX Runtime is used only for INT8 calibration, through
// github.com/yalue/onnxruntime_go.
package models
