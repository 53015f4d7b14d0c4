package gaussrank

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"
)

var benchHuge = flag.Bool("gaussrank.huge", os.Getenv("GAUSSRANK_BENCH_1E8") != "",
	"also benchmark N = 1e8 (about 10 GB of memory); or set GAUSSRANK_BENCH_1E8=1")

func benchSizes() []int {
	s := []int{1e4, 1e5, 1e6, 1e7}
	if *benchHuge {
		s = append(s, 1e8)
	}
	return s
}

// BenchmarkRoundTrip times what one runner iteration does: transform +
// inverse of the transform's own output, reusing a workspace.
func BenchmarkRoundTrip(b *testing.B) {
	for _, n := range benchSizes() {
		x := Generate(n, 0, DistUniform)
		x32 := Generate32(n, 0, DistUniform)
		b.Run(fmt.Sprintf("dtype=float64/n=%d", n), func(b *testing.B) {
			var ws Workspace
			var m *Model
			var g []float64
			back := make([]float64, n)
			b.ReportAllocs()
			b.SetBytes(int64(8 * n))
			// Warm the buffers first: b.Loop starts the clock at its
			// first call, so what is timed is the steady state of a
			// runner's iterations.
			m, g = ws.FitTransform(x, DefaultEps, m, g)
			m.InverseInto(back, g)
			for b.Loop() {
				m, g = ws.FitTransform(x, DefaultEps, m, g)
				m.InverseInto(back, g)
			}
		})
		b.Run(fmt.Sprintf("dtype=float32/n=%d", n), func(b *testing.B) {
			var ws Workspace
			var m *Model
			var g []float64
			back := make([]float64, n)
			b.ReportAllocs()
			b.SetBytes(int64(4 * n))
			m, g = ws.FitTransform32(x32, DefaultEps, m, g)
			m.InverseInto(back, g)
			for b.Loop() {
				m, g = ws.FitTransform32(x32, DefaultEps, m, g)
				m.InverseInto(back, g)
			}
		})
		// The yardstick: a plain sort of a copy of the same data.
		b.Run(fmt.Sprintf("dtype=float64-plainsort/n=%d", n), func(b *testing.B) {
			y := make([]float64, n)
			copy(y, x)
			b.ReportAllocs()
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				copy(y, x)
				slices.Sort(y)
			}
		})
		if n > 1e7 {
			continue // the allocating variant would need another 9 GB
		}
		b.Run(fmt.Sprintf("dtype=float64-alloc/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				m, g := FitTransform(x, DefaultEps)
				m.Inverse(g)
			}
		})
	}
}

// BenchmarkParts splits the round trip into transform and inverse.
func BenchmarkParts(b *testing.B) {
	for _, n := range benchSizes() {
		x := Generate(n, 0, DistUniform)
		var ws Workspace
		m, g := ws.FitTransform(x, DefaultEps, nil, nil)
		b.Run(fmt.Sprintf("part=transform/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, g = ws.FitTransform(x, DefaultEps, m, g)
			}
		})
		back := make([]float64, n)
		b.Run(fmt.Sprintf("part=inverse/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.InverseInto(back, g)
			}
		})
	}
}
