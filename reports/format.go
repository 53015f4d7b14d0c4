package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/benchy-dev/benchy/csvstats"
	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/results"
)

// Format is an output format of benchy's reports, named as the --format
// flag spells it.
type Format string

// The output formats. Each model renders in some of them (Render).
const (
	Text     Format = "text"     // terminal tables (colour optional)
	Markdown Format = "markdown" // GitHub-flavoured, for job summaries and PR comments
	HTML     Format = "html"     // one self-contained page with plots
	JSON     Format = "json"     // the versioned document of the model
	Benchfmt Format = "benchfmt" // Go benchmark format, one line per arm per block
	CSV      Format = "csv"      // tidy, one row per timed iteration
	Bencher  Format = "bencher"  // Bencher Metric Format JSON
)

// Formats are the formats a command offers, in the order its --help lists
// them.
type Formats []Format

// The formats of benchy's commands: a run's report (report, run, exec);
// the summaries of a comparison, a calibration and a fleet (compare,
// calibrate, merge, gobench); a CSV analysis (analyze).
var (
	ReportFormats  = Formats{Text, Markdown, HTML, JSON, Benchfmt, CSV, Bencher}
	SummaryFormats = Formats{Text, Markdown, JSON}
	AnalyzeFormats = Formats{Text, JSON}
)

// Parse reads a --format value: one of fs, or "md" for markdown when fs
// offers it. The error names the formats fs offers.
func (fs Formats) Parse(s string) (Format, error) {
	f := Format(s)
	if s == "md" {
		f = Markdown
	}
	if fs.Has(f) {
		return f, nil
	}
	if len(fs) > 3 {
		return "", fmt.Errorf("--format must be one of %s, not %q", fs.List(), s)
	}
	return "", fmt.Errorf("--format must be %s, not %q", fs, s)
}

// Has reports whether fs offers f.
func (fs Formats) Has(f Format) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// List is the formats separated by commas: "text, markdown, html".
func (fs Formats) List() string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// String is the formats as a list in words: "text, markdown or json".
func (fs Formats) String() string {
	if len(fs) < 2 {
		return fs.List()
	}
	return fs[:len(fs)-1].List() + " or " + string(fs[len(fs)-1])
}

// Options tune a rendering; each applies to the formats it names.
type Options struct {
	// Color enables ANSI colour for verdicts (text). The caller decides
	// (benchy's --color flag: colour only on a terminal, never when
	// NO_COLOR is set).
	Color bool
	// Width is the number of columns the text tables of a run's report and
	// of a comparison fit (TerminalWidth finds it); 0 means 80 columns.
	// A table too wide leaves out p99, then p90, then the median, saying
	// so, and when even that is too wide shows each arm as a paragraph.
	Width int
	// MaxBytes caps the size of a run's Markdown report; 0 (or less) means
	// GitHub's 1 MiB job-summary limit. When the report would be larger, the per-block
	// tables go first, then the suite source, then the environment, then
	// whole workload sections, and a note says so.
	MaxBytes int
}

func (o Options) width() int {
	if o.Width <= 0 {
		return defaultWidth
	}
	return o.Width
}

// Render writes m in format f. m is what a command computed: a run's
// results (a *results.Document, rendered through its Analysis, or the
// *Analysis itself: ReportFormats), a *Comparison, a *Calibration or a
// merged *fleet.Document (SummaryFormats), a run in hyperfine's shapes
// (*Hyperfine: JSON, CSV and Markdown), or a CSV analysis
// (*csvstats.Report: AnalyzeFormats; the *csvstats.Error that ended one:
// JSON). A format the model does not offer is an error.
func Render(w io.Writer, m any, f Format, opt Options) error {
	switch m := m.(type) {
	case *results.Document:
		switch f {
		case Benchfmt:
			return benchfmtExport(w, m)
		case CSV:
			return csvExport(w, m)
		}
		return Render(w, Analyze(m), f, opt)
	case *Analysis:
		return renderAnalysis(w, m, f, opt)
	case *Comparison:
		return renderComparison(w, m, f, opt)
	case *Calibration:
		return renderCalibration(w, m, f, opt)
	case *Hyperfine:
		return renderHyperfine(w, m, f)
	case *fleet.Document:
		return renderFleet(w, m, f)
	case *csvstats.Report:
		return renderCSVAnalysis(w, m, f)
	case *csvstats.Error:
		return renderCSVError(w, m, f)
	}
	return fmt.Errorf("reports: cannot render a %T", m)
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// notOffered is the error for a model rendered in a format it lacks.
func notOffered(what string, f Format, fs Formats) error {
	return fmt.Errorf("%s renders as %s, not %s", what, fs, f)
}

func renderAnalysis(w io.Writer, a *Analysis, f Format, opt Options) error {
	switch f {
	case Text:
		return textReport(w, a, opt)
	case Markdown:
		return markdownReport(w, a, opt)
	case HTML:
		return htmlReport(w, a)
	case JSON:
		return jsonReport(w, a)
	case Benchfmt:
		return benchfmtExport(w, a.Doc)
	case CSV:
		return csvExport(w, a.Doc)
	case Bencher:
		return bencherExport(w, a)
	}
	return notOffered("a run", f, ReportFormats)
}

func renderComparison(w io.Writer, c *Comparison, f Format, opt Options) error {
	switch f {
	case Text:
		return compareText(w, c, opt)
	case Markdown:
		return compareMarkdown(w, c)
	case JSON:
		return compareJSON(w, c)
	}
	return notOffered("a comparison", f, SummaryFormats)
}

func renderCalibration(w io.Writer, c *Calibration, f Format, opt Options) error {
	switch f {
	case Text:
		return calibrationText(w, c, opt)
	case Markdown:
		return calibrationMarkdown(w, c)
	case JSON:
		return calibrationJSON(w, c)
	}
	return notOffered("a calibration", f, SummaryFormats)
}
