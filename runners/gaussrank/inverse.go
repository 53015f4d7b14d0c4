package gaussrank

import (
	"math"
	"sync"
)

// Inverse maps Gaussian values back to the original space with
// numpy.interp(q, map_y, map_x) semantics: clamped outside the map, the last
// of equal map_y wins, and NaN gives NaN (for n = 1 every query gives the
// single training value; for n = 0, NaN).
func (m *Model) Inverse(q []float64) []float64 {
	return m.InverseInto(make([]float64, len(q)), q)
}

// InverseInto is Inverse writing into dst (len(dst) >= len(q)); it returns
// dst[:len(q)].
func (m *Model) InverseInto(dst, q []float64) []float64 {
	dst = dst[:len(q)]
	switch len(m.nodes) {
	case 0:
		for k := range dst {
			dst[k] = math.NaN()
		}
		return dst
	case 1:
		for k := range dst {
			dst[k] = m.nodes[0].x
		}
		return dst
	}
	parallel(len(q), m.threads, func(lo, hi int) {
		m.inverseRange(dst[lo:hi], q[lo:hi])
	})
	return dst
}

// batch is how many queries are located before their intervals are read:
// computing every guess first keeps the loop that touches the map short, so
// the processor overlaps many cache misses instead of one per query.
const batch = 256

// inverseRange evaluates the inverse for q into dst (same length, n >= 2).
//
// The map's y values are erfinv of an even grid, so the fractional index of
// v's interval is (erf(v)/2 + 0.5)·(n-1); a tabulated erf gives it to well
// under one index at any n this package accepts, and a short walk settles
// rounding, the clip plateaus and any residual error exactly.
func (m *Model) inverseRange(dst, q []float64) {
	nodes := m.nodes
	last := len(nodes) - 1
	ylo, yhi := nodes[0].y, nodes[last].y
	xlo, xhi := nodes[0].x, nodes[last].x
	half := 0.5 * float64(last)
	var guess [batch]int32
	for start := 0; start < len(q); start += batch {
		qs := q[start:min(start+batch, len(q))]
		out := dst[start : start+len(qs)]
		for b, v := range qs {
			f := (erfApprox(v) + 1) * half
			j := int32(-1) // outside the map or NaN: no lookup
			if v >= ylo && v <= yhi {
				j = int32(min(max(f, 0), float64(last)))
			}
			guess[b] = j
		}
		for b, v := range qs {
			j := int(guess[b])
			if j < 0 {
				switch {
				case v < ylo:
					out[b] = xlo
				case v > yhi:
					out[b] = xhi
				default: // NaN
					out[b] = v
				}
				continue
			}
			// j = max{j : y[j] <= v}; y[0] <= v holds here.
			for nodes[j].y > v {
				j--
			}
			for j < last && nodes[j+1].y <= v {
				j++
			}
			a := nodes[j]
			if j == last || a.y == v {
				out[b] = a.x
				continue
			}
			c := nodes[j+1]
			slope := (c.x - a.x) / (c.y - a.y)
			out[b] = float64(slope*(v-a.y)) + a.x
		}
	}
}

// Tabulated erf on [0, erfTableMax] for cubic Hermite interpolation; erf is
// 1 to double precision beyond it.
const (
	erfTableN   = 2048
	erfTableMax = 6.0
	erfStep     = erfTableMax / erfTableN
)

var (
	erfOnce  sync.Once
	erfTable [erfTableN + 1]struct{ f, d float64 } // erf and erf'·step
)

func initErfTable() {
	for i := range erfTable {
		v := float64(i) * erfStep
		erfTable[i].f = math.Erf(v)
		erfTable[i].d = 2 / math.SqrtPi * math.Exp(-v*v) * erfStep
	}
}

// erfApprox is erf(v) to about 1e-11 (NaN for NaN), by cubic Hermite
// interpolation in a table; it only seeds the exact walk in inverseRange.
func erfApprox(v float64) float64 {
	a := math.Abs(v)
	if !(a < erfTableMax) {
		if a != a {
			return a
		}
		return math.Copysign(1, v)
	}
	t := a * (1 / erfStep)
	i := int(t)
	t -= float64(i)
	p0, p1 := erfTable[i], erfTable[i+1]
	t2 := t * t
	t3 := t2 * t
	h00 := 2*t3 - 3*t2 + 1
	h10 := t3 - 2*t2 + t
	h01 := 1 - h00
	h11 := t3 - t2
	return math.Copysign(h00*p0.f+h10*p0.d+h01*p1.f+h11*p1.d, v)
}

func init() { erfOnce.Do(initErfTable) }
