package golden

import (
	"fmt"
	"strings"
)

const (
	// diffContext is the number of unchanged lines shown around a change.
	diffContext = 3
	// maxDiffLines caps the diff body so that a wholly different file does
	// not flood the test log.
	maxDiffLines = 80
	// maxLCSCells bounds the quadratic table of the line matcher; larger
	// inputs fall back to one delete-all/insert-all hunk.
	maxLCSCells = 4 << 20
)

// op is one line of an edit script: ' ' kept, '-' only in want, '+' only
// in got.
type op struct {
	kind byte
	line string
	a, b int // 0-based line numbers in want and got
}

// Diff returns a unified line diff from want to got ("-" lines are only in
// want, "+" lines only in got), with three lines of context, control
// characters shown as Go escapes (so that ANSI colour codes stay visible)
// and at most 80 lines of body. It returns "" when want and got are equal.
func Diff(want, got []byte) string {
	if string(want) == string(got) {
		return ""
	}
	ops := editScript(splitLines(string(want)), splitLines(string(got)))
	var b strings.Builder
	printed, hidden := 0, 0
	for _, h := range hunks(ops) {
		if printed >= maxDiffLines {
			hidden += len(h)
			continue
		}
		fmt.Fprintf(&b, "@@ %s %s @@\n", span('-', h, func(o op) int { return o.a }, '+'),
			span('+', h, func(o op) int { return o.b }, '-'))
		for _, o := range h {
			if printed >= maxDiffLines {
				hidden++
				continue
			}
			b.WriteByte(o.kind)
			b.WriteString(visible(o.line))
			b.WriteByte('\n')
			if !strings.HasSuffix(o.line, "\n") {
				b.WriteString("\\ No newline at end of file\n")
			}
			printed++
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "... %d more diff lines not shown\n", hidden)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// span formats a hunk range "-start,count" for one side: lines of kind skip
// belong to the other side only.
func span(sign byte, h []op, num func(op) int, skip byte) string {
	start, count := -1, 0
	for _, o := range h {
		if o.kind == skip {
			continue
		}
		if start < 0 {
			start = num(o)
		}
		count++
	}
	if count == 0 {
		// An empty range names the line before it, as diff -u does.
		for _, o := range h {
			if o.kind == skip {
				start = num(o)
				break
			}
		}
		return fmt.Sprintf("%c%d,0", sign, start)
	}
	return fmt.Sprintf("%c%d,%d", sign, start+1, count)
}

// splitLines splits s after each newline; the last line may lack one.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// editScript returns a shortest edit script from a to b (a longest common
// subsequence of lines), after trimming their common prefix and suffix.
func editScript(a, b []string) []op {
	var ops []op
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		ops = append(ops, op{' ', a[pre], pre, pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	if n*m > maxLCSCells {
		for i, l := range ma {
			ops = append(ops, op{'-', l, pre + i, pre})
		}
		for j, l := range mb {
			ops = append(ops, op{'+', l, pre + n, pre + j})
		}
	} else {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, op{' ', ma[i], pre + i, pre + j})
				i, j = i+1, j+1
			case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
				ops = append(ops, op{'+', mb[j], pre + i, pre + j})
				j++
			default:
				ops = append(ops, op{'-', ma[i], pre + i, pre + j})
				i++
			}
		}
	}
	for k := suf; k > 0; k-- {
		ops = append(ops, op{' ', a[len(a)-k], len(a) - k, len(b) - k})
	}
	return ops
}

// hunks groups the changed lines of ops with up to diffContext kept lines
// around each change; changes closer than twice that share a hunk.
func hunks(ops []op) [][]op {
	var out [][]op
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(run, end+diffContext)
				break
			}
			end = run
		}
		out = append(out, ops[start:end])
		i = end
	}
	return out
}

// visible drops the line's newline and writes control characters other
// than tab as Go escapes, so that escape sequences and carriage returns
// show in the test log instead of acting on the terminal.
func visible(line string) string {
	line = strings.TrimSuffix(line, "\n")
	var b strings.Builder
	for _, r := range line {
		switch {
		case r == '\t':
			b.WriteRune(r)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
