package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/stats"
)

func init() { registerCommand(newAnalyzeCmd) }

// analyzeOptions are benchy analyze's flags.
type analyzeOptions struct {
	estimator   string
	baseline    string
	confidence  float64
	groups      int
	groupColumn string
	scale       string
	format      string
}

func newAnalyzeCmd(stdout, stderr io.Writer) *cobra.Command {
	var o analyzeOptions
	cmd := &cobra.Command{
		Use:   "analyze FILE",
		Short: "Estimate relative differences with jackknife CIs from a CSV collected anywhere",
		Long: `Analyze reads a CSV file (or - for standard input) with a header and reports
each arm's relative difference from the baseline with a jackknife confidence
interval, exactly as benchy does for its own runs.

Continuous data has the columns block,arm,value: one row per measurement.
Several rows for the same block and arm are reduced to one value per block
(the geometric mean for logratio, the mean for ratio). Blocks that lack an arm
are dropped (complete-case), with a note on stderr.

Binary data has the columns block,stratum,arm,successes,trials (a robot lab's
trial log: one row per episode or per session). The stratum is what the
Cochran-Mantel-Haenszel estimate adjusts for: the operator, host or robot.

Other columns are ignored unless a flag names them. The baseline is the arm
named by --baseline, else the arm called "baseline" (in any case), else the
first arm in the file. Blocks are analysed in numeric order when every block label is a number,
else in order of first appearance (this matters for --groups).

Estimators: logratio (default for continuous data; geometric mean of the
per-block ratios), ratio (ratio of sums; allows zeros), cmh (default for binary
data; Mantel-Haenszel risk ratio over strata) and crude (pooled risk ratio,
ignoring strata). Every estimate is a relative difference: 0.05 = +5%.

Values and counts are plain decimal numbers (12, -3.5, .5, 1.2e-3); Go or
C literal forms (1_000, 0x1p3), inf and nan are refused. A UTF-8 byte order
mark before the header is accepted.

An arm whose estimate is undefined (an arm that never succeeds, on the log
scale) is reported as not estimated, with the reason, and the other arms are
estimated as usual; benchy analyze then exits 1. On bad input, or when no arm
can be estimated, it exits 2 and says what is wrong with the line, block and
arm concerned. With --format json the error is also written to stdout as
{"error": {"code", "message"}}, and a not-estimated arm carries its own
"error"; the codes are insufficient_blocks, nonpositive_value,
zero_denominator, nonpositive_ratio, out_of_range, invalid_value,
invalid_option, bad_groups, no_data, bad_csv, missing_column and read_error.`,
		Example: `  benchy analyze timings.csv
  benchy analyze timings.csv --estimator ratio --baseline main --format json
  benchy analyze episodes.csv --group-column host
  benchy analyze trials.csv --estimator cmh --confidence 0.99`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.estimator = strings.ToLower(o.estimator)
			if !cmd.Flags().Changed("estimator") {
				o.estimator = ""
			}
			if cmd.Flags().Changed("groups") && cmd.Flags().Changed("group-column") {
				return withCode(exitUsage, analyzeErr("invalid_option", "give --groups or --group-column, not both"))
			}
			if cmd.Flags().Changed("groups") && o.groups < 2 {
				return withCode(exitUsage, analyzeErr("invalid_option", "--groups %d: the delete-a-group jackknife needs at least 2 groups", o.groups))
			}
			if o.format != "text" && o.format != "json" {
				return withCode(exitUsage, analyzeErr("invalid_option", "--format %q: want text or json", o.format))
			}
			err := runAnalyze(args[0], o, stdout, stderr)
			var ae *analyzeError
			if errors.As(err, &ae) && o.format == "json" {
				writeAnalyzeJSON(stdout, map[string]*analyzeError{"error": ae})
			}
			var partial analyzePartial
			if errors.As(err, &partial) {
				return withCode(exitFailure, err)
			}
			if err != nil {
				return withCode(exitUsage, err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.estimator, "estimator", "logratio", "logratio | ratio (continuous data), cmh | crude (binary data); default logratio, or cmh for binary data")
	f.StringVar(&o.baseline, "baseline", "", `the baseline arm (default: the arm named "baseline", else the first arm in the file)`)
	f.Float64Var(&o.confidence, "confidence", stats.DefaultConfidence, "two-sided confidence level of the CIs, in (0, 1)")
	f.IntVar(&o.groups, "groups", 0, "delete-a-group jackknife over G contiguous groups of blocks (default: delete one block)")
	f.StringVar(&o.groupColumn, "group-column", "", "delete-a-group jackknife with one group per value of this column (host, build, boot)")
	f.StringVar(&o.scale, "scale", "log", "scale of the jackknife: log, or linear (ratio, cmh and crude only)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

// analyzeError is an error of benchy analyze: a plain message for people,
// and a stable code for --format json.
type analyzeError struct {
	code string
	msg  string
}

func (e *analyzeError) Error() string { return e.msg }

// MarshalJSON writes {"code", "message"}.
func (e *analyzeError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{e.code, e.msg})
}

// analyzePartial is the outcome of an analysis that estimated some arms and
// not others (exit 1): n of total arms were not estimated.
type analyzePartial struct{ n, total int }

func (p analyzePartial) Error() string {
	return fmt.Sprintf("%d of %d arms not estimated (the report says why)", p.n, p.total)
}

func analyzeErr(code, format string, args ...any) error {
	return &analyzeError{code: code, msg: fmt.Sprintf(format, args...)}
}

// analyzeData is a parsed CSV.
type analyzeData struct {
	binary bool
	// arms in order of first appearance; blocks in analysis order.
	arms   []string
	blocks []string
	// values[block][arm] are the continuous measurements, with the CSV line
	// of each.
	values [][][]float64
	lines  [][][]int
	// records are the binary observations, with Block and Arm as indices
	// into blocks and arms.
	records []stats.BinaryRecord
	// group is each block's --group-column value.
	group []string
}

// analyzeColumns are the columns of the two input layouts.
var (
	analyzeContinuousColumns = []string{"block", "arm", "value"}
	analyzeBinaryColumns     = []string{"block", "stratum", "arm", "successes", "trials"}
)

// readAnalyzeCSV parses the input of benchy analyze. wantBinary decides
// between the two layouts when the header holds both value and counts.
func readAnalyzeCSV(r io.Reader, groupColumn string, wantBinary bool) (*analyzeData, error) {
	// A byte order mark goes before the CSV reader sees it, so that a quoted
	// first field (R's write.csv with fileEncoding = "UTF-8-BOM") parses.
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, analyzeErr("bad_csv", "the file is empty; it needs a header line (block,arm,value or block,stratum,arm,successes,trials)")
	}
	if err != nil {
		return nil, analyzeErr("bad_csv", "%v", analyzeCSVErr(err))
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup && h != "" {
			return nil, analyzeErr("bad_csv", "the header names column %q twice", h)
		}
		col[h] = i
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := col[n]; !ok {
				return false
			}
		}
		return true
	}
	d := &analyzeData{}
	switch {
	case has("successes", "trials") && (wantBinary || !has("value")):
		d.binary = true
		if !has(analyzeBinaryColumns...) {
			return nil, analyzeErr("missing_column", "binary data needs the columns %s; the header has %s", strings.Join(analyzeBinaryColumns, ","), strings.Join(header, ","))
		}
	case has("value"):
		if !has(analyzeContinuousColumns...) {
			return nil, analyzeErr("missing_column", "continuous data needs the columns %s; the header has %s", strings.Join(analyzeContinuousColumns, ","), strings.Join(header, ","))
		}
	default:
		return nil, analyzeErr("missing_column", "need the columns block,arm,value (continuous data) or block,stratum,arm,successes,trials (binary data); the header has %s", strings.Join(header, ","))
	}
	gcol := -1
	if groupColumn != "" {
		i, ok := col[strings.ToLower(strings.TrimSpace(groupColumn))]
		if !ok {
			return nil, analyzeErr("missing_column", "--group-column %q is not a column of the header (%s)", groupColumn, strings.Join(header, ","))
		}
		gcol = i
	}

	armIdx := map[string]int{}
	blockIdx := map[string]int{}
	var blockOrder []string // first appearance
	var groups []string
	var groupLine []int
	type cellKey struct{ b, a int }
	vals := map[cellKey][]float64{}
	lines := map[cellKey][]int{}
	var recs []stats.BinaryRecord
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, analyzeErr("bad_csv", "%v", analyzeCSVErr(err))
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		block, arm := field("block"), field("arm")
		if block == "" {
			return nil, analyzeErr("bad_csv", "line %d: the block column is empty", line)
		}
		if arm == "" {
			return nil, analyzeErr("bad_csv", "line %d: the arm column is empty", line)
		}
		b, ok := blockIdx[block]
		if !ok {
			b = len(blockOrder)
			blockIdx[block] = b
			blockOrder = append(blockOrder, block)
			if gcol >= 0 {
				groups = append(groups, strings.TrimSpace(rec[gcol]))
				groupLine = append(groupLine, line)
			}
		}
		if gcol >= 0 {
			g := strings.TrimSpace(rec[gcol])
			if g == "" {
				return nil, analyzeErr("bad_groups", "line %d: block %q has an empty %s", line, block, groupColumn)
			}
			if g != groups[b] {
				return nil, analyzeErr("bad_groups", "block %q is in %s %q on line %d and %q on line %d; a block must belong to one group", block, groupColumn, groups[b], groupLine[b], g, line)
			}
		}
		a, ok := armIdx[arm]
		if !ok {
			a = len(d.arms)
			armIdx[arm] = a
			d.arms = append(d.arms, arm)
		}
		if d.binary {
			s, err := analyzeParseCount(field("successes"))
			if err != nil {
				return nil, analyzeErr("invalid_value", "line %d (block %q, arm %q): successes %v", line, block, arm, err)
			}
			n, err := analyzeParseCount(field("trials"))
			if err != nil {
				return nil, analyzeErr("invalid_value", "line %d (block %q, arm %q): trials %v", line, block, arm, err)
			}
			if s > n {
				return nil, analyzeErr("invalid_value", "line %d (block %q, arm %q): %d successes out of %d trials", line, block, arm, s, n)
			}
			recs = append(recs, stats.BinaryRecord{Block: b, Stratum: field("stratum"), Arm: a, Successes: s, Trials: n})
			continue
		}
		v, err := analyzeParseNumber(field("value"))
		if err != nil {
			return nil, analyzeErr("invalid_value", "line %d (block %q, arm %q): value %v", line, block, arm, err)
		}
		k := cellKey{b, a}
		vals[k] = append(vals[k], v)
		lines[k] = append(lines[k], line)
	}
	if len(blockOrder) == 0 {
		return nil, analyzeErr("insufficient_blocks", "the file has a header but no data rows")
	}

	// Analysis order: numeric when every label is a number.
	order := make([]int, len(blockOrder)) // order[i] = first-appearance index of the i-th block
	num := make([]float64, len(blockOrder))
	numeric := true
	for i, l := range blockOrder {
		order[i] = i
		x, err := analyzeParseNumber(l)
		if err != nil {
			numeric = false
		}
		num[i] = x
	}
	if numeric {
		sort.SliceStable(order, func(i, j int) bool { return num[order[i]] < num[order[j]] })
	}
	pos := make([]int, len(order)) // pos[first-appearance index] = analysis index
	for i, b := range order {
		pos[b] = i
		d.blocks = append(d.blocks, blockOrder[b])
		if gcol >= 0 {
			d.group = append(d.group, groups[b])
		}
	}
	if d.binary {
		for i := range recs {
			recs[i].Block = pos[recs[i].Block]
		}
		d.records = recs
		return d, nil
	}
	d.values = make([][][]float64, len(d.blocks))
	d.lines = make([][][]int, len(d.blocks))
	for i := range d.values {
		d.values[i] = make([][]float64, len(d.arms))
		d.lines[i] = make([][]int, len(d.arms))
	}
	for k, v := range vals {
		d.values[pos[k.b]][k.a] = v
		d.lines[pos[k.b]][k.a] = lines[k]
	}
	return d, nil
}

// analyzeDecimal is the number syntax of benchy analyze's CSV: an optional
// sign, decimal digits with an optional point, an optional exponent.
var analyzeDecimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// analyzeParseNumber reads a finite number in plain decimal or scientific
// notation. Go's literal forms that strconv.ParseFloat also takes (1_000,
// 0x1p3, Inf, NaN) are refused, as is a number beyond the float64 range.
func analyzeParseNumber(s string) (float64, error) {
	if !analyzeDecimal.MatchString(s) {
		switch strings.TrimLeft(strings.ToLower(s), "+-") {
		case "inf", "infinity", "nan":
			return 0, fmt.Errorf("%q is not a finite number", s)
		}
		return 0, fmt.Errorf("%q is not a number: want plain decimal notation such as 12, -3.5 or 1.2e-3", s)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is beyond the float64 range (about ±1.8e308)", s)
	}
	return x, nil
}

// analyzeParseCount reads a non-negative whole number ("3" or "3.0").
func analyzeParseCount(s string) (int, error) {
	x, err := analyzeParseNumber(s)
	if err != nil || x != math.Trunc(x) || x < 0 || x > 1<<53 {
		if err == nil && x < 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return 0, fmt.Errorf("%q is not a whole number >= 0", s)
	}
	return int(x), nil
}

// analyzeCSVErr drops encoding/csv's "record on line N:" wording in favour of
// benchy's "line N:".
func analyzeCSVErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

// analyzeReport is the result of benchy analyze; its JSON form is the
// command's contract.
type analyzeReport struct {
	Estimator  string       `json:"estimator"`
	Confidence float64      `json:"confidence"`
	Units      int          `json:"units"`
	Scale      string       `json:"scale"`
	Baseline   string       `json:"baseline"`
	Blocks     int          `json:"blocks"`
	Jackknife  string       `json:"jackknife"`
	Dropped    []string     `json:"dropped_blocks,omitempty"`
	Arms       []analyzeArm `json:"arms"`

	baselineRate *analyzeRate
}

// analyzeArm is one arm's comparison with the baseline.
type analyzeArm struct {
	Arm         string          `json:"arm"`
	Estimate    analyzeFloat    `json:"estimate"`
	CILo        analyzeFloat    `json:"ci_lo"`
	CIHi        analyzeFloat    `json:"ci_hi"`
	SE          analyzeFloat    `json:"se"`
	DF          int             `json:"df"`
	Significant bool            `json:"significant"`
	Units       int             `json:"units"`
	T           analyzeFloat    `json:"t"`
	Bias        analyzeFloat    `json:"bias"`
	Rate        *analyzeRate    `json:"success,omitempty"`
	MH          *stats.MHResult `json:"mh,omitempty"`
	// Error says why the arm was not estimated; the numbers are then null.
	Error *analyzeError `json:"error,omitempty"`
}

// analyzeRate is an arm's pooled success count (binary data).
type analyzeRate struct {
	Successes int `json:"successes"`
	Trials    int `json:"trials"`
}

// analyzeFloat writes non-finite values as null.
type analyzeFloat float64

func (f analyzeFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

func runAnalyze(path string, o analyzeOptions, stdout, stderr io.Writer) error {
	opt := stats.Options{Confidence: o.confidence}
	wantBinary := false
	if o.estimator != "" {
		est, err := stats.ParseEstimator(o.estimator)
		if err != nil {
			return analyzeErr("invalid_option", "--estimator %q: want logratio, ratio, cmh or crude", o.estimator)
		}
		opt.Estimator = est
		wantBinary = est == stats.CMH || est == stats.Crude
	}
	scale, err := stats.ParseScale(o.scale)
	if err != nil {
		return analyzeErr("invalid_option", "--scale %q: want log or linear", o.scale)
	}
	opt.Scale = scale
	if !(o.confidence > 0 && o.confidence < 1) {
		return analyzeErr("invalid_option", "--confidence %v: want a level in (0, 1), such as 0.95", o.confidence)
	}

	var in io.Reader
	if path == "-" {
		in = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return analyzeErr("read_error", "%v", err)
		}
		defer f.Close()
		in = f
	}
	d, err := readAnalyzeCSV(in, o.groupColumn, wantBinary)
	if err != nil {
		return err
	}
	if d.binary && o.estimator == "" {
		opt.Estimator = stats.CMH
	}
	if d.binary && (opt.Estimator == stats.LogRatio || opt.Estimator == stats.Ratio) {
		return analyzeErr("invalid_option", "--estimator %s needs continuous data (block,arm,value); this file has binary data (successes, trials): use cmh or crude", opt.Estimator)
	}
	if !d.binary && (opt.Estimator == stats.CMH || opt.Estimator == stats.Crude) {
		return analyzeErr("invalid_option", "--estimator %s needs binary data (block,stratum,arm,successes,trials); this file has a value column: use logratio or ratio", opt.Estimator)
	}
	base := 0
	switch i := slices.Index(d.arms, o.baseline); {
	case o.baseline != "" && i < 0:
		return analyzeErr("invalid_option", "--baseline %q is not an arm of the file (arms: %s)", o.baseline, strings.Join(d.arms, ", "))
	case o.baseline != "":
		base = i
	default:
		if i := slices.IndexFunc(d.arms, func(a string) bool { return strings.EqualFold(a, "baseline") }); i >= 0 {
			base = i
		}
	}
	if len(d.arms) < 2 {
		return analyzeErr("invalid_option", "the file has only one arm (%q); need a baseline and at least one other arm", d.arms[0])
	}
	opt.Groups = o.groups

	rep := &analyzeReport{
		Estimator: opt.Estimator.String(), Confidence: o.confidence, Scale: opt.Scale.String(),
		Baseline: d.arms[base], Jackknife: "block",
	}
	names := stats.Names{
		Arm:   func(i int) string { return strconv.Quote(d.arms[i]) },
		Block: func(i int) string { return strconv.Quote(d.blocks[i]) },
	}
	var res []stats.ArmResult // Arm is a d.arms index
	var rates []analyzeRate
	if d.binary {
		if o.groupColumn != "" {
			opt.GroupLabels = d.group
		}
		rep.Blocks = len(d.blocks)
		res, err = stats.BinaryRelativeDifferenceByArm(d.records, base, opt)
		rates = make([]analyzeRate, len(d.arms))
		for _, r := range d.records {
			rates[r.Arm].Successes += r.Successes
			rates[r.Arm].Trials += r.Trials
		}
		rep.baselineRate = &rates[base]
	} else {
		var blocks [][]float64
		var kept []int
		for b, row := range d.values {
			complete := true
			for _, v := range row {
				complete = complete && len(v) > 0
			}
			if !complete {
				rep.Dropped = append(rep.Dropped, d.blocks[b])
				continue
			}
			vals := make([]float64, len(row))
			for a, v := range row {
				if opt.Estimator == stats.LogRatio {
					for j, x := range v {
						if x <= 0 {
							return analyzeErr(string(stats.CodeNonpositiveValue), "arm %q, block %q: value %v on line %d is not > 0; logratio takes logarithms (use --estimator ratio for data with zeros)", d.arms[a], d.blocks[b], x, d.lines[b][a][j])
						}
					}
				}
				vals[a] = stats.BlockValue(v, opt.Estimator)
			}
			blocks = append(blocks, vals)
			kept = append(kept, b)
		}
		if len(rep.Dropped) > 0 {
			fmt.Fprintf(stderr, "benchy analyze: dropped %d incomplete block(s) that lack an arm: %s\n", len(rep.Dropped), strings.Join(rep.Dropped, ", "))
		}
		if o.groupColumn != "" {
			for _, b := range kept {
				opt.GroupLabels = append(opt.GroupLabels, d.group[b])
			}
		}
		rep.Blocks = len(blocks)
		names.Block = func(i int) string { return strconv.Quote(d.blocks[kept[i]]) }
		res, err = stats.RelativeDifferenceByArm(blocks, base, opt)
	}
	if opt.Groups > 0 || opt.GroupLabels != nil {
		rep.Jackknife = "group"
		names.Group = func(g int) string { return analyzeGroupName(opt, g) }
	}
	if err != nil {
		return analyzeStatsErr(err, names)
	}
	var failed []*analyzeError
	for _, r := range res {
		a := analyzeArm{Arm: d.arms[r.Arm]}
		if r.Err != nil {
			a.Error = analyzeStatsErr(r.Err, names)
			failed = append(failed, a.Error)
			nan := analyzeFloat(math.NaN())
			a.Estimate, a.CILo, a.CIHi, a.SE, a.T, a.Bias = nan, nan, nan, nan, nan, nan
		} else {
			e := r.Estimate
			a.Estimate, a.CILo, a.CIHi = analyzeFloat(e.Estimate), analyzeFloat(e.CILo), analyzeFloat(e.CIHi)
			a.SE, a.DF, a.Significant, a.Units = analyzeFloat(e.SE), e.DF, e.Significant, e.Units
			a.T, a.Bias, a.MH = analyzeFloat(e.T), analyzeFloat(e.Bias), e.MH
			rep.Units = max(rep.Units, e.Units)
		}
		if rates != nil {
			a.Rate = &rates[r.Arm]
		}
		rep.Arms = append(rep.Arms, a)
	}
	if len(failed) == len(res) {
		// Nothing to report: the error, with every arm's reason.
		if len(failed) == 1 {
			return failed[0]
		}
		msg := make([]string, len(failed))
		for i, f := range failed {
			msg[i] = f.msg
		}
		return &analyzeError{code: failed[0].code, msg: "no arm can be estimated:\n  " + strings.Join(msg, "\n  ")}
	}
	if o.format == "json" {
		writeAnalyzeJSON(stdout, rep)
	} else {
		writeAnalyzeText(stdout, path, rep, d.binary)
	}
	if len(failed) > 0 {
		return analyzePartial{n: len(failed), total: len(res)}
	}
	return nil
}

// analyzeStatsErr turns an error of package stats into an analyzeError that
// names arms and blocks as the file does.
func analyzeStatsErr(err error, names stats.Names) *analyzeError {
	var se *stats.Error
	if errors.As(err, &se) {
		return &analyzeError{code: string(se.Code), msg: strings.TrimPrefix(se.Format(names), string(se.Code)+": ")}
	}
	return &analyzeError{code: "invalid_value", msg: err.Error()}
}

// writeAnalyzeJSON writes v as indented JSON.
func writeAnalyzeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// analyzeGroupName names delete-a-group unit g for error messages.
func analyzeGroupName(opt stats.Options, g int) string {
	if opt.GroupLabels != nil {
		seen := map[string]bool{}
		for _, l := range opt.GroupLabels {
			if !seen[l] {
				if len(seen) == g {
					return strconv.Quote(l)
				}
				seen[l] = true
			}
		}
	}
	return strconv.Itoa(g + 1)
}

var analyzeEstimatorWords = map[string]string{
	"logratio": "geometric mean of the per-block ratios",
	"ratio":    "ratio of sums",
	"cmh":      "Mantel-Haenszel risk ratio over strata",
	"crude":    "pooled risk ratio, strata ignored",
}

func analyzePct(x analyzeFloat) string {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f%%", 100*v)
}

func writeAnalyzeText(w io.Writer, path string, rep *analyzeReport, binary bool) {
	fmt.Fprintf(w, "benchy analyze %s\n", path)
	fmt.Fprintf(w, "estimator   %s (%s), %s scale\n", rep.Estimator, analyzeEstimatorWords[rep.Estimator], rep.Scale)
	fmt.Fprintf(w, "baseline    %s\n", rep.Baseline)
	unit := "delete-one-block"
	if rep.Jackknife == "group" {
		unit = "delete-a-group"
	}
	fmt.Fprintf(w, "jackknife   %s over %d units (%d blocks), Student t, %g%% CI\n\n", unit, rep.Units, rep.Blocks, 100*rep.Confidence)
	seName := "SE(ln)"
	if rep.Scale == "linear" {
		seName = "SE"
	}
	ciName := fmt.Sprintf("%g%% CI", 100*rep.Confidence)
	var rows [][]string
	if binary {
		rows = append(rows, []string{"arm", "success", "change", ciName, seName, "df", "significant"},
			[]string{rep.Baseline, analyzeRateText(rep.baselineRate), "(baseline)"})
	} else {
		rows = append(rows, []string{"arm", "change", ciName, seName, "df", "significant"})
	}
	for _, a := range rep.Arms {
		sig := "no"
		if a.Significant {
			sig = "yes"
		}
		row := []string{a.Arm}
		if binary {
			row = append(row, analyzeRateText(a.Rate))
		}
		if a.Error != nil {
			rows = append(rows, append(row, "not estimated"))
			continue
		}
		rows = append(rows, append(row, analyzePct(a.Estimate), fmt.Sprintf("[%s, %s]", analyzePct(a.CILo), analyzePct(a.CIHi)),
			analyzeNum(a.SE), strconv.Itoa(a.DF), sig))
	}
	writeAnalyzeTable(w, rows)
	for _, a := range rep.Arms {
		if a.Error != nil {
			fmt.Fprintf(w, "\nnot estimated: %s\n", a.Error.msg)
		}
	}
	if binary {
		for _, a := range rep.Arms {
			if a.MH == nil {
				continue
			}
			m := a.MH
			fmt.Fprintf(w, "\n%s vs %s over %d strata: RR_MH %s, crude RR %s, RD_MH %s, OR_MH %s\n",
				a.Arm, rep.Baseline, m.Strata, analyzeNum(analyzeFloat(m.RR)), analyzeNum(analyzeFloat(m.CrudeRR)), analyzeNum(analyzeFloat(m.RD)), analyzeNum(analyzeFloat(m.OR)))
			fmt.Fprintf(w, "  Greenland-Robins SE(ln RR) %s; CMH chi-square %s (p = %s), with continuity correction %s (p = %s)\n",
				analyzeNum(analyzeFloat(m.LogRRSE)), analyzeNum(analyzeFloat(m.CMHStatistic)), analyzeNum(analyzeFloat(m.CMHPValue)),
				analyzeNum(analyzeFloat(m.CMHStatisticCorrected)), analyzeNum(analyzeFloat(m.CMHPValueCorrected)))
		}
	}
}

// analyzeNum prints a number with 4 significant digits, or n/a when undefined.
func analyzeNum(x analyzeFloat) string {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

// writeAnalyzeTable prints rows as left-aligned columns two spaces apart,
// without trailing spaces.
func writeAnalyzeTable(w io.Writer, rows [][]string) {
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
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

func analyzeRateText(r *analyzeRate) string {
	if r == nil || r.Trials == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", r.Successes, r.Trials, 100*float64(r.Successes)/float64(r.Trials))
}
