package gaussrank

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/benchy-dev/benchy/internal/atomicfile"
)

// workerPy is the Python reference worker: the blog's CPU path (pandas +
// NumPy + SciPy) and GPU path (CuPy, cuDF), speaking the worker protocol.
//
//go:embed python/gaussrank_worker.py
var workerPy []byte

// WorkerScriptName is the file name of the materialised Python worker.
const WorkerScriptName = "gaussrank_worker.py"

// WorkerScriptSource returns a copy of the embedded Python worker's source.
func WorkerScriptSource() []byte { return bytes.Clone(workerPy) }

// WorkerScript returns the path of the embedded Python worker on disk,
// writing it there first when it is absent or differs from the embedded
// bytes. The file lives at
// <user cache dir>/benchy/gaussrank/<sha256 prefix>/gaussrank_worker.py, or
// under os.TempDir() in a per-user folder when there is no usable cache
// directory. Different builds of benchy therefore never overwrite each
// other's script, and a damaged file is rewritten.
func WorkerScript() (string, error) {
	var errs []error
	if dir, err := os.UserCacheDir(); err == nil {
		p, err := materialise(filepath.Join(dir, "benchy"), workerPy)
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	} else {
		errs = append(errs, fmt.Errorf("no user cache directory: %w", err))
	}
	tmpRoot := filepath.Join(os.TempDir(), fmt.Sprintf("benchy-%d", os.Getuid()))
	err := privateDir(tmpRoot)
	if err == nil {
		var p string
		if p, err = materialise(tmpRoot, workerPy); err == nil {
			return p, nil
		}
	}
	errs = append(errs, err)
	return "", fmt.Errorf("gaussrank: cannot write the Python worker: %w", errors.Join(errs...))
}

// privateDir makes sure dir, in a shared folder such as /tmp, is a real
// directory that only this user can write: anyone else who made it first
// could swap the script that benchy then runs.
func privateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	switch {
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case !ok || int(sys.Uid) != os.Getuid():
		return fmt.Errorf("%s belongs to another user", dir)
	case st.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s can be written by others (mode %v)", dir, st.Mode().Perm())
	}
	return nil
}

// materialise makes root/gaussrank/<first 16 hex digits of sha256(src)>/
// gaussrank_worker.py hold exactly src and returns its path. A file that
// already holds src is reused as it is; otherwise src goes to a temporary
// file in the same folder that is then renamed over the path, so a reader
// never sees a partial script.
func materialise(root string, src []byte) (string, error) {
	sum := sha256.Sum256(src)
	dir := filepath.Join(root, "gaussrank", hex.EncodeToString(sum[:])[:16])
	path := filepath.Join(dir, WorkerScriptName)
	if b, err := os.ReadFile(path); err == nil && bytes.Equal(b, src) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := atomicfile.Write(path, src, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// pythonArgv returns the Python worker's command line for a configuration
// with implementation numpy or cupy: the interpreter, the materialised
// script and the flags that reproduce the configuration by hand. (The setup
// request's config carries the same keys and the worker lets them win.)
// skip is set, with err nil, when the interpreter cannot be found: a
// missing prerequisite skips the arm, as the worker itself does when NumPy
// or CuPy is missing.
func pythonArgv(c Config) (argv []string, skip string, err error) {
	if _, err := osexec.LookPath(c.Python); err != nil {
		return nil, fmt.Sprintf("the %s implementation needs a Python interpreter, and %s cannot be run (%v); "+
			"on Debian: apt-get install python3-numpy python3-scipy python3-pandas, or set python in the gaussrank block",
			c.Implementation, c.Python, unwrapExec(err)), nil
	}
	script, err := WorkerScript()
	if err != nil {
		return nil, "", err
	}
	device := "cpu"
	if c.Implementation == ImplCuPy {
		device = "cuda"
	}
	argv = []string{c.Python, script,
		"--device=" + device,
		"--rows=" + strconv.Itoa(c.Rows),
		"--dtype=" + c.DType,
		"--distribution=" + c.Distribution,
	}
	if *c.Eps != DefaultEps {
		argv = append(argv, "--eps="+strconv.FormatFloat(*c.Eps, 'g', -1, 64))
	}
	if !*c.Inverse {
		argv = append(argv, "--no-inverse")
	}
	if c.Implementation == ImplNumPy && c.SortKind != SortQuicksort {
		argv = append(argv, "--sort-kind="+c.SortKind)
	}
	if c.Implementation == ImplCuPy && !*c.CuDF {
		argv = append(argv, "--no-cudf")
	}
	return argv, "", nil
}

// unwrapExec drops os/exec's repetition of the program name.
func unwrapExec(err error) error {
	var e *osexec.Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}

// external is the gaussrank Spec's External: the numpy and cupy
// implementations run as the Python worker, in the harness's working
// directory (dir ""), with no extra environment. It declines, so that
// `benchy worker gaussrank` serves the arm, for the go implementation and
// whenever the worker cannot be started; Runner.Setup then reports why (a
// skip for a missing interpreter, an error otherwise).
func external(raw json.RawMessage) (argv []string, env map[string]string, dir string, ok bool) {
	var c Config
	if json.Unmarshal(raw, &c) != nil {
		return nil, nil, "", false
	}
	c = c.withDefaults()
	if !c.python() || c.validate() != nil {
		return nil, nil, "", false
	}
	argv, skip, err := pythonArgv(c)
	if skip != "" || err != nil {
		return nil, nil, "", false
	}
	return argv, nil, "", true
}
