package runners

import (
	"encoding/json"
	"errors"
)

// Operations of the worker protocol.
const (
	OpSetup = "setup"
	OpRun   = "run"
	OpClose = "close"
)

// Request is one line sent to a worker's stdin.
type Request struct {
	Op         string          `json:"op"`
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
	Skip    bool               `json:"skip,omitempty"`
	Info    map[string]any     `json:"info,omitempty"`
	NS      []int64            `json:"ns,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
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
