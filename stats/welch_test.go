package stats

import (
	"math"
	"strings"
	"testing"
)

func TestWelchLogRatioOracle(t *testing.T) {
	// scipy.stats: x = log([100 102 98 101 99 103]), y = log([110 108 112 111 109]),
	// d = mean y − mean x, Welch SE and df, t.ppf(0.975, df).
	e, err := WelchLogRatio([]float64{100, 102, 98, 101, 99, 103}, []float64{110, 108, 112, 111, 109}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"estimate", e.Estimate, 0.09459496955639499}, {"lo", e.CILo, 0.07020852177647952},
		{"hi", e.CIHi, 0.11953710234836343}, {"df", e.DF, 8.972694696786737},
	} {
		if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if !e.Significant {
		t.Error("a CI of [+7.0%, +12.0%] is significant")
	}
	// No variance on either side: the degenerate CI [θ̂, θ̂].
	e, err = WelchLogRatio([]float64{5, 5}, []float64{10, 10}, 0.95)
	if err != nil || math.Abs(e.Estimate-1) > 1e-12 || e.CILo != e.Estimate || e.CIHi != e.Estimate || e.DF != 2 {
		t.Errorf("no variance: %+v, %v", e, err)
	}
}

func TestWelchLogRatioErrors(t *testing.T) {
	cases := []struct {
		name       string
		base, head []float64
		conf       float64
		code       Code
		msg        string
	}{
		{"zero in head", []float64{1, 2}, []float64{1, 0}, 0.95, CodeNonpositiveValue, "nonpositive_value: arm 1, block 1: value 0 is not > 0"},
		{"negative in base", []float64{-1, 2}, []float64{1, 2}, 0.95, CodeNonpositiveValue, "arm 0, block 0"},
		{"NaN", []float64{1, math.NaN()}, []float64{1, 2}, 0.95, CodeInvalidValue, "not finite"},
		{"one value", []float64{1, 2}, []float64{3}, 0.95, CodeInsufficientBlocks, "arm 1: 1 value(s)"},
		{"confidence", []float64{1, 2}, []float64{1, 2}, 1, CodeInvalidOption, "confidence 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := WelchLogRatio(tc.base, tc.head, tc.conf)
			if CodeOf(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want code %s and %q", err, tc.code, tc.msg)
			}
		})
	}
}
