package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBinomialQuantile(t *testing.T) {
	// docs/statistics.md, "A/A calibration": flag more than 4, 7, 11, 18 false positives.
	for _, c := range []struct{ n, want int }{{20, 4}, {50, 7}, {100, 11}, {200, 18}, {1, 1}, {0, 0}} {
		if got := BinomialQuantile(c.n, 0.05, 0.99); got != c.want {
			t.Errorf("BinomialQuantile(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	if got := BinomialQuantile(10, 0.5, 0.5); got != 5 {
		t.Errorf("median of Binomial(10, 0.5) = %d, want 5", got)
	}
}

func TestAAFalsePositives(t *testing.T) {
	// Ten identical arms and one that differs a lot: one "false positive".
	r := rand.New(rand.NewPCG(41, 42))
	m := make([][]float64, 20)
	for b := range m {
		m[b] = make([]float64, 11)
		for k := range m[b] {
			m[b][k] = 100 * math.Exp(0.01*r.NormFloat64())
		}
		m[b][10] *= 1.5
	}
	res, err := AAFalsePositives(m, 0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, e := range res.Estimates {
		if e.Significant {
			count++
		}
	}
	if res.Comparisons != 10 || res.FalsePositives != count || count < 1 || !res.Estimates[9].Significant {
		t.Fatalf("%+v", res)
	}
	if res.Rate != float64(count)/10 || !near(res.Expected, 0.5, 1e-12) || res.Limit != BinomialQuantile(10, 0.05, 0.99) {
		t.Fatalf("rate/expected/limit: %+v", res)
	}
	if res.Flagged != (count > res.Limit) {
		t.Fatal("flag disagrees with the limit")
	}
	if !near(res.MaxAbsEstimate, math.Abs(res.Estimates[9].Estimate), 1e-15) || res.MedianHalfWidth <= 0 {
		t.Fatalf("noise floor: %+v", res)
	}
	if _, err := AAFalsePositives(m[:1], 0, Options{}); CodeOf(err) != CodeInsufficientBlocks {
		t.Fatalf("one block: %v", err)
	}
}

// A Monte-Carlo A/A check of the whole CI construction (docs/statistics.md, "A/A calibration"
// step 1): randomized blocks with random-walk drift, B = 20, 2000
// experiments. A calibrated 95% CI flags 5% ± 3 Monte-Carlo SE.
func TestAACalibrationMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte-Carlo calibration skipped in -short mode")
	}
	r := rand.New(rand.NewPCG(20240607, 1))
	const experiments, B = 2000, 20
	for _, opt := range []Options{{}, {Estimator: Ratio}} {
		fp := 0
		for range experiments {
			m := make([][]float64, B)
			level := 0.0
			for b := range m {
				m[b] = make([]float64, 2)
				for _, k := range r.Perm(2) {
					level += 0.005 * r.NormFloat64()
					m[b][k] = 1000 * math.Exp(level+0.02*r.NormFloat64())
				}
			}
			res, err := AAFalsePositives(m, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			fp += res.FalsePositives
		}
		rate := float64(fp) / experiments
		if rate < 0.035 || rate > 0.065 {
			t.Errorf("%s: A/A false-positive rate %.3f outside [0.035, 0.065]", opt.Estimator, rate)
		}
		t.Logf("%s: A/A false-positive rate %.4f", opt.Estimator, rate)
	}
}
