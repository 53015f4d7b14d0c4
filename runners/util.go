package runners

import (
	"bytes"
	"strings"
)

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
}

// NewTailWriter returns a writer that keeps the last max bytes in buf.
func NewTailWriter(buf *bytes.Buffer, max int) *TailWriter { return &TailWriter{buf: buf, max: max} }

// Write appends p and drops what exceeds the limit from the front.
func (t *TailWriter) Write(p []byte) (int, error) {
	if len(p) >= t.max {
		t.buf.Reset()
		t.buf.Write(p[len(p)-t.max:])
		return len(p), nil
	}
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}
