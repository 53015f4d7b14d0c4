package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/internal/termtext"
)

// progressDisplay is where a run's progress goes: plain lines, or on a
// terminal a bar that the other lines scroll above.
type progressDisplay struct {
	// Lines receives the progress lines.
	Lines io.Writer
	// Blocks is the harness's block hook; nil for plain lines.
	Blocks func(harness.BlockProgress)
	// Done clears the bar.
	Done func()
}

// newProgress draws a bar on stderr when it is a terminal, and writes
// plain lines when it is not, when CI=true (CI logs keep every line) or
// when TERM=dumb.
func newProgress(stderr io.Writer) progressDisplay {
	width := termtext.Columns(stderr)
	if width == 0 && termtext.IsTerminal(stderr) {
		width = termtext.DefaultWidth // a terminal that does not say its size
	}
	return progressFor(stderr, width, os.Getenv)
}

// progressFor is newProgress for a writer whose terminal width is known
// (0: not a terminal), reading the environment through getenv.
func progressFor(w io.Writer, width int, getenv func(string) string) progressDisplay {
	if width <= 0 || getenv("CI") == "true" || getenv("TERM") == "dumb" {
		return progressDisplay{Lines: escaping{w}, Done: func() {}}
	}
	bar := &progressBar{w: w, width: width}
	return progressDisplay{Lines: bar, Blocks: bar.update, Done: bar.done}
}

// escaping writes progress lines with their control characters escaped
// (line breaks and tabs kept): the lines quote arm stderr and names from
// the suite, whose escape sequences must not drive the terminal.
type escaping struct{ w io.Writer }

func (e escaping) Write(p []byte) (int, error) {
	if _, err := io.WriteString(e.w, termtext.EscapeLines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// progressBar keeps one status line at the bottom of a terminal: the
// current workload, its measured blocks against max_blocks, and the last
// block's times. Other output is written above it.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	last  harness.BlockProgress
	shown bool
}

const clearLine = "\r\x1b[K"

// Write prints p above the bar.
func (b *progressBar) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		io.WriteString(b.w, clearLine)
	}
	n, err := escaping{b.w}.Write(p)
	if b.shown {
		b.draw()
	}
	return n, err
}

func (b *progressBar) update(ev harness.BlockProgress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last, b.shown = ev, true
	io.WriteString(b.w, clearLine)
	b.draw()
}

func (b *progressBar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		io.WriteString(b.w, clearLine)
		b.shown = false
	}
}

// draw writes the bar line (no newline), cut to the terminal's width.
func (b *progressBar) draw() {
	io.WriteString(b.w, barLine(b.last, b.width))
}

// barLine renders "[#####.....] 5/10 blocks  workload  a 1.2ms  b 1.3ms".
func barLine(ev harness.BlockProgress, width int) string {
	const cells = 20
	filled := 0
	if ev.MaxBlocks > 0 {
		filled = min(cells, ev.Measured*cells/ev.MaxBlocks)
	}
	count := fmt.Sprintf("%d/%d blocks", ev.Measured, ev.MaxBlocks)
	if ev.Warmup {
		count = "warm-up"
	}
	line := fmt.Sprintf("[%s%s] %s  %s  %s", strings.Repeat("#", filled), strings.Repeat(".", cells-filled), count, termtext.Escape(ev.Workload), termtext.Escape(ev.Line))
	if r := []rune(line); width > 1 && len(r) > width-1 {
		line = string(r[:width-2]) + "…"
	}
	return line
}
