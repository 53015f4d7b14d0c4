// Command sortbench serves two Go functions as benchy arms through the Go
// SDK (package worker): sorting n seeded random ints with sort.Ints and
// with slices.Sort. Build it, then run the suite beside it:
//
//	go build -o sortbench ./examples/gosdk
//	benchy run examples/gosdk/sort.benchy.hcl --var worker=$PWD/sortbench
//
// or check it against the worker protocol:
//
//	benchy worker check -- ./sortbench slices n=10000
package main

import (
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/benchy-dev/benchy/worker"
)

func main() {
	worker.Main(map[string]worker.Factory{
		"sort":   sorter(sort.Ints),
		"slices": sorter(slices.Sort[[]int]),
	})
}

// sorter makes a factory for one sort function: the input is drawn once
// from the run's seed, and each iteration sorts a fresh copy of it (the
// copy is timed too, the same for both arms).
func sorter(sortInts func([]int)) worker.Factory {
	return func(c *worker.Config) (*worker.Bench, error) {
		n, err := c.Int("n", 10000)
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(c.Seed), 0x5eed))
		in := make([]int, n)
		for i := range in {
			in[i] = rng.Int()
		}
		buf := make([]int, n)
		return &worker.Bench{
			Func: func() error {
				copy(buf, in)
				sortInts(buf)
				return nil
			},
			// Items per second over the block's timed iterations.
			Metrics: func(ns []int64) map[string]float64 {
				var total int64
				for _, v := range ns {
					total += v
				}
				if total == 0 {
					return nil
				}
				return map[string]float64{"items_per_s": float64(n) * float64(len(ns)) / (float64(total) / 1e9)}
			},
			Info: map[string]any{"n": n},
		}, nil
	}
}
