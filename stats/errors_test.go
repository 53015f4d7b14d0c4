package stats

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrors(t *testing.T) {
	ok := [][]float64{{1, 2}, {2, 3}, {3, 4}}
	tests := []struct {
		name   string
		blocks [][]float64
		base   int
		opt    Options
		code   Code
		msg    string
	}{
		{"one block", [][]float64{{1, 2}}, 0, Options{}, CodeInsufficientBlocks, "insufficient_blocks: the jackknife needs at least 2 complete blocks, got 1"},
		{"no blocks", nil, 0, Options{}, CodeInsufficientBlocks, "got 0"},
		{"zero value", [][]float64{{1, 2}, {2, 0}, {3, 4}}, 0, Options{}, CodeNonpositiveValue, "nonpositive_value: arm 1, block 1: value 0 is not > 0"},
		{"negative baseline value", [][]float64{{1, 2}, {2, 3}, {-3, 4}}, 0, Options{}, CodeNonpositiveValue, "arm 0, block 2: value -3"},
		{"baseline sum zero", [][]float64{{0, 2}, {0, 3}}, 0, Options{Estimator: Ratio}, CodeZeroDenominator, "zero_denominator: arm 1: the baseline's sum over all blocks is 0"},
		{"replicate sum zero", [][]float64{{0, 2}, {0, 3}, {5, 1}}, 0, Options{Estimator: Ratio, Scale: Linear}, CodeZeroDenominator, "zero_denominator: arm 1, leaving out block 2: the baseline's sum over the remaining blocks is 0"},
		{"replicate sum zero in a group", [][]float64{{0, 2}, {0, 3}, {5, 1}, {5, 1}}, 0, Options{Estimator: Ratio, Groups: 2}, CodeZeroDenominator, "leaving out group 1:"},
		{"zero ratio on log scale", [][]float64{{1, 0}, {2, 0}}, 0, Options{Estimator: Ratio}, CodeNonpositiveRatio, "nonpositive_ratio: arm 1: the ratio of sums is 0"},
		{"zero replicate ratio", [][]float64{{1, 0}, {2, 0}, {2, 3}}, 0, Options{Estimator: Ratio}, CodeNonpositiveRatio, "arm 1, leaving out block 2"},
		{"NaN", [][]float64{{1, 2}, {2, 3}, {3, nanValue()}}, 0, Options{}, CodeInvalidValue, "arm 1, block 2: value NaN is not a finite number"},
		{"ragged", [][]float64{{1, 2}, {2}}, 0, Options{}, CodeInvalidOption, "block 1: block has 1 values"},
		{"one arm", [][]float64{{1}, {2}}, 0, Options{}, CodeInvalidOption, "need at least 2 arms"},
		{"baseline out of range", ok, 2, Options{}, CodeInvalidOption, "baseline 2 is not an arm"},
		{"bad confidence", ok, 0, Options{Confidence: 1}, CodeInvalidOption, "confidence 1 is not in (0, 1)"},
		{"logratio linear", ok, 0, Options{Scale: Linear}, CodeInvalidOption, "logratio is always jackknifed on the log scale"},
		{"cmh on a matrix", ok, 0, Options{Estimator: CMH}, CodeInvalidOption, "needs binary records"},
		{"one group", ok, 0, Options{Groups: 1}, CodeBadGroups, "1 groups for 3 blocks"},
		{"too many groups", ok, 0, Options{Groups: 4}, CodeBadGroups, "4 groups for 3 blocks"},
		{"labels count", ok, 0, Options{GroupLabels: []string{"a", "b"}}, CodeBadGroups, "2 group labels for 3 blocks"},
		{"one label", ok, 0, Options{GroupLabels: []string{"a", "a", "a"}}, CodeBadGroups, "at least 2 distinct groups, got 1"},
		{"groups and labels", ok, 0, Options{Groups: 2, GroupLabels: []string{"a", "a", "b"}}, CodeInvalidOption, "not both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RelativeDifference(tc.blocks, tc.base, tc.opt)
			if CodeOf(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not contain %q", err.Error(), tc.msg)
			}
			if !errors.Is(err, &Error{Code: tc.code}) {
				t.Error("errors.Is does not match the code")
			}
			if CodeOf(fmt.Errorf("wrapped: %w", err)) != tc.code {
				t.Error("CodeOf does not see through wrapping")
			}
		})
	}
}

func nanValue() float64 { var z float64; return z / z }

func TestErrorFormatNames(t *testing.T) {
	_, err := RelativeDifference([][]float64{{0, 2}, {0, 3}, {5, 1}}, 0, Options{Estimator: Ratio})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *Error: %v", err)
	}
	got := e.Format(Names{
		Arm:   func(i int) string { return []string{`"base"`, `"fast"`}[i] },
		Block: func(i int) string { return fmt.Sprintf("%q", fmt.Sprint("b", i+1)) },
	})
	want := `zero_denominator: arm "fast", leaving out block "b3": the baseline's sum over the remaining blocks is 0, so the jackknife replicate is undefined`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if CodeOf(errors.New("plain")) != "" || CodeOf(nil) != "" {
		t.Error("CodeOf of a plain error is not empty")
	}
}

func TestParse(t *testing.T) {
	for s, want := range map[string]Estimator{"logratio": LogRatio, "ratio": Ratio, "cmh": CMH, "MH": CMH, "crude": Crude} {
		got, err := ParseEstimator(s)
		if err != nil || got != want {
			t.Errorf("ParseEstimator(%q) = %v, %v", s, got, err)
		}
		if want.String() == "" {
			t.Errorf("%d has no name", want)
		}
	}
	if _, err := ParseEstimator("median"); CodeOf(err) != CodeInvalidOption {
		t.Errorf("ParseEstimator(median): %v", err)
	}
	for s, want := range map[string]Scale{"log": Log, "linear": Linear} {
		got, err := ParseScale(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("ParseScale(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseScale("sqrt"); CodeOf(err) != CodeInvalidOption {
		t.Errorf("ParseScale(sqrt): %v", err)
	}
}
