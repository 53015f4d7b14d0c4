package stats

import (
	"math"
	"sort"
)

// OutlierZ is the modified z-score beyond which a sample counts as an
// outlier (Iglewicz and Hoaglin).
const OutlierZ = 3.5

// Summary describes the raw samples of one arm. It is descriptive only: the
// comparison between arms is RelativeDifference's job, and a median is never
// jackknifed.
type Summary struct {
	// N is the number of samples summarized (NaNs are skipped).
	N int
	// Mean, Median, P90, P99, Min and Max are in the samples' unit.
	// Percentiles interpolate linearly between order statistics (the
	// "type 7" definition of R and NumPy).
	Mean, Median, P90, P99, Min, Max float64
	// SD is the sample standard deviation (divisor N−1); 0 when N < 2.
	SD float64
	// MAD is the median absolute deviation from the median, unscaled.
	MAD float64
	// CV is the coefficient of variation SD/Mean; 0 when N < 2 or the mean
	// is 0.
	CV float64
	// Outliers counts samples whose modified z-score 0.6745·(x−median)/MAD
	// exceeds OutlierZ in absolute value; OutliersLow and OutliersHigh split
	// them by side. When MAD is 0 the score uses the mean absolute deviation
	// instead, (x−median)/(1.253314·MeanAD); when that is 0 too, nothing is
	// an outlier.
	Outliers, OutliersLow, OutliersHigh int
}

// Quantile returns the p-quantile (0 <= p <= 1) of sorted, ascending
// samples, interpolating linearly between order statistics (R's type 7).
// It returns NaN for no samples.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 1 {
		return sorted[n-1]
	}
	h := p * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Summarize describes samples; the slice is not modified.
func Summarize(samples []float64) Summary {
	xs := make([]float64, 0, len(samples))
	for _, v := range samples {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	n := len(xs)
	if n == 0 {
		return Summary{}
	}
	sort.Float64s(xs)
	var s ksum
	for _, v := range xs {
		s.add(v)
	}
	mean := s.val() / float64(n)
	sum := Summary{
		N: n, Mean: mean, Min: xs[0], Max: xs[n-1],
		Median: Quantile(xs, 0.5), P90: Quantile(xs, 0.9), P99: Quantile(xs, 0.99),
	}
	if n >= 2 {
		var ss ksum
		for _, v := range xs {
			d := v - mean
			ss.add(d * d)
		}
		sum.SD = math.Sqrt(ss.val() / float64(n-1))
		if mean != 0 {
			sum.CV = sum.SD / math.Abs(mean)
		}
	}
	dev := make([]float64, n)
	var ad ksum
	for i, v := range xs {
		dev[i] = math.Abs(v - sum.Median)
		ad.add(dev[i])
	}
	sort.Float64s(dev)
	sum.MAD = Quantile(dev, 0.5)
	scale := 0.0 // the z-score is (x − median) / scale
	if sum.MAD > 0 {
		scale = sum.MAD / 0.6745
	} else if meanAD := ad.val() / float64(n); meanAD > 0 {
		scale = 1.253314 * meanAD
	}
	if scale > 0 {
		for _, v := range xs {
			z := (v - sum.Median) / scale
			switch {
			case z > OutlierZ:
				sum.OutliersHigh++
			case z < -OutlierZ:
				sum.OutliersLow++
			}
		}
		sum.Outliers = sum.OutliersLow + sum.OutliersHigh
	}
	return sum
}
