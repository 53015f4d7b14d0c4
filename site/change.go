package site

import (
	"math"
	"sort"

	"github.com/benchy-dev/benchy/stats"
)

// Change detection: E-Divisive means (Matteson and James 2014), the
// method of MongoDB's performance CI (Daly et al. 2020), with the
// permutation test replaced by Student's t-test between the two segments,
// as Hunter does (Fleming et al. 2023), so that the same series always
// gives the same change points. docs/site.md states the method and its
// limits.
const (
	// changeMinSegment is the fewest runs on either side of a change.
	changeMinSegment = 3
	// changeAlpha is the significance level of the t-test that accepts a
	// candidate change point.
	changeAlpha = 0.001
)

// ChangePoint is a detected shift in a series: the runs from Index on
// differ from the runs before it, back to the previous change point.
type ChangePoint struct {
	// Index is the first point after the change.
	Index int
	// Before and After are the geometric means of the segments' values.
	Before, After float64
	// Rel is After/Before − 1, with its Welch CI (at the series'
	// confidence) between the two segments.
	Rel, CILo, CIHi float64
}

// detectChanges finds the change points of the positive values xs (one per
// run, in run order). Candidates come from E-Divisive means with α = 1 on
// the logarithms, by recursive bisection: in each segment the split that
// maximizes the energy statistic Q̂ is kept when Student's t-test between
// the two sides (on the log scale) rejects equal means at changeAlpha over
// the number of places the split could have been. Then,
// as Hunter does, every change point is tested again between its
// neighbouring change points, and the weakest that fails is dropped until
// all pass. The returned CIs are at the confidence conf.
func detectChanges(xs []float64, conf float64) []ChangePoint {
	for _, v := range xs {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil
		}
	}
	logs := make([]float64, len(xs))
	for i, v := range xs {
		logs[i] = math.Log(v)
	}
	var cuts []int
	var split func(lo, hi int)
	split = func(lo, hi int) {
		tau, ok := bestSplit(logs[lo:hi])
		if !ok {
			return
		}
		tau += lo
		if splitP(xs[lo:tau], xs[tau:hi]) >= changeLevel(hi-lo) {
			return
		}
		cuts = append(cuts, tau)
		split(lo, tau)
		split(tau, hi)
	}
	split(0, len(xs))
	sort.Ints(cuts)
	// Re-test each change point between its neighbours; drop the weakest
	// failure and repeat.
	for {
		weakest, weakestP := -1, -1.0
		for i, c := range cuts {
			lo, hi := neighbours(cuts, i, len(xs))
			if p := splitP(xs[lo:c], xs[c:hi]); p >= changeLevel(hi-lo) && p > weakestP {
				weakest, weakestP = i, p
			}
		}
		if weakest < 0 {
			break
		}
		cuts = append(cuts[:weakest], cuts[weakest+1:]...)
	}
	out := make([]ChangePoint, 0, len(cuts))
	for i, c := range cuts {
		lo, hi := neighbours(cuts, i, len(xs))
		cp := ChangePoint{Index: c, Before: geomean(xs[lo:c]), After: geomean(xs[c:hi])}
		cp.Rel = cp.After/cp.Before - 1
		cp.CILo, cp.CIHi = cp.Rel, cp.Rel
		if e, err := stats.WelchLogRatio(xs[lo:c], xs[c:hi], conf); err == nil {
			cp.Rel, cp.CILo, cp.CIHi = e.Estimate, e.CILo, e.CIHi
		}
		out = append(out, cp)
	}
	return out
}

// neighbours returns the change points around cuts[i] (0 and n at the
// ends): the segment in which cuts[i] is tested.
func neighbours(cuts []int, i, n int) (lo, hi int) {
	if i > 0 {
		lo = cuts[i-1]
	}
	hi = n
	if i+1 < len(cuts) {
		hi = cuts[i+1]
	}
	return lo, hi
}

// bestSplit returns the τ (changeMinSegment <= τ <= n − changeMinSegment)
// that maximizes the E-Divisive statistic with α = 1,
//
//	Q̂(τ) = τ(n−τ)/n · (2/(τ(n−τ)) Σ|xᵢ−yⱼ| − 1/C(τ,2) Σ|xᵢ−xₖ| − 1/C(n−τ,2) Σ|yⱼ−yₖ|),
//
// for the left part x = ys[:τ] and the right part y = ys[τ:], in O(n²).
// It is false when the segment is too short to split or constant.
func bestSplit(ys []float64) (int, bool) {
	n := len(ys)
	if n < 2*changeMinSegment {
		return 0, false
	}
	// Sums of distances: within the left part, within the right part and
	// between them, for τ = 0 (everything on the right), then moved one
	// point at a time.
	var within, between, withinL float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			within += math.Abs(ys[i] - ys[j])
		}
	}
	withinR := within
	best, bestQ := 0, 0.0
	for tau := 1; tau <= n-changeMinSegment; tau++ {
		v := ys[tau-1] // moves from the right part to the left
		var toLeft, toRight float64
		for i := 0; i < tau-1; i++ {
			toLeft += math.Abs(v - ys[i])
		}
		for j := tau; j < n; j++ {
			toRight += math.Abs(v - ys[j])
		}
		withinL += toLeft
		withinR -= toRight
		between += toRight - toLeft
		if tau < changeMinSegment {
			continue
		}
		l, r := float64(tau), float64(n-tau)
		q := l * r / float64(n) * (2*between/(l*r) - withinL/(l*(l-1)/2) - withinR/(r*(r-1)/2))
		if q > bestQ {
			best, bestQ = tau, q
		}
	}
	return best, best > 0
}

// changeLevel is the level at which a split of a segment of n runs is
// accepted: changeAlpha divided by the number of places the split could
// have been (Bonferroni), since the split tested is the one that looks
// most like a change.
func changeLevel(n int) float64 {
	return changeAlpha / float64(max(1, n-2*changeMinSegment+1))
}

// splitP is the two-sided p-value of Student's t-test (pooled variance)
// of equal mean logs of a and b, 1 when it cannot be computed. Pooling, as
// in Hunter, lends a short segment at either end of the series the spread
// of the long one.
func splitP(a, b []float64) float64 {
	p, err := stats.StudentLogPValue(a, b)
	if err != nil {
		return 1
	}
	return p
}

func geomean(xs []float64) float64 {
	s := 0.0
	for _, v := range xs {
		s += math.Log(v)
	}
	return math.Exp(s / float64(len(xs)))
}
