package stats

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// An explicit-loop jackknife, sharing no algebra with the O(B) code: every
// replicate rebuilds the statistic from the units that are left.
func naiveReplicates(n int, stat func(keep func(unit int) bool) float64) []float64 {
	reps := make([]float64, n)
	for i := range n {
		reps[i] = stat(func(u int) bool { return u != i })
	}
	return reps
}

func TestAgainstNaiveContinuous(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := range 100 {
		B := 3 + r.IntN(25)
		m := randomMatrix(r, B, 3)
		labels := make([]string, B)
		for b := range labels {
			labels[b] = "h" + strconv.Itoa(r.IntN(4))
		}
		for _, opt := range []Options{{}, {Estimator: Ratio}, {Estimator: Ratio, Scale: Linear}, {Estimator: Ratio, GroupLabels: labels}, {GroupLabels: labels}} {
			got, err := RelativeDifference(m, 0, opt)
			if CodeOf(err) == CodeBadGroups {
				continue // fewer than two hosts drawn
			}
			if err != nil {
				t.Fatal(err)
			}
			unitOf := func(b int) int { return b }
			n := B
			if opt.GroupLabels != nil {
				idx := map[string]int{}
				for _, l := range labels {
					if _, ok := idx[l]; !ok {
						idx[l] = len(idx)
					}
				}
				unitOf = func(b int) int { return idx[labels[b]] }
				n = len(idx)
			}
			for _, e := range got {
				k := e.Arm
				stat := func(keep func(int) bool) float64 {
					var sn, sd, sdl float64
					cnt := 0
					for b, row := range m {
						if keep(unitOf(b)) {
							sn += row[k]
							sd += row[0]
							sdl += math.Log(row[k]) - math.Log(row[0])
							cnt++
						}
					}
					switch {
					case opt.Estimator == LogRatio:
						return sdl / float64(cnt)
					case opt.Scale == Linear:
						return sn/sd - 1
					}
					return math.Log(sn / sd)
				}
				if !near(e.Phi, stat(func(int) bool { return true }), 1e-12) {
					t.Fatalf("case %d: phi %g", i, e.Phi)
				}
				for j, w := range naiveReplicates(n, stat) {
					if !near(e.Replicates[j], w, 1e-12) {
						t.Fatalf("case %d %+v: replicate %d = %g, want %g", i, opt, j, e.Replicates[j], w)
					}
				}
			}
		}
	}
}

func TestAgainstNaiveBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	checked := 0
	for i := range 200 {
		B := 3 + r.IntN(15)
		var recs []BinaryRecord
		for b := range B {
			// Some blocks touch one stratum, others two or three.
			for range 1 + r.IntN(3) {
				s := "s" + strconv.Itoa(r.IntN(5))
				for arm := range 3 {
					n := r.IntN(6)
					succ := 0
					if n > 0 {
						succ = r.IntN(n + 1)
					}
					recs = append(recs, BinaryRecord{Block: 10 * b, Stratum: s, Arm: arm, Successes: succ, Trials: n})
				}
			}
		}
		for _, opt := range []Options{{}, {Scale: Linear}, {Estimator: Crude}, {Groups: 3}} {
			got, err := BinaryRelativeDifference(recs, 0, opt)
			if err != nil {
				if CodeOf(err) == "" {
					t.Fatalf("untyped error %v", err)
				}
				continue
			}
			checked++
			n := B
			unitOf := func(block int) int { return block / 10 }
			if opt.Groups > 0 {
				n = opt.Groups
				unitOf = func(block int) int { return (block / 10) * opt.Groups / B }
			}
			for _, e := range got {
				stat := func(keep func(int) bool) float64 {
					tabs := map[string]*Table{}
					for _, rec := range recs {
						if !keep(unitOf(rec.Block)) || (rec.Arm != 0 && rec.Arm != e.Arm) {
							continue
						}
						if tabs[rec.Stratum] == nil {
							tabs[rec.Stratum] = &Table{}
						}
						x := tabs[rec.Stratum]
						if rec.Arm == 0 {
							x.C += float64(rec.Successes)
							x.D += float64(rec.Trials - rec.Successes)
						} else {
							x.A += float64(rec.Successes)
							x.B += float64(rec.Trials - rec.Successes)
						}
					}
					var num, den, a, n1, c, n0 float64
					for _, x := range tabs {
						N := x.A + x.B + x.C + x.D
						if N == 0 {
							continue
						}
						num += x.A * (x.C + x.D) / N
						den += x.C * (x.A + x.B) / N
						a, n1, c, n0 = a+x.A, n1+x.A+x.B, c+x.C, n0+x.C+x.D
					}
					rr := num / den
					if opt.Estimator == Crude {
						rr = (a / n1) / (c / n0)
					}
					if opt.Scale == Linear {
						return rr - 1
					}
					return math.Log(rr)
				}
				if !near(e.Phi, stat(func(int) bool { return true }), 1e-12) {
					t.Fatalf("case %d: phi %g", i, e.Phi)
				}
				reps := naiveReplicates(n, stat)
				if len(e.Replicates) != n {
					// Units without records of this arm pair are not units.
					continue
				}
				for j, w := range reps {
					if !near(e.Replicates[j], w, 1e-12) {
						t.Fatalf("case %d %+v arm %d: replicate %d = %g, want %g", i, opt, e.Arm, j, e.Replicates[j], w)
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d cases defined", checked)
	}
}
