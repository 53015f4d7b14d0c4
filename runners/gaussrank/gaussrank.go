package gaussrank

import (
	"math"
	"slices"
)

// Transform returns the GaussRank transform of x: ordinal ranks from a
// stable sort (ties by position), scaled to (r/(n-1) - 0.5)·2, clipped to
// ±(1-eps) and mapped through erfinv. For n = 1 the result is [NaN], as in
// the reference (0/0).
func Transform(x []float64, eps float64) []float64 {
	_, g := FitTransform(x, eps)
	return g
}

// Model is a fitted GaussRank map: the training values in ascending order
// beside their Gaussian values.
type Model struct {
	xs, ys []float64
}

// Fit builds the map of train: map_x = sort(train), map_y = sort(g).
func Fit(train []float64, eps float64) *Model {
	m, _ := FitTransform(train, eps)
	return m
}

// FitTransform returns Fit(x, eps) and Transform(x, eps) with one sort.
func FitTransform(x []float64, eps float64) (*Model, []float64) {
	n := len(x)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(a, b int) int {
		xa, xb := x[a], x[b]
		switch {
		case xa < xb || (!math.IsNaN(xa) && math.IsNaN(xb)):
			return -1
		case xa > xb || (math.IsNaN(xa) && !math.IsNaN(xb)):
			return 1
		}
		return 0
	})
	g := make([]float64, n)
	m := &Model{xs: make([]float64, n), ys: make([]float64, n)}
	for k, i := range perm {
		y := math.Erfinv(scaled(k, n, eps))
		g[i] = y
		m.xs[k] = x[i]
		m.ys[k] = y
	}
	return m, g
}

// scaled is the clipped, scaled rank k of n.
func scaled(k, n int, eps float64) float64 {
	s := (float64(k)/float64(n-1) - 0.5) * 2
	return min(max(s, -1+eps), 1-eps)
}

// Inverse maps Gaussian values back to the original space with
// numpy.interp(q, map_y, map_x) semantics.
func (m *Model) Inverse(q []float64) []float64 {
	out := make([]float64, len(q))
	n := len(m.ys)
	for k, v := range q {
		out[k] = interp(v, m.ys, m.xs, n)
	}
	return out
}

func interp(v float64, ys, xs []float64, n int) float64 {
	if n == 1 {
		return xs[0]
	}
	if math.IsNaN(v) {
		return v
	}
	if v < ys[0] {
		return xs[0]
	}
	if v > ys[n-1] {
		return xs[n-1]
	}
	j, _ := slices.BinarySearchFunc(ys, v, func(e, t float64) int {
		if e <= t {
			return -1
		}
		return 1
	})
	j--
	if j == n-1 || ys[j] == v {
		return xs[j]
	}
	slope := (xs[j+1] - xs[j]) / (ys[j+1] - ys[j])
	return float64(slope*(v-ys[j])) + xs[j]
}

// Transform32 is Transform for float32 input; the output is float64, as in
// the reference (int64 ranks divided in float64).
func Transform32(x []float32, eps float64) []float64 {
	_, g := FitTransform32(x, eps)
	return g
}

// Fit32 is Fit for float32 training values.
func Fit32(train []float32, eps float64) *Model {
	m, _ := FitTransform32(train, eps)
	return m
}

// FitTransform32 is FitTransform for float32 input.
func FitTransform32(x []float32, eps float64) (*Model, []float64) {
	w := make([]float64, len(x))
	for i, v := range x {
		w[i] = float64(v)
	}
	return FitTransform(w, eps)
}
