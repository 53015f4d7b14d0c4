// Package onnx is the runner that measures any ONNX model with ONNX Runtime
// (through github.com/yalue/onnxruntime_go) on the CPU, CUDA or TensorRT
// execution providers.
package onnx
