package reports

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// Comparison methods.
const (
	MethodPaired   = "paired"
	MethodUnpaired = "unpaired"
)

// CompareOptions configure Compare and ComparePaired.
type CompareOptions struct {
	// Threshold is the smallest change that matters, as a fraction
	// (0.02 = 2%); 0 gates on any significant change.
	Threshold float64
	// Confidence is the CI's level; 0 uses each workload's recorded
	// confidence (0.95 by default).
	Confidence float64
	// Strict also fails on a significant regression whose CI straddles
	// the threshold, on an instance that BASE has and HEAD lacks or could
	// not measure, and (two runs) on runs from different setups.
	Strict bool
	// Uncorrected reports every row at Confidence as it is. By default,
	// since the gate claims "some instance regressed", the CIs of m > 1
	// compared rows are Bonferroni-corrected: each at 1 − (1 − confidence)/m,
	// which keeps the chance of any false verdict at or below 1 − confidence.
	Uncorrected bool
}

// Multiple-comparison corrections of a Comparison.
const (
	CorrectionBonferroni = "bonferroni"
	CorrectionNone       = "none"
)

// Comparison is HEAD against BASE, instance by instance.
type Comparison struct {
	// Method is MethodPaired (arms of one results file, paired by block)
	// or MethodUnpaired (the same instances in two files).
	Method string
	// Base and Head name the two sides: file paths, or "baseline arm" and
	// "each arm" for a paired comparison.
	Base, Head string
	Threshold  float64
	Strict     bool
	// Correction is CorrectionBonferroni or CorrectionNone; Comparisons is
	// the number of compared rows it was applied over.
	Correction  string
	Comparisons int
	Rows        []*CompareRow
	// Setup lists how the setups of two compared runs differ (unpaired
	// comparisons only); with Strict, any difference fails the gate.
	Setup []results.SetupDifference
	// DifferentSuites says, for two runs, why they come from different
	// suites (their suite names differ, or they share no workload
	// instance); "" when they are runs of the same suite. benchy compare
	// refuses such runs unless --force, and then notes it.
	DifferentSuites string
	// Notes are things the reader must know, e.g. that the runs differ in
	// machine fingerprint, or that a run did not complete.
	Notes []string
}

// CompareRow is one workload/arm instance's change from BASE to HEAD.
type CompareRow struct {
	Workload string
	// Arm is the HEAD arm; BaseArm the arm it is compared with (the same
	// name across files, the baseline arm within one file).
	Arm, BaseArm string
	Metric       string
	Better       metric.Direction
	// BaseValue and HeadValue are the geometric means of the per-block
	// values; BaseBlocks and HeadBlocks count the blocks used.
	BaseValue, HeadValue   float64
	BaseBlocks, HeadBlocks int
	// Change is HEAD/BASE − 1 with its CI at Confidence (after any
	// multiple-comparison correction); SE is the standard error of
	// ln(1 + Change); DF is the t distribution's degrees of freedom
	// (Welch's for unpaired).
	Change, CILo, CIHi float64
	SE, DF             float64
	Confidence         float64
	Compared           bool
	Verdict            metric.Verdict
	// Reason explains a row that was not compared.
	Reason string
	// Fails reports whether this row makes compare exit 1.
	Fails bool
}

// Failed reports whether the gate fails: a row fails it, or Strict and
// the runs come from different setups.
func (c *Comparison) Failed() bool {
	if c.refusesSetup() {
		return true
	}
	for _, r := range c.Rows {
		if r.Fails {
			return true
		}
	}
	return false
}

// ComparePaired compares, within one results document, every arm with its
// workload instance's baseline over the blocks in which both ran: the
// recommended form, since interleaving cancels machine drift. The change is
// the jackknife estimate of the analysis.
func ComparePaired(doc *results.Document, opt CompareOptions) (*Comparison, error) {
	if err := checkCompareOptions(opt); err != nil {
		return nil, err
	}
	c := &Comparison{Method: MethodPaired, Base: "baseline arm", Head: "each other arm", Threshold: opt.Threshold, Strict: opt.Strict}
	if n := incompleteNote("the run", doc); n != "" {
		c.Notes = append(c.Notes, n)
	}
	for _, w := range doc.Workloads {
		conf := confidenceOr(opt.Confidence, w)
		var base *results.Arm
		for _, a := range w.Arms {
			if a.Baseline {
				base = a
			}
		}
		for _, a := range w.Arms {
			if a.Baseline {
				continue
			}
			row := &CompareRow{Workload: w.Name, Arm: a.Name, Metric: w.Metric, Better: w.Better, Confidence: conf}
			if base == nil {
				row.Reason = "the workload instance has no baseline arm"
				c.add(row)
				continue
			}
			row.BaseArm = base.Name
			m := w.Paired(base.Name, a.Name)
			row.BaseBlocks, row.HeadBlocks = len(m), len(m)
			if len(m) > 0 {
				row.BaseValue, row.HeadValue = geomean(results.Column(m, 0)), geomean(results.Column(m, 1))
			}
			if why := failedComparison(base, a); why != "" {
				row.Reason = why
				c.add(row)
				continue
			}
			if a.Status != results.ArmOK && len(m) < minComparableBlocks {
				row.Reason = fmt.Sprintf("%s: %s", a.Status, a.Reason)
				c.add(row)
				continue
			}
			est, err := stats.RelativeDifference(m, 0, stats.Options{Confidence: conf})
			if err != nil || len(est) != 1 {
				row.Reason = fmt.Sprintf("%d paired block(s): %v", len(m), err)
				c.add(row)
				continue
			}
			e := est[0]
			if why := unresolved(metric.KindOf(w.Metric), e, m); why != "" {
				row.Reason = why
				c.add(row)
				continue
			}
			row.Change, row.CILo, row.CIHi, row.SE, row.DF, row.Compared = e.Estimate, e.CILo, e.CIHi, e.SE, float64(e.DF), true
			c.add(row)
		}
	}
	c.decide(opt)
	return c, nil
}

// Compare matches the workload and arm instances of two results documents
// by name and estimates each one's change from BASE to HEAD. The runs are
// independent, so the interval is unpaired: Welch's t interval on the
// logarithms of the per-block values, mapped back to a ratio of geometric
// means. Machine drift between the runs is not controlled; interleave both
// revisions as arms of one run (ComparePaired) where you can.
func Compare(base, head *results.Document, opt CompareOptions) (*Comparison, error) {
	if err := checkCompareOptions(opt); err != nil {
		return nil, err
	}
	c := &Comparison{Method: MethodUnpaired, Threshold: opt.Threshold, Strict: opt.Strict}
	c.Notes = append(c.Notes, "unpaired comparison of two runs: Welch t interval on log per-block values; drift between the runs is not controlled (interleave both revisions in one run for a paired comparison)")
	if fb, fh := base.Environment.Fingerprint(), head.Environment.Fingerprint(); fb != fh {
		c.Notes = append(c.Notes, fmt.Sprintf("the runs were made on different machine setups (fingerprint %s vs %s): %s vs %s",
			fb, fh, machineLine(base.Environment), machineLine(head.Environment)))
	}
	c.Setup = results.SetupDifferences(base, head)
	for _, d := range c.Setup {
		c.Notes = append(c.Notes, "setup differs — "+d.String())
	}
	if c.DifferentSuites = differentSuites(base, head); c.DifferentSuites != "" {
		c.Notes = append(c.Notes, "different suites: "+c.DifferentSuites)
	}
	for _, side := range []struct {
		name string
		doc  *results.Document
	}{{"BASE", base}, {"HEAD", head}} {
		if n := incompleteNote(side.name, side.doc); n != "" {
			c.Notes = append(c.Notes, n)
		}
	}
	headW := map[string]*results.Workload{}
	for _, w := range head.Workloads {
		headW[w.Name] = w
	}
	baseW := map[string]bool{}
	for _, bw := range base.Workloads {
		baseW[bw.Name] = true
		hw := headW[bw.Name]
		headArms := map[string]*results.Arm{}
		if hw != nil {
			for _, a := range hw.Arms {
				headArms[a.Name] = a
			}
		}
		seen := map[string]bool{}
		for _, ba := range bw.Arms {
			seen[ba.Name] = true
			row := &CompareRow{Workload: bw.Name, Arm: ba.Name, BaseArm: ba.Name, Metric: bw.Metric, Better: bw.Better}
			bv := bw.Values(ba.Name)
			row.BaseBlocks = len(bv)
			row.BaseValue = geomean(bv)
			if hw == nil {
				row.Confidence = confidenceOr(opt.Confidence, bw)
				row.Reason = "the workload instance is missing in HEAD"
				c.add(row)
				continue
			}
			row.Confidence = confidenceOr(opt.Confidence, hw)
			if hw.Metric != bw.Metric || hw.Better != bw.Better {
				row.Reason = fmt.Sprintf("the metric changed: %q (%s is better) in BASE, %q (%s is better) in HEAD", bw.Metric, bw.Better, hw.Metric, hw.Better)
				c.add(row)
				continue
			}
			if headArms[ba.Name] == nil {
				row.Reason = "the arm is missing in HEAD"
				c.add(row)
				continue
			}
			hv := hw.Values(ba.Name)
			row.HeadBlocks = len(hv)
			row.HeadValue = geomean(hv)
			if why := failedSide(ba, headArms[ba.Name]); why != "" {
				row.Reason = why
				c.add(row)
				continue
			}
			if len(bv) < minComparableBlocks || len(hv) < minComparableBlocks {
				row.Reason = fmt.Sprintf("%d measured block(s) in BASE and %d in HEAD; at least %d on each side are needed", len(bv), len(hv), minComparableBlocks)
				c.add(row)
				continue
			}
			e, err := stats.WelchLogRatio(bv, hv, row.Confidence)
			if err != nil {
				row.Reason = unpairedReason(err)
				c.add(row)
				continue
			}
			row.Change, row.CILo, row.CIHi, row.SE, row.DF, row.Compared = e.Estimate, e.CILo, e.CIHi, e.SE, e.DF, true
			c.add(row)
		}
		if hw != nil {
			for _, ha := range hw.Arms {
				if !seen[ha.Name] {
					c.Notes = append(c.Notes, fmt.Sprintf("%s · %s is new in HEAD (nothing to compare it with)", hw.Name, ha.Name))
				}
			}
		}
	}
	for _, hw := range head.Workloads {
		if !baseW[hw.Name] {
			c.Notes = append(c.Notes, fmt.Sprintf("workload instance %s is new in HEAD (nothing to compare it with)", hw.Name))
		}
	}
	c.decide(opt)
	return c, nil
}

// differentSuites says why two runs come from different suites, or "".
func differentSuites(base, head *results.Document) string {
	if b, h := base.Suite.Name(), head.Suite.Name(); b != h {
		return fmt.Sprintf("BASE ran suite %s (%s), HEAD ran suite %s (%s)", b, base.Suite.Path, h, head.Suite.Path)
	}
	if len(base.Workloads) == 0 || len(head.Workloads) == 0 {
		return ""
	}
	names := map[string]bool{}
	for _, w := range base.Workloads {
		names[w.Name] = true
	}
	for _, w := range head.Workloads {
		if names[w.Name] {
			return ""
		}
	}
	return fmt.Sprintf("BASE and HEAD have no workload instance in common (BASE has %s, HEAD has %s)",
		plural(len(base.Workloads), "instance", "instances"), plural(len(head.Workloads), "instance", "instances"))
}

// incompleteNote says that a run did not complete (it was interrupted,
// killed, or failed), so that its instances may hold fewer blocks than
// planned; "" for a complete run, and for one that ran out of its block
// budget, which finished as planned.
func incompleteNote(side string, doc *results.Document) string {
	switch doc.Status {
	case results.StatusComplete, results.StatusBudgetExhausted:
		return ""
	}
	status := doc.Status
	if status == "" || status == results.StatusRunning {
		status = "not finished (read from its journal, or the run was killed)"
	}
	n := fmt.Sprintf("%s is incomplete: %s", side, status)
	if r := strings.TrimSpace(strings.TrimPrefix(doc.StopReason, doc.Status+":")); r != "" && r != doc.Status {
		n += " — " + r
	}
	return n + "; its instances may hold fewer blocks than planned"
}

// refusesSetup reports whether Strict refuses the runs for their setups.
func (c *Comparison) refusesSetup() bool { return c.Strict && len(c.Setup) > 0 }

func checkCompareOptions(opt CompareOptions) error {
	if opt.Threshold < 0 || math.IsNaN(opt.Threshold) || opt.Threshold >= 1 {
		return fmt.Errorf("threshold %v is not a fraction in [0, 1)", opt.Threshold)
	}
	if opt.Confidence != 0 && !(opt.Confidence > 0 && opt.Confidence < 1) {
		return fmt.Errorf("confidence %v is not in (0, 1)", opt.Confidence)
	}
	return nil
}

func confidenceOr(conf float64, w *results.Workload) float64 {
	if conf > 0 {
		return conf
	}
	return w.Confidence()
}

// add records a row; decide gives it its verdict once every row is in.
func (c *Comparison) add(r *CompareRow) { c.Rows = append(c.Rows, r) }

// decide applies the multiple-comparison correction over the compared
// rows, then gives every row its verdict.
func (c *Comparison) decide(opt CompareOptions) {
	c.Correction = CorrectionBonferroni
	if opt.Uncorrected {
		c.Correction = CorrectionNone
	}
	for _, r := range c.Rows {
		if r.Compared {
			c.Comparisons++
		}
	}
	if c.Correction == CorrectionBonferroni && c.Comparisons > 1 {
		m := float64(c.Comparisons)
		var family, each float64
		for _, r := range c.Rows {
			if !r.Compared {
				continue
			}
			if family == 0 {
				family = r.Confidence
			}
			r.Confidence = 1 - (1-r.Confidence)/m
			if each == 0 {
				each = r.Confidence
			}
			r.CILo, r.CIHi = stats.LogScaleCI(math.Log1p(r.Change), r.SE, r.DF, r.Confidence)
		}
		c.Notes = append(c.Notes, fmt.Sprintf("Bonferroni correction over %d comparisons: each CI is at %s confidence, so that the chance of any false verdict stays within %s (--correction none reports each at its own level)",
			c.Comparisons, percentLevel(each), percentLevel(1-family)))
	}
	for _, r := range c.Rows {
		r.decide(opt)
	}
}

// percentLevel prints a probability as a percentage, e.g. "99.75%".
func percentLevel(p float64) string { return strconv.FormatFloat(100*p, 'g', 6, 64) + "%" }

// decide gives the row its verdict and says whether it fails the gate.
func (r *CompareRow) decide(opt CompareOptions) {
	if !r.Compared {
		r.Verdict = metric.NotCompared
		r.Fails = opt.Strict
		return
	}
	// Orient the CI so that positive is worse.
	worseLo, worseHi := r.CILo, r.CIHi
	if r.Better.HigherIsBetter() {
		worseLo, worseHi = -r.CIHi, -r.CILo
	}
	t := opt.Threshold
	switch {
	case worseLo > t:
		r.Verdict, r.Fails = metric.Regressed, true
	case worseHi < -t:
		r.Verdict = metric.Improved
	case t > 0 && worseLo > -t && worseHi < t:
		r.Verdict = metric.Equivalent
	case worseLo > 0 || worseHi < 0:
		r.Verdict = metric.Inconclusive
		r.Fails = opt.Strict && worseLo > 0
	default:
		r.Verdict = metric.NoChange
	}
}

// geomean is the geometric mean of positive values (NaN when empty or
// when a value is not positive).
func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		if !(x > 0) {
			return math.NaN()
		}
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

// failedSide says why an arm of two runs is not compared when it failed
// in either (see failedComparison); "" when it failed in neither.
func failedSide(base, head *results.Arm) string {
	for _, side := range []struct {
		name string
		arm  *results.Arm
	}{{"BASE", base}, {"HEAD", head}} {
		if side.arm.Status == results.ArmFailed {
			return fmt.Sprintf("failed in %s: %s", side.name, strings.TrimPrefix(side.arm.Reason, "failed: "))
		}
	}
	return ""
}

// unpairedReason words a stats error of the two-run comparison with the
// runs' names: BASE and HEAD, and blocks numbered from 1.
func unpairedReason(err error) string {
	var se *stats.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	return se.Format(stats.Names{
		Arm:   func(i int) string { return [...]string{"BASE", "HEAD"}[i] },
		Block: func(i int) string { return strconv.Itoa(i + 1) },
	})
}

// Headline is the gate's one-line verdict.
func (c *Comparison) Headline() string {
	counts := map[metric.Verdict]int{}
	for _, r := range c.Rows {
		counts[r.Verdict]++
	}
	var parts []string
	for _, v := range []metric.Verdict{metric.Regressed, metric.Improved, metric.Equivalent, metric.Inconclusive, metric.NoChange, metric.NotCompared} {
		if counts[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[v], v))
		}
	}
	gate := "pass"
	if c.Failed() {
		gate = "FAIL"
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to compare")
	}
	if c.refusesSetup() {
		whats := make([]string, len(c.Setup))
		for i, d := range c.Setup {
			whats[i] = d.What
		}
		gate += fmt.Sprintf(": --strict refuses runs from different setups (%s)", strings.Join(whats, ", "))
	}
	return fmt.Sprintf("%s: %s (threshold ±%s, %s)", gate, strings.Join(parts, ", "), strings.TrimPrefix(FormatPercent(c.Threshold), "+"), c.Method)
}
