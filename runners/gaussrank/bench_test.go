package gaussrank

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
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
			cpu := startCPU()
			for b.Loop() {
				m, g = ws.FitTransform(x, DefaultEps, m, g)
				m.InverseInto(back, g)
			}
			cpu.report(b)
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
			cpu := startCPU()
			for b.Loop() {
				m, g = ws.FitTransform32(x32, DefaultEps, m, g)
				m.InverseInto(back, g)
			}
			cpu.report(b)
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

// cpuClock reads the process's CPU time (user + system, all threads). On a
// machine that other jobs load, CPU time per operation varies far less
// than wall time, which includes the time the benchmark waits for a core.
type cpuClock time.Duration

func startCPU() cpuClock {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return cpuClock(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()))
}

// report adds the CPU time per operation since c as the metric cpu-ns/op.
func (c cpuClock) report(b *testing.B) {
	now := startCPU()
	if c < 0 || now < 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(now-c)/float64(b.N), "cpu-ns/op")
}

// BenchmarkParts splits the round trip into transform and inverse.
func BenchmarkParts(b *testing.B) {
	for _, n := range benchSizes() {
		x := Generate(n, 0, DistUniform)
		var ws Workspace
		m, g := ws.FitTransform(x, DefaultEps, nil, nil)
		b.Run(fmt.Sprintf("part=transform/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				m, g = ws.FitTransform(x, DefaultEps, m, g)
			}
			cpu.report(b)
		})
		// The runner's inverse = false: no per-row answers kept.
		b.Run(fmt.Sprintf("part=transform-nohints/n=%d", n), func(b *testing.B) {
			ws := Workspace{NoHints: true}
			m, g := ws.FitTransform(x, DefaultEps, nil, nil)
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				m, g = ws.FitTransform(x, DefaultEps, m, g)
			}
			cpu.report(b)
		})
		// The inverse of the training transform (the round trip's),
		// and of values that are not it (a model's predictions):
		// standard normal draws in no order, every one located through
		// the buckets.
		back := make([]float64, n)
		for _, part := range []struct {
			name string
			q    []float64
		}{{"inverse", g}, {"inverse-new", Generate(n, 1, DistNormal)}} {
			b.Run(fmt.Sprintf("part=%s/n=%d", part.name, n), func(b *testing.B) {
				b.ReportAllocs()
				// b.Loop times its first iteration too: warm the
				// model's scratch records and back's pages first,
				// as a runner's warm iterations have them.
				m.InverseInto(back, part.q)
				cpu := startCPU()
				for b.Loop() {
					m.InverseInto(back, part.q)
				}
				cpu.report(b)
			})
		}
	}
}

// trafficPerRow is what the float64 round trip reads and writes per row,
// in bytes, when the sort makes passes non-trivial radix passes and no run
// of equal key windows needs settling (uniform data); docs/gaussrank.md
// itemises it. Write-allocate reads are not counted, as in the copy that
// measures the bandwidth.
func trafficPerRow(passes int) int {
	const (
		shared  = 8                         // sharedKeyBits reads x
		build   = 8 + 16                    // read x, write (word, value) pairs
		middle  = 16 + 16                   // each pass but the last: read and write pairs
		last    = 16 + 8 + 8                // read pairs, write the word and map_x
		settle  = 8                         // scan the words for runs
		fill    = 8                         // write map_y
		scatter = 8 + 16 + 24 + 24 + 8 + 16 // read words and the map, write and read records, write g and the rows' answers
		inverse = 8 + 16 + 8                // of the training transform: read q and the rows' answers, write the result
	)
	return shared + build + (passes-1)*middle + last + settle + fill + scatter + inverse
}

// parallelCopy copies src to dst on every core, in contiguous chunks.
func parallelCopy(dst, src []byte) {
	parallel(len(src), 0, func(lo, hi int) { copy(dst[lo:hi], src[lo:hi]) })
}

// BenchmarkLowerBound times the 1e7 float64 round trip beside a parallel
// copy of 256 MiB (far beyond the caches), alternating the two so that both
// see the same load. It reports the copy bandwidth (bytes read + written
// per second), the time the round trip's memory traffic would take at that
// bandwidth (bound-ms) and the round trip's time over that bound.
func BenchmarkLowerBound(b *testing.B) {
	const n = 10_000_000
	x := Generate(n, 0, DistUniform)
	shift, varying := sharedKeyBits(x, 0)
	passes := 0
	for p := uint(0); p < 32; p += digitBits {
		if (varying<<shift>>32)>>p&digitMask != 0 {
			passes++
		}
	}
	src := make([]byte, 256<<20)
	dst := make([]byte, len(src))
	for i := range src {
		src[i] = byte(i)
	}
	var ws Workspace
	m, g := ws.FitTransform(x, DefaultEps, nil, nil)
	back := make([]float64, n)
	m.InverseInto(back, g)
	parallelCopy(dst, src)
	var tCopy, tRun time.Duration
	for b.Loop() {
		t0 := time.Now()
		parallelCopy(dst, src)
		t1 := time.Now()
		m, g = ws.FitTransform(x, DefaultEps, m, g)
		m.InverseInto(back, g)
		tCopy += t1.Sub(t0)
		tRun += time.Since(t1)
	}
	iters := float64(b.N)
	bw := 2 * float64(len(src)) * iters / tCopy.Seconds()
	bound := float64(trafficPerRow(passes)) * n / bw
	run := tRun.Seconds() / iters
	b.ReportMetric(bw/1e9, "copy-GB/s")
	b.ReportMetric(float64(trafficPerRow(passes)), "B/row")
	b.ReportMetric(bound*1e3, "bound-ms")
	b.ReportMetric(run*1e3, "roundtrip-ms")
	b.ReportMetric(run/bound, "x-bound")
}
