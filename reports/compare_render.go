package reports

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/olekukonko/tablewriter/tw"
)

func (r *CompareRow) changeText() string {
	if !r.Compared {
		return "—"
	}
	est, lo, hi := formatCI(r.Change, r.CILo, r.CIHi)
	return fmt.Sprintf("%s [%s, %s]", est, lo, hi)
}

func (r *CompareRow) cells() []string {
	base, head := FormatValue(r.BaseValue, r.Metric), FormatValue(r.HeadValue, r.Metric)
	if r.BaseBlocks == 0 {
		base = "—"
	}
	if r.HeadBlocks == 0 {
		head = "—"
	}
	arm := r.Arm
	if r.BaseArm != "" && r.BaseArm != r.Arm {
		arm = r.Arm + " vs " + r.BaseArm
	}
	verdict := string(r.Verdict)
	if r.Fails {
		verdict += " (fails)"
	}
	return []string{r.Workload, arm, base, head, r.changeText(), verdict}
}

func compareHeader(c *Comparison) []string {
	conf := 0.95
	if len(c.Rows) > 0 {
		conf = c.Rows[0].Confidence
	}
	for _, r := range c.Rows {
		if r.Compared { // the level after the correction
			conf = r.Confidence
			break
		}
	}
	return []string{"workload", "arm", "base geomean", "head geomean", fmt.Sprintf("change (%s CI)", percentLevel(conf)), "verdict"}
}

// compareText writes the comparison as a terminal table.
func compareText(w io.Writer, c *Comparison, opt Options) error {
	fmt.Fprintf(w, "benchy compare · %s · threshold ±%s\n", c.Method, strings.TrimPrefix(FormatPercent(c.Threshold), "+"))
	t := &textTable{header: compareHeader(c),
		align: tw.Alignment{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}}
	for _, r := range c.Rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = termSafe(cells[i])
		}
		if opt.Color {
			cells[5] = colorCompare(r.Verdict, cells[5])
		}
		t.rows = append(t.rows, cells)
	}
	if err := t.render(w, opt.width()); err != nil {
		return err
	}
	for _, r := range c.Rows {
		if r.Reason != "" {
			// A reason may quote several lines of stderr: keep them,
			// indented, as the run report does.
			fmt.Fprintf(w, "  %s · %s: %s\n", termSafe(r.Workload), termSafe(r.Arm), strings.ReplaceAll(termSafeLines(r.Reason), "\n", "\n    "))
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(w, "note: %s\n", termSafe(n))
	}
	fmt.Fprintln(w, compareLegend)
	fmt.Fprintln(w, c.Headline())
	return nil
}

// compareLegend says what the base and head columns hold, so that they
// agree with the change beside them.
const compareLegend = "base and head geomean: geometric means of the per-block means, which the change compares (head/base − 1; paired: over the blocks both ran)."

func colorCompare(v metric.Verdict, s string) string {
	switch v {
	case metric.Improved:
		return "\x1b[32m" + s + "\x1b[0m"
	case metric.Regressed:
		return "\x1b[31m" + s + "\x1b[0m"
	case metric.Inconclusive:
		return "\x1b[33m" + s + "\x1b[0m"
	}
	return s
}

// compareMarkdown writes the comparison for a PR comment or job summary.
func compareMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	icon := "✅"
	if c.Failed() {
		icon = "❌"
	}
	fmt.Fprintf(&b, "## benchy compare\n\n%s **%s**\n\n", icon, mdEscape(c.Headline()))
	h := compareHeader(c)
	fmt.Fprintf(&b, "| %s |\n|---|---|---:|---:|---:|---|\n", strings.Join(h, " | "))
	for _, r := range c.Rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = mdEscape(cells[i])
		}
		cells[0], cells[1] = "`"+mdCode(r.Workload)+"`", "`"+mdCode(r.Arm)+"`"
		if r.BaseArm != "" && r.BaseArm != r.Arm {
			cells[1] += " vs `" + mdCode(r.BaseArm) + "`"
		}
		if r.Verdict == metric.Regressed || r.Verdict == metric.Improved {
			cells[5] = "**" + cells[5] + "**"
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	var notes []string
	for _, r := range c.Rows {
		if r.Reason != "" {
			notes = append(notes, fmt.Sprintf("- `%s` · `%s`: %s", mdCode(r.Workload), mdCode(r.Arm), mdEscape(r.Reason)))
		}
	}
	for _, n := range c.Notes {
		notes = append(notes, "- "+mdEscape(n))
	}
	notes = append(notes, "- "+mdEscape(compareLegend))
	b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// compareSchema is the version tag of the comparison JSON.
const compareSchema = "benchy/compare/v1"

type jsonCompare struct {
	Schema    string  `json:"schema"`
	Method    string  `json:"method"`
	Base      string  `json:"base"`
	Head      string  `json:"head"`
	Threshold float64 `json:"threshold"`
	Strict    bool    `json:"strict"`
	Failed    bool    `json:"failed"`
	// Correction and Comparisons: the multiple-comparison correction and
	// the number of compared rows it spans.
	Correction  string `json:"correction"`
	Comparisons int    `json:"comparisons"`
	Headline    string `json:"headline"`
	// Setup lists how the two runs' setups differ (unpaired only).
	Setup []jsonSetupDifference `json:"setup_differences,omitempty"`
	// DifferentSuites says why the two runs come from different suites
	// (compared only with --force).
	DifferentSuites string           `json:"different_suites,omitempty"`
	Notes           []string         `json:"notes,omitempty"`
	Rows            []jsonCompareRow `json:"rows"`
}

type jsonSetupDifference struct {
	What string `json:"what"`
	Base string `json:"base"`
	Head string `json:"head"`
}

type jsonCompareRow struct {
	Workload   string   `json:"workload"`
	Arm        string   `json:"arm"`
	BaseArm    string   `json:"base_arm,omitempty"`
	Metric     string   `json:"metric"`
	Better     string   `json:"better"`
	BaseValue  *float64 `json:"base_value,omitempty"`
	HeadValue  *float64 `json:"head_value,omitempty"`
	BaseBlocks int      `json:"base_blocks"`
	HeadBlocks int      `json:"head_blocks"`
	Change     *float64 `json:"change,omitempty"`
	CILo       *float64 `json:"ci_lo,omitempty"`
	CIHi       *float64 `json:"ci_hi,omitempty"`
	DF         *float64 `json:"df,omitempty"`
	Confidence float64  `json:"confidence"`
	Verdict    string   `json:"verdict"`
	Reason     string   `json:"reason,omitempty"`
	Fails      bool     `json:"fails"`
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// compareJSON writes the versioned comparison.
func compareJSON(w io.Writer, c *Comparison) error {
	out := jsonCompare{Schema: compareSchema, Method: c.Method, Base: c.Base, Head: c.Head, Threshold: c.Threshold,
		Strict: c.Strict, Failed: c.Failed(), Correction: c.Correction, Comparisons: c.Comparisons, Headline: c.Headline(), DifferentSuites: c.DifferentSuites, Notes: c.Notes, Rows: []jsonCompareRow{}}
	for _, d := range c.Setup {
		out.Setup = append(out.Setup, jsonSetupDifference(d))
	}
	for _, r := range c.Rows {
		jr := jsonCompareRow{Workload: r.Workload, Arm: r.Arm, BaseArm: r.BaseArm, Metric: r.Metric, Better: string(r.Better),
			BaseBlocks: r.BaseBlocks, HeadBlocks: r.HeadBlocks, Confidence: r.Confidence, Verdict: string(r.Verdict), Reason: r.Reason, Fails: r.Fails}
		if r.BaseBlocks > 0 {
			jr.BaseValue = ptr(r.BaseValue)
		}
		if r.HeadBlocks > 0 {
			jr.HeadValue = ptr(r.HeadValue)
		}
		if r.Compared {
			jr.Change, jr.CILo, jr.CIHi, jr.DF = ptr(r.Change), ptr(r.CILo), ptr(r.CIHi), ptr(r.DF)
		}
		out.Rows = append(out.Rows, jr)
	}
	return writeJSON(w, out)
}
