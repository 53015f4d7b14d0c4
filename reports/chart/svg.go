// Package chart is the drawing kit of benchy's HTML pages, the run report
// (package reports) and the history site (package site): the style sheet
// they share, an SVG builder through which every text and attribute value
// is escaped, linear and log scales with 1-2-5 ticks, value axes in a
// metric's unit, and the CSS classes of arms and verdicts. What to draw is
// the caller's.
//
// The plots are hand-built SVG rather than gonum/plot: the pages need plots
// that scale with the page (viewBox, no fixed point size), take their
// colours and fonts from the page's CSS (so that print and dark mode apply),
// carry a <title> tooltip with the exact number on every mark, and share one
// escaping path with the rest of the HTML. gonum/plot's SVG back end writes
// fixed-size drawings with inline styles and measures text with its own
// embedded fonts, which the browser then replaces with others.
package chart

import (
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

//go:embed style.css
var styleSheet string

// StyleSheet is the pages' CSS: colours (light, dark and print),
// typography, tables and the plot classes (grid, tick, axis, band, zero,
// mark, trace, the arm colours c0 to c7 of ArmColor and the good, bad and
// neutral verdict colours of VerdictClass).
func StyleSheet() string { return styleSheet }

// SVG builds one inline SVG plot. Every text and attribute value passed to
// its methods is escaped; numbers are written with one decimal.
type SVG struct{ b strings.Builder }

func esc(s string) string { return html.EscapeString(s) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// NewSVG starts a plot of w by h user units, with the CSS class "plot
// CLASS" and an accessible label.
func NewSVG(w, h float64, class, label string) *SVG {
	s := &SVG{}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" class="plot %s" role="img" aria-label="%s">`,
		num(w), num(h), esc(class), esc(label))
	return s
}

// HTML ends the plot and returns it for an html/template.
func (s *SVG) HTML() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // #nosec: every value inside was escaped by esc
}

// Element writes an element the other methods do not draw. The verbs of
// format are all %s: a string argument is escaped, a float64 is written
// with one decimal as every method writes numbers, and any other value as
// %v would, escaped. Constant parts (a fixed radius, a rotation) go in
// format itself.
func (s *SVG) Element(format string, args ...any) {
	vals := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			vals[i] = esc(v)
		case float64:
			vals[i] = num(v)
		default:
			vals[i] = esc(fmt.Sprint(v))
		}
	}
	fmt.Fprintf(&s.b, format, vals...)
}

// Line draws a line of the CSS class.
func (s *SVG) Line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`, num(x1), num(y1), num(x2), num(y2), esc(class))
}

// Rect draws a rectangle (negative sizes are drawn as 0).
func (s *SVG) Rect(x, y, w, h float64, class string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" class="%s"/>`, num(x), num(y), num(math.Max(w, 0)), num(math.Max(h, 0)), esc(class))
}

// Text writes text anchored at start, middle or end.
func (s *SVG) Text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, num(x), num(y), anchor, esc(class), esc(t))
}

// TextTitled writes text with a tooltip (the full text, when shortened).
func (s *SVG) TextTitled(x, y float64, anchor, class, t, title string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s"><title>%s</title>%s</text>`, num(x), num(y), anchor, esc(class), esc(title), esc(t))
}

// RotatedText writes text rotated by deg degrees about its anchor point.
func (s *SVG) RotatedText(x, y, deg float64, anchor, class, text string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s" transform="rotate(%s %s %s)">%s</text>`,
		num(x), num(y), anchor, esc(class), num(deg), num(x), num(y), esc(text))
}

// Open starts a group of the CSS class with a tooltip title ("" for none);
// Close ends it.
func (s *SVG) Open(class, title string) {
	fmt.Fprintf(&s.b, `<g class="%s">`, esc(class))
	if title != "" {
		fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	}
}

// Close ends the group Open started.
func (s *SVG) Close() { s.b.WriteString("</g>") }

// OpenLink starts a link to href (escaped; the caller chooses a relative
// address it made itself) around the elements that follow; CloseLink ends
// it.
func (s *SVG) OpenLink(href string) { fmt.Fprintf(&s.b, `<a href="%s">`, esc(href)) }

// CloseLink ends the link OpenLink started.
func (s *SVG) CloseLink() { s.b.WriteString("</a>") }

// Circle draws a circle.
func (s *SVG) Circle(x, y, r float64, class string) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" class="%s"/>`, num(x), num(y), num(r), esc(class))
}

// Polyline draws the points (x0, y0, x1, y1, ...) joined by straight lines.
func (s *SVG) Polyline(xy []float64, class string) { s.path("polyline", xy, class) }

// Polygon draws the closed polygon through the points (x0, y0, x1, y1, ...).
func (s *SVG) Polygon(xy []float64, class string) { s.path("polygon", xy, class) }

func (s *SVG) path(elem string, xy []float64, class string) {
	pts := make([]string, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, num(xy[i])+","+num(xy[i+1]))
	}
	fmt.Fprintf(&s.b, `<%s points="%s" class="%s"/>`, elem, strings.Join(pts, " "), esc(class))
}

// Marker draws arm k's marker shape (0 circle, 1 square, 2 triangle, 3
// diamond, 4 down triangle, 5 plus) centred on x, y, so that arms differ
// in print too.
func (s *SVG) Marker(k int, x, y, r float64, class string) {
	switch k % 6 {
	case 0:
		s.Circle(x, y, r, class)
	case 1:
		s.Rect(x-r*0.9, y-r*0.9, 1.8*r, 1.8*r, class)
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

// Swatch is arm k's marker on its own, as a legend's 14-unit square.
func Swatch(k int) template.HTML {
	var s SVG
	s.Marker(k, 7, 7, 4, "mark")
	return template.HTML(`<svg viewBox="0 0 14 14" class="swatch" aria-hidden="true">` + s.b.String() + `</svg>`) // #nosec: escaped by Marker
}
