package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// StudentLogPValue is the two-sided p-value of Student's two-sample t-test
// (pooled variance, n_a + n_b − 2 degrees of freedom) of equal mean logs
// of the positive samples a and b. Pooling lends a short side the spread
// of the long one, which Welch's test does not; change-point detection
// tests a split that may leave only a few values on one side. Each side
// needs at least one value and both together three; with no spread at all
// it is 0 when the means differ and 1 when they do not.
func StudentLogPValue(a, b []float64) (float64, error) {
	if len(a) < 1 || len(b) < 1 || len(a)+len(b) < 3 {
		return 0, newError(CodeInsufficientBlocks, -1, -1, -1, false, "%d and %d value(s); at least 1 on each side and 3 in all are needed", len(a), len(b))
	}
	var ss, mean [2]float64
	for k, xs := range [][]float64{a, b} {
		logs := make([]float64, len(xs))
		for i, v := range xs {
			if !(v > 0) || math.IsInf(v, 0) {
				return 0, newError(CodeNonpositiveValue, k, i, -1, false, "value %v is not a finite number > 0; the test takes logarithms", v)
			}
			logs[i] = math.Log(v)
		}
		s := Summarize(logs)
		mean[k] = s.Mean
		ss[k] = s.SD * s.SD * float64(s.N-1)
	}
	na, nb := float64(len(a)), float64(len(b))
	df := na + nb - 2
	d := mean[1] - mean[0]
	se := math.Sqrt((ss[0] + ss[1]) / df * (1/na + 1/nb))
	if se == 0 {
		if d == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(d)/se), nil
}
