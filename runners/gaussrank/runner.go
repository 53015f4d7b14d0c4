package gaussrank

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/benchy-dev/benchy/runners"
)

// Runner is the gaussrank {} runner: it generates its seeded input once in
// Setup and times transform (+ inverse) per iteration.
type Runner struct {
	cfg Config
	x64 []float64
	x32 []float32
}

// Setup decodes the configuration and generates the input.
func (r *Runner) Setup(ctx context.Context, s runners.Setup) (map[string]any, error) {
	var c Config
	if err := json.Unmarshal(s.Config, &c); err != nil {
		return nil, fmt.Errorf("gaussrank: decode config: %w", err)
	}
	c = c.withDefaults()
	if c.Rows < MinRows || c.Rows > MaxRows {
		return nil, fmt.Errorf("gaussrank: rows must be between %d and %d, not %d", MinRows, MaxRows, c.Rows)
	}
	if !validDist(c.Distribution) {
		return nil, fmt.Errorf("gaussrank: unknown distribution %q", c.Distribution)
	}
	r.cfg = c
	start := time.Now()
	switch c.DType {
	case DTypeFloat64:
		r.x64 = Generate(c.Rows, uint64(s.Seed), c.Distribution)
	case DTypeFloat32:
		r.x32 = Generate32(c.Rows, uint64(s.Seed), c.Distribution)
	default:
		return nil, fmt.Errorf("gaussrank: unknown dtype %q", c.DType)
	}
	return map[string]any{
		"rows":         c.Rows,
		"dtype":        c.DType,
		"distribution": c.Distribution,
		"inverse":      *c.Inverse,
		"eps":          *c.Eps,
		"generate_ms":  float64(time.Since(start).Microseconds()) / 1000,
	}, nil
}

func (r *Runner) once() {
	eps := *r.cfg.Eps
	if r.x32 != nil {
		m, g := FitTransform32(r.x32, eps)
		if *r.cfg.Inverse {
			m.Inverse(g)
		}
		return
	}
	m, g := FitTransform(r.x64, eps)
	if *r.cfg.Inverse {
		m.Inverse(g)
	}
}

// Run times iterations of transform (+ inverse) after warmup untimed ones.
func (r *Runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
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

// Close releases the input.
func (r *Runner) Close() error {
	r.x64, r.x32 = nil, nil
	return nil
}
