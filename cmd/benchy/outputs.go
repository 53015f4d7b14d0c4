package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// checkOutput is the one rule for a file a command writes at the end
// (report, merge and compare -o, exec's --export-*): it refuses, as a
// usage error (exit 2) before any work, a path that would fail only after
// the work or would lose data. flag names the option in the message,
// inputs are the files the command reads and runDir is the run directory
// the command is about to write ("" when none, or a fresh one).
//
// Refused: a directory; a path whose parent is missing or not a
// directory; one of the inputs (the same file, or the same cleaned path
// when it does not exist yet); a benchy run's own files (results.json or
// journal.jsonl in a directory that holds a run, and any of runFiles in
// runDir's tree). "" and "-" (stdout) pass.
func checkOutput(flag, path string, inputs []string, runDir string) error {
	if path == "" || path == "-" {
		return nil
	}
	refuse := func(format string, args ...any) error {
		return withCode(exitUsage, fmt.Errorf("%s %s: %s", flag, path, fmt.Sprintf(format, args...)))
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return refuse("is a directory; give a file name")
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return refuse("%v", unwrapPathError(err))
	}
	parent := filepath.Dir(path)
	abs := absClean(path)
	// In the run directory (RUNDIR/ or RUNDIR/SUITE/), which the run makes.
	under := ""
	if runDir != "" {
		if rel, err := filepath.Rel(absClean(runDir), abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			under = rel
		}
	}
	if under != "" && slices.Contains(runFiles, filepath.Base(path)) {
		return refuse("is in the run directory %s, where the run writes its own %s; write the output elsewhere", runDir, filepath.Base(path))
	}
	pst, err := os.Stat(parent)
	switch {
	case errors.Is(err, fs.ErrNotExist) && under != "" && strings.Count(under, string(filepath.Separator)) <= 1:
		// The run makes the directory before it ends.
	case errors.Is(err, fs.ErrNotExist):
		return refuse("the directory %s does not exist", parent)
	case err != nil:
		return refuse("%v", unwrapPathError(err))
	case !pst.IsDir():
		return refuse("%s is not a directory", parent)
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		same := absClean(in) == abs
		if ist, ierr := os.Stat(in); !same && ierr == nil && st != nil {
			same = os.SameFile(st, ist)
		}
		if same {
			return refuse("is one of the inputs; writing it would replace what it is read from")
		}
	}
	base := filepath.Base(path)
	if slices.Contains(runMarkers, base) && holdsRun(parent) {
		return refuse("is a file of the benchy run in %s; write the output elsewhere", parent)
	}
	return nil
}

// absClean is path made absolute and cleaned (the path itself when the
// working directory is unknown).
func absClean(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

// unwrapPathError drops an *fs.PathError's operation and path, which the
// caller's message already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
