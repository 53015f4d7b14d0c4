package stats

import (
	"math"
	"testing"
)

func TestStudentLogPValue(t *testing.T) {
	base := []float64{10, 11, 12, 10.5, 11.5}
	head := []float64{12, 13, 12.5, 13.5, 14, 12.8}
	// scipy 1.10.1: stats.ttest_ind(log(head), log(base), equal_var=True).pvalue
	const want = 0.0019072488666122358
	got, err := StudentLogPValue(base, head)
	if err != nil || math.Abs(got-want) > 1e-9 {
		t.Errorf("p = %.15g, %v; want %.15g", got, err, want)
	}
	for _, tc := range []struct {
		a, b []float64
		want float64
	}{{[]float64{2, 2, 2}, []float64{2, 2}, 1}, {[]float64{2, 2, 2}, []float64{3, 3}, 0}} {
		if p, err := StudentLogPValue(tc.a, tc.b); err != nil || p != tc.want {
			t.Errorf("%v vs %v: p = %v, %v; want %v", tc.a, tc.b, p, err, tc.want)
		}
	}
	for _, bad := range [][2][]float64{{{1}, {2}}, {{}, {1, 2, 3}}, {{1, 0, 2}, {1, 2}}} {
		if _, err := StudentLogPValue(bad[0], bad[1]); err == nil {
			t.Errorf("%v vs %v: no error", bad[0], bad[1])
		}
	}
}
