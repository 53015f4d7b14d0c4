package stats

import (
	"fmt"
	"math"
)

// DefaultMinBlocks is the minimum number of blocks before the stopping rule
// may stop a run, when StopRule.MinBlocks is 0.
const DefaultMinBlocks = 10

// StopRule is the precision-based stopping rule of docs/statistics.md ("Stopping"): stop
// once every arm's log-scale CI half-width t·SE is at most ln(1 + target),
// or at MaxBlocks. It never looks at where the interval lies, so it never
// stops on significance.
type StopRule struct {
	// MinBlocks is the number of blocks before the rule may stop on
	// precision; 0 means DefaultMinBlocks, and it is never below 2.
	MinBlocks int
	// MaxBlocks is the budget: the rule stops when it is reached (0 means
	// no limit).
	MaxBlocks int
	// TargetHalfWidth is the relative half-width to reach, e.g. 0.02 for
	// ±2%; 0 means no precision target (run to MaxBlocks).
	TargetHalfWidth float64
	// Confidence is the CI's level; 0 means 0.95.
	Confidence float64
	// Estimator is LogRatio (default) or Ratio; the half-width is always on
	// the log scale.
	Estimator Estimator
}

// StopDecision is the outcome of EvaluateStop.
type StopDecision struct {
	Stop bool
	// Reason says why, in words, for the results' stop_reason.
	Reason string
	// Blocks is the number of blocks evaluated.
	Blocks int
	// PrecisionReached reports whether every arm met the target.
	PrecisionReached bool
	// WorstArm is the column of the arm with the widest CI (-1 if none was
	// computed), WorstHalfWidth its log-scale half-width t·SE.
	WorstArm       int
	WorstHalfWidth float64
	// Target is the log-scale target ln(1 + TargetHalfWidth).
	Target float64
}

// EvaluateStop applies rule to the blocks so far (blocks[b][k], complete
// blocks only). The error is set when the estimates cannot be computed (for
// example a value <= 0 under logratio); the decision is still usable.
func EvaluateStop(blocks [][]float64, baseline int, rule StopRule) (StopDecision, error) {
	B := len(blocks)
	d := StopDecision{Blocks: B, WorstArm: -1}
	minB := rule.MinBlocks
	if minB == 0 {
		minB = DefaultMinBlocks
	}
	minB = max(minB, 2)
	atMax := rule.MaxBlocks > 0 && B >= rule.MaxBlocks
	if rule.TargetHalfWidth < 0 || math.IsNaN(rule.TargetHalfWidth) {
		return d, newError(CodeInvalidOption, -1, -1, -1, false, "target half-width %v is negative", rule.TargetHalfWidth)
	}
	if rule.TargetHalfWidth > 0 {
		d.Target = math.Log1p(rule.TargetHalfWidth)
	}
	var err error
	if B >= 2 && rule.TargetHalfWidth > 0 && (B >= minB || atMax) {
		var est []Estimate
		est, err = RelativeDifference(blocks, baseline, Options{Estimator: rule.Estimator, Confidence: rule.Confidence})
		if err == nil {
			d.WorstHalfWidth = -1
			for _, e := range est {
				if e.HalfWidth > d.WorstHalfWidth {
					d.WorstArm, d.WorstHalfWidth = e.Arm, e.HalfWidth
				}
			}
			d.PrecisionReached = d.WorstHalfWidth <= d.Target
		}
	}
	conf := rule.Confidence
	if conf == 0 {
		conf = DefaultConfidence
	}
	pct := func(h float64) string { return fmt.Sprintf("±%.3g%%", 100*math.Expm1(h)) }
	worst := func() string {
		return fmt.Sprintf("widest %g%% CI half-width %s (arm %d), target %s", 100*conf, pct(d.WorstHalfWidth), d.WorstArm, pct(d.Target))
	}
	switch {
	case d.PrecisionReached && B >= minB:
		d.Stop = true
		d.Reason = fmt.Sprintf("precision reached after %d blocks: %s", B, worst())
	case atMax:
		d.Stop = true
		switch {
		case rule.TargetHalfWidth == 0:
			d.Reason = fmt.Sprintf("max_blocks (%d) reached", rule.MaxBlocks)
		case d.WorstArm >= 0 && d.PrecisionReached:
			d.Reason = fmt.Sprintf("max_blocks (%d) reached; precision reached: %s", rule.MaxBlocks, worst())
		case d.WorstArm >= 0:
			d.Reason = fmt.Sprintf("max_blocks (%d) reached; precision not reached: %s", rule.MaxBlocks, worst())
		default:
			d.Reason = fmt.Sprintf("max_blocks (%d) reached; precision not reached", rule.MaxBlocks)
		}
	case B < minB:
		d.Reason = fmt.Sprintf("%d of at least %d blocks", B, minB)
	case rule.TargetHalfWidth == 0:
		d.Reason = "no precision target: running to max_blocks"
	case err != nil:
		d.Reason = "precision cannot be evaluated: " + err.Error()
	default:
		d.Reason = fmt.Sprintf("precision not reached after %d blocks: %s", B, worst())
	}
	return d, err
}
