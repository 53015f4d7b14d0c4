package suites_test

import (
	"fmt"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

const workloadSeedSuite = `
%s

workload "own" {
  run {
    seed = 7
  }
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}

workload "inherits" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
`

// A workload's own run { seed } survives Resolve, which gives the run's
// seed (the suite's, else drawn) only to the workloads without one; --seed
// replaces every seed.
func TestResolveKeepsAWorkloadsSeed(t *testing.T) {
	nine := int64(9)
	tests := []struct {
		name     string
		suiteRun string
		o        suites.Overrides
		own, inh int64 // 0: the run's seed
		runSeed  int64 // 0: drawn
	}{
		{name: "suite without a seed", own: 7},
		{name: "suite seed", suiteRun: "run {\n  seed = 3\n}", own: 7, inh: 3, runSeed: 3},
		{name: "--seed over both", suiteRun: "run {\n  seed = 3\n}", o: suites.Overrides{Seed: &nine}, own: 9, inh: 9, runSeed: 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := loadString(t, fmt.Sprintf(workloadSeedSuite, tc.suiteRun), suites.Options{})
			r, diags := p.Resolve(tc.o)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if tc.runSeed != 0 && r.Run.Seed != tc.runSeed {
				t.Errorf("run seed %d, want %d", r.Run.Seed, tc.runSeed)
			}
			want := map[string]int64{"own": tc.own, "inherits": tc.inh}
			for _, w := range r.Workloads {
				seed := want[w.Name]
				if seed == 0 {
					seed = r.Run.Seed
				}
				if !w.Run.SeedSet || w.Run.Seed != seed {
					t.Errorf("%s: seed %d (set %v), want %d", w.Name, w.Run.Seed, w.Run.SeedSet, seed)
				}
			}
			again, _ := r.Resolve(suites.Overrides{})
			for i, w := range again.Workloads {
				if w.Run != r.Workloads[i].Run {
					t.Errorf("%s: resolving again changed its settings", w.Name)
				}
			}
		})
	}
}
