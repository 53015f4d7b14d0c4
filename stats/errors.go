package stats

import (
	"errors"
	"fmt"
	"strconv"
)

// Code is the stable, machine-readable kind of an Error.
type Code string

// Error codes. The first four are the codes of the statistics note and the
// oracle's vectors; the others cover input the oracle does not accept.
const (
	// CodeInsufficientBlocks: fewer than two jackknife units (blocks).
	CodeInsufficientBlocks Code = "insufficient_blocks"
	// CodeNonpositiveValue: the logratio estimator met a value <= 0.
	CodeNonpositiveValue Code = "nonpositive_value"
	// CodeZeroDenominator: the baseline sum (or a Mantel-Haenszel
	// denominator) is 0, in the full data or in a jackknife replicate.
	CodeZeroDenominator Code = "zero_denominator"
	// CodeNonpositiveRatio: on the log scale, the ratio or one of its
	// jackknife replicates is <= 0.
	CodeNonpositiveRatio Code = "nonpositive_ratio"
	// CodeInvalidValue: a value is NaN or infinite, or a count is negative
	// or has more successes than trials.
	CodeInvalidValue Code = "invalid_value"
	// CodeInvalidOption: the options or the shape of the input are wrong
	// (unknown estimator or scale, confidence outside (0, 1), baseline out
	// of range, ragged blocks, fewer than two arms).
	CodeInvalidOption Code = "invalid_option"
	// CodeBadGroups: the delete-a-group settings cannot be used (fewer than
	// two groups, more groups than blocks, labels not one per block).
	CodeBadGroups Code = "bad_groups"
	// CodeNoData: every stratum table is empty.
	CodeNoData Code = "no_data"
	// CodeOutOfRange: the estimate, its CI or its SE does not fit in a
	// float64 (a ratio beyond 1.8e308 on the linear scale, or a relative
	// difference beyond it on either scale).
	CodeOutOfRange Code = "out_of_range"
)

// Error is an input for which a statistic is undefined. Block, Unit and Arm
// say where: each is an index, or -1 when it does not apply.
type Error struct {
	Code Code
	// Arm is the arm (column) index the error concerns.
	Arm int
	// Block is the block (row) index the error concerns.
	Block int
	// Unit is the jackknife unit whose deletion made the replicate
	// undefined; it is a block index for the delete-one-block jackknife and
	// a group index for the delete-a-group jackknife.
	Unit int
	// Grouped says whether Unit is a group index.
	Grouped bool
	// Msg is the plain explanation, without the location.
	Msg string
}

func newError(code Code, arm, block, unit int, grouped bool, format string, args ...any) *Error {
	return &Error{Code: code, Arm: arm, Block: block, Unit: unit, Grouped: grouped, Msg: fmt.Sprintf(format, args...)}
}

// Names maps indices to the names a user knows. A nil func prints the index.
type Names struct {
	Arm   func(int) string
	Block func(int) string
	Group func(int) string
}

// Error returns "code: arm 1, block 3: explanation" with 0-based indices.
func (e *Error) Error() string { return e.Format(Names{}) }

// Format is Error with the indices replaced by names.
func (e *Error) Format(n Names) string {
	name := func(f func(int) string, i int) string {
		if f != nil {
			return f(i)
		}
		return strconv.Itoa(i)
	}
	where := ""
	add := func(s string) {
		if where != "" {
			where += ", "
		}
		where += s
	}
	if e.Arm >= 0 {
		add("arm " + name(n.Arm, e.Arm))
	}
	if e.Block >= 0 {
		add("block " + name(n.Block, e.Block))
	}
	if e.Unit >= 0 {
		if e.Grouped {
			add("leaving out group " + name(n.Group, e.Unit))
		} else {
			add("leaving out block " + name(n.Block, e.Unit))
		}
	}
	if where == "" {
		return string(e.Code) + ": " + e.Msg
	}
	return string(e.Code) + ": " + where + ": " + e.Msg
}

// Is lets errors.Is match on the code: errors.Is(err, &Error{Code: c}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// CodeOf returns the code of err if it is (or wraps) an *Error, else "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
