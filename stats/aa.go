package stats

import (
	"math"
	"sort"
)

// AAResult is the outcome of an A/A study: every arm ran the same workload,
// so every significant difference from the baseline is a false positive.
type AAResult struct {
	// Comparisons is the number of arms compared with the baseline, and
	// FalsePositives how many of their CIs exclude 0.
	Comparisons, FalsePositives int
	// Rate is FalsePositives / Comparisons.
	Rate float64
	// Alpha is 1 − confidence; Expected = Comparisons·Alpha is the mean
	// count of a calibrated setup.
	Alpha, Expected float64
	// Limit is the 99% quantile of Binomial(Comparisons, Alpha): a
	// calibrated setup exceeds it 1% of the time. Flagged reports
	// FalsePositives > Limit.
	Limit   int
	Flagged bool
	// MaxAbsEstimate is the largest |relative difference| between identical
	// arms, and MedianHalfWidth the median CI half-width on the log scale:
	// together the noise floor, the smallest effect worth claiming here.
	MaxAbsEstimate, MedianHalfWidth float64
	// Estimates are the comparisons themselves.
	Estimates []Estimate
}

// AAFalsePositives analyses an A/A block × arm matrix (every arm the same
// workload) with RelativeDifference and counts the arms whose CI excludes 0.
func AAFalsePositives(blocks [][]float64, baseline int, opt Options) (AAResult, error) {
	est, err := RelativeDifference(blocks, baseline, opt)
	if err != nil {
		return AAResult{}, err
	}
	conf, _ := opt.confidence()
	r := AAResult{Comparisons: len(est), Alpha: 1 - conf, Estimates: est}
	hw := make([]float64, len(est))
	for i, e := range est {
		if e.Significant {
			r.FalsePositives++
		}
		r.MaxAbsEstimate = math.Max(r.MaxAbsEstimate, math.Abs(e.Estimate))
		hw[i] = e.HalfWidth
	}
	sort.Float64s(hw)
	r.MedianHalfWidth = Quantile(hw, 0.5)
	r.Rate = float64(r.FalsePositives) / float64(r.Comparisons)
	r.Expected = float64(r.Comparisons) * r.Alpha
	r.Limit = BinomialQuantile(r.Comparisons, r.Alpha, 0.99)
	r.Flagged = r.FalsePositives > r.Limit
	return r, nil
}

// BinomialQuantile returns the smallest k with P(X <= k) >= q for
// X ~ Binomial(n, p). For A/A calibration (docs/statistics.md, "A/A calibration"),
// BinomialQuantile(R, 0.05, 0.99) is the most false positives R calibrated
// A/A comparisons should show: 4 for R = 20, 7 for 50, 11 for 100, 18 for 200.
func BinomialQuantile(n int, p, q float64) int {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	// P(X = k) by the recurrence from P(X = 0) = (1−p)^n, in logs for large n.
	logP := float64(n) * math.Log1p(-p)
	cdf := 0.0
	for k := 0; k < n; k++ {
		cdf += math.Exp(logP)
		if cdf >= q*(1-1e-12) {
			return k
		}
		logP += math.Log(float64(n-k)) - math.Log(float64(k+1)) + math.Log(p) - math.Log1p(-p)
	}
	return n
}
