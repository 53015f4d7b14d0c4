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
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

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
	r.dir = resolveDir(s.SuiteDir, r.cfg.Workdir)
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
	for i := 0; i < warmup; i++ {
		if _, err := r.once(ctx); err != nil {
			return nil, nil, err
		}
	}
	ns := make([]int64, 0, iterations)
	var user, sys time.Duration
	var maxRSS int64
	for i := 0; i < iterations; i++ {
		res, err := r.once(ctx)
		if err != nil {
			return nil, nil, err
		}
		ns = append(ns, res.value)
		user += res.user
		sys += res.sys
		maxRSS = max(maxRSS, res.maxRSSKiB)
	}
	metrics := map[string]float64{}
	if iterations > 0 {
		metrics["user-ns/op"] = float64(user.Nanoseconds()) / float64(iterations)
		metrics["sys-ns/op"] = float64(sys.Nanoseconds()) / float64(iterations)
		metrics["peak-rss-bytes"] = float64(maxRSS) * 1024
	}
	return ns, metrics, nil
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

// rewind empties a capture file before a run.
func rewind(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// tail returns the last n bytes a capture file holds.
func tail(f *os.File, n int64) []byte {
	end, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	start := max(0, end-n)
	b := make([]byte, end-start)
	k, _ := f.ReadAt(b, start)
	return b[:k]
}

type result struct {
	value     int64
	user, sys time.Duration
	maxRSSKiB int64
}

func (r *Runner) once(ctx context.Context) (result, error) {
	if err := ctx.Err(); err != nil {
		return result{}, err
	}
	out := r.devnull
	for _, f := range []*os.File{r.stdout, r.stderr} {
		if f != nil {
			if err := rewind(f); err != nil {
				return result{}, fmt.Errorf("exec: output capture: %w", err)
			}
		}
	}
	if r.stdout != nil {
		out = r.stdout
	}
	// posix_spawn and wait4 directly, as hyperfine does: os/exec with a
	// pipe cost about 4 ms more per run on a 2-vCPU VM, and Go's own
	// fork/exec about 0.5 ms more, all of it inside the timed interval.
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	start := time.Now()
	pid, err := r.spawn.start(r.devnull.Fd(), out.Fd(), r.stderr.Fd())
	if err == nil {
		for {
			if _, err = syscall.Wait4(pid, &ws, 0, &ru); err != syscall.EINTR {
				break
			}
		}
	}
	elapsed := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("exec: %s: %w", r.cfg.Command[0], err)
	}
	res := result{
		user:      time.Duration(ru.Utime.Nano()),
		sys:       time.Duration(ru.Stime.Nano()),
		maxRSSKiB: ru.Maxrss,
	}
	var failure string
	switch {
	case ws.Signaled():
		failure = "signal: " + ws.Signal().String()
	case ws.Exited() && ws.ExitStatus() != 0:
		failure = fmt.Sprintf("exit status %d", ws.ExitStatus())
	}
	if failure != "" {
		if msg := bytes.TrimSpace(tail(r.stderr, 4096)); len(msg) > 0 {
			return res, fmt.Errorf("exec: %s: %s: %s", r.cfg.Command[0], failure, msg)
		}
		return res, fmt.Errorf("exec: %s: %s", r.cfg.Command[0], failure)
	}
	if r.cfg.Measure != MeasureStdoutMetric {
		res.value = elapsed.Nanoseconds()
		return res, nil
	}
	printed, err := io.ReadAll(io.NewSectionReader(r.stdout, 0, maxStdout))
	if err != nil {
		return res, fmt.Errorf("exec: reading output: %w", err)
	}
	m := r.pattern.FindSubmatch(printed)
	if m == nil {
		return res, fmt.Errorf("exec: pattern %q matched nothing in the output of %s", r.cfg.Pattern, r.cfg.Command[0])
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return res, fmt.Errorf("exec: pattern %q captured %q, not a number", r.cfg.Pattern, m[1])
	}
	res.value = int64(v * r.cfg.Scale)
	return res, nil
}

// external makes a protocol-speaking program its own worker.
func external(raw json.RawMessage) (argv []string, env map[string]string, dir string, ok bool) {
	var c Config
	if json.Unmarshal(raw, &c) != nil || c.Measure != MeasureProtocol {
		return nil, nil, "", false
	}
	return c.Command, c.Env, c.Workdir, true
}

func resolveDir(suiteDir, workdir string) string {
	switch {
	case workdir == "":
		return suiteDir
	case filepath.IsAbs(workdir) || suiteDir == "":
		return workdir
	default:
		return filepath.Join(suiteDir, workdir)
	}
}
