package gaussrank

import (
	"fmt"
	"os"
	"strings"
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /*RUSAGE_THREAD*/, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZStages(t *testing.T) {
	runtime.LockOSThread()
	n := 10_000_000
	x := Generate(n, 0, DistUniform)
	x32 := Generate32(n, 0, DistUniform)
	ws := Workspace{Threads: 1}
	m, g := ws.FitTransform(x, 1e-6, nil, nil)
	back := make([]float64, n)
	m.threads = 1
	m.InverseInto(back, g)
	stage := func(name string, f func()) {
		best, bestw := time.Hour, time.Hour
		for r := 0; r < 3; r++ {
			c, w := cpuNow(), time.Now()
			f()
			best = min(best, cpuNow()-c)
			bestw = min(bestw, time.Since(w))
		}
		fmt.Printf("%-28s cpu %8.1f ms  wall %8.1f ms\n", name, best.Seconds()*1e3, bestw.Seconds()*1e3)
	}
	w, tmp := ws.buffers(n)
	stage("key64 build", func() {
		for i := range x {
			w[i] = key64(x[i])&^0xFFFFFFFF | uint64(i)
		}
	})
	var sorted []uint64
	stage("radix packed (hi32)", func() {
		for i := range x {
			w[i] = key64(x[i])&^0xFFFFFFFF | uint64(i)
		}
		sorted = radixSortPacked(w, tmp, 1)
	})
	nodes := m.nodes
	stage("gather x[idx]", func() {
		for k := range nodes {
			nodes[k].x = x[uint32(sorted[k])]
		}
	})
	stage("erfinv grid only", func() {
		den := float64(n - 1)
		for k := range nodes {
			nodes[k].y = math.Erfinv(scaledRank(k, den, -1+1e-6, 1-1e-6))
		}
	})
	stage("scatter g", func() {
		for k := range nodes {
			g[uint32(sorted[k])] = nodes[k].y
		}
	})
	stage("erf only", func() {
		s := 0.0
		for _, v := range g {
			s += math.Erf(v)
		}
		_ = s
	})
	stage("inverse", func() { m.InverseInto(back, g) })
	stage("inverse", func() { m.InverseInto(back, g) })
	gs := make([]int32, n)
	stage("inverse guesses only", func() {
		half := 0.5 * float64(n-1)
		for i, v := range g {
			gs[i] = int32((erfApprox(v) + 1) * half)
		}
	})
	stage("inverse lookups only", func() {
		nodes := m.nodes
		for i, v := range g {
			j := int(gs[i])
			for nodes[j].y > v {
				j--
			}
			for j < n-1 && nodes[j+1].y <= v {
				j++
			}
			back[i] = nodes[j].x
		}
	})
	stage("inverse loads only", func() {
		nodes := m.nodes
		s := 0.0
		for i := range g {
			s += nodes[gs[i]].y
		}
		back[0] = s
	})
	b, _ := os.ReadFile("/proc/self/smaps_rollup")
	fmt.Println(strings.Split(string(b), "\n")[10:20])
	stage("FitTransform64", func() { ws.FitTransform(x, 1e-6, m, g) })
	stage("FitTransform32", func() { ws.FitTransform32(x32, 1e-6, m, g) })
	stage("settle (sort+gather+settle)", func() {
		for i := range x {
			w[i] = key64(x[i])&^0xFFFFFFFF | uint64(i)
		}
		sorted = radixSortPacked(w, tmp, 1)
		for k := range nodes {
			nodes[k].x = x[uint32(sorted[k])]
		}
		settleRuns(sorted, tmp, nodes)
	})
}
