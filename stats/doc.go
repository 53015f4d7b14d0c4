// Package stats turns benchmark blocks into estimates: the relative
// difference of each arm from a baseline with a delete-one-block (or
// delete-a-group) jackknife confidence interval, Mantel-Haenszel estimates for
// stratified binary outcomes, per-arm summaries of raw samples, the
// precision-based stopping rule and A/A false-positive counts.
//
// The conventions are those of the project's statistics note
// (docs/statistics.md) and are pinned by the oracle's known-answer
// vectors:
//
//   - The unit of analysis is the block; each arm in a block is paired with the
//     baseline run of the same block.
//   - LogRatio (default) estimates θ = exp(mean_b ln(y_bk/y_b0)) − 1, Ratio
//     estimates θ = Σ_b y_bk / Σ_b y_b0 − 1, MantelHaenszel estimates
//     θ = RR_MH − 1 over strata.
//   - The variance is the delete-one-block jackknife, or the delete-a-group
//     jackknife over contiguous groups or explicit group labels (hosts).
//   - The jackknife runs on the log scale (φ = ln ratio) unless the linear
//     scale is asked for; the CI is φ̂ ± t·SE mapped back with exp(·) − 1.
//   - The critical value is Student's t with df = units − 1; the CI is centred
//     on the plug-in estimate; SE = 0 gives the degenerate CI [θ̂, θ̂].
//   - An estimate is significant when its CI excludes 0 strictly.
//
// Everything is O(B) per arm (closed-form leave-one-out sums), computed with
// compensated summation so that replicates match an exact leave-one-out
// recomputation to well within 1e-9.
//
// Undefined inputs are reported as *Error values with stable codes
// (insufficient_blocks, nonpositive_value, zero_denominator,
// nonpositive_ratio, ...) that name the block and arm concerned.
//
// The package imports nothing else of benchy's.
package stats
