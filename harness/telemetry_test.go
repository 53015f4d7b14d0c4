package harness

import (
	"sync"
	"testing"

	"github.com/benchy-dev/benchy/results"
)

// countingTelemetry numbers its samplings and records what it was asked to
// summarize.
type countingTelemetry struct {
	mu sync.Mutex
	n  uint64
}

func (c *countingTelemetry) Sample() []results.GPUSample {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return []results.GPUSample{{Index: 0, EnergyMJ: c.n}}
}

func (c *countingTelemetry) Summarize(before, after []results.GPUSample, iterations int) *results.Telemetry {
	return &results.Telemetry{Before: before, After: after, EnergyPerIterationJ: float64(iterations)}
}

// Every arm's run is bracketed by a sampling before and one after, and its
// block records the summary of that bracket over the warm-up and timed
// iterations.
func TestTelemetryBracketsEveryRun(t *testing.T) {
	run := quickRun(2)
	run.WarmupIterations = 1
	plan := testPlan(run, execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall"))
	tel := &countingTelemetry{}
	doc := runPlan(t, plan, Options{Telemetry: tel})
	runs := 0
	for _, b := range doc.Workloads[0].Blocks {
		for _, r := range b.Runs {
			runs++
			rt := r.Telemetry
			if rt == nil || len(rt.Before) != 1 || len(rt.After) != 1 {
				t.Fatalf("block %d arm %s: telemetry %+v", b.Index, r.Arm, rt)
			}
			if rt.After[0].EnergyMJ != rt.Before[0].EnergyMJ+1 {
				t.Errorf("block %d arm %s: sampled %d before and %d after, want consecutive samplings",
					b.Index, r.Arm, rt.Before[0].EnergyMJ, rt.After[0].EnergyMJ)
			}
			if rt.EnergyPerIterationJ != 3 {
				t.Errorf("block %d arm %s: summarized over %v iterations, want 1 warm-up + 2", b.Index, r.Arm, rt.EnergyPerIterationJ)
			}
		}
	}
	if runs == 0 || tel.n != uint64(2*runs) {
		t.Errorf("%d samplings for %d runs, want two each", tel.n, runs)
	}
}
