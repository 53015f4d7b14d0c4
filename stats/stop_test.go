package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// pairs returns B blocks whose per-block log-ratio alternates ±s around
// ln(1+effect), so the log-scale SE is exactly s/√B·√(B/(B−1)) for even B.
func pairs(B int, effect, s float64) [][]float64 {
	m := make([][]float64, B)
	for b := range m {
		d := math.Log1p(effect) + s*float64(1-2*(b%2))
		m[b] = []float64{100, 100 * math.Exp(d)}
	}
	return m
}

func TestStopRule(t *testing.T) {
	tests := []struct {
		name       string
		blocks     [][]float64
		rule       StopRule
		stop       bool
		precision  bool
		reasonHas  string
		wantErrSub Code
	}{
		{name: "below min blocks", blocks: pairs(8, 0, 0.001), rule: StopRule{MinBlocks: 10, TargetHalfWidth: 0.02}, reasonHas: "8 of at least 10 blocks"},
		{name: "default min blocks is 10", blocks: pairs(9, 0, 0.0001), rule: StopRule{TargetHalfWidth: 0.02}, reasonHas: "9 of at least 10"},
		{name: "precision reached", blocks: pairs(10, 0.05, 0.01), rule: StopRule{MinBlocks: 10, TargetHalfWidth: 0.02}, stop: true, precision: true, reasonHas: "precision reached after 10 blocks"},
		{name: "precision not reached", blocks: pairs(10, 0, 0.05), rule: StopRule{MinBlocks: 10, TargetHalfWidth: 0.02}, reasonHas: "precision not reached after 10 blocks"},
		{name: "max blocks without precision", blocks: pairs(20, 0, 0.1), rule: StopRule{MinBlocks: 10, MaxBlocks: 20, TargetHalfWidth: 0.02}, stop: true, reasonHas: "max_blocks (20) reached; precision not reached"},
		{name: "max blocks below min blocks", blocks: pairs(4, 0, 0.1), rule: StopRule{MinBlocks: 10, MaxBlocks: 4, TargetHalfWidth: 0.02}, stop: true, reasonHas: "max_blocks (4) reached"},
		{name: "no target runs to max", blocks: pairs(12, 0, 0.0), rule: StopRule{MinBlocks: 10, MaxBlocks: 30}, reasonHas: "no precision target"},
		{name: "min blocks floor is 2", blocks: pairs(2, 0.1, 0.0001), rule: StopRule{MinBlocks: 1, TargetHalfWidth: 0.02}, stop: true, precision: true},
		{name: "error keeps going", blocks: [][]float64{{1, 0}, {1, 1}, {1, 1}}, rule: StopRule{MinBlocks: 2, TargetHalfWidth: 0.02}, reasonHas: "cannot be evaluated: nonpositive_value", wantErrSub: CodeNonpositiveValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := EvaluateStop(tc.blocks, 0, tc.rule)
			if CodeOf(err) != tc.wantErrSub {
				t.Fatalf("err = %v, want code %q", err, tc.wantErrSub)
			}
			if d.Stop != tc.stop || d.PrecisionReached != tc.precision {
				t.Errorf("stop=%v precision=%v (%s), want %v/%v", d.Stop, d.PrecisionReached, d.Reason, tc.stop, tc.precision)
			}
			if !strings.Contains(d.Reason, tc.reasonHas) {
				t.Errorf("reason %q does not contain %q", d.Reason, tc.reasonHas)
			}
		})
	}
}

// The rule compares t·SE on the log scale with ln(1 + target), at the
// boundary exactly.
func TestStopRuleBoundary(t *testing.T) {
	m := pairs(10, 0.03, 0.02)
	e, err := RelativeDifference(m, 0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hw := e[0].HalfWidth
	target := math.Expm1(hw)
	for _, c := range []struct {
		target float64
		stop   bool
	}{{target * 1.000001, true}, {target * 0.999999, false}} {
		d, _ := EvaluateStop(m, 0, StopRule{MinBlocks: 10, TargetHalfWidth: c.target})
		if d.Stop != c.stop {
			t.Errorf("target %v (half-width %v): stop = %v", c.target, hw, d.Stop)
		}
		if d.WorstArm != 1 || d.WorstHalfWidth != hw {
			t.Errorf("worst = arm %d %v", d.WorstArm, d.WorstHalfWidth)
		}
	}
}

// The rule looks at the width, never at the position: a large effect with a
// wide CI does not stop the run.
func TestStopRuleIgnoresSignificance(t *testing.T) {
	m := pairs(10, 0.5, 0.05)
	e, _ := RelativeDifference(m, 0, Options{})
	if !e[0].Significant {
		t.Fatal("test data should be significant")
	}
	if d, _ := EvaluateStop(m, 0, StopRule{MinBlocks: 5, TargetHalfWidth: 0.01}); d.Stop {
		t.Fatalf("stopped on a significant but imprecise estimate: %s", d.Reason)
	}
}

func TestStopRuleAllArms(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	m := make([][]float64, 12)
	for b := range m {
		m[b] = []float64{100, 100 * math.Exp(0.001*r.NormFloat64()), 100 * math.Exp(0.2*r.NormFloat64())}
	}
	d, _ := EvaluateStop(m, 0, StopRule{MinBlocks: 10, TargetHalfWidth: 0.02})
	if d.Stop || d.WorstArm != 2 {
		t.Fatalf("one precise arm stopped the run, or the worst arm is wrong: %+v", d)
	}
}
