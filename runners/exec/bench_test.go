package exec

import (
	"context"
	"os"
	osexec "os/exec"
	"testing"
)

// BenchmarkSpawnTrue times starting and reaping `true`, the floor under
// every `measure = "wall"` sample, three ways side by side: the C loop
// that times wall arms (a whole batch per cgo call), the same spawner one
// run per call (returning to Go between runs), and os/exec. Compare the
// ns/op of the sub-benchmarks within one run:
//
//	go test ./runners/exec -run '^$' -bench SpawnTrue -benchtime 300x -count 5
func BenchmarkSpawnTrue(b *testing.B) {
	path, err := osexec.LookPath("true")
	if err != nil {
		b.Skip("no true on PATH")
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	io := stdio{in: devnull.Fd(), out: devnull.Fd(), err: devnull.Fd()}
	s := newSpawner(path, []string{"true"}, os.Environ(), "")
	defer s.free()
	b.Run("batch", func(b *testing.B) {
		runs := make([]run, b.N)
		if n, err := s.runs(context.Background(), io, runs); err != nil || n != b.N {
			b.Fatalf("%d of %d runs: %v", n, b.N, err)
		}
	})
	b.Run("per-call", func(b *testing.B) {
		one := make([]run, 1)
		for i := 0; i < b.N; i++ {
			if _, err := s.runs(context.Background(), io, one); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("os-exec", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := osexec.Command(path).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
