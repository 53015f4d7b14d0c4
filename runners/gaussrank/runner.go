package gaussrank

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/runners"
)

// Runner is the gaussrank {} runner. Setup generates the seeded input once
// and warms every buffer; one timed iteration is transform + inverse of the
// transform's own output (the blog's round trip), or the transform alone
// when inverse = false. Buffers are reused, so iterations allocate nothing.
type Runner struct {
	cfg  Config
	eps  float64
	x64  []float64
	x32  []float32
	ws   Workspace
	m    *Model
	g    []float64
	back []float64
}

// Setup decodes the configuration, generates the input from the run's seed
// and runs one checked iteration.
func (r *Runner) Setup(ctx context.Context, s runners.Setup) (map[string]any, error) {
	var c Config
	if err := json.Unmarshal(s.Config, &c); err != nil {
		return nil, fmt.Errorf("gaussrank: decode config: %w", err)
	}
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("gaussrank: %w", err)
	}
	if c.python() {
		return nil, notServed(c)
	}
	r.cfg, r.eps = c, *c.Eps
	// Without the inverse, the per-row answers it would use are not kept.
	r.ws = Workspace{Threads: c.Threads, NoHints: !*c.Inverse}
	start := time.Now()
	if c.DType == DTypeFloat32 {
		r.x32 = Generate32(c.Rows, uint64(s.Seed), c.Distribution)
	} else {
		r.x64 = Generate(c.Rows, uint64(s.Seed), c.Distribution)
	}
	genMS := msSince(start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start = time.Now()
	r.back = make([]float64, c.Rows)
	r.once()
	firstMS := msSince(start)
	mismatches, plateau := r.check()
	if mismatches > plateau {
		return nil, fmt.Errorf("gaussrank: round trip changed %d of %d values, but only %d lie on clip plateaus", mismatches, c.Rows, plateau)
	}
	return map[string]any{
		"implementation":       "go",
		"rows":                 c.Rows,
		"dtype":                c.DType,
		"distribution":         c.Distribution,
		"inverse":              *c.Inverse,
		"eps":                  r.eps,
		"threads":              workers(c.Rows, c.Threads),
		"gomaxprocs":           runtime.GOMAXPROCS(0),
		"seed":                 s.Seed,
		"generate_ms":          genMS,
		"first_iteration_ms":   firstMS,
		"roundtrip_mismatches": mismatches,
	}, nil
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// validate checks what decode checks, for configurations that did not come
// through a suite.
func (c Config) validate() error {
	switch {
	case c.Rows < MinRows || c.Rows > MaxRows:
		return fmt.Errorf("rows must be between %d and %d, not %d", MinRows, MaxRows, c.Rows)
	case c.DType != DTypeFloat64 && c.DType != DTypeFloat32:
		return fmt.Errorf("unknown dtype %q", c.DType)
	case !validDist(c.Distribution):
		return fmt.Errorf("unknown distribution %q", c.Distribution)
	case !(*c.Eps > 0 && *c.Eps < 1):
		return fmt.Errorf("eps must lie strictly between 0 and 1, not %g", *c.Eps)
	case c.Threads < 0:
		return fmt.Errorf("threads must not be negative, got %d", c.Threads)
	case !slices.Contains(Implementations(), c.Implementation):
		return fmt.Errorf("unknown implementation %q", c.Implementation)
	case c.python() && c.Python == "":
		return fmt.Errorf("implementation %q needs a python interpreter", c.Implementation)
	case c.Implementation == ImplNumPy && c.SortKind != SortQuicksort && c.SortKind != SortStable:
		return fmt.Errorf("unknown sort_kind %q", c.SortKind)
	}
	return nil
}

// notServed explains why `benchy worker gaussrank` received a numpy or cupy
// configuration: the harness runs those as the Python worker, and only
// falls back to this process when the worker could not be prepared.
func notServed(c Config) error {
	argv, skip, err := pythonArgv(c)
	switch {
	case skip != "":
		return runners.Skip(skip)
	case err != nil:
		return err
	}
	return fmt.Errorf("gaussrank: implementation %q runs as its own worker process (%s), not inside benchy worker gaussrank",
		c.Implementation, strings.Join(argv, " "))
}

// once runs one iteration.
func (r *Runner) once() {
	if r.x32 != nil {
		r.m, r.g = r.ws.FitTransform32(r.x32, r.eps, r.m, r.g)
	} else {
		r.m, r.g = r.ws.FitTransform(r.x64, r.eps, r.m, r.g)
	}
	if *r.cfg.Inverse {
		r.m.InverseInto(r.back, r.g)
	}
}

// check counts round-trip values that differ from the input, and the ranks
// on clip plateaus where a difference is expected (the last duplicate wins).
func (r *Runner) check() (mismatches, plateau int) {
	if !*r.cfg.Inverse {
		r.m.InverseInto(r.back, r.g)
	}
	for i, v := range r.back {
		want := 0.0
		if r.x32 != nil {
			want = float64(r.x32[i])
		} else {
			want = r.x64[i]
		}
		if v != want {
			mismatches++
		}
	}
	n := len(r.back)
	den, lo, hi := float64(n-1), -1+r.eps, 1-r.eps
	unclipped := func(k int) float64 { return scaledRank(k, den, math.Inf(-1), math.Inf(1)) }
	for k := 0; k < n && unclipped(k) < lo; k++ {
		plateau++
	}
	for k := n - 1; k >= 0 && unclipped(k) > hi; k-- {
		plateau++
	}
	return mismatches, plateau
}

// Run times iterations after warmup untimed ones.
func (r *Runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	if r.m == nil {
		return nil, nil, fmt.Errorf("gaussrank: run before setup")
	}
	for i := 0; i < warmup; i++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		r.once()
	}
	ns := make([]int64, 0, iterations)
	for i := 0; i < iterations; i++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		t := time.Now()
		r.once()
		ns = append(ns, time.Since(t).Nanoseconds())
	}
	return ns, nil, nil
}

// Close releases the input and buffers.
func (r *Runner) Close() error {
	*r = Runner{}
	return nil
}
