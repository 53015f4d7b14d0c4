package stats

import (
	"encoding/json"
	"math"
	"sort"
)

// Table is one stratum's 2×2 table of a binary outcome: the treatment arm's
// successes (A) and failures (B), and the baseline's successes (C) and
// failures (D). It is statsmodels' layout: row 0 treatment, row 1 baseline,
// column 0 the event.
type Table struct{ A, B, C, D float64 }

// MHResult holds the Mantel-Haenszel measures of a set of strata. A measure
// that is undefined for the data (a zero denominator) is NaN, and encodes as
// JSON null.
type MHResult struct {
	// Strata is the number of non-empty strata used.
	Strata int `json:"strata"`
	// RR is the Mantel-Haenszel risk ratio Σ a·n0/N ÷ Σ c·n1/N, and
	// RelDiff = RR − 1, the "% change in success rate".
	RR      float64 `json:"rr_mh"`
	RelDiff float64 `json:"rel_diff"`
	// RD is the Mantel-Haenszel risk difference (weights n1·n0/N).
	RD float64 `json:"rd_mh"`
	// OR is the Mantel-Haenszel odds ratio Σ a·d/N ÷ Σ b·c/N.
	OR float64 `json:"or_mh"`
	// CrudeRR is the pooled risk ratio that ignores the strata.
	CrudeRR float64 `json:"crude_rr"`
	// LogRRSE is the Greenland-Robins (1985) standard error of ln RR.
	LogRRSE float64 `json:"log_rr_se_gr"`
	// LogORSE is the Robins-Breslow-Greenland (1986) standard error of
	// ln OR, as statsmodels' StratifiedTable.logodds_pooled_se.
	LogORSE float64 `json:"log_or_se_rbg"`
	// CMHStatistic is the Cochran-Mantel-Haenszel chi-square (1 df) without
	// continuity correction, and CMHPValue its upper-tail p-value.
	CMHStatistic float64 `json:"cmh_statistic"`
	CMHPValue    float64 `json:"cmh_pvalue"`
	// CMHStatisticCorrected uses the 0.5 continuity correction exactly as
	// statsmodels' test_null_odds(correction=True) and the oracle do:
	// (|Σ(a − E[a])| − 0.5)² / V, even when |Σ(a − E[a])| < 0.5.
	CMHStatisticCorrected float64 `json:"cmh_statistic_corrected"`
	CMHPValueCorrected    float64 `json:"cmh_pvalue_corrected"`
}

// MarshalJSON writes undefined (non-finite) measures as null.
func (r MHResult) MarshalJSON() ([]byte, error) {
	f := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	return json.Marshal(struct {
		Strata                int      `json:"strata"`
		RR                    *float64 `json:"rr_mh"`
		RelDiff               *float64 `json:"rel_diff"`
		RD                    *float64 `json:"rd_mh"`
		OR                    *float64 `json:"or_mh"`
		CrudeRR               *float64 `json:"crude_rr"`
		LogRRSE               *float64 `json:"log_rr_se_gr"`
		LogORSE               *float64 `json:"log_or_se_rbg"`
		CMHStatistic          *float64 `json:"cmh_statistic"`
		CMHPValue             *float64 `json:"cmh_pvalue"`
		CMHStatisticCorrected *float64 `json:"cmh_statistic_corrected"`
		CMHPValueCorrected    *float64 `json:"cmh_pvalue_corrected"`
	}{r.Strata, f(r.RR), f(r.RelDiff), f(r.RD), f(r.OR), f(r.CrudeRR), f(r.LogRRSE), f(r.LogORSE),
		f(r.CMHStatistic), f(r.CMHPValue), f(r.CMHStatisticCorrected), f(r.CMHPValueCorrected)})
}

// ratio returns num/den, or NaN when den is 0.
func ratio(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// chi2SF1 is the upper tail of the chi-square distribution with 1 df.
func chi2SF1(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	return math.Erfc(math.Sqrt(x / 2))
}

func checkTable(s int, t Table) error {
	for _, v := range [4]float64{t.A, t.B, t.C, t.D} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return newError(CodeInvalidValue, -1, -1, -1, false, "stratum %d: count %v is not a finite number >= 0", s, v)
		}
	}
	return nil
}

// MantelHaenszel computes the Mantel-Haenszel measures over strata tables.
// Empty strata are dropped and no zero-cell correction is applied. It
// returns an *Error when every stratum is empty (no_data), when a count is
// negative or not finite (invalid_value), or when RR_MH is undefined because
// Σ c·n1/N = 0 (zero_denominator); other undefined measures are NaN.
func MantelHaenszel(tables []Table) (MHResult, error) {
	var R, S, rdNum, rdDen, orNum, orDen, P, adns, bcns, lorA, lorMid, lorC, delta, v ksum
	var sa, sn1, sc, sn0 float64
	strata := 0
	for s, t := range tables {
		if err := checkTable(s, t); err != nil {
			return MHResult{}, err
		}
		a, b, c, d := t.A, t.B, t.C, t.D
		n1, n0 := a+b, c+d
		N := n1 + n0
		if N == 0 {
			continue
		}
		strata++
		m1, m0 := a+c, b+d
		R.add(a * n0 / N)
		S.add(c * n1 / N)
		rdNum.add((a*n0 - c*n1) / N)
		rdDen.add(n1 * n0 / N)
		orNum.add(a * d / N)
		orDen.add(b * c / N)
		P.add((n1*n0*m1 - a*c*N) / (N * N))
		apd := a + d
		adns.add(a * d / N)
		bcns.add(b * c / N)
		lorA.add(apd * a * d / (N * N))
		lorMid.add(apd*b*c/(N*N) + (1-apd/N)*a*d/N)
		lorC.add((1 - apd/N) * b * c / N)
		delta.add(a - n1*m1/N)
		if N > 1 {
			v.add(n1 * n0 * m1 * m0 / (N * N * (N - 1)))
		}
		sa += a
		sn1 += n1
		sc += c
		sn0 += n0
	}
	if strata == 0 {
		return MHResult{}, newError(CodeNoData, -1, -1, -1, false, "every stratum is empty")
	}
	if S.val() == 0 {
		return MHResult{}, newError(CodeZeroDenominator, -1, -1, -1, false, "RR_MH is undefined: the baseline has no successes in any stratum where the treatment also ran")
	}
	r := MHResult{Strata: strata}
	r.RR = R.val() / S.val()
	r.RelDiff = r.RR - 1
	r.RD = ratio(rdNum.val(), rdDen.val())
	r.OR = ratio(orNum.val(), orDen.val())
	r.CrudeRR = math.NaN()
	if sc != 0 && sn1 != 0 && sn0 != 0 {
		r.CrudeRR = (sa / sn1) / (sc / sn0)
	}
	r.LogRRSE = math.NaN()
	if R.val() != 0 {
		r.LogRRSE = math.Sqrt(P.val() / (R.val() * S.val()))
	}
	r.LogORSE = math.NaN()
	if ad, bc := adns.val(), bcns.val(); ad != 0 && bc != 0 {
		va := lorA.val()/(ad*ad) + lorMid.val()/(ad*bc) + lorC.val()/(bc*bc)
		r.LogORSE = math.Sqrt(va / 2)
	}
	r.CMHStatistic, r.CMHStatisticCorrected = math.NaN(), math.NaN()
	if V := v.val(); V > 0 {
		dl := delta.val()
		r.CMHStatistic = dl * dl / V
		c := math.Abs(dl) - 0.5
		r.CMHStatisticCorrected = c * c / V
	}
	r.CMHPValue = chi2SF1(r.CMHStatistic)
	r.CMHPValueCorrected = chi2SF1(r.CMHStatisticCorrected)
	return r, nil
}

// BinaryRecord is one observation of a binary outcome: in block Block,
// stratum Stratum (operator, host, robot), arm Arm had Successes out of
// Trials. Several records for the same block, stratum and arm add up.
type BinaryRecord struct {
	Block     int
	Stratum   string
	Arm       int
	Successes int
	Trials    int
}

// BinaryRelativeDifference estimates every non-baseline arm's relative
// difference in success rate from the baseline, RR − 1, with a jackknife CI
// over blocks: deleting a block removes its records from every stratum
// table. opt.Estimator is CMH, Mantel-Haenszel (the default; the zero value
// LogRatio means it too) or Crude (the pooled ratio, ignoring strata).
//
// Arms are compared in ascending arm order. Each comparison uses the records
// of the baseline and that arm; its jackknife units are the blocks (or
// groups) holding such records. Units are the distinct Block values in
// ascending order, so opt.GroupLabels holds one label per distinct block
// value in that order. In an *Error from this function, Block is a Block
// value, and Unit is a Block value (or a group index when grouped).
func BinaryRelativeDifference(records []BinaryRecord, baseline int, opt Options) ([]Estimate, error) {
	res, err := BinaryRelativeDifferenceByArm(records, baseline, opt)
	if err != nil {
		return nil, err
	}
	return firstArmError(res)
}

// BinaryRelativeDifferenceByArm is BinaryRelativeDifference with the outcome
// of every non-baseline arm kept apart, as RelativeDifferenceByArm: an arm
// that never succeeds (its risk ratio is 0 on the log scale) or has too few
// blocks is that arm's ArmResult.Err, and the other arms are estimated.
func BinaryRelativeDifferenceByArm(records []BinaryRecord, baseline int, opt Options) ([]ArmResult, error) {
	conf, err := opt.confidence()
	if err != nil {
		return nil, err
	}
	est := opt.Estimator
	if est == LogRatio {
		est = CMH
	}
	if est != CMH && est != Crude {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "estimator %s is for a block × arm matrix; binary records take cmh or crude", est)
	}
	if opt.Scale != Log && opt.Scale != Linear {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "unknown scale %d", int(opt.Scale))
	}
	blockIDs := []int{}
	seenBlock := map[int]bool{}
	arms := []int{}
	seenArm := map[int]bool{}
	for _, r := range records {
		if r.Successes < 0 || r.Trials < r.Successes {
			return nil, newError(CodeInvalidValue, r.Arm, r.Block, -1, false, "%d successes out of %d trials; need 0 <= successes <= trials", r.Successes, r.Trials)
		}
		if !seenBlock[r.Block] {
			seenBlock[r.Block] = true
			blockIDs = append(blockIDs, r.Block)
		}
		if !seenArm[r.Arm] {
			seenArm[r.Arm] = true
			arms = append(arms, r.Arm)
		}
	}
	sort.Ints(blockIDs)
	sort.Ints(arms)
	if !seenArm[baseline] {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "the baseline arm %d has no records", baseline)
	}
	if len(arms) < 2 {
		return nil, newError(CodeInvalidOption, -1, -1, -1, false, "need records of at least 2 arms (a baseline and one other), got %d", len(arms))
	}
	if len(blockIDs) < 2 {
		return nil, newError(CodeInsufficientBlocks, -1, -1, -1, false, "the jackknife needs at least 2 blocks, got %d", len(blockIDs))
	}
	u, err := makeUnits(len(blockIDs), opt)
	if err != nil {
		return nil, err
	}
	blockIndex := make(map[int]int, len(blockIDs))
	for i, id := range blockIDs {
		blockIndex[id] = i
	}
	// Index every record once: its jackknife unit and its stratum.
	strataIdx := map[string]int{}
	idx := make([]recordIndex, len(records))
	for i, r := range records {
		s, ok := strataIdx[r.Stratum]
		if !ok {
			s = len(strataIdx)
			strataIdx[r.Stratum] = s
		}
		idx[i] = recordIndex{unit: u.of[blockIndex[r.Block]], stratum: s}
	}
	var out []ArmResult
	for _, k := range arms {
		if k == baseline {
			continue
		}
		e, err := binaryArm(records, idx, len(strataIdx), baseline, k, u, blockIDs, conf, est, opt.Scale)
		if err == nil {
			err = checkRange(e)
		}
		out = append(out, ArmResult{Arm: k, Estimate: e, Err: err})
	}
	return out, nil
}

// recordIndex locates a record: its jackknife unit and its stratum number.
type recordIndex struct{ unit, stratum int }

// stratumCell is one unit's counts in one stratum.
type stratumCell struct {
	stratum int
	c       cell
}

// cell is one stratum's counts: treatment successes and trials, baseline
// successes and trials.
type cell struct{ a, n1, c, n0 float64 }

func (x *cell) addTo(y cell, sign float64) {
	x.a += sign * y.a
	x.n1 += sign * y.n1
	x.c += sign * y.c
	x.n0 += sign * y.n0
}

// mhTerms returns a stratum's terms of the RR_MH numerator and denominator.
func (x cell) mhTerms() (r, s float64) {
	N := x.n1 + x.n0
	if N == 0 {
		return 0, 0
	}
	return x.a * x.n0 / N, x.c * x.n1 / N
}

func binaryArm(records []BinaryRecord, idx []recordIndex, nStrata, base, k int, u *units, blockIDs []int, conf float64, est Estimator, scale Scale) (Estimate, error) {
	total, used, contrib := tallyCells(records, idx, nStrata, base, k, u.n)
	// The units of this comparison are those holding its records.
	var present []int
	for g := range u.n {
		if contrib[g] != nil {
			present = append(present, g)
		}
	}
	if len(present) < 2 {
		return Estimate{}, newError(CodeInsufficientBlocks, k, -1, -1, false, "the arm and the baseline have records in %d block(s); the jackknife needs at least 2", len(present))
	}
	var grand cell
	for _, c := range total {
		grand.addTo(c, 1)
	}
	if grand.n1+grand.n0 == 0 {
		return Estimate{}, newError(CodeNoData, k, -1, -1, false, "every stratum table is empty (no trials)")
	}

	// Per-stratum MH terms, with leave-one-stratum-out sums so that a unit
	// touching a single stratum costs O(1).
	rt := make([]ksum, len(total))
	st := make([]ksum, len(total))
	for s, c := range total {
		r, q := c.mhTerms()
		rt[s].add(r)
		st[s].add(q)
	}
	sumR, looR := looSums(rt)
	sumS, looS := looSums(st)

	rs := riskStat{arm: k, u: u, blockIDs: blockIDs, est: est, scale: scale}
	phi, err := rs.stat(sumR, sumS, grand, -1)
	if err != nil {
		return Estimate{}, err
	}
	reps := make([]float64, len(present))
	for i, g := range present {
		left := grand
		for _, sc := range contrib[g] {
			left.addTo(sc.c, -1)
		}
		a, b := withoutUnit(total, contrib[g], looR, looS)
		if reps[i], err = rs.stat(a, b, left, g); err != nil {
			return Estimate{}, err
		}
	}
	t := TCritical(len(present)-1, conf)
	e := finish(k, phi, reps, t, est, scale)
	var tables []Table
	for s, c := range total {
		if used[s] {
			tables = append(tables, Table{A: c.a, B: c.n1 - c.a, C: c.c, D: c.n0 - c.c})
		}
	}
	if mh, err := MantelHaenszel(tables); err == nil {
		e.MH = &mh
	}
	return e, nil
}

// tallyCells sums the records of arm k and the baseline into one cell per
// stratum (total; used marks the strata holding any) and, per jackknife
// unit, into that unit's cells by stratum (usually one).
func tallyCells(records []BinaryRecord, idx []recordIndex, nStrata, base, k, nUnits int) (total []cell, used []bool, contrib [][]stratumCell) {
	total = make([]cell, nStrata)
	used = make([]bool, nStrata)
	contrib = make([][]stratumCell, nUnits)
	first := make([]stratumCell, nUnits) // backing for each unit's first cell
	for i, r := range records {
		if r.Arm != base && r.Arm != k {
			continue
		}
		var c cell
		if r.Arm == k {
			c = cell{a: float64(r.Successes), n1: float64(r.Trials)}
		} else {
			c = cell{c: float64(r.Successes), n0: float64(r.Trials)}
		}
		s, g := idx[i].stratum, idx[i].unit
		total[s].addTo(c, 1)
		used[s] = true
		cs := contrib[g]
		j := 0
		for j < len(cs) && cs[j].stratum != s {
			j++
		}
		switch {
		case len(cs) == 0:
			first[g] = stratumCell{stratum: s, c: c}
			contrib[g] = first[g : g+1 : g+1]
		case j == len(cs):
			contrib[g] = append(cs, stratumCell{stratum: s, c: c})
		default:
			cs[j].c.addTo(c, 1)
		}
	}
	return total, used, contrib
}

// withoutUnit returns the RR_MH numerator and denominator sums with one
// unit's cells removed: in O(1) from the leave-one-stratum-out sums when
// the unit touches a single stratum, over every stratum otherwise.
func withoutUnit(total []cell, unit []stratumCell, looR, looS []float64) (R, S float64) {
	var a, b ksum
	if len(unit) == 1 {
		sc := unit[0]
		x := total[sc.stratum]
		x.addTo(sc.c, -1)
		r, q := x.mhTerms()
		a.add(looR[sc.stratum])
		a.add(r)
		b.add(looS[sc.stratum])
		b.add(q)
		return a.val(), b.val()
	}
	for s, x := range total {
		for _, sc := range unit {
			if sc.stratum == s {
				x.addTo(sc.c, -1)
			}
		}
		r, q := x.mhTerms()
		a.add(r)
		b.add(q)
	}
	return a.val(), b.val()
}

// riskStat computes one arm's statistic, the risk ratio on the chosen
// scale, from the MH sums and the crude cell: on all the data (unit -1) or
// with a unit left out.
type riskStat struct {
	arm      int
	u        *units
	blockIDs []int
	est      Estimator
	scale    Scale
}

func (rs riskStat) stat(R, S float64, g cell, unit int) (float64, error) {
	k, grouped := rs.arm, rs.u.grouped
	where := -1
	if unit >= 0 {
		where = unit
		if !grouped {
			where = rs.blockIDs[unit]
		}
	}
	if g.n1+g.n0 == 0 {
		return 0, newError(CodeNoData, k, -1, where, grouped, "no trials remain")
	}
	var rr float64
	if rs.est == CMH {
		if S == 0 {
			return 0, newError(CodeZeroDenominator, k, -1, where, grouped, "RR_MH is undefined: the baseline has no successes in any stratum where the arm also ran")
		}
		rr = R / S
	} else {
		if g.c == 0 || g.n1 == 0 || g.n0 == 0 {
			return 0, newError(CodeZeroDenominator, k, -1, where, grouped, "the crude risk ratio is undefined: %v baseline successes, %v arm trials, %v baseline trials", g.c, g.n1, g.n0)
		}
		rr = (g.a / g.n1) / (g.c / g.n0)
	}
	if rs.scale == Linear {
		return rr - 1, nil
	}
	if rr <= 0 {
		return 0, newError(CodeNonpositiveRatio, k, -1, where, grouped, "the risk ratio is %v (the arm has no successes); the log scale needs a ratio > 0 (use the linear scale)", rr)
	}
	return math.Log(rr), nil
}
