package gaussrank

import (
	"runtime"
	"sync"
)

// minChunk is the smallest slice worth handing to another goroutine.
const minChunk = 1 << 16

// workers returns how many goroutines to use for n elements given a
// requested thread count (0: every core the Go runtime may use).
func workers(n, threads int) int {
	t := threads
	if t <= 0 {
		t = runtime.GOMAXPROCS(0)
	}
	if most := (n + minChunk - 1) / minChunk; t > most {
		t = most
	}
	return max(t, 1)
}

// parallel calls fn on contiguous chunks [lo, hi) covering [0, n), using up
// to threads goroutines (0: every core).
func parallel(n, threads int, fn func(lo, hi int)) {
	t := workers(n, threads)
	if t == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		lo, hi := n*w/t, n*(w+1)/t
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
