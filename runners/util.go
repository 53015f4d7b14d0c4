package runners

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
)

// ResolveDir resolves a runner's directory setting against the suite's
// directory: "" is the suite's directory itself, an absolute path stays as
// it is, and a relative one is joined to suiteDir.
func ResolveDir(suiteDir, dir string) string {
	switch {
	case dir == "":
		return suiteDir
	case filepath.IsAbs(dir) || suiteDir == "":
		return dir
	default:
		return filepath.Join(suiteDir, dir)
	}
}

// LookPath is exec.LookPath for a program a runner needs, such as an
// interpreter, whose error leaves out os/exec's "exec: NAME:" prefix, for
// a message that names the program itself ("python3 cannot be run
// (executable file not found in $PATH)"). The error still matches
// exec.ErrNotFound with errors.Is.
func LookPath(prog string) (string, error) {
	path, err := exec.LookPath(prog)
	var e *exec.Error
	if errors.As(err, &e) {
		return path, e.Err
	}
	return path, err
}

// MergeEnv returns base (KEY=value entries) with extra set; extra wins.
func MergeEnv(base []string, extra map[string]string) []string {
	if len(extra) == 0 {
		return base
	}
	out := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, override := extra[k]; !override {
			out = append(out, kv)
		}
	}
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

// TailWriter keeps only the last max bytes written to it, so that a worker
// flooding stderr cannot exhaust memory.
type TailWriter struct {
	buf *bytes.Buffer
	max int
	cut bool
}

// NewTailWriter returns a writer that keeps the last max bytes in buf.
func NewTailWriter(buf *bytes.Buffer, max int) *TailWriter { return &TailWriter{buf: buf, max: max} }

// Write appends p and drops what exceeds the limit from the front.
func (t *TailWriter) Write(p []byte) (int, error) {
	if len(p) >= t.max {
		t.cut = t.cut || t.buf.Len() > 0 || len(p) > t.max
		t.buf.Reset()
		t.buf.Write(p[len(p)-t.max:])
		return len(p), nil
	}
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
		t.cut = true
	}
	return len(p), nil
}

// Cut reports whether the writer dropped the beginning of what it got.
func (t *TailWriter) Cut() bool { return t.cut }

// CutMark starts the end of an output whose beginning was dropped.
const CutMark = "…"

// maxCutLine is how much of a tail without a line break TrimCut drops.
const maxCutLine = 256

// TrimCut prepares the end of a longer output for redaction, which must
// come after the cut and see nothing a cut could have hidden: a secret cut
// in two is recognisable in neither half, nor is NAME=value without its
// NAME. It drops the partial first line, or when that line is longer
// than 256 bytes, its first 256 bytes, and marks the cut with CutMark.
func TrimCut(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 && i < maxCutLine {
		b = b[i+1:]
	} else {
		b = b[min(len(b), maxCutLine):]
	}
	return append([]byte(CutMark), b...)
}
