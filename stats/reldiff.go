package stats

import "math"

// Estimate is one arm's relative difference from the baseline with its
// jackknife confidence interval and diagnostics.
type Estimate struct {
	// Arm is the compared arm's column (or arm index, for binary records).
	Arm int
	// Estimate is the plug-in relative difference θ̂ (0.05 = +5%).
	Estimate float64
	// CILo and CIHi bound the CI of θ, on the relative-difference scale.
	CILo, CIHi float64
	// SE is the jackknife standard error on the jackknife scale: of ln ratio
	// on the log scale, of θ on the linear scale.
	SE float64
	// DF is the t distribution's degrees of freedom, Units − 1.
	DF int
	// Units is the number of jackknife units (blocks or groups).
	Units int
	// Significant reports whether the CI excludes 0 strictly.
	Significant bool
	// Bias is the jackknife bias (n−1)·(ReplicateMean − Phi) on the
	// jackknife scale; a diagnostic only, the CI is never moved by it.
	Bias float64
	// Replicates are the leave-one-unit-out statistics on the jackknife
	// scale, in unit order (block order, or group order).
	Replicates []float64
	// Phi is the plug-in statistic on the jackknife scale (ln ratio, or θ on
	// the linear scale).
	Phi float64
	// ReplicateMean is the mean of Replicates.
	ReplicateMean float64
	// BiasCorrected is Phi − Bias (diagnostic).
	BiasCorrected float64
	// T is the Student-t critical value used.
	T float64
	// HalfWidth is T·SE, the CI half-width on the jackknife scale; 0 when SE
	// is 0.
	HalfWidth float64
	// Estimator and Scale say how the estimate was computed.
	Estimator Estimator
	Scale     Scale
	// MH holds the Mantel-Haenszel measures of the full data for binary
	// records (nil for continuous data, or when RR_MH is undefined).
	MH *MHResult
}

// ArmResult is one arm's outcome in RelativeDifferenceByArm and
// BinaryRelativeDifferenceByArm: its Estimate, or the *Error that makes this
// arm's estimate undefined (an arm that never succeeds, an arm whose ratio is
// 0 on the log scale) while the other arms' estimates stand.
type ArmResult struct {
	// Arm is the compared arm's column (or arm index, for binary records).
	Arm int
	// Estimate is valid when Err is nil.
	Estimate Estimate
	// Err, when not nil, is an *Error about this arm alone.
	Err error
}

// RelativeDifference estimates every non-baseline arm's relative difference
// from the baseline. blocks[b][k] is arm k's value in block b; every block
// must hold every arm (drop incomplete blocks first). It returns one Estimate
// per non-baseline arm, in column order, or an *Error: the first arm's error
// when an arm's estimate is undefined (RelativeDifferenceByArm keeps the
// others).
func RelativeDifference(blocks [][]float64, baseline int, opt Options) ([]Estimate, error) {
	res, err := RelativeDifferenceByArm(blocks, baseline, opt)
	if err != nil {
		return nil, err
	}
	return firstArmError(res)
}

// firstArmError returns the estimates of res, or the first arm's error.
func firstArmError(res []ArmResult) ([]Estimate, error) {
	out := make([]Estimate, 0, len(res))
	for _, r := range res {
		if r.Err != nil {
			return nil, r.Err
		}
		out = append(out, r.Estimate)
	}
	return out, nil
}

// RelativeDifferenceByArm is RelativeDifference with the outcome of every
// non-baseline arm kept apart: an error that concerns the whole input (too
// few blocks, bad options, a value that is not finite, a value <= 0 for
// LogRatio) is returned as the error, and an estimate that is undefined for
// one arm alone is that arm's ArmResult.Err.
func RelativeDifferenceByArm(blocks [][]float64, baseline int, opt Options) ([]ArmResult, error) {
	conf, err := opt.confidence()
	if err != nil {
		return nil, err
	}
	if opt.Estimator != LogRatio && opt.Estimator != Ratio {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "estimator %s needs binary records (successes, trials); use logratio or ratio for a block × arm matrix", opt.Estimator)
	}
	if opt.Scale != Log && opt.Scale != Linear {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "unknown scale %d", int(opt.Scale))
	}
	if opt.Estimator == LogRatio && opt.Scale == Linear {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "logratio is always jackknifed on the log scale; use the ratio estimator for a linear-scale CI")
	}
	B := len(blocks)
	if B < 2 {
		return nil, newError(CodeInsufficientBlocks, -1, -1, -1, false, "the jackknife needs at least 2 complete blocks, got %d", B)
	}
	K := len(blocks[0])
	if K < 2 {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "need at least 2 arms (a baseline and one other), got %d", K)
	}
	for b, row := range blocks {
		if len(row) != K {
			return nil, newError(CodeInvalidOption, -1, b, -1, false, "block has %d values, block 0 has %d; every block must hold every arm", len(row), K)
		}
	}
	if baseline < 0 || baseline >= K {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "baseline %d is not an arm (0..%d)", baseline, K-1)
	}
	for b, row := range blocks {
		for k, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, newError(CodeInvalidValue, k, b, -1, false, "value %v is not a finite number", v)
			}
		}
	}
	if opt.Estimator == LogRatio {
		for b, row := range blocks {
			for k, v := range row {
				if v <= 0 {
					return nil, newError(CodeNonpositiveValue, k, b, -1, false, "value %v is not > 0; logratio takes logarithms (use the ratio estimator for data with zeros)", v)
				}
			}
		}
	}
	u, err := makeUnits(B, opt)
	if err != nil {
		return nil, err
	}
	t := TCritical(u.n-1, conf)
	out := make([]ArmResult, 0, K-1)
	for k := range K {
		if k == baseline {
			continue
		}
		var e Estimate
		var err error
		if opt.Estimator == LogRatio {
			e = logRatioArm(blocks, baseline, k, u, t)
		} else {
			e, err = ratioArm(blocks, baseline, k, u, t, opt.Scale)
		}
		if err == nil {
			err = checkRange(e)
		}
		out = append(out, ArmResult{Arm: k, Estimate: e, Err: err})
	}
	return out, nil
}

// checkRange reports an estimate whose numbers do not fit in a float64 (a
// relative difference beyond ±1.8e308, such as values of 1e300 against
// 1e-300) as an out_of_range *Error, instead of returning ±Inf or NaN.
func checkRange(e Estimate) error {
	for _, x := range [...]float64{e.Estimate, e.CILo, e.CIHi, e.SE} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return newError(CodeOutOfRange, e.Arm, -1, -1, false, "the relative difference (%s scale value %.6g, CI [%.6g, %.6g], SE %.6g) does not fit in a float64", e.Scale, e.Phi, e.CILo, e.CIHi, e.SE)
		}
	}
	return nil
}

// logRatio returns ln(a/b) for a, b > 0, from the correctly rounded
// quotient where it is a normal number (so that an exact constant ratio gives
// identical per-block values), else as ln a − ln b.
func logRatio(a, b float64) float64 {
	q := a / b
	if q >= 0x1p-1022 && q <= math.MaxFloat64 {
		return math.Log(q)
	}
	return math.Log(a) - math.Log(b)
}

func logRatioArm(blocks [][]float64, base, k int, u *units, t float64) Estimate {
	B := len(blocks)
	per := make([]ksum, u.n)
	for b, row := range blocks {
		per[u.of[b]].add(logRatio(row[k], row[base]))
	}
	total, loo := looSums(per)
	phi := total / float64(B)
	reps := loo // reuse: replicate i is the mean of the d's left in
	for i := range reps {
		reps[i] = loo[i] / float64(B-u.size[i])
	}
	return finish(k, phi, reps, t, LogRatio, Log)
}

// scaleExp returns the binary exponent e of the largest |v| in column k of
// blocks (0 when every value is 0): dividing the column by 2^e is exact
// (short of values 2^1000 times smaller than the largest, which vanish in
// its sum anyway) and keeps sums of values near 1e308 finite.
func scaleExp(blocks [][]float64, k int) int {
	m := 0.0
	for _, row := range blocks {
		m = max(m, math.Abs(row[k]))
	}
	if m == 0 {
		return 0
	}
	_, e := math.Frexp(m)
	return e
}

func ratioArm(blocks [][]float64, base, k int, u *units, t float64, scale Scale) (Estimate, error) {
	// The sums are of the columns divided by 2^en and 2^ed, so that values
	// near the float64 limit cannot overflow them; the ratio of sums is
	// (n/d)·2^(en−ed).
	en, ed := scaleExp(blocks, k), scaleExp(blocks, base)
	num := make([]ksum, u.n)
	den := make([]ksum, u.n)
	for b, row := range blocks {
		num[u.of[b]].add(math.Ldexp(row[k], -en))
		den[u.of[b]].add(math.Ldexp(row[base], -ed))
	}
	sn, ln := looSums(num)
	sd, ld := looSums(den)
	shift := en - ed
	stat := func(n, d float64, unit int) (float64, error) {
		if d == 0 {
			if unit < 0 {
				return 0, newError(CodeZeroDenominator, k, -1, -1, false, "the baseline's sum over all blocks is 0, so the ratio of sums is undefined")
			}
			return 0, newError(CodeZeroDenominator, k, -1, unit, u.grouped, "the baseline's sum over the remaining blocks is 0, so the jackknife replicate is undefined")
		}
		q := n / d
		r := math.Ldexp(q, shift)
		if scale == Linear {
			if math.IsInf(r, 0) {
				return 0, newError(CodeOutOfRange, k, -1, unit, u.grouped, "the ratio of sums, %.6g·2^%d, does not fit in a float64 (use the log scale)", q, shift)
			}
			return r - 1, nil
		}
		if q <= 0 {
			if unit < 0 {
				return 0, newError(CodeNonpositiveRatio, k, -1, -1, false, "the ratio of sums is %v; the log scale needs a ratio > 0 (use the linear scale)", r)
			}
			return 0, newError(CodeNonpositiveRatio, k, -1, unit, u.grouped, "the replicate's ratio of sums is %v; the log scale needs a ratio > 0 (use the linear scale)", r)
		}
		if r >= 0x1p-1022 && r <= math.MaxFloat64 {
			return math.Log(r), nil // the unscaled ratio, exactly as without scaling
		}
		return math.Log(q) + float64(shift)*math.Ln2, nil
	}
	phi, err := stat(sn, sd, -1)
	if err != nil {
		return Estimate{}, err
	}
	reps := make([]float64, u.n)
	for i := range reps {
		if reps[i], err = stat(ln[i], ld[i], i); err != nil {
			return Estimate{}, err
		}
	}
	return finish(k, phi, reps, t, Ratio, scale), nil
}

// BlockValue reduces the several iterations an arm ran inside one block to
// the block's value for est: the geometric mean for LogRatio (the mean of the
// logs, docs/statistics.md) and the arithmetic mean otherwise. It returns NaN
// for no samples, and for LogRatio when a sample is <= 0.
func BlockValue(samples []float64, est Estimator) float64 {
	if len(samples) == 0 {
		return math.NaN()
	}
	if len(samples) == 1 && (est != LogRatio || samples[0] > 0) {
		return samples[0] // exactly, not exp(log(x))
	}
	var s ksum
	if est == LogRatio {
		for _, v := range samples {
			if !(v > 0) {
				return math.NaN()
			}
			s.add(math.Log(v))
		}
		return math.Exp(s.val() / float64(len(samples)))
	}
	// The mean of the samples divided by 2^e, times 2^e: finite for samples
	// near the float64 limit, and the plain mean otherwise.
	m := 0.0
	for _, v := range samples {
		m = max(m, math.Abs(v))
	}
	_, e := math.Frexp(m)
	for _, v := range samples {
		s.add(math.Ldexp(v, -e))
	}
	return math.Ldexp(s.val()/float64(len(samples)), e)
}
