package reports

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/benchy-dev/benchy/internal/termtext"
)

// defaultWidth is the width, in columns, that terminal tables fit when
// Options.Width is not set.
const defaultWidth = termtext.DefaultWidth

// textTable is a terminal table that fits a width.
type textTable struct {
	header []string
	align  []tw.Align
	// rows hold the cells, already made terminal-safe; the last cell of a
	// row may hold ANSI colour codes.
	rows [][]string
	// drop names the columns that may be left out to fit, first dropped
	// first.
	drop []string
}

// render writes the table within width columns (DefaultWidth when width
// <= 0): whole when it fits; else without the droppable columns, leaving
// out one more at a time, with a line that names them; else stacked, one
// paragraph per row that shows every cell, "header value" by "header
// value".
func (t *textTable) render(w io.Writer, width int) error {
	if width <= 0 {
		width = defaultWidth
	}
	var dropped []string
	for i := 0; ; i++ {
		out, err := t.table(dropped)
		if err != nil {
			return err
		}
		if textWidth(out) <= width {
			if _, err := w.Write(out); err != nil {
				return err
			}
			if len(dropped) > 0 {
				note := fmt.Sprintf("(%s left out at %d columns: widen the terminal or set COLUMNS)", strings.Join(dropped, ", "), width)
				_, err = fmt.Fprintln(w, wrapWords(note, width))
			}
			return err
		}
		if i >= len(t.drop) {
			break
		}
		if slices.Contains(t.header, t.drop[i]) {
			dropped = append(dropped, t.drop[i])
		}
	}
	return t.stacked(w, width)
}

// table renders the table without the named columns.
func (t *textTable) table(without []string) ([]byte, error) {
	var keep []int
	for i, h := range t.header {
		if !slices.Contains(without, h) {
			keep = append(keep, i)
		}
	}
	pick := func(cells []string) []string {
		out := make([]string, 0, len(keep))
		for _, i := range keep {
			if i < len(cells) {
				out = append(out, cells[i])
			} else {
				out = append(out, "")
			}
		}
		return out
	}
	align := make(tw.Alignment, 0, len(keep))
	for _, i := range keep {
		align = append(align, t.align[i])
	}
	var b bytes.Buffer
	tbl := tablewriter.NewTable(&b, tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithAlignment(align))
	tbl.Header(pick(t.header))
	for _, r := range t.rows {
		if err := tbl.Append(pick(r)); err != nil {
			return nil, err
		}
	}
	if err := tbl.Render(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stacked writes each row as its first cell on a line of its own, then
// its other cells as "header value" items joined by " · ", wrapped at width
// and indented; an item wider than the line gets a line of its own.
func (t *textTable) stacked(w io.Writer, width int) error {
	const indent, sep = "  ", " · "
	var b strings.Builder
	for n, r := range t.rows {
		if n > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r[0] + "\n")
		line := ""
		for i := 1; i < len(r) && i < len(t.header); i++ {
			item := t.header[i] + " " + strings.TrimSpace(r[i])
			switch {
			case line == "":
				line = indent + item
			case visibleWidth(line+sep+item) <= width:
				line += sep + item
			default:
				b.WriteString(line + "\n")
				line = indent + item
			}
		}
		if line != "" {
			b.WriteString(line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var ansiSGR = regexp.MustCompile("\x1b\\[[0-9;]*m")

// visibleWidth is the number of columns s takes on a terminal: its runes,
// less ANSI colour codes. Every character benchy's tables use (box
// drawing, "µ", "×", "—") takes one column.
func visibleWidth(s string) int { return utf8.RuneCountInString(ansiSGR.ReplaceAllString(s, "")) }

// textWidth is the width of the widest line of out.
func textWidth(out []byte) int {
	widest := 0
	for _, line := range strings.Split(string(out), "\n") {
		widest = max(widest, visibleWidth(line))
	}
	return widest
}

// wrapWords breaks prose into lines of at most width columns at spaces
// (a word longer than the line stays whole).
func wrapWords(s string, width int) string {
	var b strings.Builder
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case visibleWidth(line)+1+visibleWidth(word) <= width:
			line += " " + word
		default:
			b.WriteString(line + "\n")
			line = word
		}
	}
	b.WriteString(line)
	return b.String()
}
