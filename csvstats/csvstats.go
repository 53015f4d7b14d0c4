// Package csvstats estimates relative differences with jackknife CIs from
// a CSV file collected anywhere: per-block measurements (block,arm,value)
// or binary trial counts (block,stratum,arm,successes,trials). It is the
// model of benchy analyze: it reads the file, checks the options and
// computes a Report with package stats; package reports renders it.
package csvstats

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/benchy-dev/benchy/stats"
)

// Error is an error of benchy analyze: a plain message for people, and a
// stable code for --format json (insufficient_blocks, nonpositive_value,
// zero_denominator, nonpositive_ratio, out_of_range, invalid_value,
// invalid_option, bad_groups, no_data, bad_csv, missing_column,
// read_error).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// MarshalJSON writes {"code", "message"}.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{e.Code, e.Message})
}

// Errorf is an *Error with the code and the formatted message.
func Errorf(code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Report is the result of benchy analyze; its JSON form is the command's
// contract.
type Report struct {
	Estimator  string   `json:"estimator"`
	Confidence float64  `json:"confidence"`
	Units      int      `json:"units"`
	Scale      string   `json:"scale"`
	Baseline   string   `json:"baseline"`
	Blocks     int      `json:"blocks"`
	Jackknife  string   `json:"jackknife"`
	Dropped    []string `json:"dropped_blocks,omitempty"`
	Arms       []Arm    `json:"arms"`

	// Input names the file analysed ("-" for standard input).
	Input string `json:"-"`
	// Binary says the file held binary data (successes and trials).
	Binary bool `json:"-"`
	// BaselineRate is the baseline's pooled success count (binary data).
	BaselineRate *Rate `json:"-"`
}

// NotEstimated is the number of arms that were not estimated.
func (r *Report) NotEstimated() int {
	n := 0
	for _, a := range r.Arms {
		if a.Error != nil {
			n++
		}
	}
	return n
}

// Arm is one arm's comparison with the baseline.
type Arm struct {
	Arm         string          `json:"arm"`
	Estimate    Float           `json:"estimate"`
	CILo        Float           `json:"ci_lo"`
	CIHi        Float           `json:"ci_hi"`
	SE          Float           `json:"se"`
	DF          int             `json:"df"`
	Significant bool            `json:"significant"`
	Units       int             `json:"units"`
	T           Float           `json:"t"`
	Bias        Float           `json:"bias"`
	Rate        *Rate           `json:"success,omitempty"`
	MH          *stats.MHResult `json:"mh,omitempty"`
	// Error says why the arm was not estimated; the numbers are then null.
	Error *Error `json:"error,omitempty"`
}

// Rate is an arm's pooled success count (binary data).
type Rate struct {
	Successes int `json:"successes"`
	Trials    int `json:"trials"`
}

// Float is a number that JSON writes as null when it is not finite.
type Float float64

// MarshalJSON writes non-finite values as null.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}
