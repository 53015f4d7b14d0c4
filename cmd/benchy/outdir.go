package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/benchy-dev/benchy/internal/termtext"
)

// Where a run's results go (one concept, one home: run and exec use it).
//
// A run directory holds one folder per suite, RUNDIR/SUITE/, with
// results.json, journal.jsonl, report.md and report.html, whether the run
// has one suite or several. Without --out every invocation gets a fresh run
// directory benchy-out/YYYYMMDD-HHMMSS (UTC; "-2", "-3", … when taken), and
// benchy-out/latest, a symbolic link replaced atomically, points at it. With
// --out DIR, DIR is the run directory: benchy refuses a DIR that already
// holds a run unless --force (which replaces benchy's own files there and
// nothing else), and refuses /, the home directory, a non-empty working
// directory and anything that is not a directory. Files are never written
// through a symbolic link. The run directory is locked for the whole run
// (flock on RUNDIR/.benchy.lock): a second run into it fails at once.

// defaultOutBase is where runs without --out go, relative to the working
// directory.
const defaultOutBase = "benchy-out"

// latestLink is the symbolic link in defaultOutBase to the newest run directory.
const latestLink = "latest"

// lockName is the lock file in a run directory; it holds the locking
// run's pid and start time.
const lockName = ".benchy.lock"

// runFiles are the files benchy writes into a suite directory; --force
// removes exactly these.
var runFiles = []string{"results.json", "journal.jsonl", "report.md", "report.html"}

// runMarkers are the files whose presence means a directory holds a run.
var runMarkers = []string{"results.json", "journal.jsonl"}

// runDir is a locked run directory.
type runDir struct {
	// path is the run directory.
	path string
	lock *os.File
	// used are the suite directory names handed out so far.
	used map[string]bool
}

// prepareRunDir makes the run directory for one invocation and locks it:
// out is --out ("" for a fresh directory under benchy-out) and force is
// --force. Refusals are usage errors (exit 2); a directory another run
// holds, or one that cannot be made, is an environment error (exit 3).
// Notes (what --force removed, a latest link left alone) go to stderr.
func prepareRunDir(out string, force bool, stderr io.Writer) (*runDir, error) {
	return prepareRunDirIn(defaultOutBase, out, force, stderr)
}

// prepareRunDirIn is prepareRunDir with fresh run directories (no --out)
// made under base instead of benchy-out.
func prepareRunDirIn(base, out string, force bool, stderr io.Writer) (*runDir, error) {
	if err := checkRunDir(out, force); err != nil {
		return nil, err
	}
	if out == "" {
		return freshRunDir(base, stderr)
	}
	dir := filepath.Clean(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, withCode(exitEnvironment, fmt.Errorf("create the output directory: %w", err))
	}
	rd, err := lockRunDir(dir)
	if err != nil {
		return nil, err
	}
	// Checked again under the lock: a run may have ended in between.
	if err := refuseEarlierRun(dir, force); err != nil {
		rd.release()
		return nil, err
	}
	if force {
		removed, err := removeRunFiles(dir)
		if len(removed) > 0 {
			fmt.Fprintf(stderr, "benchy: --force: removed the earlier run's %s\n", strings.Join(removed, ", "))
		}
		if err != nil {
			rd.release()
			return nil, withCode(exitEnvironment, err)
		}
	}
	return rd, nil
}

// checkRunDir is prepareRunDir's refusals, made without creating or
// locking anything, so that run can make them before a long build
// (--arm-from-git): a run in progress in --out is exit 3, an earlier run
// there (without force) or an --out that cannot be meant exit 2.
func checkRunDir(out string, force bool) error {
	if out == "" {
		if force {
			return withCode(exitUsage, errors.New("--force goes with --out DIR (without --out every run gets a fresh directory and nothing is replaced)"))
		}
		return nil
	}
	dir := filepath.Clean(out)
	if err := checkOutTarget(dir); err != nil {
		return withCode(exitUsage, err)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	if holder, held := lockHeld(filepath.Join(dir, lockName)); held {
		return withCode(exitEnvironment, inUseError(dir, holder))
	}
	return refuseEarlierRun(dir, force)
}

// checkOutTarget refuses an --out that cannot be meant: /, the home
// directory, something that exists and is not a directory, and the
// working directory when it holds anything but a benchy run.
func checkOutTarget(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		if lst, lerr := os.Lstat(abs); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("--out %s is a symbolic link to nothing; benchy does not write through it", dir)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--out %s exists and is not a directory", dir)
	}
	if root, err := os.Stat("/"); err == nil && os.SameFile(st, root) {
		return fmt.Errorf("--out %s is the root directory; give a directory of its own, or leave --out out for a fresh benchy-out/<time>/", dir)
	}
	if home, err := os.UserHomeDir(); err == nil {
		if hst, err := os.Stat(home); err == nil && os.SameFile(st, hst) {
			return fmt.Errorf("--out %s is your home directory; give a directory of its own, or leave --out out for a fresh benchy-out/<time>/", dir)
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if wst, err := os.Stat(wd); err == nil && os.SameFile(st, wst) && !isRunDirOrEmpty(abs) {
			return fmt.Errorf("--out %s is the working directory, which holds other files; give a directory of its own, or leave --out out for a fresh benchy-out/<time>/", dir)
		}
	}
	return nil
}

// isRunDirOrEmpty reports whether dir is empty or is a run directory as
// benchy lays one out: its lock file, or a run's files in it or in a
// folder directly in it.
func isRunDirOrEmpty(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	if len(ents) == 0 || holdsRun(dir) {
		return true
	}
	for _, e := range ents {
		if e.Name() == lockName || e.IsDir() && holdsRun(filepath.Join(dir, e.Name())) {
			return true
		}
	}
	return false
}

// findRunsDepth is how deep below a directory findRuns looks: DIR/results.json
// (an older benchy's layout), DIR/SUITE/results.json, DIR/RUN/SUITE/results.json.
const findRunsDepth = 3

// findRunsLimit bounds the entries findRuns visits in a large tree.
const findRunsLimit = 20000

// findRuns lists the run files (results.json, journal.jsonl, whatever their
// type, symbolic links included) at most findRunsDepth levels below dir,
// relative to dir, without following symbolic links.
func findRuns(dir string) ([]string, error) {
	var found []string
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // an unreadable corner of the tree holds no run we can replace
		}
		if seen++; seen > findRunsLimit {
			return filepath.SkipAll
		}
		rel, _ := filepath.Rel(dir, p)
		depth := strings.Count(rel, string(filepath.Separator)) + 1
		if d.IsDir() {
			if p != dir && depth >= findRunsDepth {
				return filepath.SkipDir
			}
			return nil
		}
		if slices.Contains(runMarkers, d.Name()) {
			found = append(found, rel)
		}
		return nil
	})
	return found, err
}

// refuseEarlierRun fails with exit 2 when dir holds a run and force is false.
func refuseEarlierRun(dir string, force bool) error {
	found, err := findRuns(dir)
	if err != nil {
		return withCode(exitEnvironment, fmt.Errorf("--out %s: %w", dir, err))
	}
	if len(found) == 0 || force {
		return nil
	}
	more := ""
	if len(found) > 4 {
		found, more = found[:4], fmt.Sprintf(" and %d more", len(found)-4)
	}
	return withCode(exitUsage, fmt.Errorf("--out %s already holds a benchy run (%s%s); pass --force to replace benchy's files there, give another directory, or leave --out out for a fresh benchy-out/<time>/",
		dir, strings.Join(found, ", "), more))
}

// removeRunFiles removes benchy's own files (runFiles) from dir and from
// every suite directory directly in it, and the suite directories left
// empty; anything else stays. It returns what it removed, relative to dir.
func removeRunFiles(dir string) ([]string, error) {
	var removed []string
	var errs []error
	clearDir := func(sub string) {
		for _, name := range runFiles {
			rel := filepath.Join(sub, name)
			err := os.Remove(filepath.Join(dir, rel)) // a symbolic link goes, not its target
			switch {
			case err == nil:
				removed = append(removed, rel)
			case !errors.Is(err, fs.ErrNotExist):
				errs = append(errs, err)
			}
		}
	}
	clearDir(".")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return removed, err
	}
	for _, e := range ents {
		if !e.IsDir() || !holdsRun(filepath.Join(dir, e.Name())) {
			continue // e.IsDir is false for a symbolic link: it is left alone
		}
		clearDir(e.Name())
		_ = os.Remove(filepath.Join(dir, e.Name())) // only when empty
	}
	return removed, errors.Join(errs...)
}

// holdsRun reports whether dir itself holds a run's results or journal.
func holdsRun(dir string) bool {
	for _, m := range runMarkers {
		if _, err := os.Lstat(filepath.Join(dir, m)); err == nil {
			return true
		}
	}
	return false
}

// freshRunDir makes base/YYYYMMDD-HHMMSS (with -N when taken), locks it
// and points base/latest at it.
func freshRunDir(base string, stderr io.Writer) (*runDir, error) {
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, withCode(exitEnvironment, fmt.Errorf("create %s: %w", base, err))
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	var dir string
	for n := 1; ; n++ {
		name := stamp
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		dir = filepath.Join(base, name)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || n >= 1000 {
			return nil, withCode(exitEnvironment, fmt.Errorf("create the run directory: %w", err))
		}
	}
	rd, err := lockRunDir(dir)
	if err != nil {
		return nil, err
	}
	if err := pointLatest(base, filepath.Base(dir)); err != nil {
		fmt.Fprintf(stderr, "benchy: warning: %s/%s not updated: %v\n", base, latestLink, err)
	}
	return rd, nil
}

// pointLatest replaces base/latest with a symbolic link to name
// atomically: a new link under a temporary name, renamed over it. A
// latest that is not a symbolic link is left alone.
func pointLatest(base, name string) error {
	link := filepath.Join(base, latestLink)
	if st, err := os.Lstat(link); err == nil && st.Mode()&fs.ModeSymlink == 0 {
		return fmt.Errorf("%s is not a symbolic link; remove it to have benchy point it at the newest run", link)
	}
	tmp := filepath.Join(base, fmt.Sprintf(".%s.tmp-%d", latestLink, os.Getpid()))
	_ = os.Remove(tmp)
	if err := os.Symlink(name, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// lockRunDir takes the run directory's lock, or fails with exit 3 naming
// the run that holds it.
func lockRunDir(dir string) (*runDir, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, withCode(exitEnvironment, fmt.Errorf("lock the output directory: %w", err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, withCode(exitEnvironment, inUseError(dir, holder))
		}
		return nil, withCode(exitEnvironment, fmt.Errorf("lock the output directory: %w", err))
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("pid %d on %s, started %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(holder), 0)
	}
	return &runDir{path: dir, lock: f, used: map[string]bool{}}, nil
}

// lockHeld reports whether another process holds the lock file at path,
// and what it wrote there.
func lockHeld(path string) (holder string, held bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return "", false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return readHolder(f), errors.Is(err, syscall.EWOULDBLOCK)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return "", false
}

func readHolder(f *os.File) string {
	b := make([]byte, 256)
	n, _ := f.ReadAt(b, 0)
	// Anyone could have written the lock file: escape it for the terminal.
	return termtext.Escape(strings.TrimSpace(string(b[:n])))
}

func inUseError(dir, holder string) error {
	if holder == "" {
		holder = "it has not said which yet"
	}
	return fmt.Errorf("%s is in use by another benchy run (%s); wait for it to end, or give another --out", dir, holder)
}

// suiteDir makes RUNDIR/name for one suite (name-2, name-3, … for a second
// suite of the same name) and returns its path. A directory already there
// is used when it is a real directory (--force kept it for the user's own
// files); a symbolic link or a file there is refused.
func (d *runDir) suiteDir(name string) (string, error) {
	name = suiteDirName(name)
	base := name
	for n := 2; d.used[name]; n++ {
		name = base + "-" + strconv.Itoa(n)
	}
	d.used[name] = true
	p := filepath.Join(d.path, name)
	err := os.Mkdir(p, 0o755)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return "", withCode(exitEnvironment, fmt.Errorf("create the suite directory: %w", err))
	}
	st, err := os.Lstat(p)
	if err != nil {
		return "", withCode(exitEnvironment, err)
	}
	if !st.IsDir() {
		return "", withCode(exitUsage, fmt.Errorf("%s is in the way (not a directory: benchy does not write through symbolic links); remove it or give another --out", p))
	}
	return p, nil
}

// suiteDirName turns a suite's name into one safe path element.
func suiteDirName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = "suite"
	}
	return name
}

// release unlocks the run directory. The lock file stays: it records the
// last run that held it, and removing it would let a run waiting on the
// old file and a new one each think they hold the lock.
func (d *runDir) release() {
	if d != nil && d.lock != nil {
		_ = d.lock.Close()
		d.lock = nil
	}
}

// reportTargets resolves benchy report's argument to the documents it
// renders. No argument means the latest run, benchy-out/latest. A file is
// itself. A suite directory (one that holds results.json or journal.jsonl)
// gives its results.json, or the journal when the run was killed before
// writing results. A run directory gives each of its suite directories, in
// name order.
func reportTargets(args []string) ([]string, error) {
	arg := filepath.Join(defaultOutBase, latestLink)
	if len(args) > 0 {
		arg = args[0]
	}
	st, err := os.Stat(arg)
	if err != nil {
		if len(args) == 0 && errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no argument and no %s here: benchy run (without --out) records its newest run there; give a results.json, a journal.jsonl or a run directory", arg)
		}
		return nil, err
	}
	if !st.IsDir() {
		return []string{arg}, nil
	}
	if p := suiteDocument(arg); p != "" {
		return []string{p}, nil
	}
	ents, err := os.ReadDir(arg)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if p := suiteDocument(filepath.Join(arg, e.Name())); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no benchy run (no results.json or journal.jsonl in it or in a suite folder directly in it)", arg)
	}
	return out, nil
}

// suiteDocument is the document of a suite directory: results.json, else
// journal.jsonl, else "".
func suiteDocument(dir string) string {
	for _, m := range runMarkers {
		p := filepath.Join(dir, m)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// runDocument resolves a directory argument that stands for one document
// (benchy merge's DIR): a suite directory, or a run directory with one
// suite in it. A run directory with several suites is an error naming them.
func runDocument(dir string) (string, error) {
	paths, err := reportTargets([]string{dir})
	if err != nil {
		return "", err
	}
	if len(paths) > 1 {
		return "", fmt.Errorf("%s holds %d suites; give one of %s", dir, len(paths), strings.Join(paths, ", "))
	}
	return paths[0], nil
}
