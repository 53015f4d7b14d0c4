package runners

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTimeIterations(t *testing.T) {
	calls := 0
	ns, err := TimeIterations(context.Background(), 2, 5, func() error {
		calls++
		time.Sleep(time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 7 || len(ns) != 5 {
		t.Fatalf("calls %d, samples %d; want 7 calls and 5 samples", calls, len(ns))
	}
	for i, v := range ns {
		if time.Duration(v) < time.Millisecond {
			t.Errorf("sample %d = %v, shorter than the 1ms sleep it timed", i, time.Duration(v))
		}
	}
	boom := errors.New("boom")
	if _, err := TimeIterations(context.Background(), 0, 3, func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("error not returned: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TimeIterations(ctx, 0, 3, func() error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

// BenchmarkTimeIterations measures the harness's per-iteration timing
// overhead inside a worker: the cost of timing an empty function.
// The per-iteration figure is ns/op divided by 1000.
func BenchmarkTimeIterations(b *testing.B) {
	ctx := context.Background()
	nop := func() error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TimeIterations(ctx, 0, 1000, nop); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/iteration")
}
