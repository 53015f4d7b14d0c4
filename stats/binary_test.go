package stats

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestBinaryMultipleArmsAndUnits(t *testing.T) {
	var recs []BinaryRecord
	for b := range 6 {
		op := []string{"ann", "bo"}[b%2]
		recs = append(recs,
			BinaryRecord{Block: b, Stratum: op, Arm: 0, Successes: 3 + b%2, Trials: 8},
			BinaryRecord{Block: b, Stratum: op, Arm: 2, Successes: 5 + b%3, Trials: 8})
		if b < 4 { // arm 1 ran in four blocks only
			recs = append(recs, BinaryRecord{Block: b, Stratum: op, Arm: 1, Successes: 4, Trials: 8})
		}
	}
	est, err := BinaryRelativeDifference(recs, 0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(est) != 2 || est[0].Arm != 1 || est[1].Arm != 2 {
		t.Fatalf("arms: %+v", est)
	}
	if est[0].Units != 6 || est[1].Units != 6 {
		// Blocks where arm 1 did not run still hold baseline records, so
		// they are units of arm 1's comparison too.
		t.Errorf("units %d, %d, want 6, 6", est[0].Units, est[1].Units)
	}
	if est[0].MH == nil || est[0].MH.Strata != 2 || est[0].Estimator != CMH {
		t.Errorf("MH details: %+v", est[0].MH)
	}
	// Splitting a record in two changes nothing.
	split := append([]BinaryRecord{}, recs...)
	split[0].Successes, split[0].Trials = 1, 3
	split = append(split, BinaryRecord{Block: 0, Stratum: "ann", Arm: 0, Successes: 2, Trials: 5})
	est2, err := BinaryRelativeDifference(split, 0, Options{})
	if err != nil || est2[1].Phi != est[1].Phi || est2[1].SE != est[1].SE {
		t.Fatalf("split records: %v %+v", err, est2)
	}
	// Group labels: one per distinct block, in ascending block order.
	g, err := BinaryRelativeDifference(recs, 0, Options{GroupLabels: []string{"x", "x", "y", "y", "z", "z"}})
	if err != nil || g[1].Units != 3 || len(g[1].Replicates) != 3 {
		t.Fatalf("labels: %v %+v", err, g)
	}
}

func TestBinaryErrors(t *testing.T) {
	two := func(s0, s1 int) []BinaryRecord {
		return []BinaryRecord{
			{Block: 1, Stratum: "a", Arm: 0, Successes: s0, Trials: 5}, {Block: 1, Stratum: "a", Arm: 1, Successes: s1, Trials: 5},
			{Block: 2, Stratum: "a", Arm: 0, Successes: s0, Trials: 5}, {Block: 2, Stratum: "a", Arm: 1, Successes: s1, Trials: 5},
		}
	}
	tests := []struct {
		name string
		recs []BinaryRecord
		base int
		opt  Options
		code Code
		msg  string
	}{
		{"baseline never succeeds", two(0, 3), 0, Options{}, CodeZeroDenominator, "arm 1: RR_MH is undefined"},
		{"crude baseline never succeeds", two(0, 3), 0, Options{Estimator: Crude}, CodeZeroDenominator, "crude risk ratio is undefined"},
		{"arm never succeeds, log", two(3, 0), 0, Options{}, CodeNonpositiveRatio, "arm 1: the risk ratio is 0"},
		{"one block", two(3, 3)[:2], 0, Options{}, CodeInsufficientBlocks, "at least 2 blocks, got 1"},
		{"successes above trials", []BinaryRecord{{Block: 7, Arm: 1, Successes: 6, Trials: 5}}, 0, Options{}, CodeInvalidValue, "arm 1, block 7: 6 successes out of 5 trials"},
		{"no baseline records", two(3, 3), 4, Options{}, CodeInvalidOption, "baseline arm 4 has no records"},
		{"ratio estimator", two(3, 3), 0, Options{Estimator: Ratio}, CodeInvalidOption, "binary records take cmh or crude"},
		{"no trials", []BinaryRecord{{Block: 1, Arm: 0}, {Block: 1, Arm: 1}, {Block: 2, Arm: 0}, {Block: 2, Arm: 1}}, 0, Options{}, CodeNoData, "no trials"},
		{"replicate without baseline successes", []BinaryRecord{
			{Block: 1, Stratum: "a", Arm: 0, Successes: 0, Trials: 5}, {Block: 1, Stratum: "a", Arm: 1, Successes: 3, Trials: 5},
			{Block: 2, Stratum: "a", Arm: 0, Successes: 2, Trials: 5}, {Block: 2, Stratum: "a", Arm: 1, Successes: 3, Trials: 5},
		}, 0, Options{}, CodeZeroDenominator, "arm 1, leaving out block 2: RR_MH is undefined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BinaryRelativeDifference(tc.recs, tc.base, tc.opt)
			if CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestMantelHaenszelUndefinedParts(t *testing.T) {
	// The treatment never fails: OR's denominator b·c is 0 -> NaN -> null.
	r, err := MantelHaenszel([]Table{{A: 5, B: 0, C: 3, D: 2}, {A: 4, B: 0, C: 2, D: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.OR) || !math.IsNaN(r.LogORSE) || math.IsNaN(r.RR) {
		t.Fatalf("%+v", r)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"or_mh":null`) {
		t.Fatalf("%s %v", b, err)
	}
	if _, err := MantelHaenszel([]Table{{}, {}}); CodeOf(err) != CodeNoData {
		t.Errorf("empty: %v", err)
	}
	if _, err := MantelHaenszel([]Table{{A: 1, B: 1, C: 0, D: 4}}); CodeOf(err) != CodeZeroDenominator {
		t.Errorf("no baseline successes: %v", err)
	}
	if _, err := MantelHaenszel([]Table{{A: -1, B: 1, C: 1, D: 4}}); CodeOf(err) != CodeInvalidValue {
		t.Errorf("negative count: %v", err)
	}
}
