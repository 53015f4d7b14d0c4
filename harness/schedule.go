package harness

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/benchy-dev/benchy/suites"
)

// schedule yields the arm order of every block of one workload instance.
// The same seed, workload name and arm list give the same orders, whatever
// happens during the run, because block b's order depends only on them and b.
type schedule struct {
	order suites.Order
	arms  []string
	seed  int64
	name  string
}

// blockOrder returns the arms in the order block b runs them. For the
// sequential order it returns the arm list unchanged: the sequential loop
// runs every block of one arm before the next arm.
func (s schedule) blockOrder(b int) []string {
	out := append([]string(nil), s.arms...)
	switch s.order {
	case suites.OrderInterleaved:
		n := len(out)
		if n > 0 {
			r := b % n
			out = append(out[r:], out[:r]...)
		}
	case suites.OrderSequential:
	default: // interleaved-random
		rng := rand.New(rand.NewPCG(uint64(s.seed), s.stream(b)))
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// stream derives a per-block random stream from the workload name.
func (s schedule) stream(b int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s.name))
	return h.Sum64() ^ (uint64(b)+1)*0x9E3779B97F4A7C15
}
