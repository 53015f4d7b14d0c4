package csvstats

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/stats"
)

// Options are benchy analyze's settings, as its flags spell them.
type Options struct {
	// Estimator is logratio, ratio (continuous data), cmh or crude (binary
	// data); "" picks logratio, or cmh for binary data.
	Estimator string
	// Baseline names the baseline arm; "" picks the arm called "baseline"
	// (in any case), else the first arm in the file.
	Baseline   string
	Confidence float64
	// Groups > 0: the delete-a-group jackknife over that many contiguous
	// groups of blocks; GroupColumn: one group per value of that column.
	Groups      int
	GroupColumn string
	// Scale is log or linear.
	Scale string
	// Input names the file in the report ("-" for standard input).
	Input string
	// Notes receives the note on blocks dropped for lacking an arm; nil:
	// none.
	Notes io.Writer
}

// resolve checks the options and turns them into stats' options.
func (o Options) resolve() (stats.Options, error) {
	opt := stats.Options{Confidence: o.Confidence, Groups: o.Groups}
	if o.Estimator != "" {
		est, err := stats.ParseEstimator(o.Estimator)
		if err != nil {
			return opt, Errorf("invalid_option", "--estimator %q: want logratio, ratio, cmh or crude", o.Estimator)
		}
		opt.Estimator = est
	}
	scale, err := stats.ParseScale(o.Scale)
	if err != nil {
		return opt, Errorf("invalid_option", "--scale %q: want log or linear", o.Scale)
	}
	opt.Scale = scale
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return opt, Errorf("invalid_option", "--confidence %v: want a level in (0, 1), such as 0.95", o.Confidence)
	}
	return opt, nil
}

// Check reports the first bad option, as Analyze would.
func (o Options) Check() error {
	_, err := o.resolve()
	return err
}

// Analyze reads the CSV from r and estimates every arm's relative
// difference from the baseline. An arm that cannot be estimated carries
// its Error in the report; when no arm can be, the error is returned
// instead.
func Analyze(r io.Reader, o Options) (*Report, error) {
	opt, err := o.resolve()
	if err != nil {
		return nil, err
	}
	wantBinary := o.Estimator != "" && (opt.Estimator == stats.CMH || opt.Estimator == stats.Crude)
	d, err := read(r, o.GroupColumn, wantBinary)
	if err != nil {
		return nil, err
	}
	if d.binary && o.Estimator == "" {
		opt.Estimator = stats.CMH
	}
	base, err := checkData(d, o, opt)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Estimator: opt.Estimator.String(), Confidence: o.Confidence, Scale: opt.Scale.String(),
		Baseline: d.arms[base], Jackknife: "block", Input: o.Input, Binary: d.binary,
	}
	names := stats.Names{
		Arm:   func(i int) string { return strconv.Quote(d.arms[i]) },
		Block: func(i int) string { return strconv.Quote(d.blocks[i]) },
	}
	var res []stats.ArmResult // Arm is a d.arms index
	var rates []Rate
	if d.binary {
		if o.GroupColumn != "" {
			opt.GroupLabels = d.group
		}
		rep.Blocks = len(d.blocks)
		res, err = stats.BinaryRelativeDifferenceByArm(d.records, base, opt)
		rates = make([]Rate, len(d.arms))
		for _, r := range d.records {
			rates[r.Arm].Successes += r.Successes
			rates[r.Arm].Trials += r.Trials
		}
		rep.BaselineRate = &rates[base]
	} else {
		blocks, kept, cerr := completeBlocks(d, rep, opt)
		if cerr != nil {
			return nil, cerr
		}
		if len(rep.Dropped) > 0 && o.Notes != nil {
			fmt.Fprintf(o.Notes, "benchy analyze: dropped %d incomplete block(s) that lack an arm: %s\n", len(rep.Dropped), strings.Join(rep.Dropped, ", "))
		}
		if o.GroupColumn != "" {
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
		names.Group = func(g int) string { return groupName(opt, g) }
	}
	if err != nil {
		return nil, statsErr(err, names)
	}
	return rep, addArms(rep, d, res, rates, names)
}

// checkData checks that the estimator fits the data and finds the
// baseline arm.
func checkData(d *data, o Options, opt stats.Options) (base int, err error) {
	if d.binary && (opt.Estimator == stats.LogRatio || opt.Estimator == stats.Ratio) {
		return 0, Errorf("invalid_option", "--estimator %s needs continuous data (block,arm,value); this file has binary data (successes, trials): use cmh or crude", opt.Estimator)
	}
	if !d.binary && (opt.Estimator == stats.CMH || opt.Estimator == stats.Crude) {
		return 0, Errorf("invalid_option", "--estimator %s needs binary data (block,stratum,arm,successes,trials); this file has a value column: use logratio or ratio", opt.Estimator)
	}
	switch i := slices.Index(d.arms, o.Baseline); {
	case o.Baseline != "" && i < 0:
		return 0, Errorf("invalid_option", "--baseline %q is not an arm of the file (arms: %s)", o.Baseline, strings.Join(d.arms, ", "))
	case o.Baseline != "":
		base = i
	default:
		if i := slices.IndexFunc(d.arms, func(a string) bool { return strings.EqualFold(a, "baseline") }); i >= 0 {
			base = i
		}
	}
	if len(d.arms) < 2 {
		return 0, Errorf("invalid_option", "the file has only one arm (%q); need a baseline and at least one other arm", d.arms[0])
	}
	return base, nil
}

// completeBlocks reduces each block that has every arm to one value per
// arm; the others go to rep.Dropped (complete-case). kept are the d.blocks
// indices of the blocks returned.
func completeBlocks(d *data, rep *Report, opt stats.Options) (blocks [][]float64, kept []int, err error) {
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
						return nil, nil, Errorf(string(stats.CodeNonpositiveValue), "arm %q, block %q: value %v on line %d is not > 0; logratio takes logarithms (use --estimator ratio for data with zeros)", d.arms[a], d.blocks[b], x, d.lines[b][a][j])
					}
				}
			}
			vals[a] = stats.BlockValue(v, opt.Estimator)
		}
		blocks = append(blocks, vals)
		kept = append(kept, b)
	}
	return blocks, kept, nil
}

// addArms puts each arm's result in rep; when no arm could be estimated
// it returns the error, with every arm's reason.
func addArms(rep *Report, d *data, res []stats.ArmResult, rates []Rate, names stats.Names) error {
	var failed []*Error
	for _, r := range res {
		a := Arm{Arm: d.arms[r.Arm]}
		if r.Err != nil {
			a.Error = statsErr(r.Err, names)
			failed = append(failed, a.Error)
			nan := Float(math.NaN())
			a.Estimate, a.CILo, a.CIHi, a.SE, a.T, a.Bias = nan, nan, nan, nan, nan, nan
		} else {
			e := r.Estimate
			a.Estimate, a.CILo, a.CIHi = Float(e.Estimate), Float(e.CILo), Float(e.CIHi)
			a.SE, a.DF, a.Significant, a.Units = Float(e.SE), e.DF, e.Significant, e.Units
			a.T, a.Bias, a.MH = Float(e.T), Float(e.Bias), e.MH
			rep.Units = max(rep.Units, e.Units)
		}
		if rates != nil {
			a.Rate = &rates[r.Arm]
		}
		rep.Arms = append(rep.Arms, a)
	}
	if len(failed) < len(res) {
		return nil
	}
	if len(failed) == 1 {
		return failed[0]
	}
	msg := make([]string, len(failed))
	for i, f := range failed {
		msg[i] = f.Message
	}
	return &Error{Code: failed[0].Code, Message: "no arm can be estimated:\n  " + strings.Join(msg, "\n  ")}
}

// statsErr turns an error of package stats into an *Error that names arms
// and blocks as the file does.
func statsErr(err error, names stats.Names) *Error {
	var se *stats.Error
	if errors.As(err, &se) {
		return &Error{Code: string(se.Code), Message: strings.TrimPrefix(se.Format(names), string(se.Code)+": ")}
	}
	return &Error{Code: "invalid_value", Message: err.Error()}
}

// groupName names delete-a-group unit g for error messages.
func groupName(opt stats.Options, g int) string {
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
