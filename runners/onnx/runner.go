package onnx

import (
	"context"
	"errors"

	"github.com/benchy-dev/benchy/runners"
)

// Runner measures one ONNX model with ONNX Runtime inside `benchy worker onnx`.
type Runner struct{}

var _ runners.Runner = (*Runner)(nil)

var errNotReady = errors.New("onnx: the ONNX Runtime runner is being written (issue 6)")

// Setup builds the session.
func (r *Runner) Setup(context.Context, runners.Setup) (map[string]any, error) {
	return nil, errNotReady
}

// Run times iterations.
func (r *Runner) Run(context.Context, int, int) ([]int64, map[string]float64, error) {
	return nil, nil, errNotReady
}

// Close releases the session.
func (r *Runner) Close() error { return nil }
