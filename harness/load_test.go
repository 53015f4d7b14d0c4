package harness

import (
	"testing"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

// The host's load is sampled at the end of every block, in both orders, and
// recorded with the block (#15.14).
func TestHostLoadRecordedPerBlock(t *testing.T) {
	for _, order := range []suites.Order{suites.OrderInterleavedRandom, suites.OrderSequential} {
		t.Run(string(order), func(t *testing.T) {
			run := quickRun(3)
			run.Order = order
			calls := 0
			doc := runPlan(t, testPlan(run, execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall")), Options{
				HostLoad: func() *results.LoadSample {
					calls++
					return &results.LoadSample{Load1: float64(calls), CPUs: 2}
				},
			})
			blocks := doc.Workloads[0].Blocks
			if len(blocks) != 4 {
				t.Fatalf("%d blocks", len(blocks))
			}
			for _, b := range blocks {
				if b.Load == nil {
					t.Errorf("block %d has no load", b.Index)
				}
			}
			if want := 4; order == suites.OrderSequential {
				// one sample per turn: the block keeps the last
				if calls != 2*want {
					t.Errorf("sampled %d times, want once per turn (%d)", calls, 2*want)
				}
			} else if calls != want {
				t.Errorf("sampled %d times, want once per block (%d)", calls, want)
			}
		})
	}
}
