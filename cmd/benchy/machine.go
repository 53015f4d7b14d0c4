package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners/exec"
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
	opt.SpawnOverhead = func(ctx context.Context) (time.Duration, error) { return exec.SpawnOverhead(ctx, 25) }
	opt.HostLoad = func() *results.LoadSample {
		s := hw.SampleLoad()
		return &s
	}
	if len(inv.GPUs) == 0 {
		return func() {}
	}
	t, err := hw.OpenTelemetry()
	if err != nil {
		return func() {}
	}
	opt.Telemetry = gpuTelemetry{t}
	opt.Settle = func(ctx context.Context, maxWait time.Duration, tempC float64) *results.Settle {
		st, err := hw.WaitSettled(ctx, t, maxWait, tempC)
		if err != nil && st.Reason == "" {
			st.Reason = err.Error()
		}
		return &st
	}
	return func() { _ = t.Close() }
}

// lockClocks applies the first lock_gpu_clocks a plan asks for and returns
// the function that restores the clocks; the run goes on unlocked (with a
// warning) when locking is impossible, e.g. without root or without a GPU.
func lockClocks(plan *suites.Plan, stderr io.Writer) (restore func()) {
	spec := plan.Run.LockGPUClocks
	for _, w := range plan.Workloads {
		spec = cmp.Or(spec, w.Run.LockGPUClocks)
	}
	if spec == "" {
		return func() {}
	}
	cs, err := hw.ParseClockSpec(spec)
	if err == nil {
		var l *hw.Locked
		if l, err = hw.LockClocks(cs); err == nil {
			fmt.Fprintf(stderr, "benchy: GPU clocks locked (%s) for this run\n", cs)
			return func() {
				if err := l.Restore(); err != nil {
					fmt.Fprintf(stderr, "benchy: restoring GPU clocks: %v (run `benchy gpu unlock-clocks`)\n", err)
				}
			}
		}
	}
	fmt.Fprintf(stderr, "benchy: warning: lock_gpu_clocks = %q not applied: %v; the run goes on with the clocks as they are\n", spec, err)
	return func() {}
}

// gpuTelemetry adapts hw.Telemetry to the harness: samples before and after
// each arm's run, summarized as clocks, temperature, power, throttling and
// energy per iteration.
type gpuTelemetry struct{ t *hw.Telemetry }

var _ harness.Telemetry = gpuTelemetry{}

// Sample returns t.Sample() (nil for no Telemetry).
func (g gpuTelemetry) Sample() []results.GPUSample { return g.t.Sample() }

// Summarize returns hw.NewRunTelemetry(before, after, nil, iterations), or
// nil when neither side holds samples.
func (g gpuTelemetry) Summarize(before, after []results.GPUSample, iterations int) *results.Telemetry {
	if len(before) == 0 && len(after) == 0 {
		return nil
	}
	rt := hw.NewRunTelemetry(before, after, nil, iterations)
	return &rt
}
