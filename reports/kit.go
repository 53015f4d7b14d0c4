package reports

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/benchy-dev/benchy/metric"
)

// This file exports the HTML report's drawing kit for other renderers of
// benchy's pages (the site package): the style sheet, the SVG builder with
// its one escaping path, the axis helpers and the arm colours. The report
// itself uses the unexported names.

// StyleSheet is the HTML report's CSS: colours (light, dark and print),
// typography, tables and the plot classes (grid, tick, axis, band, zero,
// mark, trace, the arm colours c0 to c7 and the good, bad and neutral
// verdict colours).
func StyleSheet() string { return htmlCSS }

// SVG builds one inline SVG plot. Every text and attribute value passed to
// its methods is escaped; numbers are written with one decimal.
type SVG struct{ s *svgBuilder }

// NewSVG starts a plot of w by h user units, with the CSS class "plot
// CLASS" and an accessible label.
func NewSVG(w, h float64, class, label string) *SVG {
	return &SVG{s: newSVG(w, h, class, label)}
}

// Line draws a line of the CSS class.
func (p *SVG) Line(x1, y1, x2, y2 float64, class string) { p.s.line(x1, y1, x2, y2, class) }

// Rect draws a rectangle (negative sizes are drawn as 0).
func (p *SVG) Rect(x, y, w, h float64, class string) { p.s.rect(x, y, w, h, class) }

// Text writes text anchored at start, middle or end.
func (p *SVG) Text(x, y float64, anchor, class, text string) { p.s.text(x, y, anchor, class, text) }

// TextTitled writes text with a tooltip (the full text, when shortened).
func (p *SVG) TextTitled(x, y float64, anchor, class, text, title string) {
	p.s.textTitled(x, y, anchor, class, text, title)
}

// Open starts a group of the CSS class with a tooltip title ("" for none);
// Close ends it.
func (p *SVG) Open(class, title string) { p.s.open(class, title) }

// Close ends the group Open started.
func (p *SVG) Close() { p.s.close() }

// Marker draws arm k's marker shape centred on x, y.
func (p *SVG) Marker(k int, x, y, r float64, class string) { p.s.marker(k, x, y, r, class) }

// Circle draws a circle.
func (p *SVG) Circle(x, y, r float64, class string) {
	fmt.Fprintf(&p.s.b, `<circle cx="%s" cy="%s" r="%s" class="%s"/>`, num(x), num(y), num(r), esc(class))
}

// Polyline draws the points (x0, y0, x1, y1, ...) joined by straight lines.
func (p *SVG) Polyline(xy []float64, class string) { p.path("polyline", xy, class) }

// Polygon draws the closed polygon through the points (x0, y0, x1, y1, ...).
func (p *SVG) Polygon(xy []float64, class string) { p.path("polygon", xy, class) }

func (p *SVG) path(elem string, xy []float64, class string) {
	pts := make([]string, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, num(xy[i])+","+num(xy[i+1]))
	}
	fmt.Fprintf(&p.s.b, `<%s points="%s" class="%s"/>`, elem, strings.Join(pts, " "), esc(class))
}

// OpenLink starts a link to href (escaped; the caller chooses a relative
// address it made itself) around the elements that follow; CloseLink ends
// it.
func (p *SVG) OpenLink(href string) { fmt.Fprintf(&p.s.b, `<a href="%s">`, esc(href)) }

// CloseLink ends the link OpenLink started.
func (p *SVG) CloseLink() { p.s.b.WriteString("</a>") }

// RotatedText writes text rotated by deg degrees about its anchor point.
func (p *SVG) RotatedText(x, y, deg float64, anchor, class, text string) {
	fmt.Fprintf(&p.s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s" transform="rotate(%s %s %s)">%s</text>`,
		num(x), num(y), anchor, esc(class), num(deg), num(x), num(y), esc(text))
}

// HTML ends the plot and returns it for an html/template.
func (p *SVG) HTML() template.HTML { return p.s.html() }

// Scale maps data values in [D0, D1] to pixels in [R0, R1], linearly or,
// with Log, on a log scale.
type Scale struct {
	D0, D1, R0, R1 float64
	Log            bool
}

// At is the pixel of v.
func (s Scale) At(v float64) float64 { return axisScale{s.D0, s.D1, s.R0, s.R1, s.Log}.at(v) }

// LinearTicks returns about n 1-2-5 tick values within [lo, hi].
func LinearTicks(lo, hi float64, n int) []float64 { return linearTicks(lo, hi, n) }

// LogTicks returns 1-2-5 tick values within [lo, hi] (lo > 0).
func LogTicks(lo, hi float64) []float64 { return logTicks(lo, hi) }

// NiceStep is the 1-2-5 step that gives about n intervals over span.
func NiceStep(span float64, n int) float64 { return niceStep(span, n) }

// PadDomain widens [lo, hi] by frac on each side (multiplicatively on a
// log scale) and makes an empty range non-empty.
func PadDomain(lo, hi, frac float64, log bool) (float64, float64) {
	return padDomain(lo, hi, frac, log)
}

// ValueAxis chooses how a workload's values are labelled, given the
// largest: it returns the label of value v in the axis unit (for a time
// metric, s, ms, µs or ns) and the axis title, e.g. "time per iteration
// (ms)".
func ValueAxis(metric string, maxValue float64) (label func(v float64) string, title string) {
	va := valueAxisFor(metric, maxValue)
	return va.label, va.title
}

// ArmColor is the CSS class (c0 to c7) of the k-th arm's colour.
func ArmColor(k int) string { return armColor(k) }

// VerdictClass is the CSS class of a verdict: good, bad or neutral.
func VerdictClass(verdict metric.Verdict) string { return verdictClass(verdict) }

// Ellipsize shortens s to n runes with a trailing "…".
func Ellipsize(s string, n int) string { return ellipsize(s, n) }

// MachineLine describes a run's machine in one line: host, platform, CPU
// and GPUs.
func (a *Analysis) MachineLine() string { return machineLine(a.Doc.Environment) }
