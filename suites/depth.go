package suites

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// MaxNesting is the deepest nesting of brackets, braces, parentheses,
// template interpolations and operators (a chain of n binary operators is a
// tree n deep) a suite or variable file may have. hcl's parsers and evaluator recurse once (or more) per level, so a
// file nested 100,000 deep would overflow the Go stack, which no recover can
// catch; real suites nest less than ten deep.
const MaxNesting = 500

// MaxHeredocLines is the most lines one heredoc may have. hcl joins a
// heredoc's lines one at a time, in time quadratic in their number: 100,000
// lines take minutes.
const MaxHeredocLines = 2000

// checkNesting scans src before it is parsed and reports the first place
// where it nests deeper than MaxNesting, or where a heredoc passes
// MaxHeredocLines, or nil. JSON files (by name) count arrays and objects;
// native syntax, and JSON strings (templates), also count template
// interpolations (${ and %{) and the operators of each expression, and skip
// comments, quoted strings and heredoc text.
func checkNesting(filename string, src []byte) *hcl.Diagnostic {
	off, heredoc := -1, false
	if strings.HasSuffix(filename, ".json") {
		off = jsonTooDeep(src)
	} else {
		off, heredoc = hclTooDeep(src)
	}
	if off < 0 {
		return nil
	}
	pos := posAt(src, off)
	rng := &hcl.Range{Filename: filename, Start: pos, End: hcl.Pos{Line: pos.Line, Column: pos.Column + 1, Byte: pos.Byte + 1}}
	if heredoc {
		return errorf(rng, "Heredoc too long",
			"This heredoc has more than %d lines. Keep long text in a file of its own and pass its path instead.", MaxHeredocLines)
	}
	return errorf(rng, "Nesting too deep",
		"The file nests brackets, braces, parentheses or operators more than %d levels deep here. benchy refuses such files rather than risk running out of stack while parsing them; flatten the expression.",
		MaxNesting)
}

// posAt is the line, column (in runes) and byte offset of off in src.
func posAt(src []byte, off int) hcl.Pos {
	line := 1 + bytes.Count(src[:off], []byte{'\n'})
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return hcl.Pos{Line: line, Column: 1 + len([]rune(string(src[start:off]))), Byte: off}
}

// jsonTooDeep returns the offset of the first array or object opened deeper
// than MaxNesting, or of the first string whose template nests deeper (JSON
// suites evaluate their strings as templates), or -1.
func jsonTooDeep(src []byte) int {
	depth := 0
	inString := false
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
				if raw := src[start : i+1]; bytes.Contains(raw, []byte("${")) || bytes.Contains(raw, []byte("%{")) {
					var text string
					if json.Unmarshal(raw, &text) == nil {
						if off, _ := scanNesting([]byte(text), true); off >= 0 {
							return start
						}
					}
				}
			}
			continue
		}
		switch c {
		case '"':
			inString, start = true, i
		case '[', '{':
			depth++
			if depth > MaxNesting {
				return i
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return -1
}

// Scanner modes for hclTooDeep.
const (
	modeCode     = iota // expressions and bodies
	modeString          // a quoted template
	modeHeredoc         // a heredoc template
	modeTemplate        // a template no quote ends (a JSON string)
)

// frame is one level of nesting in hclTooDeep.
type frame struct {
	mode int
	// marker ends a heredoc: its line, trimmed, equals it.
	marker []byte
	// lines counts a heredoc's lines so far.
	lines int
	// open is the bracket that opened a code frame ('(', '[', '{', or '$'
	// for an interpolation; 0 for the file's top level).
	open byte
	// ops counts the operators of the expression being read in a code
	// frame: hcl builds a chain of n binary operators as a tree n deep,
	// and unary operators nest too. A comma, and a newline at the top
	// level or in braces, end an expression.
	ops int
}

// hclTooDeep returns the offset at which native syntax first nests deeper
// than MaxNesting, or a heredoc first passes MaxHeredocLines (heredoc is
// then true), or -1. It follows hcl's lexical structure closely enough
// to count what the parser will recurse on; on malformed input it may count
// differently, and the parser then reports the syntax error.
func hclTooDeep(src []byte) (off int, heredoc bool) {
	return scanNesting(src, false)
}

// scanNesting is hclTooDeep; with template, src is the text of a template
// (a JSON suite's string), which no quote ends.
func scanNesting(src []byte, template bool) (off int, heredoc bool) {
	s := &nestScanner{src: src, stack: []frame{{mode: modeCode}}, lineStart: true}
	if template {
		s.stack = append(s.stack, frame{mode: modeTemplate})
	}
	for i := 0; i < len(src); i++ {
		var stop bool
		if s.stack[len(s.stack)-1].mode == modeCode {
			i, stop = s.code(i)
		} else {
			i, stop = s.text(i)
		}
		if stop {
			return i, s.heredoc
		}
	}
	return -1, false
}

// nestScanner is scanNesting's state: the frames open at the byte being
// read, and whether it starts a line (which matters in a heredoc). A step
// returns the offset of the last byte it consumed and whether the scan
// stops; when it stops, the offset is the scan's result.
type nestScanner struct {
	src       []byte
	stack     []frame
	lineStart bool
	// heredoc is set when the scan stops at a heredoc too long.
	heredoc bool
}

// stop ends the scan with its result: off, or -1 for none.
func (s *nestScanner) stop(off int, heredoc bool) (int, bool) {
	s.heredoc = heredoc
	return off, true
}

// push opens a frame and stops the scan at i when it nests too deep.
func (s *nestScanner) push(i int, f frame) (int, bool) {
	s.stack = append(s.stack, f)
	if f.mode == modeCode && len(s.stack)-1 > MaxNesting {
		return s.stop(i, false)
	}
	return i, false
}

// text reads the byte at i of a quoted string, heredoc or template, and
// returns the offset of the last byte it consumed.
func (s *nestScanner) text(i int) (int, bool) {
	src, c := s.src, s.src[i]
	top := &s.stack[len(s.stack)-1]
	switch top.mode {
	case modeString:
		if c == '\\' {
			return i + 1, false
		}
		if c == '"' || c == '\n' {
			s.stack = s.stack[:len(s.stack)-1]
			return i, false
		}
	case modeHeredoc:
		if s.lineStart {
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			if bytes.Equal(bytes.TrimSpace(src[i:i+end]), top.marker) {
				s.stack = s.stack[:len(s.stack)-1]
				s.lineStart = false
				return i + end - 1, false
			}
		}
		s.lineStart = c == '\n'
		if s.lineStart {
			if top.lines++; top.lines > MaxHeredocLines {
				return s.stop(i, true)
			}
		}
	}
	if c != '$' && c != '%' || i+1 >= len(src) {
		return i, false
	}
	switch {
	case src[i+1] == c && i+2 < len(src) && src[i+2] == '{':
		return i + 2, false // $${ and %%{ are literal
	case src[i+1] == '{':
		return s.push(i+1, frame{mode: modeCode, open: '$'})
	}
	return i, false
}

// code reads the byte at i of an expression or body, and returns the
// offset of the last byte it consumed.
func (s *nestScanner) code(i int) (int, bool) {
	src, c := s.src, s.src[i]
	top := &s.stack[len(s.stack)-1]
	switch {
	case c == ' ' || c == '\t' || c == '\r':
		return i, false
	case c == '#' || (c == '/' && i+1 < len(src) && src[i+1] == '/'):
		for i < len(src) && src[i] != '\n' {
			i++
		}
		return i - 1, false // the newline is handled next
	case c == '/' && i+1 < len(src) && src[i+1] == '*':
		end := bytes.Index(src[i+2:], []byte("*/"))
		if end < 0 {
			return s.stop(-1, false)
		}
		return i + 2 + end + 1, false
	case c == '\n':
		if top.open == 0 || top.open == '{' {
			top.ops = 0
		}
		return i, false
	case c == ',':
		top.ops = 0
		return i, false
	case c == '<' && i+1 < len(src) && src[i+1] == '<':
		// <<EOT or <<-EOT, then a newline.
		j := i + 2
		if j < len(src) && src[j] == '-' {
			j++
		}
		k := j
		for k < len(src) && isIdentByte(src[k]) {
			k++
		}
		if k > j && k < len(src) && (src[k] == '\n' || (src[k] == '\r' && k+1 < len(src) && src[k+1] == '\n')) {
			s.stack = append(s.stack, frame{mode: modeHeredoc, marker: src[j:k]})
			if src[k] == '\r' {
				k++
			}
			s.lineStart = true
			return k, false
		}
	}
	if strings.IndexByte("+-*/%<>&|?:!", c) >= 0 {
		if top.ops++; len(s.stack)-1+top.ops > MaxNesting {
			return s.stop(i, false)
		}
		return i, false
	}
	switch c {
	case '"':
		s.stack = append(s.stack, frame{mode: modeString})
	case '(', '[', '{':
		return s.push(i, frame{mode: modeCode, open: c})
	case ')', ']', '}':
		if len(s.stack) > 1 {
			s.stack = s.stack[:len(s.stack)-1]
		}
	}
	return i, false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
