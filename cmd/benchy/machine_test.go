package main

import (
	"testing"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/hw/hwtest"
	"github.com/benchy-dev/benchy/results"
)

// gpuTelemetry summarizes the samplings around an arm's run: energy,
// energy per iteration and throttling; no samples, no summary.
func TestGPUTelemetry(t *testing.T) {
	m := hwtest.DGXH100()
	tel, err := hw.NewTelemetry(m)
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Close()
	g := gpuTelemetry{tel}
	before := g.Sample()
	m.GPUs[0].Run(time.Second, 300000, 1980)
	m.GPUs[0].Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonSWPowerCap) })
	rt := g.Summarize(before, g.Sample(), 10)
	if rt == nil {
		t.Fatal("no summary")
	}
	if rt.EnergyJ != 300 || rt.EnergyPerIterationJ != 30 || !rt.Throttled || len(rt.Before) != 8 {
		t.Errorf("summary = %+v", rt)
	}
	if got := (gpuTelemetry{}).Summarize(gpuTelemetry{}.Sample(), nil, 1); got != nil {
		t.Errorf("empty summary = %+v", got)
	}
}
