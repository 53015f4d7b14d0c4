package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// TCritical returns the two-sided Student-t critical value
// t_{1−(1−confidence)/2, df}, from gonum's distuv.StudentsT.
func TCritical(df int, confidence float64) float64 {
	if df < 1 {
		return math.NaN()
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-confidence)/2)
}

// ksum is a Neumaier compensated sum: the running sum s plus the rounding
// error c collected so far.
type ksum struct{ s, c float64 }

func (k *ksum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *ksum) merge(o ksum) {
	k.add(o.s)
	k.add(o.c)
}

func (k ksum) val() float64 { return k.s + k.c }

// looSums returns the total of the per-unit sums and, for every unit i, the
// total without unit i. The leave-one-out sums come from prefix and suffix
// sums, never from total − u[i], so deleting a unit that dominates the total
// loses no precision.
func looSums(u []ksum) (total float64, loo []float64) {
	n := len(u)
	pre := make([]ksum, n+1)
	for i := range n {
		pre[i+1] = pre[i]
		pre[i+1].merge(u[i])
	}
	loo = make([]float64, n)
	var suf ksum
	for i := n - 1; i >= 0; i-- {
		s := pre[i]
		s.merge(suf)
		loo[i] = s.val()
		suf.merge(u[i])
	}
	return pre[n].val(), loo
}

// units assigns blocks to jackknife units.
type units struct {
	n       int   // number of units
	of      []int // block -> unit
	size    []int // blocks per unit
	grouped bool
}

// makeUnits builds the delete-one-block units for B blocks, or the
// delete-a-group units that opt asks for.
func makeUnits(B int, opt Options) (*units, error) {
	if B < 2 {
		return nil, newError(CodeInsufficientBlocks, -1, -1, -1, false, "the jackknife needs at least 2 blocks, got %d", B)
	}
	u := &units{of: make([]int, B)}
	switch {
	case opt.Groups != 0 && opt.GroupLabels != nil:
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "give either a number of groups or group labels, not both")
	case opt.GroupLabels != nil:
		if len(opt.GroupLabels) != B {
			return nil, newError(CodeBadGroups, -1, -1, -1, false, "%d group labels for %d blocks; need one label per block", len(opt.GroupLabels), B)
		}
		idx := map[string]int{}
		for b, l := range opt.GroupLabels {
			g, ok := idx[l]
			if !ok {
				g = len(idx)
				idx[l] = g
			}
			u.of[b] = g
		}
		u.n, u.grouped = len(idx), true
		if u.n < 2 {
			return nil, newError(CodeBadGroups, -1, -1, -1, false, "the delete-a-group jackknife needs at least 2 distinct groups, got %d", u.n)
		}
	case opt.Groups != 0:
		G := opt.Groups
		if G < 2 || G > B {
			return nil, newError(CodeBadGroups, -1, -1, -1, false, "%d groups for %d blocks; need 2 <= groups <= blocks", G, B)
		}
		for b := range B {
			u.of[b] = b * G / B
		}
		u.n, u.grouped = G, true
	default:
		for b := range B {
			u.of[b] = b
		}
		u.n = B
	}
	u.size = make([]int, u.n)
	for _, g := range u.of {
		u.size[g]++
	}
	return u, nil
}

// finish turns the plug-in statistic phi and its replicates (both on the
// jackknife scale) into an Estimate.
func finish(arm int, phi float64, reps []float64, t float64, est Estimator, scale Scale) Estimate {
	n := len(reps)
	var s ksum
	for _, r := range reps {
		s.add(r)
	}
	mean := s.val() / float64(n)
	var ss ksum
	for _, r := range reps {
		d := r - mean
		ss.add(d * d)
	}
	se := math.Sqrt(float64(n-1) / float64(n) * ss.val())
	bias := float64(n-1) * (mean - phi)
	lo, hi := phi, phi
	half := 0.0
	if se > 0 {
		half = t * se
		lo, hi = phi-half, phi+half
	}
	back := func(x float64) float64 { return x }
	if scale == Log {
		back = math.Expm1
	}
	e := Estimate{
		Arm:           arm,
		Estimate:      back(phi),
		CILo:          back(lo),
		CIHi:          back(hi),
		SE:            se,
		DF:            n - 1,
		Units:         n,
		Bias:          bias,
		Replicates:    reps,
		Phi:           phi,
		ReplicateMean: mean,
		BiasCorrected: phi - bias,
		T:             t,
		HalfWidth:     half,
		Estimator:     est,
		Scale:         scale,
	}
	e.Significant = e.CILo > 0 || e.CIHi < 0
	return e
}
