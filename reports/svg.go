package reports

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// The plots are hand-built SVG rather than gonum/plot: the page needs plots
// that scale with the page (viewBox, no fixed point size), take their
// colours and fonts from the page's CSS (so that print and dark mode apply),
// carry a <title> tooltip with the exact number on every mark, and share one
// escaping path with the rest of the HTML. gonum/plot's SVG back end writes
// fixed-size drawings with inline styles and measures text with its own
// embedded fonts, which the browser then replaces with others.

// svgBuilder accumulates one SVG element. Every text and attribute value
// that can come from a results document goes through esc.
type svgBuilder struct {
	b    strings.Builder
	w, h float64
}

func esc(s string) string { return html.EscapeString(s) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func newSVG(w, h float64, class, label string) *svgBuilder {
	s := &svgBuilder{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" class="plot %s" role="img" aria-label="%s">`,
		num(w), num(h), esc(class), esc(label))
	return s
}

func (s *svgBuilder) html() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // #nosec: every value inside was escaped by esc
}

func (s *svgBuilder) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`, num(x1), num(y1), num(x2), num(y2), esc(class))
}

func (s *svgBuilder) rect(x, y, w, h float64, class string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" class="%s"/>`, num(x), num(y), num(math.Max(w, 0)), num(math.Max(h, 0)), esc(class))
}

// text writes a text element; anchor is start, middle or end.
func (s *svgBuilder) text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, num(x), num(y), anchor, esc(class), esc(t))
}

// textTitled is text that shows full in a tooltip when shown shortened.
func (s *svgBuilder) textTitled(x, y float64, anchor, class, t, title string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s"><title>%s</title>%s</text>`, num(x), num(y), anchor, esc(class), esc(title), esc(t))
}

func (s *svgBuilder) open(class, title string) {
	fmt.Fprintf(&s.b, `<g class="%s">`, esc(class))
	if title != "" {
		fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	}
}

func (s *svgBuilder) close() { s.b.WriteString("</g>") }

// marker draws shape k (0 circle, 1 square, 2 triangle, 3 diamond, 4 down
// triangle, 5 plus) centred on x, y, so that arms differ in print too.
func (s *svgBuilder) marker(k int, x, y, r float64, class string) {
	switch k % 6 {
	case 0:
		fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" class="%s"/>`, num(x), num(y), num(r), esc(class))
	case 1:
		s.rect(x-r*0.9, y-r*0.9, 1.8*r, 1.8*r, class)
	case 2:
		fmt.Fprintf(&s.b, `<path d="M%s %sL%s %sL%s %sZ" class="%s"/>`, num(x), num(y-1.2*r), num(x+1.1*r), num(y+0.8*r), num(x-1.1*r), num(y+0.8*r), esc(class))
	case 3:
		fmt.Fprintf(&s.b, `<path d="M%s %sL%s %sL%s %sL%s %sZ" class="%s"/>`, num(x), num(y-1.3*r), num(x+1.1*r), num(y), num(x), num(y+1.3*r), num(x-1.1*r), num(y), esc(class))
	case 4:
		fmt.Fprintf(&s.b, `<path d="M%s %sL%s %sL%s %sZ" class="%s"/>`, num(x), num(y+1.2*r), num(x+1.1*r), num(y-0.8*r), num(x-1.1*r), num(y-0.8*r), esc(class))
	default:
		fmt.Fprintf(&s.b, `<path d="M%s %sH%sM%s %sV%s" class="%s cross"/>`, num(x-r), num(y), num(x+r), num(x), num(y-r), num(y+r), esc(class))
	}
}

// axisScale maps data values to pixels, linearly or on a log scale.
type axisScale struct {
	d0, d1, r0, r1 float64
	log            bool
}

func (a axisScale) at(v float64) float64 {
	d0, d1 := a.d0, a.d1
	if a.log {
		v, d0, d1 = math.Log(v), math.Log(d0), math.Log(d1)
	}
	if d1 == d0 {
		return (a.r0 + a.r1) / 2
	}
	return a.r0 + (v-d0)/(d1-d0)*(a.r1-a.r0)
}

// niceStep is the 1-2-5 step that gives about n intervals over span.
func niceStep(span float64, n int) float64 {
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

// linearTicks returns nice tick values within [lo, hi].
func linearTicks(lo, hi float64, n int) []float64 {
	step := niceStep(hi-lo, n)
	var out []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out
}

// logTicks returns 1-2-5 ticks within [lo, hi] (lo > 0), thinned to at
// most about 8.
func logTicks(lo, hi float64) []float64 {
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

// valueAxis chooses the unit in which a workload's values are labelled.
type valueAxis struct {
	div   float64
	unit  string
	title string
}

func valueAxisFor(m string, maxV float64) valueAxis {
	if metric.KindOf(m) != metric.Time {
		return valueAxis{div: 1, unit: m, title: m}
	}
	switch {
	case maxV >= 1e9:
		return valueAxis{1e9, "s", "time per iteration (s)"}
	case maxV >= 1e6:
		return valueAxis{1e6, "ms", "time per iteration (ms)"}
	case maxV >= 1e3:
		return valueAxis{1e3, "µs", "time per iteration (µs)"}
	default:
		return valueAxis{1, "ns", "time per iteration (ns)"}
	}
}

func (v valueAxis) label(x float64) string {
	return strconv.FormatFloat(x/v.div, 'g', 4, 64)
}

// padDomain widens [lo, hi] by frac on each side (multiplicatively on a
// log scale) and makes an empty range non-empty.
func padDomain(lo, hi, frac float64, log bool) (float64, float64) {
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

// ellipsize shortens s to n runes with a trailing "…".
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

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

func verdictClass(v metric.Verdict) string {
	switch v {
	case metric.Faster, metric.Better, metric.Improved:
		return "good"
	case metric.Slower, metric.Worse, metric.Regressed:
		return "bad"
	}
	return "neutral"
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
	s := newSVG(W, H, "forest", label)
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
	var sc axisScale
	if useLog {
		d0, d1 := padDomain(lo, hi, 0.06, true)
		sc = axisScale{d0, d1, L, W - R, true}
	} else {
		d0, d1 := padDomain(100*(lo-1), 100*(hi-1), 0.08, false)
		sc = axisScale{d0, d1, L, W - R, false}
	}
	pos := func(ratio float64) float64 {
		if useLog {
			return sc.at(math.Max(ratio, sc.d0))
		}
		return sc.at(100 * (ratio - 1))
	}
	plotBottom := top + rowH*float64(len(lines))
	if threshold > 0 {
		s.rect(pos(1-threshold), top, pos(1+threshold)-pos(1-threshold), plotBottom-top, "band")
	}
	forestAxis(s, sc, top, plotBottom)
	zero := pos(1)
	s.line(zero, top-4, zero, plotBottom, "zero")
	axisTitle := fmt.Sprintf("relative difference vs baseline, %g%% CI", 100*confidence)
	if useLog {
		axisTitle = fmt.Sprintf("ratio to baseline (log scale), %g%% CI", 100*confidence)
	}
	if threshold > 0 {
		axisTitle += fmt.Sprintf("; shaded: ±%g%% threshold", 100*threshold)
	}
	s.text((L+W-R)/2, plotBottom+36, "middle", "axis-title", axisTitle)
	for i, ln := range lines {
		y := top + rowH*(float64(i)+0.5)
		if ln.row == nil {
			s.textTitled(8, y+4, "start", "group", ellipsize(ln.group, 100), ln.group)
			continue
		}
		r := ln.row
		x := L - 10
		s.textTitled(x, y+4, "end", "label", ellipsize(r.Label, 34), r.Label)
		if r.Est == nil {
			s.text(W-R+forestValueGap, y+4, "start", "value muted", r.Note)
			continue
		}
		e := r.Est
		full := r.Label
		if r.Group != "" {
			full = r.Group + " · " + r.Label
		}
		est, lo, hi := formatCI(e.Estimate, e.CILo, e.CIHi)
		title := fmt.Sprintf("%s: %s (%g%% CI %s to %s), %s, %d blocks", full, est, 100*confidence, lo, hi, r.Verdict, e.Units)
		s.open("est "+verdictClass(r.Verdict), title)
		x0, x1, xm := pos(1+e.CILo), pos(1+e.CIHi), pos(1+e.Estimate)
		s.line(x0, y, x1, y, "ci")
		s.line(x0, y-5, x0, y+5, "ci")
		s.line(x1, y-5, x1, y+5, "ci")
		s.rect(xm-4.5, y-4.5, 9, 9, "point")
		s.close()
		s.text(W-R+forestValueGap, y+4, "start", "value "+verdictClass(r.Verdict), FormatRel(e))
	}
	return s.html()
}

// forestAxis draws the forest plot's grid lines, tick labels and axis line
// for rows that span top to plotBottom.
func forestAxis(s *svgBuilder, sc axisScale, top, plotBottom float64) {
	var ticks []float64
	if sc.log {
		ticks = logTicks(sc.d0, sc.d1)
	} else {
		ticks = linearTicks(sc.d0, sc.d1, 6)
	}
	for _, t := range ticks {
		x := sc.at(t)
		s.line(x, top, x, plotBottom, "grid")
		lab := ""
		if sc.log {
			lab = "×" + strings.TrimSuffix(formatRatio(t), "×")
		} else {
			lab = fmt.Sprintf("%+g%%", t)
			if t == 0 {
				lab = "0"
			}
		}
		s.text(x, plotBottom+16, "middle", "tick", lab)
	}
	s.line(sc.r0, plotBottom, sc.r1, plotBottom, "axis")
}

// armColor is the CSS class of the k-th arm's colour.
func armColor(k int) string { return fmt.Sprintf("c%d", k%8) }

// timelinePlot draws every arm's per-block value in block order: warm-up
// blocks shaded, throttled runs ringed, failed runs crossed at the bottom.
func timelinePlot(wa *WorkloadAnalysis, label string) template.HTML {
	w := wa.Source
	const W, H, L, R, top, bottom = 760.0, 280.0, 72.0, 16.0, 14.0, 46.0
	s := newSVG(W, H, "timeline", label)
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
	useLog := lo > 0 && hi/lo > 10
	d0, d1 := padDomain(lo, hi, 0.08, useLog)
	if !useLog && lo >= 0 && d0 < 0 {
		d0 = 0
	}
	ys := axisScale{d0, d1, H - bottom, top, useLog}
	xs := axisScale{-0.5, float64(nb) - 0.5, L, W - R, false}
	va := valueAxisFor(wa.Metric, hi)
	// Shade warm-up and incomplete blocks.
	for _, b := range w.Blocks {
		if !b.Measured() {
			x := xs.at(float64(b.Index) - 0.5)
			s.rect(x, top, xs.at(float64(b.Index)+0.5)-x, H-bottom-top, "warm")
		}
	}
	var yt []float64
	if useLog {
		yt = logTicks(d0, d1)
	} else {
		yt = linearTicks(d0, d1, 5)
	}
	for _, t := range yt {
		y := ys.at(t)
		s.line(L, y, W-R, y, "grid")
		s.text(L-6, y+4, "end", "tick", va.label(t))
	}
	step := math.Max(1, niceStep(float64(nb), 10))
	for i := 0.0; i < float64(nb); i += step {
		x := xs.at(i)
		s.line(x, H-bottom, x, H-bottom+4, "axis")
		s.text(x, H-bottom+17, "middle", "tick", strconv.Itoa(int(i)))
	}
	s.line(L, H-bottom, W-R, H-bottom, "axis")
	s.line(L, top, L, H-bottom, "axis")
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
	s.text((L+W-R)/2, H-8, "middle", "axis-title", title)
	fmt.Fprintf(&s.b, `<text x="14" y="%s" text-anchor="middle" class="axis-title" transform="rotate(-90 14 %s)">%s</text>`,
		num((top+H-bottom)/2), num((top+H-bottom)/2), esc(va.title))
	for k, arm := range w.Arms {
		s.open("series "+armColor(k), "")
		var pts []string
		for _, b := range w.Blocks {
			if v, ok := b.Value(arm.Name); ok {
				pts = append(pts, num(xs.at(float64(b.Index)))+","+num(ys.at(v)))
			}
		}
		if len(pts) > 1 {
			fmt.Fprintf(&s.b, `<polyline points="%s" class="trace"/>`, strings.Join(pts, " "))
		}
		for _, b := range w.Blocks {
			r, ok := b.Run(arm.Name)
			if !ok {
				continue
			}
			x := xs.at(float64(b.Index))
			where := blockPlace(b)
			v, ok := b.Value(arm.Name)
			if !ok {
				s.open("failed", fmt.Sprintf("%s · %s: failed: %s", where, arm.Name, r.Error))
				fmt.Fprintf(&s.b, `<path d="M%s %sL%s %sM%s %sL%s %s" class="x"/>`,
					num(x-4), num(H-bottom-12), num(x+4), num(H-bottom-4), num(x-4), num(H-bottom-4), num(x+4), num(H-bottom-12))
				s.close()
				continue
			}
			tip := fmt.Sprintf("%s · %s: %s per iteration, %d iterations, ran %d of %d", where, arm.Name,
				FormatValue(v, wa.Metric), len(r.NS), turnOf(b, arm.Name), len(b.Order))
			t, hasT := TelemetryOf(r.Telemetry)
			if hasT {
				if d := t.Describe(); d != "" {
					tip += " · " + d
				}
			}
			s.open("pt", tip)
			y := ys.at(v)
			if hasT && t.Throttled {
				fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="8" class="throttled"/>`, num(x), num(y))
			}
			s.marker(k, x, y, 3.6, "mark")
			s.close()
		}
		s.close()
	}
	return s.html()
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
		for _, b := range w.Blocks {
			if !b.Measured() {
				continue
			}
			r, ok := b.Run(arm.Name)
			if !ok || r.Error != "" {
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
	s := newSVG(W, H, "distribution", label)
	useLog := lo > 0 && hi/lo > 10
	d0, d1 := padDomain(lo, hi, 0.04, useLog)
	if !useLog && lo >= 0 && d0 < 0 {
		d0 = 0
	}
	xs := axisScale{d0, d1, L, W - R, useLog}
	va := valueAxisFor(wa.Metric, hi)
	plotBottom := top + rowH*float64(len(arms))
	var ticks []float64
	if useLog {
		ticks = logTicks(d0, d1)
	} else {
		ticks = linearTicks(d0, d1, 6)
	}
	for _, t := range ticks {
		x := xs.at(t)
		s.line(x, top, x, plotBottom, "grid")
		s.text(x, plotBottom+16, "middle", "tick", va.label(t))
	}
	s.line(L, plotBottom, W-R, plotBottom, "axis")
	title := va.title + "; box: quartiles, whiskers: 1.5 IQR, dots: block means"
	if useLog {
		title += " (log scale)"
	}
	s.text((L+W-R)/2, plotBottom+36, "middle", "axis-title", title)
	for i, d := range arms {
		y := top + rowH*(float64(i)+0.5)
		s.textTitled(L-10, y+4, "end", "label", ellipsize(d.name, 34), d.name)
		bs := tukey(d.samples)
		s.open("box "+armColor(d.k), fmt.Sprintf("%s: median %s, quartiles %s to %s, whiskers %s to %s, %d samples, %d outliers",
			d.name, FormatValue(bs.med, wa.Metric), FormatValue(bs.q1, wa.Metric), FormatValue(bs.q3, wa.Metric),
			FormatValue(bs.lo, wa.Metric), FormatValue(bs.hi, wa.Metric), len(d.samples), len(bs.outliers)))
		by := y + 3
		s.line(xs.at(bs.lo), by, xs.at(bs.q1), by, "whisker")
		s.line(xs.at(bs.q3), by, xs.at(bs.hi), by, "whisker")
		s.line(xs.at(bs.lo), by-5, xs.at(bs.lo), by+5, "whisker")
		s.line(xs.at(bs.hi), by-5, xs.at(bs.hi), by+5, "whisker")
		s.rect(xs.at(bs.q1), by-7, xs.at(bs.q3)-xs.at(bs.q1), 14, "iqr")
		s.line(xs.at(bs.med), by-7, xs.at(bs.med), by+7, "median")
		out := bs.outliers
		if len(out) > maxOutlierMarks { // keep the most extreme on each side
			out = append(append([]float64{}, out[:maxOutlierMarks/2]...), out[len(out)-maxOutlierMarks/2:]...)
		}
		for _, v := range out {
			fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="2" class="outlier"/>`, num(xs.at(v)), num(by))
		}
		s.close()
		s.open("blocks "+armColor(d.k), "")
		for j, v := range d.blocks {
			fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="2.4" class="dot"><title>%s</title></circle>`,
				num(xs.at(v)), num(y-9-float64(j%3)*2), esc(fmt.Sprintf("%s: block mean %s", d.name, FormatValue(v, wa.Metric))))
		}
		s.close()
		s.text(W-R+10, y+7, "start", "value", "median "+FormatValue(bs.med, wa.Metric))
	}
	return s.html()
}
