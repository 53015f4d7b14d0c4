package runners

import (
	"context"
	"time"
)

// TimeIterations runs fn warmup times untimed, then iterations times, timing
// each call with the monotonic clock. Nothing but fn lies between the two
// clock reads; BenchmarkTimeIterations measures what the loop itself costs.
func TimeIterations(ctx context.Context, warmup, iterations int, fn func() error) ([]int64, error) {
	for i := 0; i < warmup; i++ {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	ns := make([]int64, iterations)
	for i := range ns {
		if i&63 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		start := time.Now()
		err := fn()
		ns[i] = int64(time.Since(start))
		if err != nil {
			return nil, err
		}
	}
	return ns, nil
}
