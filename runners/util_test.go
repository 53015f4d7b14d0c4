package runners

import (
	"bytes"
	"errors"
	"os/exec"
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

func TestLookPath(t *testing.T) {
	if p, err := LookPath("sh"); err != nil || p == "" {
		t.Fatalf("LookPath(sh) = %q, %v", p, err)
	}
	for _, prog := range []string{"benchy-no-such-program", "/nonexistent/python3"} {
		_, err := LookPath(prog)
		if err == nil {
			t.Fatalf("LookPath(%s): no error", prog)
		}
		if strings.Contains(err.Error(), "exec:") {
			t.Errorf("LookPath(%s): %q keeps os/exec's prefix", prog, err)
		}
	}
	if _, err := LookPath("benchy-no-such-program"); !errors.Is(err, exec.ErrNotFound) || err.Error() != exec.ErrNotFound.Error() {
		t.Errorf("a program not on PATH: %v, want exec.ErrNotFound's words alone", err)
	}
}
