package stats

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// The bar: 10 arms × 1,000 blocks well under 10 ms.
func BenchmarkRelativeDifference10x1000(b *testing.B) {
	m := randomMatrix(rand.New(rand.NewPCG(1, 1)), 1000, 10)
	for _, opt := range []Options{{}, {Estimator: Ratio}, {Groups: 20}} {
		b.Run(opt.Estimator.String()+"/groups="+strconv.Itoa(opt.Groups), func(b *testing.B) {
			for b.Loop() {
				if _, err := RelativeDifference(m, 0, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBinaryRelativeDifference(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	var recs []BinaryRecord
	for blk := range 1000 {
		s := "op" + strconv.Itoa(blk%5)
		for arm := range 10 {
			recs = append(recs, BinaryRecord{Block: blk, Stratum: s, Arm: arm, Successes: r.IntN(5), Trials: 5})
		}
	}
	for b.Loop() {
		if _, err := BinaryRelativeDifference(recs, 0, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummarize10000(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	xs := make([]float64, 10000)
	for i := range xs {
		xs[i] = r.ExpFloat64()
	}
	for b.Loop() {
		Summarize(xs)
	}
}
