package stats

import (
	"fmt"
	"math"
	"strings"
)

// Estimator selects the point estimate of the relative difference.
type Estimator int

const (
	// LogRatio is the geometric mean of the per-block ratios minus one,
	// exp(mean_b ln(y_bk/y_b0)) − 1; the default for positive continuous
	// metrics (times, sizes).
	LogRatio Estimator = iota
	// Ratio is the ratio of sums minus one, Σ_b y_bk / Σ_b y_b0 − 1; for
	// totals, counts and metrics with zeros.
	Ratio
	// CMH is RR_MH − 1 over strata, for binary outcomes
	// (BinaryRelativeDifference only).
	CMH
	// Crude is the pooled risk ratio minus one, ignoring strata
	// (BinaryRelativeDifference only).
	Crude
)

// String returns the estimator's name as the CLI and the JSON spell it.
func (e Estimator) String() string {
	switch e {
	case LogRatio:
		return "logratio"
	case Ratio:
		return "ratio"
	case CMH:
		return "cmh"
	case Crude:
		return "crude"
	}
	return fmt.Sprintf("Estimator(%d)", int(e))
}

// ParseEstimator reads "logratio", "ratio", "cmh" (or "mh") and "crude".
func ParseEstimator(s string) (Estimator, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "logratio", "log-ratio", "geomean":
		return LogRatio, nil
	case "ratio":
		return Ratio, nil
	case "cmh", "mh", "mantel-haenszel":
		return CMH, nil
	case "crude":
		return Crude, nil
	}
	return 0, newError(CodeInvalidOption, -1, -1, -1, false, "unknown estimator %q (want logratio, ratio, cmh or crude)", s)
}

// Scale is the scale the jackknife runs on.
type Scale int

const (
	// Log jackknifes φ = ln(ratio) and maps the CI back with exp(·) − 1
	// (default; the CI can never fall below −100%).
	Log Scale = iota
	// Linear jackknifes the relative difference itself (opt-in; not
	// available for LogRatio).
	Linear
)

// String returns "log" or "linear".
func (s Scale) String() string {
	switch s {
	case Log:
		return "log"
	case Linear:
		return "linear"
	}
	return fmt.Sprintf("Scale(%d)", int(s))
}

// ParseScale reads "log" or "linear".
func ParseScale(s string) (Scale, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "log":
		return Log, nil
	case "linear":
		return Linear, nil
	}
	return 0, newError(CodeInvalidOption, -1, -1, -1, false, "unknown scale %q (want log or linear)", s)
}

// DefaultConfidence is the confidence level used when Options.Confidence is 0.
const DefaultConfidence = 0.95

// Options configures RelativeDifference and BinaryRelativeDifference.
// The zero value is the default analysis: logratio (or Mantel-Haenszel for
// binary records), log scale, 95% CI, delete-one-block jackknife.
type Options struct {
	// Estimator is LogRatio (default) or Ratio for RelativeDifference, and
	// CMH (default; LogRatio, the zero value, means it too) or
	// Crude for BinaryRelativeDifference.
	Estimator Estimator
	// Scale is Log (default) or Linear.
	Scale Scale
	// Confidence is the two-sided confidence level in (0, 1); 0 means 0.95.
	Confidence float64
	// Groups, when >= 2, selects the delete-a-group jackknife with Groups
	// contiguous groups: block b (0-based) of B is in group floor(b·G/B).
	Groups int
	// GroupLabels, when set, holds one label per block (per distinct block,
	// in ascending block order, for binary records) and selects the
	// delete-a-group jackknife with one group per distinct label (hosts,
	// builds, boots). Groups are numbered in order of first appearance.
	// Groups and GroupLabels are mutually exclusive.
	GroupLabels []string
}

func (o Options) confidence() (float64, error) {
	c := o.Confidence
	if c == 0 {
		return DefaultConfidence, nil
	}
	if !(c > 0 && c < 1) || math.IsNaN(c) {
		return 0, newError(CodeInvalidOption, -1, -1, -1, false, "confidence %v is not in (0, 1)", c)
	}
	return c, nil
}
