package runners

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Operations of the worker protocol (docs/protocol.md).
const (
	OpSetup = "setup"
	OpRun   = "run"
	OpClose = "close"
)

// Versions of the worker protocol. ProtocolVersion is the version this
// benchy speaks and asks for in every setup request; a worker answers with
// the version it will speak, at most the one asked for. A setup response
// without a version speaks version 1, the protocol as it was before the
// field existed.
const (
	ProtocolVersion    = 1
	MinProtocolVersion = 1
)

// Request is one line sent to a worker's stdin.
type Request struct {
	Op string `json:"op"`
	// Protocol, in a setup request, is the version benchy asks for.
	Protocol   int             `json:"protocol,omitempty"`
	Config     json.RawMessage `json:"config,omitempty"`
	Seed       int64           `json:"seed,omitempty"`
	SuiteDir   string          `json:"suite_dir,omitempty"`
	Warmup     int             `json:"warmup,omitempty"`
	Iterations int             `json:"iterations,omitempty"`
}

// Response is one line read from a worker's stdout.
type Response struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Skip marks an error as a missing prerequisite (no GPU, no CuPy): the
	// arm is skipped with Error as the reason instead of failing.
	Skip bool `json:"skip,omitempty"`
	// Protocol, in a setup response, is the version the worker speaks. It
	// is kept raw so that a value that is not an integer is reported as
	// such (ResponseVersion) rather than as an undecodable line.
	Protocol json.RawMessage    `json:"protocol,omitempty"`
	Info     map[string]any     `json:"info,omitempty"`
	NS       []int64            `json:"ns,omitempty"`
	Metrics  map[string]float64 `json:"metrics,omitempty"`
}

// RequestedVersion is the version a setup request asks for: 1 when the
// request names none (a benchy older than the field).
func (r Request) RequestedVersion() int {
	if r.Protocol == 0 {
		return 1
	}
	return r.Protocol
}

// Version returns the protocol version a successful setup response
// announces (1 when it names none) and checks it against the version
// asked for: a version that is not a positive integer, or one above what
// was asked, is an error that names both versions and says what to do.
func (r Response) Version(asked int) (int, error) {
	raw := bytes.TrimSpace(r.Protocol)
	if len(raw) == 0 || string(raw) == "null" {
		return 1, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("worker answered protocol %s, which is not a version (versions are integers from 1); this benchy speaks %d", raw, asked)
	}
	if n > asked {
		return n, fmt.Errorf("worker speaks protocol %d; this benchy speaks %d — upgrade benchy, or make the worker answer the version it was asked for", n, asked)
	}
	return n, nil
}

// CheckRun checks a successful run response against the run request it
// answers: one duration per timed iteration, none negative.
func (r Response) CheckRun(req Request) error {
	if len(r.NS) != req.Iterations {
		return fmt.Errorf("worker returned %d duration(s) for %d iteration(s): ns needs one per timed iteration, warm-up iterations excluded", len(r.NS), req.Iterations)
	}
	for i, v := range r.NS {
		if v < 0 {
			return fmt.Errorf("worker returned a negative duration, ns[%d] = %d: time each iteration with a monotonic clock", i, v)
		}
	}
	return nil
}

// SkipError marks a missing prerequisite; workers answer it with skip=true.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return e.Reason }

// Skip returns an error that makes the arm skipped, not failed.
func Skip(reason string) error { return &SkipError{Reason: reason} }

// IsSkip reports whether err marks a missing prerequisite.
func IsSkip(err error) bool {
	var s *SkipError
	return errors.As(err, &s)
}
