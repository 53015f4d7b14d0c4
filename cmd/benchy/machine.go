package main

import (
	"context"
	"encoding/json"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

// configureMachine connects the harness to this machine: requirement checks
// and the fingerprint from one hardware inventory, and GPU telemetry around
// every arm's run when NVML sees a GPU. The returned function releases NVML.
func configureMachine(ctx context.Context, opt *harness.Options) (release func()) {
	inv := detectInventory(ctx)
	opt.Requires = func(r suites.Requires) (bool, string) {
		return inv.CheckRequires(r.GPU, r.MinGPUMemory, r.ComputeCapability)
	}
	opt.Environment = func() results.Environment { return harness.EnvironmentOf(inv) }
	if len(inv.GPUs) == 0 {
		return func() {}
	}
	t, err := hw.OpenTelemetry()
	if err != nil {
		return func() {}
	}
	opt.Telemetry = gpuTelemetry{t}
	return func() { _ = t.Close() }
}

// gpuTelemetry adapts hw.Telemetry to the harness: samples before and after
// each arm's run, summarized as clocks, temperature, power, throttling and
// energy per iteration.
type gpuTelemetry struct{ t *hw.Telemetry }

func (g gpuTelemetry) Sample() any { return g.t.Sample() }

func (g gpuTelemetry) Summarize(before, after any, iterations int) json.RawMessage {
	b, _ := before.([]hw.GPUSample)
	a, _ := after.([]hw.GPUSample)
	out, err := json.Marshal(hw.NewRunTelemetry(b, a, nil, iterations))
	if err != nil {
		return nil
	}
	return out
}
