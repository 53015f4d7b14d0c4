package suites

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/internal/termtext"
)

// MaxDiagnostics is the most diagnostics WriteDiagnostics prints; the rest
// are counted in one closing line. A generated suite with thousands of
// errors is better served by its first hundred.
const MaxDiagnostics = 100

// Limits of one source snippet.
const (
	snippetLines     = 20  // lines shown of a multi-line range
	snippetLineBytes = 240 // bytes shown of a long line, around the highlight
)

// WriteDiagnostics prints diags in hcl's text format (see
// hcl.NewDiagnosticTextWriter: the summary, where, a source snippet with the
// subject highlighted, the values of the variables involved, the detail
// wrapped to width; colour when color is set), with these differences:
//
//   - the location names the column: "on FILE:LINE:COL, in BLOCK";
//   - control characters of the source, summary and detail are shown as
//     escapes (\x1b), so that a suite cannot drive the terminal;
//   - a snippet shows at most 20 lines, and at most 240 bytes of each line,
//     around the highlighted part;
//   - each file's lines are indexed once, so printing takes time linear in
//     the size of the files and the number of diagnostics, and at most
//     MaxDiagnostics are printed, followed by a count of the others.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	dw := &diagWriter{w: w, files: files, width: width, color: color, lines: map[string][]int{}}
	for i, d := range diags {
		if i == MaxDiagnostics {
			return dw.writeRest(diags[i:])
		}
		if err := dw.write(d); err != nil {
			return err
		}
	}
	return nil
}

type diagWriter struct {
	w     io.Writer
	files map[string]*hcl.File
	width uint
	color bool
	lines map[string][]int // file name → byte offset of each line start
}

// noSource names a file that is in no file map: hcl's writer then prints
// "(source code not available)" in place of the snippet, and WriteDiagnostic
// takes the rest of its output from there.
const noSource = "\x00no source"

func (dw *diagWriter) write(d *hcl.Diagnostic) error {
	var b bytes.Buffer
	colorCode, reset, highlight := "", "", ""
	if dw.color {
		colorCode, reset, highlight = "\x1b[31m", "\x1b[0m", "\x1b[1;4m"
		if d.Severity == hcl.DiagWarning {
			colorCode = "\x1b[33m"
		}
	}
	severity := "Error"
	if d.Severity == hcl.DiagWarning {
		severity = "Warning"
	}
	fmt.Fprintf(&b, "%s%s%s: %s\n\n", colorCode, severity, reset, termtext.Escape(d.Summary))
	if d.Subject != nil {
		dw.snippet(&b, d, highlight, reset)
	}

	// The variables' values and the wrapped detail, as hcl writes them.
	shadow := *d
	shadow.Summary = ""
	shadow.Subject = &hcl.Range{Filename: noSource}
	shadow.Context = nil
	if d.Subject == nil {
		shadow.Expression = nil
	}
	var rest bytes.Buffer
	if err := hcl.NewDiagnosticTextWriter(&rest, nil, dw.width, false).WriteDiagnostic(&shadow); err != nil {
		return err
	}
	const marker = "(source code not available)\n\n"
	tail := rest.String()
	if i := strings.Index(tail, marker); i >= 0 {
		tail = tail[i+len(marker):]
	}
	b.WriteString(termtext.EscapeLines(tail))
	_, err := dw.w.Write(b.Bytes())
	return err
}

// snippet writes "  on FILE:LINE:COL, in BLOCK:" and the source lines of
// the diagnostic's subject and context.
func (dw *diagWriter) snippet(b *bytes.Buffer, d *hcl.Diagnostic, highlight, reset string) {
	subj := *d.Subject
	where := fmt.Sprintf("%s:%d:%d", termtext.Escape(subj.Filename), subj.Start.Line, subj.Start.Column)
	file := dw.files[subj.Filename]
	if file == nil || file.Bytes == nil {
		fmt.Fprintf(b, "  on %s:\n  (source code not available)\n\n", where)
		return
	}
	if cs, ok := file.Nav.(interface{ ContextString(int) string }); ok {
		if c := cs.ContextString(subj.Start.Byte); c != "" {
			where += ", in " + termtext.Escape(c)
		}
	}
	fmt.Fprintf(b, "  on %s:\n", where)

	src := file.Bytes
	snip, hl := subj, subj
	if d.Context != nil {
		snip = hcl.RangeOver(snip, *d.Context)
	}
	// An empty range is shown as the character it starts at.
	hlStart, hlEnd := clampByte(hl.Start.Byte, src), clampByte(hl.End.Byte, src)
	if hlEnd <= hlStart {
		hlEnd = hlStart + 1
	}
	snipStart, snipEnd := clampByte(snip.Start.Byte, src), clampByte(snip.End.Byte, src)
	if snipEnd <= snipStart {
		snipEnd = snipStart + 1
	}

	starts := dw.lineStarts(subj.Filename, src)
	first := lineOf(starts, snipStart)
	last := lineOf(starts, snipEnd-1)
	shown := 0
	for ln := first; ln <= last && ln < len(starts); ln++ {
		if shown == snippetLines {
			fmt.Fprintf(b, "  ... (%d more lines)\n", last-ln+1)
			break
		}
		shown++
		start := starts[ln]
		end := len(src)
		if ln+1 < len(starts) {
			end = starts[ln+1] - 1 // the newline
		}
		end = max(start, min(end, len(src)))
		line := bytes.TrimSuffix(src[start:end], []byte{'\r'})
		end = start + len(line)
		// The highlighted part of this line, as offsets into line.
		hs, he := max(hlStart, start)-start, min(hlEnd, end)-start
		if he < hs {
			hs, he = 0, 0
		}
		// A long line is cut to a window around the highlight.
		from, to := window(line, hs)
		hs, he = max(hs, from), min(he, to)
		if he < hs {
			hs, he = from, from
		}
		pre, post := "", ""
		if from > 0 {
			pre = "…"
		}
		if to < len(line) {
			post = "…"
		}
		esc := func(p []byte) string { return termtext.EscapeLines(string(p)) }
		if he > hs {
			fmt.Fprintf(b, "%4d: %s%s%s%s%s%s%s\n", ln+1, pre, esc(line[from:hs]), highlight, esc(line[hs:he]), reset, esc(line[he:to]), post)
		} else {
			fmt.Fprintf(b, "%4d: %s%s%s\n", ln+1, pre, esc(line[from:to]), post)
		}
	}
	b.WriteByte('\n')
}

// window returns the part of line to show: all of it when it is short,
// otherwise snippetLineBytes bytes starting a little before at, on rune
// boundaries.
func window(line []byte, at int) (from, to int) {
	if len(line) <= snippetLineBytes {
		return 0, len(line)
	}
	from = max(0, min(at-snippetLineBytes/3, len(line)-snippetLineBytes))
	to = min(len(line), from+snippetLineBytes)
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to++
	}
	return from, to
}

func clampByte(off int, src []byte) int { return max(0, min(off, len(src))) }

// lineStarts indexes a file's lines once per WriteDiagnostics call.
func (dw *diagWriter) lineStarts(name string, src []byte) []int {
	if s, ok := dw.lines[name]; ok {
		return s
	}
	s := []int{0}
	for i, c := range src {
		if c == '\n' {
			s = append(s, i+1)
		}
	}
	dw.lines[name] = s
	return s
}

// lineOf is the 0-based line holding byte off.
func lineOf(starts []int, off int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
}

// writeRest closes a cut-off list with a count of what was left out.
func (dw *diagWriter) writeRest(rest hcl.Diagnostics) error {
	errs, warns := 0, 0
	for _, d := range rest {
		if d.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	var parts []string
	if errs > 0 {
		parts = append(parts, moreOf(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, moreOf(warns, "warning"))
	}
	_, err := fmt.Fprintf(dw.w, "... %s not shown; benchy prints the first %d diagnostics.\n\n", strings.Join(parts, " and "), MaxDiagnostics)
	return err
}

func moreOf(n int, what string) string {
	if n == 1 {
		return "1 more " + what + " is"
	}
	return fmt.Sprintf("%d more %ss are", n, what)
}
