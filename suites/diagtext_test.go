package suites_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/suites"
)

// manyErrors is a suite with n undeclared references, one per local.
func manyErrors(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  x%d = var.nope%d\n", i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// TestWriteDiagnosticsCapsAndCounts: thousands of diagnostics load and
// print in bounded time, the first MaxDiagnostics with snippets and the rest
// counted (#14.15).
func TestWriteDiagnosticsCapsAndCounts(t *testing.T) {
	var out string
	within(t, 60*time.Second, func() {
		_, l, diags := tryLoad(t, manyErrors(3000), suites.Options{})
		if len(diags) != 3000 {
			t.Errorf("%d diagnostics, want 3000", len(diags))
		}
		out = render(l, diags)
	})
	if n := strings.Count(out, "Error: Reference to undeclared input variable"); n != suites.MaxDiagnostics {
		t.Errorf("%d diagnostics printed, want %d", n, suites.MaxDiagnostics)
	}
	if !strings.HasSuffix(out, "... 2900 more errors are not shown; benchy prints the first 100 diagnostics.\n\n") {
		t.Errorf("no count of the rest at the end:\n...%s", out[max(0, len(out)-300):])
	}
}

// TestWriteDiagnosticsColumns: the location names file, line and column
// (#14.18).
func TestWriteDiagnosticsColumns(t *testing.T) {
	_, l, diags := tryLoad(t, "locals {\n  a = 1\n  b =   var.nope\n}\n", suites.Options{})
	out := render(l, diags)
	if !regexp.MustCompile(`(?m)^  on .*s\.benchy\.hcl:3:9, in locals:$`).MatchString(out) {
		t.Errorf("no FILE:LINE:COL location:\n%s", out)
	}
}

// TestWriteDiagnosticsEscapesInColour: with colour on, the only escape
// sequences are the writer's own; the source's are shown as text (#14.14).
func TestWriteDiagnosticsEscapesInColour(t *testing.T) {
	src := "locals {\n  a = \"\x1b]0;title\x07\x1b[2J\" + var.nope\n}\n"
	_, l, diags := tryLoad(t, src, suites.Options{})
	var b bytes.Buffer
	if err := suites.WriteDiagnostics(&b, l.Files(), diags, 0, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	own := regexp.MustCompile(`\x1b\[(31|33|0|1;4)m`)
	if rest := own.ReplaceAllString(out, ""); strings.ContainsAny(rest, "\x1b\x07") {
		t.Errorf("raw control characters from the source reach the terminal:\n%q", rest)
	}
	if !strings.Contains(out, `\x1b]0;title\x07\x1b[2J`) {
		t.Errorf("the source's control characters are not shown as escapes:\n%q", out)
	}
}

// TestWriteDiagnosticsLongRanges: a multi-line range shows at most 20
// lines, and a long line a window around the highlight.
func TestWriteDiagnosticsLongRanges(t *testing.T) {
	src := "locals {\n  a = [\n" + strings.Repeat("    1,\n", 50) + "  ] + 1\n  b = \"" + strings.Repeat("y", 1000) + "\" + var.nope\n}\n"
	_, l, diags := tryLoad(t, src, suites.Options{})
	out := render(l, diags)
	if !strings.Contains(out, "  ... (") || strings.Count(out, "    1,") > 20 {
		t.Errorf("a long range is not cut to 20 lines:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 300 && strings.Contains(line, "yyyy") && !strings.HasPrefix(line, `"`) {
			t.Errorf("a snippet line of %d bytes", len(line))
		}
	}
	if !strings.Contains(out, "…") {
		t.Errorf("no sign of a cut line:\n%s", out)
	}
}
