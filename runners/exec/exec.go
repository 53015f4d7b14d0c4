package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/runners"
)

// maxStdout bounds how much of a stdout-metric program's output is searched.
const maxStdout = 64 << 20

// Runner times a command per iteration (wall) or reads a number from its
// output (stdout-metric). It runs inside `benchy worker exec`.
type Runner struct {
	cfg     Config
	dir     string
	path    string
	env     []string
	pattern *regexp.Regexp
	// stdout and stderr capture the command's output in unlinked temporary
	// files: a file descriptor goes straight to the child, where a pipe
	// would need a copying goroutine whose wake-up lands inside the timed
	// interval (measured: about 4 ms per run on a 2-vCPU VM).
	stdout, stderr *os.File
	devnull        *os.File
	spawn          *spawner
}

var _ runners.Runner = (*Runner)(nil)

// Setup validates the configuration and resolves the command.
func (r *Runner) Setup(_ context.Context, s runners.Setup) (map[string]any, error) {
	if err := json.Unmarshal(s.Config, &r.cfg); err != nil {
		return nil, fmt.Errorf("exec: bad config: %w", err)
	}
	if len(r.cfg.Command) == 0 {
		return nil, errors.New("exec: empty command")
	}
	if r.cfg.Measure == MeasureProtocol {
		return nil, errors.New(`exec: measure = "protocol" runs the program itself as the worker`)
	}
	if r.cfg.Scale == 0 {
		r.cfg.Scale = 1
	}
	r.dir = runners.ResolveDir(s.SuiteDir, r.cfg.Workdir)
	if r.dir != "" {
		// posix_spawn reports a bad directory only as the child's errno.
		if st, err := os.Stat(r.dir); err != nil {
			return nil, fmt.Errorf("exec: working directory: %w", err)
		} else if !st.IsDir() {
			return nil, fmt.Errorf("exec: working directory %s is not a directory", r.dir)
		}
	}
	path, err := osexec.LookPath(r.cfg.Command[0])
	if err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	r.path, r.env = path, runners.MergeEnv(os.Environ(), r.cfg.Env)
	if r.stderr, err = captureFile(); err != nil {
		return nil, err
	}
	if r.devnull, err = os.OpenFile(os.DevNull, os.O_RDWR, 0); err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	r.spawn = newSpawner(r.path, r.cfg.Command, r.env, r.dir)
	// A worker (`benchy worker exec`) is a child subreaper: the orphans of
	// the command's daemons become its children, reaped as the runs go.
	r.spawn.reapOrphans = proctree.IsSubreaper()
	if r.cfg.Measure == MeasureStdoutMetric {
		if r.stdout, err = captureFile(); err != nil {
			return nil, err
		}
	}
	if r.cfg.Measure == MeasureStdoutMetric {
		if r.pattern, err = regexp.Compile(r.cfg.Pattern); err != nil {
			return nil, fmt.Errorf("exec: pattern: %w", err)
		}
	}
	return map[string]any{"path": path, "measure": r.cfg.Measure}, nil
}

// Run executes warmup untimed and iterations timed runs of the command.
func (r *Runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	if r.cfg.Measure == MeasureStdoutMetric {
		return r.runMetric(ctx, warmup, iterations)
	}
	// One batch for the whole block: the runs follow each other with no
	// Go code between them (spawn_cgo.go says why that matters).
	runs := make([]run, warmup+iterations)
	if err := r.batch(ctx, runs); err != nil {
		return nil, nil, err
	}
	timed := runs[warmup:]
	ns := make([]int64, len(timed))
	for i, t := range timed {
		ns[i] = t.elapsed.Nanoseconds()
	}
	return ns, runMetrics(timed), nil
}

// runMetric runs the command once per iteration and reads each timed
// run's number from its output.
func (r *Runner) runMetric(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	runs := make([]run, warmup+iterations)
	ns := make([]int64, 0, iterations)
	for i := range runs {
		if err := r.batch(ctx, runs[i:i+1]); err != nil {
			return nil, nil, err
		}
		if i < warmup {
			continue
		}
		v, err := r.readMetric()
		if err != nil {
			return nil, nil, err
		}
		ns = append(ns, v)
	}
	return ns, runMetrics(runs[warmup:]), nil
}

// batch runs the command len(runs) times in a row and fails with the first
// run that fails, quoting the end of its stderr.
func (r *Runner) batch(ctx context.Context, runs []run) error {
	io := stdio{in: r.devnull.Fd(), out: r.devnull.Fd(), err: r.stderr.Fd(), truncateErr: true}
	if r.stdout != nil {
		io.out, io.truncateOut = r.stdout.Fd(), true
	}
	n, err := r.spawn.runs(ctx, io, runs)
	if n > 0 {
		if failure := runs[n-1].failure(); failure != "" {
			if msg := bytes.TrimSpace(tail(r.stderr, 4096)); len(msg) > 0 {
				return fmt.Errorf("exec: %s: %s: %s", r.cfg.Command[0], failure, msg)
			}
			return fmt.Errorf("exec: %s: %s", r.cfg.Command[0], failure)
		}
	}
	if err != nil {
		return fmt.Errorf("exec: %s: %w", r.cfg.Command[0], err)
	}
	if n < len(runs) {
		return fmt.Errorf("exec: %s: %d of %d runs done", r.cfg.Command[0], n, len(runs))
	}
	return nil
}

// readMetric takes the number the pattern captures from the last run's
// standard output.
func (r *Runner) readMetric() (int64, error) {
	printed, err := io.ReadAll(io.NewSectionReader(r.stdout, 0, maxStdout))
	if err != nil {
		return 0, fmt.Errorf("exec: reading output: %w", err)
	}
	m := r.pattern.FindSubmatch(printed)
	if m == nil {
		return 0, fmt.Errorf("exec: pattern %q matched nothing in the output of %s", r.cfg.Pattern, r.cfg.Command[0])
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, fmt.Errorf("exec: pattern %q captured %q, not a number", r.cfg.Pattern, m[1])
	}
	return int64(v * r.cfg.Scale), nil
}

// runMetrics summarises the timed runs' resource use: mean user and system
// CPU time, and the peak resident set.
//
// The kernel's peak resident set for a child includes the memory of the
// process that spawned it (the child shares or copies the worker's address
// space until it execs). A peak above the worker's own is the command's;
// anything else only says that the command peaked at or below the
// worker's, and is recorded as that bound, peak-rss-at-most-bytes.
func runMetrics(timed []run) map[string]float64 {
	metrics := map[string]float64{}
	if len(timed) == 0 {
		return metrics
	}
	var user, sys time.Duration
	var maxRSS int64
	for _, t := range timed {
		user += t.user
		sys += t.sys
		maxRSS = max(maxRSS, t.maxRSSKiB)
	}
	metrics["user-ns/op"] = float64(user.Nanoseconds()) / float64(len(timed))
	metrics["sys-ns/op"] = float64(sys.Nanoseconds()) / float64(len(timed))
	if own, ok := selfPeakRSSKiB(); ok && maxRSS <= own {
		metrics["peak-rss-at-most-bytes"] = float64(own) * 1024
	} else {
		metrics["peak-rss-bytes"] = float64(maxRSS) * 1024
	}
	return metrics
}

// selfPeakRSSKiB is this process's own peak resident set (VmHWM).
func selfPeakRSSKiB() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib, err == nil
		}
	}
	return 0, false
}

// Close releases the capture files.
func (r *Runner) Close() error {
	for _, f := range []*os.File{r.stdout, r.stderr, r.devnull} {
		if f != nil {
			f.Close()
		}
	}
	if r.spawn != nil {
		r.spawn.free()
		r.spawn = nil
	}
	return nil
}

// captureFile is an anonymous temporary file for a child's output.
func captureFile() (*os.File, error) {
	f, err := os.CreateTemp("", "benchy-exec-*")
	if err != nil {
		return nil, fmt.Errorf("exec: output capture: %w", err)
	}
	os.Remove(f.Name())
	return f, nil
}

// tail returns the last n bytes a capture file holds; when it holds more,
// the cut-off first line is dropped (runners.TrimCut), so that the
// harness's redaction sees no secret cut in two.
func tail(f *os.File, n int64) []byte {
	end, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	start := max(0, end-n)
	b := make([]byte, end-start)
	k, _ := f.ReadAt(b, start)
	if start > 0 {
		return runners.TrimCut(b[:k])
	}
	return b[:k]
}

// SpawnOverhead measures the median wall time to start and reap a no-op
// process (`true`) n times with the loop that times `measure = "wall"`
// runs: the floor under every such sample. benchy records it and never
// subtracts it.
func SpawnOverhead(ctx context.Context, n int) (time.Duration, error) {
	path, err := osexec.LookPath("true")
	if err != nil {
		return 0, fmt.Errorf("exec: %w", err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("exec: %w", err)
	}
	defer devnull.Close()
	s := newSpawner(path, []string{"true"}, os.Environ(), "")
	defer s.free()
	runs := make([]run, n)
	k, err := s.runs(ctx, stdio{in: devnull.Fd(), out: devnull.Fd(), err: devnull.Fd()}, runs)
	if err == nil && k > 0 && runs[k-1].failure() != "" {
		err = errors.New(runs[k-1].failure())
	}
	if err == nil && k == 0 {
		err = errors.New("no runs")
	}
	if err != nil {
		return 0, fmt.Errorf("exec: timing %s: %w", path, err)
	}
	ds := make([]time.Duration, k)
	for i, r := range runs[:k] {
		ds[i] = r.elapsed
	}
	slices.Sort(ds)
	return ds[k/2], nil
}

// external makes a protocol-speaking program its own worker.
func external(raw json.RawMessage) (argv []string, env map[string]string, dir string, ok bool) {
	var c Config
	if json.Unmarshal(raw, &c) != nil || c.Measure != MeasureProtocol {
		return nil, nil, "", false
	}
	return c.Command, c.Env, c.Workdir, true
}

// timesProcesses reports whether an arm times whole processes: measure =
// "wall", the default.
func timesProcesses(raw json.RawMessage) bool {
	var c Config
	return json.Unmarshal(raw, &c) == nil && (c.Measure == "" || c.Measure == MeasureWall)
}
