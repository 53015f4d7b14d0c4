package reports

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/metric"
)

// The hyperfine exports write benchy's numbers in the shapes of hyperfine's
// --export-json, --export-csv and --export-markdown, so that scripts
// written for hyperfine read them unchanged: hyperfine's fields first, in
// seconds, and benchy's own (the relative difference from the baseline
// with its confidence interval, the blocks, the seed) beside them.

// HyperfineTimeUnits are the values of Hyperfine.TimeUnit (and of
// hyperfine's --time-unit).
var HyperfineTimeUnits = []string{"microsecond", "millisecond", "second"}

// hyperfineSchema tags the benchy part of the hyperfine JSON export.
const hyperfineSchema = "benchy/hyperfine/v1"

// Hyperfine is a run's analysis in the shapes of hyperfine's exports, the
// model of benchy exec's --export-json, --export-csv and
// --export-markdown: Render writes it as JSON, CSV or Markdown.
type Hyperfine struct {
	Analysis *Analysis
	// Commands maps an arm instance name to the text hyperfine would show
	// as its "command" (the command line, or its --command-name); an arm
	// not in it shows its name.
	Commands map[string]string
	// TimeUnit is the Markdown table's unit, one of HyperfineTimeUnits;
	// empty picks milliseconds, or seconds when the baseline's mean is a
	// second or more, as hyperfine does. JSON and CSV are always in
	// seconds.
	TimeUnit string
}

func renderHyperfine(w io.Writer, h *Hyperfine, f Format) error {
	switch f {
	case JSON:
		return hyperfineJSON(w, h)
	case CSV:
		return hyperfineCSV(w, h)
	case Markdown:
		return hyperfineMarkdown(w, h)
	}
	return notOffered("a hyperfine export", f, Formats{JSON, CSV, Markdown})
}

// hyperfineRow is one arm with samples, in seconds.
type hyperfineRow struct {
	wa                             *WorkloadAnalysis
	arm                            *ArmAnalysis
	command                        string
	params                         [][2]string
	mean, sd, median, user, system float64
	min, max                       float64
	times                          []float64
	blocks                         int
	exec                           bool
}

// hyperfineRows collects every arm that has samples, in workload and arm
// order. A workload whose metric is not a time has no hyperfine shape.
func hyperfineRows(h *Hyperfine) ([]hyperfineRow, error) {
	var rows []hyperfineRow
	for _, wa := range h.Analysis.Workloads {
		if metric.KindOf(wa.Metric) != metric.Time {
			return nil, fmt.Errorf("workload %s measures %q, not a time; hyperfine's formats hold times only", wa.Name, wa.Metric)
		}
		perUnit := timeScale(wa.Metric)
		sec := func(v float64) float64 { return v * perUnit / nanosecondsPerSecond }
		for _, arm := range wa.Arms {
			if unlisted(arm) {
				continue
			}
			r := hyperfineRow{wa: wa, arm: arm, command: h.command(arm), params: nameAxes(arm.Name),
				mean: sec(arm.Summary.Mean), sd: sec(arm.Summary.SD), median: sec(arm.Summary.Median),
				min: sec(arm.Summary.Min), max: sec(arm.Summary.Max), exec: arm.Runner == "exec"}
			var user, sys float64
			for _, run := range measuredRuns(wa.Source, arm.Name) {
				if run.Error != "" || len(run.NS) == 0 {
					continue
				}
				r.blocks++
				for _, ns := range run.NS {
					r.times = append(r.times, sec(float64(ns)))
				}
				n := float64(len(run.NS))
				user += run.Metrics["user-ns/op"] * n
				sys += run.Metrics["sys-ns/op"] * n
			}
			// The exec runner's CPU times are in nanoseconds per run.
			if k := float64(len(r.times)); k > 0 {
				r.user, r.system = user/k/nanosecondsPerSecond, sys/k/nanosecondsPerSecond
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// timeScale is the number of nanoseconds in one unit of a time metric.
func timeScale(metric string) float64 {
	unit, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(metric)), "/")
	switch unit {
	case "us", "µs":
		return 1e3
	case "ms":
		return 1e6
	case "s":
		return 1e9
	}
	return 1
}

// nameAxes reads the matrix coordinates from an instance name
// ("sleep/t=0.01/n=2"): hyperfine's parameters.
func nameAxes(name string) [][2]string {
	parts := strings.Split(name, "/")
	var out [][2]string
	for _, p := range parts[1:] {
		if k, v, ok := strings.Cut(p, "="); ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

type hyperfineJSONDoc struct {
	Results []hyperfineJSONResult `json:"results"`
	Benchy  hyperfineJSONBenchy   `json:"benchy"`
}

// hyperfineJSONResult has hyperfine's fields, in its order, then benchy's.
type hyperfineJSONResult struct {
	Command    string            `json:"command"`
	Mean       float64           `json:"mean"`
	Stddev     *float64          `json:"stddev"`
	Median     float64           `json:"median"`
	User       float64           `json:"user"`
	System     float64           `json:"system"`
	Min        float64           `json:"min"`
	Max        float64           `json:"max"`
	Times      []float64         `json:"times"`
	ExitCodes  []int             `json:"exit_codes"`
	Parameters map[string]string `json:"parameters,omitempty"`

	Workload string `json:"workload"`
	Arm      string `json:"arm"`
	Baseline bool   `json:"baseline"`
	Blocks   int    `json:"blocks"`
	// Relative is the relative difference from the baseline (0.05 = 5%
	// slower) with its CI; absent for the baseline or when it could not be
	// computed (RelativeError says why).
	Relative      *hyperfineRelative `json:"relative_difference,omitempty"`
	RelativeError string             `json:"relative_difference_error,omitempty"`
	Verdict       string             `json:"verdict"`
}

type hyperfineRelative struct {
	Estimate    float64 `json:"estimate"`
	CILo        float64 `json:"ci_lo"`
	CIHi        float64 `json:"ci_hi"`
	Confidence  float64 `json:"confidence"`
	Significant bool    `json:"significant"`
}

type hyperfineJSONBenchy struct {
	Schema  string `json:"schema"`
	Version string `json:"version"`
	Suite   string `json:"suite"`
	Seed    int64  `json:"seed"`
	Order   string `json:"order"`
	Status  string `json:"status"`
	// Failed lists the arms that are not in results (see unlisted), with
	// the reason: hyperfine would have stopped; benchy ran the others.
	Failed []hyperfineFailed `json:"failed,omitempty"`
}

type hyperfineFailed struct {
	Workload string `json:"workload"`
	Command  string `json:"command"`
	Reason   string `json:"reason"`
}

// command is the text hyperfine would show for arm (Hyperfine.Commands).
func (h *Hyperfine) command(arm *ArmAnalysis) string {
	if c, ok := h.Commands[arm.Name]; ok {
		return c
	}
	return arm.Name
}

// unlisted reports whether arm is not a row of the JSON and CSV exports:
// it failed, even partway through (where hyperfine would have stopped;
// benchy ran the others), or it has no sample.
func unlisted(arm *ArmAnalysis) bool { return arm.Summary.N == 0 || arm.failed() }

// hyperfineFailures lists the unlisted arms of wa, for the JSON export's
// benchy.failed.
func hyperfineFailures(h *Hyperfine, wa *WorkloadAnalysis) []hyperfineFailed {
	var out []hyperfineFailed
	for _, arm := range wa.Arms {
		if unlisted(arm) {
			reason := arm.Reason
			if reason == "" {
				reason = arm.noDataVerdict()
			}
			out = append(out, hyperfineFailed{Workload: wa.Name, Command: h.command(arm), Reason: reason})
		}
	}
	return out
}

func relativeOf(arm *ArmAnalysis, conf float64) *hyperfineRelative {
	if arm.Rel == nil {
		return nil
	}
	return &hyperfineRelative{Estimate: finite(arm.Rel.Estimate), CILo: finite(arm.Rel.CILo), CIHi: finite(arm.Rel.CIHi),
		Confidence: conf, Significant: arm.Rel.Significant}
}

// hyperfineJSON writes hyperfine's --export-json shape: results[], one per
// arm with samples, each with every timed run of the measured blocks in
// "times" (seconds, in the order they ran). exit_codes are all 0: a run
// that exits otherwise fails its arm, which then has no entry in results
// but one in benchy.failed, even when it failed after some blocks.
func hyperfineJSON(w io.Writer, h *Hyperfine) error {
	a := h.Analysis
	rows, err := hyperfineRows(h)
	if err != nil {
		return err
	}
	doc := hyperfineJSONDoc{Results: []hyperfineJSONResult{}, Benchy: hyperfineJSONBenchy{
		Schema: hyperfineSchema, Version: a.Doc.Benchy, Suite: a.Doc.Suite.Path, Seed: a.Doc.Seed, Order: a.Doc.Order, Status: a.Doc.Status,
	}}
	for _, r := range rows {
		res := hyperfineJSONResult{Command: r.command, Mean: r.mean, Median: r.median, User: r.user, System: r.system,
			Min: r.min, Max: r.max, Times: r.times,
			Workload: r.wa.Name, Arm: r.arm.Name, Baseline: r.arm.Baseline, Blocks: r.blocks,
			Relative: relativeOf(r.arm, r.wa.Confidence), RelativeError: r.arm.RelError, Verdict: string(r.arm.Verdict)}
		if r.arm.Summary.N > 1 {
			sd := r.sd
			res.Stddev = &sd
		}
		if r.exec {
			res.ExitCodes = make([]int, len(r.times))
		}
		if len(r.params) > 0 {
			res.Parameters = map[string]string{}
			for _, p := range r.params {
				res.Parameters[p[0]] = p[1]
			}
		}
		doc.Results = append(doc.Results, res)
	}
	for _, wa := range a.Workloads {
		doc.Benchy.Failed = append(doc.Benchy.Failed, hyperfineFailures(h, wa)...)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// hyperfineCSV writes hyperfine's --export-csv columns (command, mean,
// stddev, median, user, system, min, max, then parameter_NAME for every
// parameter), in seconds, and after them benchy's: the relative difference
// from the baseline and its CI bounds (fractions: 0.05 = 5% slower),
// whether it is significant, the measured blocks and the seed.
func hyperfineCSV(w io.Writer, h *Hyperfine) error {
	a := h.Analysis
	rows, err := hyperfineRows(h)
	if err != nil {
		return err
	}
	var params []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, p := range r.params {
			if !seen[p[0]] {
				seen[p[0]] = true
				params = append(params, p[0])
			}
		}
	}
	cw := csv.NewWriter(w)
	head := []string{"command", "mean", "stddev", "median", "user", "system", "min", "max"}
	for _, p := range params {
		head = append(head, "parameter_"+p)
	}
	head = append(head, "relative_difference", "relative_difference_ci_lo", "relative_difference_ci_hi", "significant", "blocks", "seed")
	if err := cw.Write(head); err != nil {
		return err
	}
	g := func(v float64) string { return strconv.FormatFloat(finite(v), 'g', -1, 64) }
	for _, r := range rows {
		sd := ""
		if r.arm.Summary.N > 1 {
			sd = g(r.sd)
		}
		rec := []string{r.command, g(r.mean), sd, g(r.median), g(r.user), g(r.system), g(r.min), g(r.max)}
		vals := map[string]string{}
		for _, p := range r.params {
			vals[p[0]] = p[1]
		}
		for _, p := range params {
			rec = append(rec, vals[p])
		}
		switch rel := relativeOf(r.arm, r.wa.Confidence); {
		case r.arm.Baseline:
			rec = append(rec, "0", "", "", "")
		case rel == nil:
			rec = append(rec, "", "", "", "")
		default:
			rec = append(rec, g(rel.Estimate), g(rel.CILo), g(rel.CIHi), strconv.FormatBool(rel.Significant))
		}
		rec = append(rec, strconv.Itoa(r.blocks), strconv.FormatInt(a.Doc.Seed, 10))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// hyperfineMarkdown writes hyperfine's --export-markdown table (Command,
// Mean ± σ, Min, Max, Relative), one table per workload. Relative is the
// ratio to the baseline with its CI in brackets, where hyperfine gives a
// ratio to the fastest command ± an error; a last column gives benchy's
// relative difference and verdict.
func hyperfineMarkdown(w io.Writer, h *Hyperfine) error {
	a := h.Analysis
	rows, err := hyperfineRows(h)
	if err != nil {
		return err
	}
	var b strings.Builder
	for i, wa := range a.Workloads {
		var mine []hyperfineRow
		for _, r := range rows {
			if r.wa == wa {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 && !slices.ContainsFunc(wa.Arms, unlisted) {
			continue
		}
		unit := h.TimeUnit
		if unit == "" {
			unit = "millisecond"
			for _, r := range mine {
				if r.arm.Baseline && r.mean >= 1 {
					unit = "second"
				}
			}
		}
		sym, mult := hyperfineUnit(unit)
		if i > 0 {
			b.WriteString("\n")
		}
		if len(a.Workloads) > 1 {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(wa.Name))
		}
		conf := fmt.Sprintf("%g%%", wa.Confidence*100)
		fmt.Fprintf(&b, "| Command | Mean [%s] | Min [%s] | Max [%s] | Relative | vs baseline (%s CI) |\n", sym, sym, sym, conf)
		b.WriteString("|:---|---:|---:|---:|---:|:---|\n")
		for _, r := range mine {
			mean := fmt.Sprintf("%.1f", r.mean*mult)
			if r.arm.Summary.N > 1 {
				mean += fmt.Sprintf(" ± %.1f", r.sd*mult)
			}
			relCell, diffCell := "", string(r.arm.Verdict)
			switch {
			case r.arm.Baseline:
				relCell = "1.00"
			case r.arm.Rel != nil:
				e := r.arm.Rel
				relCell = fmt.Sprintf("%.2f [%.2f, %.2f]", 1+e.Estimate, 1+e.CILo, 1+e.CIHi)
				diffCell = FormatRel(e) + " " + string(r.arm.Verdict)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %.1f | %.1f | %s | %s |\n", mdCode(r.command), mean, r.min*mult, r.max*mult, relCell, diffCell)
		}
		for _, arm := range wa.Arms {
			if unlisted(arm) {
				fmt.Fprintf(&b, "| `%s` | — | — | — | — | %s |\n", mdCode(h.command(arm)), mdEscape(unlistedCell(arm)))
			}
		}
		base := ""
		for _, arm := range wa.Arms {
			if arm.Baseline {
				base = h.command(arm)
			}
		}
		fmt.Fprintf(&b, "\nRelative: the geometric mean of per-block ratios to the baseline `%s`, with its %s jackknife CI over %d measured blocks (seed %d).\n",
			mdCode(base), conf, wa.Measured, a.Doc.Seed)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// unlistedCell is the Markdown cell of an arm that is not a row of the
// other exports (see unlisted): its status and the first line of its
// reason (the rest is in the run's reports).
func unlistedCell(arm *ArmAnalysis) string {
	status := arm.noDataVerdict()
	if arm.failed() {
		status = arm.Status
	}
	first, _, more := strings.Cut(strings.TrimSpace(strings.TrimPrefix(arm.Reason, status+": ")), "\n")
	if first == "" {
		return status
	}
	if more {
		first += " …"
	}
	return status + ": " + first
}

// hyperfineUnit is a time unit's symbol and its multiplier from seconds.
func hyperfineUnit(unit string) (string, float64) {
	switch unit {
	case "second":
		return "s", 1
	case "microsecond":
		return "µs", 1e6
	}
	return "ms", 1e3
}
