package site

import (
	"fmt"
	"html/template"
	"math"

	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/reports/chart"
)

// Chart geometry, in SVG user units (the plots scale with the page).
const (
	chartW, chartH             = 760.0, 300.0
	chartL, chartR             = 72.0, 16.0
	chartTop, chartBottom      = 22.0, 70.0
	maxCommitLabels            = 14
	changeLabelY               = 14.0
	pointRadius, relPointWidth = 3.2, 7.0
	// denseSpacing is the spacing of points, in user units, below which a
	// chart draws its series as lines and bands without a mark, link or
	// tooltip per point: marks that close cannot be told apart or clicked
	// (at 760 units wide, more than 224 runs), and the page's table lists
	// and links every run.
	denseSpacing = 3.0
)

// dense reports whether n points are too close to mark one by one.
func dense(n int) bool { return (chartW-chartL-chartR)/float64(max(n, 1)) < denseSpacing }

// xAxis places the points of a series evenly, in run order.
func xAxis(n int) chart.Scale {
	return chart.Scale{D0: -0.5, D1: float64(n) - 0.5, R0: chartL, R1: chartW - chartR}
}

// markSize scales a mark to the points' spacing, so that a long series
// stays readable: full at up to about 60 points, never below 1.6.
func markSize(full float64, n int) float64 {
	spacing := (chartW - chartL - chartR) / float64(max(n, 1))
	return max(1.6, min(full, 0.35*spacing))
}

// pointLabel is the short label of a point under the x axis: its commit,
// else its date.
func pointLabel(p Point) string {
	if c := p.Run.Commit; c != "" {
		return shortCommit(c)
	}
	return p.Run.Doc.Started.UTC().Format("01-02 15:04")
}

// commitAxis draws the x axis with every few points' labels, rotated.
func commitAxis(s *chart.SVG, pts []Point, xs chart.Scale, bottom float64, title string) {
	n := len(pts)
	step := max(1, int(math.Ceil(float64(n)/maxCommitLabels)))
	s.Line(chartL, bottom, chartW-chartR, bottom, "axis")
	// Label from the newest point backwards, so that the newest is labelled.
	for i := n - 1; i >= 0; i -= step {
		x := xs.At(float64(i))
		s.Line(x, bottom, x, bottom+4, "axis")
		s.RotatedText(x+3, bottom+12, -35, "end", "tick", pointLabel(pts[i]))
	}
	s.Text((chartL+chartW-chartR)/2, chartH-6, "middle", "axis-title", title)
}

// changeMarks draws a dashed line between the two points of each change,
// labelled with the change in percent.
func changeMarks(s *chart.SVG, b *Benchmark, ser *Series, xs chart.Scale, top, bottom float64) {
	for _, c := range ser.Changes {
		x := xs.At(float64(c.Index) - 0.5)
		words, class := changeWords(c.Rel, b.Metric, b.Better)
		s.Open("change "+class, fmt.Sprintf("change point before %s: %s, %s (%s → %s)", pointLabel(ser.Points[c.Index]), words,
			reports.FormatRel(relEstimate(c)), reports.FormatValue(c.Before, b.Metric), reports.FormatValue(c.After, b.Metric)))
		s.Line(x, top, x, bottom, "change-line")
		s.Text(x, changeLabelY, "middle", "change-label", reports.FormatPercent(c.Rel))
		s.Close()
	}
}

// timeChart draws the series' median per run with its confidence band,
// every point a link to its run's page, and the change points.
func timeChart(b *Benchmark, ser *Series, root string) template.HTML {
	pts := ser.Points
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = math.Min(lo, p.Lo), math.Max(hi, p.Hi)
	}
	if len(pts) == 0 || !(lo > 0 || lo == 0) || math.IsInf(hi, 0) {
		return ""
	}
	d0, d1, useLog := chart.ValueDomain(lo, hi, 0.08)
	bottom := chartH - chartBottom
	ys := chart.Scale{D0: d0, D1: d1, R0: bottom, R1: chartTop, Log: useLog}
	xs := xAxis(len(pts))
	label, title := chart.ValueAxis(b.Metric, hi)
	s := chart.NewSVG(chartW, chartH, "history", "median per run of "+b.Instance+" · "+b.Arm+" on "+ser.Machine)
	for _, t := range ys.Ticks(5) {
		y := ys.At(t)
		s.Line(chartL, y, chartW-chartR, y, "grid")
		s.Text(chartL-6, y+4, "end", "tick", label(t))
	}
	s.Line(chartL, chartTop, chartL, bottom, "axis")
	s.RotatedText(14, (chartTop+bottom)/2, -90, "middle", "axis-title", title)
	commitAxis(s, pts, xs, bottom, "run (oldest to newest), labelled by commit; band: CI of the median")
	band := make([]float64, 0, 4*len(pts))
	for i, p := range pts {
		band = append(band, xs.At(float64(i)), ys.At(p.Hi))
	}
	for i := len(pts) - 1; i >= 0; i-- {
		band = append(band, xs.At(float64(i)), ys.At(pts[i].Lo))
	}
	if len(pts) == 1 { // a band needs width: draw the one point's CI as a bar
		x := xs.At(0)
		band = []float64{x - 3, ys.At(pts[0].Hi), x + 3, ys.At(pts[0].Hi), x + 3, ys.At(pts[0].Lo), x - 3, ys.At(pts[0].Lo)}
	}
	s.Polygon(band, "band")
	changeMarks(s, b, ser, xs, chartTop, bottom)
	s.Open("series c1", "")
	line := make([]float64, 0, 2*len(pts))
	for i, p := range pts {
		line = append(line, xs.At(float64(i)), ys.At(p.Median))
	}
	if len(pts) > 1 {
		s.Polyline(line, "trace")
	}
	if dense(len(pts)) {
		s.Close()
		return s.HTML()
	}
	r := markSize(pointRadius, len(pts))
	for i, p := range pts {
		ci := "CI"
		if !p.Exact {
			ci = "range (too few blocks for a CI)"
		}
		tip := fmt.Sprintf("%s · %s: median %s, %g%% %s %s to %s, %d blocks", pointLabel(p), p.Run.Doc.Started.UTC().Format("2006-01-02 15:04 UTC"),
			reports.FormatValue(p.Median, b.Metric), 100*p.Confidence, ci, reports.FormatValue(p.Lo, b.Metric), reports.FormatValue(p.Hi, b.Metric), p.Blocks)
		s.OpenLink(runHref(root, p.Run))
		s.Open("pt", tip)
		s.Circle(xs.At(float64(i)), ys.At(p.Median), r, "mark")
		s.Close()
		s.CloseLink()
	}
	s.Close()
	return s.HTML()
}

// relChart draws each run's relative difference from the baseline with its
// CI; "" when no run compared the arm.
func relChart(b *Benchmark, ser *Series, root string) template.HTML {
	pts := ser.Points
	lo, hi := 0.0, 0.0
	compared := false
	for _, p := range pts {
		if p.Rel != nil {
			lo, hi, compared = math.Min(lo, 100*p.Rel.CILo), math.Max(hi, 100*p.Rel.CIHi), true
		}
	}
	if !compared {
		return ""
	}
	d0, d1 := chart.PadDomain(lo, hi, 0.08, false)
	bottom := chartH - chartBottom
	ys := chart.Scale{D0: d0, D1: d1, R0: bottom, R1: chartTop}
	xs := xAxis(len(pts))
	s := chart.NewSVG(chartW, chartH, "history-rel", "relative difference from "+b.Baseline+" per run of "+b.Instance+" · "+b.Arm+" on "+ser.Machine)
	for _, t := range chart.LinearTicks(d0, d1, 5) {
		y := ys.At(t)
		s.Line(chartL, y, chartW-chartR, y, "grid")
		lab := fmt.Sprintf("%+g%%", t)
		if t == 0 {
			lab = "0"
		}
		s.Text(chartL-6, y+4, "end", "tick", lab)
	}
	s.Line(chartL, ys.At(0), chartW-chartR, ys.At(0), "zero")
	s.Line(chartL, chartTop, chartL, bottom, "axis")
	s.RotatedText(14, (chartTop+bottom)/2, -90, "middle", "axis-title", "vs "+chart.Ellipsize(b.Baseline, 24)+" (%)")
	commitAxis(s, pts, xs, bottom, "run (oldest to newest), labelled by commit; whiskers: the run's CI")
	if dense(len(pts)) {
		relBand(s, pts, xs, ys)
		return s.HTML()
	}
	w := markSize(relPointWidth, len(pts))
	ciClass := "ci"
	if w < relPointWidth { // dense: thin whiskers, so that the estimates stay visible
		ciClass = "ci thin"
	}
	for i, p := range pts {
		if p.Rel == nil {
			continue
		}
		e := p.Rel
		x := xs.At(float64(i))
		tip := fmt.Sprintf("%s · %s: %s vs %s %s (%g%% CI), %s", pointLabel(p), p.Run.Doc.Started.UTC().Format("2006-01-02 15:04 UTC"),
			b.Arm, b.Baseline, reports.FormatRel(e), 100*p.Confidence, p.Verdict)
		s.OpenLink(runHref(root, p.Run))
		s.Open("est "+chart.VerdictClass(p.Verdict), tip)
		y0, y1 := ys.At(100*e.CILo), ys.At(100*e.CIHi)
		s.Line(x, y0, x, y1, ciClass)
		s.Rect(x-w/2, ys.At(100*e.Estimate)-w/2, w, w, "point")
		s.Close()
		s.CloseLink()
	}
	return s.HTML()
}

// relBand draws a dense series' relative differences as their CI band and
// a line through the estimates, broken where a run has none.
func relBand(s *chart.SVG, pts []Point, xs, ys chart.Scale) {
	for i := 0; i < len(pts); {
		if pts[i].Rel == nil {
			i++
			continue
		}
		j := i
		for j < len(pts) && pts[j].Rel != nil {
			j++
		}
		run := pts[i:j]
		band := make([]float64, 0, 4*len(run))
		line := make([]float64, 0, 2*len(run))
		for k, p := range run {
			x := xs.At(float64(i + k))
			band = append(band, x, ys.At(100*p.Rel.CIHi))
			line = append(line, x, ys.At(100*p.Rel.Estimate))
		}
		for k := len(run) - 1; k >= 0; k-- {
			band = append(band, xs.At(float64(i+k)), ys.At(100*run[k].Rel.CILo))
		}
		s.Polygon(band, "band")
		s.Open("series c1", "")
		s.Polyline(line, "trace")
		s.Close()
		i = j
	}
}
