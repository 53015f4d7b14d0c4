// Package metric owns what benchy knows about a workload's metric: its
// kind (a duration, a pass/fail outcome, or a quantity in its own unit),
// its title for people, which direction is better, and the verdict a
// relative difference from the baseline earns, in the words every report
// uses (faster, slower, better, worse; regressed, improved and the other
// verdicts of benchy compare's gate). It imports nothing else of benchy's.
package metric

import "strings"

// Direction says which way a metric is better. Its JSON is the suite's
// word, "lower" or "higher".
type Direction string

// The two directions. Lower is the default: a suite that says nothing
// measures a time.
const (
	Lower  Direction = "lower"
	Higher Direction = "higher"
)

// HigherIsBetter reports whether d is Higher; any other value, the empty
// one included, reads as Lower.
func (d Direction) HigherIsBetter() bool { return d == Higher }

// Word is "higher" or "lower", the direction in words (any value but
// Higher reads "lower"). Direction has no String method, so that %s of
// it prints what was recorded.
func (d Direction) Word() string {
	if d.HigherIsBetter() {
		return string(Higher)
	}
	return string(Lower)
}

// Kind is what a metric's values are.
type Kind int

// Kinds of metric.
const (
	// Quantity is a value in the metric's own unit ("MB", "items/s").
	Quantity Kind = iota
	// Time is a duration, recorded in nanoseconds and printed as one.
	Time
	// PassFail is a binary outcome: 1 (pass) or 0 (fail) per iteration.
	PassFail
)

// String names the kind: "quantity", "time" or "pass/fail".
func (k Kind) String() string {
	switch k {
	case Time:
		return "time"
	case PassFail:
		return "pass/fail"
	}
	return "quantity"
}

// KindOf tells a metric's kind from its name as the suite wrote it: a
// time unit ("ns", "ms", "s", "ms/op"; empty: the default "ns"), a
// pass/fail name ("pass", "success", "pass/fail", "bool"), else a quantity.
func KindOf(metric string) Kind {
	m := strings.ToLower(strings.TrimSpace(metric))
	switch m {
	case "pass", "success", "pass/fail", "bool":
		return PassFail
	}
	unit, _, _ := strings.Cut(m, "/")
	switch unit {
	case "", "ns", "us", "µs", "ms", "s", "sec", "seconds", "time":
		return Time
	}
	return Quantity
}

// Title names a metric for people: "time per iteration" for a duration,
// else the metric as the suite wrote it.
func Title(metric string) string {
	if KindOf(metric) == Time {
		return "time per iteration"
	}
	return metric
}

// Verdict is what a comparison with the baseline found, in words.
type Verdict string

// Verdicts of an arm against its baseline.
const (
	Baseline     Verdict = "baseline"
	Faster       Verdict = "faster"
	Slower       Verdict = "slower"
	Better       Verdict = "better"
	Worse        Verdict = "worse"
	NoDifference Verdict = "no significant difference"
	NotCompared  Verdict = "not compared"
	// NotMeasured is the verdict of an arm that is ok but has no measured
	// sample: the run stopped before it ran in a complete measured block.
	NotMeasured Verdict = "not measured"
)

// Verdicts of benchy compare's gate, which weighs a change's CI, oriented
// so that positive is worse, against a threshold; a row without an
// estimate is NotCompared.
const (
	// Regressed: the whole CI lies beyond the threshold on the worse side.
	Regressed Verdict = "regressed"
	// Improved: the whole CI lies beyond the threshold on the better side.
	Improved Verdict = "improved"
	// Equivalent: the whole CI lies within ±threshold.
	Equivalent Verdict = "equivalent"
	// Inconclusive: the CI excludes 0 but straddles the threshold, so the
	// change is real but its size against the threshold is unknown.
	Inconclusive Verdict = "inconclusive"
	// NoChange: the CI contains 0 and reaches beyond ±threshold.
	NoChange Verdict = "no significant change"
)

// Judge words a relative difference rel (arm/baseline − 1) of a metric of
// kind k that is better in direction d: NoDifference unless significant;
// then, when higher is better, Better or Worse; for a time, Slower or
// Faster; else (lower is better) Worse or Better.
func Judge(significant bool, rel float64, k Kind, d Direction) Verdict {
	if !significant {
		return NoDifference
	}
	up := rel > 0
	switch {
	case d.HigherIsBetter():
		return pick(up, Better, Worse)
	case k == Time:
		return pick(up, Slower, Faster)
	}
	return pick(up, Worse, Better)
}

func pick(up bool, ifUp, ifDown Verdict) Verdict {
	if up {
		return ifUp
	}
	return ifDown
}
