package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/benchy-dev/benchy/runners"
)

// Runner times a command per iteration (wall) or reads a number from its
// output (stdout-metric). It runs inside `benchy worker exec`.
type Runner struct {
	cfg     Config
	dir     string
	pattern *regexp.Regexp
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

// Close has nothing to release.
func (r *Runner) Close() error { return nil }

type result struct {
	value     int64
	user, sys time.Duration
	maxRSSKiB int64
}

func (r *Runner) once(ctx context.Context) (result, error) {
	cmd := osexec.CommandContext(ctx, r.cfg.Command[0], r.cfg.Command[1:]...)
	cmd.Dir = r.dir
	cmd.Env = runners.MergeEnv(os.Environ(), r.cfg.Env)
	var stdout, stderr bytes.Buffer
	if r.cfg.Measure == MeasureStdoutMetric {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = runners.NewTailWriter(&stderr, 4096)
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var res result
	if st := cmd.ProcessState; st != nil {
		res.user, res.sys = st.UserTime(), st.SystemTime()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			res.maxRSSKiB = ru.Maxrss
		}
	}
	if err != nil {
		msg := bytes.TrimSpace(stderr.Bytes())
		if len(msg) > 0 {
			return res, fmt.Errorf("exec: %s: %w: %s", r.cfg.Command[0], err, msg)
		}
		return res, fmt.Errorf("exec: %s: %w", r.cfg.Command[0], err)
	}
	if r.cfg.Measure != MeasureStdoutMetric {
		res.value = elapsed.Nanoseconds()
		return res, nil
	}
	m := r.pattern.FindSubmatch(stdout.Bytes())
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
