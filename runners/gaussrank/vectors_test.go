package gaussrank

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jfloat is a vector float: a JSON number or "nan", "inf", "-inf".
type jfloat float64

func (f *jfloat) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		switch s {
		case "nan":
			*f = jfloat(math.NaN())
		case "inf":
			*f = jfloat(math.Inf(1))
		case "-inf":
			*f = jfloat(math.Inf(-1))
		default:
			return &json.UnsupportedValueError{Str: s}
		}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jfloat(v)
	return nil
}

type vector struct {
	Name       string `json:"name"`
	Parameters struct {
		N          int     `json:"n"`
		InputDType string  `json:"input_dtype"`
		Convention string  `json:"convention"`
		Eps        float64 `json:"eps"`
	} `json:"parameters"`
	InputX    []jfloat `json:"input_x"`
	Ranks     []int    `json:"ranks"`
	Scaled    []jfloat `json:"scaled"`
	Transform []jfloat `json:"transform"`
	MapX      []jfloat `json:"map_x"`
	MapY      []jfloat `json:"map_y"`
	Roundtrip []jfloat `json:"inverse_roundtrip"`
	Queries   []jfloat `json:"inverse_queries"`
	Outputs   []jfloat `json:"inverse_outputs"`
}

func floats(v []jfloat) []float64 {
	out := make([]float64, len(v))
	for i, f := range v {
		out[i] = float64(f)
	}
	return out
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	files, err := filepath.Glob("testdata/vectors/gaussrank_*.json")
	if err != nil || len(files) < 8 {
		t.Fatalf("want the 8 oracle vector files in testdata/vectors, found %d (%v)", len(files), err)
	}
	var vs []vector
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vs = append(vs, v)
	}
	return vs
}

// same reports bit-level equality, treating every NaN as equal.
func same(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || a != a && b != b
}

func close13(a, b float64) bool {
	if same(a, b) {
		return true
	}
	d := math.Abs(a - b)
	return d <= 1e-13 || d <= 1e-13*math.Abs(b)
}

// ranksOf recovers ordinal ranks from a Workspace sort.
func ranksOf(t *testing.T, x []float64, x32 []float32) []int {
	t.Helper()
	var ws Workspace
	if x32 != nil {
		ws.FitTransform32(x32, 1e-6, nil, nil)
	} else {
		ws.FitTransform(x, 1e-6, nil, nil)
	}
	n := max(len(x), len(x32))
	w := ws.order
	if len(w) != n || !sortedBy(w, x, x32) {
		t.Fatal("the workspace's last order is not the sorted permutation")
	}
	r := make([]int, n)
	seen := make([]bool, n)
	for k, v := range w {
		i := int(uint32(v))
		if i >= n || seen[i] {
			t.Fatalf("order is not a permutation at %d", k)
		}
		seen[i] = true
		r[i] = k
	}
	return r
}

func sortedBy(w []uint64, x []float64, x32 []float32) bool {
	val := func(k int) float64 {
		i := uint32(w[k])
		if x32 != nil {
			return float64(x32[i])
		}
		return x[i]
	}
	for k := 1; k < len(w); k++ {
		a, b := val(k-1), val(k)
		if a > b || a == b && uint32(w[k-1]) > uint32(w[k]) {
			return false
		}
	}
	return true
}

func TestVectors(t *testing.T) {
	covered := 0
	for _, v := range loadVectors(t) {
		if v.Parameters.Convention != "clip" {
			// The Kaggle "scale" convention is not the blog's transform
			// and is not implemented; its file is kept for reference.
			if !strings.Contains(v.Name, "alt_scale") {
				t.Errorf("%s: unexpected convention %q", v.Name, v.Parameters.Convention)
			}
			continue
		}
		covered++
		t.Run(v.Name, func(t *testing.T) {
			x := floats(v.InputX)
			eps := v.Parameters.Eps
			var x32 []float32
			type fitted struct {
				name string
				m    *Model
				g    []float64
			}
			var fits []fitted
			m, g := FitTransform(x, eps)
			fits = append(fits, fitted{"float64", m, g})
			fits = append(fits, fitted{"Transform+Fit", Fit(x, eps), Transform(x, eps)})
			if v.Parameters.InputDType == "float32" {
				x32 = make([]float32, len(x))
				for i, f := range x {
					x32[i] = float32(f)
					if float64(x32[i]) != f {
						t.Fatalf("input %d (%v) is not a float32", i, f)
					}
				}
				m, g := FitTransform32(x32, eps)
				fits = append(fits, fitted{"float32", m, g})
				fits = append(fits, fitted{"Transform32+Fit32", Fit32(x32, eps), Transform32(x32, eps)})
			}
			if len(v.Ranks) == len(x) && len(x) > 1 {
				for _, r := range [][]int{ranksOf(t, x, nil), ranksOf(t, nil, x32)} {
					if r == nil {
						continue
					}
					for i := range r {
						if r[i] != v.Ranks[i] {
							t.Fatalf("rank[%d] = %d, want %d", i, r[i], v.Ranks[i])
						}
					}
				}
			}
			for k, want := range floats(v.Scaled) {
				r := v.Ranks[k]
				if got := scaledRank(r, float64(len(x)-1), -1+eps, 1-eps); !same(got, want) {
					t.Errorf("scaled rank %d = %v, want %v", r, got, want)
				}
			}
			for _, f := range fits {
				for i, want := range floats(v.Transform) {
					if !close13(f.g[i], want) {
						t.Errorf("%s: transform[%d] = %v, want %v", f.name, i, f.g[i], want)
					}
				}
				xs, ys := f.m.Map()
				for i, want := range floats(v.MapX) {
					if !same(xs[i], want) {
						t.Errorf("%s: map_x[%d] = %v, want %v", f.name, i, xs[i], want)
					}
				}
				for i, want := range floats(v.MapY) {
					if !close13(ys[i], want) {
						t.Errorf("%s: map_y[%d] = %v, want %v", f.name, i, ys[i], want)
					}
				}
				// The round trip queries are our own transform, so the
				// round trip is exact whatever the erfinv ulps.
				back := f.m.Inverse(f.g)
				for i, want := range floats(v.Roundtrip) {
					if !same(back[i], want) {
						t.Errorf("%s: round trip[%d] = %v, want %v", f.name, i, back[i], want)
					}
				}
				// Probe queries lie between the oracle's nodes; evaluate
				// them on the oracle's map_y for bit-exact answers, and on
				// ours within tolerance.
				oracle := &Model{eps: eps}
				for i := range v.MapX {
					oracle.nodes = append(oracle.nodes, node{y: float64(v.MapY[i]), x: float64(v.MapX[i])})
				}
				qs := floats(v.Queries)
				exact := oracle.Inverse(qs)
				ours := f.m.Inverse(qs)
				span := math.Abs(xs[len(xs)-1] - xs[0])
				for i, want := range floats(v.Outputs) {
					if !same(exact[i], want) {
						t.Errorf("%s: inverse(%v) on the oracle map = %v, want %v", f.name, qs[i], exact[i], want)
					}
					if !same(ours[i], want) && !(math.Abs(ours[i]-want) <= 1e-12*max(1, span)) {
						t.Errorf("%s: inverse(%v) = %v, want %v", f.name, qs[i], ours[i], want)
					}
				}
			}
		})
	}
	if covered != 7 {
		t.Fatalf("covered %d clip-convention vector files, want 7", covered)
	}
}
