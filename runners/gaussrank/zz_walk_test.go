package gaussrank

import (
	"fmt"
	"math"
	"testing"
)

func TestZZWalk(t *testing.T) {
	n := 1_000_000
	x := Generate(n, 0, DistUniform)
	m, g := FitTransform(x, 1e-6)
	hist := map[int]int{}
	for _, v := range g[:100000] {
		f := (math.Erf(v)*0.5 + 0.5) * float64(n-1)
		j := int(f)
		k := j
		for k > 0 && m.nodes[k].y > v {
			k--
		}
		for k < n-1 && m.nodes[k+1].y <= v {
			k++
		}
		d := k - j
		if d > 5 || d < -5 {
			d = d / 100 * 100
		}
		hist[d]++
	}
	fmt.Println(hist)
}
