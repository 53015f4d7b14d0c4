// Package termtext is what benchy knows about terminals. It makes recorded
// text (a command's stderr, names and reasons from a suite) safe to print:
// control characters are shown as escapes, so that they neither drive the
// terminal nor break a line or a table. And it tells whether output goes
// to a terminal and how wide the text there should be.
package termtext

import (
	"fmt"
	"strings"
)

// Escape shows the control characters of s (C0, DEL and C1, line breaks
// and tabs included) as Go-style escapes: "\x1b[31m" prints as the eight
// characters \x1b[31m, U+009B as \u009b.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape that keeps line breaks and tabs.
func EscapeLines(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	control := func(r rune) bool {
		if keepLines && (r == '\n' || r == '\t') {
			return false
		}
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f)
	}
	if !strings.ContainsFunc(s, control) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !control(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}
