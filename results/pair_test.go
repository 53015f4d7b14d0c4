package results

import (
	"reflect"
	"testing"
)

// run is an arm's run with one iteration of ns, or a failed run when ns < 0.
func run(arm string, ns int64) *ArmRun {
	if ns < 0 {
		return &ArmRun{Arm: arm, Error: "boom"}
	}
	return &ArmRun{Arm: arm, NS: []int64{ns}}
}

func pairWorkload() *Workload {
	return &Workload{Blocks: []*Block{
		{Index: 0, Warmup: true, Runs: []*ArmRun{run("a", 1), run("b", 2)}},
		{Index: 1, Runs: []*ArmRun{run("a", 10), run("b", 20), run("c", 30)}},
		{Index: 2, Runs: []*ArmRun{run("a", 11), run("b", -1), run("c", 31)}},
		{Index: 3, Runs: []*ArmRun{run("a", 12), run("c", 32)}},
		{Index: 4, Incomplete: true, Runs: []*ArmRun{run("a", 13), run("b", 23)}},
		{Index: 5, Runs: []*ArmRun{{Arm: "a", NS: []int64{14, 16}}, run("b", 24)}},
	}}
}

func TestPaired(t *testing.T) {
	w := pairWorkload()
	tests := []struct {
		arms []string
		want [][]float64
	}{
		{[]string{"a", "b"}, [][]float64{{10, 20}, {15, 24}}},
		{[]string{"b", "a"}, [][]float64{{20, 10}, {24, 15}}},
		{[]string{"a", "c"}, [][]float64{{10, 30}, {11, 31}, {12, 32}}},
		{[]string{"a", "b", "c"}, [][]float64{{10, 20, 30}}},
		{[]string{"a"}, [][]float64{{10}, {11}, {12}, {15}}},
		{[]string{"missing"}, nil},
		{[]string{"a", "missing"}, nil},
	}
	for _, tc := range tests {
		if got := w.Paired(tc.arms...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Paired(%v) = %v, want %v", tc.arms, got, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	w := pairWorkload()
	tests := []struct {
		arm  string
		want []float64
	}{
		{"a", []float64{10, 11, 12, 15}},
		{"b", []float64{20, 24}},
		{"missing", nil},
	}
	for _, tc := range tests {
		if got := w.Values(tc.arm); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Values(%q) = %v, want %v", tc.arm, got, tc.want)
		}
	}
}

// TestPairedByCallsEveryArm: value sees every arm of every measured block,
// also after an arm without a value, so that a caller can record errors.
func TestPairedByCallsEveryArm(t *testing.T) {
	w := pairWorkload()
	var calls []string
	rows := PairedBy(w.Blocks, func(b *Block, arm string) (int, bool) {
		calls = append(calls, arm+"@"+string(rune('0'+b.Index)))
		return b.Index, arm != "b" || b.Index != 1
	}, "b", "a")
	want := []string{"b@1", "a@1", "b@2", "a@2", "b@3", "a@3", "b@5", "a@5"}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls = %v, want %v", calls, want)
	}
	if wantRows := [][]int{{2, 2}, {3, 3}, {5, 5}}; !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("rows = %v, want %v", rows, wantRows)
	}
}
