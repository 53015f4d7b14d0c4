package runners

import (
	"bytes"
	"strings"
	"testing"
)

func TestTailWriterCutAndTrimCut(t *testing.T) {
	var buf bytes.Buffer
	w := NewTailWriter(&buf, 16)
	w.Write([]byte("0123456789"))
	if w.Cut() {
		t.Fatal("cut before the limit")
	}
	w.Write([]byte("abcdef\nlast line"))
	if !w.Cut() || buf.String() != "9abcdef\nlast line"[1:] {
		t.Fatalf("cut %v, tail %q", w.Cut(), buf.String())
	}
	for _, tc := range []struct{ in, want string }{
		{"cret-half\nwhole line\n", CutMark + "whole line\n"},
		{strings.Repeat("s", 300), CutMark + strings.Repeat("s", 300-maxCutLine)},
		{strings.Repeat("s", 300) + "\nEND\n", CutMark + strings.Repeat("s", 300-maxCutLine) + "\nEND\n"},
		{"short", CutMark},
	} {
		if got := string(TrimCut([]byte(tc.in))); got != tc.want {
			t.Errorf("TrimCut(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
