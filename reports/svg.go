package reports

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/reports/chart"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// forestRow is one line of a forest plot.
type forestRow struct {
	// Group, when set, is shown as a heading above its rows (the workload
	// instance, in the overview).
	Group   string
	Label   string
	Est     *stats.Estimate
	Verdict metric.Verdict
	// Note replaces the estimate text when there is no estimate.
	Note string
}

// valueCharWidth is the advance of one character of a plot's value text
// (11.5px monospace: 0.6em) in the plots' user units, and forestValueGap the
// space between a forest plot's axis and its value column.
const (
	valueCharWidth = 6.9
	forestValueGap = 10.0
)

// forestPlot draws each row's relative difference with its CI against a
// vertical line at 0. The axis is linear in percent unless the ratios span
// more than 8x, where it turns logarithmic in the ratio (labelled ×0.1, ×1).
// threshold, when > 0, shades the ±threshold band of compare. Rows with a
// Group get a heading line whenever the group changes. Without any estimate
// there is nothing to draw, and it returns "".
func forestPlot(rows []forestRow, confidence, threshold float64, label string) template.HTML {
	if !slices.ContainsFunc(rows, func(r forestRow) bool { return r.Est != nil }) {
		return ""
	}
	const W, L, rowH, top, bottom = 760.0, 240.0, 26.0, 12.0, 44.0
	// The right margin holds each row's estimate and CI as text: wide
	// enough for the longest, so that it never runs out of the figure.
	R := 210.0
	for _, r := range rows {
		text := r.Note
		if r.Est != nil {
			text = FormatRel(r.Est)
		}
		R = max(R, forestValueGap+valueCharWidth*float64(utf8.RuneCountInString(text))+4)
	}
	type line struct {
		group string
		row   *forestRow
	}
	var lines []line
	prev := ""
	for i := range rows {
		if g := rows[i].Group; g != "" && g != prev {
			lines = append(lines, line{group: g})
			prev = g
		}
		lines = append(lines, line{row: &rows[i]})
	}
	H := top + rowH*float64(max(len(lines), 1)) + bottom
	s := chart.NewSVG(W, H, "forest", label)
	lo, hi := 1.0, 1.0 // ratio domain
	for _, r := range rows {
		if r.Est != nil {
			lo = math.Min(lo, 1+r.Est.CILo)
			hi = math.Max(hi, 1+r.Est.CIHi)
		}
	}
	if threshold > 0 {
		lo, hi = math.Min(lo, 1-threshold), math.Max(hi, 1+threshold)
	}
	useLog := lo > 0 && hi/lo > 8
	var sc chart.Scale
	if useLog {
		d0, d1 := chart.PadDomain(lo, hi, 0.06, true)
		sc = chart.Scale{D0: d0, D1: d1, R0: L, R1: W - R, Log: true}
	} else {
		d0, d1 := chart.PadDomain(100*(lo-1), 100*(hi-1), 0.08, false)
		sc = chart.Scale{D0: d0, D1: d1, R0: L, R1: W - R}
	}
	pos := func(ratio float64) float64 {
		if useLog {
			return sc.At(math.Max(ratio, sc.D0))
		}
		return sc.At(100 * (ratio - 1))
	}
	plotBottom := top + rowH*float64(len(lines))
	if threshold > 0 {
		s.Rect(pos(1-threshold), top, pos(1+threshold)-pos(1-threshold), plotBottom-top, "band")
	}
	forestAxis(s, sc, top, plotBottom)
	zero := pos(1)
	s.Line(zero, top-4, zero, plotBottom, "zero")
	axisTitle := fmt.Sprintf("relative difference vs baseline, %g%% CI", 100*confidence)
	if useLog {
		axisTitle = fmt.Sprintf("ratio to baseline (log scale), %g%% CI", 100*confidence)
	}
	if threshold > 0 {
		axisTitle += fmt.Sprintf("; shaded: ±%g%% threshold", 100*threshold)
	}
	s.Text((L+W-R)/2, plotBottom+36, "middle", "axis-title", axisTitle)
	for i, ln := range lines {
		y := top + rowH*(float64(i)+0.5)
		if ln.row == nil {
			s.TextTitled(8, y+4, "start", "group", chart.Ellipsize(ln.group, 100), ln.group)
			continue
		}
		r := ln.row
		x := L - 10
		s.TextTitled(x, y+4, "end", "label", chart.Ellipsize(r.Label, 34), r.Label)
		if r.Est == nil {
			s.Text(W-R+forestValueGap, y+4, "start", "value muted", r.Note)
			continue
		}
		e := r.Est
		full := r.Label
		if r.Group != "" {
			full = r.Group + " · " + r.Label
		}
		est, lo, hi := formatCI(e.Estimate, e.CILo, e.CIHi)
		title := fmt.Sprintf("%s: %s (%g%% CI %s to %s), %s, %d blocks", full, est, 100*confidence, lo, hi, r.Verdict, e.Units)
		s.Open("est "+chart.VerdictClass(r.Verdict), title)
		x0, x1, xm := pos(1+e.CILo), pos(1+e.CIHi), pos(1+e.Estimate)
		s.Line(x0, y, x1, y, "ci")
		s.Line(x0, y-5, x0, y+5, "ci")
		s.Line(x1, y-5, x1, y+5, "ci")
		s.Rect(xm-4.5, y-4.5, 9, 9, "point")
		s.Close()
		s.Text(W-R+forestValueGap, y+4, "start", "value "+chart.VerdictClass(r.Verdict), FormatRel(e))
	}
	return s.HTML()
}

// forestAxis draws the forest plot's grid lines, tick labels and axis line
// for rows that span top to plotBottom.
func forestAxis(s *chart.SVG, sc chart.Scale, top, plotBottom float64) {
	for _, t := range sc.Ticks(6) {
		x := sc.At(t)
		s.Line(x, top, x, plotBottom, "grid")
		lab := ""
		if sc.Log {
			lab = "×" + strings.TrimSuffix(formatRatio(t), "×")
		} else {
			lab = fmt.Sprintf("%+g%%", t)
			if t == 0 {
				lab = "0"
			}
		}
		s.Text(x, plotBottom+16, "middle", "tick", lab)
	}
	s.Line(sc.R0, plotBottom, sc.R1, plotBottom, "axis")
}

// timelinePlot draws every arm's per-block value in block order: warm-up
// blocks shaded, throttled runs ringed, failed runs crossed at the bottom.
func timelinePlot(wa *WorkloadAnalysis, label string) template.HTML {
	w := wa.Source
	const W, H, L, R, top, bottom = 760.0, 280.0, 72.0, 16.0, 14.0, 46.0
	s := chart.NewSVG(W, H, "timeline", label)
	nb := len(w.Blocks)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range w.Blocks {
		for _, r := range b.Runs {
			if v, ok := b.Value(r.Arm); ok {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if nb == 0 || math.IsInf(lo, 1) {
		return "" // nothing to draw
	}
	d0, d1, useLog := chart.ValueDomain(lo, hi, 0.08)
	ys := chart.Scale{D0: d0, D1: d1, R0: H - bottom, R1: top, Log: useLog}
	xs := chart.Scale{D0: -0.5, D1: float64(nb) - 0.5, R0: L, R1: W - R}
	yLabel, yTitle := chart.ValueAxis(wa.Metric, hi)
	// Shade warm-up and incomplete blocks.
	for _, b := range w.Blocks {
		if !b.Measured() {
			x := xs.At(float64(b.Index) - 0.5)
			s.Rect(x, top, xs.At(float64(b.Index)+0.5)-x, H-bottom-top, "warm")
		}
	}
	for _, t := range ys.Ticks(5) {
		y := ys.At(t)
		s.Line(L, y, W-R, y, "grid")
		s.Text(L-6, y+4, "end", "tick", yLabel(t))
	}
	step := math.Max(1, chart.NiceStep(float64(nb), 10))
	for i := 0.0; i < float64(nb); i += step {
		x := xs.At(i)
		s.Line(x, H-bottom, x, H-bottom+4, "axis")
		s.Text(x, H-bottom+17, "middle", "tick", strconv.Itoa(int(i)))
	}
	s.Line(L, H-bottom, W-R, H-bottom, "axis")
	s.Line(L, top, L, H-bottom, "axis")
	title := "block (in run order)"
	if w.Sequential() {
		title = "block (sequential: every block of one arm ran before the next arm's)"
	}
	if w.Blocks[0].Warmup {
		title += "; shaded: warm-up"
	}
	if loadMarks(s, w, xs, top) {
		title += "; bar on top: host load above the CPU count"
	}
	s.Text((L+W-R)/2, H-8, "middle", "axis-title", title)
	s.Element(`<text x="14" y="%s" text-anchor="middle" class="axis-title" transform="rotate(-90 14 %s)">%s</text>`,
		(top+H-bottom)/2, (top+H-bottom)/2, yTitle)
	for k, arm := range w.Arms {
		s.Open("series "+chart.ArmColor(k), "")
		var pts []float64
		for _, b := range w.Blocks {
			if v, ok := b.Value(arm.Name); ok {
				pts = append(pts, xs.At(float64(b.Index)), ys.At(v))
			}
		}
		if len(pts) > 2 {
			s.Polyline(pts, "trace")
		}
		for _, b := range w.Blocks {
			r, ok := b.Run(arm.Name)
			if !ok {
				continue
			}
			x := xs.At(float64(b.Index))
			where := blockPlace(b)
			v, ok := b.Value(arm.Name)
			if !ok {
				s.Open("failed", fmt.Sprintf("%s · %s: failed: %s", where, arm.Name, r.Error))
				s.Element(`<path d="M%s %sL%s %sM%s %sL%s %s" class="x"/>`,
					x-4, H-bottom-12, x+4, H-bottom-4, x-4, H-bottom-4, x+4, H-bottom-12)
				s.Close()
				continue
			}
			tip := fmt.Sprintf("%s · %s: %s per iteration, %d iterations, ran %d of %d", where, arm.Name,
				FormatValue(v, wa.Metric), len(r.NS), turnOf(b, arm.Name), len(b.Order))
			t, hasT := telemetryOf(r.Telemetry)
			if hasT {
				if d := t.Describe(); d != "" {
					tip += " · " + d
				}
			}
			s.Open("pt", tip)
			y := ys.At(v)
			if hasT && t.Throttled {
				s.Element(`<circle cx="%s" cy="%s" r="8" class="throttled"/>`, x, y)
			}
			s.Marker(k, x, y, 3.6, "mark")
			s.Close()
		}
		s.Close()
	}
	return s.HTML()
}

// blockPlace names a block in a tooltip: its index, and whether it was a
// warm-up or cut short.
func blockPlace(b *results.Block) string {
	where := fmt.Sprintf("block %d", b.Index)
	if b.Warmup {
		where += " (warm-up)"
	}
	if b.Incomplete {
		where += " (incomplete)"
	}
	return where
}

// turnOf is the arm's 1-based position in the block's order (the last, if
// it is listed twice), or 0 when it is not in it.
func turnOf(b *results.Block, arm string) int {
	pos := 0
	for i, o := range b.Order {
		if o == arm {
			pos = i + 1
		}
	}
	return pos
}

// boxStats are Tukey box-plot statistics of sorted samples.
type boxStats struct {
	q1, med, q3, lo, hi float64
	outliers            []float64
}

func tukey(sorted []float64) boxStats {
	b := boxStats{q1: stats.Quantile(sorted, 0.25), med: stats.Quantile(sorted, 0.5), q3: stats.Quantile(sorted, 0.75)}
	iqr := b.q3 - b.q1
	fl, fh := b.q1-1.5*iqr, b.q3+1.5*iqr
	b.lo, b.hi = b.q3, b.q1
	for _, v := range sorted {
		if v < fl || v > fh {
			b.outliers = append(b.outliers, v)
			continue
		}
		b.lo, b.hi = math.Min(b.lo, v), math.Max(b.hi, v)
	}
	return b
}

// maxOutlierMarks caps the outliers drawn per arm (the most extreme are kept).
const maxOutlierMarks = 40

// distributionPlot draws, per arm, a Tukey box plot of every timed
// iteration in the measured blocks, with the per-block values (the unit of
// analysis) as dots above the box.
func distributionPlot(wa *WorkloadAnalysis, label string) template.HTML {
	w := wa.Source
	const W, L, R, rowH, top, bottom = 760.0, 240.0, 150.0, 34.0, 10.0, 44.0
	type armData struct {
		k       int
		name    string
		samples []float64
		blocks  []float64
	}
	var arms []armData
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, arm := range w.Arms {
		d := armData{k: k, name: arm.Name}
		for b, r := range measuredRuns(w, arm.Name) {
			if r.Error != "" {
				continue
			}
			for _, ns := range r.NS {
				d.samples = append(d.samples, float64(ns))
			}
			if v, ok := b.Value(arm.Name); ok {
				d.blocks = append(d.blocks, v)
			}
		}
		if len(d.samples) == 0 {
			continue
		}
		sort.Float64s(d.samples)
		lo, hi = math.Min(lo, d.samples[0]), math.Max(hi, d.samples[len(d.samples)-1])
		arms = append(arms, d)
	}
	if len(arms) == 0 {
		return "" // nothing to draw
	}
	H := top + rowH*float64(len(arms)) + bottom
	s := chart.NewSVG(W, H, "distribution", label)
	d0, d1, useLog := chart.ValueDomain(lo, hi, 0.04)
	xs := chart.Scale{D0: d0, D1: d1, R0: L, R1: W - R, Log: useLog}
	xLabel, xTitle := chart.ValueAxis(wa.Metric, hi)
	plotBottom := top + rowH*float64(len(arms))
	for _, t := range xs.Ticks(6) {
		x := xs.At(t)
		s.Line(x, top, x, plotBottom, "grid")
		s.Text(x, plotBottom+16, "middle", "tick", xLabel(t))
	}
	s.Line(L, plotBottom, W-R, plotBottom, "axis")
	title := xTitle + "; box: quartiles, whiskers: 1.5 IQR, dots: block means"
	if useLog {
		title += " (log scale)"
	}
	s.Text((L+W-R)/2, plotBottom+36, "middle", "axis-title", title)
	for i, d := range arms {
		y := top + rowH*(float64(i)+0.5)
		s.TextTitled(L-10, y+4, "end", "label", chart.Ellipsize(d.name, 34), d.name)
		bs := tukey(d.samples)
		s.Open("box "+chart.ArmColor(d.k), fmt.Sprintf("%s: median %s, quartiles %s to %s, whiskers %s to %s, %d samples, %d outliers",
			d.name, FormatValue(bs.med, wa.Metric), FormatValue(bs.q1, wa.Metric), FormatValue(bs.q3, wa.Metric),
			FormatValue(bs.lo, wa.Metric), FormatValue(bs.hi, wa.Metric), len(d.samples), len(bs.outliers)))
		by := y + 3
		s.Line(xs.At(bs.lo), by, xs.At(bs.q1), by, "whisker")
		s.Line(xs.At(bs.q3), by, xs.At(bs.hi), by, "whisker")
		s.Line(xs.At(bs.lo), by-5, xs.At(bs.lo), by+5, "whisker")
		s.Line(xs.At(bs.hi), by-5, xs.At(bs.hi), by+5, "whisker")
		s.Rect(xs.At(bs.q1), by-7, xs.At(bs.q3)-xs.At(bs.q1), 14, "iqr")
		s.Line(xs.At(bs.med), by-7, xs.At(bs.med), by+7, "median")
		out := bs.outliers
		if len(out) > maxOutlierMarks { // keep the most extreme on each side
			out = append(append([]float64{}, out[:maxOutlierMarks/2]...), out[len(out)-maxOutlierMarks/2:]...)
		}
		for _, v := range out {
			s.Element(`<circle cx="%s" cy="%s" r="2" class="outlier"/>`, xs.At(v), by)
		}
		s.Close()
		s.Open("blocks "+chart.ArmColor(d.k), "")
		for j, v := range d.blocks {
			s.Element(`<circle cx="%s" cy="%s" r="2.4" class="dot"><title>%s</title></circle>`,
				xs.At(v), y-9-float64(j%3)*2, fmt.Sprintf("%s: block mean %s", d.name, FormatValue(v, wa.Metric)))
		}
		s.Close()
		s.Text(W-R+10, y+7, "start", "value", "median "+FormatValue(bs.med, wa.Metric))
	}
	return s.HTML()
}
