package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/internal/atomicfile"
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
// journal.jsonl in a directory that holds a run, and any of runFiles or the
// run's lock in runDir's tree). "" and "-" (stdout) pass.
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
		if rel, ok := within(absClean(runDir), abs); ok {
			under = rel
		}
	}
	if under != "" && (slices.Contains(runFiles, filepath.Base(path)) || filepath.Base(path) == lockName) {
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

// within reports whether the absolute, clean path p is dir or lies below
// it, and gives p relative to dir.
func within(dir, p string) (rel string, ok bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
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

// namedPath is a path a command writes, with the flag that names it.
type namedPath struct{ flag, path string }

// checkDistinctOutputs is the rule for a command that writes several
// files: it refuses, as a usage error (exit 2) before any work, two of
// files that would write the same file, and one of files that is a
// directory in dirs (one the command makes, such as its run directory) or
// a directory above one, which the command would make before it writes
// the file. The message names both flags. Empty paths are left out.
//
// Two paths are the same file when the file a write replaces is the same
// (the directory resolved, symbolic links followed, then the name; a link
// named as the output is itself replaced, see atomicfile.Write) or when
// both exist now and are one file (a link to the other included). A
// stream (a character device such as /dev/null, a FIFO, a socket, or a
// process's open file such as /dev/stdout) may be named more than once:
// each output is written to it in turn and none replaces another.
func checkDistinctOutputs(files, dirs []namedPath) error {
	var seen []namedPath
	for _, f := range files {
		if f.path == "" {
			continue
		}
		refuse := func(format string, args ...any) error {
			return withCode(exitUsage, fmt.Errorf("%s %s: %s", f.flag, f.path, fmt.Sprintf(format, args...)))
		}
		key := writeTarget(f.path)
		for _, d := range dirs {
			if d.path == "" {
				continue
			}
			dkey := resolveExisting(absClean(d.path))
			if dkey == key {
				return refuse("is %s %s, which the run makes; give the file another name", d.flag, d.path)
			}
			if _, ok := within(key, dkey); ok {
				return refuse("is a directory above %s %s, which the run makes; give the file another name", d.flag, d.path)
			}
		}
		if isStream(f.path) {
			continue
		}
		for _, s := range seen {
			if key == writeTarget(s.path) || sameExistingFile(f.path, s.path) {
				return refuse("%s %s names the same file, and one would replace the other; give each output its own file", s.flag, s.path)
			}
		}
		seen = append(seen, f)
	}
	return nil
}

// writeTarget is the file that writing path replaces: path made absolute,
// its directory with symbolic links resolved (as far as it exists), and
// its last element as it is.
func writeTarget(path string) string {
	abs := absClean(path)
	return filepath.Join(resolveExisting(filepath.Dir(abs)), filepath.Base(abs))
}

// resolveExisting is the absolute, clean path abs with the symbolic links
// of its longest existing prefix resolved; the elements below that prefix,
// which do not exist yet, are kept as they are.
func resolveExisting(abs string) string {
	rest := ""
	for p := abs; ; p = filepath.Dir(p) {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(p) == p {
			return abs
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// sameExistingFile reports whether a and b both exist and are one file,
// symbolic links followed.
func sameExistingFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// isStream reports whether writing path writes to a stream rather than
// replacing a file: "-" (standard output) or a stream by atomicfile's
// rule, which writes every output.
func isStream(path string) bool { return path == "-" || atomicfile.IsStream(path) }
