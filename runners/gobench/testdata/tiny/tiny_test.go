package tiny

import (
	"fmt"
	"os"
	"testing"
)

var sink int

func BenchmarkSum(b *testing.B) {
	for b.Loop() {
		sink += Sum(1000)
	}
}

// BenchmarkSizes has sub-benchmarks with a key=value part, a custom
// metric and allocations.
func BenchmarkSizes(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := make([]int, n)
				sink += len(s) + Sum(n)
			}
			b.ReportMetric(float64(n), "widgets/op")
		})
	}
}

// TestData checks that the binary runs in the package's own directory,
// as go test runs it.
func BenchmarkReadsTestdata(b *testing.B) {
	if _, err := os.Stat("testdata/input.txt"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sink++
	}
}
