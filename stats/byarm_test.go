package stats

import (
	"math"
	"testing"
)

// An arm that never succeeds has no log-scale risk ratio; the other arm is
// estimated exactly as in a file without it (#14.17).
func TestBinaryRelativeDifferenceByArm(t *testing.T) {
	var recs, pair []BinaryRecord
	for b := range 6 {
		op := []string{"ann", "bo"}[b%2]
		base := BinaryRecord{Block: b, Stratum: op, Arm: 0, Successes: 3 + b%2, Trials: 8}
		good := BinaryRecord{Block: b, Stratum: op, Arm: 2, Successes: 5 + b%3, Trials: 8}
		recs = append(recs, base, BinaryRecord{Block: b, Stratum: op, Arm: 1, Successes: 0, Trials: 8}, good)
		pair = append(pair, base, good)
	}
	res, err := BinaryRelativeDifferenceByArm(recs, 0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Arm != 1 || res[1].Arm != 2 {
		t.Fatalf("results: %+v", res)
	}
	if CodeOf(res[0].Err) != CodeNonpositiveRatio || res[1].Err != nil {
		t.Fatalf("errors: %v, %v", res[0].Err, res[1].Err)
	}
	want, err := BinaryRelativeDifference(pair, 0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := res[1].Estimate, want[0]; g.Phi != w.Phi || g.SE != w.SE || g.CILo != w.CILo || g.CIHi != w.CIHi {
		t.Errorf("arm 2 with a degenerate neighbour: %+v, alone: %+v", g, w)
	}
	// BinaryRelativeDifference keeps failing on the first arm's error.
	if _, err := BinaryRelativeDifference(recs, 0, Options{}); CodeOf(err) != CodeNonpositiveRatio {
		t.Errorf("BinaryRelativeDifference: %v", err)
	}
}

// Values near the float64 limit: sums and means are computed scaled, and a
// relative difference that itself does not fit in a float64 is an
// out_of_range error, never an estimate of ±Inf or NaN (#14.17).
func TestHugeValues(t *testing.T) {
	if got := BlockValue([]float64{1.7e308, 1.5e308}, Ratio); got != 1.6e308 {
		t.Errorf("BlockValue(1.7e308, 1.5e308) = %v, want 1.6e308", got)
	}
	if got := BlockValue([]float64{1, 2, 4}, Ratio); got != 7.0/3 {
		t.Errorf("BlockValue(1, 2, 4) = %v", got)
	}
	// A ratio of 1e300 / 1e-300 is finite on the log scale...
	tiny := [][]float64{{1e-300, 1e300}, {2e-300, 2e300}, {3e-300, 3.3e300}}
	res, err := RelativeDifferenceByArm(tiny, 0, Options{Estimator: Ratio})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(6.3e600 / 6e0 / 1e600); math.Abs(res[0].Estimate.Phi-(want+600*math.Ln10)) > 1e-9*want {
		t.Errorf("phi = %v", res[0].Estimate.Phi)
	}
	// ... but exp(phi) − 1 is beyond float64, as is the linear-scale ratio.
	for _, opt := range []Options{{Estimator: Ratio}, {Estimator: Ratio, Scale: Linear}, {}} {
		res, err := RelativeDifferenceByArm(tiny, 0, opt)
		if err != nil {
			t.Fatal(err)
		}
		if CodeOf(res[0].Err) != CodeOutOfRange {
			t.Errorf("%v %v: err %v, estimate %+v", opt.Estimator, opt.Scale, res[0].Err, res[0].Estimate)
		}
	}
	// Sums of values near 1e308 used to overflow to a NaN estimate.
	huge := [][]float64{{1.7e308, 1.6e308}, {1.5e308, 1.79e308}, {1.65e308, 1.7e308}}
	for _, opt := range []Options{{Estimator: Ratio}, {Estimator: Ratio, Scale: Linear}} {
		e, err := RelativeDifference(huge, 0, opt)
		if err != nil {
			t.Fatal(err)
		}
		want := (1.6+1.79+1.7)/(1.7+1.5+1.65) - 1
		if math.Abs(e[0].Estimate-want) > 1e-12 || math.IsNaN(e[0].SE) || e[0].SE == 0 {
			t.Errorf("%v: estimate %v (want %v), SE %v", opt.Scale, e[0].Estimate, want, e[0].SE)
		}
	}
}
