package termtext

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want, lines string }{
		{"plain text · µs", "plain text · µs", "plain text · µs"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`, `\x1b[31mred\x1b[0m`},
		{"nul\x00 bel\x07 del\x7f", `nul\x00 bel\x07 del\x7f`, `nul\x00 bel\x07 del\x7f`},
		{"csi\u009b2J", `csi\u009b2J`, `csi\u009b2J`},
		{"a\nb\tc\rd", `a\x0ab\x09c\x0dd`, "a\nb\tc\\x0dd"},
	}
	for _, tc := range cases {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := EscapeLines(tc.in); got != tc.lines {
			t.Errorf("EscapeLines(%q) = %q, want %q", tc.in, got, tc.lines)
		}
	}
}

// TestWidthOffATerminal: output that is not a terminal (a buffer, a pipe)
// has no columns of its own; its width is COLUMNS when that is a positive
// number, else DefaultWidth.
func TestWidthOffATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, out := range []io.Writer{&bytes.Buffer{}, w} {
		if IsTerminal(out) || Columns(out) != 0 {
			t.Errorf("%T: IsTerminal %v, Columns %d; want false, 0", out, IsTerminal(out), Columns(out))
		}
		for _, c := range []struct {
			columns string
			want    int
		}{{"", DefaultWidth}, {"120", 120}, {" 40 ", 40}, {"0", DefaultWidth}, {"-3", DefaultWidth}, {"wide", DefaultWidth}} {
			t.Setenv("COLUMNS", c.columns)
			if got := Width(out); got != c.want {
				t.Errorf("%T, COLUMNS=%q: Width %d, want %d", out, c.columns, got, c.want)
			}
		}
	}
}
