package reports

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// Calibration is an A/A study: the same arm run as two or more identical
// arms, repeated, so that every significant difference is a false positive.
// Over R·(K−1) comparisons a calibrated setup shows about 5% (at 95%
// confidence); docs/statistics.md ("A/A calibration") flags more than the 99% quantile of
// Binomial(comparisons, α).
type Calibration struct {
	Suite string
	// Order is the block order the repeats ran in.
	Order string
	// Arms is the number of identical arms per workload instance.
	Arms int
	// Repeats are the A/A runs, in order.
	Repeats []CalibrationRepeat
}

// CalibrationRepeat is one A/A run.
type CalibrationRepeat struct {
	Seed int64
	// Dir is where the run's results.json is, if it was kept.
	Dir       string
	Workloads []CalibrationWorkload
}

// CalibrationWorkload is one workload instance of one repeat.
type CalibrationWorkload struct {
	Name       string
	Confidence float64
	Blocks     int
	// Result is nil when the comparison could not be made (Error says why).
	Result *stats.AAResult
	Error  string
}

// AddRun analyses one A/A results document (every arm the same workload,
// the baseline first) and appends it as a repeat.
func (c *Calibration) AddRun(doc *results.Document, dir string) {
	rep := CalibrationRepeat{Seed: doc.Seed, Dir: dir}
	for _, w := range doc.Workloads {
		cw := CalibrationWorkload{Name: w.Name, Confidence: w.Confidence()}
		base := -1
		var cols []string
		for _, a := range w.Arms {
			if a.Baseline {
				base = len(cols)
			}
			cols = append(cols, a.Name)
		}
		var m [][]float64
		for _, b := range w.Blocks {
			if !b.Measured() {
				continue
			}
			row := make([]float64, len(cols))
			ok := true
			for i, name := range cols {
				if row[i], ok = b.Value(name); !ok {
					break
				}
			}
			if ok {
				m = append(m, row)
			}
		}
		cw.Blocks = len(m)
		switch {
		case base < 0:
			cw.Error = "no baseline arm"
		case w.Status == results.StatusFailed:
			cw.Error = "the workload failed: " + w.StopReason
		default:
			r, err := stats.AAFalsePositives(m, base, stats.Options{Confidence: cw.Confidence})
			if err != nil {
				cw.Error = err.Error()
			} else {
				cw.Result = &r
			}
		}
		rep.Workloads = append(rep.Workloads, cw)
	}
	c.Repeats = append(c.Repeats, rep)
}

// CalibrationTotal pools the comparisons of several repeats.
type CalibrationTotal struct {
	Name string
	// Repeats counts the repeats with a comparison.
	Repeats                     int
	Comparisons, FalsePositives int
	Rate                        float64
	// Alpha is 1 − confidence, Expected = Comparisons·Alpha, and Limit the
	// 99% quantile of Binomial(Comparisons, Alpha); Flagged is
	// FalsePositives > Limit.
	Alpha, Expected float64
	Limit           int
	Flagged         bool
	// MedianAbs and MaxAbs are the median and largest |relative
	// difference| between identical arms, and MedianHalfWidth the median
	// CI half-width as a fraction: the machine's noise floor.
	MedianAbs, MaxAbs, MedianHalfWidth float64
	Errors                             []string
}

func total(name string, rs []CalibrationWorkload) CalibrationTotal {
	t := CalibrationTotal{Name: name}
	var abs, hw []float64
	for _, cw := range rs {
		if cw.Result == nil {
			t.Errors = append(t.Errors, cw.Error)
			continue
		}
		r := cw.Result
		t.Repeats++
		t.Comparisons += r.Comparisons
		t.FalsePositives += r.FalsePositives
		t.Alpha = r.Alpha
		for _, e := range r.Estimates {
			abs = append(abs, math.Abs(e.Estimate))
			hw = append(hw, math.Expm1(e.HalfWidth))
		}
	}
	if t.Comparisons == 0 {
		return t
	}
	sort.Float64s(abs)
	sort.Float64s(hw)
	t.Rate = float64(t.FalsePositives) / float64(t.Comparisons)
	t.Expected = float64(t.Comparisons) * t.Alpha
	t.Limit = stats.BinomialQuantile(t.Comparisons, t.Alpha, 0.99)
	t.Flagged = t.FalsePositives > t.Limit
	t.MedianAbs, t.MaxAbs = stats.Quantile(abs, 0.5), abs[len(abs)-1]
	t.MedianHalfWidth = stats.Quantile(hw, 0.5)
	return t
}

// Totals returns one pooled total per workload instance, in first-seen
// order, then the total over all of them.
func (c *Calibration) Totals() (perWorkload []CalibrationTotal, all CalibrationTotal) {
	var order []string
	by := map[string][]CalibrationWorkload{}
	var every []CalibrationWorkload
	for _, rep := range c.Repeats {
		for _, cw := range rep.Workloads {
			if _, ok := by[cw.Name]; !ok {
				order = append(order, cw.Name)
			}
			by[cw.Name] = append(by[cw.Name], cw)
			every = append(every, cw)
		}
	}
	for _, name := range order {
		perWorkload = append(perWorkload, total(name, by[name]))
	}
	return perWorkload, total("all", every)
}

// Flagged reports whether the pooled false-positive count exceeds what a
// calibrated setup shows 99% of the time.
func (c *Calibration) Flagged() bool {
	_, all := c.Totals()
	return all.Flagged
}

func calibrationVerdict(t CalibrationTotal) string {
	switch {
	case t.Comparisons == 0:
		return "no comparison"
	case t.Flagged:
		return "MISCALIBRATED"
	default:
		return "calibrated"
	}
}

// calibrationText writes the A/A calibration for the terminal.
func calibrationText(w io.Writer, c *Calibration, opt Options) error {
	per, all := c.Totals()
	conf := 1 - all.Alpha
	if all.Comparisons == 0 {
		conf = defaultConfidence
	}
	fmt.Fprintf(w, "benchy calibrate · suite %s · order %s · %d identical arms · %d repeats · %s CIs\n",
		termSafe(c.Suite), c.Order, c.Arms, len(c.Repeats), pct(conf))
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithAlignment(tw.Alignment{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}))
	t.Header([]string{"workload", "comparisons", "false positives", "rate", "nominal", "99% limit", "noise floor", "verdict"})
	rows := per
	if len(per) > 1 {
		rows = append(append([]CalibrationTotal{}, per...), all)
	}
	for _, r := range rows {
		v := calibrationVerdict(r)
		if opt.Color && r.Flagged {
			v = "\x1b[31m" + v + "\x1b[0m"
		} else if opt.Color && r.Comparisons > 0 {
			v = "\x1b[32m" + v + "\x1b[0m"
		}
		cells := []string{termSafe(r.Name), fmt.Sprint(r.Comparisons), fmt.Sprint(r.FalsePositives), "—",
			pct(r.Alpha), fmt.Sprint(r.Limit), "—", v}
		if r.Comparisons > 0 {
			cells[3] = fmt.Sprintf("%.1f%%", 100*r.Rate)
			cells[6] = fmt.Sprintf("±%.2g%%", 100*r.MedianHalfWidth)
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, r := range per {
		for _, e := range uniq(r.Errors) {
			fmt.Fprintf(w, "  %s: %s\n", termSafe(r.Name), termSafe(e))
		}
	}
	if all.Comparisons > 0 {
		fmt.Fprintf(w, "Between identical arms: median |difference| %.2g%%, largest %.2g%%, median CI half-width ±%.2g%% (the smallest effect worth claiming here).\n",
			100*all.MedianAbs, 100*all.MaxAbs, 100*all.MedianHalfWidth)
		if all.Flagged {
			fmt.Fprintf(w, "%d false positives in %d comparisons is more than a calibrated setup shows 99%% of the time (at most %d; about %.1f expected).\n",
				all.FalsePositives, all.Comparisons, all.Limit, all.Expected)
			if c.Order == "sequential" {
				fmt.Fprintln(w, "The order is sequential: drift between the arms' runs looks like a difference. Interleave (the default) to cancel it.")
			} else {
				fmt.Fprintln(w, "Look for drift faster than a block, an arm-order effect, or interference; `benchy doctor` lists what threatens timings here.")
			}
		} else {
			fmt.Fprintf(w, "%d false positives in %d comparisons is within what a calibrated setup shows (at most %d; about %.1f expected).\n",
				all.FalsePositives, all.Comparisons, all.Limit, all.Expected)
		}
	}
	return nil
}

// pct prints a fraction as a percentage with at most 3 significant digits.
func pct(f float64) string { return strconv.FormatFloat(100*f, 'g', 3, 64) + "%" }

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// calibrationSchema is the version tag of the calibration JSON.
const calibrationSchema = "benchy/calibration/v1"

type jsonCalTotal struct {
	Name            string   `json:"name"`
	Repeats         int      `json:"repeats"`
	Comparisons     int      `json:"comparisons"`
	FalsePositives  int      `json:"false_positives"`
	Rate            float64  `json:"rate"`
	Alpha           float64  `json:"alpha"`
	Expected        float64  `json:"expected"`
	Limit99         int      `json:"limit_99"`
	Flagged         bool     `json:"flagged"`
	MedianAbs       float64  `json:"median_abs_difference"`
	MaxAbs          float64  `json:"max_abs_difference"`
	MedianHalfWidth float64  `json:"median_ci_half_width"`
	Errors          []string `json:"errors,omitempty"`
}

type jsonCalRepeat struct {
	Seed      int64             `json:"seed"`
	Dir       string            `json:"dir,omitempty"`
	Workloads []jsonCalWorkload `json:"workloads"`
}

type jsonCalWorkload struct {
	Name           string          `json:"name"`
	Blocks         int             `json:"blocks"`
	Comparisons    int             `json:"comparisons"`
	FalsePositives int             `json:"false_positives"`
	Estimates      []*jsonEstimate `json:"estimates,omitempty"`
	Error          string          `json:"error,omitempty"`
}

func calTotalJSON(t CalibrationTotal) jsonCalTotal {
	return jsonCalTotal{Name: t.Name, Repeats: t.Repeats, Comparisons: t.Comparisons, FalsePositives: t.FalsePositives,
		Rate: t.Rate, Alpha: t.Alpha, Expected: t.Expected, Limit99: t.Limit, Flagged: t.Flagged,
		MedianAbs: t.MedianAbs, MaxAbs: t.MaxAbs, MedianHalfWidth: t.MedianHalfWidth, Errors: uniq(t.Errors)}
}

// calibrationJSON writes the versioned calibration: totals and every
// repeat's comparisons.
func calibrationJSON(w io.Writer, c *Calibration) error {
	per, all := c.Totals()
	out := struct {
		Schema    string          `json:"schema"`
		Suite     string          `json:"suite"`
		Order     string          `json:"order"`
		Arms      int             `json:"arms"`
		Total     jsonCalTotal    `json:"total"`
		Workloads []jsonCalTotal  `json:"workloads"`
		Repeats   []jsonCalRepeat `json:"repeats"`
	}{Schema: calibrationSchema, Suite: c.Suite, Order: c.Order, Arms: c.Arms, Total: calTotalJSON(all)}
	for _, t := range per {
		out.Workloads = append(out.Workloads, calTotalJSON(t))
	}
	for _, rep := range c.Repeats {
		jr := jsonCalRepeat{Seed: rep.Seed, Dir: rep.Dir}
		for _, cw := range rep.Workloads {
			jw := jsonCalWorkload{Name: cw.Name, Blocks: cw.Blocks, Error: cw.Error}
			if r := cw.Result; r != nil {
				jw.Comparisons, jw.FalsePositives = r.Comparisons, r.FalsePositives
				for i := range r.Estimates {
					jw.Estimates = append(jw.Estimates, estimateJSON(&r.Estimates[i]))
				}
			}
			jr.Workloads = append(jr.Workloads, jw)
		}
		out.Repeats = append(out.Repeats, jr)
	}
	return writeJSON(w, out)
}

// calibrationMarkdown writes the A/A calibration for a job summary.
func calibrationMarkdown(w io.Writer, c *Calibration) error {
	per, all := c.Totals()
	var b strings.Builder
	icon := "✅"
	if all.Flagged {
		icon = "❌"
	}
	fmt.Fprintf(&b, "## benchy calibrate: %s\n\n%s **%d false positives in %d A/A comparisons (%.1f%%; nominal %s, 99%% limit %d)** · order `%s` · %d identical arms · %d repeats\n\n",
		mdEscape(c.Suite), icon, all.FalsePositives, all.Comparisons, 100*all.Rate, pct(all.Alpha), all.Limit, mdCode(c.Order), c.Arms, len(c.Repeats))
	b.WriteString("| workload | comparisons | false positives | rate | 99% limit | noise floor (median CI half-width) | verdict |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, r := range per {
		fmt.Fprintf(&b, "| `%s` | %d | %d | %.1f%% | %d | ±%.2g%% | %s |\n", mdCode(r.Name), r.Comparisons, r.FalsePositives,
			100*r.Rate, r.Limit, 100*r.MedianHalfWidth, calibrationVerdict(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
