package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// randomMatrix returns B blocks of K arms of lognormal timings with block
// drift and per-arm effects.
func randomMatrix(r *rand.Rand, B, K int) [][]float64 {
	m := make([][]float64, B)
	for b := range m {
		drift := math.Exp(0.05 * r.NormFloat64())
		m[b] = make([]float64, K)
		for k := range m[b] {
			m[b][k] = 1000 * drift * math.Exp(0.01*float64(k)+0.03*r.NormFloat64())
		}
	}
	return m
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// estimators lists the continuous analyses that the properties cover.
var estimators = []Options{
	{Estimator: LogRatio},
	{Estimator: Ratio},
	{Estimator: Ratio, Scale: Linear},
}

func TestPropertySwapNegatesLogScale(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		m := randomMatrix(r, 2+r.IntN(40), 2)
		for _, opt := range estimators[:2] {
			ab, err := RelativeDifference(m, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			ba, err := RelativeDifference(m, 1, opt)
			if err != nil {
				t.Fatal(err)
			}
			x, y := ab[0], ba[0]
			if !near(x.Phi, -y.Phi, 1e-12) || !near(x.SE, y.SE, 1e-9) {
				t.Fatalf("case %d %s: phi %g vs %g, se %g vs %g", i, opt.Estimator, x.Phi, y.Phi, x.SE, y.SE)
			}
			// The CI of the swapped comparison is the reciprocal interval.
			if !near(1/(1+x.CIHi)-1, y.CILo, 1e-9) || !near(1/(1+x.CILo)-1, y.CIHi, 1e-9) {
				t.Fatalf("case %d %s: CI [%g, %g] vs swapped [%g, %g]", i, opt.Estimator, x.CILo, x.CIHi, y.CILo, y.CIHi)
			}
			if x.Significant != y.Significant {
				t.Fatalf("case %d: significance differs after swapping", i)
			}
		}
	}
}

func TestPropertyScaleInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		m := randomMatrix(r, 2+r.IntN(40), 2+r.IntN(4))
		c := math.Exp(10 * r.NormFloat64())
		scaled := make([][]float64, len(m))
		for b, row := range m {
			for _, v := range row {
				scaled[b] = append(scaled[b], c*v)
			}
		}
		for _, opt := range estimators {
			a, err := RelativeDifference(m, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			s, err := RelativeDifference(scaled, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			for k := range a {
				if !near(a[k].Estimate, s[k].Estimate, 1e-12) || !near(a[k].CILo, s[k].CILo, 1e-9) ||
					!near(a[k].CIHi, s[k].CIHi, 1e-9) || !near(a[k].SE, s[k].SE, 1e-9) {
					t.Fatalf("case %d %s scale %g: %+v vs %+v", i, opt.Estimator, c, a[k], s[k])
				}
			}
		}
	}
}

func TestPropertyConstantRatioZeroSE(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 200 {
		B := 2 + r.IntN(30)
		ratio := math.Exp(0.3 * r.NormFloat64())
		m := make([][]float64, B)
		for b := range m {
			y := 1000 * math.Exp(r.NormFloat64())
			m[b] = []float64{y, ratio * y}
		}
		for _, opt := range estimators {
			e, err := RelativeDifference(m, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			// Rounding ratio·y may leave ~1e-16 of spread; anything larger
			// is a real error.
			if e[0].SE > 1e-13 || !near(e[0].Estimate, ratio-1, 1e-12) || e[0].CIHi-e[0].CILo > 1e-11 {
				t.Fatalf("case %d %s: %+v for constant ratio %g", i, opt.Estimator, e[0], ratio)
			}
		}
	}
	// Exactly representable ratios give exactly SE = 0 and the degenerate CI.
	m := [][]float64{{4, 5}, {8, 10}, {12, 15}, {400, 500}}
	for _, opt := range estimators {
		e, err := RelativeDifference(m, 0, opt)
		if err != nil {
			t.Fatal(err)
		}
		if e[0].SE != 0 || e[0].CILo != 0.25 || e[0].CIHi != 0.25 || !e[0].Significant || e[0].HalfWidth != 0 {
			t.Errorf("%s: %+v, want SE 0 and CI [0.25, 0.25], significant", opt.Estimator, e[0])
		}
	}
}

// The delete-one-block jackknife of a mean is the paired t interval.
func TestPropertyLogRatioIsPairedT(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 100 {
		m := randomMatrix(r, 2+r.IntN(60), 2)
		var d []float64
		for _, row := range m {
			d = append(d, math.Log(row[1])-math.Log(row[0]))
		}
		mean, sd := 0.0, 0.0
		for _, x := range d {
			mean += x
		}
		mean /= float64(len(d))
		for _, x := range d {
			sd += (x - mean) * (x - mean)
		}
		sd = math.Sqrt(sd / float64(len(d)-1))
		e, err := RelativeDifference(m, 0, Options{})
		if err != nil {
			t.Fatal(err)
		}
		tc := TCritical(len(d)-1, 0.95)
		if !near(e[0].SE, sd/math.Sqrt(float64(len(d))), 1e-9) || !near(e[0].CIHi, math.Expm1(mean+tc*e[0].SE), 1e-9) || math.Abs(e[0].Bias) > 1e-12 {
			t.Fatalf("case %d: %+v, mean %g sd %g", i, e[0], mean, sd)
		}
	}
}

func TestPropertyGroupings(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 100 {
		B := 4 + r.IntN(30)
		m := randomMatrix(r, B, 3)
		G := 2 + r.IntN(B-1)
		labels := make([]string, B)
		for b := range labels {
			labels[b] = "g" + strconv.Itoa(b*G/B)
		}
		allLabels := make([]string, B)
		for b := range allLabels {
			allLabels[b] = strconv.Itoa(b)
		}
		for _, opt := range estimators {
			one, err := RelativeDifference(m, 0, opt)
			if err != nil {
				t.Fatal(err)
			}
			all := opt
			all.Groups = B
			gB, err := RelativeDifference(m, 0, all)
			if err != nil {
				t.Fatal(err)
			}
			lab := opt
			lab.GroupLabels = allLabels
			lB, err := RelativeDifference(m, 0, lab)
			if err != nil {
				t.Fatal(err)
			}
			grp := opt
			grp.Groups = G
			g, err := RelativeDifference(m, 0, grp)
			if err != nil {
				t.Fatal(err)
			}
			lab.GroupLabels = labels
			l, err := RelativeDifference(m, 0, lab)
			if err != nil {
				t.Fatal(err)
			}
			for k := range one {
				if !slices.Equal(one[k].Replicates, gB[k].Replicates) || !slices.Equal(one[k].Replicates, lB[k].Replicates) || one[k].SE != gB[k].SE {
					t.Fatalf("case %d %s: G = B differs from delete-one-block", i, opt.Estimator)
				}
				if !slices.Equal(g[k].Replicates, l[k].Replicates) || g[k].DF != G-1 || g[k].Units != G {
					t.Fatalf("case %d %s: contiguous labels differ from Groups = %d", i, opt.Estimator, G)
				}
			}
		}
	}
}

// Reordering blocks permutes the delete-one-block replicates and changes
// nothing else.
func TestPropertyBlockOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 100 {
		m := randomMatrix(r, 3+r.IntN(30), 3)
		perm := r.Perm(len(m))
		p := make([][]float64, len(m))
		for j, b := range perm {
			p[j] = m[b]
		}
		for _, opt := range estimators {
			a, _ := RelativeDifference(m, 0, opt)
			b, _ := RelativeDifference(p, 0, opt)
			for k := range a {
				if !near(a[k].Estimate, b[k].Estimate, 1e-12) || !near(a[k].SE, b[k].SE, 1e-9) {
					t.Fatalf("case %d: order changed the estimate", i)
				}
				for j, blk := range perm {
					if !near(b[k].Replicates[j], a[k].Replicates[blk], 1e-12) {
						t.Fatalf("case %d: replicate %d is not block %d's", i, j, blk)
					}
				}
			}
		}
	}
}

// randomRecords returns binary records of two arms over B blocks and S
// operators, with unbalanced trials.
func randomRecords(r *rand.Rand, B, S int) []BinaryRecord {
	var recs []BinaryRecord
	for b := range B {
		s := "op" + strconv.Itoa(r.IntN(S))
		for arm := range 2 {
			n := 1 + r.IntN(8)
			succ := 0
			for range n {
				if r.Float64() < 0.3+0.4*float64(arm)*r.Float64() {
					succ++
				}
			}
			recs = append(recs, BinaryRecord{Block: b, Stratum: s, Arm: arm, Successes: succ, Trials: n})
		}
	}
	return recs
}

func TestPropertyBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	checked := 0
	for range 300 {
		recs := randomRecords(r, 3+r.IntN(20), 1+r.IntN(4))
		ab, err1 := BinaryRelativeDifference(recs, 0, Options{})
		ba, err2 := BinaryRelativeDifference(recs, 1, Options{})
		if (err1 == nil) != (err2 == nil) {
			// One direction can be undefined (a replicate without baseline
			// successes) while the other is not; only codes may differ then.
			if CodeOf(err1) == "" && CodeOf(err2) == "" {
				t.Fatalf("untyped errors: %v / %v", err1, err2)
			}
			continue
		}
		if err1 != nil {
			continue
		}
		checked++
		// Swapping the arms inverts RR_MH exactly: the numerator and the
		// denominator trade places.
		if !near(ab[0].Phi, -ba[0].Phi, 1e-12) || !near(ab[0].SE, ba[0].SE, 1e-9) {
			t.Fatalf("swap: %g/%g vs %g/%g", ab[0].Phi, ab[0].SE, ba[0].Phi, ba[0].SE)
		}
		// Renaming the strata changes nothing; merging them all gives the
		// crude estimate.
		one := slices.Clone(recs)
		renamed := slices.Clone(recs)
		for i := range one {
			one[i].Stratum = "all"
			renamed[i].Stratum = "x" + renamed[i].Stratum
		}
		rn, err := BinaryRelativeDifference(renamed, 0, Options{})
		if err != nil || !near(rn[0].Phi, ab[0].Phi, 1e-12) || !near(rn[0].SE, ab[0].SE, 1e-9) {
			t.Fatalf("renamed strata changed the result: %v", err)
		}
		mh1, err1 := BinaryRelativeDifference(one, 0, Options{})
		crude, err2 := BinaryRelativeDifference(recs, 0, Options{Estimator: Crude})
		if err1 == nil && err2 == nil && (!near(mh1[0].Phi, crude[0].Phi, 1e-12) || !near(mh1[0].SE, crude[0].SE, 1e-9)) {
			t.Fatalf("one stratum: MH %g±%g vs crude %g±%g", mh1[0].Phi, mh1[0].SE, crude[0].Phi, crude[0].SE)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d random cases were defined", checked)
	}
}
