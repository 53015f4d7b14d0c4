package chart

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/metric"
)

func TestAxisHelpers(t *testing.T) {
	if got := fmt.Sprint(LinearTicks(-61.3, 2.4, 6)); got != "[-60 -40 -20 0]" {
		t.Errorf("LinearTicks = %s", got)
	}
	if got := fmt.Sprint(LogTicks(0.008, 1.3)); got != "[0.01 0.02 0.05 0.1 0.2 0.5 1]" {
		t.Errorf("LogTicks = %s", got)
	}
	if got := fmt.Sprint(LogTicks(0.001, 1000)); got != "[0.001 0.01 0.1 1 10 100 1000]" {
		t.Errorf("LogTicks wide = %s", got)
	}
	s := Scale{D0: 1, D1: 100, R0: 0, R1: 200, Log: true}
	if got := s.At(10); math.Abs(got-100) > 1e-9 {
		t.Errorf("log scale at 10 = %v", got)
	}
	if got := fmt.Sprint(s.Ticks(5)); got != fmt.Sprint(LogTicks(1, 100)) {
		t.Errorf("log Scale.Ticks = %s", got)
	}
	lin := Scale{D0: -61.3, D1: 2.4}
	if got := fmt.Sprint(lin.Ticks(6)); got != "[-60 -40 -20 0]" {
		t.Errorf("linear Scale.Ticks = %s", got)
	}
}

func TestValueDomain(t *testing.T) {
	for _, tc := range []struct {
		lo, hi, d0, d1 float64
		log            bool
	}{
		{1, 5, 0.68, 5.32, false},
		{0.1, 0.2, 0.092, 0.208, false},
		{0, 10, 0, 10.8, false},
		{-5, 5, -5.8, 5.8, false},
		{1, 1000, 1 / math.Pow(1000, 0.08), 1000 * math.Pow(1000, 0.08), true},
	} {
		d0, d1, log := ValueDomain(tc.lo, tc.hi, 0.08)
		if math.Abs(d0-tc.d0) > 1e-9 || math.Abs(d1-tc.d1) > 1e-9 || log != tc.log {
			t.Errorf("ValueDomain(%g, %g) = %g, %g, %v; want %g, %g, %v", tc.lo, tc.hi, d0, d1, log, tc.d0, tc.d1, tc.log)
		}
	}
}

func TestValueAxis(t *testing.T) {
	for _, tc := range []struct {
		metric     string
		max, v     float64
		label, ttl string
	}{
		{"ns", 2.5e9, 1.5e9, "1.5", "time per iteration (s)"},
		{"ms/op", 3e6, 1.25e6, "1.25", "time per iteration (ms)"},
		{"", 4e3, 2e3, "2", "time per iteration (µs)"},
		{"ns", 900, 450, "450", "time per iteration (ns)"},
		{"MB", 5e6, 1234567, "1.235e+06", "MB"},
	} {
		label, title := ValueAxis(tc.metric, tc.max)
		if got := label(tc.v); got != tc.label || title != tc.ttl {
			t.Errorf("ValueAxis(%q, %g): label(%g) = %q, title %q; want %q, %q", tc.metric, tc.max, tc.v, got, title, tc.label, tc.ttl)
		}
	}
}

func TestVerdictClass(t *testing.T) {
	for v, want := range map[metric.Verdict]string{
		metric.Faster: "good", metric.Better: "good", metric.Improved: "good",
		metric.Slower: "bad", metric.Worse: "bad", metric.Regressed: "bad",
		metric.NoDifference: "neutral", metric.Baseline: "neutral", metric.Inconclusive: "neutral", metric.NotCompared: "neutral",
	} {
		if got := VerdictClass(v); got != want {
			t.Errorf("VerdictClass(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestSVGEscapes: every string reaches the SVG escaped, through the
// methods and through Element alike.
func TestSVGEscapes(t *testing.T) {
	s := NewSVG(10, 10, `a"b`, "<label>")
	s.Text(1, 2, "start", "t", "<script>")
	s.Open("g", `"&x`)
	s.Close()
	s.Element(`<text x="14" y="%s" class="%s">%s</text>`, 2.5, "c<", "</svg>")
	s.Element(`<g data-n="%s">`, 3)
	got := string(s.HTML())
	for _, raw := range []string{"<script>", "<label>", `a"b`, `"&x`, "c<", "</svg><"} {
		if strings.Contains(got, raw) {
			t.Errorf("%q left unescaped in %s", raw, got)
		}
	}
	for _, want := range []string{`class="plot a&#34;b"`, `<text x="14" y="2.5" class="c&lt;">&lt;/svg&gt;</text>`, `data-n="3"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
}

func TestEllipsize(t *testing.T) {
	if got := Ellipsize("précision", 5); got != "préc…" {
		t.Errorf("Ellipsize = %q", got)
	}
	if got := Ellipsize("ok", 5); got != "ok" {
		t.Errorf("Ellipsize short = %q", got)
	}
}
