package stats

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name    string
		in      []float64
		want    Summary
		wantTol float64
	}{
		{name: "empty", in: nil, want: Summary{}},
		{name: "one", in: []float64{7}, want: Summary{N: 1, Mean: 7, Median: 7, P90: 7, P99: 7, Min: 7, Max: 7}},
		{
			// numpy: mean 5.5, median 5.5, percentile 90 -> 9.1, 99 -> 9.91,
			// std(ddof=1) 3.0276503540974917, MAD 2.5.
			name: "one to ten", in: []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5},
			want: Summary{N: 10, Mean: 5.5, Median: 5.5, P90: 9.1, P99: 9.91, Min: 1, Max: 10,
				SD: 3.0276503540974917, MAD: 2.5, CV: 3.0276503540974917 / 5.5},
		},
		{
			// median 10, |dev| = 0,0,0,0,0,1,90 -> MAD 0; mean |dev| = 13;
			// z(100) = 90/(1.253314*13) = 5.52 > 3.5; z(11) = 0.06.
			name: "MAD zero falls back to mean absolute deviation", in: []float64{10, 10, 10, 10, 10, 11, 100},
			want: Summary{N: 7, Mean: 161.0 / 7, Median: 10, P90: 46.60000000000002, P99: 94.66, Min: 10, Max: 100,
				SD: 33.95585369269929, MAD: 0, CV: 33.95585369269929 / (161.0 / 7), Outliers: 1, OutliersHigh: 1},
		},
		{
			name: "outliers both sides", in: []float64{100, 101, 99, 100, 102, 98, 100, 101, 99, 150, 40},
			want: Summary{N: 11, Mean: 1090.0 / 11, Median: 100, P90: 102, P99: 145.2, Min: 40, Max: 150,
				SD: 24.704066650875706, MAD: 1, CV: 24.704066650875706 / (1090.0 / 11), Outliers: 2, OutliersLow: 1, OutliersHigh: 1},
		},
		{name: "NaN skipped", in: []float64{math.NaN(), 2, 4}, want: Summary{N: 2, Mean: 3, Median: 3, P90: 3.8, P99: 3.98, Min: 2, Max: 4, SD: math.Sqrt2, MAD: 1, CV: math.Sqrt2 / 3}},
		{name: "identical", in: []float64{5, 5, 5, 5}, want: Summary{N: 4, Mean: 5, Median: 5, P90: 5, P99: 5, Min: 5, Max: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Summarize(tc.in)
			w := tc.want
			f := func(name string, g, w float64) {
				if !near(g, w, 1e-12) {
					t.Errorf("%s = %.17g, want %.17g", name, g, w)
				}
			}
			if got.N != w.N || got.Outliers != w.Outliers || got.OutliersLow != w.OutliersLow || got.OutliersHigh != w.OutliersHigh {
				t.Errorf("counts = %d/%d/%d/%d, want %d/%d/%d/%d", got.N, got.Outliers, got.OutliersLow, got.OutliersHigh, w.N, w.Outliers, w.OutliersLow, w.OutliersHigh)
			}
			f("mean", got.Mean, w.Mean)
			f("median", got.Median, w.Median)
			f("p90", got.P90, w.P90)
			f("p99", got.P99, w.P99)
			f("min", got.Min, w.Min)
			f("max", got.Max, w.Max)
			f("sd", got.SD, w.SD)
			f("mad", got.MAD, w.MAD)
			f("cv", got.CV, w.CV)
		})
	}
}

func TestSummarizeDoesNotModifyInput(t *testing.T) {
	in := []float64{3, 1, 2}
	Summarize(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Fatalf("input reordered: %v", in)
	}
}

func TestQuantileEnds(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {1.0 / 3, 2}, {-1, 1}, {2, 4}} {
		if got := Quantile(xs, c.p); !near(got, c.want, 1e-15) {
			t.Errorf("Quantile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing is not NaN")
	}
}

func TestBlockValue(t *testing.T) {
	if got := BlockValue([]float64{1, 4, 16}, LogRatio); !near(got, 4, 1e-15) {
		t.Errorf("geometric mean = %v, want 4", got)
	}
	if got := BlockValue([]float64{1, 4, 16}, Ratio); got != 7 {
		t.Errorf("mean = %v, want 7", got)
	}
	if !math.IsNaN(BlockValue([]float64{1, 0}, LogRatio)) || !math.IsNaN(BlockValue(nil, Ratio)) {
		t.Error("undefined block values are not NaN")
	}
}
