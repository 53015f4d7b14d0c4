package termtext

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// DefaultWidth is the width, in columns, that text fits when the width of
// where it goes is not known: not a terminal, and COLUMNS unset.
const DefaultWidth = 80

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Columns returns the width of the terminal w is, or 0 when w is not a
// terminal or the terminal does not say.
func Columns(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
		return cols
	}
	return 0
}

// Width is the width that text written to w should fit: the terminal's
// when w is one that says, else COLUMNS when it is a positive number, else
// DefaultWidth.
func Width(w io.Writer) int {
	if cols := Columns(w); cols > 0 {
		return cols
	}
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return DefaultWidth
}
