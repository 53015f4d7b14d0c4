package gaussrank

import (
	"fmt"
	"testing"
	"time"
)

func TestZZInvThreads(t *testing.T) {
	n := 10_000_000
	x := Generate(n, 0, DistUniform)
	x32 := Generate32(n, 0, DistUniform)
	for _, th := range []int{1, 2, 1, 2} {
		ws := Workspace{Threads: th}
		m, g := ws.FitTransform(x, 1e-6, nil, nil)
		back := make([]float64, n)
		m.InverseInto(back, g)
		ws.FitTransform32(x32, 1e-6, m, g)
		bt, bi, b32 := time.Hour, time.Hour, time.Hour
		for r := 0; r < 3; r++ {
			t0 := time.Now()
			ws.FitTransform(x, 1e-6, m, g)
			t1 := time.Now()
			m.InverseInto(back, g)
			t2 := time.Now()
			ws.FitTransform32(x32, 1e-6, m, g)
			bt, bi, b32 = min(bt, t1.Sub(t0)), min(bi, t2.Sub(t1)), min(b32, time.Since(t2))
		}
		fmt.Println("threads", th, "transform", bt, "inverse", bi, "transform32", b32)
	}
}
