package exec

import (
	"strconv"
	"syscall"
	"time"
)

// stdio is what a spawned command gets as descriptors 0, 1 and 2, and
// which of them are capture files to empty before each run.
type stdio struct {
	in, out, err             uintptr
	truncateOut, truncateErr bool
}

// run is one timed run of the command: wall time from spawn to reap, the
// child's CPU times, its peak resident set as wait4 reports it, and how it
// ended.
type run struct {
	elapsed, user, sys time.Duration
	maxRSSKiB          int64
	status             syscall.WaitStatus
}

// failure describes how a run failed, or is empty when it exited 0.
func (r run) failure() string {
	switch {
	case r.status.Signaled():
		return "signal: " + r.status.Signal().String()
	case r.status.Exited() && r.status.ExitStatus() != 0:
		return "exit status " + strconv.Itoa(r.status.ExitStatus())
	case !r.status.Exited():
		return "stopped"
	}
	return ""
}
