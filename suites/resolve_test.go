package suites

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// resolvePlan is a plan of two workload instances: w1 with min_blocks 4 and
// max_blocks 8, w2 with 6 and 12.
func resolvePlan(seed *int64) *Plan {
	run := DefaultRun
	if seed != nil {
		run.Seed, run.SeedSet = *seed, true
	}
	w1, w2 := run, run
	w1.MinBlocks, w1.MaxBlocks = 4, 8
	w2.MinBlocks, w2.MaxBlocks = 6, 12
	return &Plan{Path: "s.benchy.hcl", Run: run, Workloads: []*Workload{
		{Name: "w1", Run: w1, At: Location{File: "s.benchy.hcl", Line: 3, Column: 1}},
		{Name: "w2", Run: w2, At: Location{File: "s.benchy.hcl", Line: 9, Column: 1}},
	}}
}

func TestResolve(t *testing.T) {
	seven := int64(7)
	tests := []struct {
		name     string
		seed     *int64 // the suite's
		o        Overrides
		seedWant *int64 // nil: drawn
		min, max [2]int // per workload
		order    Order
		severity hcl.DiagnosticSeverity // of the one diagnostic; 0: none
		detail   string
	}{
		{name: "as written, seed drawn", min: [2]int{4, 6}, max: [2]int{8, 12}, order: OrderInterleavedRandom},
		{name: "the suite's seed", seed: &seven, seedWant: &seven, min: [2]int{4, 6}, max: [2]int{8, 12}, order: OrderInterleavedRandom},
		{name: "--seed over the suite's", seed: new(int64(3)), o: Overrides{Seed: &seven}, seedWant: &seven, min: [2]int{4, 6}, max: [2]int{8, 12}, order: OrderInterleavedRandom},
		{name: "--order", o: Overrides{Order: OrderSequential}, min: [2]int{4, 6}, max: [2]int{8, 12}, order: OrderSequential},
		{name: "both limits", o: Overrides{MinBlocks: 5, MaxBlocks: 5}, min: [2]int{5, 5}, max: [2]int{5, 5}, order: OrderInterleavedRandom},
		{name: "--min-blocks within every max", o: Overrides{MinBlocks: 8}, min: [2]int{8, 8}, max: [2]int{8, 12}, order: OrderInterleavedRandom},
		{name: "--max-blocks caps a min", o: Overrides{MaxBlocks: 5}, min: [2]int{4, 5}, max: [2]int{5, 5}, order: OrderInterleavedRandom,
			severity: hcl.DiagWarning, detail: "--max-blocks 5 is below min_blocks of w2 (6); they run at most 5 measured blocks"},
		{name: "--min-blocks above a max", o: Overrides{MinBlocks: 10}, severity: hcl.DiagError,
			detail: "for w1 in s.benchy.hcl, --min-blocks (10) is greater than max_blocks (8), which comes from the suite; raise it with --max-blocks 10 or lower --min-blocks"},
		{name: "--min-blocks above --max-blocks", o: Overrides{MinBlocks: 6, MaxBlocks: 5}, severity: hcl.DiagError,
			detail: "--min-blocks (6) is greater than --max-blocks (5)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := resolvePlan(tc.seed)
			before := p.Workloads[1].Run
			got, diags := p.Resolve(tc.o)
			switch {
			case tc.severity == 0 && len(diags) > 0:
				t.Fatalf("unexpected diagnostics: %v", diags)
			case tc.severity != 0 && (len(diags) != 1 || diags[0].Severity != tc.severity || !strings.Contains(diags[0].Detail, tc.detail)):
				t.Fatalf("diagnostics %v, want one of severity %v saying %q", diags, tc.severity, tc.detail)
			}
			if tc.severity == hcl.DiagError {
				if got != nil {
					t.Fatal("a conflict returned a plan")
				}
				return
			}
			if p.Workloads[1].Run != before || p.Run.SeedSet != (tc.seed != nil) {
				t.Fatal("Resolve changed the plan it was given")
			}
			if !got.Run.SeedSet || (tc.seedWant != nil && got.Run.Seed != *tc.seedWant) {
				t.Fatalf("seed %d (set %v), want %v", got.Run.Seed, got.Run.SeedSet, tc.seedWant)
			}
			if got.Run.Order != tc.order {
				t.Errorf("suite order %q, want %q", got.Run.Order, tc.order)
			}
			for i, w := range got.Workloads {
				if w.Run.Seed != got.Run.Seed || !w.Run.SeedSet {
					t.Errorf("%s: seed %d (set %v), want the plan's %d", w.Name, w.Run.Seed, w.Run.SeedSet, got.Run.Seed)
				}
				if w.Run.MinBlocks != tc.min[i] || w.Run.MaxBlocks != tc.max[i] || w.Run.Order != tc.order {
					t.Errorf("%s: blocks %d..%d, order %q; want %d..%d, %q", w.Name, w.Run.MinBlocks, w.Run.MaxBlocks, w.Run.Order, tc.min[i], tc.max[i], tc.order)
				}
			}
			// Resolved once: resolving again changes nothing.
			again, diags := got.Resolve(Overrides{})
			if len(diags) > 0 || again.Run != got.Run || again.Workloads[0].Run != got.Workloads[0].Run || again.Workloads[1].Run != got.Workloads[1].Run {
				t.Fatalf("resolving the resolved plan changed it (%v)", diags)
			}
		})
	}
}

// A drawn seed is a fresh one each time a plan is resolved.
func TestResolveDrawsTheSeed(t *testing.T) {
	p := resolvePlan(nil)
	seen := map[int64]bool{}
	for range 8 {
		r, _ := p.Resolve(Overrides{})
		if r.Run.Seed < 0 {
			t.Fatalf("negative seed %d", r.Run.Seed)
		}
		seen[r.Run.Seed] = true
	}
	if len(seen) < 2 {
		t.Fatalf("eight draws gave one seed: %v", seen)
	}
}
