package chart

import (
	"fmt"
	"math"
	"strconv"

	"github.com/benchy-dev/benchy/metric"
)

// Scale maps data values in [D0, D1] to pixels in [R0, R1], linearly or,
// with Log, on a log scale.
type Scale struct {
	D0, D1, R0, R1 float64
	Log            bool
}

// At is the pixel of v.
func (s Scale) At(v float64) float64 {
	d0, d1 := s.D0, s.D1
	if s.Log {
		v, d0, d1 = math.Log(v), math.Log(d0), math.Log(d1)
	}
	if d1 == d0 {
		return (s.R0 + s.R1) / 2
	}
	return s.R0 + (v-d0)/(d1-d0)*(s.R1-s.R0)
}

// Ticks are the scale's tick values: LogTicks on a log scale, else about n
// LinearTicks.
func (s Scale) Ticks(n int) []float64 {
	if s.Log {
		return LogTicks(s.D0, s.D1)
	}
	return LinearTicks(s.D0, s.D1, n)
}

// NiceStep is the 1-2-5 step that gives about n intervals over span.
func NiceStep(span float64, n int) float64 {
	if !(span > 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// LinearTicks returns about n 1-2-5 tick values within [lo, hi].
func LinearTicks(lo, hi float64, n int) []float64 {
	step := NiceStep(hi-lo, n)
	var out []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out
}

// LogTicks returns 1-2-5 tick values within [lo, hi] (lo > 0), thinned to
// the powers of ten when there would be more than about 8.
func LogTicks(lo, hi float64) []float64 {
	var all []float64
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				all = append(all, v)
			}
		}
	}
	if len(all) > 8 {
		var dec []float64
		for _, v := range all {
			if m := v / math.Pow(10, math.Floor(math.Log10(v)+1e-9)); math.Abs(m-1) < 1e-6 {
				dec = append(dec, v)
			}
		}
		if len(dec) >= 2 {
			return dec
		}
	}
	return all
}

// PadDomain widens [lo, hi] by frac on each side (multiplicatively on a
// log scale) and makes an empty range non-empty.
func PadDomain(lo, hi, frac float64, log bool) (float64, float64) {
	if log {
		r := math.Pow(hi/lo, frac)
		if r <= 1 {
			r = 1.1
		}
		return lo / r, hi * r
	}
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(hi), 1) * 0.1
	}
	return lo - frac*span, hi + frac*span
}

// ValueDomain is the domain of a plot of values from lo to hi: on a log
// scale when they are positive and span more than a factor of 10, widened
// by frac on each side (PadDomain), and never below 0 for values that are
// not negative.
func ValueDomain(lo, hi, frac float64) (d0, d1 float64, log bool) {
	log = lo > 0 && hi/lo > 10
	d0, d1 = PadDomain(lo, hi, frac, log)
	if !log && lo >= 0 && d0 < 0 {
		d0 = 0
	}
	return d0, d1, log
}

// ValueAxis chooses how a workload's values are labelled, given the
// largest: it returns the label of value v in the axis unit (for a time
// metric, s, ms, µs or ns) and the axis title, e.g. "time per iteration
// (ms)"; a metric in its own unit is labelled as recorded and titled by
// its name.
func ValueAxis(m string, maxValue float64) (label func(v float64) string, title string) {
	div, unit := 1.0, ""
	if metric.KindOf(m) == metric.Time {
		switch {
		case maxValue >= 1e9:
			div, unit = 1e9, "s"
		case maxValue >= 1e6:
			div, unit = 1e6, "ms"
		case maxValue >= 1e3:
			div, unit = 1e3, "µs"
		default:
			unit = "ns"
		}
	}
	label = func(v float64) string { return strconv.FormatFloat(v/div, 'g', 4, 64) }
	if unit == "" {
		return label, m
	}
	return label, metric.Title(m) + " (" + unit + ")"
}

// ArmColor is the CSS class (c0 to c7) of the k-th arm's colour.
func ArmColor(k int) string { return fmt.Sprintf("c%d", k%8) }

// VerdictClass is the CSS class of a verdict: good (faster, better,
// improved), bad (slower, worse, regressed) or neutral.
func VerdictClass(v metric.Verdict) string {
	switch v {
	case metric.Faster, metric.Better, metric.Improved:
		return "good"
	case metric.Slower, metric.Worse, metric.Regressed:
		return "bad"
	}
	return "neutral"
}

// Ellipsize shortens s to n runes with a trailing "…".
func Ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
