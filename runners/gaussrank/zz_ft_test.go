package gaussrank

import "testing"

func BenchmarkZZFT(b *testing.B) {
	n := 10_000_000
	x := Generate(n, 0, DistUniform)
	ws := Workspace{Threads: 1}
	m, g := ws.FitTransform(x, 1e-6, nil, nil)
	for b.Loop() {
		ws.FitTransform(x, 1e-6, m, g)
	}
}
