package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/csvstats"
	"github.com/benchy-dev/benchy/internal/termtext"
)

// renderCSVAnalysis writes benchy analyze's report.
func renderCSVAnalysis(w io.Writer, rep *csvstats.Report, f Format) error {
	switch f {
	case Text:
		return csvAnalysisText(w, rep)
	case JSON:
		return writeJSON(w, rep)
	}
	return notOffered("a CSV analysis", f, AnalyzeFormats)
}

// renderCSVError writes the error that ended benchy analyze, as
// {"error": {"code", "message"}}.
func renderCSVError(w io.Writer, e *csvstats.Error, f Format) error {
	if f != JSON {
		return notOffered("an analysis error", f, Formats{JSON})
	}
	return writeJSON(w, map[string]*csvstats.Error{"error": e})
}

var csvEstimatorWords = map[string]string{
	"logratio": "geometric mean of the per-block ratios",
	"ratio":    "ratio of sums",
	"cmh":      "Mantel-Haenszel risk ratio over strata",
	"crude":    "pooled risk ratio, strata ignored",
}

// csvPct prints a relative difference with two decimals, or n/a when
// undefined.
func csvPct(x csvstats.Float) string {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f%%", 100*v)
}

// csvNum prints a number with 4 significant digits, or n/a when undefined.
func csvNum(x csvstats.Float) string {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

func csvRateText(r *csvstats.Rate) string {
	if r == nil || r.Trials == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", r.Successes, r.Trials, 100*float64(r.Successes)/float64(r.Trials))
}

func csvAnalysisText(w io.Writer, rep *csvstats.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "benchy analyze %s\n", rep.Input)
	fmt.Fprintf(&b, "estimator   %s (%s), %s scale\n", rep.Estimator, csvEstimatorWords[rep.Estimator], rep.Scale)
	fmt.Fprintf(&b, "baseline    %s\n", rep.Baseline)
	unit := "delete-one-block"
	if rep.Jackknife == "group" {
		unit = "delete-a-group"
	}
	fmt.Fprintf(&b, "jackknife   %s over %d units (%d blocks), Student t, %g%% CI\n\n", unit, rep.Units, rep.Blocks, 100*rep.Confidence)
	seName := "SE(ln)"
	if rep.Scale == "linear" {
		seName = "SE"
	}
	ciName := fmt.Sprintf("%g%% CI", 100*rep.Confidence)
	var rows [][]string
	if rep.Binary {
		rows = append(rows, []string{"arm", "success", "change", ciName, seName, "df", "significant"},
			[]string{termtext.Escape(rep.Baseline), csvRateText(rep.BaselineRate), "(baseline)"})
	} else {
		rows = append(rows, []string{"arm", "change", ciName, seName, "df", "significant"})
	}
	for _, a := range rep.Arms {
		sig := "no"
		if a.Significant {
			sig = "yes"
		}
		row := []string{termtext.Escape(a.Arm)} // escaped before the columns are aligned
		if rep.Binary {
			row = append(row, csvRateText(a.Rate))
		}
		if a.Error != nil {
			rows = append(rows, append(row, "not estimated"))
			continue
		}
		rows = append(rows, append(row, csvPct(a.Estimate), fmt.Sprintf("[%s, %s]", csvPct(a.CILo), csvPct(a.CIHi)),
			csvNum(a.SE), strconv.Itoa(a.DF), sig))
	}
	writeColumns(&b, rows)
	for _, a := range rep.Arms {
		if a.Error != nil {
			fmt.Fprintf(&b, "\nnot estimated: %s\n", a.Error.Message)
		}
	}
	if rep.Binary {
		for _, a := range rep.Arms {
			if a.MH != nil {
				csvMHText(&b, rep, a)
			}
		}
	}
	// The input's path, arm names and error messages come from the user's
	// file: its control characters are shown as escapes.
	_, err := io.WriteString(w, termtext.EscapeLines(b.String()))
	return err
}

// csvMHText writes an arm's Mantel-Haenszel details.
func csvMHText(b *strings.Builder, rep *csvstats.Report, a csvstats.Arm) {
	m := a.MH
	f := func(v float64) string { return csvNum(csvstats.Float(v)) }
	fmt.Fprintf(b, "\n%s vs %s over %d strata: RR_MH %s, crude RR %s, RD_MH %s, OR_MH %s\n",
		a.Arm, rep.Baseline, m.Strata, f(m.RR), f(m.CrudeRR), f(m.RD), f(m.OR))
	fmt.Fprintf(b, "  Greenland-Robins SE(ln RR) %s; CMH chi-square %s (p = %s), with continuity correction %s (p = %s)\n",
		f(m.LogRRSE), f(m.CMHStatistic), f(m.CMHPValue), f(m.CMHStatisticCorrected), f(m.CMHPValueCorrected))
}

// writeColumns writes rows as left-aligned columns two spaces apart,
// without trailing spaces.
func writeColumns(b *strings.Builder, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString("\n")
	}
}
