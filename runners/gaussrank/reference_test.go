package gaussrank

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
)

// naive is a direct transcription of the reference: a stable comparison
// argsort (NaN last, -0 == +0), the scaled clipped ranks, erfinv, and
// np.interp by binary search. The fast paths must agree with it exactly.
func naive(x []float64, eps float64) (g, xs, ys []float64) {
	n := len(x)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(a, b int) int {
		xa, xb := x[a], x[b]
		na, nb := xa != xa, xb != xb
		switch {
		case na && nb:
			return 0
		case na:
			return 1
		case nb:
			return -1
		case xa < xb:
			return -1
		case xa > xb:
			return 1
		}
		return 0
	})
	g = make([]float64, n)
	xs = make([]float64, n)
	ys = make([]float64, n)
	for k, i := range perm {
		s := (float64(k)/float64(n-1) - 0.5) * 2
		s = min(max(s, -1+eps), 1-eps)
		y := math.Erfinv(s)
		g[i], xs[k], ys[k] = y, x[i], y
	}
	return g, xs, ys
}

func naiveInterp(v float64, ys, xs []float64) float64 {
	n := len(ys)
	switch {
	case n == 1:
		return xs[0]
	case v != v:
		return v
	case v < ys[0]:
		return xs[0]
	case v > ys[n-1]:
		return xs[n-1]
	}
	// j = max{j : ys[j] <= v}, by bisection as np.interp does.
	j := sort.Search(n, func(i int) bool { return ys[i] > v }) - 1
	if j == n-1 || ys[j] == v {
		return xs[j]
	}
	slope := (xs[j+1] - xs[j]) / (ys[j+1] - ys[j])
	return float64(slope*(v-ys[j])) + xs[j]
}

// inputs returns test inputs of length n that stress ties, signs, zeros,
// NaN and long runs of equal upper key halves.
func inputs(n int) map[string][]float64 {
	out := map[string][]float64{}
	for _, d := range Distributions() {
		out[d] = Generate(n, 11, d)
	}
	u := Generate(n, 3, DistUniform)
	ties := make([]float64, n)
	mixed := make([]float64, n)
	narrow := make([]float64, n)
	lowbits := make([]float64, n)
	for i, v := range u {
		ties[i] = math.Floor(v*7) - 3 // 7 levels, negative too
		mixed[i] = (v - 0.5) * 1e3
		// All in [1, 1+2^-19): equal upper key halves for long runs.
		narrow[i] = 1 + math.Floor(v*4096)*0x1p-31
		// Three levels told apart by the exponent, each with 4096
		// values that differ only below the sorted 32-bit window:
		// long runs of equal windows.
		lowbits[i] = math.Floor(v*3) + 1 + float64(uint32(i*2654435761)>>20)*0x1p-45
		switch i % 97 {
		case 5:
			mixed[i] = math.Copysign(0, -1)
		case 6:
			mixed[i] = 0
		case 7:
			mixed[i] = math.Inf(1)
		case 8:
			mixed[i] = math.Inf(-1)
		case 9:
			mixed[i] = math.NaN()
		}
	}
	out["ties"], out["mixed"], out["narrow"], out["lowbits"] = ties, mixed, narrow, lowbits
	return out
}

func TestAgainstNaive(t *testing.T) {
	for _, n := range []int{1, 2, 3, 17, 100, 1000, 50_000, 300_000} {
		for name, x := range inputs(n) {
			if n == 300_000 && name != "narrow" && name != "mixed" && name != "lowbits" {
				continue // the parallel sort and long runs; keep the test short
			}
			checkAgainstNaive(t, name, x, 1e-6)
			if n <= 1000 {
				checkAgainstNaive(t, name, x, 0.01)
			}
		}
	}
}

func checkAgainstNaive(t *testing.T, name string, x []float64, eps float64) {
	t.Helper()
	n := len(x)
	wg, wxs, wys := naive(x, eps)
	for _, threads := range []int{1, 2, 3} {
		ws := Workspace{Threads: threads}
		m, g := ws.FitTransform(x, eps, nil, nil)
		xs, ys := m.Map()
		for i := range x {
			if !same(g[i], wg[i]) || !same(xs[i], wxs[i]) || !same(ys[i], wys[i]) {
				t.Fatalf("%s n=%d eps=%g threads=%d at %d: g %v want %v, map (%v, %v) want (%v, %v)",
					name, n, eps, threads, i, g[i], wg[i], xs[i], ys[i], wxs[i], wys[i])
			}
		}
		// Round trip, plus queries between and beyond the nodes.
		q := append(slices.Clone(g), -10, 10, math.NaN(), math.Inf(1), math.Inf(-1), 0)
		for k := 0; k+1 < len(wys); k += max(1, len(wys)/50) {
			q = append(q, (wys[k]+wys[k+1])/2, wys[k]+(wys[k+1]-wys[k])/3)
		}
		back := m.Inverse(q)
		for k, v := range q {
			if want := naiveInterp(v, wys, wxs); !same(back[k], want) {
				t.Fatalf("%s n=%d eps=%g threads=%d: inverse(%v) = %v, want %v", name, n, eps, threads, v, back[k], want)
			}
		}
		// float32 input must equal the float64 path on the widened values.
		if threads == 1 && name != "narrow" {
			x32 := make([]float32, n)
			w64 := make([]float64, n)
			for i, v := range x {
				x32[i] = float32(v)
				w64[i] = float64(x32[i])
			}
			g64, xs64, _ := naive(w64, eps)
			m32, g32 := ws.FitTransform32(x32, eps, nil, nil)
			xs32, _ := m32.Map()
			for i := range x {
				if !same(g32[i], g64[i]) || !same(xs32[i], xs64[i]) {
					t.Fatalf("%s float32 n=%d at %d: g %v want %v, map_x %v want %v", name, n, i, g32[i], g64[i], xs32[i], xs64[i])
				}
			}
		}
	}
}

// TestInverseChunks runs the bucketed inverse over several chunks.
func TestInverseChunks(t *testing.T) {
	defer func(c int) { invChunk = c }(invChunk)
	invChunk = 1000
	n := directMax + 5000
	x := Generate(n, 9, DistLognormal)
	m, g := FitTransform(x, 1e-6)
	q := append(slices.Clone(g[:20000]), math.NaN(), -100, 100, 0.5)
	_, wxs, wys := naive(x, 1e-6)
	for k, got := range m.Inverse(q) {
		if want := naiveInterp(q[k], wys, wxs); !same(got, want) {
			t.Fatalf("inverse(%v) = %v, want %v", q[k], got, want)
		}
	}
}

func TestErfApprox(t *testing.T) {
	worst := 0.0
	for v := -7.0; v <= 7; v += 0.000731 {
		worst = max(worst, math.Abs(erfApprox(v)-math.Erf(v)))
	}
	if worst > 1e-10 {
		t.Fatalf("erfApprox is off by %g", worst)
	}
	if !math.IsNaN(erfApprox(math.NaN())) || erfApprox(math.Inf(-1)) != -1 {
		t.Fatal("erfApprox mishandles NaN or -Inf")
	}
}

func TestWorkspaceReuse(t *testing.T) {
	var ws Workspace
	var m *Model
	var g []float64
	for _, n := range []int{1000, 10, 5000} {
		x := Generate(n, uint64(n), DistNormal)
		m, g = ws.FitTransform(x, 1e-6, m, g)
		wg, wxs, _ := naive(x, 1e-6)
		xs, _ := m.Map()
		if len(g) != n || m.Len() != n {
			t.Fatalf("n=%d: got len(g)=%d, m.Len()=%d", n, len(g), m.Len())
		}
		for i := range x {
			if !same(g[i], wg[i]) || !same(xs[i], wxs[i]) {
				t.Fatalf("n=%d reuse mismatch at %d", n, i)
			}
		}
	}
}

func TestEmptyAndSingle(t *testing.T) {
	if g := Transform(nil, 1e-6); len(g) != 0 {
		t.Fatalf("Transform(nil) = %v", g)
	}
	if out := Fit(nil, 1e-6).Inverse([]float64{0}); len(out) != 1 || !math.IsNaN(out[0]) {
		t.Fatalf("empty model inverse = %v, want [NaN]", out)
	}
	g := Transform([]float64{3.5}, 1e-6)
	if len(g) != 1 || !math.IsNaN(g[0]) {
		t.Fatalf("n=1 transform = %v, want [NaN]", g)
	}
	out := Fit([]float64{3.5}, 1e-6).Inverse([]float64{math.NaN(), -1, 7})
	for _, v := range out {
		if v != 3.5 {
			t.Fatalf("n=1 inverse = %v, want 3.5 everywhere", out)
		}
	}
}

// TestErfinvGridMonotone checks that map_y, computed as erfinv of the
// scaled rank grid, is non-decreasing; the inverse relies on it exactly
// as np.interp does.
func TestErfinvGridMonotone(t *testing.T) {
	for _, n := range []int{2_000_003, 1_000_001} {
		den := float64(n - 1)
		prev := math.Inf(-1)
		for k := 0; k < n; k++ {
			y := math.Erfinv(scaledRank(k, den, -1+1e-6, 1-1e-6))
			if y < prev {
				t.Fatalf("n=%d: erfinv grid decreases at rank %d (%v < %v)", n, k, y, prev)
			}
			prev = y
		}
	}
}

// FuzzAgainstNaive checks the fast paths against the reference on
// arbitrary inputs: any bit patterns (NaN payloads, ±0, ±Inf, subnormals),
// any length, float64 and float32.
func FuzzAgainstNaive(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(3))
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice!!"), uint8(0))
	f.Add(make([]byte, 64), uint8(200))
	f.Fuzz(func(t *testing.T, b []byte, epsByte uint8) {
		eps := 1e-6 + float64(epsByte)/300
		var x []float64
		for len(b) >= 8 {
			x = append(x, math.Float64frombits(binary.LittleEndian.Uint64(b)))
			b = b[8:]
		}
		if len(x) == 0 {
			return
		}
		wg, wxs, wys := naive(x, eps)
		m, g := FitTransform(x, eps)
		xs, ys := m.Map()
		for i := range x {
			if !same(g[i], wg[i]) || !same(xs[i], wxs[i]) || !same(ys[i], wys[i]) {
				t.Fatalf("x=%v eps=%g at %d: g %v want %v, map (%v, %v) want (%v, %v)", x, eps, i, g[i], wg[i], xs[i], ys[i], wxs[i], wys[i])
			}
		}
		q := append(slices.Clone(x), g...)
		for k, got := range m.Inverse(q) {
			if want := naiveInterp(q[k], wys, wxs); !same(got, want) {
				t.Fatalf("x=%v: inverse(%v) = %v, want %v", x, q[k], got, want)
			}
		}
		// g itself takes the rows' answers (Model.hints).
		for k, got := range m.Inverse(g) {
			if want := naiveInterp(g[k], wys, wxs); !same(got, want) {
				t.Fatalf("x=%v: inverse of g[%d] = %v, want %v", x, k, got, want)
			}
		}
		x32 := make([]float32, len(x))
		w64 := make([]float64, len(x))
		for i, v := range x {
			x32[i] = math.Float32frombits(uint32(math.Float64bits(v)))
			w64[i] = float64(x32[i])
		}
		wg32, _, _ := naive(w64, eps)
		for i, v := range Transform32(x32, eps) {
			if !same(v, wg32[i]) {
				t.Fatalf("x32=%v: g[%d] = %v, want %v", x32, i, v, wg32[i])
			}
		}
	})
}

// TestConcurrentInverse runs inverses of one model at once: one borrows the
// model's scratch, the others use their own (go test -race checks it). The
// queries are not the training transform, which would need no scratch.
func TestConcurrentInverse(t *testing.T) {
	n := directMax + 1000
	x := Generate(n, 4, DistNormal)
	m, g := FitTransform(x, 1e-6)
	q := g[1:]
	if m.hints(q) != nil {
		t.Fatal("hints taken for a q shorter than the map")
	}
	want := m.Inverse(q)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got := m.Inverse(q)
			for i := range got {
				if !same(got[i], want[i]) {
					errs <- fmt.Errorf("concurrent inverse differs at %d", i)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestSharedKeyBits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		x     []float64
		shift uint
	}{
		{"all equal", []float64{3, 3, 3}, 32},
		{"-0 and +0", []float64{math.Copysign(0, -1), 0}, 32},
		{"sign differs", []float64{-1, 1}, 0},
		{"top exponent bit differs", []float64{1, 2}, 1},
		{"NaN beside 1", []float64{1, math.NaN()}, 1},
		{"same exponent", []float64{0.5, 0.75}, 12},
		{"lowest mantissa bit", []float64{1, math.Nextafter(1, 2)}, 32},
	} {
		for _, threads := range []int{1, 2} {
			if got, _ := sharedKeyBits(tc.x, threads); got != tc.shift {
				t.Errorf("%s, %d threads: shift %d, want %d", tc.name, threads, got, tc.shift)
			}
		}
	}
	// Uniform [0, 1) at 1e6: the sign and the exponent's top bits are shared.
	x := Generate(1_000_000, 0, DistUniform)
	shift, varying := sharedKeyBits(x, 2)
	if shift < 6 || varying>>(64-shift) != 0 || varying>>(63-shift) != 1 {
		t.Errorf("uniform: shift %d, varying %#x", shift, varying)
	}
}

// TestInverseHints checks the inverse of the training transform, which
// answers a query equal to its row's y from the fit's per-row answers
// (Model.hints), against the reference: q = g itself, with long plateaus
// of equal map_y at both ends (eps = 0.3), and g changed away from the
// sampled places, so that many hints are wrong and those queries must be
// located as any other.
func TestInverseHints(t *testing.T) {
	defer func(c int) { invChunk = c }(invChunk)
	for _, n := range []int{1000, directMax + 5000} {
		for _, chunk := range []int{invChunk, 1000} {
			invChunk = chunk
			for _, name := range []string{DistUniform, "ties", "mixed"} {
				x := inputs(n)[name]
				for _, eps := range []float64{1e-6, 0.3} {
					_, wxs, wys := naive(x, eps)
					m, g := FitTransform(x, eps)
					sampled := map[int]bool{}
					for s := range hintSamples {
						sampled[(n-1)*s/(hintSamples-1)] = true
					}
					changed := slices.Clone(g)
					for i := 3; i < n; i += 7 {
						if sampled[i] {
							continue
						}
						switch i % 4 {
						case 0:
							changed[i] = g[(i*31)%n] // another row's value
						case 1:
							changed[i] = (wys[i/2] + wys[i/2+1]) / 2
						case 2:
							changed[i] = math.NaN()
						case 3:
							changed[i] = 100
						}
					}
					for qname, q := range map[string][]float64{"g": g, "changed": changed} {
						if m.hints(q) == nil {
							t.Fatalf("%s n=%d eps=%g q=%s: hints not taken", name, n, eps, qname)
						}
						for k, got := range m.Inverse(q) {
							if want := naiveInterp(q[k], wys, wxs); !same(got, want) {
								t.Fatalf("%s n=%d chunk=%d eps=%g q=%s: inverse(%v) at %d = %v, want %v",
									name, n, chunk, eps, qname, q[k], k, got, want)
							}
						}
					}
					if m.hints(g[:n-1]) != nil || m.hints(changed[1:]) != nil {
						t.Fatalf("%s n=%d: hints taken for a q shorter than the map", name, n)
					}
				}
			}
		}
	}
}

// TestNoHints checks that a Workspace with NoHints keeps no per-row
// answers, even in a model that had them, and that the transform, the map
// and the inverse of the training transform are the same as with them.
func TestNoHints(t *testing.T) {
	for _, n := range []int{1000, directMax + 5000} {
		x := Generate(n, 5, DistChampsLike)
		x32 := Generate32(n, 5, DistNormal)
		for _, dtype := range []string{DTypeFloat64, DTypeFloat32} {
			fit := func(ws *Workspace, m *Model) (*Model, []float64) {
				if dtype == DTypeFloat32 {
					return ws.FitTransform32(x32, 1e-4, m, nil)
				}
				return ws.FitTransform(x, 1e-4, m, nil)
			}
			var with, without Workspace
			without.NoHints = true
			wm, wg := fit(&with, nil)
			if len(wm.rows) != n || wm.hints(wg) == nil {
				t.Fatalf("%s n=%d: the default fit keeps no hints", dtype, n)
			}
			wback := wm.Inverse(wg)
			wxs, wys := wm.Map()
			for name, m := range map[string]*Model{"new": nil, "reused": wm} {
				m, g := fit(&without, m)
				if len(m.rows) != 0 || m.hints(g) != nil {
					t.Fatalf("%s n=%d %s model: NoHints kept %d row answers", dtype, n, name, len(m.rows))
				}
				xs, ys := m.Map()
				back := m.Inverse(g)
				for i := range g {
					if !same(g[i], wg[i]) || !same(xs[i], wxs[i]) || !same(ys[i], wys[i]) || !same(back[i], wback[i]) {
						t.Fatalf("%s n=%d %s model at %d: g %v, map (%v, %v), inverse %v; with hints %v, (%v, %v), %v",
							dtype, n, name, i, g[i], xs[i], ys[i], back[i], wg[i], wxs[i], wys[i], wback[i])
					}
				}
			}
		}
	}
}
