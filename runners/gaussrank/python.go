package gaussrank

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/benchy-dev/benchy/internal/scriptcache"
	"github.com/benchy-dev/benchy/runners"
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
// bytes: <user cache dir>/benchy/gaussrank/<sha256 prefix>/gaussrank_worker.py,
// or a per-user folder under os.TempDir() (internal/scriptcache).
func WorkerScript() (string, error) {
	p, err := scriptcache.Path("gaussrank", WorkerScriptName, workerPy)
	if err != nil {
		return "", fmt.Errorf("gaussrank: cannot write the Python worker: %w", err)
	}
	return p, nil
}

// pythonArgv returns the Python worker's command line for a configuration
// with implementation numpy or cupy: the interpreter, the materialised
// script and the flags that reproduce the configuration by hand. (The setup
// request's config carries the same keys and the worker lets them win.)
// skip is set, with err nil, when the interpreter cannot be found: a
// missing prerequisite skips the arm, as the worker itself does when NumPy
// or CuPy is missing.
func pythonArgv(c Config) (argv []string, skip string, err error) {
	if _, err := runners.LookPath(c.Python); err != nil {
		return nil, fmt.Sprintf("the %s implementation needs a Python interpreter, and %s cannot be run (%v); "+
			"on Debian: apt-get install python3-numpy python3-scipy python3-pandas, or set python in the gaussrank block",
			c.Implementation, c.Python, err), nil
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
