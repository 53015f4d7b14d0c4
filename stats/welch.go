package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// UnpairedEstimate is the relative difference between two independent
// samples, such as the per-block values of two separate runs.
type UnpairedEstimate struct {
	// Estimate is the ratio of geometric means head/base − 1.
	Estimate float64
	// CILo and CIHi bound its CI, on the relative-difference scale.
	CILo, CIHi float64
	// SE is the standard error of the difference of mean logs.
	SE float64
	// DF is the Welch-Satterthwaite degrees of freedom (not an integer in
	// general); nx+ny−2 when SE is 0.
	DF float64
	// Significant reports whether the CI excludes 0 strictly.
	Significant bool
}

// WelchLogRatio compares two independent samples of a positive metric on
// the log scale: d = mean ln head − mean ln base, SE² = s²_base/n_base +
// s²_head/n_head, Welch-Satterthwaite df, and CI exp(d ± t·SE) − 1.
//
// It is the interval for two runs made apart, where nothing pairs a value
// of one with a value of the other; drift between the runs is not
// controlled, so a paired comparison inside one run (RelativeDifference)
// is preferred whenever both sides can be interleaved. Errors name base as
// arm 0 and head as arm 1, and the offending value's index as its block.
func WelchLogRatio(base, head []float64, confidence float64) (UnpairedEstimate, error) {
	if !(confidence > 0 && confidence < 1) {
		return UnpairedEstimate{}, newError(CodeInvalidOption, -1, -1, -1, false, "confidence %v is not in (0, 1)", confidence)
	}
	var s [2]Summary
	for arm, xs := range [][]float64{base, head} {
		if len(xs) < 2 {
			return UnpairedEstimate{}, newError(CodeInsufficientBlocks, arm, -1, -1, false, "%d value(s); at least 2 on each side are needed", len(xs))
		}
		logs := make([]float64, len(xs))
		for i, v := range xs {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return UnpairedEstimate{}, newError(CodeInvalidValue, arm, i, -1, false, "value %v is not finite", v)
			case v <= 0:
				return UnpairedEstimate{}, newError(CodeNonpositiveValue, arm, i, -1, false, "value %v is not > 0; the comparison takes logarithms", v)
			}
			logs[i] = math.Log(v)
		}
		s[arm] = Summarize(logs)
	}
	nx, ny := float64(s[0].N), float64(s[1].N)
	vx, vy := s[0].SD*s[0].SD/nx, s[1].SD*s[1].SD/ny
	d := s[1].Mean - s[0].Mean
	e := UnpairedEstimate{Estimate: math.Expm1(d), SE: math.Sqrt(vx + vy), DF: nx + ny - 2}
	if e.SE > 0 {
		e.DF = (vx + vy) * (vx + vy) / (vx*vx/(nx-1) + vy*vy/(ny-1))
	}
	e.CILo, e.CIHi = LogScaleCI(d, e.SE, e.DF, confidence)
	e.Significant = e.CILo > 0 || e.CIHi < 0
	return e, nil
}

// LogScaleCI is the two-sided Student-t interval of a log ratio phi with
// standard error se and df degrees of freedom (df need not be an
// integer), mapped to the relative-difference scale:
// [exp(phi − t·se) − 1, exp(phi + t·se) − 1]. se = 0 gives the degenerate
// interval [exp(phi) − 1, exp(phi) − 1].
func LogScaleCI(phi, se, df, confidence float64) (lo, hi float64) {
	if se == 0 {
		return math.Expm1(phi), math.Expm1(phi)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - (1-confidence)/2)
	return math.Expm1(phi - t*se), math.Expm1(phi + t*se)
}
