package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/harness"
)

func TestProgressPlainOffATerminal(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	cases := []struct {
		name  string
		width int
		vars  map[string]string
		bar   bool
	}{
		{"terminal", 80, nil, true},
		{"not a terminal", 0, nil, false},
		{"CI log", 80, map[string]string{"CI": "true"}, false},
		{"dumb terminal", 80, map[string]string{"TERM": "dumb"}, false},
	}
	for _, tc := range cases {
		var buf bytes.Buffer
		p := progressFor(&buf, tc.width, env(tc.vars))
		if got := p.Blocks != nil; got != tc.bar {
			t.Errorf("%s: bar %v, want %v", tc.name, got, tc.bar)
		}
		if !tc.bar && p.Lines != (escaping{&buf}) {
			t.Errorf("%s: plain lines do not go straight to stderr (escaped)", tc.name)
		}
	}
}

func TestProgressBarKeepsLinesAbove(t *testing.T) {
	var buf bytes.Buffer
	p := progressFor(&buf, 60, func(string) string { return "" })
	fmt.Fprintln(p.Lines, "== w: 2 arm(s)")
	p.Blocks(harness.BlockProgress{Workload: "w", Index: 0, Warmup: true, MaxBlocks: 4, Line: "a 1ms  b 2ms"})
	p.Blocks(harness.BlockProgress{Workload: "w", Index: 1, Measured: 1, MaxBlocks: 4, Line: "b 2ms  a 1ms"})
	fmt.Fprintln(p.Lines, "   b failed: exit status 1")
	p.Done()
	want := "== w: 2 arm(s)\n" +
		clearLine + "[....................] warm-up  w  a 1ms  b 2ms" +
		clearLine + "[#####...............] 1/4 blocks  w  b 2ms  a 1ms" +
		clearLine + "   b failed: exit status 1\n" + "[#####...............] 1/4 blocks  w  b 2ms  a 1ms" +
		clearLine
	if got := buf.String(); got != want {
		t.Errorf("terminal output\n%q\nwant\n%q", got, want)
	}
}

func TestBarLine(t *testing.T) {
	cases := []struct {
		ev    harness.BlockProgress
		width int
		want  string
	}{
		{harness.BlockProgress{Workload: "w", Measured: 5, MaxBlocks: 10, Line: "a 1ms"}, 80, "[##########..........] 5/10 blocks  w  a 1ms"},
		{harness.BlockProgress{Workload: "w", Measured: 12, MaxBlocks: 10}, 80, "[####################] 12/10 blocks  w  "},
		{harness.BlockProgress{Workload: "w", Warmup: true, MaxBlocks: 10}, 80, "[....................] warm-up  w  "},
		{harness.BlockProgress{Workload: "bodyposenet/resolution=224x320", Measured: 1, MaxBlocks: 20, Line: "onnx/precision=fp32 4ms"}, 40, "[#...................] 1/20 blocks  bo…"},
	}
	for _, tc := range cases {
		got := barLine(tc.ev, tc.width)
		if got != tc.want {
			t.Errorf("barLine(%+v, %d) = %q, want %q", tc.ev, tc.width, got, tc.want)
		}
		if n := len([]rune(got)); n >= tc.width {
			t.Errorf("%q is %d runes, wider than %d", got, n, tc.width-1)
		}
	}
	if strings.Contains(barLine(harness.BlockProgress{}, 80), "NaN") {
		t.Error("an empty event divides by zero")
	}
}

// TestProgressEscapesControlCharacters: arm stderr quoted in a progress
// line (ESC, NUL, C1) and names in the bar cannot drive the terminal;
// benchy's own bar codes and line breaks stay.
func TestProgressEscapesControlCharacters(t *testing.T) {
	const hostile = "   b failed: exit status 1: \x1b[2J\x1b]0;pwned\x07nul\x00\u009b\n\tnext"
	const shown = `   b failed: exit status 1: \x1b[2J\x1b]0;pwned\x07nul\x00\u009b` + "\n\tnext"
	for _, width := range []int{0, 200} {
		var buf bytes.Buffer
		p := progressFor(&buf, width, func(string) string { return "" })
		if p.Blocks != nil {
			p.Blocks(harness.BlockProgress{Workload: "w\x1b[31m", MaxBlocks: 4, Line: "a\x00 1ms"})
		}
		fmt.Fprintln(p.Lines, hostile)
		p.Done()
		out := strings.ReplaceAll(buf.String(), clearLine, "")
		if strings.ContainsAny(out, "\x1b\x00\x07\u009b") {
			t.Errorf("width %d: raw control characters reached the terminal: %q", width, out)
		}
		if !strings.Contains(out, shown) {
			t.Errorf("width %d: output %q lacks %q", width, out, shown)
		}
		if width > 0 && !strings.Contains(out, `w\x1b[31m  a\x00 1ms`) {
			t.Errorf("bar %q does not escape the workload and the block line", out)
		}
	}
}
